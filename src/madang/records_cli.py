"""`madang records`: export an account, a hashtag or a case to a verifiable ZIP."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from madang.cli_runner import run_on_database
from madang.db import Database

records_app = typer.Typer(help="Records: verifiable exports of an organisation's posts and cases.",
                          no_args_is_help=True)
console = Console()


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("YYYY-MM-DD", param_hint=option) from None


@records_app.command("export")
def export(
    organisation: Annotated[str, typer.Option(help="the organisation's username, e.g. anyanglove")],
    out: Annotated[Path, typer.Option(help="the ZIP file to write")],
    as_: Annotated[str, typer.Option("--as", help="the office admin (or instance admin) exporting")],
    from_: Annotated[str, typer.Option("--from", help="first Seoul day, YYYY-MM-DD")],
    to: Annotated[str, typer.Option("--to", help="last Seoul day, YYYY-MM-DD")],
    account: Annotated[str | None, typer.Option(help="an account's posts and direct messages")] = None,
    tag: Annotated[str | None, typer.Option(help="a hashtag's posts")] = None,
    case: Annotated[str | None, typer.Option(help="a 민원 case number, e.g. 2026-000001")] = None,
) -> None:
    """Export one scope (--account, --tag or --case) for a range of days to a ZIP with a manifest."""
    from madang.accounts import find_account_by_acct
    from madang.core.errors import NotFound
    from madang.core.settings import Settings
    from madang.media.storage import store_of
    from madang.records import Scope, export_records

    scopes = [(kind, value) for kind, value in (("account", account), ("tag", tag), ("case", case)) if value]
    if len(scopes) != 1:
        raise typer.BadParameter("give exactly one of --account, --tag, --case")
    scope = Scope(*scopes[0])  # type: ignore[arg-type]
    date_from, date_to = _day(from_, "--from"), _day(to, "--to")
    settings = Settings()
    partial = out.with_name(out.name + ".part")

    async def go(db: Database):  # type: ignore[no-untyped-def]
        async with db.read() as session:
            actor = await find_account_by_acct(session, as_.lstrip("@"))
            if actor is None or actor.domain is not None:
                raise NotFound(f"@{as_.lstrip('@')} 계정이 없습니다")
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TimeRemainingColumn())
        with Progress(*columns, console=console, transient=False) as bar, partial.open("wb") as file:
            task = bar.add_task("내보내는 중", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return await export_records(
                db, organisation=organisation, scope=scope, date_from=date_from, date_to=date_to,
                actor_id=actor.id, out=file, store=store_of(settings), progress=progress,
                time_zone=settings.time_zone)

    try:
        result = run_on_database(go, console)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out)
    console.print(f"{out}: {result.size:,} bytes, " + ", ".join(f"{k} {v:,}" for k, v in result.counts.items()))
    console.print(f"manifest sha256 {result.manifest_sha256}")


@records_app.command("verify")
def verify(path: Path) -> None:
    """Check an exported ZIP against its manifest (exit code 1 on any difference)."""
    from madang.records import manifest_sha256, verify_export

    problems = verify_export(path)
    for problem in problems:
        console.print(f"[red]{problem}[/red]")
    if problems:
        raise typer.Exit(1)
    console.print(f"OK: every file matches its manifest (manifest sha256 {manifest_sha256(path)})")
