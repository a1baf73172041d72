"""The one schema: every dialect's certificate read to the models in Rust.

One pydantic-core validator, built from the dialect tables of :mod:`certpreflight.dialects`,
reads a certificate given as a dict or as JSON text (str or bytes): each field under any of
its dialect keys, text as text, whole numbers as their text, reference objects with a text
to pick (a small object of scalars, as AvaTax returns its ExposureZoneModel), ISO dates,
lists of non-empty text of any length, true/false; the documented keys certpreflight does not
read (a customer's ``companyId``, a certificate's ``createdDate``), when their value is a
scalar or a small object of scalars. It calls no Python but to pick a reference object's text.
Values are small enough that no limit but the payload's size and list lengths can be near
(:data:`NATIVE_CAPS`; the reader checks those,
:func:`~certpreflight.reading.limits.read_within`).

What it refuses (a date "banana", a key nobody reads, a value over a limit, two keys for one
field) takes the salvage path (:mod:`~certpreflight.reading.lenient`), which says what is
wrong and reads the rest; for what the schema accepts, the salvage path reads the same model.

"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel
from pydantic_core import SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from certpreflight.dialects import (
    CERTIFICATE_KEYS,
    CUSTOMER_KEYS,
    DOCUMENTED_CERTIFICATE_KEYS,
    DOCUMENTED_CUSTOMER_KEYS,
    REFERENCES,
    first_text,
    parse_date,
)
from certpreflight.models import Customer, ExemptionCertificate, Jurisdiction
from certpreflight.rules.formatting import MAX_ITEMS

__all__ = [
    "NATIVE_CAPS",
    "PLAIN",
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
    #: Keys in a reference object or in the object value of a documented key, and the
    #: characters of such a key: so one is never more JSON than a text value (every key
    #: that is read or documented is shorter).
    object_keys: int = 7
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

_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # parse_date reads these exactly as pydantic does
#: ``createdDate`` / ``created``: a date, or a date-time with seconds (parse_date reads them).
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


def _strict_schemas(caps: NativeCaps) -> dict[str, cs.CoreSchema]:
    """Strict core schemas for the certificate's fields, by name (customers included).

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
        # the usual object has the first key's text and perhaps an id: picked without a
        # Python frame
        usual_fields = {key: cs.typed_dict_field(short, required=False) for key in keys}
        usual_fields[keys[0]] = cs.typed_dict_field(text(1, caps.ref_chars), required=True)
        usual_fields["id"] = cs.typed_dict_field(
            cs.nullable_schema(cs.union_schema([whole, short])), required=False
        )
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

    date = cs.chain_schema([cs.str_schema(strict=True, pattern=_ISO_DATE), cs.date_schema()])

    def customer_field(name: str) -> cs.CoreSchema:
        keys = _COUNTRY_KEYS if name == "country" else REFERENCES.get(name)
        return cs.with_default_schema(optional_text(Customer, name, keys), default=None)

    customer = _model(
        Customer,
        {
            name: cs.model_field(
                customer_field(name), validation_alias=_aliases(CUSTOMER_KEYS, name)
            )
            for name in Customer.model_fields
        },
        DOCUMENTED_CUSTOMER_KEYS - CUSTOMER_KEYS.keys(),
        caps,
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
    return fields


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
) -> cs.CoreSchema:
    """A model of ``fields`` that refuses any other key (unknown, or a field's second key);
    or else, when the others are ``documented`` keys certpreflight does not read, each
    holding a scalar small enough that no limit can be near it, the model without them.

    The second reading is only tried when the first fails, so a payload without such keys
    calls no Python here.
    """
    small = cs.union_schema(
        [
            cs.none_schema(),
            cs.str_schema(strict=True, max_length=caps.chars),
            cs.bool_schema(strict=True),
            cs.int_schema(strict=True, ge=-int(caps.number), le=int(caps.number)),
            cs.float_schema(strict=True, allow_inf_nan=False, ge=-caps.number, le=caps.number),
            _small_object(caps),  # a reference object (validatedExemptionReason)
        ],
        mode="left_to_right",
    )
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
    return cs.union_schema([exact, with_documented], mode="left_to_right")


_Model = TypeVar("_Model", bound=BaseModel)


def _forget_extras(model: _Model) -> _Model:
    """A model read with documented keys, without them (the models keep no extras)."""
    extra = model.__pydantic_extra__
    if extra:
        model.__pydantic_fields_set__.difference_update(extra)
    object.__setattr__(model, "__pydantic_extra__", None)
    return model


def _native_validator(caps: NativeCaps) -> SchemaValidator | None:
    """The one validator of ExemptionCertificate (and Customer), or None if pydantic can't.

    Given a schema for a finished model class, pydantic-core reuses the class's own
    validator instead of building the schema (its "prebuilt" shortcut, keyed on the
    class's ``__pydantic_complete__``); the flag is lowered while this one is built,
    at import. Should a pydantic release reuse it anyway, the self-check below finds
    the lenient validator and the fast route is off: slower, never wrong.
    """
    schemas = _strict_schemas(caps)
    fields = {}
    for name, info in ExemptionCertificate.model_fields.items():
        # a date's text is read from the date's own key
        key = name.removesuffix("_text") if name.endswith("_date_text") else name
        field = cs.with_default_schema(schemas[name], default=info.default)
        alias = _aliases(CERTIFICATE_KEYS, key) or (None if key == name else key)
        fields[name] = cs.model_field(field, validation_alias=alias)
    documented = DOCUMENTED_CERTIFICATE_KEYS - CERTIFICATE_KEYS.keys()
    schema = _model(ExemptionCertificate, fields, documented, caps)
    models = (ExemptionCertificate, Customer)
    for model in models:
        type.__setattr__(model, "__pydantic_complete__", False)
    try:
        validator = SchemaValidator(schema)
    finally:
        for model in models:
            type.__setattr__(model, "__pydantic_complete__", True)
    try:
        validator.validate_python({"notes": "a key no dialect has", "tax_id": None})
    except ValidationError:
        return validator  # strict, as built
    return None  # pydantic used the models' own lenient validators: no fast route


class StrictReader(NamedTuple):
    """The one schema's two entry points."""

    #: ``python(mapping)``: a mapping in any dialect
    python: Callable[..., ExemptionCertificate]
    #: ``json(text)``: JSON text read straight to the model, which is the
    #: model of the decoded mapping (``python``) and refuses what ``python`` would refuse.
    json: Callable[..., ExemptionCertificate]


def strict_reader() -> StrictReader | None:
    """The one schema; None when this pydantic can't build it: then everything takes the
    salvage path."""
    validator = _native_validator(NATIVE_CAPS)
    if validator is None:
        return None
    return StrictReader(validator.validate_python, validator.validate_json)


#: The one schema, or None when this pydantic can't build one.
PLAIN: StrictReader | None = strict_reader()
