"""The one reading route: the schema reads what reads cleanly, the salvage path the rest.

Whatever the schema accepts (dict or JSON text) reads to the model the salvage path reads
(rename, coerce, limit walk, lenient validation) with no finding: so which of the two
reads a payload never changes a report. The salvage path is forced here by a ``Limits``
whose fast route is switched off.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from typing import Any

from benchmarks.generate import certificates
from hypothesis import given, settings
from hypothesis import strategies as st

from certpreflight import ExemptionCertificate, validate
from certpreflight.dialects import (
    CERTIFICATE_KEYS,
    CUSTOMER_KEYS,
    DOCUMENTED_CERTIFICATE_KEYS,
    DOCUMENTED_CUSTOMER_KEYS,
    detect_kind,
)
from certpreflight.io import read_csv
from certpreflight.reading import Reader, read
from certpreflight.reading import reader as reader_module
from certpreflight.reading.limits import DEFAULT_LIMITS, Limits, json_size, within
from certpreflight.reading.strict import NATIVE_CAPS, PLAIN
from tests.conftest import AVATAX_CERTIFICATE, TODAY, cert, customer, examples
from tests.plan.shapes import held_certificate, held_customer, zone

GENERAL = Limits()
object.__setattr__(GENERAL, "native_fast", False)  # the same limits, without the fast route

_READER = Reader()


def _has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    return False


def _read(payload: Any, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, ...]:
    got = read(payload, limits)
    return (*got[:3], got.kind)


def test_the_fast_route_is_on_for_the_default_limits() -> None:
    """If a pydantic release stops the schema being built, this says so (the rest works)."""
    assert PLAIN is not None
    assert DEFAULT_LIMITS.native_fast
    assert not Limits(max_value_chars=NATIVE_CAPS.chars - 1).native_fast
    assert not Limits(max_depth=3).native_fast  # customer, then its reference objects
    assert not Limits(max_depth=4).native_fast  # a customer's documented list of objects
    assert not Limits(max_number_digits=10).native_fast


def test_avalaras_own_example_reads_on_the_fast_route() -> None:
    """The developer guide's CreateCertificates item, a customer by code with its
    companyId, reads on the schema as a mapping and as JSON text, to the salvage model."""
    for payload in (AVATAX_CERTIFICATE, json.dumps(AVATAX_CERTIFICATE)):
        done = _READER.fast(payload, DEFAULT_LIMITS)
        assert done is not None
        assert done.certificate == read(payload, GENERAL).certificate
        assert done.certificate.model_fields_set <= ExemptionCertificate.model_fields.keys()
        customers = done.certificate.customers
        assert all("companyId" not in c.model_fields_set for c in customers)


#: A CertificateModel as AvaTax returns it (GET; sent again on PUT): read-only fields, an
#: ExposureZoneModel with its id, tag, region and country, the validated reason.
AVATAX_GET_CERTIFICATE: dict[str, Any] = {
    **AVATAX_CERTIFICATE,
    "companyId": 12345,
    "createdDate": "2026-01-16T10:00:00.1234567Z",
    "modifiedDate": "2026-01-16T10:00:00Z",
    "pageCount": 1,
    "status": "COMPLETE",
    "verified": False,
    "documentExists": True,
    "validatedExemptionReason": {"id": 70, "name": "RESALE"},
    "exposureZone": {
        "id": 89,
        "companyId": 0,
        "name": "Washington",
        "tag": "EZ_US_WA",
        "description": "Washington",
        "region": "WA",
        "country": "US",
    },
}


def test_avalaras_returned_certificate_reads_on_the_fast_route() -> None:
    """A certificate as GET returns it (documented read-only keys, full reference objects)
    reads on the schema, to the salvage model, with no finding but the certificate's own."""
    for payload in (AVATAX_GET_CERTIFICATE, json.dumps(AVATAX_GET_CERTIFICATE)):
        assert _READER.fast(payload, DEFAULT_LIMITS) is not None
        assert _read(payload) == _read(payload, GENERAL)
    assert _READER.fast(AVATAX_GET_CERTIFICATE, DEFAULT_LIMITS).certificate.regions == (  # type: ignore[union-attr]
        "Washington",
    )


def test_a_small_object_is_never_more_json_than_the_size_bound_counts() -> None:
    """read_within counts a reference object or a documented object as one value: its
    largest form (NATIVE_CAPS.object_keys keys of key_chars characters, texts of ref_chars,
    each character six bytes as JSON) is no larger than a key and its longest text, and no
    key that is read or documented is longer than key_chars."""
    limits = Limits()
    per_value = limits.max_payload_bytes // limits.surely_values
    worst = "\x1f"
    key = worst * NATIVE_CAPS.key_chars
    text = {key: worst * NATIVE_CAPS.chars}
    obj = {f"{i}{key[1:]}": worst * NATIVE_CAPS.ref_chars for i in range(NATIVE_CAPS.object_keys)}
    assert json_size(text) <= per_value
    assert json_size({key: obj}) <= per_value
    # the usual reference object, with every member of an ExposureZoneModel and every key a
    # reference's text is picked from, read without Python
    members = ("id", "companyId", "name", "tag", "code", "initials", "description", "created",
               "modified", "region", "country")  # fmt: skip
    assert json_size({key: dict.fromkeys(members, worst * NATIVE_CAPS.ref_chars)}) <= per_value
    keys = {*CERTIFICATE_KEYS, *CUSTOMER_KEYS, *DOCUMENTED_CERTIFICATE_KEYS}
    assert max(map(len, keys | DOCUMENTED_CUSTOMER_KEYS)) <= NATIVE_CAPS.key_chars


def test_documented_keys_with_other_values_take_the_salvage_path() -> None:
    """A documented key holding a long text, a large object or anything nested deeper than
    a list of small objects is left to the salvage path (its limits walk sees it), and
    reads as before."""
    for extra in (
        {"customFields": [{"x": [1]}]},
        {"customFields": [[{"x": 1}]]},
        {"createdDate": "x" * 20_000},
        {"validatedExemptionReason": {f"k{i}": 1 for i in range(NATIVE_CAPS.object_keys + 1)}},
        {"exposureZone": {"name": "Washington", "region": {"code": "WA"}}},
    ):
        payload = {**cert(), **extra}
        assert _READER.fast(payload, DEFAULT_LIMITS) is None
        assert _read(payload) == _read(payload, GENERAL)


def test_long_lists_read_on_the_one_schema_up_to_max_items() -> None:
    """Hundreds of customers or regions need no second reader; past max_items, 4009."""
    many = cert(customers=[customer(customer_number=f"C-{i}") for i in range(300)])
    many["regions"] = ["WA"] * 300
    assert _READER.fast(many, DEFAULT_LIMITS) is not None
    assert _read(many) == _read(many, GENERAL)
    too_many = {**many, "regions": ["WA"] * 1_001}
    assert _READER.fast(too_many, DEFAULT_LIMITS) is None
    assert 4009 in validate(too_many, today=TODAY).codes()
    big = cert(customers=[customer(name="N" * 900)] * 200)  # about 200 KB as JSON
    assert _read(big, Limits(max_payload_bytes=100_000)) == _read(
        big, Limits(max_payload_bytes=100_000)
    )
    assert 4004 in validate(big, today=TODAY, options={"max_payload_bytes": 100_000}).codes()


def test_a_mapping_at_the_size_limit_reads_as_the_salvage_path_measures_it() -> None:
    """At max_payload_bytes exactly the schema's read stands; one byte over, 4004, whichever
    encoder measured it first (floats included: they are written differently)."""
    payload = cert(
        exempt_percentage=12.5e-6,
        customers=[customer(customer_number=f"C-{i}", name="N" * 200) for i in range(40)],
    )
    size = json_size(payload)
    assert size is not None
    for limit in (size - 1, size, size + 1):
        limits = Limits(max_payload_bytes=limit)
        assert _read(payload, limits) == _read(payload, _general(limits))
        assert (_READER.fast(payload, limits) is None) == (limit < size)


def _general(limits: Limits) -> Limits:
    general = Limits(**{k: getattr(limits, k) for k in ("max_payload_bytes", "max_items")})
    object.__setattr__(general, "native_fast", False)
    return general


def test_a_payload_naming_no_certificate_field_is_told_by_the_kind_detector() -> None:
    """The schema may read a link or a keyless payload as an empty certificate: a model
    naming no field only a certificate has is not taken for one; detect_kind tells, from
    the keys, as it does for the CLI."""
    for payload, kind in [
        ({"customers": [{"customerCode": "C-1"}]}, "link"),
        ({"customers": [{"companyId": 1, "customerCode": "C-1"}]}, "link"),
        ({"exposureZones": ["WA"]}, None),
        ({}, None),
        ({"regions": ["WA"]}, "certificate"),
        ({"exemptionReason": {"name": "RESALE"}}, "certificate"),
    ]:
        assert detect_kind(payload) == kind
        for sent in (payload, json.dumps(payload)):
            assert read(sent).kind == kind
            assert _read(sent) == _read(sent, GENERAL)


def test_a_csv_row_is_typed_as_its_json_line(tmp_path: Any) -> None:
    """A CSV cell's number and true/false are typed as JSON types them, so a clean row
    reads on the fast route; text that isn't written as JSON writes it stays text."""
    path = tmp_path / "c.csv"
    path.write_text(
        "id,exempt_reason,regions,effective_date,single_use,exempt_percentage,customer_number\n"
        "A,G,WA;OR,2026-01-15,true,100,C-1\n"
        "B,G,WA,2026-01-15,blanket,100.50,C-2\n",
        encoding="utf-8",
    )
    first, second = (record.payload for record in read_csv(path))
    assert first["exempt_percentage"] == 100
    assert first["single_use"] is True
    assert second["exempt_percentage"] == "100.50"
    assert second["single_use"] is False
    assert _READER.fast(first, DEFAULT_LIMITS) is not None
    for record in (first, second):
        assert _read(record) == _read(record, GENERAL)


# --- generated near-native input ------------------------------------------------------------------

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
    # reference objects as AvaTax returns them: an id, a companyId, a tag, a region ...
    st.dictionaries(
        st.sampled_from(["name", "tag", "code", "initials", "id", "companyId", "region", "x"]),
        st.one_of(texts, st.integers(-5, 10**16), st.booleans(), st.none()),
        max_size=8,
    ),
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
        "companyId": st.integers(0, 10**16) | values,  # documented, not read
        "emailAddress": values,
    },
)
native_like = st.fixed_dictionaries(
    {},
    optional={
        "createdDate": values,  # documented, not read
        "validatedExemptionReason": values,
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
def test_the_one_route_never_raises_and_reads_the_salvage_model(payload: dict[str, Any]) -> None:
    """Any mapping reads without raising and without being changed; what the schema
    accepts (as a mapping and as JSON text) is within the limits and reads to the model,
    findings, id and kind the salvage path gives."""
    original = copy.deepcopy(payload)
    got = _read(payload)
    assert payload == original or _has_nan(payload)
    assert got == _read(payload, GENERAL) or repr(got) == repr(_read(payload, GENERAL))
    if _READER.fast(payload, DEFAULT_LIMITS) is not None:
        assert within(payload, DEFAULT_LIMITS)  # so no limit finding was skipped
    if not _has_nan(payload):
        line = json.dumps(payload).encode()
        assert repr(_read(line)) == repr(_read(line, GENERAL))
        assert (_READER.fast(line, DEFAULT_LIMITS) is None) == (
            _READER.fast(payload, DEFAULT_LIMITS) is None
        )


def _as_returned(body: dict[str, Any], seed: int) -> dict[str, Any]:
    """An AvaTax body dressed as GET returns it: documented keys, full zone objects."""
    out = {**body, "companyId": seed, "createdDate": "2026-01-16T10:00:00Z", "verified": False}
    zones = out.get("exposureZones")
    if isinstance(zones, list):
        out["exposureZones"] = [
            {**z, "id": seed + i, "companyId": 0, "tag": f"EZ_{i}", "country": "US"}
            for i, z in enumerate(zones)
        ]
    customers = out.get("customers")
    if isinstance(customers, list):
        out["customers"] = [
            {**c, "companyId": seed, "emailAddress": "a@b.example"} for c in customers
        ]
    return out


def test_the_benchmark_corpus_reads_the_salvage_model_in_every_dialect() -> None:
    """The realistic corpus (three dialects, a share of it broken) and its AvaTax bodies as
    GET returns them: every payload, as a mapping and as JSON text, reads as the salvage
    path reads it, and every clean one on the fast route."""
    fast = 0
    corpus = list(certificates(90, seed=5))
    corpus += [_as_returned(c, i) for i, c in enumerate(corpus) if "signedDate" in c]
    for payload in corpus:
        for sent in (payload, json.dumps(payload)):
            assert _read(sent) == _read(sent, GENERAL)
        fast += _READER.fast(payload, DEFAULT_LIMITS) is not None
    assert fast >= len(corpus) * 3 // 4


_DATE_TEXT = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.text(alphabet="0123456789-/T: .Z+", max_size=24),
)


@settings(max_examples=examples(300), deadline=None)
@given(text=_DATE_TEXT)
def test_the_schema_reads_a_date_only_as_the_salvage_path_reads_it(text: str) -> None:
    """A date text the schema takes reads to the salvage path's date."""
    payload = cert(effective_date=text)
    assert _read(payload) == _read(payload, GENERAL)


# --- AvaTax's records as GET returns them ---------------------------------------------------------

#: An ExposureZoneModel with its nine members, as GET returns it (AvaTax REST v2 .NET SDK,
#: ``src/models/ExposureZoneModel.cs``: id, companyId, name, tag, description, created,
#: modified, region, country; docs/sources.md#sync-plans).
WASHINGTON_ZONE: dict[str, Any] = {
    **zone("Washington", "WA", 82),
    "created": "2019-03-04T20:01:23.097",
    "modified": "2019-03-04T20:01:23.097",
}

#: A CustomerModel as ``ListCustomers`` / ``QueryCustomers`` returns it (the .NET SDK's
#: ``src/models/CustomerModel.cs``: ids, contact fields, DateTime members, exposureZones as
#: ExposureZoneModels, nulls written out).
RETURNED_CUSTOMER: dict[str, Any] = held_customer(
    "C-1001",
    5012,
    createdDate="2025-02-01T17:22:41.9",
    modifiedDate="2026-03-01T09:05:12.4733333Z",
    exposureZones=[WASHINGTON_ZONE, {**WASHINGTON_ZONE, **zone("Texas", "TX", 78)}],
)

#: A CertificateModel as ``QueryCertificates`` returns it with ``$include=customers,
#: po_numbers`` (the .NET SDK's ``src/models/CertificateModel.cs``: DateTime dates,
#: ExemptionReasonModel {id, name}, the full zone, full customers, PoNumberModel
#: {id, poNumber}).
RETURNED_CERTIFICATE: dict[str, Any] = held_certificate(
    11,
    [RETURNED_CUSTOMER],
    WASHINGTON_ZONE,
    isSingleCertificate=True,
    poNumbers=[{"id": 9001, "poNumber": "PO-4471"}],
    exemptionReason={"id": 70, "name": "RESALE"},
    validatedExemptionReason={"id": 70, "name": "RESALE"},
    createdDate="2026-01-15T18:32:07.447",
    modifiedDate="2026-01-16T10:00:00Z",
)


def _no_salvage(monkeypatch: Any) -> None:
    """The salvage path's entries, made to fail: a read that succeeds took the schema."""

    def salvage(*args: Any) -> Any:
        raise AssertionError("read on the salvage path")

    for name in ("read_lenient", "read_customer", "load_json", "enforce"):
        monkeypatch.setattr(reader_module, name, salvage)


def test_a_returned_certificate_reads_on_the_schema_alone(monkeypatch: Any) -> None:
    """QueryCertificates' record (date-times, full zone and customers, the PO number
    model): the schema reads it, as a mapping and as JSON text, to the salvage path's model
    and no finding, and the salvage path is never entered."""
    salvaged = read(RETURNED_CERTIFICATE, GENERAL)
    assert salvaged.findings == []
    cert = salvaged.certificate
    assert cert is not None
    assert (cert.effective_date, cert.expiration_date) == (
        dt.date(2026, 1, 15),
        dt.date(2029, 1, 15),
    )
    assert (cert.regions, cert.exempt_reason, cert.po_numbers) == (
        ("Washington",),
        "RESALE",
        ("PO-4471",),
    )
    assert cert.customers[0].customer_number == "C-1001"
    _no_salvage(monkeypatch)
    for payload in (RETURNED_CERTIFICATE, json.dumps(RETURNED_CERTIFICATE)):
        assert _READER.fast(payload, DEFAULT_LIMITS) is not None
        got = read(payload)
        assert (got.certificate, got.findings, got.kind) == (cert, [], "certificate")


def test_a_returned_customer_reads_on_the_schema_alone(monkeypatch: Any) -> None:
    """ListCustomers' record (contact fields, DateTime members, ExposureZoneModels): the
    customer record's schema reads it, as a mapping and as JSON text, to the salvage path's
    record and no finding."""
    salvaged = read(RETURNED_CUSTOMER, GENERAL)
    assert (salvaged.kind, salvaged.findings) == ("customer", [])
    assert salvaged.record is not None
    assert salvaged.record.exposure_zones == ("Washington", "Texas")
    assert _READER.fast_customer(RETURNED_CUSTOMER, DEFAULT_LIMITS) == salvaged.record
    text = json.dumps(RETURNED_CUSTOMER)
    _no_salvage(monkeypatch)
    got = read(RETURNED_CUSTOMER)
    assert (got.kind, got.record, got.findings, got.raw_id) == (
        "customer",
        salvaged.record,
        [],
        "C-1001",
    )
    monkeypatch.undo()  # JSON text is decoded by the salvage path's decoder, then read alike
    _no_salvage_but_decoding(monkeypatch)
    assert read(text).record == salvaged.record


def _no_salvage_but_decoding(monkeypatch: Any) -> None:
    def salvage(*args: Any) -> Any:
        raise AssertionError("read on the salvage path")

    for name in ("read_lenient", "read_customer", "enforce"):
        monkeypatch.setattr(reader_module, name, salvage)


def test_a_date_time_reads_to_the_date_as_written() -> None:
    """Midnight (AvaTax's signedDate) and any other ISO date-time parse_date reads, with a
    fraction and an offset: the date as written, on the schema."""
    for text in (
        "2026-01-15T00:00:00",
        "2026-01-15T23:59:59.1234567+05:00",
        "2026-01-15T10:00:00Z",
        "2026-01-15 10:00:00",
    ):
        payload = {**AVATAX_CERTIFICATE, "signedDate": text}
        done = _READER.fast(payload, DEFAULT_LIMITS)
        assert done is not None
        assert done.certificate is not None
        assert done.certificate.effective_date == dt.date(2026, 1, 15)
        assert done.certificate.effective_date_text == text
        assert _read(payload) == _read(payload, GENERAL)
    for text in ("2026-02-30T00:00:00", "2026-01-15T24:00:00", "2026-01-15T10:00"):
        payload = {**AVATAX_CERTIFICATE, "signedDate": text}
        assert _READER.fast(payload, DEFAULT_LIMITS) is None
        assert _read(payload) == _read(payload, GENERAL)
        assert 4003 in [f.code for f in read(payload).findings]


def test_a_documented_list_is_held_to_max_items_and_counted_in_the_size() -> None:
    """The schema reads a customer's exposureZones past (a list of small objects) but the
    model forgets it: the reader still holds it to max_items (4009 past it) and counts it in
    the payload's size (4004 over it), as mapping and as JSON text, as the salvage path does."""
    zones = {**RETURNED_CUSTOMER, "exposureZones": [WASHINGTON_ZONE] * 3}
    payload = {**RETURNED_CERTIFICATE, "customers": [zones]}
    few = Limits(max_items=2)
    for sent in (payload, json.dumps(payload), zones):
        assert (_READER.fast(sent, few) or _READER.fast_customer(sent, few)) is None
        assert _read(sent, few) == _read(sent, _general(few))
        assert 4009 in [f.code for f in read(sent, few).findings]
    # over 1 MiB of zones in a payload of a few dozen keys (which alone would be surely within)
    worst = "\x1f" * NATIVE_CAPS.ref_chars  # six bytes a character as JSON
    wide = {
        **WASHINGTON_ZONE,
        **dict.fromkeys(
            ("name", "tag", "description", "created", "modified", "region", "country"), worst
        ),
    }
    heavy = {
        **RETURNED_CERTIFICATE,
        "customers": [{**RETURNED_CUSTOMER, "exposureZones": [wide] * 300}],
    }
    size = json_size(heavy)
    assert size is not None
    assert size > DEFAULT_LIMITS.max_payload_bytes
    assert _READER.fast(heavy, DEFAULT_LIMITS) is None
    assert _read(heavy) == _read(heavy, GENERAL)
    assert 4004 in [f.code for f in read(heavy).findings]


# --- generated customer records -------------------------------------------------------------------

zone_objects = st.fixed_dictionaries(
    {},
    optional={
        "id": st.integers(0, 10**6) | values,
        "name": texts,
        "tag": texts,
        "companyId": st.integers(0, 10**6),
        "region": texts,
        "country": texts,
        "created": values,
    },
)
customer_records = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(customer_keys, values),
        "customerCode": values,  # AvaTax's keys beside the native ones
        "line1": values,
        "postalCode": values,
        "state": st.fixed_dictionaries({"initials": texts}) | values,
        "isBill": st.booleans() | values,
        "is_ship": st.booleans() | values,
        "exposureZones": st.lists(zone_objects | texts, max_size=3) | zone_objects | values,
        "companyId": st.integers(0, 10**16) | values,  # documented, not read
        "createdDate": values,
        "customFields": st.lists(
            st.fixed_dictionaries({"name": texts, "value": values}), max_size=2
        )
        | values,
    },
).filter(lambda record: detect_kind(record) == "customer")


@settings(max_examples=examples(300), deadline=None)
@given(record=customer_records)
def test_a_customer_record_reads_on_the_schema_as_on_the_salvage_path(
    record: dict[str, Any],
) -> None:
    """Any customer record reads without raising; what the record's schema accepts is within
    the limits and reads to the record, findings and id the salvage path gives."""
    got = read(record)
    salvaged = read(record, GENERAL)
    assert (got.kind, got.record, got.findings, got.raw_id) == (
        salvaged.kind,
        salvaged.record,
        salvaged.findings,
        salvaged.raw_id,
    )
    if _READER.fast_customer(record, DEFAULT_LIMITS) is not None:
        assert within(record, DEFAULT_LIMITS)
        assert got.findings == []


def test_jurisdictions_are_held_to_max_items_on_the_schema_too() -> None:
    """A certificate's jurisdictions past max_items: 4009 whichever path reads it (the
    schema took them without the count before)."""
    payload = {
        **AVATAX_CERTIFICATE,
        "jurisdictions": [{"name": f"J{i}", "type": "City"} for i in range(12)],
    }
    few = Limits(max_items=10)
    assert _READER.fast(payload, DEFAULT_LIMITS) is not None
    assert _READER.fast(payload, few) is None
    assert _read(payload, few) == _read(payload, _general(few))
    assert 4009 in [f.code for f in read(payload, few).findings]
