"""The JSON report (README "Command line"): ``{"summary": {...}, "results": [...]}``.

Results are rendered one per line as they come; the writer spools them and puts the
summary, which is only known at the end, in front.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from typing import IO, TextIO

from certpreflight.findings import Report
from certpreflight.reports.tally import Result, Tally

__all__ = ["encode", "render", "write_document"]


#: json.dumps(..., ensure_ascii=False) builds a new encoder on every call: one for the run.
#: JSON text of a value, non-ASCII kept (every JSON-based report writes through it).
encode = json.JSONEncoder(ensure_ascii=False).encode


def render(results: Iterable[Result]) -> str:
    """One compact JSON object a result, ``{"source", "id", "kind", "ok", "findings"}``,
    comma-joined."""
    return ",\n".join(_line(source, report) for source, report in results)


def _line(source: str, report: Report) -> str:
    if report.findings:
        return encode({"source": source, **report.to_dict()})
    # Most reports have no findings: the same text, from the two strings alone.
    ident, kind = encode(report.record_id), encode(report.kind)
    return (
        f'{{"source": {encode(source)}, "id": {ident}, "kind": {kind}, "ok": true, "findings": []}}'
    )


def write_document(out: TextIO, tally: Tally, spool: IO[str]) -> None:
    """Write the document: the summary, then the spooled results (comma-joined lines)."""
    summary = json.dumps(tally.summary(), ensure_ascii=False)
    out.write(f'{{"summary": {summary},\n "results": [\n')
    spool.seek(0)
    shutil.copyfileobj(spool, out)
    out.write("\n]}\n" if tally.certificates else "]}\n")
