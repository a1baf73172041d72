"""Keys nobody reads (2310 key-misspelled, 2311 keys-unknown): said, not swallowed."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest

from certpreflight import dialects, validate
from certpreflight.reading import reader
from certpreflight.reading.keys import CERTIFICATE, CUSTOMER, unknown_key_findings
from tests.conftest import (
    AVATAX_CERTIFICATE,
    CERTCAPTURE_CERTIFICATE,
    DEV_GUIDE_CUSTOMER,
    TODAY,
    cert,
    customer,
)
from tests.rules.helpers import codes, only

KEYS = (2310, 2311)


def key_codes(payload: Any, **kw: Any) -> list[int]:
    return [c for c in codes(payload, **kw) if c in KEYS]


def test_a_typo_is_a_warning_that_names_the_key_meant() -> None:
    """exempt_reson gives a did-you-mean beside "ExemptReason is required"."""
    payload = cert()
    payload["exempt_reson"] = payload.pop("exempt_reason")
    f = only(payload, 2310)
    assert f.severity.value == "warning"
    assert f.message == (
        "The certificate has a key 'exempt_reson' that isn't read; did you mean 'exempt_reason'?"
    )
    assert f.fix == "Rename 'exempt_reson' to 'exempt_reason' (keys are case-sensitive)."
    assert f.loc == ("exempt_reson",)
    assert f.errors == {"exempt_reson": "not read; did you mean 'exempt_reason'?"}
    assert 2301 in codes(payload)  # the reason is still missing


@pytest.mark.parametrize(
    ("base", "key", "meant"),
    [
        ("native", "ExemptReason", "exempt_reason"),  # case and _ only
        ("native", "Regions", "regions"),
        ("native", "effective_dte", "effective_date"),
        ("native", "customer", "customers"),
        ("avatax", "exemptReason", "exemptionReason"),  # the payload's own dialect
        ("avatax", "SignedDate", "signedDate"),  # SOAP-style PascalCase
        ("avatax", "exposurezone", "exposureZone"),
        ("avatax", "poNumber", "poNumbers"),
        ("certcapture", "expected_tax_cod", "expected_tax_code"),
        ("certcapture", "exposure_zons", "exposure_zones"),
    ],
)
def test_close_keys_suggest_the_dialects_own_spelling(base: str, key: str, meant: str) -> None:
    """The did-you-mean names a key of the dialect the rest of the record is written in."""
    payload = {
        "native": cert(),
        "avatax": AVATAX_CERTIFICATE,
        "certcapture": CERTCAPTURE_CERTIFICATE,
    }
    data = copy.deepcopy(payload[base]) | {key: "x"}
    f = only(data, 2310)
    assert f.message.endswith(f"did you mean {meant!r}?")


def test_a_customer_key_typo_names_the_customer() -> None:
    """Embedded customers' keys are checked too, at ("customers", i, key)."""
    payload = cert(customers=[customer(), {**customer(customer_number="C-2"), "postl_code": "1"}])
    f = only(payload, 2310)
    assert f.loc == ("customers", 1, "postl_code")
    assert f.customer_number == "C-2"
    assert f.message == (
        "The certificate customer(C-2) has a key 'postl_code' that isn't read; did you mean "
        "'postal_code'?"
    )
    avatax = copy.deepcopy(AVATAX_CERTIFICATE)
    avatax["customers"][0]["postal_code_"] = "98101"
    assert only(avatax, 2310).message.endswith("did you mean 'postalCode'?")


def test_other_unknown_keys_are_one_info_finding_per_record() -> None:
    """Keys close to nothing read are listed, certificate and customers, in one finding."""
    payload = cert(internal_note="call back", erp_sync_flag=1)
    payload["customers"] = [customer(loyalty_tier="gold")]
    f = only(payload, 2311)
    assert f.severity.value == "info"
    assert f.message == (
        "The certificate has 3 key(s) that certpreflight doesn't read: 'internal_note', "
        "'erp_sync_flag', 'customers[0].loyalty_tier'."
    )
    assert f.loc == ("internal_note",)
    assert set(f.errors) == {"internal_note", "erp_sync_flag", "customers[0].loyalty_tier"}
    assert 2310 not in codes(payload)


@pytest.mark.parametrize("dialect", dialects.DIALECTS, ids=lambda d: d.name.split()[0])
def test_documented_fields_that_are_not_read_stay_silent(dialect: dialects.Dialect) -> None:
    """Every documented field of a dialect's certificate and customer is silent."""
    for key in sorted(dialect.documented_certificate):
        assert key_codes(cert(**{key: "x"})) == [], key
    for key in sorted(dialect.documented_customer):
        assert key_codes(cert(customers=[customer(**{key: "x"})])) == [], key


def test_documented_keys_are_not_keys_that_are_read() -> None:
    """A documented-but-unread key never doubles as a key some dialect reads."""
    assert not dialects.DOCUMENTED_CERTIFICATE_KEYS & set(dialects.CERTIFICATE_KEYS)
    assert not dialects.DOCUMENTED_CUSTOMER_KEYS & set(dialects.CUSTOMER_KEYS)
    for dialect in dialects.DIALECTS:
        assert dialect.shared_certificate <= dialects.NATIVE_KEYS, dialect.name
        assert dialect.shared_customer <= dialects.NATIVE_CUSTOMER_KEYS, dialect.name


# Verbatim from the AvaTax developer guide (docs/sources.md#avatax-models): CreateCustomers
# and CreateCertificates bodies, the customer linked by code only.
DEV_GUIDE_CERTIFICATE = {
    "signedDate": "2016-02-01",
    "expirationDate": "2020-12-31",
    "filename": "exemptCert.pdf",
    "valid": True,
    "exemptPercentage": 100,
    "isSingleCertificate": False,
    "exemptionReason": {"name": "EXPOSURE"},
    "customers": [{"companyId": 7370914, "customerCode": "RESELLER"}],
    "exposureZone": {"name": "Washington"},
}


def test_real_payloads_from_the_public_docs_have_no_unknown_key() -> None:
    """The developer guide's certificate and customer, and a CertCapture record as GET
    returns it, give no 2310 / 2311."""
    assert key_codes(DEV_GUIDE_CERTIFICATE) == []
    assert key_codes(DEV_GUIDE_CERTIFICATE | {"customers": [DEV_GUIDE_CUSTOMER]}) == []
    fetched = copy.deepcopy(CERTCAPTURE_CERTIFICATE) | {
        "client_id": 1,
        "created": "2026-01-15 10:00:00",
        "modified": "2026-01-15 10:00:00",
        "valid": True,
        "verified": False,
        "never_renew": False,
        "renewable": True,
        "status": {"name": "COMPLETE"},
        "custom_fields": [],
        "calc_id": 991,
    }
    fetched["customers"][0] |= {"attn_name": "AP", "phone_number": "1", "created": "x"}
    assert key_codes(fetched) == []
    avatax = copy.deepcopy(AVATAX_CERTIFICATE) | {"createdDate": "2026-01-15", "pageCount": 1}
    assert key_codes(avatax) == []


def test_unknown_key_findings_respect_select_and_ignore() -> None:
    """Like every finding, they are selected and ignored by code, name or type."""
    payload = cert(exempt_reson="G", internal_note="x")
    assert key_codes(payload) == [2310, 2311]
    assert key_codes(payload, ignore=[2310]) == [2311]
    assert key_codes(payload, ignore=["keys-unknown"]) == [2310]
    assert key_codes(payload, ignore=["231"]) == []
    assert codes(payload, select=["2311"]) == [2311]
    assert key_codes(payload, ignore=["Input"]) == []


def test_dicts_and_json_text_on_every_path_say_the_same() -> None:
    """A mapping, its JSON text, and the AvaTax form the strict reader reads once renamed
    (a customer's companyId) give the same findings."""
    for payload in (
        cert(exempt_reson="G"),
        copy.deepcopy(AVATAX_CERTIFICATE) | {"exemptReason": "x", "notes": 1},
    ):
        as_dict = validate(payload, today=TODAY).to_dict()
        as_text = validate(json.dumps(payload), today=TODAY).to_dict()
        assert as_dict == as_text
        assert {f["code"] for f in as_dict["findings"]} >= {2310}


def test_a_payload_the_schema_reads_pays_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clean payloads, as mappings and as JSON text, documented keys such as a customer's
    companyId included, never look for unknown keys."""
    calls: list[Any] = []
    monkeypatch.setattr(reader, "unknown_key_findings", lambda p, *_: calls.append(p) or [])
    for payload in (cert(), json.dumps(cert()), AVATAX_CERTIFICATE, json.dumps(AVATAX_CERTIFICATE)):
        validate(payload, today=TODAY)
    assert calls == []
    validate(cert(notes="x"), today=TODAY)  # refused: the salvage path says what it is
    assert len(calls) == 1


def test_many_unknown_keys_stay_one_bounded_finding() -> None:
    """Thousands of odd keys: one info finding naming 20, found quickly."""
    payload = cert(**{f"k{i}_{'x' * 30}": i for i in range(5_000)})
    start = time.perf_counter()
    found = [f for f in validate(payload, today=TODAY).findings if f.code in KEYS]
    assert time.perf_counter() - start < 2.0
    [f] = found
    assert "and 4980 more" in f.message
    assert len(f.errors) == 20


def test_keys_of_other_types_and_long_keys_are_listed_not_compared() -> None:
    """A non-text key, or one longer than any field name, is only listed."""
    payload: dict[Any, Any] = cert()
    payload[7] = "x"
    payload["exempt_reason" * 10] = "x"
    [f] = unknown_key_findings(payload)
    assert f.code == 2311
    assert "'7'" in f.message
    assert "..." in f.message  # long keys are shortened in messages


def test_tables_compare_only_what_they_should() -> None:
    """A documented key in another spelling is silent; nothing is close to nothing."""
    assert CERTIFICATE.meant("modified_date", dialects.AVATAX) is None  # modifiedDate
    assert CUSTOMER.meant("phone_numbr", dialects.NATIVE) is None  # close to no read key
    assert CUSTOMER.meant("cty", dialects.NATIVE) == "city"
    assert CERTIFICATE.meant("region_code", dialects.NATIVE) is None
