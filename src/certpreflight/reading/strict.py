"""The strict reader: clean input read to the models in Rust.

Most certificates arrive clean. For them the general path (renaming, coercion, date
parsing in Python, then the limit walk) changes little and finds nothing, yet costs three
times pydantic's own work. The strict reader reads such input with a second validator of
the same two models that calls no Python except to pick a reference object's text. It
accepts only what the general path would read to the same model: each field under one of
its dialect keys (from the tables of :mod:`certpreflight.dialects`), text as text, whole
numbers as their text, reference objects with a text to pick, ISO dates, lists of
non-empty text, true/false; and only values small enough that no limit can be near
(:data:`NATIVE_CAPS`; :class:`~certpreflight.reading.limits.Limits` proves that per set of
limits). Anything else raises ``ValidationError`` and takes the general path, which then
says what is wrong: the strict reader can only be missed, never give another answer
(``tests/test_parse_fast.py`` checks that differentially).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple

from pydantic import BaseModel
from pydantic_core import SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from certpreflight.dialects import CERTIFICATE_KEYS, CUSTOMER_KEYS, REFERENCES, first_text
from certpreflight.models import Customer, ExemptionCertificate

__all__ = [
    "NATIVE_CAPS",
    "PLAIN",
    "READ_CUSTOMER_KEYS",
    "READ_KEYS",
    "WIDE_CAPS",
    "NativeCaps",
    "StrictReader",
    "strict_reader",
    "wide_reader",
]


@dataclass(frozen=True, slots=True)
class NativeCaps:
    """The largest values the strict reader accepts (larger ones take the general path)."""

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

#: The caps of the wide reader (:func:`wide_reader`): any number of customers and list items.
#: What it accepts is within the limits only when :func:`~certpreflight.reading.limits.within`
#: says so, so it reads only payloads that walk has measured.
WIDE_CAPS = NativeCaps(items=2**31 - 1, pages=2**31 - 1, customers=2**31 - 1)

#: The keys of a customer's country object that the strict reader picks (not its name).
_COUNTRY_KEYS = ("initials", "code")

_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # parse_date reads these exactly as pydantic does


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


#: The keys the dialect reader takes, of a certificate and of a customer: the fields' names
#: and every dialect's keys for them (its aliases, from the same maps). Any other key is an
#: extra it refuses.
READ_KEYS = frozenset(CERTIFICATE_KEYS) | frozenset(ExemptionCertificate.model_fields)
READ_CUSTOMER_KEYS = frozenset(CUSTOMER_KEYS) | frozenset(Customer.model_fields)


def _single(value: Any) -> tuple[Any, ...]:
    return (value,)


def _strict_schemas(caps: NativeCaps, *, dialects: bool = True) -> dict[str, cs.CoreSchema]:
    """Strict core schemas for the certificate's fields, by name (customers included).

    Each reads a field's value as every dialect writes it (text, a whole number as its
    text, a reference object's name) but only in the forms the general path reads to
    the same value; without ``dialects``, text only.
    """

    def text(min_length: int = 0, max_length: int = caps.chars) -> cs.CoreSchema:
        return cs.str_schema(strict=True, min_length=min_length, max_length=max_length)

    whole = cs.int_schema(strict=True, ge=-int(caps.number), le=int(caps.number))
    # a whole number as its text, as the models' coerce_numbers_to_str reads it
    as_text = cs.chain_schema([whole, cs.str_schema(coerce_numbers_to_str=True)])

    def ref(keys: tuple[str, ...]) -> cs.CoreSchema:
        # {"name": "Washington"} -> "Washington": the first of ``keys`` with a value, as
        # dialects.first_text picks it; a reference object with nothing to pick is refused
        short = cs.nullable_schema(text(max_length=caps.ref_chars))
        # a country's name is read as its ISO code (dialects.country_reference) in Python: an
        # object picked by its name takes the general path, one with initials or a code not
        allowed = (*keys, "name") if keys == _COUNTRY_KEYS else keys
        fields = {key: cs.typed_dict_field(short, required=False) for key in allowed}
        fields["id"] = cs.typed_dict_field(
            cs.nullable_schema(cs.union_schema([whole, short])), required=False
        )
        typed = cs.typed_dict_schema(fields, extra_behavior="forbid", strict=True)
        picked = cs.no_info_after_validator_function(partial(first_text, keys=keys), typed)
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
        keys = _COUNTRY_KEYS if name == "country" else REFERENCES.get(name)
        return cs.with_default_schema(optional_text(Customer, name, keys), default=None)

    customer = cs.model_schema(
        Customer,
        cs.model_fields_schema(
            {
                name: cs.model_field(
                    customer_field(name),
                    validation_alias=_aliases(CUSTOMER_KEYS if dialects else {}, name),
                )
                for name in Customer.model_fields
            },
            extra_behavior="forbid",
        ),
    )
    fields: dict[str, cs.CoreSchema] = {
        "exempt_reason": optional_text(
            ExemptionCertificate, "exempt_reason", REFERENCES["exempt_reason"]
        ),
        "regions": texts(caps.items, 1, REFERENCES["regions"]),
        "po_numbers": texts(caps.items, 1, REFERENCES["po_numbers"]),
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


def _native_validator(caps: NativeCaps, *, dialects: bool = True) -> SchemaValidator | None:
    """The strict validator of ExemptionCertificate (and Customer), or None if pydantic can't.

    Without ``dialects`` it reads native keys and text as text only: it refuses more,
    and costs a little less (no other key to look for, no number or object to try).

    Given a schema for a finished model class, pydantic-core reuses the class's own
    validator instead of building the schema (its "prebuilt" shortcut, keyed on the
    class's ``__pydantic_complete__``); the flag is lowered while this one is built,
    at import. Should a pydantic release reuse it anyway, the self-check below finds
    the lenient validator and the fast path is off: slower, never wrong.
    """
    schemas = _strict_schemas(caps, dialects=dialects)
    keys = CERTIFICATE_KEYS if dialects else {}
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


class StrictReader(NamedTuple):
    """The strict reader's three entry points."""

    #: ``python(mapping)``: a mapping in any dialect
    python: Callable[..., ExemptionCertificate]
    #: ``native(mapping)``: the same for native keys and text as text only
    #: (a little cheaper; it refuses whole numbers, reference objects and other dialects)
    native: Callable[..., ExemptionCertificate]
    #: ``json(text)``: JSON text read straight to the model, which is the
    #: model of the decoded mapping (``python``) and refuses what ``python`` would refuse.
    json: Callable[..., ExemptionCertificate]


def strict_reader() -> StrictReader | None:
    """The strict reader; None when this pydantic can't build it: then everything takes the
    general path."""
    validator = _native_validator(NATIVE_CAPS)
    native = _native_validator(NATIVE_CAPS, dialects=False)
    if validator is None or native is None:
        return None
    return StrictReader(validator.validate_python, native.validate_python, validator.validate_json)


def wide_reader() -> Callable[..., Any] | None:
    """``python(mapping)`` of a strict reader without caps on the number of customers and
    list items (``WIDE_CAPS``); None when this pydantic can't build it. Only for payloads
    :func:`within` the limits: so a certificate with more customers than ``NATIVE_CAPS``
    allows costs what the number of its customers says, not the general path's price."""
    validator = _native_validator(WIDE_CAPS)
    return None if validator is None else validator.validate_python


#: The strict reader, or None when this pydantic can't build one.
PLAIN: StrictReader | None = strict_reader()
