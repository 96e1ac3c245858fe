"""A browser-like HTTP client for the web pages: keeps cookies, echoes the CSRF token."""

from __future__ import annotations

import re
from typing import Any

import httpx

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class WebClient:
    def __init__(self, base: str, *, accept_language: str = "ko-KR,ko;q=0.9") -> None:
        self.base = base
        self.http = httpx.Client(base_url=base, follow_redirects=False, timeout=20,
                                 headers={"Accept-Language": accept_language, "User-Agent": "madang-tests/1.0"})
        self.csrf = ""

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        response = self.http.get(path, **kwargs)
        found = CSRF.search(response.text) if "text/html" in response.headers.get("content-type", "") else None
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, *, files: Any = None,
             csrf: bool = True, **kwargs: Any) -> httpx.Response:
        if csrf and not self.csrf:
            self.get("/auth/sign_in")
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf)
        return self.http.post(path, data=form, files=files, **kwargs)

    def follow(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code in (302, 303), response.text[:500]
        return self.get(response.headers["location"])

    def sign_up(self, username: str, password: str = "비밀번호는길게1234") -> httpx.Response:
        self.get("/auth/sign_up")
        return self.post("/auth/sign_up", {"username": username, "email": f"{username}@example.kr",
                                           "password": password, "password_confirmation": password,
                                           "agreement": "1"})

    def sign_in(self, login: str, password: str) -> httpx.Response:
        self.get("/auth/sign_in")
        return self.post("/auth/sign_in", {"login": login, "password": password})

    def close(self) -> None:
        self.http.close()
