"""Address rules (32xx-33xx, Situs family): the customer's country, region and postal code.

Facts: docs/sources.md#postal-codes-and-regions (formats, country/region codes),
docs/sources.md#avatax-error-codes (AvaTax 125 InvalidCountry, 126 InvalidCountryRegion,
317 InvalidPostalCode) and C (import texts), docs/sources.md#avatax-models (``country``
accepts ISO codes or names, but send the 2-character code). Postal-code-to-region data:
:mod:`certpreflight.reference.postal` (sources in its data files' headers).
"""

from __future__ import annotations

from certpreflight.findings import Severity
from certpreflight.models import ExemptionCertificate
from certpreflight.reference.countries import country_of
from certpreflight.reference.postal import CA_POSTAL, US_ZIP, postal_regions, zip_regions
from certpreflight.reference.regions import regions_in
from certpreflight.rules import repairs
from certpreflight.rules._base import NO_HITS, Context, Hits, rule
from certpreflight.rules.input import customer_hit

__all__ = [
    "country_invalid",
    "country_not_alpha2",
    "postal_code_invalid",
    "postal_code_region_mismatch",
    "region_not_in_country",
]


#: The two countries whose addresses the address rules check.
_US_CA = frozenset({"US", "CA"})


@rule(
    code=3201,
    name="country-invalid",
    severity=Severity.ERROR,
    message="The country {country!r} is not a recognized country code.",
    summary="The country of customer {customer_number} is not an ISO 3166 country code or "
    "name, so AvaTax rejects it (error 125 InvalidCountry).",
    fix="Set the country of customer {customer_number} to its 2-letter ISO 3166-1 code, for "
    "example US or CA (not CN, which is China).",
)
def country_invalid(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds linked customers whose country is neither an ISO 3166-1
    code (alpha-2, alpha-3 or numeric) nor a country name pycountry knows.

    Why is this bad? AvaTax fails with 125 InvalidCountry, "The country '-0-' is
    not a recognized country code." (docs/sources.md#avatax-error-codes,
    #postal-codes-and-regions). Empty countries are rule 2108.

    Example: ``{"country": "Untied States"}``

    Use instead: ``{"country": "US"}``
    """
    hits: Hits = NO_HITS
    for i, customer in enumerate(cert.customers):
        value = customer.country
        if value is not None and country_of(value) is None and value.strip():
            hits = [
                *hits,
                customer_hit(customer, i, "country", "unknown country", country=value.strip()),
            ]
    return hits


@rule(
    code=3203,
    name="country-not-alpha2",
    severity=Severity.WARNING,
    message="Country {country!r} should be sent as its 2-letter code {code}.",
    summary="The country of customer {customer_number} is written {country!r}; the AvaTax "
    "exemption record and the import templates take the 2-letter ISO code.",
    fix="Send {code} as the country of customer {customer_number} instead of {country!r}.",
    autofix=repairs.COUNTRY_CODE,
)
def country_not_alpha2(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds linked customers whose country is a recognised ISO
    alpha-3 or numeric code or a country name rather than the alpha-2 code,
    and says which code to send.

    Why is this bad? The REST ``CustomerModel`` accepts 2- or 3-character codes
    and names, but the ECMS record's ``countryIssued`` and the import templates
    take 2 characters, and the 2017 schema allowed only 2
    (docs/sources.md#avatax-models, #ecms-record, #import-templates: "Send the
    2-char ISO code"). A warning, because AvaTax normalises it. Case alone
    (``us``) is not reported.

    Example: ``{"country": "USA"}``

    Use instead: ``{"country": "US"}``
    """
    hits: Hits = NO_HITS
    for i, customer in enumerate(cert.customers):
        value = customer.country
        if value is None:
            continue
        text = value.strip()
        if len(text) == 2 and text.isalpha():
            continue
        code = country_of(text)
        if code is not None:
            hits = [
                *hits,
                customer_hit(customer, i, "country", f"send {code}", country=text, code=code),
            ]
    return hits


@rule(
    code=3202,
    name="region-not-in-country",
    severity=Severity.ERROR,
    message="Invalid State and Country combination for US or Canada.",
    summary="Region {region!r} of customer {customer_number} is not a state or province of "
    "{country} (AvaTax error 126 InvalidCountryRegion).",
    fix="Set the region of customer {customer_number} to the 2-letter code of a {country} "
    "{kind} (for example {example}), or correct the country.",
)
def region_not_in_country(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: for linked customers in the US or Canada, finds a region that
    is not a state, district or territory (US) or province or territory (CA) of
    that country. Regions resolve from codes (``WA``, ``US-WA``) and names
    (``Washington``). A blank country counts as US, as in AvaTax imports.

    Why is this bad? AvaTax fails with 126 InvalidCountryRegion, "The region
    '-1-' is not a recognized region within country '-0-'."; imports say
    "Invalid State and Country combination for US or Canada."
    (docs/sources.md#avatax-error-codes, #import-file-errors,
    docs/sources.md#postal-codes-and-regions). Outside the US and Canada
    regions are not checked.

    Example: ``{"country": "CA", "region": "WA"}``

    Use instead: ``{"country": "US", "region": "WA"}``
    """
    hits: Hits = NO_HITS
    for i, customer in enumerate(cert.customers):
        region = customer.region
        if region is None or not region.strip():
            continue
        country = _country_of(customer.country)
        if country in _US_CA and regions_in[country](region) is None:
            us = country == "US"
            hit = customer_hit(customer, i, "region", f"not a region of {country}",
                               region=region.strip(), country=country,
                               kind="state" if us else "province",
                               example="WA" if us else "ON")  # fmt: skip
            hits = [*hits, hit]
    return hits


def _country_of(value: str | None) -> str | None:
    """The ISO alpha-2 country of a customer's country text; blank counts as US."""
    if value is None:
        return "US"
    code = country_of(value)
    return "US" if code is None and not value.strip() else code


def _lost_zero(text: str, region_text: str | None) -> str:
    """The hint of a 4-digit US ZIP that lost its leading zero, when the ZIP with it belongs
    to the customer's state (or the state is not known): never a ZIP of another state."""
    if not (text.isdigit() and len(text) == 4):
        return ""
    zipped = text.zfill(5)
    expected = zip_regions(zipped[:3])
    region = regions_in["US"](region_text) if region_text else None
    if region is not None and (expected is None or region.code not in expected):
        return ""
    return f" (a lost leading zero? {zipped})"


def _malformed(country: str, text: str, region_text: str | None = None) -> dict[str, str]:
    """Template values of rule 3301: ``text`` is not a postal code of ``country`` (US/CA) of
    a customer in ``region_text``."""
    if country == "US":
        form, pattern = "ZIP code", "NNNNN or NNNNN-NNNN"
        hint = _lost_zero(text, region_text)
    else:
        form, pattern, hint = "postal code", "A1A 1A1, e.g. K1A 0B1", ""
    return {
        "issue": f"not a {country} {form}",
        "postal_code": text,
        "country": country,
        "form": form,
        "pattern": pattern,
        "hint": hint,
    }


def _mismatch(region_text: str, country: str, text: str) -> dict[str, str] | None:
    """Template values of rule 3302 when a postal code well-formed for the customer's
    ``country`` ("US" or "CA") belongs to another state or province than ``region_text``:
    as a ZIP's 3-digit prefix or a Canadian code's first letter says."""
    expected = zip_regions(text[:3]) if country == "US" else postal_regions(text[:1])
    region = regions_in[country](region_text)
    if expected is None or region is None or region.code in expected:
        return None
    belongs = " or ".join(sorted(code.partition("-")[2] for code in expected))
    if not belongs:
        belongs = f"no province (no Canadian postal code starts with {text[0].upper()})"
    return {
        "issue": f"belongs to {belongs}, not {region.short}",
        "postal_code": text,
        "region": region.short,
        "belongs": belongs,
    }


def _well_formed(text: str, country: str) -> bool:
    """True when ``text`` is a postal code of ``country`` ("US" or "CA") by its form."""
    if country == "US":
        # five decimal digits, the usual ZIP, are what US_ZIP's \d{5} matches (re's \d is
        # Unicode's decimal digits, as str.isdecimal): known without the regular expression
        return (len(text) == 5 and text.isdecimal()) or US_ZIP.fullmatch(text) is not None
    return CA_POSTAL.fullmatch(text) is not None


@rule(
    code=3301,
    name="postal-code-invalid",
    severity=Severity.ERROR,
    message="Postal Code was not valid.",
    summary="{postal_code!r} of customer {customer_number} is not a {country} {form} ({pattern}).",
    fix="Correct the postal code of customer {customer_number} to the form {pattern}{hint}.",
    autofix=repairs.POSTAL_CODE,
)
def postal_code_invalid(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: for US customers, finds postal codes that are not a ZIP
    (``NNNNN``) or ZIP+4 (``NNNNN-NNNN``; a blank instead of the hyphen is let
    through); for Canadian customers, codes not of the form ``A1A 1A1`` (any
    case, with or without the blank). Other countries are not checked.

    Why is this bad? AvaTax rejects them (317 InvalidPostalCode; import error
    "Postal Code was not valid.", docs/sources.md#avatax-error-codes,
    #import-file-errors; formats docs/sources.md#postal-codes-and-regions).
    Only clearly malformed values are errors; a well-formed code in the wrong
    state is rule 3302 (a warning). A 4-digit US ZIP usually lost its leading
    zero in a spreadsheet; the fix says so.

    Example: ``{"country": "US", "postal_code": "2134"}``

    Use instead: ``{"country": "US", "postal_code": "02134"}``
    """
    hits: Hits = NO_HITS
    for i, customer in enumerate(cert.customers):
        postal = customer.postal_code
        if postal is None:
            continue
        text = postal.strip()
        if not text:
            continue
        country = _country_of(customer.country)
        if country in _US_CA and not _well_formed(text, country):
            assert country is not None
            params = _malformed(country, text, customer.region)
            hits = [*hits, customer_hit(customer, i, "postal_code", params["issue"], **params)]
    return hits


@rule(
    code=3302,
    name="postal-code-region-mismatch",
    severity=Severity.WARNING,
    message="The certificate customer({customer_number}) postal code {postal_code} isn't in "
    "{region}.",
    summary="{postal_code} belongs to {belongs}, but customer {customer_number} is in "
    "{region}; one of the two is probably wrong, and AvaTax may reject or mis-source the "
    "address.",
    fix="Check the address of customer {customer_number}: {postal_code} belongs to {belongs}, "
    "so correct either the region {region} or the postal code.",
)
def postal_code_region_mismatch(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: for well-formed US ZIPs, compares the 3-digit prefix with the
    customer's state (``reference/data/us_zip_prefixes.csv``, derived from the
    ``zipcodes`` ZIP data, docs/sources.md#us-zip-prefixes); for well-formed
    Canadian postal codes, the first letter with the province (Canada Post
    districts, ``reference/data/ca_postal_letters.csv``;
    docs/sources.md#postal-codes-and-regions). Prefixes the data leaves out
    (military, shared Pacific prefixes, unused prefixes) never warn, and a
    prefix shared by two states accepts both.

    Why is this bad? A ZIP from another state usually means a typo in the ZIP or
    the state; other engines silently drop such addresses (TaxJar's syncs,
    docs/sources.md#integration-pain-points).
    Only a warning: some ZIPs straddle state lines, and the letter table is
    general knowledge rather than an Avalara statement.

    Example: ``{"region": "WA", "postal_code": "97201"}`` (97xxx is Oregon)

    Use instead: ``{"region": "OR", "postal_code": "97201"}``
    """
    hits: Hits = NO_HITS
    for i, customer in enumerate(cert.customers):
        postal, region = customer.postal_code, customer.region
        if postal is None or region is None:
            continue
        country = _country_of(customer.country)
        if country not in _US_CA:
            continue
        assert country is not None
        text = postal.strip()
        if not _well_formed(text, country):  # "" is neither form; a blank region resolves to none
            continue
        found = _mismatch(region, country, text)
        if found is not None:
            hits = [*hits, customer_hit(customer, i, "postal_code", found["issue"], **found)]
    return hits
