"""The systemd units in docs/ops/backup.md are valid as written (systemd-analyze), and the
service's command line runs."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ops.backup.instances import MADANG, Inst

DOC = Path(__file__).parents[3] / "docs" / "ops" / "backup.md"


def _units() -> dict[str, str]:
    found = re.findall(r"`/etc/systemd/system/(madang-backup\.\w+)`:\n\n```ini\n(.*?)```", DOC.read_text(), re.S)
    return dict(found)


def test_the_documented_timer_and_service_are_valid_units(tmp_path: Path) -> None:
    units = _units()
    assert sorted(units) == ["madang-backup.service", "madang-backup.timer"]
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    for name, body in units.items():
        (tmp_path / name).write_text(body.replace("/opt/madang/.venv/bin/madang", MADANG))
    done = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / n) for n in units)],
                          capture_output=True, text=True, timeout=60)
    # systemd reports a bad setting on standard error and may still exit 0.
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
    calendar = re.search(r"^OnCalendar=(.+)$", units["madang-backup.timer"], re.M)
    assert calendar is not None
    assert subprocess.run(["systemd-analyze", "calendar", calendar.group(1)], capture_output=True,
                          timeout=60).returncode == 0


def test_the_service_command_line_makes_a_backup(tmp_path: Path) -> None:
    from madang.db.migrate import upgrade

    line = re.search(r"^ExecStart=(.+)$", _units()["madang-backup.service"], re.M)
    assert line is not None
    args = shlex.split(line.group(1))
    assert args[0] == "/opt/madang/.venv/bin/madang"
    out_dir = tmp_path / "backups"
    args = [a.replace("/var/backups/madang", str(out_dir)) for a in args[1:]]
    inst = Inst(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}", tmp_path)
    upgrade(inst.url)
    done = inst.madang(*args)
    assert done.returncode == 0, done.stderr
    [archive] = list(out_dir.iterdir())
    assert re.fullmatch(r"madang-\d{8}T\d{6}Z\.tar", archive.name)
