"""CSV that a spreadsheet opens as data: a text cell that looks like a formula is defused.

Excel, LibreOffice and Google Sheets run a cell starting with ``= + - @`` (or a tab or carriage
return before one) as a formula, so a post reading ``=HYPERLINK(...)`` in an export would become
a live link or worse when a clerk opens the file. OWASP's advice: prefix such a cell with a
single quote, which the spreadsheet shows as text. Numbers are written as they are (a negative
count stays a number); only text is defused."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CsvWriter:
    """``csv.writer`` with every text cell defused."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([defuse(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO, **options: Any) -> CsvWriter:
    return CsvWriter(out, **options)
