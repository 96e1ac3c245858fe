"""A real `madang serve` (with its worker inside, at debug level, in text and in JSON) taken through a
citizen's journey on the demo city: sign in with a password, get an OAuth token and post with it,
file a 민원 as a guest with a phone number and an e-mail address in it, reset a forgotten password
by e-mail (a real SMTP server). Then everything the server wrote is searched for the secrets the
journey used, and the request ids followed from the requests into the jobs they enqueued and the
worker's lines about them (docs/ops/logging.md, decision 0056)."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from madang.demo.city import CITIZEN_PASSWORD, CITY, DEMO_CITIZEN
from tests.mail.smtp import Inbox, smtp_server
from tests.support.serve_process import Served, madang_serve
from tests.web.client import WebClient

NEW_PASSWORD = "새비밀번호-journey-7788"
PHONE = "010-2345-6789"
CASE_EMAIL = "minji.journey@example.test"
CASE_SECRET = "원문에만있는말-가로등XQ7"
CASE_TEXT = f"가로등이 밤새 꺼져 있습니다 {CASE_SECRET}. 연락은 {PHONE} 또는 {CASE_EMAIL} 으로 주세요."
POST_ID = "journey-post-0001"
RESET_ID = "journey-reset-0002"
LINK = re.compile(r"http://[^\s]+(/auth/password/[A-Za-z0-9_-]+)")
# host ident user [time] "request" status bytes "referrer" "user agent" seconds request-id
ACCESS = re.compile(r'^(\S+) - - \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "([A-Z]+) (\S+) HTTP/([\d.]+)" '
                    r'(\d{3}) (\d+|-) "([^"]*)" "([^"]*)" (\d+\.\d{3}) ([\w.:-]+)$')
# time level logger [request-id] message
APP_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|CRITICAL) "
                      r"(\S+) \[([\w.:-]+)\] (.*)$")


@dataclass
class Journey:
    served: Served
    secrets: dict[str, str] = field(default_factory=dict)
    request_ids: dict[str, str] = field(default_factory=dict)  # what the server answered, by step
    jobs: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # request id -> (job id, name)


def wait_until(condition, timeout: float = 30.0, what: str = "") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def jobs_of(database: Path, request_id: str) -> list[tuple[int, str, str]]:
    with sqlite3.connect(database, timeout=10) as con:
        return con.execute("SELECT id, name, state FROM jobs WHERE request_id = ?", (request_id,)).fetchall()


def walk(base: str, inbox: Inbox, journey: Journey) -> None:
    citizen = next(a for a in CITY.accounts if a.username == DEMO_CITIZEN)
    secrets = journey.secrets
    secrets.update(password=CITIZEN_PASSWORD, new_password=NEW_PASSWORD, email=citizen.email, phone=PHONE,
                   phone_digits=PHONE.replace("-", ""), case_email=CASE_EMAIL, case_text=CASE_SECRET)

    # Signing in on the web with a password: the session cookie is a secret.
    web = WebClient(base)
    assert web.sign_in(DEMO_CITIZEN, CITIZEN_PASSWORD).status_code == 303
    secrets["session"] = web.http.cookies["madang_session"]
    home = web.get("/home")
    assert home.status_code == 200 and re.fullmatch(r"[0-9a-f]{32}", home.headers["x-request-id"])

    # An app, a token by the password grant, a post with it (the client's own request id is kept).
    with httpx.Client(base_url=base, timeout=20) as api:
        app = api.post("/api/v1/apps", data={"client_name": "journey", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                             "scopes": "read write"}).json()
        secrets["client_secret"] = app["client_secret"]
        token = api.post("/oauth/token", data={"grant_type": "password", "username": DEMO_CITIZEN,
                                               "password": CITIZEN_PASSWORD, "client_id": app["client_id"],
                                               "client_secret": app["client_secret"], "scope": "read write"})
        assert token.status_code == 200, token.text
        secrets["token"] = token.json()["access_token"]
        bearer = {"Authorization": f"Bearer {secrets['token']}"}
        posted = api.post("/api/v1/statuses", data={"status": "@anyanglove 안양천 산책로 가로등 고쳐 주셔서 고맙습니다"},
                          headers={**bearer, "X-Request-Id": POST_ID})
        assert posted.status_code == 200, posted.text
        journey.request_ids["post"] = posted.headers["x-request-id"]
        assert api.get("/api/v1/timelines/home", headers=bearer).status_code == 200
        # A malformed id is not taken: a new one is made (nothing a client sends can forge a line).
        forged = api.get("/api/v1/instance", headers={"X-Request-Id": "bad id\" 200 - forged"})
        journey.request_ids["forged"] = forged.headers["x-request-id"]

    # A guest's 민원 with a phone number and an e-mail address in it; its link is a secret.
    guest = WebClient(base)
    assert guest.get("/desk/new?org=anyanglove").status_code == 200
    filed = guest.post("/desk/new", {"organisation": "anyanglove", "kind": "grievance", "category": "",
                                     "description": CASE_TEXT, "email": CASE_EMAIL, "phone": PHONE,
                                     "address": "안양시 만안구 안양로 1 앞"})
    assert filed.status_code == 303, filed.text[:2000]
    journey.request_ids["case"] = filed.headers["x-request-id"]
    link = filed.headers["location"].split("?")[0]
    secrets["case_link"] = link.rsplit("/", 1)[1]
    assert guest.get(link).status_code == 200

    # A forgotten password: the link comes by e-mail, the new password signs in.
    forgot = WebClient(base)
    forgot.get("/auth/password")
    asked = forgot.post("/auth/password", {"email": citizen.email}, headers={"X-Request-Id": RESET_ID})
    assert asked.status_code == 200 and asked.headers["x-request-id"] == RESET_ID
    journey.request_ids["reset"] = RESET_ID
    wait_until(lambda: any(m["To"] == citizen.email for m in inbox.messages), what="the reset e-mail")
    [message] = [m for m in inbox.messages if m["To"] == citizen.email]
    reset_path = LINK.search(Inbox.body(message)).group(1)  # type: ignore[union-attr]
    secrets["reset_token"] = reset_path.rsplit("/", 1)[1]
    assert forgot.get(reset_path).status_code == 200
    changed = forgot.post(reset_path, {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD})
    assert changed.status_code in (200, 303), changed.text[:2000]
    assert WebClient(base).sign_in(DEMO_CITIZEN, NEW_PASSWORD).status_code == 303
    assert WebClient(base).sign_in(DEMO_CITIZEN, CITIZEN_PASSWORD).status_code != 303


@pytest.fixture(scope="module", params=["text", "json"])
def journey(request: pytest.FixtureRequest, demo_template: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Journey]:
    fmt = request.param
    folder = tmp_path_factory.mktemp(f"journey-{fmt}")
    with smtp_server() as (smtp_url, inbox), madang_serve(
            demo_template, folder, MADANG_LOG_FORMAT=fmt, MADANG_LOG_LEVEL="debug", MADANG_SMTP_URL=smtp_url,
            MADANG_EMBEDDED_WORKER="true", MADANG_WORKER_POLL_SECONDS="0.2", MADANG_PROFILE_LINK_CHECKS="false",
            MADANG_MAIL_DROP_PATH=str(folder / "mail")) as served:
        journey = Journey(served)
        walk(served.base, inbox, journey)
        database = folder / "serve.sqlite3"
        for rid in (POST_ID, RESET_ID, journey.request_ids["case"]):
            # Every job those requests enqueued has run (or given up) before the server stops.
            wait_until(lambda rid=rid: all(state in ("done", "failed") for _, _, state in jobs_of(database, rid)),
                       what=f"the jobs of request {rid}")
            journey.jobs[rid] = [(job_id, name) for job_id, name, _ in jobs_of(database, rid)]
    yield journey


def test_no_secret_of_the_journey_is_in_any_line(journey: Journey) -> None:
    output = journey.served.output()
    assert len(output) > 1000  # at debug level there is plenty to search
    for name, secret in journey.secrets.items():
        assert secret not in output, f"the {name} is in the server's output"
    assert "@example.org" not in output and "@example.test" not in output  # no e-mail address at all


def test_a_request_id_follows_a_request_into_its_jobs_and_the_worker(journey: Journey) -> None:
    assert journey.request_ids["post"] == POST_ID
    assert journey.request_ids["forged"] != "bad id\" 200 - forged" and len(journey.request_ids["forged"]) == 32
    reset_jobs = journey.jobs[RESET_ID]
    assert "mail.send" in {name for _, name in reset_jobs}
    assert journey.jobs[journey.request_ids["case"]], "filing a 민원 enqueues its intake work"
    lines = records(journey)
    for rid, jobs in journey.jobs.items():
        for job_id, name in jobs:
            mine = [r for r in lines if r["request_id"] == rid and f"job {job_id} ({name})" in r["message"]]
            assert mine, f"no worker line with request id {rid} for job {job_id} ({name})"
    # And the access log line of each of those requests carries it.
    assert {POST_ID, RESET_ID, journey.request_ids["case"]} <= {a["request_id"] for a in accesses(journey)}


def records(journey: Journey) -> list[dict]:
    """The application log's lines (standard error) as dicts, in either format."""
    text = journey.served.stderr.read_text()
    if '"logger"' in text:
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    found = []
    for line in text.splitlines():
        m = APP_LINE.match(line)
        if m:
            found.append({"level": m[1], "logger": m[2], "request_id": None if m[3] == "-" else m[3], "message": m[4]})
    return found


def accesses(journey: Journey) -> list[dict]:
    text = journey.served.stdout.read_text()
    if text.lstrip().startswith("{") or "\n{" in text:
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return [{"target": m[4], "status": int(m[6]), "request_id": m[11]}
            for m in map(ACCESS.match, text.splitlines()) if m]


def test_every_line_has_the_format_asked_for(journey: Journey) -> None:
    stdout = [line for line in journey.served.stdout.read_text().splitlines() if line.strip()]
    stderr = [line for line in journey.served.stderr.read_text().splitlines() if line.strip()]
    access = [line for line in stdout if "마당 is serving" not in line]
    assert len(access) > 15
    if '"type":"access"' in access[0]:
        assert access == stdout  # in JSON, standard output is JSON lines only
        for line in access:
            entry = json.loads(line)
            assert entry["type"] == "access" and set(entry) == {
                "time", "type", "remote_addr", "method", "target", "protocol", "status", "bytes", "referrer",
                "user_agent", "duration", "request_id"}
            assert re.fullmatch(r"[\w.:-]+", entry["request_id"])
        starts = [line for line in stderr if not line.startswith("{")]
        assert not starts, starts[:5]  # every application line is JSON, uvicorn's included
        for line in stderr:
            entry = json.loads(line)
            assert {"time", "level", "logger", "message", "request_id"} <= set(entry)
            assert not isinstance(entry.get("job_id"), int)  # 64-bit ids as strings, as Mastodon's API
    else:
        assert [line for line in access if not ACCESS.match(line)] == []
        # A traceback's lines follow their record; every record line starts as the format says.
        assert all(APP_LINE.match(line) or line.startswith((" ", "Traceback", "\t")) or ":" in line[:60]
                   for line in stderr), stderr[:5]
    assert any(r["level"] == "DEBUG" or r["level"] == "INFO" for r in records(journey))


def test_the_access_log_filters_credential_links(journey: Journey) -> None:
    targets = [a["target"] for a in accesses(journey)]
    assert "/auth/password/[FILTERED]" in targets
    assert any(t.startswith("/desk/g/") and t.endswith("/[FILTERED]") for t in targets)
