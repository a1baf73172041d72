"""``certpreflight coverage``'s report: each transaction's decision as it is decided, then the
coverage of customers by region, then the totals; as text, JSON, CSV or HTML.

The transactions stream (a million of them are written one by one, never held); the
coverage rows and the totals come at the end. The JSON document is
``{"transactions": [...], "coverage": [...], "totals": {...}}``, transactions in input order.
CSV is one row per transaction finding (an exempt sale without findings: one row) and per
coverage pair, through the one cell writer (:mod:`certpreflight.reports.csv_cells`). HTML
(:mod:`certpreflight.reports.html_page`'s page, the matrix heat map's look) shows the
exposure first (gaps in coverage, sales taxed by cause, with examples), then the grid of
customers by regions coloured by status.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any, TextIO

from certpreflight.coverage import Coverage, Decision, PartDecision
from certpreflight.findings import Finding, Severity
from certpreflight.reports.csv_cells import row
from certpreflight.reports.html_page import page
from certpreflight.reports.text import paint

__all__ = ["FORMATS", "GAPS", "Totals", "Writer", "coverage_fails", "writer"]

FORMATS = ("text", "json", "csv", "html")
#: The coverage statuses that are exposure (a sale there is taxed).
GAPS = ("missing", "expired", "invalid")
CSV_COLUMNS = (
    "kind",
    "source",
    "customer",
    "region",
    "status",
    "certificate_id",
    "code",
    "severity",
    "message",
    "fix",
)
#: A coverage status's weight for ``--fail-on``: a gap taxes the customer's sales there, as
#: the sale findings that say so are warnings; an expiry ahead is a note.
STATUS_SEVERITY = {
    "missing": Severity.WARNING,
    "expired": Severity.WARNING,
    "invalid": Severity.WARNING,
    "expiring": Severity.INFO,
}
#: The colour of a decision's status in the text report.
_STATUS_STYLE = {"exempt": "ok", "partial": "warning", "taxable": "error"}
#: HTML: how many example sales a cause lists, and how many customers the grid shows.
EXAMPLES_PER_CAUSE = 20
GRID_CUSTOMERS = 500


@dataclass
class Totals:
    """What the transactions add up to: decisions by status, taxed sales by cause."""

    sales: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    #: code -> sales taxed (or at risk) for that cause, and their amount
    causes: Counter[int] = field(default_factory=Counter)
    amounts: dict[int, float] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    #: sales whose decision has a warning or an error
    at_risk: int = 0
    #: the worst severity rank of any sale's finding (0: none)
    worst: int = 0
    #: code -> exempt sales that the cause puts at risk (a warning; nothing taxed)
    risks: Counter[int] = field(default_factory=Counter)
    examples: dict[int, list[tuple[str, Decision]]] = field(default_factory=dict)

    def add(self, source: str, decision: Decision, keep: int = 0) -> None:
        """Count one decision (keep up to ``keep`` examples a cause).

        A cause counts the sales where it concerns a taxed part, and adds what of that part
        is taxed (an exempt line of the same sale adds nothing); a warning on a sale that is
        exempt anyway counts among the sales at risk, by cause, never as taxed."""
        self.sales += 1
        self.by_status[decision.status] += 1
        if not decision.findings:
            return
        worst = max((f.severity.rank for f in decision.findings), default=0)
        self.worst = max(self.worst, worst)
        if worst >= Severity.WARNING.rank:
            self.at_risk += 1
        taxed: dict[int, float | None] = {}
        risks: set[int] = set()
        parts = decision.parts or (
            PartDecision(decision.status, decision.amount, decision.amount,
                         tuple(f.code for f in decision.findings)),
        )  # fmt: skip
        for part in parts:
            for code in part.codes:
                if code == 5707:  # 5707 says which one applies
                    continue
                if part.status == "exempt":
                    risks.add(code)
                    continue
                before = taxed.get(code)
                taxed[code] = before if part.taxed is None else (before or 0.0) + part.taxed
        severities = {f.code: f.severity.rank for f in decision.findings}
        for code in risks - taxed.keys():
            if severities.get(code, 0) >= Severity.WARNING.rank:
                self.risks[code] += 1
                self._name(code, decision)
        for code, amount in taxed.items():
            self.causes[code] += 1
            self._name(code, decision)
            if amount is not None:
                self.amounts[code] = self.amounts.get(code, 0.0) + amount
            if keep:
                kept = self.examples.setdefault(code, [])
                if len(kept) < keep:
                    kept.append((source, decision))

    def fails(self, level: Severity) -> bool:
        """True when a sale has a finding at or above ``level`` (``--fail-on``)."""
        return self.worst >= level.rank

    def _name(self, code: int, decision: Decision) -> None:
        if code not in self.names:
            self.names[code] = next(f.name for f in decision.findings if f.code == code)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready totals."""
        return {
            "sales": self.sales,
            "by_status": {s: self.by_status[s] for s in ("exempt", "partial", "taxable")},
            "at_risk": self.at_risk,
            "by_cause": {
                str(code): {
                    "name": self.names[code],
                    "sales": count,
                    "amount": self.amounts.get(code),
                }
                for code, count in sorted(self.causes.items())
            },
            "at_risk_by_cause": {
                str(code): {"name": self.names[code], "sales": count}
                for code, count in sorted(self.risks.items())
            },
        }


#: ``json.dumps`` for one sale's or coverage pair's line, built once (their dicts hold no
#: cycle: none is looked for).
_encode = json.JSONEncoder(check_circular=False).encode


class Writer:
    """Writes one report: :meth:`sale` for each transaction, then :meth:`close`."""

    def __init__(self, stream: TextIO, fmt: str, *, colour: bool = False) -> None:
        self.stream = stream
        self.format = fmt
        self.colour = colour
        self.totals = Totals()
        self._first = True
        if fmt == "json":
            stream.write('{"transactions": [')
        elif fmt == "csv":
            stream.write(row(CSV_COLUMNS))

    def sale(self, source: str, decision: Decision) -> None:
        """One transaction's decision, in input order."""
        keep = EXAMPLES_PER_CAUSE if self.format == "html" else 0
        self.totals.add(source, decision, keep)
        if self.format == "json":
            item = {"source": source, **decision.to_dict()}
            self.stream.write(("\n  " if self._first else ",\n  ") + _encode(item))
            self._first = False
        elif self.format == "csv":
            self.stream.write(_sale_rows(source, decision))
        elif self.format == "text" and decision.findings:
            self.stream.write(_sale_text(source, decision, self.colour))

    def close(
        self, coverage: Sequence[Coverage], unread: Sequence[tuple[str, Finding]] = ()
    ) -> None:
        """The coverage rows, the totals and the records that could not be read (each with
        its source and finding), and the end of the document."""
        if self.format == "json":
            rows = ",\n  ".join(_encode(c.to_dict()) for c in coverage)
            totals = json.dumps(self.totals.to_dict(), indent=2)
            lost = json.dumps([{"source": s, "finding": f.to_dict()} for s, f in unread])
            self.stream.write(
                f'\n],\n"coverage": [\n  {rows}\n],\n"totals": {totals},\n"unread": {lost}}}\n'
            )
        elif self.format == "csv":
            for c in coverage:
                region = c.to_dict()["region"]
                cells = ("coverage", "", c.customer, region, c.status, c.certificate_id)
                self.stream.write(row((*cells, "", "", "", "")))
            for source, f in unread:
                gone = ("unread", source, "", "", "", "", f.code, f.severity.value)
                self.stream.write(row((*gone, f.message, f.fix)))
        elif self.format == "html":
            self.stream.write(_html(coverage, self.totals, unread))
        else:
            self.stream.write(_coverage_text(coverage, self.totals, unread, self.colour))


def writer(stream: TextIO, fmt: str, *, colour: bool = False) -> Writer:
    """The report writer for ``fmt`` (one of :data:`FORMATS`); ``colour``: the text's
    statuses and severities in colour."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return Writer(stream, fmt, colour=colour)


def coverage_fails(coverage: Sequence[Coverage], level: Severity) -> bool:
    """True when a customer-region pair's status weighs at or above ``level``
    (:data:`STATUS_SEVERITY`: a gap is a warning, an expiry ahead a note)."""
    weights = {s for s, severity in STATUS_SEVERITY.items() if severity.rank >= level.rank}
    return any(c.status in weights for c in coverage)


def _regions(decision: Decision) -> str:
    return ", ".join(r.split("-", 1)[-1] for r in decision.regions)


def _sale_rows(source: str, decision: Decision) -> str:
    base = ("sale", source, decision.customer_code, _regions(decision), decision.status,
            decision.certificate_id)  # fmt: skip
    if not decision.findings:
        return row((*base, "", "", "", ""))
    return "".join(
        row((*base, f.code, f.severity.value, f.message, f.fix)) for f in decision.findings
    )


def _sale_text(source: str, decision: Decision, colour: bool = False) -> str:
    cert = f" certificate {decision.certificate_id}" if decision.certificate_id else ""
    who = f" {decision.customer_code} in {_regions(decision)}" if decision.customer_code else ""
    status = paint(decision.status.upper(), _STATUS_STYLE[decision.status], colour)
    lines = [f"{source} {status}{who}{cert}"]
    for f in decision.findings:
        lines.append(f"  {f.code} {paint(f.severity.value, f.severity.value, colour)} {f.message}")
        lines.append(f"    fix: {f.fix}")
    return "\n".join(lines) + "\n"


def _coverage_text(
    coverage: Sequence[Coverage],
    totals: Totals,
    unread: Sequence[tuple[str, Finding]] = (),
    colour: bool = False,
) -> str:
    counts = Counter(c.status for c in coverage)
    lines = []
    for source, f in unread:
        lines.append(f"{source} not read")
        lines.append(f"  {f.code} {paint(f.severity.value, f.severity.value, colour)} {f.message}")
    shown = [c for c in coverage if c.status != "covered"]
    if shown:
        lines.append("\ncoverage gaps (customer, region, status, certificate, until):")
        for c in shown:
            until = c.until.isoformat() if c.until is not None else "-"
            region = c.region.split("-", 1)[-1]
            lines.append(
                f"  {c.customer:<20} {region:<4} {c.status:<9} {c.certificate_id or '-':<12} "
                f"{until}"
            )
    summary = ", ".join(f"{counts[s]} {s}" for s in ("covered", "expiring", *GAPS))
    lines.append(f"\n{len(coverage)} customer-region pairs: {summary}")
    if unread:
        lines.append(f"{len(unread)} record(s) not read")
    if totals.sales:
        status = ", ".join(f"{totals.by_status[s]} {s}" for s in ("exempt", "partial", "taxable"))
        lines.append(f"{totals.sales} sales: {status}; {totals.at_risk} at risk")
        for code, count in sorted(totals.causes.items(), key=lambda kv: (-kv[1], kv[0])):
            amount = totals.amounts.get(code)
            money = f", amount {amount:,.2f}" if amount else ""
            lines.append(f"  {count:>7}  {code} {totals.names[code]}{money}")
        if totals.risks:
            lines.append("exempt sales at risk, by cause:")
        for code, count in sorted(totals.risks.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {count:>7}  {code} {totals.names[code]}")
    return "\n".join(lines) + "\n"


_STYLE = (
    ".s-covered{background:#b7e4c7}.s-expiring{background:#fde68a}"
    ".s-expired{background:#f4a6a6}.s-missing{background:#f4a6a6}"
    ".s-invalid{background:#d8b4fe}.s-none{background:#eceff3;color:#8a94a3}"
    ".heat td{min-width:2.2rem}#grid{width:auto}"
)
_MARK = {"covered": "C", "expiring": "E", "expired": "X", "missing": "M", "invalid": "I"}


def _html(
    coverage: Sequence[Coverage], totals: Totals, unread: Sequence[tuple[str, Finding]] = ()
) -> str:
    counts = Counter(c.status for c in coverage)
    items = "".join(
        f'<li class="s-{s}"><b>{counts[s]}</b>{escape(s)}</li>' for s in ("covered", "expiring",
                                                                          *GAPS)
    )  # fmt: skip
    body = [f"<style>{_STYLE}</style>\n", f'<ul class="totals" id="coverage-totals">{items}</ul>\n']
    body.append(_exposure(coverage, totals))
    body.append(_grid(coverage))
    if unread:
        lost = "".join(
            f'<tr><td>{escape(s)}</td><td class="{f.severity.value}">{f.code} '
            f"{escape(f.message)}</td></tr>"
            for s, f in unread
        )
        body.append(f'<h2 id="unread">Not read</h2>\n<table>{lost}</table>\n')
    return page("Exemption coverage", "".join(body))


def _exposure(coverage: Sequence[Coverage], totals: Totals) -> str:
    gaps = [c for c in coverage if c.status in (*GAPS, "expiring")]
    parts = ['<h2 id="exposure">Exposure</h2>\n']
    if gaps:
        rows = "".join(
            f'<tr class="s-{c.status}"><td>{escape(c.customer)}</td>'
            f"<td>{escape(c.region.split('-', 1)[-1])}</td><td>{escape(c.status)}</td>"
            f"<td>{escape(c.certificate_id or '-')}</td>"
            f"<td>{c.until.isoformat() if c.until else '-'}</td></tr>"
            for c in gaps
        )
        parts.append(
            '<table id="gaps"><thead><tr><th>customer</th><th>region</th><th>status</th>'
            f"<th>certificate</th><th>until</th></tr></thead><tbody>{rows}</tbody></table>\n"
        )
    else:
        parts.append('<p id="gaps">Every customer is covered in every region.</p>\n')
    if totals.sales:
        status = ", ".join(f"{totals.by_status[s]} {s}" for s in ("exempt", "partial", "taxable"))
        parts.append(f'<p id="sales">{totals.sales} sales: {escape(status)}; '
                     f"{totals.at_risk} at risk.</p>\n")  # fmt: skip
        blocks = []
        for code, count in sorted(totals.causes.items(), key=lambda kv: (-kv[1], kv[0])):
            examples = "".join(
                f"<tr><td>{escape(source)}</td><td>{escape(d.status)}</td>"
                f"<td>{escape(next(f.message for f in d.findings if f.code == code))}</td>"
                f'<td class="fix">{escape(next(f.fix for f in d.findings if f.code == code))}'
                "</td></tr>"
                for source, d in totals.examples.get(code, ())
            )
            blocks.append(
                f'<tr class="group"><th colspan="4">{code} {escape(totals.names[code])}: '
                f"{count} sale(s)</th></tr>{examples}"
            )
        parts.append(f'<table id="causes"><tbody>{"".join(blocks)}</tbody></table>\n')
    return "".join(parts)


def _grid(coverage: Sequence[Coverage]) -> str:
    customers = list(dict.fromkeys(c.customer for c in coverage))
    regions = sorted({c.region for c in coverage})
    cells = {(c.customer, c.region): c for c in coverage}
    legend = ", ".join(f"{mark} {status}" for status, mark in _MARK.items())
    head = "".join(f"<th>{escape(r.split('-', 1)[-1])}</th>" for r in regions)
    rows = []
    for customer in customers[:GRID_CUSTOMERS]:
        tds = []
        for region in regions:
            c = cells.get((customer, region))
            if c is None:
                tds.append('<td class="s-none">.</td>')
                continue
            tip = f"{customer} in {region}: {c.status} {c.certificate_id or ''}".strip()
            tds.append(f'<td class="s-{c.status}" title="{escape(tip)}">{_MARK[c.status]}</td>')
        rows.append(f"<tr><th>{escape(customer)}</th>{''.join(tds)}</tr>")
    more = (
        f"<p>The first {GRID_CUSTOMERS} of {len(customers)} customers; the JSON and CSV "
        "reports hold them all.</p>\n"
        if len(customers) > GRID_CUSTOMERS
        else ""
    )
    return (
        f'<h2 id="grid-title">Customers by region</h2>\n<p>{escape(legend)}; . not shipped '
        f'to.</p>\n{more}<table id="grid" class="heat"><thead><tr><th>customer</th>{head}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>\n"
    )
