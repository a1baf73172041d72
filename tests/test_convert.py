"""convert(): each target's bodies, what they can't hold, and native -> target -> native."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpreflight import validate
from certpreflight.convert import CSV_HEADERS, TARGETS, convert, native_record
from certpreflight.io import Record
from certpreflight.io.csvfile import group_rows, header_columns
from tests.conftest import examples

TODAY = dt.date(2026, 6, 1)

RECORD: dict[str, Any] = {
    "id": "7",
    "exempt_reason": "G",
    "regions": ["WA", "OR"],
    "effective_date": "2026-01-15",
    "expiration_date": "2029-01-15",
    "po_numbers": ["PO-1"],
    "tax_id": "603-123-456",
    "form": "SST",
    "filename": "c.pdf",
    "customers": [
        {
            "customer_number": "C1",
            "name": "Acme",
            "address_line1": "1 Main",
            "address_line3": "Dock 2",
            "city": "Seattle",
            "region": "Washington",
            "postal_code": "98101",
            "country": "USA",
        }
    ],
}


def test_avatax_bodies_one_per_zone_with_customers_in_full() -> None:
    out = convert(RECORD, to="avatax")
    assert out.kind == "certificate"
    assert [b["exposureZone"] for b in out.records] == [{"name": "Washington"}, {"name": "Oregon"}]
    body = out.records[0]
    assert body["exemptionReason"] == {"name": "RESALE"}
    assert body["signedDate"] == "2026-01-15"
    assert body["poNumbers"] == [{"poNumber": "PO-1"}]
    assert body["customers"] == [
        {
            "customerCode": "C1",
            "name": "Acme",
            "line1": "1 Main",
            "line3": "Dock 2",
            "city": "Seattle",
            "region": "WA",
            "postalCode": "98101",
            "country": "US",
        }
    ]
    assert out.lost == ("form: 'SST'",)  # CertificateModel has no form name
    assert validate(out.records[0], today=TODAY, profile="avatax").ok
    oregon = validate(out.records[1], today=TODAY, profile="avatax")  # no sales tax in OR
    assert [f.code for f in oregon.findings] == [3101]


def test_certcapture_bodies_and_template_rows() -> None:
    out = convert(RECORD, to="certcapture")
    body = out.records[0]
    assert body["expected_tax_code"] == {"name": "RESALE"}
    assert body["exposure_zones"] == [{"name": "Washington"}, {"name": "Oregon"}]
    customer = body["customers"][0]
    assert customer["state"] == {"initials": "WA"}
    assert customer["zip"] == "98101"
    assert customer["country"] == {"initials": "US"}
    assert set(out.lost) == {"form: 'SST'", "customers[0].address_line3: 'Dock 2'"}
    rows = convert(RECORD, to="certcapture-csv")
    assert list(rows.records[0]) == list(CSV_HEADERS.values())
    row = rows.records[0]
    assert row["Billing Customer Number"] == "C1"
    assert row["State"] == "WA"
    assert row["Signed Date"] == "01/15/2026"
    assert row["Exposure Zones"] == "WA; OR"
    assert set(rows.lost) == {"form: 'SST'", "customers[0].address_line3: 'Dock 2'"}


def test_customer_and_link_records() -> None:
    customer = {"customerCode": "C1", "name": "A", "region": "Ohio", "isBill": True}
    out = convert(customer, to="certcapture")
    assert out.kind == "customer"
    assert out.records == (
        {"customer_number": "C1", "name": "A", "state": {"initials": "OH"}, "is_bill": True},
    )
    assert convert(customer, to="native").records[0]["region"] == "Ohio"
    assert convert({"customers": ["C1", "C2"]}, to="avatax").records == (
        {"customers": ["C1", "C2"]},
    )
    rows = convert(customer, to="certcapture-csv")  # CertCapture's customer import template
    assert [(r["Billing Customer Number"], r["Billing Customer State"]) for r in rows.records] == [
        ("C1", "OH")
    ]
    assert rows.lost == ("is_bill: True",)
    assert convert({"customers": ["C1", "C2"]}, to="certcapture-csv").problem is not None


def test_a_list_cell_cannot_hold_its_separator() -> None:
    """The template splits PO numbers on ; , and |: one holding a comma is reported lost."""
    out = convert({**RECORD, "form": None, "po_numbers": ["A,B"]}, to="certcapture-csv")
    assert "po_numbers: ['A,B']" in out.lost
    assert convert({**RECORD, "po_numbers": ["A,B"]}, to="avatax").lost == ("form: 'SST'",)


def test_unreadable_records_give_a_problem_not_an_exception() -> None:
    for payload in ("{", "[1]", 3, {"effective_date": "banana"}):
        out = convert(payload, to="avatax")
        assert out.records == ()
        assert out.problem
    with pytest.raises(ValueError, match="convert to one of"):
        convert(RECORD, to="xml")


_text = st.text("ABCXYZabcxyz0189-_ ./#", min_size=1, max_size=12).map(str.strip).filter(bool)
_customer = st.fixed_dictionaries(
    {"customer_number": _text},
    optional={
        "name": _text,
        "address_line1": _text,
        "address_line2": _text,
        "city": _text,
        "region": st.sampled_from(["WA", "OR", "ON", "OH"]),
        "postal_code": st.sampled_from(["98101", "97201", "K1A 0B1"]),
        "country": st.sampled_from(["US", "CA"]),
    },
)
_native = st.fixed_dictionaries(
    # an exempt reason always: an id and customers by code alone are a link, not a certificate
    {
        "id": _text,
        "exempt_reason": st.sampled_from(["RESALE", "CHARITABLE/EXEMPT ORG", "AGRICULTURE"]),
    },
    optional={
        "regions": st.lists(
            st.sampled_from(["WA", "OR", "TX", "ON"]), min_size=1, max_size=3, unique=True
        ),
        "effective_date": st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)).map(str),
        "expiration_date": st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)).map(str),
        "single_use": st.just(True),
        "po_numbers": st.lists(_text, min_size=1, max_size=2, unique=True),
        "tax_id": _text,
        "exempt_percentage": st.sampled_from([50.0, 12.5]),
        "filename": _text,
        "customers": st.lists(_customer, min_size=1, max_size=2),
    },
)


@settings(max_examples=examples(60), deadline=None)
@given(_native, st.sampled_from([t for t in TARGETS if t != "avatax-csv"]))
def test_round_trip_keeps_what_the_target_holds(record: dict[str, Any], to: str) -> None:
    """native -> target -> native gives the record back, but for what ``lost`` names."""
    out = convert(record, to=to)
    assert out.problem is None
    native = native_record(record)
    assert out.lost == ()
    if to == "native":
        assert out.records == (native,)
        return
    if to == "certcapture-csv":
        back = convert(_from_rows(out.records), to="native").records[0]
    else:
        back = native_record(out.records[0])
        if to == "avatax" and len(out.records) > 1:
            back["regions"] = [r for b in out.records for r in native_record(b)["regions"]]
    for field in ("id", "tax_id", "po_numbers", "effective_date", "expiration_date", "filename"):
        if field == "id" and to == "avatax":  # AvaTax assigns a certificate's id
            assert "id" not in out.records[0]
            continue
        assert back.get(field) == native.get(field), field
    if "regions" in native:
        assert len(back["regions"]) == len(native["regions"])
    for mine, theirs in zip(native.get("customers", []), back.get("customers", []), strict=True):
        for field in ("customer_number", "name", "address_line1", "address_line2", "city"):
            assert theirs.get(field) == mine.get(field), field


#: What the AvaTax exemption import template has no column for (docs/sources.md#import-templates).
_NOT_IN_AVATAX_TEMPLATE = ("id", "filename", "exempt_percentage")


@settings(max_examples=examples(60), deadline=None)
@given(_native)
def test_the_avatax_template_round_trip_loses_only_what_it_has_no_column_for(
    record: dict[str, Any],
) -> None:
    """native -> the exemption import template's rows -> the CSV reader: one row per issuing
    region and customer; back come the fields and every region and customer, and ``lost``
    names exactly the fields the template has no column for."""
    out = convert(record, to="avatax-csv")
    assert out.problem is None
    native = native_record(record)
    assert sorted(out.lost) == sorted(
        f"{k}: {native[k]!r}" for k in _NOT_IN_AVATAX_TEMPLATE if k in native
    )
    assert len(out.records) == len(native.get("regions") or [None]) * len(
        native.get("customers") or [None]
    )
    header = list(out.records[0])
    cells = [Record("t", [str(r[h]) for h in header], 0, 0) for r in out.records]
    rows = [rec.payload for rec in group_rows(cells, header_columns(header, "t"))]
    assert len(rows) == len(out.records)  # ECMS Cert ID blank: one certificate a row
    back = native_record(rows[0])
    for field in ("tax_id", "po_numbers", "effective_date", "expiration_date"):
        assert back.get(field) == native.get(field), field
    regions = [r for row in rows for r in native_record(row).get("regions", ())]
    assert list(dict.fromkeys(regions)) == native.get("regions", [])


def _from_rows(rows: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    header = list(rows[0])
    cells = [Record("t", [str(r[h]) for h in header], 0, 0) for r in rows]
    return next(rec.payload for rec in group_rows(cells, header_columns(header, "t")))


@settings(max_examples=examples(40), deadline=None)
@given(_customer, st.sampled_from(["native", "avatax", "certcapture"]), st.booleans())
def test_customer_records_round_trip(customer: dict[str, Any], to: str, bill: bool) -> None:
    """A customer record (with a record-only field) comes back but for what ``lost`` names."""
    record = {**customer, "is_bill": bill}
    out = convert(record, to=to)
    assert out.kind == "customer"
    assert out.lost == ()
    back = native_record(out.records[0])
    for field in ("customer_number", "name", "address_line1", "address_line2", "city",
                  "postal_code", "is_bill"):  # fmt: skip
        assert back.get(field) == native_record(record).get(field), field


def test_a_key_that_is_not_text_is_lost_never_raised() -> None:
    """A mapping with a key that isn't text (1, None) converts: the member is named in lost."""
    assert convert({"customerCode": "A1", "name": "A", 1: 2}, to="native").lost == ("1: 2",)
    payload = {"id": "C1", "exempt_reason": "G", "regions": ["US-WA"],
               "customers": [{"customer_number": "A1", None: "x"}]}  # fmt: skip
    for target in ("native", "avatax", "certcapture", "certcapture-csv"):
        assert "customers[0].None: 'x'" in convert(payload, to=target).lost


def test_one_customer_given_as_an_object_keeps_its_members() -> None:
    """``customers`` as one object is read as customers[0]: its documented members are
    carried as they are when it comes in a list."""
    customer = {"customer_number": "A1", "name": "X", "emailAddress": "a@b.c", "phoneNumber": "5"}
    base = {"id": "C1", "exempt_reason": "G", "regions": ["US-WA"]}
    alone = convert({**base, "customers": customer}, to="certcapture")
    listed = convert({**base, "customers": [customer]}, to="certcapture")
    assert alone.records == listed.records
    assert alone.records[0]["customers"][0]["email_address"] == "a@b.c"
    assert alone.lost == listed.lost == ()


def test_a_native_certificates_customers_by_code_are_carried() -> None:
    """``"customers": ["C-1001"]`` in a native certificate names its customers by code, as a
    native link does (before: 4003 and nothing converted). Each target gets them as it
    takes a customer by reference: AvaTax ``{"customerCode": ...}``, CertCapture and the
    templates the customer number; nothing is lost for them. An AvaTax body with customers
    as text is still refused (AvaTax takes customer objects only)."""
    record = {
        "id": "9",
        "exempt_reason": "RESALE",
        "regions": ["WA"],
        "effective_date": "2026-01-01",
        "customers": ["C-1001", "C-1002"],
    }
    assert 4003 not in validate(record).codes()
    avatax = convert(record, to="avatax")
    assert avatax.ok, avatax.problem
    assert avatax.records[0]["customers"] == [
        {"customerCode": "C-1001"},
        {"customerCode": "C-1002"},
    ]
    certcapture = convert(record, to="certcapture")
    assert certcapture.ok, certcapture.problem
    assert [c["customer_number"] for c in certcapture.records[0]["customers"]] == [
        "C-1001",
        "C-1002",
    ]
    rows = convert(record, to="certcapture-csv")
    assert rows.ok, rows.problem
    assert [r[CSV_HEADERS["customer_number"]] for r in rows.records] == ["C-1001", "C-1002"]
    template = convert(record, to="avatax-csv")
    assert [r["Customer Code"] for r in template.records] == ["C-1001", "C-1002"]
    assert not any(item.startswith("customers") for item in template.lost), template.lost
    body = {"exemptionReason": {"name": "RESALE"}, "exposureZone": {"name": "Washington"}}
    assert 4003 in validate({**body, "signedDate": "2026-01-01", "customers": ["C-1001"]}).codes()


def test_numbers_per_region_spread_over_avatax_bodies_are_not_lost() -> None:
    """A certificate split into one AvaTax body a zone gives each body its zone's number
    (``exemptionNumber`` from ``tax_id_for``): its ``tax_ids`` (and a ``tax_id`` some zone
    falls back on) are kept, not lost (before: ``tax_ids`` named lost). A number for a region
    the certificate doesn't list has no body: still lost."""
    record = {
        "id": "10",
        "exempt_reason": "RESALE",
        "regions": ["WA", "TX", "OR"],
        "effective_date": "2026-01-01",
        "tax_id": "93-1234567",
        "tax_ids": {"WA": "601234567", "TX": "12345678901"},
        "customers": [{"customer_number": "C-1"}],
    }
    result = convert(record, to="avatax")
    numbers = [(b["exposureZone"]["name"], b["exemptionNumber"]) for b in result.records]
    assert numbers == [
        ("Washington", "601234567"),
        ("Texas", "12345678901"),
        ("Oregon", "93-1234567"),
    ]
    assert result.lost == ()
    wa = {"WA": "601234567"}
    one = convert({**record, "regions": ["WA"], "tax_id": None, "tax_ids": wa}, to="avatax")
    assert one.records[0]["exemptionNumber"] == "601234567"
    assert not any(item.startswith("tax_id") for item in one.lost), one.lost
    stray = convert({**record, "tax_ids": {**record["tax_ids"], "NY": "123456"}}, to="avatax")
    assert any(item.startswith("tax_ids") for item in stray.lost)
