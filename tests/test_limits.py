"""Limits on hostile input (4004-4008): a clear Formatting finding, never a crash or a blow-up."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from certpreflight import ExemptionCertificate, validate, validate_many
from certpreflight.reading.limits import DEFAULT_LIMITS, MAX_FINDINGS_PER_RULE, limits_from, within
from tests.conftest import (
    AVATAX_CERTIFICATE,
    CERTCAPTURE_CERTIFICATE,
    CERTIFICATE,
    TODAY,
    cert,
    customer,
)


def nested(depth: int) -> Any:
    """``depth`` lists around "WA"."""
    value: Any = "WA"
    for _ in range(depth):
        value = [value]
    return value


def only(payload: Any, code: int, **options: Any) -> Any:
    """The one finding with ``code``."""
    report = validate(payload, today=TODAY, options=options or None)
    [finding] = [f for f in report.findings if f.code == code]
    return finding


@pytest.mark.parametrize("clean", [CERTIFICATE, AVATAX_CERTIFICATE, CERTCAPTURE_CERTIFICATE])
def test_clean_certificates_pass_the_fast_check(clean: dict[str, Any]) -> None:
    """Real certificates in every dialect never leave the fast path."""
    assert within(clean, DEFAULT_LIMITS)


# --- 4004 payload-too-large -----------------------------------------------------------------------


def test_text_over_the_payload_limit_is_not_parsed() -> None:
    """JSON text over max_payload_bytes gives 4004 alone, whatever it holds."""
    text = json.dumps(cert(pdf="A" * 1_100_000))
    report = validate(text, today=TODAY)
    [f] = report.findings
    assert f.code == 4004
    assert f.type == "Formatting"
    assert f.message == (
        f"The certificate is {len(text):,} bytes, over the limit of 1,048,576 bytes."
    )
    assert validate(text.encode(), today=TODAY) == report


def test_payload_limit_counts_utf8_bytes_and_is_configurable() -> None:
    """Non-ASCII text counts by its UTF-8 size; options={"max_payload_bytes": N} sets it."""
    text = json.dumps(cert(id="é" * 300), ensure_ascii=False)
    size = len(text.encode())
    assert validate(text, today=TODAY, options={"max_payload_bytes": size}).codes()[:1] != (4004,)
    f = only(text, 4004, max_payload_bytes=size - 1)
    assert f"{size:,} bytes" in f.message


def test_mapping_over_the_payload_limit() -> None:
    """A mapping holding more text than the limit gives 4004, estimated from below."""
    payload = cert(notes=["x" * 9_000] * 200)
    [f] = validate(payload, today=TODAY).findings
    assert f.code == 4004
    assert "at least" in f.message


def test_embedded_files_are_exempt_from_the_value_limit_only() -> None:
    """A base64 pdf longer than max_value_chars is fine; it still counts towards the size."""
    report = validate(cert(pdf="JVBERi0" + "A" * 50_000), today=TODAY)
    assert not {4004, 4006} & set(report.codes())


# --- 4005 nesting-too-deep ------------------------------------------------------------------------


def test_nesting_at_the_limit_passes_and_one_deeper_is_reported() -> None:
    """The certificate is level 1: 31 lists inside it pass, 32 are one too many."""
    assert 4005 not in validate(cert(extra=nested(31)), today=TODAY).codes()
    f = only(cert(regions=nested(32)), 4005)
    assert f.message == "Objects and lists in regions[0] nest more than 32 levels deep."
    assert f.loc[0] == "regions"


def test_deep_mapping_is_checked_iteratively() -> None:
    """100,000 levels in a mapping passed directly: a finding, no RecursionError."""
    report = validate(cert(customers=[customer(name=nested(100_000))]), today=TODAY)
    assert 4005 in report.codes()
    assert 2001 not in report.codes()  # the customer itself is kept; only the deep value goes


def test_a_mapping_that_contains_itself() -> None:
    """A cycle ends at the depth limit (or the size estimate), never a hang."""
    loop: dict[str, Any] = dict(cert())
    loop["self"] = loop
    assert 4005 in validate(loop, today=TODAY).codes()
    fork: dict[str, Any] = {"id": "x"}
    fork["a"] = fork
    fork["b"] = fork
    started = time.monotonic()
    assert validate(fork, today=TODAY).codes() == (4004,)
    assert time.monotonic() - started < 5


def test_json_parser_depth_limit_is_a_nesting_finding() -> None:
    """JSON nested past the parser's own limit (200) is 4005 for the whole payload."""
    text = '{"regions": ' + "[" * 5000 + "]" * 5000 + "}"
    [f] = validate(text, today=TODAY).findings
    assert f.code == 4005
    assert f.message == "Objects and lists in the certificate nest more than 32 levels deep."
    assert "recursion limit exceeded" in f.errors[""]


def test_max_depth_is_configurable() -> None:
    """options={"max_depth": N} moves the limit (the CertCapture dialect needs 4)."""
    assert 4005 not in validate(CERTCAPTURE_CERTIFICATE, today=TODAY, options={"max_depth": 4})
    assert 4005 in validate(CERTCAPTURE_CERTIFICATE, today=TODAY, options={"max_depth": 3}).codes()


# --- 4006 value-too-long --------------------------------------------------------------------------


def test_long_value_is_reported_dropped_and_the_rest_checked() -> None:
    """A 50,000-character name: 4006 with the native loc; other rules still run."""
    payload = cert(regions=["WA", "NH"], customers=[customer(name="A" * 50_000)])
    report = validate(payload, today=TODAY)
    f = only(payload, 4006)
    assert f.loc == ("customers", 0, "name")
    assert f.message == "customers[0].name is 50,000 characters long, over the limit of 10,000."
    assert "'AAAAAAAAAAAAAAAAAAAA'..." in f.fix
    assert 3101 in report.codes()  # NH is still checked
    assert all(len(x.message) < 1_000 for x in report.findings)


def test_long_value_loc_uses_native_names_in_every_dialect() -> None:
    """AvaTax line1 and CertCapture state.initials report native locs, like 4003 does."""
    avatax = json.loads(json.dumps(AVATAX_CERTIFICATE))
    avatax["customers"][0]["line1"] = "x" * 20_000
    assert only(avatax, 4006).loc == ("customers", 0, "address_line1")
    capture = json.loads(json.dumps(CERTCAPTURE_CERTIFICATE))
    capture["customers"][0]["state"]["initials"] = "x" * 20_000
    assert only(capture, 4006).loc == ("customers", 0, "region")
    reason = json.loads(json.dumps(AVATAX_CERTIFICATE))
    reason["exemptionReason"] = {"name": "x" * 20_000}
    assert only(reason, 4006).loc == ("exempt_reason",)


def test_value_limit_is_configurable_and_findings_are_capped() -> None:
    """options={"max_value_chars": N}; at most 20 findings per rule, every value dropped."""
    assert 4006 in validate(cert(), today=TODAY, options={"max_value_chars": 5}).codes()
    payload = cert(regions=["x" * 20_000] * 50)
    report = validate(payload, today=TODAY)
    assert report.codes().count(4006) == MAX_FINDINGS_PER_RULE
    assert 4003 not in report.codes()


def test_the_callers_mapping_is_not_changed() -> None:
    """Dropping a value copies what it touches; the payload given stays as it was."""
    payload = cert(customers=[customer(name="A" * 20_000)])
    before = json.dumps(payload)
    validate(payload, today=TODAY)
    assert json.dumps(payload) == before


def test_a_model_built_by_hand_is_held_to_the_same_limits() -> None:
    """A model with a huge value gives the report of its JSON."""
    model = ExemptionCertificate.model_validate(cert(tax_id="9" * 20_000))
    assert only(model, 4006).loc == ("tax_id",)
    assert validate(model, today=TODAY) == validate(model.model_dump_json(), today=TODAY)


# --- 4007 number-not-finite -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "shown"),
    [("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"), ("1e400", "Infinity")],
)
def test_non_finite_numbers(literal: str, shown: str) -> None:
    """NaN / Infinity literals and overflowing floats are 4007, in text and in mappings."""
    text = json.dumps(cert())[:-1] + f', "exempt_percentage": {literal}}}'
    f = only(text, 4007)
    assert f.message == f"exempt_percentage is {shown}, which isn't a valid JSON number."
    assert f.loc == ("exempt_percentage",)
    assert only(cert(exempt_percentage=float(literal.replace("1e400", "inf"))), 4007) == f


def test_nan_in_a_text_field_does_not_become_the_word_nan() -> None:
    """A NaN where a name belongs is reported, not carried on as "nan"."""
    f = only(cert(customers=[customer(name=float("nan"))]), 4007)
    assert f.loc == ("customers", 0, "name")


# --- 4008 number-too-large ------------------------------------------------------------------------


@pytest.mark.parametrize("digits", [256, 4_300, 5_000, 100_000])
def test_huge_integers_in_mappings(digits: int) -> None:
    """Integers over 255 digits are 4008 (over 4,300 digits used to crash with ValueError)."""
    f = only(cert(id=10 ** (digits - 1)), 4008)
    assert f.message == f"id is a number with {digits:,} digits, over the limit of 255."
    assert validate(cert(id=10**254), today=TODAY).certificate_id == str(10**254)


@pytest.mark.parametrize("digits", [256, 4_300, 5_000])
def test_huge_integers_in_json_text(digits: int) -> None:
    """In text too, including past the JSON parser's own 4,300-digit limit."""
    text = json.dumps(cert(regions=["NH"]))[:-1] + ', "tax_id": ' + "7" * digits + "}"
    report = validate(text, today=TODAY)
    f = only(text, 4008)
    assert f.loc == ("tax_id",)
    assert f"{digits:,} digits" in f.message
    assert 3101 in report.codes()  # the rest is still checked


# --- options --------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "10"])
def test_limit_options_must_be_positive_integers(bad: Any) -> None:
    """A limit that isn't a positive integer is a programming error."""
    with pytest.raises(ValueError, match="max_depth must be a positive integer"):
        limits_from({"max_depth": bad})
    with pytest.raises(ValueError, match="positive integer"):
        validate(cert(), today=TODAY, options={"max_value_chars": bad})


def test_bad_limit_option_is_refused_when_validate_many_is_called() -> None:
    """A limit option that is not a positive integer raises at the call, not at the first record."""
    with pytest.raises(ValueError, match="max_depth"):
        validate_many([], options={"max_depth": 0})


def test_customers_over_max_items_are_cut_and_findings_capped() -> None:
    """A line of 20,000 customers without a name (within every size limit; a customer with a
    code only would be a reference, checked by nothing) gives 4009, at most 20 findings per
    rule and one 4013 counting the rest: 102 findings, not 100,000 (issue 19, 9)."""
    import json  # noqa: PLC0415

    from certpreflight import validate  # noqa: PLC0415
    from tests.conftest import TODAY, cert  # noqa: PLC0415

    customers = [{"customer_number": f"C{i}", "name": ""} for i in range(20_000)]
    line = json.dumps(cert(customers=customers))
    for payload in (line.encode(), json.loads(line)):
        report = validate(payload, today=TODAY)
        counts = {code: report.codes().count(code) for code in set(report.codes())}
        assert counts[4009] == 1
        assert counts[4013] == 1
        assert max(counts.values()) == 20
        [capped] = [f for f in report.findings if f.code == 4013]
        assert capped.message.startswith(
            "4,900 more findings of 2101 (980)"
        )  # no 2106: no country (2108)
    some = cert(customers=[{"customer_number": f"C{i}", "name": ""} for i in range(1_500)])
    assert validate(some, today=TODAY).codes().count(4009) == 1
    assert validate(some, today=TODAY, options={"max_items": 2_000}).codes().count(4009) == 0


def test_a_mapping_is_measured_as_its_json() -> None:
    """A certificate of 1.1 MB as UTF-8 JSON (text of 360,000 characters) is 4004 as a dict as
    it is as JSON text, and one of 367 KB passes both ways (issue 19, 13: the dict was ok)."""
    import json  # noqa: PLC0415

    from certpreflight import validate  # noqa: PLC0415
    from tests.conftest import TODAY, cert, customer  # noqa: PLC0415

    for count, expected in ((120, True), (40, False)):
        data = cert(
            customers=[customer(customer_number=f"C{i}", name="€" * 3000) for i in range(count)]
        )
        text = json.dumps(data, ensure_ascii=False).encode()
        as_dict, as_text = validate(data, today=TODAY), validate(text, today=TODAY)
        assert (4004 in as_dict.codes(), 4004 in as_text.codes()) == (expected, expected)
        avatax_form = {"customers": data["customers"], "exposureZone": {"name": "Washington"}}
        assert (4004 in validate(avatax_form, today=TODAY).codes()) is expected


def test_a_bare_huge_number_is_not_an_object() -> None:
    """JSON text that is one integer of 5,000 digits is 4002 not-an-object, not a TypeError
    (found by the hostile-payload fuzz run, issue 19)."""
    assert validate("9" * 5000).codes() == (4002,)
    assert validate(b"-" + b"9" * 5000).codes() == (4002,)


def test_did_you_mean_stops_at_max_items(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 0.77 MB JSON text of 30,000 customers with unknown keys (2.7 s before, issue 24):
    only the first max_items customers' keys are looked at, a key is compared once a record,
    and at most 100 distinct keys are compared; a typo past max_items is not reported."""
    from certpreflight.reading import keys  # noqa: PLC0415

    compared: list[str] = []
    meant = keys.KeyTable.meant

    def counting(self: keys.KeyTable, key: str, dialect: Any) -> str | None:
        compared.append(key)
        return meant(self, key, dialect)

    monkeypatch.setattr(keys.KeyTable, "meant", counting)
    customers = [{f"k{i}": 1, "zzqq": 2} for i in range(30_000)]
    customers[5_000] = {"customer_numbr": "late"}
    text = json.dumps(cert(customers=customers))
    report = validate(text, today=TODAY)
    assert 4009 in report.codes()
    assert 2310 not in report.codes()
    assert len(compared) == len(set(compared)) <= 100
    # a typo repeated in every customer within the limit: compared once, reported (capped)
    compared.clear()
    typos = [customer(customer_number=f"C{i}", adress_line1="1 Main") for i in range(900)]
    report = validate(cert(customers=typos), today=TODAY)
    assert report.codes().count(2310) == MAX_FINDINGS_PER_RULE
    assert compared == ["adress_line1"]


def test_the_schema_reads_no_list_far_past_max_items() -> None:
    """A mapping with 60,000 regions that aren't text is refused by the schema at its length,
    not item by item (60,000 errors before, 0.84 s): a too_long error; the report is 4009 and
    4003 (capped)."""
    from pydantic import ValidationError  # noqa: PLC0415

    from certpreflight.reading.strict import PLAIN  # noqa: PLC0415

    data = cert(regions=[[i] for i in range(60_000)])
    assert PLAIN is not None
    with pytest.raises(ValidationError) as refused:
        PLAIN.python(data)
    errors = [e["type"] for e in refused.value.errors()]
    assert "too_long" in errors
    assert len(errors) < 10  # the union's other branches, not one error an item
    report = validate(data, today=TODAY)
    assert {4009, 4003, 4013} <= set(report.codes())
    longer = validate(cert(regions=["WA"] * 1_500), today=TODAY, options={"max_items": 2_000})
    assert 4009 not in longer.codes()


def test_a_huge_customer_number_beside_an_unknown_key() -> None:
    """A customer number of 5,000 digits in a customer with a key nobody reads raised
    ValueError (Python's integer-string limit) while naming the customer in 2311: found by
    the issue 24 fuzz run (seed 24). It is 4008, and the customer is named by its place."""
    data = cert(customers=[{"customer_number": 10**5000, "nickname": "x", "name": "A"}])
    report = validate(data, today=TODAY)
    assert {4008, 2311} <= set(report.codes())
    assert (
        validate(
            json.dumps(cert(customers=[{"customer_number": 10**200, "nme": "A"}])), today=TODAY
        )
        .codes()
        .count(2310)
        == 1
    )
