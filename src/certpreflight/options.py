"""The rule options, as one typed object: :class:`RuleOptions`.

``validate(payload, options=...)`` takes a :class:`RuleOptions` or a mapping of the same
names; the CLI fills it from ``[tool.certpreflight.options]``. An unknown name raises
``ValueError`` naming it, as an unknown profile does, so a typo is never silently ignored.

========================= ========== ===========================================================
option                    default    what it changes
========================= ========== ===========================================================
``max_payload_bytes``     1,048,576  4004 payload-too-large: the largest payload read
``max_depth``             32         4005 nesting-too-deep: the deepest nesting read
``max_value_chars``       10,000     4006 value-too-long: the longest value read
``max_number_digits``     255        4008 number-too-large: the longest number read
``max_items``             1,000      4009 too-many-items: the most customers, regions ... read
``expiring_within_days``  30         5104: how many days ahead an expiry is reported
``sst_seller``            false      6301: the seller is registered through SST
========================= ========== ===========================================================
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from certpreflight.reading.limits import DEFAULT_LIMITS
from certpreflight.rules.status import EXPIRING_WITHIN_DAYS

__all__ = ["RuleOptions", "rule_options"]


@dataclass(frozen=True, slots=True)
class RuleOptions:
    """Options that tune individual rules; every field has the rule's own default.

    >>> RuleOptions.from_mapping({"expiring_within_days": 60}).expiring_within_days
    60
    >>> RuleOptions.from_mapping({"expiring_within_day": 60})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown option 'expiring_within_day'; expected one of: expiring_within_days, ...
    """

    max_payload_bytes: int = DEFAULT_LIMITS.max_payload_bytes
    max_depth: int = DEFAULT_LIMITS.max_depth
    max_value_chars: int = DEFAULT_LIMITS.max_value_chars
    max_number_digits: int = DEFAULT_LIMITS.max_number_digits
    max_items: int = DEFAULT_LIMITS.max_items
    expiring_within_days: int = EXPIRING_WITHIN_DAYS
    sst_seller: bool = False

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if type(item.default) is bool:
                if not isinstance(value, bool):
                    raise ValueError(f"option {item.name} must be true or false, not {value!r}")
                continue
            limit = item.name.startswith("max_")  # a limit: 0 would refuse everything
            if not isinstance(value, int) or isinstance(value, bool) or value < int(limit):
                wanted = "a positive integer" if limit else "a whole number >= 0"
                raise ValueError(f"option {item.name} must be {wanted}, not {value!r}")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The option names, in declaration order."""
        return tuple(item.name for item in dataclasses.fields(cls))

    @classmethod
    def from_mapping(cls, values: RuleOptions | Mapping[str, Any]) -> RuleOptions:
        """The options set in ``values`` (the defaults for the others).

        Raises ``ValueError`` for an unknown name (naming it and the known ones) or a
        value of the wrong type.
        """
        if isinstance(values, RuleOptions):
            return values
        if not isinstance(values, Mapping):
            raise TypeError(f"options must be a mapping, not {type(values).__name__}")
        known = cls.names()
        for key in values:
            if key not in known:
                near = _closest(str(key), known)
                ordered = sorted(known, key=lambda name: name != near)
                raise ValueError(f"unknown option {key!r}; expected one of: {', '.join(ordered)}")
        return cls(**values)

    def as_mapping(self) -> Mapping[str, Any]:
        """Every option by name, read-only (what the rules read as ``ctx.options``)."""
        return MappingProxyType(dataclasses.asdict(self))


def _closest(key: str, known: tuple[str, ...]) -> str | None:
    """The known name sharing the longest prefix with ``key`` (listed first in the error)."""

    def shared(name: str) -> int:
        n = 0
        while n < min(len(name), len(key)) and name[n] == key[n]:
            n += 1
        return n

    best = max(known, key=shared)
    return best if shared(best) > 0 else None


def rule_options(options: RuleOptions | Mapping[str, Any]) -> Mapping[str, Any]:
    """The read-only mapping the rules see, from either form; raises as :meth:`from_mapping`."""
    return RuleOptions.from_mapping(options).as_mapping()
