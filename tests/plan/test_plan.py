"""plan(): each action, each dialect, the export's pages, links from both sides."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from certpreflight import Plan, convert, plan, validate, validate_batch
from certpreflight.options import Options
from certpreflight.reports.plan import render
from certpreflight.sync import BY_CODE, BY_FOLDED, BY_ID, BY_NATURAL, plan_records
from tests.plan.shapes import (
    C1,
    C2,
    C_OLD,
    CERT_11,
    CERT_12,
    CERT_13,
    EXPORT,
    TODAY,
    page,
    source_from_export,
)

NEW_CUSTOMER = {
    "customerCode": "C-2",
    "name": "New Co",
    "line1": "5 Elm St",
    "city": "Olympia",
    "region": "WA",
    "postalCode": "98501",
    "country": "US",
}


def _plan(source: list[Any], export: list[Any] = EXPORT, **options: Any) -> Plan:
    return plan(source, export, today=TODAY, **options)


def _actions(result: Plan) -> list[tuple[str, str, str]]:
    return [(a.action, a.kind, a.key) for a in result.actions if a.action != "unchanged"]


def _with(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(record), **changes}


def test_a_source_identical_to_the_export_plans_nothing() -> None:
    """Every record Avalara holds, sent as it holds it: six unchanged, no findings, ok."""
    result = _plan(source_from_export())
    assert not result.changed
    assert result.counts() == {
        "create": 0, "update": 0, "unchanged": 6, "orphan": 0, "link": 0, "unlink": 0,
    }  # fmt: skip
    assert all(a.findings == () for a in result.actions)
    assert result.ok
    assert {a.matched_by for a in result.actions} == {BY_CODE, BY_ID}


def test_creates_updates_and_orphans_customers() -> None:
    """A new code is created, an edited one updated with (held, sent) per field, a held code
    the source leaves out is an orphan."""
    edited = _with(C2, name="Bolt Hardware Inc", postalCode="99202")
    result = _plan([C1, edited, NEW_CUSTOMER])
    customers = [a for a in result.actions if a.kind == "customer"]
    assert [(a.action, a.key) for a in customers] == [
        ("unchanged", "C-1001"), ("update", "C-1002"), ("create", "C-2"), ("orphan", "C-OLD"),
    ]  # fmt: skip
    update = customers[1]
    assert dict(update.changes) == {
        "name": ("Bolt Hardware", "Bolt Hardware Inc"),
        "postalCode": ("99201", "99202"),
    }
    assert update.matched_by == BY_CODE
    assert update.source == "record 2"
    assert update.held == "export record 1 value[1]"
    assert customers[3].held == "export record 1 value[2]"
    assert customers[3].source is None


def test_a_code_that_differs_only_in_case_or_spaces_is_a_finding_never_create_plus_orphan() -> None:
    """c-1001 against C-1001: one create, with 6505 naming both codes; C-1001 no orphan."""
    result = _plan([_with(C1, customerCode=" c-1001"), C2, C_OLD])
    customers = [(a.action, a.key) for a in result.actions if a.kind == "customer"]
    assert customers == [
        ("create", " c-1001"), ("unchanged", "C-1002"), ("unchanged", "C-OLD"),
    ]  # fmt: skip
    assert [f.code for f in result.actions[0].findings] == [6103, 6505]  # 6103: the space
    finding = result.actions[0].findings[1]
    assert "' c-1001'" in finding.summary
    assert "'C-1001'" in finding.summary
    assert finding.customer_number == " c-1001"


def test_6505_through_validate_batch_known_customers() -> None:
    """The same finding in a batch given the codes AvaTax holds; 6504 between two records."""
    batch = validate_batch([_with(C1, customerCode="c-1001")], known_customers=["C-1001"])
    assert [f.code for f in batch.findings] == [6505]
    batch = validate_batch([C1, _with(C1, customerCode="c-1001")])
    assert [f.code for f in batch.findings] == [6504]


def test_certificates_update_by_id_with_the_changed_fields() -> None:
    """The source carries Avalara's id: matched by id; a later expiration and a new PO list
    are changes; fields the source leaves out are not."""
    sent = {
        "id": 11,
        "signedDate": "2026-01-15",
        "expirationDate": "2030-01-15",
        "exemptionReason": {"name": "RESALE"},
        "exposureZone": {"name": "Washington"},
        "filename": "cert-11.pdf",
        "isSingleCertificate": True,
        "poNumbers": [{"poNumber": "PO-7"}],
        "customers": [{"customerCode": "C-1001"}],
    }
    result = _plan([sent, C1, C2, C_OLD, CERT_12, CERT_13])
    [update] = [a for a in result.actions if a.action == "update"]
    assert (update.kind, update.key, update.matched_by) == ("certificate", "11", BY_ID)
    assert dict(update.changes) == {
        "expirationDate": (CERT_11_EXPIRES, TODAY.replace(year=2030, month=1, day=15)),
        "isSingleCertificate": (False, True),
        "poNumbers": (None, ("PO-7",)),
    }
    assert update.source == "record 1"


CERT_11_EXPIRES = TODAY.replace(year=2029, month=1, day=15)


def test_certificates_without_an_id_match_by_customer_region_reason_and_signed_date() -> None:
    """No id: matched by the natural key (and by it ignoring the code's case), or created;
    a held certificate nothing matches is an orphan."""
    natural = _with(CERT_11)
    del natural["id"]
    folded = _with(CERT_12, customers=[{"customerCode": "c-1002"}])
    del folded["id"]
    new = _with(CERT_13, signedDate="2026-02-01", customers=[{"customerCode": "C-1001"}])
    del new["id"]
    result = _plan([C1, C2, C_OLD, natural, folded, new])
    certificates = [a for a in result.actions if a.kind == "certificate"]
    assert [(a.action, a.key, a.matched_by) for a in certificates] == [
        ("unchanged", "11", BY_NATURAL),
        ("unchanged", "12", BY_FOLDED),
        ("create", "C-1001/WA/RESALE/2026-02-01", None),
        ("orphan", "13", None),
    ]
    links = [(a.action, a.key, a.customer) for a in result.actions if a.kind == "link"]
    assert links == [("link", "12", "c-1002"), ("unlink", "12", "C-1002")]


def test_a_certificate_for_several_regions_is_one_avalara_certificate_a_region() -> None:
    """WA and TX: WA matches certificate 11 by its natural key, TX is created as 'id (TX)'."""
    both = {
        "id": "ERP-9",
        "exempt_reason": "RESALE",
        "regions": ["WA", "TX"],
        "effective_date": "2026-01-15",
        "expiration_date": "2029-01-15",
        "tax_id": "601234567",
        "customers": [{"customer_number": "C-1001"}],
    }
    result = _plan([C1, C2, C_OLD, both, CERT_12, CERT_13])
    assert _actions(result) == [("create", "certificate", "ERP-9 (TX)")]
    matched = next(a for a in result.actions if a.key == "11")
    assert (matched.action, matched.matched_by) == ("unchanged", BY_NATURAL)


def test_links_and_unlinks_from_the_certificate_side_and_from_link_records() -> None:
    """Certificate 11 now links C-1002 instead of C-1001; a link record adds C-1002 to 13
    (a link record adds: C-OLD stays linked)."""
    moved = _with(CERT_11, customers=[{"customerCode": "C-1002"}])
    link = {"certificate_id": "13", "customers": ["C-1002"]}
    result = _plan([C1, C2, C_OLD, moved, CERT_12, CERT_13, link])
    links = [(a.action, a.key, a.customer) for a in result.actions if a.kind == "link"]
    assert links == [
        ("link", "11", "C-1002"),
        ("unlink", "11", "C-1001"),
        ("link", "13", "C-1002"),
    ]


def test_a_link_record_naming_a_certificate_only_avalara_holds() -> None:
    """A LinkCustomersToCertificate body for certificate 12 (not in the source): one link."""
    result = _plan([{"certificate_id": "12", "customers": ["C-1001", "C-1002"]}])
    links = [(a.action, a.key, a.customer) for a in result.actions if a.kind == "link"]
    assert links == [("link", "12", "C-1001")]


def test_links_from_the_customer_side_of_the_export() -> None:
    """Certificates exported without $include=customers: their links come from the customers'
    certificates ($include=certificates); with neither, no link is planned."""
    bare = [_with(c) for c in (CERT_11, CERT_12, CERT_13)]
    for c in bare:
        del c["customers"]
    with_certs = [_with(C1, certificates=[{"id": 11}]), C2, C_OLD]
    export = [page(with_certs, 3), page(bare, 3)]
    moved = _with(CERT_11, customers=[{"customerCode": "C-1002"}])
    result = _plan([C1, C2, C_OLD, moved], export)
    links = [(a.action, a.key, a.customer) for a in result.actions if a.kind == "link"]
    assert links == [("link", "11", "C-1002"), ("unlink", "11", "C-1001")]
    unknown = _plan([C1, C2, C_OLD, _with(CERT_12, customers=[{"customerCode": "C-1001"}])],
                    export)  # fmt: skip
    assert [a for a in unknown.actions if a.kind == "link"] == []


@pytest.mark.parametrize("dialect", ["native", "certcapture"])
def test_every_source_dialect_plans_what_the_avatax_one_plans(dialect: str) -> None:
    """The source in native snake_case or CertCapture v2, edited the same way: the same
    actions, keys and changes as in AvaTax's dialect."""
    edited = [
        _with(C1, name="Acme Supply Company"),
        C2,
        _with(CERT_12, expirationDate="2031-01-15"),
    ]
    expected = _plan(edited)
    converted = [convert(r, to=dialect).records[0] for r in edited]
    result = _plan(converted)
    assert [(a.action, a.kind, a.key, dict(a.changes)) for a in result.actions] == [
        (a.action, a.kind, a.key, dict(a.changes)) for a in expected.actions
    ]
    assert _actions(result) == [
        ("update", "customer", "C-1001"),
        ("orphan", "customer", "C-OLD"),
        ("update", "certificate", "12"),
        ("orphan", "certificate", "11"),
        ("orphan", "certificate", "13"),
    ]


@pytest.mark.parametrize(
    "shape", ["one page", "many pages", "records", "json text", "certcapture list", "data"]
)
def test_the_export_in_every_shape_reads_the_same(shape: str) -> None:
    """FetchResult pages (one, or a page a record), the records alone, pages as JSON text,
    and CertCapture v2 records (a list, or an object's ``data``) give the same plan."""
    records = [r for p in EXPORT for r in p["value"]]
    exports: dict[str, list[Any]] = {
        "one page": [page(records, len(records))],
        "many pages": [page([r], len(records)) for r in records],
        "records": records,
        "json text": [json.dumps(p) for p in EXPORT],
        "certcapture list": [[convert(r, to="certcapture").records[0] for r in records]],
        "data": [{"data": [convert(r, to="certcapture").records[0] for r in records]}],
    }
    edited = [_with(C1, city="Tacoma"), C2, NEW_CUSTOMER, CERT_11, CERT_12]
    result = _plan(edited, exports[shape])
    assert _actions(result) == [
        ("update", "customer", "C-1001"),
        ("create", "customer", "C-2"),
        ("orphan", "customer", "C-OLD"),
        ("orphan", "certificate", "13"),
    ]
    assert not result.unread


def test_a_created_record_carries_its_findings_and_an_unchanged_one_none() -> None:
    """A new certificate for RESALE in Oregon: 3101 (error) on its create; the plan fails."""
    oregon = {
        "signedDate": "2026-02-01",
        "exemptionReason": {"name": "RESALE"},
        "exposureZone": {"name": "Oregon"},
        "filename": "or.pdf",
        "customers": [{"customerCode": "C-1001"}],
    }
    result = _plan([*source_from_export(), oregon])
    [create] = [a for a in result.actions if a.action == "create"]
    assert 3101 in [f.code for f in create.findings]
    assert not create.ok
    assert not result.ok
    assert all(a.findings == () for a in result.actions if a.action == "unchanged")


def test_a_new_certificate_repeating_one_of_the_source_carries_6507_as_check_says() -> None:
    """The plan's join is the batch's: a new certificate with the dates, customer, region
    and reason of one already in the source is a 6507 duplicate on its create, as
    validate_batch finds it."""
    source = source_from_export()
    [held] = [r for r in source if r.get("id") == 11]
    copy_of_11 = _with(held, id=None)
    del copy_of_11["id"]
    result = _plan([*source, copy_of_11])
    [create] = [a for a in result.actions if a.action == "create" and a.kind == "certificate"]
    batch = validate_batch([*source, copy_of_11], today=TODAY)
    assert [f.code for f in create.findings if f.code == 6507] == [6507]
    assert [f.code for f in batch.reports[-1].findings if f.code == 6507] == [6507]
    assert all(a.findings == () for a in result.actions if a.action == "unchanged")


def test_records_that_cant_be_read_are_said_never_dropped() -> None:
    """An export certificate without its id is 6506; a source line that isn't JSON keeps
    its finding and source; a record of no kind its 4030."""
    no_id = _with(CERT_13)
    del no_id["id"]
    export = [page([C1, C2, C_OLD], 3), page([CERT_11, CERT_12, no_id], 3)]
    bad_json = validate("{not json").findings[0]
    source = [("a.ndjson:1", C1), ("a.ndjson:2", bad_json), ("a.ndjson:3", {"foo": 1})]
    result = plan_records(source, [(f"e:{i}", p) for i, p in enumerate(export)], Options.of())
    assert [(s, f.code) for s, f in result.unread] == [
        ("a.ndjson:2", 4001),
        ("a.ndjson:3", 4030),
        ("e:1 value[2]", 6506),
    ]
    assert not result.ok
    assert result.fails()


def test_to_dict_is_json_with_an_actions_list() -> None:
    """The JSON document: summary counts, and each action's documented keys."""
    result = _plan([_with(C1, name="Acme"), CERT_11])
    document = json.loads(json.dumps(result.to_dict()))
    assert document["summary"]["update"] == 1
    first = document["actions"][0]
    assert set(first) == {
        "action", "kind", "key", "changes", "findings", "matched_by", "source", "held", "customer",
    }  # fmt: skip
    assert first["changes"] == {"name": ["Acme Supply Co", "Acme"]}


@pytest.mark.parametrize("source", [[_with(C1, name="Acme")], []])
def test_the_json_report_is_to_dict_written_an_action_a_line(source: list[Any]) -> None:
    """The JSON writer streams exactly Plan.to_dict(), one action a line."""
    result = _plan([*source, {"foo": 1}])
    text = render(result, "json")
    assert json.loads(text) == result.to_dict()
    assert len(text.splitlines()) == len(result.actions) + 4


def test_two_customer_records_with_one_code_are_each_planned() -> None:
    """The second record of C-1002 sends a duplicate: its update carries 6503 (an error)."""
    result = _plan([C1, C2, _with(C2, name="Bolt Two"), C_OLD])
    customers = [(a.action, a.key, [f.code for f in a.findings]) for a in result.actions
                 if a.kind == "customer"]  # fmt: skip
    assert customers == [
        ("unchanged", "C-1001", []),
        ("unchanged", "C-1002", []),
        ("update", "C-1002", [6503]),
        ("unchanged", "C-OLD", []),
    ]
    assert not result.ok


def test_the_export_is_read_on_the_reading_stages_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """AvaTax's records as QueryCustomers and QueryCertificates return them (tests/plan/
    shapes.py) take the one reading route's schema: with the salvage path's entries made
    to fail, the export is still held and a source equal to it plans nothing."""
    from certpreflight.reading import reader  # noqa: PLC0415 - patched for this test only

    def salvage(*args: Any) -> Any:
        raise AssertionError("an export record took the salvage path")

    for name in ("read_lenient", "read_customer", "enforce"):
        monkeypatch.setattr(reader, name, salvage)
    held = [r for p in EXPORT for r in p["value"]]
    result = plan([], EXPORT, today=TODAY)  # every record held: each an orphan
    assert [(a.action, a.key) for a in result.actions] == [
        ("orphan", str(r.get("customerCode", r["id"]))) for r in held
    ]
    assert not result.unread


def test_what_the_export_holds_is_compared_not_checked() -> None:
    """A key AvaTax added since (no table knows it) and a zone named by its code are no
    reason to call an export record unread (the reading stage's 2311 and 3005 are about what
    a sync sends); a value it can't read is: the record is held without it (4003)."""
    newer = _with(C1, exemptionCertificateStatus="Active")
    by_code = _with(CERT_11, exposureZone={"id": 82, "name": "WA"})
    bad_date = _with(CERT_12, expirationDate="someday")
    export = [page([newer, C2, C_OLD], 3), page([by_code, bad_date, CERT_13], 3)]
    result = _plan(source_from_export(), export)
    assert [(s, f.code) for s, f in result.unread] == [("export record 2 value[1]", 4003)]
    changed = [(a.action, a.key, dict(a.changes)) for a in result.actions if a.changes]
    assert changed == [("update", "12", {"expirationDate": (None, dt.date(2029, 1, 15))})]


@pytest.mark.parametrize("link_first", [True, False])
def test_a_customer_side_link_joins_its_customer_to_the_certificate_it_lists(
    link_first: bool,
) -> None:
    """A link from the customer's side (LinkCertificatesModel with the customer's code): the
    certificate it lists gets its customer's findings (2101, no name) and no 2001, as in
    validate_batch, wherever the link stands in the source."""
    customer = {
        "customerCode": "C-1",
        "line1": "1 Main St",
        "city": "Seattle",
        "region": "WA",
        "postalCode": "98101",
        "country": "US",
    }
    certificate = {
        "id": 11,
        "signedDate": "2026-01-01",
        "exemptionNumber": "1",
        "exemptionReason": {"name": "RESALE"},
        "exposureZone": {"name": "Washington"},
        "filename": "a.pdf",
    }
    link = {"customerCode": "C-1", "certificates": ["11"]}
    source = [link, customer, certificate] if link_first else [customer, certificate, link]
    result = plan(source, [{"@recordsetCount": 0, "value": []}], today=dt.date(2026, 12, 6))
    [created] = [a for a in result.actions if a.kind == "certificate"]
    codes = [f.code for f in created.findings]
    assert 2101 in codes
    assert 2001 not in codes
    batch = validate_batch(source, today=dt.date(2026, 12, 6))
    assert [f.code for f in batch.reports[source.index(certificate)].findings] == codes
