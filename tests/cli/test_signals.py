"""--output is atomic: a run killed with SIGTERM leaves neither the output nor a temp file."""

from __future__ import annotations

import os
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


def _group_sigterm_run(tmp_path: Path, big: Path, attempt: int) -> None:
    out_dir = tmp_path / f"out-{attempt}"
    out_dir.mkdir()
    target = out_dir / "report.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "certpreflight", "check", str(big), "--format", "json",
         "--today", "2026-11-21", "--jobs", "2", "--output", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as under timeout or systemd
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not any(out_dir.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05 * attempt)  # signal at different moments of the run
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGTERM)  # the parent and both workers, as kill -- -PGID does
    try:
        proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError(f"attempt {attempt}: still running 20 s after SIGTERM") from None
    assert proc.returncode == 128 + signal.SIGTERM, proc.returncode
    assert list(out_dir.iterdir()) == [], f"attempt {attempt}: a temp file was left"


def test_sigterm_to_the_process_group_with_jobs_2_always_ends(tmp_path: Path) -> None:
    """SIGTERM to the whole group with --jobs 2, at six moments: each run ends at once with
    143 and no temp file (issue 19, 4: one run in six hung in Pool.terminate())."""
    big = tmp_path / "big.ndjson"
    big.write_bytes(CLEAN_LINE * 200_000)
    for attempt in range(6):
        _group_sigterm_run(tmp_path, big, attempt)
