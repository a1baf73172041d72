"""Pydantic models for exemption certificates and their customers.

The models check **shape only** and are deliberately lenient: a missing name, a
300-character address or an unknown reason still produce a model, because
reporting those is the rule engine's job. Only input that cannot be interpreted
at all (a date ``"banana"``, a list where a string belongs) fails validation, and
:func:`certpreflight.validate` turns that into ``Formatting`` findings.

One model reads all three input dialects (DESIGN 4), without a dialect flag:

* native snake_case (``exempt_reason``, ``regions``, ``customers[].address_line1``),
* AvaTax REST v2 ``CertificateModel`` / ``CustomerModel`` (``signedDate``,
  ``exemptionReason: {"name": "RESALE"}``, ``exposureZone: {"name": "Washington"}``,
  ``poNumbers: [{"poNumber": ...}]``, ``customers[].customerCode``, ``line1`` ...),
* CertCapture v2 (``signed_date``, ``expected_tax_code: {"name": ...}``,
  ``exposure_zones``, ``is_single``, ``tax_number``, ``exmpt_percent``,
  ``customers[].zip``, ``state: {"initials": ...}`` ...).

Field names are from ``../shared/research/avatax/MODELS.md`` sections 1, 2 and 5.
Each dialect's keys are renamed to the native names in one ``before`` validator,
so every ``loc`` (of a rule finding or of a Formatting finding) uses the native
names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Annotated, Any, NamedTuple, TypeGuard

from dateutil import parser as _dateparser
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

__all__ = [
    "LIST_FIELDS",
    "NATIVE_CAPS",
    "NATIVE_KEYS",
    "Customer",
    "ExemptionCertificate",
    "NativeCaps",
    "ScreeningReader",
    "TextTest",
    "native_certificate",
    "native_customer",
    "native_form",
    "parse_date",
    "screening_validator",
    "validate_native",
]

# --- dialect key maps (input key -> native field) -------------------------------------------------

_CUSTOMER_KEYS: Mapping[str, str] = {
    # native
    "customer_number": "customer_number",
    "name": "name",
    "address_line1": "address_line1",
    "address_line2": "address_line2",
    "address_line3": "address_line3",
    "city": "city",
    "region": "region",
    "postal_code": "postal_code",
    "country": "country",
    # AvaTax REST v2 CustomerModel (MODELS.md 1)
    "customerCode": "customer_number",
    "line1": "address_line1",
    "line2": "address_line2",
    "line3": "address_line3",
    "postalCode": "postal_code",
    # CertCapture v2 customer (MODELS.md 5)
    "zip": "postal_code",
    "state": "region",
    # ECMS / SOAP spellings seen in exports (MODELS.md 3, 6)
    "customer_code": "customer_number",
    "CustomerCode": "customer_number",
    "customerName": "name",
    "customer_name": "name",
    "address1": "address_line1",
    "address2": "address_line2",
    "address3": "address_line3",
    "zip_code": "postal_code",
}

_CERTIFICATE_KEYS: Mapping[str, str] = {
    # native
    "id": "id",
    "exempt_reason": "exempt_reason",
    "exempt_reason_id": "exempt_reason_id",  # so a model's own dump reads back the same
    "exempt_reason_description": "exempt_reason_description",
    "regions": "regions",
    "effective_date": "effective_date",
    "expiration_date": "expiration_date",
    "single_use": "single_use",
    "po_numbers": "po_numbers",
    "tax_id": "tax_id",
    "tax_id_type": "tax_id_type",
    "business_type": "business_type",
    "exempt_percentage": "exempt_percentage",
    "form": "form",
    "filename": "filename",
    "pdf": "pdf",
    "pages": "pages",
    "valid": "valid",
    "customers": "customers",
    # AvaTax REST v2 CertificateModel (MODELS.md 2)
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
    # CertCapture v2 certificate (MODELS.md 5)
    "signed_date": "effective_date",
    "expected_tax_code": "exempt_reason",
    "exposure_zone": "regions",
    "exposure_zones": "regions",
    "is_single": "single_use",
    "tax_number": "tax_id",
    "tax_number_type": "tax_id_type",
    "business_number_type": "business_type",
    "exmpt_percent": "exempt_percentage",
    # other spellings integrators use
    "certificate_id": "id",
    "certificateId": "id",
    "exemption_reason": "exempt_reason",
    "exemption_number": "tax_id",
    "exemptReasonDescription": "exempt_reason_description",
    "exempt_reason_other_description": "exempt_reason_description",
    "ExemptFormName": "form",  # the legacy AvaCert2 SOAP Certificate's form name
}

# Date fields whose text as given is kept (as ``<field>_text``) for the date-ambiguity rule.
_DATE_FIELDS = ("effective_date", "expiration_date")

# Keys inside nested reference objects, in order of preference.
_REF_KEYS = ("initials", "code", "name")
_NAME_KEYS = ("name", "code", "initials")
_PO_KEYS = ("poNumber", "po_number", "number", "value")
# Customer fields whose reference objects are unwrapped (``"state": {"initials": "WA"}``).
_CUSTOMER_REFS = ("region", "country")


def _is_mapping(value: Any) -> TypeGuard[Mapping[Any, Any]]:
    """``isinstance(value, Mapping)``, without the ABC machinery for dicts and text.

    Most values checked are dicts or text, and an ABC instance check costs several
    times a type comparison; this runs for every reference and list item.
    """
    kind = type(value)
    return kind is dict or (kind is not str and isinstance(value, Mapping))


def _first(obj: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = obj.get(key)
        if value is not None and value != "":
            return value
    return None


def _unwrap(value: Any, keys: tuple[str, ...]) -> Any:
    """``{"name": "Washington"}`` -> ``"Washington"``; anything else unchanged."""
    if _is_mapping(value):
        return _first(value, keys)
    return value


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


# --- field types ----------------------------------------------------------------------------------


def parse_date(value: Any) -> Any:
    """Read a date from ISO text, an ISO datetime, US ``mm/dd/yyyy`` or any dateutil format.

    Empty text is None. Text that is not a date raises ``ValueError`` (which
    pydantic reports, and ``validate()`` turns into a Formatting finding).
    Ambiguous numeric dates are read month first, as AvaTax import templates
    expect (MODELS.md 4: "mm/dd/yyyy").
    """
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    if not isinstance(value, str):
        return value  # let pydantic say what is wrong with it
    text = value.strip()
    if not text:
        return None
    if len(text) >= 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    try:
        return _dateparser.parse(text, dayfirst=False, yearfirst=False).date()
    except (ValueError, OverflowError):
        raise ValueError(f"{value!r} is not a date") from None


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
    if _is_mapping(value):
        value = [value]
    if isinstance(value, (list, tuple)):
        return tuple(_unwrap(v, keys) for v in value if v is not None and v != "")
    return value


def _regions(value: Any) -> Any:
    return _to_str_list(value, _NAME_KEYS)


def _po_numbers(value: Any) -> Any:
    return _to_str_list(value, _PO_KEYS)


def _customers(value: Any) -> Any:
    if value is None:
        return ()
    if _is_mapping(value):
        return (value,)
    return value


_NATIVE_CUSTOMER_KEYS = frozenset(k for k, v in _CUSTOMER_KEYS.items() if k == v)


def native_customer(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """A customer mapping in any dialect, with native keys and reference objects unwrapped.

    A dict that already has only native keys and no reference object is returned
    as it is (pydantic only reads it): this runs once per customer, so the common
    case costs a subset check instead of a copy.
    """
    if (
        type(data) is dict
        and data.keys() <= _NATIVE_CUSTOMER_KEYS
        and type(data.get("region")) is not dict
        and type(data.get("country")) is not dict
    ):
        return data
    out = _rename(data, _CUSTOMER_KEYS)
    for key in _CUSTOMER_REFS:
        value = out.get(key)
        if _is_mapping(value):
            out[key] = _first(value, _REF_KEYS)
    return out


#: The list-valued certificate fields and the coercion each applies before validation.
LIST_FIELDS: Mapping[str, Any] = {
    "regions": _regions,
    "po_numbers": _po_numbers,
    "customers": _customers,
}

# Every coercion the certificate's fields need, done in the one model-level validator: a
# Python call made by pydantic costs about as much as validating a field in Rust, so one
# call per certificate instead of one per field (customers are normalised by Customer).
_COERCE: Mapping[str, Any] = {**LIST_FIELDS, "single_use": _to_bool}


def native_certificate(data: Mapping[str, Any]) -> dict[str, Any]:
    """A certificate mapping in any dialect: native keys, reference objects unwrapped.

    Also coerces the list fields (``"WA, OR"`` -> ``("WA", "OR")``) and the
    single-use flag. Customers stay mappings (each is normalised by
    :class:`Customer`) and dates stay text (:func:`parse_date`, per field, so a
    date that can't be read is reported at its own loc).
    """
    out = _rename(data, _CERTIFICATE_KEYS)
    for key in _DATE_FIELDS:
        value = out.get(key)
        if isinstance(value, str):
            out[f"{key}_text"] = value
    reason = out.get("exempt_reason")
    if _is_mapping(reason):
        out["exempt_reason"] = _first(reason, _NAME_KEYS)
        if out["exempt_reason"] is None and reason.get("id") is not None:
            out["exempt_reason_id"] = reason["id"]
    for key, coerce in _COERCE.items():
        if key in out:
            out[key] = coerce(out[key])
    return out


def native_form(data: Mapping[str, Any]) -> dict[str, Any]:
    """A certificate mapping in any dialect, in the shape :func:`validate_native` reads.

    :func:`validate_native` reads every dialect's keys and the usual reference
    objects itself; this is for the rest (a customer's ``companyId``, a reference
    object with other keys): :func:`native_certificate`, then customers renamed
    (:func:`native_customer`), list fields as lists, and no date-text keys (the
    strict validator reads them from the dates themselves). What the strict
    validator accepts of this reads to the same model as ``data`` does on the
    general path (``tests/test_parse_fast.py`` checks that for all three dialects).
    """
    out = native_certificate(data)
    out.pop("effective_date_text", None)
    out.pop("expiration_date_text", None)
    for key, value in out.items():
        if type(value) is tuple:
            out[key] = list(value)
    customers = out.get("customers")
    if type(customers) is list:
        out["customers"] = [native_customer(c) if type(c) is dict else c for c in customers]
    return out


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
        return native_customer(data) if _is_mapping(data) else data


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
    #: The certificate form used ("MTC", "SST F0003", "ST-120"): read by the audit rules.
    form: str | None = None
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
        return native_certificate(data) if _is_mapping(data) else data

    def customer_numbers(self) -> tuple[str | None, ...]:
        """The linked customers' numbers, in order."""
        return tuple(c.customer_number for c in self.customers)


# --- the fast path: clean input, validated in Rust (almost) only ----------------------------------
#
# Most certificates arrive clean. For them the Python above (renaming, coercion, date parsing)
# changes little, and the limit walk (limits.within) finds nothing, yet together they cost three
# times pydantic's own work. validate_native() reads such input with a second, strict validator of
# the same two models that calls no Python except to pick a reference object's text: it accepts
# only what the lenient path would read to the same model (each field under one of its dialect
# keys, text as text, whole numbers as their text, reference objects with a text to pick, ISO
# dates, lists of non-empty text, true/false) and only values small enough that no limit can be
# near (NATIVE_CAPS; limits.py proves that per Limits). Anything else raises ValidationError and
# takes the general path, which then says what is wrong; so the fast path can only be missed,
# never give a different answer (tests/test_parse_fast.py checks that differentially).


@dataclass(frozen=True, slots=True)
class NativeCaps:
    """The largest values :func:`validate_native` accepts (larger ones take the general path)."""

    #: Characters in one text value (an embedded PDF is longer: general path).
    chars: int = 1_000
    #: Characters in one text of a reference object (``{"name": "Washington"}``).
    ref_chars: int = 100
    #: Items in ``regions`` and in ``po_numbers``.
    items: int = 64
    #: Items in ``pages``.
    pages: int = 8
    #: Linked customers.
    customers: int = 64
    #: Largest ``abs(exempt_percentage)``; a bigger number may be near the digit limit.
    number: float = 1e15


NATIVE_CAPS = NativeCaps()

#: The keys validate_native reads: the native field names (the date texts have no key).
NATIVE_KEYS = frozenset(key for key, native in _CERTIFICATE_KEYS.items() if key == native)

_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # parse_date reads these exactly as pydantic does


@dataclass(frozen=True, slots=True)
class TextTest:
    """A test of one customer text field that :func:`screening_validator` applies in Rust.

    A value passes when it is None and ``present`` is False, or when it is text of
    at most ``max_length`` characters that ``pattern`` (a regex of the Rust ``regex``
    crate, which must anchor itself: ``\\A(?:...)\\z``) matches.
    """

    present: bool = False
    max_length: int | None = None
    pattern: str | None = None


def _failed(field: str) -> Callable[[Any, cs.ValidationInfo], Any]:
    """A validator that notes ``field`` in the call's context (a set), if any."""

    def note(value: Any, info: cs.ValidationInfo) -> Any:
        if isinstance(info.context, set):
            info.context.add(field)
        return value

    return note


def _aliases(keys: Mapping[str, str], field: str) -> list[list[str | int]] | None:
    """The input keys of ``field`` in every dialect (native first), as alias choices; None
    when it has no other key (pydantic then looks up the field's name, a little faster).

    Given two of them, the strict validator finds the second one an extra key and
    refuses the input: the general path then decides which value wins.
    """
    others = [key for key, native in keys.items() if native == field != key]
    if not others:
        return None
    choices: list[list[str | int]] = [[field]]
    choices += ([key] for key in others)
    return choices


def _single(value: Any) -> tuple[Any, ...]:
    return (value,)


def _strict_schemas(
    caps: NativeCaps, tests: Mapping[str, TextTest] | None = None, *, dialects: bool = True
) -> dict[str, cs.CoreSchema]:
    """Strict core schemas for the certificate's fields, by name (customers included).

    Each reads a field's value as every dialect writes it (text, a whole number as its
    text, a reference object's name) but only in the forms the general path reads to
    the same value; without ``dialects``, text only. ``tests`` are applied to those
    customer fields: see :func:`screening_validator`.
    """

    def text(min_length: int = 0, max_length: int = caps.chars) -> cs.CoreSchema:
        return cs.str_schema(strict=True, min_length=min_length, max_length=max_length)

    whole = cs.int_schema(strict=True, ge=-int(caps.number), le=int(caps.number))
    # a whole number as its text, as the models' coerce_numbers_to_str reads it
    as_text = cs.chain_schema([whole, cs.str_schema(coerce_numbers_to_str=True)])

    def ref(keys: tuple[str, ...]) -> cs.CoreSchema:
        # {"name": "Washington"} -> "Washington": the first of ``keys`` with a value, as
        # models._first picks it; a reference object with nothing to pick is refused
        short = cs.nullable_schema(text(max_length=caps.ref_chars))
        fields = {key: cs.typed_dict_field(short, required=False) for key in keys}
        fields["id"] = cs.typed_dict_field(
            cs.nullable_schema(cs.union_schema([whole, short])), required=False
        )
        typed = cs.typed_dict_schema(fields, extra_behavior="forbid", strict=True)
        picked = cs.no_info_after_validator_function(partial(_first, keys=keys), typed)
        anyhow = cs.chain_schema([picked, cs.str_schema(strict=True)])
        # the usual object has the first key's text: picked without a Python frame
        first = {**fields, keys[0]: cs.typed_dict_field(text(1, caps.ref_chars), required=True)}
        usual = cs.no_info_after_validator_function(
            itemgetter(keys[0]), cs.typed_dict_schema(first, extra_behavior="forbid", strict=True)
        )
        return cs.union_schema([usual, anyhow], mode="left_to_right")

    def converted(keys: tuple[str, ...] | None) -> cs.CoreSchema:
        """A whole number's text, or (given ``keys``) a reference object's text."""
        if keys is None:
            return as_text
        return cs.union_schema([ref(keys), as_text], mode="left_to_right")

    def scalar(keys: tuple[str, ...] | None = None) -> cs.CoreSchema:
        """Text, or what :func:`converted` reads (text only without ``dialects``)."""
        if not dialects:
            return text()
        return cs.union_schema([text(), converted(keys)], mode="left_to_right")

    def texts(max_items: int, min_length: int, keys: tuple[str, ...] | None) -> cs.CoreSchema:
        # a list exactly (no tuple, set or generator: those are rare and take the general
        # path, which must not find a generator already consumed), stored as a tuple; the
        # general path drops empty items, so they are refused here
        keys = keys if dialects else None
        item = (
            text(min_length)
            if keys is None
            else cs.union_schema([text(min_length), ref(keys)], mode="left_to_right")
        )
        items = cs.list_schema(item, strict=True, max_length=max_items)
        many = cs.no_info_after_validator_function(tuple, items)
        if keys is None:
            return many
        one = cs.no_info_after_validator_function(_single, ref(keys))  # one object, no list
        return cs.union_schema([many, one], mode="left_to_right")

    def optional_text(
        model: type[BaseModel], name: str, keys: tuple[str, ...] | None = None
    ) -> cs.CoreSchema:
        # a new field of another type needs its own strict schema here, or the fast path
        # would read it as text
        if model.model_fields[name].annotation != (str | None):
            raise TypeError(f"no strict schema for {model.__name__}.{name}")
        return cs.nullable_schema(scalar(keys))

    date = cs.chain_schema([cs.str_schema(strict=True, pattern=_ISO_DATE), cs.date_schema()])

    def customer_field(name: str) -> cs.CoreSchema:
        keys = _REF_KEYS if name in _CUSTOMER_REFS else None
        test = (tests or {}).get(name)
        if test is None:
            return cs.with_default_schema(optional_text(Customer, name, keys), default=None)
        limit = caps.chars if test.max_length is None else min(test.max_length, caps.chars)
        passing = cs.str_schema(strict=True, max_length=limit, pattern=test.pattern)
        # otherwise the field's own strict schema reads it, and notes the field as failing
        failing = cs.with_info_after_validator_function(
            _failed(name), cs.nullable_schema(text()) if test.present else text()
        )
        screened = cs.union_schema([passing, failing], mode="left_to_right")
        if not dialects:
            either = screened
        else:  # text is screened as it is; a number or a reference object once it is text
            either = cs.union_schema(
                [screened, cs.chain_schema([converted(keys), screened])], mode="left_to_right"
            )
        if test.present:  # None fails too; a missing value is None, so it is validated
            return cs.with_default_schema(either, default=None, validate_default=True)
        return cs.with_default_schema(cs.nullable_schema(either), default=None)

    if tests and not tests.keys() <= Customer.model_fields.keys():
        raise ValueError(f"not customer fields: {sorted(tests.keys() - Customer.model_fields)}")
    customer = cs.model_schema(
        Customer,
        cs.model_fields_schema(
            {
                name: cs.model_field(
                    customer_field(name),
                    validation_alias=_aliases(_CUSTOMER_KEYS if dialects else {}, name),
                )
                for name in Customer.model_fields
            },
            extra_behavior="forbid",
        ),
    )
    fields: dict[str, cs.CoreSchema] = {
        "exempt_reason": optional_text(ExemptionCertificate, "exempt_reason", _NAME_KEYS),
        "regions": texts(caps.items, 1, _NAME_KEYS),
        "po_numbers": texts(caps.items, 1, _PO_KEYS),
        "pages": cs.nullable_schema(texts(caps.pages, 0, None)),
        "effective_date": cs.nullable_schema(date),
        "expiration_date": cs.nullable_schema(date),
        "effective_date_text": cs.nullable_schema(text()),
        "expiration_date_text": cs.nullable_schema(text()),
        "single_use": cs.bool_schema(strict=True),  # None and "" are False: general path
        "valid": cs.nullable_schema(cs.bool_schema(strict=True)),
        "exempt_percentage": cs.nullable_schema(
            cs.float_schema(strict=True, allow_inf_nan=False, ge=-caps.number, le=caps.number)
        ),
        "customers": cs.no_info_after_validator_function(
            tuple, cs.list_schema(customer, strict=True, max_length=caps.customers)
        ),
    }
    for name in ExemptionCertificate.model_fields:
        if name not in fields:
            fields[name] = optional_text(ExemptionCertificate, name)
    return fields


def _native_validator(
    caps: NativeCaps, tests: Mapping[str, TextTest] | None = None, *, dialects: bool = True
) -> SchemaValidator | None:
    """The strict validator of ExemptionCertificate (and Customer), or None if pydantic can't.

    Without ``dialects`` it reads native keys and text as text only: it refuses more,
    and costs a little less (no other key to look for, no number or object to try).

    Given a schema for a finished model class, pydantic-core reuses the class's own
    validator instead of building the schema (its "prebuilt" shortcut, keyed on the
    class's ``__pydantic_complete__``); the flag is lowered while this one is built,
    at import. Should a pydantic release reuse it anyway, the self-check below finds
    the lenient validator and the fast path is off: slower, never wrong.
    """
    schemas = _strict_schemas(caps, tests, dialects=dialects)
    keys = _CERTIFICATE_KEYS if dialects else {}
    fields = {}
    for name, info in ExemptionCertificate.model_fields.items():
        # a date's text is read from the date's own key
        key = name.removesuffix("_text") if name.endswith("_date_text") else name
        field = cs.with_default_schema(schemas[name], default=info.default)
        alias = _aliases(keys, key) or (None if key == name else key)
        fields[name] = cs.model_field(field, validation_alias=alias)
    schema = cs.model_schema(
        ExemptionCertificate, cs.model_fields_schema(fields, extra_behavior="forbid")
    )
    models = (ExemptionCertificate, Customer)
    for model in models:
        type.__setattr__(model, "__pydantic_complete__", False)
    try:
        validator = SchemaValidator(schema)
    finally:
        for model in models:
            type.__setattr__(model, "__pydantic_complete__", True)
    try:
        validator.validate_python({"notes": "a key no dialect has", "single_use": None})
    except ValidationError:
        return validator  # strict, as built
    return None  # pydantic used the models' own lenient validators: no fast path


_NATIVE_VALIDATOR = _native_validator(NATIVE_CAPS)


class ScreeningReader(NamedTuple):
    """:func:`validate_native` with customer tests applied: see :func:`screening_validator`."""

    #: ``python(mapping, context=failed)``
    python: Callable[..., ExemptionCertificate]
    #: ``native(mapping, context=failed)``: the same for native keys and text as text only
    #: (a little cheaper; it refuses whole numbers, reference objects and other dialects)
    native: Callable[..., ExemptionCertificate]
    #: ``json(text, context=failed)``: JSON text read straight to the model, which is the
    #: model of the decoded mapping (``python``) and refuses what ``python`` would refuse.
    json: Callable[..., ExemptionCertificate]


def screening_validator(tests: Mapping[str, TextTest]) -> ScreeningReader | None:
    """:func:`validate_native` that also applies ``tests`` to those customer fields.

    Call it as ``read.python(mapping, context=failed)`` (or ``read.json(text, ...)``)
    with an empty set: it reads exactly what :func:`validate_native` reads, to the
    same model, and adds to ``failed`` the name of each field in which some
    customer's value fails its test (a value that fails is still read, by the
    field's strict schema; only then does Python run). The engine applies its
    customer screens this way (``certpreflight._screening``). None when this
    pydantic can't build it.
    """
    if _NATIVE_VALIDATOR is None:
        return None
    validator = _native_validator(NATIVE_CAPS, tests)
    native = _native_validator(NATIVE_CAPS, tests, dialects=False)
    if validator is None or native is None:
        return None
    return ScreeningReader(
        validator.validate_python, native.validate_python, validator.validate_json
    )


#: Validate clean input in Rust: ``validate_native(mapping)`` gives the same
#: model as ``ExemptionCertificate.model_validate`` or raises ValidationError (take the general
#: path then). None when this pydantic can't build it.
validate_native: Callable[[Any], ExemptionCertificate] | None = (
    None if _NATIVE_VALIDATOR is None else _NATIVE_VALIDATOR.validate_python
)
