"""CSV report: one row per finding, spreadsheet-safe.

A certificate without findings gets one row with severity ``ok`` and no code, so every
record appears. Cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return; OWASP "CSV injection") get a leading
``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

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

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell text, with a leading ``'`` if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def header() -> str:
    """The header row."""
    return ",".join(HEADER) + "\n"


def render(results: Iterable[Result]) -> str:
    """The rows for these results."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for source, report in results:
        cid = safe_cell(report.certificate_id)
        src = safe_cell(source)
        if not report.findings:
            writer.writerow((src, cid, "", "", "", "ok", "", ""))
            continue
        for f in report.findings:
            writer.writerow(
                (
                    src,
                    cid,
                    safe_cell(f.customer_number),
                    f.code,
                    f.name,
                    f.severity.value,
                    safe_cell(f.message),
                    safe_cell(f.fix),
                )
            )
    return buffer.getvalue()
