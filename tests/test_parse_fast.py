"""The parse stage's fast paths give the same answers as the general path.

The strict reader (a Rust-only validator for clean input: ``certpreflight.reading.strict``)
and the pass-through of native customers are shortcuts: for any input they accept, the
model, the findings and the id must be those of the general path (rename, coerce,
limit walk, lenient validation). The general path is forced here by a ``Limits``
whose fast path is switched off.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from types import MappingProxyType
from typing import Any

import pytest
from benchmarks.generate import certificates
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from certpreflight import ExemptionCertificate, validate
from certpreflight.dialects import NATIVE_KEYS
from certpreflight.models import Customer
from certpreflight.reading import Reader, read
from certpreflight.reading.keys import unknown_key_findings
from certpreflight.reading.limits import (
    DEFAULT_LIMITS,
    Limits,
    items_surely_within,
    json_size,
    within,
)
from certpreflight.reading.reader import _surely_refused
from certpreflight.reading.strict import NATIVE_CAPS, PLAIN
from certpreflight.reading.zones import zone_name_findings
from tests.conftest import AVATAX_CERTIFICATE, TODAY, cert, customer, examples
from tests.test_fuzz import certificates as fuzz_certificates

GENERAL = Limits()
object.__setattr__(GENERAL, "native_fast", False)  # the same limits, without the fast path


def fast(payload: Any) -> ExemptionCertificate:
    """The strict reader (present on the pydantic this package supports)."""
    assert PLAIN is not None
    return PLAIN.python(payload)


def _parse(payload: Any, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, ...]:
    """The reading stage: the model, the findings and the raw id."""
    return tuple(read(payload, limits, "certificate")[:3])


READER = Reader()


def _read_strict(payload: Any, limits: Limits) -> ExemptionCertificate | None:
    """The strict reader alone: the model, or None when it refuses."""
    got = READER.strict(payload, limits)
    return None if got is None else got.certificate


def _read_strict_json(text: Any, limits: Limits) -> ExemptionCertificate | None:
    """:func:`_read_strict` of JSON text, read straight to the model."""
    got = READER.strict_json(text, limits)
    return None if got is None else got.certificate


def same_parse(payload: Any) -> tuple[ExemptionCertificate | None, list[Any], Any]:
    """``_parse`` with and without the fast path agree; returns the (fast) result."""
    original = repr(payload)  # deep, and NaN shows as nan both times
    got = _parse(payload, DEFAULT_LIMITS)
    expected = _parse(payload, GENERAL)
    assert got == expected or repr(got) == repr(expected)  # NaN is not equal to itself
    if got[0] is not None:  # model == compares fields; the date texts are fields too
        assert type(got[0]) is ExemptionCertificate
        assert all(type(c) is Customer for c in got[0].customers)
        assert got[0].effective_date_text == expected[0].effective_date_text  # type: ignore[union-attr]
    assert repr(payload) == original  # the caller's input is never changed
    return got


def _without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


def _has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    return False


def test_the_fast_path_is_on_for_the_default_limits() -> None:
    """If a pydantic release stops it being built, this says so (the rest still works)."""
    assert PLAIN is not None
    assert DEFAULT_LIMITS.native_fast
    assert not Limits(max_value_chars=NATIVE_CAPS.chars - 1).native_fast
    assert not Limits(max_depth=3).native_fast  # customer, then its reference objects
    assert not Limits(max_number_digits=10).native_fast
    assert not Limits(max_payload_bytes=100_000).native_fast


def test_clean_native_input_is_read_by_the_fast_validator() -> None:
    """The clean certificate gives the general path's model, date text included."""
    payload = cert(po_numbers=["PO-1"], single_use=True, valid=None, pages=["AAAA", ""])
    model = fast(payload)
    assert model == ExemptionCertificate.model_validate(payload)
    assert model.effective_date_text == "2026-01-15"
    assert model.regions == ("WA",)
    assert model.exempt_percentage == 100.0
    same_parse(payload)


@pytest.mark.parametrize(
    "changes",
    [
        {"regions": "WA, OR"},  # text where a list belongs: split
        {"regions": [MappingProxyType({"name": "Washington"})]},  # any mapping, not only dicts
        {"exempt_reason": MappingProxyType({"name": "RESALE"})},
        {"regions": ["WA", "", None]},  # empty items: dropped
        {"regions": ("WA",)},  # a tuple, not a list
        {"exempt_reason": {"id": 12}},
        {"effective_date": "03/04/2026"},  # US order, kept for rule 5105
        {"effective_date": "2026-01-15T10:00:00"},
        {"effective_date": " 2026-01-15"},
        {"effective_date": "2026-02-30"},
        {"effective_date": "banana"},
        {"effective_date": "Monday"},  # not a date, whatever the clock says
        {"effective_date": "2026-01-15banana"},
        {"effective_date": "2026-01-15T10:00:00.123+02:00"},
        {"effective_date": "2026-01-15 10:00:00"},
        {"effective_date": "3/4/2026"},
        {"expiration_date": 0},  # a number is not a date
        {"effective_date": dt.date(2026, 1, 15)},
        {"effective_date": ""},
        {"single_use": None},
        {"single_use": "true"},
        {"tax_id": ["601234567"]},  # a list where text belongs: Formatting
        {"exempt_percentage": True},
        {"exempt_percentage": 10**20},
        {"exempt_percentage": float("nan")},
        {"effective_date_text": "01/02/2026"},  # not a key of its own
        {"customers": {"customer_number": "C-1"}},  # one customer, not a list
        {"customers": [customer(state={"initials": "WA"})]},
        {"customers": [customer(line1="1 Main St")]},
        {"customers": [customer(name=["Acme"])]},
        {"customers": [{**customer(), 1: "x"}]},  # a key that is not text
        {"customers": [customer(name="A" * (NATIVE_CAPS.chars + 1))]},
        {"customers": [customer()] * (NATIVE_CAPS.customers + 1)},
        {"regions": ["WA"] * (NATIVE_CAPS.items + 1)},
        {"pdf": "JVBERi0" + "A" * 20_000},
        {"notes": "not a field"},
    ],
)
def test_input_the_fast_validator_refuses_takes_the_general_path(changes: dict[str, Any]) -> None:
    """Anything but clean native input is refused, and the general path reads it as before."""
    payload = cert(**changes)
    with pytest.raises(ValidationError):
        fast(payload)
    same_parse(payload)


@pytest.mark.parametrize(
    "changes",
    [
        {"regions": [{"name": "Washington"}, "OR"]},  # reference objects: unwrapped
        {"regions": {"name": "Washington"}},  # one object, no list (AvaTax exposureZone)
        {"po_numbers": [{"poNumber": "PO-1"}, {"number": "PO-2", "id": 7}]},
        {"exempt_reason": {"name": "RESALE"}},
        {"exempt_reason": {"name": "", "code": "G"}},  # the first key with a value
        {"exempt_reason": {"id": 70, "name": "RESALE"}},  # an id beside a name: the name
        {"id": 77},  # a number where text belongs: read as text
        {"exempt_reason_id": -3},
        {"customers": [customer(region={"initials": "WA"}, country={"initials": "US"})]},
        {"customers": [customer(region={"initials": None, "name": "Washington"})]},
        {"customers": [customer(region={"initials": "", "code": "WA", "name": "Washington"})]},
        {"customers": [customer(postal_code=98101, customer_number=1001)]},
        {"customers": [{**_without(customer(), "address_line2"), "line2": "Suite 1"}]},
    ],
)
def test_dialect_forms_are_read_by_the_fast_validator(changes: dict[str, Any]) -> None:
    """Whole numbers as text and reference objects as their text: the general path's model."""
    payload = cert(**changes)
    model = fast(payload)
    assert model == ExemptionCertificate.model_validate(payload)
    assert within(payload, DEFAULT_LIMITS)  # so no limit finding was skipped
    same_parse(payload)


@pytest.mark.parametrize(
    "changes",
    [
        {"exempt_reason": {"id": 70}},  # nothing to pick: the id is kept apart
        {"exempt_reason": {"name": "RESALE", "tag": "x"}},  # a key no reference object has
        {"exempt_reason": {"name": "R" * (NATIVE_CAPS.ref_chars + 1)}},
        {"exempt_reason": {"name": 5}},
        {"regions": [{"name": ""}]},
        {"customers": [customer(region={"initials": ""})]},
        {"customers": [customer(country={"initials": {"x": "US"}})]},
        {"exposureZones": ["WA"]},  # two spellings of one field
        {"customers": [{**customer(), "postalCode": "98101"}]},
        {"id": 10**16},  # a number too big to be surely within the limits
        {"id": True},
    ],
)
def test_dialect_forms_the_fast_validator_refuses_take_the_general_path(
    changes: dict[str, Any],
) -> None:
    """Reference objects with nothing (or too much) to pick, and duplicate keys, are refused."""
    payload = cert(**changes)
    with pytest.raises(ValidationError):
        fast(payload)
    same_parse(payload)


def test_non_text_keys_are_refused() -> None:
    """A certificate key that is not text never reaches the fast validator; it is not read,
    and listed as a key nobody reads (2311)."""
    payload: dict[Any, Any] = {**cert(), 1: "x", (2, 3): "y"}
    model, findings, _ = same_parse(payload)
    assert model is not None
    assert [(f.code, f.errors) for f in findings] == [
        (2311, {"1": "unknown key", "(2, 3)": "unknown key"})
    ]


def test_a_non_empty_value_wins_over_an_empty_duplicate() -> None:
    """Two spellings of one key: the non-empty value wins, in either order; else the last."""
    for payload in (
        {**cert(tax_id=""), "exemptionNumber": "123"},
        {"exemptionNumber": "123", **cert(tax_id="")},
        {"exemptionNumber": None, **cert(tax_id="123")},
    ):
        assert ExemptionCertificate.model_validate(payload).tax_id == "123"
        same_parse(payload)
    assert ExemptionCertificate.model_validate({"tax_id": "1", "tax_number": "2"}).tax_id == "2"


def test_limit_findings_are_unchanged_for_native_input() -> None:
    """Values over a limit in native input are still 4006 / 4007 / 4008, once each."""
    long_name = cert(customers=[customer(name="A" * 20_000)])
    assert 4006 in validate(long_name, today=TODAY).codes()
    assert 4007 in validate(cert(exempt_percentage=math.inf), today=TODAY).codes()
    assert 4008 in validate(cert(exempt_percentage=10**300), today=TODAY).codes()
    assert 4006 in validate(cert(), today=TODAY, options={"max_value_chars": 5}).codes()
    assert 4005 in validate(cert(), today=TODAY, options={"max_depth": 2}).codes()


def test_json_bytes_take_the_fast_path_too() -> None:
    """A clean NDJSON line gives the model of its mapping."""
    payload = cert(customers=[customer(), customer(customer_number="C-2", address_line2=None)])
    line = json.dumps(payload, separators=(",", ":")).encode()
    assert _parse(line) == _parse(payload) == _parse(line, GENERAL)


# --- differential: generated near-native input ----------------------------------------------------

texts = st.one_of(
    st.sampled_from(["WA", "OR", "G", "C-1001", "100 Main St", "98101", "US", " ", ""]),
    st.text(max_size=12),
)
odd = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["WA, OR", "x" * (NATIVE_CAPS.chars + 1), "03/04/2026", "2026-13-01"]),
    st.lists(texts, max_size=2),
    st.fixed_dictionaries({"name": texts}),
)
values = st.one_of(texts, texts, texts, odd)
dates = st.one_of(
    st.dates(min_value=dt.date(1900, 1, 1)).map(dt.date.isoformat),
    st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
    st.datetimes().map(dt.datetime.isoformat),
    values,
)
customer_keys = [
    "customer_number",
    "name",
    "address_line1",
    "address_line2",
    "address_line3",
    "city",
    "region",
    "postal_code",
    "country",
]
customers = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(customer_keys, values),
        "line1": values,  # now and then a dialect key among the native ones
        "state": st.fixed_dictionaries({"initials": texts}),
    },
)
native_like = st.fixed_dictionaries(
    {},
    optional={
        "id": values,
        "exempt_reason": values,
        "exempt_reason_id": values,
        "regions": st.lists(values, max_size=4) | values,
        "effective_date": dates,
        "expiration_date": dates,
        "single_use": st.booleans() | values,
        "po_numbers": st.lists(values, max_size=3) | values,
        "tax_id": values,
        "exempt_percentage": st.integers(0, 100) | st.floats(0, 100) | values,
        "pages": st.lists(texts, max_size=3) | values,
        "valid": st.booleans() | values,
        "customers": st.lists(customers, max_size=3) | customers | values,
        "signedDate": dates,
    },
)


@settings(max_examples=examples(400), deadline=None)
@given(payload=native_like)
def test_fast_and_general_paths_agree(payload: dict[str, Any]) -> None:
    """Whatever the fast validator accepts, the general path reads to the same model."""
    try:
        model = fast(payload)
    except ValidationError:
        model = None
    if model is not None:
        assert within(payload, DEFAULT_LIMITS)  # so no limit finding was skipped
        assert model == ExemptionCertificate.model_validate(payload)
    got = same_parse(payload)
    same_read(payload)
    if model is not None:
        assert got[0] == model
    if not _has_nan(payload):
        line = json.dumps(payload).encode()
        assert repr(_parse(line)) == repr(_parse(line, GENERAL))  # "NaN" text reads as NaN


# --- the same certificate in the three dialects ---------------------------------------------------


def _avatax(native: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": native["id"],
        "signedDate": native["effective_date"],
        "expirationDate": native["expiration_date"],
        "exemptionReason": {"name": native["exempt_reason"]},
        "exposureZones": [{"name": r} for r in native["regions"]],
        "isSingleCertificate": native["single_use"],
        "poNumbers": [{"poNumber": p} for p in native["po_numbers"]],
        "exemptionNumber": native["tax_id"],
        "exemptPercentage": native["exempt_percentage"],
        "customers": [
            {
                "customerCode": c["customer_number"],
                "name": c["name"],
                "line1": c["address_line1"],
                "line2": c["address_line2"],
                "city": c["city"],
                "region": c["region"],
                "postalCode": c["postal_code"],
                "country": c["country"],
            }
            for c in native["customers"]
        ],
    }


def _certcapture(native: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": native["id"],
        "signed_date": native["effective_date"],
        "expiration_date": native["expiration_date"],
        "expected_tax_code": {"name": native["exempt_reason"]},
        "exposure_zones": [{"name": r} for r in native["regions"]],
        "is_single": native["single_use"],
        "po_numbers": native["po_numbers"],
        "tax_number": native["tax_id"],
        "exmpt_percent": native["exempt_percentage"],
        "customers": [
            {
                "customer_number": c["customer_number"],
                "name": c["name"],
                "address_line1": c["address_line1"],
                "address_line2": c["address_line2"],
                "city": c["city"],
                "zip": c["postal_code"],
                "state": {"initials": c["region"]},
                "country": {"initials": c["country"]},
            }
            for c in native["customers"]
        ],
    }


word = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=10)
clean_customer = st.fixed_dictionaries(
    {
        "customer_number": word,
        "name": word,
        "address_line1": word,
        "address_line2": st.none() | word,
        "city": word,
        "region": word,
        "postal_code": word,
        "country": word,
    }
)
clean_native = st.fixed_dictionaries(
    {
        "id": word,
        "exempt_reason": word,
        "regions": st.lists(word, min_size=1, max_size=3),
        "effective_date": st.dates(min_value=dt.date(1900, 1, 1)).map(dt.date.isoformat),
        "expiration_date": st.none() | st.dates(min_value=dt.date(1900, 1, 1)).map(str),
        "single_use": st.booleans(),
        "po_numbers": st.lists(word, max_size=2),
        "tax_id": word,
        "exempt_percentage": st.integers(0, 100),
        "customers": st.lists(clean_customer, max_size=3),
    }
)


@settings(max_examples=examples(200), deadline=None)
@given(native=clean_native)
def test_dialect_spellings_give_the_fast_paths_model(native: dict[str, Any]) -> None:
    """A clean native certificate (fast path) and its AvaTax / CertCapture forms agree."""
    model = fast(native)
    for dialect in (_avatax(native), _certcapture(native)):
        assert ExemptionCertificate.model_validate(dialect) == model
        assert _parse(dialect)[0] == model


# --- the strict reader: any dialect, in its native form ---------------------------------------


def _same_model(read: ExemptionCertificate, model: ExemptionCertificate | None) -> None:
    assert model is not None
    assert read == model
    assert type(read) is ExemptionCertificate
    assert all(type(c) is Customer for c in read.customers)
    assert read.effective_date_text == model.effective_date_text
    assert read.expiration_date_text == model.expiration_date_text


def same_read(payload: Any) -> bool:
    """What the engine's strict reader accepts, in any dialect, reads to the general
    path's model with no finding but those said from the payload itself on both paths (keys
    nobody reads, 2310 and 2311; AvaTax zones named by a code, 3005); returns whether it
    accepted. The same for the payload as JSON text, which the reader reads straight to
    the model."""
    original = copy.deepcopy(payload)
    read = _read_strict(payload, DEFAULT_LIMITS)
    assert payload == original or _has_nan(payload)  # the caller's input is never changed
    try:
        line = json.dumps(payload).encode()
    except (TypeError, ValueError):  # not JSON-able (a key that is a tuple, ...)
        line = None
    if line is not None:
        from_text = _read_strict_json(line, DEFAULT_LIMITS)
        if from_text is not None:
            model, findings, _ = _parse(line, GENERAL)
            zones = zone_name_findings(line, model.regions) if model is not None else []
            assert findings == unknown_key_findings(json.loads(line)) + zones
            _same_model(from_text, model)
            assert _read_strict(json.loads(line), DEFAULT_LIMITS) is not None
    if read is None:
        return False
    model, findings, _ = _parse(payload, GENERAL)
    zones = zone_name_findings(payload, model.regions) if model is not None else []
    assert findings == unknown_key_findings(payload) + zones
    strict = READER.strict(payload, DEFAULT_LIMITS)
    assert strict is not None
    assert findings == strict.findings + zones
    _same_model(read, model)
    return True


_CLEAN = json.dumps(cert())[1:-1]  # the clean certificate's members, as JSON text


@pytest.mark.parametrize(
    "text",
    [
        '{"id": "a", "id": "b", ' + _CLEAN.split(", ", 1)[1] + "}",  # a key twice: the last
        '{"regions": ["WA"], ' + _CLEAN + "}",  # regions twice
        '{"exposureZones": [{"name": "Oregon"}], ' + _CLEAN + "}",  # two spellings
        "{" + _CLEAN + ', "exempt_percentage": NaN}',
        "{" + _CLEAN + ', "exempt_percentage": 1e400}',
        "{" + _CLEAN + ', "id": 123456789012345678901234567890}',
        "{" + _CLEAN + "}" + " " * DEFAULT_LIMITS.max_payload_bytes,  # too large as text
        "{" + _CLEAN + ', "id": "\ud800"}',  # a lone surrogate
        "[{" + _CLEAN + "}]",
        '"{' + _CLEAN.replace('"', '\\"') + '}"',  # JSON text in a JSON string
        "{" + _CLEAN,  # cut short
    ],
)
def test_json_text_the_reader_takes_reads_as_the_general_path(text: str) -> None:
    """Odd JSON text is read straight to the general path's model, or refused."""
    for payload in (text, text.encode("utf-8", "surrogatepass")):
        read = _read_strict_json(payload, DEFAULT_LIMITS)
        if read is not None:
            model, findings, _ = _parse(payload, GENERAL)
            assert findings == []
            _same_model(read, model)


def test_json_text_twice_a_key_reads_the_last() -> None:
    """Like the general path's JSON parser, the reader keeps a key's last value."""
    text = '{"id": "a", "id": "b", ' + _CLEAN.split(", ", 1)[1] + "}"
    read = _read_strict_json(text, DEFAULT_LIMITS)
    assert read is not None
    assert read.id == "b"


whole = st.integers(-(10**15), 10**15)


@settings(max_examples=examples(200), deadline=None)
@given(native=clean_native, ident=st.one_of(word, whole), tax_id=st.one_of(word, whole))
def test_dialects_read_by_the_strict_reader_give_the_general_model(
    native: dict[str, Any], ident: Any, tax_id: Any
) -> None:
    """Clean certificates in all three dialects (whole-number ids included) are read by the
    strict reader, to the model the general path reads."""
    native = {**native, "id": ident, "tax_id": tax_id}
    for payload in (native, _avatax(native), _certcapture(native)):
        assert same_read(payload)


@pytest.mark.parametrize(
    "changes",
    [
        {"exemptionReason": {"id": 12}},
        {"exemptionReason": {"id": 12, "name": ""}},
        {"id": True},
        {"id": 1.5},
        {"exemptionNumber": 10**20},
        {"signedDate": "2026-01-15T00:00:00"},
        {"signedDate": "03/04/2026"},
        {"exposureZones": "Washington, Oregon"},
        {"exposureZones": [{"name": "Washington"}, "", None]},
        {"customers": {"customerCode": "C-1", "name": "Acme"}},
        {"customers": [{"customerCode": "C-1", "postalCode": 98101}]},
        {"customers": [{"customerCode": "C-1", "region": {"name": {"x": 1}}}]},
        {"isSingleCertificate": None},
        {"exemptPercentage": 50},
        {"exemptPercentage": "50"},
        {"pages": ["AAAA"]},
        {"notes": "not a field"},
    ],
)
def test_odd_dialect_input_is_read_as_the_general_path_reads_it(changes: dict[str, Any]) -> None:
    """Dialect input with odd values reads to the general path's model, or is refused."""
    same_read({**AVATAX_CERTIFICATE, **changes})


@settings(max_examples=examples(300), deadline=None)
@given(payload=fuzz_certificates)
def test_any_mapping_read_by_the_strict_reader_gives_the_general_model(
    payload: dict[str, Any],
) -> None:
    """Fuzzed certificates of every dialect: the strict reader agrees or refuses."""
    same_read(payload)


def test_the_benchmark_corpus_takes_the_strict_reader() -> None:
    """Every generated certificate, in all three dialects, is read by the strict reader."""
    assert all(same_read(payload) for payload in certificates(300))


_DATE_TEXT = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.datetimes().map(dt.datetime.isoformat),
    st.dates().map(lambda d: f"{d.month}/{d.day}/{d.year:04d}"),
    st.text(alphabet="0123456789-/:.TZ+ ", max_size=26),
)


@settings(max_examples=examples(300), deadline=None)
@given(text=_DATE_TEXT)
def test_the_strict_date_schema_reads_only_what_the_general_path_reads(text: str) -> None:
    """A date text the strict reader takes reads to the general path's date; any other is
    the general path's (a date, or 4003 at the field)."""
    model, findings, _ = same_parse(cert(effective_date=text))
    assert model is not None
    if PLAIN is not None:
        try:
            strict = PLAIN.python(cert(effective_date=text))
        except ValidationError:
            return
        assert strict.effective_date == model.effective_date
        assert findings == []


def _wide(payload: dict[str, Any], customers: int, regions: int) -> dict[str, Any]:
    """``payload`` with ``customers`` copies of its first customer and ``regions`` regions."""
    first = payload["customers"][0]
    key = "exposureZones" if "exposureZones" in payload else "regions"
    zones = [r for r in ("WA", "TX", "OR", "ON", "NY", "CA") for _ in range(20)][:regions]
    values = [{"name": z} for z in zones] if key == "exposureZones" else zones
    customers_list = [{**first, "customerCode" if "customerCode" in first else
                       "customer_number": f"C-{i}"} for i in range(customers)]  # fmt: skip
    return {**payload, key: values, "customers": customers_list}


@pytest.mark.parametrize(("customers", "regions"), [(65, 1), (200, 3), (1, 65), (70, 100)])
@pytest.mark.parametrize("dialect", ["native", "avatax"])
def test_lists_longer_than_the_caps_take_the_wide_reader(
    customers: int, regions: int, dialect: str
) -> None:
    """A certificate with more customers or regions than the strict reader's caps is read
    strictly all the same (no step in cost at the caps), as dicts and as JSON text, to the
    general path's model."""
    base = cert() if dialect == "native" else copy.deepcopy(AVATAX_CERTIFICATE)
    payload = _wide(base, customers, regions)
    assert same_read(payload)
    same_parse(payload)
    same_parse(json.dumps(payload))


def test_a_wide_payload_near_a_limit_takes_the_general_path() -> None:
    """With many customers, a value over a limit is still found by the general path."""
    payload = _wide(cert(), 80, 1)
    payload["customers"][70]["name"] = "N" * (DEFAULT_LIMITS.max_value_chars + 1)
    assert not within(payload, DEFAULT_LIMITS)
    assert _read_strict(payload, DEFAULT_LIMITS) is None
    model, findings, _ = same_parse(payload)
    assert findings
    assert model is not None


@pytest.mark.parametrize("max_bytes", [DEFAULT_LIMITS.max_payload_bytes, 700_000, 300_000])
def test_items_surely_within_bounds_the_largest_accepted_mapping(max_bytes: int) -> None:
    """fast_read_within skips measuring a certificate with at most items_surely_within()
    list items: the largest mapping of that many items is within the limit as JSON.

    The largest: every native key, and every field of each customer, holding a text of
    NATIVE_CAPS.chars characters that each encode to 6 bytes (a control character), and
    keys of 32 characters' worth; one item more than the bound may be over."""
    items = items_surely_within(max_bytes)
    assert items >= 0
    worst = "\x1f" * NATIVE_CAPS.chars
    key = "\x1f" * 32
    customer = {f"{key}{i}": worst for i in range(len(Customer.model_fields))}
    mapping: dict[str, Any] = {f"{key}{i}": worst for i in range(len(NATIVE_KEYS) - 1)}
    mapping["customers"] = [customer] * items
    size = json_size(mapping)
    assert size is not None
    assert size <= max_bytes
    mapping["customers"] = [customer] * (items + 2)
    size = json_size(mapping)
    assert size is not None
    assert size > max_bytes  # the bound is not far from tight


_EXTRA_KEYS = st.sampled_from(
    ["companyId", "phoneNumber", "emailAddress", "attnName", "status", "verified", "zzz", "id"]
)


@settings(max_examples=examples(200))
@given(
    index=st.integers(0, 59),
    where=st.sampled_from(["top", "customer", "none"]),
    key=_EXTRA_KEYS,
    value=st.one_of(st.integers(0, 10**6), st.text(max_size=5), st.none()),
)
def test_a_payload_surely_refused_is_refused_by_the_strict_reader(
    index: int, where: str, key: str, value: Any
) -> None:
    """The reader skips the strict read of a mapping as given when _surely_refused says it
    would fail (a key no dialect map reads): for every such payload, it does fail."""
    payload = copy.deepcopy(_MIXED[index])
    if where == "top":
        payload[key] = value
    elif where == "customer" and payload.get("customers"):
        payload["customers"][0][key] = value
    if _surely_refused(payload):
        assert PLAIN is not None
        with pytest.raises(ValidationError):
            PLAIN.python(payload, context=set())


def test_avalaras_own_example_is_surely_refused_as_given_and_read_in_native_form() -> None:
    """The developer guide's certificate (a customer with companyId) skips the failing read
    and gives the general path's model."""
    assert _surely_refused(AVATAX_CERTIFICATE)
    assert read(AVATAX_CERTIFICATE).certificate == read(AVATAX_CERTIFICATE, GENERAL).certificate


_MIXED = list(certificates(60, seed=5))
