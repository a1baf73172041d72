"""The engine's fast paths (screens, memoized inputs) never change what is reported.

The engine skips a screened rule when every customer passes its screen, and
reuses the findings of rules with declared ``inputs`` for repeated values. Both
are only sound if the declarations are true, so these tests compare the engine
with every rule's check called directly, on certificates mixing clean, odd and
hostile values, and test each declaration on its own.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpreflight import Customer, ExemptionCertificate, ExemptionMatrix, Finding, validate
from certpreflight.engine import active_rules
from certpreflight.rules import CATALOGUE, Context
from tests.conftest import TODAY

# Values seen in real data, values next to every screen's edges, and anything at all.
_TEXT = st.one_of(
    st.sampled_from(
        [
            "WA",
            "wa",
            " WA",
            "Washington",
            "US-WA",
            "NH",
            "OR",
            "ON",
            "QC",
            "BC",
            "TX",
            "CA",
            "US",
            "USA",
            "us",
            "CAN",
            "Canada",
            "DE",
            "MX",
            "Cook County",
            "G",
            "RESALE",
            "A",
            "L",
            "E",
            "TAXABLE",
            "EXPOSURE",
            "C-1001",
            "C 1001",
            "C-1001 ",
            "Acme Supply",
            "100 Main St",
            "98101",
            "98101-2450",
            "0210",
            "03101",
            "K1A 0B1",
            "V8W 1P6",
            "H2X1Y4",
            "x" * 10,
            "x" * 11,
            "x" * 50,
            "x" * 51,
            "x" * 100,
            "x" * 101,
            "\u00a0X",
            "X\u3000",
            "",
            " ",
            "\t",
            "1",
            "10",
            "21",
            "100",
            "3",
        ]
    ),
    st.text(max_size=12),
    st.text(min_size=45, max_size=110),
)
_OPTIONAL = st.one_of(st.none(), _TEXT)
_REASON = st.one_of(
    st.sampled_from([None, "", " ", "G", "L", "E", "A", "RESALE", "EXPOSURE", "TAXABLE", "ZZ"]),
    _TEXT,
)
_BLANKISH = st.one_of(st.sampled_from([None, "", " "]), _TEXT)

_customers = st.fixed_dictionaries(
    {},
    optional={
        "customer_number": _OPTIONAL,
        "name": _OPTIONAL,
        "address_line1": _OPTIONAL,
        "address_line2": _OPTIONAL,
        "address_line3": _OPTIONAL,
        "city": _OPTIONAL,
        "region": _OPTIONAL,
        "postal_code": _OPTIONAL,
        "country": _OPTIONAL,
    },
)
_certificates = st.fixed_dictionaries(
    {"customers": st.lists(_customers, max_size=3)},
    optional={
        "id": _OPTIONAL,
        "exempt_reason": _REASON,
        "exempt_reason_id": st.sampled_from(["7", None]),
        "exempt_reason_description": _BLANKISH,
        "regions": st.lists(_TEXT, max_size=4),
        "effective_date": st.dates().map(lambda d: d.isoformat()),
        "expiration_date": st.dates().map(lambda d: d.isoformat()),
        "single_use": st.booleans(),
        "po_numbers": st.lists(_TEXT, max_size=3),
        "tax_id": _BLANKISH,
        "tax_id_type": st.sampled_from([None, "FEIN", "BN", "QST"]),
        "business_type": _BLANKISH,
        "exempt_percentage": st.sampled_from([None, 0, 50, 100, 101, -1]),
        "filename": _OPTIONAL,
        "pdf": st.sampled_from([None, "", "JVBERi0xLjQK", "iVBORw0KGgo="]),
    },
).map(ExemptionCertificate.model_validate)


def _screened() -> list[Any]:
    return [r for r in CATALOGUE if r.screen is not None]


def _with_inputs() -> list[Any]:
    return [r for r in CATALOGUE if r.inputs is not None]


_PROFILES = st.sampled_from(["certcapture", "avatax"])
_OPTIONS = st.sampled_from([{}, {"sst_seller": True}])


def _direct(cert: ExemptionCertificate, profile: str, options: dict[str, Any]) -> list[Finding]:
    """Every finding from calling each running certificate rule's check: no screens, no memo."""
    ctx = Context(TODAY, ExemptionMatrix.default(), profile, options)
    found = [
        rule.finding(hit)
        for rule in active_rules(profile=profile)
        if rule.check is not None and "certificate" in rule.kinds
        for hit in rule.check(cert, ctx)
    ]
    return sorted(found, key=lambda f: f.code)


@given(_certificates, _PROFILES, _OPTIONS)
def test_validate_reports_what_every_check_finds(
    cert: ExemptionCertificate, profile: str, options: dict[str, Any]
) -> None:
    """validate() gives exactly the findings of the checks called one by one, twice in a row."""
    expected = _direct(cert, profile, options)
    for _ in range(2):  # the second time, memoized findings are reused
        report = validate(cert, today=TODAY, profile=profile, options=options or None)
        assert list(report.findings) == expected


@pytest.mark.parametrize("rule", _screened(), ids=lambda r: str(r.code))
@settings(max_examples=50)
@given(cert=_certificates)
def test_a_customer_passing_a_screen_gives_its_rule_nothing(
    cert: ExemptionCertificate, rule: Any
) -> None:
    """When every customer's value passes a rule's screen, the rule's check has no hit."""
    screen = rule.screen
    if all(screen.passes(getattr(c, screen.field)) for c in cert.customers):
        ctx = Context(TODAY, ExemptionMatrix.default(), "avatax", {"sst_seller": True})
        assert list(rule.check(cert, ctx)) == []


@pytest.mark.parametrize("rule", _with_inputs(), ids=lambda r: str(r.code))
@settings(max_examples=50)
@given(cert=_certificates, other=_certificates)
def test_a_rule_with_inputs_reads_nothing_else(
    cert: ExemptionCertificate, other: ExemptionCertificate, rule: Any
) -> None:
    """Two certificates equal in a rule's declared inputs get the same hits from it."""
    same = other.model_copy(update={field: getattr(cert, field) for field in rule.inputs})
    ctx = Context(TODAY, ExemptionMatrix.default(), "avatax", {"sst_seller": True})
    assert list(rule.check(same, ctx)) == list(rule.check(cert, ctx))


def test_fast_paths_are_declared() -> None:
    """The customer rules worth screening are screened and the situs rules have inputs."""
    screened = {r.code for r in _screened()}
    assert {2101, 2102, 2103, 2105, 2106, 2107, 2108, 6101, 6103, 6104} <= screened
    assert {3001, 3101, 3102, 3103, 2302} <= {r.code for r in _with_inputs()}
    for rule in _screened():
        assert rule.screen.field in Customer.model_fields


def test_memoized_findings_are_read_only() -> None:
    """Findings shared between reports through the memo can't be changed through ``errors``."""
    payload = {"id": "1", "exempt_reason": "G", "regions": ["WA", "NH"], "customers": []}
    first = validate(payload, today=TODAY, select=["3101"]).findings[0]
    second = validate(payload, today=TODAY, select=["3101"]).findings[0]
    assert first == second
    with pytest.raises(TypeError):
        first.errors["regions[1]"] = "changed"  # type: ignore[index]
    assert second.errors["regions[1]"].startswith("not exempt per Avalara")


def _with_customer_inputs() -> list[Any]:
    return [r for r in CATALOGUE if r.customer_inputs is not None]


@pytest.mark.parametrize("rule", _with_customer_inputs(), ids=lambda r: str(r.code))
@settings(max_examples=50)
@given(cert=_certificates, other=_certificates)
def test_a_rule_with_customer_inputs_reads_nothing_else(
    cert: ExemptionCertificate, other: ExemptionCertificate, rule: Any
) -> None:
    """A customer finds the same (a hit or none) alone in another certificate, with other
    values in every field but the rule's declared customer inputs."""
    ctx = Context(TODAY, ExemptionMatrix.default(), "avatax", {"sst_seller": True})
    found_at = {hit.loc[1] for hit in rule.check(cert, ctx)}
    donor = other.customers[0] if other.customers else Customer()
    for i, customer in enumerate(cert.customers):
        values = {field: getattr(customer, field) for field in rule.customer_inputs}
        alone = other.model_copy(update={"customers": (donor.model_copy(update=values),)})
        assert bool(list(rule.check(alone, ctx))) == (i in found_at)
