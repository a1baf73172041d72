"""Fixing: apply the rules' automatic repairs to a record, safely.

>>> from certpreflight.fixes import fix
>>> result = fix({"id": "1", "exempt_reason": "RESALE", "regions": ["WA"],
...               "customers": [{"customer_number": "C1", "country": "USA"}]}, select=["3203"])
>>> result.record["customers"][0]["country"]
'US'
>>> [(a.code, a.before, a.after) for a in result.applied]
[(3203, 'USA', 'US')]

A rule may declare a repair (``Rule.autofix``: a pure function from the record and the
finding to a new record; :mod:`certpreflight.rules.repairs`), *safe* (it cannot change the
meaning of the certificate) or *unsafe* (it changes what the certificate claims, or drops
data), as ruff separates its fixes. :func:`fix` applies the safe ones, and the unsafe ones
too when asked, until none applies; it keeps a repair only when the repaired record's report
has no finding of a rule the record passed and no more findings of any rule, and the
finding it repaired is gone. The record stays in its own dialect and keeps its keys.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from certpreflight.dialects import is_mapping
from certpreflight.engine import Payload, checked, context
from certpreflight.findings import Finding, Report
from certpreflight.models import Customer, ExemptionCertificate
from certpreflight.options import ValidateOptions
from certpreflight.reading import plain
from certpreflight.rules import CATALOGUE, fixable_code
from certpreflight.rules._base import Autofix, Context
from certpreflight.rules.repairs import locate

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["AppliedFix", "FixResult", "fix", "fixable"]

#: The fixes declared by the rules, by code.
_FIXES: dict[int, Autofix] = {r.code: r.autofix for r in CATALOGUE if r.autofix is not None}


class AppliedFix(NamedTuple):
    """One repair applied: the rule's code, where (native loc), the value before and after."""

    code: int
    loc: tuple[str | int, ...]
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class FixResult:
    """What :func:`fix` did: the repaired record, the repairs applied, the repaired report."""

    #: The repaired record, in the payload's own dialect (a new mapping; the payload as given
    #: when nothing could be read or repaired).
    record: Any
    applied: tuple[AppliedFix, ...]
    #: The report of the repaired record: the findings that remain.
    report: Report
    #: The findings the record had before fixing.
    original: Report

    @property
    def changed(self) -> bool:
        """True when at least one repair was applied."""
        return bool(self.applied)

    @property
    def fixed(self) -> int:
        """How many findings the repairs removed."""
        return len(self.original.findings) - len(self.report.findings)


def fixable(finding: Finding, *, unsafe: bool = False) -> bool:
    """True when ``finding``'s rule has a repair of an allowed kind (safe, or any if ``unsafe``)."""
    return fixable_code(finding.code, unsafe=unsafe)


def _value(record: Any, loc: tuple[str | int, ...]) -> Any:
    slot = locate(record, loc)
    return None if slot is None else copy.deepcopy(slot.value)


def _counts(report: Report) -> Counter[int]:
    return Counter(f.code for f in report.findings)


def _keeps(before: Report, after: Report, target: Finding) -> bool:
    """True when ``after`` adds no finding of any rule and lost ``target`` (the report lists
    at most 20 findings a rule, so a repaired one's place may be taken by the next)."""
    was, now = _counts(before), _counts(after)
    if any(now[code] > was[code] for code in now):
        return False
    gone = (target.code, target.loc) not in {(f.code, f.loc) for f in after.findings}
    return gone or now[target.code] < was[target.code]


def _readable(payload: Any) -> Any:
    """The payload as a mutable mapping, or None when it isn't one (nothing to repair)."""
    payload = plain(payload)  # a caller's own model: its dump, as the reader reads it
    if isinstance(payload, ExemptionCertificate):
        return payload.model_dump(mode="json", exclude_none=True)
    if isinstance(payload, (str, bytes, bytearray)):
        try:
            payload = json.loads(payload)
        except (ValueError, RecursionError):
            return None
    if is_mapping(payload):
        try:
            return copy.deepcopy(dict(payload))
        except (RecursionError, TypeError, copy.Error):
            return None
    return None


def fix(
    payload: Payload, *, unsafe: bool = False, **validate_options: Unpack[ValidateOptions]
) -> FixResult:
    """Repair what the rules can repair in one record; never raises on bad data.

    ``payload`` is what :func:`certpreflight.validate` takes (a model, a mapping in any
    dialect, JSON text, a pydantic model, dataclass or attrs instance of your own);
    ``validate_options`` are its options (``profile``, ``today``,
    ``select`` ...: a repair runs only for a finding those options report). ``unsafe``
    also applies the unsafe repairs. ``result.record`` is the repaired record, in the
    payload's own dialect (a model or JSON text comes back as a native / parsed mapping, an
    object of your own as its dump);
    ``result.applied`` lists each repair as ``(code, loc, before, after)``;
    ``result.report`` is the repaired record's report. Fixing a fixed record changes
    nothing.
    """
    original, cert = _check(payload, validate_options)
    if not any(fixable(f, unsafe=unsafe) for f in original.findings):
        return FixResult(payload, (), original, original)  # the usual case: one validation
    record = _readable(payload)
    if record is None:
        return FixResult(payload, (), original, original)
    # a mapping's copy reads as the mapping did; parsed text is checked as parsed
    report = original
    if not is_mapping(payload):
        report, cert = _check(record, validate_options)
    ctx = context(**validate_options)  # what the checks saw, for the repairs
    applied: list[AppliedFix] = []
    tried: set[tuple[int, tuple[str | int, ...], str]] = set()
    progress = True
    # Until no repair is kept. It ends: a repair is tried once per (rule, place, value), and
    # each one moves its value one way only (a name to its code, a long line shorter, fewer
    # regions), so no value comes back.
    while progress:
        progress = False
        for finding in report.findings:
            if not fixable(finding, unsafe=unsafe):
                continue
            key = (finding.code, finding.loc, repr(_value(record, finding.loc)))
            if key in tried:
                continue
            tried.add(key)
            candidate = _attempt(_FIXES[finding.code], record, finding, cert, ctx)
            if candidate is None or candidate == record:
                continue
            after, read = _check(candidate, validate_options)  # read: the repaired certificate
            if not _keeps(report, after, finding):
                continue
            applied += _changes(finding, record, candidate)
            record, report, cert, progress = candidate, after, read, True
            break  # locs may have moved: look at the new report
    if not applied:
        return FixResult(payload, (), original, original)
    return FixResult(record, tuple(applied), report, original)


def _changes(finding: Finding, before: Any, after: Any) -> list[AppliedFix]:
    """What one fix changed: its finding's field (a list as a whole), then any other field of
    the same customer it changed (2103 fills address line 2)."""
    loc = finding.loc[:-1] if isinstance(finding.loc[-1], int) else finding.loc
    out = [AppliedFix(finding.code, loc, _value(before, loc), _value(after, loc))]
    if isinstance(loc[-1], str) and loc[-1] in Customer.model_fields:
        for name in Customer.model_fields:
            other = (*loc[:-1], name)
            if name != loc[-1] and _value(before, other) != _value(after, other):
                out.append(
                    AppliedFix(finding.code, other, _value(before, other), _value(after, other))
                )
    return out


def _check(
    payload: Any, validate_options: Mapping[str, Any]
) -> tuple[Report, ExemptionCertificate | None]:
    """The payload's report and the certificate as read (None for a record of another kind)."""
    report, read = next(checked((payload,), **validate_options))
    return report, read.certificate


def _attempt(
    autofix: Autofix,
    record: Mapping[str, Any],
    finding: Finding,
    cert: ExemptionCertificate | None,
    ctx: Context,
) -> Any:
    """The repair's result, or None if it failed: a repair must never make fixing raise."""
    try:
        out = autofix.apply(copy.deepcopy(record), finding, cert, ctx)
    except Exception:  # a repair's bug must not stop the others
        return None
    return out if is_mapping(out) else None
