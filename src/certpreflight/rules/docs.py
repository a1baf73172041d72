"""Rule documentation, rendered from the catalogue (``docs/rules.md``, ``certpreflight rule``).

Rule docstrings are written in the reStructuredText style of the code around them
(````field````, ``:func:`name```). Neither output shows that markup: ``docs/rules.md`` gets
Markdown (````x```` becomes ```x```, a role its target in backticks, a reST link a Markdown
link) and ``certpreflight rule`` plain text (names in single quotes, JSON examples as they are,
no other markers). The message, summary
and fix templates are shown as a reader sees them filled in, so ``{{`` shows as ``{``; real
placeholders such as ``{customer_number}`` stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from certpreflight.findings import FAMILIES
from certpreflight.rules._base import ALL_PROFILES, Rule

__all__ = [
    "RESERVED_DOCS",
    "catalogue_markdown",
    "markdown_from_rst",
    "plain_from_rst",
    "reserved_text",
    "rule_dict",
    "rule_markdown",
    "rule_text",
]

_HEADER = """\
# Rules

<!-- Generated from the rule catalogue by `python -m certpreflight rules --format markdown`.
     Do not edit by hand: tests/test_docs.py fails when this file is stale. -->

Every finding has a 4-digit code whose first digit is its family: 2 Input,
3 Situs, 4 Formatting, 5 Status, 6 Identity. Codes are never reused.
Messages in `{braces}` are filled in with the certificate's values.

A rule with an automatic fix says so: `safe` fixes (`certpreflight check --fix`) cannot
change what the certificate means; `unsafe` ones (`--unsafe-fixes`) change what it claims
or drop data.

| code | name | type | severity | profiles | autofix |
|---|---|---|---|---|---|
"""


#: ``:role:`target``` or ``:role:`~dotted.path``` (Sphinx cross-references).
_ROLE = re.compile(r":[a-z]+(?::[a-z]+)?:`(~?)([^`]+)`")
#: ```text <https://…>`_`` (a reST hyperlink), before the literals so its backticks are not read
#: as code.
_LINK = re.compile(r"`([^`<]+?)\s*<([^>]+)>`__?")
#: ````literal```` (reST inline literal).
_LITERAL = re.compile(r"``(.+?)``", re.DOTALL)
#: ``*emphasis*`` and ``**strong**``, but not a ``* `` bullet or a lone ``*``.
_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,2})(?=\S)([^*\n]+?)(?<=\S)\1(?![\w*])")


def _role_target(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    return target.rsplit(".", 1)[-1] if tilde else target


def _md_code(text: str) -> str:
    """``text`` as a Markdown code span (fenced with two backticks if it holds one)."""
    if "`" not in text:
        return f"`{text}`"
    return f"`` {text} ``"


def _plain_code(text: str) -> str:
    """``text`` for the terminal: names in single quotes, JSON and quoted strings as they are."""
    if text[:1] in ("{", "[", '"') or "'" in text:
        return text
    return f"'{text}'"


def _convert(text: str, code: Callable[[str], str], link: Callable[[str, str], str]) -> str:
    text = _LINK.sub(lambda m: link(m.group(1), m.group(2)), text)
    text = _ROLE.sub(lambda m: code(_role_target(m)), text)
    return _LITERAL.sub(lambda m: code(m.group(1)), text)


def markdown_from_rst(text: str) -> str:
    """A rule docstring's reST inline markup as Markdown (emphasis is the same in both)."""
    return _convert(text, _md_code, lambda label, url: f"[{label}]({url})")


def plain_from_rst(text: str) -> str:
    """A rule docstring as plain text: names quoted, JSON bare, links and emphasis unmarked."""
    text = _convert(text, _plain_code, lambda label, url: f"{label} ({url})")
    return _EMPHASIS.sub(lambda m: m.group(2), text)


def _shown(template: str) -> str:
    """A message, summary or fix template as it reads filled in: ``{{`` and ``}}`` unescaped."""
    return template.replace("{{", "{").replace("}}", "}")


def _profiles(rule: Rule) -> str:
    return "all" if rule.profiles == ALL_PROFILES else ", ".join(sorted(rule.profiles))


def _autofix(rule: Rule) -> str:
    """The kind of the rule's automatic fix, or "none"."""
    return "none" if rule.autofix is None else rule.autofix.kind


def _autofix_line(rule: Rule) -> str:
    if rule.autofix is None:
        return "none"
    return f"{rule.autofix.kind}. {rule.autofix.description}"


def _found_by(rule: Rule, code: Callable[[str], str]) -> str:
    """Where a rule without a check is found: the modules that make its finding."""
    return ", ".join(code(module) for module in rule.found_by)


def rule_markdown(rule: Rule) -> str:
    """One rule as a Markdown section."""
    found = f"**Found by:** {_found_by(rule, lambda m: f'`{m}`')}\n\n" if rule.found_by else ""
    return (
        f"## {rule.code} {rule.name}\n\n"
        f"*{rule.type}, {rule.severity.value}, profiles: {_profiles(rule)}*\n\n"
        f"**Message:** {_md_code(_shown(rule.message))}\n\n"
        f"**Means:** {_shown(rule.summary)}\n\n"
        f"**Fix:** {_shown(rule.fix)}\n\n"
        f"**Autofix:** {_autofix_line(rule)}\n\n"
        f"{found}"
        f"{markdown_from_rst(rule.doc)}\n"
    )


#: What each finding made outside the catalogue means (the codes of
#: :data:`certpreflight.rules.RESERVED_CODES`: AvaTax's replies to a send, made by
#: :mod:`certpreflight.avatax`; all errors), so that its ``url`` has a section to point to.
RESERVED_DOCS: dict[int, str] = {
    2900: "AvaTax answered a send with an error that no rule predicts, with a reply that is "
    "no AvaTax error envelope, or with a redirect: its number, name and text are in the "
    "finding's ``errors``. Correct what AvaTax names and send again.",
    5900: "The send got no readable HTTP answer (connection refused, timeout). If it reached "
    "AvaTax before failing, the records may have been created anyway: query the company's "
    "certificates or customers before sending again.",
    5901: "AvaTax answered with success, but its reply does not list every record sent, so "
    "nothing shows that those were created: query for them before sending them again.",
}

_RESERVED_HEADER = """
# Findings of AvaTax's replies

These findings are made by `certpreflight.avatax` when a send gets AvaTax's answer (or
none), not by a rule: no check finds them before sending, and `select` / `ignore` don't
apply. Each is an error.

"""


def catalogue_markdown(rules: Iterable[Rule]) -> str:
    """The whole catalogue as one Markdown document: an index table, then a section per
    rule, then one per finding made outside the catalogue (:data:`RESERVED_DOCS`)."""
    from certpreflight.rules import RESERVED_CODES  # noqa: PLC0415 - the package imports this one

    rules = tuple(rules)
    index = "".join(
        f"| [{r.code}](#{r.code}-{r.name}) | {r.name} | {r.type} | {r.severity.value} "
        f"| {_profiles(r)} | {_autofix(r)} |\n"
        for r in rules
    )
    reserved = "".join(
        f"\n## {code} {name}\n\n*{FAMILIES[code // 1000]}, error*\n\n"
        f"{markdown_from_rst(RESERVED_DOCS[code])}\n"
        for code, name in sorted(RESERVED_CODES.items())
    )
    body = "\n".join(rule_markdown(r) for r in rules)
    return _HEADER + index + "\n" + body + _RESERVED_HEADER.rstrip("\n") + "\n" + reserved


def reserved_text(code: int) -> str | None:
    """A finding made outside the catalogue as plain text (``certpreflight rule 5901``), or
    None for a code that is no such finding's."""
    from certpreflight.rules import RESERVED_CODES  # noqa: PLC0415 - the package imports this one

    if code not in RESERVED_CODES:
        return None
    return (
        f"{code} {RESERVED_CODES[code]} ({FAMILIES[code // 1000]}, error; made from AvaTax's "
        f"reply to a send, not by a rule)\n\n{plain_from_rst(RESERVED_DOCS[code])}\n"
    )


def rule_text(rule: Rule) -> str:
    """One rule as plain text for the terminal (``certpreflight rule CODE``)."""
    return (
        f"{rule.code} {rule.name} ({rule.type}, {rule.severity.value}, "
        f"profiles: {_profiles(rule)})\n\n"
        f"Message: {_shown(rule.message)}\n"
        f"Means:   {_shown(rule.summary)}\n"
        f"Fix:     {_shown(rule.fix)}\n"
        f"Autofix: {_autofix_line(rule)}\n"
        + (f"Found by: {_found_by(rule, str)}\n" if rule.found_by else "")
        + f"\n{plain_from_rst(rule.doc)}\n"
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
        "autofix": None
        if rule.autofix is None
        else {"kind": rule.autofix.kind, "description": rule.autofix.description},
        "found_by": list(rule.found_by),
        "doc": rule.doc,
    }
