"""CertCapture's customer import template, read as customer records and written by ``convert``.

The header is the template's, as Avalara publishes it (Avalara Help, "Guidelines for the
Basic Information customer import template",
https://help.avalara.com/0021_Avalara_CertCapture/All_about_CertCapture/Guidelines_for_the_Basic_Information_customer_import_template;
docs/sources.md#import-templates): columns A-O Billing Customer Number ... Billing Customer
Email, and the Shipping Customer State field ("If a billing customer ships goods to more than
one state, duplicate that customer row and update the Shipping Customer State field"). The
rows are written here; names and addresses are made up.

Before: the Billing Customer Name 1, Address 1, City, State, Country and Zip columns were
not read, so every customer got 2101, 2102, 2105, 2107 and 2108, and the copies of a row
that give a customer a second ship-to state were a duplicate customer (6503).
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from certpreflight.convert import CUSTOMER_CSV_HEADERS, convert
from certpreflight.findings import Finding
from certpreflight.io import Span, csv_spans, csvfile, read_csv, read_records, read_span
from certpreflight.io.csvfile import CUSTOMER_IMPORT_MAX_LINES, CUSTOMER_TEMPLATE, import_limit
from tests.cli.conftest import Cli

#: The template's column headings, columns A-O in the published order, then the field the
#: guidelines name for the ship-to state.
PUBLISHED = (
    "Billing Customer Number",
    "Billing Customer Alternate ID",
    "Billing Customer FEIN",
    "Billing Customer Name 1",
    "Billing Customer Name 2",
    "Billing Customer Attn Name",
    "Billing Customer Address 1",
    "Billing Customer Address 2",
    "Billing Customer City",
    "Billing Customer State",
    "Billing Customer Country",
    "Billing Customer Zip",
    "Billing Customer Phone",
    "Billing Customer Fax",
    "Billing Customer Email",
    "Shipping Customer State",
)
HEADER = ",".join(PUBLISHED)
#: One customer shipping to two states: its row twice, the Shipping Customer State changed.
CASCADE_WA = (
    "C-1001,ERP-77,91-1234567,Cascade Hardware,Supply Co,Accounts Payable,1200 Pine St,"
    "Suite 400,Seattle,WA,US,98101,206-555-0100,,ap@cascade.example,WA"
)
CASCADE_OR = CASCADE_WA[: -len("WA")] + "OR"
#: A customer without its street address (column G is required: "This can't be blank").
LONE_STAR = "C-1002,,,Lone Star Resale,,,,,Austin,TX,US,78701,,,,TX"


def _results(cli: Cli, *args: str) -> list[dict[str, object]]:
    code, out, err = cli("check", "--format", "json", *args)
    assert code in (0, 1), err
    results: list[dict[str, object]] = json.loads(out)["results"]
    return results


def _codes(result: dict[str, object]) -> list[int]:
    findings = result["findings"]
    assert isinstance(findings, list)
    return [f["code"] for f in findings]


def test_the_published_headings_are_the_reader_table() -> None:
    """The reader's template table is the published column list, in its order."""
    assert tuple(CUSTOMER_TEMPLATE) == PUBLISHED
    assert CUSTOMER_CSV_HEADERS == PUBLISHED


def test_the_template_is_read_as_customer_records(tmp_path: Path, cli: Cli) -> None:
    """Every named column is read; a complete customer is clean, a missing street is 2102 only."""
    path = tmp_path / "customers.csv"
    path.write_text(f"{HEADER}\n{CASCADE_WA}\n{LONE_STAR}\n", encoding="utf-8")
    cascade, lone_star = (r.payload for r in read_csv(path))
    assert cascade == {
        "customer_number": "C-1001",
        "alternate_id": "ERP-77",  # the columns no rule reads: CertCapture's keys, carried
        "fein_number": "91-1234567",
        "name": "Cascade Hardware Supply Co",  # Name 2 "merged with Name 1"
        "attn_name": "Accounts Payable",
        "address_line1": "1200 Pine St",
        "address_line2": "Suite 400",
        "city": "Seattle",
        "region": "WA",
        "country": "US",
        "postal_code": "98101",
        "phone_number": "206-555-0100",
        "email_address": "ap@cascade.example",
        "exposure_zones": ["WA"],
    }
    assert lone_star["exposure_zones"] == ["TX"]
    first, second = _results(cli, str(path))
    assert (first["kind"], first["id"], _codes(first)) == ("customer", "C-1001", [])
    assert (second["kind"], _codes(second)) == ("customer", [2102])


def test_copies_of_a_row_give_one_customer_its_ship_to_states(tmp_path: Path, cli: Cli) -> None:
    """The template's copies of a row (another Shipping Customer State each) are one customer
    with those exposure zones, not a duplicate; rows of one number that disagree are two."""
    path = tmp_path / "customers.csv"
    path.write_text(f"{HEADER}\n{CASCADE_WA}\n{CASCADE_OR}\n{LONE_STAR}\n", encoding="utf-8")
    records = list(read_csv(path))
    assert [r.source.rsplit(":", 1)[1] for r in records] == ["2", "4"]
    assert records[0].payload["exposure_zones"] == ["WA", "OR"]
    results = _results(cli, str(path))
    assert [(r["id"], _codes(r)) for r in results] == [("C-1001", []), ("C-1002", [2102])]

    moved = CASCADE_OR.replace("1200 Pine St", "88 Harbor Way")  # not a copy: another address
    path.write_text(f"{HEADER}\n{CASCADE_WA}\n{moved}\n", encoding="utf-8")
    results = _results(cli, str(path))
    assert [(r["source"], _codes(r)) for r in results] == [
        (f"{path}:2", []),
        (f"{path}:3", [6503]),
    ]


def test_the_basic_information_sheet_of_a_workbook(tmp_path: Path, cli: Cli) -> None:
    """The workbook's "Basic Information" sheet (``--sheet``) reads as the CSV does, numbers
    typed as numbers included."""
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Instructions"
    notes["A1"] = "Enter your customers on the Basic Information sheet."
    sheet = book.create_sheet("Basic Information")
    sheet.append(list(PUBLISHED))
    for line in (CASCADE_WA, CASCADE_OR, LONE_STAR):
        sheet.append([int(c) if c.isdigit() else c or None for c in line.split(",")])
    path = tmp_path / "customers.xlsx"
    book.save(path)
    results = _results(cli, "--sheet", "Basic Information", str(path))
    assert [(r["source"], r["kind"], _codes(r)) for r in results] == [
        (f"{path}:Basic Information:2", "customer", []),
        (f"{path}:Basic Information:4", "customer", [2102]),
    ]


def test_spans_never_part_the_copies_of_a_row(tmp_path: Path) -> None:
    """``--jobs`` cuts a file between records only: spans of one row's size read as the whole."""
    path = tmp_path / "customers.csv"
    rows = [CASCADE_WA, CASCADE_OR, LONE_STAR] * 5
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    spans = list(csv_spans(path, span_bytes=len(CASCADE_WA)))
    assert all(isinstance(s, Span) for s in spans)
    pieces = [r for s in spans if isinstance(s, Span) for r in read_span(s)]
    whole = list(read_csv(path))
    assert [(r.source, r.payload) for r in pieces] == [(r.source, r.payload) for r in whole]
    assert len(whole) == 10


def test_a_fix_is_written_into_every_copy_of_the_row(tmp_path: Path, cli: Cli) -> None:
    """A fixed customer field goes into each copy, so the copies still read as one customer."""
    path = tmp_path / "customers.csv"
    usa = (CASCADE_WA.replace(",US,", ",USA,"), CASCADE_OR.replace(",US,", ",USA,"))
    path.write_text(f"{HEADER}\n{usa[0]}\n{usa[1]}\n", encoding="utf-8")
    code, _, err = cli("check", "--fix", "--in-place", str(path))
    assert code == 0, err
    assert path.read_text(encoding="utf-8") == f"{HEADER}\n{CASCADE_WA}\n{CASCADE_OR}\n"


def test_a_certificate_file_reads_no_ship_to_state_into_its_customers(tmp_path: Path) -> None:
    """Shipping Customer State is a customer record's: a certificate's customers don't get it."""
    path = tmp_path / "certificates.csv"
    path.write_text(
        "Certificate ID,Exempt Reason,Exposure Zones,Billing Customer Number,"
        "Billing Customer Name 1,Shipping Customer State\n1,G,WA,C-1001,Cascade,OR\n",
        encoding="utf-8",
    )
    (record,) = read_csv(path)
    assert record.payload["customers"] == [{"customer_number": "C-1001", "name": "Cascade"}]


def test_convert_writes_customer_records_in_the_template(tmp_path: Path, cli: Cli) -> None:
    """``--to certcapture-csv`` writes a customer record as the template's rows (a copy per
    ship-to state, the e-mail in its column), which ``check`` reads back as that customer; a
    certificate after it is not written into that file, and says so."""
    record = {
        "customerCode": "C-1001",
        "name": "Cascade Hardware",
        "line1": "1200 Pine St",
        "city": "Seattle",
        "region": "Washington",
        "postalCode": "98101",
        "country": "USA",
        "emailAddress": "ap@cascade.example",
        "exposureZones": [{"name": "Washington"}, {"name": "Oregon"}],
    }
    out = convert(record, to="certcapture-csv")
    assert out.ok
    assert [
        (r["Billing Customer State"], r["Billing Customer Country"], r["Shipping Customer State"])
        for r in out.records
    ] == [("WA", "US", "WA"), ("WA", "US", "OR")]
    assert {r["Billing Customer Email"] for r in out.records} == {"ap@cascade.example"}

    source = tmp_path / "customers.ndjson"
    certificate = {"id": "1", "exempt_reason": "G", "regions": ["WA"]}
    source.write_text(f"{json.dumps(record)}\n{json.dumps(certificate)}\n", encoding="utf-8")
    target = tmp_path / "customers.csv"
    code, _, err = cli("convert", str(source), "--to", "certcapture-csv", "--output", str(target))
    assert code == 1
    assert f"{source}:2: not converted: a certificate goes in the certificate import" in err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 3
    (back,) = _results(cli, str(target))
    assert (back["kind"], back["id"], _codes(back)) == ("customer", "C-1001", [])
    (again,) = read_csv(target)
    assert again.payload["exposure_zones"] == ["WA", "OR"]


def test_the_template_converts_to_itself(tmp_path: Path, cli: Cli) -> None:
    """The template read and written again keeps every column (Name 2 merged into Name 1,
    as CertCapture merges it), the copies of a row included; nothing is said lost."""
    source = tmp_path / "customers.csv"
    source.write_text(f"{HEADER}\n{CASCADE_WA}\n{CASCADE_OR}\n{LONE_STAR}\n", encoding="utf-8")
    target = tmp_path / "again.csv"
    code, _, err = cli("convert", str(source), "--to", "certcapture-csv", "--output", str(target))
    assert (code, err) == (0, "")
    merged = [
        r.replace("Cascade Hardware,Supply Co,", "Cascade Hardware Supply Co,,")
        for r in (CASCADE_WA, CASCADE_OR)
    ]
    assert target.read_text(encoding="utf-8") == "\n".join([HEADER, *merged, LONE_STAR]) + "\n"


def test_a_file_over_40000_lines_is_said_once(tmp_path: Path) -> None:
    """CertCapture imports at most 40,000 lines a customer file ("Import files ... with more
    than 40,000 lines can't be imported"): 4014 at the first line over, once; every row is
    still read."""
    rows = [LONE_STAR.replace("C-1002", f"C-{n}") for n in range(CUSTOMER_IMPORT_MAX_LINES)]
    path = tmp_path / "customers.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    records = list(read_csv(path))
    said = [r for r in records if isinstance(r.payload, Finding)]
    assert [(r.source.rsplit(":", 1)[1], r.payload.code) for r in said] == [
        (str(CUSTOMER_IMPORT_MAX_LINES + 1), 4014)
    ]
    assert "40,000 lines, the most CertCapture imports" in said[0].payload.message
    assert len(records) == CUSTOMER_IMPORT_MAX_LINES + 1


def test_a_workbook_counts_its_rows_as_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sheet's rows are the file's lines: 4014 at the first row over (the limit lowered to
    5 here, so that the workbook stays small), once, and the row is still read."""
    monkeypatch.setattr(csvfile, "CUSTOMER_IMPORT_MAX_LINES", 5)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Basic Information"
    sheet.append(list(PUBLISHED))
    for n in range(6):
        sheet.append(LONE_STAR.replace("C-1002", f"C-{n}").split(","))
    workbook = tmp_path / "customers.xlsx"
    book.save(workbook)
    read = [
        (r.source.rsplit(":", 1)[1], r.payload.code if isinstance(r.payload, Finding) else None)
        for r in read_records(workbook, sheet="Basic Information")
    ]
    assert read == [
        ("2", None),
        ("3", None),
        ("4", None),
        ("5", None),
        ("6", 4014),
        ("6", None),
        ("7", None),
    ]


def test_only_the_templates_have_a_line_limit() -> None:
    """The limit is the template's: a customer file in other headings, or a certificate file
    naming a Billing Customer Number, has none."""
    assert import_limit(PUBLISHED) == (CUSTOMER_IMPORT_MAX_LINES, "CertCapture")
    assert import_limit(["Customer Number", "Name 1", "Zip"]) is None
    assert import_limit(["Certificate ID", "Billing Customer Number", "Name 1"]) is None


def test_the_limit_never_parts_the_copies_of_a_row(tmp_path: Path) -> None:
    """Copies of a row on both sides of line 40,000 are still one customer, the 4014 said
    after it, whole and in spans alike (before: a false 6503 on the second copy)."""
    rows = [LONE_STAR.replace("C-1002", f"C-{n}") for n in range(CUSTOMER_IMPORT_MAX_LINES - 2)]
    path = tmp_path / "customers.csv"
    path.write_text("\n".join([HEADER, *rows, CASCADE_WA, CASCADE_OR]) + "\n", encoding="utf-8")
    whole = list(read_csv(path))
    last, note = whole[-2:]
    assert (last.source.rsplit(":", 1)[1], last.payload["exposure_zones"]) == (
        "40000",
        ["WA", "OR"],
    )
    assert isinstance(note.payload, Finding)
    assert (note.source.rsplit(":", 1)[1], note.payload.code) == ("40001", 4014)
    spans = [s for s in csv_spans(path, span_bytes=4096) if isinstance(s, Span)]
    pieces = [r for s in spans for r in read_span(s)]
    assert [(r.source, r.payload) for r in pieces] == [(r.source, r.payload) for r in whole]
