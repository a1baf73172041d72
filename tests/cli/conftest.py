"""Fixtures for driving the CLI in-process: ``cli(*argv)`` returns (exit code, stdout, stderr)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from certpreflight.cli import main
from tests.conftest import CERTIFICATE, cert

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli() -> Cli:
    """Run ``certpreflight`` with these arguments (``--today`` fixed for ``check``).

    ``stdin=b"..."`` is what ``-`` reads.
    """

    def run(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
        args = list(argv)
        if args and args[0] == "check" and "--today" not in args:
            args += ["--today", "2026-11-21"]
        out, err = io.StringIO(), io.StringIO()
        code = main(args, out=out, err=err, stdin=io.BytesIO(stdin))
        return code, out.getvalue(), err.getvalue()

    return run


def ndjson_line(**changes: Any) -> bytes:
    """One NDJSON line: the clean certificate with changes."""
    return json.dumps(cert(**changes)).encode() + b"\n"


CLEAN_LINE = json.dumps(CERTIFICATE).encode() + b"\n"


def results(stdout: str) -> list[dict[str, Any]]:
    """The results of a ``--format json`` document."""
    doc: dict[str, Any] = json.loads(stdout)
    return list(doc["results"])
