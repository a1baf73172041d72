"""CSV report: one row per finding, spreadsheet-safe.

A certificate without findings gets one row with severity ``ok`` and no code, so every
record appears. Every cell goes through :mod:`certpreflight.reports.csv_cells`: quoted
when it holds a comma, quote, LF or CR, and a leading ``'`` when a spreadsheet would run
it as a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return first).
"""

from __future__ import annotations

from collections.abc import Iterable

from certpreflight.reports.csv_cells import row, safe_cell
from certpreflight.reports.tally import Result

__all__ = ["HEADER", "header", "render", "safe_cell"]

HEADER = (
    "source",
    "certificate_id",
    "customer_number",
    "code",
    "name",
    "severity",
    "message",
    "fix",
)


def header() -> str:
    """The header row."""
    return row(HEADER)


def render(results: Iterable[Result]) -> str:
    """The rows for these results."""
    lines: list[str] = []
    for source, report in results:
        cid = report.certificate_id
        if not report.findings:
            lines.append(row((source, cid, "", "", "", "ok", "", "")))
            continue
        for f in report.findings:
            lines.append(
                row(
                    (
                        source,
                        cid,
                        f.customer_number,
                        f.code,
                        f.name,
                        f.severity.value,
                        f.message,
                        f.fix,
                    )
                )
            )
    return "".join(lines)
