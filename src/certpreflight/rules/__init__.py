"""The rule catalogue: every rule, in one explicit list sorted by code.

Codes are 4 digits; the first digit is the family (2 Input, 3 Situs,
4 Formatting, 5 Status, 6 Identity). The audit-readiness rules (module
``audit``) are 52xx (Status: form, validity term) and 64xx (Identity:
state-issued numbers). A sale checked against the certificates on file
(module ``sale``, :func:`certpreflight.explain`) is x7xx in each family. A code
is never reused: a retired rule keeps its
number out of circulation. ``docs/rules.md`` is generated from this list
(``python -m certpreflight rules --format markdown``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from certpreflight.rules import (
    address,
    attachment,
    audit,
    formatting,
    identity,
    input,
    keys,
    records,
    sale,
    situs,
    status,
)
from certpreflight.rules._base import ALL_PROFILES, Check, Context, Hit, Loc, Rule, path
from certpreflight.suggest import rule_hint

__all__ = [
    "ALL_PROFILES",
    "CATALOGUE",
    "KEYED_IN_REVIEW",
    "RESERVED_CODES",
    "Check",
    "Context",
    "Hit",
    "Loc",
    "Rule",
    "fixable_code",
    "get_rule",
    "path",
]

#: Codes used by findings made outside the catalogue (AvaTax replies turned into
#: findings by :mod:`certpreflight.avatax`); no rule may take them.
RESERVED_CODES: Mapping[int, str] = MappingProxyType(
    {2900: "avatax-rejected", 5900: "avatax-unreachable", 5901: "avatax-unconfirmed"}
)

CATALOGUE: tuple[Rule, ...] = (
    input.customers_missing,  # 2001
    input.customer_name_missing,  # 2101
    input.address_line1_missing,  # 2102
    input.address_line1_too_long,  # 2103
    input.address_line2_too_long,  # 2104
    input.city_missing,  # 2105
    input.region_missing,  # 2106
    input.postal_code_missing,  # 2107
    input.country_missing,  # 2108
    input.customer_name_too_long,  # 2109
    input.address_line3_too_long,  # 2110
    input.city_too_long,  # 2111
    input.postal_code_too_long,  # 2112
    records.customer_region_too_long,  # 2120
    records.customer_bill_and_ship,  # 2121
    records.exposure_zones_empty,  # 2122
    records.customer_reference_empty,  # 2123
    records.link_customers_missing,  # 2130
    records.link_customer_unnamed,  # 2131
    input.po_number_missing,  # 2201
    input.po_number_too_long,  # 2202
    input.po_numbers_multiple,  # 2203
    input.reason_missing,  # 2301
    input.reason_unknown,  # 2302
    input.reason_placeholder,  # 2303
    input.reason_description_missing,  # 2304
    keys.key_misspelled,  # 2310
    keys.keys_unknown,  # 2311
    attachment.attachment_missing,  # 2401
    attachment.attachment_conflicting,  # 2402
    attachment.attachment_empty,  # 2403
    attachment.attachment_not_pdf_or_jpeg,  # 2404
    attachment.attachment_missing_stacked,  # 2405
    input.exempt_percentage_out_of_range,  # 2501
    input.exempt_percentage_zero,  # 2502
    sale.sale_po_not_on_certificate,  # 2701
    situs.region_unknown,  # 3001
    situs.regions_missing,  # 3002
    situs.region_local_zone,  # 3003
    situs.regions_too_long,  # 3004
    situs.zone_name_is_code,  # 3005
    situs.jurisdiction_unidentified,  # 3006
    situs.jurisdiction_outside_regions,  # 3007
    situs.reason_not_exempt_in_region,  # 3101
    situs.reason_likely_not_exempt_in_region,  # 3102
    situs.reason_partially_exempt_in_region,  # 3103
    address.country_invalid,  # 3201
    address.region_not_in_country,  # 3202
    address.country_not_alpha2,  # 3203
    address.postal_code_invalid,  # 3301
    address.postal_code_region_mismatch,  # 3302
    sale.sale_region_not_covered,  # 3701
    sale.sale_use_code_not_exempt,  # 3702
    formatting.invalid_json,  # 4001
    formatting.not_an_object,  # 4002
    formatting.uninterpretable_value,  # 4003
    formatting.payload_too_large,  # 4004
    formatting.nesting_too_deep,  # 4005
    formatting.value_too_long,  # 4006
    formatting.number_not_finite,  # 4007
    formatting.number_too_large,  # 4008
    formatting.too_many_items,  # 4009
    formatting.record_too_large,  # 4010
    formatting.text_not_utf8,  # 4011
    formatting.csv_row_runs_on,  # 4012
    formatting.findings_capped,  # 4013
    formatting.import_file_too_long,  # 4014
    formatting.record_kind_unknown,  # 4030
    formatting.record_kind_ambiguous,  # 4031
    sale.transaction_unreadable,  # 4701
    status.effective_date_missing,  # 5001
    status.expiration_date_missing,  # 5002
    status.effective_date_in_future,  # 5101
    status.expiration_before_effective,  # 5102
    status.certificate_expired,  # 5103
    status.certificate_expiring_soon,  # 5104
    status.date_ambiguous,  # 5105
    audit.form_not_accepted_in_region,  # 5201
    audit.expiration_beyond_state_term,  # 5202
    audit.expiration_missing_state_term,  # 5203
    audit.blanket_certificate_may_have_lapsed,  # 5204
    status.certificate_invalid,  # 5301
    sale.sale_before_effective_date,  # 5701
    sale.sale_after_expiration,  # 5702
    sale.sale_certificate_not_synced,  # 5703
    sale.sale_certificate_invalid,  # 5704
    sale.sale_before_certificate_created,  # 5705
    sale.sale_partially_exempt,  # 5706
    sale.sale_certificates_several,  # 5707
    identity.customer_number_missing,  # 6101
    identity.customer_number_too_long,  # 6102
    identity.customer_number_untrimmed,  # 6103
    identity.customer_number_unusual_characters,  # 6104
    identity.customer_linked_twice,  # 6105
    identity.tax_id_missing_sst,  # 6201
    identity.tax_id_missing,  # 6202
    identity.tax_id_too_long,  # 6203
    identity.tax_id_malformed,  # 6204
    identity.tax_id_missing_sst_avatax,  # 6205
    identity.business_type_missing_sst,  # 6301
    identity.business_type_invalid,  # 6302
    audit.state_exemption_number_missing,  # 6401
    audit.state_number_malformed,  # 6402
    audit.federal_ein_for_state_number,  # 6403
    records.customer_unknown,  # 6501
    records.customer_not_checked,  # 6502
    records.customer_duplicate,  # 6503
    records.customer_code_variant,  # 6504
    records.customer_code_variant_held,  # 6505
    records.held_record_unkeyed,  # 6506
    records.certificate_duplicate,  # 6507
    sale.sale_no_certificate,  # 6701
    sale.sale_customer_code_variant,  # 6702
    sale.sale_exempt_without_certificate,  # 6703
)

#: The rules about a certificate's data that CertCapture's review team keys in from the
#: document when the certificate is sent to the validation queue (``submit_to_stack:
#: true``; docs/sources.md#certcapture-api): before that, a missing value is no problem, so
#: their findings are info at most. The others still hold: a document must be attached, the
#: exposure zone and the exempt reason must resolve, the customers must be linkable.
KEYED_IN_REVIEW: frozenset[int] = frozenset(
    {
        status.effective_date_missing.code,  # 5001 SignedDate
        status.expiration_date_missing.code,  # 5002
        identity.tax_id_missing_sst.code,  # 6201 IdNo
        identity.tax_id_missing.code,  # 6202
        identity.tax_id_missing_sst_avatax.code,  # 6205
        identity.business_type_missing_sst.code,  # 6301
        input.po_number_missing.code,  # 2201 DocumentRefNo
    }
)

_BY_KEY: Mapping[str, Rule] = MappingProxyType(
    {str(r.code): r for r in CATALOGUE} | {r.name: r for r in CATALOGUE}
)


#: The kind of each rule's automatic repair (safe or unsafe), by code.
_FIX_KINDS: Mapping[int, str] = MappingProxyType(
    {r.code: r.autofix.kind for r in CATALOGUE if r.autofix is not None}
)


def fixable_code(code: int, *, unsafe: bool = False) -> bool:
    """True when rule ``code`` has a repair of an allowed kind (safe, or any if ``unsafe``):
    what ``check --fix`` (``--unsafe-fixes``) repairs, ``[*]`` in a report."""
    kind = _FIX_KINDS.get(code)
    return kind is not None and (unsafe or kind == "safe")


def get_rule(key: int | str) -> Rule:
    """The rule with this code (``2101`` or ``"2101"``) or name; KeyError if there is none."""
    text = str(key).strip().lower()
    try:
        return _BY_KEY[text]
    except KeyError:
        hint = rule_hint(text, [r.name for r in CATALOGUE], [r.code for r in CATALOGUE])
        raise KeyError(
            f"no rule {key!r}{hint}; see `certpreflight rules` for the catalogue"
        ) from None
