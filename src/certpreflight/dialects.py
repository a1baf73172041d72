"""The three input dialects as data: one key table per dialect, and how values are written.

certpreflight reads a record as integrators send it, in any of these spellings,
without a dialect flag (sources: ``docs/sources.md``, anchors ``avatax-models``,
``certcapture-api``, ``ecms-record`` and ``avacert-soap``):

* :data:`NATIVE`: certpreflight's own snake_case names, the models' field names;
* :data:`AVATAX`: AvaTax REST v2 ``CertificateModel`` / ``CustomerModel`` (``signedDate``,
  ``exemptionReason: {"name": "RESALE"}``, ``customers[].customerCode``, ``line1`` ...);
* :data:`CERTCAPTURE`: CertCapture v2 (``signed_date``, ``expected_tax_code``,
  ``exposure_zones``, ``customers[].zip``, ``state: {"initials": "WA"}`` ...);
* :data:`OTHER`: spellings seen in ECMS / AvaCert SOAP exports and integrators' code.

**To add a key**, add one line to its dialect's table below: ``"inputKey": "native_field"``
under the record kind it belongs to. The reading route is derived from these tables: the one
schema accepts each field under every one of its keys, and the documented keys it does not
read (:mod:`certpreflight.reading.strict`); the salvage path's lenient models rename through
:data:`CERTIFICATE_KEYS` / :data:`CUSTOMER_KEYS` (:func:`native_certificate`). A test keeps
the tables consistent (every native field is a model field, no input key means two fields).

Reference objects (``{"name": "Washington"}``) are read by the keys in
:data:`REFERENCES`, in order; dates by :func:`parse_date`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeGuard

from certpreflight import literals
from certpreflight.literals import Kind
from certpreflight.reference.countries import country_code

__all__ = [
    "AVATAX",
    "CERTCAPTURE",
    "CERTIFICATE_KEYS",
    "CERTIFICATE_ONLY_FIELDS",
    "CERTIFICATE_ONLY_KEYS",
    "CODE_KEYS",
    "CUSTOMER_KEYS",
    "CUSTOMER_ONLY_KEYS",
    "CUSTOMER_RECORD_KEYS",
    "DIALECTS",
    "DOCUMENTED_CERTIFICATE_KEYS",
    "DOCUMENTED_CUSTOMER_KEYS",
    "KINDS",
    "LINK_KEYS",
    "LIST_FIELDS",
    "NATIVE",
    "NATIVE_CUSTOMER_KEYS",
    "NATIVE_KEYS",
    "OTHER",
    "REFERENCES",
    "Dialect",
    "country_reference",
    "detect_kind",
    "first_text",
    "is_mapping",
    "kind_candidates",
    "native_certificate",
    "native_customer",
    "parse_date",
    "reference_code",
    "reference_id",
    "zone_id",
    "zone_text",
]


@dataclass(frozen=True, slots=True)
class Dialect:
    """One dialect's keys, per record kind: input key -> native field name.

    ``documented_*`` are the documented fields of the same records that certpreflight does
    not read (``phoneNumber``, ``createdDate``, ``pageCount`` ...): a payload may carry them,
    so they are never reported as unknown keys (rules 2310 and 2311).
    """

    name: str
    #: Where the keys are documented: an anchor of ``docs/sources.md``.
    source: str
    certificate: Mapping[str, str]
    #: A customer's keys, embedded in a certificate or sent on its own.
    customer: Mapping[str, str] = field(default_factory=dict)
    #: Keys only a customer sent on its own has (CreateCustomers, ``POST /v2/customers``).
    customer_record: Mapping[str, str] = field(default_factory=dict)
    #: A link of customers to a certificate (``LinkCustomersToCertificate``).
    link: Mapping[str, str] = field(default_factory=dict)
    documented_certificate: frozenset[str] = frozenset()
    documented_customer: frozenset[str] = frozenset()
    #: The native keys this dialect spells the same (AvaTax's ``filename``, ``name``,
    #: ``city``): with its own keys, what a did-you-mean suggests for a record written in it.
    #: Empty: every native key.
    shared_certificate: frozenset[str] = frozenset()
    shared_customer: frozenset[str] = frozenset()


# --- the tables -----------------------------------------------------------------------------------

NATIVE = Dialect(
    "native",
    "docs/sources.md#certificate-rules",
    certificate={
        "id": "id",
        "exempt_reason": "exempt_reason",
        "exempt_reason_id": "exempt_reason_id",  # so a model's own dump reads back the same
        "exempt_reason_description": "exempt_reason_description",
        "regions": "regions",
        "effective_date": "effective_date",
        "expiration_date": "expiration_date",
        "single_use": "single_use",
        "submit_to_stack": "submit_to_stack",
        "po_numbers": "po_numbers",
        "tax_id": "tax_id",
        "tax_ids": "tax_ids",
        "tax_id_type": "tax_id_type",
        "business_type": "business_type",
        "jurisdictions": "jurisdictions",
        "exempt_percentage": "exempt_percentage",
        "form": "form",
        "filename": "filename",
        "pdf": "pdf",
        "pages": "pages",
        "valid": "valid",
        "created_date": "created_date",
        "customers": "customers",
    },
    customer={
        "customer_number": "customer_number",
        "name": "name",
        "address_line1": "address_line1",
        "address_line2": "address_line2",
        "address_line3": "address_line3",
        "city": "city",
        "region": "region",
        "postal_code": "postal_code",
        "country": "country",
    },
    customer_record={
        "is_bill": "is_bill",
        "is_ship": "is_ship",
        "exposure_zones": "exposure_zones",
    },
    # a link from either side: customers linked to a certificate, or certificates linked to
    # a customer (the customer named by its code, in any dialect's code key: CODE_KEYS)
    link={
        "certificate_id": "certificate_id",
        "customers": "customers",
        "certificates": "certificates",
    },
)

AVATAX = Dialect(
    "AvaTax REST v2",
    "docs/sources.md#avatax-models",
    certificate={  # CertificateModel
        "signedDate": "effective_date",
        "expirationDate": "expiration_date",
        "exemptionReason": "exempt_reason",
        "exposureZone": "regions",
        "exposureZones": "regions",
        "isSingleCertificate": "single_use",
        "poNumbers": "po_numbers",
        "exemptionNumber": "tax_id",
        "taxNumberType": "tax_id_type",
        "businessNumberType": "business_type",
        "exemptPercentage": "exempt_percentage",
        "createdDate": "created_date",
    },
    customer={  # CustomerModel; name, city, region and country are spelled as in native
        "customerCode": "customer_number",
        "line1": "address_line1",
        "line2": "address_line2",
        "line3": "address_line3",
        "postalCode": "postal_code",
    },
    customer_record={  # CustomerModel
        "isBill": "is_bill",
        "isShip": "is_ship",
        "exposureZones": "exposure_zones",
    },
    # LinkCustomersModel and LinkCertificatesModel; the certificate's id or the customer's code
    # is in the call's path
    link={"customers": "customers", "certificates": "certificates"},
    # The other fields of CertificateModel and CustomerModel, as the REST v2 reference
    # documents them (https://developer.avalara.com/api-reference/avatax/rest/v2/models/
    # CertificateModel/ and .../CustomerModel/; docs/sources.md#avatax-models), read-only
    # ones included: they come back from GET and are sent again on PUT.
    documented_certificate=frozenset(
        {
            "companyId",
            "documentExists",
            "verified",
            "validatedExemptionReason",
            "status",
            "ecmStatus",
            "modifiedDate",
            "pageCount",
            "exposureZoneName",
            "attributes",
            "histories",
            "jobs",
            "logs",
            "invalidReasons",
            "customFields",
            "ecmsId",
            "ecmsStatus",
        }
    ),
    shared_certificate=frozenset(
        {"id", "filename", "pdf", "pages", "valid", "customers", "jurisdictions"}
    ),
    shared_customer=frozenset({"name", "city", "region", "country"}),
    documented_customer=frozenset(
        {
            "id",
            "companyId",
            "alternateId",
            "attnName",
            "phoneNumber",
            "faxNumber",
            "emailAddress",
            "contactName",
            "lastTransaction",
            "createdDate",
            "modifiedDate",
            "isBill",
            "isShip",
            "taxpayerIdNumber",
            "certificates",
            "customFields",
            "exposureZones",
            "billTos",
            "shipTos",
            "attributes",
            "activeCertificates",
            "histories",
            "jobs",
            "logs",
            "shipToStates",
        }
    ),
)

CERTCAPTURE = Dialect(
    "CertCapture v2",
    "docs/sources.md#certcapture-api",
    certificate={
        "signed_date": "effective_date",
        "expected_tax_code": "exempt_reason",
        "exposure_zone": "regions",
        "exposure_zones": "regions",
        "is_single": "single_use",
        "tax_number": "tax_id",
        "tax_number_type": "tax_id_type",
        "business_number_type": "business_type",
        "exmpt_percent": "exempt_percentage",
        "created": "created_date",
    },
    customer={
        "zip": "postal_code",
        "state": "region",
    },
    customer_record={
        "is_bill": "is_bill",
        "is_ship": "is_ship",
        "exposure_zones": "exposure_zones",
    },
    # The other certificate and customer fields of the CertCapture v2 API
    # (http://docs.certcapture6xrest.apiary.io/; docs/sources.md#certcapture-api).
    documented_certificate=frozenset(
        {
            "client_id",
            "never_renew",
            "renewable",
            "replacement",
            "modified",
            "verified",
            "certificate_number",
            "verification_number",
            "unused_multi_cert",
            "barcode_read",
            "legacy_certificate_id",
            "calc_id",
            "business_number",
            "sst_metadata",
            "status",
            "custom_fields",
        }
    ),
    shared_certificate=frozenset(
        {
            "id",
            "expiration_date",
            "filename",
            "pdf",
            "pages",
            "valid",
            "customers",
            "po_numbers",
            "exempt_reason_description",
            "submit_to_stack",
        }
    ),
    shared_customer=frozenset(
        {"customer_number", "name", "address_line1", "address_line2", "city", "country"}
    ),
    documented_customer=frozenset(
        {
            "id",
            "client_id",
            "alternate_id",
            "attn_name",
            "phone_number",
            "fax_number",
            "email_address",
            "contact_name",
            "last_transaction",
            "created",
            "modified",
            "is_bill",
            "is_ship",
            "fein_number",
            "location_id",
            "welcome_letter_status",
            "explicit",
            "direct",
            "exposure_zones",
            "custom_fields",
            "logs",
            "certificates",
        }
    ),
)

OTHER = Dialect(
    "ECMS / SOAP exports and integrators' spellings",
    "docs/sources.md#avacert-soap",
    certificate={
        "certificate_id": "id",
        "certificateId": "id",
        "exemption_reason": "exempt_reason",
        "exemption_number": "tax_id",
        "exemptReasonDescription": "exempt_reason_description",
        "exempt_reason_other_description": "exempt_reason_description",
        "ExemptFormName": "form",  # the legacy AvaCert2 SOAP Certificate's form name
        # EcmsModel.details: one EcmsDetailModel per region, each with its idNo (the tax ID
        # or exemption number for that region; docs/sources.md#ecms-record)
        "details": "tax_ids",
    },
    customer={
        "customer_code": "customer_number",
        "CustomerCode": "customer_number",
        "customerName": "name",
        "customer_name": "name",
        "address1": "address_line1",
        "address2": "address_line2",
        "address3": "address_line3",
        "zip_code": "postal_code",
    },
    link={"certificateId": "certificate_id", "id": "certificate_id"},
)

#: Every dialect, native first (the schema tries a field's keys in this order).
DIALECTS: tuple[Dialect, ...] = (NATIVE, AVATAX, CERTCAPTURE, OTHER)

#: Keys inside reference objects, in the order their text is picked, by native field.
#: ``{"initials": "WA", "name": "Washington"}`` is "WA" as a customer's region and
#: "Washington" as an exposure zone: AvaTax matches exposure zones by name.
REFERENCES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "exempt_reason": ("name", "code", "initials"),
        # ExposureZoneModel: by name, or its tag (EZ_US_OH); a zone by id only is kept as #id
        "regions": ("name", "tag", "code", "initials"),
        "po_numbers": ("poNumber", "po_number", "number", "value"),
        # customer fields
        "region": ("initials", "code", "name"),
        "country": ("initials", "code", "name"),
    }
)


def _merged(kind: str, tables: tuple[Dialect, ...] = DIALECTS) -> Mapping[str, str]:
    """One record kind's keys over all ``tables``; a key meaning two fields is an error."""
    merged: dict[str, str] = {}
    for dialect in tables:
        for key, native in getattr(dialect, kind).items():
            if merged.setdefault(key, native) != native:
                raise ValueError(f"{dialect.name}: {key!r} means {merged[key]!r} elsewhere")
    return MappingProxyType(merged)


#: Input key -> native field, over every dialect.
CERTIFICATE_KEYS: Mapping[str, str] = _merged("certificate")
CUSTOMER_KEYS: Mapping[str, str] = _merged("customer")
#: A customer record's keys: a customer's, and those only a record has.
CUSTOMER_RECORD_KEYS: Mapping[str, str] = MappingProxyType(
    {**CUSTOMER_KEYS, **_merged("customer_record")}
)
LINK_KEYS: Mapping[str, str] = _merged("link")
#: The documented keys that certpreflight does not read, over every dialect.
DOCUMENTED_CERTIFICATE_KEYS = frozenset().union(*(d.documented_certificate for d in DIALECTS))
DOCUMENTED_CUSTOMER_KEYS = frozenset().union(*(d.documented_customer for d in DIALECTS))
#: The native keys (the models' field names, but for the date texts, which have no key).
NATIVE_KEYS = frozenset(NATIVE.certificate)
NATIVE_CUSTOMER_KEYS = frozenset(NATIVE.customer)

#: Certificate date fields whose text as given is kept (as ``<field>_text``) for rule 5105.
DATE_FIELDS = ("effective_date", "expiration_date")


# --- reading values as the dialects write them ----------------------------------------------------


def is_mapping(value: Any) -> TypeGuard[Mapping[Any, Any]]:
    """``isinstance(value, Mapping)``, without the ABC machinery for dicts and text.

    Most values checked are dicts or text, and an ABC instance check costs several
    times a type comparison; this runs for every reference and list item.
    """
    kind = type(value)
    return kind is dict or (kind is not str and isinstance(value, Mapping))


def first_text(obj: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    """The first value of ``keys`` in a reference object that is neither None nor empty."""
    for key in keys:
        value = obj.get(key)
        if value is not None and value != "":
            return value
    return None


def _unwrap(value: Any, keys: tuple[str, ...]) -> Any:
    """``{"name": "Washington"}`` -> ``"Washington"``; anything else unchanged."""
    if is_mapping(value):
        return first_text(value, keys)
    return value


def zone_text(value: Any) -> Any:
    """An exposure zone as given: text, or a reference object's name or tag, or ``#id`` for
    a zone given by its AvaTax id only (which names no region certpreflight can check)."""
    if not is_mapping(value):
        return value
    picked = first_text(value, REFERENCES["regions"])
    if picked is None and isinstance(value.get("id"), (int, str)) and value["id"] != "":
        return f"#{value['id']}"
    return picked


_ZONE_ID = re.compile(r"#(\d{1,18})", re.ASCII)


def zone_id(region: str) -> int | None:
    """The id of an exposure zone given by its id only (``#117``, as :func:`zone_text` keeps
    ``{"id": 117}``), else None: a writer sends it back as ``{"id": 117}``, never as a name."""
    found = _ZONE_ID.fullmatch(region.strip())
    return int(found[1]) if found is not None else None


def country_reference(value: Mapping[Any, Any]) -> Any:
    """A country reference object's text: its initials or code, or its name's ISO code.

    CertCapture matches ``{"name": "United States"}`` by name (docs/sources.md#certcapture-api),
    so the name stands for the country's code; a name it can't resolve stays as given.
    """
    code = first_text(value, ("initials", "code"))
    if code is not None:
        return code
    name = value.get("name")
    return country_code(name) or name if isinstance(name, str) and name.strip() else None


def _rename(data: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    """Rename dialect keys to native ones; a non-empty value wins over an empty duplicate."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        native = keys.get(key) if isinstance(key, str) else None
        if native is None:
            continue
        if native in out and value in (None, "", [], {}):
            continue
        out[native] = value
    return out


#: The date forms the APIs and their files write, and only those (``docs/sources.md``):
#: ISO ``2026-01-15`` (AvaTax ``signedDate``, CertCapture ``signed_date``); an ISO date-time
#: with seconds, an optional fraction and an optional ``Z`` / ``+02:00`` offset (AvaTax's
#: ``createdDate``, ``2026-01-15T10:00:00.1234567Z`` as .NET writes it); the same with a space
#: and no offset (``2026-01-15 10:00:00``, as CertCapture v2 writes ``created``); and
#: ``mm/dd/yyyy`` (the import templates' "mm/dd/yyyy format", anchor ``import-templates``),
#: month and day with or without their leading zero, because a spreadsheet saving that
#: template as CSV writes ``3/4/2026``. A date-time is the date as written, before any offset.
_ISO_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))?"
    r"| (\d{2}):(\d{2}):(\d{2}))?",
    re.ASCII,
)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_EXPECTED_DATE = "YYYY-MM-DD, an ISO date-time or MM/DD/YYYY"


def parse_date(value: Any) -> Any:
    """Read a date as the APIs write one: ISO, an ISO date-time, or US ``mm/dd/yyyy``.

    Empty text is None. Any other text raises ``ValueError`` (which pydantic reports,
    and ``validate()`` turns into a 4003 Formatting finding naming the field): "Monday",
    "March", "1" and "2026-01-15banana" are not dates, and nothing is completed from the
    machine's clock. ``03/04/2026`` is read month first, as the AvaTax import templates
    expect (``docs/sources.md#import-templates``: "mm/dd/yyyy"); rule 5105 says so.
    A number is not a date either (no API writes one as a number).
    """
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    if isinstance(value, (int, float)):  # pydantic would read 0 as 1970-01-01
        kind = "true or false" if isinstance(value, bool) else "a number"
        raise ValueError(f"{value!r} is {kind}, not a date ({_EXPECTED_DATE})")
    if not isinstance(value, str):
        return value  # let pydantic say what is wrong with it
    text = value.strip()
    if not text:
        return None
    if len(text) == 10 and _ISO_DAY.fullmatch(text):  # the usual date: one C call
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{value!r} is not a date ({_EXPECTED_DATE})") from None
    iso = _ISO_DATE_TIME.fullmatch(text)
    if iso is not None:
        time = [int(part) for part in iso.groups()[3:] if part is not None]
        hour, minute, second = time[0:3] if len(time) >= 3 else (0, 0, 0)
        offset = time[3:5] if len(time) == 5 else (0, 0)
        if hour < 24 and minute < 60 and second < 60 and offset[0] < 24 and offset[1] < 60:
            return _date(value, int(iso[1]), int(iso[2]), int(iso[3]))
    else:
        us = _US_DATE.fullmatch(text)
        if us is not None:
            return _date(value, int(us[3]), int(us[1]), int(us[2]))
    raise ValueError(f"{value!r} is not a date ({_EXPECTED_DATE})")


def _date(value: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a date ({_EXPECTED_DATE})") from None


def _to_bool(value: Any) -> Any:
    if value is None or value == "":
        return False
    return value


def _to_str_list(value: Any, keys: tuple[str, ...]) -> Any:
    """Coerce a reference list: None -> [], "WA, OR" -> ["WA", "OR"], [{"name": ..}] -> [..]."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(",") if p.strip())
    if is_mapping(value):
        value = [value]
    if isinstance(value, (list, tuple)):
        return tuple(_unwrap(v, keys) for v in value if v is not None and v != "")
    return value


def _regions(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        value = [zone_text(v) for v in value]
    elif is_mapping(value):
        value = [zone_text(value)]
    return _to_str_list(value, REFERENCES["regions"])


def _po_numbers(value: Any) -> Any:
    return _to_str_list(value, REFERENCES["po_numbers"])


#: The keys of a per-region number object, in the order read: the region, then the number
#: (native ``{"region": "NY", "tax_id": ...}``; ECMS ``EcmsDetailModel`` ``region`` / ``idNo``).
TAX_ID_REGION_KEYS = ("region", "exposure_zone", "exposureZone", "state")
TAX_ID_NUMBER_KEYS = ("tax_id", "number", "idNo", "id_no", "exemptionNumber", "tax_number")


def _tax_ids(value: Any) -> Any:
    """A certificate's numbers per region as ``(region, number)`` pairs, from a mapping
    (``{"NY": "123456"}``), a list of objects (``[{"region": "NY", "idNo": "123456"}]``, as
    the ECMS record's ``details``) or a list of pairs; an entry without a number is left out.
    Anything else is given to pydantic as it is, which says what is wrong with it."""
    if value is None:
        return ()
    if is_mapping(value):
        items: list[Any] = [(k, v) for k, v in value.items()]
    elif isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if is_mapping(item):
                region = first_text(item, TAX_ID_REGION_KEYS)
                region = first_text(region, REFERENCES["regions"]) if is_mapping(region) else region
                items.append((region, first_text(item, TAX_ID_NUMBER_KEYS)))
            else:
                items.append(item)
    else:
        return value
    pairs = []
    for item in items:
        if not (isinstance(item, (list, tuple)) and len(item) == 2):
            return value
        region, number = item
        if number is None or (isinstance(number, str) and not number.strip()):
            continue
        pairs.append((region, number))
    return tuple(pairs)


def _jurisdictions(value: Any) -> Any:
    """Local jurisdictions as objects: a list of them (or of names), or one alone."""
    if value is None:
        return ()
    if is_mapping(value) or isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)):
        return tuple({"name": item} if isinstance(item, str) else item for item in value)
    return value


def _customers(value: Any) -> Any:
    if value is None:
        return ()
    if is_mapping(value):
        return (value,)
    return value


#: The list-valued certificate fields and the coercion each applies before validation.
LIST_FIELDS: Mapping[str, Callable[[Any], Any]] = MappingProxyType(
    {"regions": _regions, "po_numbers": _po_numbers, "customers": _customers}
)

# Every coercion the certificate's fields need, done in the one model-level validator: a
# Python call made by pydantic costs about as much as validating a field in Rust, so one
# call per certificate instead of one per field (customers are normalised by Customer).
_COERCE: Mapping[str, Callable[[Any], Any]] = {
    **LIST_FIELDS,
    "single_use": _to_bool,
    "submit_to_stack": _to_bool,
    "tax_ids": _tax_ids,
    "jurisdictions": _jurisdictions,
}


def native_customer(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """A customer mapping in any dialect, with native keys and reference objects unwrapped.

    A dict that already has only native keys and no reference object is returned
    as it is (pydantic only reads it): this runs once per customer, so the common
    case costs a subset check instead of a copy.
    """
    if (
        type(data) is dict
        and data.keys() <= NATIVE_CUSTOMER_KEYS
        and type(data.get("region")) is not dict
        and type(data.get("country")) is not dict
    ):
        return data
    out = _rename(data, CUSTOMER_KEYS)
    region, country = out.get("region"), out.get("country")
    if is_mapping(region):
        out["region"] = first_text(region, REFERENCES["region"])
    if is_mapping(country):
        out["country"] = country_reference(country)
    return out


#: Certificate keys of the APIs' dialects that the native one doesn't share.
_FOREIGN_CERTIFICATE_KEYS = frozenset(
    key for d in (AVATAX, CERTCAPTURE, OTHER) for key in d.certificate
) - frozenset(NATIVE.certificate)


def _native_only(data: Mapping[str, Any]) -> bool:
    """Whether a certificate mapping has no key of the APIs' dialects (a native record)."""
    return not any(key in _FOREIGN_CERTIFICATE_KEYS for key in data)


def _by_code(customer: Any) -> Any:
    """A native certificate's customer given by its code alone (``"C-1001"``, as a native
    link names its customers) as the customer it names; any other item as it is."""
    return {"customer_number": customer} if type(customer) is str else customer


def native_certificate(data: Mapping[str, Any]) -> dict[str, Any]:
    """A certificate mapping in any dialect: native keys, reference objects unwrapped.

    Also coerces the list fields (``"WA, OR"`` -> ``("WA", "OR")``) and the
    single-use flag. Customers stay mappings (each is normalised by
    :class:`~certpreflight.models.Customer`); in a native certificate (no key of the APIs'
    dialects) a customer given by its code alone, ``"C-1001"``, is that customer by
    reference (AvaTax and CertCapture take customers as objects only). Dates stay text
    (:func:`parse_date`, per field, so a date that can't be read is reported at its own loc).
    """
    out = _rename(data, CERTIFICATE_KEYS)
    customers = out.get("customers")
    if type(customers) is list and any(type(c) is str for c in customers) and _native_only(data):
        out["customers"] = [_by_code(c) for c in customers]
    for key in DATE_FIELDS:
        value = out.get(key)
        if isinstance(value, str):
            out[f"{key}_text"] = value
    reason = out.get("exempt_reason")
    if is_mapping(reason):
        out["exempt_reason"] = first_text(reason, REFERENCES["exempt_reason"])
        if out["exempt_reason"] is None and reason.get("id") is not None:
            out["exempt_reason_id"] = reason["id"]
    for key, coerce in _COERCE.items():
        if key in out:
            out[key] = coerce(out[key])
    return out


# --- record kinds ---------------------------------------------------------------------------------

#: The record kinds certpreflight reads (``Report.kind``).
KINDS: tuple[Kind, ...] = literals.KINDS

#: Keys that name a customer's code, in every dialect.
CODE_KEYS = frozenset(key for key, field in CUSTOMER_KEYS.items() if field == "customer_number")
#: The keys of a record given by its id (:func:`reference_id`): the id AvaTax or CertCapture
#: gave it, and the company or client it belongs to; a customer given by reference may carry
#: them besides its code (:func:`reference_code`).
_ID_REFERENCE_KEYS = frozenset({"id", "companyId", "company_id", "client_id"})
#: The keys a customer given by reference may carry: its code and the keys above.
_CODE_REFERENCE_KEYS = CODE_KEYS | _ID_REFERENCE_KEYS
#: Keys both a certificate and a customer record may have: they decide nothing.
_SHARED_KEYS = frozenset(
    # a customer has a created date too (CustomerModel.createdDate, CertCapture created)
    {"id", "customers", "exposureZones", "exposure_zones", "companyId", "createdDate", "created",
     "created_date"}
)  # fmt: skip
#: Keys only a certificate has.
CERTIFICATE_ONLY_KEYS = frozenset(CERTIFICATE_KEYS) - _SHARED_KEYS - frozenset(LINK_KEYS)
#: The fields of such keys: the one schema reads a payload setting one of them as a
#: certificate (:func:`detect_kind`'s first rule, on the fields it read) and refuses the
#: others, whose kind :func:`detect_kind` tells.
CERTIFICATE_ONLY_FIELDS = frozenset(CERTIFICATE_KEYS[key] for key in CERTIFICATE_ONLY_KEYS) - {
    "id",
    "customers",
    "regions",
}
#: Keys only a customer has.
CUSTOMER_ONLY_KEYS = frozenset(CUSTOMER_RECORD_KEYS) - _SHARED_KEYS


def reference_code(value: Any) -> str | None:
    """The customer code of a customer given by reference, else None.

    A reference is a code as text (``"RESELLER"``, as ``LinkCustomersModel`` sends it) or
    an object with a code and nothing else of the customer (``{"customerCode":
    "RESELLER"}``, ``{"companyId": 1, "customerCode": "RESELLER"}``, as the AvaTax
    developer guide links customers to a certificate). A whole number is a code too.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if -(10**50) < value < 10**50 else None  # no code is longer
    if not is_mapping(value) or not value.keys() <= _CODE_REFERENCE_KEYS:
        return None
    code = first_text(value, tuple(k for k in value if k in CODE_KEYS))
    return reference_code(code) if isinstance(code, (str, int)) else None


def reference_id(value: Any) -> str | None:
    """The id of a record given by its id only, else None.

    CertCapture links records by their ids (``{"customers": [{"id": 10}, {"id": 20}]}``,
    ``{"certificates": [{"id": 500111}]}``; docs/sources.md#certcapture-api), AvaTax's
    ``LinkCertificatesModel`` by the certificates' ids as numbers or text
    (``{"certificates": ["500111"]}``; #avatax-models). An object with an id and nothing
    else of the record (but the company or client it belongs to) is one; so is a whole
    number or a text.
    """
    if is_mapping(value):
        if "id" not in value or not value.keys() <= _ID_REFERENCE_KEYS:
            return None
        value = value["id"]
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if 0 <= value < 10**50 else None
    if isinstance(value, str) and value.strip():
        return value
    return None


#: The keys of a link from the customer's side (``LinkCertificatesModel``, CertCapture's
#: ``PUT /v2/customers/{number}/certificates``): the certificates, and the customer's code
#: (which the calls take in their path: a record may carry it in any code key).
_CUSTOMER_SIDE_KEYS = frozenset({"certificates", "companyId"}) | CODE_KEYS
#: The keys of a link from the certificate's side (or from both: native, many to many).
_CERTIFICATE_SIDE_KEYS = frozenset(LINK_KEYS) | {"companyId"}


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _customer_reference(item: Any) -> bool:
    """A customer given by its code or, as an object, by its id."""
    return reference_code(item) is not None or (is_mapping(item) and reference_id(item) is not None)


def kind_candidates(data: Mapping[Any, Any]) -> tuple[Kind, ...]:
    """The kinds a record may be, from its keys: one, none, or several when its keys don't
    decide (:func:`detect_kind` is the one kind; the reading route says the others).

    * ``certificate``: it has a key only a certificate has (an exempt reason, an
      exposure zone, a date, PO numbers, an exemption number, an attachment ...), or
      customers embedded with more than their code;
    * ``link``: it has only ``customers``, every one given by its code (text, or an object
      with the code only) or by its id (``{"id": 10}``), and perhaps the certificate's id;
      or only ``certificates``, each given by its id (``"500111"``, ``{"id": 500111}``),
      and perhaps the customer's code (a link from the customer's side);
    * ``customer``: it has a key only a customer has (its code, name, address, city,
      region, postal code, country, bill-to / ship-to flags) and no certificate key, and
      isn't a sale (:func:`looks_like_transaction`: none of the kinds);
    * ``certificate`` or ``link``: customers some of which are given by reference and some
      in full, and no key only a certificate has: nothing tells which it is.
    """
    if not CERTIFICATE_ONLY_KEYS.isdisjoint(data):  # the usual record: one C call
        return _CERTIFICATE
    keys = {key for key in data if isinstance(key, str)}
    certificates = data.get("certificates")
    named = [] if certificates is None else _items(certificates)
    by_id = all(reference_id(item) is not None for item in named)  # certificates by their ids
    if named and by_id and keys <= _CUSTOMER_SIDE_KEYS:
        return _LINK
    if not keys.isdisjoint(CUSTOMER_ONLY_KEYS):
        return () if looks_like_transaction(data) else _CUSTOMER
    customers = data.get("customers")
    if customers is None:
        return ()
    items = _items(customers)
    references = [_customer_reference(item) for item in items]
    if items and all(references):
        return _LINK if keys <= _CERTIFICATE_SIDE_KEYS and by_id else ()
    if any(is_mapping(item) for item in items):
        return ("certificate", "link") if any(references) else _CERTIFICATE
    return ()


#: Keys of AvaTax's CreateTransactionModel that no customer, certificate or link has
#: (docs/sources.md#exemption-decision): a record with its lines, or with two of these, is a
#: sale (``certpreflight coverage --transactions`` reads those), never a customer.
TRANSACTION_KEYS = frozenset(
    {"type", "date", "companyCode", "code", "purchaseOrderNo", "exemptionNo", "currencyCode",
     "commit", "reportingLocationCode", "salespersonCode", "taxOverride", "documentDate"}
)  # fmt: skip


def looks_like_transaction(data: Mapping[Any, Any]) -> bool:
    """True when a record is a sale (a ``CreateTransactionModel``): it has ``lines`` given
    as a list, or two keys only a transaction has (:data:`TRANSACTION_KEYS`)."""
    if isinstance(data.get("lines"), list):
        return True
    return len(TRANSACTION_KEYS.intersection(data)) >= 2  # one alone could be a stray key


_CERTIFICATE: tuple[Kind, ...] = ("certificate",)
_CUSTOMER: tuple[Kind, ...] = ("customer",)
_LINK: tuple[Kind, ...] = ("link",)


def detect_kind(data: Mapping[Any, Any]) -> Kind | None:
    """The kind of a record, from its keys; None when it fits none, or several
    (:func:`kind_candidates` tells which)."""
    kinds = kind_candidates(data)
    return kinds[0] if len(kinds) == 1 else None
