"""Did-you-mean: the one way certpreflight guesses what a misspelt word meant.

Used for a payload's keys (rule 2310), the CLI's options and subcommands, rule codes and
names (``certpreflight rule``, ``--select``), configuration keys and rule options. The
guess is :func:`difflib.get_close_matches` (Ratcliff/Obershelp similarity) of the two
compared after ``fold`` (default: lower case), the closest one over ``cutoff``.

>>> closest("customer-name-mising", ["customer-name-missing", "city-missing"])
'customer-name-missing'
>>> did_you_mean("--selct", ["--select", "--ignore"], quote=False)
' (did you mean --select?)'
>>> did_you_mean("banana", ["--select"])
''
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

__all__ = ["CUTOFF", "NUMBER_CUTOFF", "closest", "did_you_mean", "rule_hint"]

#: How alike a word must be to a choice (difflib's ratio) to be suggested: difflib's default.
CUTOFF = 0.6
#: For a number (a rule code): two codes of four digits share three in 75 % of pairs, so only
#: a digit more or less (``31001``, 0.89 from ``3101``) is called a misspelling.
NUMBER_CUTOFF = 0.8


def _lower(word: str) -> str:
    return word.lower()


def closest(
    word: str,
    choices: Iterable[str],
    *,
    cutoff: float = CUTOFF,
    fold: Callable[[str], str] = _lower,
) -> str | None:
    """The choice ``word`` most probably misspells, as it is written in ``choices``, or None
    when none is close enough. Choices that fold alike: the first one."""
    table: dict[str, str] = {}
    for choice in choices:
        table.setdefault(fold(choice), choice)
    found = difflib.get_close_matches(fold(word), table, n=1, cutoff=cutoff)
    return table[found[0]] if found else None


def did_you_mean(
    word: str,
    choices: Iterable[str],
    *,
    quote: bool = True,
    cutoff: float = CUTOFF,
) -> str:
    """``" (did you mean 'x'?)"`` for the closest choice (:func:`closest`), or ``""``."""
    meant = closest(word, choices, cutoff=cutoff)
    if meant is None or meant == word:
        return ""
    return f" (did you mean {meant!r}?)" if quote else f" (did you mean {meant}?)"


def rule_hint(key: str, names: Iterable[str], codes: Iterable[int]) -> str:
    """:func:`did_you_mean` for a rule's key: among the ``codes`` for a number, else the
    ``names`` (rule names, and for a selector the types)."""
    if key.isdigit():
        return did_you_mean(key, [str(c) for c in codes], cutoff=NUMBER_CUTOFF)
    return did_you_mean(key, names)
