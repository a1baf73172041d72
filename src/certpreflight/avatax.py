"""Send checked certificates and customers to AvaTax through the official SDK.

The bridge between certpreflight and the AvaTax REST v2 Python SDK (PyPI
``Avalara``, module ``avalara``; install it with ``pip install
'certpreflight[avatax]'``). Three layers, each usable alone:

* :func:`to_avatax_certificates` / :func:`to_avatax_customers` turn a
  certificate in any dialect into CreateCertificates / CreateCustomers bodies
  (camelCase dicts). They need no SDK.
* :func:`findings_from_avatax_error` turns AvaTax's error envelope into
  :class:`~certpreflight.Finding` records. It needs no SDK and never raises.
* :func:`create_certificates_checked` / :func:`create_customers_checked`
  validate every certificate, hold back those with errors, and send the rest in
  one SDK call. HTTP errors and transport errors come back as findings on the
  sent items, so a caller handles one shape.

Facts: docs/sources.md#sdk-behaviours (method signatures, raw
``requests.Response`` results, no client-side checks, logging caveat),
docs/sources.md#avatax-models (field names), #avatax-error-codes (error numbers).

AvaTax takes one exposure zone per certificate (``exposureZone``), so a
certificate for several regions becomes one body per region. The split keeps
the verdict: ``validate()`` of each body, with its customers merged back in,
finds the same region-independent problems as the original, the same
per-region problems for that body's region, and no body has an error unless the
original has one. One legitimate difference: a certificate without a tax id
for an SST state *and* another state gives 6201 (error) on the original, while
the body for the other state alone gives 6202 (warning) instead.

The senders send an ``avalara.AvataxClient``'s request themselves, in one place
(``certpreflight._avatax_http.send``): the SDK method's URL, credentials and
``X-Avalara-Client`` header, with ``requests`` as the SDK does, but never following a
redirect (``requests.post`` sends a POST answered 302 again as a GET) and with ``timeout``
(default :data:`DEFAULT_TIMEOUT` seconds; the SDK's own default is 1,200 s) bounding the
whole call, not each read. The SDK's logging decorator is not run (it raises ``KeyError``
for a reply without ``x-correlation-id``, losing a reply that may say 201 Created); this
module logs the status and the correlation id instead. A client of another class (a
stand-in) is called as it is.

A reply is judged by its status and body: a 2xx must confirm every record sent (a list with
one record per body, matched in order by customer code, exposure zone and the other fields
both hold); a body it doesn't confirm is 5901 ``avatax-unconfirmed`` on its item. A 2xx
carrying an error envelope is an error, and a redirect (or a reply reached through one) is
2900 ``avatax-rejected``: nothing confirms the records were created.

Nothing here logs a request or response body (customer names, addresses, tax
ids, certificate images): log records carry counts, the company id, the HTTP
status and exception class names only. The SDK's own logger writes URL,
method and status at INFO; it logs bodies only when the client was built with
``is_log_req_resp_allowed=True``, which the senders refuse.

>>> bodies = to_avatax_certificates({"exempt_reason": "G", "regions": ["WA", "TX"],
...     "filename": "c.pdf", "customers": [{"customer_number": "C-1"}]})
>>> [(b["exposureZone"], b["exemptionReason"]) for b in bodies]
[({'name': 'Washington'}, {'name': 'RESALE'}), ({'name': 'Texas'}, {'name': 'RESALE'})]
"""

from __future__ import annotations

import json
import logging
import string
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

from certpreflight.dialects import zone_id
from certpreflight.engine import Payload, checked
from certpreflight.findings import FAMILIES, Finding, Report, Severity
from certpreflight.fixes import AppliedFix
from certpreflight.fixes import fix as repair
from certpreflight.literals import FixKind, Kind
from certpreflight.models import Customer, CustomerRecord, ExemptionCertificate
from certpreflight.options import ValidateOptions
from certpreflight.reference.countries import country_code
from certpreflight.reference.reasons import lookup_reason
from certpreflight.reference.regions import lookup_region
from certpreflight.rules import formatting as fmt
from certpreflight.rules import get_rule

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "AVATAX_ERRORS",
    "CERTIFICATE_INCLUDE",
    "DEFAULT_TIMEOUT",
    "PAGE_SIZE",
    "REJECTED_CODE",
    "UNCONFIRMED_CODE",
    "UNREACHABLE_CODE",
    "CertificateClient",
    "CustomerClient",
    "ExportClient",
    "ExportError",
    "ExportResult",
    "HeldItem",
    "SendResult",
    "SentItem",
    "create_certificates_checked",
    "create_customers_checked",
    "export",
    "findings_from_avatax_error",
    "to_avatax_certificates",
    "to_avatax_customers",
]

log = logging.getLogger(__name__)

#: Seconds a sender waits for AvaTax (connect and each read); ``timeout=`` changes it.
DEFAULT_TIMEOUT = 30.0


# --- the SDK, as far as this module uses it -------------------------------------------------------


class CertificateClient(Protocol):
    """What :func:`create_certificates_checked` needs: ``avalara.AvataxClient`` has it."""

    def create_certificates(self, companyId: Any, model: Any, include: Any = None) -> Any:  # noqa: N803 (the SDK's name)
        """``POST /api/v2/companies/{companyId}/certificates``; returns a ``requests.Response``."""


class CustomerClient(Protocol):
    """What :func:`create_customers_checked` needs: ``avalara.AvataxClient`` has it."""

    def create_customers(self, companyId: Any, model: Any) -> Any:  # noqa: N803 (the SDK's name)
        """``POST /api/v2/companies/{companyId}/customers``; returns a ``requests.Response``."""


# --- bodies ---------------------------------------------------------------------------------------


def _certificate(payload: Payload) -> ExemptionCertificate:
    """The model for a payload of any dialect; pydantic's ValidationError if it can't be read."""
    if isinstance(payload, ExemptionCertificate):
        return payload
    if isinstance(payload, (str, bytes, bytearray)):
        return ExemptionCertificate.model_validate_json(payload)
    if isinstance(payload, Mapping):
        return ExemptionCertificate.model_validate(payload)
    raise TypeError(
        f"expected an ExemptionCertificate, a mapping or JSON text, not {type(payload).__name__}"
    )


def _number(value: float) -> float | int:
    """100.0 -> 100, so bodies read like the ones in AvaTax's docs."""
    return int(value) if value.is_integer() else value


def _zone(value: str) -> str:
    """The exposure-zone name AvaTax expects ("Washington"), or the value as given."""
    region = lookup_region(value)
    return region.name if region is not None else value.strip()


def _zones(cert: ExemptionCertificate) -> list[str]:
    """One zone name per distinct region, in certificate order (duplicates dropped)."""
    return list(dict.fromkeys(_zone(value) for value in cert.regions))


def _reason(cert: ExemptionCertificate) -> dict[str, Any] | None:
    if cert.exempt_reason is not None and cert.exempt_reason.strip():
        reason = lookup_reason(cert.exempt_reason)
        return {"name": reason.avatax_name if reason is not None else cert.exempt_reason}
    if cert.exempt_reason_id is not None:
        ident = cert.exempt_reason_id
        return {"id": _id_number(ident)}
    return None


def _id_number(text: str) -> int | str:
    """An id as AvaTax's integer when it is one (ASCII digits that fit an int64), else as given.

    ``int()`` alone would raise for ``"²"`` (a digit to ``str.isdigit``) and for more than
    4,300 digits (Python's int <-> str cap).
    """
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return text


def _customer_link(customer: Customer, company_id: int | str | None) -> dict[str, Any]:
    link: dict[str, Any] = {"customerCode": customer.customer_number}
    if company_id is not None:
        link["companyId"] = company_id
    return link


def _shared_fields(cert: ExemptionCertificate, company_id: int | str | None) -> dict[str, Any]:
    """The fields every per-region body of ``cert`` carries (all but the exposure zone)."""
    fields: dict[str, Any] = {
        "signedDate": cert.effective_date.isoformat() if cert.effective_date else None,
        "expirationDate": cert.expiration_date.isoformat() if cert.expiration_date else None,
        "filename": cert.filename,
        "pdf": cert.pdf,
        "pages": list(cert.pages) if cert.pages is not None else None,
        "exemptionNumber": cert.tax_id,
        "exemptPercentage": None
        if cert.exempt_percentage is None
        else _number(cert.exempt_percentage),
        "isSingleCertificate": cert.single_use,
        "exemptionReason": _reason(cert),
        "exemptReasonDescription": cert.exempt_reason_description,
        "taxNumberType": cert.tax_id_type,
        "businessNumberType": cert.business_type,
        "valid": cert.valid,
        "poNumbers": [{"poNumber": po} for po in cert.po_numbers] or None,
        "customers": [_customer_link(c, company_id) for c in cert.customers] or None,
    }
    return {key: value for key, value in fields.items() if value is not None}


def to_avatax_certificates(
    certificate: Payload, *, company_id: int | str | None = None
) -> list[dict[str, Any]]:
    """CreateCertificates bodies (AvaTax REST v2 ``CertificateModel``), one per region.

    ``certificate`` is a model, a mapping in any dialect or JSON text. Regions
    become exposure zones by their full AvaTax names (``{"name": "Washington"}``);
    a region that does not resolve is sent as given, and a certificate without
    regions gives one body without ``exposureZone`` (AvaTax answers 1207). The
    reason is sent by its AvaTax name (``{"name": "RESALE"}``). Customers are
    linked by customer code (with ``companyId`` when given); create them with
    :func:`to_avatax_customers`. Empty fields are left out. Raises pydantic's
    ``ValidationError`` (a ``ValueError``) for input that can't be read at all:
    :func:`certpreflight.validate` says why.
    """
    cert = _certificate(certificate)
    shared = _shared_fields(cert, company_id)
    zones = _zones(cert)
    if not zones:
        return [shared]
    if len(zones) == 1 and cert.jurisdictions:
        # AvaTax 26.6: the local jurisdictions of a certificate lie within its one zone
        shared["jurisdictions"] = [
            {k: v for k, v in j.model_dump().items() if v is not None} for j in cert.jurisdictions
        ]
    first: dict[str, str] = {}  # each zone's first region as given
    for value in cert.regions:
        first.setdefault(_zone(value), value)
    bodies = []
    for zone in zones:
        body = {**shared, "exposureZone": zone_reference(zone)}
        region = lookup_region(first[zone])
        number = cert.tax_id_for(region.code) if region is not None else cert.tax_id
        if number is not None:  # each zone's own number (tax_ids), else the one tax_id
            body["exemptionNumber"] = number
        bodies.append(body)
    return bodies


def zone_reference(zone: str) -> dict[str, Any]:
    """An ``ExposureZoneModel`` reference: by name (``{"name": "Washington"}``), or by id for
    a zone given by its id only (``#117`` -> ``{"id": 117}``): AvaTax matches zones by name,
    and certpreflight never invents a zone's name."""
    ident = zone_id(zone)
    return {"name": _zone(zone)} if ident is None else {"id": ident}


def _customer_region(customer: Customer) -> str | None:
    """The 2-3 character code AvaTax wants for ``region`` ("WA" for "Washington")."""
    if customer.region is None:
        return None
    region = lookup_region(customer.region, customer.country)
    return region.short if region is not None else customer.region


def _customer_country(customer: Customer) -> str | None:
    """The ISO 3166-1 alpha-2 code AvaTax wants for ``country`` ("US" for "USA")."""
    if customer.country is None:
        return None
    return country_code(customer.country) or customer.country


def to_avatax_customers(
    certificate: Payload, *, company_id: int | str | None = None
) -> list[dict[str, Any]]:
    """CreateCustomers bodies (AvaTax REST v2 ``CustomerModel``) for the linked customers.

    One body per linked customer, in order, with ``customerCode``, ``name``,
    ``line1``, ``line2``, ``city``, ``region``, ``postalCode``, ``country`` and
    ``companyId`` when given; empty fields are left out. Regions and countries
    that resolve are sent as the codes AvaTax expects (``WA``, ``US``), anything
    else as given.
    """
    cert = _certificate(certificate)
    bodies = []
    for customer in cert.customers:
        fields: dict[str, Any] = {
            "companyId": company_id,
            "customerCode": customer.customer_number,
            "name": customer.name,
            "line1": customer.address_line1,
            "line2": customer.address_line2,
            "city": customer.city,
            "region": _customer_region(customer),
            "postalCode": customer.postal_code,
            "country": _customer_country(customer),
        }
        bodies.append({key: value for key, value in fields.items() if value is not None})
    return bodies


# --- AvaTax errors -> findings --------------------------------------------------------------------

#: Finding code for an AvaTax error with no matching rule (not a catalogue rule: no check).
REJECTED_CODE = 2900
#: Finding code for a send that never got an HTTP answer (connection refused, timeout).
UNREACHABLE_CODE = 5900
#: Finding code for a record sent that a 2xx reply does not confirm (not listed in it).
UNCONFIRMED_CODE = 5901


@dataclass(frozen=True, slots=True)
class _Known:
    """A known AvaTax error number and the certpreflight rule that predicts it."""

    code: int
    name: str
    avatax_names: tuple[str, ...]
    fix: str
    loc: tuple[str | int, ...] = ()


#: AvaTax error number -> the rule that predicts it (docs/sources.md#avatax-error-codes).
AVATAX_ERRORS: Mapping[int, _Known] = MappingProxyType(
    {
        125: _Known(
            3201,
            "country-invalid",
            ("InvalidCountry",),
            "Send the customer's country as a 2-letter ISO 3166-1 code, for example US or CA.",
        ),
        126: _Known(
            3202,
            "region-not-in-country",
            ("InvalidCountryRegion",),
            "Send a region code that exists in the customer's country, for example WA in US.",
        ),
        317: _Known(
            3301,
            "postal-code-invalid",
            ("InvalidPostalCode",),
            "Send a postal code in the format of the customer's country (98101, K1A 0B1).",
        ),
        1200: _Known(
            6302,
            "business-type-invalid",
            ("InvalidBusinessType",),
            "Use a Streamlined Sales Tax business type code from 1 to 20.",
            ("business_type",),
        ),
        1204: _Known(
            2401,
            "attachment-missing",
            ("MissingRequiredFields",),
            "Give the certificate exactly one of filename, pdf or pages.",
        ),
        1207: _Known(
            3002,
            "regions-missing",
            ("MissingExposureZone",),
            "Give the certificate an exposure zone, for example {'name': 'Washington'}.",
            ("regions",),
        ),
        1210: _Known(
            2301,
            "reason-missing",
            ("MissingExemptReason",),
            "Set the exempt reason (for example G / RESALE) the purchaser claims.",
            ("exempt_reason",),
        ),
        1211: _Known(
            2302,
            "reason-unknown",
            ("InvalidExemptReason",),
            "Use a reason from ListCertificateExemptReasons, such as RESALE.",
            ("exempt_reason",),
        ),
        1213: _Known(
            2402,
            "attachment-conflicting",
            ("ConflictingFields",),
            "Give the certificate only one of filename, pdf or pages.",
        ),
        1214: _Known(
            2403,
            "attachment-empty",
            ("InvalidPdfOrImageFile",),
            "Send the certificate's PDF or page images as non-empty Base64.",
        ),
    }
)

#: Any other AvaTax error: the number, code name and text stay in the finding's ``errors``.
_REJECTED = _Known(
    REJECTED_CODE, "avatax-rejected", (), "Correct what AvaTax names and send again."
)

_BY_AVATAX_NAME: Mapping[str, int] = MappingProxyType(
    {name.lower(): number for number, k in AVATAX_ERRORS.items() for name in k.avatax_names}
)

_SEVERITIES = {"warning": Severity.WARNING, "success": Severity.INFO}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        number = _id_number(value.strip())
        return number if isinstance(number, int) else None
    return None


def _has_fields(template: str) -> bool:
    try:
        return any(name is not None for _, name, _, _ in string.Formatter().parse(template))
    except ValueError:
        return True


def _rule_texts(known: _Known) -> tuple[str, str]:
    """(name, fix) from the catalogue rule when it exists, else from the table."""
    try:
        rule = get_rule(known.code)
    except KeyError:
        return known.name, known.fix
    return rule.name, known.fix if _has_fields(rule.fix) else rule.fix


def _certcapture(description: str) -> dict[str, Any] | None:
    """CertCapture's ``{"success":false,"code":..,"error":..}`` inside a 1203 description."""
    if not description.startswith("{"):
        return None
    try:
        inner = json.loads(description)
    except ValueError:
        return None
    return inner if isinstance(inner, dict) and "error" in inner else None


def _detail_number(detail: Mapping[str, Any], envelope: Mapping[str, Any]) -> int | None:
    """The AvaTax error number of one ``details[]`` entry: given, or known by its code name."""
    number = _as_int(detail.get("number"))
    if number is None:
        avatax_name = _text(detail.get("code")) or _text(envelope.get("code"))
        number = _BY_AVATAX_NAME.get(avatax_name.lower())
    return number


def _known(number: int | None) -> _Known:
    return AVATAX_ERRORS.get(number, _REJECTED) if number is not None else _REJECTED


def _detail_finding(
    detail: Mapping[str, Any], envelope: Mapping[str, Any], number: int | None
) -> Finding:
    """One ``details[]`` entry (or the envelope itself), whose number is ``number``
    (:func:`_detail_number`) -> one Finding."""
    avatax_name = _text(detail.get("code")) or _text(envelope.get("code"))
    message = _text(detail.get("message")) or _text(envelope.get("message"))
    message = message or "AvaTax rejected the request."
    description = _text(detail.get("description"))
    help_link = _text(detail.get("helpLink"))
    label = " ".join(p for p in (str(number) if number is not None else "", avatax_name) if p)
    errors = {"avatax": f"{label}: {message}" if label else message}
    summary = description or message
    inner = _certcapture(description)
    if inner is not None:
        cc_code, cc_error = _text(inner.get("code")), _text(inner.get("error"))
        errors["certcapture"] = f"{cc_code}: {cc_error}"
        summary = f"CertCapture rejected it (code {cc_code}): {cc_error}"
    target = _text(detail.get("refersTo")) or _text(envelope.get("target"))
    if target:
        errors["target"] = target
    severity = _SEVERITIES.get(_text(detail.get("severity")).lower(), Severity.ERROR)
    known = _known(number)
    name, fix = _rule_texts(known)
    if known is _REJECTED and help_link:
        fix = f"See {help_link}"
    return _finding(
        known.code,
        name,
        message=message,
        summary=summary,
        fix=fix,
        errors=errors,
        severity=severity,
        loc=known.loc,
    )


def _finding(
    code: int,
    name: str,
    *,
    message: str,
    summary: str,
    fix: str,
    errors: Mapping[str, str],
    severity: Severity = Severity.ERROR,
    loc: tuple[str | int, ...] = (),
) -> Finding:
    """A Finding outside the catalogue's rules: its type follows from the code's family."""
    return Finding(
        code=code,
        name=name,
        type=FAMILIES[code // 1000],
        severity=severity,
        message=message,
        summary=summary,
        fix=fix,
        errors=MappingProxyType(dict(errors)),
        loc=loc,
    )


def _envelope(body: Any) -> Mapping[str, Any] | None:
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", errors="replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return None
    error = body.get("error") if isinstance(body, Mapping) else None
    return error if isinstance(error, Mapping) else None


def findings_from_avatax_error(body: Any) -> list[Finding]:
    """Findings for an AvaTax error response; at least one, and never raises.

    ``body`` is the parsed JSON, or JSON text / bytes, of
    ``{"error": {"code", "message", "target", "details": [...]}}``. Each detail
    becomes a Finding: known numbers (:data:`AVATAX_ERRORS`) take the code and
    name of the certpreflight rule that predicts them, and its fix; others get
    code 2900 ``avatax-rejected`` with the help link as the fix. The message is
    AvaTax's (``-0-`` placeholders as given), the summary its description; for
    1203 the CertCapture error inside the description is unpacked.
    ``errors["avatax"]`` keeps AvaTax's number, code name and message. Anything
    that is not an error envelope gives one ``avatax-rejected`` finding. At most 20
    findings a code are made, in the order of the details, and a last 4013
    ``findings-capped`` counts the rest, as in every report.
    """
    try:
        envelope = _envelope(body)
        if envelope is None:
            return [_unreadable(body)]
        details = envelope.get("details")
        entries = (
            [d for d in details if isinstance(d, Mapping)] if isinstance(details, list) else []
        )
        made: list[Finding] = []
        per_code: Counter[int] = Counter()
        left_out: Counter[int] = Counter()
        for detail in entries or [envelope]:
            number = _detail_number(detail, envelope)
            code = _known(number).code
            per_code[code] += 1
            if per_code[code] > fmt.MAX_FINDINGS_PER_RULE:
                left_out[code] += 1  # not made: 200,000 details are one item's reply
            else:
                made.append(_detail_finding(detail, envelope, number))
        if left_out:
            made.append(fmt.left_out_finding(left_out))
        return made
    except Exception:  # documented: never raises on odd input
        return [_unreadable(body)]


def _unreadable(body: Any) -> Finding:
    size = len(body) if isinstance(body, (str, bytes, bytearray)) else 0
    return _finding(
        REJECTED_CODE,
        "avatax-rejected",
        message="AvaTax rejected the request without an error the library could read.",
        summary=f"The reply was not an AvaTax error envelope ({type(body).__name__}, {size} "
        "characters); a proxy or gateway may have answered instead of AvaTax.",
        fix="Check the HTTP status and the service's status page, then send again.",
        errors={"avatax": "no error envelope"},
    )


def _unreachable(exc: BaseException) -> Finding:
    kind = type(exc).__name__
    return _finding(
        UNREACHABLE_CODE,
        "avatax-unreachable",
        message=f"AvaTax could not be reached ({kind}).",
        summary="The request got no readable HTTP answer. If it reached AvaTax before "
        "failing, the records may have been created anyway.",
        fix="Check the network and the base URL; query the company's certificates or customers "
        "before sending again, so nothing is created twice.",
        errors={"avatax": kind},
    )


# --- checked senders ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeldItem:
    """A certificate (or customer record) not sent because its report has errors."""

    payload: Any
    report: Report
    #: The repairs applied before checking it (``fix="safe"``): ``(code, loc, before, after)``.
    fixes: tuple[AppliedFix, ...] = ()

    @property
    def customers(self) -> tuple[str, ...]:
        """The customers whose problems hold it: the codes its errors name, in order."""
        codes = (f.customer_number for f in self.report.errors if f.customer_number is not None)
        return tuple(dict.fromkeys(codes))


@dataclass(frozen=True, slots=True)
class SentItem:
    """A certificate that was sent (or, in a dry run, would be).

    ``bodies`` are the JSON bodies it contributed to the one request.
    ``report`` holds the validation findings (warnings, infos) followed by what
    AvaTax said: the findings of an HTTP error or of a transport failure.
    ``response`` is this item's part of the response JSON (the created records
    when the reply is a list matching the bodies, else the whole reply); None in
    a dry run or without an answer.
    """

    payload: Any
    certificate: ExemptionCertificate
    bodies: tuple[dict[str, Any], ...]
    report: Report
    response: Any = None
    #: The repairs applied before checking and sending it (``fix="safe"``), as
    #: ``(code, loc, before, after)``; ``payload`` is then the repaired record.
    fixes: tuple[AppliedFix, ...] = ()

    @property
    def ok(self) -> bool:
        """True when neither validation nor AvaTax reported an error."""
        return self.report.ok


@dataclass(frozen=True, slots=True)
class SendResult:
    """What a checked send did: the items sent (or to send) and the items held back."""

    sent: tuple[SentItem, ...] = ()
    held: tuple[HeldItem, ...] = ()
    dry_run: bool = False
    status_code: int | None = None
    response: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True when nothing was held and every sent item went through."""
        return not self.held and all(item.ok for item in self.sent)

    @property
    def bodies(self) -> list[dict[str, Any]]:
        """Every body of the one request, in order: what was (or would be) sent."""
        return [body for item in self.sent for body in item.bodies]


Bodies = Callable[[ExemptionCertificate], list[dict[str, Any]]]


def _check(
    payloads: Iterable[Payload],
    options: Mapping[str, Any],
    to_bodies: Bodies,
    *,
    customers: bool = False,
) -> tuple[list[tuple[Any, ExemptionCertificate, Report, list[dict[str, Any]]]], list[HeldItem]]:
    """Validate every payload: (payload, model, report, bodies) to send, and the held ones.

    With ``customers``, a customer record (any dialect, ``kind`` detected) is sent as the one
    customer of a certificate holding it; otherwise every payload is read as a certificate.
    """
    if isinstance(payloads, (Mapping, str, bytes, bytearray, ExemptionCertificate)):
        raise TypeError("pass an iterable of certificates, not a single certificate")
    payloads = list(payloads)
    ready = []
    held = []
    kind: Kind | None = None if customers else "certificate"
    for payload, (report, read) in zip(
        payloads, checked(payloads, kind=kind, **options), strict=True
    ):
        if report.ok and isinstance(read.record, CustomerRecord):
            cert: ExemptionCertificate | None = ExemptionCertificate.model_construct(
                customers=(read.record,)
            )
        else:
            try:
                cert = _certificate(payload) if report.ok and report.kind == "certificate" else None
            except ValidationError:
                cert = None
        if cert is None:
            held.append(HeldItem(payload, report))
        else:
            ready.append((payload, cert, report, to_bodies(cert)))
    return ready, held


def _reply(response: Any) -> tuple[int | None, Any, bytes]:
    """(status, parsed JSON or None, raw bytes) of a ``requests.Response``-like object."""
    status = getattr(response, "status_code", None)
    raw = getattr(response, "content", b"")
    raw = raw if isinstance(raw, (bytes, bytearray)) else b""
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None
    return (status if isinstance(status, int) else None), parsed, bytes(raw)


def _sdk_failure(exc: Exception) -> bool:
    """True for errors of the wire, not of the program.

    ``OSError`` covers every ``requests`` exception (connection refused, timeout).
    The SDK's logging wrapper raises ``KeyError('x-correlation-id')`` when a reply
    (say a gateway's 502) lacks that header, losing the reply: also the wire.
    """
    if isinstance(exc, OSError):
        return True
    return isinstance(exc, KeyError) and exc.args == ("x-correlation-id",)


def _refuse_body_logging(client: Any) -> None:
    if getattr(client, "is_log_req_resp_allowed", False):
        raise ValueError(
            "this AvataxClient logs request and response bodies (customer names, addresses, "
            "tax ids); create it with is_log_req_resp_allowed=False"
        )


def _send(
    call: Callable[[list[dict[str, Any]]], Any],
    ready: Sequence[tuple[Any, ExemptionCertificate, Report, list[dict[str, Any]]]],
    held: list[HeldItem],
    *,
    what: str,
    dry_run: bool,
) -> SendResult:
    """Send the ready items' bodies in one call and attach AvaTax's answer to each item."""
    bodies = [body for *_, item_bodies in ready for body in item_bodies]
    log.info("%s: %d to send (%d bodies), %d held", what, len(ready), len(bodies), len(held))
    if dry_run or not bodies:
        sent = tuple(SentItem(p, c, tuple(b), r) for p, c, r, b in ready)
        return SendResult(sent=sent, held=tuple(held), dry_run=dry_run)
    try:
        response = call(bodies)
        status, parsed, raw = _reply(response)
    except Exception as exc:
        if not _sdk_failure(exc):
            raise
        log.warning("%s: no answer from AvaTax (%s)", what, type(exc).__name__)
        extra: tuple[Finding, ...] = (_unreachable(exc),)
        sent = tuple(SentItem(p, c, tuple(b), _plus(r, extra)) for p, c, r, b in ready)
        return SendResult(sent=sent, held=tuple(held))
    headers = getattr(response, "headers", None)
    correlation = getattr(headers, "get", lambda _: None)("x-correlation-id")
    log.info("%s: AvaTax answered HTTP %s (x-correlation-id %s)", what, status, correlation)
    redirect = _redirect(response, status)
    if redirect is not None:
        extra = (redirect,)
    elif status is not None and 200 <= status < 300 and _envelope(parsed) is None:
        parts = _confirmed(parsed, [b for *_, b in ready])
        sent = tuple(
            SentItem(p, c, tuple(b), _plus(r, missing) if missing else r, part)
            for (p, c, r, b), (part, missing) in zip(ready, parts, strict=True)
        )
        return SendResult(sent=sent, held=tuple(held), status_code=status, response=parsed)
    else:  # an error, or a 2xx carrying an error envelope
        extra = tuple(findings_from_avatax_error(parsed if parsed is not None else raw))
    sent = tuple(SentItem(p, c, tuple(b), _plus(r, extra), parsed) for p, c, r, b in ready)
    return SendResult(sent=sent, held=tuple(held), status_code=status, response=parsed)


def _redirect(response: Any, status: int | None) -> Finding | None:
    """The finding of a reply that is a redirect (3xx), or that a client reached by
    following one (``requests``' ``Response.history``); None for any other reply."""
    history = getattr(response, "history", None)
    followed = history[0] if isinstance(history, (list, tuple)) and history else None
    if followed is None and (status is None or not 300 <= status < 400):
        return None
    first = response if followed is None else followed
    code = getattr(first, "status_code", status)
    where = getattr(getattr(first, "headers", None), "get", lambda _: None)("location")
    target = f" to {str(where)[:200]}" if where else ""
    return _finding(
        REJECTED_CODE,
        "avatax-rejected",
        message=f"AvaTax answered with a redirect (HTTP {code}{target}); the records were not "
        "sent there.",
        summary="A request that creates records is never sent again to another address: a "
        "POST followed as a redirect becomes a GET, whose answer says nothing of what was "
        "created.",
        fix="Check the client's base URL (https, the right environment); query the company's "
        "certificates or customers before sending again.",
        errors={"avatax": f"HTTP {code} redirect"},
    )


def _plus(report: Report, findings: tuple[Finding, ...]) -> Report:
    """The report's findings followed by AvaTax's, at most 20 a rule in all (one 4013)."""
    joined = report.findings + findings
    if len(joined) > fmt.MAX_FINDINGS_PER_RULE:
        joined = tuple(fmt.capped(joined, by_code=False))
    return Report(findings=joined, certificate_id=report.certificate_id)


#: The fields a created record and the body it came from both hold, compared to match them
#: (CertificateModel, CustomerModel: docs/sources.md#avatax-models): the customer code
#: exactly, the exposure zone by its name (any case), a date by its day (AvaTax may write
#: ``2026-01-15T00:00:00`` for ``2026-01-15``).
_MATCHED = ("customerCode", "exposureZone", "signedDate", "expirationDate")


def _same(body: Mapping[str, Any], record: Any) -> bool:
    """True when ``record`` (one element of a 2xx reply) can be the one made of ``body``:
    every field of :data:`_MATCHED` that both hold agrees."""
    if not isinstance(record, Mapping):
        return False
    for key in _MATCHED:
        if key not in body or record.get(key) is None:
            continue
        mine, theirs = body[key], record[key]
        if isinstance(mine, Mapping) and isinstance(theirs, Mapping):
            mine, theirs = _text(mine.get("name")).casefold(), _text(theirs.get("name")).casefold()
            if not mine or not theirs:
                continue
        elif key.endswith("Date") and isinstance(mine, str) and isinstance(theirs, str):
            mine, theirs = mine[:10], theirs[:10]
        if mine != theirs:
            return False
    return True


#: Records of a reply looked at past the last one matched, for the next body: AvaTax lists
#: what it created in order, so a longer gap only makes later bodies unconfirmed (query
#: before resending), never confirms one wrongly; and a hostile reply costs at most this
#: many comparisons a body.
_LOOK_AHEAD = 100


def _confirmed(
    parsed: Any, items: list[list[dict[str, Any]]]
) -> list[tuple[Any, tuple[Finding, ...]]]:
    """Per item: its records in a 2xx reply, and a 5901 finding for each of its bodies that
    the reply does not confirm. The reply confirms a body with the next record that
    :func:`_same` matches, in order (AvaTax lists what it created in the order sent); a
    reply that is no list confirms nothing."""
    records = parsed if isinstance(parsed, list) else []
    at = 0
    out: list[tuple[Any, tuple[Finding, ...]]] = []
    for bodies in items:
        mine: list[Any] = []
        missing: list[int] = []
        for index, body in enumerate(bodies):
            ahead = range(at, min(len(records), at + _LOOK_AHEAD))
            found = next((j for j in ahead if _same(body, records[j])), None)
            if found is None:
                missing.append(index)
            else:
                mine.append(records[found])
                at = found + 1
        part = mine if isinstance(parsed, list) else parsed
        out.append((part, (_unconfirmed(parsed, bodies, missing),) if missing else ()))
    return out


def _unconfirmed(parsed: Any, bodies: list[dict[str, Any]], missing: list[int]) -> Finding:
    listed = len(parsed) if isinstance(parsed, list) else None
    reply = f"a list of {listed} records" if listed is not None else type(parsed).__name__
    which = ", ".join(_label(bodies[i], i) for i in missing[:20])
    if len(missing) > 20:
        which += f" and {len(missing) - 20} more"
    return _finding(
        UNCONFIRMED_CODE,
        "avatax-unconfirmed",
        message=f"AvaTax's reply does not confirm {len(missing)} of the {len(bodies)} records "
        f"sent for this item: {which}.",
        summary=f"AvaTax answered with success but its reply ({reply}) does not list these "
        "records, so nothing shows they were created.",
        fix="Query the company's certificates or customers for them before sending them "
        "again, so nothing is created twice.",
        errors={"avatax": f"{len(missing)} not confirmed"},
    )


def _label(body: Mapping[str, Any], index: int) -> str:
    """How a message names a body: its customer code or exposure zone, else its place."""
    code = body.get("customerCode")
    if isinstance(code, str) and code:
        return f"customer {code[:60]!r}"
    zone = body.get("exposureZone")
    if isinstance(zone, Mapping) and isinstance(zone.get("name"), str):
        return f"zone {str(zone['name'])[:60]!r}"
    return f"body {index + 1}"


def _sdk_call(
    client: Any, name: str, company_id: int | str, timeout: float | None
) -> Callable[[Any], Any]:
    """``client.<name>(company_id, bodies)`` as a one-argument call.

    For an ``avalara.AvataxClient`` whose method is the SDK's own, the request is the one
    :func:`certpreflight._avatax_http.send` makes (a POST of the bodies, or a query's GET;
    no redirect, ``timeout`` for the whole call; None: the client's ``timeout_limit``); the
    caller's client is not changed.
    Any other client (a stand-in, a subclass with its own method) is called as it is.
    """
    sdk = getattr(sys.modules.get("avalara"), "AvataxClient", None)
    method = getattr(type(client), name, None)
    if isinstance(sdk, type) and isinstance(client, sdk) and method is getattr(sdk, name, None):
        from certpreflight._avatax_http import send  # noqa: PLC0415 - the SDK's requests

        verb, under = _PATHS[name]
        path = f"/api/v2/companies/{company_id}/{under}"
        if verb == "GET":  # a query: its argument is the query's parameters
            return lambda params: send(client, verb, path, timeout, params=params)
        return lambda bodies: send(client, verb, path, timeout, bodies=bodies)
    bound = getattr(client, name)
    return lambda bodies: bound(company_id, bodies)


#: The SDK methods the senders and the export call: the method and the path under the company
#: (``client_methods.py``, docs/sources.md#sdk-behaviours).
_PATHS = {
    "create_certificates": ("POST", "certificates"),
    "create_customers": ("POST", "customers"),
    "query_certificates": ("GET", "certificates"),
    "query_customers": ("GET", "customers"),
}


Repaired = tuple[list[Any], dict[int, tuple[AppliedFix, ...]]]


def _repaired(payloads: Iterable[Payload], fix: str | None, options: Mapping[str, Any]) -> Repaired:
    """The payloads repaired (``fix="safe"`` or ``"unsafe"``), and the repairs by record id."""
    if fix is None or isinstance(payloads, (Mapping, str, bytes, bytearray, ExemptionCertificate)):
        return payloads, {}  # type: ignore[return-value]  # (_check refuses a single one)
    if fix not in ("safe", "unsafe"):
        raise ValueError(f"fix is 'safe', 'unsafe' or None, not {fix!r}")
    records, applied = [], {}
    for payload in payloads:
        result = repair(payload, unsafe=fix == "unsafe", **options)
        records.append(result.record)
        applied[id(result.record)] = result.applied
        if result.applied:
            log.info("fixed %s: %s", result.report.certificate_id, [a.code for a in result.applied])
    return records, applied


def _with_fixes(result: SendResult, applied: Mapping[int, tuple[AppliedFix, ...]]) -> SendResult:
    if not applied:
        return result
    sent = tuple(dc_replace(i, fixes=applied.get(id(i.payload), ())) for i in result.sent)
    held = tuple(dc_replace(i, fixes=applied.get(id(i.payload), ())) for i in result.held)
    return dc_replace(result, sent=sent, held=held)


def _options(validate_options: Mapping[str, Any]) -> dict[str, Any]:
    """Validation options for a send: the ``avatax`` profile unless the caller picks one."""
    return {"profile": "avatax", **validate_options}


def create_certificates_checked(
    client: CertificateClient,
    company_id: int | str,
    certificates: Iterable[Payload],
    *,
    dry_run: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    fix: FixKind | None = None,
    **validate_options: Unpack[ValidateOptions],
) -> SendResult:
    """Validate every certificate and create the ones without errors in ONE SDK call.

    ``client`` is an ``avalara.AvataxClient`` (anything with its
    ``create_certificates(companyId, model, include=None)``). Certificates
    with an error finding are held back with their report and never sent; the
    rest become :func:`to_avatax_certificates` bodies (one per region) in a
    single ``POST /api/v2/companies/{company_id}/certificates``.
    ``validate_options`` go to :func:`certpreflight.validate` (``today``,
    ``matrix``, ``select``, ``ignore``, ``options``); the profile defaults to
    ``"avatax"``. ``dry_run=True`` sends nothing: ``result.bodies`` shows what
    would go.

    ``timeout`` is how many seconds to wait for AvaTax (None: the client's own
    ``timeout_limit``, whose SDK default is 1,200 s). A reply is judged by its status and
    body, also when it lacks the ``x-correlation-id`` header the SDK's logging needs: a
    2xx is never reported as unreachable. An HTTP error reply becomes findings
    (:func:`findings_from_avatax_error`) on every sent item; no answer at all (connection
    refused, timeout) becomes an ``avatax-unreachable`` finding. Either way the call does
    not raise for it.
    A 4xx does not prove nothing was created (docs/sources.md#sdk-behaviours): query before
    resending. Raises only for programming errors: a bad option, a single
    certificate instead of an iterable, a client that logs bodies.

    ``fix="safe"`` repairs each certificate with :func:`certpreflight.fixes.fix` before
    checking it (``"unsafe"`` adds the unsafe fixes): each item's ``fixes`` says what was
    changed, as ``(code, loc, before, after)``, and its ``payload`` is the repaired record.
    """
    _refuse_body_logging(client)
    options = _options(validate_options)
    certificates, applied = _repaired(certificates, fix, options)
    ready, held = _check(
        certificates,
        options,
        lambda cert: to_avatax_certificates(cert, company_id=company_id),
    )
    call = _sdk_call(client, "create_certificates", company_id, timeout)
    result = _send(call, ready, held, what="create_certificates", dry_run=dry_run)
    return _with_fixes(result, applied)


def create_customers_checked(
    client: CustomerClient,
    company_id: int | str,
    certificates: Iterable[Payload],
    *,
    dry_run: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    fix: FixKind | None = None,
    **validate_options: Unpack[ValidateOptions],
) -> SendResult:
    """Validate every certificate and create the linked customers of the good ones in ONE call.

    The customers-first half of a sync: the same validation and holding as
    :func:`create_certificates_checked` (so both calls hold the same
    certificates), then one ``POST /api/v2/companies/{company_id}/customers``
    with :func:`to_avatax_customers` bodies. A customer linked to several
    certificates is sent once, with the first certificate that links it. ``timeout`` and
    ``fix`` as there. ``certificates`` may hold customer records too (an AvaTax
    ``CustomerModel``, a CertCapture customer, a native customer; the kind is detected): a
    clean one is sent as it is, one with errors is held. A held item's ``customers`` names
    the customers whose problems hold it.
    """
    _refuse_body_logging(client)
    seen: set[Any] = set()

    def bodies(cert: ExemptionCertificate) -> list[dict[str, Any]]:
        out = []
        for body in to_avatax_customers(cert, company_id=company_id):
            key = body.get("customerCode")
            if key is None or key not in seen:
                seen.add(key)
                out.append(body)
        return out

    options = _options(validate_options)
    certificates, applied = _repaired(certificates, fix, options)
    ready, held = _check(certificates, options, bodies, customers=True)
    call = _sdk_call(client, "create_customers", company_id, timeout)
    result = _send(call, ready, held, what="create_customers", dry_run=dry_run)
    return _with_fixes(result, applied)


# --- export: what AvaTax holds, for a sync plan ---------------------------------------------------

#: Records a page of ``QueryCustomers`` / ``QueryCertificates``: AvaTax's maximum (``$top``).
PAGE_SIZE = 1000
#: What each certificate of the export carries: its customers (the links) and PO numbers.
CERTIFICATE_INCLUDE = "customers,po_numbers"


class ExportClient(Protocol):
    """What :func:`export` needs: ``avalara.AvataxClient`` has it."""

    def query_customers(self, companyId: Any, include: Any = None) -> Any:  # noqa: N803 (the SDK's name)
        """``GET /api/v2/companies/{companyId}/customers``; returns a ``requests.Response``."""

    def query_certificates(self, companyId: Any, include: Any = None) -> Any:  # noqa: N803 (the SDK's name)
        """``GET /api/v2/companies/{companyId}/certificates``; a ``requests.Response``."""


class ExportError(Exception):
    """AvaTax answered a page of the export with an error, or could not be reached.

    ``findings`` say what AvaTax said (:func:`findings_from_avatax_error`), or that it
    could not be reached; ``status`` is the HTTP status (None without an answer). Nothing
    is written when the export fails: a plan against half an export would orphan the rest.
    """

    def __init__(self, what: str, status: int | None, findings: Sequence[Finding]) -> None:
        self.status = status
        self.findings = tuple(findings)
        said = "; ".join(f.message for f in self.findings) or "no answer"
        super().__init__(f"{what}: HTTP {status}: {said}" if status else f"{what}: {said}")


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What :func:`export` wrote: how many customers and certificates, in how many pages."""

    path: str
    customers: int
    certificates: int
    pages: int


def _pages(
    call: Callable[[Any], Any], what: str, include: str | None, page_size: int
) -> Iterator[dict[str, Any]]:
    """Every FetchResult page of one query, as parsed JSON, by ``$top`` / ``$skip``."""
    skip = 0
    while True:
        params: dict[str, Any] = {"$top": page_size, "$skip": skip}
        if include:
            params["$include"] = include
        try:
            status, parsed, raw = _reply(call(params))
        except Exception as exc:
            if not _sdk_failure(exc):
                raise
            raise ExportError(what, None, [_unreachable(exc)]) from None
        values = parsed.get("value") if isinstance(parsed, dict) else None
        if status != 200 or not isinstance(values, list):
            raise ExportError(what, status, findings_from_avatax_error(parsed or raw))
        log.info("%s: %d records from $skip=%d (HTTP %s)", what, len(values), skip, status)
        yield parsed
        skip += len(values)
        total = parsed.get("@recordsetCount")
        more = parsed.get("@nextLink") or (isinstance(total, int) and skip < total)
        if not values or not more:
            return


def export(
    client: ExportClient,
    company_id: int | str,
    path: str,
    *,
    page_size: int = PAGE_SIZE,
    timeout: float | None = DEFAULT_TIMEOUT,
    certificate_include: str | None = CERTIFICATE_INCLUDE,
    customer_include: str | None = None,
) -> ExportResult:
    """Write what AvaTax holds for ``company_id`` to ``path``: the file a sync plan reads
    (:func:`certpreflight.plan`, ``certpreflight plan --against``).

    Pages through ``QueryCustomers`` and ``QueryCertificates`` (``$top`` ``page_size``,
    1,000 by default, AvaTax's maximum; ``$skip`` until ``@recordsetCount`` records came or
    a page is empty), certificates with ``$include=customers,po_numbers`` so the export
    holds their links and PO numbers, and writes the FetchResult pages as AvaTax returned
    them (``{"@recordsetCount": N, "value": [...]}``), customers' pages first, atomically:
    a page a line (NDJSON), or one JSON array of them when ``path`` ends in ``.json``.
    ``client`` is an ``avalara.AvataxClient`` (``timeout`` as for the senders: each call
    waits that long at most). Raises :class:`ExportError` when a page
    fails (nothing is written), ``ValueError`` for a client that logs bodies.

    Nothing here logs a record: log entries carry counts and statuses only.
    """
    from certpreflight.reports.output import open_output  # noqa: PLC0415 (writes files)

    _refuse_body_logging(client)
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, not {page_size}")
    queries = (
        ("query_customers", customer_include),
        ("query_certificates", certificate_include),
    )
    counts = [0, 0]
    written = 0
    array = path.lower().endswith(".json")  # else NDJSON: a page a line, read the fastest
    with open_output(path, sys.stdout) as out:  # replaced only when every page came
        out.write("[" if array else "")
        for number, (name, include) in enumerate(queries):
            call = _sdk_call(client, name, company_id, timeout)
            for page in _pages(call, name, include, page_size):
                if array:
                    out.write(",\n" if written else "\n")
                out.write(json.dumps(page, ensure_ascii=False, separators=(",", ":")))
                out.write("" if array else "\n")
                counts[number] += len(page["value"])
                written += 1
        out.write("\n]\n" if array else "")
    return ExportResult(path, counts[0], counts[1], written)
