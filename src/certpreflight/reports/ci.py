"""The formats CI systems read: GitHub workflow commands, GitLab Code Quality, one-line text.

Each renders a chunk of ``(source, Report)`` results, a line (or a JSON object) per finding;
a clean record writes nothing. The file and line come from the record's source
(:func:`location`): ``file:line`` for JSON, NDJSON and CSV records, ``file:sheet:row`` for a
workbook's (its spreadsheet row is its line; the sheet is in the message).

* ``github``: ``::error file=F,line=N,title=T::message`` per finding, warnings as
  ``::warning``, notes as ``::notice``
  (https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions). The
  message and the properties are escaped as the Actions runner reads them back
  (``%`` ``\\r`` ``\\n`` always, ``:`` ``,`` in properties: ``escapeData`` and
  ``escapeProperty`` of https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts).
* ``gitlab``: a JSON array of Code Quality issues, ``description``, ``check_name``,
  ``fingerprint``, ``severity``, ``location.path`` and ``location.lines.begin``
  (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format). Errors are
  ``major``, warnings ``minor``, notes ``info``. The fingerprint hashes the file, the record's
  id (its line when it has none), the code, the field and the message: it stays the same when
  lines move, and differs for two findings of one record.
An input that can't be read (:data:`Unread`) is said in each CI format too, not on stderr
alone: ``github`` an ``::error file=F`` command, ``gitlab`` a ``major`` issue at its line 1
(:func:`github_unread`, :func:`gitlab_unread`; SARIF and JUnit in their modules).

* ``concise``: ``file:line: CODE severity [*] message``, one line per finding, as ``ruff
  --output-format concise``; ``[*]`` marks what ``check --fix`` repairs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from certpreflight.findings import Finding, Report, loc_to_pointer
from certpreflight.reports.json_doc import encode
from certpreflight.reports.printable import printable
from certpreflight.reports.tally import Result
from certpreflight.rules import fixable_code

__all__ = [
    "GITHUB_COMMAND",
    "GITLAB_SEVERITY",
    "UNREAD_CHECK",
    "Unread",
    "concise",
    "escape_data",
    "escape_property",
    "fingerprint",
    "github",
    "github_unread",
    "gitlab",
    "gitlab_unread",
    "location",
]

#: A finding's severity as a GitHub workflow command.
GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
#: A finding's severity on GitLab's scale (info, minor, major, critical, blocker).
GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
#: The marker of a finding ``check --fix`` repairs (ruff's).
FIXABLE = "[*] "
#: An input that could not be read: its name as shown, and why (the message on stderr).
Unread = tuple[str, str]
#: The check name of an input that could not be read, in the CI formats.
UNREAD_CHECK = "input-not-read"
#: Suffixes of inputs whose records are not text lines.
_SHEETS = (".xlsx",)


def location(source: str) -> tuple[str, int | None]:
    """The file and the line a record's source names: ``("a.ndjson", 12)`` for
    ``a.ndjson:12``; a workbook's ``b.xlsx:Sheet1:3`` is ``("b.xlsx", 3)`` (the spreadsheet
    row, which is what a reader of the sheet looks for), and a source without a line is the
    whole source and None."""
    head, _, tail = source.rpartition(":")
    if not head or not tail.isdigit():
        return source, None
    book, _, _ = head.rpartition(":")
    return (book if book.lower().endswith(_SHEETS) else head), int(tail)


def _findings(results: Iterable[Result]) -> Iterator[tuple[str, Report, Finding]]:
    for source, report in results:
        for finding in report.findings:
            yield source, report, finding


def concise(results: Iterable[Result]) -> str:
    """One line per finding: ``file:line: CODE severity [*] message``."""
    return "".join(
        f"{printable(source)}: {f.code} {f.severity.value} "
        f"{FIXABLE if fixable_code(f.code) else ''}{printable(f.message)}\n"
        for source, _, f in _findings(results)
    )


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as the runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (``file``, ``title``), escaped."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _record(report: Report) -> str:
    what = report.kind or "record"
    return f"{what} {report.record_id}" if report.record_id is not None else what


def github(results: Iterable[Result]) -> str:
    """One workflow command per finding: the message, then the fix on a second line."""
    lines = []
    for source, report, f in _findings(results):
        path, line = location(source)
        where = f"file={escape_property(path)}"
        if line is not None:
            where += f",line={line}"
        title = escape_property(f"certpreflight {f.code} {f.name} ({_record(report)})")
        body = escape_data(f"{source}: {f.message}\nfix: {f.fix}")
        lines.append(f"::{GITHUB_COMMAND[f.severity.value]} {where},title={title}::{body}\n")
    return "".join(lines)


def fingerprint(source: str, report: Report, finding: Finding) -> str:
    """A Code Quality issue's fingerprint: stable across runs, unique within one."""
    path, _ = location(source)
    record = report.record_id if report.record_id is not None else source
    parts = (
        path,
        record,
        str(finding.code),
        loc_to_pointer(finding.loc),
        finding.customer_number or "",
        finding.message,
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def gitlab(results: Iterable[Result]) -> str:
    """The Code Quality issues of these results, one JSON object a line, comma-joined."""
    issues = []
    for source, report, f in _findings(results):
        path, line = location(source)
        issue = {
            "description": f"{f.message} ({_record(report)}; fix: {f.fix})",
            "check_name": f"{f.code} {f.name}",
            "fingerprint": fingerprint(source, report, f),
            "severity": GITLAB_SEVERITY[f.severity.value],
            "location": {"path": path, "lines": {"begin": line or 1}},
        }
        issues.append(encode(issue))
    return ",\n".join(issues)


def github_unread(unread: Iterable[Unread]) -> str:
    """An ``::error`` command for each input that could not be read."""
    return "".join(
        f"::error file={escape_property(path)},"
        f"title={escape_property(f'certpreflight {UNREAD_CHECK}')}::{escape_data(why)}\n"
        for path, why in unread
    )


def gitlab_unread(unread: Iterable[Unread]) -> str:
    """A Code Quality issue for each input that could not be read, comma-joined."""
    return ",\n".join(
        encode(
            {
                "description": why,
                "check_name": UNREAD_CHECK,
                "fingerprint": hashlib.sha256(
                    f"{path}\0{UNREAD_CHECK}".encode("utf-8", "surrogatepass")
                ).hexdigest(),
                "severity": "major",
                "location": {"path": path, "lines": {"begin": 1}},
            }
        )
        for path, why in unread
    )
