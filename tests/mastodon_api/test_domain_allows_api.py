"""Domain allows through Mastodon's admin API on a real server (SQLite and PostgreSQL): list,
show, create (idempotent, as Mastodon's), delete, the audit log, pages, refusals; a non-admin
and a token without the admin scopes get 403; the granular admin:*:domain_allows scopes are
enough (decision 0040)."""

from __future__ import annotations

import httpx
from mastodon import Mastodon
from sqlalchemy import func, select

from madang.models import DomainAllow
from madang.models.moderation_admin import ModerationAction
from tests.auth.helpers import run_db
from tests.mastodon_api.clients import assert_json_error, auth
from tests.mastodon_api.test_domain_blocks_api import _admin

GRANULAR = ["read", "write:accounts", "admin:read:domain_allows", "admin:write:domain_allows"]


def _token_with(base: str, url: str, name: str, scopes: list[str]) -> str:
    from sqlalchemy import update

    from madang.models import Account, User
    from tests.mastodon_api.clients import client

    app = Mastodon.create_app("허용 목록", api_base_url=base, scopes=scopes, redirect_uris=["urn:ietf:wg:oauth:2.0:oob"])
    api = client(base, app)
    api.create_account(name, "비밀번호는길게1234", f"{name}@example.kr", agreement=True, locale="ko", scopes=scopes)

    async def promote(s):  # type: ignore[no-untyped-def]
        account_id = select(Account.id).where(Account.username == name).scalar_subquery()
        await s.execute(update(User).where(User.account_id == account_id).values(admin=True))
    run_db(url, promote)
    return str(api.access_token)


def test_admins_keep_domain_allows_through_the_admin_api(server: str, database_url: str) -> None:
    token = str(_admin(server, database_url).access_token)
    api = httpx.Client(base_url=server, headers=auth(token), timeout=20)
    created = api.post("/api/v1/admin/domain_allows", data={"domain": "Mastodon.Example"})
    assert created.status_code == 200, created.text
    allow = created.json()
    assert allow["domain"] == "mastodon.example" and isinstance(allow["id"], str) and allow["created_at"]
    assert set(allow) == {"id", "domain", "created_at"}
    # Allowing it again answers with the same row (Mastodon's), and logs nothing new.
    again = api.post("/api/v1/admin/domain_allows", json={"domain": "mastodon.example"}).json()
    assert again["id"] == allow["id"]
    assert api.get(f"/api/v1/admin/domain_allows/{allow['id']}").json() == allow
    korean = api.post("/api/v1/admin/domain_allows", data={"domain": "한국.kr"}).json()
    assert korean["domain"] == "xn--3e0b707e.kr"
    listed = api.get("/api/v1/admin/domain_allows", params={"limit": 1})
    assert [a["domain"] for a in listed.json()] == ["xn--3e0b707e.kr"] and 'rel="next"' in listed.headers["link"]
    assert [a["domain"] for a in api.get("/api/v1/admin/domain_allows").json()] == ["xn--3e0b707e.kr",
                                                                                    "mastodon.example"]
    # Refusals, with Mastodon's error JSON.
    assert "blank" in assert_json_error(api.post("/api/v1/admin/domain_allows", data={"domain": ""}), 422)
    assert "not valid" in assert_json_error(api.post("/api/v1/admin/domain_allows", data={"domain": "http://x/"}), 422)
    assert_json_error(api.get("/api/v1/admin/domain_allows/12345"), 404)
    assert api.delete(f"/api/v1/admin/domain_allows/{allow['id']}").json() == {}
    assert_json_error(api.get(f"/api/v1/admin/domain_allows/{allow['id']}"), 404)
    assert run_db(database_url, lambda s: s.scalar(select(func.count()).select_from(DomainAllow))) == 1
    async def log(s):  # type: ignore[no-untyped-def]
        return list(await s.execute(select(ModerationAction.action, ModerationAction.details)
                                    .order_by(ModerationAction.id)))
    logged = run_db(database_url, log)
    actions = [(a, d["domain"]) for a, d in logged]
    assert actions == [("allow_domain", "mastodon.example"), ("allow_domain", "xn--3e0b707e.kr"),
                       ("disallow_domain", "mastodon.example")]


def test_only_admins_with_admin_scopes_may_touch_domain_allows(server: str, database_url: str) -> None:
    plain = _admin(server, database_url, "citizen", make_admin=False)
    api = httpx.Client(base_url=server, headers=auth(str(plain.access_token)), timeout=20)
    for response in (api.get("/api/v1/admin/domain_allows"), api.post("/api/v1/admin/domain_allows",
                                                                       data={"domain": "a.example"})):
        assert_json_error(response, 403)
    assert_json_error(httpx.get(f"{server}/api/v1/admin/domain_allows"), 401)
    # An admin whose token lacks the admin scopes is refused too ...
    reader = _token_with(server, database_url, "reader_admin", ["read", "write"])
    assert_json_error(httpx.get(f"{server}/api/v1/admin/domain_allows", headers=auth(reader)), 403)
    # ... and the granular scopes are enough.
    granular = _token_with(server, database_url, "granular_admin", GRANULAR)
    made = httpx.post(f"{server}/api/v1/admin/domain_allows", data={"domain": "b.example"}, headers=auth(granular))
    assert made.status_code == 200, made.text
    assert httpx.get(f"{server}/api/v1/admin/domain_allows", headers=auth(granular)).json()[0]["domain"] == "b.example"
    assert run_db(database_url, lambda s: s.scalar(select(func.count()).select_from(DomainAllow))) == 1
