"""A --jobs worker that dies (the OOM killer's SIGKILL, a crash in native code) is said, with
the file and the records it was checking, and the run exits 3 (it used to end with 137 or 139
and no message)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import CLEAN_LINE, ROOT

#: The CLI with --jobs 2, whose check of a chunk holding line 3 kills its own process.
SCRIPT = """
import os, signal, sys
from certpreflight.reports import run

check = run.check_chunk

def dying(records, options):
    if any(r.source.endswith(":3") for r in records):
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
    return check(records, options)

run.check_chunk = dying
from certpreflight.cli import main
sys.exit(main(["check", "--jobs", "2", *sys.argv[2:]]))
"""


def _run(name: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, name, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


@pytest.mark.parametrize("name", ["SIGKILL", "SIGSEGV"])
def test_a_killed_worker_is_said_with_its_span(tmp_path: Path, name: str) -> None:
    """NDJSON (read in the workers, by spans): exit 3, the signal, the file and its span."""
    path = tmp_path / "certs.ndjson"
    path.write_bytes(CLEAN_LINE * 5)
    proc = _run(name, str(path))
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr == (
        f"certpreflight: a worker process was killed by {name} while checking {path} from "
        f"line 1 (bytes 0 to {path.stat().st_size:,})\n"
    )


def test_a_killed_worker_is_said_with_its_records(tmp_path: Path) -> None:
    """A JSON array (records sent to the workers in chunks): the chunk's first and last."""
    path = tmp_path / "certs.json"
    path.write_text(json.dumps([json.loads(CLEAN_LINE)] * 4, indent=None).replace("}, {", "},\n{"))
    proc = _run("SIGKILL", str(path))
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr == (
        f"certpreflight: a worker process was killed by SIGKILL while checking {path}:1 to "
        f"{path}:4\n"
    )


def test_a_signal_to_the_group_still_exits_with_it(tmp_path: Path) -> None:
    """SIGTERM (what `timeout` sends the group) keeps its exit, 143: the parent got it too."""
    path = tmp_path / "certs.ndjson"
    path.write_bytes(CLEAN_LINE * 5)
    proc = _run("SIGTERM", str(path))
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
