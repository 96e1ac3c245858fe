"""HTTP signatures as the fediverse uses them (decision 0036): pure functions, no database, no I/O.

Outgoing: draft-cavage, rsa-sha256, the profile Mastodon sends (federation.md §4.1).
Incoming: draft-cavage (rsa-sha256, hs2019 or no algorithm, as Mastodon and GoToSocial send it)
and RFC 9421 (rsa-v1_5-sha256 through the ``http-message-signatures`` package), checked in the
order a receiver must keep: parse and the time window first (``parse_signature``), the body's
digest (``check_digest``), and only then, with the key that may need a fetch, the signature
itself (``verify_signature``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urlsplit

# Mastodon (app/lib/signed_request.rb): a signature without `expires` lasts 5 minutes after its
# Date/created, with an hour's clock skew either way; an explicit expiry may reach 12 hours.
DEFAULT_EXPIRY = timedelta(minutes=5)
CLOCK_SKEW = timedelta(hours=1)
MAX_EXPIRY = timedelta(hours=12)
# Headers Mastodon sets but does not sign (request.rb).
UNSIGNED = frozenset({"user-agent", "accept-encoding", "signature", "content-length"})
# The order signed headers are listed in, as Mastodon lists them; others follow as given.
_ORDER = ("(request-target)", "host", "date", "digest", "content-type", "accept")
RFC9421_ALGORITHM = "rsa-v1_5-sha256"


class SignatureError(Exception):
    """A request's signature cannot be accepted. ``status``: 400 for a malformed header, 401 for
    a missing, incomplete, expired or wrong one (Mastodon's answers)."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ParsedSignature:
    """A signature read from a request, checked for everything that needs no key."""

    key_id: str
    scheme: Literal["cavage", "rfc9421"]
    method: str
    algorithm: str | None
    covered: tuple[str, ...]  # header names (cavage) or component ids (RFC 9421), lower-case
    signature: bytes
    created: datetime
    # cavage: the signing strings to try, (request-target) with the query, then without.
    signing_strings: tuple[bytes, ...] = ()
    # RFC 9421: the request as the verifier sees it (method, absolute URL, header pairs).
    message: Any = field(default=None, repr=False, compare=False)

    @property
    def key_url(self) -> str:
        """Where the key is fetched: the keyId without its fragment."""
        return self.key_id.split("#", 1)[0]


# ---------------------------------------------------------------------------------------------
# Signing


def digest(body: bytes) -> str:
    """The ``Digest`` header value for ``body`` (RFC 3230, SHA-256, as Mastodon sends it)."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def host_of(url: str) -> str:
    """The Host header an HTTP client sends for ``url``: the name, with the port if not default."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host.isascii():  # as the HTTP client sends it: IDNA (2008, UTS 46), as httpx encodes
        import idna

        host = idna.encode(host, uts46=True).decode("ascii")
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    port = parts.port
    if port is not None and not ((parts.scheme == "https" and port == 443) or (parts.scheme == "http" and port == 80)):
        host = f"{host}:{port}"
    return host


def request_target(method: str, path: str, query: str = "") -> str:
    return f"{method.lower()} {path or '/'}" + (f"?{query}" if query else "")


def sign_headers(*, method: str, url: str, body: bytes | None, key_id: str, private_pem: str,
                 headers: dict[str, str] | None = None, now: datetime | None = None) -> dict[str, str]:
    """The headers to send with this request, ``Signature`` included: the given ones (say
    Accept, Content-Type, Collection-Synchronization) plus Host, Date and, with a body, Digest.
    Every header present is signed except User-Agent and Accept-Encoding, as Mastodon does:
    POST ``(request-target) host date digest content-type``, GET ``(request-target) host date accept``."""
    parts = urlsplit(url)
    out: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if name.lower() not in ("host", "date", "digest", "signature"):
            out[name] = value
    out["Host"] = host_of(url)
    out["Date"] = http_date(now or datetime.now(timezone.utc))
    if body is not None:
        out["Digest"] = digest(body)
    values = {name.lower(): value for name, value in out.items() if name.lower() not in UNSIGNED}
    values["(request-target)"] = request_target(method, parts.path, parts.query)
    names = [n for n in _ORDER if n in values] + [n for n in values if n not in _ORDER]
    string = "\n".join(f"{name}: {values[name]}" for name in names).encode()
    signature = _private_key(private_pem).sign(string, *_pkcs1v15_sha256())
    out["Signature"] = (f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
                        f'signature="{base64.b64encode(signature).decode("ascii")}"')
    return out


# ---------------------------------------------------------------------------------------------
# Parsing (no I/O)

_PARAM = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"([^"]*)"|([0-9]+(?:\.[0-9]+)?))\s*(?:,|$)')


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def parse_signature(method: str, path: str, query: str, headers: Mapping[str, str], *,
                    now: datetime | None = None, scheme: str = "https") -> ParsedSignature:
    """Read the request's signature (cavage ``Signature``, or RFC 9421 ``Signature-Input`` +
    ``Signature``) and check what needs no key: the covered components Mastodon requires and
    the time window. ``path`` and ``query`` as received (raw, undecoded); ``scheme`` only
    builds RFC 9421's ``@target-uri``. Raises SignatureError."""
    lowered = _lower(headers)
    moment = now or datetime.now(timezone.utc)
    if "signature-input" in lowered:
        return _parse_rfc9421(method, path, query, lowered, moment, scheme)
    if "signature" in lowered:
        return _parse_cavage(method, path, query, lowered, moment)
    raise SignatureError("the request is not signed")


def _parse_cavage(method: str, path: str, query: str, headers: dict[str, str], now: datetime) -> ParsedSignature:
    raw = headers["signature"].strip()
    if raw[:10].lower() == "signature ":  # Mastodon tolerates the Authorization-style prefix
        raw = raw[10:].strip()
    params: dict[str, str] = {}
    position = 0
    while position < len(raw):
        match = _PARAM.match(raw, position)
        if match is None or match.end() == position:
            raise SignatureError("the Signature header cannot be read", 400)
        params[match.group(1).lower()] = match.group(2) if match.group(2) is not None else match.group(3)
        position = match.end()
    key_id, signature_b64 = params.get("keyid"), params.get("signature")
    if not key_id or not signature_b64:
        raise SignatureError("a signature needs keyId and signature")
    algorithm = params.get("algorithm")
    if algorithm is not None and algorithm.lower() not in ("rsa-sha256", "hs2019"):
        raise SignatureError(f"unsupported signature algorithm {algorithm}")
    covered = tuple(params.get("headers", "date").lower().split())
    method = method.upper()
    if "date" not in covered and "(created)" not in covered:
        raise SignatureError("the signature must cover date or (created)")
    if "(request-target)" not in covered and "digest" not in covered:
        raise SignatureError("the signature must cover (request-target) or digest")
    if method == "GET" and "host" not in covered:
        raise SignatureError("a signed GET must cover host")
    if method == "POST" and "digest" not in covered:
        raise SignatureError("a signed POST must cover digest")
    pseudo = {"(created)", "(expires)"} & set(covered)
    if pseudo and (algorithm or "hs2019").lower() != "hs2019":
        raise SignatureError("(created) and (expires) are only allowed with hs2019")
    created = _number_time(params, "created") if "(created)" in covered else _date(headers)
    expires = _number_time(params, "expires") if "expires" in params else None
    _check_window(created, expires, now)
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except ValueError:
        raise SignatureError("the signature is not base64", 400) from None
    variants = [request_target(method, path, query)]
    if query:
        variants.append(request_target(method, path))  # older Mastodon signed the path alone
    strings = []
    for target in variants:
        lines = []
        for name in covered:
            if name == "(request-target)":
                lines.append(f"(request-target): {target}")
            elif name in ("(created)", "(expires)"):
                lines.append(f"{name}: {params[name[1:-1]]}")
            elif name in headers:
                lines.append(f"{name}: {headers[name]}")
            else:
                raise SignatureError(f"the signed header {name} is missing")
        strings.append("\n".join(lines).encode())
    return ParsedSignature(key_id=key_id, scheme="cavage", method=method, algorithm=algorithm, covered=covered,
                           signature=signature, created=created, signing_strings=tuple(strings))


def _parse_rfc9421(method: str, path: str, query: str, headers: dict[str, str], now: datetime,
                   scheme: str) -> ParsedSignature:
    import http_sf

    try:
        inputs = http_sf.parse(headers["signature-input"].encode(), tltype="dictionary")
        values = http_sf.parse(headers.get("signature", "").encode(), tltype="dictionary")
    except Exception:  # http_sf raises ValueError and friends for any malformed field
        raise SignatureError("the Signature-Input or Signature header cannot be read", 400) from None
    if len(inputs) != 1:
        raise SignatureError("exactly one signature is accepted")
    label, (components, params) = next(iter(inputs.items()))
    if label not in values or not isinstance(values[label][0], bytes):
        raise SignatureError("Signature has no value for the signature in Signature-Input", 400)
    if not isinstance(components, list):
        raise SignatureError("Signature-Input must list the covered components", 400)
    covered = tuple(str(item).lower() for item, _params in components)
    key_id = params.get("keyid")
    if not isinstance(key_id, str) or not key_id:
        raise SignatureError("a signature needs a keyid")
    algorithm = params.get("alg")
    if algorithm is not None and algorithm != RFC9421_ALGORITHM:
        raise SignatureError(f"unsupported signature algorithm {algorithm}")
    if "created" not in params:
        raise SignatureError("the signature must carry created")
    method = method.upper()
    if "@method" not in covered or "@target-uri" not in covered:
        raise SignatureError("the signature must cover @method and @target-uri")
    if method == "POST" and ("content-digest" not in covered or "content-digest" not in headers):
        raise SignatureError("a signed POST must carry and cover Content-Digest")
    created = _number_time(params, "created")
    expires = _number_time(params, "expires") if "expires" in params else None
    _check_window(created, expires, now)
    host = headers.get("host", "")
    if not host:
        raise SignatureError("the request has no Host")
    url = f"{scheme}://{host}{path or '/'}" + (f"?{query}" if query else "")
    message = _Message(method=method, url=url, headers=dict(headers))
    return ParsedSignature(key_id=key_id, scheme="rfc9421", method=method, algorithm=algorithm, covered=covered,
                           signature=values[label][0], created=created, message=message)


@dataclass
class _Message:
    """The request as ``http_message_signatures`` reads it."""

    method: str
    url: str
    headers: dict[str, str]


def _date(headers: dict[str, str]) -> datetime:
    value = headers.get("date")
    if not value:
        raise SignatureError("the signed request has no Date")
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise SignatureError("the Date header cannot be read", 400) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def _number_time(params: Mapping[str, Any], name: str) -> datetime:
    value = params.get(name)
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError, OSError):
        raise SignatureError(f"the signature's {name} cannot be read", 400) from None


def _check_window(created: datetime, expires: datetime | None, now: datetime) -> None:
    if created > now + CLOCK_SKEW:
        raise SignatureError("the signature was made in the future")
    if expires is not None and expires - created > MAX_EXPIRY:
        raise SignatureError("the signature's expiry is too far from its creation")
    if (expires or created + DEFAULT_EXPIRY) < now - CLOCK_SKEW:
        raise SignatureError("the signature has expired")


# ---------------------------------------------------------------------------------------------
# Digest and verification


def check_digest(parsed: ParsedSignature, headers: Mapping[str, str], body: bytes) -> None:
    """The body is the one signed for: ``Digest`` (SHA-256) or ``Content-Digest`` (sha-256) must
    match it; a POST with neither is refused. Raises SignatureError."""
    lowered = _lower(headers)
    actual = hashlib.sha256(body).digest()
    found = False
    if "digest" in lowered:
        values = {}
        for item in lowered["digest"].split(","):
            name, _, value = item.strip().partition("=")
            values[name.strip().lower()] = value.strip()
        if "sha-256" not in values:
            raise SignatureError("only SHA-256 digests are accepted")
        try:
            claimed = base64.b64decode(values["sha-256"], validate=True)
        except ValueError:
            raise SignatureError("the Digest header cannot be read", 400) from None
        if not hmac.compare_digest(claimed, actual):
            raise SignatureError("the body does not match its Digest")
        found = True
    if "content-digest" in lowered:
        import http_sf

        try:
            members = http_sf.parse(lowered["content-digest"].encode(), tltype="dictionary")
        except Exception:
            raise SignatureError("the Content-Digest header cannot be read", 400) from None
        member = members.get("sha-256")
        if member is None or not isinstance(member[0], bytes):
            raise SignatureError("only sha-256 content digests are accepted")
        if not hmac.compare_digest(member[0], actual):
            raise SignatureError("the body does not match its Content-Digest")
        found = True
    if not found and (parsed.method == "POST" or body):
        raise SignatureError("the request has no digest of its body")


def verify_signature(parsed: ParsedSignature, public_pem: str) -> bool:
    """Whether the signature was made with the private half of ``public_pem``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        key = _public_key(public_pem)
    except Exception:  # not a PEM key cryptography can load: no signature verifies against it
        return False
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    if parsed.scheme == "rfc9421":
        return _verify_rfc9421(parsed, key)
    for string in parsed.signing_strings:
        try:
            key.verify(parsed.signature, string, *_pkcs1v15_sha256())
            return True
        except InvalidSignature:
            continue
    return False


def _verify_rfc9421(parsed: ParsedSignature, key: Any) -> bool:
    from http_message_signatures import HTTPMessageVerifier, InvalidSignature, algorithms
    from http_message_signatures.exceptions import HTTPMessageSignaturesException

    class Resolver:
        def resolve_public_key(self, key_id: str) -> Any:
            return key

        def resolve_private_key(self, key_id: str) -> Any:
            # Part of the package's resolver interface; verifying never asks for a private key.
            raise NotImplementedError("verification only")

    class Verifier(HTTPMessageVerifier):
        # The window was checked by parse_signature with Mastodon's rule; the package's own
        # (5 s skew) would refuse what Mastodon accepts.
        max_clock_skew = CLOCK_SKEW + MAX_EXPIRY

    verifier = Verifier(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=Resolver())
    required = ("@method", "@target-uri") + (("content-digest",) if parsed.method == "POST" else ())
    try:
        verifier.verify(parsed.message, max_age=None, require_components=required)
    except (InvalidSignature, HTTPMessageSignaturesException):
        return False
    return True


@lru_cache(maxsize=1024)
def _public_key(pem: str) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    return load_pem_public_key(pem.encode())


@lru_cache(maxsize=256)
def _private_key(pem: str) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    # Only our own keys are loaded here (made by keys.generate_key_pair): the RSA consistency
    # check OpenSSL would run costs ~50 ms a key, on the event loop.
    return load_pem_private_key(pem.encode(), password=None, unsafe_skip_rsa_key_validation=True)


def _pkcs1v15_sha256() -> tuple[Any, Any]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return padding.PKCS1v15(), hashes.SHA256()
