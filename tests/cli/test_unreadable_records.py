"""A record that can't be read is always reported and never counted ok, whatever
``--select`` / ``--ignore`` say (as ruff always reports syntax errors); the summary counts
unreadable records apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from certpreflight import validate
from certpreflight.io import csvfile
from tests.cli.conftest import Cli

BAD = b'not json\n{"id": "A"\n'


@pytest.mark.parametrize("flags", [("--select", "3101"), ("--ignore", "4001"), ("--ignore", "4")])
def test_unreadable_lines_reported_whatever_is_selected(
    cli: Cli, tmp_path: Path, flags: tuple[str, str]
) -> None:
    """Two lines that aren't JSON, with 4001 not selected: both reported, exit 1, none ok."""
    path = tmp_path / "bad.ndjson"
    path.write_bytes(BAD)
    code, out, _ = cli("check", str(path), *flags)
    assert code == 1
    assert "2 ok" not in out
    assert out.count("4001 error") == 2
    assert "2 records (2 unreadable records) checked: 0 ok, 2 with errors" in out


def test_unreadable_counted_apart_in_the_json_summary(cli: Cli, tmp_path: Path) -> None:
    """The JSON summary says how many records couldn't be read, and each has its finding."""
    path = tmp_path / "bad.ndjson"
    path.write_bytes(BAD)
    code, out, _ = cli("check", str(path), "--select", "3101", "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert doc["summary"]["kinds"] == {"unreadable": 2}
    assert doc["summary"]["ok"] == 0
    assert [[f["code"] for f in r["findings"]] for r in doc["results"]] == [[4001], [4001]]


def test_unreadable_records_reported_by_fix_whatever_is_selected(cli: Cli, tmp_path: Path) -> None:
    """check --fix counts what couldn't be read as remaining (exit 1), 4001 not selected."""
    path = tmp_path / "bad.ndjson"
    path.write_bytes(BAD)
    code, _, err = cli("check", str(path), "--fix", "--select", "3101", "-o", str(tmp_path / "o"))
    assert code == 1
    assert err == "2 records checked: 0 findings fixed, 2 remaining; 0 file(s) changed\n"


@pytest.mark.parametrize("payload", ["not json", '{"id": "A"', "[1, 2]", '{"zzz": 1}'])
def test_validate_keeps_the_formatting_finding_of_unreadable_input(payload: str) -> None:
    """validate(..., select=...) on a payload that can't be read keeps its Formatting finding."""
    report = validate(payload, select=["3101"])
    assert not report.ok
    assert report.findings
    assert all(f.type == "Formatting" for f in report.findings)


def test_selection_still_filters_what_was_read() -> None:
    """A readable certificate's findings still follow --select (a value that couldn't be
    read in a certificate that could is a finding like any other)."""
    report = validate({"id": "A", "effective_date": "banana"}, select=["3101"])
    assert report.findings == ()


def test_an_unreadable_csv_row_is_counted_unreadable(cli: Cli, tmp_path: Path) -> None:
    """A CSV row the reader can't split (an unclosed quote, 4012) is no certificate: it counts
    as unreadable with ``"kind": null`` (before: a certificate)."""
    path = tmp_path / "open-quote.csv"
    path.write_text('id,customer_number,regions\n1,C-1,WA\n2,C-2,"WA\n3,C-3,OR\n', encoding="utf-8")
    code, out, _ = cli("check", str(path), "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert doc["summary"]["kinds"] == {"certificate": 1, "unreadable": 1}
    assert [(r["kind"], [f["code"] for f in r["findings"]][-1:]) for r in doc["results"]][1] == (
        None,
        [4012],
    )


def test_an_import_line_limit_is_counted_as_a_file_finding(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4014 (CertCapture's customer template past its line limit) is a finding on the file,
    not a record: the summary counts it as ``file`` (before: one extra certificate). The
    limit is lowered here (the real 40,000 is tested in test_certcapture_customer_template) so the
    file stays small; every row is still a customer."""
    monkeypatch.setattr(csvfile, "CUSTOMER_IMPORT_MAX_LINES", 3)
    header = "Billing Customer Number,Billing Customer Name 1,Billing Customer Address 1,"
    header += "Billing Customer City,Billing Customer State,Billing Customer Country,"
    header += "Billing Customer Zip"
    rows = [f"C-{i},Acme,1 Main St,Seattle,WA,US,98101" for i in range(4)]
    path = tmp_path / "customers.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    code, out, _ = cli("check", str(path), "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert doc["summary"]["kinds"] == {"customer": 4, "file": 1}
    assert doc["summary"]["by_code"] == {"4014": 1}
    code, out, _ = cli("check", str(path))
    assert "5 records (4 customers, 1 file finding) checked: 4 ok, 1 with errors" in out
