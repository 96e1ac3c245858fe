"""The inbox's synchronous part (reference §6.1): size, JSON, signature, key owner = actor, then
the raw activity is written as a ``federation.receive`` job and answered 202. Nothing else is
stored here; processing (and any fetching it needs) happens in the job."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from madang.federation import fetching
from madang.federation.config import FederationConfig
from madang.federation.delivery import mark_domain_reachable
from madang.federation.domain_policy import host_suspended
from madang.federation.forwarding import FORWARDABLE
from madang.federation.parse import first_id, host_of, same_origin
from madang.federation.resolve import NotResolved, account_for_key
from madang.federation.signatures import SignatureError, check_digest, parse_signature, verify_signature
from madang.federation.inbox_writer import writer_for

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
RECEIVE_JOB = "federation.receive"


@dataclass(frozen=True)
class InboxAnswer:
    status: int
    message: str


async def verified_signer(db: Any, config: FederationConfig, parsed: Any) -> tuple[Any, str]:
    """The account whose key made the signature, or None and why not. The key comes from the
    database (or the process's copy), else its actor is fetched; a failure fetches the actor
    once more, in case the key was rotated."""
    try:
        signer = await account_for_key(db, config, parsed.key_id)
        if not signer.public_key_pem or not verify_signature(parsed, signer.public_key_pem):
            signer = await account_for_key(db, config, parsed.key_id, refresh=True)
            if not signer.public_key_pem or not verify_signature(parsed, signer.public_key_pem):
                return None, "The signature does not verify"
    except (NotResolved, fetching.FetchError) as exc:
        log.info("key %s not usable: %s", parsed.key_id, exc)
        return None, "The signing key could not be verified"
    return signer, ""


REACHABLE_KEY = "federation.reachable_noted"
REACHABLE_SECONDS = 600.0


def _reachability_due(db: Any, domain: str) -> bool:
    """A sender's failure days are cleared at most every 10 minutes per process, not on every
    activity (it is a read, and a write when there was a failure)."""
    import time

    noted = db.session_info.setdefault(REACHABLE_KEY, {})
    now = time.monotonic()
    if noted.get(domain, -1e9) > now - REACHABLE_SECONDS:
        return False
    if len(noted) > 10_000:
        noted.clear()
    noted[domain] = now
    return True


async def accept_activity(db: Any, config: FederationConfig, *, method: str, path: str, query: str,
                          headers: Mapping[str, str], body: bytes) -> InboxAnswer:
    if not config.enabled:
        return InboxAnswer(404, "Federation is off on this server")
    if len(body) > MAX_BODY:
        return InboxAnswer(413, "The activity is too large")
    try:
        activity = json.loads(body)
    except ValueError:
        return InboxAnswer(400, "The body is not JSON")
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        return InboxAnswer(400, "An activity is a JSON object with a type")
    actor_uri = first_id(activity.get("actor"))
    if not actor_uri:
        return InboxAnswer(400, "The activity names no actor")
    try:
        parsed = parse_signature(method, path, query, headers, scheme=config.base_url.split(":", 1)[0])
        check_digest(parsed, headers, body)
    except SignatureError as exc:
        return InboxAnswer(exc.status, str(exc))
    if await host_suspended(db, host_of(parsed.key_id)) or await host_suspended(db, host_of(actor_uri)):
        return InboxAnswer(403, "This server does not accept activities from your domain")
    if activity.get("type") == "Delete" and first_id(activity.get("object")) == actor_uri:
        # An account deleted on its server: its key may be gone too (Mastodon answers at once).
        async with db.read() as session:
            from madang.federation.remote_accounts import find_account_by_uri

            if await find_account_by_uri(session, actor_uri) is None:
                return InboxAnswer(202, "Accepted")
    signer, refusal = await verified_signer(db, config, parsed)
    if signer is None:
        return InboxAnswer(401, refusal)
    job: dict[str, Any] = {"activity": activity, "signer_id": signer.id}
    if signer.uri != actor_uri:
        # No LD signatures or proofs here: a forward is taken only as a pointer to what is
        # then fetched from its origin (federation.forwarding); a relay's Announce is not.
        if activity.get("type") not in FORWARDABLE:
            return InboxAnswer(401, "The signer is not the activity's actor")
        job["forwarded"] = True
    activity_id = activity.get("id")
    if isinstance(activity_id, str) and not same_origin(activity_id, actor_uri):
        return InboxAnswer(400, "The activity's id is not on its actor's server")
    sync = {k.lower(): v for k, v in headers.items() if k.lower() == "collection-synchronization"}
    if sync and signer.uri == actor_uri:
        job["sync"] = sync["collection-synchronization"][:2000]  # FEP-8fcf: checked in the job
    await writer_for(db).add(RECEIVE_JOB, job)
    if signer.domain and _reachability_due(db, signer.domain):
        async with db.write() as session:
            await mark_domain_reachable(session, signer.domain)  # evidently up: its failure days go
    return InboxAnswer(202, "Accepted")


@dataclass(frozen=True)
class FetchCheck:
    """Who signed a GET (secure mode): ``status`` 200 with the signer, else the refusal."""

    status: int
    message: str
    signer: Any = None


async def authenticate_fetch(db: Any, config: FederationConfig, *, method: str, path: str, query: str,
                             headers: Mapping[str, str]) -> FetchCheck:
    """Secure mode (MADANG_AUTHORIZED_FETCH, as Mastodon's authorized fetch): a GET must be signed
    by an actor whose server is not suspended here; the signer is checked as the inbox checks."""
    try:
        parsed = parse_signature(method, path, query, headers, scheme=config.base_url.split(":", 1)[0])
    except SignatureError as exc:
        return FetchCheck(exc.status, str(exc))
    if await host_suspended(db, host_of(parsed.key_id)):
        return FetchCheck(403, "This server does not serve your domain")
    signer, refusal = await verified_signer(db, config, parsed)
    if signer is None:
        return FetchCheck(401, refusal)
    return FetchCheck(200, "OK", signer)
