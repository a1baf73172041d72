"""The engine: rule selection, parsing, Formatting findings, determinism, never raising."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpreflight import (
    CATALOGUE,
    ExemptionCertificate,
    ExemptionMatrix,
    Report,
    validate,
    validate_many,
)
from certpreflight.engine import active_rules
from certpreflight.rules import RESERVED_CODES
from tests.conftest import TODAY, cert, customer, examples

BROKEN = cert(
    tax_id=None,
    regions=["WA", "NH"],
    effective_date="2027-01-01",
    customers=[customer(name="", address_line1="z" * 51), customer(customer_number="", city="")],
)


def test_catalogue_is_sorted_unique_and_well_formed() -> None:
    """Codes are sorted, unique, 4 digits; names unique kebab-case; every rule documented."""
    codes = [r.code for r in CATALOGUE]
    assert codes == sorted(codes)
    assert not set(codes) & set(RESERVED_CODES)
    assert len(set(codes)) == len(codes)
    assert len({r.name for r in CATALOGUE}) == len(CATALOGUE)
    for r in CATALOGUE:
        assert 2000 <= r.code <= 6999, r
        assert r.name == r.name.lower(), r
        assert " " not in r.name, r
        for section in ("What it does", "Why is this bad?", "Example", "Use instead"):
            assert section in r.doc, (r.code, section)


def test_findings_are_in_stable_code_order() -> None:
    """Findings come sorted by code, the same every run."""
    first = validate(BROKEN, today=TODAY)
    assert list(first.codes()) == sorted(first.codes())
    assert validate(BROKEN, today=TODAY) == first


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"select": ["2101"]}, {2101}),
        ({"select": "21"}, {2101, 2103, 2105}),
        ({"select": ["customer-name-missing", "Status"]}, {2101, 5101}),
        ({"select": ["situs"]}, {3101}),
        ({"ignore": ["2", "6"]}, {3101, 5101}),
        ({"select": ["2"], "ignore": ["address-line1-too-long", "2105"]}, {2101}),
        ({"select": "2101,5101"}, {2101, 5101}),
    ],
)
def test_select_and_ignore(kw: dict[str, Any], expected: set[int]) -> None:
    """select/ignore take codes, prefixes, names and types; ignore wins."""
    assert set(validate(BROKEN, today=TODAY, **kw).codes()) == expected


def test_unknown_selector_and_profile_raise() -> None:
    """A selector or profile that matches nothing is a programming error."""
    with pytest.raises(ValueError, match="unknown rule selector"):
        validate(cert(), select=["9999"])
    with pytest.raises(ValueError, match="unknown profile"):
        validate(cert(), profile="sap")
    with pytest.raises(TypeError):
        validate(cert(), today="2026-01-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not object"):
        validate(object())  # type: ignore[arg-type]


@pytest.mark.parametrize("selector", [[True], [1.5], [None], True])
def test_a_selector_of_another_type_raises_every_time(selector: Any) -> None:
    """A bool is not a code (True == 1), even after the code 1 was used and its keys kept."""
    with pytest.raises(ValueError, match="unknown rule selector"):
        validate(cert(), today=TODAY, select=[1])
    for _ in range(2):
        with pytest.raises(TypeError, match="rule selectors are codes"):
            validate(cert(), today=TODAY, select=selector)


def test_selectors_given_as_iterators_are_read_once() -> None:
    """A generator as select or ignore selects what a list does, and leaves no wrong setup
    behind for the list (the selectors are read once, for the key and the rules alike)."""
    payload = {"id": "1", "exempt_reason": "G", "regions": ["WA", "NH"]}
    day = dt.date(2031, 3, 4)
    assert validate(payload, today=day, select=(c for c in ["3101"])).codes() == (3101,)
    assert validate(payload, today=day, select=["3101"]).codes() == (3101,)
    assert 3101 not in validate(payload, today=day, ignore=iter(["3101"])).codes()
    assert 3101 not in validate(payload, today=day, ignore=["3101"]).codes()


def test_kept_setups_are_those_of_their_arguments() -> None:
    """The setups kept for calls without options answer each call with its own selectors,
    profile and matrix, in any order, and a matrix made later gets its own."""
    calls = [
        {"select": ["2101"]},
        {"select": [2101, "5101"]},
        {"ignore": "21"},
        {"profile": "avatax"},
        {},
    ]
    expected = [set(validate(BROKEN, today=TODAY, **kw).codes()) for kw in calls]
    for _ in range(2):
        for kw, codes in reversed(list(zip(calls, expected, strict=True))):
            assert set(validate(BROKEN, today=TODAY, **kw).codes()) == codes
    payload = {"id": "1", "exempt_reason": "G", "regions": ["WA"]}
    for status, found in (("not_exempt", True), ("exempt", False), ("not_exempt", True)):
        matrix = ExemptionMatrix.default().with_overrides({("G", "WA"): status})
        assert (3101 in validate(payload, today=TODAY, matrix=matrix).codes()) is found
    empty = ExemptionMatrix({})  # no cell: nothing to say, not the default's answer
    assert 3101 in validate({**payload, "regions": ["NH"]}, today=TODAY).codes()
    assert 3101 not in validate({**payload, "regions": ["NH"]}, today=TODAY, matrix=empty).codes()


def test_json_like_python_values_are_data_not_programming_errors() -> None:
    """Parsed JSON that is not an object (a number from an array file) is a finding."""
    assert validate(42, today=TODAY).codes() == (4002,)  # type: ignore[arg-type]
    assert validate([cert()], today=TODAY).codes() == (4002,)  # type: ignore[arg-type]


def test_profiles_have_rules() -> None:
    """Both profiles run the CertCapture sync checks."""
    for profile in ("certcapture", "avatax"):
        assert 2101 in {r.code for r in active_rules(profile=profile)}


def test_payload_kinds_agree() -> None:
    """A mapping, its JSON text, its JSON bytes and the model give the same report."""
    expected = validate(BROKEN, today=TODAY)
    text = json.dumps(BROKEN)
    assert validate(text, today=TODAY) == expected
    assert validate(text.encode(), today=TODAY) == expected
    assert validate(ExemptionCertificate.model_validate(BROKEN), today=TODAY) == expected


def test_invalid_json_is_a_formatting_finding() -> None:
    """JSON that does not parse gives 4001 and nothing else."""
    report = validate('{"id": "1", "regions": ["WA"', today=TODAY)
    [f] = report.findings
    assert (f.code, f.type) == (4001, "Formatting")
    assert f.message.startswith("The certificate isn't valid JSON: ")


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ("[1, 2]", "a list"),
        ("null", "null"),
        ("3", "a number"),
        ('"x"', "a string"),
        ('"{\\"id\\": \\"1\\"}"', "a string"),  # JSON text in a JSON string: not read twice
        (b'"{}"', "a string"),
    ],
)
def test_json_that_is_not_an_object(payload: str | bytes, kind: str) -> None:
    """Valid JSON that is not an object gives 4002 naming what it is."""
    [f] = validate(payload, today=TODAY).findings
    assert f.code == 4002
    assert f.message == f"The certificate must be a JSON object, not {kind}."


def test_bad_values_become_formatting_findings_and_the_rest_is_checked() -> None:
    """A date "banana" and a list for a name are 4003 with loc; other rules still run."""
    payload = cert(
        effective_date="banana",
        regions=["WA", "NH"],
        customers=[customer(name=["Acme"]), customer(customer_number="C2", city="")],
    )
    report = validate(payload, today=TODAY)
    formatting = [f for f in report.findings if f.code == 4003]
    assert [f.loc for f in formatting] == [("effective_date",), ("customers", 0, "name")]
    assert "'banana' is not a date" in formatting[0].message
    assert "a date such as" in formatting[0].fix
    assert formatting[1].message.startswith("customers[0].name couldn't be interpreted")
    # the rest is still checked: the matrix error and the second customer's city
    assert {3101, 2105} <= set(report.codes())
    # the unreadable values are not reported a second time as missing
    assert 2101 not in report.codes()
    assert 5001 not in report.codes()
    assert report.certificate_id == "cert-1"


def test_bad_region_item_keeps_the_other_regions() -> None:
    """A region that is a list is reported; the other regions are still checked."""
    report = validate(cert(regions=["NH", ["WA"]]), today=TODAY)
    assert 4003 in report.codes()
    assert 3101 in report.codes()


def test_validate_many_is_lazy_and_ordered() -> None:
    """validate_many yields one report per payload, in order."""
    payloads = [cert(id=str(i)) for i in range(5)] + ["{bad"]
    reports = list(validate_many(payloads, today=TODAY))
    assert [r.certificate_id for r in reports] == ["0", "1", "2", "3", "4", None]
    assert reports[-1].codes() == (4001,)


def test_validate_many_checks_options_eagerly() -> None:
    """Bad options raise when validate_many is called, not at the first record."""
    with pytest.raises(ValueError, match="unknown profile"):
        validate_many([], profile="nope")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=60),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
cert_keys = st.sampled_from(
    [
        "id",
        "exempt_reason",
        "exemptionReason",
        "regions",
        "exposureZone",
        "exposure_zones",
        "effective_date",
        "signedDate",
        "single_use",
        "is_single",
        "po_numbers",
        "poNumbers",
        "tax_id",
        "exempt_percentage",
        "customers",
        "pages",
        "valid",
    ]
)
customer_like = st.dictionaries(
    st.sampled_from(
        [
            "customer_number",
            "customerCode",
            "name",
            "line1",
            "address_line1",
            "city",
            "region",
            "state",
            "zip",
            "postalCode",
            "country",
        ]
    ),
    json_values,
)
certificate_like = st.dictionaries(
    cert_keys, json_values | st.lists(customer_like, max_size=3), max_size=10
)


@settings(max_examples=examples(300), deadline=None)
@given(payload=json_values | certificate_like)
def test_validate_never_raises_and_is_deterministic(payload: Any) -> None:
    """Arbitrary JSON-like input gives a Report, the same one twice, never an exception."""
    first = validate(payload if isinstance(payload, dict) else json.dumps(payload), today=TODAY)
    assert isinstance(first, Report)
    again = validate(payload if isinstance(payload, dict) else json.dumps(payload), today=TODAY)
    assert again == first


def test_salvage_does_not_change_the_callers_customers() -> None:
    """Dropping an unreadable customer value copies the customer, even an already-native one."""
    payload = cert(customers=[customer(name=["Acme"]), customer(customer_number="C2")])
    before = json.dumps(payload)
    report = validate(payload, today=TODAY)
    assert ("customers", 0, "name") in {f.loc for f in report.findings}
    assert json.dumps(payload) == before
