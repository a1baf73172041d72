"""The one output writer and the exit codes: non-regular targets refused, failed writes exit 3
and leave the previous report in place, internal errors exit 3 (never 1)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import certpreflight.cli as cli_module
from tests.cli.conftest import CLEAN_LINE, Cli

CHECK = [sys.executable, "-m", "certpreflight", "check", "--today", "2026-11-21"]


def test_a_fifo_or_device_is_refused_not_replaced(cli: Cli, tmp_path: Path) -> None:
    """-o on a FIFO (or /dev/null) exits 2 and leaves it what it was (issue 19, 3: it was
    swapped for a regular file)."""
    source = tmp_path / "c.ndjson"
    source.write_bytes(CLEAN_LINE)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = cli("check", str(source), "-o", str(fifo))
    assert code == 2
    assert "not a regular file" in err
    assert fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.ndjson", "pipe"]  # no temp file
    code, _, err = cli("check", str(source), "-o", os.devnull)
    assert (code, Path(os.devnull).is_char_device()) == (2, True)


def test_dash_and_dev_stdout_write_to_standard_output(tmp_path: Path) -> None:
    """-o - and -o /dev/stdout print the report on the standard output (a pipe here)."""
    source = tmp_path / "c.ndjson"
    source.write_bytes(CLEAN_LINE)
    for target in ("-", "/dev/stdout"):
        done = subprocess.run(
            [*CHECK, str(source), "-o", target], capture_output=True, timeout=60, check=False
        )
        assert (done.returncode, done.stderr) == (0, b""), target
        assert b"1 certificate checked: 1 ok" in done.stdout, target


def test_a_write_that_fails_exits_3_and_keeps_the_previous_report(tmp_path: Path) -> None:
    """ulimit -f (a full disk): exit 3 with a message, the previous report untouched, no temp
    file (issue 19, 7: a traceback and exit 1)."""
    source = tmp_path / "c.ndjson"
    source.write_bytes(CLEAN_LINE * 2000)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = out_dir / "report.json"
    report.write_text("previous", encoding="utf-8")

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))

    done = subprocess.run(
        [*CHECK, str(source), "--format", "json", "-o", str(report)],
        capture_output=True,
        timeout=60,
        preexec_fn=small_files,  # sets one limit before exec
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert f"can't write {report}".encode() in done.stderr
    assert b"Traceback" not in done.stderr
    assert report.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in out_dir.iterdir()] == ["report.json"]


def test_a_full_standard_output_exits_3(tmp_path: Path) -> None:
    """Standard output on /dev/full: exit 3, not 1 or 120."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    source = tmp_path / "c.ndjson"
    source.write_bytes(CLEAN_LINE * 200)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [*CHECK, str(source)], stdout=full, stderr=subprocess.PIPE, timeout=60, check=False
        )
    assert done.returncode == 3, done.stderr
    assert b"can't write the standard output" in done.stderr


def test_an_internal_error_exits_3_naming_it(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug (here a renderer that raises) exits 3 with 'internal error', never 1."""
    source = tmp_path / "c.ndjson"
    source.write_bytes(CLEAN_LINE)

    def broken(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli_module, "run_chunks", broken)
    code, _, err = cli("check", str(source))
    assert code == 3
    assert "internal error (ZeroDivisionError: a bug)" in err
