"""Every write of an account's display name writes its autocomplete keys too (decision 0062):
ORM flushes of ``Account`` (sign-up, profile edits, remote profiles, deletion) pass here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect

from madang.models import Account
from madang.text.hangul_keys import initials_of_key, name_key


def fill_name_keys(account: Any) -> None:
    key = name_key(account.display_name or "")[:400]
    account.name_key = key
    account.name_initials = initials_of_key(key)


@event.listens_for(Account, "before_insert")
def _on_insert(_mapper: Any, _connection: Any, target: Account) -> None:
    fill_name_keys(target)


@event.listens_for(Account, "before_update")
def _on_update(_mapper: Any, _connection: Any, target: Account) -> None:
    if inspect(target).attrs.display_name.history.has_changes():
        fill_name_keys(target)
