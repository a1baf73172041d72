"""A caller's own objects as payloads: a pydantic model, a dataclass or an attrs instance is
read through its public dump, as the JSON it would send.

Integration code often holds certificates and customers in its own classes. The reading
stage takes them as it takes a mapping: :func:`plain` turns one into the mapping its public
dump gives, and that mapping goes down the one route (the schema, else the salvage path)
like any other.

* a pydantic model (not certpreflight's own): ``model_dump(by_alias=True, mode="json")``,
  what ``model_dump_json(by_alias=True)`` would send: a field's alias is its name on the
  wire (``exemptionReason``), dates are ISO text. One rule, field by field, in nested
  models too: a field is keyed by its alias unless its alias is no key any dialect reads
  (or documents) and its name is one; then by its name. So a model built with
  ``alias_generator=to_camel`` over the native names (``exempt_reason`` dumped as
  ``exemptReason``, which no dialect reads) is read by its names, and one aliased to
  AvaTax's keys (``exemptionReason``) by its aliases;
* a dataclass instance: :func:`dataclasses.asdict`;
* an attrs instance: ``attrs.asdict`` (attrs is imported only when one is given).

Nested objects are dumped by each library's own recursion, and a ``date`` read from a
dataclass is read as the API's ISO date. Anything else is returned as it is.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel

from certpreflight.dialects import (
    CERTIFICATE_KEYS,
    CUSTOMER_RECORD_KEYS,
    DOCUMENTED_CERTIFICATE_KEYS,
    DOCUMENTED_CUSTOMER_KEYS,
    LINK_KEYS,
)
from certpreflight.models import Customer, ExemptionCertificate, Link

__all__ = ["AttrsInstance", "DataclassInstance", "plain"]


class DataclassInstance(Protocol):
    """An instance of a dataclass (what :func:`dataclasses.asdict` takes), for type checkers."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


class AttrsInstance(Protocol):
    """An instance of an attrs class (what ``attrs.asdict`` takes), for type checkers."""

    __attrs_attrs__: ClassVar[Any]


#: certpreflight's own models: read as they are, not dumped.
_OWN = (ExemptionCertificate, Customer, Link)
#: The keys some dialect reads or documents, of any kind of record (:func:`_keyed`).
_KNOWN = frozenset(
    {
        *CERTIFICATE_KEYS,
        *CUSTOMER_RECORD_KEYS,
        *LINK_KEYS,
        *DOCUMENTED_CERTIFICATE_KEYS,
        *DOCUMENTED_CUSTOMER_KEYS,
    }
)


def _keyed(model: BaseModel, dumped: Any) -> Any:
    """``dumped`` (``model`` dumped by alias) with each field whose alias no dialect knows
    but whose name one does keyed by its name, in nested models too (:func:`plain`)."""
    if not isinstance(dumped, dict):
        return dumped
    fields = {
        info.serialization_alias or info.alias or name: name
        for name, info in type(model).model_fields.items()
    }
    keyed = {}
    for key, value in dumped.items():
        name = fields.get(key)
        if name is None:  # a computed field or an extra: as dumped
            keyed[key] = value
            continue
        by_name = key != name and key not in _KNOWN and name in _KNOWN and name not in dumped
        keyed[name if by_name else key] = _nested(getattr(model, name, None), value)
    return keyed


def _nested(value: Any, dumped: Any) -> Any:
    """A field's dump with the models in it keyed by :func:`_keyed`."""
    if isinstance(value, BaseModel):
        return _keyed(value, dumped)
    if isinstance(value, (list, tuple)) and isinstance(dumped, list):
        return [_nested(v, d) for v, d in zip(value, dumped, strict=False)]
    if isinstance(value, dict) and isinstance(dumped, dict):
        return {k: _nested(value.get(k), d) for k, d in dumped.items()}
    return dumped


def plain(payload: Any) -> Any:
    """The mapping a caller's own object dumps to, or ``payload`` as it is.

    >>> import dataclasses
    >>> @dataclasses.dataclass
    ... class Cert:
    ...     id: str
    ...     exempt_reason: str
    >>> plain(Cert("7", "RESALE"))
    {'id': '7', 'exempt_reason': 'RESALE'}
    >>> plain({"id": "7"})
    {'id': '7'}
    """
    kind = type(payload)
    if kind is dict or kind is str or kind is bytes:  # the usual payloads: nothing to dump
        return payload
    if isinstance(payload, BaseModel):
        if isinstance(payload, _OWN):
            return payload
        return _keyed(payload, payload.model_dump(by_alias=True, mode="json"))
    if dataclasses.is_dataclass(payload) and not isinstance(payload, type):
        return dataclasses.asdict(payload)
    if hasattr(kind, "__attrs_attrs__"):  # an attrs class: attrs is installed
        attrs = importlib.import_module("attrs")
        return attrs.asdict(payload)
    return payload
