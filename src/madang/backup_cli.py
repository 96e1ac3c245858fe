"""`madang backup …` and `madang restore`: a running instance into one archive and back
(madang.ops.backup; decision 0054, docs/ops/backup.md). Progress goes to standard error."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

backup_app = typer.Typer(help="Back up the instance (database, media, secret key) into one verifiable archive.")
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


def _instance():  # type: ignore[no-untyped-def]
    import os

    from pydantic import ValidationError

    from madang.core.settings import Settings
    from madang.ops.backup import Instance

    try:
        settings = Settings()
    except ValidationError as exc:
        err.print(f"[red]cannot start: {'; '.join(str(e['msg']) for e in exc.errors())}[/red]", highlight=False)
        raise typer.Exit(2) from None
    from_env = bool(os.environ.get("MADANG_SECRET_KEY"))
    from madang.media.storage import location_of

    return Instance(database_url=settings.database_url, media_path=settings.media_path,
                    secret_key_path=None if from_env else settings.secret_key_path,
                    media_location=location_of(settings))


class _Shown:
    """madang.ops.backup.Progress drawn with rich on standard error (plain lines when not a terminal)."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=err, transient=False)
        self.task: object | None = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        from madang.ops.backup import Progress

        self.bar.__enter__()
        return Progress(step=self.step, advance=self.advance, note=lambda m: err.print(f"[yellow]{m}[/yellow]"))

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self._finish()
        self.bar.__exit__(*exc)  # type: ignore[arg-type]

    def _finish(self) -> None:
        if self.task is not None:
            task = self.bar.tasks[-1]
            self.bar.update(self.task, total=task.total or task.completed, completed=task.total or task.completed)

    def step(self, name: str, total: int) -> None:
        self._finish()
        if not err.is_terminal:
            err.print(f"{name}…", highlight=False)
        self.task = self.bar.add_task(name, total=total or None)

    def advance(self, done: int, total: int) -> None:
        if self.task is not None:
            self.bar.update(self.task, completed=done, total=total or None)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]{message}[/red]", highlight=False)
    return typer.Exit(code)


@backup_app.callback(invoke_without_command=True)
def backup(
    ctx: typer.Context,
    out_file: Annotated[Path | None, typer.Option("--out", help="the archive to write (.tar, or .tar.gz to compress)")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="scheduled backups: write madang-<UTC time>.tar here "
                                                                   "and prune by --keep-daily/--keep-weekly")] = None,
    keep_daily: Annotated[int, typer.Option(help="with --out-dir: keep the newest archive of each of the last N days "
                                                 "that have one", min=0)] = 7,
    keep_weekly: Annotated[int, typer.Option(help="with --out-dir: keep the newest archive of each of the last M weeks "
                                                  "that have one", min=0)] = 4,
    gzip: Annotated[bool, typer.Option("--gzip", help="with --out-dir: write .tar.gz")] = False,
    without_secret_key: Annotated[bool, typer.Option("--without-secret-key",
                                                     help="leave the instance's secret key file out")] = False,
) -> None:
    """Write a consistent archive of the running instance: the database (SQLite online backup or
    pg_dump), the media folder, the secret key file, and a manifest of SHA-256 sums."""
    if ctx.invoked_subcommand is not None:
        return
    if (out_file is None) == (out_dir is None):
        raise _fail("give one of --out FILE or --out-dir DIR", 2)
    from datetime import UTC, datetime

    from madang.ops import retention
    from madang.ops.backup import ArchiveError, DatabaseError, create_backup

    instance = _instance()
    target = out_file if out_file is not None else out_dir / retention.archive_name(  # type: ignore[operator]
        datetime.now(UTC), ".tar.gz" if gzip else ".tar")
    try:
        with _Shown() as progress:
            manifest = create_backup(instance, target, include_secret_key=not without_secret_key, progress=progress)
    except (DatabaseError, ArchiveError, OSError) as exc:
        raise _fail(f"backup failed: {exc}") from None
    size = target.stat().st_size
    out.print(f"wrote {target} ({size / 1e6:.1f} MB, {len(manifest.members)} files, {manifest.database} "
              f"at revision {manifest.alembic_revision})", highlight=False)
    if out_dir is not None:
        for path in retention.prune(out_dir, keep_daily=keep_daily, keep_weekly=keep_weekly):
            out.print(f"pruned {path}", highlight=False)


@backup_app.command("verify")
def backup_verify(file: Path) -> None:
    """Check an archive: its manifest, and every member's size and SHA-256. Exit 1 when damaged."""
    from madang.ops.archive import ArchiveError, verify

    try:
        with _Shown() as progress:
            progress.step("checking", file.stat().st_size if file.exists() else 0)
            checked = verify(file, progress.advance)
    except ArchiveError as exc:
        raise _fail(f"damaged: {exc}") from None
    m = checked.manifest
    out.print(f"ok: {checked.members} files, {checked.bytes / 1e6:.1f} MB; {m.database} at revision "
              f"{m.alembic_revision}, madang {m.madang_version}, made {m.created_at}", highlight=False)


def restore(
    file: Path,
    force: Annotated[bool, typer.Option("--force", help="replace a non-empty instance's database and write over "
                                                        "its media folder")] = False,
    without_secret_key: Annotated[bool, typer.Option("--without-secret-key",
                                                     help="keep this instance's secret key file")] = False,
) -> None:
    """Restore an archive made by `madang backup` into this (stopped, empty) instance."""
    from madang.ops.backup import ArchiveError, DatabaseError, RestoreRefused, restore_backup

    instance = _instance()
    try:
        with _Shown() as progress:
            restored = restore_backup(instance, file, force=force, restore_secret_key=not without_secret_key,
                                      progress=progress)
    except RestoreRefused as exc:
        raise _fail(f"refused: {exc}") from None
    except ArchiveError as exc:
        raise _fail(f"damaged archive, nothing restored: {exc}") from None
    except (DatabaseError, OSError) as exc:
        raise _fail(f"restore failed: {exc}") from None
    m = restored.manifest
    out.print(f"restored {m.database} at revision {m.alembic_revision} (made {m.created_at}) and "
              f"{restored.media_files} media files; secret key: {restored.secret_key}", highlight=False)
    if restored.needs_migrate:
        out.print("the archive's schema is older than this madang: run `madang migrate` before starting")
