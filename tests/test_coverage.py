"""explain() decides a sale as AvaTax would (docs/sources.md#exemption-decision), and
coverage() says which exempt customers are covered in which regions."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpreflight import ExemptionMatrix, validate_batch
from certpreflight.coverage import CertificateIndex, coverage, explain, read_sale
from tests.conftest import AVATAX_CERTIFICATE, CERTCAPTURE_CERTIFICATE, cert, customer

TODAY = dt.date(2026, 11, 21)
#: The clean native certificate: C-1001, resale in WA, 2026-01-15 to 2030-01-15, id cert-1.
RECORDS = [cert()]


def sale(**changes: Any) -> dict[str, Any]:
    """A CreateTransactionModel of C-1001 shipped to Seattle, WA, with changes."""
    body: dict[str, Any] = {
        "type": "SalesInvoice",
        "companyCode": "DEFAULT",
        "code": "INV-1",
        "date": "2026-03-05",
        "customerCode": "C-1001",
        "addresses": {
            "shipFrom": {"line1": "2000 Main Street", "city": "Irvine", "region": "CA",
                         "country": "US", "postalCode": "92614"},
            "shipTo": {"line1": "100 Main St", "city": "Seattle", "region": "WA",
                       "country": "US", "postalCode": "98101"},
        },
        "lines": [{"number": "1", "amount": 100, "taxCode": "P0000000"}],
    }  # fmt: skip
    body.update(changes)
    return body


def ship_to(region: str, **more: Any) -> dict[str, Any]:
    return {"shipTo": {"region": region, "country": "US", **more}}


def codes(decision: Any) -> list[int]:
    return [f.code for f in decision.findings]


# --- a clean sale, and each documented cause ------------------------------------------------


def test_clean_sale_with_a_matching_certificate_is_exempt_with_its_id() -> None:
    """Same code, ship-to region on the certificate, date within its dates: exempt."""
    decision = explain(sale(), RECORDS)
    assert (decision.status, decision.certificate_id, codes(decision)) == ("exempt", "cert-1", [])
    assert decision.to_dict()["regions"] == ["WA"]


def test_no_certificate_for_the_customer_is_taxable_and_says_so() -> None:
    decision = explain(sale(customerCode="C-2002"), RECORDS)
    assert (decision.status, codes(decision)) == ("taxable", [6701])
    assert "C-2002" in decision.findings[0].message


@pytest.mark.parametrize("code", ["c-1001", " C-1001", "C-1001 "])
def test_code_differing_in_case_or_spaces_names_the_code_on_file(code: str) -> None:
    """AvaTax matches customer codes exactly: a near miss is taxed, and the fix names the code."""
    decision = explain(sale(customerCode=code), RECORDS)
    assert (decision.status, codes(decision)) == ("taxable", [6702])
    assert "'C-1001'" in decision.findings[0].fix


def test_ship_to_outside_the_certificates_regions_names_the_regions_on_file() -> None:
    decision = explain(sale(addresses=ship_to("ID")), RECORDS)
    assert (decision.status, codes(decision)) == ("taxable", [3701])
    assert "covers ID" in decision.findings[0].message
    assert "cover WA" in decision.findings[0].message


def test_sale_before_the_effective_date_names_the_dates() -> None:
    decision = explain(sale(date="2026-01-10"), RECORDS)
    assert (decision.status, codes(decision)) == ("taxable", [5701])
    message = decision.findings[0].message
    assert "2026-01-10" in message
    assert "2026-01-15" in message


def test_sale_after_the_expiration_names_the_dates() -> None:
    decision = explain(sale(date="2030-02-01"), RECORDS)
    assert (decision.status, codes(decision)) == ("taxable", [5702])
    assert "2030-01-15" in decision.findings[0].message


def test_single_use_certificate_applies_to_its_po_only() -> None:
    records = [cert(single_use=True, po_numbers=["PO-77"])]
    assert explain(sale(purchaseOrderNo="PO-77"), records).status == "exempt"
    decision = explain(sale(purchaseOrderNo="PO-78"), records)
    assert (decision.status, codes(decision)) == ("taxable", [2701])
    assert "PO-77" in decision.findings[0].message
    assert codes(explain(sale(), records)) == [2701]  # no PO on the sale


def test_a_certificate_that_would_not_sync_names_the_finding_that_holds_it() -> None:
    """Resale isn't exempt in Oregon (no sales tax), so this WA + OR certificate fails the sync
    (3101) and never reaches AvaTax: the WA sale is taxed."""
    records = [cert(regions=["WA", "OR"])]
    report = validate_batch(records).reports[0]
    assert not report.ok
    decision = explain(sale(), records)
    assert (decision.status, codes(decision)) == ("taxable", [5703])
    assert str(report.errors[0].code) in decision.findings[0].message


def test_customer_errors_carried_by_the_join_keep_the_certificate_from_syncing() -> None:
    """A certificate linking, by code, a customer record without an address gets that
    customer's error (the History tab), so it would not sync."""
    records = [
        {**AVATAX_CERTIFICATE, "customers": [{"customerCode": "C-1001"}]},
        {"customerCode": "C-1001", "name": "Acme", "line1": "", "city": "Seattle",
         "region": "WA", "postalCode": "98101", "country": "US"},
    ]  # fmt: skip
    decision = explain(sale(), records)
    assert (decision.status, codes(decision)) == ("taxable", [5703])
    assert "2102" in decision.findings[0].message


def test_a_certificate_marked_invalid_exempts_nothing() -> None:
    decision = explain(sale(), [cert(valid=False)])
    assert (decision.status, codes(decision)) == ("taxable", [5704])


def test_a_certificate_created_after_the_invoice_date_is_a_warning() -> None:
    """The sale is exempt now, but one calculated before the certificate existed was taxed."""
    records = [{**AVATAX_CERTIFICATE, "createdDate": "2026-03-10T08:00:00.1234567Z"}]
    decision = explain(sale(), records)
    assert (decision.status, decision.certificate_id, codes(decision)) == ("exempt", "77", [5705])
    assert "2026-03-10" in decision.findings[0].message
    assert codes(explain(sale(date="2026-03-11"), records)) == []


def test_of_two_matching_certificates_the_one_on_file_before_the_sale_applies() -> None:
    """Both cover WA; the one added after the sale ranks last whatever its id or effective
    date, and its 5705 is no risk to a sale the other one exempts."""
    on_file = {**AVATAX_CERTIFICATE, "id": 90, "createdDate": "2026-01-10T00:00:00"}
    late = {**AVATAX_CERTIFICATE, "id": 12, "createdDate": "2026-03-10T00:00:00",
            "effectiveDate": "2026-03-01"}  # fmt: skip
    for records in ([late, on_file], [on_file, late]):
        decision = explain(sale(), records)
        assert (decision.status, decision.certificate_id, codes(decision)) == (
            "exempt",
            "90",
            [5707],
        )
        assert "added after it" in decision.findings[0].message
    both_late = [late, {**on_file, "createdDate": "2026-03-09T00:00:00"}]
    decision = explain(sale(), both_late)
    assert (decision.certificate_id, codes(decision)) == ("12", [5705, 5707])  # latest effective


def test_exemption_number_without_a_certificate_is_exempt_with_an_audit_risk() -> None:
    decision = explain(sale(customerCode="C-9", exemptionNo="GTX1080"), RECORDS)
    assert (decision.status, decision.certificate_id, codes(decision)) == ("exempt", None, [6703])
    assert "GTX1080" in decision.findings[0].message


def test_entity_use_code_exempts_where_its_reason_is_exempt(small_matrix: ExemptionMatrix) -> None:
    ok = explain(sale(customerCode="C-9", entityUseCode="G"), RECORDS, matrix=small_matrix)
    assert (ok.status, codes(ok)) == ("exempt", [6703])
    taxed = explain(
        sale(customerCode="C-9", entityUseCode="G", addresses=ship_to("NH")),
        RECORDS,
        matrix=small_matrix,
    )
    assert (taxed.status, codes(taxed)) == ("taxable", [3702])


def test_taxable_entity_use_code_forces_tax_over_a_certificate() -> None:
    decision = explain(sale(entityUseCode="TAXABLE"), RECORDS)
    assert (decision.status, decision.certificate_id, codes(decision)) == ("taxable", None, [3702])


def test_a_certificate_under_100_percent_is_partial() -> None:
    decision = explain(sale(), [cert(exempt_percentage=50)])
    assert (decision.status, decision.certificate_id, codes(decision)) == (
        "partial",
        "cert-1",
        [5706],
    )
    assert "50%" in decision.findings[0].message


# --- several certificates ----------------------------------------------------------------------


def test_of_several_certificates_the_one_valid_on_the_date_applies() -> None:
    """An expired one and its renewal: the renewal applies, the expired one is named."""
    records = [
        cert(id="old", effective_date="2024-01-01", expiration_date="2025-12-31"),
        cert(id="new", effective_date="2026-01-01", expiration_date="2029-12-31"),
    ]
    decision = explain(sale(), records)
    assert (decision.status, decision.certificate_id) == ("exempt", "new")
    assert codes(decision) == [5702]  # why "old" doesn't
    before = explain(sale(date="2025-06-01"), records)
    assert (before.status, before.certificate_id) == ("exempt", "old")


def test_several_applicable_certificates_say_which_and_why() -> None:
    records = [cert(id="a", effective_date="2026-01-01"), cert(id="b", effective_date="2026-02-01")]
    decision = explain(sale(), records)
    assert (decision.status, decision.certificate_id, codes(decision)) == ("exempt", "b", [5707])
    assert "b applies (it took effect last, on 2026-02-01); also matching: a" in (
        decision.findings[0].message
    )
    half = cert(id="half", effective_date="2026-02-15", exempt_percentage=50)
    decision = explain(sale(), [*records, half])
    assert decision.certificate_id == "b"  # a full exemption before a later partial one
    assert "it exempts 100%, more than the others" in decision.findings[0].message
    alike = explain(sale(), [cert(id="y"), cert(id="x")])
    assert alike.certificate_id == "x"
    assert "alike" in alike.findings[0].message


def test_the_index_is_built_once_for_many_sales() -> None:
    index = CertificateIndex.of(RECORDS)
    assert [explain(sale(date=d), index).status for d in ("2026-03-05", "2031-01-01")] == [
        "exempt",
        "taxable",
    ]


# --- every dialect of the records --------------------------------------------------------------


@pytest.mark.parametrize(
    "records",
    [
        [cert()],
        [AVATAX_CERTIFICATE],
        [CERTCAPTURE_CERTIFICATE],
        [  # AvaTax's separate calls: a customer, a certificate without customers, a link
            {"customerCode": "C-1001", "name": "Acme", "line1": "100 Main St", "city": "Seattle",
             "region": "WA", "postalCode": "98101", "country": "US"},
            {**AVATAX_CERTIFICATE, "customers": []},
            {"certificate_id": "77", "customers": ["C-1001"]},
        ],
        [  # JSON text, customers by code
            json.dumps({**AVATAX_CERTIFICATE, "customers": [{"customerCode": "C-1001"}]})
        ],
    ],
    ids=["native", "avatax", "certcapture", "avatax-calls", "json-text"],
)  # fmt: skip
def test_every_dialect_of_the_records_exempts_the_sale(records: list[Any]) -> None:
    decision = explain(sale(), records)
    assert decision.status == "exempt", decision.findings
    assert decision.certificate_id is not None


def test_unreadable_records_never_raise_and_exempt_nothing() -> None:
    index = CertificateIndex.of(["{not json", 42, {"id": "x", "regions": 7}])
    assert explain(sale(), index).status == "taxable"


# --- the shapes of a transaction ---------------------------------------------------------------


def test_single_location_is_where_tax_is_calculated() -> None:
    assert explain(sale(addresses={"singleLocation": {"region": "WA", "country": "US"}}),
                   RECORDS).status == "exempt"  # fmt: skip
    away = {"singleLocation": {"region": "ID", "country": "US"}, "shipTo": {"region": "WA"}}
    assert explain(sale(addresses=away), RECORDS).status == "taxable"


def test_line_level_addresses_decide_each_line() -> None:
    lines = [
        {"number": "1", "amount": 40},
        {"number": "2", "amount": 60, "addresses": ship_to("ID")},
    ]
    decision = explain(sale(lines=lines), RECORDS)
    assert (decision.status, decision.certificate_id, codes(decision)) == (
        "partial",
        "cert-1",
        [3701],
    )
    assert decision.findings[0].loc == ("lines", "2")
    assert decision.regions == ("US-WA", "US-ID")


def test_a_zip_alone_is_read_to_its_state() -> None:
    shipped = {"shipTo": {"line1": "100 Main St", "postalCode": "98101", "country": "US"}}
    assert explain(sale(addresses=shipped), RECORDS).status == "exempt"


def test_keys_in_any_case_and_the_native_form_read_alike() -> None:
    """AvaTax reads JSON keys in any case (its blog writes ``exemptionno``)."""
    lower = {"customercode": "C-9", "date": "2026-03-05", "exemptionno": "GTX1080",
             "addresses": {"shipto": {"region": "WA", "country": "US"}}}  # fmt: skip
    assert codes(explain(lower, RECORDS)) == [6703]
    native = {"customer_code": "C-1001", "date": "2026-03-05", "region": "WA", "country": "US"}
    assert explain(native, RECORDS).certificate_id == "cert-1"


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ("{oops", "not valid JSON"),
        ([1, 2], "not a JSON object"),
        ({"date": "2026-03-05"}, "no customer code"),
        ({"customerCode": "C-1001", "date": "Monday"}, "no document date"),
        ({"customerCode": "C-1001", "date": "2026-03-05"}, "no region"),
    ],
)
def test_a_transaction_that_cant_be_read_is_taxable_with_4701(payload: Any, problem: str) -> None:
    decision = explain(payload, RECORDS)
    assert (decision.status, codes(decision)) == ("taxable", [4701])
    assert problem in decision.findings[0].message
    assert isinstance(read_sale(payload), str)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "customerCode": st.sampled_from(["C-1001", "c-1001", "C-9", ""]) | JSONISH,
        "date": st.sampled_from(["2026-03-05", "2024-01-01", "2031-01-01", "03/05/2026"]) | JSONISH,
        "addresses": st.fixed_dictionaries(
            {},
            optional={
                "shipTo": st.fixed_dictionaries(
                    {}, optional={"region": st.sampled_from(["WA", "ID", "Ontario"]) | JSONISH}
                ),
                "singleLocation": JSONISH,
            },
        )
        | JSONISH,
        "purchaseOrderNo": st.sampled_from(["PO-77", ""]) | JSONISH,
        "entityUseCode": st.sampled_from(["G", "TAXABLE", "ZZ"]) | JSONISH,
        "exemptionNo": st.sampled_from(["GTX1080", ""]) | JSONISH,
        "lines": st.lists(
            st.fixed_dictionaries({}, optional={"amount": JSONISH, "addresses": JSONISH}),
            max_size=3,
        )
        | JSONISH,
    },
)
HYPOTHESIS_RECORDS = [cert(), cert(id="po", single_use=True, po_numbers=["PO-77"])]
HYPOTHESIS_INDEX = CertificateIndex.of(HYPOTHESIS_RECORDS, today=TODAY)


@settings(max_examples=300, deadline=None)
@given(FIELDS | JSONISH)
def test_explain_never_raises(payload: Any) -> None:
    """Whatever the transaction holds, explain returns a decision with a known status."""
    decision = explain(payload, HYPOTHESIS_INDEX)
    assert decision.status in ("exempt", "partial", "taxable")
    if decision.status == "taxable":  # exempt may have none: an exemptionNo, a use code
        assert decision.certificate_id is None
    json.dumps(decision.to_dict())


# --- coverage -----------------------------------------------------------------------------------


def test_coverage_statuses() -> None:
    records = [
        cert(id="wa", customers=[customer(customer_number="A")]),
        cert(id="tx", regions=["TX"], expiration_date="2026-12-01",
             customers=[customer(customer_number="A", region="TX", city="Austin",
                                 postal_code="78701")]),
        cert(id="oh", regions=["OH"], expiration_date="2026-06-01",
             customers=[customer(customer_number="A")]),
        cert(id="il", regions=["IL"], valid=False, customers=[customer(customer_number="A")]),
        {"customerCode": "A", "name": "A", "line1": "1 St", "city": "Boise", "region": "ID",
         "postalCode": "83702", "country": "US", "exposureZones": [{"name": "Oregon"}]},
    ]  # fmt: skip
    index = CertificateIndex.of(records, today=TODAY)
    found = {(c.region, c.status, c.certificate_id) for c in coverage(index, today=TODAY)}
    assert found == {
        ("US-WA", "covered", "wa"),
        ("US-TX", "expiring", "tx"),
        ("US-OH", "expired", "oh"),
        ("US-IL", "invalid", "il"),
        ("US-ID", "missing", None),  # its own address; Oregon has no sales tax
    }
    nexus = coverage(index, today=TODAY, nexus=["WA", "Texas"], shipped={"A": ["US-NV"]})
    assert [(c.region, c.status) for c in nexus] == [("US-TX", "expiring"), ("US-WA", "covered")]
    assert [c.to_dict()["region"] for c in nexus] == ["TX", "WA"]


def test_coverage_leaves_out_customers_without_certificates_unless_they_claim() -> None:
    records = [{"customerCode": "T", "name": "T", "line1": "1 St", "city": "Seattle",
                "region": "WA", "postalCode": "98101", "country": "US"}]  # fmt: skip
    index = CertificateIndex.of(records)
    assert coverage(index, today=TODAY) == []
    assert [c.status for c in coverage(index, today=TODAY, claimed=["T"])] == ["missing"]


# --- duplicates and overlaps (6507) ----------------------------------------------------------


def test_overlapping_certificate_for_the_same_customer_region_reason_is_6507() -> None:
    records = [
        cert(id="first"),
        cert(id="copy"),
        cert(id="later", effective_date="2030-02-01", expiration_date="2033-01-01"),
        cert(id="other-reason", exempt_reason="F"),
        cert(id="first"),  # the same id again: one record sent twice, not a second certificate
    ]
    reports = validate_batch(records, today=TODAY).reports
    found = [[f for f in r.findings if f.code == 6507] for r in reports]
    assert [len(f) for f in found] == [0, 1, 0, 0, 0]
    (finding,) = found[1]
    assert "copy repeats certificate first" in finding.message
    assert "2026-01-15 to 2030-01-15" in finding.message
    assert finding.fix.startswith("Keep first")
    assert finding.customer_number == "C-1001"


def test_single_use_certificates_for_different_pos_are_not_6507() -> None:
    """A single-use certificate covers one purchase order: two of them for P1 and P2 are two
    sales exempted, not a copy (dropping one would tax P2's sale); for the same PO, a copy."""
    records = [
        cert(id="A", single_use=True, po_numbers=["P1"]),
        cert(id="B", single_use=True, po_numbers=["P2"]),
        cert(id="C", single_use=True, po_numbers=["P1"]),
        cert(id="blanket"),
    ]
    reports = validate_batch(records, today=TODAY).reports
    found = [[f.message for f in r.findings if f.code == 6507] for r in reports]
    assert [len(f) for f in found] == [0, 0, 1, 0]
    assert "C repeats certificate A" in found[2][0]


def test_6507_keeps_the_one_valid_longer() -> None:
    records = [cert(id="short", expiration_date="2027-01-15"), cert(id="long")]
    (finding,) = [f for f in validate_batch(records).reports[1].findings if f.code == 6507]
    assert finding.fix.startswith("Keep long (the one valid longer)")


def test_6507_waits_for_a_certificate_with_errors_of_its_own() -> None:
    """A copy that won't sync as it is (a customer without a name) gets its errors, not 6507."""
    records = [cert(id="first"), cert(id="broken", customers=[customer(name="")])]
    codes_found = [f.code for f in validate_batch(records).reports[1].findings]
    assert 2101 in codes_found
    assert 6507 not in codes_found


@pytest.mark.parametrize("amount", [1e400, "1e400", "nan", "-inf", 10**400])
def test_an_amount_that_is_no_finite_number_is_no_amount(amount: Any) -> None:
    """A line amount of 1e400 (JSON reads it as infinity), "nan" or an int too big for a
    float is no amount: the JSON report never writes Infinity or NaN."""
    read = read_sale(sale(lines=[{"number": "1", "amount": amount}]))
    assert not isinstance(read, str)
    assert [part.amount for part in read.parts] == [None]
