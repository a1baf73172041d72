"""The large-account benchmark plans what its docstring says (benchmarks/plan.py)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.plan import write_export, write_source

from certpreflight import plan
from tests.plan.shapes import TODAY


def test_the_benchmark_files_plan_the_edits_they_were_written_with(tmp_path: Path) -> None:
    """200 + 200: 10% of customers and certificates edited, 1% case variants, 1% new,
    1% left out; every export line a FetchResult page."""
    export, source = tmp_path / "export.ndjson", tmp_path / "source.ndjson"
    write_export(export, 200, 200)
    write_source(source, 200, 200)
    pages = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert [p["@recordsetCount"] for p in pages] == [200, 200]
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    result = plan(records, pages, today=TODAY)
    assert result.counts() == {
        "create": 4, "update": 40, "unchanged": 356, "orphan": 2, "link": 0, "unlink": 0,
    }  # fmt: skip
    variants = [a.key for a in result.actions if any(f.code == 6505 for f in a.findings)]
    assert variants == ["c-0000042", "c-0000142"]
    matched = {a.matched_by for a in result.actions if a.kind == "certificate"}
    assert matched == {"id", "customer+region+reason+signed date"}
