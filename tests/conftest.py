"""Shared fixtures: a clean certificate in each dialect, a fixed today, a small test matrix,
and the hypothesis profiles."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from certpreflight import ExemptionMatrix

TODAY = dt.date(2026, 11, 21)

# --- hypothesis: how many examples each property runs -------------------------------------------
# HYPOTHESIS_PROFILE picks the profile: "ci" (the default: `pytest` and .ci/run), "thorough"
# (HYPOTHESIS_PROFILE=thorough pytest: the counts the suite ran before the ci profile, up to four
# times ci's), or "long" (a million examples for the properties without their own count).
# A property that wants more examples than most says so with max_examples=examples(n): n in the
# thorough and long profiles, a quarter of n (at least 25) in ci. The others run the profile's
# max_examples. Each run draws new examples (not derandomized), and a failure found once is
# replayed from .hypothesis/ until it passes.
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
_COMMON: dict[str, Any] = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=50, **_COMMON)
settings.register_profile("thorough", max_examples=200, **_COMMON)
settings.register_profile(
    "long",
    max_examples=1_000_000,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
settings.load_profile(PROFILE)


def examples(thorough: int) -> int:
    """``max_examples`` for a property that runs ``thorough`` examples in the thorough profile."""
    if PROFILE in ("thorough", "long"):
        return thorough
    return max(25, thorough // 4)


CUSTOMER: dict[str, Any] = {
    "customer_number": "C-1001",
    "name": "Acme Supply Co",
    "address_line1": "100 Main St",
    "address_line2": "Suite 4",
    "city": "Seattle",
    "region": "WA",
    "postal_code": "98101",
    "country": "US",
}

CERTIFICATE: dict[str, Any] = {
    "id": "cert-1",
    "exempt_reason": "G",
    "regions": ["WA"],
    "effective_date": "2026-01-15",
    "expiration_date": "2030-01-15",
    "single_use": False,
    "po_numbers": [],
    "tax_id": "601234567",
    "exempt_percentage": 100,
    "customers": [CUSTOMER],
}

AVATAX_CERTIFICATE: dict[str, Any] = {
    "id": 77,
    "signedDate": "2026-01-15",
    "expirationDate": "2030-01-15",
    "filename": "cert.pdf",
    "exemptPercentage": 100,
    "isSingleCertificate": False,
    "exemptionNumber": "601234567",
    "exemptionReason": {"name": "RESALE"},
    "exposureZone": {"name": "Washington"},
    "customers": [
        {
            "companyId": 12345,
            "customerCode": "C-1001",
            "name": "Acme Supply Co",
            "line1": "100 Main St",
            "city": "Seattle",
            "region": "WA",
            "postalCode": "98101",
            "country": "US",
        }
    ],
}

CERTCAPTURE_CERTIFICATE: dict[str, Any] = {
    "id": 5501,
    "signed_date": "2026-01-15",
    "expiration_date": "2030-01-15",
    "is_single": False,
    "tax_number": "601234567",
    "exmpt_percent": 100,
    "expected_tax_code": {"name": "RESALE"},
    "exposure_zones": [{"name": "Washington"}],
    "customers": [
        {
            "customer_number": "C-1001",
            "name": "Acme Supply Co",
            "address_line1": "100 Main St",
            "city": "Seattle",
            "zip": "98101",
            "state": {"initials": "WA", "name": "Washington"},
            "country": {"initials": "US", "name": "United States"},
        }
    ],
}


def cert(**changes: Any) -> dict[str, Any]:
    """A deep copy of the clean native certificate with top-level changes applied."""
    out = copy.deepcopy(CERTIFICATE)
    out.update(changes)
    return out


def customer(**changes: Any) -> dict[str, Any]:
    """A deep copy of the clean native customer with changes applied."""
    out = copy.deepcopy(CUSTOMER)
    out.update(changes)
    return out


TEST_MATRIX_CSV = """\
# small matrix for logic tests
region,reason,status,confidence,basis,condition,source
US-NH,G,not_exempt,sourced,avalara,,test: NH has no sales tax
US-OR,G,not_exempt,sourced,avalara,,test: OR has no sales tax
US-WA,G,exempt,sourced,avalara,,test
US-TX,G,exempt,sourced,avalara,,test
US-WA,D,exempt,sourced,avalara,,test
US-TX,D,exempt,sourced,avalara,,test
US-CA,E,not_exempt,inferred,law,,test: CDTFA Pub 18
US-NY,B,partial,inferred,law,only New York's own government,test: NY
"""


@pytest.fixture(scope="session")
def small_matrix(tmp_path_factory: pytest.TempPathFactory) -> ExemptionMatrix:
    """A tiny matrix whose cells the tests control."""
    path: Path = tmp_path_factory.mktemp("matrix") / "matrix.csv"
    path.write_text(TEST_MATRIX_CSV, encoding="utf-8")
    return ExemptionMatrix.from_csv(path)


#: The AvaTax developer guide's CreateCustomers body (docs/sources.md#avatax-models).
DEV_GUIDE_CUSTOMER = {
    "companyId": 12345,
    "customerCode": "RESELLER",
    "name": "Alice Example",
    "line1": "100 Ravine Lane",
    "city": "Bainbridge Island",
    "region": "WA",
    "postalCode": "98110",
    "country": "US",
    "phoneNumber": "(206) 555-1212",
    "emailAddress": "alice@example.org",
}


def printed_by(code: str) -> list[str]:
    """The lines a documented example prints: ``code`` run as ``python -c code`` runs it (a
    fresh namespace named ``__main__``), in this process, without an interpreter's start-up.
    An exception it raises fails the test that runs it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<example>", "exec"), {"__name__": "__main__"})
    return out.getvalue().splitlines()
