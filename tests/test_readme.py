"""The README's examples and command lines run as written, and so do the examples that moved
from it to the docs site (docs/library.md, docs/fixing.md): each prints what its comments say."""

from __future__ import annotations

import io
import re
import shlex
import shutil
from pathlib import Path

import pytest

from certpreflight.cli import main
from tests.conftest import printed_by

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def test_readme_library_example_prints_its_comments() -> None:
    """The first Python example prints the findings listed in its trailing comments."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```python\n(from certpreflight import validate\n.*?)```", text, re.S)
    assert block is not None
    code = block.group(1).replace("report.raise_for_errors()", "pass")
    out = printed_by(code)
    expected = [line[2:] for line in code.splitlines() if re.match(r"# \d{4} ", line)]
    assert len(out) == len(expected)
    for line, comment in zip(out, expected, strict=True):
        assert line.startswith(comment.removesuffix("...").rstrip()), (line, comment)


def _commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Command line\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    lines = [line.split("  #", 1)[0].strip() for line in block.group(1).splitlines()]
    return [shlex.split(line) for line in lines if line]


def test_readme_has_five_command_lines() -> None:
    assert len(_commands()) == 5
    assert all(argv[0] == "certpreflight" for argv in _commands())


@pytest.mark.parametrize("argv", _commands(), ids=lambda argv: " ".join(argv[1:3]))
def test_readme_command_lines_run_in_a_fresh_clone(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each command line of the README runs on the bundled examples from the clone's root:
    exit 0, or 1 for findings (the examples have some), and writes the file it names."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv[1:], "--isolated"] if argv[1] == "check" else argv[1:], out=out, err=err)
    assert code in (0, 1), err.getvalue()
    if "-o" in argv:
        written = tmp_path / argv[argv.index("-o") + 1]
        assert written.stat().st_size > 0
    assert out.getvalue() or err.getvalue()


def _section_code(text: str, heading: str) -> str:
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, heading
    return "".join(blocks)


def _prints_its_comments(code: str) -> None:
    out = printed_by(code)
    expected = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    assert out == expected


def test_kinds_and_batch_examples_print_their_comments() -> None:
    """The record-kinds and batch examples run (in order) and print their comment lines."""
    text = (DOCS / "library.md").read_text(encoding="utf-8")
    _prints_its_comments(_section_code(text, "Record kinds") + _section_code(text, "Batches"))


@pytest.mark.parametrize("heading", ["Your own models", "Serialising reports"])
def test_library_examples_print_their_comments(heading: str) -> None:
    _prints_its_comments(_section_code((DOCS / "library.md").read_text(encoding="utf-8"), heading))


def test_fixing_and_converting_examples_print_their_comments() -> None:
    """The Fixing and Converting examples run and print their comment lines."""
    text = (DOCS / "fixing.md").read_text(encoding="utf-8")
    fixing = text.split("\n## Converting", 1)[0]
    _prints_its_comments("".join(re.findall(r"```python\n(.*?)```", fixing, re.S)))
    _prints_its_comments(_section_code(text, "Converting"))


def test_readme_sync_plan_example_prints_its_comments() -> None:
    """The Sync plans example runs and prints its comment lines."""
    _prints_its_comments(_section_code(README.read_text(encoding="utf-8"), "Sync plans"))


def test_readme_explain_example_prints_its_comments() -> None:
    """The "Will this sale be exempted?" example runs and prints its comment lines."""
    text = README.read_text(encoding="utf-8")
    _prints_its_comments(_section_code(text, "Will this sale be exempted?"))
