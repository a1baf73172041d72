"""Record kinds: customers, certificates and links as integrations send them, and batches.

The payloads are written after the public AvaTax developer guide (chapter 8.2, exemption
certificates), the AvaTax REST v2 API reference (CustomerModel, CertificateModel,
LinkCustomersModel) and the CertCapture v2 API (customers and certificates).
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import assume, settings
from hypothesis import given as given_examples
from hypothesis import strategies as st

from certpreflight import (
    CATALOGUE,
    Customer,
    CustomerRecord,
    Link,
    convert,
    validate,
    validate_batch,
    validate_many,
)
from certpreflight.dialects import detect_kind
from tests.conftest import DEV_GUIDE_CUSTOMER, examples

TODAY = dt.date(2026, 12, 1)

#: AvaTax CreateCustomers item, as in the developer guide's example body.
AVATAX_CUSTOMER = DEV_GUIDE_CUSTOMER
#: AvaTax CreateCertificates item linking its customer by code only (developer guide).
AVATAX_CERTIFICATE = {
    "signedDate": "2026-02-01",
    "expirationDate": "2029-12-31",
    "filename": "exemptCert.pdf",
    "valid": True,
    "exemptPercentage": 100,
    "isSingleCertificate": False,
    "exemptionReason": {"name": "RESALE"},
    "exemptionNumber": "601234567",
    "customers": [{"companyId": 12345, "customerCode": "RESELLER"}],
    "exposureZone": {"name": "Washington"},
}
#: LinkCustomersToCertificate body (LinkCustomersModel).
AVATAX_LINK = {"customers": ["RESELLER"]}
#: CertCapture v2 POST /v2/customers (state and country as reference objects).
CERTCAPTURE_CUSTOMER = {
    "customer_number": "C-2001",
    "name": "Beta Wholesale",
    "address_line1": "1 Market St",
    "city": "Columbus",
    "zip": "43004",
    "state": {"initials": "OH"},
    "country": {"initials": "US"},
    "email_address": "ap@beta.example",
}
NATIVE_LINK = {"certificate_id": "42", "customers": ["RESELLER", "C-2001"]}


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (AVATAX_CUSTOMER, "customer"),
        (AVATAX_CERTIFICATE, "certificate"),
        (AVATAX_LINK, "link"),
        (CERTCAPTURE_CUSTOMER, "customer"),
        (NATIVE_LINK, "link"),
        ({"exempt_reason": "G", "customers": [{"customer_number": "C1"}]}, "certificate"),
        ({"customers": [{"customer_number": "C1", "name": "Acme"}]}, "certificate"),
        ({"customers": [{"customerCode": "X"}, "Y"]}, "link"),
        ({}, None),
        ({"id": "42"}, None),
        ({"notes": "resale"}, None),
        ({"customers": [1.5]}, None),
    ],
)
def test_the_kind_is_detected_from_the_keys(payload: dict[str, Any], kind: str | None) -> None:
    """Each kind, in each dialect, is told by its keys; a record of no kind is 4030."""
    assert detect_kind(payload) == kind
    for given in (payload, json.dumps(payload), json.dumps(payload).encode()):
        report = validate(given, today=TODAY)
        assert report.kind == kind
        assert (4030 in report.codes()) == (kind is None)


@pytest.mark.parametrize(
    "payload", [AVATAX_CUSTOMER, CERTCAPTURE_CUSTOMER, AVATAX_LINK, NATIVE_LINK]
)
@pytest.mark.parametrize("profile", ["certcapture", "avatax"])
def test_clean_records_of_every_kind_are_clean(payload: dict[str, Any], profile: str) -> None:
    """The public examples of customers and links give no finding."""
    report = validate(payload, today=TODAY, profile=profile)
    assert report.findings == ()
    assert report.ok


def test_a_certificate_linking_its_customer_by_code_has_no_customer_findings() -> None:
    """A customer referenced by code is a link, not an empty record (developer guide 8.2.5)."""
    report = validate(AVATAX_CERTIFICATE, today=TODAY)
    assert not {2101, 2102, 2105, 2106, 2107, 2108} & set(report.codes())
    assert report.ok
    half = {**AVATAX_CERTIFICATE, "customers": [{"customerCode": "RESELLER", "name": ""}]}
    assert 2101 in validate(half, today=TODAY).codes()  # more than a code: a record


def test_a_certificate_without_customers_is_a_warning() -> None:
    """Created first and linked later: 2001 warns, the certificate is ok."""
    report = validate({**AVATAX_CERTIFICATE, "customers": []}, today=TODAY)
    assert 2001 in report.codes()
    assert report.ok


def test_a_customer_record_gets_the_customer_rules_with_its_own_locs() -> None:
    """Same codes and messages as an embedded customer; loc without ("customers", i)."""
    empty = {**AVATAX_CUSTOMER, "name": "", "line1": "", "city": " ", "postalCode": ""}
    report = validate(empty, today=TODAY)
    assert report.kind == "customer"
    assert report.customer_number == "RESELLER"
    assert report.record_id == "RESELLER"
    assert report.codes() == (2101, 2102, 2105, 2107)
    by_code = {f.code: f for f in report.findings}
    assert by_code[2102].loc == ("address_line1",)
    assert by_code[2102].errors == {"address_line1": "empty value"}
    assert by_code[2102].message == "The certificate customer(RESELLER) doesn't contain an address."
    assert by_code[2102].customer_number == "RESELLER"
    embedded = validate(
        {"exempt_reason": "G", "regions": ["WA"], "customers": [empty]}, today=TODAY
    )
    assert {f.message for f in embedded.findings if f.code == 2102} == {by_code[2102].message}


def test_avatax_customer_limits() -> None:
    """With profile avatax, a region that is not a code is 2120; bill-to and ship-to 2121."""
    named = {**AVATAX_CUSTOMER, "region": "California", "postalCode": "90001"}
    assert 2120 not in validate(named, today=TODAY).codes()
    found = validate(named, today=TODAY, profile="avatax")
    assert 2120 in found.codes()
    assert "as its code CA" in next(f.fix for f in found.findings if f.code == 2120)
    both = {**AVATAX_CUSTOMER, "isBill": True, "isShip": True}
    assert validate(both, today=TODAY).codes() == (2121,)
    assert validate({**AVATAX_CUSTOMER, "isBill": True}, today=TODAY).codes() == ()


def test_certcapture_empty_objects() -> None:
    """An empty exposure zone is CertCapture's 20009 (2122); an empty state object 2123."""
    zones = {**CERTCAPTURE_CUSTOMER, "exposure_zones": [{"name": "Ohio"}, {}]}
    report = validate(zones, today=TODAY)
    assert report.codes() == (2122,)
    assert report.findings[0].loc == ("exposure_zones", 1)
    state = {**CERTCAPTURE_CUSTOMER, "state": {}}
    assert validate(state, today=TODAY).codes() == (2106, 2123)


def test_a_ship_to_zone_by_id_is_no_empty_zone() -> None:
    """A ship-to zone given by its id only ({"id": 117}, as CertCapture and AvaTax take an
    exposure zone) names a zone certpreflight can't judge: no 2122 (before: an error, the id
    read as nothing), and ``convert`` sends it back by id."""
    for record in (
        {**CERTCAPTURE_CUSTOMER, "exposure_zones": [{"id": 117}]},
        {**AVATAX_CUSTOMER, "exposureZones": [{"id": 117}]},
    ):
        report = validate(record, today=TODAY)
        assert report.kind == "customer"
        assert 2122 not in report.codes()
        assert all(f.severity.value == "info" for f in report.findings), report.codes()
        result = convert(record, to="avatax")
        assert result.records[0]["exposureZones"] == [{"id": 117}]
        assert not result.lost
    still_empty = {**CERTCAPTURE_CUSTOMER, "exposure_zones": [{"id": ""}]}
    assert validate(still_empty, today=TODAY).codes() == (2122,)


def test_a_link_is_checked_for_its_codes() -> None:
    """A link's codes get the customer-code rules; an empty link is 2130."""
    assert validate({"customers": []}, kind="link", today=TODAY).codes() == (2130,)
    report = validate({"customers": [" RESELLER", {"customerCode": "X"}]}, today=TODAY)
    assert report.kind == "link"
    assert report.codes() == (6103,)
    assert report.findings[0].loc == ("customers", 0)


def test_the_kind_can_be_given() -> None:
    """kind= skips detection; an unknown kind is a programming error."""
    report = validate({"id": "42"}, kind="certificate", today=TODAY)
    assert report.kind == "certificate"
    assert 4030 not in report.codes()
    assert validate(AVATAX_CUSTOMER, kind="customer", today=TODAY).kind == "customer"
    with pytest.raises(ValueError, match="unknown record kind"):
        validate({}, kind="invoice")
    reports = validate_many([AVATAX_CUSTOMER, AVATAX_CERTIFICATE, AVATAX_LINK], today=TODAY)
    assert [r.kind for r in reports] == ["customer", "certificate", "link"]


def test_models_are_their_kind() -> None:
    """A Customer or Link model is read as its kind; bad records never raise."""
    assert validate(Customer(customer_number="C1", name="A"), today=TODAY).kind == "customer"
    assert validate(Link(customers=("A",)), today=TODAY).kind == "link"
    assert validate(CustomerRecord(customer_number="C1"), today=TODAY).kind == "customer"
    bad = validate({"customerCode": ["not", "text"], "name": 5}, today=TODAY)
    assert bad.kind == "customer"
    assert 4003 in bad.codes()
    assert validate([1, 2], kind="customer", today=TODAY).codes() == (4002,)


# --- batches --------------------------------------------------------------------------------------


def test_a_batch_carries_customer_findings_to_the_certificates_linking_them() -> None:
    """In any order: the certificate linking RESELLER by code shows RESELLER's problems."""
    broken = {**AVATAX_CUSTOMER, "line1": ""}
    for records in ([AVATAX_CERTIFICATE, broken], [broken, AVATAX_CERTIFICATE]):
        batch = validate_batch(records, today=TODAY)
        cert = next(r for r in batch.reports if r.kind == "certificate")
        carried = [f for f in cert.findings if f.code == 2102]
        assert len(carried) == 1
        assert carried[0].customer_number == "RESELLER"
        assert carried[0].loc == ("customers", 0, "address_line1")
        assert carried[0] in batch.findings
        assert batch.counts() == {"certificate": 1, "customer": 1}


def test_a_link_record_carries_findings_to_its_certificate() -> None:
    """A link naming certificate 42 puts its customers' problems on certificate 42."""
    cert = {**AVATAX_CERTIFICATE, "id": 42, "customers": []}
    broken = {**CERTCAPTURE_CUSTOMER, "city": ""}
    batch = validate_batch([NATIVE_LINK, broken, cert, AVATAX_CUSTOMER], today=TODAY)
    link, _, certificate, _ = batch.reports
    assert [f.code for f in certificate.findings if f.code == 2105] == [2105]
    moved = next(f for f in certificate.findings if f.code == 2105)
    assert moved.loc == ("linked_customers", "C-2001", "city")
    assert link.codes() == ()


def test_unknown_links_warn_or_say_not_checked() -> None:
    """A code no record has is 6501; with no customer records at all, 6502 (info)."""
    alone = validate_batch([AVATAX_CERTIFICATE], today=TODAY)
    assert 6502 in alone.reports[0].codes()
    assert alone.ok
    other = {**AVATAX_CUSTOMER, "customerCode": "SOMEONE"}
    batch = validate_batch([AVATAX_CERTIFICATE, other], today=TODAY)
    assert 6501 in batch.reports[0].codes()
    known = validate_batch([AVATAX_CERTIFICATE], known_customers=["RESELLER"], today=TODAY)
    assert known.reports[0].codes() == validate(AVATAX_CERTIFICATE, today=TODAY).codes()


def test_duplicate_and_variant_codes() -> None:
    """Two records with one code are 6503; codes equal but for case or spaces 6504."""
    batch = validate_batch([AVATAX_CUSTOMER, AVATAX_CUSTOMER], today=TODAY)
    assert batch.reports[1].codes() == (6503,)
    assert not batch.ok
    variant = {**AVATAX_CUSTOMER, "customerCode": "reseller "}
    batch = validate_batch([AVATAX_CUSTOMER, variant, AVATAX_LINK], today=TODAY)
    assert 6504 in batch.reports[1].codes()
    lower = validate_batch([AVATAX_CUSTOMER, {"customers": ["reseller"]}], today=TODAY)
    assert lower.reports[1].codes() == (6504,)
    assert lower.reports[1].findings[0].loc == ("customers", 0)


def test_known_codes_that_differ_in_case_give_one_answer_whatever_the_hash_seed() -> None:
    """A customer whose code AvaTax holds exactly is no variant of another known code, and
    a new code is named a variant (6505: of a code AvaTax holds) of the same known code in
    every process (the known codes are walked in one order, not the set's)."""
    script = (
        "from certpreflight import validate_batch;"
        "from tests.conftest import DEV_GUIDE_CUSTOMER as C;"
        "known = [' RESELLER', 'reseller', 'Reseller'];"
        "b = validate_batch([{**C, 'customerCode': c} for c in ('reseller', 'RESELLER ')],"
        " known_customers=known);"
        "print([[(f.code, f.message) for f in r.findings if f.code in (6504, 6505)]"
        " for r in b.reports])"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert len(seen) == 1
    exact, variant = ast.literal_eval(seen.pop())
    assert exact == []  # 'reseller' is known exactly
    assert [code for code, _ in variant] == [6505]
    assert "matches customer ' RESELLER', which AvaTax holds, only" in variant[0][1]


def test_batch_findings_follow_select_and_ignore() -> None:
    """The join findings are rules like any other: ignored, they are not made."""
    batch = validate_batch([AVATAX_CUSTOMER, AVATAX_CUSTOMER], ignore=["6503"], today=TODAY)
    assert batch.findings == ()
    assert batch.reports[1].codes() == ()


def test_an_avatax_zone_named_by_its_code_warns_with_the_zones_name() -> None:
    """AvaTax matches exposure zones by name: {"name": "WA"} is 3005, whose fix names
    Washington, as a dict and as JSON text; a full name, and ignore=3005, are silent."""
    coded = {**AVATAX_CERTIFICATE, "exposureZone": {"name": "WA"}}
    for payload in (coded, json.dumps(coded), json.dumps(coded).encode()):
        [finding] = [f for f in validate(payload, today=TODAY).findings if f.code == 3005]
        assert finding.severity.value == "warning"
        assert finding.loc == ("regions", 0)
        assert '"Washington"' in finding.fix
    assert 3005 not in validate(AVATAX_CERTIFICATE, today=TODAY).codes()
    assert 3005 not in validate(coded, today=TODAY, ignore=["3005"]).codes()
    several = {**AVATAX_CERTIFICATE, "exposureZone": None}
    several["exposureZones"] = [{"name": "Ohio"}, {"name": "TX"}]
    [finding] = [f for f in validate(several, today=TODAY).findings if f.code == 3005]
    assert finding.loc == ("regions", 1)


_RECORD_ONLY = {r.code for r in CATALOGUE if "certificate" not in r.kinds}

#: Customer field values: real ones, values at the rules' edges (blank, untrimmed, one over a
#: length limit), and anything at all.
_VALUE = st.one_of(
    st.none(),
    st.sampled_from(
        [
            *("WA", "wa", " WA", "Washington", "NH", "ON", "US", "USA", "CAN", "MX"),
            *("Cook County", "C-1001", "C 1001", "C-1001 ", "Acme Supply", "98101", "0210"),
            *("K1A 0B1", "H2X1Y4", "x" * 11, "x" * 51, "x" * 101, "\u00a0X", "", " ", "\t"),
        ]
    ),
    st.text(max_size=12),
    st.text(min_size=45, max_size=110),
)
_FIELDS = ("customer_number", "name", "address_line1", "address_line2", "address_line3")
_customers = st.fixed_dictionaries(
    {}, optional=dict.fromkeys((*_FIELDS, "city", "region", "postal_code", "country"), _VALUE)
)


@settings(max_examples=examples(200))
@given_examples(customer=_customers)
def test_a_customer_record_reports_what_a_certificate_holding_it_reports_in_it(
    customer: dict[str, Any],
) -> None:
    """A customer record's findings are those a certificate holding it reports in its
    customer, with the record's own locs; the rules only for records aside."""
    assume(not Customer.model_validate(customer).is_reference)  # a code only: a link there
    record = validate(customer, today=TODAY, kind="customer")
    holder = validate({"id": "H", "customers": [customer]}, today=TODAY, kind="certificate")
    expected = sorted(
        (f.code, f.loc[2:])
        for f in holder.findings
        if f.loc[:2] == ("customers", 0) and len(f.loc) > 2
    )
    found = sorted((f.code, f.loc) for f in record.findings if f.code not in _RECORD_ONLY)
    assert found == expected


def test_a_batch_ignores_what_an_iterator_names() -> None:
    """ignore= given as an iterator leaves out the join's findings as a list does (the
    selectors are read for the checks and again for the join's rules)."""
    records = [{"customers": ["NOPE"], "certificate_id": "42"}]
    for ignore in (["6501", "6502"], iter(["6501", "6502"])):
        batch = validate_batch(records, today=TODAY, ignore=ignore)
        assert [f.code for r in batch.reports for f in r.findings] == []


def test_links_join_in_any_order_and_number() -> None:
    """Each link naming certificate 42, before or after it, puts its customers' problems
    on 42 in link order (a blank code is the link's own 6101, no customer to join); a link
    naming no certificate of the batch keeps them; a certificate linking a blank code is
    joined like any code (6502: the batch has no customer records)."""
    cert = {**AVATAX_CERTIFICATE, "id": 42, "customers": []}
    first = {**AVATAX_CUSTOMER, "city": ""}
    second = {**CERTCAPTURE_CUSTOMER, "city": ""}
    links = [{"certificate_id": "42", "customers": ["", code]} for code in ("C-2001", "RESELLER")]
    for records in ([cert, *links, first, second], [links[0], first, second, cert, links[1]]):
        batch = validate_batch(records, today=TODAY)
        [certificate] = [r for r in batch.reports if r.kind == "certificate"]
        moved = [f.loc for f in certificate.findings if f.code == 2105]
        assert moved == [
            ("linked_customers", "C-2001", "city"),
            ("linked_customers", "RESELLER", "city"),
        ]
        assert 2001 not in certificate.codes()
        assert [r.codes() for r in batch.reports if r.kind == "link"] == [(6101,), (6101,)]
        assert batch.findings == tuple(
            f for f in certificate.findings if f.loc[0] == "linked_customers"
        )
    elsewhere = validate_batch(
        [first, {"certificate_id": "7", "customers": ["RESELLER"]}], today=TODAY
    )
    assert [f.loc for f in elsewhere.reports[1].findings if f.code == 2105] == [
        ("customers", 0, "city")
    ]
    blank = validate_batch(
        [{**AVATAX_CERTIFICATE, "customers": [{"customerCode": ""}]}], today=TODAY
    )
    assert [f.loc for f in blank.findings] == [("customers", 0)]
    assert blank.findings[0].code == 6502


#: A CreateTransactionModel as the AvaTax developer guide sends one (its lines, document
#: type, date and customer code), and one without lines (a header only).
SALE = {
    "type": "SalesInvoice",
    "companyCode": "DEFAULT",
    "code": "INV-1",
    "date": "2026-03-05",
    "customerCode": "C-1001",
    "purchaseOrderNo": "PO-1",
    "addresses": {"shipTo": {"region": "WA", "country": "US"}},
    "lines": [{"number": "1", "amount": 100}],
}


@pytest.mark.parametrize(
    "sale", [SALE, {k: v for k, v in SALE.items() if k not in ("lines", "companyCode")}]
)
def test_a_transaction_is_no_customer(sale: dict[str, Any]) -> None:
    """A sale carries a customer code but is no customer: 4030, saying it looks like a
    transaction and which command reads those; a customer with one stray key stays one."""
    assert detect_kind(sale) is None
    report = validate(sale, today=TODAY)
    assert report.codes() == (4030,)
    message = report.findings[0].message
    assert "looks like a transaction" in message
    assert "certpreflight coverage --transactions" in message
    assert detect_kind({**AVATAX_CUSTOMER, "type": "Business"}) == "customer"
