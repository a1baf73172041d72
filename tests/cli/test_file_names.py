"""A file name that isn't UTF-8 (its bytes come in argv as lone surrogates) is written in
every report format, on the standard output and with -o: the text formats, CSV and HTML show
each such byte as ``\\udcff``, and the JSON ones (json, gitlab, sarif) write that as its
escape, which reads back to the name; a SARIF URI has the byte itself (``%FF``).
``--format json`` and ``-o`` with html or csv used to exit 3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from certpreflight.reports.run import FORMATS
from tests.cli.conftest import CLEAN_LINE, ROOT, Cli, ndjson_line

RAW = b"n\xffame.ndjson"


@pytest.fixture
def named(tmp_path: Path) -> Path:
    """A file whose name has a byte that isn't UTF-8: a clean certificate and a failing one."""
    path = Path(os.fsdecode(bytes(tmp_path) + b"/" + RAW))
    path.write_bytes(CLEAN_LINE + ndjson_line(exempt_reason="NOPE"))
    return path


def _shown(path: Path) -> str:
    return str(path).replace("\udcff", "\\udcff")


def _names(text: str, named: Path, fmt: str) -> bool:
    """Whether a report names the file (a JSON report: read back to the name itself)."""
    if fmt in ("json", "gitlab", "sarif"):
        return str(named) in json.dumps(json.loads(text), ensure_ascii=False)
    return _shown(named) in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_the_name_with_o(cli: Cli, named: Path, fmt: str) -> None:
    """-o: exit 1 (the findings), and the report, in UTF-8, names the file's lines."""
    out = named.parent / f"report.{fmt}"
    code, _, err = cli("check", str(named), "--format", fmt, "-o", str(out), "--show-ok")
    assert code == 1, err
    text = out.read_bytes().decode("utf-8")  # strict: a lone surrogate can't be in it
    if fmt == "json":
        sources = [r["source"] for r in json.loads(text)["results"]]
        assert sources == [f"{named}:1", f"{named}:2"]  # the escape reads back to the name
        assert os.fsencode(sources[0]).endswith(RAW + b":1")
    else:
        assert _names(text, named, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_the_name_on_standard_output(named: Path, fmt: str) -> None:
    """The standard output of a real process (UTF-8): exit 1, the name's lines there."""
    proc = subprocess.run(
        [sys.executable, "-m", "certpreflight", "check", os.fsencode(named), "--format", fmt],
        capture_output=True,
        timeout=60,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.returncode == 1, proc.stderr.decode(errors="replace")
    text = proc.stdout.decode("utf-8")
    if fmt == "json":
        assert [r["source"] for r in json.loads(text)["results"]][1] == f"{named}:2"
    else:
        assert _names(text, named, fmt)
    if fmt == "sarif":
        assert os.fsencode(named.name).replace(b"\xff", b"%FF") in proc.stdout
