"""`madang desk-suggestions …`: the desk's suggested answers (issue 17, decision 0064)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from madang.cli_runner import run_on_database
from madang.db import Database

suggestions_app = typer.Typer(help="Answers suggested at the desk.", no_args_is_help=True)
console = Console(stderr=True)


@suggestions_app.command("reindex")
def reindex_command(
    organisation: Annotated[str | None, typer.Option(help="only this organisation's cases (username)")] = None,
) -> None:
    """Index answered cases not yet indexed (those answered before suggestions existed, or after
    a restore). Resumable: a stopped run carries on where it stopped."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from madang.desk.organisations import get_organisation
    from madang.desk.suggestions.indexing import reindex

    async def go(db: Database) -> int:
        organisation_id = None
        if organisation:
            async with db.read() as session:
                organisation_id = (await get_organisation(session, organisation)).id
        with Progress(SpinnerColumn(), TextColumn("{task.description} {task.completed}"), console=console,
                      transient=True) as bar:
            task = bar.add_task("indexed", total=None)
            return await reindex(db, organisation_id=organisation_id,
                                 progress=lambda n: bar.advance(task, n))

    done = run_on_database(go, console)
    typer.echo(f"indexed {done} answered cases")
