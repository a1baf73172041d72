"""Text from a payload made safe to show on a terminal, in a text report or on stderr.

Control characters (C0 but the report's own line ends, DEL, C1), the Unicode line and
paragraph separators, the bidirectional overrides and isolates ("Trojan Source",
https://trojansource.codes) and lone surrogates are shown as escapes (``\\x1b``,
``\\u202e``): an id ``"\\x1b]0;pwned\\x07"`` can't set the terminal's title, ``"\\x1b[2J"``
can't clear the screen, a name with a line break can't forge a report line, and a
lone surrogate can't make writing the report fail.
"""

from __future__ import annotations

import re

__all__ = ["printable", "surrogates_escaped"]

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSAFE_BUT_LF = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` with every unsafe character escaped (the usual text comes back as it is).

    ``lines``: keep line feeds (a message of several lines of our own).
    """
    if text.isascii() and text.isprintable():
        return text
    return (_UNSAFE_BUT_LF if lines else _UNSAFE).sub(_escape, text)


def surrogates_escaped(text: str) -> str:
    """``text`` with each lone surrogate written as the six characters ``\\udcff``, as the
    text report shows it: a file name's bytes that aren't UTF-8 (Python reads them as lone
    surrogates) can then be written by any UTF-8 writer. In a JSON string that is the JSON
    escape of the same character, which reads back to the name (``os.fsencode``)."""
    if text.isascii():
        return text
    return _SURROGATE.sub(_escape, text)
