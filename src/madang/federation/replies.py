"""A local post's ``replies`` collection, as Mastodon serves it: the first page lists the
author's own replies (a thread they continue), the next pages everyone else's, oldest first, a
page at a time. Only public and unlisted replies that are not deleted; ids only (a fetcher
fetches each from its origin, as it must for remote ones anyway)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.federation import render
from madang.federation.config import FederationConfig
from madang.federation.documents import PAGE_SIZE, PUBLICLY_SERVED, Served, servable_status
from madang.federation.uris import account_uri
from madang.models import Account, Status


def _local_uri(config: FederationConfig, username: str, status_id: int) -> str:
    return f"{account_uri(config.base_url, username)}/statuses/{status_id}"


async def replies_collection(session: AsyncSession, config: FederationConfig, username: str, status_id: int, *,
                             page: bool, only_other_accounts: bool, min_id: int | None) -> Served:
    found = await servable_status(session, username, status_id)
    if isinstance(found, Served):
        return found
    status, author = found
    uri = f"{status.uri or _local_uri(config, author.username, status.id)}/replies"
    query = (select(Status.id, Status.uri, Account.username).join(Account, Account.id == Status.account_id).where(
        Status.in_reply_to_id == status.id, Status.deleted_at.is_(None), Status.visibility.in_(PUBLICLY_SERVED),
        Status.account_id != author.id if only_other_accounts else Status.account_id == author.id)
        .order_by(Status.id).limit(PAGE_SIZE))
    if min_id is not None:
        query = query.where(Status.id > min_id)
    rows = (await session.execute(query)).all()
    items = [row_uri or _local_uri(config, name, row_id) for row_id, row_uri, name in rows]
    if len(rows) == PAGE_SIZE:
        next_uri = f"{uri}?only_other_accounts={str(only_other_accounts).lower()}&page=true&min_id={rows[-1][0]}"
    elif not only_other_accounts:
        next_uri = f"{uri}?only_other_accounts=true&page=true"  # the author's own are done: everyone else's
    else:
        next_uri = None
    this = f"{uri}?only_other_accounts={str(only_other_accounts).lower()}&page=true" + (
        f"&min_id={min_id}" if min_id is not None else "")
    body = {"id": this, "type": "CollectionPage", "partOf": uri, "items": items}
    if next_uri:
        body["next"] = next_uri
    if page:
        return Served({"@context": render.CONTEXT, **body})
    return Served({"@context": render.CONTEXT, "id": uri, "type": "Collection", "first": body})
