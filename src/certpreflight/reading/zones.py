"""AvaTax exposure zones given by a name that is a region's code (rule 3005).

The model keeps a zone's text, not whether it came as ``exposureZone: {"name": "WA"}``;
so this is said while the payload is read, from the payload itself: a dict's
``exposureZone`` / ``exposureZones``, or JSON text holding that key (found with one
substring test, then a regex on the zone objects only). Other payloads pay nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from certpreflight.dialects import is_mapping
from certpreflight.findings import Finding
from certpreflight.reference.regions import lookup_region
from certpreflight.rules import Hit
from certpreflight.rules.situs import zone_name_is_code

__all__ = ["zone_name_findings"]

_KEYS = ("exposureZone", "exposureZones")
_MARK = b'"exposureZone'
_TEXT_MARK = _MARK.decode()
_ZONES = re.compile(rb'"exposureZones?"\s*:\s*(\{[^{}]*\}|\[[^\[\]]*\])')
_NAME = re.compile(rb'"name"\s*:\s*"([A-Za-z]{2,3})"')


def _names_in_text(text: bytes) -> Iterator[str]:
    for zones in _ZONES.finditer(text):
        for name in _NAME.finditer(zones.group(1)):
            yield name.group(1).decode("ascii")


def _names_in_mapping(payload: Mapping[Any, Any]) -> Iterator[str]:
    for key in _KEYS:
        value = payload.get(key)
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            name = item.get("name") if is_mapping(item) else None
            if isinstance(name, str) and 2 <= len(name.strip()) <= 3:
                yield name.strip()


def zone_name_findings(payload: Any, regions: tuple[str, ...]) -> list[Finding]:
    """Rule 3005 for each AvaTax zone named by a region's code; ``regions`` are the
    certificate's, as read (to give each finding its ``regions[i]``)."""
    if type(payload) is dict:
        if "exposureZone" not in payload and "exposureZones" not in payload:
            return []
        names = list(_names_in_mapping(payload))
    elif isinstance(payload, str):  # the usual text has no AvaTax zone: nothing encoded
        if _TEXT_MARK not in payload:
            return []
        names = list(_names_in_text(payload.encode("utf-8", "surrogatepass")))
    elif isinstance(payload, (bytes, bytearray)):
        if _MARK not in payload:
            return []
        names = list(_names_in_text(bytes(payload)))
    else:
        return []
    found = []
    for name in names:
        region = lookup_region(name)
        if region is None or region.name.casefold() == name.casefold():
            continue
        index = regions.index(name) if name in regions else 0
        loc = ("regions", index)
        hit = Hit(
            loc=loc,
            params={"name": name, "full": region.name},
            errors={("regions", index): f"a code, not the zone's name {region.name!r}"},
        )
        found.append(zone_name_is_code.finding(hit))
    return found
