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

The join is a :class:`JoinTable`: what the customer records and link records of the batch
say, collected first, then asked for each record's cross-record findings. The CLI fills one
in a first pass over its files and applies it while it checks them
(``certpreflight check customers.csv certificates.ndjson``).

Memory: every record's :class:`~certpreflight.Report` is kept (the result); beside it, a
customer record is held as its code and its findings, a certificate or a link as its id and
the codes it links. Models are dropped as soon as each record is checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from certpreflight.engine import Payload, Selector, active_rules, checked
from certpreflight.findings import Finding, Report, Severity
from certpreflight.models import Customer, Link
from certpreflight.options import Options, RuleOptions
from certpreflight.reading import Read
from certpreflight.reference.matrix import ExemptionMatrix
from certpreflight.rules import Hit, Loc, Rule, path
from certpreflight.rules import records as rules

__all__ = ["BatchReport", "JoinTable", "join_all", "references", "validate_batch"]


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


def _fold(code: str) -> str:
    return code.strip().casefold()


def references(read: Read) -> tuple[str | None, list[tuple[Loc, str]]]:
    """What a record links by customer code: the certificate's id (a link's certificate),
    and ``(loc prefix, code)`` per customer given by its code only."""
    if isinstance(read.record, Link):
        link = read.record
        return link.certificate_id, [
            (("customers", i), c) for i, c in enumerate(link.customers) if c
        ]
    cert = read.certificate
    if read.kind != "certificate" or cert is None:
        return None, []
    pairs: list[tuple[Loc, str]] = [
        (("customers", i), c.customer_number)
        for i, c in enumerate(cert.customers)
        if c.is_reference and c.customer_number is not None
    ]
    return cert.id, pairs


@dataclass
class JoinTable:
    """What one sync's customer and link records say, by customer code.

    Fill it with :meth:`add_customer`, :meth:`add_link` and :meth:`add_certificate` for
    every record (in input order), then ask :meth:`findings` for each record's
    cross-record findings. ``codes`` are the rule codes that run (select / ignore).
    """

    codes: frozenset[int]
    known: frozenset[str] = frozenset()
    #: code -> (source of its first record, the findings it carries to certificates)
    customers: dict[str, tuple[str, tuple[Finding, ...]]] = field(default_factory=dict)
    folded: dict[str, str] = field(default_factory=dict)  # folded code -> first exact code
    #: the records' own findings: 6503 / 6504 of a customer record, by its source
    own: dict[str, list[Finding]] = field(default_factory=dict)
    #: certificate id -> the codes its link records name
    linked: dict[str, list[str]] = field(default_factory=dict)
    certificates: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for code in self.known:
            self.folded.setdefault(_fold(code), code)

    def add_customer(self, source: str, report: Report, code: str | None) -> None:
        """A customer record: its code, and the findings it carries."""
        if code is None:
            return
        first = self.customers.get(code)
        if first is not None:
            self._own(source, _duplicate(code, first[0]))
            return
        self.customers[code] = (source, _carried(report))
        variant = self.folded.setdefault(_fold(code), code)
        if variant != code:
            self._own(source, _variant(code, variant, ()))

    def add_link(self, certificate_id: str | None, codes: Iterable[str]) -> None:
        """A link record: the certificate it names gets its customers' findings."""
        if certificate_id is not None:
            self.linked.setdefault(certificate_id, []).extend(codes)

    def add_certificate(self, certificate_id: str | None) -> None:
        """A certificate record's id (a link naming it puts findings there, not on itself)."""
        if certificate_id is not None:
            self.certificates.add(certificate_id)

    def apply(self, report: Report, source: str, read: Read) -> Report:
        """``report`` of the record at ``source`` with its cross-record findings; a
        certificate that link records link has no 2001 (no customer linked)."""
        link = isinstance(read.record, Link)
        return self.applied(report, source, link, *references(read))[0]

    def applied(
        self,
        report: Report,
        source: str,
        link: bool,
        certificate_id: str | None,
        pairs: list[tuple[Loc, str]],
    ) -> tuple[Report, list[Finding]]:
        """:meth:`apply`, from the record's :func:`references`; also the findings added."""
        extra = self.joined(source, link, certificate_id, pairs)
        linked = not link and certificate_id is not None and certificate_id in self.linked
        if linked and 2001 in report.codes():
            kept = tuple(f for f in report.findings if f.code != 2001)
            report = dataclasses.replace(report, findings=kept)
        return (with_findings(report, extra) if extra else report), extra

    def joined(
        self,
        source: str,
        link: bool,
        certificate_id: str | None,
        pairs: list[tuple[Loc, str]],
    ) -> list[Finding]:
        """:meth:`findings`, from the record's :func:`references` (and whether it is a link)."""
        found = list(self.own.get(source, ()))
        if link:
            if certificate_id is not None and certificate_id in self.certificates:
                return found  # its customers' findings go to the certificate it names
        elif certificate_id is not None:
            pairs = pairs + [
                (("linked_customers", c), c) for c in self.linked.get(certificate_id, ())
            ]
        for prefix, code in pairs:
            found += self._for(code, prefix)
        return [f for f in found if f.code in self.codes]

    def _for(self, code: str, prefix: Loc) -> list[Finding]:
        first = self.customers.get(code)
        if first is not None:
            return [_moved(finding, prefix) for finding in first[1]]
        if code in self.known:
            return []
        variant = self.folded.get(_fold(code))
        if variant is not None:
            return [_variant(code, variant, prefix)]
        rule = (
            rules.customer_unknown if self.customers or self.known else rules.customer_not_checked
        )
        return [_linked(rule, code, prefix)]

    def _own(self, source: str, finding: Finding) -> None:
        self.own.setdefault(source, []).append(finding)


def validate_batch(
    records: Iterable[Payload],
    *,
    known_customers: Iterable[str] = (),
    today: dt.date | None = None,
    matrix: ExemptionMatrix | None = None,
    select: Selector = None,
    ignore: Selector = None,
    profile: str = "certcapture",
    options: RuleOptions | Mapping[str, Any] | None = None,
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
    run = Options.of(
        today=today, matrix=matrix, select=select, ignore=ignore, profile=profile, options=options
    )  # once: an iterator of selectors is read once
    checks = checked(records, **run.keywords())
    chosen = active_rules(select=run.select, ignore=run.ignore, profile=run.profile)
    codes = frozenset(r.code for r in chosen)
    table = JoinTable(codes, frozenset(known_customers))
    labelled = ((_label(index), report, read) for index, (report, read) in enumerate(checks))
    reports, joins = join_all(labelled, table)
    return BatchReport(tuple(reports), tuple(joins))


def join_all(
    checked_records: Iterable[tuple[str, Report, Read]], table: JoinTable
) -> tuple[list[Report], list[Finding]]:
    """Join ``(source, report, read)`` of every record of one sync, in input order, through
    ``table``: each report with its cross-record findings, and those findings. What
    :func:`validate_batch` and ``check --fix`` do with the records they checked."""
    reports: list[Report] = []
    # what joins, by record: only for the records that link a customer, may be linked (a
    # certificate with an id) or repeat a customer code; every other record is held as its
    # report alone
    held: dict[int, tuple[str, bool, str | None, list[tuple[Loc, str]]]] = {}
    for source, report, read in checked_records:
        index = len(reports)
        reports.append(report)
        fill(table, source, report, read)
        certificate_id, pairs = references(read)
        if pairs or certificate_id is not None or source in table.own:
            held[index] = (source, isinstance(read.record, Link), certificate_id, pairs)
    joins: list[Finding] = []
    for index, (source, link, certificate_id, pairs) in held.items():
        reports[index], extra = table.applied(reports[index], source, link, certificate_id, pairs)
        joins += extra
    return reports, joins


def _label(index: int) -> str:
    """How a batch's messages name a record: ``record 1`` for the first."""
    return f"record {index + 1}"


def fill(table: JoinTable, source: str, report: Report, read: Read) -> None:
    """Add one checked record to ``table``."""
    if isinstance(read.record, Customer):
        table.add_customer(source, report, read.record.customer_number)
    elif isinstance(read.record, Link):
        certificate_id, pairs = references(read)
        table.add_link(certificate_id, (code for _, code in pairs))
    elif read.kind == "certificate" and read.certificate is not None:
        table.add_certificate(read.certificate.id)


#: Customer findings that stay with the customer record: those of the customer calls
#: (2120 AvaTax's CustomerModel region, 2121-2123) and the record's own Formatting and
#: unknown-key findings; the certificate's History tab shows the customer's fields only.
_NOT_CARRIED = frozenset({2120, 2121, 2122, 2123, 2310, 2311})


def _carried(report: Report) -> tuple[Finding, ...]:
    """The findings of a customer record that CertCapture would show on the certificates
    linked to it: its warnings and errors about the customer's fields."""
    return tuple(
        dataclasses.replace(f, errors=dict(f.errors))  # plain dicts: the table is pickled
        for f in report.findings
        if f.severity is not Severity.INFO and f.code not in _NOT_CARRIED and f.type != "Formatting"
    )


def _moved(finding: Finding, prefix: Loc) -> Finding:
    loc = (*prefix, *finding.loc)
    errors = {
        f"{path(prefix)}.{key}" if key else path(prefix): v for key, v in finding.errors.items()
    }
    return dataclasses.replace(finding, loc=loc, errors=errors)


def _linked(rule: Rule, code: str, loc: Loc) -> Finding:
    hit = Hit(
        loc=loc,
        params={"customer_number": code},
        errors={loc: "unknown customer"},
        customer_number=code,
    )
    return rule.finding(hit)


def _duplicate(code: str, first: str) -> Finding:
    hit = Hit(
        loc=("customer_number",),
        params={"customer_number": code, "first": first},
        errors={("customer_number",): "duplicate code"},
        customer_number=code,
    )
    return rules.customer_duplicate.finding(hit)


def _variant(code: str, other: str, loc: Loc) -> Finding:
    where = loc or ("customer_number",)
    hit = Hit(
        loc=where,
        params={"customer_number": code, "other": other},
        errors={where: f"differs from {other!r} in case or spaces only"},
        customer_number=code,
    )
    return rules.customer_code_variant.finding(hit)


def with_findings(report: Report, findings: Iterable[Finding]) -> Report:
    """``report`` with ``findings`` added, in code order."""
    merged = sorted((*report.findings, *findings), key=lambda f: f.code)
    return dataclasses.replace(report, findings=tuple(merged))
