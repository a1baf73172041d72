"""Limits on hostile input, checked while a payload is read (Formatting rules 4004-4008).

A payload may come from anyone, so nothing in it is trusted to be small, shallow or
finite. This module is where every limit is checked, once per payload, by whichever of its
four entries fits what was given:

* a payload the one schema read (:func:`read_within`): the schema accepts no value near a
  limit (:attr:`Limits.native_fast`), so only list lengths and the size are left;
* a mapping on the salvage path (:func:`enforce`): one cheap pass, iterative, answers
  "nothing here is near a limit" for every real certificate; only when it says no is the
  payload walked again, slowly, to name each offending value, and a copy returned without
  them (the caller's mapping is never changed);
* JSON text on the salvage path (:func:`load_json`): measured before it is parsed, and the
  JSON parser's own limits (nesting of 200, integers of 4,300 digits) become findings too;
* a model built by hand (:func:`model_within`).

The limits and their defaults (``validate(options={...})`` changes them):

===================== ========== =====================================================
option                default    finding
===================== ========== =====================================================
``max_payload_bytes`` 1,048,576  4004 payload-too-large (nothing else is checked)
``max_depth``         32         4005 nesting-too-deep (the value is left out)
``max_value_chars``   10,000     4006 value-too-long (left out; ``pdf``/``pages`` exempt)
(none)                           4007 number-not-finite: NaN, Infinity (left out)
``max_number_digits`` 255        4008 number-too-large (left out)
``max_items``         1,000      4009 too-many-items (the items past it left out)
===================== ========== =====================================================

A mapping is measured as the compact UTF-8 JSON it would be (``separators=(",", ":")``,
``ensure_ascii=False``), so a certificate over ``max_payload_bytes`` is 4004 as a dict
as it is as JSON text (where the text's own white space counts too).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import from_json, to_json

from certpreflight.dialects import CERTIFICATE_KEYS, CUSTOMER_KEYS
from certpreflight.findings import Finding
from certpreflight.models import ExemptionCertificate
from certpreflight.reading.strict import NATIVE_CAPS, PLAIN, NativeCaps
from certpreflight.rules import Hit, Loc, Rule, path
from certpreflight.rules import formatting as fmt

__all__ = [
    "DEFAULT_LIMITS",
    "FILE_KEYS",
    "MAX_FINDINGS_PER_RULE",
    "Limits",
    "enforce",
    "json_size",
    "limits_from",
    "load_json",
    "model_within",
    "native_loc",
    "read_within",
    "within",
]

#: Top-level keys holding embedded files (base64): exempt from ``max_value_chars``.
FILE_KEYS = frozenset({"pdf", "pages"})

#: At most this many findings per limit rule and certificate (every offender is dropped).
MAX_FINDINGS_PER_RULE = fmt.MAX_FINDINGS_PER_RULE

#: A text of n characters is at most 6n bytes of JSON (``\\u001f``): a mapping whose text
#: and keys (their characters) are under max_payload_bytes / 6 is surely within it.
_JSON_FACTOR = 6

#: The most bytes of JSON one key and its value can be in a mapping the schema accepts.
_VALUE_BYTES = 2 * _JSON_FACTOR * NATIVE_CAPS.key_chars + _JSON_FACTOR * NATIVE_CAPS.chars + 3


#: Bytes by which a mapping's JSON may differ between pydantic-core's and Python's encoders:
#: only floats are written otherwise (``1e-05`` / ``1e-5``), a few a payload at most.
_FLOAT_SLACK = 1_024

_OPTIONS = (
    "max_payload_bytes",
    "max_depth",
    "max_value_chars",
    "max_number_digits",
    "max_items",
)
_JSON_DEPTH_ERROR = "recursion limit exceeded"
_JSON_BIG_NUMBER_ERROR = "number out of range"


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits one validation run applies (see the module docs for their meaning)."""

    max_payload_bytes: int = fmt.MAX_PAYLOAD_BYTES
    max_depth: int = fmt.MAX_DEPTH
    max_value_chars: int = fmt.MAX_VALUE_CHARS
    max_number_digits: int = fmt.MAX_NUMBER_DIGITS
    max_items: int = fmt.MAX_ITEMS
    #: The smallest integer with more than ``max_number_digits`` digits.
    number_bound: int = field(init=False, repr=False, compare=False)
    #: A mapping the schema read with at most this many keys and list items, in all, is
    #: surely within ``max_payload_bytes`` (:func:`read_within`).
    surely_values: int = field(init=False, repr=False, compare=False)
    #: True when input the schema (:mod:`certpreflight.reading.strict`) accepts is
    #: surely within these limits but for list lengths and size (:func:`read_within`).
    native_fast: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "number_bound", 10**self.max_number_digits)
        object.__setattr__(self, "native_fast", _caps_within(NATIVE_CAPS, self))
        object.__setattr__(self, "surely_values", self.max_payload_bytes // _VALUE_BYTES)


def _caps_within(caps: NativeCaps, limits: Limits) -> bool:
    """True when every value the schema accepts is surely within ``limits``.

    The schema (:mod:`certpreflight.reading.strict`) takes only dicts, lists, text, finite
    numbers, booleans and None, nested four levels deep at most (certificate, customers
    list, customer, reference object), text of at most ``caps.chars`` characters
    (``caps.ref_chars`` in a reference object) and numbers of at most ``caps.number``.
    What it can't bound, the payload's size and the lengths of its lists, the reader
    checks on each read (:func:`read_within`).
    """
    return (
        PLAIN is not None
        and limits.max_depth >= 4
        and max(caps.chars, caps.ref_chars) <= limits.max_value_chars
        and caps.number < limits.number_bound
    )


DEFAULT_LIMITS = Limits()


def limits_from(options: Mapping[str, Any]) -> Limits:
    """The limits set by ``options`` (the defaults for the others).

    A limit that is not a positive integer is a programming error: ValueError.
    """
    if not options or not any(key in options for key in _OPTIONS):
        return DEFAULT_LIMITS
    values = {}
    for key in _OPTIONS:
        if key in options:
            value = options[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"option {key} must be a positive integer, not {value!r}")
            values[key] = value
    return Limits(**values)


# --- JSON text ------------------------------------------------------------------------------------


class _BigInt:
    """An integer literal too long to read, kept as its digit count (from ``json.loads``)."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _read_int(text: str) -> int | _BigInt:
    digits = len(text.lstrip("-"))
    if digits > 4000:  # below Python's int <-> str cap (4,300 digits): no ValueError
        return _BigInt(digits)
    return int(text)


def _utf8_size(text: str, limit: int) -> int:
    """The UTF-8 size of ``text``, computed only when it could be over ``limit``."""
    if len(text) * 4 <= limit:
        return len(text)  # a lower bound is enough: surely within the limit
    return len(text.encode("utf-8", "surrogatepass"))


def load_json(payload: str | bytes | bytearray, limits: Limits) -> tuple[Any, Finding | None]:
    """Parse JSON text within the limits: ``(data, None)`` or ``(None, finding)``."""
    if isinstance(payload, str):
        size = _utf8_size(payload, limits.max_payload_bytes)
    else:
        size = len(payload)
    if size > limits.max_payload_bytes:
        return None, _too_large(size, limits, exact=True)
    try:
        return from_json(payload), None
    except TypeError:  # a str with a lone surrogate: not UTF-8, report where, as for bytes
        assert isinstance(payload, str)
        return load_json(payload.encode("utf-8", "surrogatepass"), limits)
    except ValueError as error:
        detail = str(error)
    if detail.startswith(_JSON_DEPTH_ERROR):
        params = {"field": "the certificate", "limit": limits.max_depth}
        return None, fmt.nesting_too_deep.finding(Hit((), params, {(): detail}))
    if detail.startswith(_JSON_BIG_NUMBER_ERROR):
        try:  # reread with a parser that reports huge integers instead of refusing them
            data = json.loads(payload, parse_int=_read_int)
            # a bare huge number is no object either: say so as for any number (4002)
            return (0 if isinstance(data, _BigInt) else data), None
        except (ValueError, RecursionError):
            pass  # something else is wrong too: say what the first parser said
    hit = Hit(loc=(), params={"detail": detail}, errors={(): detail})
    return None, fmt.invalid_json.finding(hit)


#: The ``errors`` loc of a Formatting finding about the whole record (whose own loc is ``()``).
WHOLE: Loc = ("the certificate",)


def _too_large(size: int, limits: Limits, *, exact: bool) -> Finding:
    shown = f"{size:,}" if exact else f"at least {size:,}"
    hit = Hit(
        loc=(),
        params={"size": shown, "limit": f"{limits.max_payload_bytes:,}"},
        errors={(): f"{shown} bytes"},
    )
    return fmt.payload_too_large.finding(hit)


# --- mappings: the fast check ---------------------------------------------------------------------


def within(data: Mapping[str, Any], limits: Limits) -> bool:
    """True when nothing in ``data`` is near a limit (the clean path: one cheap pass).

    Conservative: False for anything unusual (a type other than dict, list,
    str, int, float, bool or None; a long string even in ``pdf``), and
    :func:`enforce` then decides.
    """
    max_chars = limits.max_value_chars
    max_size = limits.max_payload_bytes // _JSON_FACTOR  # characters: surely within in bytes
    max_items = limits.max_items
    bound = limits.number_bound
    level: list[Any] = [data]
    size = len(data) + _key_chars(data)
    depth = 1
    while level:
        # a container with over max_items entries: a list is cut by enforce(), a mapping
        # is merely measured there (within() may say False for anything unusual)
        if depth > limits.max_depth or size > max_size or max(map(len, level)) > max_items:
            return False
        below: list[Any] = []
        for container in level:
            for value in container.values() if type(container) is dict else container:
                kind = type(value)
                if kind is str:
                    chars = len(value)
                    size += chars
                    if chars > max_chars:
                        return False
                elif kind is dict or kind is list:
                    size += len(value) + (_key_chars(value) if kind is dict else 0)
                    below.append(value)
                elif kind is int:
                    if not -bound < value < bound:
                        return False
                elif kind is float:
                    if value - value != 0.0:  # NaN or infinite
                        return False
                elif value is not None and kind is not bool:
                    return False
        level = below
        depth += 1
    return size <= max_size and type(data) is dict


def _key_chars(mapping: Mapping[Any, Any]) -> int:
    """The characters of a mapping's text keys (other keys: their count is enough)."""
    return sum(len(key) for key in mapping if type(key) is str)


def json_size(data: Any) -> int | None:
    """The size of ``data`` as compact UTF-8 JSON, or None if it has no JSON form.

    The measure of a mapping for ``max_payload_bytes``; only called for mappings that
    may be near the limit.
    """
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError, RecursionError):
        return None
    return len(text.encode("utf-8", "surrogatepass"))


def read_within(data: Any, cert: ExemptionCertificate, limits: Limits) -> bool:
    """True when a payload the schema read as ``cert`` is within the limits it can't
    bound: no list longer than ``max_items``, and (a mapping) at most
    ``max_payload_bytes`` as JSON; False sends it down the salvage path, which says why.

    JSON text was measured before it was read. A mapping is measured only when the bound of
    what the schema accepts with this many list items and keys could be over the limit:
    never for a real certificate of a dozen customers.
    """
    customers = cert.customers
    regions, po_numbers, pages = cert.regions, cert.po_numbers, cert.pages
    items = len(customers) + len(regions) + len(po_numbers)
    if pages is not None:
        items += len(pages)
    max_items = limits.max_items
    if (
        items > max_items
        and max(len(customers), len(regions), len(po_numbers), len(pages or ())) > max_items
    ):
        return False
    if type(data) is not dict:
        return True
    # the largest JSON a mapping of this many values could be: each value a key of
    # NATIVE_CAPS.key_chars and a text of NATIVE_CAPS.chars (a small object is never larger),
    # each character _JSON_FACTOR bytes; customers come only under "customers"
    values = len(data) + items + 4 * len(cert.jurisdictions)
    if customers:
        values += sum(map(len, data["customers"]))
    if values <= limits.surely_values:
        return True
    # measured in Rust; near the limit, as json.dumps measures it (the salvage path's measure:
    # the two differ at most in how a float is written)
    if len(to_json(data)) <= limits.max_payload_bytes - _FLOAT_SLACK:
        return True
    size = json_size(data)
    return size is not None and size <= limits.max_payload_bytes


#: The model's lists of objects (their texts are bounded where they are read).
_OBJECT_LISTS = frozenset({"customers", "jurisdictions", "tax_ids"})


def model_within(cert: ExemptionCertificate, limits: Limits) -> bool:
    """True when no text in a model is over ``max_value_chars`` and no number is NaN/infinite."""
    if not _fields_within(cert.__dict__, limits.max_value_chars):
        return False
    return all(_fields_within(c.__dict__, limits.max_value_chars) for c in cert.customers)


def _fields_within(fields: Mapping[str, Any], max_chars: int) -> bool:
    for key, value in fields.items():
        kind = type(value)
        if kind is str:
            if len(value) > max_chars and key not in FILE_KEYS:
                return False
        elif kind is float:
            if value - value != 0.0:  # NaN or infinite
                return False
        elif (
            kind is tuple
            and key not in FILE_KEYS
            and key not in _OBJECT_LISTS
            and any(len(item) > max_chars for item in value)
        ):
            return False
    return True  # dates, flags and None: nothing to measure


# --- mappings: the slow walk that names each offender ---------------------------------------------


@dataclass
class _Walk:
    """What the slow walk found: findings per rule, the raw paths to drop, the size estimate."""

    limits: Limits
    size: int = 0
    findings: dict[int, list[Finding]] | None = None
    drop: list[tuple[Any, ...]] | None = None

    def report(
        self, rule: Rule, raw: tuple[Any, ...], params: dict[str, Any], problem: str
    ) -> None:
        if self.findings is None or self.drop is None:
            self.findings, self.drop = {}, []
        self.drop.append(raw)
        found = self.findings.setdefault(rule.code, [])
        if len(found) < MAX_FINDINGS_PER_RULE:
            loc = native_loc(raw)
            where = loc if path(loc) else WHOLE
            hit = Hit(loc=loc, params={"field": path(where), **params}, errors={where: problem})
            found.append(rule.finding(hit))


def _children(value: Any) -> list[tuple[Any, Any]] | None:
    """``(key, child)`` pairs of a container (mapping or list-like), None for a scalar."""
    if isinstance(value, Mapping):
        return list(value.items())
    if isinstance(value, (list, tuple)):
        return list(enumerate(value))
    if isinstance(value, (set, frozenset)):
        return list(enumerate(value))  # the order pydantic reads it in
    return None


def _leaf(walk: _Walk, raw: tuple[Any, ...], value: Any) -> None:
    limits = walk.limits
    if isinstance(value, (str, bytes, bytearray)):
        walk.size += len(value)
        if len(value) > limits.max_value_chars and not (raw and raw[0] in FILE_KEYS):
            start = repr(value[:20]) + "..."
            params = {"length": f"{len(value):,}", "limit": f"{limits.max_value_chars:,}"}
            walk.report(fmt.value_too_long, raw, {**params, "start": start}, "too long")
    elif isinstance(value, float):
        if not math.isfinite(value):
            shown = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
            walk.report(fmt.number_not_finite, raw, {"value": shown}, shown)
    elif isinstance(value, _BigInt) or (isinstance(value, int) and not isinstance(value, bool)):
        bound = limits.number_bound
        if isinstance(value, _BigInt) or not -bound < value < bound:
            digits = value.digits if isinstance(value, _BigInt) else _digits(value)
            params = {"digits": f"{digits:,}", "limit": f"{limits.max_number_digits:,}"}
            walk.report(fmt.number_too_large, raw, params, f"{digits:,} digits")


def _digits(value: int) -> int:
    """The number of decimal digits of a (possibly huge) integer, without ``str()``."""
    magnitude = abs(value)
    digits = max(1, int(magnitude.bit_length() * math.log10(2)))
    while magnitude >= 10**digits:
        digits += 1
    return digits


def enforce(
    data: Mapping[str, Any], limits: Limits
) -> tuple[Mapping[str, Any] | None, list[Finding], frozenset[Loc]]:
    """Name every value over a limit; return the payload without them.

    First one cheap pass (:func:`within`) answers "nothing here is near a limit" for every
    real certificate; only when it says no does the slow walk name each offender.
    Returns ``(kept, findings, dropped)``: ``kept`` is a copy of ``data`` with the
    offending values left out (``data`` itself when nothing is over a limit), or None
    when the whole payload is too large; ``dropped`` holds the native locs left out, so
    the caller doesn't report them a second time.
    """
    if within(data, limits):
        return data, [], frozenset()
    walk = _Walk(limits)
    stack: list[tuple[tuple[Any, ...], Any, int]] = [((), data, 1)]
    cut: list[tuple[tuple[Any, ...], int]] = []
    while stack:
        raw, value, depth = stack.pop()
        children = _children(value)
        if children is None:
            _leaf(walk, raw, value)
            continue
        walk.size += len(children)
        if isinstance(value, Mapping):
            walk.size += _key_chars(value)
        elif len(children) > limits.max_items:
            _too_many(walk, raw, len(children))
            cut.append((raw, limits.max_items))
            children = children[: limits.max_items]
        if walk.size > limits.max_payload_bytes:
            return None, [_too_large(walk.size, limits, exact=False)], frozenset()
        if depth > limits.max_depth:
            params = {"limit": limits.max_depth}
            walk.report(fmt.nesting_too_deep, raw, params, f"over {limits.max_depth} levels")
            continue
        stack.extend(((*raw, key), child, depth + 1) for key, child in reversed(children))
    if walk.size > limits.max_payload_bytes:  # long text, counted at the leaves
        return None, [_too_large(walk.size, limits, exact=False)], frozenset()
    kept = _cut(data, cut) if cut else data
    if walk.drop is not None:
        kept = _without(kept, walk.drop)
    if walk.size * _JSON_FACTOR > limits.max_payload_bytes:  # maybe over as JSON: measure
        size = json_size(kept)
        if size is not None and size > limits.max_payload_bytes:
            return None, [_too_large(size, limits, exact=True)], frozenset()
    if walk.findings is None:
        return data, [], frozenset()
    findings = [f for code in sorted(walk.findings) for f in walk.findings[code]]
    dropped = frozenset(native_loc(raw) for raw in walk.drop or ())
    return kept, findings, dropped


def _too_many(walk: _Walk, raw: tuple[Any, ...], count: int) -> None:
    """A 4009 finding for the list at ``raw`` (its items past the limit are cut, not dropped)."""
    if walk.findings is None:
        walk.findings = {}
    found = walk.findings.setdefault(fmt.too_many_items.code, [])
    if len(found) < MAX_FINDINGS_PER_RULE:
        loc = native_loc(raw)
        where = loc if path(loc) else WHOLE
        limit = f"{walk.limits.max_items:,}"
        params = {"field": path(where), "count": f"{count:,}", "limit": limit}
        hit = Hit(loc=loc, params=params, errors={where: f"{count:,} items"})
        found.append(fmt.too_many_items.finding(hit))


def _cut(data: Mapping[str, Any], cut: list[tuple[tuple[Any, ...], int]]) -> dict[Any, Any]:
    """A copy of ``data`` whose lists at the raw paths in ``cut`` keep their first items only."""
    root: dict[Any, Any] = dict(data)
    for raw, limit in cut:
        parent: Any = root
        for key in raw[:-1]:
            child = parent[key]
            child = dict(child) if isinstance(child, Mapping) else list(child)
            parent[key] = child
            parent = child
        parent[raw[-1]] = list(parent[raw[-1]])[:limit]
    return root


def _key(key: Any) -> str | int:
    """A key on a payload path as a loc part: a list index, or text of at most 100 characters."""
    if type(key) is int:
        return key
    if isinstance(key, str):
        return key if len(key) <= 100 else key[:100] + "..."
    return f"<{type(key).__name__}>"


def _without(data: Mapping[str, Any], drop: list[tuple[Any, ...]]) -> dict[Any, Any]:
    """A copy of ``data`` without the values at the raw paths in ``drop``.

    Copy on write: only the containers on a dropped path are copied. A dropped
    list item becomes None, so the positions of the others (and their locs) stay.
    """
    root: dict[Any, Any] = dict(data)
    copies: set[int] = {id(root)}
    for raw in drop:
        if not raw:
            continue
        parent: Any = root
        for key in raw[:-1]:
            child = parent[key]
            if id(child) not in copies:
                child = dict(child) if isinstance(child, Mapping) else list(child)
                copies.add(id(child))
                parent[key] = child
            parent = child
        if isinstance(parent, dict):
            del parent[raw[-1]]
        else:
            parent[raw[-1]] = None
    return root


def native_loc(raw: tuple[Any, ...]) -> Loc:
    """A path in the payload as given -> the loc the model would report (native names).

    ``("customers", 0, "line1")`` -> ``("customers", 0, "address_line1")``;
    reference objects collapse into their field (``("exemptionReason", "name")`` ->
    ``("exempt_reason",)``, ``("customers", 0, "state", "initials")`` ->
    ``("customers", 0, "region")``). Keys the model doesn't read stay as given.
    """
    if not raw:
        return ()
    top = CERTIFICATE_KEYS.get(raw[0]) if isinstance(raw[0], str) else None
    if top is None:
        return tuple(_key(key) for key in raw)
    rest = raw[1:]
    if top == "customers":
        index = 0
        if rest and type(rest[0]) is int:
            index, rest = rest[0], rest[1:]
        if not rest:
            return (top, index) if raw[1:] else (top,)
        key = CUSTOMER_KEYS.get(rest[0]) if isinstance(rest[0], str) else None
        if key is None:
            return (top, index, *(_key(part) for part in rest))
        return (top, index, key)
    if top in ("regions", "po_numbers", "pages") and rest:
        return (top, rest[0] if type(rest[0]) is int else 0)
    return (top,)
