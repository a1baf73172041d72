"""docs/rules.md is generated from the catalogue and must not go stale."""

from __future__ import annotations

from pathlib import Path

from certpreflight import CATALOGUE
from certpreflight.rules.docs import catalogue_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_md_is_up_to_date() -> None:
    """The committed docs/rules.md equals what the catalogue renders."""
    expected = catalogue_markdown(CATALOGUE)
    assert DOCS.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run "
        "`python -m certpreflight rules --format markdown > docs/rules.md`"
    )


def test_every_rule_is_documented() -> None:
    """Each rule's code and name appear as a section heading."""
    text = DOCS.read_text(encoding="utf-8")
    for r in CATALOGUE:
        assert f"## {r.code} {r.name}\n" in text


def test_security_md_cites_tests_that_exist() -> None:
    """Every test SECURITY.md names (``tests/x.py::test_y``, or ``::test_y`` after one) is
    defined in that file, so its claims can't cite a test that was renamed or removed."""
    import re  # noqa: PLC0415

    root = DOCS.parent.parent
    text = (root / "SECURITY.md").read_text(encoding="utf-8")
    cited = 0
    current = None
    for match in re.finditer(r"`(tests/[\w/]+\.py)?::(\w+)`", text):
        current = match.group(1) or current
        assert current is not None, match.group(0)
        source = (root / current).read_text(encoding="utf-8")
        assert f"def {match.group(2)}(" in source, f"{current}::{match.group(2)} not found"
        cited += 1
    assert cited >= 40
