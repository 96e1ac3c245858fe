"""Domain lists as files on the admin pages, on a real server (SQLite and PostgreSQL): blocks
exported in Mastodon's CSV format and imported into a fresh server give the same blocks (after a
preview, each through the block use case: audited, follows severed); a file with bad rows is
refused with line numbers in Korean (and English) and changes nothing; a plain list of domains;
allowed servers kept, exported and imported (decision 0040)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from madang.models import DomainAllow, DomainBlock
from madang.models.moderation_admin import ModerationAction
from tests.conftest import _fresh_url
from tests.support.server import running_server
from tests.web.client import WebClient
from tests.web.test_admin_moderation import _db, citizen, make_admin, text_of

MASTODON_EXPORT = """#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate
spam.example,suspend,false,false,스팸을 보내는 서버,false
quiet.example,silence,true,false,"광고, 도배",true
media.example,noop,true,true,,false
"""


def _blocks(url: str) -> list[tuple]:
    async def read(s):  # type: ignore[no-untyped-def]
        rows = await s.scalars(select(DomainBlock).order_by(DomainBlock.domain))
        return [(b.domain, b.severity, b.reject_media, b.reject_reports, b.public_comment, b.obfuscate) for b in rows]
    return _db(url, read)


def _count(url: str, model) -> int:  # type: ignore[no-untyped-def]
    return _db(url, lambda s: s.scalar(select(func.count()).select_from(model)))


@pytest.fixture
def second_server(request: pytest.FixtureRequest, database_url: str, tmp_path) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """A second, fresh server on the same kind of database."""
    url = _fresh_url("sqlite" if database_url.startswith("sqlite") else "postgresql", request)
    with running_server(url, media_path=tmp_path / "media2") as base:
        yield base, url


def _english_admin(base: str, url: str) -> WebClient:
    from sqlalchemy import update

    from madang.models import Account, User

    web = WebClient(base, accept_language="en")
    assert web.sign_up("english_admin").status_code == 303

    async def promote(s):  # type: ignore[no-untyped-def]
        account_id = select(Account.id).where(Account.username == "english_admin").scalar_subquery()
        await s.execute(update(User).where(User.account_id == account_id).values(admin=True, locale="en"))
    _db(url, promote)
    return web


def _data_field(html: str) -> str:
    found = re.search(r'name="data" value="([^"]*)"', html)
    assert found, html[:2000]
    return found.group(1)


def _import(admin: WebClient, text: str, kind: str = "blocks", *, as_file: bool = True) -> httpx.Response:
    admin.get(f"/admin/domain-import?kind={kind}")
    if as_file:
        return admin.post("/admin/domain-import", {"kind": kind},
                          files={"file": ("list.csv", text.encode(), "text/csv")})
    return admin.post("/admin/domain-import", {"kind": kind, "text": text})


def test_blocks_exported_and_imported_into_a_fresh_server_are_the_same(
        web_base: str, database_url: str, second_server: tuple[str, str]) -> None:
    admin = make_admin(web_base, database_url, "city_admin")
    assert 'href="/admin/domain-blocks.csv"' in admin.get("/admin/domain-blocks").text
    preview = _import(admin, MASTODON_EXPORT)
    assert preview.status_code == 200, preview.text[:2000]
    shown = text_of(preview.text)
    assert "추가 3건, 건너뜀 0건" in shown and "spam.example" in shown and "3건 적용하기" in shown
    assert _count(database_url, DomainBlock) == 0  # a preview changes nothing
    applied = admin.post("/admin/domain-import/apply", {"kind": "blocks", "data": _data_field(preview.text)})
    assert applied.status_code == 303 and "목록을 가져왔습니다" in admin.follow(applied).text
    first = _blocks(database_url)
    assert first == [("media.example", "noop", True, True, "", False),
                     ("quiet.example", "silence", True, False, "광고, 도배", True),
                     ("spam.example", "suspend", False, False, "스팸을 보내는 서버", False)]
    assert _count(database_url, ModerationAction) == 3  # each block through block_domain, audited
    # Importing the same file again adds nothing: every row is already there.
    again = _import(admin, MASTODON_EXPORT)
    assert "추가 0건, 건너뜀 3건" in text_of(again.text) and "이미 목록에 있어 건너뜀" in again.text
    assert 'action="/admin/domain-import/apply"' not in again.text

    exported = admin.get("/admin/domain-blocks.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    lines = exported.text.splitlines()
    assert lines[0] == "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate"
    assert "spam.example,suspend,false,false,스팸을 보내는 서버,false" in lines
    assert "신고" not in exported.text  # private comments stay here, as Mastodon's export

    other_base, other_url = second_server
    other = make_admin(other_base, other_url, "other_admin")
    preview = _import(other, exported.text)
    applied = other.post("/admin/domain-import/apply", {"kind": "blocks", "data": _data_field(preview.text)})
    assert applied.status_code == 303
    assert _blocks(other_url) == first


def test_a_file_with_a_bad_row_is_refused_with_line_numbers_and_changes_nothing(web_base: str,
                                                                                database_url: str) -> None:
    admin = make_admin(web_base, database_url, "city_admin")
    bad = ("#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
           "good.example,suspend,false,false,,false\n"
           "http://bad/,suspend,false,false,,false\n"
           "other.example,ban,false,false,,false\n"
           "third.example,silence,maybe,false,,false\n")
    refused = _import(admin, bad)
    assert refused.status_code == 422
    shown = text_of(refused.text)
    assert "잘못된 줄이 있어 아무것도 가져오지 않았습니다" in shown
    assert "3번째 줄: 도메인 형식이 올바르지 않습니다" in shown
    assert "4번째 줄: 차단 수준은 noop, silence, suspend 가운데 하나여야 합니다" in shown
    assert "5번째 줄: 예/아니요 칸에는 true나 false를 적어 주세요" in shown
    assert 'action="/admin/domain-import/apply"' not in refused.text
    # Applying it anyway (a forged form) is refused as a whole: nothing half-applied.
    import base64
    forged = admin.post("/admin/domain-import/apply",
                        {"kind": "blocks", "data": base64.urlsafe_b64encode(bad.encode()).decode()})
    assert forged.status_code == 422 and "3번째 줄" in text_of(forged.text)
    assert _count(database_url, DomainBlock) == 0 and _count(database_url, ModerationAction) == 0
    # The same in English.
    english = _english_admin(web_base, database_url)
    refused = _import(english, bad)
    assert refused.status_code == 422 and "Line 3: The domain is not valid." in text_of(refused.text)
    # Not UTF-8 at all.
    latin = admin.post("/admin/domain-import", {"kind": "blocks"},
                       files={"file": ("list.csv", "café.example".encode("latin-1"), "text/csv")})
    assert latin.status_code == 422 and "UTF-8 텍스트 파일이 아닙니다" in text_of(latin.text)


def test_a_plain_list_of_domains_is_suspended_and_parents_come_first(web_base: str, database_url: str) -> None:
    admin = make_admin(web_base, database_url, "city_admin")
    plain = "# 공유 차단 목록\nsub.bad.example\nbad.example\n한국.kr\nbad.example\n"
    preview = _import(admin, plain, as_file=False)
    shown = text_of(preview.text)
    assert preview.status_code == 200 and "추가 2건, 건너뜀 2건" in shown, shown[-1500:]
    assert "bad.example 차단이 이미 같거나 더 엄격해 건너뜀" in shown and "파일에 두 번 나와 건너뜀" in shown
    applied = admin.post("/admin/domain-import/apply", {"kind": "blocks", "data": _data_field(preview.text)})
    assert applied.status_code == 303
    assert [b[:2] for b in _blocks(database_url)] == [("bad.example", "suspend"), ("xn--3e0b707e.kr", "suspend")]


def test_allowed_servers_are_kept_exported_and_imported_on_the_web(web_base: str, database_url: str) -> None:
    admin = make_admin(web_base, database_url, "city_admin")
    page = admin.get("/admin/domain-allows")
    assert page.status_code == 200 and "차단 목록 모드" in page.text and "허용한 서버가 없습니다" in page.text
    assert 'href="/admin/domain-allows"' in admin.get("/admin/reports").text  # in the admin navigation
    added = admin.post("/admin/domain-allows", {"domain": "Friends.Example"})
    assert added.status_code == 303 and "서버를 허용했습니다" in admin.follow(added).text
    assert admin.post("/admin/domain-allows", {"domain": "friends.example"}).headers["location"].endswith(
        "notice=domain_already_allowed")
    blank = admin.post("/admin/domain-allows", {"domain": ""})
    assert blank.status_code == 422 and "허용할 도메인을 입력해 주세요" in blank.text
    preview = _import(admin, "#domain\nfriends.example\nneighbours.example\n", "allows")
    assert "추가 1건, 건너뜀 1건" in text_of(preview.text)
    applied = admin.post("/admin/domain-import/apply", {"kind": "allows", "data": _data_field(preview.text)})
    assert applied.status_code == 303 and applied.headers["location"].startswith("/admin/domain-allows")
    exported = admin.get("/admin/domain-allows.csv").text.splitlines()
    assert exported == ["#domain", "friends.example", "neighbours.example"]
    allow_id = re.search(r'action="/admin/domain-allows/(\d+)/delete"', admin.get("/admin/domain-allows").text)
    removed = admin.post(f"/admin/domain-allows/{allow_id.group(1)}/delete")  # type: ignore[union-attr]
    assert removed.status_code == 303 and _count(database_url, DomainAllow) == 1
    log = text_of(admin.get("/admin/audit").text)
    assert "서버 허용" in log and "서버 허용 취소" in log and "friends.example" in log
    # Not for citizens.
    someone = citizen(web_base, "someone")
    for path in ("/admin/domain-allows", "/admin/domain-allows.csv", "/admin/domain-blocks.csv",
                 "/admin/domain-import?kind=blocks"):
        assert someone.get(path).status_code == 403, path
    assert someone.post("/admin/domain-import", {"kind": "blocks", "text": "x.example"}).status_code == 403
