"""Date rules (5001-5105), and which date texts are dates. Today is 2026-11-21 (conftest)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certpreflight import ExemptionCertificate, validate
from certpreflight.dialects import parse_date
from tests.conftest import AVATAX_CERTIFICATE, TODAY, cert, examples
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


@pytest.mark.parametrize("date", ["2026-03-04", "03/13/2026", "04/04/2026", "3/13/2026"])
def test_unambiguous_dates_are_silent(date: str) -> None:
    """ISO dates, a day over 12 and equal parts are not ambiguous."""
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


# --- which texts are dates (issue 14, item 6) --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-15", dt.date(2026, 1, 15)),  # ISO: AvaTax signedDate, CertCapture signed_date
        (" 2026-01-15 ", dt.date(2026, 1, 15)),
        ("2026-01-15T10:00:00", dt.date(2026, 1, 15)),
        ("2026-01-15T10:00:00Z", dt.date(2026, 1, 15)),
        ("2026-01-15T23:30:00+02:00", dt.date(2026, 1, 15)),  # the date as written
        ("2026-01-15T00:30:00-05:00", dt.date(2026, 1, 15)),
        ("2026-01-15T10:00:00.123", dt.date(2026, 1, 15)),
        ("2017-08-10T21:16:08.1234567Z", dt.date(2017, 8, 10)),  # .NET's round-trip form
        ("2026-01-15 10:00:00", dt.date(2026, 1, 15)),  # CertCapture v2 created / modified
        ("01/15/2026", dt.date(2026, 1, 15)),  # the import templates' mm/dd/yyyy
        ("1/15/2026", dt.date(2026, 1, 15)),  # as a spreadsheet saves that template
        ("03/04/2026", dt.date(2026, 3, 4)),  # month first (rule 5105 says so)
        ("12/31/9999", dt.date(9999, 12, 31)),  # "never expires"
        ("2024-02-29", dt.date(2024, 2, 29)),
    ],
)
def test_the_documented_date_forms_are_read(text: str, expected: dt.date) -> None:
    """Each form the APIs and import templates write reads to its date, on both paths."""
    assert parse_date(text) == expected
    model = ExemptionCertificate.model_validate(cert(effective_date=text))
    assert model.effective_date == expected
    assert 4003 not in codes(cert(effective_date=text))


@pytest.mark.parametrize(
    "text",
    [
        "Monday",
        "March",
        "1",
        "15",
        "2026",
        "2026-01-15banana",
        "banana 2026-01-15",
        "Mar 4 2026",
        "January 15, 2026",
        "15 Jan 2026",
        "2026-02-30",  # no such day
        "2025-02-29",
        "13/01/2026",  # month 13: the templates read mm/dd/yyyy
        "00/10/2026",
        "03/04/26",  # a two-digit year: which century?
        "03-04-2026",
        "03.04.2026",
        "2026/01/15",
        "20260115",
        "2026-W03-4",
        "2026-015",
        "2026-01-15T10",
        "2026-01-15T10:00",
        "2026-01-15T25:00:00",
        "2026-01-15T10:61:00",
        "2026-01-15T10:00:00+25:00",
        "2026-01-15T10:00:00+0200",
        "2026-01-15 10:00:00Z",
        "2026-01-15T10:00:00 PST",
        "\uff12\uff10\uff12\uff16-01-15",  # full-width digits
        "now",
        "today",
    ],
)
def test_other_texts_are_not_dates(text: str) -> None:
    """Anything else is 4003 naming the field, never a date completed from the clock."""
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)
    report = validate(cert(effective_date=text), today=TODAY)
    [finding] = [f for f in report.findings if f.code == 4003]
    assert finding.loc == ("effective_date",)
    assert finding.message.startswith("effective_date couldn't be interpreted:")
    assert 5001 not in [f.code for f in report.findings]  # said once, as unreadable


@pytest.mark.parametrize("value", [0, 1, 20260115, 1.5, True])
def test_numbers_are_not_dates(value: object) -> None:
    """A number (pydantic would read 0 as 1970-01-01) is 4003 as well."""
    report = validate(cert(expiration_date=value), today=TODAY)
    assert [f.loc for f in report.findings if f.code == 4003] == [("expiration_date",)]


def test_avatax_and_certcapture_date_fields_name_the_field() -> None:
    """signedDate and expirationDate are reported at their native field."""
    avatax = copy.deepcopy(AVATAX_CERTIFICATE) | {"signedDate": "Monday"}
    [finding] = [f for f in validate(avatax, today=TODAY).findings if f.code == 4003]
    assert finding.loc == ("effective_date",)
    assert "'Monday' is not a date" in finding.message


_CLOCKS = (dt.datetime(2001, 2, 3, 4, 5, 6), dt.datetime(2049, 11, 28, 23, 59, 59))


def _parsed(text: str) -> object:
    try:
        return parse_date(text)
    except ValueError as exc:
        return str(exc)


_DATE_LIKE = st.one_of(
    st.text(alphabet="0123456789-/:.TZ+ ", max_size=24),
    st.sampled_from(["Monday", "March", "1", "now", "today", "noon", "Jan 5"]),
    st.dates().map(lambda d: f"{d.month}/{d.day}/{d.year:04d}"),
    st.datetimes().map(dt.datetime.isoformat),
    st.text(max_size=12),
)


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_DATE_LIKE)
def test_parsing_never_depends_on_the_clock(text: str) -> None:
    """The same text reads the same (or fails the same) whatever the machine's clock says."""
    results = []
    for clock in _CLOCKS:
        with time_machine.travel(clock, tick=False):
            assert dt.date.today() == clock.date()  # the clock really moved
            results.append(_parsed(text))
    assert results[0] == results[1]


def test_a_report_never_depends_on_the_clock() -> None:
    """With today= given, the report is the same under two clocks, for every date form."""
    payloads = [cert(effective_date=t) for t in ("3/4/2026", "Monday", "2026-01-15T10:00:00Z")]
    reports = []
    for clock in _CLOCKS:
        with time_machine.travel(clock, tick=False):
            reports.append([validate(p, today=TODAY).to_dict() for p in payloads])
    assert reports[0] == reports[1]
