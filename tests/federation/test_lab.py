"""The TLS lab works: madang answers discovery over HTTPS as https://madang-a.test (SQLite) and
https://madang-b.test (PostgreSQL) to a client that trusts the lab CA only, GoToSocial answers as
https://gts.test, and GoToSocial, asked to find a madang citizen, reaches madang over TLS.

Skips with the reason where the lab cannot run (tests/support/lab.py: lab_available)."""

from __future__ import annotations

import time
from urllib.parse import unquote

import httpx
import pytest

from tests.federation.conftest import LabMadang
from tests.support.lab import GoToSocial, Lab

pytestmark = pytest.mark.slow


def _client(lab: Lab) -> httpx.Client:
    # The lab CA and nothing else (not certifi, not the machine's bundle): verify= a context of its own.
    return httpx.Client(verify=lab.ssl_context(), trust_env=False, timeout=30)


def _mastodon(lab: Lab, gts: GoToSocial, user: str = "citizen"):  # type: ignore[no-untyped-def]
    import requests
    from mastodon import Mastodon

    session = requests.Session()
    session.trust_env = False  # requests lets REQUESTS_CA_BUNDLE override session.verify otherwise
    session.verify = str(lab.ca)
    return Mastodon(access_token=gts.tokens[user], api_base_url=gts.base, version_check_mode="none",
                    session=session, request_timeout=120)


def _webfinger_for(lab: Lab, madang: LabMadang) -> httpx.Response:
    with _client(lab) as client:
        return client.get(f"{madang.base}/.well-known/webfinger",
                          params={"resource": f"acct:{madang.username}@{madang.domain}"})


def _check_webfinger(response: httpx.Response, madang: LabMadang) -> None:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["subject"] == f"acct:{madang.username}@{madang.domain}"
    selves = [link["href"] for link in body["links"] if link["rel"] == "self"]
    assert selves == [f"https://{madang.domain}/users/{madang.username}"]


def test_madang_a_answers_discovery_over_tls_with_the_lab_certificate(lab: Lab, madang_a: LabMadang) -> None:
    assert madang_a.base == "https://madang-a.test"
    _check_webfinger(_webfinger_for(lab, madang_a), madang_a)
    with _client(lab) as client:
        links = client.get(f"{madang_a.base}/.well-known/nodeinfo")
        assert links.status_code == 200
        href = links.json()["links"][0]["href"]
        assert href.startswith("https://madang-a.test/nodeinfo/")
        info = client.get(href)
        assert info.status_code == 200 and info.json()["protocols"] == ["activitypub"]
    # The certificate is the lab's, for the name: a client trusting only certifi's public CAs refuses it.
    with httpx.Client(verify=True, trust_env=False) as public, pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY"):
        public.get(f"{madang_a.base}/.well-known/nodeinfo")


def test_madang_b_on_postgresql_answers_webfinger_over_tls(lab: Lab, madang_b: LabMadang) -> None:
    assert madang_b.base == "https://madang-b.test" and madang_b.database_url.startswith("postgresql")
    _check_webfinger(_webfinger_for(lab, madang_b), madang_b)


def test_gotosocial_answers_as_gts_test(lab: Lab, gotosocial: GoToSocial) -> None:
    with _client(lab) as client:
        r = client.get(f"{gotosocial.base}/api/v1/instance")
    assert r.status_code == 200 and r.json()["uri"] in ("gts.test", "https://gts.test")


def _logged(madang: LabMadang, request: str, seconds: float = 10.0) -> list[str]:
    """Access log lines of ``request`` ("GET /path?query", unquoted); a line is written when its response
    has ended, which can be just after the client has its answer: wait a little for it."""
    deadline = time.monotonic() + seconds
    while True:
        lines = [line for line in madang.log_lines() if f'"{request} HTTP/' in unquote(line)]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_gotosocial_searching_a_madang_citizen_reaches_madang_over_tls(
        lab: Lab, gotosocial: GoToSocial, madang_a: LabMadang) -> None:
    """GoToSocial (trusting the lab CA only) asks madang's WebFinger over https, as itself."""
    api = _mastodon(lab, gotosocial)
    started = time.monotonic()
    api.search_v2(f"@{madang_a.username}@{madang_a.domain}", resolve=True, result_type="accounts")
    gets = _logged(madang_a, f"GET /.well-known/webfinger?resource=acct:{madang_a.username}@{madang_a.domain}")
    assert gets, f"GoToSocial never reached madang's WebFinger in {time.monotonic() - started:.1f} s: {madang_a.log_lines()}"
    assert "gotosocial" in gets[0].lower()  # its User-Agent
    assert '" 200 ' in gets[0]
    # ...and followed WebFinger's self link to the actor, over TLS too (what it gets there is the merge's).
    assert _logged(madang_a, f"GET /users/{madang_a.username}"), madang_a.log_lines()


def test_gotosocial_resolves_a_madang_citizen(lab: Lab, gotosocial: GoToSocial, madang_a: LabMadang) -> None:
    api = _mastodon(lab, gotosocial)
    found = api.search_v2(f"@{madang_a.username}@{madang_a.domain}", resolve=True, result_type="accounts")
    accounts = found["accounts"]
    assert [a["acct"] for a in accounts] == [f"{madang_a.username}@{madang_a.domain}"]
    assert accounts[0]["url"] == f"https://{madang_a.domain}/@{madang_a.username}"
    assert accounts[0]["display_name"] == "마당 시민"
