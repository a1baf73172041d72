"""The HTML report renders in a real browser (headless Chromium).

Runs ``scripts/check_html_report.py`` when Debian's ``/usr/bin/chromium`` exists and
is skipped otherwise, saying why (install it with ``apt-get install -y chromium``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless Chromium not installed: needs /usr/bin/chromium (apt-get install -y "
    "chromium; .ci/run installs it where apt-get works)",
)
def test_html_report_renders_in_chromium() -> None:
    """Chromium's DOM of the examples report holds the summary and both charts, the
    matrix page its legend, and the coverage page its exposure list before its grid; the
    strict CSP stays and nothing is a script."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_html_report.py")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "HTML report: OK" in proc.stdout
