"""Tests for the exempt reason catalogue: codes, AvaTax and CertCapture names, and the data."""

from __future__ import annotations

import pytest

from certpreflight.reference.reasons import (
    Reason,
    all_reasons,
    lookup_reason,
    normalize_reason,
)

CODES = [*"ABCDEFGHIJKLMN", "P", "Q", "R", "TAXABLE"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("G", "G"),
        ("g", "G"),
        (" g ", "G"),
        ("RESALE", "G"),
        ("resale", "G"),
        ("  Resale ", "G"),
        ("FEDERAL GOV", "A"),
        ("STATE GOV", "B"),
        ("STATE/LOCAL GOV", "B"),
        ("State / Local  Gov", "B"),
        ("STATE GOVERNMENT", "B"),
        ("EXEMPT ORGANIZATIONS", "E"),
        ("CHARITABLE/EXEMPT ORG", "E"),
        ("RELIGIOUS ORG", "F"),
        ("RELIGIOUS/EDUCATIONAL ORG", "F"),
        ("religious/educational org", "F"),
        ("INDUSTRIAL PROD/MANUFACTURERS", "I"),
        ("EDUCATIONAL ORG", "M"),
        ("LOCAL GOVERNMENT", "N"),
        ("COMMERCIAL AQUACULTURE (CN)", "P"),
        ("commercial fishery (cn)", "Q"),
        ("NON-RESIDENT (CN)", "R"),
        ("taxable", "TAXABLE"),
        ("NON-EXEMPT TAXABLE CUSTOMER", "TAXABLE"),
    ],
)
def test_lookup_accepts_letters_and_names(value: str, code: str) -> None:
    """Letters and names resolve whatever their case and spacing."""
    assert normalize_reason(value) == code
    reason = lookup_reason(value)
    assert reason is not None
    assert reason.code == code


@pytest.mark.parametrize("reason", all_reasons(), ids=lambda r: r.code)
def test_every_alias_resolves_to_its_reason(reason: Reason) -> None:
    """The code, the AvaTax name and every alias of a reason resolve to it, in any case."""
    assert reason.avatax_name in reason.aliases
    for name in (reason.code, *reason.aliases):
        assert lookup_reason(name) is reason
        assert lookup_reason(f"  {name.lower()} ") is reason


@pytest.mark.parametrize(
    "junk",
    [
        None,
        3,
        [],
        {},
        b"G",
        "",
        "   ",
        "ZZ",
        "O",
        "o",
        "EXPOSURE",
        "EXPOSURE - MISSING",
        "NON-NEXUS",
        "MEDICAL",
        "POLLUTION CONTROL",
    ],
)
def test_junk_pseudo_and_custom_reasons_give_none(junk: object) -> None:
    """Non-strings, unknown names, EXPOSURE/NON-NEXUS markers and custom names give None."""
    assert lookup_reason(junk) is None
    assert normalize_reason(junk) is None


def test_catalogue_codes_and_countries() -> None:
    """The catalogue holds A-N, P-R and TAXABLE with Avalara's country restrictions."""
    reasons = {reason.code: reason for reason in all_reasons()}
    assert list(reasons) == CODES
    assert all_reasons() is all_reasons()
    for code in ("A", "N", "J", "K"):
        assert reasons[code].countries == ("US",)
    for code in ("P", "Q", "R"):
        assert reasons[code].countries == ("CA",)
    for code in ("C", "D", "E", "F", "G", "H", "I", "L"):
        assert reasons[code].countries == ("US", "CA")


def test_catalogue_data_is_consistent() -> None:
    """Every reason has a name, description and source; no alias is shared or a pseudo reason."""
    seen: dict[str, str] = {}
    problems = []
    for reason in all_reasons():
        if not (reason.avatax_name and reason.description and reason.source.strip()):
            problems.append(f"{reason.code}: empty name, description or source")
        for alias in reason.aliases:
            key = alias.casefold()
            if key.startswith(("exposure", "non-nexus")):
                problems.append(f"{reason.code}: pseudo reason alias {alias!r}")
            if seen.setdefault(key, reason.code) != reason.code:
                problems.append(f"{reason.code}: alias {alias!r} also names {seen[key]}")
    assert problems == []
