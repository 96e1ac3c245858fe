"""`madang open311 …`: the API keys that let Open311 apps post service requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table

from madang.cli_runner import run_on_database
from madang.db import Database

open311_app = typer.Typer(help="Open311 GeoReport v2 (/open311/v2/).", no_args_is_help=True)
keys_app = typer.Typer(help="API keys for Open311 apps that post requests.", no_args_is_help=True)
open311_app.add_typer(keys_app, name="keys")
console = Console()
T = TypeVar("T")


def _run(fn: Callable[[Database], Awaitable[T]]) -> T:
    return run_on_database(fn, console)


@keys_app.command("create")
def keys_create(name: str) -> None:
    """Issue a key for an app (NAME: who it is for). The key is printed once, alone on the last line."""
    from madang.desk.services import create_api_key

    async def go(db: Database) -> str:
        async with db.write() as session:
            _, key = await create_api_key(session, name=name)
            return key

    key = _run(go)
    console.print(f"Open311 API 키 {name} 발급 (이 키는 다시 볼 수 없습니다):")
    # Plain print: scripts read the last line, and rich could wrap or colour it.
    print(key)


@keys_app.command("list")
def keys_list() -> None:
    """Keys by name, with when they were issued and revoked (the keys themselves are not kept)."""
    from madang.desk.services import list_api_keys

    async def go(db: Database):  # type: ignore[no-untyped-def]
        async with db.read() as session:
            return await list_api_keys(session)

    table = Table("name", "created_at", "revoked_at")
    for key in _run(go):
        table.add_row(key.name, key.created_at.isoformat(timespec="seconds"),
                      key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "-")
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(name: str) -> None:
    """Revoke a key: requests posted with it are refused from now on (403)."""
    from madang.desk.services import revoke_api_key

    async def go(db: Database) -> None:
        async with db.write() as session:
            await revoke_api_key(session, name=name)

    _run(go)
    console.print(f"Open311 API 키 {name} 폐기")
