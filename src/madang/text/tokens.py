"""The tokens that parsing finds in a post, with code-point offsets into the NFC text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MentionToken:
    """``@user`` or ``@user@domain`` as typed; ``domain`` is lower-cased, ``None`` when absent."""

    username: str
    domain: str | None
    start: int
    end: int

    @property
    def acct(self) -> str:
        return self.username if self.domain is None else f"{self.username}@{self.domain}"


@dataclass(frozen=True)
class HashtagToken:
    """``#name`` (or ``＃name``); ``name`` as typed, ``key`` the normalised form used for storage."""

    name: str
    key: str
    start: int
    end: int


@dataclass(frozen=True)
class UrlToken:
    url: str
    start: int
    end: int


@dataclass(frozen=True)
class ParsedText:
    text: str
    mentions: tuple[MentionToken, ...]
    hashtags: tuple[HashtagToken, ...]
    urls: tuple[UrlToken, ...]
