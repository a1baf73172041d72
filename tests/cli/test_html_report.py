"""The HTML pages don't mislead: failures count only in the regions where they fail, beside
the certificates checked there; the matrix page names the reasons its columns stand for."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from certpreflight import Report, validate
from certpreflight.engine import checked, context
from certpreflight.reference.reasons import all_reasons
from certpreflight.reports.html_page import CSP, FILLS
from certpreflight.reports.tally import Tally, failing_regions
from certpreflight.rules.situs import not_exempt_regions
from tests.cli.conftest import Cli, ndjson_line
from tests.conftest import cert, customer

#: resale (G) in TX, OR and MT: OR and MT have no sales tax, so it fails there only
TRI_STATE = {"exempt_reason": "G", "regions": ["TX", "OR", "MT"]}
#: resale (G) in five regions: NH, OR and MT have no sales tax, so G fails there
FIVE = {"exempt_reason": "G", "regions": ["WA", "NH", "TX", "OR", "MT"]}
TX_CUSTOMER = {"region": "TX", "city": "Austin", "postal_code": "78701"}


TODAY = dt.date(2026, 11, 21)


def _report(**changes: object) -> Report:
    return validate(cert(**changes), today=TODAY)


def _rejected(**changes: object) -> list[int]:
    """Rule 3101's regions of the certificate, as the HTML report asks them of the rule."""
    _, read = next(checked([cert(**changes)], today=TODAY))
    assert read.certificate is not None
    return not_exempt_regions(read.certificate, context(today=TODAY))


def test_a_reason_failing_in_some_regions_counts_in_those_only() -> None:
    """The TX+OR+MT resale certificate fails in OR and MT, not in TX."""
    report = _report(**TRI_STATE, customers=[customer(**TX_CUSTOMER)])
    assert 3101 in {f.code for f in report.errors}
    rejected = _rejected(**TRI_STATE)
    assert rejected == [1, 2]
    assert failing_regions(report, ("TX", "OR", "MT"), rejected) == {"OR", "MT"}


def test_an_error_of_the_whole_certificate_counts_in_all_its_regions() -> None:
    """A missing customer name fails the certificate wherever it is sent."""
    report = _report(regions=["WA", "TX"], customers=[customer(name="")])
    assert failing_regions(report, ("WA", "TX"), ()) == {"WA", "TX"}


def test_tally_counts_checked_and_failing_per_region() -> None:
    """Every certificate counts as checked in each of its regions; failing only where it fails."""
    tally = Tally()
    first = _report(**TRI_STATE, customers=[customer(**TX_CUSTOMER)])
    tally.add("a:1", first, ("TX", "OR", "MT"), rejected=_rejected(**TRI_STATE))
    tally.add("a:2", _report(regions=["TX"], customers=[customer(**TX_CUSTOMER)]), ("TX",))
    assert dict(tally.by_region) == {"OR": 1, "MT": 1}
    assert dict(tally.checked_by_region) == {"TX": 2, "OR": 1, "MT": 1}


def _chart(html: str) -> dict[str, str]:
    svg = re.search(r'<svg id="chart-regions".*?</svg>', html, re.S)
    assert svg is not None
    bars = re.findall(
        r'<g class="bar error"><text[^>]*>([^<]*)</text>.*?</rect><text[^>]*>([^<]*)</text>',
        svg[0],
    )
    return dict(bars)


def test_html_region_chart_shows_failing_of_checked(cli: Cli, tmp_path: Path) -> None:
    """The chart has OR and MT (1 of 1 checked each), and no TX bar for the OR/MT failure."""
    path = tmp_path / "c.ndjson"
    path.write_bytes(
        ndjson_line(id="tri", **TRI_STATE, customers=[customer(**TX_CUSTOMER)])
        + ndjson_line(id="tx", regions=["TX"], customers=[customer(**TX_CUSTOMER)])
    )
    code, out, _ = cli("check", str(path), "--format", "html")
    assert code == 1
    assert _chart(out) == {
        "OR": "100% fail (1 of 1 checked)",
        "MT": "100% fail (1 of 1 checked)",
    }
    assert f'content="{CSP}"' in out
    assert "<script" not in out.lower()


def test_matrix_page_has_a_legend_of_reason_names(cli: Cli) -> None:
    """Each column head letter is listed with its AvaTax reason name, in column order."""
    code, out, _ = cli("matrix", "--format", "html")
    assert code == 0
    legend = re.search(r'<dl id="reason-legend" class="legend">(.*?)</dl>', out, re.S)
    assert legend is not None
    pairs = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", legend[1])
    heads = re.findall(r'<th title="[^"]*">([^<]*)</th>', out)
    assert [code for code, _ in pairs] == heads
    names = {r.code: r.avatax_name for r in all_reasons()}
    assert ("G", names["G"]) in pairs
    assert all(name == names.get(code, code) for code, name in pairs)
    assert "<script" not in out.lower()


def test_html_counts_each_failure_in_its_own_regions(cli: Cli, tmp_path: Path) -> None:
    """With the user's matrix: 3101 fails its regions, a local zone (3003) its own, a missing
    customer name every region of its certificate."""
    matrix = tmp_path / "m.csv"
    matrix.write_text(
        "region,reason,status\nUS-NH,G,not_exempt\nUS-MT,G,not_exempt\nUS-OR,G,exempt\n"
        "US-TX,G,exempt\nUS-WA,G,exempt\n"
    )
    clean = [customer(customer_number="C-1"), customer(customer_number="C-2")]
    records = [
        cert(id="five", **FIVE, customers=clean),  # NH, MT fail (OR is exempt in this matrix)
        cert(id="local", exempt_reason="G", regions=["TX", "Orleans Parish"], customers=clean),
        cert(id="unnamed", exempt_reason="G", regions=["WA", "OR"],
             customers=[clean[0], customer(customer_number="C-2", name="")]),
    ]  # fmt: skip
    path = tmp_path / "c.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    code, out, _ = cli("check", str(path), "--format", "html", "--matrix", str(matrix))
    assert code == 1
    assert _chart(out) == {
        "NH": "100% fail (1 of 1 checked)",
        "MT": "100% fail (1 of 1 checked)",
        "?": "100% fail (1 of 1 checked)",  # the local zone: not a region, shown as "?"
        "WA": "50% fail (1 of 2 checked)",
        "OR": "50% fail (1 of 2 checked)",
    }


def test_problem_bars_are_coloured_by_severity_and_say_shares(cli: Cli, tmp_path: Path) -> None:
    """Each problem's bar has its severity's colour (a warning's is not an error's red) and
    says its share of the certificates checked; the groups say "1 finding", never
    "finding(s)", and list the certificate and customer before the file."""
    path = tmp_path / "c.ndjson"
    path.write_bytes(
        ndjson_line(id="a", regions=["WA"], customers=[customer(name="")])  # 2101 error
        + ndjson_line(id="b", regions=["WA"], effective_date="2027-01-01")  # 5101 warning
        + ndjson_line(id="c", regions=["WA"])
        + ndjson_line(id="d", regions=["WA"])
    )
    code, out, _ = cli("check", str(path), "--format", "html", "--today", "2026-11-21")
    assert code == 1
    svg = re.search(r'<svg id="chart-problems".*?</svg>', out, re.S)
    assert svg is not None
    bars = re.findall(
        r'<g class="bar (\w+)"><text[^>]*>(\d{4})[^<]*</text><rect [^>]*fill="([^"]+)">'
        r".*?</rect><text[^>]*>([^<]*)</text>",
        svg[0],
    )
    by_code = {code: (severity, fill, note) for severity, code, fill, note in bars}
    assert by_code["2101"] == ("error", FILLS["error"], "25% of certificates (1)")
    severity, fill, note = by_code["5101"]
    assert (severity, fill, note) == ("warning", FILLS["warning"], "25% of certificates (1)")
    assert FILLS["warning"] != FILLS["error"]
    assert "(s)" not in out
    assert "1 finding in 1 certificate, 25% of certificates" in out
    head = re.search(r'<table id="groups"><thead><tr>(.*?)</tr>', out)
    assert head is not None
    assert re.findall(r"<th>([^<]*)</th>", head[1]) == [
        "certificate", "customer", "message", "fix", "source",
    ]  # fmt: skip
    assert re.search(r"<tr><td>a</td><td>[^<]*</td>.*?<td class=\"source\">[^<]*c\.ndjson:1", out)
    totals = re.search(r'<ul id="summary".*?</ul>', out)
    assert totals is not None
    assert 'with errors<b>1</b><span class="share">25% of certificates</span>' in totals[0]


def test_matrix_cells_carry_a_tooltip_and_the_header_sticks(cli: Cli) -> None:
    """Every cell of the heat map has a tooltip, shown on hover or focus without scripts,
    with its status, source and condition; the header row and region column stay in view."""
    code, out, _ = cli("matrix", "--format", "html")
    assert code == 0
    table = re.search(r'<table id="heatmap".*?</table>', out, re.S)
    assert table is not None
    cells = re.findall(r"<td class=\"s-[^\"]*\"[^>]*>(.*?)</td>", table[0])
    assert len(cells) > 600
    assert all(re.search(r'<span class="tip( left)?" role="tooltip">', cell) for cell in cells)
    hi_g = re.search(r"<span class=\"tip[^\"]*\"[^>]*>G in US-HI: partial.*?</span>", out)
    assert hi_g is not None
    assert "source:" in hi_g[0]
    assert "condition:" in hi_g[0]
    assert ".heat thead th{position:sticky;top:0" in out
    assert "td:hover .tip" in out
    assert "td:focus .tip" in out
    assert "<script" not in out.lower()
