"""Domain block and allow lists as CSV files, in Mastodon's format (decision 0040).

Export of blocks: ``#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate``
(private comments stay here, as Mastodon's export leaves them out); of allows: ``#domain``.
Import takes such a file, or a plain list of domains (one a line; ``#`` lines are comments),
where each domain is suspended, as Mastodon's import does for a list without ``#severity``.

An import is planned first (what would be added, what is skipped and why, which rows are bad
and on which line), so a person sees it before applying. Applying plans again in the same write
unit and refuses the whole file if any row is bad; every block goes through ``block_domain``
(a suspension severs follows, each block is in the audit log) and every allow through
``allow_domain``. A refused or failing import changes nothing: the caller's unit rolls back."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Invalid
from madang.models import Account
from madang.moderation.domain_allows import allow_domain, find_domain_allow, list_domain_allows
from madang.moderation.domain_blocks import (
    COMMENT_MAX,
    DOMAIN_BLANK,
    DOMAIN_TOO_LONG,
    SEVERITIES,
    _stricter,
    block_domain,
    domain_block_for,
    list_domain_blocks,
    normalise_domain,
)
from madang.moderation.permissions import require_admin
from madang.text.spreadsheets import FORMULA_STARTS, csv_writer

BLOCK_COLUMNS = ("#domain", "#severity", "#reject_media", "#reject_reports", "#public_comment", "#obfuscate")
ALLOW_COLUMNS = ("#domain",)
MAX_BYTES = 512 * 1024  # a large shared blocklist is ~100 KB
MAX_ROWS = 5000
_COLUMNS = {c.lstrip("#") for c in BLOCK_COLUMNS} | {"private_comment"}
_TRUE, _FALSE = ("true", "1", "yes", "t", "y"), ("false", "0", "no", "f", "n", "")

# Why a row is bad (the surfaces say it in their language; ``RowError.message`` is English).
ROW_PROBLEMS = {
    "domain_blank": "the domain is blank",
    "domain_invalid": "the domain is not valid",
    "domain_too_long": "the domain is too long",
    "own_domain": "this server's own domain cannot be blocked",
    "severity": "the severity must be noop, silence or suspend",
    "boolean": "a yes/no column must be true or false",
    "comment_too_long": f"the public comment is too long (maximum is {COMMENT_MAX} characters)",
    "unreadable": "the line cannot be read as CSV",
    "no_domain_column": "the header has no #domain column",
}
FILE_PROBLEMS = {
    "not_utf8": "The file is not UTF-8 text",
    "too_large": f"The file is larger than {MAX_BYTES // 1024} KB",
    "too_many_rows": f"The file has more than {MAX_ROWS} rows",
    "empty": "The file names no domain",
}


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line of the file (0: the file as a whole)
    code: str  # a key of ROW_PROBLEMS or FILE_PROBLEMS
    value: str = ""  # what the row said (shortened)

    @property
    def message(self) -> str:
        text = ROW_PROBLEMS.get(self.code) or FILE_PROBLEMS.get(self.code, self.code)
        return f"line {self.line}: {text}" if self.line else text


@dataclass(frozen=True)
class BlockRow:
    line: int
    domain: str
    severity: str = "suspend"
    reject_media: bool = False
    reject_reports: bool = False
    public_comment: str = ""
    obfuscate: bool = False


@dataclass(frozen=True)
class Skipped:
    row: BlockRow
    reason: str  # "already" (the same domain is listed), "covered" (a parent's entry is as strict), "repeated"
    by: str = ""  # the domain whose entry covers it


@dataclass
class ImportPlan:
    kind: str  # "blocks" | "allows"
    add: list[BlockRow] = field(default_factory=list)
    skip: list[Skipped] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def applicable(self) -> bool:
        return not self.errors and bool(self.add)


class ImportRefused(Invalid):
    """The file has bad rows: nothing was changed (``plan.errors`` says where)."""

    def __init__(self, plan: ImportPlan) -> None:
        first = plan.errors[0].message if plan.errors else "nothing to import"
        super().__init__(f"The file was not imported: {first}", field="file")
        self.plan = plan


# -- export ------------------------------------------------------------------------------------

def _bool(value: bool) -> str:
    return "true" if value else "false"


async def export_domain_blocks(session: AsyncSession, *, actor: Account) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(BLOCK_COLUMNS)
    for b in await list_domain_blocks(session, actor=actor):
        writer.writerow([b.domain, b.severity, _bool(b.reject_media), _bool(b.reject_reports), b.public_comment,
                         _bool(b.obfuscate)])
    return out.getvalue()


async def export_domain_allows(session: AsyncSession, *, actor: Account) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(ALLOW_COLUMNS)
    for a in await list_domain_allows(session, actor=actor):
        writer.writerow([a.domain])
    return out.getvalue()


# -- parsing -----------------------------------------------------------------------------------

def decode(data: bytes | str) -> tuple[str | None, RowError | None]:
    """An uploaded file as text (UTF-8, a BOM allowed), or why not."""
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_BYTES:
        return None, RowError(0, "too_large")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, RowError(0, "not_utf8")


def _domain(value: str, line: int) -> tuple[str | None, RowError | None]:
    text = value.strip()
    if text.startswith("*."):
        text = text[2:]  # some shared lists write wildcards; a block covers subdomains anyway
    try:
        return normalise_domain(text), None
    except Invalid as exc:
        code = {DOMAIN_BLANK: "domain_blank", DOMAIN_TOO_LONG: "domain_too_long"}.get(exc.message, "domain_invalid")
        return None, RowError(line, code, value[:80])


def _undefuse(text: str) -> str:
    """Our own export quotes a cell that a spreadsheet would run as a formula: take it back."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _records(text: str) -> tuple[list[tuple[int, list[str]]], list[RowError]]:
    """(first line number, cells) of every non-empty record."""
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text))
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            return records, [RowError(reader.line_num, "unreadable")]
        if any(c.strip() for c in cells):
            records.append((start, cells))
        start = reader.line_num + 1
        if len(records) > MAX_ROWS:
            return records, [RowError(0, "too_many_rows")]
    return records, []


def parse_rows(data: bytes | str, *, kind: str) -> tuple[list[BlockRow], list[RowError]]:
    """The rows of a block list (``kind`` "blocks") or allow list ("allows"), with the bad ones."""
    text, problem = decode(data)
    if text is None:
        return [], [problem] if problem else []
    records, errors = _records(text)
    if errors:
        return [], errors
    columns: dict[str, int] | None = None
    rows: list[BlockRow] = []
    for line, cells in records:
        first = cells[0].strip()
        names = [c.strip().lstrip("#").strip().lower() for c in cells]
        if columns is None and not rows and "domain" in names and (first.startswith("#") or names[0] in _COLUMNS):
            columns = {name: i for i, name in enumerate(names)}  # Mastodon's header, or one without '#'
            continue
        if first.startswith("#"):
            continue  # a comment in a plain list
        row, error = _row(line, cells, columns or {"domain": 0}, kind)
        if error is not None:
            errors.append(error)
        elif row is not None:
            rows.append(row)
    if not rows and not errors:
        errors.append(RowError(0, "empty"))
    return rows, errors


def _row(line: int, cells: list[str], columns: dict[str, int], kind: str) -> tuple[BlockRow | None, RowError | None]:
    def cell(name: str) -> str | None:
        i = columns.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else None

    domain, error = _domain(cell("domain") or "", line)
    if domain is None:
        return None, error
    if kind == "allows":
        return BlockRow(line, domain), None
    severity = (cell("severity") or "suspend").lower()
    if severity not in SEVERITIES:
        return None, RowError(line, "severity", severity[:20])
    flags: dict[str, bool] = {}
    for name in ("reject_media", "reject_reports", "obfuscate"):
        raw = (cell(name) or "").lower()
        if raw not in _TRUE + _FALSE:
            return None, RowError(line, "boolean", raw[:20])
        flags[name] = raw in _TRUE
    comment = _undefuse(cell("public_comment") or "")
    if len(comment) > COMMENT_MAX:
        return None, RowError(line, "comment_too_long")
    return BlockRow(line, domain, severity, public_comment=comment, **flags), None


# -- planning and applying -----------------------------------------------------------------------

def _parents(domain: str) -> list[str]:
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(1, len(labels))]


async def plan_import(session: AsyncSession, *, actor: Account, data: bytes | str, kind: str,
                      local_domain: str | None = None) -> ImportPlan:
    """What importing ``data`` would do, without doing it. Parent domains are planned before their
    subdomains, so a file listing both is judged as Mastodon judges blocks one at a time."""
    await require_admin(session, actor)
    rows, errors = parse_rows(data, kind=kind)
    plan = ImportPlan(kind=kind, errors=errors)
    own = [local_domain.lower()] + _parents(local_domain.lower()) if local_domain else []
    planned: dict[str, BlockRow] = {}
    for row in sorted(rows, key=lambda r: (r.domain.count("."), r.line)):
        if row.domain in planned:
            plan.skip.append(Skipped(row, "repeated", row.domain))
            continue
        if kind == "allows":
            if await find_domain_allow(session, row.domain) is not None:
                plan.skip.append(Skipped(row, "already", row.domain))
            else:
                planned[row.domain] = row
            continue
        if row.domain in own:
            plan.errors.append(RowError(row.line, "own_domain", row.domain))
            continue
        existing = await domain_block_for(session, row.domain)
        if existing is not None and existing.domain == row.domain:
            plan.skip.append(Skipped(row, "already", row.domain))
            continue
        parent = next((planned[p] for p in _parents(row.domain) if p in planned), None)
        covering = parent if parent is not None else existing
        # A suspended parent leaves nothing to add (Mastodon would still take a second suspension).
        if covering is not None and (covering.severity == "suspend" or not _stricter(
                row.severity, row.reject_media, row.reject_reports, covering)):  # type: ignore[arg-type]
            plan.skip.append(Skipped(row, "covered", covering.domain))
            continue
        planned[row.domain] = row
    plan.add = sorted(planned.values(), key=lambda r: r.line)
    plan.errors.sort(key=lambda e: e.line)
    return plan


async def apply_import(session: AsyncSession, *, actor: Account, data: bytes | str, kind: str,
                       local_domain: str | None = None) -> ImportPlan:
    """Plan again and apply: every row, or (on any bad row) nothing, raising ``ImportRefused``."""
    plan = await plan_import(session, actor=actor, data=data, kind=kind, local_domain=local_domain)
    if plan.errors:
        raise ImportRefused(plan)
    for row in sorted(plan.add, key=lambda r: (r.domain.count("."), r.line)):
        if kind == "allows":
            await allow_domain(session, actor=actor, domain=row.domain)
        else:
            await block_domain(session, actor=actor, domain=row.domain, severity=row.severity,
                               reject_media=row.reject_media, reject_reports=row.reject_reports,
                               public_comment=row.public_comment, obfuscate=row.obfuscate,
                               local_domain=local_domain)
    return plan


def describe_rows(plan: ImportPlan) -> list[dict[str, Any]]:
    """The plan as plain rows for a page: line, domain, what happens."""
    rows = [{"line": r.line, "domain": r.domain, "action": "add", "row": r, "by": ""} for r in plan.add]
    rows += [{"line": s.row.line, "domain": s.row.domain, "action": s.reason, "row": s.row, "by": s.by}
             for s in plan.skip]
    return sorted(rows, key=lambda r: r["line"])
