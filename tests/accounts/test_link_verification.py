"""rel=me verification of profile-field links: which values are links, which may be fetched, what
counts as a link back, and when the job is enqueued (the fetch itself is tested on a real server
against a loopback page, tests/web/test_profile_fields_web.py)."""

from __future__ import annotations

from sqlalchemy import select

from madang.accounts import get_account, update_profile
from madang.accounts.link_verification import VERIFY_JOB, link_of, links_back, may_fetch
from madang.db import Database
from madang.models import Job
from madang.net import OutboundPolicy
from tests.accounts.factories import make_account

PROFILE = {"https://madang.test/@minji"}


def test_only_a_whole_value_that_is_a_link_is_checked() -> None:
    assert link_of(" https://minji.example/ ") == "https://minji.example/"
    assert link_of("http://127.0.0.1:8000/me") == "http://127.0.0.1:8000/me"
    assert link_of("제 블로그 https://minji.example") is None and link_of("minji.example") is None
    assert link_of("ftp://minji.example") is None


def test_https_only_except_the_hosts_the_operator_allows() -> None:
    none, loopback = OutboundPolicy.parse(""), OutboundPolicy.parse("127.0.0.1/32,devbox")
    assert may_fetch("https://minji.example/", none)
    assert not may_fetch("http://minji.example/", none) and not may_fetch("http://127.0.0.1:8000/", none)
    assert may_fetch("http://127.0.0.1:8000/me", loopback) and may_fetch("http://devbox/me", loopback)
    assert not may_fetch("http://127.0.0.2/me", loopback) and not may_fetch("ftp://127.0.0.1/", loopback)


def test_a_link_back_needs_rel_me_and_the_profile_url() -> None:
    assert links_back('<a rel="me" href="https://madang.test/@minji">마당</a>', PROFILE)
    assert links_back('<link rel="ME author" href="https://madang.test/@minji/">', PROFILE)
    assert not links_back('<a href="https://madang.test/@minji">마당</a>', PROFILE)  # no rel=me
    assert not links_back('<a rel="me" href="https://madang.test/@minji2">다른 사람</a>', PROFILE)
    assert not links_back('<a rel="meh" href="https://madang.test/@minji">x</a>', PROFILE)
    assert not links_back("<p>rel=\"me\" https://madang.test/@minji</p>", PROFILE)  # text, not a link


async def _jobs(db: Database) -> int:
    async with db.read() as s:
        return len(list(await s.scalars(select(Job.id).where(Job.name == VERIFY_JOB))))


async def test_the_job_is_enqueued_with_the_edit_and_a_kept_value_keeps_its_check(db: Database) -> None:
    async with db.write() as s:
        account = await make_account(s)
        account.url = "https://madang.test/@" + account.username
        account_id = account.id
    async with db.write() as s:  # without an allow-list (checks off): no job
        await update_profile(s, await get_account(s, account_id), fields=[{"name": "웹", "value": "https://a.example"}])
    assert await _jobs(db) == 0
    async with db.write() as s:
        await update_profile(s, await get_account(s, account_id), outbound_allow="",
                             fields=[{"name": "웹", "value": "https://a.example"}, {"name": "동네", "value": "평촌"}])
    assert await _jobs(db) == 1
    async with db.write() as s:  # the job's result, as it writes it
        account = await get_account(s, account_id)
        account.fields = [{**account.fields[0], "verified_at": "2026-12-01T00:00:00+00:00"}, account.fields[1]]
    async with db.write() as s:  # the same link kept: verified still, nothing new to check
        await update_profile(s, await get_account(s, account_id), outbound_allow="",
                             fields=[{"name": "홈", "value": "https://a.example"}, {"name": "동네", "value": "안양"}])
    async with db.read() as s:
        fields = (await get_account(s, account_id)).fields
    assert fields[0]["verified_at"] == "2026-12-01T00:00:00+00:00" and fields[1]["verified_at"] is None
    assert await _jobs(db) == 1
    async with db.write() as s:  # a new link: unverified, checked again
        await update_profile(s, await get_account(s, account_id), outbound_allow="",
                             fields=[{"name": "홈", "value": "https://b.example"}])
    async with db.read() as s:
        assert (await get_account(s, account_id)).fields[0]["verified_at"] is None
    assert await _jobs(db) == 2
