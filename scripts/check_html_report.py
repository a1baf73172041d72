"""Render the examples' HTML report and load it in headless Chromium; assert what it shows.

Checks that the page renders under its own Content-Security-Policy: the summary
totals and both SVG charts are in the DOM Chromium builds, and nothing in it is a
script. Needs Debian's ``/usr/bin/chromium`` (``apt-get install -y chromium``).

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
]


def check(chromium: str) -> list[str]:
    """The problems found (empty when the rendered page is as expected)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        err = io.StringIO()
        code = certpreflight(
            [
                "check",
                str(EXAMPLES),
                "--format",
                "html",
                "--today",
                "2026-11-21",
                "-o",
                str(report),
            ],
            out=io.StringIO(),
            err=err,
        )
        if code not in (0, 1):
            return [f"certpreflight exited {code}: {err.getvalue()}"]
        profile = Path(tmp) / "profile"
        dom = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", report.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        ).stdout
    problems = [f"not in the rendered DOM: {text}" for text in EXPECTED if text not in dom]
    if "<script" in dom.lower():
        problems.append("the rendered DOM contains a <script> element")
    if problems:
        problems.append(f"rendered DOM starts: {dom[:300]!r}")
    return problems


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
