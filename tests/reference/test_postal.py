"""Postal reference data: lookups and a check of all shipped data at once."""

from __future__ import annotations

from certpreflight.reference import all_regions
from certpreflight.reference.business_types import all_business_types, business_type
from certpreflight.reference.postal import _letter_table, _zip_table, postal_regions, zip_regions


def test_zip_prefix_lookup() -> None:
    """A ZIP's 3-digit prefix gives its state; ZIP+4 and blanks are fine."""
    assert zip_regions("98101") == {"US-WA"}
    assert zip_regions(" 02134-1234") == {"US-MA"}
    assert zip_regions("73301") == {"US-TX"}  # IRS Austin, inside Oklahoma's range
    assert zip_regions("88510") == {"US-TX"}  # El Paso
    assert zip_regions("96910") is None  # Guam shares 969 with Palau and others: left out
    assert zip_regions("09012") is None  # military (APO AE)


def test_zip_prefix_shared_by_states_lists_them_all() -> None:
    """A prefix whose ZIPs lie in two states serves both (zipcodes data: 83414 Alta, WY)."""
    assert zip_regions("83414") == {"US-ID", "US-WY"}
    assert zip_regions("96799") == {"US-HI", "US-AS"}
    assert zip_regions("73960") == {"US-OK", "US-TX"}
    assert zip_regions("21301") is None  # no ZIP in the data starts with 213


def test_postal_letter_lookup() -> None:
    """A Canadian postal code's first letter gives its province; unused letters none."""
    assert postal_regions("h2x 1y4") == {"CA-QC"}
    assert postal_regions("X0A 0H0") == {"CA-NT", "CA-NU"}
    assert postal_regions("D1A 1A1") == frozenset()


def test_shipped_postal_data_names_only_known_regions() -> None:
    """Every region in the postal data files is in the region catalogue; prefixes are unique."""
    known = {r.code for r in all_regions()}
    problems = [
        f"{key}: {code}"
        for table in (_zip_table(), _letter_table())
        for key, regions in table.items()
        for code in regions
        if code not in known
    ]
    assert problems == []
    assert all(len(prefix) == 3 and prefix.isdigit() for prefix in _zip_table())


def test_every_state_has_a_zip_prefix() -> None:
    """Each of the 50 states and DC has at least one prefix; each province a letter."""
    served = {code for regions in _zip_table().values() for code in regions}
    served |= {code for regions in _letter_table().values() for code in regions}
    wanted = {r.code for r in all_regions() if r.kind in ("state", "district", "province")}
    wanted |= {"CA-NT", "CA-NU", "CA-YT"}
    assert wanted - served == set()


def test_business_types() -> None:
    """SST business types 1-20 resolve by number (any zero padding) or name."""
    assert len(all_business_types()) == 20
    assert business_type("01") == "Accommodation and food services"
    assert business_type(" wholesale trade ") == "Wholesale trade"
    assert business_type("0") is None
    assert business_type("21") is None
