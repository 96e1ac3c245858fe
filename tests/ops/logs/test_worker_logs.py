"""`madang worker` as its own process: a job enqueued under a request id is run with it, and the
worker's lines say so, in JSON here (both databases: the claim reads the id back on each)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from madang import mail
from madang.core.request_context import request_id_set
from madang.db import Database

RID = "worker-test-0001"


async def test_the_worker_logs_a_job_with_the_id_of_the_request_that_enqueued_it(db: Database, database_url: str,
                                                                                    tmp_path: Path) -> None:
    async with db.write() as session:
        with request_id_set(RID):
            await mail.send_mail(session, to="seoyeon@example.kr", subject="비밀번호 재설정",
                                 body="http://x/auth/password/s3cr3t-l1nk")
    env = {**os.environ, "MADANG_DATABASE_URL": database_url, "MADANG_WORKER_POLL_SECONDS": "0.2",
           "MADANG_LOG_FORMAT": "json", "MADANG_MAIL_DROP_PATH": str(tmp_path / "mail"),
           "MADANG_SECRET_KEY": "worker-log-test-key-0123456789", "MADANG_PROFILE_LINK_CHECKS": "false"}
    env.pop("MADANG_SMTP_URL", None)
    log = tmp_path / "worker.log"
    with log.open("wb") as err:
        worker = subprocess.Popen([str(Path(sys.executable).with_name("madang")), "worker"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=err, cwd=tmp_path)
        try:
            deadline = time.monotonic() + 60
            while "(mail.send) done" not in log.read_text():
                assert worker.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.1)
        finally:
            worker.terminate()
            worker.wait(timeout=20)
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    mine = [e for e in entries if e["request_id"] == RID]
    assert [e["level"] for e in mine] == ["WARNING", "INFO"]  # the dropped message, then the job's run
    assert "(mail.send) done" in mine[1]["message"] and mine[1]["job"] == "mail.send"
    text = log.read_text()
    assert "seoyeon@example.kr" not in text and "s3cr3t-l1nk" not in text
    [dropped] = (tmp_path / "mail").glob("*.eml")
    assert str(dropped) in mine[0]["message"]
