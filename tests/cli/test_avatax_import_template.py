"""The AvaTax exemption import template, read as it is and written by ``convert``.

The header is the template's (Avalara Help, "Guidelines for the exemptions import
template" and "Manage exempt customers using AvaTax Exemption": columns A-H ECMS Cert ID,
Issuing Country, Issuing Region, Exemption No, Exemption No Type, Eff Date, End Date ...;
the rest in the template's order as integrators' code writes its header row;
docs/sources.md#import-templates). The rows are written here: ECMS Cert ID blank, as the
guidelines say ("Leave it blank"), dates mm/dd/yyyy, Cert Type BLANKET or SINGLE.
"""

from __future__ import annotations

import json
from pathlib import Path

from certpreflight.findings import Finding
from certpreflight.io.csvfile import IMPORT_MAX_LINES, read_csv
from tests.cli.conftest import Cli

HEADER = (
    "ECMS Cert ID,Issuing Country,Issuing Region,Exemption No,Exemption No Type,Eff Date,"
    "End Date,Customer Code,Cert Type,Invoice/PO No,Business Type,Business Type Desc,"
    "Exemption Reason,Exemption Reason Desc,Customer Name,Address 1,Address 2,Address 3,City,"
    "Region,Postal Code,Country"
)
WASHINGTON = (
    ",US,WA,601-234-567,TIN,01/15/2026,12/31/2029,C-1001,BLANKET,,,,G,,Acme Resale,"
    "1 Main St,,,Seattle,WA,98101,US"
)
TEXAS_SINGLE = (
    ",US,TX,1-23-4567890-1,TIN,01/15/2026,,C-1002,SINGLE,PO-5512,,,G,,Beta Shop,"
    "200 Elm St,Suite 4,Bldg 2,Austin,TX,78701,US"
)


def test_the_template_is_read_one_certificate_a_row(tmp_path: Path, cli: Cli) -> None:
    """Before: exit 2 ("lacks required column(s): 'id'"). Now every row is checked."""
    path = tmp_path / "exemptions.csv"
    path.write_text(f"{HEADER}\n{WASHINGTON}\n{TEXAS_SINGLE}\n", encoding="utf-8")
    records = [r.payload for r in read_csv(path)]
    assert len(records) == 2
    first, second = records
    assert first["regions"] == ["WA"]
    assert first["tax_id"] == "601-234-567"
    assert first["single_use"] is False
    assert second["single_use"] is True
    assert second["po_numbers"] == ["PO-5512"]
    assert second["customers"][0]["address_line3"] == "Bldg 2"
    code, out, err = cli("check", "--format", "json", str(path))
    assert code == 0, err
    reports = json.loads(out)["results"]
    assert len(reports) == 2
    assert all(r["kind"] == "certificate" for r in reports)


def test_a_template_over_100000_lines_is_said_once(tmp_path: Path) -> None:
    """AvaTax imports at most 100,000 lines a file: 4014 at the first line over, once."""
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        handle.write((WASHINGTON + "\n") * IMPORT_MAX_LINES)
    said = [r for r in read_csv(path) if isinstance(r.payload, Finding)]
    assert [(r.source.rsplit(":", 1)[1], r.payload.code) for r in said] == [
        (str(IMPORT_MAX_LINES + 1), 4014)
    ]


def test_convert_writes_the_template_through_the_csv_cell_writer(tmp_path: Path, cli: Cli) -> None:
    """One row per issuing region and customer, the template's header, cells quoted; what
    the template has no column for (the certificate id, the file) is named."""
    record = {
        "id": "42",
        "exempt_reason": "RESALE",
        "regions": ["WA", "TX"],
        "effective_date": "2026-01-15",
        "tax_id": "601-234-567",
        "filename": "c.pdf",
        "customers": [
            {
                "customer_number": "C-1001",
                "name": "Acme, Inc.",
                "address_line1": "1 Main St",
                "city": "Seattle",
                "region": "WA",
                "postal_code": "98101",
                "country": "US",
            }
        ],
    }
    source = tmp_path / "cert.json"
    source.write_text(json.dumps(record), encoding="utf-8")
    target = tmp_path / "out.csv"
    code, _, err = cli("convert", "--to", "avatax-csv", str(source), "-o", str(target))
    assert code == 1  # short: the id and the file have no column
    assert "id: '42'" in err
    assert "filename: 'c.pdf'" in err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 3
    assert lines[1].startswith(",US,WA,601-234-567,")
    assert lines[2].startswith(",US,TX,601-234-567,")
    assert '"Acme, Inc."' in lines[1]
    code, out, err = cli("check", "--format", "json", str(target))
    assert code == 0, err
    assert len(json.loads(out)["results"]) == 2


def test_the_templates_dates_are_read_month_first_without_a_note(tmp_path: Path, cli: Cli) -> None:
    """The template defines Eff Date and End Date as mm/dd/yyyy, so 02/01/2026 is 1 February
    and nothing is ambiguous (before: a 5105 note on every such row). The same date in a
    file of native columns, whose order nobody defined, still gets its note."""
    row = WASHINGTON.replace("01/15/2026", "02/01/2026").replace("12/31/2029", "03/04/2029")
    path = tmp_path / "exemptions.csv"
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    (record,) = [r.payload for r in read_csv(path)]
    assert (record["effective_date"], record["expiration_date"]) == ("2026-02-01", "2029-03-04")
    code, out, err = cli("check", "--format", "json", str(path))
    assert code == 0, err
    assert json.loads(out)["summary"]["by_code"] == {}
    native = tmp_path / "native.csv"
    native.write_text(
        "id,exempt_reason,regions,effective_date,customer_number\n7,RESALE,WA,02/01/2026,C-1\n",
        encoding="utf-8",
    )
    code, out, err = cli("check", "--format", "json", str(native))
    assert json.loads(out)["summary"]["by_code"].get("5105") == 1, out


def test_a_blank_country_is_read_as_us_as_the_template_defines(tmp_path: Path, cli: Cli) -> None:
    """The template's Country "blank is read as US" (docs/sources.md#import-templates):
    before, a blank Country was no country (2108, an error); a file of native columns,
    which defines no such thing, still gets 2108."""
    row = WASHINGTON.rsplit(",", 1)[0] + ","  # Country blank
    path = tmp_path / "exemptions.csv"
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    (record,) = [r.payload for r in read_csv(path)]
    assert record["customers"][0]["country"] == "US"
    code, out, err = cli("check", "--format", "json", str(path))
    assert code == 0, err
    assert json.loads(out)["summary"]["by_code"] == {}
    native = tmp_path / "native.csv"
    native.write_text(
        "id,exempt_reason,regions,customer_number,name,address_line1,city,region,postal_code,"
        "country\n7,RESALE,WA,C-1,Acme,1 Main St,Seattle,WA,98101,\n",
        encoding="utf-8",
    )
    code, out, err = cli("check", "--format", "json", str(native))
    assert "2108" in json.loads(out)["summary"]["by_code"], out


def test_issuing_country_and_business_type_desc_are_read_and_written_back(
    tmp_path: Path, cli: Cli
) -> None:
    """Before: Business Type Desc was read by nothing and Issuing Country ignored, so a
    CA row with a region that is no Canadian province was read as the US state, and
    ``convert`` wrote Business Type Desc blank, silently. Now the region is read in its
    country, Business Type Desc is kept (2311: not read) and written back; another
    target says it lost it."""
    canada = (
        ",CA,BC,PST-1234-5678,TIN,01/15/2026,12/31/2029,C-1001,BLANKET,,,Retail of widgets,"
        "G,,Acme Resale,1 Main St,,,Vancouver,BC,V6B 1A1,CA"
    )
    astray = canada.replace(",CA,BC,", ",CA,WA,", 1).replace("Retail of widgets", "")
    path = tmp_path / "exemptions.csv"
    path.write_text(f"{HEADER}\n{canada}\n{astray}\n", encoding="utf-8")
    first, second = [r.payload for r in read_csv(path)]
    assert first["regions"] == ["BC"]
    assert first["business_type_description"] == "Retail of widgets"
    assert second["regions"] == ["CA-WA"]  # not Washington
    code, out, err = cli("check", "--format", "json", str(path))
    results = json.loads(out)["results"]
    codes = [[f["code"] for f in r["findings"]] for r in results]
    assert 2311 in codes[0]
    assert 3001 in codes[1]  # CA-WA: no such region
    target = tmp_path / "out.csv"
    code, _, err = cli("convert", "--to", "avatax-csv", str(path), "-o", str(target))
    assert code == 0, err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[1:] == [canada, astray]
    code, _, err = cli("convert", "--to", "avatax", str(path), "-o", str(tmp_path / "a.json"))
    assert code == 1
    assert "business_type_description: 'Retail of widgets'" in err
