"""The one CSV writer: every CSV the CLI writes goes through :func:`cell`, the CSV report
(:func:`render`: a row per finding, a clean certificate one ``ok`` row) included.

A cell holding a comma, a quote, a line feed *or a bare carriage return* is quoted (the
csv module quotes only the characters of its ``lineterminator``, so ``"C-1\\r=1+1"`` went
out unquoted and a spreadsheet started a new row at the CR). A cell that a spreadsheet
would run as a formula, starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (OWASP, https://owasp.org/www-community/attacks/CSV_Injection), gets a leading
``'``. Rows end in ``\\n``. ``check --fix`` writes a user's own cells back without the
guard (``guard=False``): there the text is the data, and a ``'`` would change it.
"""

from __future__ import annotations

from collections.abc import Iterable

from certpreflight.reports.printable import surrogates_escaped
from certpreflight.reports.tally import Result

__all__ = ["FORMULA_START", "HEADER", "cell", "header", "render", "row", "safe_cell"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTE_IF = frozenset(',"\r\n')


def safe_cell(value: object) -> str:
    """The cell text, with a leading ``'`` if a spreadsheet would read it as a formula, and
    lone surrogates (a file name's bytes that aren't UTF-8) written ``\\udcff``."""
    text = "" if value is None else surrogates_escaped(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def cell(value: object, *, guard: bool = True) -> str:
    """One cell as it goes in the file: neutralised (:func:`safe_cell`) when ``guard``, quoted
    if needed."""
    text = safe_cell(value) if guard else "" if value is None else str(value)
    if _QUOTE_IF.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def row(values: Iterable[object], *, guard: bool = True) -> str:
    """One CSV line, ``\\n`` included."""
    return ",".join(cell(v, guard=guard) for v in values) + "\n"


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
