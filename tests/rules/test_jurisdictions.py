"""Local exempt jurisdictions (AvaTax 26.6): read from CertificateModel's ``jurisdictions``,
checked (3006, 3007), written to a one-zone AvaTax body; rule 3003 says where they go."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from certpreflight import ExemptionCertificate, Finding, validate
from certpreflight.avatax import to_avatax_certificates
from certpreflight.reading.strict import PLAIN
from tests.conftest import cert

TODAY = dt.date(2026, 12, 6)

#: A CertificateModel as AvaTax 26.6 returns it with $include=jurisdictions (shape from the
#: .NET SDK's CertificateJurisdictionModel: id, type, name, code).
AVATAX_WITH_JURISDICTIONS: dict[str, Any] = {
    "id": 500111,
    "signedDate": "2026-01-15",
    "expirationDate": "2029-01-15",
    "filename": "cert.pdf",
    "exemptionNumber": "SR-123-456789",
    "exemptionReason": {"name": "RESALE"},
    "exposureZone": {"name": "California"},
    "jurisdictions": [{"id": 7, "type": "City", "name": "LOS ANGELES", "code": "44000"}],
    "customers": [{"customerCode": "C-1001"}],
}


def codes(payload: dict[str, Any]) -> list[Finding]:
    return list(validate(payload, today=TODAY).findings)


def test_avatax_jurisdictions_are_read_not_unknown() -> None:
    """The schema and the salvage path read them alike; no unknown-key finding."""
    model = ExemptionCertificate.model_validate(AVATAX_WITH_JURISDICTIONS)
    [j] = model.jurisdictions
    assert (j.id, j.type, j.name, j.code) == ("7", "City", "LOS ANGELES", "44000")
    assert PLAIN is not None
    assert PLAIN.python(AVATAX_WITH_JURISDICTIONS).jurisdictions == model.jurisdictions
    assert PLAIN.json(json.dumps(AVATAX_WITH_JURISDICTIONS)).jurisdictions == model.jurisdictions
    assert {f.code for f in codes(AVATAX_WITH_JURISDICTIONS)} <= {6202}
    names = ExemptionCertificate.model_validate({"jurisdictions": ["Orleans Parish"]})
    assert names.jurisdictions[0].name == "Orleans Parish"


def test_a_jurisdiction_naming_nothing_warns() -> None:
    """3006: no id, code or name: nothing AvaTax could match."""
    payload = {**AVATAX_WITH_JURISDICTIONS, "jurisdictions": [{"type": "City"}]}
    [f] = [x for x in codes(payload) if x.code == 3006]
    assert f.severity.value == "warning"
    assert f.loc == ("jurisdictions", 0)


def test_a_state_jurisdiction_outside_the_zones_warns() -> None:
    """3007: a jurisdiction of type State that is another state than the certificate's."""
    payload = cert(regions=["CA"], jurisdictions=[{"type": "State", "name": "NEVADA"}])
    [f] = [x for x in codes(payload) if x.code == 3007]
    assert "NV" in f.fix
    inside = cert(regions=["CA"], jurisdictions=[{"type": "State", "name": "CALIFORNIA"}])
    assert [x for x in codes(inside) if x.code == 3007] == []


def test_local_zone_rule_points_to_jurisdictions() -> None:
    """3003 still errs on a local name given as the exposure zone (it matches no zone), and
    no longer says AvaTax takes state-level exemptions only: it says where local ones go."""
    [f] = [x for x in codes(cert(regions=["Orleans Parish"])) if x.code == 3003]
    assert f.severity.value == "error"
    assert "state-level exemptions only" not in f.message
    assert "jurisdictions" in f.fix
    assert "ListLocalExemptJurisdictions" in f.fix


def test_avatax_bodies_carry_jurisdictions_and_each_zones_number() -> None:
    """A one-zone certificate's jurisdictions go in its body; a split certificate's bodies
    each carry their region's own number (tax_ids), else the one tax_id."""
    [body] = to_avatax_certificates(AVATAX_WITH_JURISDICTIONS)
    assert body["jurisdictions"] == [
        {"id": "7", "type": "City", "name": "LOS ANGELES", "code": "44000"}
    ]
    multi = cert(regions=["NY", "TX", "WA"], tax_id="601234567", tax_ids={"NY": "123456"})
    numbers = {
        b["exposureZone"]["name"]: b.get("exemptionNumber") for b in to_avatax_certificates(multi)
    }
    assert numbers == {"New York": "123456", "Texas": "601234567", "Washington": "601234567"}
