"""One search box, three answers: people, hashtags and posts, by Mastodon's rules of which to look for."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Invalid
from madang.models import Account, Status, Tag
from madang.search.names import search_accounts_by_lemma, search_tags_by_lemma
from madang.search.statuses import StatusSearch, search_statuses
from madang.text import normalize

# Longer than any name or tag; a pasted paragraph is refused rather than cut silently.
MAX_QUERY_CHARACTERS = 200


@dataclass
class SearchResults:
    query: str
    accounts: list[Account] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    # Posts are searched for signed-in viewers only (Mastodon's rule for anonymous callers).
    statuses_searched: bool = False


def check_query(query: str) -> str:
    """The query as searched (NFC, no NUL, trimmed); blank or too long is refused."""
    query = normalize(query or "").strip()
    if not query:
        raise Invalid("Search query can't be blank", field="q")
    if len(query) > MAX_QUERY_CHARACTERS:
        raise Invalid(f"Search query is too long (at most {MAX_QUERY_CHARACTERS} characters)", field="q")
    return query


async def search_everything(
    session: AsyncSession, *, query: str, viewer_id: int | None, limit: int = 20, max_id: int | None = None,
    local_domain: str | None = None, time_zone: str = "Asia/Seoul",
) -> SearchResults:
    """`#…` looks for tags, not people; a query with `@` never names a tag; an `@` with a
    space is not an address. ``max_id`` pages the posts (newest first)."""
    q = check_query(query)
    results = SearchResults(query=q)
    if not q.startswith(("#", "＃")) and not ("@" in q and " " in q):
        results.accounts = await search_accounts_by_lemma(session, query=q, viewer_id=viewer_id, limit=limit)
    if "@" not in q:
        results.tags = await search_tags_by_lemma(session, query=q, limit=limit)
    if viewer_id is not None:
        results.statuses_searched = True
        results.statuses = await search_statuses(
            session, viewer_id=viewer_id, search=StatusSearch(
            query=q, limit=limit, max_id=max_id, local_domain=local_domain, time_zone=time_zone))
    return results
