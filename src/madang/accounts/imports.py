"""Importing Mastodon's CSV lists: the accounts one follows, blocks or mutes (decision 0050).

The request only reads the file (``parse_import``: all of it or none, with the line at fault)
and stores it (``create_import``: one row per address and the job, in one transaction). The
job (``accounts.import``, run in ``federation.account_imports``, where remote addresses can be
looked up by WebFinger) tries each address once and records it done or failed here
(``apply_import_row``); once none is pending, ``finish_import`` undoes, in overwrite mode, what
the list does not name. Every step is safe to run twice.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.blocks import block_account, unblock_account
from madang.accounts.follows import follow_account, unfollow_account
from madang.accounts.mutes import mute_account, unmute_account
from madang.accounts.queries import acct_key
from madang.core.clock import utcnow
from madang.core.errors import Conflict, Forbidden, Invalid, NotFound
from madang.core.ids import new_id
from madang.jobs import enqueue
from madang.models import Account, Block, BulkImport, BulkImportRow, Follow, FollowRequest, Mute

KINDS = ("following", "blocking", "muting")
MODES = ("merge", "overwrite")
MAX_ROWS = 7_500  # Mastodon's limit for a following list (and more than its block and mute limits)
MAX_BYTES = 2 * 1024 * 1024
JOB = "accounts.import"
SLICE = 25  # addresses tried per job run: a remote lookup may take seconds each

# Headers of Mastodon's exports (and the `acct` column of madang's own archive).
ADDRESS_HEADERS = ("account address", "acct")
_ADDRESS = re.compile(r"[A-Za-z0-9_.\-]{1,100}(@[A-Za-z0-9.\-]{1,253}(:\d{1,5})?)?")


@dataclass(frozen=True)
class ImportRow:
    acct: str
    show_reblogs: bool = True
    notify: bool = False
    hide_notifications: bool = True


class ImportRefused(Invalid):
    """The file is not a list that can be imported; ``code`` says why, ``line`` where."""

    def __init__(self, code: str, line: int = 0, value: str = "") -> None:
        super().__init__(f"import refused: {code} (line {line})", field="file")
        self.code, self.line, self.value = code, line, value[:100]


def _flag(cell: str | None, default: bool, line: int) -> bool:
    value = (cell or "").strip().lower()
    if value == "":
        return default
    if value in ("true", "false"):
        return value == "true"
    raise ImportRefused("boolean", line, value)


def _address(cell: str, line: int) -> str:
    # A spreadsheet-safe export (text.spreadsheets) may have put a quote before the cell.
    value = cell.strip().removeprefix("'").removeprefix("@")
    user, at, domain = value.partition("@")
    if at and not domain.isascii():  # a server name in Hangul (한국.kr) is stored as xn--…
        try:
            value = f"{user}@{domain.encode('idna').decode('ascii')}"
        except UnicodeError:
            raise ImportRefused("address", line, cell) from None
    if not _ADDRESS.fullmatch(value):
        raise ImportRefused("address", line, cell)
    return value


def parse_import(data: bytes) -> list[ImportRow]:
    """Mastodon's following (``Account address,Show boosts,Notify on new posts,Languages``),
    mutes (``Account address,Hide notifications``) or blocks (an address a line, no header),
    or a bare list of addresses; each address once, in the file's order."""
    if len(data) > MAX_BYTES:
        raise ImportRefused("too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("not_utf8") from None
    try:
        lines = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        raise ImportRefused("unreadable") from None
    columns: dict[str, int] = {}
    if lines and lines[0] and lines[0][0].strip().lower() in ADDRESS_HEADERS:
        columns = {name.strip().lower(): i for i, name in enumerate(lines[0])}
    rows: dict[str, ImportRow] = {}
    for number, cells in enumerate(lines, start=1):
        if columns and number == 1 or not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str | None:
            i = columns.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        acct = _address(cells[0], number)
        key = acct.lower()
        if key in rows:
            continue
        rows[key] = ImportRow(acct, show_reblogs=_flag(cell("show boosts"), True, number),
                              notify=_flag(cell("notify on new posts"), False, number),
                              hide_notifications=_flag(cell("hide notifications"), True, number))
        if len(rows) > MAX_ROWS:
            raise ImportRefused("too_many_rows", number)
    if not rows:
        raise ImportRefused("empty")
    return list(rows.values())


async def create_import(session: AsyncSession, *, account: Account, kind: str, mode: str, rows: list[ImportRow],
                        file_name: str = "") -> BulkImport:
    """The import, its addresses and its job, in the caller's transaction."""
    if kind not in KINDS or mode not in MODES:
        raise Invalid("unknown kind or mode", field="kind")
    if not rows or len(rows) > MAX_ROWS:
        raise ImportRefused("empty" if not rows else "too_many_rows")
    job = BulkImport(id=new_id(), account_id=account.id, kind=kind, mode=mode, state="scheduled",
                     total_items=len(rows), file_name=file_name[:255], created_at=utcnow())
    session.add(job)
    await session.flush()
    await session.execute(insert(BulkImportRow), [
        {"id": new_id(), "import_id": job.id, "position": i, "acct": r.acct, "show_reblogs": r.show_reblogs,
         "notify": r.notify, "hide_notifications": r.hide_notifications, "state": "pending"}
        for i, r in enumerate(rows)])
    await enqueue(session, JOB, {"import_id": job.id})
    return job


@dataclass(frozen=True)
class ImportProgress:
    row: BulkImport
    done: int
    failed: int
    failures: list[tuple[str, str]]  # (address, reason), the first FAILURES_SHOWN

    @property
    def processed(self) -> int:
        return self.done + self.failed

    @property
    def finished(self) -> bool:
        return self.row.state == "finished"


FAILURES_SHOWN = 200


async def _progress(session: AsyncSession, row: BulkImport, *, with_failures: bool) -> ImportProgress:
    counts = dict((await session.execute(
        select(BulkImportRow.state, func.count()).where(BulkImportRow.import_id == row.id)
        .group_by(BulkImportRow.state))).all())
    failures: list[tuple[str, str]] = []
    if with_failures and counts.get("failed"):
        failures = [(a, r or "") for a, r in (await session.execute(
            select(BulkImportRow.acct, BulkImportRow.reason)
            .where(BulkImportRow.import_id == row.id, BulkImportRow.state == "failed")
            .order_by(BulkImportRow.position).limit(FAILURES_SHOWN)))]
    return ImportProgress(row, counts.get("done", 0), counts.get("failed", 0), failures)


async def get_import(session: AsyncSession, *, account: Account, import_id: int) -> ImportProgress:
    row = await session.get(BulkImport, import_id)
    if row is None or row.account_id != account.id:
        raise NotFound("Import not found")
    return await _progress(session, row, with_failures=True)


async def list_imports(session: AsyncSession, *, account: Account, limit: int = 10) -> list[ImportProgress]:
    rows = await session.scalars(select(BulkImport).where(BulkImport.account_id == account.id)
                                 .order_by(BulkImport.id.desc()).limit(limit))
    return [await _progress(session, r, with_failures=False) for r in rows]


async def pending_rows(session: AsyncSession, *, import_id: int, limit: int = SLICE) -> list[BulkImportRow]:
    return list(await session.scalars(
        select(BulkImportRow).where(BulkImportRow.import_id == import_id, BulkImportRow.state == "pending")
        .order_by(BulkImportRow.position).limit(limit)))


async def _mark(session: AsyncSession, row_id: int, state: str, *, reason: str | None = None,
                target_id: int | None = None) -> None:
    await session.execute(update(BulkImportRow).where(BulkImportRow.id == row_id, BulkImportRow.state == "pending")
                          .values(state=state, reason=reason, target_account_id=target_id))


async def apply_import_row(session: AsyncSession, *, job: BulkImport, row: BulkImportRow,
                           target: Account | None, reason: str = "not_found") -> None:
    """Follow, block or mute ``target`` as the row says (again is harmless), or record why not."""
    if target is None:
        await _mark(session, row.id, "failed", reason=reason)
        return
    owner = await session.get(Account, job.account_id)
    if owner is None:  # never left pending: the job's chain would not end
        await _mark(session, row.id, "failed", reason="refused")
        return
    try:
        if target.suspended_at is not None:
            raise Forbidden("suspended")
        if job.kind == "following":
            await follow_account(session, account=owner, target=target, reblogs=row.show_reblogs, notify=row.notify)
        elif job.kind == "blocking":
            await block_account(session, account=owner, target=target)
        else:
            await mute_account(session, account=owner, target=target, notifications=row.hide_notifications)
    except (Invalid, Forbidden, Conflict):  # oneself, a block in the way, a suspended account
        await _mark(session, row.id, "failed", reason="refused", target_id=target.id)
        return
    await _mark(session, row.id, "done", target_id=target.id)


async def finish_import(session: AsyncSession, *, import_id: int, local_domain: str | None = None) -> bool:
    """Once no address is pending: in overwrite mode undo what the list does not name (an
    address that failed but names a known account keeps it), then mark it finished. False
    while addresses are still pending."""
    job = await session.get(BulkImport, import_id)
    if job is None or job.state == "finished":
        return True
    if await pending_rows(session, import_id=import_id, limit=1):
        return False
    if job.mode == "overwrite":
        await _overwrite(session, job, local_domain)
    job.state, job.finished_at = "finished", utcnow()
    await session.flush()
    return True


async def _overwrite(session: AsyncSession, job: BulkImport, local_domain: str | None) -> None:
    named = select(BulkImportRow.target_account_id).where(BulkImportRow.import_id == job.id,
                                                          BulkImportRow.target_account_id.is_not(None))
    keep = set(await session.scalars(named))
    failed = [acct_key(a, local_domain=local_domain) or "" for a in await session.scalars(
        select(BulkImportRow.acct).where(BulkImportRow.import_id == job.id, BulkImportRow.state == "failed"))]
    if failed:
        keep |= set(await session.scalars(select(Account.id).where(Account.acct_key.in_(failed))))
    owner = await session.get(Account, job.account_id)
    if owner is None:
        return
    if job.kind == "following":
        current = set(await session.scalars(select(Follow.target_account_id).where(Follow.account_id == owner.id)))
        current |= set(await session.scalars(select(FollowRequest.target_account_id)
                                              .where(FollowRequest.account_id == owner.id)))
        undo = unfollow_account
    elif job.kind == "blocking":
        current = set(await session.scalars(select(Block.target_account_id).where(Block.account_id == owner.id)))
        undo = unblock_account
    else:
        current = set(await session.scalars(select(Mute.target_account_id).where(Mute.account_id == owner.id)))
        undo = unmute_account
    for target_id in sorted(current - keep):
        target = await session.get(Account, target_id)
        if target is not None:
            await undo(session, account=owner, target=target)
