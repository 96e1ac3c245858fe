"""What a reply starts with, as Mastodon's composer fills it in: the author and the people the
post mentions (never the one replying), and a visibility no wider than the post's."""

from __future__ import annotations

from collections.abc import Iterable

from madang.models import Account

# From widest to narrowest: a reply is as private as the post it answers, or more.
_WIDTH = {"public": 0, "unlisted": 1, "private": 2, "direct": 3}


def acct_of(account: Account) -> str:
    return account.username if account.domain is None else f"{account.username}@{account.domain}"


def reply_prefix(author: Account, mentioned: Iterable[Account], replier_id: int | None) -> str:
    """``@author @other `` (with a trailing space, ready to type after), each once, in the
    post's order; empty when the replier answers only themselves."""
    seen: list[str] = []
    for account in (author, *mentioned):
        if account.id == replier_id:
            continue
        acct = acct_of(account)
        if acct not in seen:
            seen.append(acct)
    return "".join(f"@{acct} " for acct in seen)


def reply_visibility(post_visibility: str, default_visibility: str) -> str:
    """The narrower of the post's visibility and the replier's default (Mastodon's rule)."""
    post = _WIDTH.get(post_visibility, 0)
    default = _WIDTH.get(default_visibility, 0)
    return post_visibility if post >= default else default_visibility
