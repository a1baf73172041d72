"""Pydantic models for exemption certificates and their customers: the public models.

The models check **shape only** and are deliberately lenient: a missing name, a
300-character address or an unknown reason still produce a model, because
reporting those is the rule engine's job. Only input that cannot be interpreted
at all (a date ``"banana"``, a list where a string belongs) fails validation, and
:func:`certpreflight.validate` turns that into ``Formatting`` findings.

One model reads all three input dialects (native snake_case, AvaTax REST v2 and
CertCapture v2) without a dialect flag: each dialect's keys are renamed to the native
names in one ``before`` validator, from the key tables in :mod:`certpreflight.dialects`,
so every ``loc`` (of a rule finding or of a Formatting finding) uses the native names.
How :func:`certpreflight.validate` reads a payload into these models (the one schema,
or these models on the salvage path) is :mod:`certpreflight.reading`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from certpreflight.dialects import (
    CODE_KEYS,
    CUSTOMER_RECORD_KEYS,
    LINK_KEYS,
    REFERENCES,
    country_reference,
    first_text,
    is_mapping,
    native_certificate,
    native_customer,
    parse_date,
    reference_code,
    reference_id,
    zone_text,
)
from certpreflight.reference.regions import region_of

__all__ = ["Customer", "CustomerRecord", "Date", "ExemptionCertificate", "Jurisdiction", "Link"]

Date = Annotated[dt.date | None, BeforeValidator(parse_date)]

_CONFIG = ConfigDict(
    frozen=True,
    extra="ignore",
    coerce_numbers_to_str=True,
    hide_input_in_errors=False,
    validate_default=False,
)


class Customer(BaseModel):
    """A customer linked to a certificate (CertCapture customer / AvaTax ``CustomerModel``).

    Every field is optional here: a missing value is a rule finding, not a
    model error. Values keep their original spelling (no trimming), because
    AvaTax matches customer codes exactly.
    """

    model_config = _CONFIG

    customer_number: str | None = None
    name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_dialects(cls, data: Any) -> Any:
        return native_customer(data) if is_mapping(data) else data

    @property
    def is_reference(self) -> bool:
        """True for a customer given by its code only (``{"customerCode": "RESELLER"}``).

        That is a link to a customer record sent on its own, not an empty record: no
        missing-field rule reports it.
        """
        values = self.__dict__  # one count of the Nones: it is asked for every blank field
        return (
            values["customer_number"] is not None
            and [*values.values()].count(None) == len(values) - 1
        )


class Jurisdiction(BaseModel):
    """A local jurisdiction a certificate applies to, below its state exposure zone: an AvaTax
    ``CertificateJurisdictionModel`` (AvaTax 26.6: ``id``, ``type`` such as State, County,
    City or Special, ``name``, ``code`` its FIPS code or identifier). The ones AvaTax takes
    for a zone and reason are listed by ``ListLocalExemptJurisdictions``
    (``docs/sources.md#avatax-models``)."""

    model_config = _CONFIG

    id: str | None = None
    type: str | None = None
    name: str | None = None
    code: str | None = None


class ExemptionCertificate(BaseModel):
    """An exemption certificate and the customers linked to it.

    ``regions`` holds the exposure zones as given (``"WA"``, ``"Washington"``,
    ``"US-WA"``); the rules resolve them to ISO 3166-2 codes.
    ``exempt_reason`` holds the reason as given (``"G"``, ``"RESALE"``); when
    the input names the reason only by a numeric id, that id is kept in
    ``exempt_reason_id``.
    """

    model_config = _CONFIG

    id: str | None = None
    exempt_reason: str | None = None
    exempt_reason_id: str | None = None
    exempt_reason_description: str | None = None
    regions: tuple[str, ...] = ()
    effective_date: Date = None
    expiration_date: Date = None
    single_use: bool = False
    #: Sent to CertCapture's validation queue (``submit_to_stack``): its review team keys the
    #: certificate's data in from the document, so what they key is not required yet.
    submit_to_stack: bool = False
    po_numbers: tuple[str, ...] = ()
    tax_id: str | None = None
    #: The purchaser's number for each region, ``(region as given, number)`` pairs: a
    #: multi-state certificate carries one per state. Read from ``{"NY": "123456"}``, a list
    #: of ``{"region": ..., "tax_id": ...}`` objects, or the ECMS record's ``details``
    #: (``idNo``). A region without one falls back on ``tax_id`` (:meth:`tax_id_for`).
    tax_ids: tuple[tuple[str, str], ...] = ()
    tax_id_type: str | None = None
    business_type: str | None = None
    #: Local jurisdictions the certificate applies to, below its zone (AvaTax 26.6's
    #: ``jurisdictions``); a text alone is a jurisdiction's name.
    jurisdictions: tuple[Jurisdiction, ...] = ()
    exempt_percentage: float | None = None
    #: The certificate form used ("MTC", "SST F0003", "ST-120"): read by the audit rules.
    form: str | None = None
    filename: str | None = None
    pdf: str | None = None
    pages: tuple[str, ...] | None = None
    valid: bool | None = None
    #: When the certificate was stored (AvaTax ``createdDate``, CertCapture ``created``): a
    #: sale dated before it was calculated before the certificate existed.
    created_date: Date = None
    customers: tuple[Customer, ...] = ()
    # The dates' text as given ("03/04/2026"), filled in from the input, never read from a key
    # of its own; left out of dumps and reprs. Rule 5105 uses it to report ambiguous dates.
    effective_date_text: str | None = Field(default=None, exclude=True, repr=False)
    expiration_date_text: str | None = Field(default=None, exclude=True, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _from_dialects(cls, data: Any) -> Any:
        return native_certificate(data) if is_mapping(data) else data

    def tax_id_for(self, region: str) -> str | None:
        """The number given for ``region`` (an ISO code such as ``"US-NY"``, matched against
        the regions as given by any alias), or else the certificate's one ``tax_id``."""
        for given, number in self.tax_ids:
            found = region_of(given)
            if found is not None and found.code == region:
                return number
        return self.tax_id

    def customer_numbers(self) -> tuple[str | None, ...]:
        """The linked customers' numbers, in order."""
        return tuple(c.customer_number for c in self.customers)


def _zones(value: Any) -> Any:
    """A customer's exposure zones as given: texts, or reference objects by their name, or
    ``#id`` for a zone given by its id only (:func:`~certpreflight.dialects.zone_text`), as
    a certificate's."""
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else [value]
    return tuple(zone_text(v) for v in items)


class CustomerRecord(Customer):
    """A customer sent on its own: an AvaTax ``CreateCustomers`` item (``CustomerModel``)
    or a CertCapture ``POST /v2/customers`` body (``docs/sources.md#avatax-models``,
    ``#certcapture-api``). It has the fields of a linked :class:`Customer`, and those
    only such a record has."""

    is_bill: bool | None = None
    is_ship: bool | None = None
    #: Ship-to zones as given (``[{"name": "Washington"}]``); an empty object is None.
    exposure_zones: tuple[str | None, ...] = ()
    #: The reference fields given as objects with nothing in them (``"state": {}``).
    empty_references: tuple[str, ...] = ()

    @classmethod
    def native(cls, data: Mapping[Any, Any]) -> dict[str, Any]:
        """``data`` in any dialect, with the record's field names and reference objects read."""
        out: dict[str, Any] = {}
        empty = []
        for key, value in data.items():
            field = CUSTOMER_RECORD_KEYS.get(key) if isinstance(key, str) else None
            if field is None:
                continue
            if field in ("region", "country") and is_mapping(value):
                picked = (
                    country_reference(value)
                    if field == "country"
                    else first_text(value, REFERENCES[field])
                )
                if picked is None:
                    empty.append(field)
                out[field] = picked
            else:
                out[field] = value
        out["exposure_zones"] = _zones(out.get("exposure_zones"))
        out["empty_references"] = tuple(empty)
        return out

    @model_validator(mode="before")
    @classmethod
    def _from_dialects(cls, data: Any) -> Any:
        return cls.native(data) if is_mapping(data) else data


class Link(BaseModel):
    """A link between customers and certificates, from either side.

    * From the certificate's side: an AvaTax ``LinkCustomersToCertificate`` body
      (``{"customers": ["RESELLER"]}``; the certificate's id is in the call's path), a
      CertCapture ``PUT /v2/certificates/{id}/customers`` body (``{"customers": [{"id": 10}]}``,
      customers by their CertCapture ids), or the native
      ``{"certificate_id": "42", "customers": [...]}``.
    * From the customer's side: an AvaTax ``LinkCertificatesToCustomer`` body
      (``LinkCertificatesModel``, ``{"certificates": ["500111"]}``) or a CertCapture
      ``PUT /v2/customers/{number}/certificates`` body (``{"certificates": [{"id": 500111}]}``).
      The customer is in the call's path; a record names it by its code in any dialect's
      code key (``customerCode``, ``customer_number`` ...), read into ``customers``.
    """

    model_config = _CONFIG

    certificate_id: str | None = None
    #: The linked customers' codes; a customer given otherwise than by its code is None.
    customers: tuple[str | None, ...] = ()
    #: The ids of the customers given by their id (``{"id": 10}``), by position in
    #: ``customers``; empty when none is.
    customer_ids: tuple[str | None, ...] = ()
    #: The ids of the linked certificates (a link from the customer's side); an item that
    #: is no id is None.
    certificates: tuple[str | None, ...] = ()

    @classmethod
    def native(cls, data: Mapping[Any, Any]) -> dict[str, Any]:
        """``data`` in any dialect, with the link's field names, customers as codes (and
        ids) and certificates as ids."""
        out = {LINK_KEYS[k]: v for k, v in data.items() if isinstance(k, str) and k in LINK_KEYS}
        if "customers" not in out:  # a link from the customer's side names its customer
            code = next((data[k] for k in CODE_KEYS if k in data), None)
            if code is not None:
                out["customers"] = [code]
        customers = out.get("customers")
        if customers is not None:
            items = customers if isinstance(customers, (list, tuple)) else [customers]
            out["customers"] = tuple(reference_code(item) for item in items)
            ids = tuple(reference_id(item) if is_mapping(item) else None for item in items)
            out["customer_ids"] = ids if any(ids) else ()
        certificates = out.get("certificates")
        if certificates is not None:
            items = certificates if isinstance(certificates, (list, tuple)) else [certificates]
            out["certificates"] = tuple(reference_id(item) for item in items)
        return out

    def customer_refs(self) -> tuple[int, ...]:
        """The positions of the customers given otherwise than by their id: those the
        customer-code rules check (a customer given by its CertCapture id has no code)."""
        ids = self.customer_ids
        return tuple(
            i
            for i, code in enumerate(self.customers)
            if code is not None or i >= len(ids) or ids[i] is None
        )

    @model_validator(mode="before")
    @classmethod
    def _from_dialects(cls, data: Any) -> Any:
        return cls.native(data) if is_mapping(data) else data
