"""``validate_batch()``: customers, certificates and links checked as one sync.

Integrations send customers, certificates and the links between them in separate calls
(AvaTax ``CreateCustomers``, ``CreateCertificates``, ``LinkCustomersToCertificate``), and
CertCapture joins them by customer code: a customer's problems show on the History tab of
every certificate linked to it. A batch does the same join, in any order and any dialects:

* each record is checked on its own (:func:`certpreflight.validate`, kind detected);
* a certificate that links customer X by its code (embedded by reference, or through a
  link record naming the certificate: from the certificate's side, or from X's side with
  X's code in the record, ``{"customerCode": "X", "certificates": ["42"]}``) also gets X's
  customer findings, with
  ``customer_number`` set and the loc of the link (``("customers", i, ...)`` for an embedded
  reference, ``("linked_customers", "X", ...)`` for a link record);
* a code no customer record (nor ``known_customers``) has is 6501 (6502, info, when the
  batch has no customer records at all); a customer code given twice is 6503; codes that
  differ only in case or surrounding spaces are 6504 (AvaTax matches codes exactly);
* a certificate for the same customer, region and exempt reason as an earlier one, with
  dates that overlap, is 6507 (a warning on the later one, naming the earlier's id; not on
  one with errors of its own, which won't sync as it is).

The join is a :class:`JoinTable`: what the customer records and link records of the batch
say, collected first, then asked for each record's cross-record findings. The CLI fills one
in a first pass over its files and applies it while it checks them
(``certpreflight check customers.csv certificates.ndjson``).

Memory: every record's :class:`~certpreflight.Report` is kept (the result). Until the join
is done, a customer record is also held as its code and source (and the findings it
carries, if any), a certificate as its id and the codes it links, a link as the codes it
gives its certificate: strings the reports hold already (a code is held once, however many
records name it), in flat lists, no object a record; and for 6507 each certificate's
(customer, region, reason) hashed, its dates packed and its id, about 150 bytes a
certificate. Models are dropped as soon as each record is checked. 10^6 sync records peak
at about 385 MiB (``python -m benchmarks``; 337 MiB before 6507).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from certpreflight.engine import Payload, Selector, active_codes, checked
from certpreflight.findings import Finding, Report, Severity
from certpreflight.literals import Profile
from certpreflight.models import Customer, ExemptionCertificate, Link
from certpreflight.options import Options, RuleOptions
from certpreflight.reading import Read
from certpreflight.reference.matrix import ExemptionMatrix
from certpreflight.reference.reasons import normalize_reason
from certpreflight.reference.regions import normalize_region
from certpreflight.rules import Hit, Loc, Rule, path
from certpreflight.rules import formatting as fmt
from certpreflight.rules import records as rules

__all__ = [
    "BatchReport",
    "Dates",
    "JoinTable",
    "dates_of",
    "fold_code",
    "join_all",
    "link_targets",
    "references",
    "targets",
    "validate_batch",
]


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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"ok", "counts", "reports": [Report.to_dict(), ...], "findings":
        [Finding.to_dict(), ...]}``, so ``json.dumps(batch.to_dict())`` serialises a batch."""
        return {
            "ok": self.ok,
            "counts": self.counts(),
            "reports": [report.to_dict() for report in self.reports],
            "findings": [finding.to_dict() for finding in self.findings],
        }

    def model_dump(self, *, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        """:meth:`to_dict`, under pydantic's name: the dict is JSON-ready in either mode."""
        return self.to_dict()


def fold_code(code: str) -> str:
    """A customer code as batches, plans and sales compare it for a variant (6504): case
    and the spaces around it ignored."""
    return code.strip().casefold()


#: The customer codes a record links: by position (customer ``i`` is at loc
#: ``("customers", i)``, None for one given otherwise), or the code alone when the record
#: links one customer, its first (most do: a batch holds this for most of its records).
Refs = str | tuple[str | None, ...]


def references(read: Read) -> tuple[str | None, Refs]:
    """What a record links by customer code: the certificate's id (a link's certificate),
    and the code of each customer given by its code only (``()`` when none is)."""
    record = read.record
    if isinstance(record, Link):
        return record.certificate_id, _refs(tuple(c or None for c in record.customers))
    cert = read.certificate
    if read.kind != "certificate" or cert is None:
        return None, ()
    return cert.id, _refs(
        tuple(c.customer_number if c.is_reference else None for c in cert.customers)
    )


def _refs(codes: tuple[str | None, ...]) -> Refs:
    if len(codes) == 1 and codes[0]:  # a blank code alone stays a tuple: Refs are true
        return codes[0]
    return codes if codes.count(None) < len(codes) else ()


def _each(refs: Refs | list[str | None]) -> Sequence[str | None]:
    """The codes of :data:`Refs` by position."""
    return (refs,) if isinstance(refs, str) else refs


@dataclass
class JoinTable:
    """What one sync's customer and link records say, by customer code.

    Fill it with :meth:`add_customer`, :meth:`add_link` and :meth:`add_certificate` for
    every record (in input order), then ask :meth:`apply` for each record's report with
    its cross-record findings. ``codes`` are the rule codes that run (select / ignore).
    """

    codes: frozenset[int]
    known: frozenset[str] = frozenset()
    #: code -> the source of its first record
    customers: dict[str, str] = field(default_factory=dict)
    #: code -> the findings its record carries to certificates (only codes that carry any)
    carried: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    folded: dict[str, str] = field(default_factory=dict)  # folded code -> first exact code
    #: the records' own findings: 6503 / 6504 of a customer record, by its source
    own: dict[str, list[Finding]] = field(default_factory=dict)
    #: certificate id -> the codes its link records name (most certificates have one link:
    #: its :data:`Refs`; a list from the second on)
    linked: dict[str, Refs | list[str | None]] = field(default_factory=dict)
    certificates: set[str] = field(default_factory=set)
    #: For 6507, flat (a 10^6-certificate sync holds one entry a certificate): the hash of
    #: (customer code, region, reason) -> the latest entry for it; each entry's dates packed
    #: (:func:`_pack`), the entry before it for the same key (-1: none) and the id.
    dated: dict[int, int] = field(default_factory=dict)
    spans: array[int] = field(default_factory=lambda: array("q"))
    before: array[int] = field(default_factory=lambda: array("q"))
    idents: list[str] = field(default_factory=list)
    #: (source, certificate id) -> its 6507 findings (a source alone may hold several
    #: records: a JSON array on one line)
    repeats: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code in sorted(self.known):  # in one order, whatever the hash seed
            self.folded.setdefault(fold_code(code), code)

    def add_customer(self, source: str, report: Report, code: str | None) -> None:
        """A customer record: its code, and the findings it carries."""
        if code is None:
            return
        first = self.customers.get(code)
        if first is not None:
            self._own(source, _duplicate(code, first))
            return
        self.customers[code] = source
        carried = _carried(report)
        if carried:
            self.carried[code] = carried
        variant = self.folded.setdefault(fold_code(code), code)
        if variant != code and code not in self.known:  # a code AvaTax holds is no variant
            self._own(source, _variant(code, variant, (), held=variant in self.known))

    def add_link(self, certificate_id: str | None, codes: Refs) -> None:
        """A link record: the certificate it names gets its customers' findings."""
        if certificate_id is None:
            return
        before = self.linked.get(certificate_id)
        if before is None:
            self.linked[certificate_id] = codes
        elif isinstance(before, list):
            before.extend(_each(codes))
        else:  # a second link: a list, so that many links stay linear
            self.linked[certificate_id] = [*_each(before), *_each(codes)]

    def add_links(self, certificate_id: str | None, link: Link, refs: Refs) -> None:
        """:meth:`add_link` for a link record: its certificate (``certificate_id``), and the
        certificates a link from the customer's side lists."""
        self.add_link(certificate_id, refs)
        for target in link.certificates:
            self.add_link(target, refs)

    def shared(self, refs: Refs) -> Refs:
        """``refs`` whose one code a customer record already gave, as that record's string:
        a code is held once however many certificates and links name it."""
        first = self.folded.get(fold_code(refs)) if isinstance(refs, str) else None
        return first if first == refs and first is not None else refs

    def add_certificate(self, certificate_id: str | None) -> None:
        """A certificate record's id (a link naming it puts findings there, not on itself)."""
        if certificate_id is not None:
            self.certificates.add(certificate_id)

    def compares_dates(self) -> bool:
        """Whether 6507 runs: else no certificate need be read for :meth:`add_dates`."""
        return rules.certificate_duplicate.code in self.codes

    def add_dates(self, source: str, dates: Dates | None) -> None:
        """A certificate's :func:`dates_of`: a later certificate whose dates overlap an
        earlier one's for the same customer, region and reason (and, single-use, the same
        PO numbers) gets 6507."""
        if dates is None or not self.compares_dates():
            return
        ident, codes, regions, reason, start, end, uses = dates
        found: Finding | None = None
        for code in codes:
            for region in regions:
                key = hash((code, region, reason, uses))  # a collision: odds of 1 in 2^64 a pair
                latest = self.dated.get(key, -1)
                other = self._earlier(latest, ident, start, end)
                if other == _SAME:
                    continue  # one id twice is one record sent again (an update), not a copy
                if other >= 0 and found is None:
                    found = _overlap(
                        ident,
                        (start, end),
                        (*_unpack(self.spans[other]), self.idents[other]),
                        code=code,
                        region=region,
                        reason=reason,
                    )
                self.dated[key] = len(self.idents)
                self.spans.append(_pack(start, end))
                self.before.append(latest)
                self.idents.append(ident)
        if found is not None:
            self.repeats.setdefault((source, ident), []).append(found)

    def _earlier(self, entry: int, ident: str, start: int, end: int) -> int:
        """The latest of the :data:`_KEPT` entries from ``entry`` back whose dates overlap
        ``start``-``end`` (-1: none), or :data:`_SAME` when one has the id ``ident``."""
        found = -1
        for _ in range(_KEPT):
            if entry < 0:
                break
            if self.idents[entry] == ident:
                return _SAME
            if found < 0:
                first, last = _unpack(self.spans[entry])
                if first <= end and start <= last:
                    found = entry
            entry = self.before[entry]
        return found

    def apply(self, report: Report, source: str, read: Read) -> Report:
        """``report`` of the record at ``source`` with its cross-record findings; a
        certificate that link records link has no 2001 (no customer linked)."""
        link = isinstance(read.record, Link)
        return self.applied(report, source, link, *references(read), named=targets(read))[0]

    def applied(
        self,
        report: Report,
        source: str | None,
        link: bool,
        certificate_id: str | None,
        refs: Refs,
        *,
        named: Sequence[str] = (),
    ) -> tuple[Report, list[Finding]]:
        """:meth:`apply`, from the record's :func:`references` and a link's :func:`targets`
        (``named``) (``source`` None: a record with no findings of its own); also the
        findings added."""
        extra = self.joined(source, link, certificate_id, refs, named=named)
        if extra and not report.ok:  # it won't sync as it is: its errors first, not 6507
            extra = [f for f in extra if f.code != rules.certificate_duplicate.code]
        linked = not link and certificate_id is not None and certificate_id in self.linked
        if linked and 2001 in report.codes():
            kept = tuple(f for f in report.findings if f.code != 2001)
            report = dataclasses.replace(report, findings=kept)
        if not extra:
            return report, extra
        joined = with_findings(report, extra, count=fmt.findings_capped.code in self.codes)
        if len(joined.findings) < len(report.findings) + len(extra):  # capped: those kept
            listed = {id(f) for f in joined.findings}
            extra = [f for f in extra if id(f) in listed]
        return joined, extra

    def joined(
        self,
        source: str | None,
        link: bool,
        certificate_id: str | None,
        refs: Refs,
        *,
        named: Sequence[str] = (),
    ) -> list[Finding]:
        """The cross-record findings of a record, from its :func:`references` (and for a
        link, the certificates it names: :func:`targets`, else ``certificate_id``)."""
        found = list(self.own.get(source, ())) if source is not None else []
        if not link and source is not None and self.repeats:
            found += self.repeats.get((source, certificate_id or source), ())
        if link and self.names_all(named or ([certificate_id] if certificate_id else [])):
            return found  # its customers' findings go to the certificates it names
        for i, code in enumerate(_each(refs)):
            if code is not None:
                found += self._for(code, ("customers", i))
        if not link and certificate_id is not None:
            for code in _each(self.linked.get(certificate_id, ())):
                if code is not None:
                    found += self._for(code, ("linked_customers", code))
        return [f for f in found if f.code in self.codes]

    def names_all(self, named: Sequence[str]) -> bool:
        """True when a link names certificates and each is a record of the batch (so far):
        they get its customers' findings, not the link."""
        return bool(named) and all(t in self.certificates for t in named)

    def _for(self, code: str, prefix: Loc) -> list[Finding]:
        if code in self.customers:
            return [_moved(finding, prefix) for finding in self.carried.get(code, ())]
        if code in self.known:
            return []
        variant = self.folded.get(fold_code(code))
        if variant is not None:
            return [_variant(code, variant, prefix, held=variant in self.known)]
        rule = (
            rules.customer_unknown if self.customers or self.known else rules.customer_not_checked
        )
        return [_linked(rule, code, prefix)] if rule.code in self.codes else []

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
    profile: Profile = "certcapture",
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
    codes = active_codes(run)
    labelled = ((_label(index), report, read) for index, (report, read) in enumerate(checks))
    reports, joins = join_all(labelled, JoinTable(codes, frozenset(known_customers)))
    return BatchReport(tuple(reports), tuple(joins))


def join_all(
    checked_records: Iterable[tuple[str, Report, Read]], table: JoinTable
) -> tuple[list[Report], list[Finding]]:
    """Join ``(source, report, read)`` of every record of one sync, in input order, through
    ``table``: each report with its cross-record findings, and those findings. What
    :func:`validate_batch` and ``check --fix`` do with the records they checked."""
    reports: list[Report] = []
    # held until the table is complete, for the records that may join (link a customer,
    # may be linked, or repeat a customer code), in flat lists: a sync of 10^6 records holds
    # most of its records here. The index (a link's as ~index), the id and the codes: strings
    # the reports and the table hold already.
    at = array("q")
    ids: list[str | None] = []
    codes: list[Refs] = []
    sources: dict[int, str] = {}  # of the records with findings of their own
    #: the certificates a link from the customer's side names (few: by its index)
    named: dict[int, tuple[str, ...]] = {}
    for source, report, read in checked_records:
        index = len(reports)
        reports.append(report)
        certificate_id, refs = fill(table, source, report, read)
        link = isinstance(read.record, Link)
        if link and table.names_all(targets(read)):
            continue  # its customers' findings go to the certificates it names
        own = source in table.own or (source, certificate_id or source) in table.repeats
        if refs or certificate_id is not None or own:
            at.append(~index if link else index)
            ids.append(certificate_id)
            codes.append(refs)
            if own:
                sources[index] = source
            if isinstance(read.record, Link) and read.record.certificates:
                named[index] = targets(read)
    joins: list[Finding] = []
    for signed, certificate_id, refs in zip(at, ids, codes, strict=True):
        index = ~signed if signed < 0 else signed
        reports[index], extra = table.applied(
            reports[index],
            sources.get(index),
            signed < 0,
            certificate_id,
            refs,
            named=named.get(index, ()),
        )
        joins += extra
    return reports, joins


def targets(read: Read) -> tuple[str, ...]:
    """The certificates a link record names: its certificate's id, or those a link from the
    customer's side lists; () for a record of another kind."""
    return link_targets(read.record) if isinstance(read.record, Link) else ()


def link_targets(link: Link) -> tuple[str, ...]:
    """The certificates ``link`` names: its certificate's id, or those a link from the
    customer's side lists."""
    return tuple(t for t in (link.certificate_id, *link.certificates) if t is not None)


def _label(index: int) -> str:
    """How a batch's messages name a record: ``record 1`` for the first."""
    return f"record {index + 1}"


def fill(table: JoinTable, source: str, report: Report, read: Read) -> tuple[str | None, Refs]:
    """Add one checked record to ``table``; what it links (:func:`references`)."""
    certificate_id, refs = references(read)
    refs = table.shared(refs)
    if isinstance(read.record, Customer):
        table.add_customer(source, report, read.record.customer_number)
    elif isinstance(read.record, Link):
        table.add_links(certificate_id, read.record, refs)
    else:
        table.add_certificate(certificate_id)
        if read.certificate is not None and table.compares_dates():
            table.add_dates(source, dates_of(read.certificate, source))  # for 6507, if it runs
    return certificate_id, refs


#: What 6507 compares of a certificate: its id, customer codes, regions (ISO), reason code,
#: its dates as ordinals (0 and the maximum for an open start or end), and what it covers
#: (a single-use certificate's PO numbers, sorted; empty for a blanket one).
Dates = tuple[str, tuple[str, ...], tuple[str, ...], str, int, int, tuple[str, ...]]


def dates_of(cert: ExemptionCertificate, source: str) -> Dates | None:
    """What :meth:`JoinTable.add_dates` compares of ``cert``, or None when it has no reason,
    region or customer code to compare."""
    reason = normalize_reason(cert.exempt_reason) if cert.exempt_reason else None
    if reason is None or not cert.customers or not cert.regions:
        return None
    codes = _distinct(c.customer_number for c in cert.customers)
    regions = _distinct(map(normalize_region, cert.regions))
    if not codes or not regions:
        return None
    start = cert.effective_date.toordinal() if cert.effective_date else 0
    end = cert.expiration_date.toordinal() if cert.expiration_date else dt.date.max.toordinal()
    # a single-use certificate covers its sale (PO) only: one for another PO is no copy
    uses = ("single use", *sorted(set(cert.po_numbers))) if cert.single_use else ()
    ident = cert.id if cert.id is not None else source
    return (ident, codes, regions, reason, start, end, uses)


def _distinct(items: Iterable[str | None]) -> tuple[str, ...]:
    """The items that aren't blank, each once, in order (one item: no dict built)."""
    found = [item for item in items if item]
    if len(found) < 2:
        return tuple(found)
    return tuple(dict.fromkeys(found))


#: How many certificates of one customer, region and reason 6507 compares a new one with
#: (the latest): one finding a certificate, in linear time whatever the batch holds.
_KEPT = 8
_SAME = -2  # :meth:`JoinTable._earlier`: the same id again


def _pack(start: int, end: int) -> int:
    """Two date ordinals (at most 3,652,059 < 2^22) in one int."""
    return start << 22 | end


def _unpack(packed: int) -> tuple[int, int]:
    return packed >> 22, packed & 0x3FFFFF


def _day(ordinal: int) -> str:
    if ordinal == 0:
        return "open start"
    if ordinal == dt.date.max.toordinal():
        return "no end"
    return dt.date.fromordinal(ordinal).isoformat()


def _overlap(
    ident: str,
    dates: tuple[int, int],
    other: tuple[int, int, str],
    *,
    code: str,
    region: str,
    reason: str,
) -> Finding:
    """6507 on certificate ``ident`` (``dates``), which repeats ``other``."""
    start, end = max(dates[0], other[0]), min(dates[1], other[1])
    overlap = f"both valid {_day(start)} to {_day(end)}"
    if (dates[1], dates[0]) >= (other[1], other[0]):
        keep, why = ident, "valid longer" if dates[1] > other[1] else "signed later"
    else:
        keep, why = other[2], "valid longer"
    if dates == other[:2]:
        keep, why = other[2], "sent first: this one is a copy"
    hit = Hit(
        loc=("id",),
        params={
            "certificate": ident,
            "other": other[2],
            "customer_number": code,
            "reason": reason,
            "region": region.split("-", 1)[-1],
            "overlap": overlap,
            "keep": keep,
            "why": why,
        },
        errors={("id",): f"repeats certificate {other[2]}"},
        customer_number=code,
    )
    return rules.certificate_duplicate.finding(hit)


#: Customer findings that stay with the customer record: those of the customer calls
#: (2120 AvaTax's CustomerModel region, 2121-2123) and the record's own Formatting and
#: unknown-key findings; the certificate's History tab shows the customer's fields only.
_NOT_CARRIED = frozenset({2120, 2121, 2122, 2123, 2310, 2311})


def _carried(report: Report) -> tuple[Finding, ...]:
    """The findings of a customer record that CertCapture would show on the certificates
    linked to it: its warnings and errors about the customer's fields."""
    return tuple(
        # plain dicts: the table is pickled (the CLI's workers)
        f if type(f.errors) is dict else dataclasses.replace(f, errors=dict(f.errors))
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


def _variant(code: str, other: str, loc: Loc, *, held: bool) -> Finding:
    """6504, or 6505 when ``other`` is a code AvaTax holds."""
    where = loc or ("customer_number",)
    hit = Hit(
        loc=where,
        params={"customer_number": code, "other": other},
        errors={where: f"differs from {other!r} in case or spaces only"},
        customer_number=code,
    )
    rule = rules.customer_code_variant_held if held else rules.customer_code_variant
    return rule.finding(hit)


def with_findings(report: Report, findings: Iterable[Finding], *, count: bool = True) -> Report:
    """``report`` with ``findings`` added, in code order, at most 20 a rule as every report
    (:func:`~certpreflight.rules.formatting.capped`; ``count``: with the 4013 finding that
    counts the rest, merged with the report's own)."""
    merged = sorted((*report.findings, *findings), key=lambda f: f.code)
    if len(merged) > fmt.MAX_FINDINGS_PER_RULE:
        merged = fmt.capped(merged, count=count)
    return dataclasses.replace(report, findings=tuple(merged))
