"""People and hashtags by lemma (decision 0061): when a query finds none as typed, the name it
bends (`안양시청에서` → 안양시청, `anyang을` → anyang, `#안양천에서` → 안양천) is looked for."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Account, Tag
from madang.search.accounts import search_accounts
from madang.search.tags import search_tags
from madang.text.lemmas import name_forms

MAX_FORMS = 3


async def search_accounts_by_lemma(session: AsyncSession, *, query: str, offset: int = 0,
                                   **options: Any) -> list[Account]:
    found = await search_accounts(session, query=query, offset=offset, **options)
    if found or offset or "@" in query:
        return found
    for form in name_forms(query)[:MAX_FORMS]:
        if found := await search_accounts(session, query=form, **options):
            break
    return found


async def search_tags_by_lemma(session: AsyncSession, *, query: str, offset: int = 0, **options: Any) -> list[Tag]:
    found = await search_tags(session, query=query, offset=offset, **options)
    if found or offset:
        return found
    for form in name_forms(query.strip().lstrip("#＃"))[:MAX_FORMS]:
        if found := await search_tags(session, query=form, **options):
            break
    return found
