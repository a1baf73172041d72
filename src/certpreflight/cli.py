"""Command-line interface: a thin layer over the library.

``certpreflight check FILE...`` validates certificates in ``.json`` files (one
object or an array) and ``.ndjson`` / ``.jsonl`` files (one a line);
``certpreflight rules`` prints the catalogue and ``certpreflight rule CODE`` one
rule. Exit codes: 0 nothing at or above ``--fail-on``, 1 findings at or above
it, 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from certpreflight import __version__
from certpreflight.engine import validate_many
from certpreflight.findings import Report, Severity
from certpreflight.rules import CATALOGUE, get_rule
from certpreflight.rules.docs import catalogue_markdown, rule_text

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or unreadable input: exit code 2."""


def _records(path: Path) -> Iterator[tuple[str, Any]]:
    """(``file:line``, payload) for every certificate in a file; raw text for bad lines."""
    if path.suffix.lower() in (".ndjson", ".jsonl"):
        with path.open("rb") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield f"{path}:{number}", line
        return
    text = path.read_bytes()
    try:
        data = json.loads(text)
    except ValueError:
        yield f"{path}:1", text  # validate() reports it as invalid JSON
        return
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield f"{path}#{index}", item
    else:
        yield f"{path}:1", data


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _write_text(out: TextIO, results: list[tuple[str, Report]]) -> None:
    counts = dict.fromkeys(Severity, 0)
    for source, report in results:
        for finding in report.findings:
            counts[finding.severity] += 1
        if not report.findings:
            continue
        out.write(f"{source} (certificate {report.certificate_id or '?'})\n")
        for f in report.findings:
            out.write(f"  {f.code} {f.severity.value:<7} {f.message}\n")
            out.write(f"       fix: {f.fix}\n")
    clean = sum(1 for _, r in results if not r.findings)
    out.write(
        f"\n{len(results)} certificate(s): {clean} clean, "
        f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.INFO]} info\n"
    )


def _write_json(out: TextIO, results: list[tuple[str, Report]]) -> None:
    by_code: dict[str, int] = {}
    for _, report in results:
        for f in report.findings:
            by_code[str(f.code)] = by_code.get(str(f.code), 0) + 1
    doc = {
        "summary": {
            "certificates": len(results),
            "ok": sum(1 for _, r in results if r.ok),
            "with_errors": sum(1 for _, r in results if r.errors),
            "with_warnings": sum(1 for _, r in results if r.warnings),
            "by_code": dict(sorted(by_code.items())),
        },
        "results": [{"source": source, **report.to_dict()} for source, report in results],
    }
    json.dump(doc, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    sources: list[str] = []
    payloads: list[Any] = []
    unreadable = False
    for name in args.files:
        try:
            for source, payload in _records(Path(name)):
                sources.append(source)
                payloads.append(payload)
        except OSError as exc:
            err.write(f"certpreflight: can't read {name}: {exc.strerror or exc}\n")
            unreadable = True
    try:
        reports = list(
            validate_many(
                payloads,
                today=args.today,
                select=args.select,
                ignore=args.ignore,
                profile=args.profile,
            )
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    results = list(zip(sources, reports, strict=True))
    (_write_json if args.format == "json" else _write_text)(out, results)
    if unreadable:
        return EXIT_USAGE
    threshold = Severity(args.fail_on).rank
    failed = any(f.severity.rank >= threshold for _, r in results for f in r.findings)
    return EXIT_FINDINGS if failed else EXIT_OK


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    if args.format == "markdown":
        out.write(catalogue_markdown(CATALOGUE))
        return EXIT_OK
    for r in CATALOGUE:
        out.write(f"{r.code}  {r.name:<36} {r.type:<10} {r.severity.value}\n")
    return EXIT_OK


def _rule(args: argparse.Namespace, out: TextIO) -> int:
    try:
        out.write(rule_text(get_rule(args.key)))
    except KeyError as exc:
        raise UsageError(exc.args[0]) from exc
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="certpreflight",
        description="Check exemption certificates before they reach AvaTax / CertCapture.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="check certificates in .json / .ndjson files")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--select", action="append", metavar="CODES")
    check.add_argument("--ignore", action="append", metavar="CODES")
    check.add_argument("--profile", choices=["certcapture", "avatax"], default="certcapture")
    check.add_argument("--today", type=_date, metavar="YYYY-MM-DD")
    check.add_argument("--fail-on", choices=["error", "warning", "info"], default="error")

    rules = sub.add_parser("rules", help="print the rule catalogue")
    rules.add_argument("--format", choices=["text", "markdown"], default="text")

    one = sub.add_parser("rule", help="explain one rule")
    one.add_argument("key", metavar="CODE|NAME")
    return parser


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the CLI; returns the exit code."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args, out, err)
        if args.command == "rules":
            return _rules(args, out)
        return _rule(args, out)
    except UsageError as exc:
        err.write(f"certpreflight: {exc}\n")
        return EXIT_USAGE
