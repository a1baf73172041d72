"""--output is atomic: a run killed with SIGTERM leaves neither the output nor a temp file."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import CLEAN_LINE


def test_sigterm_mid_run_leaves_no_output(tmp_path: Path) -> None:
    """SIGTERM while a big file is being checked: exit 143, no output file, no temp file."""
    big = tmp_path / "big.ndjson"
    big.write_bytes(CLEAN_LINE * 300_000)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "report.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "certpreflight", "check", str(big), "--format", "json",
         "--today", "2026-11-21", "--output", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not any(out_dir.iterdir()) and time.monotonic() < deadline:  # the temp file exists
        time.sleep(0.02)
    time.sleep(0.3)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM
    assert list(out_dir.iterdir()) == []
