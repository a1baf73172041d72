"""Customer codes (6103-6105), tax id formats (6204) and business types (6301-6302)."""

from __future__ import annotations

import pytest
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from certpreflight.rules import get_rule
from tests.conftest import cert, customer
from tests.rules.helpers import codes, only


@pytest.mark.parametrize("number", [" C-1001", "C-1001 ", "\tC-1001"])
def test_untrimmed_customer_number_warns_once(number: str) -> None:
    """Surrounding whitespace is 6103 only (not also unusual characters)."""
    f = only(cert(customers=[customer(customer_number=number)]), 6103)
    assert f.severity.value == "warning"
    assert "'C-1001'" in f.fix
    assert 6104 not in codes(cert(customers=[customer(customer_number=number)]))


@pytest.mark.parametrize("number", ["ACME #12", "Café-1", "C 1001", "C:1001"])
def test_unusual_characters_warn(number: str) -> None:
    """Characters outside letters, digits and -._@/ warn, naming them."""
    f = only(cert(customers=[customer(customer_number=number)]), 6104)
    assert f.severity.value == "warning"


@pytest.mark.parametrize("number", ["C-1001", "acme.supply_7", "buyer@example.com", "WA/123"])
def test_usual_customer_numbers_pass(number: str) -> None:
    """Letters, digits and - . _ @ / are fine."""
    found = codes(cert(customers=[customer(customer_number=number)]))
    assert 6103 not in found
    assert 6104 not in found


def test_unusual_characters_doc_mentions_url_encoding() -> None:
    """The rule's docs explain that / must be URL-encoded in CertCapture v2 paths."""
    assert "URL-encoded" in get_rule(6104).doc


def test_customer_linked_twice() -> None:
    """The same customer number twice is an error on the second link; case differs = different."""
    payload = cert(
        customers=[customer(), customer(city="Tacoma"), customer(customer_number="c-1001")]
    )
    f = only(payload, 6105)
    assert f.loc == ("customers", 1, "customer_number")
    assert "2 times" in f.summary
    assert 6105 not in codes(cert(customers=[customer(), customer(customer_number="C-1002")]))


US_EIN = [
    ("12-3456789", "FEIN", None),
    ("123456789", "Employer Identification Number", None),
    ("07-1234567", "FEIN", "US EIN"),
    ("12-345678", "EIN", "US EIN"),
]


@pytest.mark.parametrize(("tax_id", "kind", "problem"), US_EIN)
def test_us_ein_checked_when_typed(tax_id: str, kind: str, problem: str | None) -> None:
    """On a US certificate typed FEIN/EIN the id is checked as an EIN (warning only)."""
    found = codes(cert(regions=["TX"], tax_id=tax_id, tax_id_type=kind))
    if problem is None:
        assert 6204 not in found
    else:
        f = only(cert(regions=["TX"], tax_id=tax_id, tax_id_type=kind), 6204)
        assert problem in f.message
        assert f.severity.value == "warning"


def test_untyped_us_ids_are_never_checked() -> None:
    """State permit numbers have no common format: no check without an EIN type."""
    assert 6204 not in codes(cert(regions=["TX"], tax_id="07-1234567"))
    assert 6204 not in codes(cert(regions=["CA"], tax_id="SR-123-456789", tax_id_type="Permit"))


CANADIAN = [
    ("123456782RT0001", None, None),
    ("12345 6782 RT0001", None, None),
    ("123456789RT0001", None, "Canadian Business Number"),
    ("123456782", "GST/HST", None),
    ("12345678", "BN", "Canadian Business Number"),
    ("1234567890TQ0001", None, None),
    ("1234567890TQ001", None, "Quebec QST"),
    ("12345678", "QST", "Quebec QST"),
]


@pytest.mark.parametrize(("tax_id", "kind", "problem"), CANADIAN)
def test_canadian_ids_checked_by_shape_or_type(
    tax_id: str, kind: str | None, problem: str | None
) -> None:
    """BN / BN15 (stdnum.ca.bn) and QST (10 digits TQ 4 digits) on Canadian certificates."""
    payload = cert(regions=["QC"], exempt_reason="G", tax_id=tax_id, tax_id_type=kind)
    found = codes(payload)
    if problem is None:
        assert 6204 not in found
    else:
        assert problem in only(payload, 6204).message


@pytest.mark.parametrize(
    ("regions", "tax_id", "kind", "error"),
    [
        (["TX"], "07-1234567", "FEIN", InvalidComponent),  # nine digits, no such prefix
        (["TX"], "12-345678", "FEIN", InvalidFormat),
        (["QC"], "123456789RT0001", None, InvalidChecksum),  # BN15's shape, bad Luhn sum
        (["QC"], "123456782RX0001", "BN", InvalidComponent),  # no such program account
        (["QC"], "12345678", "BN", InvalidLength),
    ],
)
def test_tax_id_problem_is_what_stdnum_says(
    regions: list[str], tax_id: str, kind: str | None, error: type[ValidationError]
) -> None:
    """6204 gives python-stdnum's own reason, also where the rule knows it without stdnum."""
    payload = cert(regions=regions, exempt_reason="G", tax_id=tax_id, tax_id_type=kind)
    reason = str(error())
    assert only(payload, 6204).summary.endswith(reason[:1].lower() + reason[1:])


def test_canadian_shapes_not_checked_on_us_certificates() -> None:
    """An id with RT on a US-only certificate is not checked as a BN."""
    assert 6204 not in codes(cert(tax_id="123456789RT0001"))


def test_business_type_missing_for_sst_sellers_only() -> None:
    """Without a business type, SST-state certificates warn only when sst_seller is set."""
    assert 6301 not in codes(cert())
    f = only(cert(), 6301, options={"sst_seller": True})
    assert f.severity.value == "warning"
    assert "WA" in f.summary
    assert 6301 not in codes(cert(business_type="10"), options={"sst_seller": True})
    assert 6301 not in codes(cert(regions=["CA"]), options={"sst_seller": True})


@pytest.mark.parametrize("value", ["0", "21", "99", "-1"])
def test_business_type_number_outside_1_to_20_is_an_error(value: str) -> None:
    """A numeric business type outside 1-20 is AvaTax 1200."""
    f = only(cert(business_type=value), 6302)
    assert f.message == "The field 'businessTypeId' has an incorrect value."
    assert "10 Retail trade" in f.fix


@pytest.mark.parametrize("value", ["1", "01", "20", "Retail trade", "Wholesale distributor"])
def test_business_type_numbers_and_descriptions_pass(value: str) -> None:
    """Numbers 1-20 and free descriptions (AvaTax businessNumberType) pass."""
    assert 6302 not in codes(cert(business_type=value))


@pytest.mark.parametrize("value", ["1" * 4301, "²", "0" * 5000 + "10"])
def test_business_type_never_raises(value: str) -> None:
    """A business type past Python's 4,300-digit int cap, or a non-ASCII digit, is a finding or
    nothing, never a ValueError (issue 19, 1)."""
    from certpreflight import validate  # noqa: PLC0415

    report = validate(cert(business_type=value), select=["6302"])
    assert report.codes() == (() if value.endswith("10") or value == "²" else (6302,))
