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
