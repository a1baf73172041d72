"""The shipped ZIP prefix table is what ``scripts/build_zip_prefixes.py`` derives from its source.

The source is the ZIP Code list bundled with the ``zipcodes`` package (the ``dev`` extra; see
docs/sources.md#us-zip-prefixes). Without the package the comparison is skipped, never faked.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from certpreflight.reference.postal import _zip_table

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "src" / "certpreflight" / "reference" / "data" / "us_zip_prefixes.csv"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_zip_prefixes", REPO / "scripts" / "build_zip_prefixes.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_zip_table_matches_the_zipcodes_data() -> None:
    """Every prefix in the shipped table, and no other, has the states the data gives it."""
    zipcodes = pytest.importorskip(
        "zipcodes", reason="the zipcodes package (dev extra) is the ZIP table's source"
    )
    derived = _script().prefix_states(zipcodes.list_all())
    shipped = _zip_table()
    assert {p: sorted(r) for p, r in shipped.items() if derived.get(p) != r} == {}
    assert sorted(set(derived) - set(shipped)) == []


def test_shipped_zip_file_is_the_script_output() -> None:
    """The committed CSV, header included, is byte for byte what the script writes."""
    zipcodes = pytest.importorskip(
        "zipcodes", reason="the zipcodes package (dev extra) is the ZIP table's source"
    )
    script = _script()
    header = SHIPPED.read_text("utf-8")
    assert f"zipcodes package {zipcodes.__version__} " in header, "rerun the script"
    table = script.prefix_states(zipcodes.list_all())
    assert script.render(table, zipcodes.__version__, script.shipped_date(SHIPPED)) == header


def test_derivation_leaves_out_unclear_prefixes() -> None:
    """Military and freely-associated-state prefixes are dropped; shared prefixes list all."""
    script = _script()
    records = [
        {"zip_code": "83401", "state": "ID", "city": "Idaho Falls"},
        {"zip_code": "83414", "state": "WY", "city": "Alta"},
        {"zip_code": "09905", "state": "NJ", "city": "Apo"},
        {"zip_code": "09001", "state": "AE", "city": "Apo"},
        {"zip_code": "96910", "state": "GU", "city": "Hagatna"},
        {"zip_code": "96940", "state": "PW", "city": "Palau"},
        {"zip_code": "83501", "state": "ID", "city": "Lewiston"},
    ]
    table = script.prefix_states(records)
    assert table == {"834": {"US-ID", "US-WY"}, "835": {"US-ID"}}
    assert script.ranges(table) == [
        ("834", "834", frozenset({"US-ID", "US-WY"})),
        ("835", "835", frozenset({"US-ID"})),
    ]
