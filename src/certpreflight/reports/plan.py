"""A sync plan (:func:`certpreflight.plan`) as text, JSON or HTML.

Text reads like ``terraform plan``: one line an action that does something (``+ create
customer C-2``, ``~ update certificate 11: expirationDate 2029-01-15 -> 2030-01-15``,
``- orphan customer C-OLD``, ``+ link certificate 12 to customer C-2``), the findings of the
record it would send beneath it, the records that could not be read (``!``), and a summary
line. Unchanged records are counted, not listed. Every text taken from the data goes
through :func:`~certpreflight.reports.printable.printable` (text) or ``html.escape``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, TextIO

from certpreflight.findings import Finding, Severity
from certpreflight.reports.printable import printable
from certpreflight.reports.text import paint, plural

if TYPE_CHECKING:  # a check, which imports this module's FORMATS, needs no plan
    from certpreflight.sync import Action, Plan, Value

__all__ = ["FORMATS", "render", "summary_line", "write"]

#: The formats of ``certpreflight plan --format``.
FORMATS = ("text", "json", "html")

_SIGNS = {"create": "+", "update": "~", "orphan": "-", "link": "+", "unlink": "-"}
#: A line's sign as the style :func:`~certpreflight.reports.text.paint` colours it in.
_STYLES = {"+": "ok", "~": "warning", "-": "error", "!": "error"}


def _shown(value: Value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _title(action: Action) -> str:
    """What an action does, in words: ``create customer C-2``."""
    if action.kind == "link":
        joined = "to" if action.action == "link" else "from"
        return f"{action.action} certificate {action.key} {joined} customer {action.customer}"
    return f"{action.action} {action.kind} {action.key}"


def _changes(action: Action) -> str:
    return "; ".join(
        f"{name} {_shown(held)} -> {_shown(sent)}" for name, (held, sent) in action.changes.items()
    )


def _finding(finding: Finding, colour: bool) -> str:
    level = paint(finding.severity.value, finding.severity.value, colour)
    return f"{finding.code} {level} {printable(finding.message)}"


def summary_line(plan: Plan) -> str:
    """``Plan: 1 to create, 2 to update, 1 to orphan, 0 to link, 0 to unlink; 3 unchanged.``
    with the findings' and unread records' counts; ``No changes ...`` when there are none."""
    counts = plan.counts()
    found = [f for a in plan.actions for f in a.findings]
    errors = sum(1 for f in found if f.severity is Severity.ERROR)
    warnings = sum(1 for f in found if f.severity is Severity.WARNING)
    tail = []
    if errors or warnings:
        tail.append(f"{plural(errors, 'error')}, {plural(warnings, 'warning')}")
    if plan.unread:
        tail.append(f"{plural(len(plan.unread), 'record')} not read")
    if not plan.changed:
        said = "; ".join([f"{counts['unchanged']} unchanged", *tail])
        return f"No changes: the source matches what Avalara holds ({said})."
    doing = ", ".join(
        f"{counts[name]} to {name}" for name in ("create", "update", "orphan", "link", "unlink")
    )
    end = f" ({'; '.join(tail)})" if tail else ""
    return f"Plan: {doing}; {counts['unchanged']} unchanged{end}."


def _text(plan: Plan, colour: bool) -> str:
    lines = []
    for action in plan.actions:
        sign = _SIGNS.get(action.action)
        if sign is None:  # unchanged: counted only
            continue
        line = f"{sign} {printable(_title(action))}"
        if action.kind == "certificate" and action.matched_by is not None:
            line += f" (matched by {action.matched_by})"
        changes = _changes(action)
        if changes:
            line += f": {printable(changes)}"
        lines.append(paint(line, _STYLES[sign], colour))
        lines += [f"    {_finding(f, colour)}" for f in action.findings]
    for source, finding in plan.unread:
        lines.append(paint(f"! {printable(source)}: not read", _STYLES["!"], colour))
        lines.append(f"    {_finding(finding, colour)}")
    if lines:
        lines.append("")
    lines.append(summary_line(plan))
    return "\n".join(lines) + "\n"


def _json(plan: Plan, out: TextIO) -> None:
    """:meth:`Plan.to_dict` as one JSON document, written an action a line (a large plan is
    never held as one document, and still reads line by line)."""
    summary = json.dumps(plan.to_dict(actions=False)["summary"])
    out.write(f'{{"summary": {summary},\n"actions": [')
    for index, action in enumerate(plan.actions):
        out.write(",\n" if index else "\n")
        out.write(json.dumps(action.to_dict(), ensure_ascii=False))
    out.write("\n],\n" if plan.actions else "],\n")
    unread = [{"source": s, "finding": f.to_dict()} for s, f in plan.unread]
    out.write(f'"unread": {json.dumps(unread, ensure_ascii=False)}}}\n')


def _html_rows(actions: Iterable[Action]) -> str:
    rows = []
    for action in actions:
        findings = "".join(
            f'<div class="{f.severity.value}">{f.code} {escape(f.message)}</div>'
            for f in action.findings
        )
        rows.append(
            f"<tr><td>{escape(action.action)}</td><td>{escape(action.kind)}</td>"
            f"<td>{escape(action.key)}{escape(' / ' + action.customer if action.customer else '')}"
            f"</td><td>{escape(_changes(action))}</td><td>{escape(action.matched_by or '')}</td>"
            f"<td>{findings}</td></tr>"
        )
    return "".join(rows)


def _html(plan: Plan) -> str:
    from certpreflight.reports.html_page import page  # noqa: PLC0415 - for HTML only

    counts = plan.counts()
    totals = "".join(f"<li><b>{n}</b>{escape(name)}</li>" for name, n in counts.items())
    unread = "".join(
        f'<tr><td>{escape(s)}</td><td class="{f.severity.value}">{f.code} {escape(f.message)}'
        "</td></tr>"
        for s, f in plan.unread
    )
    body = (
        f'<p>{escape(summary_line(plan))}</p>\n<ul class="totals">{totals}</ul>\n'
        "<table><tr><th>action</th><th>kind</th><th>key</th><th>changes (Avalara -&gt; source)"
        "</th><th>matched by</th><th>findings</th></tr>"
        f"{_html_rows(a for a in plan.actions if a.action != 'unchanged')}</table>\n"
    )
    if unread:
        body += f"<h2>Not read</h2><table>{unread}</table>\n"
    return page("certpreflight sync plan", body)


def write(plan: Plan, out: TextIO, format: str = "text", *, colour: bool = False) -> None:
    """Write the plan to ``out`` in ``format`` (one of :data:`FORMATS`)."""
    if format == "json":
        _json(plan, out)
    elif format == "html":
        out.write(_html(plan))
    elif format == "text":
        out.write(_text(plan, colour))
    else:
        raise ValueError(f"unknown plan format {format!r}; use one of {', '.join(FORMATS)}")


def render(plan: Plan, format: str = "text", *, colour: bool = False) -> str:
    """The plan in ``format``, as text (:func:`write` to a string)."""
    buffer = io.StringIO()
    write(plan, buffer, format, colour=colour)
    return buffer.getvalue()
