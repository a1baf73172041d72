"""The reason x region matrix for people: a grid, one row or column, one cell, a heat map.

Used by ``certpreflight matrix``. A selection is a list of ``(reason, region, cell)``
with ``cell`` None where nothing is known (status ``unknown``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from html import escape

from certpreflight.reference.matrix import Cell, ExemptionMatrix
from certpreflight.reference.reasons import all_reasons
from certpreflight.reports.html_page import page

__all__ = ["COLUMNS", "Selection", "render", "select"]

Selection = list[tuple[str, str, Cell | None]]

COLUMNS = ("region", "reason", "status", "confidence", "basis", "condition", "source")
_SYMBOL = {"exempt": "Y", "not_exempt": "N", "partial": "P", "unknown": "."}
_LEGEND = (
    "Y exempt, N not exempt, P partial (conditions apply), . unknown; "
    "upper case: Avalara's own statement (sourced), lower case: from law or inference."
)


def select(matrix: ExemptionMatrix, reason: str | None, region: str | None) -> Selection:
    """The cells for one reason and/or one region (codes), or the whole matrix."""
    reasons = (reason,) if reason else matrix.reasons()
    regions = (region,) if region else matrix.regions()
    return [(rs, rg, matrix.cell_by_code(rs, rg)) for rg in regions for rs in reasons]


def _row(reason: str, region: str, cell: Cell | None) -> dict[str, str]:
    if cell is None:
        return dict.fromkeys(COLUMNS, "") | {
            "region": region,
            "reason": reason,
            "status": "unknown",
        }
    return {
        "region": region,
        "reason": reason,
        "status": cell.status,
        "confidence": cell.confidence,
        "basis": cell.basis,
        "condition": cell.condition,
        "source": cell.source,
    }


def _symbol(cell: Cell | None) -> str:
    if cell is None:
        return _SYMBOL["unknown"]
    mark = _SYMBOL[cell.status]
    return mark if cell.confidence == "sourced" else mark.lower()


def _axes(selection: Selection) -> tuple[list[str], list[str]]:
    reasons = list(dict.fromkeys(reason for reason, _, _ in selection))
    regions = list(dict.fromkeys(region for _, region, _ in selection))
    return reasons, regions


def _text(selection: Selection) -> str:
    if len(selection) == 1:
        row = _row(*selection[0])
        return "".join(f"{k:<11}{v or '-'}\n" for k, v in row.items())
    reasons, regions = _axes(selection)
    if len(reasons) == 1 or len(regions) == 1:
        rows = [_row(*item) for item in selection]
        lines = [
            f"{'region':<8}{'reason':<7}{'status':<11}{'confidence':<11}{'basis':<10}condition"
        ]
        lines += [
            f"{r['region']:<8}{r['reason']:<7}{r['status']:<11}{r['confidence']:<11}"
            f"{r['basis']:<10}{r['condition']}"
            for r in rows
        ]
        return "\n".join(lines) + "\n"
    cells = {(reason, region): cell for reason, region, cell in selection}
    lines = ["region  " + " ".join(reasons)]
    for region in regions:
        marks = " ".join(_symbol(cells[reason, region]) for reason in reasons)
        lines.append(f"{region:<8}{marks}")
    return "\n".join([*lines, "", _LEGEND]) + "\n"


def _html(selection: Selection) -> str:
    reasons, regions = _axes(selection)
    names = {r.code: r.avatax_name for r in all_reasons()}
    cells = {(reason, region): cell for reason, region, cell in selection}
    head = "".join(f'<th title="{escape(names.get(r, r))}">{escape(r)}</th>' for r in reasons)
    rows = [
        f'<table id="heatmap" class="heat"><thead><tr><th>region</th>{head}</tr></thead><tbody>'
    ]
    for region in regions:
        tds = []
        for reason in reasons:
            cell = cells[reason, region]
            status = "unknown" if cell is None else cell.status
            inferred = " inferred" if cell is not None and cell.confidence == "inferred" else ""
            tip = f"{reason} in {region}: {status}"
            if cell is not None:
                tip += f" ({cell.confidence}, {cell.basis}) {cell.condition} {cell.source}"
            tds.append(
                f'<td class="s-{status}{inferred}" title="{escape(tip.strip())}">'
                f"{escape(_symbol(cell))}</td>"
            )
        rows.append(f"<tr><th>{escape(region)}</th>{''.join(tds)}</tr>")
    rows.append("</tbody></table>\n")
    body = f"<p>{escape(_LEGEND)}</p>\n{_reason_legend(reasons, names)}{''.join(rows)}"
    return page("Exempt reason x region matrix", body)


def _reason_legend(reasons: Sequence[str], names: Mapping[str, str]) -> str:
    """The column heads' reasons by name: ``G  RESALE``, one per column."""
    items = "".join(f"<dt>{escape(r)}</dt><dd>{escape(names.get(r, r))}</dd>" for r in reasons)
    return (
        '<h2 id="reasons">Reasons (column heads)</h2>\n'
        f'<dl id="reason-legend" class="legend">{items}</dl>\n'
    )


def render(selection: Sequence[tuple[str, str, Cell | None]], fmt: str) -> str:
    """The selection as ``text``, ``csv`` (long format), ``json`` or ``html`` (heat map)."""
    items = list(selection)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_row(*item) for item in items)
        return buffer.getvalue()
    if fmt == "json":
        rows = [_row(*item) for item in items]
        return json.dumps(rows[0] if len(rows) == 1 else rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        return _html(items)
    return _text(items)
