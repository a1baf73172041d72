"""NDJSON / JSON Lines: one certificate a line, streamed.

Each non-blank line is one record, its source ``file:line`` (1-based, counting blank
lines, which are skipped). The line's bytes go to ``validate()`` unparsed, so invalid
JSON, invalid UTF-8 and a truncated last line become ``invalid-json`` (4001) findings
with their line number. A UTF-8 byte order mark at the start of the file is dropped.
A line longer than ``max_line_bytes`` is never held in memory: it is skipped in pieces
and reported as ``record-too-large`` (4010).

A big file can also be cut into :class:`Span` s (:func:`ndjson_spans`), runs of whole
lines that another process reads on its own (:func:`read_ndjson_span`): the CLI's workers
read their lines themselves, so the parent neither reads nor sends them. Reading a
file's spans in order gives exactly the records :func:`read_ndjson` gives.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from certpreflight.io._common import (
    DEFAULT_MAX_LINE_BYTES,
    SPAN_BYTES,
    Record,
    Span,
    record_too_large,
)
from certpreflight.io._text import Utf8Stream, bytes_not_utf8, open_utf8

__all__ = ["SPAN_BYTES", "Span", "ndjson_spans", "plain_utf8", "read_ndjson", "read_ndjson_span"]

_SKIP_PIECE = 1024 * 1024


def read_ndjson(
    path: str | Path,
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    encoding: str | None = None,
) -> Iterator[Record]:
    """Yield ``(file:line, line bytes or Finding)`` for every non-blank line.

    The encoding comes from the byte order mark, else ``encoding`` (default UTF-8);
    lines ending in a bare CR count as lines.
    """
    with open(path, "rb") as handle:
        stream, _ = open_utf8(handle, encoding)
        yield from _records(stream, str(path), 1, None, max_line_bytes)


def plain_utf8(path: str | Path, encoding: str | None = None) -> bool:
    """True when the file is UTF-8 with ``\\n`` line ends: what spans can cut."""
    with open(path, "rb") as handle:
        stream, _ = open_utf8(handle, encoding)
        return stream is handle


def ndjson_spans(
    path: str | Path,
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    span_bytes: int = SPAN_BYTES,
) -> Iterator[Span]:
    """Cut a file into spans of about ``span_bytes``, each ending at a line's end.

    The file is read in blocks of ``span_bytes`` to count lines, never held whole.
    """
    name = str(path)
    with open(path, "rb") as handle:
        start = position = 0
        line = 1
        newlines = 0  # in the bytes from start to position
        while block := handle.read(span_bytes):
            cut = block.rfind(b"\n")
            position += len(block)
            if cut < 0:  # inside a long line: the span goes on
                continue
            newlines += block.count(b"\n")  # all of them at or before cut
            end = position - len(block) + cut + 1
            yield Span(name, start, end, line, max_line_bytes)
            start, line, newlines = end, line + newlines, 0
        if position > start:  # the last line has no newline
            yield Span(name, start, position, line, max_line_bytes)


def read_ndjson_span(span: Span) -> Iterator[Record]:
    """Yield the records of a span's lines, as :func:`read_ndjson` gives them."""
    with open(span.path, "rb") as handle:
        handle.seek(span.start)
        size = span.end - span.start - (_skip_bom(handle) if span.start == 0 else 0)
        yield from _records(handle, span.path, span.line, size, span.max_line_bytes)


def _records(
    handle: BinaryIO | Utf8Stream, name: str, number: int, size: int | None, max_line_bytes: int
) -> Iterator[Record]:
    """The records of the lines from the handle's position on: ``size`` bytes, or to the end.

    ``number`` is the first line's number.
    """
    readline = handle.readline
    end = None if size is None else handle.tell() + size  # type: ignore[union-attr]
    limit = max_line_bytes + 1
    remaining = size
    number -= 1
    while remaining is None or remaining > 0:
        line = readline(limit if remaining is None else min(limit, remaining))
        if not line:
            return
        number += 1
        if remaining is not None:
            remaining -= len(line)
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            yield f"{name}:{number}", record_too_large(_skip(readline, line), max_line_bytes)
            if end is not None:
                remaining = end - handle.tell()  # type: ignore[union-attr]
            continue
        if line.isspace():
            continue
        yield f"{name}:{number}", bytes_not_utf8(line) or line


def _skip_bom(handle: BinaryIO) -> int:
    """Read past a UTF-8 byte order mark at the start of the file; its size, or 0."""
    if handle.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8:
        return len(codecs.BOM_UTF8)
    handle.seek(0)
    return 0


def _skip(readline: Callable[[int], bytes], head: bytes) -> int:
    """Read past the rest of an oversized line in bounded pieces; its size without the newline."""
    size, piece = len(head), head
    while piece and not piece.endswith(b"\n"):
        piece = readline(_SKIP_PIECE)
        size += len(piece)
    return size - 1 if piece.endswith(b"\n") else size
