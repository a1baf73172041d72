"""Country names and codes, resolved to ISO 3166-1 alpha-2 with pycountry.

AvaTax wants the 2-character ISO code (docs/sources.md#avatax-models:
``country`` "Send the 2-char ISO code"; error 125 InvalidCountry otherwise).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import cast

__all__ = ["country_code", "country_of", "is_us_or_canada"]

# Spellings pycountry's fuzzy-free lookup does not know but integrations send.
_EXTRA = {"USA": "US", "U.S.": "US", "U.S.A.": "US", "UNITED STATES OF AMERICA": "US"}


#: What pycountry answers for the usual spellings (tests/reference hold them to it), so a
#: run of US and Canadian customers never imports pycountry (25 ms) or loads its data.
class _Codes(dict[str, str]):
    """The alpha-2 code of each usual spelling; another text is trimmed, upper-cased and
    looked up again, then in pycountry's names, when it is looked up (and not stored)."""

    def __missing__(self, value: str) -> str | None:
        text = value.strip()
        if not text:
            return None
        upper = text.upper()
        found = _EXTRA.get(upper) or self.get(upper)
        if found is not None:
            return found
        return _pycountry_codes().get(text.lower())


_USUAL = _Codes({"US": "US", "UNITED STATES": "US", "CA": "CA", "CAN": "CA", "CANADA": "CA"})

#: :func:`country_code` of a ``str``, for the rules, whose values are texts: the usual
#: spellings are one dictionary lookup, in C.
country_of = cast("Callable[[str], str | None]", _USUAL.__getitem__)


@functools.cache
def _pycountry_codes() -> dict[str, str]:
    """Every code and name pycountry's ``countries.lookup`` matches, lower case -> alpha-2,
    in the order it tries them (its indexed fields, then the others): loaded once, when a
    country other than the usual spellings is first asked for."""
    import pycountry  # noqa: PLC0415 - imported when first needed (see _USUAL)

    countries = pycountry.countries
    table: dict[str, str] = {}
    everyone = list(countries)  # loads the data and its indices
    for index in countries.indices.values():
        for key, country in index.items():
            table.setdefault(key, str(country.alpha_2))
    for country in everyone:
        for field in countries.no_index:
            value = country._fields.get(field)
            if value is not None:
                table.setdefault(value.lower(), str(country.alpha_2))
    return table


def country_code(value: object) -> str | None:
    """``"US"``, ``"usa"``, ``"United States"``, ``"CAN"`` -> ``"US"`` / ``"CA"``.

    Unknown or non-text values give None.
    """
    return _USUAL[value] if isinstance(value, str) else None


def is_us_or_canada(value: str | None) -> bool:
    """True when the country is the US or Canada, or is blank (AvaTax import reads blank as US).

    Source: docs/sources.md#import-templates (import template: Country "blank -> US") and
    docs/sources.md#customer-rules ("Region is required when country is US or CA, optional
    elsewhere"). Unrecognised text counts as not US/Canada: the country rules report it.
    """
    if value is None or not value.strip():
        return True
    return _USUAL[value] in ("US", "CA")
