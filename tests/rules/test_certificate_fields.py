"""Customers, regions, PO numbers, reasons and exempt percentage (2001-2502, 3002-3003)."""

from __future__ import annotations

import pytest

from tests.conftest import cert
from tests.rules.helpers import codes, only


def test_customers_missing() -> None:
    """A certificate linked to no customer is a warning: it may be linked later."""
    f = only(cert(customers=[]), 2001)
    assert f.severity.value == "warning"
    assert f.loc == ("customers",)


def test_regions_missing() -> None:
    """A certificate without any region is 1207 MissingExposureZone."""
    f = only(cert(regions=[]), 3002)
    assert f.message == "Certificate must have at least one exposure zone to become valid."
    assert 3002 in codes(cert(regions=["  "]))


@pytest.mark.parametrize(
    "zone", ["Orleans Parish", "LA Parish", "Los Angeles County", "City of Chicago", "Kansas City"]
)
def test_local_zone_is_an_error_and_not_also_unknown(zone: str) -> None:
    """A zone naming a county, parish or city is an error, reported once (3003, not 3001)."""
    f = only(cert(regions=["WA", zone]), 3003)
    assert f.severity.value == "error"
    assert f.loc == ("regions", 1)
    assert 3001 not in codes(cert(regions=["WA", zone]))


@pytest.mark.parametrize("zone", ["Washingotn", "Ontario PST", "Cityville"])
def test_unrecognised_zone_stays_a_warning(zone: str) -> None:
    """A typo or unknown name without a local-zone word stays 3001, a warning."""
    found = codes(cert(regions=[zone]))
    assert 3001 in found
    assert 3003 not in found


@pytest.mark.parametrize("zone", ["District of Columbia", "Washington DC", "New York"])
def test_states_are_never_local_zones(zone: str) -> None:
    """Names that resolve to a state are not checked for local words."""
    assert 3003 not in codes(cert(regions=[zone]))


def test_more_than_one_po_number_on_single_use_warns() -> None:
    """Only the most recent PO of a single-use certificate applies."""
    f = only(cert(single_use=True, po_numbers=["PO-1", "PO-2", "PO-3"]), 2203)
    assert f.severity.value == "warning"
    assert (
        f.message
        == "The single-use certificate has 3 PO numbers; only the most recent one applies."
    )
    assert "(PO-3)" in f.fix
    assert "PO-1, PO-2" in f.fix
    assert 2203 not in codes(cert(single_use=True, po_numbers=["PO-1", " "]))
    assert 2203 not in codes(cert(single_use=False, po_numbers=["PO-1", "PO-2"]))


@pytest.mark.parametrize("reason", ["EXPOSURE", "exposure - expired", "NON-NEXUS", "Non Nexus"])
def test_placeholder_reasons_give_one_finding(reason: str) -> None:
    """EXPOSURE / NON-NEXUS are 2303, and reason-unknown (2302) stays silent."""
    found = codes(cert(exempt_reason=reason))
    assert 2303 in found
    assert 2302 not in found


def test_other_reason_needs_a_description() -> None:
    """Reason L without a description warns; with one it passes."""
    f = only(cert(exempt_reason="L"), 2304)
    assert f.severity.value == "warning"
    assert f.loc == ("exempt_reason_description",)
    assert 2304 not in codes(cert(exempt_reason="L", exempt_reason_description="By statute"))
    assert 2304 not in codes(cert(exempt_reason="G"))


@pytest.mark.parametrize("value", [-1, 100.5, 150])
def test_exempt_percentage_out_of_range(value: float) -> None:
    """Below 0 or above 100 is an error."""
    f = only(cert(exempt_percentage=value), 2501)
    assert f.severity.value == "error"


@pytest.mark.parametrize("value", [0.5, 50, 100, None])
def test_exempt_percentage_in_range(value: float | None) -> None:
    """0 < percentage <= 100, or none at all, passes."""
    found = codes(cert(exempt_percentage=value))
    assert 2501 not in found
    assert 2502 not in found


def test_exempt_percentage_zero_is_an_audit_note_only() -> None:
    """0 is what Avalara's own CreateCertificates example sends on a full RESALE exemption
    (the AvaTax REST v2 reference's example, docs/sources.md#avatax-models) and nothing
    documents what AvaTax does with it: no finding by default, an info note in ``audit``."""
    assert 2502 not in codes(cert(exempt_percentage=0))
    assert 2502 not in codes(cert(exempt_percentage=0), profile="avatax")
    f = only(cert(exempt_percentage=0), 2502, profile="audit")
    assert f.severity.value == "info"
    assert 2501 not in codes(cert(exempt_percentage=0))
