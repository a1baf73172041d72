"""NDJSON / JSON Lines: one certificate a line, streamed.

Each non-blank line is one record, its source ``file:line`` (1-based, counting blank
lines, which are skipped). A line ends at LF, CRLF or a bare CR, wherever in the file;
U+2028 and NEL are characters of a line, as JSON says. The line's bytes go to
``validate()`` unparsed, so invalid JSON, invalid UTF-8 and a truncated last line become
``invalid-json`` (4001) findings with their line number. A UTF-8 byte order mark at the
start of the file is dropped. A line longer than ``max_line_bytes`` is never held in
memory: it is skipped in pieces and reported as ``record-too-large`` (4010).

A big file can also be cut into :class:`Span` s (:func:`ndjson_spans`), runs of whole
lines that another process reads on its own (:func:`read_ndjson_span`): the CLI's workers
read their lines themselves, so the parent neither reads nor sends them. Reading a
file's spans in order gives exactly the records :func:`read_ndjson` gives.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
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

__all__ = [
    "SPAN_BYTES",
    "Span",
    "ndjson_spans",
    "plain_utf8",
    "read_ndjson",
    "read_ndjson_span",
]


def read_ndjson(
    path: str | Path,
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    encoding: str | None = None,
) -> Iterator[Record]:
    """A record (line bytes or Finding) for every non-blank line, its line end included.

    The encoding comes from the byte order mark, else ``encoding`` (default UTF-8).
    """
    with open(path, "rb") as handle:
        stream, _ = open_utf8(handle, encoding)
        start = handle.tell() if stream is handle else 0
        yield from _records(stream, str(path), 1, start=start, size=None, limit=max_line_bytes)


def plain_utf8(path: str | Path, encoding: str | None = None) -> bool:
    """True when the file is UTF-8: what spans can cut."""
    with open(path, "rb") as handle:
        stream, _ = open_utf8(handle, encoding)
        return stream is handle


def _line_ends(data: bytes) -> int:
    """The line ends in ``data``: LF, CRLF and bare CR (a CR ending ``data`` counts)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def ndjson_spans(
    path: str | Path,
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    span_bytes: int = SPAN_BYTES,
) -> Iterator[Span]:
    """Cut a file into spans of about ``span_bytes``, each ending at a line feed.

    The file is read in blocks of ``span_bytes`` to count lines, never held whole.
    """
    name = str(path)
    with open(path, "rb") as handle:
        start = position = 0
        line = 1
        ends = 0  # line ends from start to the last block's cut
        cr_before = False  # the bytes before this block end in a CR
        while block := handle.read(span_bytes):
            cut = block.rfind(b"\n")
            position += len(block)
            ends += _line_ends(block if cut < 0 else block[: cut + 1])
            ends -= cr_before and block.startswith(b"\n")  # a CRLF across blocks: one end
            cr_before = block.endswith(b"\r")
            if cut < 0:  # inside a long line: the span goes on
                continue
            end = position - len(block) + cut + 1
            yield Span(name, start, end, line, max_line_bytes)
            start, line, ends = end, line + ends, _line_ends(block[cut + 1 :])
        if position > start:  # the last line has no line feed
            yield Span(name, start, position, line, max_line_bytes)


def read_ndjson_span(span: Span) -> Iterator[Record]:
    """Yield the records of a span's lines, as :func:`read_ndjson` gives them."""
    with open(span.path, "rb") as handle:
        handle.seek(span.start)
        bom = _skip_bom(handle) if span.start == 0 else 0
        size = span.end - span.start - bom
        start, limit = span.start + bom, span.max_line_bytes
        yield from _records(handle, span.path, span.line, start=start, size=size, limit=limit)


_BARE_CR = re.compile(rb"\r(?!\n)")


def _records(
    handle: BinaryIO | Utf8Stream,
    name: str,
    number: int,
    *,
    start: int,
    size: int | None,
    limit: int,
) -> Iterator[Record]:
    """The records of the lines from the handle's position, ``start``: ``size`` bytes, or to
    the end. ``number`` is the first line's number. A line ends at LF, CRLF or a bare CR;
    U+2028 and NEL are characters of a line, as JSON says. A line over ``limit`` bytes is
    read past in pieces, never held."""
    left = size
    at = position = start  # where the line starts, where the next piece does
    pending = b""  # a line's first bytes, read with the bare-CR line before it
    skipped = -1  # the size read of a line over the limit, while it is read past
    number -= 1
    while True:
        want = limit + 1 - len(pending)
        if pending.endswith(b"\n"):  # a whole line, after a bare CR's
            want, chunk = -1, b""
        else:
            chunk = handle.readline(want if left is None else min(want, left))
        left = None if left is None else left - len(chunk)
        data, pending = pending + chunk, b""
        open_end = len(chunk) == want and not chunk.endswith(b"\n")  # the line goes on
        cr = _BARE_CR.search(data) if b"\r" in data else None
        if cr is not None and not (cr.end() == len(data) and open_end):  # not a CRLF's CR
            data, pending, open_end = data[: cr.end()], data[cr.end() :], False
        position += len(data)
        if skipped >= 0 or (open_end and data):  # inside a line over the limit
            skipped = max(skipped, 0) + len(data)
            if open_end and data:
                continue
            size_ = skipped - (1 if data.endswith((b"\n", b"\r")) else 0)
            number, skipped = number + 1, -1
            yield Record(f"{name}:{number}", record_too_large(size_, limit), at, position)
        elif not data:
            return
        else:
            number += 1
            if not data.isspace():
                yield Record(f"{name}:{number}", bytes_not_utf8(data) or data, at, position)
        at = position


def _skip_bom(handle: BinaryIO) -> int:
    """Read past a UTF-8 byte order mark at the start of the file; its size, or 0."""
    if handle.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8:
        return len(codecs.BOM_UTF8)
    handle.seek(0)
    return 0
