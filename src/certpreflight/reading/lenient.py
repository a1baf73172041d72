"""The salvage path: any payload read by the lenient models, and what could not be read.

This path takes everything the one schema refused or could not try: the limit walk
(:mod:`certpreflight.reading.limits`) names and leaves out values over a limit, the lenient
models (:mod:`certpreflight.models`) rename the dialects' keys and coerce values in Python,
and when pydantic still refuses a value, :func:`salvage` turns each of its errors into a
Formatting finding (4003, or 4002 for a payload that is not an object) and reads the
certificate again without the values it could not read, so the rest is still checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import ValidationError

from certpreflight.dialects import LIST_FIELDS, native_certificate, native_customer
from certpreflight.findings import Finding
from certpreflight.models import Customer, CustomerRecord, ExemptionCertificate, Link
from certpreflight.reading.limits import WHOLE, Limits, enforce, model_within
from certpreflight.rules import Hit, path
from certpreflight.rules import formatting as fmt

__all__ = ["read_customer", "read_lenient", "read_link", "salvage"]

_EXPECTED = {
    "string_type": "text",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "float_parsing": "a number",
    "float_type": "a number",
    "tuple_type": "a list",
    "list_type": "a list",
    "model_type": "an object",
    "dict_type": "an object",
}


def read_lenient(
    payload: Any, limits: Limits
) -> tuple[ExemptionCertificate | None, list[Finding], Any]:
    """The certificate (or None), the Formatting findings, and the raw id if any.

    ``payload`` is anything but JSON text (a str here is a JSON string: not an object).
    Only a payload of a type no JSON or mapping can have is a programming error:
    TypeError.
    """
    if type(payload) is dict:  # the usual payload: skip the type tests below
        return _read_mapping(payload, limits)
    if isinstance(payload, ExemptionCertificate):
        if model_within(payload, limits):
            return payload, [], payload.id
        payload = payload.model_dump()  # over a limit (built by hand): report it like a mapping
    if isinstance(payload, Mapping):
        return _read_mapping(payload, limits)
    if isinstance(payload, (list, str, int, float, bool)) or payload is None:
        kind = _kind(payload)
        hit = Hit(loc=(), params={"kind": kind}, errors={(): f"got {kind}"})
        return None, [fmt.not_an_object.finding(hit)], None
    raise TypeError(
        "validate() takes an ExemptionCertificate, a mapping, JSON text/bytes, or a "
        "pydantic model, dataclass or attrs instance, "
        f"not {type(payload).__name__}"
    )


def _read_mapping(
    data: Mapping[str, Any], limits: Limits
) -> tuple[ExemptionCertificate | None, list[Finding], Any]:
    kept, findings, dropped = enforce(data, limits)
    if kept is None:
        return None, findings, None
    data = kept
    try:
        cert = ExemptionCertificate.model_validate(data)
        return cert, findings, cert.id
    except ValidationError as exc:
        salvaged, errors = salvage(data, exc)
        findings += [f for f in errors if f.loc not in dropped]  # said once, by the limit
        raw_id = data.get("id")
        return salvaged, findings, raw_id if isinstance(raw_id, (str, int)) else None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (str, bytes, bytearray)):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


def _formatting(err: Mapping[str, Any]) -> Finding:
    """One pydantic error -> one Formatting finding."""
    loc = tuple(err["loc"])
    where = loc if path(loc) else WHOLE
    field = path(where)
    if "date" in str(loc[-1] if loc else ""):
        expected = "a date such as 2026-01-15 (YYYY-MM-DD, or MM/DD/YYYY)"
    else:
        expected = _EXPECTED.get(err["type"], "a value of the right type")
    detail = str(err["msg"])
    detail = detail.removeprefix("Value error, ")
    if len(detail) > 200:  # a bad date repeats its text: keep reports small
        detail = detail[:200] + "..."
    hit = Hit(
        loc=loc,
        params={"field": field, "detail": detail[:1].lower() + detail[1:], "expected": expected},
        errors={where: detail},
    )
    return fmt.uninterpretable_value.finding(hit)


def _drop(native: dict[str, Any], loc: tuple[Any, ...]) -> bool:
    """Remove the value at ``loc`` from a native certificate mapping; False if impossible."""
    if not loc:
        return False
    top = loc[0]
    coerce = LIST_FIELDS.get(top)
    if coerce is None or len(loc) == 1:
        native.pop(top, None)
        return True
    items = list(coerce(native.get(top)) or ())
    index = loc[1]
    if not isinstance(index, int) or index >= len(items):
        native.pop(top, None)
        return True
    if top == "customers" and len(loc) >= 3 and isinstance(items[index], Mapping):
        customer = dict(native_customer(items[index]))  # may be the caller's own dict: copy
        customer.pop(loc[2], None)
        items[index] = customer
    else:
        items[index] = None
    native[top] = [item for item in items if item is not None]
    return True


def salvage(
    data: Mapping[str, Any], error: ValidationError
) -> tuple[ExemptionCertificate | None, list[Finding]]:
    """Formatting findings for every error, and the certificate without the bad values."""
    errors = error.errors(include_url=False)
    findings = [_formatting(e) for e in errors]
    native = native_certificate(data)
    if not all(_drop(native, tuple(e["loc"])) for e in errors):
        return None, findings
    try:
        return ExemptionCertificate.model_validate(native), findings
    except ValidationError:
        return None, findings


def read_customer(payload: Any, limits: Limits) -> tuple[CustomerRecord | None, list[Finding]]:
    """A customer record (or None) and the Formatting findings of what could not be read."""
    if isinstance(payload, CustomerRecord):
        return payload, []
    if isinstance(payload, Customer):
        return CustomerRecord.model_validate(payload.model_dump()), []
    return _read_flat(CustomerRecord, payload, limits)


def read_link(payload: Any, limits: Limits) -> tuple[Link | None, list[Finding]]:
    """A link record (or None) and the Formatting findings of what could not be read."""
    if isinstance(payload, Link):
        return payload, []
    return _read_flat(Link, payload, limits)


_Flat = TypeVar("_Flat", CustomerRecord, Link)


def _read_flat(
    model: type[_Flat], payload: Any, limits: Limits
) -> tuple[_Flat | None, list[Finding]]:
    """A record of flat fields read leniently: a value it can't read is left out."""
    if not isinstance(payload, Mapping):
        kind = _kind(payload)
        hit = Hit(loc=(), params={"kind": kind}, errors={(): f"got {kind}"})
        return None, [fmt.not_an_object.finding(hit)]
    data, findings, dropped = enforce(payload, limits)
    if data is None:
        return None, findings
    try:
        return model.model_validate(data), findings
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        findings += [f for f in map(_formatting, errors) if f.loc not in dropped]
    bad = {e["loc"][0] for e in errors if e["loc"]}
    native = model.native(data)  # the record's own field names: read it without the bad ones
    try:
        return model.model_validate({k: v for k, v in native.items() if k not in bad}), findings
    except ValidationError:
        return None, findings
