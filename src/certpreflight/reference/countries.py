"""Country names and codes, resolved to ISO 3166-1 alpha-2 with pycountry.

AvaTax wants the 2-character ISO code (docs/sources.md#avatax-models:
``country`` "Send the 2-char ISO code"; error 125 InvalidCountry otherwise).
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["country_code", "is_us_or_canada"]

# Spellings pycountry's fuzzy-free lookup does not know but integrations send.
_EXTRA = {"USA": "US", "U.S.": "US", "U.S.A.": "US", "UNITED STATES OF AMERICA": "US"}
#: What pycountry answers for the usual spellings (tests/reference hold them to it), so a
#: run of US and Canadian customers never imports pycountry (25 ms) or loads its data.
_USUAL = {"US": "US", "UNITED STATES": "US", "CA": "CA", "CAN": "CA", "CANADA": "CA"}


@lru_cache(maxsize=1024)
def _lookup(text: str) -> str | None:
    upper = text.upper()
    if upper in _EXTRA:
        return _EXTRA[upper]
    if upper in _USUAL:
        return _USUAL[upper]
    import pycountry  # noqa: PLC0415 - imported when first needed (see _USUAL)

    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return str(found.alpha_2)


def country_code(value: object) -> str | None:
    """``"US"``, ``"usa"``, ``"United States"``, ``"CAN"`` -> ``"US"`` / ``"CA"``.

    Unknown or non-text values give None.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    return _lookup(text)


def is_us_or_canada(value: str | None) -> bool:
    """True when the country is the US or Canada, or is blank (AvaTax import reads blank as US).

    Source: docs/sources.md#import-templates (import template: Country "blank -> US") and
    docs/sources.md#customer-rules ("Region is required when country is US or CA, optional
    elsewhere"). Unrecognised text counts as not US/Canada: the country rules report it.
    """
    if value is None or not value.strip():
        return True
    return country_code(value) in ("US", "CA")
