"""HTTP signatures: madang's signer and verifier against each other, against vectors made with the
``openssl`` command, against GoToSocial's and RFC 9421's shapes, and refusing what was tampered with."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from madang.federation.keys import generate_key_pair
from madang.federation.signatures import (
    SignatureError,
    check_digest,
    digest,
    parse_signature,
    sign_headers,
    verify_signature,
)

# Made with: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048; openssl pkey -pubout
OPENSSL_PRIVATE = """-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC/SzaG3RGgxYMl
ZN9pjaG+DvVGzBAtAYQhZCNxy4K/Hvet5JC1R1Vk2BoxvG5cKbRMfveRJfDzMr5B
ICAksQsRB3yb71RGJJPrXuBc4vUbcHL9cuwrwo7NL07Ctoig8FaAviPbUhC0bfm5
Wxjwl1m5L4Fz7LchMrya8Om+sGM8hhULjyzwbDTkda5XAEBJ5+CYHkVbmiepNn9J
KyvX0qPIN44UEIsKYoIeEBiykKmHO3DE3d7XMVpTO0AqBKBtUpFkte00w6YfY4oz
AFHvM302mk8aUWk3W2Lnuaf3UhcBti4z7Io8SHIprKt6N6M3HFyCSJiG9PmIY3wk
L7vtqIkZAgMBAAECggEACsny7BXNT/g7zpDbIeClUesVjdXmBqfKfDih4CHmgKF+
Ph5BRBwfFpYymgIC5mtKujLCAzt01L6UqOcnMPKUSXRW5JORuPgIqLJ77Hk3ckH8
FkvUQp6RP8TOiCBT4eHUOyQeMRk2jHqUZk4bQLyEiLODdVaROIvcQ8/ZGxJnMmtT
hOYFGsQvfetV3ktNSH6V9BdJJNSJXQk7orQpwA/H+vLFK2hMydt6c9h6CjU5mnAy
VJlGFntsEbPikt/tbAJtcnDq+ugEeQYX7T2DibiomEOY8Nj8DobXlT4zg+dzPuDJ
jNw4aIMAd4brRswtZrXerS+QqRbLO48t5cQn/5hwwQKBgQDqjoQlv+xk2wq5n/7J
6fHHvUL53dBUXn0Y3cBDUCH26uoo7aAuLUMDw9cwXBSCPZ84IwTYkLeITWBKoG4O
VyKiX5NypgYoYt1ELpr2oQmEbl8RsJaY814C0CR2CAm2fMtvDt+8aG4xGzyvrfuC
OtVRS7t5DKTwR0tF7tDy8h75oQKBgQDQyC/SaUoIO8gFRrUHgTKU2gJJ+hiyyXHl
Ky0Y9h8+tXX5E23oZKmXtqvRGxgRxWzdIy6z6H180z9HjqTelokJ9Ch+ET4Lge0t
1wAh0jF/ypcZKNa/vxaGtzS7xVk7N7UyYdLeBKbqxkbtJti+xB+/NuF91UDdBmdB
y7730bEMeQKBgBg/aWvZnl+CwWYVIyrOc385ko3wH1RJfFcwvWp4AzraaCCZCCEd
7rqZ6UoHits38ZjFDgAxXbfKf/TXBumWmm78wGpuvV45cjRVORHb7fbxzgQvJDJl
nkdeKxbEl/R0jDdL61c32IRdE3X533FEEb9Yu+W0p+xrAl4VZSZoX0lhAoGBAJcJ
q2bpmpAYR1xhyYazVZdPm8ZOsl1s1AN417guHW5tMfpNrv4nDHVfxi6RDjmU/GuC
D0BBmb6ayDWJIQaSGnNj+YMyEBOdG6tE1aih+gM72VFvNOQkZjRxByor26C2bVQU
ZssMzIAdjqPzrWtcUKcxGbHBe5oqDrsPnYiEXzPpAoGBAL9lbB0amr6NMOYItPFX
eIFmxLUmB8Nepf3Gib/eXTtawQEwKr+aYi9heVszBcQD2fq99Sn52iZl1m2SyHpi
oSBMgoS30LF8cxmujxyGLNdCG0Vuz4/M3DISu6mbLuCs1l2AcdSxLTOhMnw1f1Sx
vaHVkN/wnCn6t49t9DQqOPCc
-----END PRIVATE KEY-----
"""
OPENSSL_PUBLIC = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAv0s2ht0RoMWDJWTfaY2h
vg71RswQLQGEIWQjccuCvx73reSQtUdVZNgaMbxuXCm0TH73kSXw8zK+QSAgJLEL
EQd8m+9URiST617gXOL1G3By/XLsK8KOzS9OwraIoPBWgL4j21IQtG35uVsY8JdZ
uS+Bc+y3ITK8mvDpvrBjPIYVC48s8Gw05HWuVwBASefgmB5FW5onqTZ/SSsr19Kj
yDeOFBCLCmKCHhAYspCphztwxN3e1zFaUztAKgSgbVKRZLXtNMOmH2OKMwBR7zN9
NppPGlFpN1ti57mn91IXAbYuM+yKPEhyKayrejejNxxcgkiYhvT5iGN8JC+77aiJ
GQIDAQAB
-----END PUBLIC KEY-----
"""
BODY = b'{"type":"Create","id":"https://madang.example/activities/1"}'
# openssl dgst -sha256 -binary body.json | openssl base64 -A
BODY_DIGEST = "SHA-256=YMDCsrBafCXlJXFINDKkWNIYfcztWTywTZ76g7b7jQY="
WHEN = datetime(2026, 11, 2, 1, 20, 5, tzinfo=timezone.utc)
# openssl dgst -sha256 -sign key.pem string.txt | openssl base64 -A, where string.txt is
# "(request-target): post /users/bob/inbox\nhost: other.example\ndate: Mon, 02 Nov 2026 01:20:05 GMT\n"
# "digest: SHA-256=YMDC…\ncontent-type: application/activity+json" (no final newline)
OPENSSL_POST_SIGNATURE = "aazP6lNGrkzFzQfzLxylRIJiVS9mvjNynYoVsRF7VjqUMWpUhLDfe0Ut0td0w2D2A5cuJMOIDc8J3pSCL58WxsCdCl2cAxEnb/bIW6LVEY9Zb5iw/CsSnONFreU5lzDeUaN+m3BWWkzZ+z1QjTEGbImIgUFaHyiRO9IIblB+KIkMhS6kFBRmr5bQAoj4WfZGTynccy4+TwbQzuR0hLVT15GXtAOAnrdlB/hv0lkdwNmykGk4nvexvk7Fc6Sg2k2hrg9xZv4c0HqnB/va7dtAgMqJfjh8/BHz9EI3vyL0NbIm2CZLDuUsRNN6q58CZ9WZa/NR8mjz+gnxDaUft88uGg=="
# the same for "(request-target): get /users/bob?page=true\nhost: other.example\ndate: …\naccept: application/activity+json"
OPENSSL_GET_SIGNATURE = "VWQ76NDwrCMa2RfembImmhR1AlaSZNYqhvCk4aa5P8RnjXCcXzYX7Yv4n1s11fOK/Bl/siY/+3m9qeWTvK9aJKygidvRn5AhET52eHFY8qYqzGrje3pOYQUPTntXkXFgP7yRVRjyxWnpdDmVguXT2bFb0gbeh275mVTgLIrlWYyiaDvHT3F0iwHL7a6JaFsV2PM/WwkGOY23FHd8vq0CKd5pHqINToUIZ10yTF3Jx4vl39bPixuj//tln2WQb+7cVZwZJ+ppABCmuxukiDDuDYFv0QfkJEg4O4vLccv6nhyvMDdNAz3ocNkzePN0Rwlfjeina5IqYRoO7PXTTpbxJw=="
KEY_ID = "https://madang.example/users/anyang_city#main-key"


@pytest.fixture(scope="module")
def pair() -> tuple[str, str]:
    return generate_key_pair()


def _params(header: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in header.replace('"', "").split(","))


def accept(method: str, url: str, headers: dict[str, str], body: bytes, public_pem: str, *,
           now: datetime | None = None) -> bool:
    """What an inbox does: parse and window, digest, then the key."""
    rest = url.split("://", 1)[1]
    target = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    path, _, query = target.partition("?")
    parsed = parse_signature(method, path, query, headers, now=now)
    check_digest(parsed, headers, body)
    return verify_signature(parsed, public_pem)


def test_a_key_pair_is_rsa_2048_in_pkcs8_and_spki(pair: tuple[str, str]) -> None:
    private_pem, public_pem = pair
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert serialization.load_pem_private_key(private_pem.encode(), None).key_size == 2048  # type: ignore[union-attr]


def test_digest_is_sha256_base64() -> None:
    assert digest(BODY) == BODY_DIGEST


def test_signed_post_has_mastodons_headers_and_verifies(pair: tuple[str, str]) -> None:
    private_pem, public_pem = pair
    url = "https://other.example/users/bob/inbox"
    headers = sign_headers(method="POST", url=url, body=BODY, key_id=KEY_ID, private_pem=private_pem,
                           headers={"Content-Type": "application/activity+json"})
    assert set(headers) == {"Content-Type", "Host", "Date", "Digest", "Signature"}
    assert headers["Host"] == "other.example"
    params = _params(headers["Signature"])
    assert params["keyId"] == KEY_ID and params["algorithm"] == "rsa-sha256"
    assert params["headers"] == "(request-target) host date digest content-type"
    assert accept("POST", url, headers, BODY, public_pem)


def test_signed_get_covers_accept_and_the_port(pair: tuple[str, str]) -> None:
    private_pem, public_pem = pair
    url = "https://other.example:8443/users/bob?page=true"
    headers = sign_headers(method="GET", url=url, body=None, key_id=KEY_ID, private_pem=private_pem,
                           headers={"Accept": "application/activity+json"})
    assert "Digest" not in headers and headers["Host"] == "other.example:8443"
    assert _params(headers["Signature"])["headers"] == "(request-target) host date accept"
    assert accept("GET", url, headers, b"", public_pem)
    _other_private, other_public = generate_key_pair()
    assert not accept("GET", url, headers, b"", other_public)


def test_signer_matches_openssl_byte_for_byte() -> None:
    # PKCS#1 v1.5 is deterministic: the same key and string give openssl's signature.
    headers = sign_headers(method="POST", url="https://other.example/users/bob/inbox", body=BODY, key_id=KEY_ID,
                           private_pem=OPENSSL_PRIVATE, headers={"Content-Type": "application/activity+json"},
                           now=WHEN)
    assert headers["Date"] == "Mon, 02 Nov 2026 01:20:05 GMT"
    assert headers["Digest"] == BODY_DIGEST
    assert headers["Signature"].endswith(f'signature="{OPENSSL_POST_SIGNATURE}"')
    get = sign_headers(method="GET", url="https://other.example/users/bob?page=true", body=None, key_id=KEY_ID,
                       private_pem=OPENSSL_PRIVATE, headers={"Accept": "application/activity+json"}, now=WHEN)
    assert get["Signature"].endswith(f'signature="{OPENSSL_GET_SIGNATURE}"')


def test_verifier_accepts_openssl_signatures() -> None:
    headers = {"Host": "other.example", "Date": "Mon, 02 Nov 2026 01:20:05 GMT", "Digest": BODY_DIGEST,
               "Content-Type": "application/activity+json",
               "Signature": f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="(request-target) host date digest '
                            f'content-type",signature="{OPENSSL_POST_SIGNATURE}"'}
    url = "https://other.example/users/bob/inbox"
    assert accept("POST", url, headers, BODY, OPENSSL_PUBLIC, now=WHEN + timedelta(seconds=30))
    tampered = {**headers, "Content-Type": "application/ld+json"}
    assert not accept("POST", url, tampered, BODY, OPENSSL_PUBLIC, now=WHEN)
    get = {"Host": "other.example", "Date": "Mon, 02 Nov 2026 01:20:05 GMT", "Accept": "application/activity+json",
           "Signature": f'Signature keyId="{KEY_ID}",headers="(request-target) host date accept",'
                        f'signature="{OPENSSL_GET_SIGNATURE}"'}  # no algorithm, and a stray prefix
    assert accept("GET", "https://other.example/users/bob?page=true", get, b"", OPENSSL_PUBLIC, now=WHEN)


def _gts_sign(private_pem: str, method: str, target: str, host: str, date: str, body: bytes | None) -> dict[str, str]:
    """GoToSocial's shape: hs2019 (really RSA-SHA256), a keyId path, no content-type signed."""
    headers = {"Host": host, "Date": date}
    names = ["(request-target)", "host", "date"]
    lines = [f"(request-target): {method.lower()} {target}", f"host: {host}", f"date: {date}"]
    if body is not None:
        headers["Digest"] = digest(body)
        headers["Content-Type"] = "application/activity+json"
        names.append("digest")
        lines.append(f"digest: {headers['Digest']}")
    key = serialization.load_pem_private_key(private_pem.encode(), None)
    signature = key.sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr]
    headers["Signature"] = (f'keyId="https://gts.test/users/x/main-key",algorithm="hs2019",headers="{" ".join(names)}",'
                            f'signature="{base64.b64encode(signature).decode()}"')
    return headers


def test_gotosocial_signatures_are_accepted(pair: tuple[str, str]) -> None:
    private_pem, public_pem = pair
    date = format_datetime(datetime.now(timezone.utc), usegmt=True)
    post = _gts_sign(private_pem, "POST", "/users/anyang_city/inbox", "madang.example", date, BODY)
    parsed = parse_signature("POST", "/users/anyang_city/inbox", "", post)
    assert parsed.key_id == "https://gts.test/users/x/main-key" and parsed.key_url == parsed.key_id
    assert parsed.algorithm == "hs2019"
    check_digest(parsed, post, BODY)
    assert verify_signature(parsed, public_pem)
    get = _gts_sign(private_pem, "GET", "/users/anyang_city", "madang.example", date, None)
    assert accept("GET", "https://madang.example/users/anyang_city", get, b"", public_pem)


def test_query_string_signed_with_or_without_is_accepted(pair: tuple[str, str]) -> None:
    private_pem, public_pem = pair
    date = format_datetime(datetime.now(timezone.utc), usegmt=True)
    # Older Mastodon left the query out of (request-target): the verifier tries both.
    without = _gts_sign(private_pem, "GET", "/users/a/outbox", "madang.example", date, None)
    assert accept("GET", "https://madang.example/users/a/outbox?page=true", without, b"", public_pem)
    with_query = _gts_sign(private_pem, "GET", "/users/a/outbox?page=true", "madang.example", date, None)
    assert accept("GET", "https://madang.example/users/a/outbox?page=true", with_query, b"", public_pem)
    assert not accept("GET", "https://madang.example/users/a/outbox?page=false", with_query, b"", public_pem)
    assert not accept("GET", "https://madang.example/users/a/followers?page=true", with_query, b"", public_pem)


def test_tampered_body_headers_and_target_are_refused(pair: tuple[str, str]) -> None:
    private_pem, public_pem = pair
    url = "https://other.example/users/bob/inbox"
    headers = sign_headers(method="POST", url=url, body=BODY, key_id=KEY_ID, private_pem=private_pem,
                           headers={"Content-Type": "application/activity+json"})
    with pytest.raises(SignatureError) as refused:
        accept("POST", url, headers, BODY.replace(b"Create", b"Delete"), public_pem)
    assert refused.value.status == 401
    forged = {**headers, "Digest": digest(b"{}")}
    assert not accept("POST", url, forged, b"{}", public_pem)  # the digest matches, the signature does not
    assert not accept("POST", url, {**headers, "Host": "evil.example"}, BODY, public_pem)
    assert not accept("POST", "https://other.example/users/eve/inbox", headers, BODY, public_pem)
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=1), usegmt=True)
    if later != headers["Date"]:
        assert not accept("POST", url, {**headers, "Date": later}, BODY, public_pem)


def test_time_window_is_mastodons(pair: tuple[str, str]) -> None:
    private_pem, public_pem = pair
    url = "https://other.example/users/bob/inbox"
    headers = sign_headers(method="POST", url=url, body=BODY, key_id=KEY_ID, private_pem=private_pem,
                           headers={"Content-Type": "application/activity+json"}, now=WHEN)
    assert accept("POST", url, headers, BODY, public_pem, now=WHEN + timedelta(minutes=64))
    assert accept("POST", url, headers, BODY, public_pem, now=WHEN - timedelta(minutes=59))
    for now in (WHEN + timedelta(minutes=66), WHEN + timedelta(hours=12), WHEN - timedelta(minutes=61)):
        with pytest.raises(SignatureError) as refused:
            parse_signature("POST", "/users/bob/inbox", "", headers, now=now)
        assert refused.value.status == 401


def test_required_components_as_mastodon(pair: tuple[str, str]) -> None:
    private_pem, _public_pem = pair
    now = datetime.now(timezone.utc)
    date = format_datetime(now, usegmt=True)

    def refused(method: str, headers: dict[str, str]) -> int:
        with pytest.raises(SignatureError) as error:
            parse_signature(method, "/inbox", "", headers, now=now)
        return error.value.status

    assert refused("POST", {"Date": date}) == 401  # not signed at all
    base = {"Host": "madang.example", "Date": date, "Digest": digest(BODY)}
    sig = 'keyId="k",signature="AAAA",headers="{}"'
    assert refused("POST", {**base, "Signature": sig.format("(request-target) host date")}) == 401  # no digest
    assert refused("GET", {**base, "Signature": sig.format("(request-target) date")}) == 401  # no host on GET
    assert refused("GET", {**base, "Signature": sig.format("host digest")}) == 401  # neither date nor created
    assert refused("GET", {**base, "Signature": 'signature="AAAA",headers="host date"'}) == 401  # no keyId
    assert refused("GET", {**base, "Signature": sig.format("(request-target) host date accept")}) == 401  # absent
    assert refused("GET", {**base, "Signature": 'keyId="k",algorithm="ed25519",signature="AAAA"'}) == 401
    assert refused("GET", {**base, "Signature": "keyId=k;;"}) == 400  # malformed
    assert refused("GET", {**base, "Signature": 'keyId="k",signature="***",headers="(request-target) host date"'}) == 400
    rsa_created = 'keyId="k",algorithm="rsa-sha256",created=1,signature="AAAA",headers="(request-target) host (created)"'
    assert refused("GET", {**base, "Signature": rsa_created}) == 401
    signed = sign_headers(method="POST", url="https://madang.example/inbox", body=BODY, key_id="k",
                          private_pem=private_pem)
    parsed = parse_signature("POST", "/inbox", "", signed, now=now)
    with pytest.raises(SignatureError):
        check_digest(parsed, {k: v for k, v in signed.items() if k != "Digest"}, BODY)
    with pytest.raises(SignatureError):
        check_digest(parsed, {**signed, "Digest": "MD5=" + base64.b64encode(hashlib.md5(BODY).digest()).decode()}, BODY)


def test_hs2019_with_created_and_expires(pair: tuple[str, str]) -> None:
    private_pem, public_pem = pair
    created = int(datetime.now(timezone.utc).timestamp())
    string = f"(request-target): get /users/a\nhost: madang.example\n(created): {created}".encode()
    key = serialization.load_pem_private_key(private_pem.encode(), None)
    signature = base64.b64encode(key.sign(string, padding.PKCS1v15(), hashes.SHA256())).decode()  # type: ignore[union-attr]
    headers = {"Host": "madang.example",
               "Signature": f'keyId="k",algorithm="hs2019",created={created},expires={created + 300},'
                            f'headers="(request-target) host (created)",signature="{signature}"'}
    assert accept("GET", "https://madang.example/users/a", headers, b"", public_pem)


# --- RFC 9421 ------------------------------------------------------------------------------------


def _rfc9421_sign(private_pem: str, method: str, url: str, body: bytes | None,
                  created: datetime | None = None) -> dict[str, str]:
    from http_message_signatures import HTTPMessageSigner, algorithms

    class Keys:
        def resolve_private_key(self, key_id: str):  # type: ignore[no-untyped-def]
            return serialization.load_pem_private_key(private_pem.encode(), None)

        def resolve_public_key(self, key_id: str):  # type: ignore[no-untyped-def]
            # The package's resolver interface; signing never asks for a public key.
            raise NotImplementedError("signing only")

    class Request:
        def __init__(self) -> None:
            self.method, self.url = method, url
            self.headers: dict[str, str] = {"Host": url.split("/")[2]}

    request = Request()
    components: tuple[str, ...] = ("@method", "@target-uri")
    if body is not None:
        request.headers["Content-Digest"] = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
        components += ("content-digest",)
    signer = HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=Keys())
    signer.sign(request, key_id=KEY_ID, covered_component_ids=components,
                created=created or datetime.now(timezone.utc), include_alg=False, use_existing_digest=body is not None)
    return request.headers


def test_rfc9421_post_and_get_verify(pair: tuple[str, str]) -> None:
    private_pem, public_pem = pair
    url = "https://madang.example/users/anyang_city/inbox"
    headers = _rfc9421_sign(private_pem, "POST", url, BODY)
    assert "Signature-Input" in headers
    parsed = parse_signature("POST", "/users/anyang_city/inbox", "", headers)
    assert parsed.scheme == "rfc9421" and parsed.key_id == KEY_ID
    check_digest(parsed, headers, BODY)
    assert verify_signature(parsed, public_pem)
    with pytest.raises(SignatureError):
        check_digest(parsed, headers, BODY + b" ")
    other = parse_signature("POST", "/users/someone_else/inbox", "", headers)
    assert not verify_signature(other, public_pem)
    get = _rfc9421_sign(private_pem, "GET", "https://madang.example/users/a?page=1", None)
    assert accept("GET", "https://madang.example/users/a?page=1", get, b"", public_pem)
    assert not accept("GET", "https://madang.example/users/a?page=2", get, b"", public_pem)
    assert not accept("GET", "https://madang.example/users/a?page=1", get, b"", generate_key_pair()[1])


def test_rfc9421_requirements(pair: tuple[str, str]) -> None:
    private_pem, _public_pem = pair
    old = _rfc9421_sign(private_pem, "GET", "https://madang.example/users/a", None,
                        created=datetime.now(timezone.utc) - timedelta(hours=2))
    with pytest.raises(SignatureError) as expired:
        parse_signature("GET", "/users/a", "", old)
    assert expired.value.status == 401
    unsigned_digest = _rfc9421_sign(private_pem, "POST", "https://madang.example/inbox", None)
    with pytest.raises(SignatureError):
        parse_signature("POST", "/inbox", "", unsigned_digest)  # a POST must cover Content-Digest
    with pytest.raises(SignatureError) as malformed:
        parse_signature("GET", "/", "", {"Signature-Input": "sig1=(((", "Signature": "sig1=:AA==:"})
    assert malformed.value.status == 400


def test_host_is_what_the_http_client_sends() -> None:
    import httpx

    from madang.federation.signatures import host_of

    for url in ("https://안양.한국/users/a/inbox", "https://Other.Example:443/inbox", "http://[::1]:8080/inbox",
                "https://other.example:8443/inbox"):
        assert host_of(url) == httpx.Request("POST", url).headers["host"]
