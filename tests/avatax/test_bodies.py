"""to_avatax_certificates / to_avatax_customers: exact bodies, and the per-region round trip.

The round trip, precisely. Let ``bodies = to_avatax_certificates(cert)`` and
``merged(b) = {**b, "customers": to_avatax_customers(cert)}`` (the body with its
customer records re-attached in full). With ``orig = validate(cert)`` and
``parts = [validate(merged(b)) for b in bodies]``:

1. A certificate with at most one region: every part's findings equal the
   original's, record for record.
2. With more regions, a finding is *region-scoped* when its ``loc`` starts with
   ``"regions"`` (3001, 3101-3103: they name regions) or it is a tax-id rule
   that lists regions (6201, 6202, 6205), or an audit rule (5201-5203, 6401).
   Everything else is the same in every part, record for record.
3. Region-scoped findings that name regions (``errors`` keys ``regions[i]``)
   pair up: the set of (code, exposure zone) over the original equals the set
   over the parts.
4. The verdict holds: ``orig.ok == all(part.ok for part in parts)``, and the
   codes of the parts are the original's plus at most 6202.
5. The documented difference: 6201 (SST state without tax id; 6205 with profile avatax)
   is in the original exactly when some part has it; only then may a part for a non-SST
   state have 6202 where the original has none (6201 already asks for the tax id).
"""

from __future__ import annotations

import copy
import importlib
import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpreflight import ExemptionCertificate, Finding, Report, validate
from certpreflight.avatax import to_avatax_certificates, to_avatax_customers
from certpreflight.reference.regions import lookup_region
from tests.conftest import (
    AVATAX_CERTIFICATE,
    CERTCAPTURE_CERTIFICATE,
    CERTIFICATE,
    TODAY,
    cert,
    customer,
    examples,
)

CLEAN_CUSTOMER_BODY = {
    "customerCode": "C-1001",
    "name": "Acme Supply Co",
    "line1": "100 Main St",
    "city": "Seattle",
    "region": "WA",
    "postalCode": "98101",
    "country": "US",
}


def _body(zone: str, **extra: Any) -> dict[str, Any]:
    return {
        "signedDate": "2026-01-15",
        "expirationDate": "2030-01-15",
        "exemptionNumber": "601234567",
        "exemptPercentage": 100,
        "isSingleCertificate": False,
        "exemptionReason": {"name": "RESALE"},
        "customers": [{"customerCode": "C-1001"}],
        "exposureZone": {"name": zone},
        **extra,
    }


@pytest.mark.parametrize(
    ("payload", "extra"),
    [
        (CERTIFICATE, {}),
        (AVATAX_CERTIFICATE, {"filename": "cert.pdf"}),
        (CERTCAPTURE_CERTIFICATE, {}),
        (json.dumps(CERTIFICATE), {}),
        (ExemptionCertificate.model_validate(CERTIFICATE), {}),
    ],
    ids=["native", "avatax", "certcapture", "json", "model"],
)
def test_clean_certificate_in_any_dialect_gives_the_same_body(
    payload: Any, extra: dict[str, Any]
) -> None:
    """Every dialect of the clean certificate becomes the same CreateCertificates body."""
    assert to_avatax_certificates(payload) == [_body("Washington", **extra)]


def test_one_body_per_region_with_full_zone_names() -> None:
    """Each region becomes its own body, zones by AvaTax's full names, duplicates once."""
    bodies = to_avatax_certificates(cert(regions=["WA", "US-TX", "Washington", "ON"]))
    assert [b["exposureZone"] for b in bodies] == [
        {"name": "Washington"},
        {"name": "Texas"},
        {"name": "Ontario"},
    ]
    shared = [{k: v for k, v in b.items() if k != "exposureZone"} for b in bodies]
    assert shared == [shared[0]] * 3


def test_all_optional_fields_are_carried() -> None:
    """PO numbers, attachments, ids and percentages travel under their camelCase names."""
    payload = cert(
        regions=["Narnia"],
        single_use=True,
        po_numbers=["PO-1", "PO-2"],
        exempt_percentage=50.5,
        pdf="JVBERi0=",
        pages=["/9j/4A=="],
        filename="c.pdf",
        tax_id_type="FEIN",
        business_type="Retail trade",
        exempt_reason_description="resale of goods",
        valid=True,
    )
    [body] = to_avatax_certificates(payload, company_id=12345)
    assert body == _body(
        "Narnia",
        isSingleCertificate=True,
        poNumbers=[{"poNumber": "PO-1"}, {"poNumber": "PO-2"}],
        exemptPercentage=50.5,
        pdf="JVBERi0=",
        pages=["/9j/4A=="],
        filename="c.pdf",
        taxNumberType="FEIN",
        businessNumberType="Retail trade",
        exemptReasonDescription="resale of goods",
        valid=True,
        customers=[{"customerCode": "C-1001", "companyId": 12345}],
    )


def test_no_regions_gives_one_body_without_zone_and_reason_by_id() -> None:
    """Without regions AvaTax gets one body (it answers 1207); a bare reason id is kept."""
    [body] = to_avatax_certificates({"exemptionReason": {"id": 7}, "regions": []})
    assert body == {"exemptionReason": {"id": 7}, "isSingleCertificate": False}


def test_customers_bodies() -> None:
    """Customers become CustomerModel bodies; regions and countries as AvaTax codes."""
    payload = cert(
        customers=[
            customer(),
            customer(customer_number="C-2", region="Ontario", country="Canada", address_line2=None),
            customer(customer_number="C-3", region="Atlantis", country="Narnia", name=None),
        ]
    )
    assert to_avatax_customers(payload, company_id=12345) == [
        {"companyId": 12345, **CLEAN_CUSTOMER_BODY, "line2": "Suite 4"},
        {"companyId": 12345, **CLEAN_CUSTOMER_BODY, "customerCode": "C-2"}
        | {"region": "ON", "country": "CA"},
        {
            "companyId": 12345,
            **{k: v for k, v in CLEAN_CUSTOMER_BODY.items() if k != "name"},
            "customerCode": "C-3",
            "line2": "Suite 4",
            "region": "Atlantis",
            "country": "Narnia",
        },
    ]
    assert to_avatax_customers(AVATAX_CERTIFICATE) == [CLEAN_CUSTOMER_BODY]
    assert to_avatax_customers(CERTCAPTURE_CERTIFICATE) == [CLEAN_CUSTOMER_BODY]


def test_unreadable_input_raises_value_error() -> None:
    """Input the model can't read at all raises (validate() explains it as findings)."""
    with pytest.raises(ValueError, match="date"):
        to_avatax_certificates(cert(effective_date="banana"))
    with pytest.raises(TypeError):
        to_avatax_certificates(42)  # type: ignore[arg-type]


def test_module_imports_and_converts_without_the_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    """certpreflight.avatax imports, and its converters work, when avalara/requests are absent."""
    monkeypatch.setitem(sys.modules, "avalara", None)
    monkeypatch.setitem(sys.modules, "requests", None)
    monkeypatch.delitem(sys.modules, "certpreflight.avatax")
    module = importlib.import_module("certpreflight.avatax")
    assert module.to_avatax_certificates(CERTIFICATE) == [_body("Washington")]
    assert module.findings_from_avatax_error("{}")[0].code == 2900


# --- the round trip -------------------------------------------------------------------------------

SCOPED_TAX_ID = frozenset({6201, 6202, 6205})
#: The audit rules name the regions they concern (5201-5204, 6402 and 6403 in ``errors``,
#: 6401 in its text).
SCOPED_AUDIT = frozenset({5201, 5202, 5203, 5204, 6401, 6402, 6403})


def _merged(payload: Any) -> list[dict[str, Any]]:
    customers = to_avatax_customers(payload)
    return [{**b, "customers": customers} for b in to_avatax_certificates(payload)]


def _scoped(f: Finding) -> bool:
    return f.loc[:1] == ("regions",) or f.code in SCOPED_TAX_ID | SCOPED_AUDIT


def _zone(value: str) -> str:
    region = lookup_region(value)
    return region.name if region is not None else value.strip()


def _region_pairs(report: Report, regions: tuple[str, ...]) -> set[tuple[int, str]]:
    """(code, zone) for each region a region-scoped finding names in its errors."""
    pairs = set()
    for f in report.findings:
        for key in f.errors:
            if key.startswith("regions["):
                pairs.add((f.code, _zone(regions[int(key[8:-1])])))
    return pairs


#: What the conversion repairs: ISO alpha-2 countries (3203) and, where the region
#: resolves, region codes (2120; a region that doesn't resolve is sent as given), and zones
#: named by their full names (3005).
FIXED_BY_CONVERSION = frozenset({2120, 3005, 3203})


def assert_round_trip(payload: Any, **options: Any) -> None:
    """The five properties of the module docstring."""
    model = ExemptionCertificate.model_validate(payload)
    original = validate(payload, **options)
    # The conversion itself sends ISO alpha-2 countries, which is what 3203 asks for.
    original = Report(
        tuple(f for f in original.findings if f.code not in FIXED_BY_CONVERSION),
        original.certificate_id,
    )
    bodies = _merged(payload)
    parts = [
        Report(tuple(f for f in p.findings if f.code not in FIXED_BY_CONVERSION), p.certificate_id)
        for p in (validate(b, **options) for b in bodies)
    ]
    if len(model.regions) <= 1:
        assert [p.findings for p in parts] == [original.findings]
        return
    plain = [f for f in original.findings if not _scoped(f)]
    for part in parts:
        assert [f for f in part.findings if not _scoped(f)] == plain
    split_pairs = set()
    for part, body in zip(parts, bodies, strict=True):
        split_pairs |= _region_pairs(part, (body["exposureZone"]["name"],))
    assert _region_pairs(original, model.regions) == split_pairs
    assert original.ok == all(p.ok for p in parts)
    union = {c for p in parts for c in p.codes()}
    assert set(original.codes()) <= union
    assert union - set(original.codes()) <= {6202}
    for sst in (6201, 6205):  # the same check: certcapture's error, avatax's warning
        assert (sst in original.codes()) == (sst in union)
    if not {6201, 6205} & set(original.codes()):
        assert (6202 in original.codes()) == (6202 in union)


@pytest.mark.parametrize(
    "payload",
    [
        CERTIFICATE,
        AVATAX_CERTIFICATE,
        CERTCAPTURE_CERTIFICATE,
        cert(regions=["WA", "NH", "OR", "TX"]),
        cert(regions=["WA", "CA"], tax_id=""),
        cert(regions=["CA", "TX"], tax_id=None, exempt_reason="E"),
        cert(regions=["WA", "Narnia", "washington"], exempt_reason="MEDICAL"),
        cert(regions=[], customers=[customer(name="", city=None)]),
    ],
)
def test_round_trip_examples(payload: dict[str, Any]) -> None:
    """Split bodies, customers merged back, validate to the same findings (module docs)."""
    assert_round_trip(payload, today=TODAY)


def test_round_trip_documented_difference_6202() -> None:
    """SST + non-SST without tax id: 6201 on the original, 6202 only on the non-SST part."""
    payload = cert(regions=["WA", "CA"], tax_id="")
    assert 6202 not in validate(payload, today=TODAY).codes()
    parts = [validate(b, today=TODAY).codes() for b in _merged(payload)]
    assert [6201 in p for p in parts] == [True, False]
    assert [6202 in p for p in parts] == [False, True]


# Field names per dialect: regions, reason, tax id, single use, PO numbers; customer fields.
_DIALECTS: dict[str, dict[str, Any]] = {
    "native": {
        "base": CERTIFICATE,
        "regions": lambda rs: {"regions": rs},
        "reason": lambda r: {"exempt_reason": r},
        "tax_id": "tax_id",
        "single": "single_use",
        "po": lambda ps: {"po_numbers": ps},
        "customer": {"number": "customer_number", "name": "name", "line1": "address_line1"},
        "region": lambda r: {"region": r},
        "country": lambda c: {"country": c},
    },
    "avatax": {
        "base": AVATAX_CERTIFICATE,
        "regions": lambda rs: {"exposureZones": [{"name": r} for r in rs]},
        "reason": lambda r: {"exemptionReason": {"name": r}},
        "tax_id": "exemptionNumber",
        "single": "isSingleCertificate",
        "po": lambda ps: {"poNumbers": [{"poNumber": p} for p in ps]},
        "customer": {"number": "customerCode", "name": "name", "line1": "line1"},
        "region": lambda r: {"region": r},
        "country": lambda c: {"country": c},
    },
    "certcapture": {
        "base": CERTCAPTURE_CERTIFICATE,
        "regions": lambda rs: {"exposure_zones": [{"name": r} for r in rs]},
        "reason": lambda r: {"expected_tax_code": {"name": r}},
        "tax_id": "tax_number",
        "single": "is_single",
        "po": lambda ps: {"po_numbers": ps},
        "customer": {"number": "customer_number", "name": "name", "line1": "address_line1"},
        "region": lambda r: {"state": {"initials": r}},
        "country": lambda c: {"country": {"initials": c}},
    },
}
_REGION_KEYS = ("regions", "exposureZone", "exposureZones", "exposure_zones")
_REASON_KEYS = ("exempt_reason", "exemptionReason", "expected_tax_code")

REGIONS = ["WA", "TX", "NH", "OR", "CA", "NY", "ON", "US-TX", "Washington", "GST", "Narnia"]
REASONS = ["G", "D", "E", "B", "A", "RESALE", "MEDICAL", ""]


@st.composite
def varied_certificates(draw: st.DrawFn) -> dict[str, Any]:
    """One of the clean fixtures, in its own dialect, with fields varied."""
    dialect = _DIALECTS[draw(st.sampled_from(sorted(_DIALECTS)))]
    out = copy.deepcopy(dialect["base"])
    for key in (*_REGION_KEYS, *_REASON_KEYS):
        out.pop(key, None)
    out |= dialect["regions"](draw(st.lists(st.sampled_from(REGIONS), max_size=4)))
    out |= dialect["reason"](draw(st.sampled_from(REASONS)))
    out[dialect["tax_id"]] = draw(st.sampled_from(["601234567", "", None]))
    out[dialect["single"]] = draw(st.booleans())
    out |= dialect["po"](draw(st.sampled_from([[], ["PO-1"]])))
    for key in ("effective_date", "signedDate", "signed_date"):
        out.pop(key, None)
    out["signed_date"] = draw(st.sampled_from(["2026-01-15", "2027-06-01"]))  # 2027: in the future
    names = dialect["customer"]
    one = out["customers"][0]
    one[names["name"]] = draw(st.sampled_from(["Acme Supply Co", "", None]))
    one[names["line1"]] = draw(st.sampled_from(["100 Main St", "", "x" * 60]))
    one[names["number"]] = draw(st.sampled_from(["C-1001", ""]))
    for key in ("region", "state", "country"):
        one.pop(key, None)
    one |= dialect["region"](draw(st.sampled_from(["WA", "Washington", "", "ON"])))
    one |= dialect["country"](draw(st.sampled_from(["US", "USA", "", "CA"])))
    if draw(st.booleans()):
        second = copy.deepcopy(one)
        second[names["number"]] = "C-2002"
        out["customers"] = [one, second]
    return out


@settings(max_examples=examples(300), deadline=None)
@given(payload=varied_certificates(), profile=st.sampled_from(["certcapture", "avatax"]))
def test_round_trip_property(payload: dict[str, Any], profile: str) -> None:
    """For varied certificates of every dialect, the split bodies keep the findings (docs)."""
    assert_round_trip(payload, today=TODAY, profile=profile)
