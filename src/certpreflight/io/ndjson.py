"""NDJSON / JSON Lines: one certificate a line, streamed.

Each non-blank line is one record, its source ``file:line`` (1-based, counting blank
lines, which are skipped). The line's bytes go to ``validate()`` unparsed, so invalid
JSON, invalid UTF-8 and a truncated last line become ``invalid-json`` (4001) findings
with their line number. A UTF-8 byte order mark at the start of the file is dropped.
A line longer than ``max_line_bytes`` is never held in memory: it is skipped in pieces
and reported as ``record-too-large`` (4010).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from pathlib import Path

from certpreflight.io._common import DEFAULT_MAX_LINE_BYTES, Record, record_too_large

__all__ = ["read_ndjson"]

_SKIP_PIECE = 1024 * 1024


def read_ndjson(
    path: str | Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[Record]:
    """Yield ``(file:line, line bytes or Finding)`` for every non-blank line."""
    name = str(path)
    with open(path, "rb") as handle:
        readline = handle.readline
        number = 0
        while line := readline(max_line_bytes + 1):
            number += 1
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]
            if len(line) > max_line_bytes and not line.endswith(b"\n"):
                yield f"{name}:{number}", record_too_large(_skip(readline, line), max_line_bytes)
                continue
            if not line or line.isspace():
                continue
            yield f"{name}:{number}", line


def _skip(readline: Callable[[int], bytes], head: bytes) -> int:
    """Read past the rest of an oversized line in bounded pieces; its size without the newline."""
    size, piece = len(head), head
    while piece and not piece.endswith(b"\n"):
        piece = readline(_SKIP_PIECE)
        size += len(piece)
    return size - 1 if piece.endswith(b"\n") else size
