"""Rules for a sale checked against the certificates on file (x7xx in each family).

:func:`certpreflight.explain` and ``certpreflight coverage --transactions`` decide, as AvaTax
does, whether a transaction (``CreateTransactionModel``) is exempted by a certificate: the
customer code matches exactly, the region where tax is calculated (the ship-to) is one of
the certificate's regions, the document date lies within the certificate's dates, a
single-use certificate applies to its own PO number only, and the certificate reached AvaTax
(it would sync, and it is not marked invalid). Each reason a sale is taxed, or exempted
without a certificate behind it, is one of these findings; no check of one record makes
them, so they are declared here to be documented, selected and ignored like the others.
Sources: ``docs/sources.md#exemption-decision``.

The code's last two digits number the causes; the first digit is the family of what is
wrong: 2 Input (the PO number), 3 Situs (the region), 4 Formatting (the transaction itself),
5 Status (dates, the certificate's state), 6 Identity (the customer code).
"""

from __future__ import annotations

from certpreflight.findings import Severity
from certpreflight.rules._base import declare

__all__ = [
    "sale_after_expiration",
    "sale_before_certificate_created",
    "sale_before_effective_date",
    "sale_certificate_invalid",
    "sale_certificate_not_synced",
    "sale_certificates_several",
    "sale_customer_code_variant",
    "sale_exempt_without_certificate",
    "sale_no_certificate",
    "sale_partially_exempt",
    "sale_po_not_on_certificate",
    "sale_region_not_covered",
    "sale_use_code_not_exempt",
    "transaction_unreadable",
]

_BY = ("certpreflight.coverage",)
_SALE = ("transaction",)

sale_po_not_on_certificate = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: finds sales whose only matching certificate is single-use for another
    purchase order (or invoice) number.

    Why is this bad? A single-use certificate exempts only the sale it names: "If Single is
    checked, it will only apply to that PO or Invoice number" (docs/sources.md#exemption-decision).
    Any other sale of the customer is taxed.

    Example: a certificate with ``isSingleCertificate: true, poNumbers: ["PO-1"]`` and a
    transaction with ``purchaseOrderNo: "PO-2"``.

    Use instead: the PO number of the certificate on the sale, or a blanket certificate.
    """,
    code=2701,
    name="sale-po-not-on-certificate",
    severity=Severity.WARNING,
    message="Certificate {certificate} is single-use for PO {po_numbers}, not for {po}.",
    summary="A single-use certificate exempts only its own purchase order or invoice; this "
    "sale ({po}) is taxed.",
    fix="Send the sale with purchaseOrderNo {po_numbers} if it is that order, or ask customer "
    "{customer_number} for a blanket certificate (or a single-use one for {po}).",
)

sale_region_not_covered = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: finds sales shipped to a region none of the customer's certificates
    covers.

    Why is this bad? AvaTax applies a certificate only in the regions it lists, in the region
    where tax is calculated: the ship-to address, or a line's own address when lines carry
    one ("Certificates only exempt the state(s) listed"; docs/sources.md#exemption-decision).
    A Washington certificate leaves Oregon sales taxed where the seller collects there.

    Example: certificates for WA only, and a transaction shipped to Idaho.

    Use instead: a certificate of the customer for the ship-to region (or the right ship-to).
    """,
    code=3701,
    name="sale-region-not-covered",
    severity=Severity.WARNING,
    message="No certificate of customer {customer_number} covers {region}; the certificates "
    "on file cover {regions}.",
    summary="The sale is taxed in {region} (its ship-to), and no certificate of customer "
    "{customer_number} lists that region.",
    fix="Ask customer {customer_number} for a certificate for {region}, or correct the "
    "ship-to address if the goods go to {regions}.",
)

sale_use_code_not_exempt = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: finds sales sent with an entity use code (``entityUseCode``,
    ``customerUsageType``) whose reason is not exempt in the ship-to region, according to
    the exemption matrix.

    Why is this bad? An entity use code exempts a sale only where its reason is exempt: "If
    you see a T for the exemption reason you are using in that State that means that reason
    is not exempt there and will tax" (docs/sources.md#exemption-decision, #exemption-matrix).

    Example: ``entityUseCode: "G"`` on a sale shipped to a state where resale is taxable.

    Use instead: a certificate with a reason exempt in that region, or no entity use code.
    """,
    code=3702,
    name="sale-use-code-not-exempt",
    severity=Severity.WARNING,
    message="Entity use code {reason} isn't exempt in region {region}, so the sale is taxed.",
    summary="The sale claims exemption by entity use code {reason}, which the exemption "
    "matrix marks not exempt in {region}.",
    fix="Use a reason exempt in {region} for customer {customer_number}, or send the sale "
    "without an entity use code.",
)

transaction_unreadable = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: finds transactions that can't be read as a ``CreateTransactionModel``: not
    a JSON object, or without a customer code, a date or an address to tax at.

    Why is this bad? AvaTax refuses such a transaction (``customerCode`` and ``date`` are
    required, and tax needs an address), so no exemption can be decided for it.

    Example: ``{"customerCode": "C-1"}`` (no date, no address)

    Use instead: ``{"customerCode": "C-1", "date": "2026-03-05", "addresses": {"shipTo":
    {"region": "WA", "country": "US"}}}``
    """,
    code=4701,
    name="transaction-unreadable",
    severity=Severity.ERROR,
    message="The transaction can't be read: {problem}.",
    summary="A transaction needs a customer code, a document date and the region it ships "
    "to before an exemption can be decided.",
    fix="Send customerCode, date (YYYY-MM-DD) and addresses.shipTo (or singleLocation) with "
    "region and country.",
)

sale_before_effective_date = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: finds sales dated before the effective (signed) date of the certificate
    that would otherwise apply.

    Why is this bad? The certificate's effective date "must be on or before the docdate of
    your transaction; if the Signed/Effective date is after your transaction date, it will not
    apply" (docs/sources.md#exemption-decision).

    Example: a certificate signed 2026-04-01 and a sale dated 2026-03-05.

    Use instead: the date the customer really signed; then recalculate the sale.
    """,
    code=5701,
    name="sale-before-effective-date",
    severity=Severity.WARNING,
    message="The sale of {date} is before certificate {certificate}'s effective date "
    "{effective_date}.",
    summary="A certificate applies from its effective date on; this sale is dated "
    "{days} day(s) earlier and is taxed.",
    fix="If the customer signed earlier, correct the effective date of certificate "
    "{certificate} (CertCapture: Queue API Resend) and recalculate the sale; otherwise the "
    "sale is rightly taxed.",
)

sale_after_expiration = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: finds sales dated after the expiration date of the certificate that would
    otherwise apply.

    Why is this bad? An exemption applies only when the transaction date falls between the
    certificate's start and end dates (docs/sources.md#exemption-decision).

    Example: a certificate expiring 2025-12-31 and a sale dated 2026-01-15.

    Use instead: a renewed certificate from the customer, covering the sale's date.
    """,
    code=5702,
    name="sale-after-expiration",
    severity=Severity.WARNING,
    message="The sale of {date} is after certificate {certificate}'s expiration date "
    "{expiration_date}.",
    summary="Certificate {certificate} expired {days} day(s) before this sale, so the sale "
    "is taxed.",
    fix="Ask customer {customer_number} for a renewed certificate for {region}, or correct "
    "the expiration date if it is a typo.",
)

sale_certificate_not_synced = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: finds sales whose matching certificate has an error that stops CertCapture
    from sending it to AvaTax (its own ``validate()`` report has an error, such as 3101).

    Why is this bad? A certificate that fails the sync is not in AvaTax: "If the Certificate
    is not in the Avalara Admin console ... correct any errors that are shown in the History
    tab" (docs/sources.md#exemption-decision). Until it is, the customer is taxed.

    Example: a resale certificate for a state where resale isn't an exempt reason (3101).

    Use instead: the certificate fixed (``certpreflight check``), then sent again.
    """,
    code=5703,
    name="sale-certificate-not-synced",
    severity=Severity.WARNING,
    message="Certificate {certificate} wouldn't sync to AvaTax ({blocking} {blocking_name}), "
    "so it exempts nothing.",
    summary="The certificate that matches this sale has an error CertCapture's sync refuses: "
    "{blocking_message}",
    fix="Fix certificate {certificate} (certpreflight rule {blocking}) and send it again, then "
    "recalculate the sale.",
)

sale_certificate_invalid = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: finds sales whose matching certificate is marked invalid (``valid:
    false``).

    Why is this bad? Only valid certificates are used for exemption (AvaTax
    ``CertificateModel.valid``; docs/sources.md#avatax-models, rule 5301).

    Example: a certificate sent with ``"valid": false``.

    Use instead: a valid certificate of the customer for the region.
    """,
    code=5704,
    name="sale-certificate-invalid",
    severity=Severity.WARNING,
    message="Certificate {certificate} is marked invalid, so it exempts nothing.",
    summary="The certificate that matches this sale is stored with valid: false; AvaTax uses "
    "only valid certificates.",
    fix="Send certificate {certificate} with valid: true if the document is good, or ask "
    "customer {customer_number} for a new certificate.",
)

sale_before_certificate_created = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: finds sales dated before the matching certificate was created (its
    ``createdDate``, CertCapture ``created``), when that date is known.

    Why is this bad? "The certificate was added after the invoice was created" is one of
    Avalara's causes of a taxed exempt customer (docs/sources.md#exemption-decision): AvaTax
    decided the sale when it was calculated, and a certificate added later changes nothing
    until the sale is calculated again. A warning: recalculating the sale now exempts it.

    Example: a certificate created 2026-05-02 and an invoice of 2026-04-20.

    Use instead: recalculate (or adjust) the sales made before the certificate was added.
    """,
    code=5705,
    name="sale-before-certificate-created",
    severity=Severity.WARNING,
    message="Certificate {certificate} was added on {created}, after the sale of {date}.",
    summary="A sale calculated before its certificate existed stays taxed until it is "
    "calculated again.",
    fix="Recalculate the sale (or adjust the committed document) now that certificate "
    "{certificate} is on file.",
)

sale_partially_exempt = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: reports sales exempted by a certificate with an exempt percentage under
    100.

    Why is this bad? It isn't, if the percentage is right: AvaTax exempts that share of the
    sale and taxes the rest ("Click Calculate to see that tax is changed to $0 (or expected
    amount if partial exemption)"; docs/sources.md#exemption-decision).

    Example: ``exemptPercentage: 50``

    Use instead: nothing, when the certificate really exempts part of the sale.
    """,
    code=5706,
    name="sale-partially-exempt",
    severity=Severity.INFO,
    message="Certificate {certificate} exempts {percentage}% of the sale.",
    summary="The rest of the sale ({taxed}%) is taxed.",
    fix="Nothing to do if {percentage}% is the certificate's share; otherwise correct its "
    "exempt percentage.",
)

sale_certificates_several = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: when several certificates of the customer match the sale's region, says
    which one applies and why.

    Why is this bad? It isn't in itself: the one valid on the document date applies (one
    on file before the sale before one added after it, then a full exemption before a
    partial one, then the latest effective date). But overlapping
    certificates are often the same document sent twice (6507).

    Example: two WA resale certificates of one customer.

    Use instead: one certificate per customer, region and reason at a time.
    """,
    code=5707,
    name="sale-certificates-several",
    severity=Severity.INFO,
    message="Certificate {certificate} applies{why}; also matching: {others}.",
    summary="{count} certificates of customer {customer_number} list {region}; {certificate} "
    "is the one valid on {date}.",
    fix="Nothing to do; remove the certificates that are copies of one another.",
)

sale_no_certificate = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: reports sales to a customer code that no certificate is linked to.

    Why is this bad? It isn't, for a taxable customer. An exempt customer is taxed: the
    certificate must have the same customer code as the sale (docs/sources.md#exemption-decision).

    Example: a sale for ``C-2002`` when the certificates are linked to ``C-1001``.

    Use instead: the certificate linked to the sale's customer code.
    """,
    code=6701,
    name="sale-no-certificate",
    severity=Severity.INFO,
    message="No certificate is on file for customer {customer_number}.",
    summary="The sale is taxed: no certificate is linked to customer code {customer_number}.",
    fix="If customer {customer_number} is exempt, link its certificate to that code (or send "
    "the certificate); otherwise nothing to do.",
)

sale_customer_code_variant = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: finds sales whose customer code differs from a code with certificates
    only in letter case or spaces.

    Why is this bad? "The customerCode must exactly match the customer ID of the certificate
    ... If these don't exactly match, then the transaction will be taxable"
    (docs/sources.md#exemption-decision).

    Example: a sale for ``c-1001`` and a certificate of ``C-1001``.

    Use instead: the code exactly as the certificate's customer has it.
    """,
    code=6702,
    name="sale-customer-code-variant",
    severity=Severity.WARNING,
    message="Customer {customer_number!r} has no certificate; {other!r} has, and differs only "
    "in case or spaces.",
    summary="AvaTax matches customer codes exactly, so the certificates of {other!r} don't "
    "exempt this sale.",
    fix="Send the sale with customerCode {other!r} (or link the certificate to "
    "{customer_number!r} as well).",
)

sale_exempt_without_certificate = declare(
    None,
    found_by=_BY,
    kinds=_SALE,
    doc="""
    What it does: finds sales exempted by an ``exemptionNo`` or an entity use code on the
    transaction while no certificate on file applies.

    Why is this bad? "Sending any value in this field will flag the transaction as exempt
    ... it doesn't provide any backing information to explain the exemption in an audit"
    (docs/sources.md#exemption-decision): the sale is exempt, and the seller owes the tax if
    an auditor asks for the certificate.

    Example: ``exemptionNo: "GTX1080"`` and no certificate of the customer for the region.

    Use instead: a certificate of the customer on file for the region (or no exemption).
    """,
    code=6703,
    name="sale-exempt-without-certificate",
    severity=Severity.WARNING,
    message="The sale is exempted by its {field} {value!r}, with no certificate on file for "
    "{region}.",
    summary="AvaTax exempts it, but nothing backs the exemption in an audit.",
    fix="Get and store a certificate of customer {customer_number} for {region}, or send the "
    "sale without {field}.",
)
