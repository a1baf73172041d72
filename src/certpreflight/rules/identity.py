"""Identity rules (6xxx): customer numbers and tax ids.

Facts: ``../shared/research/avatax/MODELS.md`` 1 and 3 (customer code, ECMS
``idNo``), ``RULES.md`` 1 and 4 (SST ID requirements), ``ERRORS.md`` A8.
"""

from __future__ import annotations

from collections.abc import Iterator

from certpreflight.findings import Severity
from certpreflight.models import ExemptionCertificate
from certpreflight.rules._base import Context, Hit, blank, rule
from certpreflight.rules.input import customer_hit
from certpreflight.rules.situs import resolved_regions

__all__ = ["customer_number_missing", "tax_id_missing", "tax_id_missing_sst"]


@rule(
    code=6101,
    name="customer-number-missing",
    severity=Severity.ERROR,
    message="CustomerNumber is required. (This value must be specified.)",
    summary="A customer linked to the certificate has no customer number, so AvaTax can't match "
    "it to the customer code on transactions.",
    fix="Set the customer number of {customer_number} to the exact customer code your ERP "
    "sends on transactions.",
)
def customer_number_missing(cert: ExemptionCertificate, ctx: Context) -> Iterator[Hit]:
    """
    What it does: finds linked customers without a customer number.

    Why is this bad? AvaTax links certificates to transactions by customer
    code, matched exactly; the CertCapture UI and the import templates require
    it (RULES.md 1, MODELS.md 1 and 4). Without it the certificate never
    exempts a sale.

    Example: ``{"customers": [{"name": "Acme Supply", "customer_number": ""}]}``

    Use instead: ``{"customers": [{"name": "Acme Supply", "customer_number": "C-1001"}]}``
    """
    for i, customer in enumerate(cert.customers):
        if blank(customer.customer_number):
            yield customer_hit(customer, i, "customer_number", "empty value")


def _sst_split(cert: ExemptionCertificate) -> tuple[list[str], list[str]]:
    """The short codes of the certificate's SST full-member regions, and of the others."""
    sst: list[str] = []
    other: list[str] = []
    for _, region in resolved_regions(cert):
        (sst if region.sst == "full" else other).append(region.short)
    return sst, other


@rule(
    code=6201,
    name="tax-id-missing-sst",
    severity=Severity.ERROR,
    message="ExemptCertDetail.IdNo is required.",
    summary="The certificate covers Streamlined Sales Tax state(s) {regions} but has no tax ID "
    "number; SST certificates must carry the purchaser's ID.",
    fix="Enter the purchaser's ID on the certificate: the tax ID issued by {regions}, or else "
    "their FEIN, a driver's licence number with its state, or a foreign diplomat number.",
)
def tax_id_missing_sst(cert: ExemptionCertificate, ctx: Context) -> Iterator[Hit]:
    """
    What it does: finds certificates for an SST full-member state without a tax id.

    Why is this bad? Each region syncs as an ECMS detail row whose ``idNo`` is
    required (ERRORS.md A8, MODELS.md 3); the SST certificate (F0003) requires
    the purchaser's tax ID, or FEIN, driver's licence or diplomat number
    (RULES.md 4). Membership: ``reference/data/regions.csv``.

    Example: ``{"regions": ["WA"], "tax_id": ""}``

    Use instead: ``{"regions": ["WA"], "tax_id": "601234567"}``
    """
    if not blank(cert.tax_id):
        return
    sst, _ = _sst_split(cert)
    if sst:
        yield Hit(
            loc=("tax_id",),
            params={"regions": ", ".join(sst)},
            errors={"tax_id": "empty value"},
        )


@rule(
    code=6202,
    name="tax-id-missing",
    severity=Severity.WARNING,
    message="ExemptCertDetail.IdNo is required.",
    summary="The certificate has no tax ID or exemption number for {regions}.",
    fix="Enter the purchaser's exemption or resale permit number for {regions} on the certificate.",
)
def tax_id_missing(cert: ExemptionCertificate, ctx: Context) -> Iterator[Hit]:
    """
    What it does: finds certificates outside SST states without a tax id.

    Why is this bad? The ECMS detail row for each region has an ``idNo`` that
    the sync requires (ERRORS.md A8, MODELS.md 3). Outside SST states whether a
    number is mandatory depends on the state and form, so this is a warning;
    SST states are rule 6201.

    Example: ``{"regions": ["CA"], "tax_id": null}``

    Use instead: ``{"regions": ["CA"], "tax_id": "SR-123-456789"}``
    """
    if not blank(cert.tax_id):
        return
    sst, other = _sst_split(cert)
    if other and not sst:
        yield Hit(
            loc=("tax_id",),
            params={"regions": ", ".join(other)},
            errors={"tax_id": "empty value"},
        )
