"""Tests for the region catalogue: lookup by code, ISO code and name, and the shipped data."""

from __future__ import annotations

from collections import Counter

import pycountry
import pytest

from certpreflight.reference.regions import (
    Region,
    all_regions,
    lookup_region,
    normalize_region,
    region_of,
    regions_in,
)

NO_SALES_TAX = {"US-AK", "US-DE", "US-MT", "US-NH", "US-OR"}
SST_FULL = {
    "AR", "GA", "IN", "IA", "KS", "KY", "MI", "MN", "NE", "NV", "NJ", "NC",
    "ND", "OH", "OK", "RI", "SD", "UT", "VT", "WA", "WV", "WI", "WY"
}  # fmt: skip


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("WA", "US-WA"),
        ("wa", "US-WA"),
        (" US-WA ", "US-WA"),
        ("us-wa", "US-WA"),
        ("Washington", "US-WA"),
        ("washington", "US-WA"),
        ("  WASHINGTON  ", "US-WA"),
        ("Canada (GST)", "CA-GST"),
        ("canada (gst)", "CA-GST"),
        ("GST", "CA-GST"),
        ("CA-GST", "CA-GST"),
        ("Québec", "CA-QC"),
        ("QUÉBEC", "CA-QC"),
        ("Quebec", "CA-QC"),
        ("Newfoundland and Labrador", "CA-NL"),
        ("newfoundland  and labrador", "CA-NL"),
        ("District of Columbia", "US-DC"),
        ("Washington, D.C.", "US-DC"),
        ("Puerto Rico", "US-PR"),
        ("U.S. Virgin Islands", "US-VI"),
        ("Virgin Islands, U.S.", "US-VI"),
        ("GU", "US-GU"),
        ("Yukon", "CA-YT"),
        ("CA", "US-CA"),
    ],
)
def test_lookup_accepts_codes_iso_codes_and_names(value: str, code: str) -> None:
    """Short codes, ISO codes and names resolve whatever their case, spacing and accents."""
    assert normalize_region(value) == code
    region = lookup_region(value)
    assert region is not None
    assert region.code == code


@pytest.mark.parametrize("region", all_regions(), ids=lambda r: r.code)
def test_every_region_resolves_by_code_short_and_name(region: Region) -> None:
    """Each row resolves from its ISO code, its short code (within its country) and its name."""
    assert lookup_region(region.code) is region
    assert lookup_region(region.short.lower(), country=region.country) is region
    assert lookup_region(region.name.upper()) is region


@pytest.mark.parametrize(
    ("value", "country", "code"),
    [
        ("WA", "US", "US-WA"),
        ("wa", "usa", "US-WA"),
        ("ON", "CA", "CA-ON"),
        ("on", "can", "CA-ON"),
        ("GST", "ca", "CA-GST"),
        ("Canada (GST)", "CA", "CA-GST"),
        ("CA", "US", "US-CA"),
        ("CA", "CA", None),
        ("ON", "US", None),
        ("US-WA", "CA", None),
        ("CA-GST", "US", None),
        ("Ontario", "US", None),
        ("WA", "MX", None),
        ("WA", "", "US-WA"),
        ("ON", "  ", "CA-ON"),
    ],
)
def test_country_restricts_the_lookup(value: str, country: str, code: str | None) -> None:
    """With a country, codes and names resolve only to regions of that country."""
    assert normalize_region(value, country) == code


@pytest.mark.parametrize(
    "junk", [None, 3, 2.5, [], {}, b"WA", "", "   ", "ZZ", "US-ZZ", "EXPOSURE"]
)
def test_junk_gives_none_without_raising(junk: object) -> None:
    """Values that are not strings or name no region give None instead of raising."""
    assert lookup_region(junk) is None
    assert normalize_region(junk) is None


def test_non_string_country_gives_none() -> None:
    """A country that is not a string gives None rather than an error."""
    assert lookup_region("WA", country=3) is None  # type: ignore[arg-type]


def test_catalogue_covers_states_district_territories_and_canada() -> None:
    """The catalogue holds 50 states, DC, 6 US territories, 13 provinces/territories and CA-GST."""
    kinds = Counter((region.country, region.kind) for region in all_regions())
    assert kinds == {
        ("US", "state"): 50,
        ("US", "district"): 1,
        ("US", "territory"): 6,
        ("CA", "province"): 10,
        ("CA", "territory"): 3,
        ("CA", "country"): 1,
    }
    codes = [region.code for region in all_regions()]
    assert len(codes) == len(set(codes))
    assert all_regions() is all_regions()


def test_codes_are_iso_3166_2_subdivisions() -> None:
    """Every code but CA-GST is an ISO 3166-2 subdivision, and every US/CA subdivision is listed."""
    iso = {s.code: s for c in ("US", "CA") for s in pycountry.subdivisions.get(country_code=c)}
    ours = {region.code: region for region in all_regions()}
    assert set(ours) - set(iso) == {"CA-GST"}
    assert set(iso) - set(ours) == set()
    for code, subdivision in iso.items():
        region = ours[code]
        assert (region.country, region.short) == tuple(code.split("-"))
        assert lookup_region(subdivision.name) is region


def test_sales_tax_is_false_only_for_the_five_always_failing_states() -> None:
    """AK, DE, MT, NH and OR are the only regions without a statewide sales tax."""
    assert {r.code for r in all_regions() if not r.sales_tax} == NO_SALES_TAX
    for region in all_regions():
        if not region.sales_tax:
            assert "Multi-jurisdictional_Certificate_fails" in region.source


def test_sst_membership() -> None:
    """The 23 SST full members are marked full, Tennessee associate, Ohio's dispute is noted."""
    assert {r.short for r in all_regions() if r.sst == "full"} == SST_FULL
    assert {r.short for r in all_regions() if r.sst == "associate"} == {"TN"}
    assert {r.sst for r in all_regions()} == {"full", "associate", ""}
    ohio = lookup_region("OH")
    assert ohio is not None
    assert "disputed" in ohio.source


def test_every_region_has_a_source() -> None:
    """Every catalogue row names where its data came from."""
    assert [r.code for r in all_regions() if not r.source.strip()] == []


@pytest.mark.parametrize(
    ("value", "country"),
    [(["WA"], None), ("WA", ["US"]), ("WA", 5), (None, "US"), ({"WA": 1}, {"US": 1})],
)
def test_lookup_never_raises_for_values_that_are_not_text(value: object, country: object) -> None:
    """A value or country that is not text (even an unhashable one) resolves to nothing."""
    assert lookup_region(value, country) is None  # type: ignore[arg-type]


def test_every_spelling_resolves_as_its_folded_form_does() -> None:
    """The usual spellings looked up as written give what their folded form gives, with
    and without a country: the table read first is the catalogue's own index."""
    for region in all_regions():
        for name in (region.code, region.short, region.name):
            for spelling in {name, name.upper(), name.lower(), name.title()}:
                assert lookup_region(spelling) is lookup_region(f" {spelling} ")
                for country in ("US", "CA"):
                    found = lookup_region(spelling, country)
                    assert found is lookup_region(f" {spelling} ", f" {country.lower()} ")


@pytest.mark.parametrize(
    ("text", "code"),
    [("WA", "US-WA"), (" québec ", "CA-QC"), ("EZ_US_OH", "US-OH"), ("Orleans Parish", None)],
)
def test_the_rules_lookups_resolve_any_spelling(text: str, code: str | None) -> None:
    """``region_of`` and ``regions_in`` (what the rules call) answer as ``lookup_region``,
    an unusual spelling folded each time it is looked up, and never stored."""
    country = "CA" if code == "CA-QC" else "US"
    for _ in range(2):
        assert region_of(text) is lookup_region(text)
        assert regions_in[country](text) is lookup_region(text, country)
    assert (lookup_region(text) and lookup_region(text).code) == code  # type: ignore[union-attr]
    assert regions_in["CA"]("WA") is None  # a US code is no Canadian region
    assert " québec " not in region_of.__self__  # type: ignore[attr-defined]
