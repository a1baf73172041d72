"""An AvaTax export and a source, written after Avalara's documented response shapes.

``QueryCustomers`` and ``QueryCertificates`` answer a FetchResult (``@recordsetCount``, ``value``,
``@nextLink`` while more pages follow; .NET SDK ``FetchResult.cs``); a CustomerModel as GET returns
it (id, companyId, customerCode, ..., createdDate, modifiedDate, exposureZones as
ExposureZoneModel); a CertificateModel with ``$include=customers,po_numbers`` (id, companyId,
signedDate and expirationDate as date-times, exemptionReason and validatedExemptionReason as
ExemptionReasonModel, exposureZone as ExposureZoneModel and exposureZoneName, status, ecmStatus,
customers as full CustomerModels, poNumbers as PoNumberModel). docs/sources.md#sync-plans.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

COMPANY = 12345
TODAY = dt.date(2026, 11, 1)


def zone(name: str, region: str, ident: int) -> dict[str, Any]:
    """An ExposureZoneModel as AvaTax returns it."""
    return {
        "id": ident,
        "companyId": COMPANY,
        "name": name,
        "tag": f"EZ_US_{region}",
        "description": name,
        "region": region,
        "country": "US",
    }


WASHINGTON = zone("Washington", "WA", 82)
TEXAS = zone("Texas", "TX", 78)
RESALE = {"id": 70, "name": "RESALE", "description": "Resale"}


def held_customer(code: str, ident: int, **fields: Any) -> dict[str, Any]:
    """A CustomerModel as QueryCustomers returns it."""
    record = {
        "id": ident,
        "companyId": COMPANY,
        "customerCode": code,
        "alternateId": None,
        "name": "Acme Supply Co",
        "attnName": None,
        "line1": "100 Main St",
        "line2": "Suite 4",
        "city": "Seattle",
        "postalCode": "98101",
        "phoneNumber": "206-555-0100",
        "faxNumber": None,
        "emailAddress": "tax@acme.example",
        "contactName": "Pat Lee",
        "lastTransaction": "2026-10-01T00:00:00",
        "createdDate": "2025-02-01T10:00:00",
        "modifiedDate": "2026-03-01T10:00:00",
        "country": "US",
        "region": "WA",
        "isBill": True,
        "isShip": False,
        "taxpayerIdNumber": None,
        "exposureZones": [WASHINGTON],
    }
    return {**record, **fields}


def held_certificate(
    ident: int, customers: list[dict[str, Any]], exposure: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    """A CertificateModel as QueryCertificates returns it with $include=customers,po_numbers."""
    record = {
        "id": ident,
        "companyId": COMPANY,
        "signedDate": "2026-01-15T00:00:00",
        "expirationDate": "2029-01-15T00:00:00",
        "filename": f"cert-{ident}.pdf",
        "documentExists": True,
        "valid": True,
        "verified": False,
        "exemptPercentage": 100.0,
        "isSingleCertificate": False,
        "exemptionNumber": "601234567",
        "validatedExemptionReason": RESALE,
        "exemptionReason": RESALE,
        "status": "COMPLETE",
        "ecmStatus": "Valid",
        "createdDate": "2026-01-15T10:00:00",
        "modifiedDate": "2026-01-15T10:00:00",
        "taxNumberType": "FEIN",
        "businessNumberType": "Retail trade",
        "pageCount": 1,
        "customers": customers,
        "poNumbers": [],
        "exposureZone": exposure,
        "exposureZoneName": exposure["name"],
        "ecmsId": 4000 + ident,
        "ecmsStatus": "ACTIVE",
    }
    return {**record, **fields}


C1 = held_customer("C-1001", 501)
C2 = held_customer("C-1002", 502, name="Bolt Hardware", line1="9 Pine Rd", city="Spokane",
                   postalCode="99201")  # fmt: skip
C_OLD = held_customer("C-OLD", 503, name="Gone Away LLC", line1="1 Old Rd", city="Tacoma",
                      postalCode="98402")  # fmt: skip
CERT_11 = held_certificate(11, [C1], WASHINGTON)
CERT_12 = held_certificate(12, [C2], TEXAS, exemptionNumber="32012345678")
CERT_13 = held_certificate(13, [C_OLD], WASHINGTON)


def page(records: list[dict[str, Any]], total: int, next_link: str | None = None) -> dict[str, Any]:
    """A FetchResult page."""
    found: dict[str, Any] = {"@recordsetCount": total, "value": records}
    if next_link is not None:
        found["@nextLink"] = next_link
    return found


#: The export: QueryCustomers in one page, QueryCertificates in two.
EXPORT = [
    page([C1, C2, C_OLD], 3),
    page([CERT_11, CERT_12], 3, f"/api/v2/companies/{COMPANY}/certificates?$top=2&$skip=2"),
    page([CERT_13], 3),
]  # fmt: skip


def source_from_export() -> list[dict[str, Any]]:
    """The export's records, as a source that sends exactly what Avalara holds."""
    return [copy.deepcopy(r) for p in EXPORT for r in p["value"]]
