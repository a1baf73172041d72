"""The benchmark's realistic corpus is what it says it is (benchmarks/generate.py)."""

from __future__ import annotations

from benchmarks.generate import _luhn_digit, native_certificates, sized_certificates
from stdnum.ca import bn
from stdnum.us import ein

from certpreflight.reference.postal import postal_regions, zip_regions


def test_same_seed_same_corpus() -> None:
    """The generator is deterministic; another seed gives other certificates."""
    assert list(native_certificates(50)) == list(native_certificates(50))
    assert list(native_certificates(50, seed=2)) != list(native_certificates(50))


def test_customers_are_distinct() -> None:
    """Realistic customers do not repeat: numbers and street addresses are nearly all new."""
    customers = [c for cert in native_certificates(2000) for c in cert["customers"]]
    assert len({c["customer_number"] for c in customers}) > 0.99 * len(customers)
    assert len({(c["address_line1"], c["postal_code"]) for c in customers}) > 0.99 * len(customers)


def test_postal_codes_belong_to_the_customers_region() -> None:
    """Unbroken ZIPs come from their state's prefixes, postal codes from the province's letters."""
    mismatched = total = 0
    for cert in native_certificates(2000):
        for c in cert["customers"]:
            if c["country"] not in ("US", "CA") or not c["postal_code"]:
                continue
            total += 1
            code = c["postal_code"]
            regions = zip_regions(code) if c["country"] == "US" else postal_regions(code)
            mismatched += regions is not None and f"{c['country']}-{c['region']}" not in regions
    assert mismatched < 0.03 * total  # only the corpus's deliberate problems


def test_tax_ids_are_mostly_valid_some_not() -> None:
    """Typed EINs and Business Numbers pass python-stdnum about 95% of the time, not always."""
    checked = valid = 0
    for cert in native_certificates(3000):
        tax_id, kind = cert["tax_id"], cert["tax_id_type"] or ""
        if kind in ("FEIN", "EIN"):
            checked, valid = checked + 1, valid + ein.is_valid(tax_id)
        elif kind in ("BN", "Business Number", "GST/HST") or (tax_id and "RT" in tax_id):
            checked, valid = checked + 1, valid + bn.is_valid(tax_id)
    assert checked > 1000
    assert 0.9 * checked < valid < checked


def test_luhn_digit() -> None:
    """The BN check digit is the Luhn digit (CRA)."""
    assert bn.is_valid("12345678" + _luhn_digit("12345678"))


def test_sized_certificates() -> None:
    """The growth corpus has exactly the customers and regions asked for."""
    for cert in sized_certificates(5, customers=7, regions=60):
        assert len(cert["customers"]) == 7
        assert len(set(cert["regions"])) == 60
