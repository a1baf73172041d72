"""Situs rules (3xxx): regions and the reason x region matrix."""

from __future__ import annotations

from typing import Any

from certpreflight import ExemptionMatrix, fix, validate
from certpreflight.reference.matrix import Cell
from tests.conftest import TODAY, cert


def findings(payload: dict[str, Any], matrix: ExemptionMatrix, code: int) -> list[Any]:
    return [f for f in validate(payload, today=TODAY, matrix=matrix).findings if f.code == code]


def test_reason_not_exempt_lists_all_failing_regions_in_certificate_order(
    small_matrix: ExemptionMatrix,
) -> None:
    """Every failing region is in one message, in certificate order, without country prefix."""
    payload = cert(regions=["OR", "Washington", "US-NH"])
    [f] = findings(payload, small_matrix, 3101)
    assert f.message == (
        "Reason Code G isn't exempt in region(s): OR, NH. "
        "(Invalid ExemptReasonId and region combination)"
    )
    assert f.loc == ("regions", 0)
    assert set(f.errors) == {"regions[0]", "regions[2]"}
    assert f.severity.value == "error"


def test_reason_not_exempt_fix_names_regions_to_drop_and_alternatives(
    small_matrix: ExemptionMatrix,
) -> None:
    """The fix names the regions to drop, the ones that would pass and reasons that work."""
    [f] = findings(cert(regions=["WA", "NH"]), small_matrix, 3101)
    assert f.fix.startswith("Remove NH from the certificate and send it for WA only")
    # D is exempt in WA but unknown in NH, so no reason works for both regions.
    assert "split it into one certificate per region" in f.fix
    [g] = findings(cert(regions=["WA", "TX", "NH"]), small_matrix, 3101)
    assert "send it for WA, TX only" in g.fix


def test_reason_alternatives_named_when_known(small_matrix: ExemptionMatrix) -> None:
    """When another use-based reason is exempt in every region, the fix names it; a reason
    that says who the purchaser is (D, a diplomat) is never offered for another."""
    m = small_matrix.with_overrides(
        {("G", "US-TX"): "not_exempt", ("H", "US-WA"): "exempt", ("H", "US-TX"): "exempt"}
    )
    [f] = findings(cert(regions=["WA", "TX"]), m, 3101)
    assert "use a reason exempt in all of its regions: H" in f.fix
    assert "D" not in f.fix.rpartition(":")[2]


def test_entity_reasons_are_never_swapped_for_another() -> None:
    """A charity (E) is never told to claim federal, diplomat, resale or manufacturing
    exemptions (the audit's NY, FL, IL, TX, CA charity), nor a church (F) in Georgia."""
    charity = cert(exempt_reason="E", regions=["NY", "FL", "IL", "TX", "CA"])
    [f] = [x for x in validate(charity, today=TODAY).findings if x.code == 3102]
    assert "use a reason" not in f.fix
    assert "A, D, G, I" not in f.fix
    church = cert(exempt_reason="F", regions=["GA"])
    [g] = [x for x in validate(church, today=TODAY).findings if x.code == 3101]
    assert "use a reason" not in g.fix


def test_no_fix_removes_the_only_region() -> None:
    """NH alone: the fix says not to send the certificate, never "Remove NH" (no region left),
    and the unsafe repair leaves the record as it is."""
    payload = cert(regions=["NH"])
    [f] = [x for x in validate(payload, today=TODAY).findings if x.code == 3101]
    assert not f.fix.startswith("Remove")
    assert "Don't send this certificate" in f.fix
    result = fix(payload, unsafe=True, today=TODAY)
    assert result.record["regions"] == ["NH"]
    assert all(code != 3101 for code, *_ in result.applied)


def test_reason_exempt_everywhere_passes(small_matrix: ExemptionMatrix) -> None:
    """A reason exempt or unknown in every region gives no matrix finding."""
    for code in (3101, 3102, 3103):
        assert findings(cert(regions=["WA", "TX", "FL"]), small_matrix, code) == []


def test_unknown_cells_are_silent(small_matrix: ExemptionMatrix) -> None:
    """A reason with no known cell in the region produces nothing."""
    assert (
        validate(cert(exempt_reason="H", regions=["FL"]), today=TODAY, matrix=small_matrix).findings
        == ()
    )


def test_inferred_not_exempt_is_a_warning(small_matrix: ExemptionMatrix) -> None:
    """A law-derived not_exempt cell warns and does not fail the certificate."""
    report = validate(cert(exempt_reason="E", regions=["CA"]), today=TODAY, matrix=small_matrix)
    [f] = report.findings
    assert f.code == 3102
    assert f.severity.value == "warning"
    assert f.message == "Reason Code E is probably not exempt in region(s): CA."
    assert "CDTFA" in f.errors["regions[0]"]
    assert report.ok


def test_partial_is_info_with_condition(small_matrix: ExemptionMatrix) -> None:
    """A partial cell gives an info finding that states the condition."""
    [f] = findings(cert(exempt_reason="B", regions=["NY"]), small_matrix, 3103)
    assert f.severity.value == "info"
    assert "only New York's own government" in f.fix


def test_default_matrix_rejects_no_sales_tax_states() -> None:
    """With the built-in matrix, G in WA + NH fails for NH with Avalara's sourced cell."""
    report = validate(cert(regions=["WA", "NH"]), today=TODAY)
    [f] = report.errors
    assert f.code == 3101
    assert "region(s): NH." in f.message
    assert "NH has no statewide sales tax" in f.fix


def test_default_matrix_canada_only_reason_in_us() -> None:
    """P (commercial aquaculture) is Canada only: an error in a US state."""
    report = validate(cert(exempt_reason="P", regions=["WA"]), today=TODAY)
    assert 3101 in report.codes()


def test_region_unknown_warns(small_matrix: ExemptionMatrix) -> None:
    """A region that is no state or province is a warning naming the value."""
    [f] = findings(cert(regions=["WA", "Washingotn"]), small_matrix, 3001)
    assert f.loc == ("regions", 1)
    assert "'Washingotn'" in f.message
    assert f.severity.value == "warning"


def test_regions_in_every_spelling_resolve(small_matrix: ExemptionMatrix) -> None:
    """Codes, ISO codes, names and exposure-zone objects all resolve."""
    for regions in (["NH"], ["us-nh"], ["New Hampshire"], [{"name": "New Hampshire"}]):
        assert findings(cert(regions=regions), small_matrix, 3101), regions


def test_secondary_source_cells_never_give_an_error() -> None:
    """Every shipped not_exempt cell on a secondary source warns (3102) and never errs."""
    matrix = ExemptionMatrix.default()
    secondary = [
        (reason, region)
        for reason, region, cell in matrix.cells()
        if cell.status == "not_exempt" and cell.secondary
    ]
    assert secondary, "the shipped matrix has secondary not_exempt cells to try"
    for reason, region in secondary:
        report = validate(cert(exempt_reason=reason, regions=[region]), today=TODAY)
        assert report.errors == (), (reason, region)
        [warning] = [f for f in report.findings if f.code == 3102]
        assert "is secondary" in warning.summary or "low certainty" in warning.errors["regions[0]"]


def test_a_sourced_cell_on_a_secondary_source_only_warns(small_matrix: ExemptionMatrix) -> None:
    """A user's sourced not_exempt cell whose source is secondary is 3102, saying so."""
    cell = Cell("not_exempt", "sourced", "user", "", "https://blog.test/x", "secondary")
    m = small_matrix.with_overrides({("G", "US-WA"): cell})
    assert findings(cert(regions=["WA"]), m, 3101) == []
    [f] = findings(cert(regions=["WA"]), m, 3102)
    assert f.severity.value == "warning"
    assert "The source for WA is secondary" in f.summary
    assert f.errors == {
        "regions[0]": "probably not exempt (secondary source, not official: https://blog.test/x)"
    }


def test_official_law_cells_warn_with_their_address() -> None:
    """WA E (Washington DOR: nonprofits are taxed) is a 3102 warning citing dor.wa.gov."""
    [f] = [
        f
        for f in validate(cert(exempt_reason="E", regions=["WA"]), today=TODAY).findings
        if f.code == 3102
    ]
    assert "is secondary (not an official publication)" not in f.summary
    assert "https://dor.wa.gov/" in f.errors["regions[0]"]
