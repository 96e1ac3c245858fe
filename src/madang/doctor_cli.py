"""`madang doctor`: checks the settings, the services they name and the machine, and says what to fix
(madang.ops.doctor; docs/ops/logging.md). Exit status 1 when a check fails, 0 otherwise."""

from __future__ import annotations

import asyncio
import os

import typer
from rich.console import Console

console = Console(highlight=False, soft_wrap=True)  # one line a check, whatever the terminal's width
COLOURS = {"OK": "green", "WARN": "yellow", "FAIL": "red"}


def doctor() -> None:
    """Check settings, database, migrations, SMTP, disk, media folder and clock; print what to fix."""
    from pydantic import ValidationError

    from madang.core.settings import Settings
    from madang.ops.doctor import FAIL, UNREAD_KEY, Check, run_checks

    try:
        # Not the key file: loading the settings would make one (the secret key check reads it).
        settings = Settings(secret_key=os.environ.get("MADANG_SECRET_KEY") or UNREAD_KEY)
    except (ValidationError, ValueError) as exc:
        errors = exc.errors() if isinstance(exc, ValidationError) else [{"msg": str(exc), "loc": ()}]
        checks = [Check("settings", FAIL, f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}",
                        "fix that MADANG_* setting") for e in errors]
    else:
        checks = asyncio.run(run_checks(settings))
    width = max(len(c.name) for c in checks)
    for check in checks:
        colour = COLOURS[check.status]
        console.print(f"[{colour}]{check.status:<4}[/{colour}]  {check.name:<{width}}  {check.detail}")
        if check.fix:
            console.print(f"      {'':<{width}}  fix: {check.fix}")
    failed = sum(c.status == FAIL for c in checks)
    warned = sum(c.status == "WARN" for c in checks)
    console.print(f"{len(checks)} checks: {failed} failed, {warned} to look at")
    raise typer.Exit(1 if failed else 0)
