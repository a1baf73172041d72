"""``validate_batch()``: customers, certificates and links checked as one sync.

Integrations send customers, certificates and the links between them in separate calls
(AvaTax ``CreateCustomers``, ``CreateCertificates``, ``LinkCustomersToCertificate``), and
CertCapture joins them by customer code: a customer's problems show on the History tab of
every certificate linked to it. A batch does the same join, in any order and any dialects:

* each record is checked on its own (:func:`certpreflight.validate`, kind detected);
* a certificate that links customer X by its code (embedded by reference, or through a
  link record naming the certificate) also gets X's customer findings, with
  ``customer_number`` set and the loc of the link (``("customers", i, ...)`` for an embedded
  reference, ``("linked_customers", "X", ...)`` for a link record);
* a code no customer record (nor ``known_customers``) has is 6501 (6502, info, when the
  batch has no customer records at all); a customer code given twice is 6503; codes that
  differ only in case or surrounding spaces are 6504 (AvaTax matches codes exactly).

Memory: every record's :class:`~certpreflight.Report` is kept (the result); beside it, a
customer record is held as its code and its findings, a certificate or a link as its id and
the codes it links. Models are dropped as soon as each record is checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from certpreflight.engine import Payload, Selector, active_rules, checked
from certpreflight.findings import Finding, Report, Severity
from certpreflight.models import Customer, ExemptionCertificate, Link
from certpreflight.reference.matrix import ExemptionMatrix
from certpreflight.rules import Hit, Loc, path
from certpreflight.rules import records as rules

__all__ = ["BatchReport", "validate_batch"]


@dataclass(frozen=True, slots=True)
class BatchReport:
    """The reports of one batch, in input order, and the findings that join records."""

    #: One report per record, in input order; each holds the cross-record findings that
    #: concern it too.
    reports: tuple[Report, ...]
    #: The cross-record findings (6501-6504 and the customer findings carried to the
    #: certificates linking them), each also in the report of the record it concerns.
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when no report has an error."""
        return all(report.ok for report in self.reports)

    def counts(self) -> dict[str, int]:
        """How many records of each kind (``None`` for a record of no kind)."""
        found: dict[str, int] = {}
        for report in self.reports:
            key = str(report.kind)
            found[key] = found.get(key, 0) + 1
        return found


@dataclass(slots=True)
class _Links:
    """What a certificate or a link record links: ``(loc prefix, code)`` per customer."""

    index: int
    certificate_id: str | None
    codes: list[tuple[Loc, str]]


def _fold(code: str) -> str:
    return code.strip().casefold()


def validate_batch(
    records: Iterable[Payload],
    *,
    known_customers: Iterable[str] = (),
    today: dt.date | None = None,
    matrix: ExemptionMatrix | None = None,
    select: Selector = None,
    ignore: Selector = None,
    profile: str = "certcapture",
    options: Mapping[str, Any] | None = None,
) -> BatchReport:
    """Check customers, certificates and links as one sync, joined by customer code.

    ``records`` may mix the three kinds, in any dialects and any order (each kind is
    detected from its keys, as :func:`certpreflight.validate` does). ``known_customers``
    are codes that exist in AvaTax already. The other options are
    :func:`certpreflight.validate`'s.

    >>> batch = validate_batch([
    ...     {"customers": ["RESELLER"], "certificate_id": "42"},
    ...     {"customerCode": "RESELLER", "name": "Alice", "line1": "", "city": "Seattle",
    ...      "region": "WA", "postalCode": "98101", "country": "US"},
    ... ])
    >>> [r.kind for r in batch.reports]
    ['link', 'customer']
    >>> [f.code for f in batch.reports[0].findings]
    [2102]
    """
    run = checked(
        records,
        today=today,
        matrix=matrix,
        select=select,
        ignore=ignore,
        profile=profile,
        options=options,
    )
    join = _Join(_codes(select, ignore, profile))
    for report, read in run:
        index = len(join.reports)
        join.reports.append(report)
        if isinstance(read.record, Customer):
            join.customer(index, report, read.record.customer_number)
        elif isinstance(read.record, Link):
            pairs: list[tuple[Loc, str]] = [
                (("customers", i), c) for i, c in enumerate(read.record.customers) if c
            ]
            join.links.append(_Links(index, read.record.certificate_id, pairs))
        elif read.certificate is not None:
            join.certificate(index, read.certificate)
    return join.resolve(known_customers)


class _Join:
    """What a batch holds while it reads: the reports, and per record only what joins it."""

    def __init__(self, codes: frozenset[int]) -> None:
        self.codes = codes
        self.reports: list[Report] = []
        self.customers: dict[str, tuple[int, tuple[Finding, ...]]] = {}  # code -> first
        self.folded: dict[str, str] = {}  # folded code -> the first exact code
        self.links: list[_Links] = []
        self.certificates: dict[str, int] = {}  # certificate id -> index of its report
        self.extra: dict[int, list[Finding]] = {}
        self.joins: list[Finding] = []

    def add(self, index: int, finding: Finding | None) -> None:
        if finding is not None and finding.code in self.codes:
            self.extra.setdefault(index, []).append(finding)
            self.joins.append(finding)

    def customer(self, index: int, report: Report, code: str | None) -> None:
        if code is None:
            return
        first = self.customers.get(code)
        if first is not None:
            self.add(index, _duplicate(code, first[0]))
            return
        self.customers[code] = (index, _carried(report))
        variant = self.folded.setdefault(_fold(code), code)
        if variant != code:
            self.add(index, _variant(code, variant, ()))

    def certificate(self, index: int, cert: ExemptionCertificate) -> None:
        if cert.id is not None:
            self.certificates.setdefault(cert.id, index)
        pairs: list[tuple[Loc, str]] = [
            (("customers", i), c.customer_number)
            for i, c in enumerate(cert.customers)
            if c.is_reference and c.customer_number is not None
        ]
        if pairs:
            self.links.append(_Links(index, cert.id, pairs))

    def resolve(self, known_customers: Iterable[str]) -> BatchReport:
        known: dict[str, tuple[int, tuple[Finding, ...]]] = {
            code: (-1, ()) for code in known_customers if code not in self.customers
        }
        for code in known:
            self.folded.setdefault(_fold(code), code)
        everyone = {**known, **self.customers}
        for entry in self.links:
            target = entry.index
            if self.reports[entry.index].kind == "link" and entry.certificate_id is not None:
                target = self.certificates.get(entry.certificate_id, entry.index)
            for prefix, code in entry.codes:
                found = everyone.get(code)
                if found is not None:
                    loc = ("linked_customers", code) if target != entry.index else prefix
                    for finding in found[1]:
                        self.add(target, _moved(finding, loc))
                    continue
                variant = self.folded.get(_fold(code))
                if variant is not None:
                    self.add(entry.index, _variant(code, variant, prefix))
                elif everyone:
                    self.add(entry.index, _linked(rules.customer_unknown, code, prefix))
                else:
                    self.add(entry.index, _linked(rules.customer_not_checked, code, prefix))
        reports = tuple(
            _with(report, self.extra[i]) if i in self.extra else report
            for i, report in enumerate(self.reports)
        )
        return BatchReport(reports, tuple(self.joins))


def _codes(select: Selector, ignore: Selector, profile: str) -> frozenset[int]:
    return frozenset(r.code for r in active_rules(select=select, ignore=ignore, profile=profile))


def _carried(report: Report) -> tuple[Finding, ...]:
    """The findings of a customer record that CertCapture would show on the certificates
    linked to it: its warnings and errors."""
    return tuple(f for f in report.findings if f.severity is not Severity.INFO)


def _moved(finding: Finding, prefix: Loc) -> Finding:
    loc = (*prefix, *finding.loc)
    errors = {
        f"{path(prefix)}.{key}" if key else path(prefix): v for key, v in finding.errors.items()
    }
    return dataclasses.replace(finding, loc=loc, errors=errors)


def _linked(rule: Any, code: str, loc: Loc) -> Finding:
    hit = Hit(
        loc=loc,
        params={"customer_number": code},
        errors={path(loc): "unknown customer"},
        customer_number=code,
    )
    finding: Finding = rule.finding(hit)
    return finding


def _duplicate(code: str, first: int) -> Finding:
    hit = Hit(
        loc=("customer_number",),
        params={"customer_number": code, "first": f"record {first + 1}"},
        errors={"customer_number": "duplicate code"},
        customer_number=code,
    )
    return rules.customer_duplicate.finding(hit)


def _variant(code: str, other: str, loc: Loc) -> Finding:
    where = loc or ("customer_number",)
    hit = Hit(
        loc=where,
        params={"customer_number": code, "other": other},
        errors={path(where): f"differs from {other!r} in case or spaces only"},
        customer_number=code,
    )
    return rules.customer_code_variant.finding(hit)


def _with(report: Report, findings: list[Finding]) -> Report:
    merged = sorted((*report.findings, *findings), key=lambda f: f.code)
    return dataclasses.replace(report, findings=tuple(merged))
