"""Status rules (5xxx): dates and when CertCapture will send the certificate.

Facts: docs/sources.md#certcapture-sync-errors and #certificate-rules (a
future effective date leaves the certificate ``PENDING-FUTURE`` until that
date).
"""

from __future__ import annotations

import re

from certpreflight.findings import Severity
from certpreflight.models import ExemptionCertificate
from certpreflight.rules._base import NO_HITS, Context, Hit, Hits, rule

__all__ = [
    "certificate_expired",
    "certificate_expiring_soon",
    "certificate_invalid",
    "date_ambiguous",
    "effective_date_in_future",
    "effective_date_missing",
    "expiration_before_effective",
    "expiration_date_missing",
]


@rule(
    code=5101,
    name="effective-date-in-future",
    severity=Severity.WARNING,
    message="Certificate record couldn't be found or didn't meet send credentials.",
    summary="The effective date {effective_date} is {days} day(s) after today ({today}); "
    "CertCapture holds the certificate as PENDING-FUTURE and sends it to AvaTax only then.",
    fix="Nothing to do if {effective_date} is right: sales before it stay taxed. If it is a "
    "typo, correct the effective date and queue an API resend.",
)
def effective_date_in_future(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates whose effective (signed) date is after today.

    Why is this bad? CertCapture does not send such a certificate until its
    effective date (status ``PENDING-FUTURE``); meanwhile the History tab shows
    "Certificate record couldn't be found or didn't meet send credentials." and
    the customer is taxed. A warning, because the certificate will go through
    on that date (docs/sources.md#certcapture-sync-errors, #certificate-rules).

    Example: ``{"effective_date": "2031-01-01"}`` when today is 2026-11-21

    Use instead: the date the purchaser signed, usually today or earlier.
    """
    effective = cert.effective_date
    if effective is not None and effective > ctx.today:
        return (
            Hit(
                loc=("effective_date",),
                params={
                    "effective_date": effective.isoformat(),
                    "today": ctx.today.isoformat(),
                    "days": (effective - ctx.today).days,
                },
                errors={("effective_date",): "in the future"},
            ),
        )
    return NO_HITS


@rule(
    code=5001,
    name="effective-date-missing",
    severity=Severity.ERROR,
    message="SignedDate is required. (This value must be specified.)",
    summary="The certificate has no effective (signed) date, so AvaTax can't tell which sales "
    "it covers.",
    fix="Set effective_date to the date the purchaser signed the certificate, as YYYY-MM-DD "
    "(for example {today}).",
)
def effective_date_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates without an effective (signed) date.

    Why is this bad? ``signedDate`` is required in the AvaTax REST schema
    (docs/sources.md#avatax-models); imports fail with "Certificate
    signed date value provided not a valid date."
    (docs/sources.md#import-file-errors); a certificate applies only to
    sales between its effective and expiration dates
    (docs/sources.md#certificate-rules). A date that could not be read at
    all is reported as 4003 instead.

    Example: ``{"effective_date": null}``

    Use instead: ``{"effective_date": "2026-01-15"}``
    """
    if cert.effective_date is None:
        return (
            Hit(
                loc=("effective_date",),
                params={"today": ctx.today.isoformat()},
                errors={("effective_date",): "empty value"},
            ),
        )
    return NO_HITS


@rule(
    code=5002,
    name="expiration-date-missing",
    severity=Severity.ERROR,
    message="ExpirationDate is required. (This value must be specified.)",
    summary="The certificate has no expiration date; AvaTax's CreateCertificates requires one.",
    fix="Set expiration_date to the date the certificate expires, or to 9999-12-31 if it "
    "never expires.",
    profiles=("avatax",),
)
def expiration_date_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates without an expiration date (AvaTax profile).

    Why is this bad? ``expirationDate`` is required in the AvaTax REST schema
    (2022 and 2025; docs/sources.md#avatax-models, #certificate-rules).
    CertCapture computes one from its exemption matrix, so the certcapture
    profile doesn't check it (docs/sources.md#expiration). Integrations send
    ``9999-12-31`` for "never expires" (docs/sources.md#expiration).

    Example: ``{"signedDate": "2026-01-15"}``

    Use instead: ``{"signedDate": "2026-01-15", "expirationDate": "9999-12-31"}``
    """
    if cert.expiration_date is None:
        return (Hit(loc=("expiration_date",), errors={("expiration_date",): "empty value"}),)
    return NO_HITS


@rule(
    code=5102,
    name="expiration-before-effective",
    severity=Severity.ERROR,
    message="Certificate signed date cannot be greater than the certificate expiration date.",
    summary="The certificate expires on {expiration_date}, {days} day(s) before its effective "
    "date {effective_date}, so it covers no sale.",
    fix="Correct the dates: the effective date (signed, {effective_date}) must be on or before "
    "the expiration date ({expiration_date}); were they swapped?",
)
def expiration_before_effective(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates whose expiration date is before their
    effective (signed) date.

    Why is this bad? AvaTax imports reject it with "Certificate signed date
    cannot be greater than the certificate expiration date."
    (docs/sources.md#import-file-errors; docs/sources.md#avatax-models
    ``expirationDate`` must be >= ``signedDate``).

    Example: ``{"effective_date": "2026-01-15", "expiration_date": "2025-01-15"}``

    Use instead: ``{"effective_date": "2025-01-15", "expiration_date": "2026-01-15"}``
    """
    effective, expiration = cert.effective_date, cert.expiration_date
    if effective is not None and expiration is not None and expiration < effective:
        return (
            Hit(
                loc=("expiration_date",),
                params={
                    "effective_date": effective.isoformat(),
                    "expiration_date": expiration.isoformat(),
                    "days": (effective - expiration).days,
                },
                errors={("expiration_date",): "before the effective date"},
            ),
        )
    return NO_HITS


@rule(
    code=5103,
    name="certificate-expired",
    severity=Severity.WARNING,
    message="The certificate expired on {expiration_date}, {ago} ago.",
    summary="The certificate expired {days} day(s) before today ({today}); it still exempts "
    "back-dated sales made before {expiration_date}, but no new ones.",
    fix="Ask the customer for a renewed certificate and send that; send this one only to "
    "cover sales dated on or before {expiration_date}.",
)
def certificate_expired(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates whose expiration date is before today
    (a certificate is valid through its expiration date).

    Why is this bad? A certificate applies only to sales dated within its
    effective and expiration dates (docs/sources.md#certificate-rules;
    Avalara "Add exemption certificate details for a customer"). A warning,
    not an error: an expired certificate still exempts back-dated sales in
    its window (KB "Why is an expired exemption certificate applying to a new
    sale?", docs/sources.md#certcapture-sync-errors).

    Example: ``{"expiration_date": "2025-06-30"}`` when today is 2026-11-21

    Use instead: a renewed certificate, e.g. ``{"expiration_date": "2029-06-30"}``
    """
    expiration = cert.expiration_date
    if expiration is None or expiration >= ctx.today:
        return NO_HITS
    days = (ctx.today - expiration).days
    return (
        Hit(
            loc=("expiration_date",),
            params={
                "expiration_date": expiration.isoformat(),
                "today": ctx.today.isoformat(),
                "days": days,
                "ago": _ago(days),
            },
            errors={("expiration_date",): f"expired {_ago(days)} ago"},
        ),
    )
    return NO_HITS


def _ago(days: int) -> str:
    """A rough, readable span: ``"3 days"``, ``"5 months"``, ``"2 years"``."""
    if days < 60:
        return f"{days} day" + ("" if days == 1 else "s")
    if days < 730:
        return f"{days // 30} months"
    return f"{days // 365} years"


EXPIRING_WITHIN_DAYS = 30


@rule(
    code=5104,
    name="certificate-expiring-soon",
    severity=Severity.INFO,
    message="The certificate expires on {expiration_date}, in {days} day(s).",
    summary="The certificate expires within {window} days of today ({today}); sales after "
    "{expiration_date} will be taxed without a renewal.",
    fix="Request a renewed certificate from the customer before {expiration_date}.",
)
def certificate_expiring_soon(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates that expire today or within the next N
    days; N is the option ``expiring_within_days`` (default 30), e.g.
    ``validate(cert, options={"expiring_within_days": 90})``.

    Why is this bad? Nothing is wrong yet; sales after the expiration date will
    be taxed (docs/sources.md#certificate-rules, #expiration). Peers surface
    the same ("expiring soon" at 30 days, 30/60/90-day buckets;
    docs/sources.md#integration-pain-points). Info only.

    Example: ``{"expiration_date": "2026-12-01"}`` when today is 2026-11-21

    Use instead: nothing to change; renew in time.
    """
    expiration = cert.expiration_date
    if expiration is None or expiration < ctx.today:
        return NO_HITS
    window = ctx.options.get("expiring_within_days", EXPIRING_WITHIN_DAYS)
    days = (expiration - ctx.today).days
    if days <= window:
        return (
            Hit(
                loc=("expiration_date",),
                params={
                    "expiration_date": expiration.isoformat(),
                    "today": ctx.today.isoformat(),
                    "days": days,
                    "window": window,
                },
                errors={("expiration_date",): f"expires in {days} day(s)"},
            ),
        )
    return NO_HITS


#: A numeric date with two 1-2 digit parts before the year: 03/04/2026, 3-4-26, 03.04.2026.
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*")


@rule(
    code=5105,
    name="date-ambiguous",
    severity=Severity.INFO,
    message="The {label} {text!r} is ambiguous; it was read month first as {read}.",
    summary="{text!r} could be {read} (month first, as AvaTax imports read mm/dd/yyyy) or "
    "{other} (day first).",
    fix="Send the {label} as YYYY-MM-DD: {read_iso} if month first is right, {other_iso} if "
    "it was meant day first.",
)
def date_ambiguous(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds effective and expiration dates written as numbers with
    both leading parts 12 or less and different (``03/04/2026``), and says how
    they were read: month first, the way AvaTax import templates read
    ``mm/dd/yyyy`` (docs/sources.md#import-templates).

    Why is this bad? ``03/04/2026`` is 4 March in the US and 3 April in most
    other countries; if the sender meant day first, the certificate covers the
    wrong dates without any error. Info only: it was read the way AvaTax reads
    it. ISO dates (``2026-03-04``) are never ambiguous.

    Example: ``{"effective_date": "03/04/2026"}``

    Use instead: ``{"effective_date": "2026-03-04"}``
    """
    hits: Hits = NO_HITS
    effective, expiration = cert.effective_date_text, cert.expiration_date_text
    if (effective is None or effective[4:5] == "-") and (
        expiration is None or expiration[4:5] == "-"
    ):
        return hits  # no text, or ISO text (2026-03-04): never ambiguous
    for field, label, text, value in (
        ("effective_date", "effective date", cert.effective_date_text, cert.effective_date),
        ("expiration_date", "expiration date", cert.expiration_date_text, cert.expiration_date),
    ):
        if text is None or value is None or text[4:5] == "-":
            continue  # ISO dates (2026-03-04) are never ambiguous
        match = _NUMERIC_DATE.fullmatch(text)
        if match is None:
            continue
        first, second = int(match[1]), int(match[2])
        if first == second or first > 12 or second > 12 or first == 0 or second == 0:
            continue
        try:
            other = value.replace(month=second, day=first)
        except ValueError:
            continue
        hits = [
            *hits,
            Hit(
                loc=(field,),
                params={
                    "label": label,
                    "text": text.strip(),
                    "read": f"{value:%B} {value.day}, {value.year}",
                    "other": f"{other.day} {other:%B} {other.year}",
                    "read_iso": value.isoformat(),
                    "other_iso": other.isoformat(),
                },
                errors={(field,): f"ambiguous; read as {value.isoformat()}"},
            ),
        ]
    return hits


@rule(
    code=5301,
    name="certificate-invalid",
    severity=Severity.WARNING,
    message="The certificate is marked invalid (valid: false), so it is never applied.",
    summary="Only valid certificates are used for exemption: the record is stored, but every "
    "sale to its customers stays taxed.",
    fix="If the document is good, send it with valid: true (or leave valid out); if it was "
    "invalidated on purpose, nothing to change: ask the customer for a new certificate.",
)
def certificate_invalid(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates sent with ``valid: false`` (AvaTax
    ``CertificateModel.valid``, CertCapture ``valid``).

    Why is this bad? "Only valid certificates are used for exemption" (AvaTax
    ``CertificateModel``, ``docs/sources.md#avatax-models``); the certificate's own
    ``valid`` flag decides, whatever ``$preValidatedExemptionReason`` says
    (https://github.com/avadev/AvaTax-REST-V2-DotNet-SDK/issues/216), and an invalid
    certificate leaves the customer taxed (``docs/sources.md#certcapture-sync-errors``).
    A warning, not an error: the record is accepted, and storing an invalidated
    certificate can be intended (the import templates invalidate certificates on
    purpose, ``docs/sources.md#import-templates``). A missing ``valid`` is not reported.

    Example: ``{"valid": false}``

    Use instead: ``{"valid": true}``
    """
    if cert.valid is False:
        return (Hit(loc=("valid",), errors={("valid",): "false: never applied"}),)
    return NO_HITS
