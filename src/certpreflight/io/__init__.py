"""Readers: the certificates in ``.json``, ``.ndjson`` / ``.jsonl``, ``.csv`` and ``.xlsx`` files.

Every reader yields :class:`Record` s ``(source, payload, start, end)`` in file order, the
same for every command (``check --fix`` writes each back from the bytes it spans). ``source``
is ``file:line``, the line where the record starts (``file:sheet:row`` in a workbook).
``payload`` is what :func:`certpreflight.validate` takes (JSON bytes, a mapping, a
parsed JSON value), or a ready :class:`~certpreflight.Finding` when the record can't be
handed to the engine at all (a line over the size cap, a CSV row the csv module can't
split). Nothing is dropped: every record, readable or not, yields exactly one pair.

A file's kind comes from its suffix unless it is named (``kind="ndjson"``, as the CLI's
``--input-format`` does). An empty file of any kind has no records.

Every reader streams (memory stays bounded by the largest record, however big the
file; a ``.json`` array element by element) and reads the encoding the file's byte
order mark names (UTF-8, UTF-16, UTF-32), else ``encoding`` (default UTF-8): a record
with bytes that aren't text in it is a 4011 text-not-utf8 finding. :func:`read_pieces` gives an
NDJSON or CSV file as :class:`Span` s instead, runs of whole records that another process
reads (:func:`read_span`): so the CLI's workers read their own lines and rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from certpreflight.io._common import (
    DEFAULT_MAX_LINE_BYTES,
    SPAN_BYTES,
    InputError,
    Record,
    Span,
    record_too_large,
)
from certpreflight.io._text import FileState, file_state
from certpreflight.io.csvfile import CSV_COLUMNS, csv_spans, read_csv, read_csv_span
from certpreflight.io.jsonfile import read_json
from certpreflight.io.ndjson import ndjson_spans, plain_utf8, read_ndjson, read_ndjson_span
from certpreflight.io.xlsx import read_sheet, sheet_records

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_MAX_LINE_BYTES",
    "INPUT_FORMATS",
    "SPAN_BYTES",
    "SUFFIXES",
    "FileState",
    "InputError",
    "Record",
    "Span",
    "csv_spans",
    "file_state",
    "kind_of",
    "ndjson_spans",
    "read_csv",
    "read_json",
    "read_ndjson",
    "read_pieces",
    "read_records",
    "read_span",
    "record_too_large",
]

#: File suffix -> the kind of file it holds.
SUFFIXES = {
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".csv": "csv",
    ".xlsx": "xlsx",
}

#: The kinds of input, as ``--input-format`` names them.
INPUT_FORMATS = ("json", "ndjson", "csv", "xlsx")


def kind_of(path: str | Path, kind: str | None = None) -> str:
    """The kind of a file: ``kind`` if given, else from the suffix; InputError if unknown."""
    if kind is not None:
        if kind not in INPUT_FORMATS:
            raise InputError(
                f"unknown input format {kind!r}; use one of {', '.join(INPUT_FORMATS)}"
            )
        return kind
    found = SUFFIXES.get(Path(path).suffix.lower())
    if found is None:
        raise InputError(
            f"{path}: unknown file type; use .json, .ndjson, .jsonl, .csv or .xlsx, "
            "or name it with --input-format"
        )
    return found


def read_records(
    path: str | Path,
    *,
    kind: str | None = None,
    sheet: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    encoding: str | None = None,
) -> Iterator[Record]:
    """The :class:`Record` of every certificate in a file.

    ``kind`` (``json``, ``ndjson``, ``csv``, ``xlsx``) overrides the suffix; ``sheet``
    names a workbook's sheet (default the first). Raises ``OSError`` when the file
    can't be opened or read, and :class:`InputError` when it can't be read as
    certificates at all (unknown suffix, a header without the required columns, no
    such sheet, python-calamine missing for a workbook).
    """
    found = kind_of(path, kind)
    if found == "ndjson":
        return read_ndjson(path, max_line_bytes=max_line_bytes, encoding=encoding)
    if found == "csv":
        return read_csv(path, max_line_bytes=max_line_bytes, encoding=encoding)
    if found == "xlsx":
        return sheet_records(read_sheet(path, sheet=sheet), str(path), max_line_bytes)
    return read_json(path, max_line_bytes=max_line_bytes, encoding=encoding)


def read_pieces(
    path: str | Path,
    *,
    kind: str | None = None,
    sheet: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    encoding: str | None = None,
) -> Iterator[Record | Span]:
    """:func:`read_records`, except that a UTF-8 NDJSON file and a CSV file come as
    :class:`Span` s.

    Read each span with :func:`read_span` (in any process) and the records come out
    as :func:`read_records` gives them (an NDJSON file in another encoding, and a CSV
    file in UTF-16 or another encoding of several bytes a character, come as records).
    Raises as :func:`read_records` does.
    """
    found = kind_of(path, kind)
    if found == "ndjson" and plain_utf8(path, encoding):
        return ndjson_spans(path, max_line_bytes=max_line_bytes)
    if found == "csv":
        return csv_spans(path, max_line_bytes=max_line_bytes, encoding=encoding)
    return read_records(
        path, kind=kind, sheet=sheet, max_line_bytes=max_line_bytes, encoding=encoding
    )


def read_span(span: Span) -> Iterator[Record]:
    """The records of a span of :func:`read_pieces`, as :func:`read_records` gives them."""
    return read_csv_span(span) if span.header is not None else read_ndjson_span(span)
