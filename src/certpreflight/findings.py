"""Findings and reports: the records the rule engine produces, and their adapters.

A :class:`Finding` is one problem with one certificate, shaped like a pydantic
``ErrorDetails`` record (stable ``name`` and ``loc``) and like a CereTax error
(4-digit ``code``, family ``type``, ``message`` and ``summary``), plus the fix.
A :class:`Report` holds every finding for one certificate, in a stable order.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = [
    "FAMILIES",
    "CertificateValidationError",
    "Finding",
    "Report",
    "Severity",
    "loc_to_pointer",
]

#: First digit of a code -> its family word (mirrors the CereTax catalogue).
FAMILIES: Mapping[int, str] = MappingProxyType(
    {2: "Input", 3: "Situs", 4: "Formatting", 5: "Status", 6: "Identity"}
)

_EMPTY: Mapping[str, str] = MappingProxyType({})


class Severity(str, enum.Enum):
    """How bad a finding is.

    ``error``: AvaTax / CertCapture will reject it. ``warning``: it will go
    through but is likely wrong or deferred. ``info``: worth knowing.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 for error, 1 for warning, 0 for info (for ``--fail-on`` style thresholds)."""
        return _RANK[self]

    def __str__(self) -> str:
        return self.value


_RANK = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}


def loc_to_pointer(loc: tuple[str | int, ...]) -> str:
    """Render a ``loc`` tuple as a JSON Pointer fragment (RFC 6901), e.g. ``#/customers/0/city``."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in loc)
    return "#/" + "/".join(parts) if loc else "#"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one certificate. Immutable.

    ``errors`` maps a dotted field path to a short problem, like CereTax's
    ``errors`` member; ``loc`` is the main offending field as a pydantic-style
    tuple path.
    """

    code: int
    name: str
    type: str
    severity: Severity
    message: str
    summary: str
    fix: str
    errors: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)
    loc: tuple[str | int, ...] = ()
    customer_number: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with exactly the documented keys."""
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type,
            "severity": self.severity.value,
            "message": self.message,
            "summary": self.summary,
            "fix": self.fix,
            "errors": dict(self.errors),
            "loc": list(self.loc),
            "customer_number": self.customer_number,
        }

    def to_ceretax(self) -> dict[str, Any]:
        """One CereTax ``errorMessages`` entry: ``{code, type, message, summary, errors}``."""
        return {
            "code": self.code,
            "type": self.type,
            "message": self.message,
            "summary": self.summary,
            "errors": dict(self.errors),
        }


class CertificateValidationError(ValueError):
    """Raised by :meth:`Report.raise_for_errors` when a certificate has error findings."""

    def __init__(self, report: Report) -> None:
        self.report = report
        errors = report.errors
        lines = [f"{len(errors)} error(s) in certificate {report.certificate_id or '(no id)'}:"]
        lines += [f"  {f.code} {f.message}" for f in errors]
        super().__init__("\n".join(lines))


@dataclass(frozen=True, slots=True)
class Report:
    """Every finding for one certificate, in a stable order."""

    findings: tuple[Finding, ...] = ()
    certificate_id: str | None = None
    #: What the payload was read as: ``certificate``, ``customer`` or ``link``; None when
    #: it could not be read as any (not an object, invalid JSON, a record of no kind).
    kind: str | None = "certificate"
    #: A customer record's code (its id).
    customer_number: str | None = None

    @property
    def record_id(self) -> str | None:
        """The record's id: a customer's code, or a certificate's (a link's) id."""
        return self.customer_number if self.kind == "customer" else self.certificate_id

    @property
    def ok(self) -> bool:
        """True when no finding has severity ``error``."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings with severity ``error``."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings with severity ``warning``."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def infos(self) -> tuple[Finding, ...]:
        """The findings with severity ``info``."""
        return tuple(f for f in self.findings if f.severity is Severity.INFO)

    @property
    def max_severity(self) -> Severity | None:
        """The worst severity present, or None when there are no findings."""
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=lambda s: s.rank)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __bool__(self) -> bool:
        # A report is always a report; use ``.ok`` for the verdict.
        return True

    def codes(self) -> tuple[int, ...]:
        """The codes of all findings, in order (handy in tests and logs)."""
        return tuple(f.code for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"id", "kind", "ok", "findings": [Finding.to_dict(), ...]}``."""
        return {
            "id": self.record_id,
            "kind": self.kind,
            "ok": self.ok,
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_ceretax(self) -> dict[str, Any]:
        """CereTax-style: ``{"errorMessages": [{code, type, message, summary, errors}, ...]}``."""
        return {"errorMessages": [f.to_ceretax() for f in self.findings]}

    def to_problem_details(
        self, *, type_uri: str = "about:blank", instance: str | None = None
    ) -> dict[str, Any]:
        """An RFC 9457 problem document (``application/problem+json``).

        Each finding becomes an ``errors[]`` member with ``pointer`` (JSON
        Pointer of its ``loc``), ``detail`` (the message), ``code``, ``name``,
        ``severity`` and ``fix``. The status is 422 when any finding is an
        error, else 200.
        """
        n_err = len(self.errors)
        doc: dict[str, Any] = {
            "type": type_uri,
            "title": "The exemption certificate would be rejected."
            if n_err
            else "The exemption certificate passes pre-flight checks.",
            "status": 422 if n_err else 200,
            "detail": f"{n_err} error(s), {len(self.warnings)} warning(s)",
            "errors": [
                {
                    "pointer": loc_to_pointer(f.loc),
                    "detail": f.message,
                    "code": f.code,
                    "name": f.name,
                    "severity": f.severity.value,
                    "fix": f.fix,
                }
                for f in self.findings
            ],
        }
        if instance is not None:
            doc["instance"] = instance
        if self.certificate_id is not None:
            doc["certificate_id"] = self.certificate_id
        return doc

    def raise_for_errors(self) -> None:
        """Raise :class:`CertificateValidationError` (a ``ValueError``) if not ``ok``."""
        if not self.ok:
            raise CertificateValidationError(self)
