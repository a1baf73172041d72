"""Readers: the certificates in ``.json``, ``.ndjson`` / ``.jsonl`` and ``.csv`` files.

Every reader yields :data:`Record` pairs ``(source, payload)`` in file order. ``source``
is ``file:line``, the line where the record starts. ``payload`` is what
:func:`certpreflight.validate` takes (JSON bytes, a mapping, a parsed JSON value), or
a ready :class:`~certpreflight.Finding` when the record can't be handed to the engine
at all (a line over the size cap, a CSV row the csv module can't split). Nothing is
dropped: every record, readable or not, yields exactly one pair.

NDJSON and CSV are streamed (memory stays flat however big the file); a ``.json``
file is read whole, so use NDJSON for big batches. :func:`read_pieces` gives an
NDJSON file as :class:`Span` s instead, runs of lines that another process reads
(:func:`read_span`): so the CLI's workers read their own lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from certpreflight.io._common import (
    DEFAULT_MAX_LINE_BYTES,
    InputError,
    Record,
    record_too_large,
)
from certpreflight.io.csvfile import CSV_COLUMNS, read_csv
from certpreflight.io.jsonfile import read_json
from certpreflight.io.ndjson import Span, ndjson_spans, read_ndjson, read_span

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_MAX_LINE_BYTES",
    "SUFFIXES",
    "InputError",
    "Record",
    "Span",
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
SUFFIXES = {".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson", ".csv": "csv"}


def read_records(
    path: str | Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[Record]:
    """Yield ``(source, payload)`` for every certificate in a file, chosen by its suffix.

    Raises ``OSError`` when the file can't be opened or read, and :class:`InputError`
    when it can't be read as certificates at all (unknown suffix, CSV without the
    required columns).
    """
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind == "ndjson":
        return read_ndjson(path, max_line_bytes=max_line_bytes)
    if kind == "csv":
        return read_csv(path, max_line_bytes=max_line_bytes)
    if kind == "json":
        return read_json(path)
    raise InputError(f"{path}: unknown file type; use .json, .ndjson, .jsonl or .csv")


def read_pieces(
    path: str | Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[Record | Span]:
    """:func:`read_records`, except that an NDJSON file comes as :class:`Span` s.

    Read each span with :func:`read_span` (in any process) and the records come out
    as :func:`read_records` gives them. Raises as :func:`read_records` does.
    """
    path = Path(path)
    if SUFFIXES.get(path.suffix.lower()) == "ndjson":
        return ndjson_spans(path, max_line_bytes=max_line_bytes)
    return read_records(path, max_line_bytes=max_line_bytes)
