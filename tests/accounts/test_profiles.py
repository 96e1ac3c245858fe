"""Profile edits, admin flags and the interim bio HTML."""

from __future__ import annotations

import pytest

from madang.accounts import get_account, render_note_html, set_flags, update_profile
from madang.core.errors import Invalid
from madang.db import Database
from tests.accounts.factories import make_account


def test_note_html_escapes_and_keeps_lines() -> None:
    assert render_note_html("") == ""
    assert render_note_html("<b>안녕</b> & \"hi\"") == "<p>&lt;b&gt;안녕&lt;/b&gt; &amp; \"hi\"</p>"
    linked = render_note_html("안양 소식 #안양 https://anyang.go.kr", base_url="https://madang.test")
    assert 'href="https://madang.test/tags/%EC%95%88%EC%96%91"' in linked and 'href="https://anyang.go.kr"' in linked
    assert render_note_html("one\r\ntwo\n\nthree") == "<p>one<br />two</p><p>three</p>"


async def test_update_profile_changes_only_what_is_given(db: Database) -> None:
    async with db.write() as s:
        account = await make_account(s, display_name="처음", note="bio")
        account_id, created = account.id, account.updated_at
    async with db.write() as s:
        account = await get_account(s, account_id)
        await update_profile(
            s, account, display_name="  새 이름 ", locked=True, bot=True, discoverable=False,
            fields=[{"name": "홈페이지", "value": "https://anyang.go.kr"}, {"name": "", "value": ""}],
            avatar_path="avatars/1.png",
        )
    async with db.read() as s:
        account = await get_account(s, account_id)
        assert account.display_name == "새 이름"
        assert account.note == "bio" and account.note_html == "<p>bio</p>"
        assert account.locked and account.bot and not account.discoverable
        assert account.fields == [{"name": "홈페이지", "value": "https://anyang.go.kr", "verified_at": None}]
        assert account.avatar_path == "avatars/1.png" and account.header_path is None
        assert account.updated_at >= created
    async with db.write() as s:
        account = await get_account(s, account_id)
        await update_profile(s, account, note="줄\n바꿈", avatar_path="")
    async with db.read() as s:
        account = await get_account(s, account_id)
        assert account.note_html == "<p>줄<br />바꿈</p>"
        assert account.avatar_path is None
        assert account.display_name == "새 이름"


BAD_CHANGES = [
    {"display_name": "가" * 31},
    {"note": "x" * 501},
    {"fields": [{"name": str(i), "value": "v"} for i in range(5)]},
    {"fields": [{"name": "n", "value": "v" * 256}]},
    {"fields": [{"name": 1, "value": "v"}]},
]


async def test_bad_profile_changes_nothing(db: Database) -> None:
    async with db.write() as s:
        account = await make_account(s, display_name="그대로")
    async with db.write() as s:
        account = await get_account(s, account.id)
        for change in BAD_CHANGES:
            with pytest.raises(Invalid):
                await update_profile(s, account, locked=True, **change)
            assert account.display_name == "그대로" and not account.locked, change
    async with db.read() as s:
        account = await get_account(s, account.id)
        assert account.display_name == "그대로" and not account.locked


async def test_display_name_counts_graphemes(db: Database) -> None:
    family = "👨‍👩‍👧"  # one grapheme, five code points
    async with db.write() as s:
        account = await make_account(s, display_name=family * 20)
    assert len(account.display_name) == 100


async def test_set_flags(db: Database) -> None:
    async with db.write() as s:
        account = await make_account(s)
        await set_flags(s, account, organisation=True, verified=True)
        first = account.verified_at
        assert account.organisation and first is not None
        await set_flags(s, account, verified=True)
        assert account.verified_at == first
        await set_flags(s, account, organisation=False, verified=False)
    async with db.read() as s:
        account = await get_account(s, account.id)
        assert not account.organisation and account.verified_at is None
