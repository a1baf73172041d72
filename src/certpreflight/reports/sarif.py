"""The SARIF 2.1.0 report (GitHub code scanning, Azure DevOps, VS Code's SARIF viewer).

One ``run`` whose tool lists every rule of the catalogue (``ruleIndex`` is its place there)
and one ``result`` per finding: ``ruleId`` the code, ``level`` ``error``, ``warning`` or
``note``, the message and the fix, and the record's file and line as its physical location
(:func:`certpreflight.reports.ci.location`; a record read from standard input has none). The
format: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html; the tests validate
the report against its JSON schema.

The document is written as it goes: :func:`head` before the first result, the results of
each chunk (:func:`render`), then :func:`tail`: :data:`TAIL`, or when an input could not be
read, the run's ``invocations`` with ``executionSuccessful: false`` and a
``toolExecutionNotifications`` entry (level ``error``, the file's location) for each.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from typing import Any

from certpreflight import __version__
from certpreflight.findings import Finding, Report
from certpreflight.reports.ci import UNREAD_CHECK, Unread, fingerprint, location
from certpreflight.reports.json_doc import encode
from certpreflight.reports.tally import Result
from certpreflight.rules import CATALOGUE, Rule

__all__ = ["LEVEL", "SCHEMA", "TAIL", "head", "render", "tail"]

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: A finding's severity as a SARIF level.
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
TAIL = "\n]}]}\n"
_INDEX = {rule.code: i for i, rule in enumerate(CATALOGUE)}
_NO_SOURCE = "<stdin>"


def _what(rule: Rule) -> str:
    """The first paragraph of the rule's docs, without its "What it does:" heading."""
    first = " ".join(rule.doc.strip().split("\n\n")[0].split())
    return first.removeprefix("What it does:").strip() or rule.name


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": str(rule.code),
        "name": rule.name,
        "shortDescription": {"text": _what(rule)},
        "fullDescription": {"text": rule.doc.strip() or _what(rule)},
        "help": {"text": f"certpreflight rule {rule.code}"},
        "defaultConfiguration": {"level": LEVEL[rule.severity.value]},
        "properties": {"tags": [rule.type]},
    }


def head() -> str:
    """The document up to its first result: the schema, the version and the tool."""
    driver = {
        "name": "certpreflight",
        "version": __version__,
        "informationUri": "https://pypi.org/project/certpreflight/",
        "rules": [_rule(rule) for rule in CATALOGUE],
    }
    tool = encode({"driver": driver})
    return (
        f'{{"$schema": "{SCHEMA}", "version": "2.1.0",\n'
        f' "runs": [{{"tool": {tool}, "columnKind": "unicodeCodePoints",\n "results": [\n'
    )


def _uri(path: str) -> str:
    """A relative (or absolute) file path as a URI reference, separators as ``/``."""
    # a name's bytes that aren't UTF-8 (lone surrogates) as themselves: %FF
    return urllib.parse.quote(path.replace("\\", "/"), safe="/:", errors="surrogateescape")


def _result(source: str, report: Report, f: Finding) -> dict[str, Any]:
    text = f"{f.message} ({source}) fix: {f.fix}"
    result: dict[str, Any] = {
        "ruleId": str(f.code),
        "ruleIndex": _INDEX.get(f.code, -1),
        "level": LEVEL[f.severity.value],
        "message": {"text": text},
        "partialFingerprints": {"certpreflight/v1": fingerprint(source, report, f)},
    }
    path, line = location(source)
    if path != _NO_SOURCE:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
        if line is not None:
            physical["region"] = {"startLine": max(line, 1)}
        result["locations"] = [{"physicalLocation": physical}]
    if report.record_id is not None:
        result["properties"] = {"record": report.record_id, "kind": report.kind}
    return result


def render(results: Iterable[Result]) -> str:
    """The SARIF results of these results, one JSON object a line, comma-joined."""
    return ",\n".join(
        encode(_result(source, report, f)) for source, report in results for f in report.findings
    )


def _notification(path: str, why: str) -> dict[str, Any]:
    note: dict[str, Any] = {
        "level": "error",
        "message": {"text": why},
        "descriptor": {"id": UNREAD_CHECK},
    }
    if path != _NO_SOURCE:
        note["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": _uri(path)}}}]
    return note


def tail(unread: Iterable[Unread] = ()) -> str:
    """The document after its last result: :data:`TAIL`, with the run's invocation (not
    successful) when inputs could not be read (``unread``: each one's name and why)."""
    notes = [_notification(path, why) for path, why in unread]
    if not notes:
        return TAIL
    invocation = {"executionSuccessful": False, "toolExecutionNotifications": notes}
    return f'\n],\n "invocations": [{encode(invocation)}]}}]}}\n'
