"""Workers that start and stop at once never hang (--jobs on tiny or empty inputs)."""

from __future__ import annotations

import subprocess
import sys

from tests.cli.conftest import ROOT

#: The CLI's SIGTERM handler installed, as during a check; workers started and stopped at once.
SCRIPT = """
import signal, sys
from certpreflight.reports.workers import ordered_map

def handler(signum, frame):
    raise SystemExit(128 + signum)

signal.signal(signal.SIGTERM, handler)
for _ in range(int(sys.argv[1])):
    assert list(ordered_map(abs, [], jobs=2, initializer=int)) == []
    assert list(ordered_map(abs, [-1], jobs=2, initializer=int)) == [1]
    early = ordered_map(abs, [-1, -2, -3, -4, -5], jobs=2, initializer=int)
    assert next(early) == 1
    early.close()  # stopped with work in flight
print("finished")
"""


def test_pools_stopped_at_once_finish() -> None:
    """Forty runs of workers stopped right after they start: every worker ends and is joined.

    With multiprocessing.Pool, a worker forked with the parent's SIGTERM handler (before
    its own was set) swallowed terminate() and waited for ever on the task queue's lock,
    and the parent's join() with it (seen on Python 3.10 with an empty input and --jobs 2).
    The CLI's own workers (reports/workers.py) are forked with SIGTERM blocked and stopped
    by SIGKILL and join, so no lock can be held.
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
