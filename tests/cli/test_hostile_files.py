"""Hostile input files through the CLI: every record is reported, none merged or dropped.

Each test states how many records the file holds and checks that the report has exactly
that many results (records in = results out), with the finding that says what is wrong.
"""

from __future__ import annotations

import codecs
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from certpreflight.io import read_json
from tests.cli.conftest import CLEAN_LINE, Cli, results
from tests.conftest import CERTIFICATE

CLEAN = json.dumps(CERTIFICATE)
CSV_HEADER = "id,exempt_reason,regions,tax_id,customer_number,name,address_line1,city,region,"
CSV_HEADER += "postal_code,country,effective_date\n"


def _csv_row(ident: str, name: str = "Acme") -> str:
    return f"{ident},G,WA,601234567,C-{ident},{name},1 Main St,Tacoma,WA,98402,US,2026-01-15\n"


def _check(cli: Cli, path: Path, *args: str) -> tuple[int, list[tuple[str, list[int]]], str]:
    code, out, err = cli("check", str(path), "--format", "json", *args)
    found = [
        (r["source"].rsplit(":", 1)[1], [f["code"] for f in r["findings"]]) for r in results(out)
    ]
    return code, found, err


def test_json_array_with_a_deep_and_a_surrogate_element_keeps_the_others(
    cli: Cli, tmp_path: Path
) -> None:
    """An element nested 990 deep is 4005 and a lone surrogate 4001, on their own lines; the
    good elements around them are checked (issue 19, 2: it was one RecursionError)."""
    deep = '{"id": "deep", "x": ' + "[" * 990 + "]" * 990 + "}"
    lone = '{"id": "lone", "name": "\\ud800"}'
    path = tmp_path / "hostile.json"
    path.write_text(f"[\n{CLEAN},\n{deep},\n{lone},\n{CLEAN}\n]\n", encoding="utf-8")
    code, found, err = _check(cli, path, "--select", "4")
    assert (code, err) == (1, "")
    assert found == [("2", []), ("3", [4005]), ("4", [4001]), ("5", [])]
    lone_bytes = '[{"id": "x", "name": "\ud800"}]'.encode("utf-8", "surrogatepass")
    path.write_bytes(lone_bytes[:-1] + b"," + CLEAN.encode() + b"]")
    assert _check(cli, path, "--select", "4")[1] == [("1", [4011]), ("1", [])]


def test_json_array_is_read_element_by_element(tmp_path: Path) -> None:
    """Memory while reading a 2 MB array stays far below the file's size (one element at a
    time), and an element over --max-line-bytes is 4010 without being held."""
    path = tmp_path / "many.json"
    element = CLEAN.encode()
    count = 2_000_000 // len(element)
    path.write_bytes(b"[" + b",\n".join([element] * count) + b",\n" + b'"' + b"x" * 500_000 + b'"]')
    tracemalloc.start()
    try:
        seen = 0
        last = None
        for _, payload, _, _ in read_json(path, max_line_bytes=100_000):
            seen += 1
            last = payload
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == count + 1
    assert getattr(last, "code", None) == 4010
    assert peak < 1_000_000, f"peak {peak:,} bytes for a {path.stat().st_size:,} byte file"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_bom_encodings_are_read(cli: Cli, tmp_path: Path, codec: str) -> None:
    """UTF-16/32 (either byte order) and UTF-8 with a BOM: 5 records in .json, .ndjson and
    .csv give 5 results each (issue 19, 8: UTF-16 .json was one invalid-json, .ndjson 6)."""
    array = "[" + ",\n".join([CLEAN] * 5) + "]\n"
    lines = "\n".join([CLEAN] * 5) + "\n"
    rows = CSV_HEADER + "".join(_csv_row(str(i), "Café") for i in range(5))
    for suffix, text in ((".json", array), (".ndjson", lines), (".csv", rows)):
        path = tmp_path / f"five{suffix}"
        data = text.encode(codec)
        if codec == "utf-16-be":
            data = codecs.BOM_UTF16_BE + data
        path.write_bytes(data)
        code, found, err = _check(cli, path)
        assert (code, err) == (0, ""), suffix
        assert [codes for _, codes in found] == [[]] * 5, suffix


def test_cr_only_line_ends(cli: Cli, tmp_path: Path) -> None:
    """Lines ending in a bare CR (old Mac exports): 5 lines, 5 results, each its own line."""
    ndjson = tmp_path / "mac.ndjson"
    ndjson.write_bytes(CLEAN_LINE.rstrip(b"\n").join([b""] * 1) + b"\r".join([CLEAN.encode()] * 5))
    code, found, _ = _check(cli, ndjson)
    assert (code, [line for line, _ in found]) == (0, ["1", "2", "3", "4", "5"])
    csv_file = tmp_path / "mac.csv"
    csv_file.write_bytes((CSV_HEADER + "".join(_csv_row(str(i)) for i in range(5))).replace(
        "\n", "\r"
    ).encode())  # fmt: skip
    code, found, _ = _check(cli, csv_file)
    assert (code, [line for line, _ in found]) == (0, ["2", "3", "4", "5", "6"])


def test_cp1252_bytes_are_a_finding_and_encoding_reads_them(cli: Cli, tmp_path: Path) -> None:
    """'Café' saved as Windows-1252 is 4011 on that record, never ok with U+FFFD (issue 19, 13);
    --encoding cp1252 reads it, and the finding says so."""
    path = tmp_path / "excel.csv"
    path.write_bytes((CSV_HEADER + _csv_row("1") + _csv_row("2", "Café")).encode("cp1252"))
    code, found, _ = _check(cli, path)
    assert (code, found) == (1, [("2", []), ("3", [4011])])
    _, out, _ = cli("check", str(path), "--format", "json")
    finding = results(out)[1]["findings"][0]
    assert "--encoding cp1252" in finding["fix"]
    assert "character 4" in finding["message"]  # the é of Café
    code, found, _ = _check(cli, path, "--encoding", "cp1252")
    assert (code, found) == (0, [("2", []), ("3", [])])
    ndjson = tmp_path / "excel.ndjson"
    ndjson.write_bytes(
        json.dumps({**CERTIFICATE, "id": "Café"}, ensure_ascii=False).encode("cp1252")
    )
    assert _check(cli, ndjson)[1] == [("1", [4011])]
    assert _check(cli, ndjson, "--encoding", "cp1252")[1] == [("1", [])]
    assert cli("check", str(ndjson), "--encoding", "klingon")[0] == 2


def test_unclosed_csv_quote_names_the_lines(cli: Cli, tmp_path: Path) -> None:
    """An unclosed quote that swallows the following rows is 4012 naming the lines, not a long
    customer name (issue 19, 8); a quoted line break without rows in it stays legal."""
    path = tmp_path / "quote.csv"
    rows = _csv_row("1") + _csv_row("2", '"Acme') + _csv_row("3") + _csv_row("4")
    path.write_text(CSV_HEADER + rows, encoding="utf-8")
    code, found, _ = _check(cli, path)
    assert (code, found) == (1, [("2", []), ("3", [4012])])
    _, out, _ = cli("check", str(path), "--format", "json")
    assert "line 3 runs on to line 5" in results(out)[1]["findings"][0]["message"]
    path.write_text(CSV_HEADER + _csv_row("1", '"Acme\nSupply"'), encoding="utf-8")
    assert _check(cli, path)[1] == [("2", [])]


def test_long_csv_line_is_skipped_in_pieces(cli: Cli, tmp_path: Path) -> None:
    """A 3 MB CSV line over --max-line-bytes is 4010 on its line, the next row still read, and
    the line is never held whole (issue 19, 9: a 200 MB field used 430 MB)."""
    path = tmp_path / "long.csv"
    path.write_text(CSV_HEADER + "1,G,WA," + "9" * 3_000_000 + "\n" + _csv_row("2"), "utf-8")
    tracemalloc.start()
    try:
        found = _check(cli, path, "--max-line-bytes", "10000")[1]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == [("2", [4010]), ("3", [])]
    assert peak < 2_000_000


def test_dev_zero_as_csv_exits_2_without_memory_error(cli: Cli, tmp_path: Path) -> None:
    """/dev/zero read as CSV: its first line never ends, so it is refused as a header over the
    limit (exit 2), not a MemoryError (issue 19, 9)."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    code, _, err = cli("check", str(link), "--max-line-bytes", "100000")
    assert code == 2
    assert "header line" in err


def test_file_truncated_during_the_run_is_a_warning(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that shrinks while it is read gives a warning naming it and exit 2, not a
    quiet report of what remained (issue 19, 8)."""
    import certpreflight.cli as cli_module  # noqa: PLC0415

    path = tmp_path / "shrinking.ndjson"
    path.write_bytes(CLEAN_LINE * 10)
    real = cli_module.read_records

    def truncating(name: str, **kwargs: object) -> object:
        records = real(name, **kwargs)  # type: ignore[arg-type]
        for index, record in enumerate(records):
            if index == 2:
                os.truncate(name, len(CLEAN_LINE) * 5)
            yield record

    monkeypatch.setattr(cli_module, "read_records", truncating)
    code, _, err = cli("check", str(path), "--format", "json")
    assert code == 2
    assert f"{path} changed while it was read" in err


def test_csv_line_over_the_limit_inside_a_quoted_field_is_one_record(
    cli: Cli, tmp_path: Path
) -> None:
    """A row whose quoted field spans lines, one of them over --max-line-bytes, is one 4010
    record: the lines after the long one are not read as rows of their own (found by the
    hostile-file fuzz run)."""
    path = tmp_path / "long-quoted.csv"
    long_cell = '"a\n' + "x" * 3000 + '\nb,c,d"'
    row = f"2,G,WA,601234567,C-2,{long_cell},1 Main St,Tacoma,WA,98402,US,2026-01-15\n"
    path.write_text(CSV_HEADER + _csv_row("1") + row + _csv_row("3"), encoding="utf-8")
    code, found, _ = _check(cli, path, "--max-line-bytes", "2000")
    assert (code, found) == (1, [("2", []), ("3", [4010]), ("6", [])])


def test_max_items_bounds_customers_per_record(cli: Cli, tmp_path: Path) -> None:
    """--max-items N: a certificate with more customers is 4009 and only N are checked."""
    path = tmp_path / "many.ndjson"
    customers = [{"customer_number": f"C{i}", "name": ""} for i in range(30)]
    path.write_text(json.dumps({**CERTIFICATE, "customers": customers}) + "\n", "utf-8")
    code, out, _ = cli("check", str(path), "--format", "json", "--max-items", "10")
    found = results(out)[0]["findings"]
    assert code == 1
    assert [f["code"] for f in found].count(4009) == 1
    assert [f["code"] for f in found].count(2101) == 10
    assert cli("check", str(path), "--max-items", "0")[0] == 2
