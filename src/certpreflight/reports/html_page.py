"""Self-contained HTML: the check report and the page skeleton the matrix heat map shares.

No scripts, no external resources: one file, CSS inline, charts as inline SVG, every
text through ``html.escape``, and a Content-Security-Policy that forbids anything
else, so a report of hostile data (a customer named ``<script>...``) is safe to open.
The groups table follows CertCapture's "Failed API Calls" report: one block per
error, the certificates it hit below it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from certpreflight.reports.printable import surrogates_escaped
from certpreflight.reports.tally import Example, Tally

__all__ = ["CSP", "FILLS", "Bar", "bar_chart", "page", "plural", "render_report", "share"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def escape(text: str) -> str:
    """``html.escape``, with lone surrogates (a file name's bytes that aren't UTF-8) shown
    ``\\udcff``: an HTML page is UTF-8, and a character reference to a surrogate is not
    a character."""
    return html.escape(surrogates_escaped(text))


_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#1d2430}
body{padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.totals{display:flex;gap:1rem;flex-wrap:wrap;padding:0;list-style:none}
.totals li{border:1px solid #d5dae1;border-radius:6px;padding:.5rem 1rem;min-width:8rem}
.totals b{display:block;font-size:1.6rem}.totals .share{color:#4a5563;font-size:.9em}
.swatches{display:flex;gap:1rem;padding:0;list-style:none;font-size:.9em}
td.source{color:#4a5563;font-size:.85em;word-break:break-all}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;vertical-align:top}
tr.group th{background:#eef1f5;border-top:2px solid #9aa5b1}
td{border-top:1px solid #e3e7ec}td.fix{color:#4a5563;font-size:.92em}
.error{color:#b42318}.warning{color:#a15c07}.info{color:#175cd3}
svg text{font:12px system-ui,sans-serif;fill:#1d2430}
dl.legend{display:grid;grid-template-columns:auto 1fr;gap:.1rem 1rem;font-size:.9em}
dl.legend dt{font-weight:bold}dl.legend dd{margin:0}
.heat td,.heat th{text-align:center;padding:.15rem .3rem;font-size:.85em;border:1px solid #fff}
.s-exempt{background:#b7e4c7}.s-not_exempt{background:#f4a6a6}.s-partial{background:#fde68a}
.s-unknown{background:#eceff3;color:#8a94a3}.inferred{opacity:.6}
"""


def page(title: str, body: str) -> str:
    """A complete HTML document with the CSP meta and the shared style around ``body``."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style></head>\n"
        f"<body>\n<h1>{escape(title)}</h1>\n{body}</body></html>\n"
    )


class Bar(NamedTuple):
    """One bar of a chart: its label, its length (a count), the text beside it, and the
    severity that colours it."""

    label: str
    length: int
    note: str
    severity: str = "error"


#: A bar's fill by severity, as the severity words of the text are coloured (``_STYLE``).
FILLS: Mapping[str, str] = {"error": "#d9534f", "warning": "#e0a100", "info": "#3b82f6"}


def bar_chart(label: str, bars: Sequence[Bar], *, css_id: str) -> str:
    """A horizontal bar chart as inline SVG, each bar coloured by its severity, its note
    beside it."""
    if not bars:
        return f'<p id="{css_id}">Nothing to chart.</p>\n'
    row, text_w, bar_w = 22, 300, 380
    top = max(bar.length for bar in bars)
    parts = [
        f'<svg id="{css_id}" class="chart" role="img" aria-label="{escape(label)}" '
        f'width="{text_w + bar_w + 240}" height="{row * len(bars) + 4}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = i * row + 2
        width = max(1, round(bar_w * bar.length / top))
        severity = escape(bar.severity)
        parts.append(
            f'<g class="bar {severity}"><text x="0" y="{y + 15}">{escape(bar.label)}</text>'
            f'<rect x="{text_w}" y="{y + 3}" width="{width}" height="{row - 6}" '
            f'fill="{FILLS.get(bar.severity, FILLS["error"])}"><title>{escape(bar.severity)}: '
            f"{escape(bar.note)}</title></rect>"
            f'<text x="{text_w + width + 6}" y="{y + 15}">{escape(bar.note)}</text></g>'
        )
    parts.append("</svg>\n")
    return "".join(parts)


def _legend() -> str:
    """What the bars' colours mean."""
    items = "".join(
        f'<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" '
        f'fill="{fill}"/></svg> <span class="{severity}">{severity}</span></li>'
        for severity, fill in FILLS.items()
    )
    return f'<ul class="swatches">{items}</ul>\n'


def share(count: int, total: int) -> str:
    """``count`` as a percentage of ``total``: ``12%``, ``4.5%``, ``<0.1%``.

    >>> share(3, 10), share(9, 200), share(1, 5000), share(0, 0)
    ('30%', '4.5%', '<0.1%', '0%')
    """
    if not total or not count:
        return "0%"
    percent = 100 * count / total
    if percent >= 10:
        return f"{percent:.0f}%"
    return f"{percent:.1f}%" if percent >= 0.05 else "<0.1%"


def plural(count: int, word: str) -> str:
    """``1 finding``, ``3 findings``: a count and its noun in the right number."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _totals(tally: Tally) -> str:
    n = tally.certificates
    items = [
        ("certificates", f"{n:,}", ""),
        ("ok (no errors or warnings)", f"{tally.ok:,}", share(tally.ok, n)),
        ("with errors", f"{tally.with_errors:,}", share(tally.with_errors, n)),
        ("with warnings (no errors)", f"{tally.with_warnings:,}", share(tally.with_warnings, n)),
        ("findings", f"{tally.findings:,}", ""),
    ]
    cells = "".join(
        f'<li class="total">{escape(k)}<b>{v}</b>'
        + (f'<span class="share">{escape(pct)} of certificates</span>' if pct else "")
        + "</li>"
        for k, v, pct in items
    )
    return f'<ul id="summary" class="totals">{cells}</ul>\n'


def _customer(ex: Example) -> str:
    number = escape(ex.customer_number or "")
    return f"{number}<br>{escape(ex.customer_name)}" if ex.customer_name else number


def _affected(tally: Tally, code: int) -> int:
    """The certificates with a finding of ``code``."""
    return tally.certificates_by_code.get(code) or tally.by_code[code]


def _groups(tally: Tally) -> str:
    if not tally.by_code:
        return "<p>No problems found.</p>\n"
    order = {"error": 0, "warning": 1, "info": 2}
    codes = sorted(tally.by_code, key=lambda c: (order[tally.rules[c][1]], -tally.by_code[c], c))
    rows = [
        '<table id="groups"><thead><tr><th>certificate</th><th>customer</th>'
        "<th>message</th><th>fix</th><th>source</th></tr></thead>"
    ]
    for code in codes:
        name, severity = tally.rules[code]
        count = tally.by_code[code]
        affected = _affected(tally, code)
        rows.append(
            f'<tbody><tr class="group"><th colspan="5"><span class="{escape(severity)}">'
            f"{code} {escape(name)}</span> ({escape(severity)}): {plural(count, 'finding')} in "
            f"{plural(affected, 'certificate')}, {share(affected, tally.certificates)} of "
            "certificates</th></tr>"
        )
        for ex in tally.examples.get(code, []):
            rows.append(
                f"<tr><td>{escape(ex.certificate_id or '')}</td><td>{_customer(ex)}</td>"
                f'<td>{escape(ex.message)}</td><td class="fix">{escape(ex.fix)}</td>'
                f'<td class="source">{escape(ex.source)}</td></tr>'
            )
        shown = len(tally.examples.get(code, []))
        if shown < count:
            rows.append(f'<tr><td colspan="5">... and {count - shown:,} more</td></tr>')
        rows.append("</tbody>")
    rows.append("</table>\n")
    return "".join(rows)


def _problems(tally: Tally) -> list[Bar]:
    """The ten problems on the most certificates, each with its share of them."""
    ranked = sorted(tally.by_code, key=lambda c: (-_affected(tally, c), c))[:10]
    return [
        Bar(
            f"{code} {tally.rules[code][0]}",
            _affected(tally, code),
            f"{share(_affected(tally, code), tally.certificates)} of certificates "
            f"({_affected(tally, code):,})",
            tally.rules[code][1],
        )
        for code in ranked
    ]


def _regions(tally: Tally) -> list[Bar]:
    """The fifteen regions with the most failing certificates, each with its share of the
    certificates checked there."""
    ranked = sorted(tally.by_region.items(), key=lambda item: (-item[1], item[0]))[:15]
    bars = []
    for region, count in ranked:
        checked = tally.checked_by_region.get(region, 0)
        note = f"{share(count, checked)} fail ({count:,} of {checked:,} checked)"
        bars.append(Bar(region, count, note if checked else f"{count:,}"))
    return bars


def render_report(tally: Tally, *, title: str = "certpreflight report", note: str = "") -> str:
    """The whole check report page for a tally (with examples kept)."""
    body = [
        f"<p>{escape(note)}</p>\n" if note else "",
        _totals(tally),
        "<h2>Most frequent problems</h2>\n",
        "<p>The share of the certificates checked that have each problem, coloured by its "
        "severity.</p>\n",
        _legend(),
        bar_chart("Most frequent problems", _problems(tally), css_id="chart-problems"),
        "<h2>Certificates with errors by region</h2>\n",
        "<p>A certificate counts in a region when it fails there: a reason that is not exempt "
        "in one of its regions counts in that region only; a missing field counts in all its "
        "regions. Beside each bar: the share of the certificates checked with that region "
        "that fail there.</p>\n",
        bar_chart("Certificates with errors by region", _regions(tally), css_id="chart-regions"),
        "<h2>Problems by error, as in CertCapture's Failed API Calls report</h2>\n",
        _groups(tally),
    ]
    return page(title, "".join(body))
