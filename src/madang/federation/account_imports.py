"""The job of an import of Mastodon's CSV lists (madang.accounts.imports, decision 0050): a slice
of addresses a run, each looked up with no unit open (local names in the database, remote ones
known or found by WebFinger through the guarded client), then applied and recorded in one short
write unit that also starts the next run or finishes the import. Here, not in accounts, because
finding a remote account is federation's."""

from __future__ import annotations

import logging
from typing import Any

from madang.accounts import find_account_by_acct
from madang.accounts.imports import JOB, SLICE, apply_import_row, finish_import, pending_rows
from madang.accounts.queries import acct_key
from madang.federation.config import FederationConfig, FederationNotConfigured, config_of
from madang.federation.domain_policy import host_suspended
from madang.federation.resolve import resolve_account
from madang.jobs import enqueue, handler
from madang.models import Account, BulkImport

log = logging.getLogger(__name__)


def _config(db: Any) -> FederationConfig | None:
    try:
        return config_of(db)
    except FederationNotConfigured:
        return None


async def _target(db: Any, config: FederationConfig | None, acct: str) -> tuple[Account | None, str]:
    """The account an address names, or None and why: not_found (no such local account) or
    unreachable (its server did not answer, refused, or is not federated with)."""
    key = acct_key(acct, local_domain=config.host if config else None)
    if key is None:
        return None, "not_found"
    _, _, domain = key.partition("@")
    if not domain:
        async with db.read() as session:
            return await find_account_by_acct(session, key), "not_found"
    if config is None or not config.enabled or await host_suspended(db, domain):
        return None, "unreachable"
    try:
        return await resolve_account(db, config, key), "unreachable"
    except Exception:  # noqa: BLE001 — one bad server must not stop the rest of the list
        log.warning("import: looking up %s failed", key, exc_info=True)
        return None, "unreachable"


@handler(JOB, unit=False)
async def run_import(db: Any, payload: dict) -> None:
    import_id = int(payload["import_id"])
    async with db.read() as session:
        job = await session.get(BulkImport, import_id)
        if job is None or job.state == "finished":
            return
        rows = await pending_rows(session, import_id=import_id, limit=SLICE)
    config = _config(db)
    found = [(row, *await _target(db, config, row.acct)) for row in rows]
    async with db.write() as session:
        job = await session.get(BulkImport, import_id)
        if job is None:
            return
        for row, target, reason in found:
            fresh = await session.get(Account, target.id) if target is not None else None
            await apply_import_row(session, job=job, row=row, target=fresh, reason=reason)
        if not await finish_import(session, import_id=import_id, local_domain=config.host if config else None):
            await enqueue(session, JOB, {"import_id": import_id})
