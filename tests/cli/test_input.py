"""check's input like a linter's: '-' for standard input, --input-format, .xlsx workbooks,
and empty inputs that behave the same in every format."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
import threading
from pathlib import Path

import openpyxl
import pytest

from certpreflight.cli import sniff
from certpreflight.io import read_records
from certpreflight.io.xlsx import cell_text
from tests.cli.conftest import CLEAN_LINE, EXAMPLES, Cli, ndjson_line, results
from tests.conftest import customer

BAD_LINE = ndjson_line(id="bad", customers=[customer(name="")])


def test_dash_reads_ndjson_from_standard_input(cli: Cli) -> None:
    """`cat certs.ndjson | certpreflight check -` checks them, sources <stdin>:LINE."""
    code, out, _ = cli("check", "-", "--format", "json", stdin=CLEAN_LINE + BAD_LINE)
    assert code == 1
    assert [(r["source"], r["ok"]) for r in results(out)] == [
        ("<stdin>:1", True),
        ("<stdin>:2", False),
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_dash_with_input_format_and_jobs(cli: Cli, jobs: str) -> None:
    """--input-format names stdin's format; --jobs works on it as on a file."""
    data = (EXAMPLES / "certificates.csv").read_bytes()
    code, out, _ = cli(
        "check", "-", "--input-format", "csv", "--format", "json", "-j", jobs, stdin=data
    )
    by_file = cli("check", str(EXAMPLES / "certificates.csv"), "--format", "json")[1]
    assert code == 1
    assert json.loads(out)["summary"] == json.loads(by_file)["summary"]
    assert results(out)[0]["source"] == "<stdin>:2"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b'{"id": 1}\n', "ndjson"),
        (b"\xef\xbb\xbf  [\n{}", "json"),
        (b"PK\x03\x04rest", "xlsx"),
        (b"Certificate ID,Exempt Reason\n", "csv"),
        (b"", "ndjson"),
    ],
)
def test_standard_input_format_is_sniffed(head: bytes, kind: str) -> None:
    """Without --input-format, stdin's first bytes decide, as check --help says."""
    assert sniff(head) == kind


def test_input_format_overrides_the_suffix(cli: Cli, tmp_path: Path) -> None:
    """A .txt of NDJSON lines is read with --input-format ndjson; without it, exit 2."""
    path = tmp_path / "export.txt"
    path.write_bytes(CLEAN_LINE + BAD_LINE)
    code, out, _ = cli("check", str(path), "--input-format", "ndjson", "--format", "json")
    assert (code, len(results(out))) == (1, 2)
    code, _, err = cli("check", str(path))
    assert code == 2
    assert "--input-format" in err


def _workbook(path: Path, rows: list[list[object]], *, first: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if first is not None:  # a first sheet of notes, the certificates on the second
        sheet.title = "Notes"
        sheet["A1"] = first
        sheet = book.create_sheet("Certificates")
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _example_rows() -> list[list[object]]:
    with (EXAMPLES / "certificates.csv").open(encoding="utf-8") as handle:
        return [[int(c) if c.isdigit() else c for c in row] for row in csv.reader(handle)]


def test_xlsx_is_read_like_the_same_csv(cli: Cli, tmp_path: Path) -> None:
    """The examples CSV as a workbook (numbers stored as numbers) gives the same findings."""
    book = _workbook(tmp_path / "certs.xlsx", _example_rows())
    code, out, _ = cli("check", str(book), "--format", "json")
    _, csv_out, _ = cli("check", str(EXAMPLES / "certificates.csv"), "--format", "json")
    assert code == 1
    assert json.loads(out)["summary"] == json.loads(csv_out)["summary"]
    found = [(r["id"], [f["code"] for f in r["findings"]]) for r in results(out)]
    expected = [(r["id"], [f["code"] for f in r["findings"]]) for r in results(csv_out)]
    assert found == expected
    assert results(out)[0]["source"] == f"{book}:Sheet:2"


def test_xlsx_sheet_by_name_or_number_and_a_missing_one(cli: Cli, tmp_path: Path) -> None:
    """--sheet picks a sheet; the first sheet is the default; a missing one exits 2 naming them."""
    book = _workbook(tmp_path / "two.xlsx", _example_rows(), first="see the next sheet")
    code, _, err = cli("check", str(book))
    assert code == 2
    assert "two.xlsx:Notes: the header row lacks required column(s)" in err
    by_name = cli("check", str(book), "--sheet", "Certificates", "--format", "json")
    by_number = cli("check", str(book), "--sheet", "2", "--format", "json")
    assert by_name[0] == 1
    assert by_name[1] == by_number[1]
    assert results(by_name[1])[0]["source"] == f"{book}:Certificates:2"
    code, _, err = cli("check", str(book), "--sheet", "Nope")
    assert code == 2
    assert "no sheet 'Nope' (sheets: 'Notes', 'Certificates')" in err


def test_xlsx_header_below_blank_rows_keeps_excel_row_numbers(tmp_path: Path) -> None:
    """Sources are the row numbers Excel shows, with blank rows above the header counted."""
    rows: list[list[object]] = [
        [],
        [],
        ["Certificate ID", "Billing Customer Number", "Zip", "Effective Date"],
        ["c1", 1001, 98101, dt.date(2026, 1, 15)],
        [],
        ["c2", 1002, 98101.0, dt.datetime(2026, 2, 1)],
    ]
    book = _workbook(tmp_path / "gaps.xlsx", rows)
    found = list(read_records(book))
    assert [r.source for r in found] == [f"{book}:Sheet:4", f"{book}:Sheet:6"]
    first = found[0][1]
    assert first["effective_date"] == "2026-01-15"
    assert first["customers"] == [{"customer_number": "1001", "postal_code": "98101"}]
    assert found[1][1]["effective_date"] == "2026-02-01"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (98101.0, "98101"),
        (2.5, "2.5"),
        (True, "true"),
        (dt.date(2026, 1, 2), "2026-01-02"),
        (dt.datetime(2026, 1, 2, 13, 30), "2026-01-02T13:30:00"),
        ("  G ", "  G "),
    ],
)
def test_cells_read_as_a_person_sees_them(value: object, text: str) -> None:
    """Whole numbers without .0, dates as YYYY-MM-DD."""
    assert cell_text(value) == text


def test_xlsx_without_python_calamine_says_how_to_install(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the optional reader, a workbook exits 2 with the pip command."""
    book = _workbook(tmp_path / "c.xlsx", _example_rows())
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # import fails
    code, _, err = cli("check", str(book))
    assert code == 2
    assert "reading .xlsx needs python-calamine: pip install 'certpreflight[xlsx]'" in err


def test_not_a_workbook_exits_2(cli: Cli, tmp_path: Path) -> None:
    """A .xlsx that is not a workbook is an input error, not a crash."""
    path = tmp_path / "fake.xlsx"
    path.write_text("id,customer number\n", encoding="utf-8")
    code, _, err = cli("check", str(path))
    assert code == 2
    assert "can't be read as an .xlsx workbook" in err


def _empty_inputs(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / "blank.json").write_bytes(b"\xef\xbb\xbf \n")
    (tmp_path / "array.json").write_bytes(b"[]\n")
    (tmp_path / "empty.ndjson").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n\n  \n")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header.csv").write_bytes(b"Certificate ID,Billing Customer Number\n")
    _workbook(tmp_path / "empty.xlsx", [])
    _workbook(tmp_path / "header.xlsx", [["Certificate ID", "Billing Customer Number"]])
    return {p.name: p for p in tmp_path.iterdir()}


@pytest.mark.parametrize(
    "name",
    [
        "empty.json",
        "blank.json",
        "array.json",
        "empty.ndjson",
        "blank.jsonl",
        "empty.csv",
        "header.csv",
        "empty.xlsx",
        "header.xlsx",
    ],
)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_empty_inputs_of_every_format_behave_the_same(
    cli: Cli, tmp_path: Path, name: str, jobs: str
) -> None:
    """No certificates in any format: 0 checked, exit 0, and a note naming the file."""
    path = _empty_inputs(tmp_path)[name]
    code, out, err = cli("check", str(path), "--format", "json", "-j", jobs)
    assert code == 0
    assert json.loads(out)["summary"]["certificates"] == 0
    assert err == f"certpreflight: note: {path}: no certificates (empty input)\n"
    assert cli("check", str(path), "--quiet", "-j", jobs)[2] == ""  # --quiet: no note


def test_empty_standard_input_is_no_certificates(cli: Cli) -> None:
    """Nothing on standard input: 0 certificates, exit 0, a note."""
    code, out, err = cli("check", "-", "-q", stdin=b"")
    assert (code, out) == (0, "0 certificates checked: 0 ok, 0 with errors, 0 with warnings\n")
    code, _, err = cli("check", "-", stdin=b"")
    assert "<stdin>: no certificates" in err


def test_dash_given_twice_is_a_usage_error(cli: Cli) -> None:
    """Standard input can be read once."""
    code, _, err = cli("check", "-", "-")
    assert code == 2
    assert "'-' (standard input) can be given once" in err


def test_a_named_pipe_is_read_and_sniffed_like_standard_input(cli: Cli, tmp_path: Path) -> None:
    """A FIFO (as `<(cat certs.csv)` or /dev/stdin give) is copied first and its format told
    by its first bytes; its sources keep its name."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    data = (EXAMPLES / "certificates.csv").read_bytes()
    writer = threading.Thread(target=fifo.write_bytes, args=(data,))
    writer.start()
    code, out, _ = cli("check", str(fifo), "--format", "json", "-j", "2")
    writer.join(timeout=10)
    _, by_file, _ = cli("check", str(EXAMPLES / "certificates.csv"), "--format", "json")
    assert code == 1
    assert json.loads(out)["summary"] == json.loads(by_file)["summary"]
    assert results(out)[0]["source"] == f"{fifo}:2"
