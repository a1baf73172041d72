"""A deterministic generator of exemption certificates for benchmarks.

Two corpora:

* ``realistic`` (the default): what a new user's data looks like. Every customer is
  distinct (number, name, street address); US customers get ZIP codes drawn across their
  state's real prefixes (``reference/data/us_zip_prefixes.csv``), Canadian ones postal
  codes of their province's letters (``ca_postal_letters.csv``); tax ids of each kind
  (EIN, Business Number, GST/HST, QST, state permits), valid ones with their real check
  digits and about one in twenty invalid; 1-4 regions (sometimes up to 10) over every
  state and province; a reason mix led by resale. About 30% carry a real problem (a
  missing name or address, a ZIP of another state, a lost leading zero, a malformed tax
  id, a no-sales-tax region, an unknown reason, ...), on top of what the matrix says of
  the reason and regions.
* ``repeats``: the old corpus (14 states, 17 distinct customer values, reason G or C).
  Nightly syncs do resend the same certificates; this is that case, and what the memo
  and learned rules are for.

Certificates come in the three input dialects (native, AvaTax REST v2, CertCapture v2)
in rotation. Same seed, same output.

``python -m benchmarks.generate N [--corpus repeats] > certs.ndjson`` writes N lines.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import string
import sys
from collections.abc import Iterator, Sequence
from functools import cache
from importlib.resources import files
from typing import Any

__all__ = [
    "CORPORA",
    "avatax_by_code",
    "certificates",
    "main",
    "native_certificates",
    "sized_certificates",
]

CORPORA = ("realistic", "repeats")


# --- reference data -------------------------------------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    text = (files("certpreflight.reference") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


@cache
def _regions() -> dict[str, dict[str, str]]:
    """Short code -> row, for the states, DC and provinces (no territories, no GST zone)."""
    return {
        row["short"]: row
        for row in _rows("regions.csv")
        if row["kind"] in ("state", "district", "province")
    }


@cache
def _zip_prefixes() -> dict[str, list[int]]:
    """State short code -> every 3-digit ZIP prefix the data gives to that state alone."""
    found: dict[str, list[int]] = {}
    for row in _rows("us_zip_prefixes.csv"):
        codes = row["regions"].split("|")
        if len(codes) == 1 and codes[0].startswith("US-"):
            short = codes[0][3:]
            found.setdefault(short, []).extend(range(int(row["first"]), int(row["last"]) + 1))
    return found


@cache
def _postal_letters() -> dict[str, list[str]]:
    """Province short code -> the first letters of its postal codes."""
    found: dict[str, list[str]] = {}
    for row in _rows("ca_postal_letters.csv"):
        for code in row["regions"].split("|"):
            found.setdefault(code[3:], []).append(row["letter"])
    return found


def _us_states() -> list[str]:
    """The states and DC with a sales tax (a region without one is a problem case)."""
    return [
        s
        for s, r in _regions().items()
        if r["country"] == "US" and s in _zip_prefixes() and r["sales_tax"] == "yes"
    ]


def _provinces() -> list[str]:
    return [s for s, r in _regions().items() if r["country"] == "CA" and s in _postal_letters()]


# Weights: where certificates are issued (populous states more often), and the reasons.
_BIG_STATES = ["CA", "TX", "FL", "NY", "PA", "IL", "OH", "GA", "NC", "MI", "NJ", "VA", "WA"]
_US_REASONS = "G" * 55 + "E" * 9 + "I" * 8 + "H" * 5 + "B" * 4 + "A" * 3 + "F" * 3 + "M" * 3 \
    + "N" * 3 + "J" * 2 + "L" + "D" + "K" + "C"  # fmt: skip
_CA_REASONS = "G" * 40 + "I" * 12 + "H" * 10 + "C" * 8 + "E" * 8 + "B" * 6 + "R" * 5 \
    + "P" * 3 + "Q" * 3 + "D" * 2 + "L"  # fmt: skip
_REGION_COUNTS = [1] * 55 + [2] * 20 + [3] * 12 + [4] * 8 + [5, 6, 7, 8, 10]
_CUSTOMER_COUNTS = [1] * 72 + [2] * 17 + [3] * 6 + [4, 4, 5, 6, 8]

_FIRST = ["Acme", "Summit", "Pioneer", "Cascade", "Harbor", "Granite", "Prairie", "Coastal",
          "Liberty", "Evergreen", "Redwood", "Northstar", "Blue Ridge", "Iron", "Silver",
          "Keystone", "Golden", "Lakeside", "Frontier", "Heritage", "Mesa", "Bayou", "Sierra",
          "Atlas", "Beacon", "Cedar", "Delta", "Eagle", "Falcon", "Orchard"]  # fmt: skip
_SECOND = ["Supply", "Industrial", "Foods", "Hardware", "Electric", "Logistics", "Farms",
           "Medical", "Auto Parts", "Builders", "Office Products", "Chemical", "Marine",
           "Textiles", "Distributors", "Equipment", "Pharmacy", "Packaging"]  # fmt: skip
_SUFFIX = ["Inc", "LLC", "Co", "Corp", "Ltd", "LP", "Company", "Group", "Holdings", ""]
_STREETS = ["Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill",
            "Park", "River", "Market", "Commerce", "Industrial", "Harbor", "Church", "Mill",
            "Spring", "Center", "Highland", "Railroad", "Union", "Airport", "Ridge"]  # fmt: skip
_STREET_KINDS = ["St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Way", "Pkwy", "Ct", "Hwy"]
_UNITS = [None] * 6 + ["Suite 100", "Ste 210", "Bldg 2", "Unit 4B", "Floor 3", "Dock 7"]
_CITIES = ["Springfield", "Riverside", "Franklin", "Greenville", "Fairview", "Salem",
           "Madison", "Georgetown", "Clinton", "Arlington", "Ashland", "Burlington",
           "Dayton", "Lexington", "Milford", "Newport", "Oxford", "Kingston"]  # fmt: skip

#: Valid IRS EIN prefixes (python-stdnum's list, as of 2026) and some that are not.
_EIN_PREFIXES = [1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25, 26, 27,
                 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48,
                 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68,
                 71, 72, 73, 74, 75, 76, 77, 80, 81, 82, 83, 84, 85, 86, 87, 88, 90, 91, 92,
                 93, 94, 95, 98, 99]  # fmt: skip
_BAD_EIN_PREFIXES = [7, 8, 9, 17, 18, 19, 28, 29, 49, 69, 70, 78, 79, 89, 96, 97]


def _luhn_digit(digits: str) -> str:
    """The Luhn check digit that makes ``digits + it`` valid (the BN's check digit)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


# --- one certificate ------------------------------------------------------------------------------


def _zip(rng: random.Random, state: str) -> str:
    text = f"{rng.choice(_zip_prefixes()[state]):03d}{rng.randint(0, 99):02d}"
    return f"{text}-{rng.randint(1, 9999):04d}" if rng.random() < 0.2 else text


def _postal(rng: random.Random, province: str) -> str:
    letter, upper = rng.choice(_postal_letters()[province]), string.ascii_uppercase
    code = f"{letter}{rng.randint(0, 9)}{rng.choice(upper)} {rng.randint(0, 9)}{rng.choice(upper)}"
    return f"{code}{rng.randint(0, 9)}"


def _realistic_customer(rng: random.Random, n: int, region: str) -> dict[str, Any]:
    canadian = _regions()[region]["country"] == "CA"
    suffix = rng.choice(_SUFFIX)
    name = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)}" + (f" {suffix}" if suffix else "")
    street = f"{rng.randint(1, 29999)} {rng.choice(_STREETS)} {rng.choice(_STREET_KINDS)}"
    return {
        "customer_number": f"C{n:08d}" if rng.random() < 0.7 else f"{rng.randint(10000, 9999999)}",
        "name": name,
        "address_line1": street,
        "address_line2": rng.choice(_UNITS),
        "city": rng.choice(_CITIES),
        "region": region,
        "postal_code": _postal(rng, region) if canadian else _zip(rng, region),
        "country": "CA" if canadian else "US",
    }


def _tax_id(rng: random.Random, regions: list[str]) -> tuple[str | None, str | None]:
    """A (tax_id, tax_id_type) of a kind that fits the regions; valid, or rarely not."""
    valid = rng.random() >= 0.05
    if _regions()[regions[0]]["country"] == "CA":
        nine = f"{rng.randint(10000000, 99999999)}"
        nine += _luhn_digit(nine) if valid else str((int(_luhn_digit(nine)) + 1) % 10)
        kind = rng.random()
        if regions[0] == "QC" and kind < 0.3:
            return f"{rng.randint(1000000000, 9999999999)}TQ{rng.randint(1, 9999):04d}", "QST"
        if kind < 0.6:
            return f"{nine}RT{rng.randint(1, 3):04d}", None  # a GST/HST account (BN15)
        return nine, rng.choice(["BN", "Business Number", "GST/HST"])
    kind = rng.random()
    if kind < 0.45:
        prefix = rng.choice(_EIN_PREFIXES if valid else _BAD_EIN_PREFIXES)
        return f"{prefix:02d}-{rng.randint(0, 9999999):07d}", rng.choice(["FEIN", "EIN"])
    if kind < 0.97:  # a state permit or resale number: no common format, not checked
        return f"{rng.choice(string.ascii_uppercase)}{rng.randint(100000, 999999999)}", None
    return None, None


def _realistic(rng: random.Random, i: int) -> dict[str, Any]:
    canadian = rng.random() < 0.12
    if canadian:
        pool = _provinces()
        home = rng.choice(["ON"] * 4 + ["QC"] * 3 + ["BC"] * 2 + pool)
    else:
        pool = _us_states()
        home = rng.choice(_BIG_STATES * 2 + pool)
    count = min(rng.choice(_REGION_COUNTS), len(pool))
    regions = [home, *rng.sample([r for r in pool if r != home], count - 1)]
    customers = [
        _realistic_customer(rng, i * 10 + k, home if k == 0 or rng.random() < 0.6 else
                            rng.choice(regions))
        for k in range(rng.choice(_CUSTOMER_COUNTS))
    ]  # fmt: skip
    tax_id, tax_id_type = _tax_id(rng, regions)
    year = rng.choice([2023, 2024, 2024, 2025, 2025, 2025, 2026])
    cert: dict[str, Any] = {
        "id": str(1_000_000 + i),
        "exempt_reason": rng.choice(
            ("GGGI" if count > 1 else "") + (_CA_REASONS if canadian else _US_REASONS)
        ),
        "regions": regions,
        "effective_date": f"{year}-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
        "expiration_date": None if rng.random() < 0.1 else f"{year + 3}-12-31",
        "single_use": False,
        "po_numbers": [],
        "tax_id": tax_id,
        "tax_id_type": tax_id_type,
        "exempt_percentage": 100,
        "customers": customers,
    }
    if "FL" in regions and cert["exempt_reason"] == "G" and cert["expiration_date"]:
        cert["expiration_date"] = "2026-12-31"  # Florida's annual resale certificate
    if rng.random() < 0.15:  # with what the matrix, terms and tax ids find: about 30% in all
        _break_realistic(rng, cert)
    return cert


def _break_realistic(rng: random.Random, cert: dict[str, Any]) -> None:
    problem = rng.choice(["name", "address", "long_address", "no_tax_region", "reason",
                          "single_use", "future", "zip_other_state", "zip_zero", "zip_malformed",
                          "country", "region_unknown", "expired"])  # fmt: skip
    customer = cert["customers"][0]
    us = customer["country"] != "CA"
    if problem == "name":
        customer["name"] = rng.choice(["", None, "  "])
    elif problem == "address":
        customer["address_line1"] = None
    elif problem == "long_address":
        customer["address_line1"] += ", Building 7, Loading Dock B, Attn: Receiving Dept."
    elif problem == "no_tax_region":
        cert["regions"] = [*cert["regions"], rng.choice(["NH", "OR", "MT", "DE", "AK"])]
    elif problem == "reason":
        cert["exempt_reason"] = rng.choice(["WHOLESALE", "RESELL", "Z", "NONPROFIT"])
    elif problem == "single_use":
        cert["single_use"] = True
    elif problem == "future":
        cert["effective_date"] = f"2031-{rng.randint(1, 12):02d}-01"
    elif problem == "zip_other_state" and us:
        customer["postal_code"] = _zip(rng, rng.choice(_us_states()))
    elif problem == "zip_zero" and us:
        customer["postal_code"] = f"{rng.randint(1000, 9999)}"
    elif problem == "zip_malformed":
        customer["postal_code"] = rng.choice(["9810", "981O1", "N/A", "K1A0B", "123456"])
    elif problem == "country":
        customer["country"] = rng.choice(["Untied States", "CN", "USA", "United States"])
    elif problem == "region_unknown":
        cert["regions"] = [*cert["regions"], rng.choice(["Washingotn", "Orleans Parish", "XX"])]
    else:
        cert["expiration_date"] = f"{rng.choice([2023, 2024, 2025])}-06-30"


# --- the old corpus (``repeats``) -----------------------------------------------------------------

_OLD_US = ["WA", "TX", "CA", "NY", "FL", "IL", "OH", "GA", "NC", "MI", "PA", "AZ", "CO", "MN"]
_OLD_CA = ["ON", "BC", "QC"]
_OLD_STREETS = ["Main St", "Industrial Pkwy", "Harbor Blvd", "Market Ave", "Elm Rd",
                "Commerce Dr"]  # fmt: skip
_OLD_CITIES = {"WA": "Seattle", "TX": "Austin", "CA": "Fresno", "NY": "Albany", "FL": "Tampa",
               "IL": "Peoria", "OH": "Dayton", "GA": "Macon", "NC": "Raleigh", "MI": "Lansing",
               "PA": "Erie", "AZ": "Tempe", "CO": "Boulder", "MN": "Duluth", "ON": "Ottawa",
               "BC": "Victoria", "QC": "Laval"}  # fmt: skip
_OLD_ZIPS = {"WA": "98101", "TX": "73301", "CA": "93650", "NY": "12207", "FL": "33602",
             "IL": "61602", "OH": "45402", "GA": "31201", "NC": "27601", "MI": "48933",
             "PA": "16501", "AZ": "85281", "CO": "80302", "MN": "55802", "ON": "K1A 0B1",
             "BC": "V8W 1P6", "QC": "H7T 1C8"}  # fmt: skip


def _old_customer(rng: random.Random, n: int, region: str) -> dict[str, Any]:
    return {
        "customer_number": f"C-{n:07d}",
        "name": f"Customer {n} Supply Co",
        "address_line1": f"{rng.randint(1, 9999)} {rng.choice(_OLD_STREETS)}",
        "address_line2": rng.choice([None, "Suite 100", "Bldg 2"]),
        "city": _OLD_CITIES[region],
        "region": region,
        "postal_code": _OLD_ZIPS[region],
        "country": "CA" if region in _OLD_CA else "US",
    }


def _repeats(rng: random.Random, i: int) -> dict[str, Any]:
    canadian = rng.random() < 0.15
    pool = _OLD_CA if canadian else _OLD_US
    regions = rng.sample(pool, rng.choice([1, 1, 1, 2, 3]))
    customers = [_old_customer(rng, i * 3 + k, regions[0]) for k in range(rng.choice([1, 1, 2, 3]))]
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
        _break_old(rng, cert)
    return cert


def _break_old(rng: random.Random, cert: dict[str, Any]) -> None:
    problem = rng.choice(["name", "address", "long_address", "no_tax_region", "reason",
                          "single_use", "future", "tax_id"])  # fmt: skip
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


# --- corpora and dialects -------------------------------------------------------------------------


def native_certificates(
    count: int, seed: int = 1, corpus: str = "realistic"
) -> Iterator[dict[str, Any]]:
    """``count`` certificates of ``corpus`` (``realistic`` or ``repeats``), native dialect."""
    if corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}; expected one of {CORPORA}")
    rng = random.Random(f"{corpus}-{seed}" if corpus == "realistic" else seed)
    make = _realistic if corpus == "realistic" else _repeats
    for i in range(count):
        yield make(rng, i)


def sized_certificates(
    count: int, *, customers: int = 1, regions: int = 1, seed: int = 1
) -> Iterator[dict[str, Any]]:
    """Realistic native certificates with exactly ``customers`` customers and ``regions``
    regions each (US states, then provinces): the growth figures."""
    rng = random.Random(f"sized-{customers}-{regions}-{seed}")
    pool = [r for r in _regions() if r in _zip_prefixes() or r in _postal_letters()]
    for i in range(count):
        cert = _realistic(rng, i)
        home = cert["regions"][0]
        others = rng.sample([r for r in pool if r != home], regions - 1)
        cert["regions"] = [home, *others]
        cert["customers"] = [
            _realistic_customer(rng, i * 1000 + k, rng.choice(cert["regions"]))
            for k in range(customers)
        ]
        yield cert


def _name(short: str) -> str:
    row = _regions().get(short)
    return row["name"] if row else short  # an unknown region is sent as written


def _avatax(cert: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": int(cert["id"]),
        "signedDate": cert["effective_date"],
        "expirationDate": cert["expiration_date"],
        "filename": f"{cert['id']}.pdf",
        "exemptPercentage": cert["exempt_percentage"],
        "isSingleCertificate": cert["single_use"],
        "exemptionNumber": cert["tax_id"],
        **({"taxNumberType": cert["tax_id_type"]} if cert.get("tax_id_type") else {}),
        "exemptionReason": {"name": {"G": "RESALE", "C": "TRIBAL GOVERNMENT"}.get(
            cert["exempt_reason"], cert["exempt_reason"])},
        "exposureZones": [{"name": _name(r)} for r in cert["regions"]],
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
        **({"tax_number_type": cert["tax_id_type"]} if cert.get("tax_id_type") else {}),
        "exmpt_percent": cert["exempt_percentage"],
        "expected_tax_code": {"name": cert["exempt_reason"]},
        "exposure_zones": [{"name": _name(r)} for r in cert["regions"]],
        "customers": [
            {"customer_number": c["customer_number"], "name": c["name"],
             "address_line1": c["address_line1"], "address_line2": c["address_line2"],
             "city": c["city"], "zip": c["postal_code"], "state": {"initials": c["region"]},
             "country": {"initials": c["country"]}}
            for c in cert["customers"]
        ],
    }  # fmt: skip


def certificates(count: int, seed: int = 1, corpus: str = "realistic") -> Iterator[dict[str, Any]]:
    """``count`` certificates, rotating native / AvaTax REST v2 / CertCapture v2 dialects."""
    for i, cert in enumerate(native_certificates(count, seed, corpus)):
        yield (cert, _avatax(cert), _certcapture(cert))[i % 3]


def avatax_by_code(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """``count`` AvaTax ``CreateCertificates`` bodies of the realistic corpus whose customers
    are given by code only (``{"customerCode": ...}``, every third one with ``companyId`` as
    the developer guide writes it): the customers themselves are created by another call."""
    for i, cert in enumerate(native_certificates(count, seed)):
        body = _avatax(cert)
        body["customers"] = [
            {"companyId": 1, "customerCode": c["customerCode"]}
            if i % 3 == 0
            else {"customerCode": c["customerCode"]}
            for c in body["customers"]
        ]
        yield body


def main(argv: Sequence[str] | None = None) -> int:
    """Write N certificates (default 1000) as NDJSON to stdout."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate")
    parser.add_argument("count", type=int, nargs="?", default=1000)
    parser.add_argument("--corpus", choices=CORPORA, default="realistic")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    out = sys.stdout
    for cert in certificates(args.count, args.seed, args.corpus):
        out.write(json.dumps(cert, separators=(",", ":")))
        out.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
