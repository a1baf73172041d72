"""Every malformed configuration is exit 2 naming the file and the key, never a traceback
(exit 3) or an endless read: TOML nested 100,000 deep, ``tool = [...]`` in any pyproject.toml
from the current folder up, a value of any wrong type at any key, and a matrix that is a
device, a FIFO or over the size bound."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from certpreflight._files import MAX_FILE_BYTES
from certpreflight.config import KEYS, ConfigError, load_config
from certpreflight.options import RuleOptions
from tests.cli.conftest import CLEAN_LINE, ROOT, Cli


@pytest.fixture
def inner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder, two levels below tmp_path, holding a clean certificate."""
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    (folder / "c.ndjson").write_bytes(CLEAN_LINE)
    monkeypatch.chdir(folder)
    return folder


def _said(cli: Cli, *flags: str) -> str:
    """stderr of a check of c.ndjson that must exit 2 with one message line."""
    code, _, err = cli("check", "c.ndjson", *flags)
    assert code == 2, err
    assert "Traceback" not in err
    assert err.startswith("certpreflight: ")
    return err


@pytest.mark.parametrize("nest", ["a = " + "[" * 100_000, "a = " + "{b = " * 100_000])
def test_toml_nested_100000_deep_is_exit_2(cli: Cli, inner: Path, nest: str) -> None:
    """A pyproject.toml two folders up, nested 100,000 deep: exit 2 naming it."""
    path = inner.parent.parent / "pyproject.toml"
    path.write_text(nest, encoding="utf-8")
    assert f"{path}: not valid TOML (nested too deeply)" in _said(cli)


@pytest.mark.parametrize("value", ["[1, 2]", '"certpreflight"', "3", "true"])
def test_tool_that_is_not_a_table_is_exit_2(cli: Cli, inner: Path, value: str) -> None:
    """``tool = ...`` not a table in a parent's pyproject.toml: exit 2 naming the file and key."""
    path = inner.parent / "pyproject.toml"
    path.write_text(f"tool = {value}\n", encoding="utf-8")
    assert f"{path}: tool must be a table, not " in _said(cli)


def test_tool_certpreflight_that_is_not_a_table_is_exit_2(cli: Cli, inner: Path) -> None:
    """``[tool] certpreflight = 1``: exit 2 naming the table."""
    path = inner / "pyproject.toml"
    path.write_text("[tool]\ncertpreflight = 1\n", encoding="utf-8")
    assert f"{path}: [tool.certpreflight] is not a table" in _said(cli)


#: A TOML value of every type.
VALUES = [
    "1",
    "-1",
    "1.5",
    "nan",
    "true",
    '"x"',
    '""',
    "[]",
    "[1]",
    "[[1]]",
    "[{a = 1}]",
    "{a = 1}",
    "1979-05-27",
    "1979-05-27T07:32:00",
    "07:32:00",
    str(10**30),
]


@pytest.mark.parametrize("value", VALUES)
def test_any_type_at_any_key_is_read_or_a_config_error_naming_it(
    tmp_path: Path, value: str
) -> None:
    """Every key of the table and of its options, with a value of every type: read, or a
    ConfigError naming the file and the key (the CLI's exit 2), never another exception."""
    keys = [k for k in KEYS if k != "options"]
    tables = [f"{key} = {value}\n" for key in [*keys, "options"]]
    tables += [f"[options]\n{name} = {value}\n" for name in RuleOptions.names()]
    for number, table in enumerate(tables):
        path = tmp_path / f"c{number}.toml"
        path.write_text(table, encoding="utf-8")
        key = table.split(" =")[0].removeprefix("[options]\n")
        said = _problem(path)
        assert said is None or (str(path) in said and key in said), (table, said)


def _problem(path: Path) -> str | None:
    """The ConfigError's message for reading ``path`` (and its matrix), or None."""
    try:
        load_config(path).run_options()
    except ConfigError as exc:
        return str(exc)
    return None


def _matrix_config(folder: Path, matrix: str) -> Path:
    path = folder / "certpreflight.toml"
    path.write_text(f'matrix = "{matrix}"\n', encoding="utf-8")
    return path


def _run(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a process (a read that never ends fails the test by its timeout)."""
    return subprocess.run(
        [sys.executable, "-m", "certpreflight", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


def test_matrix_dev_zero_is_exit_2(inner: Path) -> None:
    """``matrix = "/dev/zero"``: exit 2 at once, naming the file and the key (it read until
    the OOM killer came)."""
    path = _matrix_config(inner, "/dev/zero")
    proc = _run(inner, "check", "c.ndjson")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"certpreflight: {path}: matrix /dev/zero: /dev/zero: not a")


def test_matrix_fifo_is_exit_2_without_waiting(inner: Path) -> None:
    """A FIFO nobody writes to: exit 2, not a wait for ever."""
    fifo = inner / "matrix.csv"
    os.mkfifo(fifo)
    path = _matrix_config(inner, "matrix.csv")
    proc = _run(inner, "check", "c.ndjson")
    assert proc.returncode == 2, proc.stderr
    assert f"{path}: matrix {fifo}: {fifo}: not a regular file" in proc.stderr
    proc = _run(inner, "check", "c.ndjson", "--isolated", "--matrix", str(fifo))
    assert proc.returncode == 2, proc.stderr
    assert f"bad matrix file {fifo}: not a regular file" in proc.stderr


def test_matrix_over_the_bound_is_exit_2(cli: Cli, inner: Path) -> None:
    """A matrix file over 16 MiB (sparse): exit 2 naming it; no more than the bound is read."""
    big = inner / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    path = _matrix_config(inner, "big.csv")
    assert f"{path}: matrix {big}: {big}: larger than 16,777,216 bytes" in _said(cli)


def test_config_that_is_a_device_is_exit_2(cli: Cli, inner: Path) -> None:
    """--config /dev/zero: exit 2 naming it."""
    assert "can't read /dev/zero: not a regular file" in _said(cli, "--config", "/dev/zero")


def test_config_that_is_not_utf8_is_exit_2(cli: Cli, inner: Path) -> None:
    """A certpreflight.toml in cp1252: exit 2 naming it."""
    path = inner / "certpreflight.toml"
    path.write_bytes(b'profile = "caf\xe9"\n')
    assert f"{path}: not UTF-8 text" in _said(cli)
