"""Hostile workbooks: what an .xlsx claims is bounded before python-calamine allocates for it.

Each workbook here is a few KB built with zipfile. Before the bounds, calamine asked for
30-896 GB for some of them and Rust aborted the process (SIGABRT, exit 134, no report); a
shared string index out of range was exit 3 and the other files of the run were lost. Each
is now exit 2 for that file, with a message, and the other files are still checked (and
fixed or converted and written: ``check --fix``, ``--diff``, ``--in-place``, ``convert``). The
CLI runs in a subprocess: without the bounds, the abort would take pytest down with it.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from certpreflight.io import InputError, read_records
from certpreflight.io.xlsx import MAX_CELLS, check_claims
from tests.cli.conftest import CLEAN_LINE, ROOT
from tests.conftest import CERTIFICATE

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_HEADER = ["id", "customer number", "exempt reason", "regions"]
#: A header row and one certificate, as shared strings 0-7.
_STRINGS = [*_HEADER, "C-1", "N-1", "G", "WA"]
_ROWS = (
    '<row r="1">' + "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate("ABCD"))
    + '</row><row r="2">'
    + "".join(f'<c r="{c}2" t="s"><v>{i + 4}</v></c>' for i, c in enumerate("ABCD"))
    + "</row>"
)  # fmt: skip


def workbook(
    path: Path, cells: str = "", *, dimension: str = "", unique: int | None = None
) -> Path:
    """A one-sheet workbook: the header and a certificate, then ``cells`` (sheet XML)."""
    count = len(_STRINGS) if unique is None else unique
    strings = "".join(f"<si><t>{s}</t></si>" for s in _STRINGS)
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _TYPES)
        book.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="Sheet1" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        book.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{_MAIN}">{dim}<sheetData>{_ROWS}{cells}</sheetData></worksheet>',
        )
        book.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{_MAIN}" count="{count}" uniqueCount="{count}">{strings}</sst>',
        )
    assert path.stat().st_size < 5000
    return path


def _check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return _cli("check", "--format", "json", *map(str, paths))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``certpreflight ARGS`` in a subprocess (an abort would not take pytest down)."""
    return subprocess.run(
        [sys.executable, "-m", "certpreflight", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


#: name -> (the workbook's hostile part, what the message says)
HOSTILE = {
    "corners": (
        {"cells": '<row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>'},
        "its cells span 1,048,576 rows by 16,384 columns (A1:XFD1048576), 17,179,869,184 cells",
    ),
    "unique-count": (
        {"unique": 4_000_000_000},
        "announces 4,000,000,000 shared strings but holds 8",
    ),
    "row-past-excel": (
        {"cells": '<row r="5000000"><c r="A5000000" t="s"><v>0</v></c></row>'},
        "row 5000000 is past Excel's last row 1,048,576",
    ),
    "column-past-excel": (
        {"cells": '<row r="3"><c r="ZZZZ3" t="s"><v>0</v></c></row>'},
        "column ZZZZ is past Excel's last column XFD (16,384 columns)",
    ),
    "dimension-past-excel": (
        {"dimension": "A1:XFE2"},
        "the sheet's dimension XFE2 is past Excel's last column XFD",
    ),
    "prefixed-corner": (
        {
            "cells": f'<x:row xmlns:x="{_MAIN}" r="1048576"><x:c r="XFD1048576" t="s">'
            "<x:v>0</x:v></x:c></x:row>"
        },
        "(A1:XFD1048576)",
    ),
    "cells-without-r": (
        {
            "cells": '<row r="1048576"><c r="A1048576" t="s"><v>0</v></c>'
            + '<c t="s"><v>0</v></c>' * 16_383
            + "</row>"
        },
        "more than the 16,777,216 a sheet is read with",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_workbook_is_exit_2_and_the_other_files_are_checked(
    tmp_path: Path, name: str
) -> None:
    """The hostile workbook is said on stderr (exit 2); the NDJSON file after it is reported."""
    changes, said = HOSTILE[name]
    book = workbook(tmp_path / f"{name}.xlsx", **changes)  # type: ignore[arg-type]
    other = tmp_path / "other.ndjson"
    other.write_bytes(CLEAN_LINE)
    proc = _check(book, other)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"{book}: " in proc.stderr
    assert said in proc.stderr
    assert "can't be read as an .xlsx workbook" in proc.stderr
    assert [r["source"] for r in json.loads(proc.stdout)["results"]] == [f"{other}:1"]


def test_a_shared_string_index_out_of_range_is_exit_2_and_the_other_files_are_checked(
    tmp_path: Path,
) -> None:
    """A cell naming shared string 99 of 8: exit 2 for that file (it was exit 3 for the run)."""
    book = workbook(tmp_path / "index.xlsx", '<row r="3"><c r="A3" t="s"><v>99</v></c></row>')
    other = tmp_path / "other.ndjson"
    other.write_bytes(CLEAN_LINE)
    proc = _check(other, book)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"certpreflight: {book}: can't be read as an .xlsx workbook (")
    assert [r["source"] for r in json.loads(proc.stdout)["results"]] == [f"{other}:1"]


def test_the_bounds_pass_what_they_should(tmp_path: Path) -> None:
    """Empty cells far away, cells without ``r``, cells with a namespace prefix (as the .NET
    Open XML SDK writes them), a dimension at XFD1048576, the most cells a sheet may span,
    row numbers with 5,000 leading zeros and a count no 64-bit number holds are read."""
    side = int(MAX_CELLS**0.5)
    cases = [
        '<row r="1048576"><c r="XFD1048576" s="1"/></row>',
        '<row><c t="s"><v>4</v></c><c t="s"><v>5</v></c></row>',
        f'<x:row xmlns:x="{_MAIN}" r="3"><x:c r="A3" t="s"><x:v>5</x:v></x:c></x:row>',
        f'<row r="{side}"><c r="A{side}" t="s"><v>0</v></c><c r="{_letters(side)}{side}" '
        't="s"><v>0</v></c></row>',
    ]
    for number, cells in enumerate(cases):
        book = workbook(tmp_path / f"fine{number}.xlsx", cells, dimension="A1:XFD1048576")
        check_claims(book)
    records = list(read_records(workbook(tmp_path / "plain.xlsx")))
    assert [r.source for r in records] == [f"{tmp_path / 'plain.xlsx'}:Sheet1:2"]
    zeros = "0" * 5000  # int() refuses a number of over 4,300 digits
    cells = f'<row r="{zeros}3"><c r="A{zeros}3" t="s"><v>5</v></c></row>'
    assert len(list(read_records(workbook(tmp_path / "zeros.xlsx", cells)))) == 2
    huge = workbook(tmp_path / "count.xlsx", unique=int("9" * 4000))  # calamine ignores it
    assert len(list(read_records(huge))) == 1
    prefixed = workbook(tmp_path / "prefixed.xlsx", cases[2].replace('r="3"', 'r="1048576"'))
    assert len(list(read_records(prefixed))) == 2  # Excel's last row, read, with a prefix


def test_a_workbook_is_refused_before_calamine_opens_it(tmp_path: Path) -> None:
    """read_records raises InputError (the CLI's exit 2) for a hostile workbook, in-process."""
    book = workbook(tmp_path / "corners.xlsx", HOSTILE["corners"][0]["cells"])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="more than the 16,777,216 a sheet is read with"):
        list(read_records(book))


def _letters(column: int) -> str:
    name = ""
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


def _fixable(path: Path) -> Path:
    """An NDJSON file of one certificate whose customer's country is ``USA`` (3203 fixes it)."""
    record = copy.deepcopy(CERTIFICATE)
    record["customers"][0]["country"] = "USA"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def _skipped(proc: subprocess.CompletedProcess[str], book: Path, said: str) -> None:
    """The run ended with exit 2 and said on stderr that ``book`` can't be read, and why."""
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"certpreflight: {book}: " in proc.stderr
    assert said in proc.stderr
    assert "Traceback" not in proc.stderr


#: Each command that writes the inputs' records, run on a hostile workbook beside a good
#: NDJSON file: ``(arguments after the files, in tmp_path)``.
WRITERS = {
    "fix-output-dir": ["check", "--fix", "-o", "{out}"],
    "diff": ["check", "--diff"],
    "in-place": ["check", "--fix", "--in-place"],
    "convert": ["convert", "--to", "avatax", "-o", "{out}/converted.ndjson"],
}


@pytest.mark.parametrize("hostile", ["unique-count", "corners"])
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_fix_and_convert_skip_a_hostile_workbook_and_write_the_other_files(
    tmp_path: Path, command: str, hostile: str
) -> None:
    """``check --fix -o DIR``, ``--diff``, ``--in-place`` and ``convert -o``: the workbook is
    named on stderr, nothing of it is written, the NDJSON file beside it is fixed (or
    converted) and written, and the run ends with exit 2 as ``check`` does."""
    book = workbook(tmp_path / "book.xlsx", **HOSTILE[hostile][0])  # type: ignore[arg-type]
    before = book.read_bytes()
    good = _fixable(tmp_path / "good.ndjson")
    out = tmp_path / "out"
    out.mkdir()
    words, *rest = WRITERS[command]
    proc = _cli(words, *[a.format(out=out) for a in rest], str(book), str(good))
    _skipped(proc, book, HOSTILE[hostile][1])
    assert book.read_bytes() == before
    assert not (tmp_path / "book.xlsx.orig").exists()
    if command == "fix-output-dir":
        assert sorted(p.name for p in out.iterdir()) == ["good.ndjson"]
        fixed = json.loads((out / "good.ndjson").read_text(encoding="utf-8"))
        assert fixed["customers"][0]["country"] == "US"
        assert "good.ndjson:1: fixed 3203 customers[0].country: 'USA' -> 'US'" in proc.stdout
    elif command == "diff":
        assert f"--- {good}\n+++ {good} (fixed)\n" in proc.stdout
        added = [line[1:] for line in proc.stdout.splitlines() if line.startswith("+{")]
        assert [json.loads(a)["customers"][0]["country"] for a in added] == ["US"]
        assert "book.xlsx" not in proc.stdout
    elif command == "in-place":
        fixed = json.loads(good.read_text(encoding="utf-8"))
        assert fixed["customers"][0]["country"] == "US"
        assert (tmp_path / "good.ndjson.orig").exists()
    else:
        written = (out / "converted.ndjson").read_text(encoding="utf-8").splitlines()
        assert len(written) == 1  # the NDJSON certificate's one exposure zone; none of the book
        assert json.loads(written[0])["exemptionNumber"] == CERTIFICATE["tax_id"]
    if command != "convert":  # the summary counts the file read, not the workbook
        assert "1 record checked: 1 findings fixed, 0 remaining; 1 file(s) changed" in proc.stderr


def test_fix_and_convert_skip_a_workbook_with_a_shared_string_out_of_range(
    tmp_path: Path,
) -> None:
    """An error calamine finds while reading (string 99 of 8) is skipped the same way."""
    book = workbook(tmp_path / "index.xlsx", '<row r="3"><c r="A3" t="s"><v>99</v></c></row>')
    good = _fixable(tmp_path / "good.ndjson")
    converted = tmp_path / "converted.ndjson"
    proc = _cli("convert", "--to", "native", "-o", str(converted), str(good), str(book))
    _skipped(proc, book, "can't be read as an .xlsx workbook (")
    assert len(converted.read_text(encoding="utf-8").splitlines()) == 1
    proc = _cli("check", "--fix", "-o", str(tmp_path / "out"), str(good), str(book))
    _skipped(proc, book, "can't be read as an .xlsx workbook (")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good.ndjson"]
