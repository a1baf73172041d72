"""Command-line interface: a thin layer over the library (README "Command line").

``certpreflight check FILE...`` validates the certificates in ``.json``, ``.ndjson`` /
``.jsonl`` and ``.csv`` files and reports them as text, JSON, CSV or HTML;
``certpreflight rules`` prints the catalogue, ``certpreflight rule CODE`` one rule,
and ``certpreflight matrix`` the reason x region matrix. Exit codes: 0 nothing at or
above ``--fail-on``, 1 findings at or above it, 2 usage error or unreadable input (a file
that changed while it was read included), 3 an internal error or a report that could
not be written; never 1 for those.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import datetime as dt
import os
import signal
import sys
import traceback
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import NoReturn, TextIO

from certpreflight import __version__
from certpreflight.findings import Severity
from certpreflight.io import (
    DEFAULT_MAX_LINE_BYTES,
    FileState,
    InputError,
    Record,
    Span,
    file_state,
    read_pieces,
    read_records,
)
from certpreflight.reference.matrix import ExemptionMatrix, MatrixFormatError
from certpreflight.reference.reasons import normalize_reason
from certpreflight.reference.regions import normalize_region
from certpreflight.reports import matrix as matrix_report
from certpreflight.reports.output import OutputError, OutputRefusedError, open_output
from certpreflight.reports.printable import printable
from certpreflight.reports.run import (
    FORMATS,
    CheckOptions,
    progress_bar,
    run_chunks,
    split_selectors,
    writer_for,
)
from certpreflight.reports.tally import Tally
from certpreflight.reports.workers import WorkerError
from certpreflight.rules import CATALOGUE, get_rule
from certpreflight.rules.docs import catalogue_markdown, rule_text

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


class UsageError(Exception):
    """Bad arguments or unreadable input: exit code 2."""


# --- argument types ----------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return value


def _positive(text: str) -> int:
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 1")
    return value


# --- output ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit while checking, so cleanup (temp files, pool) runs."""

    def handler(signum: int, frame: FrameType | None) -> NoReturn:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _output(path: str | None, default: TextIO) -> Iterator[TextIO]:
    """The report's stream (reports.output); a path that isn't a regular file is a usage error."""
    try:
        with open_output(path, default) as stream:
            yield stream
    except OutputRefusedError as exc:
        raise UsageError(str(exc)) from None


def _wants_colour(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


# --- check -------------------------------------------------------------------------------------


def _load_matrix(path: str | None) -> ExemptionMatrix | None:
    if path is None:
        return None
    try:
        return ExemptionMatrix.from_csv(path)
    except MatrixFormatError as exc:
        raise UsageError(f"bad matrix file {exc}") from None
    except OSError as exc:
        raise UsageError(f"can't read matrix {path}: {exc.strerror or exc}") from None


def _encoding(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UsageError(f"unknown encoding {name!r} (try utf-8, cp1252, latin-1)") from None


def _all_records(
    args: argparse.Namespace,
    err: TextIO,
    failed: list[str],
    states: dict[str, FileState | None],
    *,
    spans: bool,
) -> Iterator[Record | Span]:
    """Every file's records (an NDJSON file's as spans, if asked); a file that can't be read
    is reported and skipped. ``states`` gets each file's state before it is read."""
    read = read_pieces if spans else read_records
    for name in args.files:
        states[name] = file_state(name)
        try:
            yield from read(
                name, max_line_bytes=args.max_line_bytes, encoding=_encoding(args.encoding)
            )
        except InputError as exc:
            err.write(f"certpreflight: {printable(str(exc))}\n")
            failed.append(name)
        except OSError as exc:
            err.write(f"certpreflight: can't read {printable(name)}: {exc.strerror or exc}\n")
            failed.append(name)


def _changed(states: dict[str, FileState | None], err: TextIO) -> list[str]:
    """The files that changed (size, time, inode) since they were first read, each said."""
    changed = []
    for name, before in states.items():
        after = file_state(name)
        if before is not None and after != before:
            now = "gone" if after is None else f"{after.size:,} bytes"
            err.write(
                f"certpreflight: warning: {printable(name)} changed while it was read "
                f"({before.size:,} bytes, now {now}); the report may miss records: check it again\n"
            )
            changed.append(name)
    return changed


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        select, ignore = split_selectors(args.select, args.ignore)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.profile not in ("certcapture", "avatax"):
        raise UsageError(f"unknown profile {args.profile!r}")
    jobs = args.jobs or os.cpu_count() or 1
    matrix = _load_matrix(args.matrix)
    _encoding(args.encoding)
    failed: list[str] = []
    states: dict[str, FileState | None] = {}
    with _sigterm_as_exit(), _output(args.output, out) as stream:
        options = CheckOptions(
            format=args.format,
            colour=args.output is None and _wants_colour(stream),
            today=args.today,
            matrix=matrix,
            select=select,
            ignore=ignore,
            profile=args.profile,
            options=(("max_items", args.max_items),) if args.max_items is not None else (),
        )
        today = args.today or dt.date.today()
        note = f"{', '.join(args.files)}: checked on {today}, profile {args.profile}."
        writer = writer_for(args.format, stream, colour=options.colour, note=note)
        tally = Tally(keep=200 if args.format == "html" else 0)
        bar = progress_bar(err)
        # with workers, each reads its own NDJSON lines: the parent only says where they are
        records = _all_records(args, err, failed, states, spans=jobs > 1)
        try:
            for chunk in run_chunks(records, options, jobs=jobs):
                writer.write(chunk.text)
                tally.merge(chunk.tally)
                if bar is not None:
                    bar.update(chunk.records)
        except InputError as exc:  # a worker found a file changed since it was first read
            raise UsageError(str(exc)) from None
        finally:
            if bar is not None:
                bar.close()
        writer.close(tally)
    if _changed(states, err) or failed:
        return EXIT_USAGE
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if tally.worst >= Severity(args.fail_on).rank else EXIT_OK


# --- rules, rule, matrix -----------------------------------------------------------------------


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    if args.format == "markdown":
        out.write(catalogue_markdown(CATALOGUE))
        return EXIT_OK
    out.write(f"{'code':<6}{'name':<37}{'type':<11}{'severity':<9}message\n")
    for r in CATALOGUE:
        out.write(f"{r.code:<6}{r.name:<37}{r.type:<11}{r.severity.value:<9}{r.message}\n")
    out.write("\n`certpreflight rule CODE` explains one rule.\n")
    return EXIT_OK


def _rule(args: argparse.Namespace, out: TextIO) -> int:
    try:
        out.write(rule_text(get_rule(args.key)))
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    return EXIT_OK


def _matrix(args: argparse.Namespace, out: TextIO) -> int:
    matrix = _load_matrix(args.matrix) or ExemptionMatrix.default()
    reason = region = None
    if args.reason is not None:
        reason = normalize_reason(args.reason)
        if reason is None:
            raise UsageError(f"unknown exempt reason {args.reason!r} (try G, RESALE, ...)")
    if args.region is not None:
        region = normalize_region(args.region)
        if region is None:
            raise UsageError(f"unknown region {args.region!r} (try WA, US-WA, Washington, ...)")
    out.write(matrix_report.render(matrix_report.select(matrix, reason, region), args.format))
    return EXIT_OK


# --- parser ------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become UsageError (exit 2 on the caller's ``err``)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}\n{self.format_usage().rstrip()}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="certpreflight",
        description="Check exemption certificates before they reach AvaTax / CertCapture.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser(
        "check",
        help="check certificates in .json / .ndjson / .jsonl / .csv files",
        description="Check certificates; every record is reported with its file:line.",
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--format", choices=FORMATS, default="text")
    check.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        help="write here (atomically; a regular file, or - for standard output)",
    )
    check.add_argument("--select", action="append", metavar="CODES", help="comma list")
    check.add_argument("--ignore", action="append", metavar="CODES", help="comma list")
    check.add_argument("--profile", choices=["certcapture", "avatax"], default="certcapture")
    check.add_argument("--matrix", metavar="CSV", help="your own reason x region matrix")
    check.add_argument("--today", type=_date, metavar="YYYY-MM-DD")
    check.add_argument("--fail-on", choices=["error", "warning", "info"], default="error")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument(
        "--jobs", "-j", type=_count, default=1, metavar="N", help="worker processes (0: all CPUs)"
    )
    check.add_argument(
        "--max-line-bytes",
        type=_count,
        default=DEFAULT_MAX_LINE_BYTES,
        metavar="N",
        help="report longer NDJSON lines, JSON array elements and CSV lines as "
        "record-too-large (4010)",
    )
    check.add_argument(
        "--max-items",
        type=_positive,
        metavar="N",
        help="check at most N customers, regions, PO numbers or pages per certificate; "
        "more is too-many-items (4009) (default 1000)",
    )
    check.add_argument(
        "--encoding",
        metavar="NAME",
        help="the input's encoding when it has no byte order mark (default utf-8; e.g. cp1252)",
    )

    rules = sub.add_parser("rules", help="print the rule catalogue")
    rules.add_argument("--format", choices=["text", "markdown"], default="text")

    one = sub.add_parser("rule", help="explain one rule")
    one.add_argument("key", metavar="CODE|NAME")

    matrix = sub.add_parser("matrix", help="show the exempt reason x region matrix")
    matrix.add_argument("--region", metavar="R", help="one region: WA, US-WA, Washington")
    matrix.add_argument("--reason", metavar="X", help="one reason: G, RESALE")
    matrix.add_argument("--format", choices=["text", "csv", "json", "html"], default="text")
    matrix.add_argument("--matrix", metavar="CSV", help="show this matrix file instead")
    return parser


def _run(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    with contextlib.redirect_stdout(out):  # --help and --version print to our ``out``
        args = _parser().parse_args(argv)
    if args.command == "check":
        return _check(args, out, err)
    if args.command == "rules":
        return _rules(args, out)
    if args.command == "matrix":
        return _matrix(args, out)
    return _rule(args, out)


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the CLI; returns the exit code."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        return _run(argv, out, err)
    except UsageError as exc:
        err.write(f"certpreflight: {printable(str(exc), lines=True)}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("certpreflight: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as cat does
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except SystemExit as exc:  # --help / --version, or a signal (128 + its number)
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except (OutputError, WorkerError) as exc:
        err.write(f"certpreflight: {printable(str(exc))}\n")
        return EXIT_INTERNAL
    except Exception as exc:  # a bug: say so with exit code 3, never 1 (that means findings)
        err.write(
            f"certpreflight: internal error ({type(exc).__name__}: {exc}); please report it "
            "with the traceback below\n"
        )
        err.write("".join(traceback.format_exception(exc)))
        return EXIT_INTERNAL
