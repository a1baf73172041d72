"""Standard input is copied with a byte bound (exit 2 past it), a closed standard input is a
usage error (exit 2), and a temporary folder that can't take the copy is a clear error
(exit 3 with a message, no traceback)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from certpreflight import cli as cli_module
from tests.cli.conftest import CLEAN_LINE, ROOT, Cli


def test_standard_input_over_the_bound_is_exit_2(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stream one byte over the bound: exit 2 saying so; at the bound it is read."""
    monkeypatch.setattr(cli_module, "MAX_STREAM_BYTES", len(CLEAN_LINE) * 3)
    code, out, _ = cli("check", "-", stdin=CLEAN_LINE * 3)
    assert (code, out.splitlines()[-1]) == (
        0,
        "3 certificates checked: 3 ok, 0 with errors, 0 with warnings",
    )
    code, out, err = cli("check", "-", stdin=CLEAN_LINE * 3 + b" ")
    assert (code, out) == (2, "")
    assert err == (
        f"certpreflight: <stdin>: more than {len(CLEAN_LINE) * 3:,} bytes; a stream is copied "
        "to a temporary file first: check a file of this size by its name instead\n"
    )


def test_a_pipe_over_the_bound_is_exit_2(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A named pipe (``<(...)``) is bounded too."""
    monkeypatch.setattr(cli_module, "MAX_STREAM_BYTES", 10)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = subprocess.Popen(
        [sys.executable, "-c", f"open({str(fifo)!r}, 'wb').write(b' ' * 100)"]
    )
    try:
        code, _, err = cli("check", str(fifo))
    finally:
        writer.wait(timeout=30)
    assert code == 2
    assert f"{fifo}: more than 10 bytes" in err


def test_closed_standard_input_is_a_usage_error() -> None:
    """``check - <&-``: exit 2 saying standard input is closed (it was exit 3)."""
    proc = subprocess.run(
        [sys.executable, "-m", "certpreflight", "check", "-"],
        capture_output=True,
        timeout=60,
        check=False,
        cwd=ROOT,
        preexec_fn=lambda: os.close(0),
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == b"certpreflight: '-' reads standard input, but it is closed\n"


def test_a_temporary_folder_without_room_is_exit_3_with_a_message() -> None:
    """A copy the temporary folder can't take (a file size limit stands in for a full disk):
    exit 3 naming the folder and what to do, no traceback."""

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

    proc = subprocess.run(
        [sys.executable, "-m", "certpreflight", "check", "-"],
        input=CLEAN_LINE * 2000,
        capture_output=True,
        timeout=60,
        check=False,
        cwd=ROOT,
        preexec_fn=small_files,
    )
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.startswith(b"certpreflight: can't copy standard input or a pipe to ")
    assert b"(set TMPDIR to a folder with room)\n" in proc.stderr
    assert b"Traceback" not in proc.stderr
