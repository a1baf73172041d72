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

What a workbook claims is bounded before python-calamine reads it (:func:`check_claims`):
calamine reserves memory for the number of shared strings the file announces and for the
whole rectangle from a sheet's first used cell to its last, and a failed allocation aborts
the process. A 5 KB file claiming 4,000,000,000 strings, or holding cells at A1 and
XFD1048576, is refused (an :class:`InputError`) before that.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from certpreflight.io._common import (
    DEFAULT_MAX_LINE_BYTES,
    InputError,
    Record,
    record_too_large,
)
from certpreflight.io.csvfile import (
    Columns,
    header_columns,
    header_records,
    import_limit,
    too_many_lines,
)

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "Sheet",
    "cell_text",
    "check_claims",
    "read_sheet",
    "sheet_columns",
    "sheet_records",
]

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


#: Excel's worksheet size, 1,048,576 rows by 16,384 columns (Microsoft, "Excel specifications
#: and limits": https://support.microsoft.com/en-us/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3).
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
#: The most cells a sheet's used rectangle may span: calamine holds that rectangle whole
#: (32 bytes a cell, twice while it converts it), so about 1 GiB at most.
MAX_CELLS = 1 << 24
#: Shared strings a workbook may announce whatever its part holds (calamine reserves 24
#: bytes for each before it reads one); more only when the part really has them.
_FREE_STRINGS = 1 << 20
#: The longest run of XML without a tag read while the claims are checked.
_MAX_PIECE = 1 << 24

_NS = rb"<(?:[A-Za-z_][\w.-]*:)?"
_VALUE_CELL = re.compile(_NS + rb"c(?=[\s>])[^>]*(?<!/)>")  # a cell calamine may hold
_VALUE_CELL_AT = re.compile(
    _NS + rb"c\s(?:[^>]*?\s)?r\s*=\s*[\"']\s*([A-Za-z]*)(\d*)\s*[\"'][^>]*(?<!/)>"
)
_ROW = re.compile(_NS + rb"row(?=[\s/>])")
_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row\s*>|" + _NS + rb"row(?=[\s/])[^>]*/>")
_CELL = re.compile(_NS + rb"c(?=[\s/>])")  # any cell: each moves the next one on
_ROW_AT = re.compile(_NS + rb"row\s(?:[^>]*?\s)?r\s*=\s*[\"']\s*(\d*)\s*[\"']")
_DIMENSION = re.compile(rb"dimension\s(?:[^>]*?\s)?ref\s*=\s*[\"']([^\"']*)[\"']")
# The usual spelling (``<c r="B2" ...>``, ``<row r="2" ...>``, no prefix), read by the
# quicker patterns when every cell and row of a piece has it.
_PREFIXED = re.compile(rb":(?:c|row|v|is|dimension)[\s/>]")
_PLAIN_CELL_LETTERS = re.compile(rb'<c r="([A-Za-z]*)\d*"[^>]*(?<!/)>')
_PLAIN_CELL_ROW = re.compile(rb'<c r="[A-Za-z]*(\d*)"[^>]*(?<!/)>')
_PLAIN_ROW_AT = re.compile(rb'<row r="(\d*)"')
_SST = re.compile(_NS + rb"sst(?=[\s>])[^>]*?\suniqueCount\s*=\s*[\"']\s*\+?(\d*)")
_SI = re.compile(_NS + rb"si(?=[\s/>])")
_REF = re.compile(rb"\$?([A-Za-z]{1,8})\$?(\d{1,12})")


def _column_name(index: int) -> str:
    """The letters of a 1-based column number (``16384`` -> ``XFD``)."""
    name = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _number(digits: bytes) -> int:
    """A row number however many leading zeros it has (``int`` refuses over 4,300 digits)."""
    return int(digits.lstrip(b"0") or b"0")


def _column(letters: bytes) -> int:
    """The 1-based number of a column's letters (``XFD`` -> ``16384``)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


class _Part:
    """What one worksheet's XML makes calamine hold: the rectangle from its first cell with
    a value to its last. Cells and rows are placed by their ``r``; a row without one follows
    the row before, and a cell without one the cell before in its row, so those can only
    widen the rectangle by as many rows as lack one, and by the cells of the widest row."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.rows: set[bytes] = set()
        self.letters: set[bytes] = set()
        self.loose_rows = self.loose_cells = 0  # rows and cells without an ``r``
        self.run = self.widest = 0  # the cells of the row being read, of the widest row

    def refuse(self, problem: str) -> InputError:
        return InputError(f"{self.where}: {problem}; it can't be read as an .xlsx workbook")

    def read(self, xml: bytes) -> None:
        """Take a piece of the part's XML (no tag cut)."""
        for ref in _DIMENSION.findall(xml):
            for end in ref.split(b":")[:2]:
                match = _REF.fullmatch(end.strip())
                if match is not None:
                    self.check(match.group(2), match.group(1), "the sheet's dimension")
        if _PREFIXED.search(xml) is None and self._plain(xml):
            return
        placed = _VALUE_CELL_AT.findall(xml)
        for letters, row in placed:
            self.letters.add(letters)
            self.rows.add(row)
        self.rows.update(_ROW_AT.findall(xml))
        self.loose_cells += len(_VALUE_CELL.findall(xml)) - len(placed)
        self.loose_rows += len(_ROW.findall(xml)) - len(_ROW_AT.findall(xml))
        if self.loose_cells:
            *ended, last = _ROW_END.split(xml)
            for row in ended:
                self.widest = max(self.widest, self.run + len(_CELL.findall(row)))
                self.run = 0
            self.run += len(_CELL.findall(last))
            self.widest = max(self.widest, self.run)

    def _plain(self, xml: bytes) -> bool:
        """Take a piece whose every cell and row starts ``<c r="`` or ``<row r="`` (what
        Excel, openpyxl and LibreOffice write); False, taking nothing, for any other."""
        # ``<col``, ``<cfRule``, ``<rowBreaks`` ... count too: a piece with them (the first,
        # most often) is read by the general patterns
        if xml.count(b'<c r="') != xml.count(b"<c") or xml.count(b'<row r="') != xml.count(b"<row"):
            return False
        self.letters.update(set(_PLAIN_CELL_LETTERS.findall(xml)))
        self.rows.update(set(_PLAIN_CELL_ROW.findall(xml)), _PLAIN_ROW_AT.findall(xml))
        return True

    def check(self, row: bytes, letters: bytes, what: str) -> None:
        """Refuse a row number or column letters past Excel's limits."""
        if row and (len(row.lstrip(b"0")) > 7 or _number(row) > MAX_ROWS):
            shown = (letters + row).decode()
            raise self.refuse(f"{what} {shown} is past Excel's last row {MAX_ROWS:,}")
        if letters and (len(letters) > 3 or _column(letters) > MAX_COLUMNS):
            raise self.refuse(
                f"{what} {(letters + row).decode()} is past Excel's last column "
                f"{_column_name(MAX_COLUMNS)} ({MAX_COLUMNS:,} columns)"
            )

    def close(self) -> None:
        """Refuse the part if a row or a cell is past Excel's limits, or its rectangle holds
        more than :data:`MAX_CELLS` cells."""
        for row in self.rows:
            self.check(row, b"", "row")
        for letters in self.letters:
            self.check(b"", letters, "column")
        rows = sorted(_number(r) for r in self.rows if r.isdigit())
        columns = sorted(_column(name) for name in self.letters if name)
        if not (rows or self.loose_rows or self.loose_cells):
            return
        top, bottom = (rows[0], rows[-1]) if rows else (1, 1)
        left, right = (columns[0], columns[-1]) if columns else (1, 1)
        if self.loose_rows:
            top, bottom = 1, bottom + self.loose_rows
        if self.loose_cells:
            left, right = 1, max(right + self.widest - 1, self.widest)
        area = (bottom - top + 1) * (right - left + 1)
        if area > MAX_CELLS:
            raise self.refuse(
                f"its cells span {bottom - top + 1:,} rows by {right - left + 1:,} columns "
                f"({_column_name(left)}{top}:{_column_name(right)}{bottom}), {area:,} cells, "
                f"more than the {MAX_CELLS:,} a sheet is read with"
            )


def _pieces(handle: IO[bytes], where: str) -> Iterator[bytes]:
    """An XML part in pieces that end before a tag (no tag is cut)."""
    carry = b""
    while block := handle.read(1 << 20):
        data = carry + block
        cut = data.rfind(b"<")
        cut = len(data) if cut <= 0 else cut
        yield data[:cut]
        carry = data[cut:]
        if len(carry) > _MAX_PIECE:
            raise InputError(f"{where}: over {_MAX_PIECE:,} bytes of XML in one tag")
    yield carry


def _strings(where: str, handle: IO[bytes]) -> None:
    """Refuse a shared strings part that announces more strings than it holds (and more
    than :data:`_FREE_STRINGS`)."""
    claimed = held = 0
    for piece in _pieces(handle, where):
        if not claimed:
            found = _SST.search(piece)
            digits = found.group(1).lstrip(b"0") if found else b""
            # calamine reserves what it can read as a 64-bit count, and ignores the rest
            claimed = int(digits) if digits and len(digits) <= 20 else 0
            if found and claimed <= _FREE_STRINGS:
                return
        held += len(_SI.findall(piece))
    if claimed > held:
        raise InputError(
            f"{where} announces {claimed:,} shared strings but holds {held:,}; "
            "it can't be read as an .xlsx workbook"
        )


def _cells(where: str, handle: IO[bytes]) -> None:
    part = _Part(where)
    for piece in _pieces(handle, where):
        part.read(piece)
    part.close()


def check_claims(path: str | Path) -> None:
    """Refuse (:class:`InputError`) a workbook whose claims would make python-calamine ask
    for more memory than it may: a shared strings part announcing more strings than it
    holds, a cell with a value, a row or a dimension past Excel's limits (:data:`MAX_ROWS`,
    :data:`MAX_COLUMNS`), or a sheet whose cells span more than :data:`MAX_CELLS`. Reads
    the parts as a stream; a file that isn't a zip is left to calamine to say."""
    try:
        book = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return
    try:
        with book:
            for info in book.infolist():
                name = info.filename.lower()
                where = f"{path}: {info.filename}"
                if name.endswith("sharedstrings.xml"):
                    with book.open(info) as handle:
                        _strings(where, handle)
                elif "worksheets/" in name and name.endswith(".xml"):
                    with book.open(info) as handle:
                        _cells(where, handle)
    except (zipfile.BadZipFile, NotImplementedError, EOFError, ValueError) as exc:
        raise InputError(f"{path}: can't be read as an .xlsx workbook ({exc})") from None


def _workbook(path: str | Path) -> Any:
    try:
        calamine = importlib.import_module("python_calamine")
    except ImportError:
        raise InputError(f"{path}: {MISSING}") from None
    check_claims(path)
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
    try:
        found = book.get_sheet_by_name(chosen)
        rows = [[cell_text(v) for v in values] for values in found.iter_rows()]
    except OSError:
        raise
    except Exception as exc:  # calamine's: a shared string that isn't there, a bad cell, ...
        raise InputError(f"{shown}: can't be read as an .xlsx workbook ({exc})") from None
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
    return header_columns(_header(sheet.rows[first]), f"{shown}:{sheet.name}", what="header row")


def _header(row: list[str]) -> list[str]:
    """A header row's cells but the blank ones after its last heading (no column)."""
    return row[: max(i for i, cell in enumerate(row) if cell.strip()) + 1]


def sheet_records(
    sheet: Sheet, shown: str, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[Record]:
    """The records of a sheet :func:`read_sheet` read (``shown``: the file's name in sources),
    each with its rows (``start`` and ``end``: indexes into ``sheet.rows``, the end excluded);
    the source names the row Excel shows. InputError when the header lacks required columns."""
    first = _header_row(sheet)
    if first is None:
        return
    top, prefix = sheet.origin[0], f"{shown}:{sheet.name}"
    most, target = import_limit(sheet.rows[first]) or (0, "")

    def cells() -> Iterator[Record]:
        said = not most
        for i in range(first + 1, len(sheet.rows)):
            row = sheet.rows[i]
            if not any(c.strip() for c in row):
                continue
            if not said and i + top + 1 > most:  # an import template's rows past its limit
                said = True
                yield Record(
                    f"{prefix}:{i + top + 1}", too_many_lines(i + top + 1, most, target), i, i
                )
            longest = max(map(len, row))
            too_large = longest > max_line_bytes
            cell = record_too_large(longest, max_line_bytes) if too_large else row
            yield Record(f"{prefix}:{i + top + 1}", cell, i, i + 1)

    yield from header_records(cells(), _header(sheet.rows[first]), prefix, what="header row")
