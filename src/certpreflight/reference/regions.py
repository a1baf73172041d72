"""Regions (exposure zones) that AvaTax and CertCapture accept, keyed by ISO 3166-2 code.

The catalogue lives in ``data/regions.csv``: the 50 states, DC, Puerto Rico and the other US
territories, the 13 Canadian provinces and territories, and the country-level "Canada (GST)"
zone, which AvaTax treats as a region of its own (code ``CA-GST``; not an ISO code). Codes
and names follow ISO 3166-2; a region's ``name`` is its AvaTax exposure-zone name.
``sales_tax`` is false for the five states that Avalara's error FAQ says always fail (AK, DE,
MT, NH, OR; docs/sources.md#certcapture-sync-errors), and ``sst`` records Streamlined Sales
Tax membership (docs/sources.md#streamlined-sales-tax). Every row names its source.

>>> lookup_region("wa").code
'US-WA'
>>> normalize_region("Québec")
'CA-QC'
>>> normalize_region("GST", country="CA")
'CA-GST'
>>> normalize_region("US-WA", country="CA") is None
True
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import cast

__all__ = ["Region", "all_regions", "lookup_region", "normalize_region", "region_of", "regions_in"]

_COUNTRIES = {
    "us": "US",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "ca": "CA",
    "can": "CA",
    "canada": "CA",
}


@dataclass(frozen=True, slots=True)
class Region:
    """One exposure zone: a US state, district or territory, a province, or Canada (GST)."""

    code: str
    country: str
    short: str
    name: str
    kind: str
    sales_tax: bool
    sst: str
    source: str


def _fold(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive key: " Québec " -> "quebec"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace(".", "").replace(",", " ")
    return " ".join(plain.casefold().split())


def _spellings(name: str) -> tuple[str, ...]:
    """The usual ways a name is written: as it is, upper, lower and title case."""
    return (name, name.upper(), name.lower(), name.title())


@functools.cache
def _catalogue() -> tuple[
    tuple[Region, ...], dict[str, tuple[Region, ...]], dict[str, tuple[Region, ...]]
]:
    """Load the CSV once: the regions in file order, an index from folded key to regions, and
    the same for the usual spellings of each key as written (looked up before folding)."""
    data = resources.files("certpreflight.reference").joinpath("data/regions.csv")
    lines = data.read_text("utf-8").splitlines()
    rows = csv.DictReader(line for line in lines if not line.startswith("#"))
    regions: list[Region] = []
    index: dict[str, list[Region]] = {}
    for row in rows:
        region = Region(
            code=row["code"],
            country=row["country"],
            short=row["short"],
            name=row["name"],
            kind=row["kind"],
            sales_tax=row["sales_tax"] == "yes",
            sst=row["sst"],
            source=row["source"],
        )
        regions.append(region)
        names = [region.code, region.short, region.name, *row["aliases"].split("|")]
        for key in dict.fromkeys(_fold(name) for name in names if name):
            index.setdefault(key, []).append(region)
    folded = {key: tuple(found) for key, found in index.items()}
    written: dict[str, tuple[Region, ...]] = {}
    for region in regions:
        for name in (region.code, region.short, region.name):
            for spelling in _spellings(name):
                if _fold(spelling) in folded:
                    written.setdefault(spelling, folded[_fold(spelling)])
    for spelling, found in written.items():
        _WRITTEN[spelling] = found[0]
        for region in found:
            _WRITTEN_IN.setdefault(region.country, {}).setdefault(spelling, region)
    return tuple(regions), folded, written


class _Spellings(dict[str, Region]):
    """The region of each usual spelling (the first, or the one in ``country``); another text
    is resolved (:func:`_candidates`: folded) when it is looked up, and not stored."""

    __slots__ = ("country",)

    def __init__(self, country: str | None = None) -> None:
        super().__init__()
        self.country = country

    def __missing__(self, value: str) -> Region | None:
        for region in _candidates(value):
            if self.country is None or region.country == self.country:
                return region
        return None


#: The first region of each usual spelling, and per country (``US``, ``CA``) the region of
#: each usual spelling there: filled once, as the catalogue loads (until then, empty), so
#: :func:`lookup_region` answers the usual values with one dictionary lookup.
_WRITTEN = _Spellings()
_WRITTEN_IN: dict[str, dict[str, Region]] = {"US": _Spellings("US"), "CA": _Spellings("CA")}

#: The region a text denotes (US first), or None: :func:`lookup_region` of a ``str``, for the
#: rules, whose values are texts. The usual spellings are one dictionary lookup, in C.
region_of = cast("Callable[[str], Region | None]", _WRITTEN.__getitem__)

#: ``regions_in["US"]`` and ``regions_in["CA"]``: :func:`lookup_region` of a ``str`` in that
#: country, for the rules, one dictionary lookup in C for the usual spellings.
regions_in: Mapping[str, Callable[[str], Region | None]] = {
    country: cast("Callable[[str], Region | None]", table.__getitem__)
    for country, table in _WRITTEN_IN.items()
}


#: An AvaTax exposure zone's tag (``ExposureZoneModel.tag``, docs/sources.md#avatax-models),
#: written EZ_<country>_<region>: ``EZ_US_OH`` is Ohio.
_TAG = re.compile(r"\s*EZ_([A-Za-z]{2})_([A-Za-z0-9]{1,3})\s*")

#: Country codes as usually written, and folded.
_COUNTRY_SPELLINGS = {
    spelling: code for key, code in _COUNTRIES.items() for spelling in _spellings(key)
}


def _candidates(value: str) -> tuple[Region, ...]:
    """The regions a code or name denotes, US first: a plain lookup of the value as written,
    else of its folded form (or of the region its AvaTax tag names)."""
    _, folded, written = _catalogue()
    found = written.get(value)
    if found is not None:
        return found
    tag = _TAG.fullmatch(value)
    if tag is not None:
        value = f"{tag[1]}-{tag[2]}"
    return folded.get(_fold(value), ())


def lookup_region(value: object, country: str | None = None) -> Region | None:
    """Return the region a code, ISO code or name denotes, or None; never raises.

    ``country`` ("US"/"CA", also "USA"/"CAN", any case) restricts the search to that
    country, so a short code resolves only within it and an ISO code of another country
    gives None. Without it (or with a blank one), US regions come first (no short code is
    shared today); an unknown country gives None.
    """
    if not isinstance(value, str) or not (country is None or isinstance(country, str)):
        return None
    if country is None or not country.strip():
        return _WRITTEN[value]
    wanted = _COUNTRY_SPELLINGS.get(country) or _COUNTRIES.get(_fold(country))
    table = _WRITTEN_IN.get(wanted) if wanted is not None else None
    return None if table is None else table[value]


def normalize_region(value: object, country: str | None = None) -> str | None:
    """Return the ISO 3166-2 code ("US-WA", "CA-GST") for a code or name, or None."""
    region = lookup_region(value, country)
    return None if region is None else region.code


def all_regions() -> tuple[Region, ...]:
    """Return every region in catalogue (CSV) order: the US first, then Canada (GST) and Canada."""
    return _catalogue()[0]
