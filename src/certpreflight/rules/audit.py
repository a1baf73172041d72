"""Audit-readiness rules: the form, the validity term, the state-issued number.

A certificate that syncs can still fail an audit: the state does not accept the form it
was written on, it runs past the state's validity term, or an entity exemption lacks the
number the state itself issues. The facts are package data with a public source per row
(:mod:`certpreflight.reference.audit`). All of these rules are warnings: none of the
sources says that a state refuses the certificate outright.

They run in every profile on facts from official sources (statute, regulation, revenue
department, MTC, SST, federal, Avalara); facts from secondary sources count only in the
``audit`` profile, and their findings say so. Codes: 5201-5203 (Status), 6401 (Identity).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from certpreflight.findings import Severity
from certpreflight.models import ExemptionCertificate
from certpreflight.reference.audit import (
    FormRow,
    NumberFormat,
    StateNumberRow,
    TermRow,
    accepted_forms,
    form_key,
    form_rows,
    reason_number_formats,
    state_number_rows,
    term_regions,
    term_rows,
)
from certpreflight.reference.reasons import reason_of
from certpreflight.reference.regions import Region, region_of
from certpreflight.rules._base import NO_HITS, Context, Hit, Hits, blank, rule
from certpreflight.rules.situs import resolved_regions

__all__ = [
    "blanket_certificate_may_have_lapsed",
    "expiration_beyond_state_term",
    "expiration_missing_state_term",
    "federal_ein_for_state_number",
    "form_not_accepted_in_region",
    "state_exemption_number_missing",
    "state_number_malformed",
]

#: The entity exemption reasons: exempt organisations, religious and educational ones,
#: state and local governments.
_ENTITY_REASONS = frozenset("EFMBN")


def _counts(source_kind: str, ctx: Context) -> bool:
    """Whether a fact of this kind is used in this profile (secondary: ``audit`` only)."""
    return source_kind != "secondary" or ctx.profile == "audit"


def _cite(source: str, source_kind: str) -> str:
    if source_kind == "secondary":
        return f"secondary source, not official: {source}"
    return f"{source_kind}: {source}"


def _reason(cert: ExemptionCertificate) -> str | None:
    given = cert.exempt_reason
    reason = reason_of(given) if given else None
    return None if reason is None or reason.code == "TAXABLE" else reason.code


def _alternatives(region: Region, reason: str) -> str:
    names = [row.name for row in accepted_forms(region.code, reason)]
    return f"{region.short}: {' or '.join(names)}" if names else ""


@rule(
    code=5201,
    name="form-not-accepted-in-region",
    severity=Severity.WARNING,
    message="The certificate form {form!r} isn't accepted in region(s): {regions}.",
    summary="{regions} do not accept the {form_name} for reason {reason}, so the certificate "
    "may not hold up in an audit there: {evidence}",
    fix="{remedy}",
)
def form_not_accepted_in_region(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: for a certificate that names its form (``form``: the MTC Uniform
    Sales & Use Tax Resale Certificate or the SST Certificate of Exemption F0003,
    by any usual spelling), finds the regions that do not accept that form for the
    certificate's reason.

    Why is this bad? The certificate is the seller's proof in an audit; on a form
    the state does not accept, the exemption can be disallowed and the tax assessed.
    A warning: not being on a form's list is not a refusal. The sources:

    * DC, IN, LA, MA, MS, NY, VA, WV and WY are not on the MTC certificate's list of
      states (rev. 10/14/2022, mtc:
      https://www.mtc.gov/wp-content/uploads/2023/01/Unif-Resale-Cert-revised-10-14-22.pdf).
    * Secondary sources, so in the ``audit`` profile only: Texas does not take the
      SST certificate as a resale certificate (34 TAC 3.285,
      https://www.law.cornell.edu/regulations/texas/34-Tex-Admin-Code-SS-3-285);
      Florida documents resale only with its Annual Resale Certificate
      (https://floridarevenue.com/Forms_library/current/brochure/gt800060.pdf); New
      York does not accept other states' certificates
      (https://www.tax.ny.gov/pubs_and_bulls/tg_bulletins/st/exemption_certificates_for_sales_tax.htm).

    The fix names the state's own form where the data knows it. All rows, with their
    sources, are in the package's ``reference/data/forms.csv`` and in
    ``docs/sources.md``.

    Example: ``{"exempt_reason": "G", "regions": ["NY"], "form": "MTC"}``

    Use instead: ``{"exempt_reason": "G", "regions": ["NY"], "form": "ST-120"}``
    """
    form = form_key(cert.form)
    if form is None:
        return NO_HITS
    reason = _reason(cert)
    if reason is None:
        return NO_HITS
    failing: list[tuple[int, Region, FormRow]] = []
    for i, region in resolved_regions(cert):
        for row in form_rows(region.code, form):
            if row.accepted == "N" and row.covers(reason) and _counts(row.source_kind, ctx):
                failing.append((i, region, row))
                break
    if not failing:
        return NO_HITS
    regions = ", ".join(r.short for _, r, _ in failing)
    others = [text for _, r, _ in failing if (text := _alternatives(r, reason))]
    remedy = f"Use the form each of {regions} accepts for reason {reason}"
    remedy += f" ({'; '.join(others)})." if others else "."
    if len(failing) < len(resolved_regions(cert)):
        remedy += f" Or remove {regions} from this certificate."
    hit = Hit(
        loc=("form",),
        params={
            "form": (cert.form or "").strip(),
            "form_name": failing[0][2].name,
            "reason": reason,
            "regions": regions,
            "evidence": " ".join(f"{r.short}: {row.evidence}" for _, r, row in failing),
            "remedy": remedy,
        },
        errors={
            ("regions", i): f"form not accepted ({_cite(row.source, row.source_kind)})"
            for i, _, row in failing
        },
    )
    return (hit,)


def _governs(term: TermRow, cert: ExemptionCertificate, regions: int, ctx: Context) -> bool:
    """Whether ``term`` is about this certificate (:attr:`TermRow.applies`): a state's own
    document (a reseller permit, a resale certificate the state issues) is never a
    certificate on the MTC or SST form, nor one of several regions; a certificate that
    names no form may be it or not (a purchaser registered elsewhere gives the MTC or SST
    form), so it counts only in the ``audit`` profile."""
    if not term.applies:
        return True
    if term.applies == "state":
        if regions != 1 or form_key(cert.form) in ("mtc", "sst"):
            return False
        return not blank(cert.form) or ctx.profile == "audit"
    return term.applies in (cert.form or "")


def _terms(cert: ExemptionCertificate, ctx: Context) -> Sequence[tuple[int, Region, TermRow]]:
    """The (index, region, term) of each region with a validity term for the reason that
    governs this certificate."""
    reason = _reason(cert)
    if reason is None or cert.single_use:
        return ()
    with_terms = term_regions(reason)
    if not with_terms:
        return ()
    resolved = resolved_regions(cert)
    return [
        (i, region, term)
        for i, region in resolved
        if region.code in with_terms
        for term in term_rows(region.code, reason)
        if _counts(term.source_kind, ctx) and _governs(term, cert, len(resolved), ctx)
    ]


def _others(cert: ExemptionCertificate, region: Region) -> str:
    """The certificate's other regions, as short codes ("" when it has none)."""
    return ", ".join(r.short for _, r in resolved_regions(cert) if r.code != region.code)


def _date_remedy(
    cert: ExemptionCertificate, region: Region, term: TermRow, date: str, *, beyond: bool = False
) -> str:
    """How to give ``region`` the expiry ``date`` without ending the other regions' exemption.

    One expiration date serves every region of a certificate: on a certificate of several
    regions, setting it to one state's date would end the exemption in all of them.
    """
    others = _others(cert, region)
    if not others and beyond:
        return (
            f"Set expiration_date to {date} (or earlier) and collect a new certificate from "
            "the purchaser before then."
        )
    if not others:
        return f"Set expiration_date to {date} ({term.term})."
    return (
        f"Give {region.short} a certificate of its own with expiration_date {date} "
        f"({term.term}) and remove {region.short} from this one; don't change this "
        f"certificate's expiration date, which also ends the exemption in {others}."
    )


def _validity(term: TermRow) -> str:
    if term.force == "guidance":
        return f"should be renewed ({term.term}; guidance, not a legal expiry)"
    return f"is valid for a limited time ({term.term})"


def _term_hit(index: int, region: Region, term: TermRow, limit: dt.date | None) -> Hit:
    return Hit(
        loc=("expiration_date",),
        params={
            "region": region.short,
            "form": term.form,
            "term": term.term,
            "validity": _validity(term),
            "limit": "" if limit is None else limit.isoformat(),
            "source": _cite(term.source, term.source_kind),
        },
        errors={
            ("regions", index): f"{term.term} ({_cite(term.source, term.source_kind)})",
        },
    )


@rule(
    code=5202,
    name="expiration-beyond-state-term",
    severity=Severity.WARNING,
    message="The certificate's expiration date is past {region}'s validity term: {term}.",
    summary="In {region} the {form} {validity}; this certificate runs past {limit}, so from "
    "then on it may not support the exemption ({source}).",
    fix="{remedy}",
)
def expiration_beyond_state_term(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: for a blanket certificate with effective and expiration dates,
    finds regions whose validity term for the reason ends before the expiration
    date; one finding per region, with the last valid day in the fix.

    Why is this bad? After the term the certificate no longer supports the exempt
    sales in an audit. Single-use certificates are not checked. One expiration date
    serves every region of a certificate, so on a certificate of several regions the
    fix never moves it (that would end the exemption in the other regions too): it
    says to give the state a certificate of its own. The terms:

    * Florida (G): the Annual Resale Certificate expires on December 31; one issued
      from mid-October runs to December 31 of the next year. Every October date gets
      the longer term, so a valid certificate is never flagged (avalara:
      https://www1.avalara.com/trustfile/en/blog/the-facts-about-florida-resale-certificates.html).
    * Illinois (G): guidance, not a legal expiry: blanket resale certificates "should"
      be updated at least every 3 years (dor:
      https://www2.illinois.gov/rev/QuestionsAndAnswers/pages/279.aspx).
    * Nevada (E, F, M): letters of exemption, 5 years (NAC 372.700, regulation:
      https://regulations.justia.com/states/nevada/chapter-372/exemptions/section-372-700).
    * Maryland (E, F, M): every nonprofit certificate of the current cycle carries the
      printed expiration date September 30, 2027 (dor:
      https://marylandtaxes.gov/business/sales-use/tax-exemptions/).
    * Rhode Island (E, F, M): 4 years (280-RICR-20-70-39.7, regulation:
      https://regulations.justia.com/states/rhode-island/title-280/chapter-20/subchapter-70/part-39/section-280-ricr-20-70-39-7).
    * Alabama (E, F, M): the STE-1 certificate, yearly (Code of Ala. 40-9-60, statute:
      https://print.casetext.com/statute/code-of-alabama/title-40-revenue-and-taxation/chapter-9-exemptions-from-taxation-and-licenses/article-3-certificate-of-exemption/section-40-9-60-certificates-of-exemption-for-persons-or-companies-exempt-from-sales-use-and-lodging-taxes).
    * Maine (G, a certificate Maine Revenue Services issues: not on the MTC or SST form,
      nor one of several regions; one that names no form in the ``audit`` profile only,
      as it may be another state's form): it runs to the December 31 printed on it, at most 5
      calendar years on (36 MRSA 1754-B, statute:
      https://legislature.maine.gov/ros/LOM/lom122nd/14Pub501-550/Pub501-550-85.htm).
    * Washington (G, a reseller permit: not a certificate on the MTC or SST form, nor
      one of several regions; one that names no form in the ``audit`` profile only):
      generally 4 years (dor:
      https://dor.wa.gov/education/industry-guides/vessel-brokers-and-dealers/reseller-permits).
    * Michigan (a certificate that names Form 3372): a blanket certificate's expiration
      date is at most 4 years on (dor, the official form:
      https://www.michigan.gov/taxes/-/media/Project/Websites/taxes/Forms/SUW/3372.pdf).

    The rows are in the package's ``reference/data/terms.csv`` and in ``docs/sources.md``.

    Example: ``{"exempt_reason": "G", "regions": ["FL"], "effective_date":
    "2026-03-01", "expiration_date": "2027-12-31"}``

    Use instead: ``"expiration_date": "2026-12-31"``
    """
    effective, expiration = cert.effective_date, cert.expiration_date
    if effective is None or expiration is None:
        return NO_HITS
    hits: list[Hit] = []
    for index, region, term in _terms(cert, ctx):
        if term.rule.startswith("lapse:"):
            continue
        limit = term.limit(effective)
        if limit is not None and expiration > limit:
            hit = _term_hit(index, region, term, limit)
            remedy = _date_remedy(cert, region, term, limit.isoformat(), beyond=True)
            hits.append(Hit(hit.loc, {**hit.params, "remedy": remedy}, hit.errors))
    return hits


@rule(
    code=5203,
    name="expiration-missing-state-term",
    severity=Severity.WARNING,
    message="The certificate has no expiration date, but {region} limits it: {term}.",
    summary="In {region} the {form} {validity}; without an expiration date the certificate "
    "looks valid after that ({source}).",
    fix="{remedy}",
)
def expiration_missing_state_term(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds blanket certificates without an expiration date in a
    region that sets a validity term for the reason (the terms and sources of rule
    5202; in the ``audit`` profile also Indiana NP-1 certificates (E, F, M), which
    the state issues with an expiration date, on a secondary source:
    https://controller.nd.edu/news/new-indiana-state-tax-rate/). The fix gives the
    date where a term fixes it (the effective date plus the term), or says to copy
    the date printed on the state's document (Indiana, Maryland, Maine). Michigan's
    Form 3372 needs no expiration date, so it is not reported here. On a certificate
    of several regions, the fix says to give the state a certificate of its own: one
    expiration date would end the exemption in every region.

    Why is this bad? Nothing then tells the seller to renew it: past the term the
    certificate no longer supports the exemption, and CertCapture keeps it as valid.

    Example: ``{"exempt_reason": "G", "regions": ["IL"], "effective_date":
    "2026-01-15", "expiration_date": null}``

    Use instead: ``"expiration_date": "2029-01-15"``
    """
    if cert.expiration_date is not None:
        return NO_HITS
    hits: list[Hit] = []
    for index, region, term in _terms(cert, ctx):
        if not term.sets_expiry:
            continue
        limit = None if cert.effective_date is None else term.limit(cert.effective_date)
        hit = _term_hit(index, region, term, limit)
        if term.printed:
            printed = f" ({limit.isoformat()} for this cycle)" if limit is not None else ""
            remedy = f"Enter the expiration date printed on the {term.form}{printed}."
            if others := _others(cert, region):
                remedy += (
                    f" If it applies to {region.short} only, give {region.short} a "
                    f"certificate of its own: the date would also end the exemption in {others}."
                )
        elif limit is not None:
            remedy = _date_remedy(cert, region, term, limit.isoformat())
        else:
            remedy = f"Set expiration_date to the effective date plus the term ({term.term})."
        hits.append(Hit(hit.loc, {**hit.params, "remedy": remedy}, hit.errors))
    return hits


@rule(
    code=5204,
    name="blanket-certificate-may-have-lapsed",
    severity=Severity.INFO,
    message="The certificate is over 12 months old, and in {region} it lapses when 12 months "
    "pass without a sale.",
    summary="In {region} a blanket {form} needs no renewal while the purchaser buys at least "
    "once every 12 months ({term}); after a gap of more than 12 months it no longer "
    "supports the exemption ({source}).",
    fix="Check that {region} sales to this purchaser were no more than 12 months apart since "
    "{effective}; if there was a longer gap, collect a new certificate.",
)
def blanket_certificate_may_have_lapsed(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: for a blanket certificate without an expiration date, effective more
    than 12 months before ``today``, finds regions where such a certificate lapses when
    no more than 12 months must pass between sales (a recurring business relationship),
    the rule the Streamlined Sales Tax states apply. Info only: the sales history that
    decides it is not on the certificate. Secondary sources, so in the ``audit`` profile
    only: New Jersey's Form ST-3 (N.J.A.C. 18:24-10.5,
    https://www.nj.gov/treasury/taxation/pdf/other_forms/sales/st3.pdf), North
    Carolina's E-595E (G.S. 105-164.28,
    https://www.ncleg.gov/EnactedLegislation/Statutes/HTML/BySection/Chapter_105/GS_105-164.28.html),
    Arkansas' ST391 or SST certificate (Ark. Code 26-52-517,
    https://codes.findlaw.com/ar/title-26-taxation/ar-code-sect-26-52-517/).

    Why is this bad? A certificate that lapsed looks valid in CertCapture; in an audit
    the exempt sales after the gap are taxable.

    Example: ``{"exempt_reason": "G", "regions": ["NJ"], "effective_date":
    "2024-01-10"}`` checked on 2026-12-06.

    Use instead: a certificate collected again after a gap of more than 12 months.
    """
    effective = cert.effective_date
    if effective is None or cert.expiration_date is not None:
        return NO_HITS
    if (ctx.today - effective).days <= 366:
        return NO_HITS
    hits: list[Hit] = []
    for index, region, term in _terms(cert, ctx):
        if term.rule.startswith("lapse:"):
            hit = _term_hit(index, region, term, None)
            params = {**hit.params, "effective": effective.isoformat()}
            hits.append(Hit(hit.loc, params, hit.errors))
    return hits


@rule(
    code=6401,
    name="state-exemption-number-missing",
    severity=Severity.WARNING,
    message="ExemptCertDetail.IdNo is required. (The state-issued exemption number for "
    "{regions} is missing.)",
    summary="For reason {reason}, {regions} exempt only purchasers that hold a number or "
    "document the state itself issues; the certificate gives no tax id.",
    fix="Enter the purchaser's state-issued number for each of {regions} (in tax_ids, one per "
    "region, or in tax_id for a certificate of one region): {documents}.",
)
def state_exemption_number_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: for an entity exemption (reasons E, F, M, B, N) without a tax
    id, finds the regions where the state issues its own exemption number or
    document for that reason, and names it.

    Why is this bad? In those states a 501(c)(3) letter or a government purchase
    order is not enough: the exemption rests on the state's own number, and an
    auditor asks for it. A warning beside rule 6202 (any non-SST certificate without
    a tax id): this one says which number. The states:

    * Florida (B, N): Form DR-14 (dor:
      https://floridarevenue.com/taxes/businesses/Pages/sales_cex.aspx).
    * Illinois (B, E, F, M, N): the E-number (dor:
      https://tax.illinois.gov/questionsandanswers/answer.183.html).
    * New York (E, F, M): the exempt organization certificate ST-119 (dor:
      http://www.tax.ny.gov/bus/st/exempt.htm).
    * Texas (E, F, M): Comptroller exemption letters (dor:
      https://www.comptroller.texas.gov/taxes/exempt/charitable.php and
      https://comptroller.texas.gov/taxes/exempt/501(c)-exemptions-1.php).
    * Nevada (E, F, M): letters of exemption (NAC 372.700, regulation:
      https://regulations.justia.com/states/nevada/chapter-372/exemptions/section-372-700).
    * Not reported: Missouri's letter of exemption (E, F, M, N) is "one form of proof"
      among others (12 CSR 10-110.950(2)(A), regulation:
      https://regulations.justia.com/states/missouri/title-12/division-10/chapter-110/section-12-csr-10-110-950;
      dor: https://dor.mo.gov/business/smallbusiness/maintnonprofit.php), so its absence
      is no finding.
    * Massachusetts (E, F, M): Form ST-2 (dor:
      https://www.mass.gov/administrative-procedure/ap-101-exemptions-from-sales-tax).
    * New Jersey (E, F, M): Form ST-5 (dor:
      http://www.state.nj.us/treasury/taxation/exemption.shtml).
    * Maryland (E, F, M): Comptroller exemption certificates (dor:
      https://marylandtaxes.gov/business/sales-use/tax-exemptions/).
    * In the ``audit`` profile only (a secondary source): Florida DR-14 for
      religious and educational organisations (F, M:
      https://legalclarity.org/how-to-get-a-florida-tax-exempt-certificate).

    The rows are in the package's ``reference/data/state_numbers.csv`` and in
    ``docs/sources.md``.

    A region's own number (``tax_ids``: ``{"NY": "123456"}``, or the ECMS record's
    ``details``) counts for that region; the certificate's one ``tax_id`` for the others.

    Example: ``{"exempt_reason": "E", "regions": ["NY"], "tax_id": null}``

    Use instead: ``{"exempt_reason": "E", "regions": ["NY"], "tax_id": "123456"}``
    """
    reason = _reason(cert)
    if reason not in _ENTITY_REASONS:
        return NO_HITS
    found: list[tuple[Region, StateNumberRow]] = []
    for _, region in resolved_regions(cert):
        row = state_number_rows(region.code, reason)
        if row is None or row.proof != "required" or not _counts(row.source_kind, ctx):
            continue
        if blank(cert.tax_id_for(region.code)):  # the region's number, read only where needed
            found.append((region, row))
    if not found:
        return NO_HITS
    regions = ", ".join(region.short for region, _ in found)
    cited = "; ".join(
        f"{region.short}: {row.document} ({_cite(row.source, row.source_kind)})"
        for region, row in found
    )
    hit = Hit(
        loc=("tax_id",),
        params={"reason": reason, "regions": regions, "documents": cited},
        errors={("tax_id",): f"no state-issued number for {regions}"},
    )
    return (hit,)


#: A federal EIN as it is written: NN-NNNNNNN (nine digits alone may be a state's number,
#: such as Washington's UBI, so only a tax id type of FEIN says those are one).
_EIN = re.compile(r"[0-9]{2}-[0-9]{7}")
_EIN_TYPES = frozenset({"FEIN", "EIN", "FEDERAL EIN", "FEDERAL TAX ID", "FEDERAL EMPLOYER ID"})


def _is_ein(number: str, kind: str | None) -> bool:
    """True when the number is written as a federal EIN, or its type says it is one."""
    if kind is not None and kind.strip().upper() in _EIN_TYPES:
        return True
    return _EIN.fullmatch("".join(number.split())) is not None


def _numbers(
    cert: ExemptionCertificate, ctx: Context
) -> Sequence[tuple[int, Region, str, NumberFormat]]:
    """(index, region, number, form) for each region whose number's form a source states."""
    reason = _reason(cert)
    forms = reason_number_formats(reason) if reason is not None else None
    if not forms:
        return ()
    # The one tax_id is some state's number: for resale (and the other use-based reasons) a
    # purchaser registered elsewhere gives its home state's (34 TAC 3.285, the MTC form), so
    # it is held to a state's form only for an entity exemption, whose number the state
    # itself issues; a number given for the region (tax_ids) always is.
    shared = reason in _ENTITY_REASONS or reason == "A"
    out = []
    for i, region in resolved_regions(cert):
        fmt = forms.get(region.code)
        if fmt is None or not (shared or _number_loc(cert, region) != ("tax_id",)):
            continue
        number = cert.tax_id_for(region.code)
        if not blank(number) and _counts(fmt.source_kind, ctx):
            assert number is not None
            out.append((i, region, number.strip(), fmt))
    return out


def _number_loc(cert: ExemptionCertificate, region: Region) -> tuple[str | int, ...]:
    for j, (given, _) in enumerate(cert.tax_ids):
        found = region_of(given)
        if found is not None and found.code == region.code:
            return ("tax_ids", j)
    return ("tax_id",)


@rule(
    code=6402,
    name="state-number-malformed",
    severity=Severity.WARNING,
    message="The tax ID {number!r} isn't a {region} number of the form the state issues: {name}.",
    summary="For reason {reason}, {region} issues its own number ({name}, e.g. {example}); "
    "{number!r} does not have that form, so it may be another state's number or a typo "
    "({source}).",
    fix="Enter the purchaser's {region} number ({name}) for {region}: in tax_ids "
    '({{"{region}": "{example}"}}) when the certificate covers other states too.',
)
def state_number_malformed(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: for each region whose number's form a public source states, finds a
    number (the region's own in ``tax_ids``, else the certificate's ``tax_id``) not of
    that form. The one ``tax_id`` is checked only for an entity exemption (A, B, E, F, M,
    N), whose number the state itself issues: for resale a purchaser registered elsewhere
    gives its home state's number, so a resale number is checked only when it is given for
    the region (``tax_ids``). A number written as a federal EIN is rule 6403 instead. The
    forms
    (``reference/data/state_number_formats.csv``):

    * New York (E, F, M): the 6-digit exempt organization number (Form ST-119.1, dor:
      https://www.tax.ny.gov/pdf/current_forms/st/st119_1_fill_in.pdf).
    * Texas (G): the 11-digit sales and use tax permit number of a purchaser registered
      in Texas (Form 01-339, dor: https://comptroller.texas.gov/forms/01-339.pdf; one
      registered elsewhere gives its own state's number, so only a warning).
    * Maryland (E, F, M): the eight-digit exemption number (dor:
      https://marylandtaxes.gov/business/sales-use/tax-exemptions/).
    * Illinois (A, B, E, F, M, N): the exemption identification number, E and digits (dor:
      https://tax.illinois.gov/questionsandanswers/answer.183.html; federal agencies, GSA
      SmartTax: https://smartpay.gsa.gov/statetax/illinois-state-tax-information).
    * Florida (G): the Annual Resale Certificate's 13-digit number (dor:
      https://floridarevenue.com/taxes/taxesfees/Pages/annual_resale_certificate_sut.aspx);
      (B, E, F, M, N): the DR-14 Consumer's Certificate of Exemption number (dor:
      https://floridarevenue.com/taxes/businesses/Pages/sales_cex.aspx).

    Why is this bad? A multi-state certificate carries one number per state; one number
    given for all (a Texas permit for Florida too) supports the exemption in one state
    only. A warning: the forms are what the states' documents show, and a number of
    another form may still be right.

    Example: ``{"exempt_reason": "G", "regions": ["TX", "FL"], "tax_ids": {"TX":
    "32012345678", "FL": "32012345678"}}``

    Use instead: ``{"tax_ids": {"TX": "32012345678", "FL": "78-8012345678-9"}}``
    """
    hits: list[Hit] = []
    for i, region, number, fmt in _numbers(cert, ctx):
        if fmt.matches(number) or _is_ein(number, cert.tax_id_type):
            continue
        loc = _number_loc(cert, region)
        hits.append(
            Hit(
                loc=loc,
                params={
                    "number": number,
                    "region": region.short,
                    "reason": _reason(cert) or "",
                    "name": fmt.name,
                    "example": fmt.example,
                    "source": _cite(fmt.source, fmt.source_kind),
                },
                errors={("regions", i): f"not a {fmt.name} ({_cite(fmt.source, fmt.source_kind)})"},
            )
        )
    return hits


@rule(
    code=6403,
    name="federal-ein-for-state-number",
    severity=Severity.WARNING,
    message="The tax ID {number!r} for {region} is a federal EIN, not the number {region} issues.",
    summary="For reason {reason}, {region} exempts on its own number ({name}); a federal "
    "employer identification number is not one ({source}).",
    fix="Enter the purchaser's {region} number ({name}) for {region}, in tax_ids when the "
    "certificate covers other states too; keep the EIN out of it.",
)
def federal_ein_for_state_number(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: for each region whose exemption rests on a number the state issues
    (the forms of rule 6402, and North Dakota), finds a number written as a federal EIN
    (``NN-NNNNNNN`` or nine digits, or a tax id type FEIN).

    Why is this bad? The states say so: New York's exempt organization number "is not your
    federal employer identification number" (Form ST-119.1, dor:
    https://www.tax.ny.gov/pdf/current_forms/st/st119_1_fill_in.pdf); in North Dakota "a
    Federal Employer Identification Number is not a valid exemption number" (dor:
    http://www.nd.gov/tax/faqs/articles/210/). A charity's 501(c)(3) EIN does not make it
    exempt in those states. A warning: the certificate syncs, but fails an audit there.

    Example: ``{"exempt_reason": "E", "regions": ["NY"], "tax_id": "141234567",
    "tax_id_type": "FEIN"}``

    Use instead: ``{"exempt_reason": "E", "regions": ["NY"], "tax_id": "123456"}``
    """
    hits: list[Hit] = []
    for i, region, number, fmt in _numbers(cert, ctx):
        if not _is_ein(number, cert.tax_id_type):
            continue
        hits.append(
            Hit(
                loc=_number_loc(cert, region),
                params={
                    "number": number,
                    "region": region.short,
                    "reason": _reason(cert) or "",
                    "name": fmt.name,
                    "source": _cite(fmt.source, fmt.source_kind),
                },
                errors={("regions", i): f"a federal EIN, not a {fmt.name}"},
            )
        )
    return hits
