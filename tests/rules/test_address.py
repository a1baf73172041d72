"""Country, region-in-country and postal-code rules (3201-3302)."""

from __future__ import annotations

import pytest

from tests.conftest import cert, customer
from tests.rules.helpers import codes, only


def one(**changes: object) -> dict[str, object]:
    """The clean certificate with one customer changed."""
    return cert(customers=[customer(**changes)])


@pytest.mark.parametrize("country", ["US", "us", "CA"])
def test_alpha2_countries_pass(country: str) -> None:
    """2-letter ISO codes, any case, give no country finding."""
    region = "ON" if country == "CA" else "WA"
    postal = "K1A 0B1" if country == "CA" else "98101"
    found = codes(one(country=country, region=region, postal_code=postal))
    assert not {3201, 3202, 3203} & set(found)


@pytest.mark.parametrize(
    ("country", "code"), [("USA", "US"), ("United States", "US"), ("CAN", "CA"), ("Canada", "CA")]
)
def test_alpha3_and_names_warn_with_the_code_to_send(country: str, code: str) -> None:
    """Alpha-3 codes and names are normalised with a warning naming the 2-letter code."""
    region = "ON" if code == "CA" else "WA"
    postal = "K1A 0B1" if code == "CA" else "98101"
    f = only(one(country=country, region=region, postal_code=postal), 3203)
    assert f.severity.value == "warning"
    assert f.message == f"Country {country!r} should be sent as its 2-letter code {code}."
    assert f"Send {code}" in f.fix
    assert 3201 not in codes(one(country=country, region=region, postal_code=postal))


def test_unknown_country_is_an_error() -> None:
    """A country pycountry doesn't know is AvaTax error 125."""
    f = only(one(country="Untied States"), 3201)
    assert f.message == "The country 'Untied States' is not a recognized country code."
    assert f.severity.value == "error"
    assert f.loc == ("customers", 0, "country")
    assert 3203 not in codes(one(country="Untied States"))


def test_blank_country_is_only_country_missing() -> None:
    """An empty country is rule 2108, not 3201."""
    found = codes(one(country=""))
    assert 2108 in found
    assert 3201 not in found


@pytest.mark.parametrize(
    ("country", "region"), [("CA", "WA"), ("US", "ON"), ("US", "Narnia"), ("", "BC")]
)
def test_region_not_in_country(country: str, region: str) -> None:
    """A US or Canadian customer's region must be a subdivision of that country (AvaTax 126)."""
    f = only(one(country=country, region=region, postal_code="98101"), 3202)
    assert f.message == "Invalid State and Country combination for US or Canada."
    assert f.severity.value == "error"
    assert repr(region) in f.summary


@pytest.mark.parametrize(
    ("country", "region"),
    [("US", "Washington"), ("US", "US-WA"), ("USA", "wa"), ("CA", "QC"), ("MX", "JAL")],
)
def test_region_in_country_passes(country: str, region: str) -> None:
    """Codes, ISO codes and names of the right country pass; other countries aren't checked."""
    assert 3202 not in codes(one(country=country, region=region))


@pytest.mark.parametrize("postal", ["98101", "98101-2450", "98101 2450", "981012450"])
def test_well_formed_us_zips_pass(postal: str) -> None:
    """ZIP and ZIP+4 pass (a blank or no hyphen is tolerated)."""
    found = codes(one(postal_code=postal))
    assert 3301 not in found
    assert 3302 not in found


@pytest.mark.parametrize("postal", ["9810", "98l01", "98101-24", "ABCDE", "98101-24500"])
def test_malformed_us_zips_are_errors(postal: str) -> None:
    """A US postal code that is no ZIP or ZIP+4 is an error (AvaTax 317)."""
    f = only(one(postal_code=postal), 3301)
    assert f.message == "Postal Code was not valid."
    assert f.severity.value == "error"


def test_four_digit_zip_fix_suggests_the_lost_zero() -> None:
    """A 4-digit ZIP's fix suggests the leading zero a spreadsheet dropped."""
    f = only(one(region="MA", postal_code="2134"), 3301)
    assert "02134" in f.fix


@pytest.mark.parametrize("postal", ["K1A 0B1", "k1a0b1", "V6B 1A1"])
def test_well_formed_canadian_codes_pass(postal: str) -> None:
    """A1A 1A1 in any case, with or without the blank, passes."""
    region = "BC" if postal.startswith("V") else "ON"
    found = codes(one(country="CA", region=region, postal_code=postal))
    assert 3301 not in found
    assert 3302 not in found


@pytest.mark.parametrize("postal", ["K1A-0B1", "1A1 A1A", "K1A 0B", "98101"])
def test_malformed_canadian_codes_are_errors(postal: str) -> None:
    """A Canadian postal code not of the form A1A 1A1 is an error."""
    assert 3301 in codes(one(country="CA", region="ON", postal_code=postal))


def test_other_countries_postal_codes_are_not_checked() -> None:
    """A Mexican postal code is not held to US or Canadian formats."""
    assert 3301 not in codes(one(country="MX", region="JAL", postal_code="44100"))


def test_zip_of_another_state_warns() -> None:
    """A ZIP whose prefix belongs to another state is a warning naming both."""
    f = only(one(region="WA", postal_code="97201"), 3302)
    assert f.severity.value == "warning"
    assert "97201 belongs to OR" in f.summary
    assert f.message == "The certificate customer(C-1001) postal code 97201 isn't in WA."


def test_canadian_code_of_another_province_warns() -> None:
    """A postal code whose first letter belongs to another province is a warning."""
    f = only(one(country="CA", region="BC", postal_code="K1A 0B1"), 3302)
    assert "belongs to ON" in f.summary


def test_shared_prefixes_accept_every_region_they_serve() -> None:
    """X serves NT and NU; 967 serves HI and American Samoa."""
    assert 3302 not in codes(one(country="CA", region="NU", postal_code="X0A 0H0"))
    assert 3302 not in codes(one(country="CA", region="NT", postal_code="X1A 2P7"))
    assert 3302 not in codes(one(region="AS", postal_code="96799"))


def test_uncertain_prefixes_never_warn() -> None:
    """Prefixes left out of the data (military, shared Pacific) give no mismatch warning."""
    assert 3302 not in codes(one(region="WA", postal_code="96910"))  # Guam's 969
    assert 3302 not in codes(one(region="WA", postal_code="09001"))  # APO AE


def test_unused_first_letter_is_no_province() -> None:
    """A Canadian code starting with a letter Canada Post never uses belongs to no province."""
    f = only(one(country="CA", region="ON", postal_code="D1A 1A1"), 3302)
    assert "no Canadian postal code starts with D" in f.summary
