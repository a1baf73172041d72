"""What CertCapture and AvaTax do with the real fields (issue 14, item 8): 5301 valid: false,
2303 placeholders as warnings without tax-id findings, 6201 / 6205 by profile."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from certpreflight import get_rule, validate
from tests.conftest import AVATAX_CERTIFICATE, CERTCAPTURE_CERTIFICATE, TODAY, cert
from tests.rules.helpers import codes, only
from tests.rules.test_keys import DEV_GUIDE_CERTIFICATE, DEV_GUIDE_CUSTOMER

#: The developer guide's CreateCertificates example with its CreateCustomers record embedded
#: (https://developer.avalara.com/avatax/dev-guide/exemptions/exemption-certificate/).
DEV_GUIDE = DEV_GUIDE_CERTIFICATE | {"customers": [DEV_GUIDE_CUSTOMER]}
TAX_ID = {6201, 6202, 6205}


# --- 5301 certificate-invalid ---------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        cert(valid=False),
        AVATAX_CERTIFICATE | {"valid": False},
        CERTCAPTURE_CERTIFICATE | {"valid": False},
        cert(valid="false"),  # as a CSV or form body writes it
    ],
)
def test_a_certificate_marked_invalid_is_a_warning(payload: dict[str, Any]) -> None:
    """valid: false is stored but never applied: a warning at valid, in every dialect."""
    f = only(payload, 5301)
    assert f.severity.value == "warning"
    assert f.message == "The certificate is marked invalid (valid: false), so it is never applied."
    assert f.loc == ("valid",)
    assert validate(payload, today=TODAY).ok  # a warning only: the record is accepted


@pytest.mark.parametrize("valid", [True, None])
def test_valid_or_unset_is_silent(valid: bool | None) -> None:
    """Only an explicit false is reported (both profiles)."""
    for profile in ("certcapture", "avatax"):
        assert 5301 not in codes(cert(valid=valid), profile=profile)
    assert 5301 not in codes(cert())


# --- 2303 placeholders ----------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["EXPOSURE", "EXPOSURE - MISSING", "NON-NEXUS", "Non Nexus"])
def test_placeholder_reasons_are_a_warning_without_tax_id_findings(reason: str) -> None:
    """AvaTax accepts EXPOSURE / NON-NEXUS; they exempt nothing and need no tax id."""
    for profile in ("certcapture", "avatax"):
        payload = cert(exempt_reason=reason, tax_id="", regions=["WA", "CA"])
        report = validate(payload, today=TODAY, profile=profile)
        [f] = [f for f in report.findings if f.code == 2303]
        assert f.severity.value == "warning"
        assert "exempts nothing" in f.summary
        assert not TAX_ID & set(report.codes())
        assert 2302 not in report.codes()


def test_the_developer_guides_certificate_is_accepted_in_both_profiles() -> None:
    """The guide's EXPOSURE certificate for Washington, no exemption number, its customer
    in full: only the placeholder warning and the expiry (it expired in 2020)."""
    for profile in ("certcapture", "avatax"):
        report = validate(DEV_GUIDE, today=TODAY, profile=profile)
        assert report.ok
        assert report.codes() == (2303, 5103)


def test_a_real_reason_still_asks_for_the_tax_id() -> None:
    """With RESALE instead of EXPOSURE, the SST tax id is asked for again."""
    payload = DEV_GUIDE | {"exemptionReason": {"name": "RESALE"}}
    assert 6201 in codes(payload)
    assert 6205 in codes(payload, profile="avatax")


# --- 6201 / 6205 by profile -----------------------------------------------------------------


def test_sst_tax_id_missing_is_certcaptures_error_and_avatax_warning() -> None:
    """6201 (error) with profile certcapture, 6205 (warning) with profile avatax; the same
    message, loc and regions."""
    avatax = copy.deepcopy(AVATAX_CERTIFICATE)
    del avatax["exemptionNumber"]
    error = only(avatax, 6201)
    warning = only(avatax, 6205, profile="avatax")
    assert (error.severity.value, warning.severity.value) == ("error", "warning")
    assert error.message == warning.message == "ExemptCertDetail.IdNo is required."
    assert error.loc == warning.loc == ("tax_id",)
    assert error.fix == warning.fix
    assert "WA" in warning.summary
    assert 6205 not in codes(avatax)
    assert 6201 not in codes(avatax, profile="avatax")
    assert validate(avatax, today=TODAY, profile="avatax").ok


def test_6201_and_6205_share_one_check_and_select_by_their_own_code() -> None:
    """One check, two codes: each selected, ignored and documented on its own."""
    assert get_rule(6201).check is get_rule(6205).check
    assert get_rule(6201).profiles == frozenset({"certcapture", "audit"})
    assert get_rule(6205).profiles == frozenset({"avatax"})
    payload = cert(tax_id="")
    assert codes(payload, profile="avatax", select=[6205]) == [6205]
    assert codes(payload, profile="avatax", ignore=[6205]).count(6205) == 0
    assert "Why two codes" in get_rule(6205).doc
