"""Every tax id a rule's texts cite as an example passes (or, where it is the bad example,
fails) the python-stdnum check the rule itself uses: a doc never teaches a wrong number."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from stdnum.ca import bn
from stdnum.us import ein

from certpreflight import CATALOGUE, validate
from tests.conftest import cert

#: shape of a cited number -> (what it is, python-stdnum's check)
CHECKS: dict[str, tuple[str, Callable[[str], bool]]] = {
    r"\b\d{9} ?RT ?\d{4}\b": ("Canadian BN15", bn.is_valid),
    r"\b\d{2}-\d{7}\b": ("US EIN", ein.is_valid),
}


def _cited(text: str) -> Iterator[tuple[str, str, bool]]:
    """(number, kind, cited as the bad example) for each checkable number in a rule text.

    A number in a rule doc's ``Example:`` part is the violating input; anywhere else
    (what it does, ``Use instead:``, the message, summary and fix) it is cited as valid.
    """
    bad_from = text.find("Example:")
    good_from = text.find("Use instead:")
    for shape, (kind, _) in CHECKS.items():
        for match in re.finditer(shape, text):
            bad = bad_from != -1 and bad_from <= match.start() < (good_from % (len(text) + 1))
            yield match.group(), kind, bad


def _texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every rule's templates and docs, and 6204's rendered messages
    (with the checked input itself left out: it is not a cited example)."""
    for rule in CATALOGUE:
        for part in ("message", "summary", "fix", "doc"):
            yield f"{rule.code} {part}", getattr(rule, part)
    triggers = [
        {"regions": ["QC"], "tax_id": "123456780RT0001"},
        {"regions": ["ON"], "tax_id": "12345678", "tax_id_type": "BN"},
        {"regions": ["TX"], "tax_id": "07-1234567", "tax_id_type": "FEIN"},
    ]
    for changes in triggers:
        for f in validate(cert(**changes), select=["6204"]).findings:
            rendered = f"{f.message} {f.summary} {f.fix}".replace(changes["tax_id"], "<input>")
            yield f"6204 rendered for {changes['tax_id']}", rendered


CITED = sorted({(where, n, kind, bad) for where, text in _texts() for n, kind, bad in _cited(text)})


def test_the_rule_texts_cite_numbers_to_check() -> None:
    """The scan finds the examples it is meant to check (so the test below is not empty)."""
    kinds = {kind for _, _, kind, _ in CITED}
    assert kinds == {"Canadian BN15", "US EIN"}
    assert any(where.startswith("6204 rendered") for where, *_ in CITED)


@pytest.mark.parametrize(("where", "number", "kind", "bad"), CITED)
def test_cited_number_is_what_the_text_says(where: str, number: str, kind: str, bad: bool) -> None:
    """A number cited as valid passes python-stdnum; the bad example fails it."""
    check = next(c for shape, (k, c) in CHECKS.items() if k == kind)
    assert check(number) is not bad, (
        f"{where} cites {number!r} as a {'bad' if bad else 'valid'} {kind}"
    )
