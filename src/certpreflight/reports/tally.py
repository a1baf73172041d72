"""Summary counters for a run, mergeable across chunks and worker processes.

A :class:`Tally` is what a worker sends back besides its rendered text: counts for
the JSON report's summary, the worst severity seen (for the exit code), and for the HTML
report the certificates checked and failing per region and the first few findings of
each code.

The certificate counts add up: ``ok`` (no errors and no warnings; notes may be there),
``with_errors``, and ``with_warnings`` (warnings but no errors); ``kinds`` counts the
records that couldn't be read at all apart (:data:`UNREADABLE`): they are never ok; and
apart again a finding on a file as a whole, which is no record (:data:`FILE`: 4014, an
import template's line limit passed). A
certificate with errors counts as failing in a region when its errors concern that region
alone (an error at ``("regions", i)``, or rule 3101's not-exempt regions), and in all its
regions otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from certpreflight.findings import Report
from certpreflight.rules.formatting import import_file_too_long
from certpreflight.rules.situs import reason_not_exempt_in_region

__all__ = ["FILE", "UNREADABLE", "Example", "Result", "Tally", "count_as", "failing_regions"]

#: The summary's name for the records of no kind (``"kind": null`` in their results).
UNREADABLE = "unreadable"
#: The summary's name for a finding on a file as a whole (no record: ``"kind": null``).
FILE = "file"
#: The codes of findings on a file as a whole, said between its records.
_FILE_CODES = frozenset({import_file_too_long.code})


def count_as(report: Report) -> str:
    """What ``report`` counts as in the summary's ``kinds``: its record's kind,
    :data:`FILE` for a finding on the file as a whole, else :data:`UNREADABLE`."""
    if report.kind is not None:
        return report.kind
    if report.findings and all(f.code in _FILE_CODES for f in report.findings):
        return FILE
    return UNREADABLE


#: ``(source, report)``: one checked record.
Result = tuple[str, Report]


def failing_regions(report: Report, regions: Sequence[str], rejected: Collection[int]) -> set[str]:
    """The regions (of ``regions``, the certificate's) in which its errors make it fail.

    An error at one region (its loc ``("regions", i)``, as a local zone's) fails that
    region only, and rule 3101's fails the regions ``rejected`` (their indices, from
    :func:`certpreflight.rules.situs.not_exempt_regions`); any other error (a missing
    customer name, no regions at all) fails the certificate everywhere.
    """
    failing: set[str] = set()
    for finding in report.errors:
        loc = finding.loc
        if finding.code == reason_not_exempt_in_region.code:
            at: Collection[str | int] = rejected
        elif len(loc) == 2 and loc[0] == "regions":
            at = loc[1:]
        else:
            return set(regions)
        failing.update(regions[i] for i in at if isinstance(i, int) and i < len(regions))
    return failing


class Example(NamedTuple):
    """One finding of one certificate, as listed in the HTML report's groups."""

    source: str
    certificate_id: str | None
    customer_number: str | None
    customer_name: str | None
    message: str
    fix: str


@dataclass(slots=True)
class Tally:
    """Counts over the checked certificates; ``keep`` > 0 also keeps examples per code."""

    keep: int = 0
    certificates: int = 0
    ok: int = 0
    with_errors: int = 0
    with_warnings: int = 0
    findings: int = 0
    worst: int = -1  # the highest Severity.rank seen, -1 for none
    by_code: Counter[int] = field(default_factory=Counter)
    rules: dict[int, tuple[str, str]] = field(default_factory=dict)  # code -> (name, severity)
    by_region: Counter[str] = field(default_factory=Counter)  # failing certificates
    checked_by_region: Counter[str] = field(default_factory=Counter)
    examples: dict[int, list[Example]] = field(default_factory=dict)
    #: code -> the certificates with a finding of it (kept with the examples: the HTML
    #: report's shares)
    certificates_by_code: Counter[int] = field(default_factory=Counter)
    #: records per kind: certificate, customer, link, and ``UNREADABLE`` for a record of no
    #: kind (its result's ``"kind": null``: not an object, invalid JSON, no kind's keys),
    #: ``FILE`` for a finding on a file as a whole (:func:`count_as`)
    kinds: Counter[str] = field(default_factory=Counter)

    def add(
        self,
        source: str,
        report: Report,
        regions: Sequence[str] = (),
        names: Mapping[str | None, str | None] | None = None,
        rejected: Collection[int] = (),
    ) -> None:
        """Count one report; ``regions`` are the certificate's (short codes, in its order).

        ``names`` maps customer numbers to names, for the examples; ``rejected`` are the
        indices of the regions rule 3101 fails (:func:`failing_regions`).
        """
        self.certificates += 1
        self.kinds[count_as(report)] += 1
        if regions:  # the HTML report's only
            self.checked_by_region.update(set(regions))
        findings = report.findings
        if not findings:
            self.ok += 1
            return
        self.findings += len(findings)
        has_error = has_warning = False
        for f in findings:
            rank = f.severity.rank
            has_error |= rank == 2
            has_warning |= rank == 1
            self.worst = max(self.worst, rank)
            self.by_code[f.code] += 1
            if f.code not in self.rules:
                self.rules[f.code] = (f.name, f.severity.value)
            if self.keep:
                kept = self.examples.setdefault(f.code, [])
                if len(kept) < self.keep:
                    name = names.get(f.customer_number) if names else None
                    kept.append(
                        Example(
                            source, report.certificate_id, f.customer_number, name, f.message, f.fix
                        )
                    )
        if self.keep:
            self.certificates_by_code.update({f.code for f in findings})
        self.ok += not has_error and not has_warning
        self.with_errors += has_error
        self.with_warnings += has_warning and not has_error
        if has_error:
            self.by_region.update(failing_regions(report, regions, rejected))

    def merge(self, other: Tally) -> None:
        """Add another tally's counts (of later records) to this one."""
        self.certificates += other.certificates
        self.kinds.update(other.kinds)
        self.ok += other.ok
        self.with_errors += other.with_errors
        self.with_warnings += other.with_warnings
        self.findings += other.findings
        self.worst = max(self.worst, other.worst)
        self.by_code.update(other.by_code)
        for code, rule in other.rules.items():
            self.rules.setdefault(code, rule)
        self.by_region.update(other.by_region)
        self.checked_by_region.update(other.checked_by_region)
        self.certificates_by_code.update(other.certificates_by_code)
        for code, examples in other.examples.items():
            kept = self.examples.setdefault(code, [])
            kept.extend(examples[: max(0, self.keep - len(kept))])

    def summary(self) -> dict[str, Any]:
        """The ``summary`` member of the JSON report."""
        return {
            "certificates": self.certificates,
            "ok": self.ok,
            "with_errors": self.with_errors,
            "with_warnings": self.with_warnings,
            "by_code": {str(code): n for code, n in sorted(self.by_code.items())},
            "kinds": dict(sorted(self.kinds.items())),
        }

    def most_common(self, n: int | None = None) -> list[tuple[int, str, int]]:
        """``(code, name, count)`` of the most frequent findings, most first, then by code."""
        ranked = sorted(self.by_code.items(), key=lambda item: (-item[1], item[0]))
        return [(code, self.rules[code][0], count) for code, count in ranked[:n]]
