"""Folders as inputs, walked as ruff and pytest walk them: the files of known suffixes,
sorted, hidden files and folders and the report itself passed over."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import CLEAN_LINE, EXAMPLES, Cli, ndjson_line, results


def _tree(root: Path) -> None:
    (root / "b").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "a.ndjson").write_bytes(CLEAN_LINE)
    (root / "b" / "c.jsonl").write_bytes(ndjson_line(id="C-2"))
    (root / "b" / "notes.txt").write_text("not a certificate file\n", encoding="utf-8")
    (root / ".git" / "x.json").write_bytes(CLEAN_LINE)
    (root / ".hidden.json").write_bytes(CLEAN_LINE)
    (root / "Z.JSON").write_text(json.dumps([json.loads(CLEAN_LINE)]), encoding="utf-8")


def test_a_folder_is_walked_in_sorted_order(cli: Cli, tmp_path: Path) -> None:
    """Known suffixes only, any case; hidden ones skipped; a folder's files before its
    subfolders', each sorted."""
    _tree(tmp_path / "in")
    code, out, err = cli("check", str(tmp_path / "in"), "--output-format", "json")
    assert (code, err) == (0, "")
    sources = [r["source"].rsplit(":", 1)[0] for r in results(out)]
    root = tmp_path / "in"
    assert sources == [str(root / "Z.JSON"), str(root / "a.ndjson"), str(root / "b" / "c.jsonl")]


def test_the_examples_folder_checks_as_its_files_do(cli: Cli) -> None:
    """`check examples` is `check` of each of its files, in sorted order."""
    files = sorted(str(p) for p in EXAMPLES.rglob("*") if p.suffix in {".csv", ".json", ".ndjson"})
    assert cli("check", str(EXAMPLES), "--output-format", "json") == cli(
        "check", *files, "--output-format", "json"
    )


def test_the_report_in_the_folder_is_not_read_back(cli: Cli, tmp_path: Path) -> None:
    """A JSON report written into the folder it checks is not one of the inputs next time."""
    _tree(tmp_path / "in")
    report = tmp_path / "in" / "report.json"
    first = cli("check", str(tmp_path / "in"), "--output-format", "json", "-o", str(report))
    second = cli("check", str(tmp_path / "in"), "--output-format", "json", "-o", str(report))
    assert first[0] == second[0] == 0
    assert "report.json" not in report.read_text(encoding="utf-8")


def test_a_folder_without_inputs_is_noted(cli: Cli, tmp_path: Path) -> None:
    """No input files under a folder: a note on stderr, nothing checked, exit 0."""
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "a.json").write_bytes(CLEAN_LINE)
    code, _, err = cli("check", str(tmp_path), "--quiet")
    assert code == 0
    assert f"{tmp_path}: no .json, .ndjson, .jsonl, .csv or .xlsx files" in err


def test_the_summary_counts_records_of_no_kind_as_unreadable(cli: Cli, tmp_path: Path) -> None:
    """The JSON summary's ``kinds`` has ``unreadable`` for the results of ``"kind": null``."""
    path = tmp_path / "mixed.ndjson"
    path.write_bytes(CLEAN_LINE + b"not json\n" + b"[1, 2]\n")
    doc = json.loads(cli("check", str(path), "--output-format", "json")[1])
    nulls = sum(1 for r in doc["results"] if r["kind"] is None)
    assert nulls == 2
    assert doc["summary"]["kinds"] == {"certificate": 1, "unreadable": nulls}


def test_the_examples_sales_are_no_customers(cli: Cli, tmp_path: Path) -> None:
    """check of the examples folder reads its sales as transactions (4030, or 4001 for the
    broken line), never as customers with missing names and addresses; convert turns none
    of them into a customer body."""
    sales = EXAMPLES / "coverage" / "sales.ndjson"
    code, out, _ = cli("check", str(EXAMPLES), "--output-format", "json")
    assert code == 1
    found = {
        f["code"] for r in results(out) if r["source"].startswith(str(sales)) for f in r["findings"]
    }
    assert found == {4030, 4001}
    target = tmp_path / "avatax.ndjson"
    code, _, err = cli("convert", str(sales), "--to", "avatax", "-o", str(target))
    assert code == 1
    assert "looks like a transaction" in err
    assert not target.exists() or not target.read_text(encoding="utf-8").strip()
