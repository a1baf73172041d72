"""Options and RuleOptions: one object for a run's options, one parse of selectors; unknown
names raise like a bad profile."""

from __future__ import annotations

import datetime as dt

import pytest

from certpreflight import validate, validate_batch, validate_many
from certpreflight.engine import active_rules
from certpreflight.options import Options, RuleOptions
from certpreflight.reading.limits import DEFAULT_LIMITS
from tests.conftest import cert, customer

TODAY = dt.date(2026, 11, 21)


def test_defaults_are_the_rules_own() -> None:
    """RuleOptions() leaves every rule as it is without options."""
    defaults = RuleOptions()
    assert defaults.max_depth == DEFAULT_LIMITS.max_depth
    assert defaults.max_payload_bytes == DEFAULT_LIMITS.max_payload_bytes
    payload = cert(expiration_date="2026-12-10")
    plain = validate(payload, today=TODAY)
    typed = validate(payload, today=TODAY, options=defaults)
    assert typed.findings == plain.findings


def test_typed_object_and_mapping_give_the_same_report() -> None:
    """options=RuleOptions(...) and options={...} with the same names are one thing."""
    payload = cert(expiration_date="2027-01-10")
    typed = validate(payload, today=TODAY, options=RuleOptions(expiring_within_days=60))
    mapped = validate(payload, today=TODAY, options={"expiring_within_days": 60})
    assert typed.findings == mapped.findings
    assert 5104 in {f.code for f in typed.findings}
    assert 5104 not in {f.code for f in validate(payload, today=TODAY).findings}


def test_unknown_option_raises_naming_it() -> None:
    """A typo in an option name raises ValueError naming it and the name it probably meant."""
    expected = r"unknown option 'expiring_within_day' \(did you mean 'expiring_within_days'\?\)"
    with pytest.raises(ValueError, match=expected):
        validate(cert(), options={"expiring_within_day": 5})
    with pytest.raises(ValueError, match=expected):
        validate_many([cert()], options={"expiring_within_day": 5})


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"max_depth": "32"}, "max_depth must be a positive integer"),
        ({"max_depth": 0}, "max_depth must be a positive integer"),
        ({"expiring_within_days": True}, "expiring_within_days must be a whole number"),
        ({"sst_seller": 1}, "sst_seller must be true or false"),
        ({"expiring_within_days": -1}, "expiring_within_days must be a whole number >= 0"),
    ],
)
def test_wrong_types_raise(values: dict[str, object], problem: str) -> None:
    """A value of the wrong type is a ValueError naming the option."""
    with pytest.raises(ValueError, match=problem):
        RuleOptions.from_mapping(values)


def test_empty_mapping_is_no_options() -> None:
    """options={} is accepted and changes nothing."""
    assert (
        validate(cert(), today=TODAY, options={}).findings == validate(cert(), today=TODAY).findings
    )


def test_one_parse_of_selectors_for_every_entry() -> None:
    """validate(), validate_batch(), active_rules() and Options.of read a selector alike:
    the one parse (options.selectors), the same rules, the same error for an unknown one."""
    forms = ["21,3101", ["21", 3101], iter(["21", "3101"]), ("21", " 3101 ")]
    expected = {r.code for r in active_rules(select=["21", "3101"])}
    payload = cert(customers=[customer(name="", city="")], exempt_reason="G", regions=["NH"])
    for form in forms:
        options = Options.of(select=form, today=TODAY)
        assert options.select == ("21", "3101")
        assert {r.code for r in active_rules(select=options.select)} == expected
        codes = {f.code for f in validate(payload, **options.keywords()).findings}
        assert codes
        assert codes <= expected
    batch = validate_batch([payload], today=TODAY, select=iter(["21", "3101"]))
    assert {f.code for f in batch.reports[0].findings} == codes
    message = "unknown rule selector 'customer-name-mising'"
    for call in (
        lambda: Options.of(ignore="customer-name-mising"),
        lambda: validate(payload, ignore=["customer-name-mising"]),
        lambda: validate_batch([payload], ignore="customer-name-mising"),
        lambda: active_rules(select="customer-name-mising"),
    ):
        with pytest.raises(ValueError, match=message):
            call()
