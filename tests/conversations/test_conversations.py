"""Conversations from real direct statuses and the job, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from madang import conversations
from madang.accounts import block_account
from madang.core.errors import NotFound
from madang.db import Database
from madang.db.paging import Page
from madang.models import AccountConversation
from tests.factories import make_account, make_status, rerun_done_jobs, run_jobs


async def _mine(db: Database, account_id: int) -> list[tuple[list[int], int, bool]]:
    async with db.read() as s:
        rows = await conversations.list_conversations(s, account_id=account_id, page=Page(limit=40))
        return [(r.participant_ids, r.last_status_id, r.unread) for r in rows]


async def test_direct_statuses_make_one_conversation_per_participant(db: Database) -> None:
    async with db.write() as s:
        jiwoo, minho, seoyeon = [await make_account(s, username=n) for n in ("jiwoo", "minho", "seoyeon")]
        first = await make_status(s, jiwoo, "@minho 내일 3시 어때요?", visibility="direct")
        public = await make_status(s, jiwoo, "@minho 공개 글은 대화가 아니에요")
    await run_jobs(db)
    assert await _mine(db, jiwoo.id) == [([minho.id], first.id, False)]
    assert await _mine(db, minho.id) == [([jiwoo.id], first.id, True)]

    async with db.write() as s:
        reply = await make_status(s, minho, "@jiwoo 좋아요!", visibility="direct", in_reply_to=first)
        group = await make_status(s, minho, "@jiwoo @seoyeon 셋이 만나요", visibility="direct")
    await run_jobs(db)
    await rerun_done_jobs(db)  # nothing doubles or moves back
    assert await _mine(db, jiwoo.id) == [([minho.id, seoyeon.id], group.id, True), ([minho.id], reply.id, True)]
    assert await _mine(db, minho.id) == [([jiwoo.id, seoyeon.id], group.id, False), ([jiwoo.id], reply.id, False)]
    assert await _mine(db, seoyeon.id) == [([jiwoo.id, minho.id], group.id, True)]

    async with db.write() as s:
        pair = (await conversations.list_conversations(s, account_id=jiwoo.id, page=Page(limit=1, max_id=group.id)))[0]
        assert (await conversations.mark_conversation_read(s, account_id=jiwoo.id, conversation_id=pair.id)).unread is False
    async with db.read() as s:
        direct = await conversations.list_direct_timeline(s, viewer_id=seoyeon.id, page=Page())
        assert [d.id for d in direct] == [group.id]
        direct = await conversations.list_direct_timeline(s, viewer_id=jiwoo.id, page=Page())
        assert [d.id for d in direct] == [group.id, reply.id, first.id]
    assert public.id not in [r[1] for r in await _mine(db, minho.id)]

    # Others cannot touch my conversation; deleting it leaves theirs.
    with pytest.raises(NotFound):
        async with db.write() as s:
            await conversations.remove_conversation(s, account_id=minho.id, conversation_id=pair.id)
    async with db.write() as s:
        await conversations.remove_conversation(s, account_id=jiwoo.id, conversation_id=pair.id)
    assert [r[0] for r in await _mine(db, jiwoo.id)] == [[minho.id, seoyeon.id]]
    assert len(await _mine(db, minho.id)) == 2


async def test_blocked_author_reaches_no_conversation(db: Database) -> None:
    async with db.write() as s:
        a, b = [await make_account(s, username=n) for n in ("pest", "calm")]
        await block_account(s, account=b, target=a)
        await make_status(s, a, "@calm 답장해요", visibility="direct")
    await run_jobs(db)
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(AccountConversation).where(
            AccountConversation.account_id == b.id)) == 0
        assert await conversations.list_direct_timeline(s, viewer_id=b.id, page=Page()) == []
