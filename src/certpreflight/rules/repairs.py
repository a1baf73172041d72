"""The rules' automatic repairs: pure functions from a record as sent and a finding to a new record.

A repair is also given what its rule's check saw, the certificate as read and the context
(``FixFunction`` in :mod:`certpreflight.rules._base`); the repairs here need only the
record and the finding. Rule 3101's, which asks its check which regions fail, is in
:mod:`certpreflight.rules.situs`, and :func:`without` drops list items for it.

A repair works on the record in its own dialect (the JSON-like mapping the user sent), so
the repaired record is written back with the same keys: the finding's ``loc`` names native
fields (``("customers", 0, "postal_code")``), and :func:`locate` finds the key that holds
each one in the record (``zip``, ``postalCode``, ``postal_code`` ...) through the dialect key
tables of :mod:`certpreflight.dialects`. A value inside a reference object
(``"state": {"initials": "wa"}``) is written back into the same reference key.

Each repair returns a new mapping (its argument is never modified) or None when the hit
can't be repaired. :func:`certpreflight.fixes.fix` applies them and keeps a repair only when
the repaired record has no finding of a rule the record passed before (``Autofix`` in
:mod:`certpreflight.rules._base` says what a safe and an unsafe repair is).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Mapping
from typing import Any

from certpreflight.dialects import (
    CERTIFICATE_KEYS,
    CUSTOMER_RECORD_KEYS,
    LINK_KEYS,
    REFERENCES,
    detect_kind,
    is_mapping,
)
from certpreflight.findings import Finding
from certpreflight.reference.countries import country_code
from certpreflight.reference.postal import zip_regions
from certpreflight.reference.regions import lookup_region
from certpreflight.rules._base import Autofix

__all__ = [
    "ADDRESS_OVERFLOW",
    "COUNTRY_CODE",
    "CUSTOMER_NUMBER_TRIM",
    "POSTAL_CODE",
    "REGION_CODE",
    "Slot",
    "locate",
    "without",
]

#: The limit of address lines 1 and 2 (rules 2103 and 2104, docs/sources.md#ecms-record).
LINE_LIMIT = 50
_CA_POSTAL = re.compile(r"[A-Z]\d[A-Z]\d[A-Z]\d", re.ASCII)


class Slot:
    """Where one native field of a record is held: a container and its key (or index).

    ``ref`` is the key inside a reference object holding the text (``initials`` of
    ``"state": {"initials": "WA"}``), or None for a plain value.
    """

    __slots__ = ("container", "key", "ref")

    def __init__(self, container: Any, key: Any, ref: str | None = None) -> None:
        self.container = container
        self.key = key
        self.ref = ref

    @property
    def value(self) -> Any:
        held = self.container[self.key]
        return held[self.ref] if self.ref is not None else held

    def set(self, value: Any) -> None:
        if self.ref is not None:
            self.container[self.key][self.ref] = value
        else:
            self.container[self.key] = value


def _table(kind: str | None, inside_customers: bool) -> Mapping[str, str]:
    if inside_customers or kind == "customer":
        return CUSTOMER_RECORD_KEYS
    if kind == "link":
        return LINK_KEYS
    return CERTIFICATE_KEYS


def _key_of(data: Mapping[Any, Any], field: str, table: Mapping[str, str]) -> str | None:
    """The key of ``data`` holding native ``field``: the last non-empty one, as reading does."""
    found = None
    for key, value in data.items():
        means = table.get(key, key if key == field else None) if isinstance(key, str) else None
        if means == field and (found is None or value not in (None, "", [], {})):
            found = key
    return found


def locate(record: Any, loc: tuple[str | int, ...]) -> Slot | None:
    """The slot of ``loc`` (native names) in ``record`` (a mapping in any dialect), or None.

    Only lists and mappings are walked; a list index counts the items reading keeps
    (None and empty text are dropped from lists).
    """
    if not is_mapping(record) or not loc:
        return None
    kind = detect_kind(record)
    node: Any = record
    inside = False
    slot: Slot | None = None
    for part in loc:
        if slot is not None:
            node = slot.value
        if isinstance(part, str):
            if not is_mapping(node):
                return None
            key = _key_of(node, part, _table(kind, inside))
            if key is None:
                return None
            slot = Slot(node, key)
            inside = inside or part == "customers"
            refs = REFERENCES.get(part) if inside or kind == "customer" else None
            if refs is not None and is_mapping(node[key]):
                ref = next((r for r in refs if node[key].get(r) not in (None, "")), None)
                if ref is None:
                    return None
                slot = Slot(node, key, ref)
        else:
            if is_mapping(node) and part == 0:
                continue  # a single object where a list may be ({"exposureZone": {...}})
            if not isinstance(node, list):
                return None
            kept = [i for i, item in enumerate(node) if item is not None and item != ""]
            if not 0 <= part < len(kept):
                return None
            slot = Slot(node, kept[part])
    return slot


def _copy(record: Mapping[str, Any]) -> Any:
    return copy.deepcopy(dict(record))


def _text_at(record: Any, loc: tuple[str | int, ...]) -> str | None:
    slot = locate(record, loc)
    if slot is None:
        return None
    value = slot.value
    if is_mapping(value):
        value = next((value[r] for r in ("name", "initials", "code") if r in value), None)
    return value if isinstance(value, str) else None


def _replace(record: Mapping[str, Any], loc: tuple[str | int, ...], value: Any) -> Any:
    """A copy of ``record`` with the field at ``loc`` set to ``value``; None if it isn't there."""
    out = _copy(record)
    slot = locate(out, loc)
    if slot is None or not isinstance(slot.value, str) or slot.value == value:
        return None
    slot.set(value)
    return out


def _sibling(loc: tuple[str | int, ...], field: str) -> tuple[str | int, ...]:
    return (*loc[:-1], field)


def _customer_country(record: Any, loc: tuple[str | int, ...]) -> str | None:
    text = _text_at(record, _sibling(loc, "country"))
    if text is None or not text.strip():
        return "US"  # a blank country counts as US, as in AvaTax imports (rule 3202)
    return country_code(text)


# --- the repairs ----------------------------------------------------------------------------------


def _region_code(record: Mapping[str, Any], finding: Finding, *_: object) -> Any:
    """A customer's region name (``Washington``) -> its code (``WA``)."""
    text = _text_at(record, finding.loc)
    if text is None:
        return None
    region = lookup_region(text, _customer_country(record, finding.loc))
    if region is None:
        return None
    slot = locate(record, finding.loc)
    if slot is not None and slot.ref == "name":  # {"name": "Washington"}: add the initials,
        out = _copy(record)  # which are read first, and keep the name
        held = locate(out, finding.loc)
        assert held is not None
        held.container[held.key]["initials"] = region.short
        return out
    return _replace(record, finding.loc, region.short)


def _country_code(record: Mapping[str, Any], finding: Finding, *_: object) -> Any:
    """A customer's country name or alpha-3 / numeric code -> its alpha-2 code."""
    text = _text_at(record, finding.loc)
    code = None if text is None else country_code(text.strip())
    return None if code is None else _replace(record, finding.loc, code)


def _postal_code(record: Mapping[str, Any], finding: Finding, *_: object) -> Any:
    """A US ZIP that lost its leading zero (when the state confirms it), or a Canadian code's
    case, spacing and hyphen (``k1a-0b1`` -> ``K1A 0B1``)."""
    text = _text_at(record, finding.loc)
    if text is None:
        return None
    country = _customer_country(record, finding.loc)
    stripped = text.strip()
    if country == "US":
        if not (len(stripped) == 4 and stripped.isascii() and stripped.isdigit()):
            return None
        zero = "0" + stripped
        region_text = _text_at(record, _sibling(finding.loc, "region"))
        region = None if region_text is None else lookup_region(region_text, "US")
        states = zip_regions(zero)
        if region is None or states is None or region.code not in states:
            return None  # only when the customer's state confirms the restored ZIP
        return _replace(record, finding.loc, zero)
    if country == "CA":
        packed = re.sub(r"[\s-]", "", stripped).upper()
        if not _CA_POSTAL.fullmatch(packed):
            return None
        return _replace(record, finding.loc, f"{packed[:3]} {packed[3:]}")
    return None


def _customer_number_trim(record: Mapping[str, Any], finding: Finding, *_: object) -> Any:
    """A customer number without its surrounding whitespace."""
    text = _text_at(record, finding.loc)
    return None if text is None or not text.strip() else _replace(record, finding.loc, text.strip())


def _address_overflow(record: Mapping[str, Any], finding: Finding, *_: object) -> Any:
    """Address line 1's overflow into an empty line 2, at the last word boundary that fits."""
    loc = finding.loc
    if not loc or loc[-1] != "address_line1":
        return None
    text = _text_at(record, loc)
    line2 = _text_at(record, _sibling(loc, "address_line2"))
    if text is None or (line2 is not None and line2.strip()):
        return None
    text = text.strip()
    comma = text.rfind(", ", 0, LINE_LIMIT + 1)  # a comma ends a part: cut there if it fits
    cut = comma + 1 if comma > 0 and len(text) - comma - 2 <= LINE_LIMIT else -1
    if cut <= 0:
        cut = text.rfind(" ", 0, LINE_LIMIT + 1)
    if cut <= 0:
        return None
    head, tail = text[:cut].rstrip(" ,;"), text[cut:].strip(" ,;")
    if not head or not tail or len(tail) > LINE_LIMIT:
        return None
    out = _replace(record, loc, head)
    if out is None:
        return None
    slot = locate(out, loc)
    assert slot is not None
    key = str(slot.key)
    line2_slot = locate(out, _sibling(loc, "address_line2"))
    if line2_slot is not None and line2_slot.ref is None:
        line2_slot.set(tail)
    else:
        slot.container[_LINE2_KEYS.get(key, "address_line2")] = tail
    return out


#: The line 2 key of each dialect's line 1 key (rule 2103's repair writes the same dialect).
_LINE2_KEYS = {"address_line1": "address_line2", "line1": "line2", "address1": "address2"}


def without(record: Mapping[str, Any], field: str, drop: Collection[int]) -> Any:
    """A copy of ``record`` without the items ``drop`` (indices as read) of its list ``field``;
    None when one isn't there or the field is one object (dropping it would leave none)."""
    if not drop:
        return None
    out = _copy(record)
    slots = [locate(out, (field, i)) for i in sorted(drop)]
    if any(slot is None for slot in slots):
        return None
    first = slots[0]
    assert first is not None
    container = first.container
    if is_mapping(container):  # one zone as an object: dropping it leaves none
        return None
    for slot in sorted(slots, key=lambda s: s.key if s is not None else 0, reverse=True):
        assert slot is not None
        if slot.container is not container:
            return None
        del container[slot.key]
    return out


REGION_CODE = Autofix(
    "safe",
    _region_code,
    "Writes the customer's region name as its 2-letter code (Washington -> WA).",
)
COUNTRY_CODE = Autofix(
    "safe", _country_code, "Writes the customer's country as its 2-letter ISO code (USA -> US)."
)
POSTAL_CODE = Autofix(
    "safe",
    _postal_code,
    "Restores a US ZIP's lost leading zero when the customer's state confirms it (2134 in MA -> "
    "02134); writes a Canadian postal code in capitals with one space (k1a-0b1 -> K1A 0B1).",
)
CUSTOMER_NUMBER_TRIM = Autofix(
    "unsafe",
    _customer_number_trim,
    "Removes the spaces around the customer number. Unsafe: AvaTax matches codes exactly, so "
    "the trimmed code may be another customer's.",
)
ADDRESS_OVERFLOW = Autofix(
    "unsafe",
    _address_overflow,
    "Moves the end of address line 1 into an empty address line 2, at the last word boundary "
    "within 50 characters. Unsafe: it changes how the address reads.",
)
