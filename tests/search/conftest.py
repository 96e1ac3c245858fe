"""A city that wrote the corpus: every post by one citizen, searched by another."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from madang.db import Database
from madang.models import Account
from madang.search import StatusSearch, search_statuses
from tests.factories import make_account, make_status
from tests.search.corpus import POSTS


@dataclass
class Corpus:
    db: Database
    author: Account
    reader: Account
    ids: dict[str, int]  # post key → status id
    keys: dict[int, str]

    async def find(self, query: str, viewer: Account | None = None, **options: object) -> list[str]:
        """The keys of what ``viewer`` (the reader by default) finds, in the order given."""
        viewer = viewer or self.reader
        async with self.db.read() as s:
            found = await search_statuses(s, viewer_id=viewer.id,
                                          search=StatusSearch(query=query, limit=40, **options))  # type: ignore[arg-type]
        return [self.keys.get(st.id, str(st.id)) for st in found]


@pytest.fixture
async def corpus(db: Database) -> Corpus:
    async with db.write() as s:
        author = await make_account(s, username="anyang_citizen")
        reader = await make_account(s, username="reader")
        ids = {}
        for key, text in POSTS.items():
            ids[key] = (await make_status(s, author, text)).id
    return Corpus(db=db, author=author, reader=reader, ids=ids, keys={v: k for k, v in ids.items()})
