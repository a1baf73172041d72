"""Streamlined Sales Tax business types 1-20 (``data/business_types.csv``, source in its header).

ECMS ``businessTypeId`` takes these numbers; any other number fails with AvaTax
error 1200 InvalidBusinessType (docs/sources.md#ecms-record, #avatax-error-codes).

>>> business_type("10")
'Retail trade'
>>> business_type("Retail Trade")
'Retail trade'
>>> business_type("21") is None
True
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

__all__ = ["all_business_types", "business_type"]


@functools.cache
def all_business_types() -> tuple[tuple[int, str], ...]:
    """Every SST business type as ``(number, name)``, 1 to 20."""
    text = resources.files("certpreflight.reference").joinpath("data/business_types.csv")
    lines = text.read_text("utf-8").splitlines()
    rows = csv.DictReader(line for line in lines if not line.startswith("#"))
    return tuple((int(row["number"]), row["name"]) for row in rows)


@functools.cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for number, name in all_business_types():
        index[str(number)] = name
        index[name.casefold()] = name
    return index


def business_type(value: str) -> str | None:
    """The SST name for a business type number ("10", "010") or name, or None if it is neither."""
    text = value.strip()
    # ASCII digits only, leading zeros dropped as text: int() would raise for "²" and for
    # more than 4,300 digits (Python's int <-> str cap), and neither is a business type.
    key = (text.lstrip("0") or "0") if text.isascii() and text.isdigit() else text.casefold()
    return _index().get(key)
