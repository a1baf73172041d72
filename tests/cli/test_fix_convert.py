"""certpreflight check --fix / --diff / --in-place, and certpreflight convert."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from certpreflight import validate
from certpreflight.convert import CSV_HEADERS
from certpreflight.reports import output as output_module
from certpreflight.reports import rewrite
from tests.cli.conftest import EXAMPLES, Cli


def _cert(cid: str, **customer: Any) -> dict[str, Any]:
    base = {
        "customer_number": "C1",
        "name": "Acme",
        "address_line1": "1 Main",
        "city": "Boston",
        "region": "MA",
        "postal_code": "02134",
        "country": "US",
    }
    return {
        "id": cid,
        "exempt_reason": "G",
        "regions": ["MA"],
        "effective_date": "2026-01-15",
        "tax_id": "123",
        "filename": "c.pdf",
        "customers": [{**base, **customer}],
    }


BAD = _cert("bad", country="USA", postal_code="2134")
GOOD = _cert("good")


@pytest.fixture
def ndjson(tmp_path: Path) -> Path:
    path = tmp_path / "in.ndjson"
    path.write_text(
        json.dumps(GOOD) + "\n" + json.dumps(BAD) + "\n" + "not json\n", encoding="utf-8"
    )
    return path


def test_fix_writes_ndjson_keeping_unchanged_lines(cli: Cli, ndjson: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    code, stdout, err = cli("check", "--fix", str(ndjson), "--output", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    original = ndjson.read_text(encoding="utf-8").splitlines()
    assert lines[0] == original[0]
    assert lines[2] == "not json"
    fixed = json.loads(lines[1])
    assert fixed["customers"][0]["country"] == "US"
    assert fixed["customers"][0]["postal_code"] == "02134"
    assert "fixed 3203 customers[0].country: 'USA' -> 'US'" in stdout
    assert "2 findings fixed" in err
    assert ndjson.read_text(encoding="utf-8").splitlines() == original  # never in place
    assert code == 1  # the unreadable line's 4001 error remains


def test_fix_writes_json_arrays_and_objects(cli: Cli, tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_text(json.dumps([GOOD, BAD], indent=2), encoding="utf-8")
    out = tmp_path / "out.json"
    code, _, _ = cli("check", "--fix", str(src), "-o", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data[0] == GOOD
    assert data[1]["customers"][0]["country"] == "US"
    assert code == 0
    assert validate(data[1], today=__import__("datetime").date(2026, 11, 21)).ok


def test_fix_writes_csv_with_the_same_columns(cli: Cli, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "Certificate ID,Expected Tax Code,Exposure Zones,Signed Date,Tax Number,File Name,"
        "Billing Customer Number,Name 1,Address 1,City,State,Zip,Country,Extra\n"
        "1,G,MA,2026-01-15,123,c.pdf,C1,Acme,1 Main,Boston,MA,2134,USA,keep me\n"
        "1,G,MA,2026-01-15,123,c.pdf,C2,Beta,2 Main,Boston,MA,02134,US,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    cli("check", "--fix", str(src), "--output", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    original = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"))))
    assert rows[0] == original[0]
    assert rows[1][11:14] == ["02134", "US", "keep me"]
    assert rows[1][:11] == original[1][:11]
    assert rows[2] == original[2]


def test_diff_prints_the_change_and_exits_1(cli: Cli, ndjson: Path) -> None:
    code, stdout, _ = cli("check", "--diff", str(ndjson))
    assert code == 1
    assert stdout.startswith(f"--- {ndjson}\n+++ {ndjson} (fixed)\n")
    assert '-{"id": "bad"' in stdout
    assert '"country": "US"' in stdout
    clean = ndjson.with_name("clean.ndjson")
    clean.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    assert cli("check", "--diff", str(clean))[:2] == (0, "")


def test_in_place_keeps_a_backup(cli: Cli, ndjson: Path) -> None:
    original = ndjson.read_bytes()
    cli("check", "--fix", "--in-place", str(ndjson))
    assert (ndjson.parent / "in.ndjson.orig").read_bytes() == original
    assert '"country": "US"' in ndjson.read_text(encoding="utf-8")
    assert sorted(os.listdir(ndjson.parent)) == ["in.ndjson", "in.ndjson.orig"]  # no temp left


def test_in_place_is_atomic(cli: Cli, ndjson: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed write leaves the input as it was (and its backup), no temp file."""
    original = ndjson.read_bytes()

    def failing(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_module.os, "replace", failing)
    code, _, err = cli("check", "--fix", "--in-place", str(ndjson))
    assert code == 3
    assert "No space left" in err
    assert ndjson.read_bytes() == original
    assert sorted(os.listdir(ndjson.parent)) == ["in.ndjson", "in.ndjson.orig"]


def test_fix_needs_somewhere_to_write(cli: Cli, ndjson: Path, tmp_path: Path) -> None:
    code, _, err = cli("check", "--fix", str(ndjson))
    assert code == 2
    assert "--output" in err
    assert cli("check", "--fix", str(ndjson), "-o", str(ndjson))[0] == 2
    other = tmp_path / "other.ndjson"
    other.write_bytes(ndjson.read_bytes())
    code, _, _ = cli("check", "--fix", str(ndjson), str(other), "-o", str(tmp_path / "dir"))
    assert sorted(os.listdir(tmp_path / "dir")) == ["in.ndjson", "other.ndjson"]


def test_unsafe_fixes_only_with_the_flag(cli: Cli, tmp_path: Path) -> None:
    src = tmp_path / "in.ndjson"
    src.write_text(json.dumps({**GOOD, "regions": ["MA", "NH"]}) + "\n", encoding="utf-8")
    code, _, err = cli("check", "--diff", str(src))
    assert code == 0
    assert "1 more fixable with --unsafe-fixes" in err
    code, stdout, _ = cli("check", "--diff", "--unsafe-fixes", str(src))
    assert code == 1
    assert '"regions": ["MA"]' in stdout


def test_examples_with_fix(cli: Cli, tmp_path: Path) -> None:
    """The bundled examples: unsafe fixes move the long line 1 and drop untaxed regions."""
    names = [str(EXAMPLES / n) for n in ("certificates.ndjson", "certificates.json")]
    code, stdout, err = cli("check", "--diff", "--unsafe-fixes", *names)
    assert code == 1
    assert '"line2": "Building 7, Loading Dock B"' in stdout
    assert "findings fixed" in err


def test_convert_to_each_target(cli: Cli, ndjson: Path, tmp_path: Path) -> None:
    code, stdout, err = cli("convert", str(ndjson), "--to", "avatax")
    bodies = [json.loads(line) for line in stdout.splitlines()]
    assert [b.get("id") for b in bodies] == [None, None]  # AvaTax assigns it
    assert bodies[0]["exposureZone"] == {"name": "Massachusetts"}
    assert bodies[1]["customers"][0]["country"] == "US"
    assert "not converted" in err  # the line that isn't JSON
    assert code == 1
    out = tmp_path / "cc.csv"
    cli("convert", str(ndjson), "--to", "certcapture-csv", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["Certificate ID"] for r in rows] == ["good", "bad"]
    # the CSV reader reads the template back; converting repairs nothing (that is --fix)
    doc = json.loads(cli("check", "--format", "json", str(out))[1])
    codes = [[f["code"] for f in r["findings"]] for r in doc["results"]]
    assert codes == [[], [3301]]  # bad repeats good, but has an error: no 6507
    out = tmp_path / "cc.json"
    cli("convert", str(ndjson), "--to", "certcapture", "-o", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))[0]["expected_tax_code"] == {"name": "RESALE"}


def test_convert_examples_to_avatax_and_check_them(cli: Cli, tmp_path: Path) -> None:
    """What the avatax profile still finds in the converted examples is what no fix supplies."""
    out = tmp_path / "avatax.ndjson"
    cli("convert", str(EXAMPLES / "certificates.ndjson"), "--to", "avatax", "-o", str(out))
    _, stdout, _ = cli("check", "--profile", "avatax", "--statistics", "--format", "json", str(out))
    doc = json.loads(stdout)
    codes = {f["code"] for r in doc["results"] for f in r["findings"]}
    assert 2120 not in codes  # regions went out as codes
    assert 3203 not in codes  # countries as alpha-2
    assert 3001 in codes  # "Atlantis" can't be converted into a state


@pytest.mark.parametrize("suffix", [".ndjson", ".json", ".csv"])
def test_fixing_a_fixed_file_changes_nothing(cli: Cli, tmp_path: Path, suffix: str) -> None:
    """--fix twice: the second --diff finds nothing to change (exit 0, no output)."""
    src = EXAMPLES / f"certificates{suffix}"
    once = tmp_path / f"once{suffix}"
    cli("check", "--fix", "--unsafe-fixes", str(src), "-o", str(once))
    assert once.read_bytes() != src.read_bytes()
    code, stdout, err = cli("check", "--diff", "--unsafe-fixes", str(once))
    assert (code, stdout) == (0, "")
    assert "0 findings fixed" in err


def test_a_one_line_json_file_stays_on_one_line(cli: Cli, tmp_path: Path) -> None:
    src = tmp_path / "one.json"
    src.write_text(json.dumps(BAD) + "\n", encoding="utf-8")
    out = tmp_path / "out.json"
    cli("check", "--fix", str(src), "-o", str(out))
    assert out.read_text(encoding="utf-8").count("\n") == 1


def test_fix_respects_select_and_refuses_devices(cli: Cli, ndjson: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    cli("check", "--fix", "--ignore", "3203", str(ndjson), "-o", str(out))
    fixed = json.loads(out.read_text(encoding="utf-8").splitlines()[1])
    assert fixed["customers"][0]["country"] == "USA"  # 3203 ignored: not fixed
    assert fixed["customers"][0]["postal_code"] == "02134"
    code, _, err = cli("check", "--fix", "--input-format", "ndjson", "/dev/zero", "-o", str(out))
    assert code == 2
    assert "regular files" in err


# --- workbooks, encodings, batches ---------------------------------------------------------------


def _findings(cli: Cli, *files: str, extra: tuple[str, ...] = ()) -> int:
    """How many findings ``check`` reports on ``files``."""
    _, stdout, _ = cli("check", "--format", "json", "--today", "2026-06-01", *extra, *files)
    return sum(len(r["findings"]) for r in json.loads(stdout)["results"])


def _remaining(err: str) -> int:
    return int(err.rsplit(" remaining", 1)[0].rsplit(" ", 1)[1])


def _template(path: Path) -> Path:
    """A workbook shaped like CertCapture's import template: a notes sheet first, then the
    certificates with convert.CSV_HEADERS' columns, ZIPs and customer numbers typed as numbers."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes["A1"] = "import template v2"
    sheet = book.create_sheet("Certificates")
    sheet.append(list(CSV_HEADERS.values()))
    sheet["A1"].font = openpyxl.styles.Font(bold=True)
    base = {
        "exempt_reason": "RESALE",
        "regions": "MA",
        "effective_date": "2026-01-15",
        "tax_id": "123",
        "filename": "c.pdf",
        "name": "Acme",
        "address_line1": "1 Main St",
        "city": "Boston",
        "region": "MA",
        "postal_code": 2134,
        "country": "USA",
    }
    rows = [
        {**base, "id": "CERT-1", "customer_number": 1001},
        {**base, "id": "CERT-2", "customer_number": 1002, "postal_code": "02134", "country": "US"},
        {**base, "id": "CERT-3", "customer_number": 1003, "regions": "MA; NH", "country": "US"},
    ]
    for row in rows:
        sheet.append([row.get(key) for key in CSV_HEADERS])
    book.save(path)
    return path


def test_fix_writes_a_workbook_changing_only_the_fixed_cells(cli: Cli, tmp_path: Path) -> None:
    book = _template(tmp_path / "template.xlsx")
    out = tmp_path / "fixed.xlsx"
    args = ("--sheet", "Certificates", "--today", "2026-06-01")
    code, stdout, err = cli("check", "--fix", *args, str(book), "-o", str(out))
    assert code == 1  # CERT-3's NH remains: its fix is unsafe
    assert (
        f"{book}:Certificates:2: fixed 3301 customers[0].postal_code: '2134' -> '02134'" in stdout
    )
    before, after = openpyxl.load_workbook(book), openpyxl.load_workbook(out)
    assert after.sheetnames == ["Notes", "Certificates"]
    assert after["Notes"]["A1"].value == "import template v2"
    assert after["Certificates"]["A1"].font.b  # the header's style kept
    zip_cell, country = after["Certificates"]["S2"], after["Certificates"]["T2"]
    assert (zip_cell.value, zip_cell.data_type, zip_cell.number_format) == ("02134", "s", "@")
    assert country.value == "US"
    assert after["Certificates"]["M2"].value == 1001  # a cell no fix touched keeps its type
    changed = {
        (cell.coordinate, cell.value)
        for row_before, row_after in zip(
            before["Certificates"].iter_rows(), after["Certificates"].iter_rows(), strict=True
        )
        for old, cell in zip(row_before, row_after, strict=True)
        if old.value != cell.value
    }
    assert changed == {("S2", "02134"), ("T2", "US"), ("S4", "02134")}
    # what remains is what check reports on the workbook written
    assert _remaining(err) == _findings(cli, str(out), extra=("--sheet", "Certificates")) == 1
    assert cli("check", "--diff", *args, str(out))[0] == 0  # fixing it again changes nothing


def test_diff_of_a_workbook_shows_its_rows_as_csv(cli: Cli, tmp_path: Path) -> None:
    book = _template(tmp_path / "template.xlsx")
    code, stdout, _ = cli("check", "--diff", "--unsafe-fixes", "--sheet", "2", str(book))
    assert code == 1
    assert stdout.startswith(f"--- {book}:Certificates\n+++ {book}:Certificates (fixed)\n")
    assert "-CERT-3,RESALE,,MA; NH,2026-01-15," in stdout
    assert "+CERT-3,RESALE,,MA,2026-01-15," in stdout
    assert stdout.rstrip().endswith("Boston,MA,02134,US")
    assert sorted(os.listdir(tmp_path)) == ["template.xlsx"]  # --diff writes nothing


def test_in_place_on_a_workbook_keeps_a_backup(cli: Cli, tmp_path: Path) -> None:
    book = _template(tmp_path / "template.xlsx")
    original = book.read_bytes()
    code, _, _ = cli("check", "--fix", "--in-place", "--sheet", "Certificates", str(book))
    assert code == 1
    assert (tmp_path / "template.xlsx.orig").read_bytes() == original
    assert _findings(cli, str(book), extra=("--sheet", "Certificates")) == 1  # 3101: unsafe
    assert sorted(os.listdir(tmp_path)) == ["template.xlsx", "template.xlsx.orig"]


def test_a_workbook_is_not_written_to_standard_output(cli: Cli, tmp_path: Path) -> None:
    book = _template(tmp_path / "template.xlsx")
    code, _, err = cli("check", "--fix", "--sheet", "Certificates", str(book), "-o", "-")
    assert code == 2
    assert "a workbook is written to a file" in err


def test_fix_on_a_workbook_without_openpyxl_says_how_to_install(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _template(tmp_path / "template.xlsx")
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import fails
    code, _, err = cli("check", "--fix", str(book), "-o", str(tmp_path / "out.xlsx"))
    assert code == 2
    assert "writing a fixed .xlsx needs openpyxl: pip install 'certpreflight[xlsx]'" in err
    assert not (tmp_path / "out.xlsx").exists()


def test_an_encoded_input_is_written_back_in_its_encoding(cli: Cli, tmp_path: Path) -> None:
    """cp1252 in, cp1252 out (not UTF-8); the names' accents kept byte for byte."""
    src = tmp_path / "in.ndjson"
    record = _cert("bad", name="Café Zürich", country="USA")
    src.write_bytes(json.dumps(record, ensure_ascii=False).encode("cp1252") + b"\n")
    out = tmp_path / "out.ndjson"
    code, _, _ = cli("check", "--fix", "--encoding", "cp1252", str(src), "-o", str(out))
    assert code == 0
    data = out.read_bytes()
    assert "Café Zürich".encode("cp1252") in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert json.loads(data.decode("cp1252"))["customers"][0]["country"] == "US"
    csv_src = tmp_path / "in.csv"
    csv_src.write_bytes(
        "Certificate ID,Expected Tax Code,Exposure Zones,Billing Customer Number,Name 1,Country\n"
        "1,G,MA,C1,Crème,USA\n".encode("latin-1")
    )
    cli("check", "--fix", "--encoding", "latin-1", str(csv_src), "-o", str(tmp_path / "o.csv"))
    assert (tmp_path / "o.csv").read_bytes() == b"Certificate ID,Expected Tax Code,Exposure " + (
        b"Zones,Billing Customer Number,Name 1,Country\n1,G,MA,C1,Cr\xe8me,US\n"
    )


@pytest.mark.parametrize("suffix", [".json", ".ndjson"])
def test_an_escape_the_encoding_cant_hold_stays_an_escape(
    cli: Cli, tmp_path: Path, suffix: str
) -> None:
    """A JSON escape of a character cp1252 has no byte for (\\u4e2d, and one beyond the BMP)
    in a record that is fixed stays as it was written, as does every value no fix changed."""
    src = tmp_path / f"in{suffix}"
    record = _cert("bad", name="Acme \u4e2d \U0001f600 Café", country="USA")
    src.write_bytes(json.dumps(record, ensure_ascii=True).encode("cp1252") + b"\n")
    out = tmp_path / f"out{suffix}"
    code, _, err = cli("check", "--fix", "--encoding", "cp1252", str(src), "-o", str(out))
    assert code == 0, err
    fixed = json.loads(out.read_bytes().decode("cp1252"))
    assert fixed["customers"][0]["name"] == "Acme \u4e2d \U0001f600 Café"
    assert fixed["customers"][0]["country"] == "US"
    assert out.read_bytes() == src.read_bytes().replace(b'"USA"', b'"US"')


def test_a_fix_that_cant_be_written_leaves_the_backup_alone(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV whose repaired text its encoding can't hold is refused before --in-place copies
    it, so an existing FILE.orig is not replaced by the current file. (No shipped fix makes
    such a cell today: a fix that did is stood in for.)"""
    line = rewrite._csv_line
    monkeypatch.setattr(rewrite, "_csv_line", lambda *a: line(*a) + "\u4e2d")
    src = tmp_path / "in.csv"
    src.write_bytes(
        b"Certificate ID,Expected Tax Code,Exposure Zones,Billing Customer Number,Country\n"
        b"1,G,MA,C1,USA\n"
    )
    backup = tmp_path / "in.csv.orig"
    backup.write_bytes(b"the first original")
    code, _, err = cli("check", "--fix", "--in-place", "--encoding", "cp1252", str(src))
    assert code == 2
    assert "can't be written in cp1252" in err
    assert backup.read_bytes() == b"the first original"
    assert b"USA" in src.read_bytes()
    assert sorted(os.listdir(tmp_path)) == ["in.csv", "in.csv.orig"]  # no second backup


def test_a_utf8_input_with_a_bom_keeps_it(cli: Cli, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(
        b"\xef\xbb\xbfCertificate ID,Expected Tax Code,Exposure Zones,Billing Customer Number,"
        b"Country\n1,G,MA,C1,USA\n"
    )
    out = tmp_path / "out.csv"
    cli("check", "--fix", str(src), "-o", str(out))
    assert out.read_bytes() == src.read_bytes().replace(b"USA", b"US")
    cli("check", "--fix", "--in-place", str(src))
    assert src.read_bytes().startswith(b"\xef\xbb\xbfCertificate ID,")
    assert src.read_bytes().endswith(b"C1,US\n")
    plain = tmp_path / "plain.csv"
    plain.write_bytes(src.read_bytes()[3:].replace(b"US\n", b"USA\n"))
    cli("check", "--fix", "--in-place", str(plain))
    assert plain.read_bytes().startswith(b"Certificate ID,")  # none added where none was


def _sync(tmp_path: Path) -> list[str]:
    """One sync in two files: customer records (one fixable, one not), and certificates that
    link them by code, one a code no customer record has, and a link record."""
    customers = tmp_path / "customers.ndjson"
    good = {
        "customerCode": "C1",
        "name": "Acme",
        "line1": "1 Main St",
        "city": "Boston",
        "region": "MA",
        "postalCode": "2134",
        "country": "USA",
    }
    customers.write_text(
        json.dumps(good) + "\n" + json.dumps({**good, "customerCode": "C2", "line1": ""}) + "\n",
        encoding="utf-8",
    )
    certificates = tmp_path / "certificates.ndjson"
    cert = {**_cert("1"), "customers": [{"customerCode": "C1"}]}
    lines = [
        cert,
        {**cert, "id": "2", "customers": [{"customerCode": "C2"}]},
        {**cert, "id": "3", "customers": [{"customerCode": "NOBODY"}]},
        {**cert, "id": "4", "customers": []},
        {"certificate_id": "4", "customers": ["C2"]},
    ]
    certificates.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return [str(customers), str(certificates)]


@pytest.mark.parametrize("unsafe", [(), ("--unsafe-fixes",)])
def test_fix_counts_what_check_reports_on_the_fixed_files(
    cli: Cli, tmp_path: Path, unsafe: tuple[str, ...]
) -> None:
    """The records of all the inputs joined by customer code, as check joins them: what
    --fix says remains is what check finds in the files it wrote, carried findings included."""
    files = _sync(tmp_path)
    out = tmp_path / "fixed"
    _, _, err = cli("check", "--fix", *unsafe, "--today", "2026-06-01", *files, "-o", str(out))
    fixed = [str(out / Path(f).name) for f in files]
    remaining = _remaining(err)
    assert remaining == _findings(cli, *fixed)
    alone = sum(
        len(validate(json.loads(line), today=dt.date(2026, 6, 1)).findings)
        for name in fixed
        for line in Path(name).read_text(encoding="utf-8").splitlines()
    )
    assert remaining > alone  # each record fixed and counted alone would say fewer
    doc = json.loads(cli("check", "--format", "json", "--today", "2026-06-01", *fixed)[1])
    codes = [f["code"] for r in doc["results"] for f in r["findings"]]
    assert 6501 in codes  # NOBODY: found by the join only
    assert codes.count(2102) == 3  # C2's empty line 1, on C2 and both certificates linking it
    assert 3203 not in codes  # C1's country fixed in the customer record, so nowhere carried


@pytest.mark.parametrize("name", ["certificates.ndjson", "certificates.json", "certificates.csv"])
def test_fix_remaining_equals_check_on_the_examples(cli: Cli, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    _, _, err = cli(
        "check",
        "--fix",
        "--unsafe-fixes",
        "--today",
        "2026-06-01",
        str(EXAMPLES / name),
        "-o",
        str(out),
    )
    assert _remaining(err) == _findings(cli, str(out))


def test_a_fix_into_merged_cells_is_refused_not_halved(cli: Cli, tmp_path: Path) -> None:
    """2103 moves line 1's overflow into line 2: merged into line 1's cell, line 2 can't be
    written, so nothing is (line 1 cut and its end lost would be worse)."""
    book = _template(tmp_path / "template.xlsx")
    workbook = openpyxl.load_workbook(book)
    workbook["Certificates"]["O2"] = "1200 North Commerce Industrial Park Boulevard, Building 7"
    workbook["Certificates"].merge_cells("O2:P2")
    workbook.save(book)
    out = tmp_path / "out.xlsx"
    code, _, err = cli(
        "check", "--fix", "--unsafe-fixes", "--sheet", "2", str(book), "-o", str(out)
    )
    assert code == 2
    assert "Certificates: P2 is inside merged cells" in err
    assert sorted(os.listdir(tmp_path)) == ["template.xlsx"]  # no output, no temp file


def test_bytes_not_in_the_encoding_say_so(cli: Cli, tmp_path: Path) -> None:
    """A record with bytes that aren't UTF-8 is 4011 for --fix as for check, written back as
    it was; read in its encoding, it is fixed."""
    src = tmp_path / "in.ndjson"
    src.write_bytes(json.dumps(BAD).encode().replace(b"Acme", b"Acm\xe9"))
    code, _, err = cli("check", "--fix", str(src), "-o", str(tmp_path / "out.ndjson"))
    assert code == 1
    assert "0 findings fixed, 1 remaining" in err
    assert (tmp_path / "out.ndjson").read_bytes() == src.read_bytes()
    code, _, _ = cli("check", "--fix", "--encoding", "cp1252", str(src), "-o", str(tmp_path / "o"))
    assert code == 0
    assert (tmp_path / "o").read_bytes().count(b"Acm\xe9") == 1


def test_a_workbook_on_standard_input_is_fixed_to_a_file(cli: Cli, tmp_path: Path) -> None:
    book = _template(tmp_path / "template.xlsx")
    out = tmp_path / "out.xlsx"
    code, stdout, _ = cli(
        "check", "--fix", "--sheet", "Certificates", "-", "-o", str(out), stdin=book.read_bytes()
    )
    assert code == 1
    assert "<stdin>:Certificates:2: fixed 3203 customers[0].country: 'USA' -> 'US'" in stdout
    assert openpyxl.load_workbook(out)["Certificates"]["T2"].value == "US"


def test_fix_and_check_agree_on_a_record_over_the_size_limit(cli: Cli, tmp_path: Path) -> None:
    """One CSV certificate of 120 customer rows, 1.1 MB as JSON: 4004 for check and --fix."""
    src = tmp_path / "big.csv"
    rows = [f"1,G,MA,C{i},{'é' * 4500},USA\n" for i in range(120)]
    header = (
        "Certificate ID,Expected Tax Code,Exposure Zones,Billing Customer Number,Name 1,Country"
    )
    src.write_text(header + "\n" + "".join(rows), encoding="utf-8")
    out = tmp_path / "out.csv"
    _, _, err = cli("check", "--fix", str(src), "-o", str(out))
    doc = json.loads(cli("check", "--format", "json", str(out))[1])
    assert [f["code"] for f in doc["results"][0]["findings"]] == [4004]
    assert _remaining(err) == 1
