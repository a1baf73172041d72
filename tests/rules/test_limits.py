"""ECMS length limits (docs/sources.md#ecms-record): each passes at the limit, fails one past."""

from __future__ import annotations

import pytest

from certpreflight.reference import all_regions
from tests.conftest import cert, customer
from tests.rules.helpers import codes, only

CUSTOMER_LIMITS = [
    # (field, limit, code)
    ("customer_number", 50, 6102),
    ("name", 100, 2109),
    ("address_line3", 50, 2110),
    ("city", 50, 2111),
    ("postal_code", 10, 2112),
]


@pytest.mark.parametrize(("field", "limit", "code"), CUSTOMER_LIMITS)
def test_customer_field_limit_boundaries(field: str, limit: int, code: int) -> None:
    """A customer field of exactly the limit passes; one character more is an error."""
    assert code not in codes(cert(customers=[customer(**{field: "x" * limit})]))
    f = only(cert(customers=[customer(**{field: "x" * (limit + 1)})]), code)
    assert f.severity.value == "error"
    assert f.loc == ("customers", 0, field)
    assert f.errors == {f"customers[0].{field}": f"{limit + 1} characters, max {limit}"}
    assert "by 1 character" in f.fix


def test_po_number_limit_boundaries() -> None:
    """Each PO number may have 50 characters; the 51-character one is named by index."""
    assert 2202 not in codes(cert(single_use=True, po_numbers=["p" * 50]))
    f = only(cert(single_use=True, po_numbers=["PO-1", "p" * 51]), 2202)
    assert f.loc == ("po_numbers", 1)
    assert f.message == "DocumentRefNo length must be between 1 and 50 characters."


def test_tax_id_limit_boundaries() -> None:
    """The tax id may have 100 characters, not 101."""
    assert 6203 not in codes(cert(tax_id="1" * 100))
    f = only(cert(tax_id="1" * 101), 6203)
    assert f.loc == ("tax_id",)
    assert "101 characters" in f.summary


def test_region_list_limit_boundaries() -> None:
    """Regions joined as short codes with commas may take 200 characters, not 201."""
    at_limit = ["Z" * 197, "Washington"]  # 197 + len(",WA") = 200
    assert 3004 not in codes(cert(regions=at_limit))
    f = only(cert(regions=["Z" * 198, "Washington"]), 3004)
    assert f.severity.value == "error"
    assert "201 characters" in f.summary


def test_many_real_regions_exceed_the_region_list_limit() -> None:
    """Every US state and province on one certificate is over 200 characters of codes."""
    assert 3004 in codes(cert(regions=[r.short for r in all_regions()]))
