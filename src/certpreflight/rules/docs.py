"""Rule documentation, rendered from the catalogue (``docs/rules.md``, ``certpreflight rule``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from certpreflight.rules._base import ALL_PROFILES, Rule

__all__ = ["catalogue_markdown", "rule_dict", "rule_markdown", "rule_text"]

_HEADER = """\
# Rules

<!-- Generated from the rule catalogue by `python -m certpreflight rules --format markdown`.
     Do not edit by hand: tests/test_docs.py fails when this file is stale. -->

Every finding has a 4-digit code whose first digit is its family: 2 Input,
3 Situs, 4 Formatting, 5 Status, 6 Identity. Codes are never reused.
Messages in `{braces}` are filled in with the certificate's values.

| code | name | type | severity | profiles |
|---|---|---|---|---|
"""


def _profiles(rule: Rule) -> str:
    return "all" if rule.profiles == ALL_PROFILES else ", ".join(sorted(rule.profiles))


def rule_markdown(rule: Rule) -> str:
    """One rule as a Markdown section."""
    return (
        f"## {rule.code} {rule.name}\n\n"
        f"*{rule.type}, {rule.severity.value}, profiles: {_profiles(rule)}*\n\n"
        f"**Message:** `{rule.message}`\n\n"
        f"**Means:** {rule.summary}\n\n"
        f"**Fix:** {rule.fix}\n\n"
        f"{rule.doc}\n"
    )


def catalogue_markdown(rules: Iterable[Rule]) -> str:
    """The whole catalogue as one Markdown document: an index table, then a section per rule."""
    rules = tuple(rules)
    index = "".join(
        f"| [{r.code}](#{r.code}-{r.name}) | {r.name} | {r.type} | {r.severity.value} "
        f"| {_profiles(r)} |\n"
        for r in rules
    )
    return _HEADER + index + "\n" + "\n".join(rule_markdown(r) for r in rules)


def rule_text(rule: Rule) -> str:
    """One rule as plain text for the terminal (``certpreflight rule CODE``)."""
    return (
        f"{rule.code} {rule.name} ({rule.type}, {rule.severity.value}, "
        f"profiles: {_profiles(rule)})\n\n"
        f"Message: {rule.message}\n"
        f"Means:   {rule.summary}\n"
        f"Fix:     {rule.fix}\n\n"
        f"{rule.doc}\n"
    )


def rule_dict(rule: Rule) -> dict[str, Any]:
    """One rule as JSON-ready data (``certpreflight rule CODE --format json``)."""
    return {
        "code": rule.code,
        "name": rule.name,
        "type": rule.type,
        "severity": rule.severity.value,
        "profiles": sorted(rule.profiles),
        "message": rule.message,
        "summary": rule.summary,
        "fix": rule.fix,
        "doc": rule.doc,
    }
