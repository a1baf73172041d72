"""The rule engine: ``validate()`` and ``validate_many()``.

Pure: a report depends only on the payload and the options (``today``, the
matrix, the selected rules, the profile); no I/O, no network, no global state
that changes. Never raises for bad certificate data: input that can't be read
becomes ``Formatting`` findings (4xxx), and the rest of the certificate is still
checked with the unreadable fields left out. Only a programming error (an
argument of the wrong Python type, an unknown profile or selector) raises.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import ValidationError

from certpreflight import _screening as screening
from certpreflight._screening import FieldPlan
from certpreflight.findings import Finding, Report
from certpreflight.limits import (
    DEFAULT_LIMITS,
    Limits,
    enforce,
    load_json,
    model_within,
    within,
)
from certpreflight.limits import limits_from as _limits
from certpreflight.models import (
    LIST_FIELDS,
    NATIVE_KEYS,
    Customer,
    ExemptionCertificate,
    ScreeningReader,
    native_certificate,
    native_customer,
    native_form,
    validate_native,
)
from certpreflight.options import RuleOptions, rule_options
from certpreflight.reference.matrix import ExemptionMatrix
from certpreflight.rules import ALL_PROFILES, CATALOGUE, Context, Hit, Rule
from certpreflight.rules import formatting as fmt
from certpreflight.rules._base import Check, Loc, path

__all__ = ["Payload", "Selector", "active_rules", "validate", "validate_many"]

Payload = ExemptionCertificate | Mapping[str, Any] | str | bytes | bytearray
Selector = Iterable[int | str] | int | str | None

_NO_OPTIONS: Mapping[str, Any] = MappingProxyType({})
_K = TypeVar("_K")
_V = TypeVar("_V")


# --- rule selection -------------------------------------------------------------------------------


def _as_keys(selector: Selector) -> tuple[str, ...]:
    if selector is None:
        return ()
    if isinstance(selector, (str, int)):
        selector = [selector]
    keys = []
    for item in selector:
        if not isinstance(item, (str, int)) or isinstance(item, bool):
            raise TypeError(f"rule selectors are codes, prefixes, names or types, not {item!r}")
        for part in str(item).split(","):
            if part.strip():
                keys.append(part.strip().lower())
    return tuple(keys)


def _matches(rule: Rule, key: str) -> bool:
    if key.isdigit():
        return str(rule.code).startswith(key)
    return key in (rule.name, rule.type.lower())


def _check_known(keys: tuple[str, ...]) -> None:
    for key in keys:
        if not any(_matches(r, key) for r in CATALOGUE):
            raise ValueError(
                f"unknown rule selector {key!r}: use a code (2101), a code prefix (21), "
                "a rule name (customer-name-missing) or a type (Input)"
            )


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: a key of the memo
class _RuleSet:
    """The rules that run, resolved once per distinct (select, ignore, profile).

    ``checks`` run for every certificate; the rules with a screen are in ``plans``,
    grouped by the customer field they screen, and run only when a value fails it.
    ``read_screened`` reads clean native input and applies the screens in Rust as
    it does (see ``certpreflight._screening``).
    """

    rules: tuple[Rule, ...]
    checks: tuple[tuple[Rule, Check], ...]
    plans: tuple[FieldPlan, ...]
    codes: frozenset[int]
    read_screened: ScreeningReader | None = None
    #: The rules with declared ``inputs``: their findings are kept in the context's memo,
    #: keyed by this rule set, by identity, and the values of ``memo_fields``.
    memoized: tuple[tuple[Rule, Check], ...] = ()
    memo_fields: Callable[[ExemptionCertificate], Any] | None = None
    #: The rules with declared ``customer_inputs``; ``learned_key`` reads all of those
    #: fields of a customer, and the context's memo keeps, under this rule set, the
    #: values in which none of these rules found anything.
    learned: tuple[tuple[Rule, Check], ...] = ()
    learned_key: Callable[[Customer], Any] | None = None


@lru_cache(maxsize=256)
def _active(select: tuple[str, ...], ignore: tuple[str, ...], profile: str) -> _RuleSet:
    if profile not in ALL_PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {sorted(ALL_PROFILES)}")
    _check_known(select)
    _check_known(ignore)
    rules = tuple(
        r
        for r in CATALOGUE
        if profile in r.profiles
        and (not select or any(_matches(r, k) for k in select))
        and not any(_matches(r, k) for k in ignore)
    )
    checks = [(r, r.check) for r in rules if r.check is not None]
    learned = tuple((r, c) for r, c in checks if r.customer_inputs)
    customer_fields = sorted({f for r, _ in learned for f in r.customer_inputs or ()})
    learned_key = operator.attrgetter(*customer_fields) if customer_fields else None
    always = tuple(
        (r, c)
        for r, c in checks
        if r.screen is None and r.inputs is None and r.customer_inputs is None
    )
    plans = screening.plans((r, c) for r, c in checks if r.screen is not None)
    memoized = tuple((r, c) for r, c in checks if r.inputs is not None)
    fields = sorted({f for r, _ in memoized for f in r.inputs or ()})
    getter = operator.attrgetter(*fields) if fields else None  # a value, or a tuple of them
    codes = frozenset(r.code for r in rules)
    return _RuleSet(
        rules,
        always,
        plans,
        codes,
        screening.screening_reader(plans),
        memoized,
        getter,
        learned,
        learned_key,
    )


def active_rules(
    *, select: Selector = None, ignore: Selector = None, profile: str = "certcapture"
) -> tuple[Rule, ...]:
    """The rules that run for these options, in catalogue order."""
    return _active(_as_keys(select), _as_keys(ignore), profile).rules


# --- parsing --------------------------------------------------------------------------------------

_EXPECTED = {
    "string_type": "text",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "float_parsing": "a number",
    "float_type": "a number",
    "tuple_type": "a list",
    "list_type": "a list",
    "model_type": "an object",
    "dict_type": "an object",
}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (str, bytes, bytearray)):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


def _formatting(err: Mapping[str, Any]) -> Finding:
    """One pydantic error -> one Formatting finding."""
    loc = tuple(err["loc"])
    field = path(loc) or "the certificate"
    if "date" in str(loc[-1] if loc else ""):
        expected = "a date such as 2026-01-15 (YYYY-MM-DD, or MM/DD/YYYY)"
    else:
        expected = _EXPECTED.get(err["type"], "a value of the right type")
    detail = str(err["msg"])
    detail = detail.removeprefix("Value error, ")
    if len(detail) > 200:  # a bad date repeats its text: keep reports small
        detail = detail[:200] + "..."
    hit = Hit(
        loc=loc,
        params={"field": field, "detail": detail[:1].lower() + detail[1:], "expected": expected},
        errors={field: detail},
    )
    return fmt.uninterpretable_value.finding(hit)


def _drop(native: dict[str, Any], loc: tuple[Any, ...]) -> bool:
    """Remove the value at ``loc`` from a native certificate mapping; False if impossible."""
    if not loc:
        return False
    top = loc[0]
    coerce = LIST_FIELDS.get(top)
    if coerce is None or len(loc) == 1:
        native.pop(top, None)
        return True
    items = list(coerce(native.get(top)) or ())
    index = loc[1]
    if not isinstance(index, int) or index >= len(items):
        native.pop(top, None)
        return True
    if top == "customers" and len(loc) >= 3 and isinstance(items[index], Mapping):
        customer = dict(native_customer(items[index]))  # may be the caller's own dict: copy
        customer.pop(loc[2], None)
        items[index] = customer
    else:
        items[index] = None
    native[top] = [item for item in items if item is not None]
    return True


def _salvage(
    data: Mapping[str, Any], error: ValidationError
) -> tuple[ExemptionCertificate | None, list[Finding]]:
    """Formatting findings for every error, and the certificate without the bad values."""
    errors = error.errors(include_url=False)
    findings = [_formatting(e) for e in errors]
    native = native_certificate(data)
    if not all(_drop(native, tuple(e["loc"])) for e in errors):
        return None, findings
    try:
        return ExemptionCertificate.model_validate(native), findings
    except ValidationError:
        return None, findings


def _parse(
    payload: Payload, limits: Limits = DEFAULT_LIMITS
) -> tuple[ExemptionCertificate | None, list[Finding], Any]:
    """The certificate (or None), parse-stage findings, and the raw id if any."""
    if isinstance(payload, (str, bytes, bytearray)):
        data, failure = load_json(payload, limits)
        if failure is not None:
            return None, [failure], None
        payload = data
    return _parse_value(payload, limits)


def _parse_value(
    payload: Any, limits: Limits, *, native_tried: bool = False
) -> tuple[ExemptionCertificate | None, list[Finding], Any]:
    """``_parse`` of anything but JSON text (a str here is a JSON string: not an object).

    ``native_tried``: the strict validator already refused a native mapping.
    """
    if type(payload) is dict:  # the usual payload: skip the type tests below
        return _parse_mapping(payload, limits, native_tried=native_tried)
    if isinstance(payload, ExemptionCertificate):
        if model_within(payload, limits):
            return payload, [], payload.id
        payload = payload.model_dump()  # over a limit (built by hand): report it like a mapping
    if isinstance(payload, Mapping):
        return _parse_mapping(payload, limits)
    if isinstance(payload, (list, str, int, float, bool)) or payload is None:
        kind = _kind(payload)
        hit = Hit(loc=(), params={"kind": kind}, errors={"": f"got {kind}"})
        return None, [fmt.not_an_object.finding(hit)], None
    raise TypeError(
        "validate() takes an ExemptionCertificate, a mapping, or JSON text/bytes, "
        f"not {type(payload).__name__}"
    )


def _parse_mapping(
    data: Mapping[str, Any], limits: Limits, *, native_tried: bool = False
) -> tuple[ExemptionCertificate | None, list[Finding], Any]:
    fast = limits.native_fast and not native_tried
    if fast and type(data) is dict:
        # Clean input, the common case, is read in Rust only, and the strict validator
        # also proves that nothing is near a limit (Limits.native_fast), so within() is not
        # needed. What it refuses takes the general path, which says what is wrong.
        assert validate_native is not None  # native_fast says so
        try:
            cert = validate_native(data)
        except ValidationError:
            pass
        else:
            return cert, [], cert.id
    findings: list[Finding] = []
    dropped: frozenset[Loc] = frozenset()
    if not within(data, limits):
        kept, findings, dropped = enforce(data, limits)
        if kept is None:
            return None, findings, None
        data = kept
    try:
        cert = ExemptionCertificate.model_validate(data)
        return cert, findings, cert.id
    except ValidationError as exc:
        salvaged, errors = _salvage(data, exc)
        findings += [f for f in errors if f.loc not in dropped]  # said once, by the limit
        raw_id = data.get("id")
        return salvaged, findings, raw_id if isinstance(raw_id, (str, int)) else None


# --- validation -----------------------------------------------------------------------------------


def _screened(
    cert: ExemptionCertificate, failing: set[str], ruleset: _RuleSet
) -> tuple[ExemptionCertificate, Sequence[tuple[Rule, Check]]]:
    return cert, _with_screened(ruleset, failing) if failing else ruleset.checks


def _read_screened_json(
    text: str | bytes | bytearray, ruleset: _RuleSet, limits: Limits
) -> tuple[ExemptionCertificate, Sequence[tuple[Rule, Check]]] | None:
    """JSON text read straight to the certificate, in Rust with the screens applied, as
    :func:`_read_screened` reads its mapping. None if it refuses (or can't try)."""
    read = ruleset.read_screened
    if read is None or not limits.native_fast:
        return None
    # the size load_json would measure, at least (a str's UTF-8 size: at most 4 bytes a char)
    size = len(text) * 4 if isinstance(text, str) else len(text)
    if size > limits.max_payload_bytes:
        return None
    failing: set[str] = set()
    try:
        return _screened(read.json(text, context=failing), failing, ruleset)
    except ValidationError:
        return None


def _read_screened(
    payload: Payload, ruleset: _RuleSet, limits: Limits, *, json_refused: bool = False
) -> tuple[ExemptionCertificate, Sequence[tuple[Rule, Check]]] | None:
    """A certificate mapping read in Rust with the screens applied: the certificate and the
    checks to call. None for anything the strict validator refuses (it takes ``_parse``).

    ``json_refused``: the reader refused the mapping already, as JSON text.
    """
    read = ruleset.read_screened
    if read is None or not limits.native_fast or type(payload) is not dict:
        return None  # native_fast: see _parse_mapping
    native = payload.keys() <= NATIVE_KEYS
    if not json_refused:
        # native keys, the usual mapping: the cheaper native reader first
        for reader in (read.native, read.python) if native else (read.python,):
            failing: set[str] = set()
            try:
                return _screened(reader(payload, context=failing), failing, ruleset)
            except ValidationError:
                pass
    if native or not within(payload, limits):
        return None
    # Another dialect in a form the reader doesn't take as it is (a customer's companyId, a
    # reference object with more keys, ...): its native form, once nothing in it is near a
    # limit (as the general path would find), reads to the same model (models.native_form).
    failing = set()
    try:
        return _screened(read.python(native_form(payload), context=failing), failing, ruleset)
    except ValidationError:
        return None


def _read(
    payload: Payload, ruleset: _RuleSet, limits: Limits
) -> tuple[
    ExemptionCertificate | None, list[Finding], Any, Sequence[tuple[Rule, Check]], frozenset[Loc]
]:
    """The certificate (or None), the parse-stage findings of the rules that run, the raw
    id, the checks to call, and the locations of values that couldn't be read."""
    json_refused = False
    if isinstance(payload, (str, bytes, bytearray)):  # JSON text: decoded once, here
        read = _read_screened_json(payload, ruleset, limits)
        if read is not None:
            return read[0], [], read[0].id, read[1], frozenset()
        data, failure = load_json(payload, limits)
        if failure is not None:
            return None, [failure] if failure.code in ruleset.codes else [], None, (), frozenset()
        payload, json_refused = data, True
    read = _read_screened(payload, ruleset, limits, json_refused=json_refused)
    if read is not None:
        return read[0], [], read[0].id, read[1], frozenset()
    # A screening reader has tried every mapping validate_native would take (and refused it).
    tried = ruleset.read_screened is not None
    cert, findings, raw_id = _parse_value(payload, limits, native_tried=tried)
    unreadable: frozenset[Loc] = frozenset()
    if findings:
        unreadable = frozenset(f.loc for f in findings if f.loc)
        findings = [f for f in findings if f.code in ruleset.codes]
    checks = _checks(cert, ruleset) if cert is not None else ()
    return cert, findings, raw_id, checks, unreadable


def _run(payload: Payload, ruleset: _RuleSet, ctx: Context, limits: Limits) -> Report:
    cert, findings, raw_id, checks, unreadable = _read(payload, ruleset, limits)
    if cert is not None:
        if ruleset.memoized:
            for finding in _memoized(cert, ruleset, ctx):
                if not unreadable or finding.loc not in unreadable:
                    findings.append(finding)
        for rule, check in checks:
            hits = check(cert, ctx)
            if hits:  # rarely: checks return () when they find nothing
                _add(findings, rule, hits, unreadable)
        if ruleset.learned_key is not None:
            for rule, hits in _learned(cert, ruleset, ctx):
                _add(findings, rule, hits, unreadable)
    if len(findings) > 1:
        findings.sort(key=_by_code)
    return Report(findings=tuple(findings), certificate_id=None if raw_id is None else str(raw_id))


def _checks(cert: ExemptionCertificate, ruleset: _RuleSet) -> Sequence[tuple[Rule, Check]]:
    """The checks to call: all unscreened ones, and the screened ones some customer fails."""
    failing: set[str] | None = None
    for customer in cert.customers:  # none: a screened rule looks at customers only
        values = customer.__dict__  # a model's field values live in its __dict__
        for field, present, match, _, _ in ruleset.plans:
            value = values[field]
            if (match(value) is None) if value is not None else present:
                if failing is None:
                    failing = {field}
                else:
                    failing.add(field)
    return _with_screened(ruleset, failing) if failing else ruleset.checks


def _with_screened(ruleset: _RuleSet, failing: set[str]) -> list[tuple[Rule, Check]]:
    """The unscreened checks and those screened on the ``failing`` fields."""
    checks = list(ruleset.checks)
    for plan in ruleset.plans:
        if plan.field in failing:
            checks += plan.checks
    return checks


#: Entries a context's memo (and each set of clean customer values in it) holds before it
#: is emptied. A run repeats combinations of reason, regions and the like: the benchmark's
#: 50,000 certificates have 6,600 of them as written, in three dialects. An entry is a few
#: hundred bytes, so a full memo stays under about 5 MB.
_MEMO_LIMIT = 16_384


def _memoized(cert: ExemptionCertificate, ruleset: _RuleSet, ctx: Context) -> tuple[Finding, ...]:
    """The findings of the rules with declared inputs, reused when those values repeat.

    They depend only on the context and the input fields' values, so they are
    computed once per distinct values; findings are immutable, and their
    ``errors`` are made read-only since several reports share them.
    """
    assert ruleset.memo_fields is not None
    key = (ruleset, ruleset.memo_fields(cert))
    memo = ctx.memo
    found: tuple[Finding, ...] | None = memo.get(key)
    if found is None:
        found = tuple(
            _shared(rule.finding(hit))
            for rule, check in ruleset.memoized
            for hit in check(cert, ctx)
        )
        _keep(memo, key, found, _MEMO_LIMIT)
    return found


def _keep(cache: dict[_K, _V], key: _K, value: _V, limit: int) -> _V:
    """Store ``value`` in a bounded cache, emptied when full; return the value.

    Emptying is cheaper than any eviction order, and the caches here refill fast.
    """
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value


def _shared(finding: Finding) -> Finding:
    return dataclasses.replace(finding, errors=MappingProxyType(dict(finding.errors)))


def _add(
    findings: list[Finding], rule: Rule, hits: Iterable[Hit], unreadable: frozenset[Loc]
) -> None:
    for hit in hits:
        # A value that couldn't be read is reported once, as Formatting, not again
        # as missing by the rules that see it left out.
        if not unreadable or hit.loc not in unreadable:
            findings.append(rule.finding(hit))


def _learned(
    cert: ExemptionCertificate, ruleset: _RuleSet, ctx: Context
) -> list[tuple[Rule, list[Hit]]]:
    """The hits of the rules with ``customer_inputs``, run only for new customer values.

    They are skipped when every customer's values are among those these rules
    found nothing in before (in this context, under this rule set); otherwise
    they run, and the values of the customers they found nothing in are kept.
    """
    key = ruleset.learned_key
    customers = cert.customers
    if key is None or not customers:
        return []
    clean: set[Any] | None = ctx.memo.get(ruleset)
    if clean is None:
        clean = ctx.memo[ruleset] = set()
    if clean.issuperset(map(key, customers)):
        return []
    found = [(rule, list(check(cert, ctx))) for rule, check in ruleset.learned]
    found_at = {h.loc[1] for _, hits in found for h in hits if h.loc[:1] == ("customers",)}
    if len(clean) >= _MEMO_LIMIT:
        clean.clear()
    clean.update(key(c) for i, c in enumerate(customers) if i not in found_at)
    return found


def _by_code(finding: Finding) -> int:
    return finding.code


_CONTEXTS: dict[tuple[dt.date, int, str], Context] = {}


def _context(today: dt.date, matrix: ExemptionMatrix, profile: str) -> Context:
    """Contexts without options are immutable, so they are shared between calls.

    Keyed by the matrix's identity (hashing a matrix walks every cell); the
    cached Context keeps its matrix alive, so the identity can't be reused.
    """
    key = (today, id(matrix), profile)
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        ctx = _keep(_CONTEXTS, key, Context(today, matrix, profile, _NO_OPTIONS), 64)
    return ctx


_PLAIN_SETUPS: dict[tuple[dt.date, str], tuple[_RuleSet, Context, Limits]] = {}


def _setup(
    *,
    today: dt.date | None,
    matrix: ExemptionMatrix | None,
    select: Selector,
    ignore: Selector,
    profile: str,
    options: RuleOptions | Mapping[str, Any] | None,
) -> tuple[_RuleSet, Context, Limits]:
    if today is None:
        today = dt.date.today()
    plain = select is None and ignore is None and not options and matrix is None
    if plain and type(today) is dt.date:  # the usual call: resolved once per (today, profile)
        found = _PLAIN_SETUPS.get((today, profile))
        if found is None:
            found = _setup(today=today, matrix=ExemptionMatrix.default(), select=(), ignore=(),
                           profile=profile, options=None)  # fmt: skip
            _keep(_PLAIN_SETUPS, (today, profile), found, 64)
        return found
    if not isinstance(today, dt.date):
        raise TypeError(f"today must be a datetime.date, not {type(today).__name__}")
    if matrix is None:
        matrix = ExemptionMatrix.default()
    elif not isinstance(matrix, ExemptionMatrix):
        raise TypeError(f"matrix must be an ExemptionMatrix, not {type(matrix).__name__}")
    ruleset = _active(_as_keys(select), _as_keys(ignore), profile)
    if options:
        ctx = Context(today, matrix, profile, rule_options(options))
    else:
        ctx = _context(today, matrix, profile)
    return ruleset, ctx, _limits(ctx.options)


def validate(
    payload: Payload,
    *,
    today: dt.date | None = None,
    matrix: ExemptionMatrix | None = None,
    select: Selector = None,
    ignore: Selector = None,
    profile: str = "certcapture",
    options: RuleOptions | Mapping[str, Any] | None = None,
) -> Report:
    """Check one certificate and return every problem at once.

    ``payload`` is an :class:`ExemptionCertificate`, a mapping in any of the
    three dialects, or JSON text / bytes. ``today`` defaults to
    ``date.today()``; ``matrix`` to :meth:`ExemptionMatrix.default`.
    ``select`` / ``ignore`` take codes (``2101``), code prefixes (``"21"``),
    rule names (``"customer-name-missing"``) or types (``"Input"``).
    ``profile`` is ``"certcapture"`` (default) or ``"avatax"``. ``options``
    tunes individual rules: a :class:`~certpreflight.options.RuleOptions` or a
    mapping of its names; an unknown name raises ``ValueError``, as an unknown
    profile does.

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
    return _run(payload, ruleset, ctx, limits)


def validate_many(
    payloads: Iterable[Payload],
    *,
    today: dt.date | None = None,
    matrix: ExemptionMatrix | None = None,
    select: Selector = None,
    ignore: Selector = None,
    profile: str = "certcapture",
    options: RuleOptions | Mapping[str, Any] | None = None,
) -> Iterator[Report]:
    """Check many certificates lazily, one :class:`Report` each, in input order.

    Same options as :func:`validate`; they are resolved (and checked) once,
    when this is called, for the whole run.
    """
    ruleset, ctx, limits = _setup(
        today=today,
        matrix=matrix,
        select=select,
        ignore=ignore,
        profile=profile,
        options=options,
    )
    return (_run(payload, ruleset, ctx, limits) for payload in payloads)
