"""Postal codes: format checks and which state or province a code belongs to.

Formats (docs/sources.md#postal-codes-and-regions): a US ZIP is ``NNNNN`` or ZIP+4
``NNNNN-NNNN``; a Canadian postal code is ``A1A 1A1``. Which region a code belongs
to comes from two data files with their sources in their headers:
``data/us_zip_prefixes.csv`` (3-digit prefix -> states, from the zipcodes data) and
``data/ca_postal_letters.csv`` (Canada Post first letter -> province). A prefix
that is not in the data gives None ("don't know"), never a guess.

>>> zip_regions("98101-2450")
frozenset({'US-WA'})
>>> postal_regions("K1A 0B1")
frozenset({'CA-ON'})
>>> zip_regions("96910") is None
True
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

__all__ = ["CA_POSTAL", "US_ZIP", "postal_regions", "zip_regions"]

#: ``NNNNN`` or ``NNNNN-NNNN``; a blank or nothing instead of the hyphen is tolerated
#: (not "clearly malformed").
US_ZIP = re.compile(r"\d{5}(?:[- ]?\d{4})?")
#: ``A1A 1A1``, any case, with or without the middle blank.
CA_POSTAL = re.compile(r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d")


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("certpreflight.reference").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


@functools.cache
def _zip_table() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for row in _rows("us_zip_prefixes.csv"):
        regions = frozenset(row["regions"].split("|"))
        for prefix in range(int(row["first"]), int(row["last"]) + 1):
            table[f"{prefix:03d}"] = regions
    return table


@functools.cache
def _letter_table() -> dict[str, frozenset[str]]:
    return {
        row["letter"]: frozenset(row["regions"].split("|"))
        for row in _rows("ca_postal_letters.csv")
    }


def zip_regions(code: str) -> frozenset[str] | None:
    """The ISO codes of the regions a US ZIP's 3-digit prefix serves, or None if not known."""
    return _zip_table().get(code.strip()[:3])


def postal_regions(code: str) -> frozenset[str]:
    """The ISO codes of the provinces a Canadian postal code's first letter serves (or none)."""
    return _letter_table().get(code.strip()[:1].upper(), frozenset())
