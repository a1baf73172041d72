"""Plain-text report, as a linter prints one: the certificates with findings, then a summary.

Each certificate with findings gets a header line (``FAIL`` with errors, ``WARN`` with
warnings only, ``INFO`` with notes only) and two lines per finding: code, severity and
message, then the fix, wrapped to ``width`` when one is given (a terminal's). Clean
certificates are listed only when asked (``show_ok``). The summary counts certificates
``ok`` (no errors, no warnings), ``with errors`` and ``with warnings`` (and no errors),
which add up to the certificates checked; :func:`statistics` counts findings per code,
as ``ruff --statistics`` does.

Colour (ANSI) only when asked for; the CLI decides (``--color``, ``NO_COLOR``,
``FORCE_COLOR``). Text that comes from the input (sources, ids, messages and fixes quoting
values) passes through :func:`~certpreflight.reports.printable.printable`: control
characters in it are shown as escapes, never sent to the terminal.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from certpreflight.findings import Report
from certpreflight.reports.printable import printable
from certpreflight.reports.tally import FILE, UNREADABLE, Result, Tally
from certpreflight.rules import fixable_code

__all__ = ["closing", "paint", "plural", "render", "statistics", "summary", "summary_line"]

_COLOURS = {"error": "31", "warning": "33", "info": "36", "ok": "32", "dim": "2", "bold": "1"}
_FIX_INDENT = " " * 15


def paint(text: str, style: str, colour: bool) -> str:
    """``text`` in the colour of ``style`` (a severity, ``ok``, ``dim``, ``bold``) when
    ``colour``, else as it is."""
    return f"\x1b[{_COLOURS[style]}m{text}\x1b[0m" if colour else text


def plural(n: int, word: str) -> str:
    """``1 finding``, ``3 findings``: a count and its noun in the right number."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _verdict(report: Report, colour: bool) -> str:
    """``FAIL (2 errors, 1 warning)``, ``WARN (1 warning)``, ``INFO (1 info)``: non-zero counts."""
    n_err, n_warn = len(report.errors), len(report.warnings)
    n_info = len(report.findings) - n_err - n_warn
    counts = [plural(n, word) for n, word in ((n_err, "error"), (n_warn, "warning")) if n]
    if n_info:
        counts.append(f"{n_info} info")
    if n_err:
        word = paint("FAIL", "error", colour)
    elif n_warn:
        word = paint("WARN", "warning", colour)
    else:
        word = paint("INFO", "info", colour)
    return f"{word} ({', '.join(counts)})"


def _fix(text: str, width: int | None) -> str:
    line = "fix: " + text
    if width is None or width <= len(_FIX_INDENT) + 20:
        return line
    return textwrap.fill(
        line, width - len(_FIX_INDENT), subsequent_indent="     ", break_on_hyphens=False
    )


def render(
    results: Iterable[Result],
    *,
    colour: bool = False,
    show_ok: bool = False,
    width: int | None = None,
) -> str:
    """The lines for these results: a header line per certificate, two or more per finding.

    Clean certificates only with ``show_ok``; fixes wrapped to ``width`` if given.
    """
    lines: list[str] = []
    for raw_source, report in results:
        source = printable(raw_source)
        what = f"{report.kind or 'record'} {printable(report.record_id or '(no id)')}"
        findings = report.findings
        if not findings:
            if show_ok:
                lines.append(f"{source}  {what}  {paint('ok', 'ok', colour)}\n")
            continue
        head = paint(source, "bold", colour)
        lines.append(f"{head}  {what}  {_verdict(report, colour)}\n")
        for f in findings:
            severity = paint(f"{f.severity.value:<7}", f.severity.value, colour)
            mark = "[*] " if fixable_code(f.code) else ""
            lines.append(f"  {f.code} {severity} {mark}{printable(f.message)}\n")
            fix = _fix(printable(f.fix), width).replace("\n", "\n" + _FIX_INDENT)
            lines.append(f"{_FIX_INDENT}{paint(fix, 'dim', colour)}\n")
    return "".join(lines)


#: How the summary line names what ``Tally.kinds`` counts apart from records of a kind.
_KIND_NAMES = {UNREADABLE: "unreadable record", FILE: "file finding"}


def summary_line(tally: Tally, *, colour: bool = False) -> str:
    """``N certificates checked: A ok, B with errors, C with warnings`` (A + B + C = N); with
    records of other kinds ``N records checked (C certificates, D customers, E links): ...``."""
    kinds = tally.kinds
    if set(kinds) <= {"certificate"}:
        what = plural(tally.certificates, "certificate")
    else:
        parts = [plural(kinds[k], _KIND_NAMES.get(k, k)) for k in sorted(kinds)]
        what = f"{plural(tally.certificates, 'record')} ({', '.join(parts)})"
    text = (
        f"{what} checked: {tally.ok} ok, "
        f"{tally.with_errors} with errors, {tally.with_warnings} with warnings"
    )
    return paint(text, "bold", colour) + "\n"


def statistics(tally: Tally) -> str:
    """Findings per code, most first, as ``ruff --statistics``: count, code, name, severity."""
    common = tally.most_common()
    if not common:
        return ""
    width = len(str(common[0][2]))
    return "".join(
        f"{count:>{width}}\t{code}\t{tally.rules[code][1]:<7}\t{name}\n"
        for code, name, count in common
    )


def summary(tally: Tally, *, colour: bool = False, top: int = 10) -> str:
    """The closing summary: totals, then the most frequent problems."""
    lines = ["\n", summary_line(tally, colour=colour)]
    common = tally.most_common(top)
    if common:
        lines.append("most frequent problems:\n")
        width = len(str(common[0][2]))
        lines += [f"  {count:>{width}}  {code} {name}\n" for code, name, count in common]
    return "".join(lines)


def fixable_line(tally: Tally) -> str:
    """``[*] N fixable with `certpreflight check --fix```, as ruff says it; empty for none."""
    count = sum(n for code, n in tally.by_code.items() if fixable_code(code))
    return f"[*] {count} fixable with `certpreflight check --fix`\n" if count else ""


def closing(tally: Tally, *, colour: bool = False, quiet: bool = False, stats: bool = False) -> str:
    """What ends a text report: the statistics if asked, then the summary (one line if
    quiet), then, unless quiet, how many findings ``--fix`` repairs (``[*]`` in the listing)."""
    if stats:
        return statistics(tally) + summary_line(tally, colour=colour) + fixable_line(tally)
    if quiet:
        return summary_line(tally, colour=colour)
    return summary(tally, colour=colour) + fixable_line(tally)
