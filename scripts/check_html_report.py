"""Render the examples' HTML report and load it in headless Chromium; assert what it shows.

Checks that the pages render under their own Content-Security-Policy: the check
report's summary totals and both SVG charts (problems as shares of the certificates, each
bar in its severity's colour; regions as "P% fail (N of M checked)"), the matrix heat
map with its legend of reason names, its cells' tooltips and its sticky header, and the
coverage page (exposure first, then the grid of customers by region), are in the
DOM Chromium builds, the
strict CSP is still there, and nothing is a script. Needs Debian's
``/usr/bin/chromium`` (``apt-get install -y chromium``).

Run: ``python scripts/check_html_report.py [--chromium PATH]``; exit 0 when all is well.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from pathlib import Path

from certpreflight.cli import main as certpreflight
from certpreflight.reports.html_page import CSP, FILLS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "certificates.json"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXPECTED = [
    '<ul id="summary" class="totals">',
    '<svg id="chart-problems" class="chart"',
    '<svg id="chart-regions" class="chart"',
    '<table id="groups">',
    "2101 customer-name-missing",
    " of certificates (",  # a problem bar: its share of the certificates checked
    "% fail (",  # a region bar: "P% fail (N of M checked)"
    '<g class="bar error"><text x="0" y="',  # an error's bar (6507, a warning, comes first)
    '">2101 customer-name-missing',
    f'fill="{FILLS["error"]}"',  # an error's bar in the error's colour, and the legend's
    f'fill="{FILLS["warning"]}"></rect></svg> <span class="warning">warning</span>',
    f'content="{CSP}"',
]
#: Never in the report: counts with a "(s)" (the messages' own "region(s)" are CertCapture's).
UNEXPECTED = ["finding(s)", "certificate(s)"]
MATRIX_EXPECTED = [
    '<table id="heatmap" class="heat">',
    '<dl id="reason-legend" class="legend"><dt>A</dt><dd>FEDERAL GOV</dd>',
    "<dt>G</dt><dd>RESALE</dd>",
    '<span class="tip" role="tooltip">G in US-WA: exempt<br>',  # a cell's tooltip
    "condition: ",
    ".heat thead th{position:sticky;top:0",  # the header row stays in view
    f'content="{CSP}"',
]

COVERAGE = ROOT / "examples" / "coverage"
COVERAGE_ARGS = [
    "coverage",
    str(COVERAGE / "customers.ndjson"),
    str(COVERAGE / "certificates.json"),
    "--transactions",
    str(COVERAGE / "sales.ndjson"),
    "--format",
    "html",
    "--today",
    "2026-11-21",
]
COVERAGE_EXPECTED = [
    '<ul class="totals" id="coverage-totals">',
    '<h2 id="exposure">Exposure</h2>',
    '<table id="gaps">',
    "3701 sale-region-not-covered: 2 sale(s)",
    '<table id="grid" class="heat">',
    '<td class="s-covered" title="C-1001 in US-WA: covered 101">C</td>',
    f'content="{CSP}"',
]


def _dom(chromium: str, page: Path, profile: Path) -> str:
    return subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout


def _render(argv: list[str], target: Path) -> str | None:
    """Write a page with the CLI; the problem, or None."""
    err = io.StringIO()
    code = certpreflight([*argv, "-o", str(target)], out=io.StringIO(), err=err)
    if code not in (0, 1):
        return f"certpreflight {' '.join(argv)} exited {code}: {err.getvalue()}"
    return None


def _problems(dom: str, expected: list[str], name: str) -> list[str]:
    problems = [f"{name}: not in the rendered DOM: {text}" for text in expected if text not in dom]
    problems += [f"{name}: in the rendered DOM: {text}" for text in UNEXPECTED if text in dom]
    if "<script" in dom.lower():
        problems.append(f"{name}: the rendered DOM contains a <script> element")
    if problems:
        problems.append(f"{name}: rendered DOM starts: {dom[:300]!r}")
    return problems


def check(chromium: str) -> list[str]:
    """The problems found (empty when the rendered pages are as expected)."""
    with tempfile.TemporaryDirectory() as tmp:
        report, heat = Path(tmp) / "report.html", Path(tmp) / "matrix.html"
        covered = Path(tmp) / "coverage.html"
        check_args = ["check", str(EXAMPLES), "--format", "html", "--today", "2026-11-21"]
        rendered = (_render(check_args, report), _matrix(heat), _render(COVERAGE_ARGS, covered))
        for problem in rendered:
            if problem is not None:
                return [problem]
        profile = Path(tmp) / "profile"
        dom = _dom(chromium, covered, profile)
        problems = _problems(dom, COVERAGE_EXPECTED, "coverage")
        if dom.find('id="exposure"') > dom.find('id="grid"'):
            problems.append("coverage: the grid comes before the exposure list")
        return (
            _problems(_dom(chromium, report, profile), EXPECTED, "report")
            + _problems(_dom(chromium, heat, profile), MATRIX_EXPECTED, "matrix")
            + problems
        )


def _matrix(target: Path) -> str | None:
    """``certpreflight matrix --format html`` (which has no --output) into ``target``."""
    out = io.StringIO()
    code = certpreflight(["matrix", "--format", "html"], out=out, err=io.StringIO())
    if code != 0:
        return f"certpreflight matrix exited {code}"
    target.write_text(out.getvalue(), encoding="utf-8")
    return None


def main() -> int:
    """Run the check; print the problems; 0 when there are none."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    problems = check(parser.parse_args().chromium)
    for problem in problems:
        print(problem, file=sys.stderr)
    print("HTML report: OK" if not problems else "HTML report: FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
