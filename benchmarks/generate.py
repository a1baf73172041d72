"""A deterministic generator of realistic exemption certificates for benchmarks.

Certificates come in the three input dialects (native, AvaTax REST v2,
CertCapture v2) in rotation, with 1-3 customers each, US and Canadian regions,
and about a third of them carrying a problem (a missing name or address, a long
address line, a no-sales-tax region, an unknown reason, a single-use certificate
without PO number, a future date, a missing tax id). Same seed, same output.

``python -m benchmarks.generate N > certs.ndjson`` writes N lines of NDJSON.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["certificates", "main", "native_certificates"]

_US = ["WA", "TX", "CA", "NY", "FL", "IL", "OH", "GA", "NC", "MI", "PA", "AZ", "CO", "MN"]
_US_NAMES = {"WA": "Washington", "TX": "Texas", "CA": "California", "NY": "New York",
             "FL": "Florida", "IL": "Illinois", "OH": "Ohio", "GA": "Georgia",
             "NC": "North Carolina", "MI": "Michigan", "PA": "Pennsylvania", "AZ": "Arizona",
             "CO": "Colorado", "MN": "Minnesota", "NH": "New Hampshire", "OR": "Oregon",
             "ON": "Ontario", "BC": "British Columbia", "QC": "Quebec"}  # fmt: skip
_CA = ["ON", "BC", "QC"]
_STREETS = ["Main St", "Industrial Pkwy", "Harbor Blvd", "Market Ave", "Elm Rd", "Commerce Dr"]
_CITIES = {"WA": "Seattle", "TX": "Austin", "CA": "Fresno", "NY": "Albany", "FL": "Tampa",
           "IL": "Peoria", "OH": "Dayton", "GA": "Macon", "NC": "Raleigh", "MI": "Lansing",
           "PA": "Erie", "AZ": "Tempe", "CO": "Boulder", "MN": "Duluth", "ON": "Ottawa",
           "BC": "Victoria", "QC": "Laval"}  # fmt: skip
_ZIPS = {"WA": "98101", "TX": "73301", "CA": "93650", "NY": "12207", "FL": "33602",
         "IL": "61602", "OH": "45402", "GA": "31201", "NC": "27601", "MI": "48933",
         "PA": "16501", "AZ": "85281", "CO": "80302", "MN": "55802", "ON": "K1A 0B1",
         "BC": "V8W 1P6", "QC": "H7T 1C8"}  # fmt: skip
_PROBLEMS = ["name", "address", "long_address", "no_tax_region", "reason", "single_use",
             "future", "tax_id"]  # fmt: skip


def _customer(rng: random.Random, n: int, region: str) -> dict[str, Any]:
    return {
        "customer_number": f"C-{n:07d}",
        "name": f"Customer {n} Supply Co",
        "address_line1": f"{rng.randint(1, 9999)} {rng.choice(_STREETS)}",
        "address_line2": rng.choice([None, "Suite 100", "Bldg 2"]),
        "city": _CITIES[region],
        "region": region,
        "postal_code": _ZIPS[region],
        "country": "CA" if region in _CA else "US",
    }


def native_certificates(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """``count`` certificates in the native dialect (about a third with a problem)."""
    rng = random.Random(seed)
    for i in range(count):
        canadian = rng.random() < 0.15
        pool = _CA if canadian else _US
        regions = rng.sample(pool, rng.choice([1, 1, 1, 2, 3]))
        customers = [_customer(rng, i * 3 + k, regions[0]) for k in range(rng.choice([1, 1, 2, 3]))]
        cert: dict[str, Any] = {
            "id": str(100000 + i),
            "exempt_reason": "G" if not canadian else "C",
            "regions": regions,
            "effective_date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "expiration_date": "2029-12-31",
            "single_use": False,
            "po_numbers": [],
            "tax_id": f"{rng.randint(10, 99)}{rng.randint(1000000, 9999999)}",
            "exempt_percentage": 100,
            "customers": customers,
        }
        if rng.random() < 1 / 3:
            _break(rng, cert)
        yield cert


def _break(rng: random.Random, cert: dict[str, Any]) -> None:
    problem = rng.choice(_PROBLEMS)
    customer = cert["customers"][0]
    if problem == "name":
        customer["name"] = ""
    elif problem == "address":
        customer["address_line1"] = None
    elif problem == "long_address":
        customer["address_line1"] = "1234 Industrial Parkway North, Building 7, Loading Dock B"
    elif problem == "no_tax_region":
        cert["regions"] = [*cert["regions"], rng.choice(["NH", "OR"])]
    elif problem == "reason":
        cert["exempt_reason"] = "WHOLESALE"
    elif problem == "single_use":
        cert["single_use"] = True
    elif problem == "future":
        cert["effective_date"] = "2031-01-01"
    else:
        cert["tax_id"] = None


def _avatax(cert: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": int(cert["id"]),
        "signedDate": cert["effective_date"],
        "expirationDate": cert["expiration_date"],
        "filename": f"{cert['id']}.pdf",
        "exemptPercentage": cert["exempt_percentage"],
        "isSingleCertificate": cert["single_use"],
        "exemptionNumber": cert["tax_id"],
        "exemptionReason": {"name": {"G": "RESALE", "C": "TRIBAL GOVERNMENT"}.get(
            cert["exempt_reason"], cert["exempt_reason"])},
        "exposureZones": [{"name": _US_NAMES[r]} for r in cert["regions"]],
        "poNumbers": [{"poNumber": p} for p in cert["po_numbers"]],
        "customers": [
            {"customerCode": c["customer_number"], "name": c["name"], "line1": c["address_line1"],
             "line2": c["address_line2"], "city": c["city"], "region": c["region"],
             "postalCode": c["postal_code"], "country": c["country"]}
            for c in cert["customers"]
        ],
    }  # fmt: skip


def _certcapture(cert: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": int(cert["id"]),
        "signed_date": cert["effective_date"],
        "expiration_date": cert["expiration_date"],
        "is_single": cert["single_use"],
        "tax_number": cert["tax_id"],
        "exmpt_percent": cert["exempt_percentage"],
        "expected_tax_code": {"name": cert["exempt_reason"]},
        "exposure_zones": [{"name": _US_NAMES[r]} for r in cert["regions"]],
        "customers": [
            {"customer_number": c["customer_number"], "name": c["name"],
             "address_line1": c["address_line1"], "address_line2": c["address_line2"],
             "city": c["city"], "zip": c["postal_code"], "state": {"initials": c["region"]},
             "country": {"initials": c["country"]}}
            for c in cert["customers"]
        ],
    }  # fmt: skip


def certificates(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """``count`` certificates, rotating native / AvaTax REST v2 / CertCapture v2 dialects."""
    for i, cert in enumerate(native_certificates(count, seed)):
        yield (cert, _avatax(cert), _certcapture(cert))[i % 3]


def main(argv: list[str] | None = None) -> int:
    """Write N certificates (default 1000) as NDJSON to stdout."""
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else 1000
    out = sys.stdout
    for cert in certificates(count):
        out.write(json.dumps(cert, separators=(",", ":")))
        out.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
