"""Input rules (2xxx): each with violating and clean cases, across dialects and customers."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from certpreflight import validate
from tests.conftest import AVATAX_CERTIFICATE, CERTCAPTURE_CERTIFICATE, TODAY, cert, customer


def codes(payload: Any, **kw: Any) -> list[int]:
    return [f.code for f in validate(payload, today=TODAY, **kw).findings]


@pytest.mark.parametrize("payload", [cert(), AVATAX_CERTIFICATE, CERTCAPTURE_CERTIFICATE])
def test_clean_certificate_in_each_dialect_has_no_findings(payload: dict[str, Any]) -> None:
    """The clean certificate, in all three dialects, passes every rule."""
    assert validate(payload, today=TODAY).findings == ()


CUSTOMER_RULES = [
    # (field, empty value, code, message)
    ("name", " ", 2101, "CustomerName is required. (This value must be specified.)"),
    ("address_line1", "", 2102, "The certificate customer(C-1001) doesn't contain an address."),
    ("city", None, 2105, "The certificate customer(C-1001) doesn't contain a city."),
    ("region", "", 2106, "Region is required. (This value must be specified.)"),
    ("postal_code", "  ", 2107, "The certificate customer(C-1001) doesn't contain a zip."),
    ("country", None, 2108, "The certificate customer(C-1001) isn't associated to a country."),
]


@pytest.mark.parametrize(("field", "empty", "code", "message"), CUSTOMER_RULES)
def test_missing_customer_field(field: str, empty: Any, code: int, message: str) -> None:
    """An empty required customer field gives its exact CertCapture message, loc and fix."""
    report = validate(cert(customers=[customer(**{field: empty})]), today=TODAY)
    [finding] = [f for f in report.findings if f.code == code]
    assert finding.message == message
    assert finding.loc == ("customers", 0, field)
    assert finding.errors == {f"customers[0].{field}": "empty value"}
    assert finding.customer_number == "C-1001"
    assert "C-1001" in finding.fix
    assert not report.ok


@pytest.mark.parametrize(("field", "empty", "code", "message"), CUSTOMER_RULES)
def test_missing_customer_field_absent_key(field: str, empty: Any, code: int, message: str) -> None:
    """A key left out entirely counts as empty too."""
    c = customer()
    del c[field]
    assert code in codes(cert(customers=[c]))


def test_one_finding_per_offending_customer() -> None:
    """Several customers without an address give one finding each, naming each customer."""
    payload = cert(
        customers=[
            customer(customer_number="A1", address_line1=""),
            customer(customer_number="A2"),
            customer(customer_number="A3", address_line1=None),
        ]
    )
    found = [f for f in validate(payload, today=TODAY).findings if f.code == 2102]
    assert [f.customer_number for f in found] == ["A1", "A3"]
    assert [f.loc for f in found] == [
        ("customers", 0, "address_line1"),
        ("customers", 2, "address_line1"),
    ]
    assert found[1].message == "The certificate customer(A3) doesn't contain an address."


def test_customer_without_number_is_named_by_position() -> None:
    """A customer with no number is named by its position in the messages."""
    payload = cert(customers=[customer(customer_number=None, city="")])
    [city] = [f for f in validate(payload, today=TODAY).findings if f.code == 2105]
    assert city.message == "The certificate customer(customers[0]) doesn't contain a city."


def test_region_required_only_for_us_and_canada() -> None:
    """A customer in Mexico without a region is fine; blank country counts as US."""
    assert 2106 not in codes(cert(customers=[customer(country="MX", region=None)]))
    assert 2106 in codes(cert(customers=[customer(country="CA", region=None)]))
    assert 2106 in codes(cert(customers=[customer(country="United States", region="")]))


@pytest.mark.parametrize(("field", "code"), [("address_line1", 2103), ("address_line2", 2104)])
def test_address_length_boundaries(field: str, code: int) -> None:
    """50 characters pass; 51 fail, and the fix says by how much."""
    assert code not in codes(cert(customers=[customer(**{field: "x" * 50})]))
    report = validate(cert(customers=[customer(**{field: "x" * 51})]), today=TODAY)
    [finding] = [f for f in report.findings if f.code == code]
    assert "by 1 character" in finding.fix
    assert "51 characters" in finding.summary
    assert finding.errors == {f"customers[0].{field}": "51 characters, max 50"}


def test_address_line1_too_long_exact_message() -> None:
    """The line-1 message is CertCapture's text."""
    report = validate(cert(customers=[customer(address_line1="y" * 60)]), today=TODAY)
    [f] = report.errors
    assert f.message == "Address1 length must be between 1 and 50 characters."
    assert "by 10 character(s)" in f.fix


def test_address_line2_too_long_exact_message() -> None:
    """The line-2 message is CertCapture's text."""
    report = validate(cert(customers=[customer(address_line2="y" * 51)]), today=TODAY)
    [f] = report.errors
    assert f.message == (
        "The Address Line 2 field is too long for at least one of the customers linked to the "
        "certificate."
    )


def test_address_length_ignores_surrounding_spaces() -> None:
    """Trailing blanks don't push a 50-character line over the limit."""
    assert 2103 not in codes(cert(customers=[customer(address_line1="x" * 50 + "   ")]))


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (cert(single_use=True, po_numbers=[]), True),
        (cert(single_use=True, po_numbers=["  "]), True),
        (cert(single_use=True, po_numbers=["PO-1"]), False),
        (cert(single_use=False, po_numbers=[]), False),
    ],
)
def test_single_use_needs_po_number(payload: dict[str, Any], expected: bool) -> None:
    """A single-use certificate without a PO number gives DocumentRefNo is required."""
    report = validate(payload, today=TODAY)
    hits = [f for f in report.findings if f.code == 2201]
    assert bool(hits) is expected
    if hits:
        assert hits[0].message == "DocumentRefNo is required. (This value must be specified.)"


def test_single_use_in_avatax_and_certcapture_dialects() -> None:
    """isSingleCertificate / is_single with poNumbers / po_numbers objects are read."""
    avatax = copy.deepcopy(AVATAX_CERTIFICATE) | {"isSingleCertificate": True}
    assert 2201 in codes(avatax)
    avatax["poNumbers"] = [{"poNumber": "PO-9"}]
    assert 2201 not in codes(avatax)
    certcapture = copy.deepcopy(CERTCAPTURE_CERTIFICATE) | {"is_single": "1"}
    assert 2201 in codes(certcapture)


def test_reason_missing() -> None:
    """No reason at all is an error; a reason given only by numeric id is let through."""
    assert 2301 in codes(cert(exempt_reason=None))
    avatax = copy.deepcopy(AVATAX_CERTIFICATE) | {"exemptionReason": {"id": 71}}
    assert 2301 not in codes(avatax)
    assert 2302 not in codes(avatax)


@pytest.mark.parametrize("reason", ["WHOLESALE", "Z"])
def test_reason_unknown(reason: str) -> None:
    """A reason that is not an AvaTax entity use code gives CertCapture's message."""
    report = validate(cert(exempt_reason=reason), today=TODAY)
    [f] = [f for f in report.findings if f.code == 2302]
    assert f.message == "Certificate exempt reason doesn't exist in AvaTaxCalcApi."
    assert reason in f.fix


@pytest.mark.parametrize("reason", ["G", "g", "RESALE", " resale ", "CHARITABLE/EXEMPT ORG"])
def test_known_reasons_in_any_spelling(reason: str) -> None:
    """Letters and AvaTax names in any case are known reasons."""
    assert 2302 not in codes(cert(exempt_reason=reason))
