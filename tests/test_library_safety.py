"""Library-side output safety: no code-executing calls in src/; bad matrix files fail cleanly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from certpreflight import ExemptionMatrix
from certpreflight.reference.matrix import MatrixFormatError

SRC = Path(__file__).resolve().parent.parent / "src"

# Calls that run code or deserialise objects from data: none may read a payload or a file.
FORBIDDEN = {
    "eval": re.compile(r"(?<![\w.])eval\("),
    "exec": re.compile(r"(?<![\w.])exec\("),
    "pickle": re.compile(r"\b(c?pickle|dill|shelve)\b"),
    "marshal": re.compile(r"\bmarshal\b"),
    "yaml.load": re.compile(r"\byaml\.(unsafe_)?load\("),
    "shell=True": re.compile(r"shell\s*=\s*True"),
    "os.system": re.compile(r"\bos\.(system|popen)\("),
    "__import__": re.compile(r"\b__import__\("),
}

# (path relative to src/, pattern name, substring of the line) -> why it is fine.
ALLOWED: dict[tuple[str, str, str], str] = {}
# Not on the list, on purpose: ExemptionMatrix.__reduce__ (reference/matrix.py) makes a matrix
# picklable so multiprocessing can send it to workers. That *writes* pickles of our own
# objects; nothing in the library *loads* a pickle, which is what the scan forbids.


def _hits() -> list[str]:
    found = []
    for file in sorted(SRC.rglob("*.py")):
        rel = file.relative_to(SRC).as_posix()
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for name, pattern in FORBIDDEN.items():
                if pattern.search(code) and not any(
                    rel == path and name == kind and part in line for path, kind, part in ALLOWED
                ):
                    found.append(f"{rel}:{number}: {name}: {line.strip()}")
    return found


def test_src_has_no_code_executing_calls() -> None:
    """src/ has no eval, exec, pickle/marshal loads, yaml.load, shell=True or os.system."""
    assert _hits() == []


def test_the_scan_finds_what_it_forbids(tmp_path: Path) -> None:
    """The patterns match the calls they are meant to catch (and not lookalikes)."""
    samples = {
        "eval": "x = eval(text)",
        "exec": "exec(code)",
        "pickle": "import pickle",
        "marshal": "marshal.loads(b)",
        "yaml.load": "yaml.load(stream)",
        "shell=True": "subprocess.run(cmd, shell=True)",
        "os.system": "os.system(cmd)",
        "__import__": "__import__(name)",
    }
    for name, sample in samples.items():
        assert FORBIDDEN[name].search(sample), name
    assert not FORBIDDEN["eval"].search("literal_eval(x); self.evaluate(x)")
    assert not FORBIDDEN["exec"].search("cursor.execute(q)")


def test_matrix_pickle_round_trip_needs_no_unsafe_loader() -> None:
    """The matrix reduces to plain data (a dict of frozen Cells): nothing to execute."""
    matrix = ExemptionMatrix.default()
    rebuild, (cells,) = matrix.__reduce__()
    assert isinstance(cells, dict)
    assert rebuild(cells) == matrix


# --- hostile --matrix files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        (b"", 1, "no header row"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8\xff", 1, "not UTF-8"),
        (b"region,reason,status\nWA,G,Y\n\xff\xfe\x00garbage\n", 3, "not UTF-8"),
        (b"\x00\x01\x02\x03,\x04\n", 1, "a NUL character"),
        (b"region,reason,status\nWA,G,Y\x00\n", 2, "a NUL character"),
        (b"=cmd|' /C calc'!A0,reason,status\nWA,G,Y\n", 1, "no 'region' column"),
        (b"region,reason,status\nWA,G,=1+1\n", 2, "invalid status '=1+1'"),
        (b"region,reason,status\nWA,G,exempt\nWA,G,N\n", 3, "duplicate cell"),
        (b'region,reason,status\nWA,G,"unterminated\n', 2, "unexpected end of data"),
        (b"region,reason,status\n" + b"WA,G,Y," * 10_000 + b"\n", 2, "expected 3 fields"),
        (b"region,reason,status\n<script>,G,Y\n", 2, "unknown region '<script>'"),
    ],
)
def test_malformed_matrix_raises_naming_file_and_line(
    tmp_path: Path, content: bytes, line: int, problem: str
) -> None:
    """Binary garbage, a wrong header, a bad status, an empty file: MatrixFormatError, file:line."""
    path = tmp_path / "matrix.csv"
    path.write_bytes(content)
    with pytest.raises(MatrixFormatError, match=re.escape(problem)) as caught:
        ExemptionMatrix.from_csv(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_missing_matrix_file_is_an_os_error(tmp_path: Path) -> None:
    """A path that doesn't exist raises FileNotFoundError (the CLI's exit 2), not a crash."""
    with pytest.raises(FileNotFoundError):
        ExemptionMatrix.from_csv(tmp_path / "nope.csv")
