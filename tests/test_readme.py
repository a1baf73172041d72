"""The README's library example runs and prints what its comments say."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import printed_by

README = Path(__file__).resolve().parent.parent / "README.md"


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


def _section_code(text: str, heading: str) -> str:
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, heading
    return "".join(blocks)


def test_readme_kinds_and_batch_examples_print_their_comments() -> None:
    """The record-kinds and batch examples run (in order) and print their comment lines."""
    text = README.read_text(encoding="utf-8")
    code = _section_code(text, "Record kinds") + _section_code(text, "Batches")
    out = printed_by(code)
    expected = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    assert out == expected


def test_readme_fixing_and_converting_examples_print_their_comments() -> None:
    """The Fixing, Converting and explain examples run and print their comment lines."""
    text = README.read_text(encoding="utf-8")
    for heading in ("Fixing", "Converting", "Will this sale be exempted?"):
        code = _section_code(text, heading)
        out = printed_by(code)
        expected = [line[2:] for line in code.splitlines() if line.startswith("# ")]
        assert out == expected, heading
