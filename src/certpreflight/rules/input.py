"""Input rules (2xxx): required values, lengths, PO numbers and exempt reasons.

The texts are CertCapture's sync errors (``../shared/DESIGN.md`` 3; their
meaning and fixes in ``../shared/research/avatax/ERRORS.md`` A2-A11). The
length limits are the ECMS record's (``../shared/research/avatax/MODELS.md`` 3).
"""

from __future__ import annotations

from collections.abc import Iterator

from certpreflight.findings import Severity
from certpreflight.models import Customer, ExemptionCertificate
from certpreflight.reference.countries import is_us_or_canada
from certpreflight.reference.reasons import lookup_reason
from certpreflight.rules._base import (
    Check,
    Context,
    Hit,
    blank,
    customer_label,
    declare,
    path,
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
        errors={path(loc): problem},
        customer_number=customer.customer_number,
    )


def _missing(field: str) -> Check:
    """A check yielding one hit per linked customer whose ``field`` is empty."""

    def check(cert: ExemptionCertificate, ctx: Context) -> list[Hit]:
        return [
            customer_hit(customer, i, field, "empty value")
            for i, customer in enumerate(cert.customers)
            if (value := getattr(customer, field)) is None or not value.strip()
        ]

    return check


def _too_long(field: str, limit: int) -> Check:
    """A check yielding one hit per linked customer whose ``field`` exceeds ``limit`` characters.

    Length is counted after trimming surrounding whitespace: trailing blanks are
    not worth rejecting a certificate over (uncertain facts never reject).
    """

    def check(cert: ExemptionCertificate, ctx: Context) -> Iterator[Hit]:
        for i, customer in enumerate(cert.customers):
            value = getattr(customer, field)
            if value is not None and len(value.strip()) > limit:
                n = len(value.strip())
                yield customer_hit(
                    customer,
                    i,
                    field,
                    f"{n} characters, max {limit}",
                    length=n,
                    over=n - limit,
                    limit=limit,
                )

    return check


customer_name_missing = declare(
    _missing("name"),
    doc="""
    What it does: finds linked customers without a name.

    Why is this bad? CertCapture copies the name into the ECMS record's
    ``customerName`` when it syncs to AvaTax; an empty one fails the call with
    "CustomerName is required." and the customer stays taxed (ERRORS.md A4).

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
    characters). A street put only in line 2 or 3 does not count (ERRORS.md A5).

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
    _too_long("address_line1", 50),
    doc="""
    What it does: finds linked customers whose address line 1 is over 50 characters.

    Why is this bad? ECMS ``address1`` holds 1-50 characters (MODELS.md 3,
    identical in the 2017, 2022 and 2025 AvaTax schemas); a longer one fails the
    sync with "Address1 length must be between 1 and 50 characters." (ERRORS.md A6).

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
)

address_line2_too_long = declare(
    _too_long("address_line2", 50),
    doc="""
    What it does: finds linked customers whose address line 2 is over 50 characters.

    Why is this bad? ECMS ``address2`` holds at most 50 characters (MODELS.md 3);
    CertCapture reports the failure for the whole certificate (ERRORS.md A11).

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
    CertCapture UI and import templates require it, MODELS.md 4, ERRORS.md A10).

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
def region_missing(cert: ExemptionCertificate, ctx: Context) -> Iterator[Hit]:
    """
    What it does: finds linked US and Canadian customers without a region.

    Why is this bad? AvaTax requires ``region`` when the country is US or CA
    and leaves it optional elsewhere (RULES.md 1; import error "Region cannot be
    empty for US or Canada."). A blank country counts as US, as in AvaTax imports.

    Example: ``{"country": "US", "region": ""}``

    Use instead: ``{"country": "US", "region": "WA"}``
    """
    for i, customer in enumerate(cert.customers):
        if blank(customer.region) and is_us_or_canada(customer.country):
            yield customer_hit(customer, i, "region", "empty value")


postal_code_missing = declare(
    _missing("postal_code"),
    doc="""
    What it does: finds linked customers without a ZIP or postal code.

    Why is this bad? Postal code is required for the sync (ECMS ``postalCode``,
    at most 10 characters; MODELS.md 3-4, ERRORS.md A10).

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
    CertCapture fails with "isn't associated to a country" (ERRORS.md A7).

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
def po_number_missing(cert: ExemptionCertificate, ctx: Context) -> Iterator[Hit]:
    """
    What it does: finds single-use certificates without a PO number.

    Why is this bad? A single-use certificate syncs as ECMS ``documentRefNo``,
    the PO or document code it applies to; without one the call fails
    (ERRORS.md A3, RULES.md 2).

    Example: ``{"single_use": true, "po_numbers": []}``

    Use instead: ``{"single_use": true, "po_numbers": ["PO-12345"]}``
    """
    if cert.single_use and all(blank(po) for po in cert.po_numbers):
        yield Hit(loc=("po_numbers",), errors={"po_numbers": "empty for a single-use certificate"})


@rule(
    code=2301,
    name="reason-missing",
    severity=E,
    message="ExemptReason is required. (This value must be specified.)",
    summary="The certificate has no exempt reason.",
    fix="Set the exempt reason (for example G / RESALE) that the purchaser claims on the "
    "certificate.",
)
def reason_missing(cert: ExemptionCertificate, ctx: Context) -> Iterator[Hit]:
    """
    What it does: finds certificates without an exempt reason.

    Why is this bad? AvaTax needs the reason to create the certificate
    (``exemptionReason`` is required in the REST schema; error 1210
    MissingExemptReason, MODELS.md 2, ERRORS.md B). A reason given only by its
    numeric id cannot be checked offline and is let through.

    Example: ``{"exempt_reason": null}``

    Use instead: ``{"exempt_reason": "G"}``
    """
    if blank(cert.exempt_reason) and cert.exempt_reason_id is None:
        yield Hit(loc=("exempt_reason",), errors={"exempt_reason": "empty value"})


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
def reason_unknown(cert: ExemptionCertificate, ctx: Context) -> Iterator[Hit]:
    """
    What it does: finds certificates whose exempt reason is not an AvaTax entity use code.

    Why is this bad? Custom CertCapture reasons reach AvaTax only when Avalara
    has mapped them to a standard code; otherwise the sync fails with
    "Certificate exempt reason doesn't exist in AvaTaxCalcApi." (ERRORS.md A2,
    RULES.md 3 for the list of codes and names).

    Example: ``{"exempt_reason": "WHOLESALE"}``

    Use instead: ``{"exempt_reason": "RESALE"}`` (or ``"G"``)
    """
    reason = cert.exempt_reason
    if reason is not None and reason.strip() and lookup_reason(reason) is None:
        yield Hit(
            loc=("exempt_reason",),
            params={"reason": reason.strip()},
            errors={"exempt_reason": "not an AvaTax exempt reason"},
        )
