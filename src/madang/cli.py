"""The `madang` command: serve, worker, migrate, demo, accounts, jobs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from madang.core.settings import Settings
from madang.db import Database

app = typer.Typer(help="마당 — a Korean-first microblog for a city and its citizens.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo city (안양시).", no_args_is_help=True)
accounts_app = typer.Typer(help="Manage accounts.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")
app.add_typer(accounts_app, name="accounts")
media_app = typer.Typer(help="Stored media.", no_args_is_help=True)
app.add_typer(media_app, name="media")
from madang.desk_cli import desk_app  # noqa: E402

app.add_typer(desk_app, name="desk")
from madang.open311_cli import open311_app  # noqa: E402

app.add_typer(open311_app, name="open311")
from madang.records_cli import records_app  # noqa: E402

app.add_typer(records_app, name="records")
from madang.emoji_cli import emoji_app  # noqa: E402

app.add_typer(emoji_app, name="emoji")
from madang.suggestions_cli import suggestions_app  # noqa: E402

app.add_typer(suggestions_app, name="desk-suggestions")
from madang.search_cli import search_app  # noqa: E402

app.add_typer(search_app, name="search")
from madang.doctor_cli import doctor  # noqa: E402

app.command()(doctor)
from madang.backup_cli import backup_app, restore  # noqa: E402

app.add_typer(backup_app, name="backup")
app.command("restore")(restore)
console = Console()
T = TypeVar("T")


def _settings() -> Settings:
    """The settings, or a one-line reason to stop (a published or missing secret key)."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        console.print(f"[red]cannot start: {'; '.join(str(e['msg']) for e in exc.errors())}[/red]", highlight=False)
        raise typer.Exit(2) from None


def _run(fn: Callable[[Database, Settings], Awaitable[T]]) -> T:
    settings = _settings()

    async def main() -> T:
        db = Database.of(settings, replica=False)
        try:
            return await fn(db, settings)
        finally:
            await db.dispose()

    return asyncio.run(main())


@app.command()
def migrate(check: Annotated[bool, typer.Option(
        "--check", help="change nothing: print the database's revision, the newest, and the migrations that "
                        "would run; exit 0 when up to date, 1 when behind, 2 when the database is newer than "
                        "this madang")] = False) -> None:
    """Bring the database schema up to date (Alembic); see docs/ops/upgrading.md."""
    from rich.markup import escape
    from sqlalchemy.exc import SQLAlchemyError

    from madang.db.migrate import migration_state, upgrade

    settings = _settings()
    url = settings.database_url
    try:
        state = migration_state(url)
    except (OSError, SQLAlchemyError) as exc:  # unreachable, refused, no such database…
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        console.print(f"[red]cannot read the database's revision: {escape(reason)}[/red]", highlight=False)
        raise typer.Exit(2) from None
    if check or state.unknown:
        console.print(f"database revision: {state.current or 'none (empty database)'}", highlight=False)
        console.print(f"newest revision:   {state.head}", highlight=False)
        if state.unknown:
            console.print(f"[red]the database is at revision {state.current}, which this version of madang does "
                          "not know: it was migrated by a newer madang (restore the backup taken before that "
                          "upgrade, or install that version again)[/red]", highlight=False)
            raise typer.Exit(2)
        for step in state.pending:
            console.print(f"  would run {step.revision}  {step.description}", highlight=False, markup=False,
                          soft_wrap=True)
        console.print(f"{len(state.pending)} migration(s) to run" if state.pending else "up to date",
                      highlight=False)
        raise typer.Exit(1 if state.pending else 0)
    upgrade(url)
    if settings.federation:
        # The instance actor's key pair, made here rather than by the server at its first
        # federated request (RSA key generation and its library stay out of the web process).
        from madang.federation.keys import ensure_actor_key

        _run(lambda db, _settings: ensure_actor_key(db, None))
    ran = f" (ran {len(state.pending)} migration(s), now at {state.head})" if state.pending else ""
    console.print(f"[green]database is up to date[/green]{ran}", highlight=False)


@app.command()
def serve(workers: Annotated[int, typer.Option(help="web processes")] = 1) -> None:
    """Serve the web UI and the APIs (with the job worker inside unless MADANG_EMBEDDED_WORKER=false),
    writing an access log line per request to standard output unless MADANG_ACCESS_LOG=false;
    over TLS when MADANG_TLS_CERT and MADANG_TLS_KEY name a PEM certificate and key."""
    import os
    import sys

    settings = _settings()  # makes the secret key file before the workers start
    if workers > 1 and not settings.redis_url:
        # Live streams only hear events published in their own process without Redis.
        console.print("[yellow]warning: several web processes without MADANG_REDIS_URL: live streams will "
                      "miss posts made through the other processes[/yellow]")
    # TLS served here when both files are named (the federation lab, or a city without a proxy).
    tls: list[str] = []
    if settings.tls_cert is not None or settings.tls_key is not None:
        unreadable = [f"{name} {path}" for name, path in (("MADANG_TLS_CERT", settings.tls_cert),
                                                          ("MADANG_TLS_KEY", settings.tls_key))
                      if path is None or not os.access(path, os.R_OK)]
        if unreadable:
            console.print(f"[red]cannot start: TLS needs both MADANG_TLS_CERT and MADANG_TLS_KEY as readable PEM "
                          f"files ({', '.join(unreadable)}: missing or unreadable)[/red]", highlight=False)
            raise typer.Exit(2)
        tls = ["--ssl-certfile", str(settings.tls_cert), "--ssl-keyfile", str(settings.tls_key)]
    scheme = "https" if tls else "http"
    public = f" as [bold]{settings.base_url}[/bold]" if settings.domain else ""
    if settings.log_format.lower() == "json":  # standard output carries only the access log's JSON lines
        import logging

        from madang.ops.logging_setup import setup_logging

        setup_logging(settings.log_level, "json")
        logging.getLogger("madang.serve").info("serving on %s://%s:%s", scheme, settings.host, settings.port)
    else:
        console.print(f"마당 is serving on [bold]{scheme}://{settings.host}:{settings.port}[/bold]{public}", highlight=False)
    sys.stdout.flush()
    # A fresh process image for uvicorn: the command line's own modules (typer, rich) would
    # otherwise stay resident in the server for nothing.
    os.execv(sys.executable, [
        sys.executable, "-m", "uvicorn", "madang.asgi:app", "--host", settings.host, "--port", str(settings.port),
        "--workers", str(workers), "--log-level", "warning", "--no-access-log", "--proxy-headers",
        # Open streams never end by themselves: give them 10 s, then close them.
        "--timeout-graceful-shutdown", "10", *tls,
    ])


@app.command()
def worker() -> None:
    """Run background jobs (for deployments with MADANG_EMBEDDED_WORKER=false)."""
    from madang.app import register_jobs
    from madang.jobs import Worker

    register_jobs()

    async def go(db: Database, settings: Settings) -> None:
        from madang import events, mail, push
        from madang.ops.logging_setup import setup_logging

        setup_logging(settings.log_level, settings.log_format)  # docs/ops/logging.md
        # Jobs create notifications and deliver boosts: their events must reach the streams
        # of the web processes (through Redis when it is configured).
        bus = await events.open_bus(settings.redis_url)
        events.attach(db, bus)
        push.attach(db, settings)  # push jobs sign and seal with the instance's settings
        mail.attach(db, settings)  # mail jobs send through the configured SMTP server
        from madang.federation import config as federation_config

        federation_config.attach(db, settings)  # federation jobs: base URL, outbound policy
        from madang.federation import delivery as federation_delivery

        federation_delivery.attach(db, settings)
        from madang.app import _start_periodic_jobs

        await _start_periodic_jobs(db, settings)
        try:
            await Worker(db, poll_seconds=settings.worker_poll_seconds).run_forever()
        finally:
            await bus.close()

    _run(go)


@demo_app.command("load")
def demo_load(if_empty: Annotated[bool, typer.Option("--if-empty", help="only into an empty database")] = False) -> None:
    """Load the demo city: @anyanglove, the mayor and about fifty citizens."""
    from madang.app import register_jobs
    from madang.demo.loader import is_empty, load_demo

    register_jobs()

    async def go(db: Database, settings: Settings) -> bool:
        if if_empty and not await is_empty(db):
            return False
        await load_demo(db, settings)
        return True

    loaded = _run(go)
    console.print("demo city loaded" if loaded else "database is not empty: demo not loaded (data kept)")


@demo_app.command("logins")
def demo_logins() -> None:
    """Print the demo logins: the city, citizens and the mayor, the city's staff, the instance admin."""
    from madang.demo.city import CITY

    settings = Settings()
    table = Table(title=f"마당 demo — {settings.base_url}")
    table.add_column("login")
    table.add_column("password")
    table.add_column("who")
    table.add_column("opens")
    for login in CITY.printed_logins():
        table.add_row(login.username, login.password, login.who, " ".join(login.opens))
    console.print(table)


@accounts_app.command("create")
def accounts_create(
    username: str, email: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    admin: bool = False, organisation: bool = False, verified: bool = False,
) -> None:
    """Create a local account."""
    from madang.accounts import register_account
    from madang.models import User

    async def go(db: Database, settings: Settings) -> None:
        async with db.write() as session:
            account, user = await register_account(
                session, username=username, email=email, password=password, base_url=settings.base_url,
                organisation=organisation, verified=verified)
            if admin:
                (await session.get(User, user.id)).admin = True  # type: ignore[union-attr]

    _run(go)
    console.print(f"created @{username}")


async def _account_by_name(session, username: str):  # type: ignore[no-untyped-def]
    from madang.accounts import find_account_by_acct

    account = await find_account_by_acct(session, username)
    if account is None:
        console.print(f"[red]no account @{username}[/red]")
        raise typer.Exit(1)
    return account


@accounts_app.command("verify")
def accounts_verify(
    username: str,
    organisation: Annotated[bool | None, typer.Option("--organisation/--person")] = None,
    unverify: bool = False,
) -> None:
    """Mark an account as verified (official), optionally as an organisation."""
    from madang.accounts import set_flags

    async def go(db: Database, settings: Settings) -> None:
        async with db.write() as session:
            account = await _account_by_name(session, username)
            await set_flags(session, account, verified=not unverify, organisation=organisation)

    _run(go)
    console.print(f"@{username} {'un' if unverify else ''}verified")


@accounts_app.command("set-password")
def accounts_set_password(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Set an account's password."""
    from madang.accounts import find_user_for_account, set_password

    async def go(db: Database, settings: Settings) -> None:
        async with db.write() as session:
            account = await _account_by_name(session, username)
            user = await find_user_for_account(session, account.id)
            if user is None:
                console.print(f"[red]@{username} has no login[/red]")
                raise typer.Exit(1)
            await set_password(session, user, password)

    _run(go)
    console.print(f"password of @{username} changed")


@accounts_app.command("list")
def accounts_list(limit: int = 100) -> None:
    """List local accounts."""
    from madang.accounts import list_accounts

    async def go(db: Database, settings: Settings):  # type: ignore[no-untyped-def]
        async with db.read() as session:
            return await list_accounts(session, local_only=True, limit=limit)

    table = Table()
    for col in ("username", "display name", "flags", "followers", "posts"):
        table.add_column(col)
    for a in _run(go):
        flags = " ".join(f for f, on in (("organisation", a.organisation), ("verified", a.verified_at is not None),
                                         ("locked", a.locked), ("bot", a.bot)) if on)
        table.add_row(a.username, a.display_name, flags, str(a.followers_count), str(a.statuses_count))
    console.print(table)


@app.command()
def jobs(
    all_states: Annotated[bool, typer.Option("--all", help="include done jobs")] = False,
    retry: Annotated[int | None, typer.Option(help="put a failed job back in the queue")] = None,
) -> None:
    """Pending, running and failed jobs; stuck and failing ones are named (issue 16)."""
    from madang.jobs import find_troubles, list_jobs, retry_job, trouble_note

    async def go(db: Database, settings: Settings):  # type: ignore[no-untyped-def]
        if retry is not None:
            await retry_job(db, retry)
        states = ("pending", "running", "failed", "done") if all_states else ("pending", "running", "failed")
        return await list_jobs(db, states=states), await find_troubles(db)

    table = Table()
    for col in ("id", "name", "state", "attempts", "run at", "last error", "note"):
        table.add_column(col)
    rows, troubles = _run(go)
    for j in rows:
        table.add_row(str(j.id), j.name, j.state, str(j.attempts), j.run_at.isoformat(timespec="seconds"),
                      (j.last_error or "").strip().splitlines()[-1][:80] if j.last_error else "",
                      trouble_note(j, troubles))
    console.print(table if rows else "no pending or failed jobs")
    for what, ids in (("stuck (running past their lease)", troubles.stuck), ("failing (will retry)", troubles.failing),
                      ("failed (out of attempts)", troubles.failed)):
        if ids:
            console.print(f"{len(ids)} {what}: {' '.join(map(str, ids[:20]))}{' …' if len(ids) > 20 else ''}")


if __name__ == "__main__":
    app()


@media_app.command("prune")
def media_prune(days: Annotated[int, typer.Option(help="keep cached remote media newer than this")] = 7) -> None:
    """Remove cached copies of remote media older than DAYS (they link to their server again)."""
    from madang.federation.media_cache import prune_cached_media
    from madang.media.storage import store_of

    async def go(db: Database, settings: Settings) -> int:
        async with db.write() as session:
            return await prune_cached_media(session, store=store_of(settings), days=days)

    count = _run(go)
    console.print(f"pruned {count} cached remote media file(s) older than {days} day(s)")
