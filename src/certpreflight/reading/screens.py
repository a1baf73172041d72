"""Customer screens, compiled: one Python regex per field, and the same test in Rust.

A rule's :class:`~certpreflight.rules.Screen` is a cheap, sufficient test that the rule
finds nothing in a customer's field. The reader combines the screens of the running
rules per field (:func:`compile_screens`) and applies them in one of two equivalent ways:

* in Rust, while the strict reader reads clean input (:mod:`certpreflight.reading.strict`):
  each screened field gets a strict string schema with the same length limit and a regex
  that the ``regex`` crate runs, and the reader names the fields in which some customer
  fails, so only their rules run, with no Python screening at all;
* in Python, one regex fullmatch per customer value (:attr:`FieldScreen.match`), for
  certificates read by the general path or handed over as models.

Both are built from the same summary of a field's screens (:class:`Combined`) and
written with explicit character classes (``\\UXXXXXXXX`` escapes, which both engines
read alike) rather than ``\\s`` or ``.``, whose meanings differ between the engines.
``tests/test_screening.py`` compares both with :meth:`Screen.passes`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import NamedTuple

from certpreflight.reading.strict import TextTest
from certpreflight.rules import Screen

__all__ = [
    "Combined",
    "FieldScreen",
    "combine",
    "compile_screens",
    "python_regex",
    "text_test",
    "text_tests",
]


class Combined(NamedTuple):
    """What a value must be to pass every screen on one field."""

    #: None fails.
    present: bool
    #: Not empty, and no whitespace at either end.
    plain: bool
    #: At most this many characters.
    limit: int | None
    #: Only these characters.
    chars: frozenset[str] | None
    #: Exactly one of these (then the other tests are already applied to them).
    values: tuple[str, ...] | None


def combine(screens: Sequence[Screen]) -> Combined:
    """The summary of ``screens``, all on one field: a value passes it when it passes all."""
    present = any(s.present for s in screens)
    value_sets = [s.values for s in screens if s.values is not None]
    values = None
    if value_sets:
        allowed = frozenset.intersection(*value_sets)
        values = tuple(sorted(v for v in allowed if all(s.passes(v) for s in screens)))
    char_sets = [s.chars for s in screens if s.chars is not None]
    return Combined(
        present=present,
        plain=any(s.plain for s in screens),
        limit=min((s.max_length for s in screens if s.max_length is not None), default=None),
        chars=frozenset.intersection(*char_sets) if char_sets else None,
        values=values,
    )


#: The Unicode blocks that hold whitespace (Basic Latin and Latin-1, Ogham's space mark,
#: Mongolian's old separator, General Punctuation, the ideographic space): testing them
#: finds every space without testing all 1,114,112 code points (about 100 ms at import);
#: tests/test_screening.py checks the result against every code point.
_SPACE_BLOCKS = (range(0x100), range(0x1680, 0x1681), range(0x1800, 0x1810),
                 range(0x2000, 0x2070), range(0x3000, 0x3001))  # fmt: skip


@cache
def _whitespace() -> frozenset[str]:
    """Every character ``str.isspace()`` is true for, in this Python."""
    return frozenset(c for block in _SPACE_BLOCKS for c in map(chr, block) if c.isspace())


def _escape(text: str) -> str:
    return "".join(f"\\U{ord(c):08X}" for c in text)


def _class(chars: Iterable[str], *, negate: bool = False) -> str | None:
    """A character class both engines read alike; None when it would match nothing."""
    members = sorted(chars)
    if not members and not negate:
        return None
    return f"[{'^' if negate else ''}{_escape(''.join(members))}]"


def _body(combined: Combined, *, counted: bool) -> str | None:
    """The regex (no anchors) of a value passing ``combined``; None if none can.

    ``counted`` writes the length limit into the regex (for Python); Rust gets it
    as the schema's ``max_length`` instead, which is cheaper than a counted repeat.
    """
    if combined.values is not None:
        return "|".join(map(_escape, combined.values)) if combined.values else None
    space = _whitespace()
    inner: str | None
    if combined.chars is None:
        inner, edge = "(?s:.)", _class(space, negate=True)
    else:
        inner, edge = _class(combined.chars), _class(combined.chars - space)
    limit = combined.limit if counted else None
    if not combined.plain:
        if inner is None:  # no character allowed: only the empty text
            return ""
        return f"{inner}*" if limit is None else f"{inner}{{0,{limit}}}"
    if edge is None or inner is None or limit == 0:
        return None  # not empty, yet no character allowed
    if limit is None:
        return f"{edge}(?:{inner}*{edge})?"
    return edge if limit == 1 else f"{edge}(?:{inner}{{0,{limit - 2}}}{edge})?"


def python_regex(combined: Combined) -> re.Pattern[str]:
    """A regex whose fullmatch accepts exactly the text that passes ``combined``."""
    body = _body(combined, counted=True)
    return re.compile("(?!)" if body is None else body)


def text_test(combined: Combined) -> TextTest | None:
    """The same test for the screening validator, or None if no text can pass."""
    body = _body(combined, counted=False)
    if body is None:
        return None
    any_text = combined.values is None and not combined.plain and combined.chars is None
    pattern = None if any_text else rf"\A(?:{body})\z"
    return TextTest(present=combined.present, max_length=combined.limit, pattern=pattern)


class FieldScreen(NamedTuple):
    """The screens of the running rules on one customer field, combined.

    A value passes when it passes every one of the screens; when some customer's value
    fails, every rule screened on the field runs.
    """

    field: str
    #: None fails (some screen has ``present``).
    present: bool
    #: The fullmatch of a regex that text passes exactly when it passes every screen.
    match: Callable[[str], re.Match[str] | None]
    #: The same test, to apply in Rust while reading (None: no text passes).
    test: TextTest | None


def compile_screens(screens: Iterable[Screen]) -> tuple[FieldScreen, ...]:
    """``screens`` grouped by the field they screen, combined and compiled, in first-seen
    order of the fields."""
    by_field: dict[str, list[Screen]] = {}
    for screen in screens:
        by_field.setdefault(screen.field, []).append(screen)
    found = []
    for field, group in by_field.items():
        combined = combine(group)
        found.append(
            FieldScreen(
                field, combined.present, python_regex(combined).fullmatch, text_test(combined)
            )
        )
    return tuple(found)


def text_tests(screens: Sequence[FieldScreen]) -> Mapping[str, TextTest] | None:
    """The tests the strict reader applies for ``screens``; None when some field has none
    (no text can pass it): the reader then screens in Python only."""
    if any(s.test is None for s in screens):
        return None
    return {s.field: s.test for s in screens if s.test is not None}
