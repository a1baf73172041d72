"""The rule engine: ``validate()`` and ``validate_many()``.

Pure: a report depends only on the payload and the options (``today``, the
matrix, the selected rules, the profile); no I/O, no network, no global state
that changes. Never raises for bad certificate data: input that can't be read
becomes ``Formatting`` findings (4xxx), and the rest of the certificate is still
checked with the unreadable fields left out. Only a programming error (an
argument of the wrong Python type, an unknown profile or selector) raises.

A call resolves the rules that run (once per distinct options), reads the payload once
(:meth:`certpreflight.reading.Reader.read`), runs the checks, and builds the report; see
``docs/architecture.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from certpreflight import reading
from certpreflight._cache import Bounded, text_bytes
from certpreflight.findings import Finding, Report, Severity
from certpreflight.literals import Kind, Profile
from certpreflight.models import Customer, CustomerRecord, ExemptionCertificate, Link
from certpreflight.options import (
    Options,
    RuleOptions,
    Selector,
    ValidateOptions,
    known_profile,
    matches,
    selectors,
)
from certpreflight.reading import Limits, Read
from certpreflight.reading.objects import AttrsInstance, DataclassInstance
from certpreflight.reference.matrix import ExemptionMatrix
from certpreflight.rules import (
    CATALOGUE,
    KEYED_IN_REVIEW,
    Check,
    Context,
    Hit,
    Loc,
    Rule,
    records,
)
from certpreflight.rules import formatting as fmt

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "Payload",
    "Selector",
    "active_codes",
    "active_rules",
    "checked",
    "context",
    "validate",
    "validate_many",
]

#: What :func:`validate` and its siblings take: a model, a mapping in any dialect, JSON text or
#: bytes, or an object of the caller's own: a pydantic model, a dataclass or attrs instance
#: (read as its dump, :func:`certpreflight.reading.plain`).
Payload = (
    ExemptionCertificate
    | BaseModel
    | DataclassInstance
    | AttrsInstance
    | Mapping[str, Any]
    | str
    | bytes
    | bytearray
)

_NO_OPTIONS: Mapping[str, Any] = MappingProxyType({})


# --- rule selection -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _RuleSet:
    """The rules that run, resolved once per distinct (select, ignore, profile).

    ``checks`` run for every certificate; ``for_customers`` and ``for_links`` for a customer
    record and a link, each checked as a certificate holding it: the certificate rules'
    checks and those of the rules only for records of that kind (for links, not 2001: an
    empty link has its own rule, 2130).
    """

    rules: tuple[Rule, ...]
    checks: tuple[tuple[Rule, Check], ...]
    codes: frozenset[int]
    for_customers: tuple[tuple[Rule, Check], ...]
    for_links: tuple[tuple[Rule, Check], ...]


#: Rule sets by selector keys and profile: at most 1 MiB of keys and sets (a set is about
#: 8 KiB of tuples of references; the keys are the caller's selectors).
_RULESETS: Bounded[tuple[tuple[str, ...], tuple[str, ...], str], _RuleSet] = Bounded(
    1024 * 1024, lambda key, _: text_bytes(key) + 8192
)


def _active(select: tuple[str, ...], ignore: tuple[str, ...], profile: str) -> _RuleSet:
    """The rules of these selector keys (:func:`~certpreflight.options.selectors`)."""
    key = (select, ignore, profile)
    found = _RULESETS.get(key)
    if found is None:
        found = _RULESETS.keep(key, _resolve(select, ignore, profile))
    return found


def _resolve(select: tuple[str, ...], ignore: tuple[str, ...], profile: str) -> _RuleSet:
    known_profile(profile)
    rules = tuple(
        r
        for r in CATALOGUE
        if profile in r.profiles
        and (not select or any(matches(r, k) for k in select))
        and not any(matches(r, k) for k in ignore)
    )

    def checks(kind: str) -> tuple[tuple[Rule, Check], ...]:
        return tuple((r, r.check) for r in rules if r.check is not None and kind in r.kinds)

    certificate = checks("certificate")
    return _RuleSet(
        rules,
        certificate,
        frozenset(r.code for r in rules),
        for_customers=(*certificate, *checks("customer")),
        for_links=(*((r, c) for r, c in certificate if r.code != 2001), *checks("link")),
    )


def active_rules(
    *, select: Selector = None, ignore: Selector = None, profile: Profile = "certcapture"
) -> tuple[Rule, ...]:
    """The rules that run for these options, in catalogue order."""
    return _active(selectors(select), selectors(ignore), profile).rules


def active_codes(run: Options) -> frozenset[int]:
    """The codes of the rules that run for ``run`` (:func:`active_rules`), held once per
    selection."""
    return _active(selectors(run.select), selectors(run.ignore), run.profile).codes


# --- validation -----------------------------------------------------------------------------------


def _run(
    payload: Payload, ruleset: _RuleSet, ctx: Context, limits: Limits, kind: Kind | None = None
) -> Report:
    return _report(reading.read(payload, limits, kind), ruleset, ctx)


def _report(read: Read, ruleset: _RuleSet, ctx: Context) -> Report:
    """The report of what was read: the checks run on it."""
    cert, findings, raw_id, unreadable, kind, record = read
    if findings and (cert is not None or record is not None):
        # what couldn't be read, said by the Formatting rules that run; a payload that
        # couldn't be read at all is said whatever is selected (as ruff says syntax errors)
        codes = ruleset.codes
        findings = [f for f in findings if f.code in codes]
    if record is not None:
        return _record_report(
            record, findings, raw_id, ruleset=ruleset, ctx=ctx, unreadable=unreadable
        )
    if cert is not None:
        for rule, check in ruleset.checks:
            hits = check(cert, ctx)
            if hits:  # rarely: checks return () when they find nothing
                _add(findings, rule, hits, unreadable)
        if cert.submit_to_stack and findings:  # the review team keys these fields in
            findings = [_keyed_in_review(f) for f in findings]
    if len(findings) > 1:
        findings.sort(key=_by_code)
        if len(findings) > fmt.MAX_FINDINGS_PER_RULE:  # a runaway record: a bounded report
            findings = fmt.capped(findings, count=fmt.findings_capped.code in ruleset.codes)
    return Report(tuple(findings), None if raw_id is None else str(raw_id), kind)


def _record_report(
    record: CustomerRecord | Link,
    findings: list[Finding],
    raw_id: Any,
    *,
    ruleset: _RuleSet,
    ctx: Context,
    unreadable: frozenset[Loc],
) -> Report:
    findings += _record_findings(record, ruleset, ctx, unreadable)
    findings.sort(key=_by_code)
    if len(findings) > fmt.MAX_FINDINGS_PER_RULE:  # a runaway record: a bounded report
        findings = fmt.capped(findings, count=fmt.findings_capped.code in ruleset.codes)
    ident = None if raw_id is None else str(raw_id)
    if isinstance(record, Link):
        return Report(tuple(findings), ident, "link")
    return Report(tuple(findings), None, "customer", ident)


_HOLDER = ExemptionCertificate()


def _record_findings(
    record: CustomerRecord | Link, ruleset: _RuleSet, ctx: Context, unreadable: frozenset[Loc]
) -> list[Finding]:
    """A customer record's or a link's findings: those of every rule on a certificate
    holding just it, in its customer or customer codes, with the record's own locs (the
    hits' locs and ``errors`` locs, changed before they are rendered).

    A customer record is the certificate's one customer, so the customer rules report
    what they report in a linked customer (``("customers", 0, "city")`` becomes
    ``("city",)``); a link's codes are its customers, given by reference, so only the
    customer-code rules (61xx) find anything in them.
    """
    link = isinstance(record, Link)
    found: list[Finding] = []
    at: tuple[int, ...] = ()  # a link's checked customers: their positions in the record
    if isinstance(record, Link):
        at = record.customer_refs()
        # a customer that is no reference has a blank code: the code rules say so, and
        # no missing-field rule (a link sends no customer's fields)
        codes = [record.customers[i] for i in at]
        customers = tuple(Customer(customer_number="" if c is None else c) for c in codes)
        update: dict[str, Any] = {"id": record.certificate_id, "customers": customers}
        checks: Sequence[tuple[Rule, Check]] = ruleset.for_links
        if record.customers or record.certificates:  # customers by id, or its customer
            checks = [(r, c) for r, c in checks if r.code != 2130]  # in the call's path
        unnamed = not record.customers and record.certificates
        if unnamed and records.link_customer_unnamed.code in ruleset.codes:
            found.append(_unnamed(record))
    else:
        update = {"customers": (record,)}
        checks = ruleset.for_customers
    holder = _HOLDER.model_copy(update=update)  # the empty certificate, holding the record
    for rule, check in checks:
        for hit in check(holder, ctx):
            loc = hit.loc
            if loc[:1] != ("customers",) or (not link and len(loc) < 3):
                continue  # a certificate's own field, or its customers list: not the record's
            loc = _in_link(loc, at) if link else loc[2:]
            if unreadable and loc in unreadable:
                continue
            errors = {
                (_in_link(where, at) if link else _record_loc(where)): problem
                for where, problem in hit.errors.items()
            }
            found.append(rule.finding(dataclasses.replace(hit, loc=loc, errors=errors)))
    return found


def _keyed_in_review(finding: Finding) -> Finding:
    """A finding of a certificate sent to the validation queue: info at most when it is about
    a field the review team keys in (:data:`~certpreflight.rules.KEYED_IN_REVIEW`)."""
    if finding.code in KEYED_IN_REVIEW and finding.severity is not Severity.INFO:
        return dataclasses.replace(finding, severity=Severity.INFO)
    return finding


def _unnamed(link: Link) -> Finding:
    """2131: a link from the customer's side that doesn't name its customer."""
    ids = ", ".join(c for c in link.certificates if c is not None) or "(no id)"
    hit = Hit(loc=("customers",), params={"certificates": ids}, errors={("customers",): "absent"})
    return records.link_customer_unnamed.finding(hit)


def _record_loc(loc: Loc) -> Loc:
    """An ``errors`` loc of the holding certificate, as the customer record's own
    (``("customers", 0, "city")`` -> ``("city",)``)."""
    return loc[2:] if len(loc) > 2 and loc[:2] == ("customers", 0) else loc


def _in_link(loc: Loc, at: tuple[int, ...]) -> Loc:
    """A loc of the holding certificate, as the link's own: a link's customer is its code,
    at its position in the record (``("customers", 1, "customer_number")`` ->
    ``("customers", 3)`` when the customers before it were given by id)."""
    if len(loc) > 1 and loc[0] == "customers" and isinstance(loc[1], int) and loc[1] < len(at):
        return ("customers", at[loc[1]])
    return loc[:2]


def _add(
    findings: list[Finding], rule: Rule, hits: Iterable[Hit], unreadable: frozenset[Loc]
) -> None:
    for hit in hits:
        # A value that couldn't be read is reported once, as Formatting, not again
        # as missing by the rules that see it left out.
        if not unreadable or hit.loc not in unreadable:
            findings.append(rule.finding(hit))


def _by_code(finding: Finding) -> int:
    return finding.code


#: The setups of calls without options, by (today, profile, select, ignore, matrix identity):
#: a program checks many certificates with the same arguments. A kept setup's context keeps
#: its matrix alive, so the identity can't be reused while the entry is here. At most 8 MiB:
#: a matrix other than the built-in one (loaded once, for good) counts as 1.5 KiB a cell
#: (about twice what one read from CSV holds, its indexes built), so a program that loads a
#: matrix for each call keeps a few, not 64.
_SETUPS: Bounded[tuple[Any, ...], tuple[_RuleSet, Context, Limits]] = Bounded(
    8 * 1024 * 1024, lambda key, setup: _setup_bytes(key, setup[1].matrix)
)
_CELL_BYTES = 1536


def _setup_bytes(key: tuple[Any, ...], matrix: ExemptionMatrix) -> int:
    own = 0 if matrix is ExemptionMatrix.default() else len(matrix) * _CELL_BYTES
    return text_bytes(key[:4]) + 1024 + own


def _setup(
    *,
    today: dt.date | None = None,
    matrix: ExemptionMatrix | None = None,
    select: Selector = None,
    ignore: Selector = None,
    profile: Profile = "certcapture",
    options: RuleOptions | Mapping[str, Any] | None = None,
    kind: Kind | None = None,  # what is read, not how it is checked: no part of the setup
) -> tuple[_RuleSet, Context, Limits]:
    if today is None:
        today = dt.date.today()
    key = None
    # once: an iterator is read once (no selector, the usual call, is no key)
    chosen = () if select is None else selectors(select)
    ignored = () if ignore is None else selectors(ignore)
    if not options and type(today) is dt.date:  # options are checked and built for each call
        known = None if matrix is None else id(matrix)
        key = (today, profile, chosen, ignored, known)
        found = _SETUPS.get(key)
        if found is not None:
            return found
    run = Options.of(  # the arguments checked, once per distinct setup
        today=today, matrix=matrix, select=chosen, ignore=ignored, profile=profile, options=options
    )
    ruleset = _active(run.select, run.ignore, run.profile)
    matrix = ExemptionMatrix.default() if run.matrix is None else run.matrix
    tuned = _NO_OPTIONS if run.rules is None else run.rules.as_mapping()
    ctx = Context(today, matrix, profile, tuned)
    found = ruleset, ctx, reading.limits_from(ctx.options)
    if key is not None:
        _SETUPS.keep(key, found)
    return found


def context(**validate_options: Unpack[ValidateOptions]) -> Context:
    """What the checks see with these :func:`validate` options (so does a rule's repair)."""
    return _setup(**validate_options)[1]


def validate(
    payload: Payload,
    *,
    today: dt.date | None = None,
    matrix: ExemptionMatrix | None = None,
    select: Selector = None,
    ignore: Selector = None,
    profile: Profile = "certcapture",
    options: RuleOptions | Mapping[str, Any] | None = None,
    kind: Kind | None = None,
) -> Report:
    """Check one certificate and return every problem at once.

    ``payload`` is an :class:`ExemptionCertificate`, a mapping in any of the
    three dialects, JSON text / bytes, or a pydantic model, dataclass or attrs
    instance of your own, read through its public dump as the JSON it would send
    (``model_dump(by_alias=True, mode="json")``, ``dataclasses.asdict``, ``attrs.asdict``).
    ``today`` defaults to ``date.today()``; ``matrix`` to :meth:`ExemptionMatrix.default`.
    ``select`` / ``ignore`` take codes (``2101``), code prefixes (``"21"``),
    rule names (``"customer-name-missing"``) or types (``"Input"``).
    ``profile`` is ``"certcapture"`` (default), ``"avatax"`` or ``"audit"``
    (the default's checks plus the audit facts on secondary sources). ``options``
    tunes individual rules: a :class:`~certpreflight.options.RuleOptions` or a
    mapping of its names; an unknown name raises ``ValueError``, as an unknown
    profile does. ``kind`` says what the payload is, ``"certificate"``, ``"customer"``
    (a customer sent on its own) or ``"link"`` (customers linked to a certificate); None
    (default) detects it from the keys, and :attr:`Report.kind` says what it was read as.

    >>> report = validate({"id": "1", "exempt_reason": "G", "regions": ["WA", "NH"]},
    ...                   select=["3101"])
    >>> report.findings[0].message
    "Reason Code G isn't exempt in region(s): NH. (Invalid ExemptReasonId and region combination)"
    """
    ruleset, ctx, limits = _setup(
        today=today,
        matrix=matrix,
        select=select,
        ignore=ignore,
        profile=profile,
        options=options,
    )
    return _run(payload, ruleset, ctx, limits, kind)


def validate_many(
    payloads: Iterable[Payload],
    *,
    today: dt.date | None = None,
    matrix: ExemptionMatrix | None = None,
    select: Selector = None,
    ignore: Selector = None,
    profile: Profile = "certcapture",
    options: RuleOptions | Mapping[str, Any] | None = None,
    kind: Kind | None = None,
) -> Iterator[Report]:
    """Check many certificates lazily, one :class:`Report` each, in input order.

    Same options as :func:`validate`; they are resolved (and checked) once,
    when this is called, for the whole run.
    """
    run = checked(
        payloads,
        today=today,
        matrix=matrix,
        select=select,
        ignore=ignore,
        profile=profile,
        options=options,
        kind=kind,
    )
    return (report for report, _ in run)


def checked(
    payloads: Iterable[Payload],
    *,
    today: dt.date | None = None,
    matrix: ExemptionMatrix | None = None,
    select: Selector = None,
    ignore: Selector = None,
    profile: Profile = "certcapture",
    options: RuleOptions | Mapping[str, Any] | None = None,
    kind: Kind | None = None,
) -> Iterator[tuple[Report, Read]]:
    """:func:`validate_many`, with what was read beside each report (the model, or the
    customer record or link): for callers that join records, like
    :func:`certpreflight.validate_batch`."""
    ruleset, ctx, limits = _setup(
        today=today,
        matrix=matrix,
        select=select,
        ignore=ignore,
        profile=profile,
        options=options,
    )
    return _checked(payloads, ruleset, ctx, limits, kind)  # options checked now, not lazily


def _checked(
    payloads: Iterable[Payload],
    ruleset: _RuleSet,
    ctx: Context,
    limits: Limits,
    kind: Kind | None,
) -> Iterator[tuple[Report, Read]]:
    read = reading.read
    for payload in payloads:
        got = read(payload, limits, kind)
        yield _report(got, ruleset, ctx), got
