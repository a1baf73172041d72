"""The rule catalogue: every rule, in one explicit list sorted by code.

Codes are 4 digits; the first digit is the family (2 Input, 3 Situs,
4 Formatting, 5 Status, 6 Identity). A code is never reused: a retired rule
keeps its number out of circulation. ``docs/rules.md`` is generated from this
list (``python -m certpreflight rules --format markdown``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from certpreflight.rules import formatting, identity, input, situs, status
from certpreflight.rules._base import ALL_PROFILES, Context, Hit, Rule

__all__ = ["ALL_PROFILES", "CATALOGUE", "RESERVED_CODES", "Context", "Hit", "Rule", "get_rule"]

#: Codes used by findings made outside the catalogue (AvaTax replies turned into
#: findings by :mod:`certpreflight.avatax`); no rule may take them.
RESERVED_CODES: Mapping[int, str] = MappingProxyType(
    {2900: "avatax-rejected", 5900: "avatax-unreachable"}
)

CATALOGUE: tuple[Rule, ...] = (
    input.customer_name_missing,  # 2101
    input.address_line1_missing,  # 2102
    input.address_line1_too_long,  # 2103
    input.address_line2_too_long,  # 2104
    input.city_missing,  # 2105
    input.region_missing,  # 2106
    input.postal_code_missing,  # 2107
    input.country_missing,  # 2108
    input.po_number_missing,  # 2201
    input.reason_missing,  # 2301
    input.reason_unknown,  # 2302
    situs.region_unknown,  # 3001
    situs.reason_not_exempt_in_region,  # 3101
    situs.reason_likely_not_exempt_in_region,  # 3102
    situs.reason_partially_exempt_in_region,  # 3103
    formatting.invalid_json,  # 4001
    formatting.not_an_object,  # 4002
    formatting.uninterpretable_value,  # 4003
    status.effective_date_in_future,  # 5101
    identity.customer_number_missing,  # 6101
    identity.tax_id_missing_sst,  # 6201
    identity.tax_id_missing,  # 6202
)

_BY_KEY: Mapping[str, Rule] = MappingProxyType(
    {str(r.code): r for r in CATALOGUE} | {r.name: r for r in CATALOGUE}
)


def get_rule(key: int | str) -> Rule:
    """The rule with this code (``2101`` or ``"2101"``) or name; KeyError if there is none."""
    text = str(key).strip().lower()
    try:
        return _BY_KEY[text]
    except KeyError:
        raise KeyError(f"no rule {key!r}; see `certpreflight rules` for the catalogue") from None
