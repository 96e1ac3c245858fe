"""Reading domain list files (madang.moderation.domain_block_csv): Mastodon's CSV, a header
without '#', a plain list with comments, a BOM, quoted cells over several lines (line numbers
stay those of the file), a spreadsheet-quoted comment taken back, and the refusals; then, on
both databases, an import that plans and applies through the use cases or changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from madang.db import Database
from madang.models import DomainBlock, User
from madang.moderation.domain_block_csv import (
    ImportRefused,
    apply_import,
    export_domain_blocks,
    parse_rows,
    plan_import,
)
from tests.accounts.factories import make_account


def test_mastodons_csv_is_read_with_its_columns() -> None:
    text = ("\ufeff#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
            'spam.example,silence,true,false,"여러 줄\n사유",true\n'
            "한국.kr,noop,false,true,'=1+1,false\n")
    rows, errors = parse_rows(text.encode(), kind="blocks")
    assert errors == []
    assert [(r.line, r.domain, r.severity, r.reject_media, r.reject_reports, r.obfuscate) for r in rows] == [
        (2, "spam.example", "silence", True, False, True), (4, "xn--3e0b707e.kr", "noop", False, True, False)]
    assert rows[0].public_comment == "여러 줄\n사유" and rows[1].public_comment == "=1+1"


def test_columns_in_another_order_a_header_without_hashes_and_plain_lists() -> None:
    rows, _ = parse_rows("#severity,#domain\nsilence,a.example\n", kind="blocks")
    assert [(r.domain, r.severity) for r in rows] == [("a.example", "silence")]
    rows, _ = parse_rows("domain,severity\nb.example,noop\n", kind="blocks")
    assert [(r.domain, r.severity) for r in rows] == [("b.example", "noop")]
    rows, _ = parse_rows("# a shared list\n\n*.c.example\nD.Example.\n", kind="blocks")
    assert [(r.line, r.domain, r.severity) for r in rows] == [(3, "c.example", "suspend"), (4, "d.example", "suspend")]
    rows, _ = parse_rows("#domain,#severity\ne.example,ban\n", kind="allows")  # allows read the domain only
    assert [r.domain for r in rows] == ["e.example"]


def test_bad_rows_are_reported_by_line() -> None:
    text = ("#domain,#severity,#reject_media\n" "ok.example,suspend,false\n" ",suspend,false\n"
            "x@y.example,suspend,false\n" "z.example,ban,false\n" "w.example,silence,perhaps\n"
            + "a" * 300 + ".example\n")
    _, errors = parse_rows(text, kind="blocks")
    assert [(e.line, e.code) for e in errors] == [(3, "domain_blank"), (4, "domain_invalid"), (5, "severity"),
                                                 (6, "boolean"), (7, "domain_too_long")]
    assert errors[0].message == "line 3: the domain is blank"
    assert [e.code for e in parse_rows(b"\xff\xfe", kind="blocks")[1]] == ["not_utf8"]
    assert [e.code for e in parse_rows("# nothing\n", kind="blocks")[1]] == ["empty"]
    assert [e.code for e in parse_rows("a.example\n" * 5001, kind="blocks")[1]] == ["too_many_rows"]


async def _admin(db: Database):  # type: ignore[no-untyped-def]
    async with db.write() as s:
        account = await make_account(s)
        await s.execute(update(User).where(User.account_id == account.id).values(admin=True))
    return account


async def test_an_import_applies_every_row_or_none(db: Database) -> None:
    admin = await _admin(db)
    good = "#domain,#severity\nbad.example,suspend\nsub.bad.example,silence\nquiet.example,silence\n"
    async with db.read() as s:
        plan = await plan_import(s, actor=admin, data=good, kind="blocks", local_domain="madang.example")
    assert [r.domain for r in plan.add] == ["bad.example", "quiet.example"]
    assert [(k.row.domain, k.reason, k.by) for k in plan.skip] == [("sub.bad.example", "covered", "bad.example")]
    with pytest.raises(ImportRefused) as refused:
        async with db.write() as s:
            await apply_import(s, actor=admin, data=good + "madang.example,suspend\n", kind="blocks",
                               local_domain="madang.example")
    assert [(e.line, e.code) for e in refused.value.plan.errors] == [(5, "own_domain")]
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(DomainBlock)) == 0
    async with db.write() as s:
        await apply_import(s, actor=admin, data=good, kind="blocks", local_domain="madang.example")
    async with db.read() as s:
        exported = await export_domain_blocks(s, actor=admin)
    assert exported.splitlines()[1:] == ["bad.example,suspend,false,false,,false",
                                         "quiet.example,silence,false,false,,false"]
