"""A finding's ``errors`` keys are its hit's locs rendered once: a customer record's and a
link's are their own, and rule 3101's repair asks the rule which regions fail, with the
matrix in use, on certificates of several customers and regions (the HTML report's failing
regions: tests/cli/test_html_report.py)."""

from __future__ import annotations

from certpreflight import ExemptionMatrix, Report, validate
from certpreflight.fixes import fix
from certpreflight.rules import Hit, get_rule
from tests.cli.test_html_report import FIVE
from tests.conftest import TODAY, cert, customer

#: a customer with four problems: no name, a long line 1, no city, an empty zone
BAD = customer(
    customer_number="C-3",
    name="",
    address_line1="x " * 40,
    city="",
    exposure_zones=["WA", " ", "OR"],
)


def _errors(report: Report) -> list[tuple[int, tuple[str | int, ...], dict[str, str]]]:
    return [(f.code, f.loc, dict(f.errors)) for f in report.findings]


def test_errors_keys_are_the_rendered_locs() -> None:
    """A hit's locs render as the public ``errors`` keys (``customers[2].exposure_zones[1]``)."""
    hit = Hit(loc=("customers", 2), errors={("customers", 2, "exposure_zones", 1): "empty zone"})
    assert dict(get_rule(3002).finding(hit).errors) == {
        "customers[2].exposure_zones[1]": "empty zone"
    }
    assert dict(get_rule(3002).finding(Hit(loc=(), errors={(): "x", ("a.b",): "y"})).errors) == {
        "": "x",
        "a.b": "y",
    }


def test_a_customer_record_keys_its_errors_by_its_own_fields() -> None:
    """The third customer of a certificate is reported at ``customers[2]``; sent on its own,
    the same customer's findings name its own fields (and its empty zone, 2122, a record's)."""
    holder = cert(customers=[customer(customer_number="C-1"), customer(customer_number="C-2"), BAD])
    linked = [
        (code, loc, errors)
        for code, loc, errors in _errors(validate(holder, today=TODAY))
        if loc[:2] == ("customers", 2)
    ]
    assert linked == [
        (2101, ("customers", 2, "name"), {"customers[2].name": "empty value"}),
        (2103, ("customers", 2, "address_line1"),
         {"customers[2].address_line1": "79 characters, max 50"}),
        (2105, ("customers", 2, "city"), {"customers[2].city": "empty value"}),
    ]  # fmt: skip
    record = validate(BAD, today=TODAY)
    assert record.kind == "customer"
    assert _errors(record) == [
        (2101, ("name",), {"name": "empty value"}),
        (2103, ("address_line1",), {"address_line1": "79 characters, max 50"}),
        (2105, ("city",), {"city": "empty value"}),
        (2122, ("exposure_zones", 1), {"exposure_zones[1]": "empty zone"}),
    ]


def test_a_link_keys_its_errors_by_each_customer_position() -> None:
    """A link's customers are codes: a code's finding names ``customers[i]``, not its field."""
    link = {"certificate_id": "42", "customers": ["C-1", " C-2 ", "C-3", "x" * 60]}
    report = validate(link, today=TODAY)
    assert report.kind == "link"
    assert _errors(report) == [
        (6102, ("customers", 3), {"customers[3]": "60 characters, max 50"}),
        (6103, ("customers", 1), {"customers[1]": "surrounding whitespace"}),
    ]


def test_the_3101_fix_drops_every_failing_region_with_the_matrix_in_use() -> None:
    """The repair drops the regions the rule fails (not those of another matrix), in one step,
    in the record's own dialect."""
    two = cert(**FIVE, customers=[customer(customer_number="C-1"), customer(customer_number="C-2")])
    report = validate(two, today=TODAY)
    (finding,) = [f for f in report.findings if f.code == 3101]
    assert dict(finding.errors).keys() == {"regions[1]", "regions[3]", "regions[4]"}
    result = fix(two, unsafe=True, today=TODAY)
    assert result.record["regions"] == ["WA", "TX"]
    assert [(a.code, a.loc, a.after) for a in result.applied] == [
        (3101, ("regions",), ["WA", "TX"])
    ]
    # a matrix where G is exempt in Oregon: only NH and MT fail, and only they are dropped
    oregon = ExemptionMatrix.default().with_overrides({("G", "US-OR"): "exempt"})
    kept = fix(two, unsafe=True, today=TODAY, matrix=oregon)
    assert kept.record["regions"] == ["WA", "TX", "OR"]
    assert 3101 not in kept.report.codes()
    # CertCapture zones as reference objects: the same regions go, the objects stay objects
    zones = [
        {"name": "Washington"},
        {"name": "New Hampshire"},
        {"initials": "TX"},
        {"name": "Montana"},
    ]
    captured = {"id": 7, "expected_tax_code": {"name": "RESALE"}, "exposure_zones": zones}
    fixed = fix(captured, unsafe=True, today=TODAY)
    assert fixed.record["exposure_zones"] == [{"name": "Washington"}, {"initials": "TX"}]
