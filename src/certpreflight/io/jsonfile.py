"""``.json`` files: one certificate object, or an array of them, streamed element by element.

Each array element is one record, its source ``file:line`` where the element starts.
The reader only finds where elements begin and end (strings, escapes and brackets,
counted without recursion); each element's bytes go to ``validate()`` unparsed, so
they meet the library's bounded parser like an NDJSON line: nesting of any depth is
4005, a lone surrogate or invalid JSON 4001, and a bad element never costs the others.
Memory is bounded by the largest element, not the file: an element over
``max_line_bytes`` is skipped unread and reported as ``record-too-large`` (4010).

A file that is not an array (an object, or anything else) is one record. When the
array itself breaks off (a syntax error between elements), the elements before it
are still checked and the break is one ``invalid-json`` finding at its line: the rest
of the file can't be split into records reliably. An element cut off by the end of
the file is reported at the line where it starts.

The encoding comes from the byte order mark (UTF-8, UTF-16, UTF-32) or the caller
(``encoding``); bytes that aren't text in it make their element a 4011 finding.
An empty file (nothing but white space) has no records, like ``[]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from certpreflight.findings import Finding
from certpreflight.io._common import DEFAULT_MAX_LINE_BYTES, Record, record_too_large
from certpreflight.io._text import Utf8Stream, bytes_not_utf8, open_utf8
from certpreflight.rules import formatting
from certpreflight.rules._base import Hit

__all__ = ["read_json"]

_BLOCK = 256 * 1024
# Whole strings (escapes included) and anything but brackets: what a container's scan skips.
# It stops at a bracket, or at a quote whose string the block's end cuts off.
_SKIP = re.compile(rb'(?:[^"\[\]{}]+|"[^"\\]*(?:\\.[^"\\]*)*")*', re.DOTALL)
_SCALAR_END = re.compile(rb'[,\]\[{}" \t\n\r]')  # what ends a number or literal
_INSIDE = re.compile(rb'["\\]')  # what ends a string or escapes the next byte
_NO_SPACE = re.compile(rb"[^ \t\n\r]")


def _broken(detail: str) -> Finding:
    return formatting.invalid_json.finding(
        Hit(loc=(), params={"detail": detail}, errors={(): detail})
    )


def read_json(
    path: str | Path,
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    encoding: str | None = None,
) -> Iterator[Record]:
    """A record (element bytes or Finding) for each array element, from its first byte to its
    last, or one record."""
    with open(path, "rb") as handle:
        stream, _ = open_utf8(handle, encoding)
        start = handle.tell() if stream is handle else 0
        yield from _Scanner(stream, str(path), max_line_bytes, start).records()


class _Scanner:
    """Cuts an array's bytes into elements, one block at a time."""

    def __init__(self, stream: BinaryIO | Utf8Stream, name: str, limit: int, start: int) -> None:
        self.stream = stream
        self.name = name
        self.limit = limit
        self.line = 1  # the line of the byte at ``pos`` in the current block
        self.block = b""
        self.pos = 0
        self.base = start  # the offset of the block's first byte
        self.has_cr = False  # the block holds a CR (a line end, alone or in CRLF)

    def _next_block(self) -> bool:
        crlf = self.block.endswith(b"\r")
        self.base += len(self.block)
        self.block = self.stream.read(_BLOCK)
        self.pos = 0
        self.has_cr = b"\r" in self.block
        self.line -= crlf and self.block.startswith(b"\n")  # its CR was counted as a line end
        return bool(self.block)

    def _advance(self, to: int) -> None:
        """Move to ``to``, counting line ends (LF, CRLF and bare CR) on the way."""
        block, at = self.block, self.pos
        self.line += block.count(b"\n", at, to)
        if self.has_cr:
            self.line += block.count(b"\r", at, to) - block.count(b"\r\n", at, to)
        self.pos = to

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def _broken(self, detail: str) -> Iterator[Record]:
        """The finding for a break in the array, where it is (the rest of the file is no
        record: it is written back as it is)."""
        yield Record(self._source(), _broken(detail), self.offset, self.offset)

    def _skip_space(self) -> bool:
        """Move to the next byte that isn't white space; False at the end of the file."""
        while True:
            found = _NO_SPACE.search(self.block, self.pos)
            if found is not None:
                self._advance(found.start())
                return True
            self._advance(len(self.block))
            if not self._next_block():
                return False

    def _source(self, line: int | None = None) -> str:
        return f"{self.name}:{self.line if line is None else line}"

    def records(self) -> Iterator[Record]:
        if not self._next_block() or not self._skip_space():
            return  # empty, or only white space: no records, as an empty NDJSON file

        if self.block[self.pos : self.pos + 1] != b"[":
            yield from self._whole()
            return
        self._advance(self.pos + 1)
        first = True
        while True:
            if not self._skip_space():
                yield from self._broken(f"the array is not closed (at line {self.line})")
                return
            byte = self.block[self.pos : self.pos + 1]
            if byte == b"]" and first:
                return
            if not first:
                if byte == b"]":
                    self._advance(self.pos + 1)
                    yield from self._trailing()
                    return
                if byte != b",":
                    detail = f"expected ',' or ']' after the element, at line {self.line}"
                    yield from self._broken(detail)
                    return
                self._advance(self.pos + 1)
                if not self._skip_space():
                    yield from self._broken(f"the array is not closed (at line {self.line})")
                    return
                if self.block[self.pos : self.pos + 1] in (b"]", b","):
                    detail = f"expected an element after ',', at line {self.line}"
                    yield from self._broken(detail)
                    return
            first = False
            line, at = self.line, self.offset
            element = self._element()
            yield Record(self._source(line), element, at, self.offset)
            if not self.block:  # the element ran to the end of the file: said once, there
                return

    def _trailing(self) -> Iterator[Record]:
        """Anything but white space after the closing bracket is a finding of its own."""
        if self._skip_space():
            yield from self._broken(f"extra data after the array, at line {self.line}")

    def _whole(self) -> Iterator[Record]:
        """The file is one record: its bytes from here on (at most ``limit`` of them kept)."""
        source, at = self._source(), self.offset
        kept = bytearray(self.block[self.pos :])
        size = len(kept)
        while self._next_block():
            size += len(self.block)
            if len(kept) <= self.limit:
                kept += self.block
        data = bytes(kept)
        payload = record_too_large(size, self.limit) if size > self.limit else None
        yield Record(source, payload or bytes_not_utf8(data) or data, at, self.offset)

    def _element(self) -> bytes | Finding:
        """The bytes of the element starting at ``pos``; the position moves past it."""
        kept: bytearray | None = bytearray()
        size = 0
        state = _State(scalar=self.block[self.pos : self.pos + 1] not in (b"{", b"[", b'"'))
        while True:
            begin = self.pos
            stop = _scan(self.block, begin, state)
            size += stop - begin
            if kept is not None:
                kept = None if size > self.limit else kept + self.block[begin:stop]
            self._advance(stop)
            if stop < len(self.block) or state.ended:
                break  # the element ended inside this block
            if not self._next_block():
                break  # the end of the file: what there is goes to validate()
        if kept is None:
            return record_too_large(size, self.limit)
        data = bytes(kept)
        return bytes_not_utf8(data) or data


@dataclass(slots=True)
class _State:
    """Where the scan of one element is: nesting, inside a string, an escape pending."""

    scalar: bool  # a number or literal (true, null, ...): it ends at a delimiter
    depth: int = 0
    in_string: bool = False
    escape: bool = False
    ended: bool = False


def _scan(block: bytes, i: int, state: _State) -> int:
    """Scan ``block`` from ``i``: where the element ends, or the block's end (state updated)."""
    n = len(block)
    if state.escape:
        i, state.escape = i + 1, False
    elif state.depth == 0 and not state.scalar and not state.in_string and block[i] == 0x22:
        state.in_string, i = True, i + 1  # the first byte of a string element
    while i < n:
        if state.in_string:
            i = _string_end(block, i, state)
            if state.in_string:
                return n
            if state.depth == 0:
                state.ended = True
                return i  # a string element ends here
            continue
        if state.scalar:
            found = _SCALAR_END.search(block, i)
            if found is None:
                return n
            state.ended = True
            return found.start()
        at = _SKIP.match(block, i).end()  # type: ignore[union-attr]  # it matches empty text
        if at >= n:
            return n
        i = at + 1
        if _bracket(block[at], state):
            return at if state.depth < 0 else i
    return n


def _bracket(byte: int, state: _State) -> bool:
    """Inside a container, at a bracket or a quote (of a string the block's end cuts off):
    update the state; True when the element ends there (depth -1: before the byte)."""
    if byte == 0x22:
        state.in_string = True
        return False
    if byte in b"[{":
        state.depth += 1
        return False
    state.depth -= 1  # at -1 it was the array's own bracket
    state.ended = state.depth <= 0
    return state.ended


def _string_end(block: bytes, i: int, state: _State) -> int:
    """Inside a string: the position after its closing quote (state.in_string cleared), or the
    block's end (state.escape set when it ends in a backslash)."""
    n = len(block)
    while True:
        found = _INSIDE.search(block, i)
        if found is None:
            return n
        i = found.start()
        if block[i] != 0x5C:  # the closing quote
            state.in_string = False
            return i + 1
        if i + 1 >= n:  # a backslash at the block's end escapes the next block's first byte
            state.escape = True
            return n
        i += 2
