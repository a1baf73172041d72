"""Converting: the same record in another dialect, and what the target can't hold.

>>> from certpreflight.convert import convert
>>> out = convert({"id": "1", "exempt_reason": "G", "regions": ["WA", "OR"],
...                "customers": [{"customer_number": "C1", "region": "Washington"}]},
...               to="avatax")
>>> [body["exposureZone"] for body in out.records]
[{'name': 'Washington'}, {'name': 'Oregon'}]
>>> out.records[0]["customers"]
[{'customerCode': 'C1', 'region': 'WA'}]

Targets (``docs/sources.md#avatax-models``, ``#certcapture-api``, ``#import-templates``):

* ``native``: certpreflight's snake_case record (:data:`certpreflight.dialects.NATIVE`);
* ``avatax``: AvaTax REST v2 bodies: a certificate becomes ``CreateCertificates`` items, one
  per exposure zone (:func:`certpreflight.avatax.to_avatax_certificates`) with its customers
  embedded in full as ``CustomerModel`` (:func:`certpreflight.avatax.to_avatax_customers`),
  and without the record's ``id``: ``CertificateModel.id`` is the number AvaTax assigns when
  it creates the certificate (not a loss: keep your id beside the one AvaTax returns);
  a customer record a ``CreateCustomers`` item; a link a ``LinkCustomersModel``;
* ``certcapture``: CertCapture v2 bodies (``POST /v2/certificates``, ``/v2/customers``),
  with the keys of :data:`certpreflight.dialects.CERTCAPTURE`;
* ``certcapture-csv``: rows of the CertCapture import template columns, one per
  certificate-customer link, with the header names the CSV reader accepts
  (:data:`certpreflight.io.csvfile.CSV_COLUMNS`); a customer record rows of CertCapture's
  customer import template (:data:`CUSTOMER_CSV_HEADERS`), one per ship-to state;
* ``avatax-csv``: rows of the AvaTax exemption import template (ECMS Cert ID, Issuing
  Country, Issuing Region, Exemption No ... Country: :data:`AVATAX_CSV_HEADERS`), one per
  issuing region and customer, which the CSV reader reads back.

Reading the result back gives the same record but for what the target can't hold, and
:attr:`Conversion.lost` says what that is (AvaTax has no form name; the CSV template no
third address line ...): it is computed by reading the converted records back and
comparing them with the record, so it never misses a field.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from certpreflight import literals
from certpreflight.avatax import to_avatax_certificates, to_avatax_customers, zone_reference
from certpreflight.dialects import (
    AVATAX,
    CERTCAPTURE,
    CERTIFICATE_KEYS,
    CODE_KEYS,
    CUSTOMER_KEYS,
    CUSTOMER_RECORD_KEYS,
    LINK_KEYS,
    is_mapping,
    zone_id,
)
from certpreflight.engine import Payload, checked
from certpreflight.io import Record
from certpreflight.io.csvfile import CUSTOMER_TEMPLATE, group_rows, header_columns
from certpreflight.literals import Kind, Target
from certpreflight.models import Customer, CustomerRecord, ExemptionCertificate, Link
from certpreflight.reading import plain
from certpreflight.reference.countries import country_code
from certpreflight.reference.reasons import lookup_reason
from certpreflight.reference.regions import lookup_region

__all__ = [
    "AVATAX_CSV_HEADERS",
    "CSV_HEADERS",
    "CSV_TARGETS",
    "CUSTOMER_CSV_HEADERS",
    "TARGETS",
    "Conversion",
    "convert",
    "csv_header",
    "native_record",
]

TARGETS: tuple[Target, ...] = literals.TARGETS

#: The CertCapture import template's column for each native field, in template order
#: (docs/sources.md#import-templates); each is a header the CSV reader accepts.
CSV_HEADERS: Mapping[str, str] = {
    "id": "Certificate ID",
    "exempt_reason": "Expected Tax Code",
    "exempt_reason_description": "Exempt Reason Description",
    "regions": "Exposure Zones",
    "effective_date": "Signed Date",
    "expiration_date": "Expiration Date",
    "single_use": "Is Single",
    "po_numbers": "PO Numbers",
    "tax_id": "Tax Number",
    "tax_id_type": "Tax Number Type",
    "exempt_percentage": "Exempt Percent",
    "filename": "File Name",
    "customer_number": "Billing Customer Number",
    "name": "Name 1",
    "address_line1": "Address 1",
    "address_line2": "Address 2",
    "city": "City",
    "region": "State",
    "postal_code": "Zip",
    "country": "Country",
}

#: The AvaTax exemption import template's columns, in template order, each the field it
#: holds: a native field, ``regions`` for Issuing Country (the issuing region's country: the
#: reader reads the region in it), or ``business_type_description``, the member the reader
#: keeps Business Type Desc under (no rule reads it; written back when a record carries it).
#: None: ECMS Cert ID, which the import ignores ("leave it blank"), written empty. Every
#: column is a header the CSV reader accepts (docs/sources.md#import-templates).
AVATAX_CSV_HEADERS: Mapping[str, str | None] = {
    "ECMS Cert ID": None,
    "Issuing Country": "regions",
    "Issuing Region": "regions",
    "Exemption No": "tax_id",
    "Exemption No Type": "tax_id_type",
    "Eff Date": "effective_date",
    "End Date": "expiration_date",
    "Customer Code": "customer_number",
    "Cert Type": "single_use",
    "Invoice/PO No": "po_numbers",
    "Business Type": "business_type",
    "Business Type Desc": "business_type_description",
    "Exemption Reason": "exempt_reason",
    "Exemption Reason Desc": "exempt_reason_description",
    "Customer Name": "name",
    "Address 1": "address_line1",
    "Address 2": "address_line2",
    "Address 3": "address_line3",
    "City": "city",
    "Region": "region",
    "Postal Code": "postal_code",
    "Country": "country",
}

#: The CSV targets and their header rows, in column order.
CSV_TARGETS: Mapping[str, tuple[str, ...]] = {
    "certcapture-csv": tuple(CSV_HEADERS.values()),
    "avatax-csv": tuple(AVATAX_CSV_HEADERS),
}
#: The header a customer record is written under by ``certcapture-csv``: CertCapture's
#: customer import template ("Basic Information"), which the CSV reader reads back as
#: customer records (docs/sources.md#import-templates).
CUSTOMER_CSV_HEADERS: tuple[str, ...] = tuple(CUSTOMER_TEMPLATE)
#: The customer template's columns for the members of a customer record no field reads
#: (CertCapture's ``email_address`` ...; AvaTax's ``emailAddress`` ... are the same in camelCase).
_CUSTOMER_TEMPLATE_CARRIES: Mapping[str, str] = {
    field: heading
    for heading, field in CUSTOMER_TEMPLATE.items()
    if field not in CustomerRecord.model_fields and field != "name_2"
}

#: The AvaTax template's columns for the members of a certificate no field reads.
_AVATAX_TEMPLATE_CARRIES: Mapping[str, str] = {
    field: heading
    for heading, field in AVATAX_CSV_HEADERS.items()
    if field is not None
    and field not in ExemptionCertificate.model_fields
    and field not in Customer.model_fields
}


def _customer_columns(pairs: Iterable[tuple[str, str | None]]) -> tuple[tuple[str, str], ...]:
    """The ``(heading, field)`` pairs of a template that hold a linked customer's fields."""
    return tuple(
        (heading, field)
        for heading, field in pairs
        if field is not None and field in Customer.model_fields
    )


#: The customer columns of each template: CertCapture's import template, the AvaTax exemption
#: import template, CertCapture's customer import template.
_CSV_CUSTOMER = _customer_columns((heading, field) for field, heading in CSV_HEADERS.items())
_AVATAX_CSV_CUSTOMER = _customer_columns(AVATAX_CSV_HEADERS.items())
_CUSTOMER_TEMPLATE_CUSTOMER = _customer_columns(CUSTOMER_TEMPLATE.items())


def csv_header(to: str, kind: str | None) -> tuple[str, ...] | None:
    """The header row a record of ``kind`` is written under in CSV target ``to``; None for a
    target that isn't CSV. One file holds one header: a customer record converted to
    ``certcapture-csv`` goes in a file of customer records (:data:`CUSTOMER_CSV_HEADERS`)."""
    if to == "certcapture-csv" and kind == "customer":
        return CUSTOMER_CSV_HEADERS
    return CSV_TARGETS.get(to)


@dataclass(frozen=True, slots=True)
class Conversion:
    """What :func:`convert` gives: the records in the target dialect and what they lost."""

    to: Target
    kind: Kind | None
    #: The converted records (AvaTax: one certificate per exposure zone; CSV: one row, a
    #: mapping of column -> text, per certificate-customer link). Empty when the record
    #: could not be read (``problem`` says why).
    records: tuple[dict[str, Any], ...]
    #: What the target can't hold: ``"field: value"`` per native field that reads back
    #: differently.
    lost: tuple[str, ...] = ()
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True when the record was converted and lost nothing."""
        return self.problem is None and not self.lost


def _clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None and v not in ((), [])}


#: A member no field reads: the index of the customer holding it (None: the record's own),
#: its key and its value.
_Unread = tuple[int | None, str, Any]


def _read(payload: Any, kind: Kind | None = None) -> tuple[Kind | None, Any, str | None]:
    """The record's kind and model, as ``check`` reads it (the engine's one reading route), or
    why it can't be read: its first Formatting error (a value that can't be read is lost)."""
    report, read = next(checked([payload], select=["4"], kind=kind))
    errors = [f.message for f in report.findings if f.severity == "error"]
    model = read.certificate if read.kind == "certificate" else read.record
    if model is None and not errors:
        errors.append("it is not a certificate, a customer or a link")
    return read.kind, model, errors[0] if errors else None


def _unread(payload: Any, kind: str | None) -> list[_Unread]:
    """The members of ``payload`` no field reads (a customer's ``emailAddress``)."""
    if isinstance(payload, (str, bytes, bytearray)):
        payload = json.loads(payload)
    if not is_mapping(payload):
        return []
    link_keys = {**LINK_KEYS, **dict.fromkeys(CODE_KEYS, "customers")}
    keys = {"customer": CUSTOMER_RECORD_KEYS, "link": link_keys}.get(kind or "", CERTIFICATE_KEYS)
    unread: list[_Unread] = [(None, k, v) for k, v in payload.items() if k not in keys]
    customers = payload.get("customers") if kind == "certificate" else None
    if is_mapping(customers):  # one customer given as an object: read as customers[0]
        customers = [customers]
    for i, customer in enumerate(customers if isinstance(customers, list) else ()):
        if is_mapping(customer):
            unread += [(i, k, v) for k, v in customer.items() if k not in CUSTOMER_KEYS]
    return unread


def _template_column(to: str, kind: str | None, key: Any) -> str | None:
    """The import template's column for a record's unread member, if any: a customer
    record's ``email_address`` or ``emailAddress`` in CertCapture's customer template
    (Billing Customer Email), a certificate's ``business_type_description`` in the AvaTax
    exemption template (Business Type Desc)."""
    if not isinstance(key, str):
        return None
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()
    if to == "certcapture-csv" and kind == "customer":
        return _CUSTOMER_TEMPLATE_CARRIES.get(snake)
    if to == "avatax-csv" and kind == "certificate":
        return _AVATAX_TEMPLATE_CARRIES.get(snake)
    return None


def _carry(
    to: str, kind: str | None, records: list[dict[str, Any]], unread: list[_Unread]
) -> list[str]:
    """Write into ``records`` each unread member the target's API documents, in its spelling
    (AvaTax's ``emailAddress`` is CertCapture's ``email_address``, docs/sources.md); the
    others, ``"key: value"``, as lost."""
    dialect = {"avatax": AVATAX, "certcapture": CERTCAPTURE}.get(to)
    lost = []
    for index, key, value in unread:
        own = index is None and kind != "customer"
        documented = frozenset() if dialect is None else (
            dialect.documented_certificate if own else dialect.documented_customer
        )  # fmt: skip
        name = None
        if isinstance(key, str):  # a key that isn't text (a dict's 1 or None) is no member
            snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()
            camel = re.sub(r"_([a-z])", lambda m: m[1].upper(), key)
            name = next((k for k in (key, snake, camel) if k in documented), None)
        holders = [
            b if index is None else b["customers"][index]
            for b in records
            if index is None or index < len(b.get("customers") or ())
        ]
        column = _template_column(to, kind, key)
        if column is not None and isinstance(value, (str, int)) and not isinstance(value, bool):
            for row in records:
                row[column] = _csv_text("", value)
            continue
        if name is None or kind == "link" or not holders:
            lost.append(f"{'' if index is None else f'customers[{index}].'}{key}: {value!r}")
            continue
        for holder in holders:
            holder[name] = value
    return lost


def _native_customer(customer: Customer) -> dict[str, Any]:
    fields = {name: getattr(customer, name) for name in Customer.model_fields}
    if isinstance(customer, CustomerRecord):
        fields.update(is_bill=customer.is_bill, is_ship=customer.is_ship)
        fields["exposure_zones"] = [z for z in customer.exposure_zones if z is not None]
    return _clean(fields)


def _native(kind: str | None, model: Any) -> dict[str, Any]:
    if kind == "customer":
        return _native_customer(model)
    if kind == "link":
        return _clean(
            {
                "certificate_id": model.certificate_id,
                "customers": _link_customers(model, lambda code: code, lambda i: {"id": i}),
                "certificates": [c for c in model.certificates if c is not None],
            }
        )
    cert: ExemptionCertificate = model
    fields = {name: getattr(cert, name) for name in ExemptionCertificate.model_fields}
    fields.pop("effective_date_text", None)
    fields.pop("expiration_date_text", None)
    for key in ("effective_date", "expiration_date"):
        fields[key] = fields[key].isoformat() if fields[key] is not None else None
    for key in ("regions", "po_numbers", "pages"):
        fields[key] = list(fields[key]) if fields[key] is not None else None
    if fields["single_use"] is False:
        fields["single_use"] = None
    fields["customers"] = [_native_customer(c) for c in cert.customers]
    return _clean(fields)


def native_record(payload: Any, kind: Kind | None = None) -> dict[str, Any]:
    """``payload`` (any dialect, any kind, or the ``kind`` named) as a native mapping; raises
    if it can't be read."""
    kind, model, problem = _read(payload, kind)
    if problem is not None:
        raise ValueError(problem)
    return _native(kind, model)


def _link_customers(
    link: Link, by_code: Callable[[str], Any], by_id: Callable[[int | str], Any] | None
) -> list[Any]:
    """A link's customers in a target's spelling: by code, or by id where the target takes
    ids (``by_id`` None: it doesn't, and they are left out: the read-back names them lost)."""
    ids = link.customer_ids
    out = []
    for i, code in enumerate(link.customers):
        ident = ids[i] if i < len(ids) else None
        if code is not None:
            out.append(by_code(code))
        elif ident is not None and by_id is not None:
            out.append(by_id(int(ident) if ident.isascii() and ident.isdigit() else ident))
    return out


def _zone_name(value: str) -> str:
    region = lookup_region(value)
    return region.name if region is not None else value


def _region_code(value: str | None, country: str | None) -> str | None:
    if value is None:
        return None
    region = lookup_region(value, country)
    return region.short if region is not None else value


def _country(value: str | None) -> str | None:
    return None if value is None else country_code(value) or value


def _reason_name(value: str | None) -> str | None:
    if value is None:
        return None
    reason = lookup_reason(value)
    return reason.avatax_name if reason is not None else value


def _avatax(kind: str | None, model: Any) -> list[dict[str, Any]]:
    if kind == "link":  # LinkCustomersModel: codes only; LinkCertificatesModel: ids
        certificates = [c for c in model.certificates if c is not None]
        if certificates:  # the customer's code goes in the call's path
            return [{"certificates": certificates}]
        return [{"customers": _link_customers(model, lambda code: code, None)}]
    if kind == "customer":
        cert = ExemptionCertificate(customers=(model,))
        body = to_avatax_customers(cert)[0]
        if model.address_line3 is not None:
            body["line3"] = model.address_line3
        if model.is_bill is not None:
            body["isBill"] = model.is_bill
        if model.is_ship is not None:
            body["isShip"] = model.is_ship
        zones = [zone_reference(z) for z in model.exposure_zones if z is not None]
        return [_clean({**body, "exposureZones": zones})]
    bodies = to_avatax_certificates(model)
    customers = to_avatax_customers(model)
    for body, customer in zip(customers, model.customers, strict=True):
        if customer.address_line3 is not None:  # CustomerModel.line3 (to_avatax_customers
            body["line3"] = customer.address_line3  # leaves it out)
    for body in bodies:  # no id: AvaTax assigns it (docs/sources.md#avatax-models)
        if customers:
            body["customers"] = [dict(c) for c in customers]
    return bodies


def _certcapture_customer(customer: Customer) -> dict[str, Any]:
    country = _country(customer.country)
    region = _region_code(customer.region, country)
    fields: dict[str, Any] = {
        "customer_number": customer.customer_number,
        "name": customer.name,
        "address_line1": customer.address_line1,
        "address_line2": customer.address_line2,
        "city": customer.city,
        "state": None if region is None else {"initials": region},
        "zip": customer.postal_code,
        "country": None if country is None else {"initials": country},
    }
    if isinstance(customer, CustomerRecord):
        fields.update(is_bill=customer.is_bill, is_ship=customer.is_ship)
        fields["exposure_zones"] = [_cc_zone(z) for z in customer.exposure_zones if z is not None]
    return _clean(fields)


def _certcapture(kind: str | None, model: Any) -> list[dict[str, Any]]:
    if kind == "link":  # relations matched by any field: customers by number or id
        customers = _link_customers(
            model, lambda code: {"customer_number": code}, lambda i: {"id": i}
        )
        certificates = [{"id": _id(c)} for c in model.certificates if c is not None]
        return [
            _clean(
                {"id": model.certificate_id, "customers": customers, "certificates": certificates}
            )
        ]
    if kind == "customer":
        return [_certcapture_customer(model)]
    cert: ExemptionCertificate = model
    reason = _reason_name(cert.exempt_reason)
    fields: dict[str, Any] = {
        "id": cert.id,
        "signed_date": cert.effective_date.isoformat() if cert.effective_date else None,
        "expiration_date": cert.expiration_date.isoformat() if cert.expiration_date else None,
        "expected_tax_code": {"name": reason}
        if reason is not None
        else None
        if cert.exempt_reason_id is None
        else {"id": _id(cert.exempt_reason_id)},
        "exempt_reason_description": cert.exempt_reason_description,
        "exposure_zones": [_cc_zone(r) for r in cert.regions],
        "is_single": cert.single_use or None,
        "po_numbers": list(cert.po_numbers),
        "tax_number": cert.tax_id,
        "tax_number_type": cert.tax_id_type,
        "business_number_type": cert.business_type,
        "exmpt_percent": cert.exempt_percentage,
        "filename": cert.filename,
        "pdf": cert.pdf,
        "pages": None if cert.pages is None else list(cert.pages),
        "valid": cert.valid,
        "customers": [_certcapture_customer(c) for c in cert.customers],
    }
    return [_clean(fields)]


def _id(text: str) -> int | str:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else text


def _cc_zone(region: str) -> dict[str, Any]:
    """A CertCapture exposure zone: by name, or by id for a zone given by its id only."""
    ident = zone_id(region)
    return {"name": _zone_name(region)} if ident is None else {"id": ident}


def _csv_text(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field in ("effective_date", "expiration_date"):
        return f"{value.month:02d}/{value.day:02d}/{value.year}"  # the template's mm/dd/yyyy
    if isinstance(value, bool):
        return "single" if value else ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def _customer_cells(columns: tuple[tuple[str, str], ...], customer: Customer) -> dict[str, str]:
    """A customer's cells in a template's ``columns``: its region as the region's code in its
    country, its country as its ISO code, the other fields as they are."""
    country = _country(customer.country)
    cells = {}
    for heading, field in columns:
        if field == "region":
            cells[heading] = _region_code(customer.region, country) or ""
        elif field == "country":
            cells[heading] = country or ""
        else:
            cells[heading] = _csv_text(field, getattr(customer, field))
    return cells


def _csv_customer(record: CustomerRecord) -> list[dict[str, Any]]:
    """Rows of CertCapture's customer import template: one per ship-to state (a copy of the
    customer's row each, as the template asks), or one without; a zone given by id only has
    no row (lost: the template names states)."""
    row = dict.fromkeys(CUSTOMER_TEMPLATE, "")
    row.update(_customer_cells(_CUSTOMER_TEMPLATE_CUSTOMER, record))
    states = [_region_code(z, None) for z in record.exposure_zones if z and zone_id(z) is None]
    return [{**row, "Shipping Customer State": state or ""} for state in states or [None]]


def _csv(kind: str | None, model: Any) -> list[dict[str, Any]]:
    if kind == "customer":
        return _csv_customer(model)
    if kind != "certificate":
        return []
    cert: ExemptionCertificate = model
    shared = {
        CSV_HEADERS[f]: _csv_text(f, getattr(cert, f))
        for f in CSV_HEADERS
        if f in ExemptionCertificate.model_fields
    }
    shared[CSV_HEADERS["exempt_reason"]] = _reason_name(cert.exempt_reason) or ""
    named = [r for r in cert.regions if zone_id(r) is None]  # the template names zones:
    shared[CSV_HEADERS["regions"]] = _csv_text("regions", named)  # an id is lost, not a name
    rows = []
    for customer in cert.customers or (Customer(),):
        rows.append({**shared, **_customer_cells(_CSV_CUSTOMER, customer)})
    return rows


def _avatax_csv(kind: str | None, model: Any) -> list[dict[str, Any]]:
    """Rows of the AvaTax exemption import template: one exemption entry per issuing region
    and customer, as AvaTax imports them (a zone given by id only has no row: lost)."""
    if kind != "certificate":
        return []
    cert: ExemptionCertificate = model
    reason = lookup_reason(cert.exempt_reason) if cert.exempt_reason is not None else None
    shared = {
        "Exemption No": cert.tax_id or "",
        "Exemption No Type": cert.tax_id_type or "",
        "Eff Date": _csv_text("effective_date", cert.effective_date),
        "End Date": _csv_text("expiration_date", cert.expiration_date),
        "Cert Type": "SINGLE" if cert.single_use else "BLANKET",
        "Invoice/PO No": _csv_text("po_numbers", cert.po_numbers),
        "Business Type": cert.business_type or "",
        "Exemption Reason": reason.code if reason is not None else cert.exempt_reason or "",
        "Exemption Reason Desc": cert.exempt_reason_description or "",
    }
    rows = []
    regions: list[str | None] = [r for r in cert.regions if zone_id(r) is None]
    for region in regions or [None]:
        found = lookup_region(region) if region is not None else None
        issued_in, _, short = (region or "").rpartition("-")  # an unknown region as read
        issuing = {
            "Issuing Country": found.country if found is not None else issued_in,
            "Issuing Region": found.short if found is not None else short,
        }
        for customer in cert.customers or (Customer(),):
            row = {**issuing, **shared, **_customer_cells(_AVATAX_CSV_CUSTOMER, customer)}
            rows.append({header: row.get(header, "") for header in AVATAX_CSV_HEADERS})
    return rows


def _csv_records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records the CSV reader reads from ``rows`` (the round trip's other half)."""
    if not rows:
        return []
    header = list(rows[0])
    columns = header_columns(header, "<converted>")
    cells = (Record("<converted>", [str(row.get(h, "")) for h in header], 0, 0) for row in rows)
    return [native_record(r.payload) for r in group_rows(cells, columns) if is_mapping(r.payload)]


def _avatax_csv_back(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One certificate from the template's rows (:func:`_avatax_csv`: region by region, the
    customers in each): the first row's fields, every issuing region once, and the
    customers of the first region's rows."""
    records = _csv_records(rows)
    if not records:
        return {}
    back = dict(records[0])
    first = records[0].get("regions")
    regions = [r for record in records for r in record.get("regions", ())]
    customers = []
    for record in records:
        if record.get("regions") != first:
            break
        customers += record.get("customers", ())
    back["regions"] = list(dict.fromkeys(regions))
    back["customers"] = customers
    return _clean(back)


def _csv_back(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The certificate the CSV reader reads from ``rows`` (the round trip's other half)."""
    records = _csv_records(rows)
    return records[0] if records else {}


def _back(to: str, kind: Kind | None, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Read converted records back into one native record (AvaTax's zones merged)."""
    if to == "certcapture-csv":
        return _csv_back(records)
    if to == "avatax-csv":
        return _avatax_csv_back(records)
    if not records:
        return {}
    back = native_record(records[0], kind)
    if to == "avatax" and kind == "certificate" and len(records) > 1:
        back["regions"] = [r for body in records for r in native_record(body).get("regions", ())]
    return back


def _zone_key(region: str) -> str:
    """A region as given, by its ISO code when it names one (``"WA"``, ``"Washington"``)."""
    found = lookup_region(region)
    return found.code if found is not None else region


def _numbers_kept(cert: ExemptionCertificate, bodies: list[dict[str, Any]]) -> bool:
    """True when AvaTax bodies (one a zone) carry each of ``cert``'s regions' numbers
    (:meth:`~certpreflight.models.ExemptionCertificate.tax_id_for`) as their
    ``exemptionNumber``, and every number the certificate gives is one of them: its
    ``tax_id`` / ``tax_ids`` are then kept, spread over the bodies, not lost."""
    want = {
        _zone_key(r): cert.tax_id_for(_zone_key(r)) if zone_id(r) is None else cert.tax_id
        for r in cert.regions
    }
    got: dict[str, Any] = {}
    for body in bodies:
        back = native_record(body, "certificate")
        for region in back.get("regions", ()):
            got[_zone_key(region)] = back.get("tax_id")
    if not want or want != got:
        return False
    given = [number for _, number in cert.tax_ids]
    if cert.tax_id is not None:
        given.append(cert.tax_id)
    return all(number in got.values() for number in given)


def _same(field: str, before: Any, after: Any) -> bool:
    """True when two native values say the same (the target's own spelling of a value)."""
    if before == after:
        return True
    if field in ("region", "regions", "exposure_zones"):
        items = before if isinstance(before, list) else [before]
        again = after if isinstance(after, list) else [after]
        codes = [getattr(lookup_region(v), "code", v) for v in items]
        return codes == [getattr(lookup_region(v), "code", v) for v in again]
    if field == "country":
        return _country(before) == _country(after)
    if field == "exempt_reason":
        return _reason_name(before) == _reason_name(after)
    return False


def _lost(before: Mapping[str, Any], after: Mapping[str, Any], prefix: str = "") -> list[str]:
    lost = []
    for field, value in before.items():
        if field == "customers" and isinstance(value, list) and value and is_mapping(value[0]):
            again = after.get("customers") or []
            for i, customer in enumerate(value):
                other = again[i] if i < len(again) and is_mapping(again[i]) else {}
                lost += _lost(customer, other, f"{prefix}customers[{i}].")
        elif not _same(field, value, after.get(field)):
            lost.append(f"{prefix}{field}: {value!r}")
    return lost


def _finite(record: dict[str, Any], prefix: str = "") -> list[str]:
    """Take each number JSON can't hold (NaN, infinity: ``"1" * 400`` read as a number) out
    of ``record``; what was taken, as lost."""
    lost = []
    for key, value in list(record.items()):
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            where = f"{prefix}{key}" + (f"[{i}]" if isinstance(value, list) else "")
            if isinstance(item, dict):
                lost += _finite(item, f"{where}.")
            elif isinstance(item, float) and not math.isfinite(item):
                lost.append(f"{where}: {item!r}")
                del record[key]
                break
    return lost


def convert(payload: Payload, *, to: Target = "native") -> Conversion:
    """``payload`` (a record of any dialect and kind) in dialect ``to``; never raises on data.

    ``to`` is one of :data:`TARGETS`; another value raises ``ValueError`` (that is the
    caller's mistake, not the data's). A record that can't be read gives no records and
    says why in ``problem`` (:func:`certpreflight.validate` says what is wrong with it).
    """
    if to not in TARGETS:
        raise ValueError(f"convert to one of {', '.join(TARGETS)}, not {to!r}")
    kind, model, problem = _read(payload)
    if problem is not None:
        return Conversion(to, None, (), problem=f"the record can't be read: {problem}")
    unread = _unread(plain(payload), kind)  # a caller's own model: the members of its dump
    native = _native(kind, model)
    if to == "native":
        lost = [*_carry(to, kind, [native], unread), *_finite(native)]
        return Conversion(to, kind, (native,), tuple(lost))
    if to == "avatax":
        records = _avatax(kind, model)
    elif to == "certcapture":
        records = _certcapture(kind, model)
    else:
        records = (_csv if to == "certcapture-csv" else _avatax_csv)(kind, model)
        if not records:
            return Conversion(
                to, kind, (), problem=f"the certificate import template has no row for a {kind}"
            )
    for record in records:
        _finite(record)  # what it takes is lost: the record read back says what
    if to == "avatax" and kind == "certificate":  # AvaTax assigns the id: not a loss
        native = {k: v for k, v in native.items() if k != "id"}
        if _numbers_kept(model, records):  # each body carries its zone's number
            native = {k: v for k, v in native.items() if k not in ("tax_id", "tax_ids")}
    try:
        lost = _lost(native, _back(to, kind, records))
    except (ValueError, ValidationError, TypeError, KeyError):
        lost = ["the converted record can't be read back"]
    return Conversion(to, kind, tuple(records), (*_carry(to, kind, records, unread), *lost))
