"""Status rules (5xxx): dates and when CertCapture will send the certificate.

Facts: ``../shared/research/avatax/ERRORS.md`` A9 and ``RULES.md`` 2 (a future
effective date leaves the certificate ``PENDING-FUTURE`` until that date).
"""

from __future__ import annotations

from collections.abc import Iterator

from certpreflight.findings import Severity
from certpreflight.models import ExemptionCertificate
from certpreflight.rules._base import Context, Hit, rule

__all__ = ["effective_date_in_future"]


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
def effective_date_in_future(cert: ExemptionCertificate, ctx: Context) -> Iterator[Hit]:
    """
    What it does: finds certificates whose effective (signed) date is after today.

    Why is this bad? CertCapture does not send such a certificate until its
    effective date (status ``PENDING-FUTURE``); meanwhile the History tab shows
    "Certificate record couldn't be found or didn't meet send credentials." and
    the customer is taxed. A warning, because the certificate will go through
    on that date (ERRORS.md A9, RULES.md 2).

    Example: ``{"effective_date": "2031-01-01"}`` when today is 2026-11-21

    Use instead: the date the purchaser signed, usually today or earlier.
    """
    effective = cert.effective_date
    if effective is not None and effective > ctx.today:
        yield Hit(
            loc=("effective_date",),
            params={
                "effective_date": effective.isoformat(),
                "today": ctx.today.isoformat(),
                "days": (effective - ctx.today).days,
            },
            errors={"effective_date": "in the future"},
        )
