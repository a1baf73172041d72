"""certpreflight coverage: the decisions of --transactions agree with explain(), every
transaction is reported in input order, and each format holds the coverage rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certpreflight import CertificateIndex, explain
from certpreflight.io import read_records
from tests.cli.conftest import EXAMPLES, Cli, ndjson_line
from tests.conftest import cert, customer

FILES = EXAMPLES / "coverage"
RECORDS = [str(FILES / "customers.ndjson"), str(FILES / "certificates.json")]
SALES = str(FILES / "sales.ndjson")
TODAY = ("--today", "2026-11-21")


def _doc(cli: Cli, *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = cli("coverage", *RECORDS, *TODAY, "--format", "json", *argv)
    assert code in (0, 1), err
    return code, json.loads(out)


def test_json_has_every_transaction_in_input_order_and_the_coverage(cli: Cli) -> None:
    code, doc = _doc(cli, "--transactions", SALES)
    assert code == 1  # gaps and taxed sales
    assert list(doc) == ["transactions", "coverage", "totals", "unread"]
    sources = [r.source for r in read_records(SALES)]
    assert [t["source"] for t in doc["transactions"]] == sources  # the bad line too
    assert {"status", "certificate_id", "findings"} <= set(doc["transactions"][0])
    assert doc["transactions"][-1]["findings"][0]["code"] == 4701
    rows = {
        (c["customer"], c["region"]): (c["status"], c["certificate_id"]) for c in doc["coverage"]
    }
    assert rows[("C-1001", "WA")] == ("covered", "101")
    assert rows[("C-1001", "ID")] == ("missing", None)  # its ship-to zone and a sale there
    assert rows[("C-3003", "TX")] == ("expiring", "102")
    assert doc["totals"]["sales"] == len(sources)
    assert doc["totals"]["by_cause"]["3701"]["sales"] == 2


def test_decisions_agree_with_explain_on_the_example_sales(cli: Cli) -> None:
    _, doc = _doc(cli, "--transactions", SALES)
    index = CertificateIndex.of(
        [r.payload for path in RECORDS for r in read_records(path)], today=None
    )
    for record, got in zip(read_records(SALES), doc["transactions"], strict=True):
        decision = explain(record.payload, index)
        assert (got["status"], got["certificate_id"]) == (
            decision.status,
            decision.certificate_id,
        ), record.source
        assert [f["code"] for f in got["findings"]] == [f.code for f in decision.findings]


SALE = st.fixed_dictionaries(
    {
        "customerCode": st.sampled_from(["C-1001", "c-1001", "C-2002", "C-9"]),
        "date": st.sampled_from(["2025-06-01", "2026-03-05", "2031-01-01", "bad"]),
        "addresses": st.sampled_from(
            [
                {"shipTo": {"region": "WA", "country": "US"}},
                {"singleLocation": {"region": "TX", "country": "US"}},
                {"shipTo": {"postalCode": "83702"}},
                {},
            ]
        ),
    },
    optional={
        "purchaseOrderNo": st.sampled_from(["PO-1", "PO-2"]),
        "exemptionNo": st.just("GTX1080"),
        "entityUseCode": st.sampled_from(["G", "TAXABLE"]),
        "lines": st.lists(
            st.fixed_dictionaries(
                {"amount": st.integers(0, 100)},
                optional={"addresses": st.just({"shipTo": {"region": "ID", "country": "US"}})},
            ),
            max_size=3,
        ),
    },
)
CERTIFICATES = [
    cert(id="wa"),
    cert(id="tx", regions=["TX"], single_use=True, po_numbers=["PO-1"],
         customers=[customer(customer_number="C-2002")]),
    cert(id="half", regions=["TX"], exempt_percentage=50, effective_date="2026-02-01",
         customers=[customer(customer_number="C-1001")]),
]  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sales=st.lists(SALE, min_size=1, max_size=6))
def test_coverage_transactions_agree_with_explain(
    cli: Cli, tmp_path: Path, sales: list[dict[str, Any]]
) -> None:
    """For any sales, coverage --transactions reports what explain() decides, sale by sale."""
    records = tmp_path / "records.ndjson"
    records.write_text("".join(json.dumps(c) + "\n" for c in CERTIFICATES), encoding="utf-8")
    path = tmp_path / "sales.ndjson"
    path.write_text("".join(json.dumps(s) + "\n" for s in sales), encoding="utf-8")
    code, out, err = cli("coverage", str(records), "--transactions", str(path), "--format", "json")
    assert code in (0, 1), err
    got = json.loads(out)["transactions"]
    index = CertificateIndex.of(CERTIFICATES)
    expected = [explain(s, index).to_dict() for s in sales]
    assert [{k: v for k, v in g.items() if k != "source"} for g in got] == expected


def test_records_in_csv_and_every_format(cli: Cli, tmp_path: Path) -> None:
    """CSV records read as check reads them; text, CSV and HTML say the same coverage."""
    table = tmp_path / "certs.csv"
    table.write_text(
        "id,exempt_reason,regions,effective_date,expiration_date,tax_id,customer_number,name,"
        "address_line1,city,region,postal_code,country\n"
        "1,G,WA,2026-01-15,2030-01-15,601234567,C-1001,Acme,1 Main St,Seattle,WA,98101,US\n"
        "2,G,TX,2026-01-15,2026-06-01,32012345678,C-1001,Acme,1 Main St,Seattle,WA,98101,US\n",
        encoding="utf-8",
    )
    code, out, _ = cli("coverage", str(table), *TODAY)
    assert code == 1
    assert "C-1001               TX   expired   2" in out
    assert "2 customer-region pairs: 1 covered, 0 expiring, 0 missing, 1 expired" in out
    _, out, _ = cli("coverage", str(table), *TODAY, "--format", "csv", "--nexus", "WA")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["kind"], r["region"], r["status"], r["certificate_id"]) for r in rows] == [
        ("coverage", "WA", "covered", "1")
    ]
    code, out, _ = cli("coverage", str(table), *TODAY, "--nexus", "WA")
    assert code == 0
    _, page, _ = cli("coverage", str(table), *TODAY, "--format", "html")
    assert page.index('id="exposure"') < page.index('id="grid"')
    assert '<td class="s-expired" title="C-1001 in US-TX: expired 2">X</td>' in page


def test_unreadable_records_and_transactions_are_named_not_dropped(
    cli: Cli, tmp_path: Path
) -> None:
    records = tmp_path / "records.ndjson"
    records.write_bytes(ndjson_line() + b"{broken\n")
    sales = tmp_path / "sales.ndjson"
    sales.write_text('{"customerCode": "C-1001"}\n[]\n', encoding="utf-8")
    code, out, err = cli("coverage", str(records), "--transactions", str(sales), *TODAY)
    assert code == 1
    assert f"{records}:2: 4001" in err
    for text in (f"{sales}:1 TAXABLE", f"{sales}:2 TAXABLE", "it has no document date",
                 "it is not a JSON object"):  # fmt: skip
        assert text in out


def test_usage_errors(cli: Cli, tmp_path: Path) -> None:
    table = tmp_path / "sales.csv"
    table.write_text("customerCode\nC-1\n", encoding="utf-8")
    code, _, err = cli("coverage", *RECORDS, "--transactions", str(table))
    assert code == 2
    assert ".json or .ndjson" in err
    code, _, err = cli("coverage", *RECORDS, "--nexus", "WA,Atlantis")
    assert code == 2
    assert "Atlantis" in err
    code, _, err = cli("coverage", *RECORDS, "--transactions", str(tmp_path / "none.ndjson"))
    assert code == 2


def test_check_reports_6507_alike_with_one_and_two_jobs(cli: Cli, tmp_path: Path) -> None:
    """check's first pass reads the certificates' dates, so a repeated certificate is 6507
    whether one process or workers check the file."""
    path = tmp_path / "dups.ndjson"
    path.write_bytes(
        ndjson_line(id="a") + ndjson_line(id="b") * 1 + ndjson_line(id="c", regions=["TX"])
    )
    found = []
    for jobs in ("1", "2"):
        _, out, _ = cli("check", str(path), "--format", "json", "--jobs", jobs)
        found.append([[f["code"] for f in r["findings"]] for r in json.loads(out)["results"]])
    assert found[0] == found[1]
    assert [6507 in codes for codes in found[0]] == [False, True, False]


def test_totals_charge_a_cause_the_taxed_part_only(cli: Cli, tmp_path: Path) -> None:
    """Sale 7 ships 40 to WA (covered) and 60 to ID (no certificate): 3701 concerns the ID
    line, whose 60 is taxed, never the whole 100; an exempt sale with a warning (5705, 6703)
    is at risk, not taxed."""
    lines = Path(SALES).read_text(encoding="utf-8").splitlines()
    one = tmp_path / "s7.ndjson"
    one.write_text(lines[6] + "\n", encoding="utf-8")
    _, doc = _doc(cli, "--transactions", str(one))
    assert doc["totals"]["by_cause"]["3701"] == {
        "name": doc["totals"]["by_cause"]["3701"]["name"],
        "sales": 1,
        "amount": 60.0,
    }
    _, doc = _doc(cli, "--transactions", SALES)
    taxed = {int(code) for code in doc["totals"]["by_cause"]}
    exempt_warned = {
        f["code"]
        for t in doc["transactions"]
        if t["status"] == "exempt"
        for f in t["findings"]
        if f["severity"] == "warning"
    }
    assert exempt_warned  # the example has such sales (5705, 6703)
    assert not taxed & exempt_warned
    assert exempt_warned <= {int(c) for c in doc["totals"]["at_risk_by_cause"]}


def test_unreadable_records_give_no_report(cli: Cli, tmp_path: Path) -> None:
    """A RECORDS file that can't be read: exit 2 before any sale is decided, no report (as
    plan refuses)."""
    odd = tmp_path / "sales.txt"
    odd.write_text(Path(SALES).read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = cli("coverage", str(FILES), str(odd), "--transactions", SALES)
    assert (code, out) == (2, "")
    assert "unknown file type" in err
    assert "no coverage: 1 RECORDS file(s) could not be read" in err


def test_a_folder_of_records_is_walked_without_the_sales(cli: Cli) -> None:
    """coverage FOLDER reads its records as check walks it, the --transactions file passed
    over: the report of the files named."""
    folder = _doc(cli, "--transactions", SALES)[1]
    code, out, err = cli(
        "coverage", str(FILES), *TODAY, "--format", "json", "--transactions", SALES
    )  # fmt: skip
    assert (code, err) == (1, "")
    assert json.loads(out) == folder


def test_fail_on_and_exit_zero(cli: Cli, tmp_path: Path) -> None:
    """Exit 1 at or above --fail-on (default warning: a sale taxed or at risk, a gap);
    --fail-on error: only errors (the broken line, 4701); --exit-zero: 0."""
    covered = tmp_path / "one.ndjson"
    covered.write_text(Path(SALES).read_text(encoding="utf-8").splitlines()[1] + "\n")
    only = ("--nexus", "WA")
    assert cli("coverage", *RECORDS, *TODAY, *only, "--transactions", str(covered))[0] == 1
    argv = (*RECORDS, *TODAY, *only, "--transactions", str(covered), "--fail-on", "error")
    assert cli("coverage", *argv)[0] == 0  # 6702 is a warning
    assert cli("coverage", *RECORDS, *TODAY, "--transactions", SALES, "--fail-on", "error")[0] == 1
    assert cli("coverage", *RECORDS, *TODAY, "--transactions", SALES, "--exit-zero")[0] == 0


def test_unread_records_are_in_every_format(cli: Cli, tmp_path: Path) -> None:
    """A record that can't be read is in the report (JSON "unread", a CSV row, the text and
    the HTML page), not only on stderr; colour on demand."""
    broken = tmp_path / "more.ndjson"
    broken.write_text('{"oops\n', encoding="utf-8")
    code, out, _ = cli("coverage", *RECORDS, str(broken), *TODAY, "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert [(u["source"], u["finding"]["code"]) for u in doc["unread"]] == [(f"{broken}:1", 4001)]
    code, out, _ = cli("coverage", *RECORDS, str(broken), *TODAY, "--format", "csv")
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["kind"], r["source"], r["code"]) for r in rows if r["kind"] == "unread"] == [
        ("unread", f"{broken}:1", "4001")
    ]
    _, out, _ = cli("coverage", *RECORDS, str(broken), *TODAY, "--color", "always")
    assert f"{broken}:1 not read" in out
    assert "\x1b[31merror\x1b[0m" in out
    _, out, _ = cli("coverage", *RECORDS, str(broken), *TODAY, "--format", "html")
    assert 'id="unread"' in out
    assert f"{broken}:1" in out


def test_example_sale_8_is_exempted_by_the_certificate_on_file_before_it(cli: Cli) -> None:
    """101 and 104 both cover WA; 101 was added after the sale: 104 applies, no 5705."""
    _, doc = _doc(cli, "--transactions", SALES)
    eighth = doc["transactions"][7]
    assert (eighth["status"], eighth["certificate_id"]) == ("exempt", "104")
    assert [f["code"] for f in eighth["findings"]] == [5707]
