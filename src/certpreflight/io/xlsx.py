"""Excel workbooks (``.xlsx``): one sheet read as a CSV file is, with the same header rules.

CertCapture's import templates are workbooks, so a sheet is read like
:mod:`certpreflight.io.csvfile`: the first non-blank row is the header, one row per
certificate-customer link, consecutive rows with the same certificate id one
certificate. A record's source is ``file:sheet:row`` (the row number Excel shows).
The first sheet is read unless one is named (by name, or by its 1-based number).

Cells keep what a person typed: a whole number stored as a number (a zip code, a
customer number) reads as ``98101``, not ``98101.0``; a date cell as ``YYYY-MM-DD``.
Reading needs python-calamine (https://pypi.org/project/python-calamine/), the
optional ``xlsx`` extra: ``pip install 'certpreflight[xlsx]'``.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from certpreflight.io._common import (
    DEFAULT_MAX_LINE_BYTES,
    InputError,
    Record,
    record_too_large,
)
from certpreflight.io.csvfile import Columns, group_rows, header_columns

__all__ = ["Sheet", "cell_text", "read_sheet", "sheet_columns", "sheet_records"]

MISSING = "reading .xlsx needs python-calamine: pip install 'certpreflight[xlsx]'"


def cell_text(value: Any) -> str:
    """A cell's value as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _workbook(path: str | Path) -> Any:
    try:
        calamine = importlib.import_module("python_calamine")
    except ImportError:
        raise InputError(f"{path}: {MISSING}") from None
    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except OSError:
        raise
    except Exception as exc:  # calamine's own errors: not a workbook, a broken zip, ...
        raise InputError(f"{path}: can't be read as an .xlsx workbook ({exc})") from None


def _sheet_name(names: list[str], sheet: str | None, path: str | Path) -> str | None:
    if sheet is None:
        return names[0] if names else None
    if sheet in names:
        return sheet
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    listed = ", ".join(repr(n) for n in names) or "none"
    raise InputError(f"{path}: no sheet {sheet!r} (sheets: {listed})")


class Sheet(NamedTuple):
    """One sheet's cells, read once: its records are :func:`sheet_records`'."""

    #: the sheet's name
    name: str
    #: each row's cells as text, from the sheet's first row (blank rows kept)
    rows: list[list[str]]
    #: the 0-based sheet row and column of ``rows[0][0]`` (a sheet whose cells start in
    #: column C is read from C)
    origin: tuple[int, int]


def read_sheet(path: str | Path, *, sheet: str | None = None, name: str | None = None) -> Sheet:
    """The chosen sheet's cells (no rows for a workbook without sheets). Raises
    :class:`InputError` when python-calamine is missing, the file is not a workbook or the
    sheet doesn't exist."""
    shown = str(path) if name is None else name
    book = _workbook(path)
    chosen = _sheet_name(list(book.sheet_names), sheet, shown)
    if chosen is None:
        return Sheet("", [], (0, 0))
    found = book.get_sheet_by_name(chosen)
    rows = [[cell_text(v) for v in values] for values in found.iter_rows()]
    end = found.end  # the last used cell, (row, column), 0-based; None when empty
    if not rows or end is None:
        return Sheet(chosen, rows, (0, 0))
    width = max(map(len, rows))
    return Sheet(chosen, rows, (end[0] + 1 - len(rows), end[1] + 1 - width))


def _header_row(sheet: Sheet) -> int | None:
    """The index of the sheet's header row, its first row that isn't blank."""
    return next((i for i, row in enumerate(sheet.rows) if any(c.strip() for c in row)), None)


def sheet_columns(sheet: Sheet, shown: str) -> Columns:
    """The columns of the sheet's header row (none for a blank sheet); InputError when it
    lacks required columns. What :func:`sheet_records` reads the rows by."""
    first = _header_row(sheet)
    if first is None:
        return []
    return header_columns(sheet.rows[first], f"{shown}:{sheet.name}", what="header row")


def sheet_records(
    sheet: Sheet, shown: str, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[Record]:
    """The records of a sheet :func:`read_sheet` read (``shown``: the file's name in sources),
    each with its rows (``start`` and ``end``: indexes into ``sheet.rows``, the end excluded);
    the source names the row Excel shows. InputError when the header lacks required columns."""
    first = _header_row(sheet)
    if first is None:
        return
    columns = sheet_columns(sheet, shown)
    top, prefix = sheet.origin[0], f"{shown}:{sheet.name}"

    def cells() -> Iterator[Record]:
        for i in range(first + 1, len(sheet.rows)):
            row = sheet.rows[i]
            if not any(c.strip() for c in row):
                continue
            longest = max(map(len, row))
            too_large = longest > max_line_bytes
            cell = record_too_large(longest, max_line_bytes) if too_large else row
            yield Record(f"{prefix}:{i + top + 1}", cell, i, i + 1)

    yield from group_rows(cells(), columns)
