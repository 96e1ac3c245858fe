"""/admin's accounts list, an account's page with its reports, and the dashboard (issue 15), on a
real server over both databases: a moderator finds accounts by name, e-mail domain, role, state
and origin; a bad filter is refused with its reason; the dashboard counts today's sign-ups,
posters, posts and reports; nobody but admins sees any of it."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from madang.core.clock import utcnow

from madang.models import Account, User
from tests.mastodon_api.clients import new_app, register
from tests.web.client import WebClient
from tests.web.test_admin_moderation import _db, citizen, make_admin, text_of


def _found(page: str) -> list[str]:
    """The @accts in the list's rows, in order."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r'<span class="muted">@([^<]+)</span>', body)


def _today_row(page: str) -> list[str]:
    today = datetime.now(ZoneInfo("Asia/Seoul")).date().isoformat()
    row = re.search(rf'<th scope="row">{today}</th>(.*?)</tr>', page, re.S)
    assert row, page[:3000]
    return re.findall(r'<td class="num">([^<]*)</td>', row.group(1))


def test_admins_find_accounts_and_read_the_servers_days(web_base: str, database_url: str) -> None:
    admin = make_admin(web_base, database_url, "city_admin")
    before = [int(n.replace(",", "")) for n in _today_row(admin.get("/admin/dashboard").text)]
    minji = citizen(web_base, "minji_kim")
    citizen(web_base, "junho_lee")
    app = new_app(web_base)
    poster, poster_name, _ = register(web_base, app, "poster_park")
    poster.status_post("안양천 자전거길 보수 부탁드려요")
    poster.status_post("비산동 가로등이 꺼져 있어요")

    async def setup(s):  # type: ignore[no-untyped-def]
        junho = select(Account.id).where(Account.username == "junho_lee").scalar_subquery()
        await s.execute(update(User).where(User.account_id == junho).values(email="junho@anyang.go.kr"))
        await s.execute(update(Account).where(Account.username == "poster_park").values(limited_at=utcnow()))
    _db(database_url, setup)
    # A report against poster_park, from minji's web form.
    first_post = poster.account_statuses(poster.me()["id"])[0]["id"]
    account_id = re.search(r'name="account_id" value="(\d+)"',  # type: ignore[union-attr]
                           minji.get(f"/reports/new?status_id={first_post}").text).group(1)
    sent = minji.post("/reports", {"account_id": account_id, "category": "spam", "comment": "광고 같아요"})
    assert sent.status_code == 303

    # Only admins.
    assert minji.get("/admin/accounts").status_code == 403
    assert minji.get("/admin/dashboard").status_code == 403
    assert WebClient(web_base).get("/admin/accounts").status_code == 303

    everyone = admin.get("/admin/accounts")
    assert everyone.status_code == 200
    assert {"city_admin", "minji_kim", "junho_lee", "poster_park"} <= set(_found(everyone.text))
    assert _found(admin.get("/admin/accounts", params={"query": "MINJI"}).text) == ["minji_kim"]
    assert _found(admin.get("/admin/accounts", params={"email_domain": "@anyang.go.kr"}).text) == ["junho_lee"]
    assert _found(admin.get("/admin/accounts", params={"role": "admin"}).text) == ["city_admin"]
    assert _found(admin.get("/admin/accounts", params={"state": "limited"}).text) == ["poster_park"]
    assert _found(admin.get("/admin/accounts", params={"origin": "remote"}).text) == []
    # A LIKE wildcard is a letter here, not "everything".
    assert _found(admin.get("/admin/accounts", params={"query": "%"}).text) == []
    bad = admin.get("/admin/accounts", params={"state": "deleted"})
    assert bad.status_code == 422 and "알 수 없는 조건입니다" in bad.text
    limited = admin.get("/admin/accounts", params={"state": "limited"}).text
    assert "제한됨" in text_of(limited) and re.search(r'<td class="num"><strong>1</strong></td>', limited)

    # The account's page lists the report made against it.
    link = re.search(r'href="(/admin/accounts/\d+)">[^<]*</a><br><span class="muted">@poster_park', limited)
    assert link, limited[:3000]
    page = admin.get(link.group(1)).text
    assert "이 계정에 대한 신고" in page and "광고 같아요" in page and "처리 전" in page

    # The dashboard: today's row counts the new sign-ups, the poster, the posts and the report.
    after = [int(n.replace(",", "")) for n in _today_row(admin.get("/admin/dashboard").text)]
    sign_ups, posters, posts, _remote, reports = (after[i] - before[i] for i in range(5))
    assert (sign_ups, posters, posts, reports) == (3, 1, 2, 1), (before, after)
    assert "처리 전 신고" in admin.get("/admin/dashboard").text
