"""Worker pools that start and stop at once never hang (--jobs on tiny inputs)."""

from __future__ import annotations

import subprocess
import sys

from tests.cli.conftest import ROOT

#: The CLI's SIGTERM handler installed, as during a check; pools started and stopped at once.
SCRIPT = """
import signal, sys
from certpreflight.reports.run import CheckOptions, start_pool

def handler(signum, frame):
    raise SystemExit(128 + signum)

signal.signal(signal.SIGTERM, handler)
for _ in range(int(sys.argv[1])):
    pool = start_pool(2, CheckOptions())
    pool.terminate()
    pool.join()
print("finished")
"""


def test_pools_stopped_at_once_finish() -> None:
    """Forty pools terminated right after they start: every worker ends and is joined.

    A worker forked with the parent's SIGTERM handler (before its own was set) used to
    swallow terminate() and wait for ever on the task queue's lock, and the parent's
    join() with it (seen on Python 3.10 with an empty input and --jobs 2); the pool's
    workers are now forked with SIGTERM blocked until their own handler is set.
    """
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, "40"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert (proc.returncode, proc.stdout) == (0, "finished\n"), proc.stderr
