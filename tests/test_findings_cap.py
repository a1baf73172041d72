"""The findings cap (at most 20 per rule per record, 4013 counting the rest) wherever findings
are made: the batch join (validate_batch and the CLI) and AvaTax's replies (issue 24, 5)."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from certpreflight import validate_batch
from certpreflight.avatax import findings_from_avatax_error
from certpreflight.cli import main
from certpreflight.rules.formatting import MAX_FINDINGS_PER_RULE
from tests.conftest import TODAY

#: A customer record with six empty fields (2101, 2102, 2105-2108), in AvaTax's shape.
EMPTY_CUSTOMER = {
    "customerCode": "X",
    "name": "",
    "line1": "",
    "city": "",
    "region": "",
    "postalCode": "",
    "country": "",
}
CERTIFICATE = {"id": "C1", "exempt_reason": "G", "regions": ["WA"], "filename": "c.pdf"}
LINKS = 5_000


def _records() -> list[dict[str, Any]]:
    """One customer linked to one certificate by 5,000 link records."""
    links = [{"certificate_id": "C1", "customers": ["X"]} for _ in range(LINKS)]
    return [EMPTY_CUSTOMER, CERTIFICATE, *links]


#: The customer's findings (no name, address, city, region's country, ZIP, country: 2106 is
#: not repeated beside 2108 when the country is absent).
CUSTOMER_CODES = (2101, 2102, 2105, 2107, 2108)


def _capped(codes: list[int], message: str) -> None:
    counts = Counter(codes)
    assert counts[4013] == 1
    assert max(counts.values()) == MAX_FINDINGS_PER_RULE
    for code in CUSTOMER_CODES:
        assert counts[code] == MAX_FINDINGS_PER_RULE
        assert f"{code} ({LINKS - MAX_FINDINGS_PER_RULE:,})" in message
    assert message.startswith(
        f"{len(CUSTOMER_CODES) * (LINKS - MAX_FINDINGS_PER_RULE):,} more findings"
    )


def test_a_customer_linked_5000_times_is_capped_in_validate_batch() -> None:
    """30,006 findings on one certificate before: now 20 a rule and one 4013 counting the rest;
    batch.findings lists only the cross-record findings the report kept."""
    batch = validate_batch(_records(), today=TODAY)
    report = batch.reports[1]
    [capped] = [f for f in report.findings if f.code == 4013]
    _capped(list(report.codes()), capped.message)
    assert len(batch.findings) == len(CUSTOMER_CODES) * MAX_FINDINGS_PER_RULE
    assert all(f in report.findings for f in batch.findings)
    unselected = validate_batch(_records(), today=TODAY, ignore=["4013"]).reports[1]
    assert 4013 not in unselected.codes()
    assert Counter(unselected.codes())[2101] == MAX_FINDINGS_PER_RULE


def test_a_report_capped_before_the_join_adds_up_its_counts() -> None:
    """A certificate capped on its own (1,000 unnamed customers) and given more findings by the
    join keeps one 4013 whose counts are the sum."""
    customers = [
        {"customer_number": f"K{i}", "name": "", "address_line1": "1 Main"} for i in range(30)
    ]
    own = {**CERTIFICATE, "customers": [*customers, {"customerCode": "X"}]}
    batch = validate_batch([EMPTY_CUSTOMER, own], today=TODAY)
    [capped] = [f for f in batch.reports[1].findings if f.code == 4013]
    # 30 unnamed customers of its own (10 cut) and X's empty name carried: 11 of 2101 cut
    assert "2101 (11)" in capped.message
    assert Counter(batch.reports[1].codes())[2101] == MAX_FINDINGS_PER_RULE


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_cli_caps_the_join_too(tmp_path: Path, jobs: str) -> None:
    """The CLI joins a run's files through the same table: the same capped report."""
    path = tmp_path / "links.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in _records()))
    out = io.StringIO()
    argv = ["check", str(path), "--format", "json", "--jobs", jobs, "--today", str(TODAY)]
    assert main(argv, out=out, err=io.StringIO()) == 1
    result = json.loads(out.getvalue())["results"][1]
    codes = [f["code"] for f in result["findings"]]
    [capped] = [f for f in result["findings"] if f["code"] == 4013]
    _capped(codes, capped["message"])


def test_an_avatax_400_with_200000_details_is_capped() -> None:
    """200,000 details gave 200,000 findings on one item: now 20 a rule and one 4013."""
    details = [
        {"number": 1211 if i % 2 else 99999, "code": "x", "message": f"detail {i}"}
        for i in range(200_000)
    ]
    findings = findings_from_avatax_error({"error": {"code": "x", "details": details}})
    counts = Counter(f.code for f in findings)
    assert counts == {2302: 20, 2900: 20, 4013: 1}
    [capped] = [f for f in findings if f.code == 4013]
    assert capped.message.startswith("199,960 more findings of 2302 (99,980), 2900 (99,980)")
    assert [f.summary for f in findings if f.code == 2900][:2] == ["detail 0", "detail 2"]
