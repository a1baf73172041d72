"""Fuzzing validate(), fix() and convert(): any payload gives a Report, deterministic, sorted,
JSON-safe; fix() a repaired record and its report, convert() a Conversion; none raises.

The strategies build certificates in the three dialects (native, AvaTax REST v2,
CertCapture v2) from a mix of valid and hostile values, and raw JSON text and
bytes (random keys, deep nesting, huge numbers, NaN literals, surrogates,
invalid UTF-8). Each property runs the profile's examples (tests/conftest.py): 50 in the
default ``ci`` profile, 200 with ``HYPOTHESIS_PROFILE=thorough``, a million with
``HYPOTHESIS_PROFILE=long``; ``scripts/fuzz.py`` runs them in rounds for as long as asked.
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from certpreflight import (
    Conversion,
    ExemptionCertificate,
    FixResult,
    Report,
    convert,
    fix,
    validate,
)
from certpreflight.convert import TARGETS
from tests.conftest import TODAY

# --- values: valid ones and hostile ones, mixed ---------------------------------------------------

HUGE_INT = 10**400
valid_text = st.sampled_from(
    ["G", "RESALE", "WA", "Washington", "US-WA", "NH", "ON", "C-1001", "100 Main St", "98101", "US"]
)
hostile_text = st.one_of(
    st.text(max_size=40),  # any unicode, incl. astral characters
    st.text(st.characters(codec=None, categories=["Cs"]), min_size=1, max_size=3),  # surrogates
    st.sampled_from(["", " ", "banana", "2026-13-45", "0000-00-00", "12/31/-5", "nan", "\x00"]),
    st.integers(10_001, 12_000).map(lambda n: "x" * n),  # over max_value_chars
)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
    hostile_text,
)
numbers = st.one_of(
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([HUGE_INT, -HUGE_INT, 0, 100, 1e400]),
    st.just(5000).map(lambda digits: 10**digits),  # over Python's int-to-str limit
)
scalars = st.one_of(valid_text, hostile_text, numbers, st.booleans(), st.none())


def nested(depth: int) -> Any:
    """``[[[...]]]`` with ``depth`` lists around a string."""
    value: Any = "WA"
    for _ in range(depth):
        value = [value]
    return value


json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
value = st.one_of(scalars, scalars, json_values, st.integers(30, 40).map(nested))
text_or_value = st.one_of(valid_text, valid_text, value)

# --- the three dialects ---------------------------------------------------------------------------


def _customer(keys: dict[str, Any]) -> Any:
    return st.fixed_dictionaries({}, optional=keys)


native_customer = _customer(
    dict.fromkeys(
        (
            "customer_number",
            "name",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postal_code",
            "country",
        ),
        text_or_value,
    )
)
avatax_customer = _customer(
    {
        "customerCode": text_or_value,
        "name": text_or_value,
        "line1": text_or_value,
        "line2": text_or_value,
        "city": text_or_value,
        "region": text_or_value,
        "postalCode": text_or_value,
        "country": text_or_value,
        "companyId": numbers,
    }
)
ref = st.fixed_dictionaries({}, optional={"initials": text_or_value, "name": text_or_value})
certcapture_customer = _customer(
    {
        "customer_number": text_or_value,
        "name": text_or_value,
        "address_line1": text_or_value,
        "city": text_or_value,
        "zip": text_or_value,
        "state": ref | text_or_value,
        "country": ref | text_or_value,
    }
)


def _list_or(item: Any) -> Any:
    return st.lists(item, max_size=3) | item | value


native_certificate = st.fixed_dictionaries(
    {},
    optional={
        "id": text_or_value,
        "exempt_reason": text_or_value,
        "regions": _list_or(text_or_value),
        "effective_date": dates | value,
        "expiration_date": dates | value,
        "single_use": st.booleans() | value,
        "po_numbers": _list_or(text_or_value),
        "tax_id": text_or_value,
        "exempt_percentage": numbers | value,
        "customers": _list_or(native_customer),
    },
)
named = st.fixed_dictionaries({}, optional={"name": text_or_value, "id": numbers})
avatax_certificate = st.fixed_dictionaries(
    {},
    optional={
        "id": numbers | text_or_value,
        "signedDate": dates | value,
        "expirationDate": dates | value,
        "filename": text_or_value,
        "exemptPercentage": numbers | value,
        "isSingleCertificate": st.booleans() | value,
        "exemptionNumber": text_or_value,
        "exemptionReason": named | value,
        "exposureZone": named | value,
        "poNumbers": _list_or(st.fixed_dictionaries({"poNumber": text_or_value})),
        "customers": _list_or(avatax_customer),
    },
)
certcapture_certificate = st.fixed_dictionaries(
    {},
    optional={
        "id": numbers | text_or_value,
        "signed_date": dates | value,
        "expiration_date": dates | value,
        "is_single": st.booleans() | value,
        "tax_number": text_or_value,
        "exmpt_percent": numbers | value,
        "expected_tax_code": named | value,
        "exposure_zones": _list_or(named),
        "customers": _list_or(certcapture_customer),
    },
)
certificates = st.one_of(
    native_certificate,
    avatax_certificate,
    certcapture_certificate,
    st.dictionaries(st.text(max_size=12), json_values, max_size=6),  # random keys
)

# --- raw JSON text and bytes ----------------------------------------------------------------------


def _dumps(obj: Any) -> str:
    """JSON text for hypothesis data, NaN/Infinity literals and huge integers included."""
    try:
        return json.dumps(obj, ensure_ascii=False)
    except ValueError:  # an integer over Python's 4,300-digit str() limit
        return '{"id": ' + "9" * 5000 + "}"


json_texts = st.one_of(
    certificates.map(_dumps),
    json_values.map(_dumps),
    st.sampled_from(
        [
            '{"exempt_percentage": NaN, "id": Infinity, "tax_id": -Infinity}',
            '{"exempt_percentage": 1e400, "id": -1e400}',
            '{"id": ' + "1" * 400 + "}",
            '{"id": ' + "1" * 5000 + "}",
            '{"regions": ' + "[" * 250 + "]" * 250 + "}",
            '{"regions": ' + "[" * 40 + "]" * 40 + "}",
            '{"id": "\\ud800"}',
            '{"id": "\\ud83d\\ude00"}',
            "\ufeff{}",
            "",
            "[1, 2]",
            "null",
        ]
    ),
    st.text(max_size=60),
)
json_bytes = st.one_of(
    json_texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=80),
    st.just(b'{"id": "\xff\xfe"}'),
)
payloads = st.one_of(certificates, json_texts, json_bytes)

# --- properties -----------------------------------------------------------------------------------


def check(payload: Any) -> Report:
    """validate() twice: a Report, the same both times, sorted by code, JSON-serialisable."""
    report = validate(payload, today=TODAY)
    assert isinstance(report, Report)
    assert validate(payload, today=TODAY) == report
    codes = report.codes()
    assert list(codes) == sorted(codes)
    for finding in report.findings:
        json.dumps(finding.to_dict(), allow_nan=False)
    json.dumps(report.to_dict(), allow_nan=False)
    json.dumps(report.to_problem_details(), allow_nan=False)
    return report


def check_repairs(payload: Any, turn: int = 0) -> None:
    """fix() and convert() of any payload never raise for its data.

    fix(): a FixResult whose report is the repaired record's (validate() of it), and fixing
    the repaired record again changes nothing. convert(): a Conversion to the target of this
    ``turn`` (the four in turn), records only when it says no problem, JSON-safe records.
    """
    unsafe = turn % 2 == 1
    result = fix(payload, today=TODAY, unsafe=unsafe)
    assert isinstance(result, FixResult)
    assert isinstance(result.report, Report)
    if result.applied:
        assert result.report == validate(result.record, today=TODAY)
        assert fix(result.record, today=TODAY, unsafe=unsafe).applied == ()
    to = TARGETS[turn % len(TARGETS)]
    conversion = convert(payload, to=to)
    assert isinstance(conversion, Conversion)
    assert conversion.problem is None or conversion.records == ()
    json.dumps(conversion.records, allow_nan=False)


@given(payload=certificates)
def test_mappings_never_raise(payload: dict[str, Any]) -> None:
    """A mapping in any dialect, however broken, gives a deterministic, JSON-safe Report."""
    check(payload)


@given(payload=json_texts)
def test_json_text_never_raises(payload: str) -> None:
    """JSON text, valid or not, gives a deterministic, JSON-safe Report."""
    check(payload)


@given(payload=json_bytes)
def test_json_bytes_never_raise(payload: bytes) -> None:
    """Bytes (invalid UTF-8 included) give a deterministic, JSON-safe Report."""
    check(payload)
    check(bytearray(payload))


def _comparable(model: ExemptionCertificate) -> ExemptionCertificate | None:
    """The model as its JSON can carry it, or None when JSON can't carry it at all.

    A model remembers the date text it was given (for the ambiguous-date rule);
    its JSON holds the ISO date only, so the text is set aside here. Pydantic
    writes NaN as null and can't write lone surrogates: such models have no
    faithful JSON form to compare with.
    """
    value = model.exempt_percentage
    if value is not None and not math.isfinite(value):
        return None
    try:
        model.model_dump_json()
    except ValueError:  # PydanticSerializationError: a lone surrogate
        return None
    return model.model_copy(update={"effective_date_text": None, "expiration_date_text": None})


@given(payload=certificates)
def test_a_model_gives_the_report_of_its_json(payload: dict[str, Any]) -> None:
    """validate(model) == validate(its JSON text) == validate(its JSON-mode dump)."""
    try:
        parsed = ExemptionCertificate.model_validate(payload)
    except (ValueError, TypeError):
        assume(False)
        return
    model = _comparable(parsed)
    assume(model is not None)
    assert model is not None
    expected = check(model)
    assert check(model.model_dump_json()) == expected
    assert check(model.model_dump(mode="json")) == expected


@given(payload=payloads)
def test_any_payload_never_raises(payload: Any) -> None:
    """Mappings, text and bytes mixed: never an exception."""
    check(payload)


@given(payload=payloads, turn=st.integers(0, 7))
def test_fix_and_convert_never_raise(payload: Any, turn: int) -> None:
    """fix() (safe and unsafe) and convert() (every target) of any payload: never an exception."""
    check_repairs(payload, turn)


def test_seeded_hostile_payloads_through_validate_fix_and_convert() -> None:
    """The long run's engine (``scripts/fuzz.py --engine payloads``) in short: 300 seeded
    hostile payloads (seed 24, the issue 24 run's) through validate(), fix() and convert(),
    never an exception (docs/fuzzing.md)."""
    import random  # noqa: PLC0415

    from scripts.hostile import hostile_payload  # noqa: PLC0415

    rng = random.Random(24)  # reproducible test data
    for turn in range(300):
        payload = hostile_payload(rng)
        check(payload)
        check_repairs(payload, turn)
