"""Regenerate examples/certificates.{json,ndjson,csv} from one list of fictional certificates.

The three files hold the same certificates, so they give the same findings (a test
checks it); the JSON and NDJSON files write them in the three dialects (native,
AvaTax REST v2, CertCapture v2), the CSV in the CertCapture customer import column
names. The NDJSON file ends with two lines only NDJSON can hold: a JSON array
(not-an-object, 4002) and a truncated line (invalid-json, 4001). All names and
addresses are made up.

Run: ``python scripts/make_examples.py`` (from the repository root).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from certpreflight.reference.regions import lookup_region

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def customer(  # noqa: PLR0917 - reads like a row of the customer import template
    number: str | None,
    name: str | None,
    line1: str | None,
    city: str | None,
    region: str | None,
    zip_: str | None,
    country: str | None = "US",
    line2: str | None = None,
) -> dict[str, Any]:
    """A native customer (None: the field is absent)."""
    fields = {
        "customer_number": number,
        "name": name,
        "address_line1": line1,
        "address_line2": line2,
        "city": city,
        "region": region,
        "postal_code": zip_,
        "country": country,
    }
    return {k: v for k, v in fields.items() if v is not None}


def cert(
    id_: str,
    reason: str | None,
    regions: list[str],
    customers: list[dict[str, Any]],
    *,
    tax_id: str | None = "TX-00000000",
    dialect: str = "native",
    **extra: Any,
) -> tuple[str, dict[str, Any]]:
    """(dialect, native certificate)."""
    fields: dict[str, Any] = {
        "id": id_,
        "exempt_reason": reason,
        "regions": regions,
        "effective_date": "2026-02-01",
        "expiration_date": "2029-12-31",
        "tax_id": tax_id,
        "customers": customers,
    }
    fields.update(extra)
    return dialect, {k: v for k, v in fields.items() if v is not None}


ACME = customer("C-1001", "Larkspur Office Supply", "410 Harbor Ave", "Tacoma", "WA", "98402")
BIRCH = customer("C-1002", "Birchwood Hardware LLC", "88 Mill Rd", "Austin", "TX", "78701")
CEDAR = customer("C-1003", "Cedar Point Bakery", "12 Orchard Ln", "Columbus", "OH", "43004")
DUNE = customer("C-1004", "Dunmore Medical Clinic", "9 Spruce St", "Portland", "OR", "97201")
ELM = customer("C-1005", "Elmstead Library Foundation", "300 Lake Dr", "Madison", "WI", "53703")
FJORD = customer(
    "C-1006", "Fjordline Outfitters Ltd", "55 Granville St", "Vancouver", "BC", "V6C 1T2", "CA"
)
LONG = "1200 North Commerce Industrial Park Boulevard, Building 7, Loading Dock B"

CERTIFICATES: list[tuple[str, dict[str, Any]]] = [
    # clean certificates
    cert("EX-001", "G", ["WA"], [ACME], tax_id="601234567"),
    cert("EX-002", "RESALE", ["TX"], [BIRCH], tax_id="32012345678", dialect="avatax"),
    cert("EX-003", "RESALE", ["OH"], [CEDAR], tax_id="98-7654321", dialect="certcapture"),
    cert("EX-004", "A", ["WA"], [ACME], tax_id="601234567", dialect="avatax"),
    cert("EX-005", "G", ["WA", "TX"], [ACME, BIRCH], tax_id="601234567"),
    cert("EX-006", "D", ["TX"], [BIRCH], tax_id="DIP-44120", dialect="certcapture"),
    cert(
        "EX-007",
        "G",
        ["OH"],
        [CEDAR],
        tax_id="98-7654321",
        single_use=True,
        po_numbers=["PO-88213"],
    ),
    cert("EX-008", "G", ["WI"], [ELM], tax_id="456-789012-03", dialect="avatax"),
    # customer record problems (2101-2108)
    cert("EX-101", "G", ["WA"], [{**ACME, "name": ""}], tax_id="601234567"),
    cert("EX-102", "G", ["TX"], [{**BIRCH, "address_line1": " "}], dialect="certcapture"),
    cert("EX-103", "G", ["TX"], [{**BIRCH, "address_line1": LONG}], dialect="avatax"),
    cert("EX-104", "G", ["TX"], [{**BIRCH, "address_line2": LONG}]),
    cert(
        "EX-105",
        "G",
        ["OH"],
        [{k: v for k, v in CEDAR.items() if k != "city"}],
        dialect="certcapture",
    ),
    cert("EX-106", "G", ["TX"], [{k: v for k, v in BIRCH.items() if k != "region"}]),
    cert("EX-107", "G", ["TX"], [{**BIRCH, "postal_code": ""}], dialect="avatax"),
    cert("EX-108", "G", ["TX"], [{k: v for k, v in BIRCH.items() if k != "country"}]),
    cert(
        "EX-109", "G", ["WA", "TX"], [ACME, {**BIRCH, "name": "", "city": ""}], tax_id="601234567"
    ),
    # certificate problems (2201, 2301, 2302)
    cert("EX-201", "G", ["TX"], [BIRCH], single_use=True),
    cert("EX-202", None, ["TX"], [BIRCH]),
    cert("EX-203", "BULK BUYER", ["TX"], [BIRCH], dialect="certcapture"),
    # situs (3001, 3101, 3102, 3103)
    cert("EX-301", "G", ["Atlantis"], [BIRCH]),
    cert("EX-302", "G", ["WA", "NH"], [ACME], tax_id="601234567"),
    cert("EX-303", "G", ["TX", "OR", "MT"], [BIRCH, DUNE], dialect="certcapture"),
    cert(
        "EX-304",
        "E",
        ["CA"],
        [customer("C-1007", "Golden Poppy Rescue", "77 Mission St", "San Jose", "CA", "95112")],
    ),
    cert(
        "EX-305",
        "B",
        ["NY"],
        [
            customer(
                "C-1008", "Hudson Valley Transit Authority", "1 Depot Sq", "Albany", "NY", "12207"
            )
        ],
    ),
    cert("EX-306", "R", ["BC"], [FJORD], tax_id="PST-1234-5678"),
    # formatting, status, identity (4003, 5101, 6101, 6201, 6202)
    cert("EX-401", "G", ["TX"], [BIRCH], effective_date="banana"),
    cert("EX-501", "G", ["TX"], [BIRCH], effective_date="2099-01-01", expiration_date="2102-01-01"),
    cert("EX-601", "G", ["TX"], [{k: v for k, v in BIRCH.items() if k != "customer_number"}]),
    cert("EX-602", "G", ["WA"], [ACME], tax_id=None, dialect="avatax"),
    cert("EX-603", "G", ["TX"], [BIRCH], tax_id=None),
    # a customer name a spreadsheet would run as a formula: the CSV report neutralises it
    cert(
        "EX-701",
        "G",
        ["TX"],
        [{**BIRCH, "customer_number": "C-1009", "name": "@Home Furnishings", "address_line1": ""}],
    ),
]


def _avatax(c: dict[str, Any]) -> dict[str, Any]:
    region = lookup_region(c["regions"][0]) if len(c["regions"]) == 1 else None
    out: dict[str, Any] = {
        "id": c["id"],
        "signedDate": c.get("effective_date"),
        "expirationDate": c.get("expiration_date"),
        "filename": f"{c['id']}.pdf",
        "exemptPercentage": 100,
        "isSingleCertificate": c.get("single_use", False),
        "exemptionNumber": c.get("tax_id"),
        "exemptionReason": {"name": c["exempt_reason"]} if "exempt_reason" in c else None,
        "exposureZone": {"name": region.name} if region else None,
        "exposureZones": None if region else [{"name": r} for r in c["regions"]],
        "customers": [
            _drop_none(
                {
                    "customerCode": cu.get("customer_number"),
                    "name": cu.get("name"),
                    "line1": cu.get("address_line1"),
                    "line2": cu.get("address_line2"),
                    "city": cu.get("city"),
                    "region": cu.get("region"),
                    "postalCode": cu.get("postal_code"),
                    "country": cu.get("country"),
                }
            )
            for cu in c["customers"]
        ],
    }
    return _drop_none(out)


def _certcapture(c: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c["id"],
        "signed_date": c.get("effective_date"),
        "expiration_date": c.get("expiration_date"),
        "is_single": c.get("single_use", False),
        "tax_number": c.get("tax_id"),
        "exmpt_percent": 100,
        "expected_tax_code": {"name": c["exempt_reason"]} if "exempt_reason" in c else None,
        "exposure_zones": [{"name": _name(r)} for r in c["regions"]],
        "customers": [
            _drop_none(
                {
                    "customer_number": cu.get("customer_number"),
                    "name": cu.get("name"),
                    "address_line1": cu.get("address_line1"),
                    "address_line2": cu.get("address_line2"),
                    "city": cu.get("city"),
                    "zip": cu.get("postal_code"),
                    "state": {"initials": cu["region"]} if "region" in cu else None,
                    "country": {"initials": cu["country"]} if "country" in cu else None,
                }
            )
            for cu in c["customers"]
        ],
    }
    return _drop_none(out)


def _name(region: str) -> str:
    found = lookup_region(region)
    return found.name if found else region


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def _in_dialect(dialect: str, c: dict[str, Any]) -> dict[str, Any]:
    if dialect == "avatax":
        return _avatax(c)
    if dialect == "certcapture":
        return _certcapture(c)
    return c


CSV_HEADER = [
    "Certificate ID",
    "Exempt Reason",
    "Exposure Zones",
    "Effective Date",
    "Expiration Date",
    "Single Use",
    "PO Numbers",
    "Tax ID",
    "Billing Customer Number",
    "Name 1",
    "Address 1",
    "Address 2",
    "City",
    "State",
    "Zip",
    "Country",
]


def _csv_rows(c: dict[str, Any]) -> list[list[str]]:
    head = [
        c["id"],
        c.get("exempt_reason", ""),
        "; ".join(c["regions"]),
        c.get("effective_date", ""),
        c.get("expiration_date", ""),
        "SINGLE" if c.get("single_use") else "BLANKET",
        "; ".join(c.get("po_numbers", [])),
        c.get("tax_id", ""),
    ]
    keys = ("customer_number", "name", "address_line1", "address_line2", "city", "region")
    keys += ("postal_code", "country")
    return [head + [cu.get(k, "") for k in keys] for cu in c["customers"]]


def main() -> None:
    """Write the three example files."""
    docs = [_in_dialect(dialect, c) for dialect, c in CERTIFICATES]
    with open(EXAMPLES / "certificates.json", "w", encoding="utf-8") as out:
        json.dump(docs, out, indent=2, ensure_ascii=False)
        out.write("\n")
    with open(EXAMPLES / "certificates.ndjson", "w", encoding="utf-8") as out:
        for doc in docs:
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        out.write('["EX-801", "G", "TX"]\n')
        out.write('{"id": "EX-802", "exempt_reason": "G", "regions": ["TX"\n')
    with open(EXAMPLES / "certificates.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for _, c in CERTIFICATES:
            writer.writerows(_csv_rows(c))


if __name__ == "__main__":
    main()
