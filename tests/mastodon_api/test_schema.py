"""schemathesis against Mastodon's own OpenAPI description (abraham/mastodon-openapi, Mastodon
4.7.0), limited to the operations madang serves, on a real server with a signed-in user.

Every operation is run twice with a bounded number of generated requests: once with generated
path ids (mostly unknown ones: the error paths), once with ids of records that exist (and, where
random data cannot get past validation, a fixed valid body or query), so that the success
answers are checked against Mastodon's entity schemas too. Checks: no 5xx, the response
conforms to the documented schema, and the documented content type. Each operation must also
answer at least one request with a 2xx, or the run proves nothing about its entities.

The run uses SQLite only: it checks the shape of the HTTP surface, which is the same code on
both databases; the PostgreSQL side of the queries is covered by the Mastodon.py and bad-input
tests (both parametrised over the two databases), and fuzzing twice would double the slowest
test of the suite.
"""

from __future__ import annotations

import io

import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from madang.app import create_app
from madang.core.settings import Settings
from tests.mastodon_api.clients import OOB, eventually, new_app, register
from tests.push.receiver import ClientKeys
from tests.support.server import running_server

# A copy of abraham/mastodon-openapi's dist/schema.json (MIT, see LICENSE beside it), kept in
# the repository so the check runs wherever the suite does.
SCHEMA_PATH = Path(__file__).parent.parent / "data" / "mastodon-openapi" / "schema.json"
EXAMPLES = 8
CHECKS: list[Callable[..., Any]] = [not_a_server_error, response_schema_conformance, content_type_conformance]
PLACEHOLDER = re.compile(r"\{[^}]+\}")

# Where the schema is wrong about Mastodon itself, the one check it breaks is skipped for that
# one operation. Key: "METHOD /path" as in the schema.
EXCLUDED_CHECKS: dict[str, tuple[Callable[..., Any], str]] = {
    "GET /api/v1/filters": (
        response_schema_conformance,
        "the schema says one V1Filter object; Mastodon answers a list of them (its own description "
        "says 'List of [V1::Filter]', and Api::V1::FiltersController#index renders a collection)",
    ),
    "GET /oauth/authorize": (
        content_type_conformance,
        "the schema documents JSON errors, but this is the page a person sees in the browser: "
        "Mastodon (Doorkeeper) answers a bad client_id or redirect_uri with an HTML error page, "
        "and madang with a Korean one (test_bad_input checks it)",
    ),
}

# Operations that answer no 2xx by design, so the "at least one 2xx" rule does not apply.
NO_SUCCESS: dict[str, str] = {
    "POST /api/v1/statuses/{id}/translate": (
        "no translation service: as Mastodon without one (TranslationService::NotConfiguredError "
        "is rescued as not_found), every request is a 404; instance v2 says translation.enabled false"),
}

# Streams answer for as long as the client listens: not a request/response to validate.
NOT_FUZZED = ("/api/v1/streaming",)

# Run these last, in this order: they change what the other operations find (a block ends the
# follows, clearing notifications removes the ones the other operations name).
RUN_LAST = [
    "POST /api/v1/notifications/clear",
    "POST /api/v1/accounts/{id}/mute",
    "POST /api/v1/accounts/{id}/unmute",
    "POST /api/v1/accounts/{id}/block",
    "POST /api/v1/accounts/{id}/unblock",
]


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every route; FastAPI includes routers lazily, and madang.routing puts them
    all behind one IndexedRoutes, so descend into them."""
    for route in routes:
        if isinstance(getattr(route, "routes", None), list):
            yield from _walk(route.routes, prefix)
        elif hasattr(route, "original_router"):
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)
        elif getattr(route, "methods", None):
            for method in route.methods:
                yield method, prefix + route.path


def served_operations() -> set[tuple[str, str]]:
    """What madang routes, paths with their parameter names erased ({id} and {account_id} alike)."""
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    return {(method, PLACEHOLDER.sub("{}", path)) for method, path in _walk(app.routes) if method != "HEAD"}


def label_of(operation: Any) -> str:
    return f"{operation.method.upper()} {operation.path}"


def _operations() -> list[Any]:
    served = served_operations()
    schema = schemathesis.openapi.from_path(SCHEMA_PATH).include(
        lambda ctx: (ctx.operation.method.upper(), PLACEHOLDER.sub("{}", ctx.operation.path)) in served
        and not ctx.operation.path.startswith(NOT_FUZZED)
    )
    operations = [result.ok() for result in schema.get_all_operations()]

    def order(op: Any) -> tuple[int, str, str]:
        label = label_of(op)
        return (RUN_LAST.index(label) + 1 if label in RUN_LAST else 0, op.path, op.method)

    return sorted(operations, key=order)


OPERATIONS = _operations()


def test_the_schema_run_covers_what_madang_serves() -> None:
    """The routes are matched to the schema whatever their parameters are called."""
    described = {(label_of(op).split()[0], PLACEHOLDER.sub("{}", op.path)) for op in OPERATIONS}
    assert len(described) >= 80
    assert {("GET", "/api/v1/statuses/{}"), ("POST", "/api/v1/follow_requests/{}/authorize"),
            ("GET", "/api/v1/timelines/tag/{}"), ("POST", "/oauth/token"), ("GET", "/api/v2/instance")} <= described
    assert not any(path.startswith(NOT_FUZZED) for _, path in described)


def _tiny_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 6), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


class World:
    """A small city on one server: the caller, a friend, two pending follow requests, posts and
    notifications, so that ids in paths can name things that exist."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.app = new_app(base)
        self.me, self.username, password = register(base, self.app)
        self.friend, _, _ = register(base, self.app)
        self.token = self.me.access_token
        self.me_id = self.me.me().id
        self.friend_id = self.friend.me().id
        self.friend.account_follow(self.me_id)
        self.me.account_follow(self.friend_id)
        photo = self.me.media_post(_tiny_png(), mime_type="image/png", description="마당 사진").id
        self.status_id = self.me.status_post("안녕하세요 #마당 첫 글입니다", media_ids=[photo]).id
        self.media_id = self.fresh_media()
        self.friend_status_id = self.friend.status_post(f"@{self.username} 반가워요 #마당").id
        self.me.status_favourite(self.friend_status_id)
        self.me.account_update_credentials(locked=True)
        self.requesters = []
        for _ in range(2):
            requester, _, _ = register(base, self.app)
            requester.account_follow(self.me_id)
            self.requesters.append(requester.me().id)
        found = eventually(lambda: (lambda n: n if len(n) >= 3 else None)(self.me.notifications()))
        self.notification_ids = [n.id for n in found]
        self.group_key = next(n.group_key for n in found if n.type == "mention")  # kept to the end
        self.profile_token = self._profile_token(password)
        self.list_id = self.me.list_create("마당 목록").id
        self.me.list_accounts_add(self.list_id, [self.friend_id])
        self.filter_id, self.filter_keyword_id, self.filter_status_id = self.fresh_filter()
        self.v1_filter_id = self.me.filter_create("축구", ["home"]).id
        self.push_keys = ClientKeys()
        self.subscribe()
        poll = self.friend.make_poll(["마당", "광장", "공원"], expires_in=86_400, multiple=True)
        self.poll_id = self.friend.status_post("모임 장소 투표", poll=poll).poll.id
        self.scheduled_id = self.fresh_scheduled()

    def fresh_scheduled(self) -> str:
        when = datetime.now(timezone.utc) + timedelta(days=1)
        return self.me.status_post(f"예약 글 {secrets.token_hex(3)}", scheduled_at=when).id

    def push_body(self) -> dict[str, Any]:
        # A documentation address (RFC 5737): nothing is ever sent there from the tests.
        return {"subscription": {"endpoint": "https://192.0.2.1/push/schema",
                                 "keys": {"p256dh": self.push_keys.p256dh, "auth": self.push_keys.auth_b64}},
                "data": {"alerts": {"mention": False}, "policy": "all"}}

    def subscribe(self) -> None:
        answer = httpx.post(f"{self.base}/api/v1/push/subscription", json=self.push_body(),
                            headers={"Authorization": f"Bearer {self.token}"})
        assert answer.status_code == 200, answer.text

    def _profile_token(self, password: str) -> str:
        """OpenID's userinfo needs the ``profile`` scope, which Mastodon.py does not ask for."""
        app = httpx.post(f"{self.base}/api/v1/apps", data={"client_name": "프로필", "redirect_uris": OOB,
                                                            "scopes": "read profile"}).json()
        answer = httpx.post(f"{self.base}/oauth/token", data={
            "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
            "username": self.username, "password": password, "scope": "profile"})
        return answer.json()["access_token"]

    def token_for(self, label: str) -> str:
        return self.profile_token if label == "GET /oauth/userinfo" else self.token

    def fresh_media(self) -> str:
        return self.me.media_post(_tiny_png(), mime_type="image/png").id

    def fresh_filter(self) -> tuple[str, str, str]:
        """A filter with one keyword and one status: (filter id, keyword id, filter status id)."""
        made = self.me.create_filter_v2("마당 필터", ["home", "public"], "warn",
                                        keywords_attributes=[{"keyword": "안양", "whole_word": True}])
        held = self.me.add_filter_status_v2(made.id, self.friend_status_id)
        return made.id, made.keywords[0].id, held.id

    def filters_fixed(self, method: str, path: str) -> dict[str, Any]:
        """Filters v2 and v1. DELETE sorts before GET and PUT of the same path: it gets fresh ids."""
        fresh = method == "DELETE"
        if path == "/api/v2/filters" and method == "POST":
            return {"body": {"title": "새 필터", "context": ["home"], "filter_action": "hide",
                             "keywords_attributes": [{"keyword": "축구", "whole_word": False}]}}
        if path == "/api/v2/filters/{id}":
            fixed: dict[str, Any] = {"path_parameters": {"id": self.fresh_filter()[0] if fresh else self.filter_id}}
            if method == "PUT":
                fixed["body"] = {"title": "고친 필터", "context": ["home"], "filter_action": "warn"}
            return fixed
        if path.startswith("/api/v2/filters/{filter_id}/"):
            fixed = {"path_parameters": {"filter_id": self.filter_id}}
            if method == "POST":
                fixed["body"] = ({"keyword": "공원", "whole_word": True} if path.endswith("/keywords")
                                 else {"status_id": self.status_id})
            return fixed
        if path == "/api/v2/filters/keywords/{id}":
            fixed = {"path_parameters": {"id": self.fresh_filter()[1] if fresh else self.filter_keyword_id}}
            if method == "PUT":
                fixed["body"] = {"keyword": "안양시", "whole_word": False}
            return fixed
        if path == "/api/v2/filters/statuses/{id}":
            return {"path_parameters": {"id": self.fresh_filter()[2] if fresh else self.filter_status_id}}
        if path == "/api/v1/filters" and method == "POST":
            return {"body": {"phrase": "야구", "context": ["home"], "irreversible": False, "whole_word": True}}
        if path == "/api/v1/filters/{id}":
            fixed = {"path_parameters": {"id": self.me.filter_create("지울 필터", ["home"]).id if fresh
                                         else self.v1_filter_id}}
            if method == "PUT":
                fixed["body"] = {"phrase": "축구", "context": ["home", "public"], "irreversible": True}
            return fixed
        return {}

    def fresh_status(self) -> str:
        return self.me.status_post(f"지울 글 {secrets.token_hex(3)}").id

    def fresh_conversation(self) -> str:
        """A direct message from the friend puts (back) one conversation on my list."""
        sent = self.friend.status_post(f"@{self.username} 비밀 이야기 {secrets.token_hex(3)}", visibility="direct")
        return eventually(lambda: next((c.id for c in self.me.conversations() if c.last_status
                                        and c.last_status.id == sent.id), None))

    def social_fixed(self, method: str, path: str) -> dict[str, Any]:
        """Conversations, featured tags, reports, suggestions: records of mine (or the friend's)."""
        if path.startswith("/api/v1/conversations/"):
            return {"path_parameters": {"id": self.fresh_conversation()}}
        if path == "/api/v1/featured_tags/{id}":
            return {"path_parameters": {"id": self.me.featured_tag_create(f"지울태그{secrets.token_hex(2)}").id}}
        if path == "/api/v1/featured_tags" and method == "POST":
            return {"body": {"name": "마당"}}
        if path == "/api/v1/reports":
            return {"body": {"account_id": self.friend_id, "status_ids": [self.friend_status_id],
                             "category": "spam", "comment": "같은 광고가 반복돼요", "forward": False}}
        if path == "/api/v1/suggestions/{account_id}":
            return {"path_parameters": {"account_id": self.friend_id}}
        return {}

    def fixed(self, label: str) -> dict[str, Any]:
        """as_strategy() arguments that make the operation's success path reachable."""
        method, path = label.split(" ", 1)
        if path == "/api/v1/domain_blocks" and method in ("POST", "DELETE"):  # issue 14: a valid domain
            return {"body": {"domain": "noisy.example"}}
        if path.startswith(("/api/v1/conversations/", "/api/v1/featured_tags", "/api/v1/reports",
                            "/api/v1/suggestions/")):
            return self.social_fixed(method, path)
        if "/filters" in path:
            return self.filters_fixed(method, path)
        if path.startswith("/api/v1/statuses/{id}"):
            theirs = path.endswith(("reblog", "favourite", "bookmark", "favourited_by", "reblogged_by"))
            fixed: dict[str, Any] = {"path_parameters": {"id": self.friend_status_id if theirs else self.status_id}}
            if method == "PUT":
                fixed["body"] = {"status": "고친 글 #마당", "spoiler_text": "", "sensitive": False, "language": "ko"}
            return fixed
        if label == "DELETE /api/v1/lists/{id}":
            return {"path_parameters": {"id": self.me.list_create("지울 목록").id}}
        if path.startswith("/api/v1/lists/{id}"):
            fixed = {"path_parameters": {"id": self.list_id}}
            if label == "PUT /api/v1/lists/{id}":
                fixed["body"] = {"title": "마당 목록", "replies_policy": "followed", "exclusive": False}
            elif path.endswith("/accounts") and method != "GET":
                fixed["body"] = {"account_ids": [self.me_id]}  # on their own list: never unfollowed
            return fixed
        if path == "/api/v1/timelines/list/{list_id}":
            return {"path_parameters": {"list_id": self.list_id}}
        if path.startswith("/api/v1/accounts/{id}"):
            return {"path_parameters": {"id": self.friend_id}}
        if path == "/api/v1/follow_requests/{account_id}/authorize":
            return {"path_parameters": {"account_id": self.requesters[0]}}
        if path == "/api/v1/follow_requests/{account_id}/reject":
            return {"path_parameters": {"account_id": self.requesters[1]}}
        if path == "/api/v1/notifications/{id}":
            return {"path_parameters": {"id": self.notification_ids[0]}}
        if path in ("/api/v2/notifications/{group_key}", "/api/v2/notifications/{group_key}/accounts"):
            return {"path_parameters": {"group_key": self.group_key}}
        if path == "/api/v1/notifications/{id}/dismiss":
            return {"path_parameters": {"id": self.notification_ids[-1]}}
        if path == "/api/v1/push/subscription" and method in ("GET", "PUT"):
            self.subscribe()  # DELETE runs before these and removes it
            if method == "PUT":
                return {"body": {"data": {"alerts": {"follow": False}, "policy": "followed"}}}
            return {"query": {}}
        if label == "POST /api/v1/push/subscription":
            return {"body": self.push_body()}
        if path == "/api/v1/media/{id}":
            fixed = {"path_parameters": {"id": self.media_id}}
            if method == "PUT":
                fixed["body"] = {"description": "고친 설명", "focus": "0.1,-0.2"}
            return fixed
        if path.startswith("/api/v1/polls/{id}"):
            fixed = {"path_parameters": {"id": self.poll_id}}
            if method == "POST":
                fixed["body"] = {"choices": ["1"]}
            return fixed
        if path == "/api/v1/scheduled_statuses/{id}":
            fixed = {"path_parameters": {"id": self.scheduled_id}}
            if method == "PUT":
                later = datetime.now(timezone.utc) + timedelta(days=2)
                fixed["body"] = {"scheduled_at": later.isoformat()}
            return fixed
        if path.startswith("/api/v1/announcements/{id}"):
            fixed = {"path_parameters": {"id": self.announcement_id}}
            if path.endswith("/reactions/{name}"):
                fixed["path_parameters"]["name"] = "👍"
            return fixed
        if path == "/api/v1/tags/{name}":
            return {"path_parameters": {"name": "마당"}}
        if path == "/api/v1/timelines/tag/{hashtag}":
            return {"path_parameters": {"hashtag": "마당"}}
        if label == "POST /api/v1/apps":
            return {"body": {"client_name": "안양 앱", "redirect_uris": [OOB, "icecubesapp://callback"],
                             "scopes": "read write", "website": "https://안양.kr/앱"}}
        if label == "POST /api/v1/statuses":
            return {"body": {"status": "새 글 #마당", "visibility": "public", "language": "ko"}}
        if label == "GET /api/v1/accounts/lookup":
            return {"query": {"acct": self.username}}
        if label == "GET /api/oembed":
            return {"query": {"url": f"{self.base}/@{self.username}/{self.status_id}"}}
        if label == "POST /api/v1/accounts":
            name = f"newcomer_{secrets.token_hex(3)}"
            return {"body": {"username": name, "email": f"{name}@example.org", "password": "비밀번호-1234",
                             "agreement": True, "locale": "ko"}}
        if label == "POST /oauth/token":
            return {"body": {"grant_type": "client_credentials", "client_id": self.app[0],
                             "client_secret": self.app[1], "scope": "read"}}
        if label == "POST /oauth/revoke":
            return {"body": {"client_id": self.app[0], "client_secret": self.app[1], "token": "no-such-token"}}
        if label == "GET /oauth/authorize":
            return {"query": {"client_id": self.app[0], "redirect_uri": OOB, "response_type": "code",
                              "scope": "read"}}
        return {}


@pytest.fixture(scope="module")
def world(sqlite_template: Path) -> Iterator[World]:
    path = sqlite_template.parent / f"schema-{secrets.token_hex(4)}.sqlite3"
    shutil.copyfile(sqlite_template, path)
    with running_server(f"sqlite+aiosqlite:///{path}") as base:
        made = World(base)
        made.announcement_id = _announce(f"sqlite+aiosqlite:///{path}")
        yield made


def _announce(url: str) -> str:
    """An active instance announcement (written as an admin would, through the domain)."""
    import asyncio

    from sqlalchemy import select

    from madang.announcements import AnnouncementForm, create_announcement
    from madang.core.clock import utcnow
    from madang.db import Database
    from madang.models import Account, User

    async def run() -> str:
        db = Database(url)
        try:
            async with db.write() as s:
                writer = await s.scalar(select(Account).join(User, User.account_id == Account.id).limit(1))
                user = await s.scalar(select(User).where(User.account_id == writer.id))
                user.admin = True
                await s.flush()
                row = await create_announcement(s, actor=writer, form=AnnouncementForm(
                    text="폭염 경보: 무더위 쉼터를 이용하세요", publish_at=utcnow()), base_url="http://127.0.0.1")
                return str(row.id)
        finally:
            await db.dispose()
    return asyncio.run(run())


def _run(operation: Any, world: World, fixed: dict[str, Any], codes: list[int]) -> list[str]:
    label = label_of(operation)
    skipped = EXCLUDED_CHECKS.get(label, (None, ""))[0]
    checks = [c for c in CHECKS if c is not skipped]
    failures: list[str] = []

    @given(case=operation.as_strategy(**fixed))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        if label == "DELETE /api/v1/statuses/{id}" and fixed:
            case.path_parameters["id"] = world.fresh_status()
        if label == "DELETE /api/v1/media/{id}" and fixed:
            case.path_parameters["id"] = world.fresh_media()
        if label == "DELETE /api/v1/scheduled_statuses/{id}" and fixed:
            case.path_parameters["id"] = world.fresh_scheduled()
        response = case.call(base_url=world.base, headers={"Authorization": f"Bearer {world.token_for(label)}"},
                             timeout=10)
        codes.append(response.status_code)
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:  # collect every failing request, report them together
            found = "\n".join(f"  [{f.title}] {f.message[:800]}" for f in group.exceptions)
            failures.append(f"{case.as_curl_command()}\n  -> {response.status_code} {response.text[:300]}\n{found}")

    run()
    return failures


@pytest.mark.parametrize("operation", OPERATIONS, ids=label_of)
def test_operation_conforms_to_mastodon_schema(operation: Any, world: World) -> None:
    label = label_of(operation)
    codes: list[int] = []
    failures = []
    fixed = world.fixed(label)
    if fixed:
        failures += _run(operation, world, fixed, codes)
    failures += _run(operation, world, {}, codes)
    assert not failures, f"{len(failures)} failing request(s):\n\n" + "\n\n".join(failures[:3])
    if label not in NO_SUCCESS:
        assert any(200 <= c < 300 for c in codes), f"no request reached a 2xx answer: {sorted(set(codes))}"
