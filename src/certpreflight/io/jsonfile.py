"""``.json`` files: one certificate object, or an array of them. Read whole.

Each array element is one record, its source ``file:line`` where the element starts.
A file that is not an array (an object, or anything else) is one record, handed to
``validate()`` as text, so invalid JSON is reported there as ``invalid-json`` (4001).
When the array itself breaks off (a syntax error between or inside elements), the
elements before it are still checked and the break is one ``invalid-json`` finding
at its line: the rest of the file can't be split into records reliably. An empty
file (nothing but white space) has no records, like ``[]``.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path

from certpreflight.io._common import Record
from certpreflight.rules import formatting
from certpreflight.rules._base import Hit

__all__ = ["read_json"]

_SPACE = re.compile(r"[ \t\n\r]*")
_NL, _NL_BYTES = "\n", b"\n"


def _broken(detail: str) -> Hit:
    return Hit(loc=(), params={"detail": detail}, errors={"": detail})


def read_json(path: str | Path) -> Iterator[Record]:
    """Yield ``(file:line, element)`` for each array element, or one record for the file."""
    name = str(path)
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield f"{name}:{data.count(_NL_BYTES, 0, exc.start) + 1}", data
        return
    start = len(codecs.BOM_UTF8.decode()) if text.startswith("\ufeff") else 0
    pos = _SPACE.match(text, start).end()  # type: ignore[union-attr]
    if pos == len(text):  # empty, or only white space: no records, as an empty NDJSON file
        return
    if text[pos : pos + 1] != "[":
        yield f"{name}:{text.count(_NL, 0, pos) + 1}", text[start:]
        return
    yield from _elements(text, pos + 1, name)


def _elements(text: str, pos: int, name: str) -> Iterator[Record]:
    decoder = json.JSONDecoder()
    line, counted = 1, 0

    def line_at(index: int) -> int:
        nonlocal line, counted
        line += text.count(_NL, counted, index)
        counted = index
        return line

    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    if text.startswith("]", pos):
        return
    while True:
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            detail = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
            yield f"{name}:{line_at(exc.pos)}", formatting.invalid_json.finding(_broken(detail))
            return
        # validate() reads a str as JSON text: hand it non-objects as their source text.
        yield f"{name}:{line_at(pos)}", value if isinstance(value, dict) else text[pos:end]
        pos = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            continue
        if text.startswith("]", pos):
            return
        where = line_at(pos)
        detail = f"expected ',' or ']' after the element, at line {where}"
        yield f"{name}:{where}", formatting.invalid_json.finding(_broken(detail))
        return
