"""Reading inputs through the CLI: nothing is dropped, every record keeps its file:line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import CLEAN_LINE, Cli, results


def _codes(out: str) -> list[tuple[str, list[int]]]:
    return [
        (r["source"].rsplit(":", 1)[1], [f["code"] for f in r["findings"]]) for r in results(out)
    ]


def test_ndjson_quirks_each_become_a_record(cli: Cli, tmp_path: Path) -> None:
    """BOM stripped, blank lines skipped but counted, bad JSON / bad UTF-8 / truncated last line
    each reported with their line number (bad UTF-8 as text-not-utf8)."""
    path = tmp_path / "quirks.ndjson"
    path.write_bytes(
        b"\xef\xbb\xbf" + CLEAN_LINE  # 1: BOM
        + b"\n   \n"  # 2, 3: blank
        + b'{"id": "x", "regions": [}\n'  # 4: malformed
        + b'{"id": "caf\xe9"}\n'  # 5: Latin-1, not UTF-8
        + CLEAN_LINE  # 6
        + b'{"id": "trunc'  # 7: truncated, no newline
    )  # fmt: skip
    code, out, err = cli("check", str(path), "--format", "json")
    assert (code, err) == (1, "")
    assert _codes(out) == [("1", []), ("4", [4001]), ("5", [4011]), ("6", []), ("7", [4001])]


def test_oversized_line_is_a_finding_not_fatal(cli: Cli, tmp_path: Path) -> None:
    """A 10 MB line is reported as record-too-large (4010) and the next line is still read."""
    path = tmp_path / "big.ndjson"
    with path.open("wb") as handle:
        handle.write(CLEAN_LINE)
        handle.write(b'{"id": "huge", "pdf": "' + b"A" * 10_000_000 + b'"}\n')
        handle.write(CLEAN_LINE)
    code, out, _ = cli("check", str(path), "--format", "json")
    assert code == 1
    assert _codes(out) == [("1", []), ("2", [4010]), ("3", [])]
    finding = results(out)[1]["findings"][0]
    assert finding["name"] == "record-too-large"
    assert finding["type"] == "Formatting"
    assert "10,000,025 bytes" in finding["message"]


def test_max_line_bytes_is_configurable_and_selectable(cli: Cli, tmp_path: Path) -> None:
    """--max-line-bytes sets the cap; a record over it can't be read, so its 4010 is reported
    whatever --select / --ignore say (issue 24, 9), as ruff reports syntax errors."""
    path = tmp_path / "lines.ndjson"
    path.write_bytes(CLEAN_LINE * 2)
    _, out, _ = cli("check", str(path), "--format", "json", "--max-line-bytes", "100")
    assert _codes(out) == [("1", [4010]), ("2", [4010])]
    args = ("check", str(path), "--format", "json", "--max-line-bytes", "100")
    for flags in (("--ignore", "record-too-large"), ("--select", "4010"), ("--select", "2")):
        assert _codes(cli(*args, *flags)[1]) == [("1", [4010]), ("2", [4010])]
    assert _codes(cli(*args, "--ignore", "Formatting")[1]) == [("1", [4010]), ("2", [4010])]


def test_streams_a_20k_line_file(cli: Cli, tmp_path: Path) -> None:
    """A 20,000-line NDJSON file gives 20,000 results, in order."""
    path = tmp_path / "many.ndjson"
    path.write_bytes(CLEAN_LINE * 20_000)
    code, out, _ = cli("check", str(path), "--format", "json")
    found = results(out)
    assert code == 0
    assert len(found) == 20_000
    assert found[-1]["source"] == f"{path}:20000"


def test_json_array_elements_have_their_line(cli: Cli, tmp_path: Path) -> None:
    """Array elements are sourced file:line where they start; a non-object is not-an-object."""
    path = tmp_path / "certs.json"
    path.write_text(
        '[\n  {"id": "a", "regions": ["WA"]},\n  "oops",\n\n  {"id": "b", "regions": ["WA"]}\n]\n',
        encoding="utf-8",
    )
    _, out, _ = cli("check", str(path), "--format", "json", "--select", "4")
    assert _codes(out) == [("2", []), ("3", [4002]), ("5", [])]


def test_json_single_object_and_broken_array(cli: Cli, tmp_path: Path) -> None:
    """An object is one record; a broken array keeps the elements before the break."""
    one = tmp_path / "one.json"
    one.write_bytes(b"\xef\xbb\xbf\n" + CLEAN_LINE)
    assert _codes(cli("check", str(one), "--format", "json")[1]) == [("2", [])]
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "a", "regions": ["WA"]},\n {"id": "b"\n', encoding="utf-8")
    out = cli("check", str(broken), "--format", "json", "--select", "4")[1]
    assert _codes(out) == [("1", []), ("2", [4001])]  # where the cut-off element starts


CSV_HEADER = (
    "Certificate ID,Exempt Reason,Exposure Zones,Tax ID,Billing Customer Number,Name 1,Name 2,"
    "Address 1,Address 2,City,State,Zip,Country,Phone,Effective Date\n"
)


def test_csv_rows_with_one_id_form_one_certificate(cli: Cli, tmp_path: Path) -> None:
    """Consecutive rows sharing a certificate id are one certificate with several customers."""
    path = tmp_path / "links.csv"
    path.write_text(
        CSV_HEADER
        + "c1,RESALE,WA;TX,601234567,C-1,Larkspur,Office,1 Main St,,Tacoma,WA,98402,US,555,"
        + "2026-01-15\n"
        + "c1,,,,C-2,,,2 Oak Ave,,Austin,TX,78701,US,,\n"
        + "\n"
        + "c2,G,TX,123,C-3,Birch,,3 Elm St,,Austin,TX,78701,US,,2026-01-15\n",
        encoding="utf-8",
    )
    code, out, _ = cli("check", str(path), "--format", "json")
    assert code == 1
    found = results(out)
    assert [(r["source"], r["id"]) for r in found] == [(f"{path}:2", "c1"), (f"{path}:5", "c2")]
    assert [(f["code"], f["customer_number"]) for f in found[0]["findings"]] == [(2101, "C-2")]
    assert found[1]["findings"] == []


def test_csv_native_column_names_work(cli: Cli, tmp_path: Path) -> None:
    """Native snake_case headers are accepted too."""
    path = tmp_path / "native.csv"
    path.write_text(
        "id,exempt_reason,regions,tax_id,customer_number,name,address_line1,city,region,"
        "postal_code,country,effective_date\n"
        "c1,G,WA,601234567,C-1,Acme,1 Main St,Tacoma,WA,98402,US,2026-01-15\n",
        encoding="utf-8",
    )
    code, out, _ = cli("check", str(path), "--format", "json")
    assert (code, results(out)[0]["findings"]) == (0, [])


def test_csv_without_required_columns_exits_2_naming_them(cli: Cli, tmp_path: Path) -> None:
    """A CSV lacking the id or customer number column (or with only unknown ones) exits 2."""
    path = tmp_path / "wrong.csv"
    path.write_text("Foo,Bar\n1,2\n", encoding="utf-8")
    code, out, err = cli("check", str(path))
    assert code == 2
    assert "'certificate id'" in err
    assert "'billing customer number'" in err
    assert "0 certificates checked" in out


def test_csv_oversized_field_is_a_finding(cli: Cli, tmp_path: Path) -> None:
    """A CSV field over the cap is record-too-large; the rows after it are still read."""
    path = tmp_path / "big.csv"
    path.write_text(
        CSV_HEADER + "c1,G,TX,1,C-1," + "x" * 5000 + ",,1 Main,,Austin,TX,78701,US,,2026-01-15\n"
        "c2,G,TX,1,C-2,Birch,,1 Main,,Austin,TX,78701,US,,2026-01-15\n",
        encoding="utf-8",
    )
    _, out, _ = cli("check", str(path), "--format", "json", "--max-line-bytes", "1000")
    assert _codes(out) == [("2", [4010]), ("3", [])]


def test_csv_form_column_reaches_the_audit_rules(cli: Cli, tmp_path: Path) -> None:
    """A `Form` column is the certificate's form: the MTC form in New York is 5201."""
    path = tmp_path / "form.csv"
    path.write_text(
        "Certificate ID,Exempt Reason,Exposure Zones,Form,Customer Number,Name 1,Address 1,"
        "City,State,Zip,Country,Tax ID,Signed Date\n"
        "A-1,G,NY,MTC,C-1,Acme,1 Main St,Albany,NY,12207,US,12-3456789,2026-01-15\n",
        encoding="utf-8",
    )
    _, out, _ = cli("check", str(path), "--format", "json", "--today", "2026-12-01")
    assert 5201 in [f["code"] for f in json.loads(out)["results"][0]["findings"]]
