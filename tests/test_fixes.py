"""fix(): every rule's automatic fix on a violating and a clean record, safety and idempotence."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certpreflight import CATALOGUE, ExemptionCertificate, fixes, validate
from certpreflight.fixes import fix, fixable
from certpreflight.rules import get_rule
from certpreflight.rules._base import Autofix
from certpreflight.rules.docs import rule_text
from certpreflight.rules.repairs import locate
from tests.conftest import examples

TODAY = dt.date(2026, 6, 1)


def _customer(**fields: Any) -> dict[str, Any]:
    base = {
        "customer_number": "C1",
        "name": "Acme Supply",
        "address_line1": "100 Main St",
        "city": "Seattle",
        "region": "WA",
        "postal_code": "98101",
        "country": "US",
    }
    return {**base, **fields}


def _cert(*customers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "1",
        "exempt_reason": "G",
        "regions": ["WA"],
        "effective_date": "2026-01-15",
        "tax_id": "603-123-456",
        "filename": "cert.pdf",
        "customers": list(customers) or [_customer()],
    }
    return {**base, **fields}


LONG_LINE = "1234 Industrial Parkway North, Building 7, Loading Dock B"

#: code -> (options, violating record, the repaired field's loc, its value after, clean record)
CASES: dict[int, tuple[dict[str, Any], Any, tuple[Any, ...], Any, Any]] = {
    2103: (
        {},
        _cert(_customer(address_line1=LONG_LINE)),
        ("customers", 0, "address_line1"),
        "1234 Industrial Parkway North, Building 7",
        _cert(_customer(address_line1="1234 Industrial Parkway North")),
    ),
    2120: (
        {"profile": "avatax"},
        {
            "customerCode": "C1",
            "name": "A",
            "line1": "1 Main",
            "city": "Seattle",
            "region": "Washington",
            "postalCode": "98101",
            "country": "US",
        },
        ("region",),
        "WA",
        {
            "customerCode": "C1",
            "name": "A",
            "line1": "1 Main",
            "city": "Seattle",
            "region": "WA",
            "postalCode": "98101",
            "country": "US",
        },
    ),
    3101: (
        {},
        _cert(regions=["TX", "NH", "OR"]),
        ("regions",),
        ["TX"],
        _cert(regions=["TX", "CA"]),
    ),
    3203: (
        {},
        _cert(_customer(country="USA")),
        ("customers", 0, "country"),
        "US",
        _cert(_customer(country="us")),
    ),
    3301: (
        {},
        _cert(_customer(region="MA", city="Boston", postal_code="2134")),
        ("customers", 0, "postal_code"),
        "02134",
        _cert(_customer(region="MA", city="Boston", postal_code="02134")),
    ),
    6103: (
        {},
        _cert(_customer(customer_number=" C-1001 ")),
        ("customers", 0, "customer_number"),
        "C-1001",
        _cert(_customer(customer_number="C-1001")),
    ),
}


def _codes(report: Any) -> set[int]:
    return {f.code for f in report.findings}


def test_every_rule_with_a_fix_has_a_case() -> None:
    """Each declared fix is tested below; every declaration says its kind and what it does."""
    declared = {r.code for r in CATALOGUE if r.autofix is not None}
    assert declared == set(CASES)
    for r in CATALOGUE:
        if r.autofix is not None:
            assert r.autofix.kind in ("safe", "unsafe")
            assert r.autofix.description.endswith(".")
    assert get_rule(3203).autofix is not None
    assert get_rule(3203).autofix.kind == "safe"
    assert get_rule(3101).autofix is not None
    assert get_rule(3101).autofix.kind == "unsafe"


@pytest.mark.parametrize("code", sorted(CASES))
def test_fix_repairs_the_violation_and_adds_no_finding(code: int) -> None:
    options, bad, loc, after, _ = CASES[code]
    before = validate(bad, today=TODAY, **options)
    assert code in _codes(before)
    result = fix(bad, unsafe=True, today=TODAY, **options)
    assert code not in _codes(result.report)
    assert _codes(result.report) <= _codes(before)  # no rule the record passed now fails
    assert len(result.report.findings) < len(before.findings)
    slot = locate(result.record, loc)
    assert slot is not None
    assert slot.value == after
    assert {a.code for a in result.applied} == {code}
    assert result.applied[0].after == after
    if code == 2103:  # the other field it changed is listed too
        assert result.applied[1] == (
            2103,
            ("customers", 0, "address_line2"),
            None,
            "Loading Dock B",
        )
    else:
        assert len(result.applied) == 1
    assert result.fixed == len(before.findings) - len(result.report.findings)
    assert bad == CASES[code][1]  # the payload itself is never modified


@pytest.mark.parametrize("code", sorted(CASES))
def test_fix_leaves_a_clean_record_alone(code: int) -> None:
    options, _, _, _, clean = CASES[code]
    assert code not in _codes(validate(clean, today=TODAY, **options))
    result = fix(clean, unsafe=True, today=TODAY, **options)
    assert result.applied == ()
    assert result.record == clean


@pytest.mark.parametrize("code", sorted(CASES))
def test_unsafe_fixes_only_when_asked(code: int) -> None:
    options, bad, _, _, _ = CASES[code]
    result = fix(bad, today=TODAY, **options)
    applied = [a.code for a in result.applied]
    kind = get_rule(code).autofix.kind  # type: ignore[union-attr]
    assert applied == ([code] if kind == "safe" else [])
    hit = next(f for f in validate(bad, today=TODAY, **options).findings if f.code == code)
    assert fixable(hit) == (kind == "safe")
    assert fixable(hit, unsafe=True)


def test_a_fix_that_would_fail_another_rule_is_not_applied() -> None:
    """Dropping NH, the only region, would leave none (3002): the fix is refused."""
    record = _cert(regions=["NH"])
    assert 3002 not in _codes(validate(record, today=TODAY))
    result = fix(record, unsafe=True, today=TODAY)
    assert result.applied == ()
    assert 3101 in _codes(result.report)
    # and a split whose second half would be too long for line 2 is not made
    long = _cert(_customer(address_line1="x" * 45 + " " + "y" * 60))
    assert [a.code for a in fix(long, unsafe=True, today=TODAY).applied] == []
    # nor a ZIP's zero that the state doesn't confirm (02134 is Massachusetts, not WA)
    wa = _cert(_customer(postal_code="2134"))
    assert fix(wa, today=TODAY).applied == ()
    # nor into a line 2 that isn't empty
    full = _cert(_customer(address_line1=LONG_LINE, address_line2="Suite 4"))
    assert fix(full, unsafe=True, today=TODAY).applied == ()


def test_fixes_keep_the_dialect_and_reference_objects() -> None:
    """A CertCapture record stays CertCapture: the same keys, the value in its reference."""
    record = {
        "signed_date": "2026-01-15",
        "expected_tax_code": {"name": "RESALE"},
        "exposure_zones": [{"name": "Ontario"}],
        "tax_number": "123",
        "filename": "c.pdf",
        "customers": [
            {
                "customer_number": "C2",
                "name": "B",
                "address_line1": "1 Rue",
                "city": "Ottawa",
                "state": {"initials": "ON"},
                "zip": "k1a-0b1",
                "country": {"initials": "CAN"},
            }
        ],
    }
    result = fix(record, today=TODAY)
    customer = result.record["customers"][0]
    assert set(customer) == set(record["customers"][0])
    assert customer["zip"] == "K1A 0B1"
    assert customer["country"] == {"initials": "CA"}
    assert {a.code for a in result.applied} == {3203, 3301}
    avatax = {
        "exposureZone": {"name": "Washington"},
        "exemptionReason": {"name": "RESALE"},
        "customers": [
            {
                "customerCode": "C1",
                "line1": LONG_LINE,
                "name": "N",
                "city": "Seattle",
                "region": "WA",
                "postalCode": "98101",
            }
        ],
    }
    out = fix(avatax, unsafe=True, today=TODAY).record["customers"][0]
    assert out["line1"] == "1234 Industrial Parkway North, Building 7"
    assert out["line2"] == "Loading Dock B"
    assert "address_line2" not in out


def test_fix_of_unreadable_input_never_raises() -> None:
    for payload in ("{", b"\xff", "[1, 2]", 42, None, [], {"customers": "x"}):
        result = fix(payload)
        assert result.applied == ()
        assert result.record is payload


def test_a_repair_that_raises_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(record: Any, finding: Any) -> Any:
        raise KeyError("bug")

    monkeypatch.setitem(fixes._FIXES, 3203, Autofix("safe", broken, "Breaks."))
    result = fix(_cert(_customer(country="USA")), today=TODAY)
    assert result.applied == ()


_BAD_VALUES = {
    "country": st.sampled_from(["US", "USA", "840", "United States", "us", "Canada", "CAN", "xx"]),
    "region": st.sampled_from(["WA", "MA", "Washington", "Massachusetts", "ON", "", "Zz"]),
    "postal_code": st.sampled_from(["98101", "2134", "02134", "k1a-0b1", "K1A0B1", "1", ""]),
    "customer_number": st.sampled_from(["C1", " C1", "C1 ", "C 1", ""]),
    "address_line1": st.sampled_from(["1 Main", LONG_LINE, "x" * 70, "a " * 40]),
    "address_line2": st.sampled_from([None, "", "Suite 4"]),
}


@st.composite
def _records(draw: st.DrawFn) -> dict[str, Any]:
    customers = [
        {k: v for k, v in ((k, draw(s)) for k, s in _BAD_VALUES.items()) if v is not None}
        for _ in range(draw(st.integers(1, 2)))
    ]
    regions = draw(st.lists(st.sampled_from(["WA", "NH", "OR", "ON", "TX", "Ohio"]), max_size=4))
    return _cert(*customers, regions=regions, exempt_reason=draw(st.sampled_from(["G", "A", "E"])))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_records(), st.booleans(), st.sampled_from(["certcapture", "avatax"]))
def test_fixing_is_idempotent_and_never_adds_findings(
    record: dict[str, Any], unsafe: bool, profile: str
) -> None:
    before = validate(record, today=TODAY, profile=profile)
    once = fix(record, unsafe=unsafe, today=TODAY, profile=profile)
    assert _codes(once.report) <= _codes(before)
    assert len(once.report.findings) <= len(before.findings)
    twice = fix(once.record, unsafe=unsafe, today=TODAY, profile=profile)
    assert twice.applied == ()
    assert twice.record == once.record
    json.dumps(once.record)  # still JSON


@settings(max_examples=examples(80), deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["customers", "regions", "country", "zip", "state", "line1", "id"]),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_fix_never_raises_on_any_json(payload: Any) -> None:
    result = fix(payload, unsafe=True, today=TODAY)
    assert result.report is not None


@pytest.mark.parametrize("code", sorted(CASES))
def test_every_fix_is_refused_when_its_result_fails_another_rule(
    code: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real fix, plus a side effect that breaks a rule the record passed (the customer's
    name emptied: 2101): fix() must not apply it."""
    options, bad, _, _, _ = CASES[code]
    real = fixes._FIXES[code]

    def breaking(record: Any, finding: Any, *seen: Any) -> Any:
        out = real.apply(record, finding, *seen)
        if out is None:
            return None
        holder = out["customers"][0] if "customers" in out else out
        holder["name"] = ""
        return out

    monkeypatch.setitem(fixes._FIXES, code, Autofix(real.kind, breaking, real.description))
    before = validate(bad, today=TODAY, **options)
    assert 2101 not in _codes(before)
    result = fix(bad, unsafe=True, today=TODAY, **options)
    assert result.applied == ()
    assert result.report.findings == before.findings


def test_rule_text_names_the_fix() -> None:
    assert "Autofix: unsafe. Drops the regions" in rule_text(get_rule(3101))
    assert "Autofix: none" in rule_text(get_rule(2101))


def test_a_region_reference_by_name_gets_its_initials() -> None:
    """CertCapture's ``"state": {"name": "Washington"}`` keeps its name and gains ``initials``."""
    record = {"customer_number": "C1", "name": "A", "address_line1": "1 Main", "city": "Seattle",
              "state": {"name": "Washington"}, "zip": "98101", "country": {"initials": "US"},
              "is_bill": True}  # fmt: skip
    result = fix(record, profile="avatax", today=TODAY)
    assert result.record["state"] == {"name": "Washington", "initials": "WA"}
    assert [(a.code, a.before, a.after) for a in result.applied] == [(2120, "Washington", "WA")]
    assert result.report.ok


def test_models_and_json_text_come_back_as_mappings() -> None:
    """A model is repaired as its native mapping; JSON text as the parsed mapping."""
    record = _cert(_customer(country="USA"))
    from_text = fix(json.dumps(record), today=TODAY)
    assert from_text.record["customers"][0]["country"] == "US"
    model = ExemptionCertificate.model_validate(record)
    from_model = fix(model, today=TODAY)
    assert from_model.record["customers"][0]["country"] == "US"
    assert from_model.report.findings == from_text.report.findings
    untouched = fix(ExemptionCertificate.model_validate(_cert()), today=TODAY)
    assert isinstance(untouched.record, ExemptionCertificate)  # nothing to fix: as given


def test_fix_runs_until_nothing_changes() -> None:
    """250 customers, each with a country 3203 repairs: every one is repaired in one call (it
    stopped after 200), so fixing the fixed record changes nothing."""
    record = _cert(*(_customer(customer_number=f"C{i}", country="USA") for i in range(250)))
    once = fix(record, today=TODAY, select=["3203"])
    assert len(once.applied) == 250
    assert [c["country"] for c in once.record["customers"]] == ["US"] * 250
    assert fix(once.record, today=TODAY, select=["3203"]).applied == ()
