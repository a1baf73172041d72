"""certpreflight check: formats, exit codes, options, and the JSON report document."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import certpreflight.io
from certpreflight import Report
from certpreflight.io import csvfile, read_csv
from certpreflight.reports import json_doc
from tests.cli.conftest import CLEAN_LINE, EXAMPLES, Cli, ndjson_line, results
from tests.conftest import customer


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """An NDJSON file: a clean certificate, one with an error, one with only a warning."""
    path = tmp_path / "mixed.ndjson"
    path.write_bytes(
        CLEAN_LINE
        + ndjson_line(id="bad", customers=[customer(name="", customer_number="C-2002")])
        + ndjson_line(
            id="warn",
            regions=["TX"],
            tax_id=None,
            customers=[customer(region="TX", city="Austin", postal_code="78701")],
        )
    )
    return path


def test_json_document_shape(cli: Cli, mixed: Path) -> None:
    """--format json prints exactly {"summary": {...}, "results": [...]} as the README says."""
    code, out, _ = cli("check", str(mixed), "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert list(doc) == ["summary", "results"]
    assert doc["summary"] == {
        "certificates": 3,
        "ok": 1,
        "with_errors": 1,
        "with_warnings": 1,
        "by_code": {"2101": 1, "6202": 1},
        "kinds": {"certificate": 3},
    }
    assert [list(r) for r in doc["results"]] == [["source", "id", "kind", "ok", "findings"]] * 3
    assert [r["source"] for r in doc["results"]] == [f"{mixed}:{n}" for n in (1, 2, 3)]
    finding = doc["results"][1]["findings"][0]
    assert set(finding) == {
        "code", "name", "type", "severity", "message", "summary", "fix", "errors", "loc",
        "customer_number", "url",
    }  # fmt: skip
    assert finding["code"] == 2101
    assert finding["url"].endswith("/rules/#2101-customer-name-missing")


def test_json_document_of_nothing_is_valid(cli: Cli, tmp_path: Path) -> None:
    """An empty input still gives a valid JSON document with zero certificates."""
    path = tmp_path / "empty.ndjson"
    path.write_bytes(b"\n\n")
    code, out, _ = cli("check", str(path), "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "summary": {
            "certificates": 0,
            "ok": 0,
            "with_errors": 0,
            "with_warnings": 0,
            "by_code": {},
            "kinds": {},
        },
        "results": [],
    }


def test_text_lists_code_message_fix_and_summary(cli: Cli, mixed: Path) -> None:
    """The text report shows each finding's code, message and fix, and a summary at the end."""
    code, out, _ = cli("check", str(mixed))
    assert code == 1
    assert f"{mixed}:2  certificate bad  FAIL" in out
    assert "2101 error   CustomerName is required." in out
    assert "fix: Enter the legal name of customer C-2002" in out
    assert "\x1b[" not in out  # not a terminal: no colour
    assert out.rstrip().splitlines()[-4:] == [
        "3 certificates checked: 1 ok, 1 with errors, 1 with warnings",
        "most frequent problems:",
        "  1  2101 customer-name-missing",
        "  1  6202 tax-id-missing",
    ]


@pytest.mark.parametrize("fail_on", ["error", "warning", "info"])
def test_fail_on_with_an_error(cli: Cli, mixed: Path, fail_on: str) -> None:
    """An error fails at every threshold."""
    assert cli("check", str(mixed), "--fail-on", fail_on)[0] == 1


def test_fail_on_thresholds_with_only_a_warning(cli: Cli, tmp_path: Path) -> None:
    """A warning fails only with --fail-on warning or info; --exit-zero never fails."""
    path = tmp_path / "warn.ndjson"
    path.write_bytes(ndjson_line(regions=["TX"], tax_id=None, customers=[customer(region="TX")]))
    assert cli("check", str(path))[0] == 0
    assert cli("check", str(path), "--fail-on", "warning")[0] == 1
    assert cli("check", str(path), "--fail-on", "info")[0] == 1
    assert cli("check", str(path), "--fail-on", "warning", "--exit-zero")[0] == 0


def test_select_and_ignore_take_repeatable_comma_lists(cli: Cli, mixed: Path) -> None:
    """--select / --ignore take codes, prefixes, names and types, repeated or comma-joined."""
    _, out, _ = cli("check", str(mixed), "--format", "json", "--ignore", "2101,6202")
    assert all(r["ok"] and not r["findings"] for r in results(out))
    _, out, _ = cli("check", str(mixed), "--format", "json", "--select", "62", "--select", "Situs")
    assert [f["code"] for r in results(out) for f in r["findings"]] == [6202]


def test_unknown_selector_is_a_usage_error(cli: Cli, mixed: Path) -> None:
    """An unknown rule selector exits 2 with the engine's explanation."""
    code, out, err = cli("check", str(mixed), "--select", "no-such-rule")
    assert (code, out) == (2, "")
    assert "unknown rule selector 'no-such-rule'" in err


def test_profile_and_today_are_passed_on(cli: Cli, tmp_path: Path) -> None:
    """--today decides what is in the future; --profile is accepted."""
    path = tmp_path / "future.ndjson"
    path.write_bytes(ndjson_line(effective_date="2026-12-01"))
    _, out, _ = cli("check", str(path), "--format", "json", "--today", "2026-11-01")
    assert [f["code"] for f in results(out)[0]["findings"]] == [5101]
    _, out, _ = cli("check", str(path), "--format", "json", "--today", "2027-01-01")
    assert results(out)[0]["findings"] == []
    assert cli("check", str(path), "--profile", "avatax")[0] in (0, 1)


def test_matrix_option_loads_a_users_matrix(cli: Cli, tmp_path: Path) -> None:
    """--matrix CSV replaces the built-in matrix; G in WA marked not exempt is reported."""
    matrix = tmp_path / "m.csv"
    matrix.write_text("region,reason,status\nWA,G,not_exempt\n", encoding="utf-8")
    path = tmp_path / "one.ndjson"
    path.write_bytes(CLEAN_LINE)
    _, out, _ = cli("check", str(path), "--format", "json", "--matrix", str(matrix))
    assert [f["code"] for f in results(out)[0]["findings"]] == [3101]


def test_malformed_matrix_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    """A matrix file that can't be read exits 2 naming the file and line."""
    matrix = tmp_path / "m.csv"
    matrix.write_text("region,reason,status\nWA,G,maybe\n", encoding="utf-8")
    code, out, err = cli("check", str(EXAMPLES / "certificates.json"), "--matrix", str(matrix))
    assert (code, out) == (2, "")
    assert f"{matrix}:2: invalid status 'maybe'" in err
    assert cli("check", str(EXAMPLES / "certificates.json"), "--matrix", "nope.csv")[0] == 2


def test_bad_arguments_exit_2_on_err(cli: Cli) -> None:
    """argparse errors go to the given err stream with the usage, exit 2."""
    code, _, err = cli("check", "x.json", "--format", "pdf")
    assert code == 2
    assert "invalid choice: 'pdf'" in err
    assert "usage: certpreflight check" in err
    assert cli("check", "x.json", "--today", "soon")[0] == 2
    assert cli("check", "x.json", "--jobs", "-1")[0] == 2


def test_missing_file_exits_2_after_checking_the_others(cli: Cli, mixed: Path) -> None:
    """A missing file is reported on stderr; the other files are still checked; exit 2."""
    code, out, err = cli("check", "missing.ndjson", str(mixed), "--format", "json")
    assert code == 2
    assert "can't read missing.ndjson" in err
    assert len(results(out)) == 3


def test_unknown_suffix_exits_2(cli: Cli, tmp_path: Path) -> None:
    """A file that is not .json / .ndjson / .jsonl / .csv is a usage error."""
    path = tmp_path / "certs.xml"
    path.write_text("<x/>", encoding="utf-8")
    code, _, err = cli("check", str(path))
    assert code == 2
    assert "unknown file type" in err


def test_csv_report_is_spreadsheet_safe(cli: Cli, tmp_path: Path) -> None:
    """CSV: one row per finding; cells a spreadsheet would run as formulas get a leading '."""
    path = tmp_path / "evil.ndjson"
    path.write_bytes(
        ndjson_line(id="=1+1", customers=[customer(customer_number="@SUM(A1)", name="")])
        + CLEAN_LINE
    )
    code, out, _ = cli("check", str(path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 1
    assert list(rows[0]) == [
        "source", "certificate_id", "customer_number", "code", "name", "severity", "message", "fix",
    ]  # fmt: skip
    assert rows[0]["certificate_id"] == "'=1+1"
    assert rows[0]["customer_number"] == "'@SUM(A1)"
    assert rows[0]["code"] == "2101"
    assert rows[-1]["severity"] == "ok"
    assert rows[-1]["source"] == f"{path}:2"
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_html_report_escapes_and_has_no_scripts(cli: Cli, tmp_path: Path) -> None:
    """HTML: hostile text is escaped, the CSP meta is there, and there is no script at all."""
    path = tmp_path / "evil.ndjson"
    evil = "<script>alert(1)</script>"
    path.write_bytes(ndjson_line(customers=[customer(name=evil, address_line1="")]))
    code, out, _ = cli("check", str(path), "--format", "html")
    assert code == 1
    assert "<script" not in out.lower()
    assert evil not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">" in out
    )
    assert 'id="chart-problems"' in out
    assert 'id="chart-regions"' in out
    assert "2102 address-line1-missing" in out
    assert "http://" not in out.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_html_report_escapes_customer_names_in_the_groups(cli: Cli, tmp_path: Path) -> None:
    """A customer number with markup shows up escaped in the failing-certificates table."""
    path = tmp_path / "evil.ndjson"
    path.write_bytes(ndjson_line(customers=[customer(customer_number="<b>C1</b>", name="")]))
    _, out, _ = cli("check", str(path), "--format", "html")
    assert "&lt;b&gt;C1&lt;/b&gt;" in out
    assert "<b>C1</b>" not in out


def test_output_is_written_atomically(cli: Cli, mixed: Path, tmp_path: Path) -> None:
    """--output writes the file (and nothing on stdout), leaving no temp file behind."""
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    code, out, _ = cli("check", str(mixed), "--format", "json", "--output", str(target))
    assert (code, out) == (1, "")
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["certificates"] == 3
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]


def test_unwritable_output_exits_3_and_a_directory_2(cli: Cli, mixed: Path, tmp_path: Path) -> None:
    """An --output in a missing directory can't be written: exit 3 (README, exit codes), never 1; a
    directory is not a regular file: refused, exit 2."""
    code, out, err = cli("check", str(mixed), "--output", str(tmp_path / "no" / "r.txt"))
    assert (code, out) == (3, "")
    assert f"can't write {tmp_path / 'no' / 'r.txt'}" in err
    code, _, err = cli("check", str(mixed), "--output", str(tmp_path))
    assert code == 2
    assert "not a regular file" in err


def test_jobs_2_output_equals_jobs_1(cli: Cli, tmp_path: Path) -> None:
    """--jobs 2 (several chunks over worker processes) prints exactly what --jobs 1 prints."""
    path = tmp_path / "many.ndjson"
    lines = [CLEAN_LINE, ndjson_line(customers=[customer(city="")]), b"{broken\n", b"\n"]
    path.write_bytes(b"".join(lines * 1300))
    for fmt in ("json", "text", "csv"):
        one = cli("check", str(path), "--format", fmt, "--jobs", "1")
        two = cli("check", str(path), "--format", fmt, "--jobs", "2")
        assert one == two
    assert cli("check", str(path), "--format", "csv", "--jobs", "0") == one


def test_jobs_2_output_equals_jobs_1_over_mixed_files(cli: Cli, tmp_path: Path) -> None:
    """Workers read NDJSON lines themselves: with CSV and JSON files around, a byte order
    mark and oversized lines, --jobs 2 still prints exactly what --jobs 1 prints."""
    path = tmp_path / "odd.ndjson"
    long = ndjson_line(customers=[customer(name="N" * 3000)])
    lines = [CLEAN_LINE, long, b"\n", b"{broken\n", ndjson_line(customers=[customer(zip="")])]
    path.write_bytes(codecs.BOM_UTF8 + b"".join(lines * 700))
    files = [str(EXAMPLES / "certificates.csv"), str(path), str(EXAMPLES / "certificates.json")]
    options = ["--format", "json", "--max-line-bytes", "2000"]
    one = cli("check", *files, *options, "--jobs", "1")
    assert one == cli("check", *files, *options, "--jobs", "2")
    found = results(one[1])
    assert len(found) == 32 + 4 * 700 + 32  # the examples hold 32 certificates each
    assert [f["code"] for f in found[33]["findings"]] == [4010]
    assert found[33]["source"] == f"{path}:2"
    assert found[-33]["source"] == f"{path}:{5 * 700}"


def test_jobs_2_output_equals_jobs_1_on_csv(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers read CSV rows themselves, in spans cut at certificates: with a BOM, CRLF,
    quoted line breaks, certificates of several rows, link rows, an unclosed quote, bad
    bytes and oversized lines, --jobs 2 prints exactly what --jobs 1 prints."""
    monkeypatch.setattr(csvfile, "CSV_SPAN_BYTES", 700)  # many spans, some inside a group
    header, *rows = (EXAMPLES / "certificates.csv").read_bytes().splitlines()
    odd = [
        b'EX-900,G,WA,2026-02-01,2029-12-31,BLANKET,,601234567,C-9,"Two\r\nLines",1 Main St'
        b",,Tacoma,WA,98402,US",
        b"EX-900,,,,,,,,C-10,Second Customer,2 Main St,,Tacoma,WA,98402,US",
        b"EX-900,,,,,,,,C-11,Third Customer,3 Main St,,Tacoma,WA,98402,US",
        b"EX-901,,,,,,,,C-1001",  # a link row: a customer record checked first
        b"EX-902,G,WA,2026-02-01,2029-12-31,BLANKET,,601234567,C-12," + b"N" * 3000,
        b"EX-903,G,WA,2026-02-01,2029-12-31,BLANKET,,601234567,C-13,\xff\xfe",
        b"",
        b'EX-904,G,WA,2026-02-01,2029-12-31,BLANKET,,601234567,C-14,"unclosed',
        b"EX-905,G,WA,,,,,,C-15,after the quote",
    ]
    body = b"\r\n".join([header, *((rows + odd) * 40)])
    path = tmp_path / "odd.csv"
    path.write_bytes(codecs.BOM_UTF8 + body + b"\r\n")
    options = ["--format", "json", "--max-line-bytes", "2000"]
    one = cli("check", str(path), *options, "--jobs", "1")
    assert one == cli("check", str(path), *options, "--jobs", "2")
    found = results(one[1])
    assert len(found) == len(list(read_csv(path, max_line_bytes=2000)))
    assert len(list(csvfile.csv_spans(path, max_line_bytes=2000))) > 20
    sources = [f["source"] for f in found]
    assert f"{path}:2" in sources
    assert sources == sorted(sources, key=lambda s: int(s.split(":")[-1]))
    by_source = {f["source"]: f for f in found}
    long = len(rows) + 7  # after the header, the rows, EX-900 (4 lines) and EX-901
    for copy in (0, 39):  # the first copy and the last, in another span
        line = long + copy * (len(rows) + len(odd) + 1)
        assert [f["code"] for f in by_source[f"{path}:{line}"]["findings"]] == [4010]
        assert f"{path}:{line - 5}" in by_source  # EX-900, its three rows one certificate
        assert f"{path}:{line - 3}" not in by_source


def test_jobs_2_cuts_each_file_once(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first pass cuts a CSV file into spans; the check reads the same spans (the file
    unchanged), so the parent reads the file once."""
    cut = []

    def counted(path: Path, **options: object) -> object:
        cut.append(path)
        return csvfile.csv_spans(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(certpreflight.io, "csv_spans", counted)
    path = EXAMPLES / "certificates.csv"
    assert cli("check", str(path), "-j", "2") == cli("check", str(path), "-j", "1")
    assert cut == [str(path)]


def test_examples_give_the_same_findings_in_every_format(cli: Cli) -> None:
    """The bundled JSON, NDJSON and CSV examples hold the same certificates and findings."""
    found = {}
    for suffix in ("json", "ndjson", "csv"):
        code, out, err = cli("check", str(EXAMPLES / f"certificates.{suffix}"), "--format", "json")
        assert (code, err) == (1, "")
        found[suffix] = {
            r["id"]: [f["code"] for f in r["findings"]] for r in results(out) if r["id"]
        }
    assert found["json"] == found["ndjson"] == found["csv"]
    assert len(found["json"]) >= 30
    codes = {c for cs in found["json"].values() for c in cs}
    assert {2101, 2102, 2103, 2104, 2105, 2106, 2107, 2108, 2201, 3101, 5101, 6201} <= codes


def test_examples_text_report_is_readable(cli: Cli) -> None:
    """The README's newcomer command prints a report with a summary line."""
    code, out, _ = cli("check", str(EXAMPLES / "certificates.json"))
    assert code == 1
    # 6507: 2 (EX-005, EX-603); EX-007, single-use for one PO, is no copy of EX-003's blanket
    assert "32 certificates checked: 9 ok, 18 with errors, 5 with warnings" in out


@given(
    source=st.text(max_size=20),
    ident=st.one_of(st.none(), st.text(max_size=20)),
)
def test_a_result_without_findings_is_encoded_like_any_other(
    source: str, ident: str | None
) -> None:
    """The JSON line of a report without findings equals the generic encoding of its dict."""
    report = Report(certificate_id=ident)
    expected = json.dumps({"source": source, **report.to_dict()}, ensure_ascii=False)
    assert json_doc.render([(source, report)]) == expected
    assert json.loads(expected) == {
        "source": source,
        "id": ident,
        "kind": "certificate",
        "ok": True,
        "findings": [],
    }


def test_files_are_checked_as_one_batch(cli: Cli, tmp_path: Path) -> None:
    """A customer CSV (CertCapture's template, no certificate column) and a certificate
    NDJSON are one sync: the certificate linking C-2 by code, and the one a link record
    links, get C-2's problems; an unknown code is 6501; each result says its kind, and the
    summary counts each kind, with --jobs 1 and 2 alike."""
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "Customer Number,Name 1,Address 1,City,State,Zip,Country\n"
        "C-1,Acme,1 Main St,Seattle,WA,98101,US\n"
        "C-2,,2 Elm St,Tacoma,WA,98402,US\n",
        encoding="utf-8",
    )
    certificates = tmp_path / "certificates.ndjson"
    base = {
        "signedDate": "2026-02-01",
        "exemptionReason": {"name": "RESALE"},
        "exemptionNumber": "601234567",
        "exposureZone": {"name": "Washington"},
    }
    certificates.write_text(
        json.dumps({**base, "id": "41", "customers": [{"customerCode": "C-2"}]})
        + "\n"
        + json.dumps({**base, "id": "42", "customers": []})
        + "\n"
        + json.dumps({"certificate_id": "42", "customers": ["C-1", "C-9"]})
        + "\n",
        encoding="utf-8",
    )
    outputs = []
    for jobs in ("1", "2"):
        args = ("check", str(customers), str(certificates), "--format", "json", "-j", jobs)
        code, out, _ = cli(*args, "--today", "2026-12-01")
        assert code == 1
        outputs.append(out)
        doc = json.loads(out)
        assert doc["summary"]["kinds"] == {"certificate": 2, "customer": 2, "link": 1}
        results = {r["source"].rsplit("/", 1)[-1]: r for r in doc["results"]}
        assert [r["kind"] for r in doc["results"]] == [
            "customer", "customer", "certificate", "certificate", "link"
        ]  # fmt: skip
        assert [f["code"] for f in results["customers.csv:3"]["findings"]] == [2101]
        linked = results["certificates.ndjson:1"]["findings"]
        assert [(f["code"], f["customer_number"]) for f in linked] == [(2101, "C-2")]
        assert linked[0]["loc"] == ["customers", 0, "name"]
        named = [f["code"] for f in results["certificates.ndjson:2"]["findings"]]
        assert named == [6501]  # C-1 is clean, C-9 unknown; linked, so no 2001
    assert outputs[0] == outputs[1]
