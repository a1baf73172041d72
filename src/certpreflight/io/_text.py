"""How the readers see a file's bytes: its encoding, its line ends, and bytes that aren't text.

A file starting with a byte order mark is read in the encoding the mark names (UTF-8,
UTF-16 or UTF-32, little- or big-endian). Without one it is read as UTF-8, or in the
encoding the caller names (``--encoding cp1252``). Bytes that don't decode are never
replaced by U+FFFD: each becomes a lone surrogate (U+DC00 plus the byte, as Python's
``surrogateescape`` does, for every byte), so that the record holding them can be
reported (4011 text-not-utf8) instead of being checked with its text silently changed.

:class:`Utf8Stream` gives a file in any of these encodings as UTF-8 bytes, its line ends as
they are, so the NDJSON and JSON readers read one kind of bytes.
"""

from __future__ import annotations

import codecs
import os
import re
from typing import BinaryIO, NamedTuple

from certpreflight.findings import Finding
from certpreflight.rules import formatting as fmt
from certpreflight.rules._base import Hit

__all__ = [
    "MARK_ERRORS",
    "FileState",
    "Utf8Stream",
    "encode_marked",
    "file_state",
    "not_utf8",
    "sniff",
    "unmarked",
]

#: The codec error handler that turns each undecodable byte into U+DC00 + byte.
MARK_ERRORS = "certpreflight-mark"


def _mark(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + b) for b in bad), error.end


codecs.register_error(MARK_ERRORS, _mark)

_MARKED = re.compile("[\ud800-\udfff]")
_MARKS = re.compile("([\udc00-\udcff]+)")


def encode_marked(text: str, encoding: str) -> bytes:
    """``text`` in ``encoding``, each undecodable byte's mark written as that byte: the bytes
    it was decoded from (UnicodeEncodeError for a character ``encoding`` can't hold)."""
    pieces = _MARKS.split(text)  # text, marks, text, ...
    return b"".join(
        bytes(ord(c) - 0xDC00 for c in piece) if i % 2 else piece.encode(encoding)
        for i, piece in enumerate(pieces)
    )


# UTF-32-LE's mark starts with UTF-16-LE's: test the longer marks first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_BLOCK = 64 * 1024


def sniff(head: bytes, default: str | None = None) -> tuple[str, int]:
    """``(encoding, size of the byte order mark)`` for a file starting with ``head``.

    Without a mark: ``default`` (UTF-8 when None) and 0.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    return codecs.lookup(default or "utf-8").name, 0


def unmarked(text: str) -> int | None:
    """The index of the first undecodable byte's stand-in in ``text``, or None."""
    if text.isascii():
        return None
    found = _MARKED.search(text)
    return None if found is None else found.start()


def not_utf8(column: int | None, encoding: str = "utf-8") -> Finding:
    """The 4011 finding for a record with bytes that aren't text in ``encoding``."""
    where = "" if column is None else f" at character {column + 1}"
    detail = f"bytes that aren't {encoding}{where}"
    return fmt.text_not_utf8.finding(
        Hit(loc=(), params={"detail": detail, "encoding": encoding}, errors={(): detail})
    )


def bytes_not_utf8(line: bytes) -> Finding | None:
    """The 4011 finding when ``line`` isn't UTF-8 (None when it is, the usual case)."""
    if line.isascii():
        return None
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return not_utf8(len(line[: exc.start].decode("utf-8", "ignore")))
    return None


class Utf8Stream:
    """A file's text as UTF-8 bytes: ``read`` and ``readline``.

    The bytes are decoded from ``encoding``, undecodable bytes marked (see the module
    docs) and encoded to UTF-8, so a marked byte is invalid UTF-8 again.
    """

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(MARK_ERRORS)
        self._buffer = bytearray()
        self._eof = False

    def _fill(self) -> bool:
        """Read one more block into the buffer; False at the end of the file."""
        if self._eof:
            return False
        data = self._raw.read(_BLOCK)
        text = self._decoder.decode(data, final=not data)
        self._buffer += text.encode("utf-8", "surrogatepass")
        if not data:
            self._eof = True
        return True

    def readline(self, limit: int = -1) -> bytes:
        """Bytes up to and including the next ``\\n``, at most ``limit`` of them (-1: no limit)."""
        searched = 0
        while True:
            cut = self._buffer.find(b"\n", searched)
            if cut >= 0 and (limit < 0 or cut < limit):
                return self._take(cut + 1)
            if 0 <= limit <= len(self._buffer):
                return self._take(limit)
            searched = len(self._buffer)
            if not self._fill():
                return self._take(len(self._buffer))

    def read(self, size: int = -1) -> bytes:
        """At most ``size`` bytes (-1: the rest of the file); empty at the end."""
        while (size < 0 or len(self._buffer) < size) and self._fill():
            pass
        return self._take(len(self._buffer) if size < 0 else min(size, len(self._buffer)))

    def _take(self, size: int) -> bytes:
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out


def open_utf8(handle: BinaryIO, encoding: str | None) -> tuple[BinaryIO | Utf8Stream, str]:
    """The handle's text as UTF-8 bytes (its byte order mark skipped) and the encoding read.

    A UTF-8 file, the usual one, is the handle itself.
    """
    name, bom = sniff(handle.read(4), encoding)
    handle.seek(bom)
    return (handle if name == "utf-8" else Utf8Stream(handle, name)), name


class FileState(NamedTuple):
    """What a file looked like when reading began: changed when any of these differ."""

    device: int
    inode: int
    size: int
    mtime_ns: int


def file_state(path: str | os.PathLike[str]) -> FileState | None:
    """The state of a regular file (None for a pipe, a device or a file that isn't there)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    return FileState(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
