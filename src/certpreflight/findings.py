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
from typing import Any, Literal

from certpreflight.literals import Kind

__all__ = [
    "DOCS_URL",
    "FAMILIES",
    "CertificateValidationError",
    "Finding",
    "Report",
    "Severity",
    "loc_to_pointer",
    "rule_url",
]

#: First digit of a code -> its family word (mirrors the CereTax catalogue).
FAMILIES: Mapping[int, str] = MappingProxyType(
    {2: "Input", 3: "Situs", 4: "Formatting", 5: "Status", 6: "Identity"}
)

_EMPTY: Mapping[str, str] = MappingProxyType({})

#: The documentation site (``mkdocs.yml``'s ``site_url``; pyproject's Documentation URL).
DOCS_URL = "https://certpreflight.readthedocs.io/en/latest/"


def rule_url(code: int, name: str) -> str:
    """The address of a rule's section of the rules catalogue on the documentation site
    (the anchor MkDocs gives the heading ``## 2101 customer-name-missing``).

    >>> rule_url(2101, "customer-name-missing")
    'https://certpreflight.readthedocs.io/en/latest/rules/#2101-customer-name-missing'
    """
    return f"{DOCS_URL}rules/#{code}-{name}"


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

    @property
    def url(self) -> str:
        """The rule's page in the documentation (its section of the rules catalogue), as
        pydantic's and ruff's errors link to theirs. The findings of AvaTax's replies
        (2900, 5900, 5901: ``rules.RESERVED_CODES``) have their sections there too."""
        return rule_url(self.code, self.name)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the documented fields and the rule's ``url``:
        ``json.dumps(finding.to_dict())``."""
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
            "url": self.url,
        }

    def model_dump(self, *, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        """:meth:`to_dict`, under pydantic's name: the dict is JSON-ready in either mode."""
        return self.to_dict()

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
    """Raised by :meth:`Report.raise_for_errors` when a certificate has error findings.

    ``.report`` is the whole report; :meth:`errors` lists the error findings as pydantic's
    ``ValidationError.errors()`` lists its errors.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        errors = report.errors
        lines = [f"{len(errors)} error(s) in certificate {report.certificate_id or '(no id)'}:"]
        lines += [f"  {f.code} {f.message}" for f in errors]
        super().__init__("\n".join(lines))

    def error_count(self) -> int:
        """How many error findings there are (pydantic's ``error_count()``)."""
        return len(self.report.errors)

    def errors(
        self, *, include_url: bool = True, include_context: bool = True
    ) -> list[dict[str, Any]]:
        """The error findings as pydantic's ``ValidationError.errors()`` gives its errors.

        Each is ``{"type": name, "loc": loc, "msg": message, "ctx": {...}, "url": ...}``:
        ``type`` is the rule's name (``customer-name-missing``), ``loc`` the tuple path,
        ``msg`` the CertCapture-style message, ``ctx`` the rest of the finding (``code``,
        ``severity``, ``summary``, ``fix``, ``errors``, ``customer_number``) and ``url`` the
        rule's documentation. There is no ``input``: a report keeps no payload.

        >>> from certpreflight import validate
        >>> report = validate({"id": "1", "customers": [{"customer_number": "C1", "name": ""}]},
        ...                   select=["2101"])
        >>> try:
        ...     report.raise_for_errors()
        ... except CertificateValidationError as exc:
        ...     [(e["type"], e["loc"]) for e in exc.errors(include_context=False)]
        [('customer-name-missing', ('customers', 0, 'name'))]
        """
        out = []
        for finding in self.report.errors:
            error: dict[str, Any] = {
                "type": finding.name,
                "loc": finding.loc,
                "msg": finding.message,
            }
            if include_context:
                error["ctx"] = {
                    "code": finding.code,
                    "severity": finding.severity.value,
                    "summary": finding.summary,
                    "fix": finding.fix,
                    "errors": dict(finding.errors),
                    "customer_number": finding.customer_number,
                }
            if include_url:
                error["url"] = finding.url
            out.append(error)
        return out


@dataclass(frozen=True, slots=True)
class Report:
    """Every finding for one certificate, in a stable order."""

    findings: tuple[Finding, ...] = ()
    certificate_id: str | None = None
    #: What the payload was read as: ``certificate``, ``customer`` or ``link``; None when
    #: it could not be read as any (not an object, invalid JSON, a record of no kind).
    kind: Kind | None = "certificate"
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
        """JSON-ready: ``{"id", "kind", "ok", "findings": [Finding.to_dict(), ...]}``, so
        ``json.dumps(report.to_dict())`` serialises a report."""
        return {
            "id": self.record_id,
            "kind": self.kind,
            "ok": self.ok,
            "findings": [f.to_dict() for f in self.findings],
        }

    def model_dump(self, *, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        """:meth:`to_dict`, under pydantic's name: the dict is JSON-ready in either mode."""
        return self.to_dict()

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
