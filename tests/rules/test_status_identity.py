"""Status (5xxx) and Identity (6xxx) rules."""

from __future__ import annotations

import datetime as dt

import pytest

from certpreflight import validate
from tests.conftest import TODAY, cert, customer


def test_future_effective_date_warns_with_days() -> None:
    """An effective date after today is a warning with CertCapture's text and the wait."""
    report = validate(cert(effective_date="2026-12-01"), today=TODAY)
    [f] = report.findings
    assert f.code == 5101
    assert f.message == "Certificate record couldn't be found or didn't meet send credentials."
    assert "10 day(s)" in f.summary
    assert report.ok


@pytest.mark.parametrize("date", ["2026-11-21", "2020-01-01", None])
def test_effective_date_today_or_earlier_is_fine(date: str | None) -> None:
    """Today, the past, or no date at all give no 5101."""
    assert 5101 not in validate(cert(effective_date=date), today=TODAY).codes()


def test_today_defaults_to_the_real_date() -> None:
    """Without today=, a date far in the future is still in the future."""
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert 5101 in validate(cert(effective_date=future)).codes()


def test_customer_number_missing() -> None:
    """A customer without a number is an error; one with a number is not."""
    report = validate(cert(customers=[customer(customer_number=" ")]), today=TODAY)
    [f] = report.findings
    assert f.code == 6101
    assert f.message == "CustomerNumber is required. (This value must be specified.)"
    assert validate(cert(), today=TODAY).findings == ()


def test_sst_certificate_without_tax_id_is_an_error() -> None:
    """A certificate for an SST state (WA) without a tax id gives ExemptCertDetail.IdNo."""
    report = validate(cert(tax_id=None, regions=["WA", "CA"]), today=TODAY)
    [f] = report.findings
    assert (f.code, f.message) == (6201, "ExemptCertDetail.IdNo is required.")
    assert "WA" in f.summary
    assert "CA" not in f.summary


def test_non_sst_certificate_without_tax_id_warns() -> None:
    """Outside SST states a missing tax id is only a warning."""
    report = validate(cert(tax_id="", regions=["CA"]), today=TODAY)
    [f] = report.findings
    assert (f.code, f.severity.value) == (6202, "warning")


def test_tax_id_present_is_fine() -> None:
    """With a tax id neither tax-id rule fires."""
    codes = validate(cert(regions=["WA", "CA"]), today=TODAY).codes()
    assert 6201 not in codes
    assert 6202 not in codes
