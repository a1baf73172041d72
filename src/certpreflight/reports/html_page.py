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

from certpreflight.reports.printable import surrogates_escaped
from certpreflight.reports.tally import Example, Tally

__all__ = ["CSP", "bar_chart", "page", "render_report"]

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
.totals b{display:block;font-size:1.6rem}
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


def bar_chart(
    label: str,
    bars: Sequence[tuple[str, int]],
    *,
    css_id: str,
    of: Mapping[str, int] | None = None,
) -> str:
    """A horizontal bar chart as inline SVG; ``bars`` are ``(label, count)``.

    With ``of`` (label -> a total), each count reads ``3 of 10`` beside its bar.
    """
    if not bars:
        return f'<p id="{css_id}">Nothing to chart.</p>\n'
    row, text_w, bar_w = 22, 300, 380
    top = max(count for _, count in bars)
    parts = [
        f'<svg id="{css_id}" class="chart" role="img" aria-label="{escape(label)}" '
        f'width="{text_w + bar_w + (150 if of else 60)}" height="{row * len(bars) + 4}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for i, (name, count) in enumerate(bars):
        y = i * row + 2
        width = max(1, round(bar_w * count / top))
        parts.append(
            f'<g class="bar"><text x="0" y="{y + 15}">{escape(name)}</text>'
            f'<rect x="{text_w}" y="{y + 3}" width="{width}" height="{row - 6}" fill="#d9534f"/>'
            f'<text x="{text_w + width + 6}" y="{y + 15}">{_count(count, name, of)}</text></g>'
        )
    parts.append("</svg>\n")
    return "".join(parts)


def _count(count: int, name: str, of: Mapping[str, int] | None) -> str:
    if of is None or name not in of:
        return str(count)
    return f"{count} of {of[name]} checked"


def _totals(tally: Tally) -> str:
    items = [
        ("certificates", tally.certificates),
        ("ok (no errors or warnings)", tally.ok),
        ("with errors", tally.with_errors),
        ("with warnings (no errors)", tally.with_warnings),
        ("findings", tally.findings),
    ]
    cells = "".join(f'<li class="total">{escape(k)}<b>{v}</b></li>' for k, v in items)
    return f'<ul id="summary" class="totals">{cells}</ul>\n'


def _customer(ex: Example) -> str:
    number = escape(ex.customer_number or "")
    return f"{number}<br>{escape(ex.customer_name)}" if ex.customer_name else number


def _groups(tally: Tally) -> str:
    if not tally.by_code:
        return "<p>No problems found.</p>\n"
    order = {"error": 0, "warning": 1, "info": 2}
    codes = sorted(tally.by_code, key=lambda c: (order[tally.rules[c][1]], -tally.by_code[c], c))
    rows = [
        '<table id="groups"><thead><tr><th>source</th><th>certificate</th>'
        "<th>customer</th><th>message</th><th>fix</th></tr></thead>"
    ]
    for code in codes:
        name, severity = tally.rules[code]
        count = tally.by_code[code]
        rows.append(
            f'<tbody><tr class="group"><th colspan="5"><span class="{escape(severity)}">'
            f"{code} {escape(name)}</span> ({escape(severity)}): {count} finding(s)</th></tr>"
        )
        for ex in tally.examples.get(code, []):
            rows.append(
                f"<tr><td>{escape(ex.source)}</td><td>{escape(ex.certificate_id or '')}</td>"
                f"<td>{_customer(ex)}</td><td>{escape(ex.message)}</td>"
                f'<td class="fix">{escape(ex.fix)}</td></tr>'
            )
        shown = len(tally.examples.get(code, []))
        if shown < count:
            rows.append(f'<tr><td colspan="5">... and {count - shown} more</td></tr>')
        rows.append("</tbody>")
    rows.append("</table>\n")
    return "".join(rows)


def render_report(tally: Tally, *, title: str = "certpreflight report", note: str = "") -> str:
    """The whole check report page for a tally (with examples kept)."""
    problems = [(f"{code} {name}", count) for code, name, count in tally.most_common(10)]
    regions = sorted(tally.by_region.items(), key=lambda item: (-item[1], item[0]))[:15]
    body = [
        f"<p>{escape(note)}</p>\n" if note else "",
        _totals(tally),
        "<h2>Most frequent problems</h2>\n",
        bar_chart("Most frequent problems", problems, css_id="chart-problems"),
        "<h2>Certificates with errors by region</h2>\n",
        "<p>A certificate counts in a region when it fails there: a reason that is not exempt "
        "in one of its regions counts in that region only; a missing field counts in all its "
        "regions. Beside each bar: the certificates checked with that region.</p>\n",
        bar_chart(
            "Certificates with errors by region",
            regions,
            css_id="chart-regions",
            of=tally.checked_by_region,
        ),
        "<h2>Problems by error, as in CertCapture's Failed API Calls report</h2>\n",
        _groups(tally),
    ]
    return page(title, "".join(body))
