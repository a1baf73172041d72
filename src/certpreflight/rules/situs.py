"""Situs rules (3xxx): the certificate's regions and the reason x region matrix.

CertCapture sends a multi-jurisdictional certificate to AvaTax in one call, so
one region where the reason is not exempt fails every region
(https://help.avalara.com/Frequently_Asked_Questions/Error_messages_FAQ/Multi-jurisdictional_Certificate_fails_with_Invalid_ExemptReasonId_and_Region_Combination_Error_in_CertCapture).
Which cells are known, and how sure we are, is the matrix's business
(:mod:`certpreflight.reference.matrix`); the policy (docs/sources.md#exemption-matrix):
Avalara-sourced ``not_exempt`` cells are errors, law-derived ones warnings (and so is any cell on a
secondary source), ``partial`` cells a hint, ``unknown`` cells nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from certpreflight.findings import Finding, Severity
from certpreflight.models import ExemptionCertificate
from certpreflight.reference.matrix import Cell, ExemptionMatrix, Status
from certpreflight.reference.reasons import Reason, all_reasons, reason_of
from certpreflight.reference.regions import Region, region_of
from certpreflight.rules import repairs
from certpreflight.rules._base import (
    NO_HITS,
    Autofix,
    Context,
    Hit,
    Hits,
    blank,
    declare,
    rule,
)

__all__ = [
    "is_local_zone",
    "jurisdiction_outside_regions",
    "jurisdiction_unidentified",
    "not_exempt_regions",
    "reason_likely_not_exempt_in_region",
    "reason_not_exempt_in_region",
    "reason_partially_exempt_in_region",
    "region_local_zone",
    "region_unknown",
    "regions_missing",
    "regions_too_long",
    "resolved_regions",
    "zone_name_is_code",
]


def resolved_regions(cert: ExemptionCertificate) -> list[tuple[int, Region]]:
    """The certificate's regions that resolve, with their index in ``regions``."""
    return [(i, r) for i, r in enumerate(map(region_of, cert.regions)) if r is not None]


def _join(regions: Sequence[Region]) -> str:
    return ", ".join([r.short for r in regions])


#: Reasons that say who the purchaser is (the SST Agreement's "entity-based" exemptions:
#: governments, tribes, diplomats, exempt organisations, non-residents), as opposed to how
#: the goods are used (resale, agriculture, manufacturing, direct pay ...;
#: docs/sources.md#streamlined-sales-tax). A purchaser can't switch between the first kind:
#: a charity is not a federal agency or a reseller, so no fix ever suggests one for another.
ENTITY_REASONS = frozenset("ABCDEFMNR")


def _alternatives(matrix: ExemptionMatrix, regions: Sequence[Region], current: str) -> str:
    """Use-based reasons known to be exempt (at least partly) in every one of ``regions``;
    none for an entity-based reason (:data:`ENTITY_REASONS`)."""
    if current in ENTITY_REASONS:
        return ""
    common: frozenset[str] | None = None
    for region in regions:
        valid = matrix.valid_reasons(region.code)
        common = valid if common is None else common & valid
        if not common:
            return ""
    return ", ".join(
        reason.code
        for reason in all_reasons()
        if reason.code not in (current, "TAXABLE")
        and reason.code not in ENTITY_REASONS
        and (common is None or reason.code in common)
    )


def _remedy(
    matrix: ExemptionMatrix, reason: Reason, failing: Sequence[Region], everywhere: Sequence[Region]
) -> str:
    """The fix text: which regions to drop, which would pass, which reasons would work.

    It never suggests removing every region (a certificate of none), and never a reason
    that says who the purchaser is in place of another (a charity told to claim resale).
    """
    names = {r.code for r in failing}
    passing = [r for r in everywhere if r.code not in names]
    no_tax = [r.short for r in failing if not r.sales_tax]
    if passing:
        parts = [f"Remove {_join(failing)} from the certificate and send it for "
                 f"{_join(passing)} only"]  # fmt: skip
    else:
        parts = [f"Don't send this certificate for reason {reason.code}: none of its regions "
                 f"({_join(failing)}) exempts it"]  # fmt: skip
    if no_tax:
        verb = "has" if len(no_tax) == 1 else "have"
        parts.append(
            f" ({', '.join(no_tax)} {verb} no statewide sales tax: no reason is exempt there)"
        )
    alternatives = _alternatives(matrix, everywhere, reason.code)
    if alternatives:
        parts.append(
            f", or, if the purchaser really qualifies for it, use a reason exempt in all of its "
            f"regions: {alternatives}"
        )
    elif passing and reason.code in ENTITY_REASONS:
        parts.append(f"; or give {_join(failing)} a certificate of its own")
    elif passing:
        parts.append(
            f"; no other reason is known to be exempt in all of {_join(everywhere)}, "
            "so split it into one certificate per region"
        )
    return "".join(parts) + "."


def _provenance(cell: Cell) -> str:
    """How a finding names a cell's source: its address, and its kind when it is secondary."""
    if cell.source_kind == "secondary":
        return f"secondary source, not official: {cell.source}"
    if cell.certainty == "low":
        return f"low certainty: {cell.source}"
    return cell.source


def _caveat(regions: Sequence[str], what: str) -> str:
    """ " The source for WA, OR {what}: verify it ...", or "" without regions."""
    if not regions:
        return ""
    return f" The source for {', '.join(regions)} {what}: verify it before acting on it."


def _matrix_hits(
    cert: ExemptionCertificate,
    ctx: Context,
    status: Status,
    rejects: bool | None,
    problem: str,
    *,
    remedy: bool = True,
) -> Hits:
    """One hit naming every region whose cell has ``status`` (and ``rejects``, if given).

    Its params are those the rule's templates use: the fix text's ``remedy`` (the costly
    one: which regions pass, which reasons would) with ``remedy``, else ``conditions``.
    """
    given = cert.exempt_reason
    if not given:
        return NO_HITS
    reason = reason_of(given)
    if reason is None or reason.code == "TAXABLE":
        return NO_HITS
    cells = ctx.matrix.cells_with(reason.code, status)
    if not cells:
        return NO_HITS
    picked = []
    everywhere = []  # every region that resolves: the fix text names those that would pass
    for i, region in enumerate(map(region_of, cert.regions)):
        if region is None:
            continue
        everywhere.append(region)
        cell = cells.get(region.code)
        if cell is not None and (rejects is None or cell.rejects == rejects):
            picked.append((i, region, cell))
    if not picked:
        return NO_HITS
    regions: list[Region] = []
    secondary: list[str] = []  # on a secondary source
    uncertain: list[str] = []  # on another source, of low certainty (Cell.secondary)
    for _, region, cell in picked:
        regions.append(region)
        if cell.source_kind == "secondary":
            secondary.append(region.short)
        elif cell.certainty == "low":
            uncertain.append(region.short)
    params = {
        "reason": reason.code,
        "regions": _join(regions),
        "secondary": _caveat(secondary, "is secondary (not an official publication)")
        + _caveat(uncertain, "is of low certainty"),
    }
    if remedy:
        params["remedy"] = _remedy(ctx.matrix, reason, regions, everywhere)
    else:
        params["conditions"] = "; ".join(
            f"{r.short}: {c.condition or c.source}" for _, r, c in picked
        )
    hit = Hit(
        loc=("regions", picked[0][0]),
        params=params,
        errors={("regions", i): f"{problem} ({_provenance(c)})" for i, _, c in picked},
    )
    return (hit,)


@rule(
    code=3001,
    name="region-unknown",
    severity=Severity.WARNING,
    message="Exposure zone {region!r} isn't a US state, a Canadian province or Canada (GST).",
    summary="AvaTax accepts exemptions only for state or province level exposure zones; "
    "{region!r} is not one, so it would not reach AvaTax.",
    fix="Use the state or province code or its full name (for example WA or Washington) "
    "instead of {region!r}.",
)
def region_unknown(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificate regions that are not a US state, DC, a US
    territory, a Canadian province or territory, or the Canada (GST) zone.

    Why is this bad? AvaTax accepts exemptions only at state or province level;
    custom local zones stay in CertCapture (docs/sources.md#certificate-rules, "Edit Exposure
    Zones and Exempt Reasons"). A misspelt zone name cannot be matched either.
    It is a warning because a zone we do not recognise might be a deliberate
    CertCapture-only zone, or a spelling AvaTax knows and we don't; zones that
    clearly name a county, parish or city are rule 3003 instead.

    A zone given by its AvaTax id only (``{"id": 138}``, read as ``#138``) is not
    reported: its name is in AvaTax's list of zones, not in the certificate.

    Example: ``{"regions": ["Washingotn"]}``

    Use instead: ``{"regions": ["WA"]}``
    """
    if all(map(region_of, cert.regions)):
        return NO_HITS  # every zone is known: the usual case, one lookup each
    hits: Hits = NO_HITS
    for i, value in enumerate(cert.regions):
        if value.startswith("#"):
            continue  # a zone given by its AvaTax id only: nothing here says which it is
        if region_of(value) is None and not is_local_zone(value):
            hit = Hit(
                loc=("regions", i),
                params={"region": value.strip()},
                errors={("regions", i): "not a state or province level exposure zone"},
            )
            hits = [*hits, hit]
    return hits


def not_exempt_regions(cert: ExemptionCertificate, ctx: Context) -> list[int]:
    """The indices (in ``cert.regions``) of the regions where rule 3101 finds the reason not
    exempt: the locs of its ``errors``, for its repair and the HTML report's failing regions."""
    check = reason_not_exempt_in_region.check
    assert check is not None
    return [i for hit in check(cert, ctx) for _, i in hit.errors if isinstance(i, int)]


def _drop_not_exempt(
    record: Mapping[str, Any], finding: Finding, cert: ExemptionCertificate | None, ctx: Context
) -> Any:
    """The certificate without the regions its reason is not exempt in (rule 3101's own);
    no repair when that would leave it no region."""
    if cert is None:
        return None
    failing = not_exempt_regions(cert, ctx)
    if len(set(failing)) >= len(cert.regions):
        return None
    return repairs.without(record, "regions", failing)


@rule(
    code=3101,
    name="reason-not-exempt-in-region",
    severity=Severity.ERROR,
    message="Reason Code {reason} isn't exempt in region(s): {regions}. "
    "(Invalid ExemptReasonId and region combination)",
    summary="Avalara's exemption matrix says reason {reason} is not exempt in {regions}; "
    "CertCapture sends all regions in one call, so the whole certificate fails.",
    fix="{remedy}",
    autofix=Autofix(
        "unsafe",
        _drop_not_exempt,
        "Drops the regions where the reason is not exempt (never all of them). Unsafe: the "
        "certificate then claims fewer regions.",
    ),
)
def reason_not_exempt_in_region(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificate regions where Avalara states that the
    exempt reason is not exempt (a ``not_exempt`` cell of confidence ``sourced``
    whose source is not secondary and whose certainty is not low).

    Why is this bad? CertCapture syncs a multi-jurisdictional certificate in
    one API call; a reason that is not exempt in any one region fails the call
    for every region, and the History tab shows "Reason Code X isn't exempt in
    region(s)". States without a statewide sales tax (AK, DE, MT, NH, OR)
    always fail
    (https://help.avalara.com/Frequently_Asked_Questions/Error_messages_FAQ/Multi-jurisdictional_Certificate_fails_with_Invalid_ExemptReasonId_and_Region_Combination_Error_in_CertCapture).
    Each cell's own source is in ``certpreflight matrix --region R --reason X``.

    Example: ``{"exempt_reason": "G", "regions": ["WA", "NH"]}``

    Use instead: ``{"exempt_reason": "G", "regions": ["WA"]}``
    """
    return _matrix_hits(cert, ctx, "not_exempt", True, "not exempt per Avalara")


@rule(
    code=3102,
    name="reason-likely-not-exempt-in-region",
    severity=Severity.WARNING,
    message="Reason Code {reason} is probably not exempt in region(s): {regions}.",
    summary="State or provincial law (or a secondary source), not Avalara's own table, says "
    "reason {reason} is not exempt in {regions}; CertCapture may reject the certificate or "
    "the exemption may not apply there.{secondary}",
    fix="Check {regions} for reason {reason} in your CertCapture Exemption Matrix. If it is "
    "not allowed there: {remedy}",
)
def reason_likely_not_exempt_in_region(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificate regions where the law says the reason is
    not exempt, but Avalara has not said so; or where the cell that says so
    rests on a secondary source or a low certainty (the finding says which).

    Why is this bad? The exemption probably does not apply there, and if
    Avalara's matrix agrees the sync fails for every region. Only a warning:
    the cell is not Avalara's statement, and a secondary source never gives
    an error (docs/sources.md#exemption-matrix).

    Example: ``{"exempt_reason": "E", "regions": ["WA"]}`` (Washington taxes
    nonprofits like other businesses,
    https://dor.wa.gov/education/industry-guides/nonprofit-organizations).

    Use instead: a reason the purchaser qualifies for in every region, or one
    certificate per region.
    """
    return _matrix_hits(cert, ctx, "not_exempt", False, "probably not exempt")


@rule(
    code=3103,
    name="reason-partially-exempt-in-region",
    severity=Severity.INFO,
    message="Reason Code {reason} is only partly or conditionally exempt in region(s): {regions}.",
    summary="Reason {reason} is exempt in {regions} only under a condition or at a reduced "
    "rate.{secondary}",
    fix="Make sure the purchaser meets the condition: {conditions}",
)
def reason_partially_exempt_in_region(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificate regions where the reason is a partial or
    conditional exemption (a ``partial`` cell): for example only the home
    state's own government, only organisations located in the state, or a
    reduced rate (California H and I, Alabama, Louisiana and Mississippi I,
    Hawaii G: 0.5% general excise tax on wholesale sales).

    Why is this bad? It is not an error: the certificate syncs. But the
    exemption applies only when the condition holds, so the purchaser may
    still owe tax.

    Example: ``{"exempt_reason": "B", "regions": ["NY"]}`` (New York exempts
    only its own state government and subdivisions).

    Use instead: nothing to change when the condition holds.
    """
    return _matrix_hits(cert, ctx, "partial", None, "partial or conditional", remedy=False)


@rule(
    code=3002,
    name="regions-missing",
    severity=Severity.ERROR,
    message="Certificate must have at least one exposure zone to become valid.",
    summary="The certificate names no region (exposure zone), so it exempts nothing "
    "(AvaTax error 1207 MissingExposureZone).",
    fix="Add the state(s) or province(s) the certificate was issued for, for example "
    'regions: ["WA"] (AvaTax: exposureZone: {{"name": "Washington"}}).',
)
def regions_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates without any region (exposure zone).

    Why is this bad? ``exposureZone`` is required: AvaTax fails with 1207
    MissingExposureZone, "Certificate must have at least one exposure zone to
    become valid." (docs/sources.md#avatax-models, #avatax-error-codes); CertCapture never sends a
    certificate without one (docs/sources.md#certcapture-sync-errors).

    Example: ``{"regions": []}``

    Use instead: ``{"regions": ["WA"]}``
    """
    if not "".join(cert.regions).strip():
        return (Hit(loc=("regions",), errors={("regions",): "no exposure zone"}),)
    return NO_HITS


#: Words that make a zone name a local (sub-state) jurisdiction: CertCapture's custom local
#: zones, e.g. "LA Parish" (docs/sources.md#certificate-rules, Avalara's "Edit Exposure Zones").
_LOCAL_WORDS = re.compile(
    r"\b(county|parish|borough|city|town|township|village|municipality)\b", re.IGNORECASE
)


def is_local_zone(value: str) -> bool:
    """True when an exposure zone's name clearly names a county, parish, city or town."""
    return _LOCAL_WORDS.search(value) is not None


#: AvaTax 26.6 (June 2026) added local jurisdictions to certificates: CertificateModel's
#: ``jurisdictions`` (CertificateJurisdictionModel: id, type, name, code) and
#: ``ListLocalExemptJurisdictions`` (``GET /api/v2/companies/{companyId}/jurisdictions``,
#: by exposure zone and exemption tax code); docs/sources.md#avatax-models.
_LOCAL_JURISDICTIONS = "https://github.com/avadev/AvaTax-REST-V2-DotNet-SDK/releases/tag/26.6.0"


@rule(
    code=3003,
    name="region-local-zone",
    severity=Severity.ERROR,
    message="Exposure zone {region!r} is a local zone; AvaTax's exposure zones are states and "
    "provinces.",
    summary="{region!r} names a county, parish or city. A custom local exposure zone stays in "
    "CertCapture and never reaches AvaTax, so the customer is taxed there; since AvaTax 26.6 a "
    "local exemption is a jurisdiction of a certificate whose zone is the state.",
    fix="Replace {region!r} with the state or province it is in (for example "
    '"Orleans Parish" -> LA) and list the local jurisdiction in the certificate\'s '
    "jurisdictions (ListLocalExemptJurisdictions names the ones AvaTax takes for that zone and "
    "reason); keep the local zone in CertCapture only if you need it there.",
)
def region_local_zone(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificate regions that are not a state or province and
    whose name contains county, parish, borough, city, town, township, village
    or municipality.

    Why is this bad? An exposure zone is a state or province: "Custom local exposure
    zones (e.g. 'LA Parish') are CertCapture-only" (docs/sources.md#certcapture-sync-errors,
    #certificate-rules,
    https://help.avalara.com/0021_Avalara_CertCapture/All_About_CertCapture/Edit_Exposure_Zones_and_Exempt_Reasons).
    AvaTax 26.6 (June 2026) added local exemptions, but not as zones: a certificate's
    ``jurisdictions`` (CertificateJurisdictionModel: id, type, name, code) under its
    state exposure zone, the valid ones listed by ``ListLocalExemptJurisdictions`` for a
    zone and an exemption reason (https://github.com/avadev/AvaTax-REST-V2-DotNet-SDK/releases/tag/26.6.0;
    the SDK's ``src/models/CertificateModel.cs`` and ``CertificateJurisdictionModel.cs``).
    So "state-level only" no longer holds for AvaTax, but a local name as the zone still
    matches no zone. An error, unlike rule 3001 (region-unknown): the name itself says
    the zone is below state level. Names that resolve to a state or province are never
    checked (so a state is never mistaken for a city).

    Example: ``{"regions": ["Orleans Parish"]}``

    Use instead: ``{"regions": ["LA"], "jurisdictions": [{"type": "Parish", "name":
    "ORLEANS"}]}`` (the jurisdiction as ListLocalExemptJurisdictions gives it)
    """
    if all(map(region_of, cert.regions)):
        return NO_HITS  # every zone is known: the usual case, one lookup each
    hits: Hits = NO_HITS
    for i, value in enumerate(cert.regions):
        if region_of(value) is None and is_local_zone(value):
            hit = Hit(
                loc=("regions", i),
                params={"region": value.strip()},
                errors={("regions", i): "local exposure zone"},
            )
            hits = [*hits, hit]
    return hits


@rule(
    code=3006,
    name="jurisdiction-unidentified",
    severity=Severity.WARNING,
    message="Jurisdiction {index} of the certificate has no id, code or name.",
    summary="AvaTax links a certificate to a local jurisdiction it can identify; this one "
    "names none, so it may be refused or ignored ({source}).",
    fix="Give the jurisdiction as ListLocalExemptJurisdictions returns it for the certificate's "
    "zone and reason (its code, name and type), or remove it.",
)
def jurisdiction_unidentified(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds local jurisdictions of a certificate (``jurisdictions``, AvaTax
    26.6) with no id, code or name.

    Why is this bad? A jurisdiction is one of those ``ListLocalExemptJurisdictions``
    returns for the certificate's exposure zone and reason, known by its code, name and
    type (https://github.com/avadev/AvaTax-REST-V2-DotNet-SDK/releases/tag/26.6.0;
    docs/sources.md#avatax-models); an empty one names nothing. A warning: what AvaTax
    does with it is not documented.

    Example: ``{"jurisdictions": [{"type": "City"}]}``

    Use instead: ``{"jurisdictions": [{"type": "City", "name": "LOS ANGELES", "code":
    "44000"}]}``
    """
    hits: Hits = NO_HITS
    for i, found in enumerate(cert.jurisdictions):
        if blank(found.id) and blank(found.code) and blank(found.name):
            hit = Hit(
                loc=("jurisdictions", i),
                params={"index": i, "source": _LOCAL_JURISDICTIONS},
                errors={("jurisdictions", i): "no id, code or name"},
            )
            hits = [*hits, hit]
    return hits


@rule(
    code=3007,
    name="jurisdiction-outside-regions",
    severity=Severity.WARNING,
    message="Jurisdiction {name!r} is a state the certificate doesn't cover ({regions}).",
    summary="A certificate's jurisdictions lie within its exposure zone: "
    "ListLocalExemptJurisdictions lists them per zone. {name!r} is another state, so it "
    "exempts nothing there ({source}).",
    fix="Remove {name!r} from the jurisdictions, or add {short} to the certificate's regions "
    "if the purchaser is exempt there.",
)
def jurisdiction_outside_regions(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds local jurisdictions of a certificate whose type is State and
    whose name or code is a state or province not among the certificate's regions.

    Why is this bad? AvaTax lists the jurisdictions a certificate may carry per exposure
    zone and reason (``ListLocalExemptJurisdictions``,
    https://github.com/avadev/AvaTax-REST-V2-DotNet-SDK/releases/tag/26.6.0); a
    jurisdiction of another state is not among them. A warning: the rest of the
    certificate is unaffected.

    Example: ``{"regions": ["CA"], "jurisdictions": [{"type": "State", "name": "NEVADA"}]}``

    Use instead: ``{"regions": ["CA"], "jurisdictions": [{"type": "State", "name":
    "CALIFORNIA"}]}``
    """
    if not cert.jurisdictions:
        return NO_HITS
    covered = {region.code for _, region in resolved_regions(cert)}
    if not covered:
        return NO_HITS  # no zone known: rule 2101 or 3001 says so
    hits: Hits = NO_HITS
    for i, found in enumerate(cert.jurisdictions):
        if (found.type or "").strip().casefold() != "state":
            continue
        region = region_of(found.name or "") or region_of(found.code or "")
        if region is None or region.code in covered:
            continue
        hit = Hit(
            loc=("jurisdictions", i),
            params={
                "name": (found.name or found.code or "").strip(),
                "short": region.short,
                "regions": ", ".join(
                    sorted(r.removeprefix("US-").removeprefix("CA-") for r in covered)
                ),
                "source": _LOCAL_JURISDICTIONS,
            },
            errors={("jurisdictions", i): f"{region.short} is not a region of the certificate"},
        )
        hits = [*hits, hit]
    return hits


_REGIONS_LIMIT = 200


@rule(
    code=3004,
    name="regions-too-long",
    severity=Severity.ERROR,
    message="RegionsApplicable length must be between 1 and 200 characters.",
    summary="The certificate's {count} regions, joined as region codes, take {length} "
    "characters; AvaTax's exemption record holds at most {limit}.",
    fix="Split the certificate into several certificates of fewer regions (each at most "
    "{limit} characters of codes joined with commas).",
)
def regions_too_long(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: joins the certificate's regions as short codes with commas
    (``WA,OR,ON``; an unrecognised zone counts as written) and finds lists
    over 200 characters.

    Why is this bad? The ECMS record lists the regions a certificate applies to
    in ``regionsApplicable``, comma-separated, at most 200 characters
    (docs/sources.md#ecms-record). Only reachable with very many zones (about 66 codes), or long
    custom zone names.

    Example: every US state, DC, territory and province on one certificate.

    Use instead: one certificate per group of regions.
    """
    if sum(len(v) + 1 for v in cert.regions) - 1 <= _REGIONS_LIMIT:
        return NO_HITS  # short codes are never longer than what was written
    codes = []
    for value in cert.regions:
        region = region_of(value)
        codes.append(value.strip() if region is None else region.short)
    length = len(",".join(codes))
    if length <= _REGIONS_LIMIT:
        return NO_HITS
    hit = Hit(
        loc=("regions",),
        params={"count": len(codes), "length": length, "limit": _REGIONS_LIMIT},
        errors={("regions",): f"{length} characters joined, max {_REGIONS_LIMIT}"},
    )
    return (hit,)


zone_name_is_code = declare(
    None,
    found_by=("certpreflight.reading.zones",),
    doc="""
    What it does: finds AvaTax exposure zones given by name (``exposureZone: {"name":
    ...}``) whose name is a region's code, such as ``{"name": "WA"}``, and names the zone
    AvaTax knows. It is emitted while the payload is read (the model keeps the region, not
    how it was written), so its ``check`` is None.

    Why is this bad? AvaTax matches a certificate's exposure zone by its name, and US zones
    are named after the state in full ("Washington"; docs/sources.md#avatax-models,
    ExposureZoneModel, and #certificate-rules); a code there may match no zone. A warning:
    an account may have zones of its own with such names.

    Example: ``{"exposureZone": {"name": "WA"}}``

    Use instead: ``{"exposureZone": {"name": "Washington"}}``
    """,
    code=3005,
    name="zone-name-is-code",
    severity=Severity.WARNING,
    message="Exposure zone {name!r} is given by its name, and AvaTax names that zone {full!r}.",
    summary="AvaTax matches exposure zones by name; {name!r} is the region's code, so it may "
    "match no zone.",
    fix='Send the zone as {{"name": "{full}"}} (or by its id from ListCertificateExposureZones).',
)
