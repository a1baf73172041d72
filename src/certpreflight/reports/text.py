"""Plain-text report: each certificate with its findings (code, message, fix), then a summary.

Colour (ANSI) only when asked for; the CLI asks when the stream is a terminal and
``NO_COLOR`` is unset (https://no-color.org). Text that comes from the input (sources,
ids, messages and fixes quoting values) passes through
:func:`~certpreflight.reports.printable.printable`: control characters in it are shown as
escapes, never sent to the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable

from certpreflight.reports.printable import printable
from certpreflight.reports.tally import Result, Tally

__all__ = ["render", "summary"]

_COLOURS = {"error": "31", "warning": "33", "info": "36", "ok": "32", "dim": "2", "bold": "1"}


def _paint(text: str, style: str, colour: bool) -> str:
    return f"\x1b[{_COLOURS[style]}m{text}\x1b[0m" if colour else text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render(results: Iterable[Result], *, colour: bool = False) -> str:
    """The lines for these results: a header line per certificate, two lines per finding."""
    lines: list[str] = []
    for raw_source, report in results:
        source = printable(raw_source)
        cid = printable(report.certificate_id or "(no id)")
        findings = report.findings
        if not findings:
            lines.append(f"{source}  certificate {cid}  {_paint('ok', 'ok', colour)}\n")
            continue
        n_err, n_warn = len(report.errors), len(report.warnings)
        verdict = _paint("FAIL", "error", colour) if n_err else _paint("ok", "ok", colour)
        counts = f"{_plural(n_err, 'error')}, {_plural(n_warn, 'warning')}"
        lines.append(f"{_paint(source, 'bold', colour)}  certificate {cid}  {verdict} ({counts})\n")
        for f in findings:
            severity = _paint(f"{f.severity.value:<7}", f.severity.value, colour)
            lines.append(f"  {f.code} {severity} {printable(f.message)}\n")
            lines.append(f"               {_paint('fix: ' + printable(f.fix), 'dim', colour)}\n")
    return "".join(lines)


def summary(tally: Tally, *, colour: bool = False, top: int = 10) -> str:
    """The closing summary: totals, then the most frequent problems."""
    lines = [
        "\n",
        _paint(
            f"{_plural(tally.certificates, 'certificate')} checked: {tally.ok} ok, "
            f"{tally.with_errors} with errors, {tally.with_warnings} with warnings",
            "bold",
            colour,
        )
        + "\n",
    ]
    common = tally.most_common(top)
    if common:
        lines.append("most frequent problems:\n")
        width = len(str(common[0][2]))
        lines += [f"  {count:>{width}}  {code} {name}\n" for code, name, count in common]
    return "".join(lines)
