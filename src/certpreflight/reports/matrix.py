"""The reason x region matrix for people: a grid, one row or column, one cell, a heat map.

Used by ``certpreflight matrix``. A selection is a list of ``(reason, region, cell)``
with ``cell`` None where nothing is known (status ``unknown``). Every view shows where a
cell comes from: Avalara's own statement (``sourced``), the law on an official source, or
a secondary source (or low certainty), which warns at most. CSV cells that a spreadsheet
would run as a formula get a leading ``'`` (:func:`certpreflight.reports.csv_cells.safe_cell`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from certpreflight.reference.matrix import CSV_COLUMNS, Cell, ExemptionMatrix
from certpreflight.reference.reasons import all_reasons
from certpreflight.reports.csv_cells import row
from certpreflight.reports.html_page import escape, page

__all__ = ["COLUMNS", "Selection", "render", "select"]

Selection = list[tuple[str, str, Cell | None]]

COLUMNS = CSV_COLUMNS
_SYMBOL = {"exempt": "Y", "not_exempt": "N", "partial": "P", "unknown": "."}
_LEGEND = (
    "Y exempt, N not exempt, P partial (conditions apply), . unknown; "
    "upper case: Avalara's own statement (sourced), lower case: the law or another official "
    "source (inferred), ~ after a mark: a secondary source or low certainty (a warning at most)."
)
#: The heat map's provenance marks: Avalara framed and bold, the law plain, secondary striped.
_PROVENANCE_STYLE = (
    ".heat td.p-avalara{font-weight:bold;box-shadow:inset 0 0 0 2px #334155}"
    ".heat td.p-secondary{font-style:italic;background-image:repeating-linear-gradient("
    "135deg,transparent 0 4px,rgba(255,255,255,.75) 4px 8px)}"
    ".key td{padding:.15rem .5rem;border:1px solid #fff}.key td+td{text-align:left}"
    # the header row and the region column stay in view while the grid scrolls
    ".heat thead th{position:sticky;top:0;z-index:2;background:#fff;"
    "box-shadow:0 1px 0 #9aa5b1}"
    ".heat tbody th{position:sticky;left:0;z-index:1;background:#fff}"
    # each cell's tooltip: shown on hover, and on keyboard focus (the cells are tabbable)
    ".heat td{position:relative;cursor:default}"
    ".heat td .tip{display:none;position:absolute;top:100%;left:0;z-index:3;width:24rem;"
    "padding:.4rem .6rem;border-radius:4px;background:#1d2430;color:#fff;text-align:left;"
    "font-size:.8rem;font-weight:normal;font-style:normal;line-height:1.35;"
    "overflow-wrap:anywhere;box-shadow:0 2px 8px rgba(0,0,0,.3)}"
    ".heat td .tip.left{left:auto;right:0}.heat td .tip a{color:#bfdbfe}"
    ".heat td:hover .tip,.heat td:focus .tip{display:block}"
    ".heat td:focus{outline:2px solid #175cd3}"
)
_PROVENANCE_KEY = (
    ("s-exempt p-avalara", "Y", "Avalara's own statement: predicts the sync error"),
    ("s-exempt p-law", "y", "the law or another official source (statute, regulation, "
     "revenue department, MTC, SST, federal, an Avalara form guide): a warning at most"),
    ("s-exempt p-secondary", "y~", "a secondary source or low certainty: a warning at most"),
    ("s-unknown", ".", "unknown: no source, never a finding"),
)  # fmt: skip


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
        "source_kind": cell.source_kind,
        "read": cell.read,
        "certainty": cell.certainty,
    }


def _provenance(cell: Cell | None) -> str:
    """``avalara``, ``law`` (official), ``secondary`` (or low certainty) or ``unknown``."""
    if cell is None:
        return "unknown"
    if cell.secondary:
        return "secondary"
    return "avalara" if cell.confidence == "sourced" else "law"


def _symbol(cell: Cell | None) -> str:
    """The cell's letter (upper case for Avalara's statements) and ``~`` if secondary."""
    if cell is None:
        return _SYMBOL["unknown"]
    mark = _SYMBOL[cell.status]
    mark = mark if cell.confidence == "sourced" else mark.lower()
    return mark + "~" if cell.secondary else mark


def _axes(selection: Selection) -> tuple[list[str], list[str]]:
    reasons = list(dict.fromkeys(reason for reason, _, _ in selection))
    regions = list(dict.fromkeys(region for _, region, _ in selection))
    return reasons, regions


def _aligned(rows: Sequence[Sequence[str]], gap: int = 1) -> str:
    """Rows of cells in columns as wide as their widest cell, ``gap`` spaces apart (the last
    column unpadded), so no two columns run together whatever the data holds."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = (
        (" " * gap).join(cell.ljust(width) for cell, width in zip(r, widths, strict=True)).rstrip()
        for r in rows
    )
    return "\n".join(lines) + "\n"


_LISTED = (
    ("region", "region"),
    ("reason", "reason"),
    ("status", "status"),
    ("confidence", "confidence"),
    ("kind", "source_kind"),
    ("certainty", "certainty"),
    ("condition", "condition"),
)


def _text(selection: Selection) -> str:
    if len(selection) == 1:
        row = _row(*selection[0])
        return _aligned([(k, v or "-") for k, v in row.items()], gap=2)
    reasons, regions = _axes(selection)
    if len(reasons) == 1 or len(regions) == 1:
        rows = [_row(*item) for item in selection]
        table = [[head for head, _ in _LISTED]]
        table += [[r[key] for _, key in _LISTED] for r in rows]
        return _aligned(table, gap=2)
    cells = {(reason, region): cell for reason, region, cell in selection}
    # a mark is its letter and "~" (secondary): two characters at most, a space between
    grid = [["region", *(r.ljust(2) for r in reasons)]]
    grid += [[region, *(_symbol(cells[r, region]) for r in reasons)] for region in regions]
    return _aligned(grid) + "\n" + _LEGEND + "\n"


def _html(selection: Selection) -> str:
    reasons, regions = _axes(selection)
    names = {r.code: r.avatax_name for r in all_reasons()}
    cells = {(reason, region): cell for reason, region, cell in selection}
    head = "".join(f'<th title="{escape(names.get(r, r))}">{escape(r)}</th>' for r in reasons)
    rows = [
        f'<table id="heatmap" class="heat"><thead><tr><th>region</th>{head}</tr></thead><tbody>'
    ]
    half = len(reasons) // 2
    for region in regions:
        tds = []
        for column, reason in enumerate(reasons):
            cell = cells[reason, region]
            status = "unknown" if cell is None else cell.status
            provenance = _provenance(cell)
            classes = f"s-{status}" if cell is None else f"s-{status} p-{provenance}"
            side = " left" if column > half else ""  # the right half's tips open leftwards
            tds.append(
                f'<td class="{classes}" tabindex="0">{escape(_symbol(cell))}'
                f'<span class="tip{side}" role="tooltip">{_tip(reason, region, cell)}</span></td>'
            )
        rows.append(f'<tr id="{escape(region)}"><th>{escape(region)}</th>{"".join(tds)}</tr>')
    rows.append("</tbody></table>\n")
    key = "".join(
        f'<tr><td class="{css}">{escape(mark)}</td><td>{escape(text)}</td></tr>'
        for css, mark, text in _PROVENANCE_KEY
    )
    head = (
        f"<style>{_PROVENANCE_STYLE}</style>\n<p>{escape(_LEGEND)}</p>\n"
        f'<table class="key heat"><tbody>{key}</tbody></table>\n'
        f"{_reason_legend(reasons, names)}"
    )
    return page("Exempt reason x region matrix", head + "".join(rows))


def _tip(reason: str, region: str, cell: Cell | None) -> str:
    """A cell's tooltip (HTML): its status, where it comes from, its condition and source."""
    if cell is None:
        return f"{escape(reason)} in {escape(region)}: unknown<br>no source: never a finding"
    origin = {
        "avalara": "Avalara's own statement (sourced): predicts the sync error",
        "law": "the law or another official source (inferred): a warning at most",
        "secondary": "a secondary source or low certainty: a warning at most",
    }[_provenance(cell)]
    source = escape(cell.source) or "-"
    if cell.source.startswith(("https://", "http://")):
        source = f'<a href="{escape(cell.source)}" rel="noreferrer">{source}</a>'
    details = ", ".join(
        part
        for part in (
            cell.source_kind,
            f"read {cell.read}" if cell.read else "",
            f"certainty {cell.certainty}" if cell.certainty else "",
        )
        if part
    )
    return (
        f"{escape(reason)} in {escape(region)}: {escape(cell.status)}<br>{escape(origin)}<br>"
        f"condition: {escape(cell.condition) or '-'}<br>source: {source} ({escape(details)})"
    )


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
    if fmt == "csv":  # the one cell writer (reports/csv_cells): quoted, formulas neutralised
        lines = [row(COLUMNS)]
        lines += [row(_row(*item).get(c, "") for c in COLUMNS) for item in items]
        return "".join(lines)
    if fmt == "json":
        rows = [_row(*item) for item in items]
        return json.dumps(rows[0] if len(rows) == 1 else rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        return _html(items)
    return _text(items)
