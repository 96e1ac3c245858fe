"""Profile-field links verified as Mastodon does: the linked page links back to the profile with
rel="me", and the field keeps the time that was seen (``verified_at``) until its value changes."""

from __future__ import annotations

import ipaddress
import logging
import re
from html.parser import HTMLParser
from typing import Any

from madang.core.clock import utcnow
from madang.jobs import enqueue, handler
from madang.models import Account
from madang.net import GuardedClient, OutboundError, OutboundPolicy

log = logging.getLogger(__name__)
VERIFY_JOB = "accounts.verify_links"
MAX_BYTES = 1024 * 1024  # Mastodon reads the first megabyte of the page
TIMEOUT_SECONDS = 10.0
_LINK = re.compile(r"https?://\S+")


def link_of(value: str) -> str | None:
    """The URL a field's value is, when the whole value is one link."""
    value = value.strip()
    return value if _LINK.fullmatch(value) else None


def may_fetch(url: str, policy: OutboundPolicy) -> bool:
    """https only; plain http just for the hosts the operator allows (loopback in tests)."""
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        return False
    if parsed.scheme == "https":
        return True
    if parsed.scheme != "http" or not parsed.host:
        return False
    host = parsed.host.lower()
    if host in policy.hosts:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in net for net in policy.networks)


class _RelMe(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("a", "link"):
            return
        values = dict(attrs)
        if "me" in (values.get("rel") or "").lower().split() and values.get("href"):
            self.hrefs.append(values["href"] or "")


def links_back(html: str, profile_urls: set[str]) -> bool:
    parser = _RelMe()
    parser.feed(html)
    return any(href.strip().rstrip("/") in profile_urls for href in parser.hrefs)


async def enqueue_link_checks(session: Any, account: Account, *, outbound_allow: str = "") -> None:
    """A verification job for a local account whose fields hold links not yet verified;
    ``outbound_allow`` (MADANG_OUTBOUND_ALLOW) travels in the payload, as the blog's limits do."""
    if account.domain is None and account.url and any(
            link_of(str(f.get("value", ""))) and not f.get("verified_at") for f in account.fields or []):
        await enqueue(session, VERIFY_JOB, {"account_id": account.id, "allow": outbound_allow})


async def _verified(client: GuardedClient, url: str, profile_urls: set[str]) -> bool:
    try:
        answer = await client.get(url, headers={"Accept": "text/html"})
    except OutboundError as exc:
        log.info("profile link %s could not be read: %s", url, exc)
        return False
    if answer.status_code != 200 or "html" not in answer.headers.get("content-type", "html"):
        return False
    return links_back(answer.content.decode("utf-8", "replace"), profile_urls)


@handler(VERIFY_JOB, unit=False, max_attempts=3)
async def verify_links(db: Any, payload: dict) -> None:
    """Reads happen in no unit; the result is written only to fields whose value is still the
    one checked, so an edit made meanwhile is neither lost nor wrongly marked."""
    async with db.read() as session:
        account = await session.get(Account, int(payload["account_id"]))
    if account is None or account.domain is not None or not account.url:
        return
    policy = OutboundPolicy.parse(payload.get("allow", ""))
    base = account.url.rsplit("/@", 1)[0]
    profile_urls = {account.url.rstrip("/"), f"{base}/users/{account.username}"}
    todo = {v for f in account.fields or [] if not f.get("verified_at")
            and (v := link_of(str(f.get("value", "")))) and may_fetch(v, policy)}
    if not todo:
        return
    verified = set()
    async with GuardedClient(policy, timeout=TIMEOUT_SECONDS, max_bytes=MAX_BYTES,
                             user_agent="madang (+rel=me verification)") as client:
        for url in sorted(todo):
            if await _verified(client, url, profile_urls):
                verified.add(url)
    if not verified:
        return
    async with db.write() as session:
        account = await session.get(Account, account.id)
        if account is None:
            return
        now = utcnow().isoformat()
        account.fields = [{**f, "verified_at": now} if not f.get("verified_at")
                          and link_of(str(f.get("value", ""))) in verified else f for f in account.fields or []]
        account.updated_at = utcnow()  # cached renderings of the account are keyed on it
        session.add(account)
