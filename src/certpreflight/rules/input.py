"""Input rules (2xxx): required values, lengths, PO numbers and exempt reasons.

The texts are CertCapture's sync errors, with their meaning and fixes in
docs/sources.md#certcapture-sync-errors. The length limits are the ECMS
record's (docs/sources.md#ecms-record).
"""

from __future__ import annotations

from certpreflight.findings import Severity
from certpreflight.models import Customer, ExemptionCertificate
from certpreflight.reference.countries import is_us_or_canada
from certpreflight.reference.reasons import reason_of
from certpreflight.rules import repairs
from certpreflight.rules._base import (
    NO_HITS,
    Check,
    Context,
    Hit,
    Hits,
    Loc,
    blank,
    customer_label,
    declare,
    rule,
)

__all__ = [
    "address_line1_missing",
    "address_line1_too_long",
    "address_line2_too_long",
    "city_missing",
    "country_missing",
    "customer_hit",
    "customer_name_missing",
    "po_number_missing",
    "postal_code_missing",
    "reason_missing",
    "reason_unknown",
    "region_missing",
]

E = Severity.ERROR


def customer_hit(customer: Customer, index: int, field: str, problem: str, **params: object) -> Hit:
    """A Hit on one customer's field, with the customer named in params and errors."""
    loc = ("customers", index, field)
    return Hit(
        loc=loc,
        params={"customer_number": customer_label(customer, index), **params},
        errors={loc: problem},
        customer_number=customer.customer_number,
    )


def _missing(field: str) -> Check:
    """A check giving one hit per linked customer whose ``field`` is empty."""

    def check(cert: ExemptionCertificate, ctx: Context) -> Hits:
        hits: Hits = NO_HITS
        for i, customer in enumerate(cert.customers):
            value = getattr(customer, field)
            if (value is None or not value.strip()) and not customer.is_reference:
                hits = [*hits, customer_hit(customer, i, field, "empty value")]
        return hits

    return check


def _over(value: str | None, limit: int) -> dict[str, int] | None:
    """Template values for a text over ``limit`` characters, or None when it fits.

    Length is counted after trimming surrounding whitespace: trailing blanks are
    not worth rejecting a certificate over (uncertain facts never reject).
    """
    if value is None:
        return None
    n = len(value.strip())
    if n <= limit:
        return None
    return {"length": n, "over": n - limit, "limit": limit}


def customer_too_long(field: str, limit: int) -> Check:
    """A check giving one hit per linked customer whose ``field`` exceeds ``limit`` characters."""

    def check(cert: ExemptionCertificate, ctx: Context) -> Hits:
        hits: Hits = NO_HITS
        for i, customer in enumerate(cert.customers):
            value = getattr(customer, field)
            if value is None or len(value) <= limit:
                continue  # the cheap test first: trimming can only shorten it
            params = _over(value, limit)
            if params is not None:
                problem = f"{params['length']} characters, max {limit}"
                hits = [*hits, customer_hit(customer, i, field, problem, **params)]
        return hits

    return check


def certificate_too_long(field: str, limit: int) -> Check:
    """A check giving one hit per value of a certificate ``field`` (text or list of texts)
    that exceeds ``limit`` characters."""

    def check(cert: ExemptionCertificate, ctx: Context) -> Hits:
        value = getattr(cert, field)
        if value is None:
            return NO_HITS
        items = [(None, value)] if isinstance(value, str) else enumerate(value)
        hits: Hits = NO_HITS
        for index, text in items:
            if len(text) <= limit:
                continue
            params = _over(text, limit)
            if params is not None:
                loc: Loc = (field,) if index is None else (field, index)
                hit = Hit(
                    loc=loc,
                    params=params,
                    errors={loc: f"{params['length']} characters, max {limit}"},
                )
                hits = [*hits, hit]
        return hits

    return check


customer_name_missing = declare(
    _missing("name"),
    doc="""
    What it does: finds linked customers without a name.

    Why is this bad? CertCapture copies the name into the ECMS record's
    ``customerName`` when it syncs to AvaTax; an empty one fails the call with
    "CustomerName is required." and the customer stays taxed
    (docs/sources.md#certcapture-sync-errors).

    Example: ``{"customers": [{"customer_number": "C1", "name": " "}]}``

    Use instead: ``{"customers": [{"customer_number": "C1", "name": "Acme Supply"}]}``
    """,
    code=2101,
    name="customer-name-missing",
    severity=E,
    message="CustomerName is required. (This value must be specified.)",
    summary="Customer {customer_number} has no name, and AvaTax requires one for the "
    "exemption record.",
    fix="Enter the legal name of customer {customer_number} (Customer Details, Edit, Name).",
)

address_line1_missing = declare(
    _missing("address_line1"),
    doc="""
    What it does: finds linked customers whose address line 1 is empty.

    Why is this bad? The sync needs a street in line 1 (ECMS ``address1``, 1-50
    characters). A street put only in line 2 or 3 does not count
    (docs/sources.md#certcapture-sync-errors).

    Example: ``{"address_line1": "", "address_line2": "100 Main St"}``

    Use instead: ``{"address_line1": "100 Main St", "address_line2": "Suite 4"}``
    """,
    code=2102,
    name="address-line1-missing",
    severity=E,
    message="The certificate customer({customer_number}) doesn't contain an address.",
    summary="Customer {customer_number} has no street address in address line 1.",
    fix="Enter the street address of customer {customer_number} in address line 1 "
    "(a street only in line 2 or 3 doesn't count).",
)

address_line1_too_long = declare(
    customer_too_long("address_line1", 50),
    doc="""
    What it does: finds linked customers whose address line 1 is over 50 characters.

    Why is this bad? ECMS ``address1`` holds 1-50 characters
    (docs/sources.md#ecms-record, identical in the 2017, 2022 and 2025 AvaTax
    schemas); a longer one fails the sync with "Address1 length must be between 1
    and 50 characters." (docs/sources.md#certcapture-sync-errors).

    Example: ``{"address_line1": "1234 Industrial Parkway North, Building 7, Loading Dock B"}``

    Use instead: ``{"address_line1": "1234 Industrial Parkway North",
    "address_line2": "Building 7, Loading Dock B"}``
    """,
    code=2103,
    name="address-line1-too-long",
    severity=E,
    message="Address1 length must be between 1 and 50 characters.",
    summary="Address line 1 of customer {customer_number} has {length} characters; "
    "AvaTax accepts at most {limit}.",
    fix="Shorten address line 1 of customer {customer_number} by {over} character(s) "
    "to {limit}; move the suite, building or department to address line 2.",
    autofix=repairs.ADDRESS_OVERFLOW,
)

address_line2_too_long = declare(
    customer_too_long("address_line2", 50),
    doc="""
    What it does: finds linked customers whose address line 2 is over 50 characters.

    Why is this bad? ECMS ``address2`` holds at most 50 characters
    (docs/sources.md#ecms-record); CertCapture reports the failure for the whole
    certificate (docs/sources.md#certcapture-sync-errors).

    Example: ``{"address_line2": "Attention: Accounts Payable Department, Mail Stop 42-B"}``

    Use instead: ``{"address_line2": "Accounts Payable, MS 42-B"}``
    """,
    code=2104,
    name="address-line2-too-long",
    severity=E,
    message="The Address Line 2 field is too long for at least one of the customers "
    "linked to the certificate.",
    summary="Address line 2 of customer {customer_number} has {length} characters; "
    "AvaTax accepts at most {limit}.",
    fix="Shorten address line 2 of customer {customer_number} by {over} character(s) to {limit}.",
)

city_missing = declare(
    _missing("city"),
    doc="""
    What it does: finds linked customers without a city.

    Why is this bad? City is required for the sync (ECMS ``city``; the
    CertCapture UI and import templates require it,
    docs/sources.md#import-templates, #certcapture-sync-errors).

    Example: ``{"city": null}``

    Use instead: ``{"city": "Seattle"}``
    """,
    code=2105,
    name="city-missing",
    severity=E,
    message="The certificate customer({customer_number}) doesn't contain a city.",
    summary="Customer {customer_number} has no city.",
    fix="Enter the city of customer {customer_number}.",
)


@rule(
    code=2106,
    name="region-missing",
    severity=E,
    message="Region is required. (This value must be specified.)",
    summary="Customer {customer_number} is in the US or Canada but has no state or province.",
    fix="Enter the 2-letter state or province code of customer {customer_number} "
    "(for example WA or ON).",
)
def region_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds linked US and Canadian customers without a region.

    Why is this bad? AvaTax requires ``region`` when the country is US or CA and
    leaves it optional elsewhere (docs/sources.md#customer-rules; import error
    "Region cannot be empty for US or Canada."). A customer without a country is
    reported by 2108 alone: which country it is (and so whether a region is required)
    is what it lacks.

    Example: ``{"country": "US", "region": ""}``

    Use instead: ``{"country": "US", "region": "WA"}``
    """
    hits: Hits = NO_HITS
    for i, customer in enumerate(cert.customers):
        region = customer.region
        country = customer.country
        if (
            (region is None or not region.strip())
            and country is not None  # no country: 2108 says so, once
            and country.strip()
            and is_us_or_canada(country)
            and not customer.is_reference
        ):
            hits = [*hits, customer_hit(customer, i, "region", "empty value")]
    return hits


postal_code_missing = declare(
    _missing("postal_code"),
    doc="""
    What it does: finds linked customers without a ZIP or postal code.

    Why is this bad? Postal code is required for the sync (ECMS ``postalCode``,
    at most 10 characters; docs/sources.md#ecms-record, #import-templates,
    #certcapture-sync-errors).

    Example: ``{"postal_code": ""}``

    Use instead: ``{"postal_code": "98101"}``
    """,
    code=2107,
    name="postal-code-missing",
    severity=E,
    message="The certificate customer({customer_number}) doesn't contain a zip.",
    summary="Customer {customer_number} has no ZIP or postal code.",
    fix="Enter the ZIP or postal code of customer {customer_number}.",
)

country_missing = declare(
    _missing("country"),
    doc="""
    What it does: finds linked customers without a country.

    Why is this bad? The sync needs the customer's country (ECMS ``country``);
    CertCapture fails with "isn't associated to a country"
    (docs/sources.md#certcapture-sync-errors).

    Example: ``{"country": null}``

    Use instead: ``{"country": "US"}``
    """,
    code=2108,
    name="country-missing",
    severity=E,
    message="The certificate customer({customer_number}) isn't associated to a country.",
    summary="Customer {customer_number} has no country.",
    fix="Set the country of customer {customer_number} to its 2-letter ISO code "
    "(US or CA); importing a US or Canadian state also sets it.",
)


@rule(
    code=2201,
    name="po-number-missing",
    severity=E,
    message="DocumentRefNo is required. (This value must be specified.)",
    summary="The certificate is single-use but names no purchase order or invoice number, "
    "so AvaTax can't tell which sale it exempts.",
    fix="Add the PO or invoice number this single-use certificate covers "
    "(Certificate Details, Add PO Number), or mark the certificate blanket.",
)
def po_number_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds single-use certificates without a PO number.

    Why is this bad? A single-use certificate syncs as ECMS ``documentRefNo``,
    the PO or document code it applies to; without one the call fails
    (docs/sources.md#certcapture-sync-errors, #certificate-rules).

    Example: ``{"single_use": true, "po_numbers": []}``

    Use instead: ``{"single_use": true, "po_numbers": ["PO-12345"]}``
    """
    if cert.single_use and all(blank(po) for po in cert.po_numbers):
        return (
            Hit(
                loc=("po_numbers",), errors={("po_numbers",): "empty for a single-use certificate"}
            ),
        )
    return NO_HITS


@rule(
    code=2301,
    name="reason-missing",
    severity=E,
    message="ExemptReason is required. (This value must be specified.)",
    summary="The certificate has no exempt reason.",
    fix="Set the exempt reason (for example G / RESALE) that the purchaser claims on the "
    "certificate.",
)
def reason_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates without an exempt reason.

    Why is this bad? AvaTax needs the reason to create the certificate
    (``exemptionReason`` is required in the REST schema; error 1210
    MissingExemptReason, docs/sources.md#avatax-models,
    #avatax-error-codes). A reason given only by its numeric id cannot
    be checked offline and is let through.

    Example: ``{"exempt_reason": null}``

    Use instead: ``{"exempt_reason": "G"}``
    """
    if blank(cert.exempt_reason) and cert.exempt_reason_id is None:
        return (Hit(loc=("exempt_reason",), errors={("exempt_reason",): "empty value"}),)
    return NO_HITS


@rule(
    code=2302,
    name="reason-unknown",
    severity=E,
    message="Certificate exempt reason doesn't exist in AvaTaxCalcApi.",
    summary="{reason!r} is not one of AvaTax's exempt reasons (entity use codes A-R), so "
    "CertCapture can't send the certificate.",
    fix="Change the reason to a standard one (A-R, or its AvaTax name such as RESALE or "
    "CHARITABLE/EXEMPT ORG), or ask Avalara to map the custom reason {reason!r} to one.",
)
def reason_unknown(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates whose exempt reason is not an AvaTax entity use code.

    Why is this bad? Custom CertCapture reasons reach AvaTax only when Avalara has mapped
    them to a standard code; otherwise the sync fails with "Certificate exempt reason
    doesn't exist in AvaTaxCalcApi." (docs/sources.md#certcapture-sync-errors,
    docs/sources.md#exempt-reasons for the list of codes and names).

    Example: ``{"exempt_reason": "WHOLESALE"}``

    Use instead: ``{"exempt_reason": "RESALE"}`` (or ``"G"``)

    CertCapture's EXPOSURE / NON-NEXUS pseudo reasons are rule 2303 instead.
    """
    reason = cert.exempt_reason
    if (
        reason is not None
        and reason.strip()
        and reason_of(reason) is None
        and not is_placeholder_reason(reason)
    ):
        hit = Hit(
            loc=("exempt_reason",),
            params={"reason": reason.strip()},
            errors={("exempt_reason",): "not an AvaTax exempt reason"},
        )
        return (hit,)
    return NO_HITS


# --- presence of customers ------------------------------------------------------------------------


@rule(
    code=2001,
    name="customers-missing",
    severity=Severity.WARNING,  # creating first and linking later is a normal flow
    message="The certificate isn't linked to any customer. (This value must be specified.)",
    summary="No customer is linked to the certificate, so AvaTax applies it to no sale until "
    "one is linked.",
    fix="Link the certificate to the customer(s) it covers, using the exact customer code your "
    'ERP sends on transactions (for example customers: [{{"customer_number": "C-1001"}}]), '
    "or link them afterwards (LinkCustomersToCertificate) and check the link record too.",
)
def customers_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates without any linked customer.

    Why is this bad? A certificate exempts a sale only through a linked customer
    whose code matches the transaction's customer code; "for exemptions to apply
    you need an exposure zone, a linked customer and matching customerCode"
    (``customers`` in docs/sources.md#avatax-models; docs/sources.md#certificate-rules,
    from the AvaTax ``create_certificates`` docstring). CertCapture has nothing to
    build the ECMS record's customer fields from.

    Example: ``{"customers": []}``

    Use instead: ``{"customers": [{"customer_number": "C-1001", "name": "Acme Supply Co"}]}``
    """
    if not cert.customers:
        return (Hit(loc=("customers",), errors={("customers",): "no customer linked"}),)
    return NO_HITS


# --- ECMS length limits (the same in the 2017, 2022 and 2025 schemas; docs/sources.md#ecms-record)

customer_name_too_long = declare(
    customer_too_long("name", 100),
    doc="""
    What it does: finds linked customers whose name is over 100 characters.

    Why is this bad? The name syncs as ECMS ``customerName``, at most 100
    characters (docs/sources.md#ecms-record; the import templates agree,
    docs/sources.md#import-templates: Customer Name Text(100)).

    Example: a 120-character name with the trading name and a department.

    Use instead: the legal name (at most 100 characters); put a department in
    address line 2.
    """,
    code=2109,
    name="customer-name-too-long",
    severity=E,
    message="CustomerName length must be between 1 and 100 characters.",
    summary="The name of customer {customer_number} has {length} characters; AvaTax accepts at "
    "most {limit}.",
    fix="Shorten the name of customer {customer_number} by {over} character(s) to {limit}.",
)

address_line3_too_long = declare(
    customer_too_long("address_line3", 50),
    doc="""
    What it does: finds linked customers whose address line 3 is over 50 characters.

    Why is this bad? ECMS ``address3`` holds at most 50 characters
    (docs/sources.md#ecms-record; #certcapture-sync-errors "also line 3 <= 50").

    Example: ``{"address_line3": "Receiving Department, Attention Accounts Payable Team"}``

    Use instead: ``{"address_line3": "Receiving, Attn AP"}``
    """,
    code=2110,
    name="address-line3-too-long",
    severity=E,
    message="Address3 length must be between 0 and 50 characters.",
    summary="Address line 3 of customer {customer_number} has {length} characters; AvaTax "
    "accepts at most {limit}.",
    fix="Shorten address line 3 of customer {customer_number} by {over} character(s) to {limit}.",
)

city_too_long = declare(
    customer_too_long("city", 50),
    doc="""
    What it does: finds linked customers whose city is over 50 characters.

    Why is this bad? ECMS ``city`` holds at most 50 characters
    (docs/sources.md#ecms-record; import templates: City Text(50),
    docs/sources.md#import-templates; #certcapture-sync-errors).

    Example: a city field holding the city, county and state together.

    Use instead: ``{"city": "Seattle"}``
    """,
    code=2111,
    name="city-too-long",
    severity=E,
    message="City length must be between 1 and 50 characters.",
    summary="The city of customer {customer_number} has {length} characters; AvaTax accepts at "
    "most {limit}.",
    fix="Shorten the city of customer {customer_number} by {over} character(s) to {limit}: "
    "the city name only, without county or state.",
)

postal_code_too_long = declare(
    customer_too_long("postal_code", 10),
    doc="""
    What it does: finds linked customers whose ZIP or postal code is over 10 characters.

    Why is this bad? ECMS ``postalCode`` holds at most 10 characters
    (docs/sources.md#ecms-record; import templates: Postal Code Text(10),
    docs/sources.md#import-templates). A ZIP+4 with its hyphen is exactly 10.

    Example: ``{"postal_code": "98101-2450 US"}``

    Use instead: ``{"postal_code": "98101-2450"}``
    """,
    code=2112,
    name="postal-code-too-long",
    severity=E,
    message="PostalCode length must be between 1 and 10 characters.",
    summary="The postal code of customer {customer_number} has {length} characters; AvaTax "
    "accepts at most {limit}.",
    fix="Shorten the postal code of customer {customer_number} by {over} character(s) to "
    "{limit}: the ZIP (98101 or 98101-2450) or postal code (K1A 0B1) only.",
)

po_number_too_long = declare(
    certificate_too_long("po_numbers", 50),
    doc="""
    What it does: finds PO numbers over 50 characters.

    Why is this bad? A single-use certificate's PO number syncs as ECMS
    ``documentRefNo``, at most 50 characters; a transaction's
    ``purchaseOrderNo`` is also at most 50, so a longer one could never match a
    sale (``PoNumberModel`` in docs/sources.md#avatax-models; docs/sources.md#ecms-record).

    Example: ``{"po_numbers": ["PO-2026-000123 / job 77 / Building 4 renovation, phase two"]}``

    Use instead: ``{"po_numbers": ["PO-2026-000123"]}``
    """,
    code=2202,
    name="po-number-too-long",
    severity=E,
    message="DocumentRefNo length must be between 1 and 50 characters.",
    summary="A PO number has {length} characters; AvaTax accepts at most {limit}.",
    fix="Shorten the PO number by {over} character(s) to {limit}: the number exactly as the "
    "transaction's purchase order number will carry it.",
)


@rule(
    code=2203,
    name="po-numbers-multiple",
    severity=Severity.WARNING,
    message="The single-use certificate has {count} PO numbers; only the most recent one applies.",
    summary="AvaTax honours only the most recently added PO number of a single-use certificate; "
    "sales on the other {others} PO number(s) stay taxed.",
    fix="Keep one PO number ({last}) on this certificate and create a separate single-use "
    "certificate for each other PO ({rest}), or make the certificate blanket.",
)
def po_numbers_multiple(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds single-use certificates with more than one PO number.

    Why is this bad? "Only the most recently added PO number is honoured in
    AvaTax" (docs/sources.md#integration-pain-points, Avalara FAQ "Why didn't my
    single use exemption certificate apply?",
    https://help.avalara.com/Frequently_Asked_Questions/Exempt_customers_FAQ/Why_didn't_my_single_use_exemption_certificate_apply%3F).
    The certificate syncs, so this is a warning: the other POs silently get taxed.
    The last PO in the list is taken to be the most recent.

    Example: ``{"single_use": true, "po_numbers": ["PO-1", "PO-2"]}``

    Use instead: ``{"single_use": true, "po_numbers": ["PO-2"]}`` plus a second
    certificate for PO-1.
    """
    if not cert.single_use or len(cert.po_numbers) < 2:
        return NO_HITS
    numbers = [po.strip() for po in cert.po_numbers if not blank(po)]
    if len(numbers) < 2:
        return NO_HITS
    return (
        Hit(
            loc=("po_numbers",),
            params={
                "count": len(numbers),
                "others": len(numbers) - 1,
                "last": numbers[-1],
                "rest": ", ".join(numbers[:-1]),
            },
            errors={("po_numbers",): f"{len(numbers)} PO numbers on a single-use certificate"},
        ),
    )


# --- reasons --------------------------------------------------------------------------------------

#: CertCapture's pseudo reasons for missing, invalid or expired documents
#: (docs/sources.md#certcapture-sync-errors, #certificate-rules).
_PLACEHOLDER_PREFIXES = ("EXPOSURE", "NON-NEXUS", "NON NEXUS", "NONNEXUS")


def is_placeholder_reason(reason: str) -> bool:
    """True for CertCapture's EXPOSURE* / NON-NEXUS* markers, which are not exemptions."""
    return reason.strip().upper().startswith(_PLACEHOLDER_PREFIXES)


@rule(
    code=2303,
    name="reason-placeholder",
    severity=Severity.WARNING,
    message="Certificate exempt reason {reason!r} isn't an exemption.",
    summary="{reason!r} is CertCapture's marker for a missing, invalid or expired document "
    "(EXPOSURE) or a region without nexus (NON-NEXUS), not an exempt reason: AvaTax accepts "
    "the record, but it exempts nothing and the customer stays taxed.",
    fix="Send {reason!r} only to record exposure; to exempt the customer, replace it with the "
    "reason the purchaser claims on the signed certificate (for example G / RESALE).",
)
def reason_placeholder(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates whose reason is one of CertCapture's
    EXPOSURE or NON-NEXUS pseudo reasons.

    Why is this bad? In CertCapture, reasons starting with EXPOSURE or NON-NEXUS
    mark missing, invalid or expired documentation (NON-NEXUS: a region without
    nexus); they are not exemptions and have no AvaTax entity use code
    (docs/sources.md#certcapture-sync-errors, #exempt-reasons,
    https://help.avalara.com/0021_Avalara_CertCapture/All_About_CertCapture/Understanding_the_Exposure_and_Non-Nexus_exempt_reasons_in_CertCapture).
    Rule 2302 (reason-unknown) stays silent for them, so there is one finding.

    A warning, not an error: AvaTax accepts them. Avalara's developer guide creates
    its example certificate with ``"exemptionReason": {"name": "EXPOSURE"}`` through
    ``CreateCertificates``
    (https://developer.avalara.com/avatax/dev-guide/exemptions/exemption-certificate/),
    so a placeholder is a record of exposure that syncs, not a rejected certificate.
    The research notes (which call it "no certificate") and the real payloads agree
    that it exempts nothing; they disagree only on whether it is refused, and the
    developer guide shows it is not. A placeholder carries no document, so the
    tax-id rules (6201, 6202, 6205) stay silent for it.

    Example: ``{"exempt_reason": "EXPOSURE"}``

    Use instead: ``{"exempt_reason": "RESALE"}``, once the customer has sent a
    signed certificate.
    """
    reason = cert.exempt_reason
    if reason is not None and is_placeholder_reason(reason):
        hit = Hit(
            loc=("exempt_reason",),
            params={"reason": reason.strip()},
            errors={("exempt_reason",): "CertCapture placeholder, not an exempt reason"},
        )
        return (hit,)
    return NO_HITS


@rule(
    code=2304,
    name="reason-description-missing",
    severity=Severity.WARNING,
    message="ExemptReasonOtherDescription is required. (This value must be specified.)",
    summary="The exempt reason is L (Other) but the certificate doesn't say what the exemption is.",
    fix='Describe the exemption in exempt_reason_description (for example "Exempt by statute: '
    'RCW 82.08.0293 food products"), or use a specific reason (A-R).',
)
def reason_description_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates with reason L (Other) and no
    ``exempt_reason_description``.

    Why is this bad? Reason L "needs a description"
    (docs/sources.md#exempt-reasons; ECMS
    ``exemptReasonOtherDescription``, at most 255 characters,
    docs/sources.md#ecms-record; the SST form says "L Other (explain)",
    docs/sources.md#streamlined-sales-tax). A warning: the schema does
    not mark the description required.

    Example: ``{"exempt_reason": "L"}``

    Use instead: ``{"exempt_reason": "L", "exempt_reason_description": "Exempt by statute"}``
    """
    reason = cert.exempt_reason
    if reason is None or not blank(cert.exempt_reason_description):
        return NO_HITS
    found = reason_of(reason)
    if found is None or found.code != "L":
        return NO_HITS
    hit = Hit(
        loc=("exempt_reason_description",),
        errors={("exempt_reason_description",): "empty value for reason L (Other)"},
    )
    return (hit,)


# --- exempt percentage ----------------------------------------------------------------------------


@rule(
    code=2501,
    name="exempt-percentage-out-of-range",
    severity=E,
    message="ExemptPercentage must be between 0 and 100.",
    summary="The exempt percentage is {value:g}; it is a percentage of the sale, 0 to 100.",
    fix="Set exempt_percentage to the share of the sale that is exempt: 100 for a full "
    "exemption, for example 50 for half.",
)
def exempt_percentage_out_of_range(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates whose exempt percentage is below 0 or above 100.

    Why is this bad? ``exemptPercentage`` is a percentage, "100 = fully exempt"
    (docs/sources.md#avatax-models, AvaTax ``CertificateModel``); a negative or
    over-100 share of a sale can't be exempted. A value of 1 read as "100%" would
    also be wrong, but can't be told from a genuine 1%, so only values outside 0-100
    are errors.

    Example: ``{"exempt_percentage": 150}``

    Use instead: ``{"exempt_percentage": 100}``
    """
    value = cert.exempt_percentage
    if value is not None and not 0 <= value <= 100:
        hit = Hit(
            loc=("exempt_percentage",),
            params={"value": value},
            errors={("exempt_percentage",): f"{value:g} is outside 0-100"},
        )
        return (hit,)
    return NO_HITS


@rule(
    code=2502,
    name="exempt-percentage-zero",
    severity=Severity.INFO,
    message="ExemptPercentage is 0, which AvaTax doesn't define: it documents 100 for a full "
    "exemption.",
    summary="The certificate's exempt percentage is 0; Avalara's own examples send 0 on full "
    "exemptions, so it most likely means 'not partial', but no Avalara document says so.",
    fix="For an audit file, send exempt_percentage 100 for a full exemption (or the partial "
    "share), or leave it out.",
    profiles=("audit",),
)
def exempt_percentage_zero(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: with profile ``audit``, finds certificates whose exempt percentage is
    exactly 0.

    Why is this bad? It may not be. ``CertificateModel.exemptPercentage`` is documented as
    "what percentage of the transaction is considered exempt? For a fully exempt
    certificate, this percentage should be 100" (docs/sources.md#avatax-models), and
    nothing documents what AvaTax does with 0; but Avalara's own ``CreateCertificates``
    example sends ``"exemptPercentage": 0`` on a valid RESALE certificate
    (docs/sources.md#avatax-models, the example certificate), and CertCapture's
    ``exmpt_percent`` defaults to 0. So 0 is no error nor warning: the audit profile notes
    it, because an auditor reading the record sees "0 % exempt".

    Example: ``{"exempt_percentage": 0}``

    Use instead: ``{"exempt_percentage": 100}``, or no percentage
    """
    if cert.exempt_percentage == 0:
        return (Hit(loc=("exempt_percentage",), errors={("exempt_percentage",): "0"}),)
    return NO_HITS
