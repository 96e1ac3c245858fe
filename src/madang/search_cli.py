"""`madang search`: bring the search index up to today's terms (decision 0061, docs/ops/search-reindex.md)."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.console import Console

from madang.cli_runner import run_on_database
from madang.db import Database

search_app = typer.Typer(help="Search: the index of posts (bigrams and lemmas).", no_args_is_help=True)
console = Console()


@search_app.command("reindex")
def reindex(
    batch: Annotated[int, typer.Option(min=10, max=20_000, help="posts a batch (one short write each)")] = 1000,
    restart: Annotated[bool, typer.Option(help="start again from the first post")] = False,
    rebuild: Annotated[bool, typer.Option(help="drop every row first (a change of the bigram cut)")] = False,
    max_batches: Annotated[int | None, typer.Option(help="stop after this many batches (resume later)")] = None,
) -> None:
    """Index every post under today's terms; resumable: a stopped run goes on where it stopped."""
    from madang.statuses import search_reindex

    async def run(db: Database) -> None:
        begun = await search_reindex.start(db, rebuild=rebuild, restart=restart)
        if begun.finished:
            console.print(f"search index: every post is indexed with version {begun.version}; nothing to do")
            return
        total = (await search_reindex.state(db, count=True)).remaining or 0
        console.print(f"search index: version {begun.version}, from post id > {begun.last_id}, "
                      f"{total:,} posts to go, {batch} a batch")
        done, batches, t0, shown = 0, 0, time.monotonic(), 0.0
        while True:
            progress = await search_reindex.step(db, batch=batch)
            done, batches = done + progress.done, batches + 1
            now = time.monotonic()
            if progress.finished or now - shown >= 2:
                rate = done / max(now - t0, 1e-9)
                console.print(f"  {done:,}/{total:,} posts ({100 * done / max(total, 1):.0f}%), "
                              f"{rate:,.0f} posts/s, checkpoint id {progress.last_id}")
                shown = now
            if progress.finished:
                console.print(f"search index: done, version {progress.version}")
                return
            if max_batches is not None and batches >= max_batches:
                console.print(f"search index: stopped after {batches} batches; run again to go on")
                return

    run_on_database(run, console)


@search_app.command("status")
def status() -> None:
    """Which version the index is built with, and how far a reindex run got."""
    from madang.statuses import search_reindex

    async def run(db: Database) -> None:
        p = await search_reindex.state(db, count=True)
        if p.finished:
            console.print(f"search index: version {p.version}, every post indexed")
        else:
            console.print(f"search index: version {p.indexed_version} (today's is {p.version}); reindex at id "
                          f"{p.last_id}, {p.remaining:,} posts to go: run `madang search reindex`")

    run_on_database(run, console)
