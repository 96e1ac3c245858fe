"""The Prometheus configuration and alert rules in docs/ops/monitoring.md are valid for Debian's promtool,
and every madang metric they or the table name is one madang exports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from madang.db import Database
from madang.ops.metrics import Metrics

DOC = Path(__file__).resolve().parents[3] / "docs" / "ops" / "monitoring.md"



def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.S)


def test_config_and_rules_pass_promtool(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("Debian's prometheus (promtool) is not installed (make system-deps)")
    config, rules = _yaml_blocks()
    token = tmp_path / "madang.token"
    token.write_text("x" * 20)
    (tmp_path / "prometheus.yml").write_text(config.replace("/etc/prometheus/madang.token", str(token)))
    (tmp_path / "rules.yml").write_text(rules)
    for args in (["check", "config", "prometheus.yml"], ["check", "rules", "rules.yml"]):
        result = subprocess.run([promtool, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr


async def test_documented_metrics_are_exported(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        scraped = (await Metrics("docs-test-token-0123456789", None).scrape(db)).decode()
    finally:
        await db.dispose()
    exported = set(re.findall(r"^# TYPE (madang_[a-z_]+)", scraped, re.M))
    # Only with several processes, only on PostgreSQL, and only with several processes:
    exported |= {"madang_process_up", "madang_db_sessions_waiting_for_lock", "madang_process_resident_memory_bytes"}
    named = set(re.findall(r"\bmadang_[a-z_]+", DOC.read_text()))
    named = {re.sub(r"_(bucket|count|sum)$", "", name) for name in named}
    assert named <= exported, named - exported
    assert exported <= named, exported - named  # and each is documented
