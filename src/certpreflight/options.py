"""A run's options, as one object: :class:`Options` (and the rule tunings in it,
:class:`RuleOptions`).

Every way of giving options ends here, once per run: the keywords of
:func:`~certpreflight.validate` and its siblings, ``[tool.certpreflight]`` in a configuration
file, and the command line (flags over the file's keys). :func:`selectors` is the one parse of
a rule selector (``"2101"``, ``"21,3101"``, ``["customer-name-missing", "Input"]``).


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
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypedDict

from certpreflight._cache import Bounded, text_bytes
from certpreflight.literals import PROFILES, Kind, Profile
from certpreflight.reading.limits import DEFAULT_LIMITS
from certpreflight.reference.matrix import ExemptionMatrix
from certpreflight.rules import CATALOGUE, Rule
from certpreflight.rules.status import EXPIRING_WITHIN_DAYS
from certpreflight.suggest import did_you_mean, rule_hint

__all__ = [
    "Options",
    "RuleOptions",
    "Selector",
    "ValidateOptions",
    "known_profile",
    "matches",
    "selectors",
]

#: What ``select`` and ``ignore`` take: a code, a code prefix, a rule name or a type, a
#: comma list of them, or an iterable of those.
Selector = Iterable[int | str] | int | str | None


def known_profile(profile: str) -> None:
    """Raise ``ValueError`` (with a did-you-mean) unless ``profile`` is one of the profiles."""
    if profile not in PROFILES:
        hint = did_you_mean(str(profile), sorted(PROFILES))
        raise ValueError(f"unknown profile {profile!r}{hint}; expected one of {sorted(PROFILES)}")


class ValidateOptions(TypedDict, total=False):
    """The keyword options of :func:`~certpreflight.validate`, for the functions that pass them
    on (``fix(payload, **validate_options)``, the AvaTax senders): typed as ``validate``
    types them, so a misspelt profile fails type checking there too."""

    today: dt.date | None
    matrix: ExemptionMatrix | None
    select: Selector
    ignore: Selector
    profile: Profile
    options: RuleOptions | Mapping[str, Any] | None
    kind: Kind | None


@dataclass(frozen=True, slots=True)
class RuleOptions:
    """Options that tune individual rules; every field has the rule's own default.

    >>> RuleOptions.from_mapping({"expiring_within_days": 60}).expiring_within_days
    60
    >>> RuleOptions.from_mapping({"expiring_within_day": 60})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown option 'expiring_within_day' (did you mean 'expiring_within_days'?); ...
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
                hint = did_you_mean(str(key), known)
                raise ValueError(
                    f"unknown option {key!r}{hint}; expected one of: {', '.join(known)}"
                )
        return cls(**values)

    def as_mapping(self) -> Mapping[str, Any]:
        """Every option by name, read-only (what the rules read as ``ctx.options``)."""
        return MappingProxyType(dataclasses.asdict(self))


# --- selectors ------------------------------------------------------------------------------------


def selectors(value: Selector) -> tuple[str, ...]:
    """The keys of a rule selector, lower-case, each checked against the catalogue.

    ``None`` is no key; a code or text is one selector, a comma list several; an iterable is
    read once. Raises ``TypeError`` for an item that isn't a code or a text, and
    ``ValueError`` naming a key no rule matches.

    >>> selectors("21, customer-name-missing")
    ('21', 'customer-name-missing')
    >>> selectors([3101, "Input"])
    ('3101', 'input')
    """
    if value is None:
        return ()
    items = (value,) if isinstance(value, (str, int)) else tuple(value)
    for item in items:
        if not isinstance(item, (str, int)) or isinstance(item, bool):
            raise TypeError(f"rule selectors are codes, prefixes, names or types, not {item!r}")
    return _known_keys(items)


#: Selector keys by the items given: at most 1 MiB of items and keys.
_KEYS: Bounded[tuple[str | int, ...], tuple[str, ...]] = Bounded(
    1024 * 1024, lambda items, keys: text_bytes(items) + text_bytes(keys)
)


def _known_keys(items: tuple[str | int, ...]) -> tuple[str, ...]:
    found = _KEYS.get(items)
    if found is None:
        found = _KEYS.keep(items, _parsed(items))
    return found


def _parsed(items: tuple[str | int, ...]) -> tuple[str, ...]:
    keys = tuple(
        part.strip().lower() for item in items for part in str(item).split(",") if part.strip()
    )
    for key in keys:
        if not any(matches(rule, key) for rule in CATALOGUE):
            words = sorted({w for rule in CATALOGUE for w in (rule.name, rule.type.lower())})
            hint = rule_hint(key, words, [rule.code for rule in CATALOGUE])
            raise ValueError(
                f"unknown rule selector {key!r}{hint}: use a code "
                "(2101), a code prefix (21), a rule name (customer-name-missing) or a type (Input)"
            )
    return keys


def matches(rule: Rule, key: str) -> bool:
    """Whether selector key ``key`` (as :func:`selectors` gives it) names ``rule``."""
    if key.isdigit():
        return str(rule.code).startswith(key)
    return key in (rule.name, rule.type.lower())


# --- the run's options ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    """How a run checks, built once (:meth:`of`) and checked when built.

    ``today`` None is the day of each call; ``matrix`` None the built-in matrix; ``select``
    and ``ignore`` are the parsed keys of :func:`selectors`; ``rules`` None leaves every rule
    at its default.

    >>> Options.of(select="21", profile="avatax").select
    ('21',)
    >>> Options.of(profile="avtax")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown profile 'avtax' (did you mean 'avatax'?); expected one of ['audit', ...]
    """

    today: dt.date | None = None
    matrix: ExemptionMatrix | None = dataclasses.field(default=None, compare=False)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    profile: Profile = "certcapture"
    rules: RuleOptions | None = None

    @classmethod
    def of(
        cls,
        *,
        today: dt.date | None = None,
        matrix: ExemptionMatrix | None = None,
        select: Selector = None,
        ignore: Selector = None,
        profile: Profile = "certcapture",
        options: RuleOptions | Mapping[str, Any] | None = None,
    ) -> Options:
        """The options from the keywords of :func:`~certpreflight.validate`.

        Raises ``TypeError`` for an argument of the wrong type and ``ValueError`` for an
        unknown profile, selector or rule option.
        """
        if today is not None and not isinstance(today, dt.date):
            raise TypeError(f"today must be a datetime.date, not {type(today).__name__}")
        if matrix is not None and not isinstance(matrix, ExemptionMatrix):
            raise TypeError(f"matrix must be an ExemptionMatrix, not {type(matrix).__name__}")
        known_profile(profile)
        tuned = RuleOptions.from_mapping(options) if options else None
        return cls(today, matrix, selectors(select), selectors(ignore), profile, tuned)

    def keywords(self) -> dict[str, Any]:
        """These options as the keywords of :func:`~certpreflight.validate` and its siblings."""
        return {
            "today": self.today,
            "matrix": self.matrix,
            "select": self.select,
            "ignore": self.ignore,
            "profile": self.profile,
            "options": self.rules,
        }
