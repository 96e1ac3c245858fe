"""Exporting an organisation's records for a range of Seoul days to a verifiable ZIP.

The rows are read in keyset-paged batches, each in its own short read unit (on SQLite a long
read would hold back the WAL checkpoint), written to temporary files while they come, and
copied into the ZIP at the end with manifest.json last: the manifest lists every file with
its size and SHA-256. The export is logged before the first row is read (an export that
fails half-way is logged too) and completed with the archive's size and the manifest's sum."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts import get_account
from madang.core.clock import utcnow
from madang.db import Database
from madang.desk.organisations import get_organisation
from madang.media.storage import MediaStore
from madang.models import Account, MediaAttachment, Status, StatusEdit
from madang.models.desk import CaseEvent, Department, PersonalDataView
from madang.records import rows as R
from madang.records.archive import ArchiveWriter, CsvFile, JsonLines, manifest_digest
from madang.records.log import finish_export, start_export
from madang.records.scopes import Plan, Scope, check_range, check_scope, plan_export, require_exporter

FORMAT = "madang-records/1"
BATCH = 1000
Progress = Callable[[int, int], None]  # (rows written, rows in all)

_STATUS = [Status.id, Status.account_id, Status.created_at, Status.edited_at, Status.deleted_at, Status.visibility,
           Status.in_reply_to_id, Status.in_reply_to_account_id, Status.reblog_of_id, Status.language,
           Status.sensitive, Status.spoiler_text, Status.text, Status.content, Status.url, Status.uri]
_EDIT = [StatusEdit.id, StatusEdit.status_id, StatusEdit.account_id, StatusEdit.created_at, StatusEdit.language,
         StatusEdit.sensitive, StatusEdit.spoiler_text, StatusEdit.text, StatusEdit.content,
         StatusEdit.media_attachment_ids, StatusEdit.media_descriptions, StatusEdit.poll_options]
_MEDIA = [MediaAttachment.id, MediaAttachment.status_id, MediaAttachment.position, MediaAttachment.file_key,
          MediaAttachment.content_type, MediaAttachment.description, MediaAttachment.remote_url]


@dataclass
class ExportResult:
    export_id: int
    file_name: str
    size: int
    manifest_sha256: str
    counts: dict[str, int]


def file_name_for(organisation: str, scope: Scope, date_from: date, date_to: date) -> str:
    value = re.sub(r"[^\w-]+", "-", scope.value).strip("-")[:60] or "x"
    return f"records-{organisation}-{scope.kind}-{value}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.zip"


async def export_records(
    db: Database, *, organisation: str, scope: Scope, date_from: date | None, date_to: date | None,
    actor_id: int, out: BinaryIO, store: MediaStore | None = None, progress: Progress | None = None,
    time_zone: str = "Asia/Seoul", batch: int = BATCH,
) -> ExportResult:
    """Writes the archive to ``out`` (any writable binary file; it need not seek). Raises
    Forbidden for anyone but the organisation's office admins and the instance's admins,
    NotFound/Invalid for a scope or range that names nothing, before anything is written."""
    check_range(date_from, date_to)
    scope = check_scope(scope.kind, scope.value)
    assert date_from is not None and date_to is not None
    zone = ZoneInfo(time_zone)
    async with db.read() as session:
        org = await get_organisation(session, organisation)
        actor = await get_account(session, actor_id)
        await require_exporter(session, organisation=org, actor=actor)
        plan = await plan_export(session, organisation=org, scope=scope, date_from=date_from, date_to=date_to,
                                 time_zone=time_zone)
        total = await _count(session, plan)
    name = file_name_for(org.username, scope, date_from, date_to)
    async with db.write() as session:
        entry = start_export(session, actor=actor, organisation=org, scope=scope, date_from=date_from,
                             date_to=date_to, file_name=name)
        if plan.case is not None:
            # The archive holds the case unmasked: it counts as a look at its personal data.
            session.add(PersonalDataView(case_id=plan.case.id, account_id=actor.id, at=utcnow()))
        await session.flush()
        export_id = entry.id
    counter = _Counting(out)
    writer = ArchiveWriter(counter)  # type: ignore[arg-type]
    job = _Export(db, plan, writer, store, zone, batch, total, progress)
    try:
        await job.run()
    finally:
        job.discard()
    exported_at = utcnow()
    manifest = {
        "format": FORMAT, "organisation": org.username, "scope": {"kind": scope.kind, "value": scope.value},
        "range": {"from": date_from.isoformat(), "to": date_to.isoformat(), "time_zone": time_zone},
        "exported_by": {"id": str(actor.id), "username": actor.username},
        "exported_at": R.iso(exported_at, zone), "export_id": str(export_id),
        "counts": job.counts, "missing_media": job.missing, "files": writer.files,
    }
    data = await asyncio.to_thread(writer.close, manifest)
    digest = manifest_digest(data)
    async with db.write() as session:
        await finish_export(session, export_id=export_id, size=counter.count, manifest_sha256=digest,
                            counts=job.counts)
    return ExportResult(export_id, name, counter.count, digest, job.counts)


async def _count(session: AsyncSession, plan: Plan) -> int:
    total = 0
    for _, condition in plan.passes:
        total += int(await session.scalar(select(func.count()).select_from(Status).where(condition)) or 0)
    if plan.case is not None:
        total += int(await session.scalar(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id == plan.case.id, CaseEvent.at >= plan.start, CaseEvent.at < plan.end)) or 0)
    return total


class _Counting:
    """The caller's file, counting what is written; it offers no seek, so the ZIP streams
    (sizes after each entry) and any writable file will do."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.count = 0

    def write(self, data: bytes) -> int:
        self.out.write(data)
        self.count += len(data)
        return len(data)

    def tell(self) -> int:
        return self.count

    def flush(self) -> None:
        self.out.flush()


class _Export:
    def __init__(self, db: Database, plan: Plan, writer: ArchiveWriter, store: MediaStore | None, zone: ZoneInfo,
                 batch: int, total: int, progress: Progress | None) -> None:
        self.db, self.plan, self.writer, self.store, self.zone = db, plan, writer, store, zone
        self.batch, self.total, self.progress = batch, total, progress
        self.done = 0
        self.missing: list[str] = []
        self.counts: dict[str, int] = {}
        self.posts = JsonLines("posts.jsonl")
        self.posts_csv = CsvFile("posts.csv", R.POST_COLUMNS)
        self.revisions = JsonLines("revisions.jsonl")
        self.revisions_csv = CsvFile("revisions.csv", R.REVISION_COLUMNS)
        self.entries = [self.posts, self.posts_csv, self.revisions, self.revisions_csv]

    def discard(self) -> None:
        for entry in self.entries:
            entry.close()

    async def run(self) -> None:
        for record, condition in self.plan.passes:
            after = 0
            while True:
                async with self.db.read() as session:
                    statuses = (await session.execute(select(*_STATUS).where(condition, Status.id > after)
                                                      .order_by(Status.id).limit(self.batch))).all()
                    if not statuses:
                        break
                    after = statuses[-1].id
                    media = await self._write_batch(session, record, statuses)
                await self._copy_media(media)
                self._tick(len(statuses))
        self.counts["posts"] = self.posts.rows
        self.counts["revisions"] = self.revisions.rows
        if self.plan.case is not None:
            await self._write_case()
        for entry in self.entries:
            await asyncio.to_thread(self.writer.add_entry, entry)
        self.counts["media"] = sum(1 for f in self.writer.files if f["name"].startswith("media/"))

    async def _write_batch(self, session: AsyncSession, record: str, statuses: list[Any]) -> list[Any]:
        ids = [s.id for s in statuses]
        names = await _names(session, {s.account_id for s in statuses})
        edits = (await session.execute(select(*_EDIT).where(StatusEdit.status_id.in_(ids))
                                       .order_by(StatusEdit.id))).all()
        media = sorted((await session.execute(select(*_MEDIA).where(MediaAttachment.status_id.in_(ids)))).all(),
                       key=lambda m: (m.status_id, m.position is None, m.position or 0, m.id))
        by_status: dict[int, list[dict[str, Any]]] = {}
        for m in media:
            by_status.setdefault(m.status_id, []).append(R.media_item(m))
        items = [R.post_row(s, record=record, acct=names.get(s.account_id, ""), media=by_status.get(s.id, []),
                            zone=self.zone) for s in statuses]
        for item in items:
            self.posts.add(item)
        self.posts_csv.add_all(R.post_csv(item) for item in items)
        revisions = [R.revision_row(e, self.zone) for e in edits]
        for item in revisions:
            self.revisions.add(item)
        self.revisions_csv.add_all(revisions)
        return media

    async def _copy_media(self, media: list[Any]) -> None:
        for m in media:
            if not m.file_key:
                continue  # another server's photo not kept here: the record names its address
            name = R.media_name(m.file_key)
            if self.store is None:
                self.missing.append(name)
                continue
            if not await asyncio.to_thread(_copy, self.store, m.file_key, self.writer, name):
                self.missing.append(name)

    async def _write_case(self) -> None:
        case = self.plan.case
        assert case is not None
        events, events_csv = JsonLines("events.jsonl"), CsvFile("events.csv", R.EVENT_COLUMNS)
        self.entries += [events, events_csv]
        after = 0
        while True:
            async with self.db.read() as session:
                rows = (await session.execute(select(CaseEvent).where(
                    CaseEvent.case_id == case.id, CaseEvent.at >= self.plan.start, CaseEvent.at < self.plan.end,
                    CaseEvent.id > after).order_by(CaseEvent.id).limit(self.batch))).scalars().all()
                if not rows:
                    break
                after = rows[-1].id
                names = await _names(session, {r.actor_id for r in rows if r.actor_id is not None})
                session.expunge_all()
            items = [R.event_row(r, case_number=case.number, actor=names.get(r.actor_id or 0), zone=self.zone)
                     for r in rows]
            for item in items:
                events.add(item)
            events_csv.add_all(items)
            self._tick(len(rows))
        self.counts["events"] = events.rows
        async with self.db.read() as session:
            names = await _names(session, {i for i in (case.assignee_id, case.citizen_id) if i is not None})
            department = await session.scalar(select(Department.name).where(Department.id == case.department_id)) \
                if case.department_id else None
            merged = await session.scalar(select(type(case).number).where(type(case).id == case.merged_into_id)) \
                if case.merged_into_id else None
        document = R.case_document(case, names=names, department=department, merged_into=merged, zone=self.zone)
        self.writer.add_bytes("case.json", json.dumps(document, ensure_ascii=False, indent=2).encode())

    def _tick(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done))


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Account.id, Account.username, Account.domain).where(Account.id.in_(ids)))
    return {i: f"{u}@{d}" if d else u for i, u, d in rows}


def _copy(store: MediaStore, key: str, writer: ArchiveWriter, name: str) -> bool:
    try:
        source = store.open(key)
    except (FileNotFoundError, ValueError):
        return False  # a file removed by hand: named in the manifest's missing_media
    with source:
        writer.add_stream(name, source)
    return True
