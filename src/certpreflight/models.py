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
How :func:`certpreflight.validate` reads a payload into these models, quickly or by
this general path, is :mod:`certpreflight.reading`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from certpreflight.dialects import is_mapping, native_certificate, native_customer, parse_date

__all__ = ["Customer", "Date", "ExemptionCertificate"]

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
    po_numbers: tuple[str, ...] = ()
    tax_id: str | None = None
    tax_id_type: str | None = None
    business_type: str | None = None
    exempt_percentage: float | None = None
    filename: str | None = None
    pdf: str | None = None
    pages: tuple[str, ...] | None = None
    valid: bool | None = None
    customers: tuple[Customer, ...] = ()
    # The dates' text as given ("03/04/2026"), filled in from the input, never read from a key
    # of its own; left out of dumps and reprs. Rule 5105 uses it to report ambiguous dates.
    effective_date_text: str | None = Field(default=None, exclude=True, repr=False)
    expiration_date_text: str | None = Field(default=None, exclude=True, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _from_dialects(cls, data: Any) -> Any:
        return native_certificate(data) if is_mapping(data) else data

    def customer_numbers(self) -> tuple[str | None, ...]:
        """The linked customers' numbers, in order."""
        return tuple(c.customer_number for c in self.customers)
