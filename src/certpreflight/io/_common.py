"""What the readers share: the record type, spans, the input error, and the record-too-large
finding."""

from __future__ import annotations

from typing import Any, NamedTuple

from certpreflight.findings import Finding
from certpreflight.rules import formatting as fmt
from certpreflight.rules._base import Hit

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "SPAN_BYTES",
    "InputError",
    "Record",
    "Span",
    "record_too_large",
]

#: A line (NDJSON) or a field (CSV) longer than this is reported, not read: memory stays bounded.
DEFAULT_MAX_LINE_BYTES = 1024 * 1024


class Record(NamedTuple):
    """One record of a file: where it starts (``file:line``, ``file:sheet:row``), what
    ``validate()`` takes (JSON bytes, a mapping) or the Formatting finding that stands for
    it, and where it lies, for writing it back untouched: bytes ``start`` to ``end`` of a
    UTF-8 file, its last line end included (in a file in another encoding: of its text in
    UTF-8 for JSON and NDJSON, of the file for CSV); a workbook's rows (indexes into its
    :class:`~certpreflight.io.xlsx.Sheet` rows, the end excluded)."""

    source: str
    payload: Any
    start: int
    end: int


#: About this many bytes of records make a span (more when a record is longer).
SPAN_BYTES = 1024 * 1024


class Span(NamedTuple):
    """Whole records of a file, for another process to read: bytes ``start`` to ``end``,
    the first on line ``line``. An NDJSON file's lines; a CSV file's rows when ``header``
    is set (the file's header cells, read before the span) in ``encoding``."""

    path: str
    start: int
    end: int
    line: int
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    header: tuple[str, ...] | None = None
    encoding: str = "utf-8"


class InputError(Exception):
    """A file that can't be read as certificates at all (exit code 2 in the CLI)."""


def record_too_large(size: int | None, limit: int) -> Finding:
    """The Formatting finding for a record of ``size`` bytes (None: unknown) over ``limit``."""
    detail = f"over the limit of {limit:,} bytes"
    if size is not None:
        detail = f"{size:,} bytes, {detail}"
    return fmt.record_too_large.finding(Hit(loc=(), params={"detail": detail}, errors={(): detail}))
