"""``plan()``: what a sync would create, update, leave alone or orphan in Avalara.

``source`` is what the integration would send (customers, certificates and links, in any
dialect, as :func:`certpreflight.validate_batch` takes them); ``avalara`` is what Avalara
holds, read as AvaTax returns it: the FetchResult pages of ``QueryCustomers`` /
``QueryCertificates`` (``{"@recordsetCount": N, "value": [...], "@nextLink": ...}``; the
records of the pages, in any order, customers and certificates mixed), their records
alone, or CertCapture v2 records (a list of them, or an object whose ``data`` holds them).
:func:`certpreflight.avatax.export` writes such a file. Sources: docs/sources.md#sync-plans.

Matching, as AvaTax matches:

* **Customers by customer code, exactly** (AvaTax's ``customerCode`` is case-sensitive). A
  source code that matches one Avalara holds only when case and surrounding spaces are
  ignored is planned as a ``create`` with finding 6505 naming both codes, and the code
  Avalara holds is not called an orphan: the plan never hides a second customer behind a
  create and an orphan.
* **Certificates by Avalara id** when the source carries one that the export holds (``id``
  in every dialect), **else by customer, region, exempt reason and signed date** (one
  certificate a region, as AvaTax holds them: a source certificate for WA and TX is two),
  else by the same with the customer code compared without case and spaces. Each action
  says which key matched (``matched_by``).
* **Links from both sides**: a held certificate's customers (``$include=customers``) and a
  held customer's certificates (``$include=certificates``) against the customers the
  source certificate links (embedded, by code, or through link records naming it). When
  the export says nothing of a certificate's customers, no link is planned for it.

A field the source leaves out is not a change (a sync that leaves it out leaves it as it
is); texts are compared without surrounding spaces, regions, countries and reasons by what
they denote (``"Washington"`` is ``WA``, ``"G"`` is ``RESALE``). The findings of an action
are those of the record it would send, from the same checks as ``check`` and the batch join
(:func:`certpreflight.batch.join_all`, with the customers Avalara holds as known codes).

Memory: the export is held as the compared values of each record (strings and dates, no
model); the source as each record's :class:`~certpreflight.Report` and its compared
values. 10^5 customers and 10^5 certificates on each side plan in seconds
(``python -m benchmarks``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from certpreflight import reading
from certpreflight.batch import (
    Dates,
    JoinTable,
    Refs,
    dates_of,
    fold_code,
    link_targets,
    references,
)
from certpreflight.engine import Payload, Selector, active_codes, checked
from certpreflight.findings import Finding, Report, Severity
from certpreflight.literals import Profile
from certpreflight.models import Customer, CustomerRecord, ExemptionCertificate, Link
from certpreflight.options import Options, RuleOptions
from certpreflight.reference.countries import country_code
from certpreflight.reference.matrix import ExemptionMatrix
from certpreflight.reference.reasons import lookup_reason
from certpreflight.reference.regions import lookup_region
from certpreflight.rules import Hit, records

__all__ = ["ACTIONS", "Action", "Plan", "export_records", "plan", "plan_records"]

#: The actions a plan holds, in the order a summary counts them.
ACTIONS = ("create", "update", "unchanged", "orphan", "link", "unlink")

#: What ``matched_by`` says for each key.
BY_CODE = "customer code"
BY_ID = "id"
BY_NATURAL = "customer+region+reason+signed date"
BY_FOLDED = "customer (case and spaces ignored)+region+reason+signed date"

Value = str | float | bool | dt.date | tuple[str, ...] | None
Values = dict[str, Value]


@dataclass(frozen=True, slots=True)
class Action:
    """One thing a sync would do (or leave alone) in Avalara."""

    #: ``create``, ``update``, ``unchanged``, ``orphan`` (held by Avalara, not in the
    #: source), ``link`` or ``unlink``.
    action: str
    #: ``customer``, ``certificate`` or ``link``.
    kind: str
    #: The customer code, or the certificate's Avalara id (a new certificate: its source id,
    #: or its customer/region/reason/signed date); for a link, the certificate's key.
    key: str
    #: field -> (what Avalara holds, what the source sends): AvaTax's field names.
    changes: Mapping[str, tuple[Value, Value]] = field(default_factory=dict)
    #: The findings of the record the action would send (none for ``unchanged`` and
    #: ``orphan``): the same checks as ``check``, joined as a batch.
    findings: tuple[Finding, ...] = ()
    #: Which key matched the source record to Avalara's (see the module), None if none did.
    matched_by: str | None = None
    #: Where the source record is (``record 3``, ``file.ndjson:12``), None for an orphan.
    source: str | None = None
    #: Where Avalara's record is in the export, None for a create.
    held: str | None = None
    #: For ``link`` and ``unlink``: the customer code linked or unlinked.
    customer: str | None = None

    @property
    def ok(self) -> bool:
        """True when no finding of the record it sends is an error."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``action``, ``kind``, ``key``, ``changes`` (field -> ``[avalara,
        source]``, dates as ISO text), ``findings`` (:meth:`Finding.to_dict`) and
        ``matched_by``, ``source``, ``held``, ``customer``."""
        return {
            "action": self.action,
            "kind": self.kind,
            "key": self.key,
            "changes": {k: [_json(a), _json(b)] for k, (a, b) in self.changes.items()},
            "findings": [f.to_dict() for f in self.findings],
            "matched_by": self.matched_by,
            "source": self.source,
            "held": self.held,
            "customer": self.customer,
        }


def _json(value: Value) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True, slots=True)
class Plan:
    """What a sync would do: its actions, and the records that could not be read."""

    actions: tuple[Action, ...]
    #: ``(source, finding)`` of every record, in the source or the export, that could not be
    #: read as a customer, certificate or link (invalid JSON, a record of no kind ...).
    unread: tuple[tuple[str, Finding], ...] = ()

    @property
    def ok(self) -> bool:
        """True when no action sends a record with an error and every record was read."""
        return not self.unread and all(a.ok for a in self.actions)

    def fails(self, level: Severity = Severity.ERROR) -> bool:
        """Whether a record could not be read, or an action's findings reach ``level``."""
        if self.unread:
            return True
        order = (Severity.INFO, Severity.WARNING, Severity.ERROR)
        floor = order.index(level)
        return any(order.index(f.severity) >= floor for a in self.actions for f in a.findings)

    def counts(self) -> dict[str, int]:
        """How many actions of each kind of action (every one of :data:`ACTIONS`)."""
        found = Counter(a.action for a in self.actions)
        return {name: found[name] for name in ACTIONS}

    @property
    def changed(self) -> bool:
        """True when the sync would do anything (an action other than ``unchanged``)."""
        return any(a.action != "unchanged" for a in self.actions)

    def to_dict(self, *, actions: bool = True) -> dict[str, Any]:
        """JSON-ready: ``{"summary": {action: n, ..., "errors": n, "unread": n},
        "actions": [Action.to_dict(), ...], "unread": [{"source", "finding"}, ...]}``
        (``actions=False``: without the actions list)."""
        errors = sum(1 for a in self.actions for f in a.findings if f.severity is Severity.ERROR)
        found: dict[str, Any] = {
            "summary": {**self.counts(), "errors": errors, "unread": len(self.unread)},
        }
        if actions:
            found["actions"] = [a.to_dict() for a in self.actions]
        found["unread"] = [{"source": s, "finding": f.to_dict()} for s, f in self.unread]
        return found


# --- the records, as plans compare them -----------------------------------------------------------


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


def _region(value: str | None, country: str | None = None) -> str | None:
    """A region as its short code (``WA``), or the text as given when it denotes none."""
    if value is None:
        return None
    found = lookup_region(value, country)
    return found.short if found is not None else _text(value)


def _iso(value: str | None) -> str | None:
    """A certificate's region as its ISO code (``US-WA``), the key certificates match on."""
    if value is None:
        return None
    found = lookup_region(value)
    return found.code if found is not None else _text(value)


def customer_values(customer: Customer) -> Values:
    """What a plan compares of a customer, by AvaTax's field names."""
    country = _text(customer.country)
    return {
        "name": _text(customer.name),
        "line1": _text(customer.address_line1),
        "line2": _text(customer.address_line2),
        "city": _text(customer.city),
        "region": _region(customer.region, country),
        "postalCode": _text(customer.postal_code),
        "country": (country_code(country) or country) if country is not None else None,
    }


def _reason(cert: ExemptionCertificate) -> str | None:
    if cert.exempt_reason is not None and cert.exempt_reason.strip():
        found = lookup_reason(cert.exempt_reason)
        return found.avatax_name if found is not None else cert.exempt_reason.strip().upper()
    return f"id {cert.exempt_reason_id}" if cert.exempt_reason_id is not None else None


def certificate_values(cert: ExemptionCertificate) -> Values:
    """What a plan compares of a certificate (one exposure zone's), by AvaTax's field names."""
    percentage = cert.exempt_percentage
    return {
        "exemptionReason": _reason(cert),
        "signedDate": cert.effective_date,
        "expirationDate": cert.expiration_date,
        "exemptionNumber": _text(cert.tax_id),
        "exemptPercentage": float(percentage) if percentage is not None else None,
        "isSingleCertificate": cert.single_use,
        "poNumbers": tuple(sorted({p.strip() for p in cert.po_numbers if p.strip()})) or None,
    }


def _changes(held: Values, sent: Values) -> dict[str, tuple[Value, Value]]:
    """The fields the source sends that differ from what Avalara holds."""
    return {
        name: (held.get(name), value)
        for name, value in sent.items()
        if value is not None and held.get(name) != value
    }


def _codes(cert: ExemptionCertificate) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.customer_number for c in cert.customers if c.customer_number))


@dataclass(frozen=True, slots=True)
class _Certificate:
    """What a plan keeps of a certificate, on either side: no model."""

    id: str | None
    #: its regions' ISO codes, in order, once each; ``(None,)`` when it has none
    regions: tuple[str | None, ...]
    values: Values
    #: the codes of the customers it links, in order
    codes: tuple[str, ...]

    @classmethod
    def of(cls, cert: ExemptionCertificate) -> _Certificate:
        regions = tuple(dict.fromkeys(_iso(r) for r in cert.regions)) or (None,)
        return cls(cert.id, regions, certificate_values(cert), _codes(cert))


# --- what Avalara holds ---------------------------------------------------------------------------


@dataclass(slots=True)
class _HeldCertificate:
    values: Values
    region: str | None
    source: str
    codes: set[str]
    #: whether the export says which customers it links ($include=customers, or a customer's
    #: certificates)
    links_known: bool


@dataclass
class _Held:
    """The export: each record's compared values, by customer code and certificate id."""

    customers: dict[str, tuple[Values, str]] = field(default_factory=dict)
    certificates: dict[str, _HeldCertificate] = field(default_factory=dict)
    #: (customer code, region, reason, signed date) -> certificate ids, in export order
    natural: dict[tuple[str, str | None, Value, Value], list[str]] = field(default_factory=dict)
    folded: dict[tuple[str, str | None, Value, Value], list[str]] = field(default_factory=dict)
    #: certificate id -> codes of customers whose record lists it ($include=certificates)
    customer_links: dict[str, set[str]] = field(default_factory=dict)
    unread: list[tuple[str, Finding]] = field(default_factory=list)

    def add(self, source: str, item: Any) -> None:
        """Hold one export record, read by the reading stage as every record is (AvaTax's
        records as GET returns them read on its schema). What Avalara holds is compared,
        not checked: of the reading stage's findings only a Formatting one counts, a value
        it could not read (the record is held without it); keys it does not know and zones
        named by a code say nothing of what Avalara holds."""
        got = reading.read(item)
        record = got.record
        if record is not None or got.certificate is not None:
            unread = next((f for f in got.findings if f.type == _FORMATTING), None)
            if unread is not None:
                self.unread.append((source, unread))  # held, but not all of it read
        if isinstance(record, CustomerRecord):
            self._customer(source, record, item)
        elif got.kind == "certificate" and got.certificate is not None:
            self._certificate(source, got.certificate)
        else:
            found = got.findings[:1] or [_unkeyed("customerCode or id")]
            self.unread.append((source, found[0]))

    def _customer(self, source: str, record: CustomerRecord, item: Any) -> None:
        code = record.customer_number
        if code is None:
            self.unread.append((source, _unkeyed("customerCode")))
            return
        self.customers.setdefault(code, (customer_values(record), source))
        certificates = item.get("certificates") if isinstance(item, Mapping) else None
        for ident in _ids(certificates):
            self.customer_links.setdefault(ident, set()).add(code)

    def _certificate(self, source: str, cert: ExemptionCertificate) -> None:
        if cert.id is None:
            self.unread.append((source, _unkeyed("id")))
            return
        codes = set(_codes(cert))
        for customer in cert.customers:  # $include=customers: full records Avalara holds
            code = customer.customer_number
            if code is not None and not customer.is_reference and code not in self.customers:
                self.customers[code] = (customer_values(customer), source)
        compact = _Certificate.of(cert)
        values = compact.values
        held = _HeldCertificate(values, compact.regions[0], source, codes, bool(cert.customers))
        self.certificates[cert.id] = held
        reason, signed = values["exemptionReason"], values["signedDate"]
        for code in codes:
            folded = fold_code(code)
            for region in compact.regions:
                self.natural.setdefault((code, region, reason, signed), []).append(cert.id)
                self.folded.setdefault((folded, region, reason, signed), []).append(cert.id)

    def linked(self, ident: str) -> tuple[set[str], bool]:
        """The codes Avalara links to certificate ``ident``, and whether the export says."""
        held = self.certificates[ident]
        extra = self.customer_links.get(ident)
        if extra is None:
            return held.codes, held.links_known
        return held.codes | extra, True


_FORMATTING = "Formatting"


def _ids(value: Any) -> Iterator[str]:
    """The ids of a customer's ``certificates`` list (objects with ``id``, or ids)."""
    if not isinstance(value, list):
        return
    for item in value:
        ident = item.get("id") if isinstance(item, Mapping) else item
        if isinstance(ident, (str, int)) and not isinstance(ident, bool):
            yield str(ident)


def _unkeyed(key: str) -> Finding:
    """6506: an export record without the key a plan matches it by."""
    return records.held_record_unkeyed.finding(
        Hit(loc=(key,), params={"key": key}, errors={(key,): "missing"})
    )


def export_records(
    items: Iterable[tuple[str, Any]],
) -> Iterator[tuple[str, Any]]:
    """The records of an export, with their sources: a FetchResult page (``value``) or a
    CertCapture list (``data``, or a JSON list) gives each of its records (``source
    value[3]``); JSON text is decoded; anything else is a record itself."""
    for source, item in items:
        data = item
        if isinstance(item, (str, bytes, bytearray)):
            try:
                data = json.loads(item)
            except ValueError:
                yield source, item  # read as a record: its finding says why it can't be
                continue
        key = "value" if isinstance(data, dict) and isinstance(data.get("value"), list) else None
        if key is None and isinstance(data, dict) and isinstance(data.get("data"), list):
            key = "data"
        records = data[key] if key is not None else data if isinstance(data, list) else None
        if records is None:
            yield source, data
            continue
        where = f"{source} {key}" if key is not None else source
        for i, record in enumerate(records):
            yield f"{where}[{i}]", record


# --- what the source sends ------------------------------------------------------------------------


@dataclass(slots=True)
class _Sent:
    """One source record, as the plan needs it after the join."""

    source: str
    kind: str | None
    #: a customer record: (code, values); a certificate: its embedded full customers
    customers: list[tuple[str, Values]]
    certificate: _Certificate | None = None
    link: Link | None = None
    #: what the batch join needs: the certificate id and the codes it links by reference
    refs: tuple[str | None, Refs] = (None, ())
    #: a customer record's code (None: it has none)
    code: str | None = None
    #: a certificate's :func:`~certpreflight.batch.dates_of`, when 6507 runs
    dates: Dates | None = None


def _sent(source: str, read: reading.Read, *, dated: bool) -> _Sent:
    record = read.record
    refs = references(read)
    if isinstance(record, CustomerRecord):
        code = record.customer_number
        entries = [(code, customer_values(record))] if code is not None else []
        return _Sent(source, "customer", entries, refs=refs, code=code)
    if isinstance(record, Link):
        return _Sent(source, "link", [], link=record, refs=refs)
    cert = read.certificate
    if read.kind != "certificate" or cert is None:
        return _Sent(source, read.kind, [], refs=refs)
    full = [
        (c.customer_number, customer_values(c))
        for c in cert.customers
        if c.customer_number is not None and not c.is_reference
    ]
    dates = dates_of(cert, source) if dated else None
    return _Sent(
        source, "certificate", full, certificate=_Certificate.of(cert), refs=refs, dates=dates
    )


# --- the plan -------------------------------------------------------------------------------------


def plan(
    source: Iterable[Payload],
    avalara: Iterable[Any],
    *,
    today: dt.date | None = None,
    matrix: ExemptionMatrix | None = None,
    select: Selector = None,
    ignore: Selector = None,
    profile: Profile = "certcapture",
    options: RuleOptions | Mapping[str, Any] | None = None,
) -> Plan:
    """What syncing ``source`` would do to what Avalara holds (``avalara``).

    ``source``: customers, certificates and links in any dialect, as
    :func:`certpreflight.validate_batch` takes them. ``avalara``: FetchResult pages of
    ``QueryCustomers`` / ``QueryCertificates`` (dicts or JSON text), their records, or
    CertCapture v2 records. The other options are :func:`certpreflight.validate`'s. Never
    raises for bad data: a record that can't be read is in :attr:`Plan.unread`.

    >>> held = {"@recordsetCount": 1, "value": [{"id": 56, "customerCode": "C-1",
    ...     "name": "Acme", "line1": "1 Main St", "city": "Seattle", "region": "WA",
    ...     "postalCode": "98101", "country": "US"}]}
    >>> result = plan([{"customerCode": "C-1", "name": "Acme Inc", "line1": "1 Main St",
    ...     "city": "Seattle", "region": "WA", "postalCode": "98101", "country": "US"}], [held])
    >>> [(a.action, a.kind, a.key, dict(a.changes)) for a in result.actions]
    [('update', 'customer', 'C-1', {'name': ('Acme', 'Acme Inc')})]
    """
    run = Options.of(
        today=today, matrix=matrix, select=select, ignore=ignore, profile=profile, options=options
    )
    labelled = ((f"record {i + 1}", payload) for i, payload in enumerate(source))
    held = ((f"export record {i + 1}", item) for i, item in enumerate(avalara))
    return plan_records(labelled, held, run)


def plan_records(
    source: Iterable[tuple[str, Payload | Finding]],
    avalara: Iterable[tuple[str, Any]],
    run: Options,
) -> Plan:
    """:func:`plan` of labelled records (``(source, payload)``, as the CLI reads them from
    files: a payload that is a :class:`Finding` is a record that could not be read).

    Three passes: every source record is read (the reading stage) and compared; the
    records a sync would send (and the customer records their certificates link, whose
    findings CertCapture shows on them) are checked, as ``check`` checks them, and joined
    by customer code with every record of the source (the batch join); then the actions
    take their findings. A record that sends nothing is read, never checked: most of a
    nightly sync is unchanged, and the checks are most of a plan's cost.
    """
    held = _Held()
    for where, item in export_records(avalara):
        held.add(where, item)
    unread: list[tuple[str, Finding]] = []
    limits = reading.limits_from(run.rules.as_mapping() if run.rules is not None else {})
    codes = active_codes(run)
    dated = records.certificate_duplicate.code in codes  # 6507 compares certificates' dates
    sent: list[_Sent] = []
    payloads: list[Payload] = []
    for label, payload in source:
        if isinstance(payload, Finding):
            unread.append((label, payload))
            continue
        got = reading.read(payload, limits)
        if got.kind is None:  # what the reading stage says of it (4030, 4001, ...)
            found = [f for f in got.findings[:1] if f.code in codes]
            unread += [(label, f) for f in found]
            continue
        sent.append(_sent(label, got, dated=dated))
        payloads.append(payload)
    actions = _Planner(held, sent).actions()
    index = {record.source: i for i, record in enumerate(sent)}
    sending = {index[a.source] for a in actions if a.action in _SENDING and a.source is not None}
    reports = _checked(sent, payloads, _linked_customers(sent, sending), held, run, codes=codes)
    return Plan(tuple(_with_findings(actions, sent, index, reports)), (*unread, *held.unread))


def _with_findings(
    actions: Iterable[Action],
    sent: Sequence[_Sent],
    index: Mapping[str, int],
    reports: Mapping[int, Report],
) -> Iterator[Action]:
    """Each action that sends a record, with the findings of that record: a customer
    record's own, a customer embedded in a certificate the certificate's about it, a
    certificate's and a link record's own; a certificate's link actions send nothing of
    their own."""
    for action in actions:
        at = index.get(action.source) if action.action in _SENDING and action.source else None
        report = reports.get(at) if at is not None else None
        if report is None or not report.findings:
            yield action
            continue
        kind = sent[at].kind if at is not None else None
        if action.kind == "customer" and kind == "certificate":
            found = tuple(f for f in report.findings if f.customer_number == action.key)
        elif action.kind == "link" and kind != "link":
            found = ()
        else:
            found = report.findings
        yield dataclasses.replace(action, findings=found) if found else action


#: The actions that send a record (their findings are the record's).
_SENDING = frozenset({"create", "update", "link", "unlink"})


def _linked_customers(sent: Sequence[_Sent], sending: set[int]) -> set[int]:
    """``sending``, and the customer records the certificates among them link."""
    codes = {
        code for i in sending if (cert := sent[i].certificate) is not None for code in cert.codes
    }
    found = set(sending)
    for i, record in enumerate(sent):
        if record.kind == "customer" and record.customers and record.customers[0][0] in codes:
            found.add(i)
    return found


def _checked(
    sent: Sequence[_Sent],
    payloads: Sequence[Payload],
    which: set[int],
    held: _Held,
    run: Options,
    *,
    codes: frozenset[int],
) -> dict[int, Report]:
    """The reports of records ``which``, checked and joined with every record of the source
    by customer code (the batch join; the customers Avalara holds are known codes)."""
    order = sorted(which)
    checks = checked([payloads[i] for i in order], **run.keywords())
    reports = {i: report for i, (report, _) in zip(order, checks, strict=True)}
    table = JoinTable(codes, frozenset(held.customers))
    for i, record in enumerate(sent):
        ident, refs = record.refs
        if record.kind == "customer":
            code = record.customers[0][0] if record.customers else record.code
            table.add_customer(record.source, reports.get(i) or Report(kind="customer"), code)
        elif record.link is not None:
            table.add_links(ident, record.link, table.shared(refs))
        else:
            table.add_certificate(ident)
            table.add_dates(record.source, record.dates)  # 6507, as the batch join finds it
    for i in order:
        record = sent[i]
        ident, refs = record.refs
        link = record.kind == "link"
        named = link_targets(record.link) if record.link is not None else ()
        reports[i] = table.applied(reports[i], record.source, link, ident, refs, named=named)[0]
    return reports


class _Planner:
    """Matches the source's records to the export's and says what a sync would do."""

    def __init__(self, held: _Held, sent: Sequence[_Sent]) -> None:
        self.held = held
        self.sent = sent
        self.claimed_customers: set[str] = set()
        self.claimed_certificates: set[str] = set()
        self.held_folded: dict[str, str] = {}
        for code in sorted(held.customers):  # one answer whatever the order of the export
            self.held_folded.setdefault(fold_code(code), code)
        #: source certificate id -> the codes link records of the source name for it
        self.links: dict[str, list[str]] = {}
        for record in sent:
            if record.link is not None and record.link.certificate_id is not None:
                codes = [c for c in record.link.customers if c]
                self.links.setdefault(record.link.certificate_id, []).extend(codes)

    def actions(self) -> list[Action]:
        found = self._customers()
        found += [
            Action("orphan", "customer", code, held=where)
            for code, (_, where) in self.held.customers.items()
            if code not in self.claimed_customers
        ]
        certificate_ids = set()
        for record in self.sent:
            if record.certificate is not None:
                found += self._certificate(record, record.certificate)
                if record.certificate.id is not None:
                    certificate_ids.add(record.certificate.id)
        found += self._link_records(certificate_ids)
        found += [
            Action("orphan", "certificate", ident, held=cert.source)
            for ident, cert in self.held.certificates.items()
            if ident not in self.claimed_certificates
        ]
        return found

    # customers

    def _customers(self) -> list[Action]:
        found: list[Action] = []
        seen: set[str] = set()
        for record in self.sent:
            for code, values in record.customers:
                if code in seen and record.kind != "customer":
                    continue  # the same customer embedded again: planned once
                seen.add(code)  # a customer record is planned each time (6503 says twice)
                found.append(self._customer(code, values, record.source))
        return found

    def _customer(self, code: str, values: Values, source: str) -> Action:
        held = self.held.customers.get(code)
        if held is not None:
            self.claimed_customers.add(code)
            changes = _changes(held[0], values)
            action = "update" if changes else "unchanged"
            return Action(action, "customer", code, changes, (), BY_CODE, source, held[1])
        variant = self.held_folded.get(fold_code(code))
        if variant is not None:  # 6505 names both; the held one is no orphan
            self.claimed_customers.add(variant)
        return Action("create", "customer", code, {}, (), None, source)

    # certificates

    def _certificate(self, record: _Sent, cert: _Certificate) -> list[Action]:
        regions, values = cert.regions, cert.values
        codes = [*cert.codes]
        if cert.id is not None:
            codes += [c for c in self.links.get(cert.id, ()) if c not in codes]
        found: list[Action] = []
        for region in regions:
            ident, by = self._match(cert.id, region, values, codes, single=len(regions) == 1)
            if ident is None:
                key = _new_key(cert.id, region, values, codes, several=len(regions) > 1)
                found.append(Action("create", "certificate", key, source=record.source))
                continue
            self.claimed_certificates.add(ident)
            held = self.held.certificates[ident]
            changes = _changes(held.values, values)
            if region is not None and held.region != region:
                changes["exposureZone"] = (_short(held.region), _short(region))
            action = "update" if changes else "unchanged"
            found.append(
                Action(action, "certificate", ident, changes, (), by, record.source, held.source)
            )
            found += self._links(ident, codes, record.source)
        return found

    def _match(
        self,
        ident: str | None,
        region: str | None,
        values: Values,
        codes: Sequence[str],
        *,
        single: bool,
    ) -> tuple[str | None, str | None]:
        if ident is not None and ident not in self.claimed_certificates:
            held = self.held.certificates.get(ident)
            if held is not None and (single or held.region == region):
                return ident, BY_ID
        reason, signed = values["exemptionReason"], values["signedDate"]
        for index, by, fold in ((self.held.natural, BY_NATURAL, False),
                                (self.held.folded, BY_FOLDED, True)):  # fmt: skip
            for code in codes:
                key = (fold_code(code) if fold else code, region, reason, signed)
                for candidate in index.get(key, ()):
                    if candidate not in self.claimed_certificates:
                        return candidate, by
        return None, None

    def _links(self, ident: str, codes: Sequence[str], source: str) -> list[Action]:
        linked, known = self.held.linked(ident)
        if not known:
            return []
        wanted = set(codes)
        found = [
            Action("link", "link", ident, source=source, customer=code)
            for code in codes
            if code not in linked
        ]
        found += [
            Action("unlink", "link", ident, source=source, customer=code)
            for code in sorted(linked - wanted)
        ]
        return found

    def _link_records(self, certificate_ids: set[str]) -> list[Action]:
        """Link records naming a certificate the source doesn't hold: they add customers to
        the certificate Avalara holds (or to one nobody holds: its findings say so)."""
        found: list[Action] = []
        for record in self.sent:
            link = record.link
            if (
                link is None
                or link.certificate_id is None
                or link.certificate_id in certificate_ids
            ):
                continue
            ident = link.certificate_id
            linked = self.held.linked(ident)[0] if ident in self.held.certificates else set()
            for code in dict.fromkeys(c for c in link.customers if c):
                if code not in linked:
                    found.append(Action("link", "link", ident, source=record.source, customer=code))
        return found


def _short(region: str | None) -> str | None:
    if region is None:
        return None
    found = lookup_region(region)
    return found.short if found is not None else region


def _new_key(
    ident: str | None,
    region: str | None,
    values: Values,
    codes: Sequence[str],
    *,
    several: bool,
) -> str:
    """A new certificate's key: its source id (with its region when it has several), else
    its customer, region, reason and signed date."""
    short = _short(region)
    if ident is not None:
        return f"{ident} ({short})" if several and short else ident
    signed = values["signedDate"]
    parts = [
        codes[0] if codes else "?",
        short or "?",
        str(values["exemptionReason"] or "?"),
        signed.isoformat() if isinstance(signed, dt.date) else "?",
    ]
    return "/".join(parts)
