"""What a rule is: declared once, with its code, name, severity, texts, docs and check.

A rule's check is a pure function ``check(cert, ctx) -> Sequence[Hit]``: each
:class:`Hit` says where the problem is and carries the values its message and
fix templates need. Checks return a list or tuple (``()`` when they find nothing)
rather than yield: a rule runs for every certificate, and creating a generator
costs more than most checks themselves (the README's "Performance" section). The
engine also accepts any iterable, so a check written as a generator still works.
The engine renders hits into :class:`~certpreflight.Finding` records. Rules whose
``check`` is None are emitted while the input is parsed (the Formatting family);
they are in the catalogue so they can be documented, selected and ignored like the
others.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from certpreflight import literals
from certpreflight.findings import FAMILIES, Finding, Severity
from certpreflight.literals import PROFILES

if TYPE_CHECKING:
    from certpreflight.models import Customer, ExemptionCertificate
    from certpreflight.reference.matrix import ExemptionMatrix

__all__ = [
    "ALL_PROFILES",
    "FIX_KINDS",
    "NO_HITS",
    "Autofix",
    "Context",
    "Hit",
    "Hits",
    "Loc",
    "Rule",
    "blank",
    "customer_label",
    "declare",
    "path",
    "rule",
]

Loc = tuple[str | int, ...]

#: The targets whose checks a rule can belong to (the ``profile`` of ``validate()``);
#: ``audit`` adds what makes a certificate hold up in an audit (the audit rules on secondary
#: sources) to the default.
ALL_PROFILES: frozenset[str] = frozenset(PROFILES)

_EMPTY: Mapping[Any, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a rule may depend on besides the certificate. Immutable."""

    today: dt.date
    matrix: ExemptionMatrix
    profile: str = "certcapture"
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence of a rule's problem: where, which customer, and template values.

    ``errors`` maps the loc of each offending field to its short problem
    (``{("customers", 0, "city"): "empty value"}``); :meth:`Rule.finding` renders the locs
    as the Finding's ``errors`` keys (:func:`path`: ``"customers[0].city"``).
    """

    loc: Loc
    params: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    errors: Mapping[Loc, str] = field(default_factory=lambda: _EMPTY)
    customer_number: str | None = None


Hits = Sequence[Hit]

#: What a check returns when it finds nothing.
NO_HITS: tuple[Hit, ...] = ()

Check = Callable[["ExemptionCertificate", Context], Iterable[Hit]]

#: The kinds of automatic fix, as ruff separates them: a *safe* fix cannot change the
#: meaning of the record (trimming, the case of a code, a name to its code); an *unsafe* one
#: changes what the certificate claims or drops data, and is applied only when asked for.
FIX_KINDS: tuple[str, ...] = literals.FIX_KINDS

#: A fix: the record as sent (a JSON-like mapping in its own dialect), the finding it
#: repairs (its ``loc`` says where), and what the rule's check saw: the certificate as read
#: (None for a customer record or a link) and the context -> the repaired record, a new
#: mapping (the argument is never modified), or None when this hit can't be repaired.
FixFunction = Callable[
    [Mapping[str, Any], Finding, "ExemptionCertificate | None", Context],
    "Mapping[str, Any] | None",
]


@dataclass(frozen=True, slots=True)
class Autofix:
    """A rule's automatic repair (``certpreflight.fixes.fix`` applies it): kind and function."""

    kind: str
    apply: FixFunction
    #: What it does, one sentence for ``certpreflight rule CODE`` and ``docs/rules.md``.
    description: str

    def __post_init__(self) -> None:
        if self.kind not in FIX_KINDS:
            raise ValueError(f"a fix is safe or unsafe, not {self.kind!r}")


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule: code, name, severity, message/fix templates, docs and check, in one place."""

    code: int
    name: str
    severity: Severity
    message: str
    summary: str
    fix: str
    doc: str
    check: Check | None
    profiles: frozenset[str] = ALL_PROFILES
    #: The record kinds whose check this is (``certificate``, ``customer``, ``link``). A
    #: certificate rule's findings in a certificate's customer are also those of a customer
    #: record, and in its customer codes those of a link (the engine checks a record as
    #: a certificate holding it); a rule only for records says so here.
    kinds: frozenset[str] = frozenset({"certificate"})
    #: The rule's automatic repair, if it has one (``fix`` is the text telling how to fix).
    autofix: Autofix | None = None
    #: For a rule without a check (its finding is made while a file or a payload is read,
    #: or when a batch is joined): the modules that make it, with ``rule.finding(hit)``.
    found_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.check is None) != bool(self.found_by):
            raise ValueError(
                f"rule {self.code}: a rule has a check or names the modules that find it "
                "(found_by), not both and not neither"
            )

    @property
    def type(self) -> str:
        """The family word, from the code's first digit (2 Input ... 6 Identity)."""
        return FAMILIES[self.code // 1000]

    def finding(self, hit: Hit) -> Finding:
        """Render one hit into a Finding (its ``errors`` keyed by rendered paths)."""
        params = hit.params
        errors = hit.errors
        return Finding(
            code=self.code,
            name=self.name,
            type=self.type,
            severity=self.severity,
            message=self.message.format_map(params),
            summary=self.summary.format_map(params),
            fix=self.fix.format_map(params),
            errors={path(loc): problem for loc, problem in errors.items()} if errors else _EMPTY,
            loc=hit.loc,
            customer_number=hit.customer_number,
        )


def declare(
    check: Check | None,
    *,
    doc: str,
    code: int,
    name: str,
    severity: Severity,
    message: str,
    summary: str,
    fix: str,
    profiles: Iterable[str] = ALL_PROFILES,
    kinds: Iterable[str] = ("certificate",),
    autofix: Autofix | None = None,
    found_by: Iterable[str] = (),
) -> Rule:
    """Declare a rule from a check and its docs (for checks built by a factory), or, with
    ``check`` None, a rule whose finding the modules ``found_by`` make."""
    return Rule(
        code=code,
        name=name,
        severity=severity,
        message=message,
        summary=summary,
        fix=fix,
        doc=inspect.cleandoc(doc),
        check=check,
        profiles=frozenset(profiles),
        kinds=frozenset(kinds),
        autofix=autofix,
        found_by=tuple(found_by),
    )


def rule(
    *,
    code: int,
    name: str,
    severity: Severity,
    message: str,
    summary: str,
    fix: str,
    profiles: Iterable[str] = ALL_PROFILES,
    kinds: Iterable[str] = ("certificate",),
    autofix: Autofix | None = None,
) -> Callable[[Check], Rule]:
    """Declare a rule from its check function; the function's docstring is the rule's docs."""

    def wrap(check: Check) -> Rule:
        return declare(
            check,
            doc=check.__doc__ or "",
            code=code,
            name=name,
            severity=severity,
            message=message,
            summary=summary,
            fix=fix,
            profiles=profiles,
            kinds=kinds,
            autofix=autofix,
        )

    return wrap


def blank(value: str | None) -> bool:
    """True for None, "" and whitespace-only text (what the rules' texts call "empty")."""
    return value is None or not value.strip()


def path(loc: Loc) -> str:
    """``("customers", 0, "city")`` -> ``"customers[0].city"`` (the key style of ``errors``)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def customer_label(customer: Customer, index: int) -> str:
    """How messages name a customer: its number, or its position when it has none."""
    number = customer.customer_number
    if number is not None and number.strip():
        return number
    return f"customers[{index}]"
