"""`madang serve` writes an access log line per request (Combined Log Format and the duration),
with the client address uvicorn trusts, and never a credential: query secrets, credential links,
cookies and Authorization headers stay out of it (docs/decisions/0034)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from madang.access_log import redacted_target
from tests.support.serve_process import madang_serve

# host ident user [time] "request" status bytes "referrer" "user agent" seconds request-id (decision 0056)
LINE = re.compile(r'^(\S+) - - \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "([A-Z]+) (\S+) HTTP/([\d.]+)" '
                  r'(\d{3}) (\d+|-) "([^"]*)" "([^"]*)" (\d+\.\d{3}) (?:[\w.:-]+)$')
SECRETS = ("tok-SECRET-1", "code-SECRET-2", "pw-SECRET-3", "cookie-SECRET-4", "bearer-SECRET-5", "reset-SECRET-6",
           "guest-SECRET-7", "ref-SECRET-8")


def lines_of(text: str) -> list[re.Match[str]]:
    return [m for m in (LINE.match(line) for line in text.splitlines()) if m]


def test_the_logged_target_filters_credentials() -> None:
    assert redacted_target(b"/api/v1/streaming", b"stream=user&access_token=abc") == \
        b"/api/v1/streaming?stream=user&access_token=[FILTERED]"
    assert redacted_target(b"/oauth/authorize", b"code=x&state=s&client_id=1&redirect_uri=u") == \
        b"/oauth/authorize?code=[FILTERED]&state=s&client_id=1&redirect_uri=u"
    assert redacted_target(b"/open311/v2/requests.json", b"api_key=k&service_code=streetlight") == \
        b"/open311/v2/requests.json?api_key=[FILTERED]&service_code=[FILTERED]"
    assert redacted_target(b"/auth/password/abc123", b"") == b"/auth/password/[FILTERED]"
    assert redacted_target(b"/desk/g/77/t0k3n/rate", b"") == b"/desk/g/77/[FILTERED]/rate"
    assert redacted_target(b"/search", b"q=%ED%9B%84%EB%B3%B4&limit=5") == b"/search?q=%ED%9B%84%EB%B3%B4&limit=5"
    assert redacted_target(b"/@anyanglove", b"") == b"/@anyanglove"
    # E-mail addresses never; a fediverse handle asked of WebFinger is public and stays readable.
    assert redacted_target(b"/search", b"q=kim%40example.org&x=kim@example.org") == \
        b"/search?q=[email]&x=[email]"
    assert redacted_target(b"/.well-known/webfinger", b"resource=acct:kim@anyang.example") == \
        b"/.well-known/webfinger?resource=acct:kim@anyang.example"
    assert redacted_target(b"/.well-known/webfinger", b"resource=acct%3Akim%40anyang.example") == \
        b"/.well-known/webfinger?resource=acct%3Akim%40anyang.example"


def test_madang_serve_logs_each_request_without_its_secrets(sqlite_template: Path, tmp_path: Path) -> None:
    with madang_serve(sqlite_template, tmp_path / "on") as served:
        with httpx.Client(base_url=served.base, timeout=10) as http:
            about = http.get("/about", params={"max_id": "5", "access_token": SECRETS[0]},
                             headers={"User-Agent": "log-test/1.0", "Referer": f"https://city.example/p?code={SECRETS[7]}",
                                      "Cookie": f"madang_session={SECRETS[3]}", "Authorization": f"Bearer {SECRETS[4]}"})
            assert about.status_code == 200
            http.get("/oauth/authorize", params={"code": SECRETS[1], "client_id": "x"})
            http.post("/auth/sign_in", data={"login": "nobody", "password": SECRETS[2]})
            http.post("/oauth/token", data={"grant_type": "password", "username": "nobody", "password": SECRETS[2]})
            http.get(f"/auth/password/{SECRETS[5]}")
            http.get(f"/desk/g/1/{SECRETS[6]}")
            missing = http.get("/no/such/page")
            # A proxy on this host (uvicorn trusts 127.0.0.1 by default) tells the client's address.
            http.get("/about", headers={"X-Forwarded-For": "203.0.113.7", "User-Agent": "via-proxy"})
    output = served.output()
    for secret in SECRETS:
        assert secret not in output, secret
    lines = lines_of(served.stdout.read_text())
    [line] = [m for m in lines if m[4].startswith("/about?")]
    client, _, method, target, _, status, size, referrer, agent, seconds = line.groups()
    assert (client, method, target, status) == ("127.0.0.1", "GET", "/about?max_id=5&access_token=[FILTERED]", "200")
    assert int(size) == len(about.content) and referrer == "https://city.example/p" and agent == "log-test/1.0"
    assert 0 <= float(seconds) < 10
    assert [m[6] for m in lines if m[4] == "/no/such/page"] == [str(missing.status_code)]
    assert any(m[3] == "POST" and m[4] == "/auth/sign_in" for m in lines)
    assert any(m[4] == "/auth/password/[FILTERED]" for m in lines)
    assert [m[1] for m in lines if m[9] == "via-proxy"] == ["203.0.113.7"]


def test_forwarded_for_only_from_a_configured_proxy_and_the_log_can_be_off(sqlite_template: Path,
                                                                            tmp_path: Path) -> None:
    with madang_serve(sqlite_template, tmp_path / "proxy", FORWARDED_ALLOW_IPS="192.0.2.1") as served:
        httpx.get(served.base + "/about", headers={"X-Forwarded-For": "203.0.113.7", "User-Agent": "spoof"})
    assert [m[1] for m in lines_of(served.stdout.read_text()) if m[9] == "spoof"] == ["127.0.0.1"]

    with madang_serve(sqlite_template, tmp_path / "off", MADANG_ACCESS_LOG="false") as served:
        assert httpx.get(served.base + "/about").status_code == 200
    assert lines_of(served.stdout.read_text()) == []
