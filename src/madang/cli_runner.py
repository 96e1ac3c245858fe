"""Running one admin command on the configured database, for the CLI's sub-apps."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console

from madang.core.errors import DomainError
from madang.core.settings import Settings
from madang.db import Database

T = TypeVar("T")


def run_on_database(fn: Callable[[Database], Awaitable[T]], console: Console) -> T:
    """Runs ``fn`` on the configured database; a refused change prints why and exits 1."""
    settings = Settings()

    async def main() -> T:
        db = Database.of(settings, replica=False)
        try:
            return await fn(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except DomainError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
