"""Customer screens compiled to Python and to Rust test exactly what ``Screen.passes`` says.

The engine applies the combined screens of a field either as one Python regex or,
while pydantic reads clean native input, as a Rust string schema; a value that
either of them passes wrongly would hide a finding. These tests hold both to the
definition, on text built to hit the edges (every whitespace character Python
knows, the ones the two regex engines disagree on, limits, allowed characters).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpreflight import ExemptionCertificate, validate
from certpreflight.engine import _active
from certpreflight.reading import screens as screening
from certpreflight.reading.limits import DEFAULT_LIMITS
from certpreflight.reading.strict import PLAIN, TextTest, strict_reader
from certpreflight.rules import Screen
from tests.conftest import CERTIFICATE, CUSTOMER, TODAY, examples

pytestmark = pytest.mark.skipif(PLAIN is None, reason="no strict reader on this pydantic")

_SPACES = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
#: Characters that only one of the regex engines, or only str.isspace(), counts as space.
_ODD = "\x1c\x1d\x1e\x1f\x85\xa0\u180e\u200b\u2028\u2029\u3000\ufeff"
_EDGY = st.text(alphabet=st.sampled_from(_SPACES + _ODD + "aZ09-._@/ é#\n"), max_size=14)
_VALUES = st.one_of(st.none(), _EDGY, st.text(max_size=12), st.text(min_size=48, max_size=102))

_SCREENS = [
    Screen("name", present=True, plain=True),
    Screen("name", max_length=10),
    Screen("name", max_length=1),
    Screen("name", max_length=0),
    Screen("name", plain=True, max_length=2),
    Screen("name", chars=frozenset("aZ09-._@/")),
    Screen("name", plain=True, chars=frozenset(" a")),
    Screen("name", plain=True, chars=frozenset(" ")),
    Screen("name", chars=frozenset()),
    Screen("name", values=frozenset({"US", "CA", "", " US"})),
    Screen("name", present=True, values=frozenset({"a", "aa"})),
]
#: Each screen alone, and in combinations like the ones the rules make.
_GROUPS = [[s] for s in _SCREENS] + [
    [_SCREENS[0], _SCREENS[1]],
    [_SCREENS[0], _SCREENS[5], _SCREENS[1]],
    [_SCREENS[9], _SCREENS[0]],
    [_SCREENS[9], _SCREENS[1], _SCREENS[5]],
    [_SCREENS[0], _SCREENS[3]],
]


def _read_screened(payload: Any, ruleset: Any, limits: Any) -> tuple[Any, Any] | None:
    """The schema alone, with the rule set's screens: the model and the checks to call,
    or None when it refuses."""
    got = ruleset.reader.fast(payload, limits)
    return None if got is None else (got.certificate, ruleset.checks_for(got.failing))


def _passes(screens: list[Screen], value: str | None) -> bool:
    return all(s.passes(value) for s in screens)


def _reads_failing(test: TextTest, field: str, customer: dict[str, Any]) -> bool | None:
    """Whether the screening validator notes ``field`` as failing; None if it refuses."""
    read = strict_reader({field: test})
    assert read is not None
    failed: set[str] = set()
    payload = {"tax_id": "1", "customers": [customer]}  # a certificate (its own field)
    try:
        read.python(payload, context=failed)
    except Exception:  # refused: the general path reads it, and Python screens
        failed = {"refused"}
    as_json: set[str] = set()  # the same certificate as JSON text: the same answer
    try:
        read.json(json.dumps(payload), context=as_json)
    except Exception:
        as_json = {"refused"}
    assert as_json == failed
    if failed == {"refused"}:
        return None
    assert failed <= {field}
    return field in failed


@pytest.mark.parametrize("group", _GROUPS, ids=lambda g: "+".join(map(repr, g))[:60])
@settings(max_examples=examples(60), deadline=None)
@given(value=_VALUES)
def test_python_and_rust_screens_say_what_passes_says(group: list[Screen], value: Any) -> None:
    """The compiled screens of a field pass a value exactly when every screen passes it."""
    combined = screening.combine(group)
    expected = _passes(group, value)
    if value is not None:
        assert (screening.python_regex(combined).fullmatch(value) is not None) == expected
    test = screening.text_test(combined)
    if test is None:  # no text passes: the engine has no screening reader then
        assert value is None or not expected
        return
    failing = _reads_failing(test, "name", {"name": value})
    if failing is not None:
        assert failing == (not expected)
    else:  # only text Rust can't hold (lone surrogates) is refused
        assert value is not None
        assert any(0xD800 <= ord(c) <= 0xDFFF for c in value)


def test_a_missing_value_is_none() -> None:
    """A missing field fails a screen that needs a value, and passes one that doesn't."""
    for screen, fails in [(Screen("name", present=True), True), (Screen("name"), False)]:
        test = screening.text_test(screening.combine([screen]))
        assert test is not None
        assert _reads_failing(test, "name", {}) is fails


def test_whitespace_is_what_str_isspace_says() -> None:
    """The class of whitespace is computed from this Python, not from a regex engine, and
    testing only the blocks that hold whitespace finds what testing every code point finds."""
    assert screening._whitespace() == frozenset(_SPACES)
    assert "\x1c" in screening._whitespace()  # isspace(), yet not Unicode White_Space


@pytest.mark.parametrize("profile", ["certcapture", "avatax"])
@settings(max_examples=examples(40), deadline=None)
@given(value=_VALUES, field=st.sampled_from(sorted(CUSTOMER)))
def test_the_reader_notes_exactly_the_fields_python_would(
    profile: str, value: Any, field: str
) -> None:
    """For the rules that run, the screening reader names the failing fields as the plans do."""
    ruleset = _active((), (), profile)
    customers = [CUSTOMER, {**CUSTOMER, field: value}]
    payload = {**CERTIFICATE, "customers": customers}
    read = _read_screened(payload, ruleset, DEFAULT_LIMITS)
    cert = ExemptionCertificate.model_validate(payload)
    failing = {
        p.field
        for c in cert.customers
        for p in ruleset.reader.screens
        if ((v := getattr(c, p.field)) is None and p.present)
        or (v is not None and p.match(v) is None)
    }
    expected = [*ruleset.checks] + [
        rc for p in ruleset.reader.screens if p.field in failing for rc in ruleset.screened[p.field]
    ]
    if read is None:  # refused (lone surrogates, over a cap): the general path takes it
        assert value is not None
        return
    assert read[0] == cert
    assert sorted(r.code for r, _ in read[1]) == sorted(r.code for r, _ in expected)


def test_clean_native_input_takes_the_screening_reader() -> None:
    """The usual certificate is read in Rust with its screens; validate() agrees with the
    general path on it and on a customer failing screens."""
    ruleset = _active((), (), "certcapture")
    assert ruleset.reader.rust_screens
    read = _read_screened(dict(CERTIFICATE), ruleset, DEFAULT_LIMITS)
    assert read is not None
    assert read[1] == ruleset.checks
    odd = {**CERTIFICATE, "customers": [{**CUSTOMER, "name": " ", "customer_number": "C 1"}]}
    read = _read_screened(odd, ruleset, DEFAULT_LIMITS)
    assert read is not None
    assert {2101, 6104} <= {r.code for r, _ in read[1]}
    for payload in (CERTIFICATE, odd):
        model = ExemptionCertificate.model_validate(payload)
        assert validate(payload, today=TODAY) == validate(model, today=TODAY)
