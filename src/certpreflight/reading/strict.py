"""The one schema: every dialect's certificate and customer record read to the models in Rust.

One pydantic-core validator, built from the dialect tables of :mod:`certpreflight.dialects`,
reads a certificate given as a dict or as JSON text (str or bytes): each field under any of
its dialect keys, text as text, whole numbers as their text, reference objects with a text
to pick (a small object of scalars, as AvaTax returns its ExposureZoneModel), ISO dates and
the ISO date-times AvaTax returns (``2026-01-15T00:00:00``), lists of non-empty text of any
length, true/false; the documented keys certpreflight does not read (a customer's
``companyId``, a certificate's ``createdDate``, a customer's ``exposureZones`` inside a
certificate), when their value is a scalar, a small object of scalars or a list of those.
A second validator from the same tables reads a customer record (:class:`CustomerRecord`:
a ``ListCustomers`` item as GET returns it, a ``CreateCustomers`` item) the same way. They
call no Python but to pick a reference object's text, to read a date-time's date and to
count the items of a documented list. Values are small enough that no limit but the
payload's size and list lengths can be near (:data:`NATIVE_CAPS`; the reader checks those,
:func:`~certpreflight.reading.limits.read_within`).

What it refuses (a date "banana", a key nobody reads, a value over a limit, two keys for one
field) takes the salvage path (:mod:`~certpreflight.reading.lenient`), which says what is
wrong and reads the rest; for what the schema accepts, the salvage path reads the same model.

"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from functools import cache, partial
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticCustomError, SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from certpreflight.dialects import (
    CERTIFICATE_KEYS,
    CUSTOMER_KEYS,
    CUSTOMER_RECORD_KEYS,
    DOCUMENTED_CERTIFICATE_KEYS,
    DOCUMENTED_CUSTOMER_KEYS,
    REFERENCES,
    first_text,
    parse_date,
)
from certpreflight.models import Customer, CustomerRecord, ExemptionCertificate, Jurisdiction
from certpreflight.rules.formatting import MAX_ITEMS

__all__ = [
    "NATIVE_CAPS",
    "PLAIN",
    "Forgotten",
    "NativeCaps",
    "StrictReader",
    "strict_reader",
]


@dataclass(frozen=True, slots=True)
class NativeCaps:
    """The largest values the schema accepts (larger ones take the salvage path). The
    reader holds list lengths to the run's ``max_items``; ``items`` only stops the schema
    from reading a list far past it."""

    #: Characters in one text value (an embedded PDF is longer: salvage path).
    chars: int = 1_000
    #: Characters in one text of a reference object (``{"name": "Washington"}``).
    ref_chars: int = 100
    #: Keys in a reference object or in the object value of a documented key (AvaTax's
    #: ExposureZoneModel has nine), and the characters of such a key (every key that is read
    #: or documented is shorter); ``limits`` counts such an object as one value.
    object_keys: int = 9
    key_chars: int = 32
    #: Largest ``abs(exempt_percentage)``; a bigger number may be near the digit limit.
    number: float = 1e15
    #: Local jurisdictions on one certificate (more take the salvage path, which measures).
    jurisdictions: int = 100
    #: Items in a list (customers, regions, PO numbers, pages): the default ``max_items``.
    #: The schema refuses a longer list at once, without reading its items (a run with a
    #: larger ``max_items`` reads it on the salvage path).
    items: int = MAX_ITEMS


NATIVE_CAPS = NativeCaps()

#: The keys of a customer's country object that the schema picks (not its name).
_COUNTRY_KEYS = ("initials", "code")

#: The other members of AvaTax's ExposureZoneModel (docs/sources.md#sync-plans; its nine:
#: id, companyId, name, tag, description, created, modified, region, country): a reference
#: object may carry them, short scalars, and its text is still picked without Python.
_REFERENCE_EXTRAS = ("companyId", "description", "created", "modified", "region", "country")

#: An ISO date, or the date-time of its midnight (AvaTax returns ``signedDate`` as
#: ``2026-01-15T00:00:00``): parse_date reads these exactly as pydantic does.
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T00:00:00)?$"
#: ``createdDate`` / ``created``, and any other date-time of a date field
#: (``2026-01-16T10:00:00.1234567Z``): a date, or a date-time with seconds, read by
#: dialects.parse_date itself (the salvage path's date, by construction).
_ISO_DATE_TIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?"
    r"| [0-9]{2}:[0-9]{2}:[0-9]{2})?$"
)


def _aliases(keys: Mapping[str, str], field: str) -> list[list[str | int]] | None:
    """The input keys of ``field`` in every dialect (native first), as alias choices; None
    when it has no other key (pydantic then looks up the field's name, a little faster).

    Given two of them, the strict validator finds the second one an extra key and
    refuses the input: the salvage path then decides which value wins.
    """
    others = [key for key, native in keys.items() if native == field != key]
    if not others:
        return None
    choices: list[list[str | int]] = [[field]]
    choices += ([key] for key in others)
    return choices


def _single(value: Any) -> tuple[Any, ...]:
    return (value,)


def _jurisdictions(items: list[dict[str, Any]]) -> tuple[Jurisdiction, ...]:
    return tuple(Jurisdiction.model_construct(None, **item) for item in items)


def _pairs(value: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((key, number) for key, number in value.items() if number.strip())


class _Schemas(NamedTuple):
    #: the certificate's fields, by name (customers included)
    certificate: dict[str, cs.CoreSchema]
    #: a customer record (:class:`CustomerRecord`), whole
    record: cs.CoreSchema


def _strict_schemas(caps: NativeCaps, documented_first: bool) -> _Schemas:
    """Strict core schemas for the certificate's fields, by name (customers included), and
    for a customer record (``documented_first``: see :func:`_model`).

    Each reads a field's value as every dialect writes it (text, a whole number as its
    text, a reference object's name) but only in the forms the salvage path reads to
    the same value.
    """

    def text(min_length: int = 0, max_length: int = caps.chars) -> cs.CoreSchema:
        return cs.str_schema(strict=True, min_length=min_length, max_length=max_length)

    whole = cs.int_schema(strict=True, ge=-int(caps.number), le=int(caps.number))
    small_object = _small_object(caps)
    # a whole number as its text, as the models' coerce_numbers_to_str reads it
    as_text = cs.chain_schema([whole, cs.str_schema(coerce_numbers_to_str=True)])

    def ref(keys: tuple[str, ...]) -> cs.CoreSchema:
        # {"name": "Washington"} -> "Washington": the first of ``keys`` with a value, as
        # dialects.first_text picks it; a reference object with nothing to pick is refused
        short = cs.nullable_schema(text(max_length=caps.ref_chars))
        # the usual object has the first key's text, perhaps an id and the zone model's
        # other members: picked without a Python frame
        member = cs.typed_dict_field(
            cs.nullable_schema(cs.union_schema([whole, short])), required=False
        )
        usual_fields = dict.fromkeys(("id", *_REFERENCE_EXTRAS), member)
        usual_fields.update({key: cs.typed_dict_field(short, required=False) for key in keys})
        usual_fields[keys[0]] = cs.typed_dict_field(text(1, caps.ref_chars), required=True)
        usual = cs.no_info_after_validator_function(
            itemgetter(keys[0]),
            cs.typed_dict_schema(usual_fields, extra_behavior="forbid", strict=True),
        )
        # any other: a small object of scalars (an AvaTax ExposureZoneModel with its id,
        # companyId, tag, region ...), picked in Python; a country picked by its name only is
        # read as its ISO code (dialects.country_reference) on the salvage path: refused here
        picked = cs.no_info_after_validator_function(partial(first_text, keys=keys), small_object)
        return cs.union_schema(
            [usual, cs.chain_schema([picked, cs.str_schema(strict=True)])], mode="left_to_right"
        )

    def converted(keys: tuple[str, ...] | None) -> cs.CoreSchema:
        """A whole number's text, or (given ``keys``) a reference object's text."""
        if keys is None:
            return as_text
        return cs.union_schema([ref(keys), as_text], mode="left_to_right")

    def scalar(keys: tuple[str, ...] | None = None) -> cs.CoreSchema:
        """Text, or what :func:`converted` reads."""
        return cs.union_schema([text(), converted(keys)], mode="left_to_right")

    def texts(min_length: int, keys: tuple[str, ...] | None) -> cs.CoreSchema:
        # a list exactly (no tuple, set or generator: those are rare and take the general
        # path, which must not find a generator already consumed), stored as a tuple; the
        # salvage path drops empty items, so they are refused here
        item = (
            text(min_length)
            if keys is None
            else cs.union_schema([text(min_length), ref(keys)], mode="left_to_right")
        )
        items = cs.list_schema(item, strict=True, max_length=caps.items)
        many = cs.no_info_after_validator_function(tuple, items)
        if keys is None:
            return many
        one = cs.no_info_after_validator_function(_single, ref(keys))  # one object, no list
        return cs.union_schema([many, one], mode="left_to_right")

    def optional_text(
        model: type[BaseModel], name: str, keys: tuple[str, ...] | None = None
    ) -> cs.CoreSchema:
        # a new field of another type needs its own strict schema here, or the fast route
        # would read it as text
        if model.model_fields[name].annotation != (str | None):
            raise TypeError(f"no strict schema for {model.__name__}.{name}")
        return cs.nullable_schema(scalar(keys))

    day = cs.chain_schema([cs.str_schema(strict=True, pattern=_ISO_DATE), cs.date_schema()])
    # (a date-time not at midnight: a Python call)
    moment = cs.no_info_after_validator_function(
        parse_date, cs.str_schema(strict=True, pattern=_ISO_DATE_TIME)
    )
    date = cs.union_schema([day, moment], mode="left_to_right")

    def customer_field(name: str) -> cs.CoreSchema:
        keys = _COUNTRY_KEYS if name == "country" else REFERENCES.get(name)
        return cs.with_default_schema(optional_text(Customer, name, keys), default=None)

    def customer_fields(keys: Mapping[str, str]) -> dict[str, cs.ModelField]:
        return {
            name: cs.model_field(customer_field(name), validation_alias=_aliases(keys, name))
            for name in Customer.model_fields
        }

    customer = _model(
        Customer,
        customer_fields(CUSTOMER_KEYS),
        DOCUMENTED_CUSTOMER_KEYS - CUSTOMER_KEYS.keys(),
        caps,
        documented_first,
    )
    flag = cs.with_default_schema(cs.nullable_schema(cs.bool_schema(strict=True)), default=None)
    record_fields = {
        **customer_fields(CUSTOMER_RECORD_KEYS),
        "is_bill": cs.model_field(flag, validation_alias=_aliases(CUSTOMER_RECORD_KEYS, "is_bill")),
        "is_ship": cs.model_field(flag, validation_alias=_aliases(CUSTOMER_RECORD_KEYS, "is_ship")),
        # ship-to zones: names, or ExposureZoneModels by their name (an empty object, a null
        # or an item that is no text: the salvage path)
        "exposure_zones": cs.model_field(
            cs.with_default_schema(texts(1, REFERENCES["regions"]), default=()),
            validation_alias=_aliases(CUSTOMER_RECORD_KEYS, "exposure_zones"),
        ),
        # what the salvage path finds (a reference object with nothing in it), never a key
        "empty_references": cs.model_field(
            cs.with_default_schema(cs.is_instance_schema(_NoKey), default=())
        ),
    }
    if record_fields.keys() != CustomerRecord.model_fields.keys():
        raise TypeError("no strict schema for a field of CustomerRecord")
    record = _model(
        CustomerRecord,
        record_fields,
        DOCUMENTED_CUSTOMER_KEYS - CUSTOMER_RECORD_KEYS.keys(),
        caps,
        documented_first,
    )
    fields: dict[str, cs.CoreSchema] = {
        "exempt_reason": optional_text(
            ExemptionCertificate, "exempt_reason", REFERENCES["exempt_reason"]
        ),
        "regions": texts(1, REFERENCES["regions"]),
        "po_numbers": texts(1, REFERENCES["po_numbers"]),
        "pages": cs.nullable_schema(texts(0, None)),
        "effective_date": cs.nullable_schema(date),
        "expiration_date": cs.nullable_schema(date),
        "created_date": cs.nullable_schema(  # a date-time as AvaTax and CertCapture write it
            cs.no_info_after_validator_function(
                parse_date, cs.str_schema(strict=True, pattern=_ISO_DATE_TIME)
            )
        ),
        "effective_date_text": cs.nullable_schema(text()),
        "expiration_date_text": cs.nullable_schema(text()),
        "single_use": cs.bool_schema(strict=True),  # None and "" are False: salvage path
        "submit_to_stack": cs.bool_schema(strict=True),
        "valid": cs.nullable_schema(cs.bool_schema(strict=True)),
        "exempt_percentage": cs.nullable_schema(
            cs.float_schema(strict=True, allow_inf_nan=False, ge=-caps.number, le=caps.number)
        ),
        "customers": cs.no_info_after_validator_function(
            tuple, cs.list_schema(customer, strict=True, max_length=caps.items)
        ),
        # the native mapping {"NY": "123456"} only; a list (the ECMS details) takes the
        # salvage path, which reads every form (dialects._tax_ids)
        # AvaTax's CertificateJurisdictionModel objects (id, type, name, code), at most
        # NATIVE_CAPS.jurisdictions of them; names alone or more take the salvage path
        "jurisdictions": cs.no_info_after_validator_function(
            _jurisdictions,
            cs.list_schema(
                cs.typed_dict_schema(
                    {
                        key: cs.typed_dict_field(
                            cs.nullable_schema(
                                cs.union_schema([text(max_length=caps.ref_chars), as_text])
                            ),
                            required=False,
                        )
                        for key in ("id", "type", "name", "code")
                    },
                    extra_behavior="forbid",
                    strict=True,
                ),
                max_length=caps.jurisdictions,
                strict=True,
            ),
        ),
        "tax_ids": cs.no_info_after_validator_function(
            _pairs,
            cs.dict_schema(
                text(1, caps.ref_chars), text(1, caps.ref_chars), max_length=caps.object_keys
            ),
        ),
    }
    for name in ExemptionCertificate.model_fields:
        if name not in fields:
            fields[name] = optional_text(ExemptionCertificate, name)
    return _Schemas(fields, record)


class _NoKey:
    """What no payload holds: a field that no key may set reads only this."""


def _small_object(caps: NativeCaps) -> cs.CoreSchema:
    """A dict of at most ``caps.object_keys`` text keys, each holding None, true/false, a
    whole number or a short text."""
    value = cs.union_schema(
        [
            cs.none_schema(),
            cs.str_schema(strict=True, max_length=caps.ref_chars),
            cs.bool_schema(strict=True),
            cs.int_schema(strict=True, ge=-int(caps.number), le=int(caps.number)),
        ],
        mode="left_to_right",
    )
    key = cs.str_schema(strict=True, max_length=caps.key_chars)
    return cs.dict_schema(key, value, max_length=caps.object_keys, strict=True)


def _model(
    model: type[BaseModel],
    fields: dict[str, cs.ModelField],
    documented: Set[str],
    caps: NativeCaps,
    documented_first: bool,
) -> cs.CoreSchema:
    """A model of ``fields`` that refuses any other key (unknown, or a field's second key);
    or else, when the others are ``documented`` keys certpreflight does not read, each
    holding a value small enough that no limit but list lengths can be near it, the model
    without them.

    Either reading gives the same model where both do, so their order is only a matter of
    speed: the exact one first calls no Python for a payload without documented keys; the
    other first (``documented_first``) spares a payload with them (an AvaTax record as GET
    returns it) a whole failed reading of itself and of its customers.
    """
    one = cs.nullable_schema(
        cs.union_schema(
            [
                cs.str_schema(strict=True, max_length=caps.chars),
                cs.bool_schema(strict=True),
                cs.int_schema(strict=True, ge=-int(caps.number), le=int(caps.number)),
                cs.float_schema(strict=True, allow_inf_nan=False, ge=-caps.number, le=caps.number),
                _small_object(caps),  # a reference object (validatedExemptionReason)
            ],
            mode="left_to_right",
        )
    )
    # a list of those (a customer's exposureZones, ExposureZoneModels), counted for the
    # reader, which holds it to max_items and the size: the model forgets it
    many = cs.with_info_after_validator_function(
        _counted, cs.list_schema(one, strict=True, max_length=caps.items)
    )
    small = cs.union_schema([one, many], mode="left_to_right")
    exact = cs.model_schema(model, cs.model_fields_schema(fields, extra_behavior="forbid"))
    along = cs.model_fields_schema(
        fields,
        extra_behavior="allow",
        extras_keys_schema=cs.literal_schema(sorted(documented)),
        extras_schema=small,
    )
    with_documented = cs.no_info_after_validator_function(
        _forget_extras, cs.model_schema(model, along)
    )
    order: list[cs.CoreSchema | tuple[cs.CoreSchema, str]] = [exact, with_documented]
    return cs.union_schema(order[::-1] if documented_first else order, mode="left_to_right")


#: What the documented lists of one read held (the model keeps none of it): ``[items in
#: all, the longest]``. Given as the validation's context, it is filled in, and the reader
#: holds it to the limits (:func:`~certpreflight.reading.limits.read_within`). A plain
#: list: one is made for every read. A list read twice (by both readings of a model)
#: counts twice: never too few.
Forgotten = list[int]


def _counted(items: list[Any], info: cs.ValidationInfo) -> list[Any]:
    seen = info.context
    if type(seen) is list:
        count = len(items)
        seen[0] += count
        seen[1] = max(seen[1], count)
    return items


_Model = TypeVar("_Model", bound=BaseModel)


def _forget_extras(model: _Model) -> _Model:
    """A model read with documented keys, without them (the models keep no extras)."""
    extra = model.__pydantic_extra__
    if extra:
        model.__pydantic_fields_set__.difference_update(extra)
    object.__setattr__(model, "__pydantic_extra__", None)
    return model


@cache
def _schemas(documented_first: bool) -> tuple[cs.CoreSchema, cs.CoreSchema]:
    """The certificate's schema and the customer record's (``documented_first``: see
    :func:`_model`)."""
    caps = NATIVE_CAPS
    schemas = _strict_schemas(caps, documented_first)
    fields = {}
    for name, info in ExemptionCertificate.model_fields.items():
        # a date's text is read from the date's own key
        key = name.removesuffix("_text") if name.endswith("_date_text") else name
        field = cs.with_default_schema(schemas.certificate[name], default=info.default)
        alias = _aliases(CERTIFICATE_KEYS, key) or (None if key == name else key)
        fields[name] = cs.model_field(field, validation_alias=alias)
    documented = DOCUMENTED_CERTIFICATE_KEYS - CERTIFICATE_KEYS.keys()
    certificate = _model(ExemptionCertificate, fields, documented, caps, documented_first)
    return certificate, schemas.record


#: What no strict schema reads (a key no dialect has), and every lenient model does.
_PROBE = {"notes": "a key no dialect has", "name": None, "tax_id": None}


def _compiled(schema: cs.CoreSchema) -> SchemaValidator | None:
    """The validator of ``schema``, or None if pydantic can't build it.

    Given a schema for a finished model class, pydantic-core reuses the class's own
    validator instead of building the schema (its "prebuilt" shortcut, keyed on the
    class's ``__pydantic_complete__``); the flag is lowered while this one is built.
    Should a pydantic release reuse it anyway, the self-check below finds a lenient
    validator and this schema is not used: slower, never wrong.
    """
    models = (ExemptionCertificate, Customer, CustomerRecord)
    for model in models:
        type.__setattr__(model, "__pydantic_complete__", False)
    try:
        validator = SchemaValidator(schema)
    finally:
        for model in models:
            type.__setattr__(model, "__pydantic_complete__", True)
    try:
        validator.validate_python(_PROBE)
    except ValidationError:
        return validator  # strict, as built
    return None  # pydantic used the models' own lenient validators


def _refused(payload: Any, **options: Any) -> Any:
    """What a schema this pydantic can't build says of every payload: the salvage path."""
    error = PydanticCustomError("no_schema", "no strict schema with this pydantic")
    raise ValidationError.from_exception_data("strict", [{"type": error, "input": payload}])


class _OnFirstUse:
    """``validate_python`` of a validator built when it is first called (most runs never
    read a customer record, or a payload with documented keys); ``fallback`` where this
    pydantic can't build it. Two threads may both build it: either validator is the same."""

    __slots__ = ("_build", "_fallback", "_validate")

    def __init__(self, build: Callable[[], SchemaValidator | None], fallback: Callable[..., Any]):
        self._build = build
        self._fallback = fallback
        self._validate: Callable[..., Any] | None = None

    def __call__(self, payload: Any, **options: Any) -> Any:
        validate = self._validate
        if validate is None:
            built = self._build()
            validate = self._fallback if built is None else built.validate_python
            self._validate = validate
        return validate(payload, **options)


class StrictReader(NamedTuple):
    """The one schema's entry points. Each takes ``context=[0, 0]`` to count what the
    model forgets (:data:`Forgotten`). The ``*_documented`` ones are the same schema with
    documented keys tried first (:func:`_model`): the same model, sooner for a mapping
    that names a documented key."""

    #: ``python(mapping)``: a certificate as a mapping in any dialect
    python: Callable[..., ExemptionCertificate]
    #: ``json(text)``: JSON text read straight to the model, which is the
    #: model of the decoded mapping (``python``) and refuses what ``python`` would refuse.
    json: Callable[..., ExemptionCertificate]
    #: ``customer(mapping)``: a customer record as a mapping in any dialect
    customer: Callable[..., CustomerRecord]
    python_documented: Callable[..., ExemptionCertificate]
    customer_documented: Callable[..., CustomerRecord]


def strict_reader() -> StrictReader | None:
    """The one schema; None when this pydantic can't build it: then everything takes the
    salvage path. The certificate's validator is built now, the others when first used."""
    certificate = _compiled(_schemas(documented_first=False)[0])
    if certificate is None:
        return None
    return StrictReader(
        certificate.validate_python,
        certificate.validate_json,
        _OnFirstUse(lambda: _compiled(_schemas(documented_first=False)[1]), _refused),
        _OnFirstUse(
            lambda: _compiled(_schemas(documented_first=True)[0]), certificate.validate_python
        ),
        _OnFirstUse(lambda: _compiled(_schemas(documented_first=True)[1]), _refused),
    )


#: The one schema, or None when this pydantic can't build one.
PLAIN: StrictReader | None = strict_reader()
