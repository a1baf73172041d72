"""Date rules (5001-5105). Today is 2026-11-21 (conftest)."""

from __future__ import annotations

import copy

import pytest

from certpreflight import ExemptionCertificate, validate
from tests.conftest import AVATAX_CERTIFICATE, TODAY, cert
from tests.rules.helpers import codes, only


def test_effective_date_missing_is_an_error() -> None:
    """No effective date is an error in every profile."""
    f = only(cert(effective_date=None), 5001)
    assert f.message == "SignedDate is required. (This value must be specified.)"
    assert f.severity.value == "error"
    assert 5001 in codes(cert(effective_date=""), profile="avatax")


def test_expiration_date_missing_only_under_avatax() -> None:
    """CreateCertificates needs an expiration date; CertCapture computes one."""
    avatax = copy.deepcopy(AVATAX_CERTIFICATE)
    del avatax["expirationDate"]
    assert 5002 in codes(avatax, profile="avatax")
    assert 5002 not in codes(avatax)
    assert 5002 not in codes(AVATAX_CERTIFICATE, profile="avatax")


def test_expiration_before_effective() -> None:
    """Expiring before the effective date gives the import error text."""
    f = only(cert(effective_date="2026-01-15", expiration_date="2026-01-14"), 5102)
    assert f.message == (
        "Certificate signed date cannot be greater than the certificate expiration date."
    )
    assert "1 day(s) before" in f.summary
    assert 5102 not in codes(cert(effective_date="2026-01-15", expiration_date="2026-01-15"))


@pytest.mark.parametrize(
    ("expiration", "ago"),
    [
        ("2026-11-20", "1 day"),
        ("2026-10-22", "30 days"),
        ("2026-05-21", "6 months"),
        ("2023-11-21", "3 years"),
    ],
)
def test_expired_warns_how_long_ago(expiration: str, ago: str) -> None:
    """An expiration date before today is a warning saying how long ago."""
    f = only(cert(effective_date="2020-01-01", expiration_date=expiration), 5103)
    assert f.severity.value == "warning"
    assert f.message == f"The certificate expired on {expiration}, {ago} ago."


def test_expiring_today_is_not_expired() -> None:
    """A certificate is valid through its expiration date."""
    found = codes(cert(expiration_date=TODAY.isoformat()))
    assert 5103 not in found
    assert 5104 in found


def test_expiring_within_default_window() -> None:
    """Within 30 days is info; 31 days is nothing."""
    f = only(cert(expiration_date="2026-12-21"), 5104)
    assert f.severity.value == "info"
    assert f.message == "The certificate expires on 2026-12-21, in 30 day(s)."
    assert 5104 not in codes(cert(expiration_date="2026-12-22"))


def test_expiring_window_is_an_option() -> None:
    """options={"expiring_within_days": N} widens or narrows the window."""
    payload = cert(expiration_date="2027-02-01")
    assert 5104 not in codes(payload)
    assert 5104 in codes(payload, options={"expiring_within_days": 90})
    assert 5104 not in codes(
        cert(expiration_date="2026-11-25"), options={"expiring_within_days": 3}
    )


def test_ambiguous_date_is_reported_with_how_it_was_read() -> None:
    """03/04/2026 is read month first and reported as info, both readings named."""
    f = only(cert(effective_date="03/04/2026"), 5105)
    assert f.severity.value == "info"
    assert f.message == (
        "The effective date '03/04/2026' is ambiguous; it was read month first as March 4, 2026."
    )
    assert "2026-03-04" in f.fix
    assert "2026-04-03" in f.fix
    assert f.loc == ("effective_date",)


@pytest.mark.parametrize(
    "date", ["2026-03-04", "03/13/2026", "13/03/2026", "04/04/2026", "Mar 4 2026"]
)
def test_unambiguous_dates_are_silent(date: str) -> None:
    """ISO dates, a part over 12, equal parts and month names are not ambiguous."""
    assert 5105 not in codes(cert(effective_date=date))


def test_ambiguous_date_in_avatax_dialect_and_expiration() -> None:
    """The raw text is kept for signedDate / expirationDate too."""
    avatax = copy.deepcopy(AVATAX_CERTIFICATE) | {"expirationDate": "01/02/2030"}
    f = only(avatax, 5105)
    assert f.loc == ("expiration_date",)


def test_raw_date_text_is_not_dumped() -> None:
    """The kept text doesn't change the model's dump or come from a key of its own."""
    model = ExemptionCertificate.model_validate(cert(effective_date="03/04/2026"))
    assert model.effective_date_text == "03/04/2026"
    assert "effective_date_text" not in model.model_dump()
    forged = ExemptionCertificate.model_validate(cert(effective_date_text="01/02/2026"))
    assert forged.effective_date_text == "2026-01-15"


def test_uninterpretable_date_still_reports_formatting() -> None:
    """A date that is not a date is 4003 (and then missing, 5001)."""
    found = [f.code for f in validate(cert(effective_date="banana"), today=TODAY).findings]
    assert 4003 in found
    assert 5105 not in found
