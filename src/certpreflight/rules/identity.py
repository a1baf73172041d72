"""Identity rules (6xxx): customer numbers and tax ids.

Facts: docs/sources.md#avatax-models, #ecms-record (customer code, ECMS
``idNo``), docs/sources.md#customer-rules, #streamlined-sales-tax (SST
ID requirements), docs/sources.md#certcapture-sync-errors.
"""

from __future__ import annotations

import functools
import re

from stdnum.ca import bn
from stdnum.exceptions import InvalidComponent, ValidationError
from stdnum.us import ein

from certpreflight.findings import Severity
from certpreflight.models import ExemptionCertificate
from certpreflight.reference.business_types import all_business_types, business_type
from certpreflight.reference.regions import region_of
from certpreflight.rules import repairs
from certpreflight.rules._base import NO_HITS, Context, Hit, Hits, blank, declare, rule
from certpreflight.rules.input import (
    certificate_too_long,
    customer_hit,
    customer_too_long,
    is_placeholder_reason,
)
from certpreflight.rules.situs import resolved_regions

__all__ = [
    "business_type_invalid",
    "business_type_missing_sst",
    "customer_linked_twice",
    "customer_number_missing",
    "customer_number_too_long",
    "customer_number_untrimmed",
    "customer_number_unusual_characters",
    "tax_id_malformed",
    "tax_id_missing",
    "tax_id_missing_sst",
    "tax_id_missing_sst_avatax",
    "tax_id_too_long",
]


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
def customer_number_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds linked customers without a customer number.

    Why is this bad? AvaTax links certificates to transactions by customer
    code, matched exactly; the CertCapture UI and the import templates require
    it (docs/sources.md#customer-rules, #avatax-models, #import-templates).
    Without it the certificate never exempts a sale.

    Example: ``{"customers": [{"name": "Acme Supply", "customer_number": ""}]}``

    Use instead: ``{"customers": [{"name": "Acme Supply", "customer_number": "C-1001"}]}``
    """
    hits: Hits = NO_HITS
    for i, customer in enumerate(cert.customers):
        number = customer.customer_number
        if number is None or not number.strip():
            hits = [*hits, customer_hit(customer, i, "customer_number", "empty value")]
    return hits


def _placeholder(cert: ExemptionCertificate) -> bool:
    """True for CertCapture's EXPOSURE / NON-NEXUS reasons (rule 2303): no document."""
    reason = cert.exempt_reason
    return reason is not None and is_placeholder_reason(reason)


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
    profiles=("certcapture", "audit"),
)
def tax_id_missing_sst(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates for an SST full-member state without a tax id
    (profile certcapture; profile avatax has rule 6205, a warning, instead).

    Why is this bad? Each region syncs as an ECMS detail row whose ``idNo`` is
    required (docs/sources.md#certcapture-sync-errors, #ecms-record): this is CertCapture's
    sync error. The SST certificate (F0003) requires the purchaser's tax ID, or FEIN, driver's
    licence or diplomat number (docs/sources.md#streamlined-sales-tax). Membership:
    ``reference/data/regions.csv``. A placeholder reason (EXPOSURE, NON-NEXUS:
    rule 2303) carries no document, so no tax id is asked of it.

    Example: ``{"regions": ["WA"], "tax_id": ""}``

    Use instead: ``{"regions": ["WA"], "tax_id": "601234567"}``
    """
    if not blank(cert.tax_id) or cert.tax_ids or _placeholder(cert):
        return NO_HITS
    sst, _ = _sst_split(cert)
    if sst:
        return (
            Hit(
                loc=("tax_id",),
                params={"regions": ", ".join(sst)},
                errors={("tax_id",): "empty value"},
            ),
        )
    return NO_HITS


@rule(
    code=6202,
    name="tax-id-missing",
    severity=Severity.WARNING,
    message="ExemptCertDetail.IdNo is required.",
    summary="The certificate has no tax ID or exemption number for {regions}.",
    fix="Enter the purchaser's exemption or resale permit number for {regions} on the certificate.",
)
def tax_id_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates outside SST states without a tax id.

    Why is this bad? The ECMS detail row for each region has an ``idNo`` that
    the sync requires (docs/sources.md#certcapture-sync-errors, #ecms-record).
    Outside SST states whether a number is mandatory depends on the state and form, so
    this is a warning; SST states are rule 6201 (6205 with profile avatax). Not for a
    placeholder reason (EXPOSURE, NON-NEXUS: rule 2303), which carries no document.

    Example: ``{"regions": ["CA"], "tax_id": null}``

    Use instead: ``{"regions": ["CA"], "tax_id": "SR-123-456789"}``
    """
    if not blank(cert.tax_id) or cert.tax_ids or _placeholder(cert):
        return NO_HITS
    sst, other = _sst_split(cert)
    if other and not sst:
        return (
            Hit(
                loc=("tax_id",),
                params={"regions": ", ".join(other)},
                errors={("tax_id",): "empty value"},
            ),
        )
    return NO_HITS


customer_number_too_long = declare(
    customer_too_long("customer_number", 50),
    doc="""
    What it does: finds linked customers whose customer number is over 50 characters.

    Why is this bad? The customer code is at most 50 characters in the ECMS record
    (``customerCode``), on transactions (``CreateTransactionModel``) and in the
    import templates (docs/sources.md#avatax-models, #ecms-record,
    #import-templates), so a longer one can't be stored or matched to a sale.

    Example: ``{"customer_number": "ACME-SUPPLY-COMPANY-SEATTLE-WAREHOUSE-DISTRICT-NORTH-7"}``

    Use instead: ``{"customer_number": "ACME-SEA-N7"}`` (the code your ERP sends)
    """,
    code=6102,
    name="customer-number-too-long",
    severity=Severity.ERROR,
    message="CustomerCode length must be between 1 and 50 characters.",
    summary="The customer number {customer_number} has {length} characters; AvaTax accepts at "
    "most {limit}.",
    fix="Shorten customer number {customer_number} by {over} character(s) to {limit}, and "
    "send the same shortened code on transactions.",
)


@rule(
    code=6103,
    name="customer-number-untrimmed",
    severity=Severity.WARNING,
    message="The certificate customer({customer_number}) has leading or trailing spaces in its "
    "customer number.",
    summary="AvaTax matches customer codes exactly, so {quoted} won't match transactions sent "
    "with {trimmed!r}.",
    fix="Remove the surrounding spaces: send {trimmed!r}, exactly as on transactions.",
    autofix=repairs.CUSTOMER_NUMBER_TRIM,
)
def customer_number_untrimmed(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds customer numbers with leading or trailing whitespace.

    Why is this bad? ``customerCode`` is case-sensitive and must match the
    transaction's customer code exactly; mismatched codes are the most common
    reason an exempt customer is taxed (docs/sources.md#customer-rules,
    #integration-pain-points). A warning: the certificate syncs, but may
    never apply.

    Example: ``{"customer_number": "C-1001 "}``

    Use instead: ``{"customer_number": "C-1001"}``
    """
    hits: Hits = NO_HITS
    for i, customer in enumerate(cert.customers):
        number = customer.customer_number
        if number is None or not number.strip() or number == number.strip():
            continue
        hits = [
            *hits,
            customer_hit(
                customer,
                i,
                "customer_number",
                "surrounding whitespace",
                quoted=repr(number),
                trimmed=number.strip(),
            ),
        ]
    return hits


#: Letters, digits and - . _ @ / (docs/sources.md#customer-rules: a Magento connector allows
#: latin letters, digits and -._@; Sovos adds / and :).
_CODE_CHARACTERS = re.compile(r"[A-Za-z0-9._@/-]+")
_ODD_CHARACTER = re.compile(r"[^A-Za-z0-9._@/-]")


@rule(
    code=6104,
    name="customer-number-unusual-characters",
    severity=Severity.WARNING,
    message="The certificate customer({customer_number}) has a customer number with unusual "
    "characters: {characters}.",
    summary="Customer numbers with characters other than letters, digits and - . _ @ / are "
    "easily mistyped or changed by other systems, and AvaTax only matches codes exactly.",
    fix="Make sure {customer_number!r} is exactly the code your ERP sends on transactions "
    "(same characters, same case); prefer letters, digits and - . _ @ /.",
)
def customer_number_unusual_characters(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds customer numbers (surrounding spaces aside, rule 6103)
    with characters other than ASCII letters, digits and ``- . _ @ /``: inner
    spaces, accents, quotes, ``#``, ``&`` and the like.

    Why is this bad? AvaTax matches customer codes exactly and case-sensitively
    (docs/sources.md#customer-rules); connectors restrict the set (a Magento
    connector allows only latin letters, digits and ``-._@``; Sovos ``A-Z a-z
    0-9 . - @ _ / :``; docs/sources.md#integration-pain-points), so such codes
    tend to differ between systems. ``/`` is allowed, but in CertCapture v2
    paths it must be URL-encoded (``%2F``), or the API answers "Customer Not
    Found" (docs/sources.md#avatax-models, #certcapture-api,
    #certcapture-api-errors).

    Example: ``{"customer_number": "ACME #12"}``

    Use instead: ``{"customer_number": "ACME-12"}``
    """
    hits: Hits = NO_HITS
    for i, customer in enumerate(cert.customers):
        number = customer.customer_number
        if number is None:
            continue
        text = number.strip()
        if not text or (text.isascii() and text.isalnum()) or _CODE_CHARACTERS.fullmatch(text):
            continue  # the usual code, letters and digits, known without the regex
        odd = "".join(dict.fromkeys(_ODD_CHARACTER.findall(text)))
        hits = [
            *hits,
            customer_hit(
                customer, i, "customer_number", f"unusual characters {odd!r}", characters=repr(odd)
            ),
        ]
    return hits


@rule(
    code=6105,
    name="customer-linked-twice",
    severity=Severity.ERROR,
    message="The certificate customer({customer_number}) is linked to the certificate more "
    "than once.",
    summary="Customer {customer_number} appears {count} times in the certificate's customers.",
    fix="Link customer {customer_number} once; if the entries differ (address, name), keep the "
    "correct one.",
)
def customer_linked_twice(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds a customer number that appears more than once among the
    certificate's customers (compared exactly, as AvaTax compares codes).

    Why is this bad? A customer code is unique within a company
    (docs/sources.md#customer-rules, docs/sources.md#avatax-models), so two
    entries are the same customer; when their details differ, which one
    CertCapture keeps for the ECMS record is undefined. An error by decision of
    the project (issue 4), not because a specific AvaTax error is documented
    for it.

    Example: ``{"customers": [{"customer_number": "C-1"}, {"customer_number": "C-1"}]}``

    Use instead: ``{"customers": [{"customer_number": "C-1"}]}``
    """
    hits: Hits = NO_HITS
    customers = cert.customers
    if len(customers) < 2:
        return hits
    numbers = [c.customer_number for c in customers]
    if len(set(numbers)) == len(numbers):  # no number twice (nor two without one)
        return hits
    seen: dict[str, int] = {}
    for customer in cert.customers:
        number = customer.customer_number
        if number is not None and number.strip():
            seen[number] = seen.get(number, 0) + 1
    reported: set[str] = set()
    for i, customer in enumerate(cert.customers):
        number = customer.customer_number
        if number is None or seen.get(number, 0) < 2:
            continue
        if number in reported:
            hits = [
                *hits,
                customer_hit(customer, i, "customer_number", "linked twice", count=seen[number]),
            ]
        reported.add(number)
    return hits


tax_id_too_long = declare(
    certificate_too_long("tax_id", 100),
    doc="""
    What it does: finds tax ids (exemption numbers) over 100 characters.

    Why is this bad? The tax id syncs as the ECMS detail row's ``idNo``, at most
    100 characters (docs/sources.md#ecms-record, #certcapture-sync-errors).

    Example: a tax id field holding several permit numbers and notes.

    Use instead: one number, e.g. ``{"tax_id": "601234567"}``; use one
    certificate per state when states issued different numbers.
    """,
    code=6203,
    name="tax-id-too-long",
    severity=Severity.ERROR,
    message="ExemptCertDetail.IdNo length must be between 1 and 100 characters.",
    summary="The tax ID has {length} characters; AvaTax accepts at most {limit}.",
    fix="Shorten the tax ID by {over} character(s) to {limit}: the one exemption or permit "
    "number, without notes.",
)

_QST = re.compile(r"\d{10}TQ\d{4}")
_NINE_DIGITS = re.compile(r"[0-9]{9}")
_EIN_TYPES = re.compile(r"\b(f?ein|employer identification)", re.IGNORECASE)
_BN_TYPES = re.compile(r"\b(bn|business number|gst|hst)\b", re.IGNORECASE)
_QST_TYPES = re.compile(r"\b(qst|tvq)\b", re.IGNORECASE)


@functools.cache
def _ein_prefixes() -> frozenset[str]:
    """The EIN prefixes python-stdnum's IRS table knows (its table has only 2-digit keys)."""
    return frozenset(p for p in (f"{i:02d}" for i in range(100)) if ein.is_valid(f"{p}0000000"))


def _ein_problem(number: str) -> str | None:
    """What python-stdnum says is wrong with an EIN, or None. Nine digits never reach it:
    with a known prefix they are exactly what ``ein.validate`` accepts, and with another its
    campus lookup raises ``InvalidComponent`` (the number database's lookup, the cost of this
    rule, is left out)."""
    if _NINE_DIGITS.fullmatch(number):
        return None if number[:2] in _ein_prefixes() else str(InvalidComponent())
    try:
        ein.validate(number)
    except ValidationError as exc:
        return str(exc)
    return None


#: A Business Number's shape as ``bn.validate`` checks it (python-stdnum's ``ca.bn``,
#: docs/sources.md#tax-id-formats): 9 digits, and for a BN15 a program account (RC, RM, RP or
#: RT) and 4 digits.
_BN_SHAPE = re.compile(r"[0-9]{9}(?:R[CMPT][0-9]{4})?")
#: A digit doubled, its two digits added: the Luhn sum's step for every second digit.
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def _bn_problem(number: str) -> str | None:
    """What python-stdnum says is wrong with a Business Number, or None; a usual BN never
    reaches it: :data:`_BN_SHAPE` with a Luhn sum of its 9 digits that ends in 0 is exactly
    what ``bn.validate`` accepts (its Luhn check costs ten times this one)."""
    if _BN_SHAPE.fullmatch(number):
        total = sum(map(int, number[0:9:2])) + sum(
            map(_DOUBLED.__getitem__, map(int, number[1:9:2]))
        )
        if total % 10 == 0:
            return None
    try:
        bn.validate(number)
    except ValidationError as exc:
        return str(exc)
    return None


def _tax_id_check(number: str, kind: str, countries: set[str]) -> tuple[str, str] | None:
    """The (id kind, problem) when ``number`` fails a documented format check, else None."""
    if "CA" in countries:
        if "TQ" in number or _QST_TYPES.search(kind):
            if not _QST.fullmatch(number):
                return "Quebec QST number", "expected 10 digits, TQ and 4 digits"
            return None
        if "RT" in number or _BN_TYPES.search(kind):
            problem = _bn_problem(number)
            if problem is not None:
                return "Canadian Business Number (BN or BN15 such as 123456782RT0001)", problem
            return None
    if "US" in countries and _EIN_TYPES.search(kind):
        problem = _ein_problem(number)
        if problem is not None:
            return "US EIN (NN-NNNNNNN)", problem
    return None


@rule(
    code=6204,
    name="tax-id-malformed",
    severity=Severity.WARNING,
    message="The tax ID {tax_id!r} isn't a valid {kind}.",
    summary="The certificate's tax ID looks like a {kind} but fails its format check: {problem}",
    fix="Check the tax ID against the certificate and correct it, or set tax_id_type to the "
    "kind of number it really is.",
)
def tax_id_malformed(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: checks the tax id's format where one is documented, with
    python-stdnum, choosing the check from the certificate's regions, the id's
    shape and ``tax_id_type``:

    * US region and ``tax_id_type`` FEIN / EIN / Employer Identification
      Number: a US EIN, 9 digits with a valid IRS prefix (``stdnum.us.ein``;
      docs/sources.md#tax-id-formats).
    * Canadian region and an id containing ``RT`` or typed BN / GST / HST: a
      Business Number, 9 digits with a check digit, or BN15 ``123456782RT0001``
      (``stdnum.ca.bn``; docs/sources.md#tax-id-formats, CRA).
    * Canadian region and an id containing ``TQ`` or typed QST / TVQ: a Quebec
      QST number, 10 digits + ``TQ`` + 4 digits (docs/sources.md#tax-id-formats, secondary).

    Spaces, dots and dashes are ignored (AvaTax strips dashes on import,
    docs/sources.md#certificate-rules). Nothing else is checked: state permit numbers have no common
    format (docs/sources.md#tax-id-formats), so an untyped 9-digit id on a US certificate (a
    Washington UBI, say) is left alone.

    Why is this bad? A mistyped id makes the certificate invalid on audit. Only
    a warning, never an error: the formats come from general and third-party
    sources, and AvaTax does not check them.

    Example: ``{"regions": ["TX"], "tax_id": "07-1234567", "tax_id_type": "FEIN"}``
    (no EIN starts with 07)

    Use instead: ``{"regions": ["TX"], "tax_id": "12-3456789", "tax_id_type": "FEIN"}``
    """
    tax_id = cert.tax_id
    if tax_id is None or not tax_id.strip():
        return NO_HITS
    upper = tax_id.upper()
    kind = cert.tax_id_type
    if not kind and "RT" not in upper and "TQ" not in upper:
        return NO_HITS  # untyped, and neither a BN15 nor a QST shape: nothing to check
    countries = {region.country for region in map(region_of, cert.regions) if region is not None}
    if not countries:
        return NO_HITS
    # without whitespace (what str.split and re's \s both call whitespace), dots and dashes
    number = "".join(upper.split()).replace(".", "").replace("-", "")
    found = _tax_id_check(number, kind or "", countries)
    if found is not None:
        kind, problem = found
        problem = problem[:1].lower() + problem[1:].rstrip(".") + "."
        return (
            Hit(
                loc=("tax_id",),
                params={"tax_id": tax_id.strip(), "kind": kind, "problem": problem},
                errors={("tax_id",): f"not a valid {kind}"},
            ),
        )
    return NO_HITS


def _business_type_list() -> str:
    return ", ".join(f"{n} {name}" for n, name in all_business_types())


_NUMBER = re.compile(r"[+-]?\d+")


@rule(
    code=6301,
    name="business-type-missing-sst",
    severity=Severity.WARNING,
    message="BusinessType is required. (This value must be specified.)",
    summary="The certificate covers Streamlined Sales Tax state(s) {regions} but has no "
    "business type; SST sellers must record the purchaser's type of business.",
    fix="Set business_type to the SST business type ticked on the certificate (1-20, e.g. "
    "10 Retail trade or 13 Wholesale trade); 20 Other needs a description.",
)
def business_type_missing_sst(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: when the option ``sst_seller`` is true
    (``validate(cert, options={"sst_seller": True})``), finds certificates for
    an SST full-member state without a business type.

    Why is this bad? Avalara's SST program rules: "Business Type is required
    and must match the document" (docs/sources.md#streamlined-sales-tax,
    https://help.avalara.com/Frequently_Asked_Questions/Streamlined_Sales_Tax_(SST)_FAQ/SST_exemption_requirements);
    ECMS ``businessTypeId`` takes the SST types 1-20
    (docs/sources.md#ecms-record). Those rules bind sellers registered through
    SST (CSP customers), not every seller with customers in SST states, so the
    rule is off unless the caller says it is an SST seller; and it is a
    warning, as the sync does not fail for it.

    Example: ``{"regions": ["WA"], "business_type": null}`` with ``sst_seller``

    Use instead: ``{"regions": ["WA"], "business_type": "10"}``
    """
    if not ctx.options.get("sst_seller", False) or not blank(cert.business_type):
        return NO_HITS
    sst, _ = _sst_split(cert)
    if sst:
        return (
            Hit(
                loc=("business_type",),
                params={"regions": ", ".join(sst)},
                errors={("business_type",): "empty value"},
            ),
        )
    return NO_HITS


@rule(
    code=6302,
    name="business-type-invalid",
    severity=Severity.ERROR,
    message="The field 'businessTypeId' has an incorrect value.",
    summary="Business type {value!r} is not an SST business type number (1-20), so AvaTax "
    "rejects it (error 1200 InvalidBusinessType).",
    fix="Set business_type to one of the SST business types: {types}.",
)
def business_type_invalid(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds a numeric business type outside 1-20.

    Why is this bad? ECMS ``businessTypeId`` takes the SST business types 1-20
    and AvaTax fails any other with 1200 InvalidBusinessType, "The field
    'businessTypeId' has an incorrect value." (docs/sources.md#ecms-record,
    #avatax-error-codes, docs/sources.md#streamlined-sales-tax). Text such as
    "Retail trade" is left alone: AvaTax's ``businessNumberType`` is a free
    description (docs/sources.md#avatax-models).

    Example: ``{"business_type": "21"}``

    Use instead: ``{"business_type": "10"}`` (Retail trade)
    """
    value = cert.business_type
    if value is None or not _NUMBER.fullmatch(value.strip()):
        return NO_HITS
    if value.strip().lstrip("+").isdigit() and business_type(value.strip().lstrip("+")):
        return NO_HITS
    return (
        Hit(
            loc=("business_type",),
            params={"value": value.strip(), "types": _business_type_list()},
            errors={("business_type",): "not an SST business type 1-20"},
        ),
    )
    return NO_HITS


tax_id_missing_sst_avatax = declare(
    tax_id_missing_sst.check,
    doc="""
    What it does: with profile avatax, finds certificates for an SST full-member
    state without a tax id: the same check as rule 6201, as a warning.

    Why is this bad? The SST certificate (F0003) requires the purchaser's tax ID,
    or FEIN, driver's licence or diplomat number (``docs/sources.md#streamlined-sales-tax``),
    so the certificate may not hold up in an audit, and CertCapture's sync to AvaTax
    fails it with "ExemptCertDetail.IdNo is required." (rule 6201,
    ``docs/sources.md#certcapture-sync-errors``). But AvaTax's own
    ``CreateCertificates`` does not refuse it: ``exemptionNumber`` is optional in
    ``CertificateModel`` (``docs/sources.md#avatax-models``), and Avalara's developer
    guide creates a Washington certificate without one
    (https://developer.avalara.com/avatax/dev-guide/exemptions/exemption-certificate/).
    The research notes read the ECMS ``idNo`` requirement as applying to every
    certificate; the real payloads show that it applies to CertCapture's sync. So
    it is an error for profile certcapture (6201) and a warning here.

    Why two codes and not one rule with a severity per profile? A code has one
    severity everywhere else: in the catalogue, in reports, in ``select`` /
    ``ignore`` and in ``--fail-on``. Two codes keep that true and keep the
    ``Rule`` model as it is; they share the check, the message and the fix.

    Example: ``{"exposureZone": {"name": "Washington"}, "exemptionReason": {"name": "RESALE"}}``
    (no ``exemptionNumber``)

    Use instead: the same with ``"exemptionNumber": "601234567"``
    """,
    code=6205,
    name="tax-id-missing-sst-avatax",
    severity=Severity.WARNING,
    message=tax_id_missing_sst.message,
    summary="The certificate covers Streamlined Sales Tax state(s) {regions} but has no tax ID "
    "number; AvaTax creates it, but SST certificates must carry the purchaser's ID, and "
    "CertCapture's sync refuses it without one.",
    fix=tax_id_missing_sst.fix,
    profiles=("avatax",),
)
