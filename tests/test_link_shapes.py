"""Links from both sides and in every public shape, read and checked as links (issue 25).

The payloads are copies written here of the shapes in public material:

* CertCapture by customer id: "CertCapture REST API Part I" (Avalara developer blog,
  2016-11-29; ``_posts/2016-11-29-certcapture-rest-api-part-i.md`` in the developer-dot
  mirror, docs/sources.md#certcapture-api): ``PUT /v2/certificates/1/customers`` with
  ``{"customers": [{"id": 10}, {"id": 20}]}``, shown as associating customers 10 and 20;
* AvaTax ``LinkCertificatesModel``: ``certificates``, the certificates' ids
  (docs/sources.md#avatax-models); the official Magento 2 connector sends it with its
  ids as text (``Framework/Interaction/Rest/Customer.php``, ``certificates =
  [$certificateId]``; avadev/Avalara-AvaTax-for-Magento2 at 6699373);
* CertCapture from the customer's side: ``PUT /v2/customers/{number}/certificates`` with
  the certificates by id, as the blog's many-to-many calls give them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from certpreflight import validate, validate_batch
from certpreflight.cli import main
from certpreflight.convert import convert
from certpreflight.dialects import detect_kind, kind_candidates

TODAY = dt.date(2026, 12, 6)

CERTCAPTURE_BY_ID = {"customers": [{"id": 10}, {"id": 20}]}
AVATAX_LINK_CERTIFICATES = {"certificates": ["500111"]}
CERTCAPTURE_CUSTOMER_SIDE = {"certificates": [{"id": 500111}]}
CERTIFICATE = {
    "id": "500111",
    "exempt_reason": "G",
    "regions": ["WA"],
    "effective_date": "2026-01-15",
    "tax_id": "601-234-567",
    "filename": "cert.pdf",
}
CUSTOMER = {
    "customerCode": "C-1001",
    "name": "Acme Resale",
    "line1": "1 Main St",
    "city": "Seattle",
    "region": "WA",
    "postalCode": "98101",
    "country": "US",
}


@pytest.mark.parametrize(
    "payload",
    [
        CERTCAPTURE_BY_ID,
        {"id": "1", "customers": [{"id": 10}, {"id": 20}]},
        {"customers": [{"id": 10}, "C-1001", {"customerCode": "C-2"}]},
        {**AVATAX_LINK_CERTIFICATES, "customerCode": "C-1001"},
        {**CERTCAPTURE_CUSTOMER_SIDE, "customer_number": "C-1001"},
        {"certificates": [500111, 500112], "customers": ["C-1001"]},
    ],
)
def test_every_public_link_shape_is_a_clean_link(payload: dict[str, Any]) -> None:
    """Read as a link, with or without kind="link", and nothing to report."""
    assert detect_kind(payload) == "link"
    for kind in (None, "link"):
        report = validate(payload, today=TODAY, kind=kind)
        assert report.kind == "link"
        assert report.findings == ()


def test_customers_by_id_get_no_missing_customer_findings() -> None:
    """Before: 17 false errors (read as a certificate), 14 with kind="link"."""
    report = validate(CERTCAPTURE_BY_ID, today=TODAY, kind="link")
    assert report.codes() == ()


@pytest.mark.parametrize("payload", [AVATAX_LINK_CERTIFICATES, CERTCAPTURE_CUSTOMER_SIDE])
def test_a_customer_side_link_without_its_customer_is_said_once(payload: dict[str, Any]) -> None:
    """The customer is in the call's path: an info note (2131), not 4030 nor 2130."""
    report = validate(payload, today=TODAY)
    assert report.kind == "link"
    assert report.codes() == (2131,)
    assert report.ok
    assert "500111" in report.findings[0].summary


def test_a_link_item_that_is_no_reference_is_a_blank_code_only() -> None:
    """No name, address or country findings in a link: only 6101 at the item's position."""
    report = validate({"customers": [{"id": 10}, {}, "C-2"]}, today=TODAY, kind="link")
    assert report.codes() == (6101,)
    assert report.findings[0].loc == ("customers", 1)


def test_an_ambiguous_record_is_said_not_guessed() -> None:
    """References and full customers with no certificate field: 4031 names both kinds."""
    payload = {"customers": [{"id": 10}, {"customerCode": "C1", "name": "Acme"}]}
    assert kind_candidates(payload) == ("certificate", "link")
    assert detect_kind(payload) is None
    report = validate(payload, today=TODAY)
    assert report.kind is None
    assert report.codes() == (4031,)
    assert "certificate or a link" in report.findings[0].message
    assert validate(payload, today=TODAY, kind="certificate").kind == "certificate"


def test_a_customer_side_link_joins_in_a_batch() -> None:
    """The certificate it names is linked (no 2001) and gets its customer's findings."""
    link = {"customerCode": "C-1001", "certificates": ["500111"]}
    batch = validate_batch([CERTIFICATE, {**CUSTOMER, "city": ""}, link], today=TODAY)
    certificate, customer, linked = batch.reports
    assert 2001 not in certificate.codes()
    assert 2105 in certificate.codes()  # the customer's missing city, on its certificate
    assert customer.kind == "customer"
    assert linked.codes() == ()
    unknown = validate_batch([CERTIFICATE, CUSTOMER, {**link, "customerCode": "C-9"}])
    assert 6501 in unknown.reports[0].codes()


def test_a_customer_side_link_before_its_certificate_passes_its_findings_on() -> None:
    """Wherever the link stands (before its certificate too), its customer's findings are
    on the certificate only, as with a certificate-side link (before: on the link as well,
    and in the CLI's join on the link in either order). A link whose certificate is not in
    the batch keeps them."""
    link = {"customerCode": "C-1001", "certificates": ["500111"]}
    customer = {**CUSTOMER, "city": ""}
    for order in ([customer, link, CERTIFICATE], [link, CERTIFICATE, customer]):
        batch = validate_batch(order, today=TODAY)
        (linked,) = [r for r in batch.reports if r.kind == "link"]
        (certificate,) = [r for r in batch.reports if r.kind == "certificate"]
        assert linked.codes() == ()
        assert 2105 in certificate.codes()
        assert [f.code for f in batch.findings].count(2105) == 1
    alone = validate_batch([customer, {**link, "certificates": ["9"]}], today=TODAY)
    assert 2105 in alone.reports[1].codes()


def test_the_cli_join_puts_a_customer_side_links_findings_on_the_certificate(
    tmp_path: Path,
) -> None:
    """``check`` joins through a table filled first: the link, before or after its
    certificate, has none of its customer's findings."""
    link = {"customerCode": "C-1001", "certificates": ["500111"]}
    for records in ([link, CERTIFICATE], [CERTIFICATE, link]):
        path = tmp_path / "sync.ndjson"
        lines = [json.dumps(r) for r in [{**CUSTOMER, "city": ""}, *records]]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        main(["check", "--format", "json", str(path)], out=out, err=err)
        results = json.loads(out.getvalue())["results"]
        found = {r["kind"]: [f["code"] for f in r["findings"]] for r in results}
        assert 2105 not in found["link"], found
        assert 2105 in found["certificate"], found


# --- convert: ids stay ids where the target takes them, else lost (never a made-up name) ---


def test_convert_keeps_a_zone_given_by_id_as_an_id() -> None:
    """AvaTax and CertCapture take ExposureZoneModel / exposure_zone by id (Part I: relations
    match on id); never ``{"name": "#117"}``. The CSV template names zones: lost."""
    payload = {
        "signedDate": "2026-01-15",
        "exemptionReason": {"name": "RESALE"},
        "exposureZone": {"id": 117},
        "filename": "cert.pdf",
        "customers": [{"customerCode": "C-1001"}],
    }
    avatax = convert(payload, to="avatax")
    assert avatax.records[0]["exposureZone"] == {"id": 117}
    assert avatax.lost == ()
    certcapture = convert(payload, to="certcapture")
    assert certcapture.records[0]["exposure_zones"] == [{"id": 117}]
    assert certcapture.lost == ()
    rows = convert(payload, to="certcapture-csv")
    assert rows.records[0]["Exposure Zones"] == ""
    assert "regions: ['#117']" in rows.lost
    assert "#117" not in str([*avatax.records, *certcapture.records, *rows.records])


def test_convert_carries_customers_by_id_or_names_them_lost() -> None:
    """CertCapture takes customers by id; AvaTax's LinkCustomersModel takes codes only."""
    certcapture = convert(CERTCAPTURE_BY_ID, to="certcapture")
    assert certcapture.records == ({"customers": [{"id": 10}, {"id": 20}]},)
    assert certcapture.lost == ()
    avatax = convert({"id": "1", **CERTCAPTURE_BY_ID}, to="avatax")
    assert avatax.records == ({"customers": []},)
    assert set(avatax.lost) == {"certificate_id: '1'", "customers[0].id: 10", "customers[1].id: 20"}


def test_convert_writes_customer_side_links() -> None:
    """LinkCertificatesModel keeps the ids; its customer goes in the call's path: lost."""
    link = {"customerCode": "C-1001", "certificates": ["500111"]}
    assert convert(link, to="native").records == (
        {"customers": ["C-1001"], "certificates": ["500111"]},
    )
    avatax = convert(link, to="avatax")
    assert avatax.records == ({"certificates": ["500111"]},)
    assert avatax.lost == ("customers: ['C-1001']",)
    certcapture = convert(link, to="certcapture")
    assert certcapture.records[0]["certificates"] == [{"id": 500111}]
    assert certcapture.lost == ()


def test_region_missing_is_not_repeated_when_the_country_is_absent() -> None:
    """No country: 2108 alone (2106 asks for a US/CA region of a customer whose country is
    unknown); a US customer without a region still gets 2106."""
    customer = {**CUSTOMER, "region": "", "country": ""}
    report = validate(customer, today=TODAY)
    assert 2108 in report.codes()
    assert 2106 not in report.codes()
    assert 2106 in validate({**customer, "country": "US"}, today=TODAY).codes()


# --- a certificate sent to CertCapture's validation queue ---------------------------------

#: After "CertCapture REST API Part II" (Avalara developer blog, 2016-12-06, developer-dot
#: mirror ``_posts/2016-12-06-certcapture-rest-api-part-ii.md``): one POST with a page image,
#: ``submit_to_stack=true``, an exposure zone and an exempt reason (by id here, as the post
#: allows: "You can provide an ID, or initials"), a customer, and no dates.
STACKED = {
    "submit_to_stack": True,
    "pages": ["iVBORw0KGgo="],
    "exposure_zone": {"id": 117},
    "expected_tax_code": {"id": 12},
    "customers": [{"customer_number": "mario1"}],
}


def test_a_stacked_certificate_needs_no_data_the_review_team_keys() -> None:
    """Signed date and exemption number: info at most; the certificate is ok."""
    report = validate(STACKED, today=TODAY)
    assert report.kind == "certificate"
    assert report.ok
    assert {f.code: f.severity.value for f in report.findings} == {5001: "info"}
    sent = validate({**STACKED, "submit_to_stack": False}, today=TODAY)
    assert {f.code: f.severity.value for f in sent.findings} == {5001: "error"}


def test_a_stacked_certificate_still_needs_its_document_zone_and_reason() -> None:
    """What the queue can't key in stays an error: no zone or exempt reason. No document
    is a warning (2405): no public source says CertCapture rejects it."""
    bare = {"submit_to_stack": True, "customers": [{"customer_number": "mario1"}]}
    report = validate(bare, today=TODAY)
    errors = {f.code for f in report.findings if f.severity.value == "error"}
    assert {2301, 3002} <= errors
    assert {f.code: f.severity.value for f in report.findings}[2405] == "warning"
    avatax = validate(bare, today=TODAY, profile="avatax").codes()
    assert 2401 in avatax
    assert 2405 not in avatax  # said once
