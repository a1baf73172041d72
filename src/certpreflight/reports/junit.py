"""The JUnit XML report (Jenkins, GitLab test reports, Azure Pipelines, CircleCI).

Each record is a ``testcase`` (``classname`` its file, ``name`` its kind, id and source); a
record with findings at or above ``--fail-on`` has a ``failure`` listing them, and the others'
findings (below that level) are in its ``system-out``. One ``testsuite`` holds them all, in
the shape pytest's ``--junitxml`` writes and Jenkins reads
(Jenkins xunit-plugin's ``junit-10.xsd``, https://github.com/jenkinsci/xunit-plugin/blob/master/src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd):
``tests`` and ``failures`` counted, ``skipped`` 0. An input that could not be read is a
testcase with an ``error`` (:func:`unread_cases`), counted in ``errors``.

Text from the input is escaped for XML, and characters XML 1.0 can't hold (control
characters, lone surrogates) are written as ``\\x..`` escapes
(:func:`~certpreflight.reports.printable.printable`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from certpreflight.findings import Report, Severity
from certpreflight.reports.ci import UNREAD_CHECK, Unread, location
from certpreflight.reports.printable import printable
from certpreflight.reports.tally import Result

__all__ = ["document", "render", "unread_cases"]

_NOT_XML = re.compile("[\ufffe\uffff]")


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("?", printable(value, lines=True)))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("?", printable(value)))


def _lines(report: Report, failing: bool, rank: int) -> str:
    return "".join(
        f"{f.code} {f.name} {f.severity.value}: {f.message}\n  fix: {f.fix}\n"
        for f in report.findings
        if (f.severity.rank >= rank) is failing
    )


def _case(source: str, report: Report, rank: int) -> str:
    path, _ = location(source)
    name = f"{report.kind or 'record'} {report.record_id or '(no id)'} ({source})"
    out = f'<testcase classname={_attr(path)} name={_attr(name)} time="0"'
    failing = [f for f in report.findings if f.severity.rank >= rank]
    if not report.findings:
        return out + "/>\n"
    body = ""
    if failing:
        first = failing[0]
        message = f"{len(failing)} finding{'s' if len(failing) > 1 else ''}: {first.message}"
        kind = f"{first.code} {first.name}"
        body += (
            f"<failure message={_attr(message)} type={_attr(kind)}>"
            f"{_text(_lines(report, True, rank))}</failure>"
        )
    rest = _lines(report, False, rank)
    if rest:
        body += f"<system-out>{_text(rest)}</system-out>"
    return f"{out}>{body}</testcase>\n"


def render(results: Iterable[Result], fail_on: str = "error") -> str:
    """One ``testcase`` element a record: a failure for findings at or above ``fail_on``."""
    rank = Severity(fail_on).rank
    return "".join(_case(source, report, rank) for source, report in results)


def unread_cases(unread: Iterable[Unread]) -> str:
    """A ``testcase`` with an ``error`` for each input that could not be read."""
    return "".join(
        f"<testcase classname={_attr(path)} name={_attr(f'input {path} (not read)')} "
        f'time="0"><error message={_attr(why)} type="{UNREAD_CHECK}">{_text(why)}</error>'
        "</testcase>\n"
        for path, why in unread
    )


def document(
    *, tests: int, failures: int, errors: int = 0, name: str = "certpreflight"
) -> tuple[str, str]:
    """The XML before and after the ``testcase`` elements of a run."""
    counts = f'tests="{tests}" failures="{failures}" errors="{errors}" skipped="0"'
    before = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<testsuites name={_attr(name)} {counts}>\n"
        f'<testsuite name={_attr(name)} {counts} time="0">\n'
    )
    return before, "</testsuite>\n</testsuites>\n"
