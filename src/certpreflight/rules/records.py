"""Rules for customers as AvaTax and CertCapture take them on their own, and for links.

A customer record (AvaTax ``CreateCustomers``, CertCapture ``POST /v2/customers``) is
checked by every customer rule, with the same codes and messages as a customer linked to a
certificate; these rules add what only the customer calls check. A link
(``LinkCustomersToCertificate``) is checked for its customer codes by the customer-code
rules (61xx); 2130 adds the empty link. Sources: ``docs/sources.md#avatax-models``
(``CustomerModel``: ``region`` is a code of at most 3 characters, ``isBill`` / ``isShip``,
``exposureZones``), ``#avatax-error-codes`` (1220 CustomerCantBeBothShipToAndBillTo) and
``#certcapture-api-errors`` (20009 "No data provided for 'exposure_zones'.").
"""

from __future__ import annotations

from certpreflight.findings import Severity
from certpreflight.models import CustomerRecord, ExemptionCertificate
from certpreflight.reference.regions import lookup_region
from certpreflight.rules import repairs
from certpreflight.rules._base import NO_HITS, Context, Hit, Hits, declare, rule
from certpreflight.rules.input import customer_hit

__all__ = [
    "certificate_duplicate",
    "customer_bill_and_ship",
    "customer_code_variant",
    "customer_code_variant_held",
    "customer_duplicate",
    "customer_not_checked",
    "customer_reference_empty",
    "customer_region_too_long",
    "customer_unknown",
    "exposure_zones_empty",
    "held_record_unkeyed",
    "link_customer_unnamed",
    "link_customers_missing",
]


@rule(
    code=2120,
    name="customer-region-too-long",
    severity=Severity.ERROR,
    message="Region length must be between 0 and 3 characters.",
    summary="Customer {customer_number} gives its region as {region!r}; AvaTax's "
    "CustomerModel takes the region's 2- or 3-letter code only.",
    fix="Send the region of customer {customer_number} as its code{code}.",
    profiles=("avatax",),
    autofix=repairs.REGION_CODE,
)
def customer_region_too_long(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: with profile ``avatax``, finds customers whose region is longer than 3
    characters, such as a state's name.

    Why is this bad? AvaTax REST v2's ``CustomerModel.region`` has a maximum length of 3 in
    every published schema (2017, 2022, 2025; ``docs/sources.md#avatax-models``): it is an
    ISO 3166-2 subdivision code. CertCapture's own screens resolve names, AvaTax's
    ``CreateCustomers`` and the customers of ``CreateCertificates`` don't.

    Example: ``{"customerCode": "C1", "region": "California"}``

    Use instead: ``{"customerCode": "C1", "region": "CA"}``
    """
    hits: Hits = NO_HITS
    for i, customer in enumerate(cert.customers):
        region = customer.region
        if region is None or len(region.strip()) <= 3:
            continue
        found = lookup_region(region, customer.country)
        code = f" {found.short}" if found is not None else ""
        hit = customer_hit(customer, i, "region", "over 3 characters", region=region, code=code)
        hits = [*hits, hit]
    return hits


def _records(cert: ExemptionCertificate) -> list[tuple[int, CustomerRecord]]:
    return [(i, c) for i, c in enumerate(cert.customers) if isinstance(c, CustomerRecord)]


@rule(
    code=2121,
    name="customer-bill-and-ship",
    severity=Severity.WARNING,
    message="A customer can't be both a bill-to and a ship-to customer. "
    "(CustomerCantBeBothShipToAndBillTo)",
    summary="Customer {customer_number} is marked both bill-to and ship-to; AvaTax refuses "
    "to link such a customer to its bill-to or ship-to records.",
    fix="Mark customer {customer_number} as either bill-to (isBill) or ship-to (isShip).",
    kinds=("customer",),
)
def customer_bill_and_ship(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds customer records with both ``isBill`` and ``isShip`` true.

    Why is this bad? AvaTax error 1220 CustomerCantBeBothShipToAndBillTo
    (``docs/sources.md#avatax-error-codes``) is raised when such a customer is linked to
    its bill-to or ship-to records; the create call itself may pass, so this is a warning.

    Example: ``{"customerCode": "C1", "isBill": true, "isShip": true}``

    Use instead: ``{"customerCode": "C1", "isBill": true}``
    """
    return [
        customer_hit(c, i, "is_ship", "both bill-to and ship-to")
        for i, c in _records(cert)
        if c.is_bill and c.is_ship
    ] or NO_HITS


@rule(
    code=2122,
    name="exposure-zones-empty",
    severity=Severity.ERROR,
    message="No data provided for 'exposure_zones'.",
    summary="Customer {customer_number} lists an exposure zone with nothing in it; "
    "CertCapture refuses the customer.",
    fix="Give each ship-to zone of customer {customer_number} by name "
    '(for example {{"name": "Washington"}}), or leave the empty one out.',
    kinds=("customer",),
)
def exposure_zones_empty(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds customer records whose exposure zones (ship-to zones) include an
    empty object or empty text.

    Why is this bad? CertCapture answers code 20009 "No data provided for
    'exposure_zones'." (passed on by AvaTax as error 1203;
    ``docs/sources.md#certcapture-api-errors``), and the customer is not created.

    Example: ``{"customer_number": "C1", "exposure_zones": [{}]}``

    Use instead: ``{"customer_number": "C1", "exposure_zones": [{"name": "Washington"}]}``
    """
    hits: Hits = NO_HITS
    for i, customer in _records(cert):
        for j, zone in enumerate(customer.exposure_zones):
            if zone is None or not zone.strip():
                loc = ("customers", i, "exposure_zones", j)
                hit = Hit(
                    loc=loc,
                    params={"customer_number": customer.customer_number or f"customers[{i}]"},
                    errors={("customers", i, "exposure_zones", j): "empty zone"},
                    customer_number=customer.customer_number,
                )
                hits = [*hits, hit]
    return hits


@rule(
    code=2123,
    name="customer-reference-empty",
    severity=Severity.WARNING,
    message="The certificate customer({customer_number}) gives its {label} as an empty object.",
    summary="The {label} of customer {customer_number} is an object with no name, code or "
    "initials, so it names nothing.",
    fix="Give the {label} of customer {customer_number} by its code (for example {example}), "
    "or leave the key out.",
    kinds=("customer",),
)
def customer_reference_empty(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds customer records whose ``state`` or ``country`` is an object with
    nothing in it (``"state": {}``).

    Why is this bad? CertCapture v2 takes the state and country as objects matched by id,
    name or initials (``docs/sources.md#certcapture-api``); an empty one matches nothing.
    Whether the API refuses it or drops it is not documented, so this is a warning; the
    missing region or country is reported by its own rule (2106, 2108).

    Example: ``{"customer_number": "C1", "state": {}}``

    Use instead: ``{"customer_number": "C1", "state": {"initials": "WA"}}``
    """
    hits: Hits = NO_HITS
    for i, customer in _records(cert):
        for field in customer.empty_references:
            label, example = (
                ("state", '{{"initials": "WA"}}')
                if field == "region"
                else ("country", '{{"initials": "US"}}')
            )
            hit = customer_hit(customer, i, field, "empty object", label=label, example=example)
            hits = [*hits, hit]
    return hits


@rule(
    code=2130,
    name="link-customers-missing",
    severity=Severity.ERROR,
    message="The link names no customer. (This value must be specified.)",
    summary="The link of customers to certificate {certificate} has no customer code, so it "
    "links nothing.",
    fix='Send the customer codes to link, for example {{"customers": ["C-1001"]}}.',
    kinds=("link",),
)
def link_customers_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds links (``LinkCustomersToCertificate`` bodies) without customers.

    Why is this bad? ``LinkCustomersModel.customers`` is the list of codes to link
    (``docs/sources.md#avatax-models``); an empty one is a call that changes nothing, and
    the certificate stays unlinked.

    Example: ``{"customers": []}``

    Use instead: ``{"customers": ["C-1001"]}``
    """
    if cert.customers:
        return NO_HITS
    certificate = cert.id if cert.id is not None else "(no id)"
    return (
        Hit(
            loc=("customers",),
            params={"certificate": certificate},
            errors={("customers",): "no customer"},
        ),
    )


link_customer_unnamed = declare(
    None,
    found_by=("certpreflight.engine",),
    kinds=("link",),
    doc="""
    What it does: finds links from the customer's side (an AvaTax
    ``LinkCertificatesToCustomer`` body, ``{"certificates": ["500111"]}``, or a CertCapture
    ``PUT /v2/customers/{number}/certificates`` body) that don't name their customer.

    Why is this bad? It isn't, for the call: both calls take the customer's code in their
    path (docs/sources.md#avatax-models, #certcapture-api). But the record alone doesn't
    say which customer it links, so certpreflight can't join it to that customer's record in
    a batch (its findings, 6501 for an unknown code): the link is checked for its
    certificate ids only.

    Example: ``{"certificates": ["500111"]}``

    Use instead: the customer's code beside the certificates, in any dialect's code key:
    ``{"customerCode": "C-1001", "certificates": ["500111"]}``.
    """,
    code=2131,
    name="link-customer-unnamed",
    severity=Severity.INFO,
    message="The link names no customer: its customer is in the call's path.",
    summary="Certificate(s) {certificates} are linked to the customer named in the call's "
    "path, which the record doesn't carry, so it was not joined to a customer record.",
    fix="Add the customer's code to the record (customerCode or customer_number) to check "
    "the link with that customer's record.",
)


# --- across the records of one sync (validate_batch) ----------------------------------------------
#
# These findings join records, so no check of one record makes them: validate_batch() emits
# them (check None, like the Formatting rules), and they are declared here to be documented,
# selectable and ignorable.

customer_unknown = declare(
    None,
    found_by=("certpreflight.batch",),
    doc="""
    What it does: in a batch, finds certificates and links that name a customer code that no
    customer record of the batch has (nor any of ``known_customers``).

    Why is this bad? AvaTax links a certificate to customers by their exact code; a code no
    customer has links nothing, or creates an empty customer (``CreateCertificates`` creates
    the customers it doesn't find; docs/sources.md#avatax-models), and the exempt customer
    keeps being taxed.

    Example: a certificate with ``customers: [{"customerCode": "RESELER"}]`` in a batch whose
    customer is ``RESELLER``.

    Use instead: the code exactly as the customer record has it, or the customer record in
    the batch (or ``known_customers=["RESELER"]`` if it exists in AvaTax already).
    """,
    code=6501,
    name="customer-unknown",
    severity=Severity.WARNING,
    message="The certificate customer({customer_number}) isn't a customer of this sync.",
    summary="Customer code {customer_number} is linked here, but no customer record of the "
    "batch (nor any known customer) has it, so it may not link.",
    fix="Send customer {customer_number} in the same sync, correct the code to the customer's "
    "exact code, or pass it in known_customers if it already exists in AvaTax.",
    kinds=("certificate", "link"),
)

customer_not_checked = declare(
    None,
    found_by=("certpreflight.batch",),
    doc="""
    What it does: in a batch without any customer record, says that the customers that
    certificates and links name by code were not checked.

    Why is this bad? It isn't: creating customers in another call is normal. But their
    problems (a missing address, say) will show on the certificate's History tab, and this
    batch couldn't predict them.

    Example: ``validate_batch([{"customers": ["RESELLER"]}])``

    Use instead: the customer records in the same batch, or ``known_customers``.
    """,
    code=6502,
    name="customer-not-checked",
    severity=Severity.INFO,
    message="The certificate customer({customer_number}) wasn't checked: the batch has no "
    "customer records.",
    summary="Customer {customer_number} is named by its code only, and no customer record was "
    "given to check it against.",
    fix="Check the customer records in the same batch (certpreflight check customers.csv "
    "certificates.ndjson) to see their problems here too.",
    kinds=("certificate", "link"),
)

customer_duplicate = declare(
    None,
    found_by=("certpreflight.batch",),
    doc="""
    What it does: in a batch, finds customer records with the same customer code as an
    earlier one.

    Why is this bad? Customer codes are unique within a company; AvaTax refuses the second
    with error 193 DuplicateEntry (docs/sources.md#avatax-error-codes), or one silently
    replaces the other.

    Example: two ``CreateCustomers`` items with ``"customerCode": "C-1"``.

    Use instead: one record per customer code.
    """,
    code=6503,
    name="customer-duplicate",
    severity=Severity.ERROR,
    message="The customer code {customer_number} already exists. (DuplicateEntry)",
    summary="Customer code {customer_number} is also the code of an earlier record ({first}).",
    fix="Merge the two records of customer {customer_number}, or give this one its own code.",
    kinds=("customer",),
)

customer_code_variant = declare(
    None,
    found_by=("certpreflight.batch",),
    doc="""
    What it does: in a batch, finds customer codes that differ from another record's only
    in letter case or surrounding whitespace.

    Why is this bad? AvaTax matches customer codes exactly (case and spaces count;
    docs/sources.md#avatax-models): a certificate linked to ``c-1 `` doesn't exempt the sales
    of ``C-1``, and the exempt customer gets taxed.

    Example: a customer ``"C-1001"`` and a certificate linked to ``"c-1001"``.

    Use instead: the same code, character for character, everywhere.
    """,
    code=6504,
    name="customer-code-variant",
    severity=Severity.WARNING,
    message="The certificate customer({customer_number}) matches customer {other!r} only when "
    "case and spaces are ignored.",
    summary="Customer code {customer_number!r} and {other!r} differ only in case or spaces; "
    "AvaTax treats them as two customers.",
    fix="Use the code exactly as {other!r} everywhere, or rename one of them.",
    kinds=("certificate", "customer", "link"),
)

customer_code_variant_held = declare(
    None,
    found_by=("certpreflight.batch",),
    doc="""
    What it does: finds customer codes that differ from a code AvaTax already holds (one of
    ``known_customers``, or a customer of the export a sync plan is made against) only in
    letter case or surrounding whitespace.

    Why is this bad? AvaTax matches customer codes exactly (case and spaces count;
    docs/sources.md#avatax-models): ``CreateCustomers`` with ``c-1001`` creates a second
    customer beside ``C-1001``, the certificates stay linked to the one the sync no longer
    updates, and the ERP's edits never reach it.

    Example: AvaTax holds ``"C-1001"`` and the sync sends a customer ``"c-1001 "``.

    Use instead: the code exactly as AvaTax holds it.
    """,
    code=6505,
    name="customer-code-variant-held",
    severity=Severity.WARNING,
    message="The certificate customer({customer_number}) matches customer {other!r}, which "
    "AvaTax holds, only when case and spaces are ignored.",
    summary="AvaTax holds customer {other!r}; {customer_number!r} differs from it only in case "
    "or spaces, so sending it creates a second customer and leaves {other!r} as it is.",
    fix="Send the code exactly as AvaTax holds it, {other!r}, or rename the customer in AvaTax "
    "first.",
    kinds=("certificate", "customer", "link"),
)

held_record_unkeyed = declare(
    None,
    found_by=("certpreflight.sync",),
    doc="""
    What it does: in the export a sync plan is made against, finds a customer without its
    ``customerCode`` or a certificate without its ``id``.

    Why is this bad? A plan matches customers by their code and certificates by their id
    (or their customer, region, reason and signed date, which need the id to be named): a
    record that has neither can't be matched, updated or called an orphan. AvaTax returns
    both on every record of ``QueryCustomers`` and ``QueryCertificates``
    (docs/sources.md#sync-plans), so the file is likely not an export: the source given as
    ``--against``, say.

    Example: ``{"@recordsetCount": 1, "value": [{"exemptionReason": {"name": "RESALE"}}]}``

    Use instead: the records as AvaTax returns them (``certpreflight export``).
    """,
    code=6506,
    name="held-record-unkeyed",
    severity=Severity.ERROR,
    message="The record Avalara holds has no {key}, so no source record can match it.",
    summary="This export record has no {key}: a plan can't tell what a sync would do to it.",
    fix="Export the records as AvaTax returns them, with their customerCode and id "
    "(certpreflight export).",
    kinds=("certificate", "customer"),
)

certificate_duplicate = declare(
    None,
    found_by=("certpreflight.batch",),
    kinds=("certificate",),
    doc="""
    What it does: in a batch, finds a certificate for the same customer, region and exempt
    reason as an earlier one, with dates that overlap. Single-use certificates are compared
    with those for the same PO numbers only: one for another purchase order is no copy.

    Why is this bad? It is the same certificate sent twice, or an old one not retired:
    CertCapture counts each upload as a certificate, Sovos refuses the duplicate, and which
    one AvaTax applies depends on the dates (docs/sources.md#exemption-decision).

    Example: two WA resale certificates of ``C-1`` from 2026-01-01, no expiration.

    Use instead: one certificate per customer, region and reason at a time.
    """,
    code=6507,
    name="certificate-duplicate",
    severity=Severity.WARNING,
    message="Certificate {certificate} repeats certificate {other} of customer "
    "{customer_number} ({reason} in {region}, {overlap}).",
    summary="Two certificates with the same customer, region and reason are valid on the same "
    "days; one of them is a copy.",
    fix="Keep {keep} (the one {why}) and drop the other, or end the older one's dates before "
    "the newer one starts.",
)
