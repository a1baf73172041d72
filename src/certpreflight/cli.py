"""Command-line interface: a thin layer over the library.

``certpreflight check FILE...|DIR...|-`` validates the certificates in ``.json``,
``.ndjson`` / ``.jsonl``, ``.csv`` and ``.xlsx`` files, the folders that hold them, or
standard input, and reports them as text, JSON, CSV, HTML or a CI format (GitHub workflow
commands, GitLab Code Quality, SARIF, JUnit XML; ``docs/cli.md``); ``certpreflight
rules`` prints the catalogue, ``certpreflight rule CODE`` one rule, and ``certpreflight
matrix`` the reason x region matrix. Options also come from ``[tool.certpreflight]``
(:mod:`certpreflight.config`). Exit codes: 0 nothing at or above ``--fail-on``, 1
findings at or above it, 2 usage error, bad configuration or unreadable input (a file
that changed while it was read included), 3 an internal error or a report that could
not be written; never 1 for those.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import io
import json
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO, NoReturn, TextIO

from pydantic_core import from_json

from certpreflight import __version__, reading
from certpreflight.batch import Dates, JoinTable, dates_of, fill
from certpreflight.config import Config, ConfigError, find_config, load_config
from certpreflight.dialects import CERTIFICATE_KEYS, detect_kind
from certpreflight.engine import active_rules, checked
from certpreflight.findings import Finding, Severity
from certpreflight.io import (
    DEFAULT_MAX_LINE_BYTES,
    INPUT_FORMATS,
    FileState,
    InputError,
    Record,
    Span,
    file_state,
    kind_of,
    read_pieces,
    read_records,
)
from certpreflight.io.folders import expand
from certpreflight.options import Options, RuleOptions
from certpreflight.reference.matrix import ExemptionMatrix, MatrixFormatError
from certpreflight.reference.reasons import normalize_reason
from certpreflight.reference.regions import normalize_region
from certpreflight.reports.ci import Unread
from certpreflight.reports.output import (
    OutputError,
    OutputRefusedError,
    is_default,
    open_output,
    refuse_inputs,
)
from certpreflight.reports.plan import FORMATS as PLAN_FORMATS
from certpreflight.reports.printable import printable
from certpreflight.reports.run import (
    FORMATS,
    CheckOptions,
    map_chunks,
    progress_bar,
    run_chunks,
    writer_for,
)
from certpreflight.reports.tally import Tally
from certpreflight.reports.text import summary_line
from certpreflight.reports.workers import WorkerError
from certpreflight.rules import CATALOGUE, get_rule
from certpreflight.suggest import did_you_mean

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


# --- output ------------------------------------------------------------------------------------


def _positive(text: str) -> int:
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 1")
    return value


@contextlib.contextmanager
def _output(path: str | None, default: TextIO, inputs: Iterable[Input]) -> Iterator[TextIO]:
    """The report's stream (reports.output); a path that isn't a regular file, or is one of
    the inputs, is a usage error."""
    try:
        refuse_inputs(path, (i.path for i in inputs), default)
        with open_output(path, default) as stream:
            yield stream
    except OutputRefusedError as exc:
        raise UsageError(str(exc)) from None


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


def wants_colour(choice: str, stream: TextIO) -> bool:
    """``--color``: ``always``, ``never``, or ``auto``: not if ``NO_COLOR`` is set
    (https://no-color.org), else if ``FORCE_COLOR`` is set (https://force-color.org), else
    if ``stream`` is a terminal. NO_COLOR wins over FORCE_COLOR, as in pytest."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def _width(stream: TextIO) -> int | None:
    """The terminal's width when ``stream`` is one (``COLUMNS`` wins), else None: no wrapping."""
    if not stream.isatty():
        return None
    return shutil.get_terminal_size().columns


# --- check -------------------------------------------------------------------------------------


def _load_matrix(path: str | Path | None) -> ExemptionMatrix | None:
    if path is None:
        return None
    try:
        return ExemptionMatrix.from_csv(path)
    except MatrixFormatError as exc:
        raise UsageError(f"bad matrix file {exc}") from None
    except OSError as exc:
        raise UsageError(f"can't read matrix {path}: {exc.strerror or exc}") from None


def _config(args: argparse.Namespace) -> Config:
    """The run's configuration; a bad or unreadable file is a :class:`UsageError`."""
    if args.isolated:
        if args.config is not None:
            raise UsageError("use --config or --isolated, not both")
        return Config()
    try:
        path = Path(args.config) if args.config is not None else find_config()
        if path is None:
            return Config()
        if not path.exists():
            raise UsageError(f"can't read config {path}: no such file")
        return load_config(path)
    except (ConfigError, ValueError) as exc:
        raise UsageError(str(exc)) from None


def settings(args: argparse.Namespace) -> tuple[Options, str]:
    """The run's one :class:`~certpreflight.options.Options` (each flag given on the command
    line, else the configuration file's key, else the default) and its ``--fail-on`` level.
    Raises :class:`UsageError` for a bad file, flag or matrix."""
    try:
        config = _config(args)
        tuned = config.options
        if args.max_items is not None:
            tuned = dataclasses.replace(tuned or RuleOptions(), max_items=args.max_items)
        options = config.run_options(
            select=args.select,
            ignore=args.ignore,
            profile=args.profile,
            today=args.today,
            matrix=_load_matrix(args.matrix),
            options=tuned,
        )
    except (ConfigError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    return options, args.fail_on or config.fail_on or "error"


# --- input ---------------------------------------------------------------------------------------

STDIN = "<stdin>"


@dataclass(frozen=True)
class Input:
    """One input to read: ``path`` on disk, ``shown`` in sources, ``kind`` if named."""

    path: str
    shown: str
    kind: str | None


def sniff(head: bytes) -> str:
    """The format of standard input without ``--input-format``, from its first bytes:
    a zip (``PK``) is a workbook, ``[`` a JSON array, ``{`` NDJSON, anything else CSV."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if text.startswith(b"PK\x03\x04"):
        return "xlsx"
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{") or not text:
        return "ndjson"
    return "csv"


#: The most bytes a stream (standard input, a pipe) is copied for a run: past it, exit 2
#: (``cat /dev/zero |`` filled the temporary folder); a file of any size is read in place.
MAX_STREAM_BYTES = 1 << 30


@contextlib.contextmanager
def _inputs(
    files: Sequence[str], kind: str | None, stdin: BinaryIO | None
) -> Iterator[list[Input]]:
    """The inputs. ``-`` (standard input) and other streams that aren't regular files
    (``/dev/stdin``, a pipe, ``<(...)``) are copied to a temporary file first, so workbooks
    and ``--jobs`` work on them as on a file; their format, unless named, is sniffed from
    their first bytes. The copies are removed when done. A stream over
    :data:`MAX_STREAM_BYTES`, or a closed standard input, is a usage error; a temporary
    folder that can't take the copy an :class:`OutputError`."""
    if files.count("-") > 1:
        raise UsageError("'-' (standard input) can be given once")
    streams = [n for n in files if n == "-" or _is_stream(n)]
    if not streams:
        yield [Input(name, name, kind) for name in files]
        return
    with _spool_folder() as folder:
        copies: dict[str, Input] = {}
        for number, name in enumerate(streams):
            copy = os.path.join(folder, f"stream{number}")
            shown = STDIN if name == "-" else name
            with contextlib.ExitStack() as stack:
                if name == "-":
                    source = stdin if stdin is not None else _standard_input()
                else:
                    source = stack.enter_context(open(name, "rb"))
                _spool(source, copy, shown)
            with open(copy, "rb") as handle:
                head = handle.read(64)
            copies[name] = Input(copy, shown, kind or sniff(head))
        yield [copies.get(n) or Input(n, n, kind) for n in files]


def _standard_input() -> BinaryIO:
    if sys.stdin is None:  # closed when the process started (``<&-``)
        raise UsageError("'-' reads standard input, but it is closed")
    return sys.stdin.buffer


@contextlib.contextmanager
def _spool_folder() -> Iterator[str]:
    try:
        folder = tempfile.TemporaryDirectory(prefix="certpreflight-")
    except OSError as exc:
        raise OutputError(_no_room(exc)) from None
    with folder as name:
        yield name


def _no_room(exc: OSError) -> str:
    return (
        f"can't copy standard input or a pipe to the temporary folder "
        f"{tempfile.gettempdir()}: {exc.strerror or exc} (set TMPDIR to a folder with room)"
    )


def _spool(source: BinaryIO, copy: str, shown: str) -> None:
    """Copy a stream to ``copy``, at most :data:`MAX_STREAM_BYTES` of it."""
    size = 0
    try:
        with open(copy, "wb") as handle:
            while block := _read_block(source, shown):
                size += len(block)
                if size > MAX_STREAM_BYTES:
                    raise UsageError(
                        f"{shown}: more than {MAX_STREAM_BYTES:,} bytes; a stream is copied to "
                        "a temporary file first: check a file of this size by its name instead"
                    )
                handle.write(block)
    except OSError as exc:  # a full disk, a file size limit
        raise OutputError(_no_room(exc)) from None


def _read_block(source: BinaryIO, shown: str) -> bytes:
    try:
        return source.read(1 << 20)
    except OSError as exc:  # a closed descriptor (EBADF), a device error
        raise UsageError(f"can't read {shown}: {exc.strerror or exc}") from None


def _walked(
    files: Sequence[str], output: str | None, err: TextIO, *others: str | None
) -> list[str]:
    """The inputs with each folder replaced by the files it holds (io.folders): the report
    (and ``others``, the files read for another purpose) never one of them. A folder
    without any is said on ``err``."""
    found, empty = expand(files, skip=[p for p in (output, *others) if p])
    for folder in empty:
        err.write(
            f"certpreflight: note: {printable(folder)}: no .json, .ndjson, .jsonl, .csv or "
            ".xlsx files (hidden ones are passed over)\n"
        )
    return found


def _is_stream(name: str) -> bool:
    """Whether ``name`` is a pipe or a socket (``/dev/stdin`` from a pipe, ``<(...)``), which
    can be read only once. Regular files, folders and character devices are read in place:
    a device such as ``/dev/zero`` is never copied (it has no end), and its readers bound
    what they hold (a CSV header over ``--max-line-bytes`` exits 2)."""
    try:
        mode = os.stat(name).st_mode  # follows /dev/stdin to what it is
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _blank(path: str) -> bool:
    """Whether a file holds nothing but white space (and a byte order mark)."""
    with open(path, "rb") as handle:
        start = True
        while block := handle.read(65536):
            if start:
                block, start = block.removeprefix(b"\xef\xbb\xbf"), False
            if block.strip():
                return False
    return True


#: The spans each file was cut into, and the file's state then: the first pass of a run
#: cuts them, the check takes them again while the file is unchanged (cutting a CSV file
#: reads all of it).
Cuts = dict[str, tuple[FileState, list[Span]]]


def _pieces(
    item: Input, args: argparse.Namespace, *, spans: Cuts | None
) -> Iterator[Record | Span]:
    """An input's records (an NDJSON or CSV file's as spans, if asked: kept in ``spans``),
    with the sources it shows."""
    options = {
        "kind": item.kind,
        "sheet": args.sheet,
        "max_line_bytes": args.max_line_bytes,
        "encoding": _encoding(args.encoding),
    }
    if item.shown != item.path:
        cut = len(item.path)
        return (
            r._replace(source=item.shown + r.source[cut:])
            for r in read_records(item.path, **options)
        )
    if spans is None:
        return read_records(item.path, **options)
    state, kept = file_state(item.path), spans.get(item.path)
    if state is not None and kept is not None and kept[0] == state:
        return iter(kept[1])
    return _kept(read_pieces(item.path, **options), spans, item.path, state)


def _kept(
    pieces: Iterable[Record | Span], cuts: Cuts, path: str, state: FileState | None
) -> Iterator[Record | Span]:
    """``pieces``, kept in ``cuts`` once read to the end when they are all spans (records
    are read again, never held)."""
    held: list[Span] | None = []
    for piece in pieces:
        if held is not None and isinstance(piece, Span):
            held.append(piece)
        else:
            held = None
        yield piece
    if held is not None and state is not None:
        cuts[path] = (state, held)


def _encoding(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UsageError(f"unknown encoding {name!r} (try utf-8, cp1252, latin-1)") from None


def _all_records(
    inputs: Iterable[Input],
    args: argparse.Namespace,
    err: TextIO,
    failed: list[Unread],
    states: dict[str, FileState | None],
    *,
    spans: Cuts | None,
) -> Iterator[Record | Span]:
    """Every input's records; an input that can't be read is reported and skipped
    (:func:`_unread`), and one without certificates gets a note (unless ``--quiet``).
    ``states`` gets each file's state before it is read."""
    for item in inputs:
        states[item.path] = file_state(item.path)
        count, empty = 0, False
        with _unread(item.path, item.shown, err, failed):
            for piece in _pieces(item, args, spans=spans):
                count += 1
                yield piece
            empty = count == 0 or (isinstance(piece, Span) and count == 1 and _blank(item.path))
        if empty and not args.quiet:
            err.write(
                f"certpreflight: note: {printable(item.shown)}: no certificates (empty input)\n"
            )


def _payloads(
    inputs: Iterable[Input], args: argparse.Namespace, err: TextIO, failed: list[Unread]
) -> Iterator[tuple[str, Any]]:
    """``(source, payload)`` of every record of the inputs, read as check reads them
    (:func:`_all_records`, one process: no spans) for plan and coverage."""
    for piece in _all_records(inputs, args, err, failed, {}, spans=None):
        if isinstance(piece, Record):
            yield piece.source, piece.payload


@contextlib.contextmanager
def _unread(path: str, shown: str, err: TextIO, failed: list[Unread]) -> Iterator[None]:
    """Read one input (``path``, shown as ``shown``) in the block: when it can't be read
    (:class:`InputError`, an ``OSError``), say why on ``err``, add it to ``failed`` (its
    name and why: the run ends with exit 2) and go on with the next input. ``check``,
    ``check --fix`` and ``convert`` skip an unreadable file through this (``plan`` and
    ``coverage`` then stop: they decide nothing on part of the inputs)."""
    try:
        yield
    except BrokenPipeError:  # standard output closed: not the input's fault
        raise
    except InputError as exc:
        why = printable(str(exc).replace(path, shown))
    except OSError as exc:
        why = f"can't read {printable(shown)}: {exc.strerror or exc}"
    else:
        return
    err.write(f"certpreflight: {why}\n")
    failed.append((shown, why))


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


#: The keys of a certificate's id, in every dialect.
_ID_KEYS = tuple(key for key, field in CERTIFICATE_KEYS.items() if field == "id")


def _decoded(payload: Any) -> dict[str, Any] | None:
    """A record as a dict, or None (not JSON, not an object)."""
    data: Any = payload
    if isinstance(payload, (bytes, bytearray, str)):
        try:
            data = from_json(payload)
        except ValueError:
            return None  # not JSON: reported by the check, no record to join
    return data if type(data) is dict else None


def _certificate_id(data: Mapping[str, Any]) -> str | None:
    ident = None
    for key in _ID_KEYS:
        if key in data:
            ident = data[key]
            break
    if isinstance(ident, (str, int)) and not isinstance(ident, bool):
        return str(ident)
    return None


def _scan(
    inputs: list[Input], args: argparse.Namespace, run: Options, jobs: int, cuts: Cuts
) -> JoinTable:
    """The first pass of a run, so that the check can join records by customer code as
    :func:`certpreflight.validate_batch` does: every customer and link record is checked,
    and certificates are told from their keys (:func:`certpreflight.dialects.detect_kind`)
    and read (not checked) for their ids and what 6507 compares (customer, region, reason,
    dates: a certificate repeating an earlier one). With ``jobs`` over 1 the workers
    read the spans and tell the records apart (:func:`_sorted`), the parent checks what
    they found; the spans are kept in ``cuts`` for the check."""
    rules = active_rules(select=run.select, ignore=run.ignore, profile=run.profile)
    table = JoinTable(frozenset(r.code for r in rules))
    dated = table.compares_dates()
    sources: list[str] = []

    def records() -> Iterator[Record]:
        for record in _all_records(inputs, args, io.StringIO(), [], {}, spans=None):
            if not isinstance(record, Span):  # not asked for: records only
                yield record

    def certificate(source: str, ident: str | None, dates: Dates | None) -> None:
        table.add_certificate(ident)
        table.add_dates(source, dates)

    def others() -> Iterator[tuple[str, dict[str, Any]]]:
        if jobs <= 1:
            yield from _sorted(records(), certificate, dated=dated)
            return
        pieces = _all_records(inputs, args, io.StringIO(), [], {}, spans=cuts)
        try:
            sort = functools.partial(_sorted_chunk, dated=dated)
            for certs, found in map_chunks(sort, pieces, jobs=jobs):
                for item in certs:
                    certificate(*item)
                yield from found
        except InputError as exc:  # a file changed since it was cut into spans
            raise UsageError(str(exc)) from None

    def candidates() -> Iterator[Mapping[str, Any]]:
        for source, data in others():
            sources.append(source)
            yield data

    reads = checked(candidates(), **run.keywords())
    for (report, read), source in zip(reads, sources, strict=False):
        fill(table, source, report, read)
    return table


def _sorted(
    records: Iterable[Record],
    certificate: Callable[[str, str | None, Dates | None], None],
    *,
    dated: bool,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The customer and link records among ``records``, decoded; each certificate's source,
    id and, when 6507 runs (``dated``), what it compares of it (read,
    :func:`certpreflight.batch.dates_of`) go to ``certificate``. What isn't a record is
    left out."""
    for source, payload, _, _ in records:
        data = _decoded(payload)
        if data is None:
            continue
        kind = detect_kind(data)
        if kind == "certificate":
            cert = reading.read(data).certificate if dated else None
            dates = dates_of(cert, source) if cert is not None else None
            certificate(source, _certificate_id(data), dates)
        elif kind is not None:
            yield source, data


Certificates = list[tuple[str, str | None, Dates | None]]


def _sorted_chunk(
    records: list[Record], *, dated: bool
) -> tuple[Certificates, list[tuple[str, dict[str, Any]]]]:
    """:func:`_sorted` of a chunk, in a worker: the certificates, the other records."""
    certs: Certificates = []
    return certs, list(_sorted(records, lambda *item: certs.append(item), dated=dated))


def _size(inputs: Iterable[Input]) -> int:
    total = 0
    for item in inputs:
        with contextlib.suppress(OSError):
            total += os.path.getsize(item.path)
    return total


# --- check ---------------------------------------------------------------------------------------


def _show_settings(args: argparse.Namespace, out: TextIO) -> int:
    """``check --show-settings``: the configuration file used and the settings it resolves
    to with the flags (ruff's flag); nothing is checked."""
    config = _config(args)
    run, fail_on = settings(args)
    if args.isolated:
        used = "none (--isolated)"
    elif config.path is None:
        used = "none found (the defaults)"
    else:
        used = str(config.path)
    matrix = args.matrix or (str(config.matrix) if config.matrix else "the built-in")
    rules = active_rules(select=run.select, ignore=run.ignore, profile=run.profile)
    tuned = (run.rules or RuleOptions()).as_mapping()
    shown: dict[str, Any] = {
        "configuration file": used,
        "select": list(run.select) or "all of the profile's rules",
        "ignore": list(run.ignore),
        "profile": run.profile,
        "fail-on": fail_on,
        "today": str(run.today) if run.today else "the day of the run",
        "matrix": matrix,
        "options": {name.replace("_", "-"): value for name, value in tuned.items()},
        "rules": [r.code for r in rules],
    }
    if args.format == "json":
        out.write(json.dumps(shown, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    for key, value in shown.items():
        if isinstance(value, dict):
            out.write(f"{key}:\n" + "".join(f"  {k} = {json.dumps(v)}\n" for k, v in value.items()))
        elif isinstance(value, list):
            out.write(f"{key}: {', '.join(map(str, value)) or 'none'}\n")
        else:
            out.write(f"{key}: {value}\n")
    return EXIT_OK


def _check(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: BinaryIO | None) -> int:
    if args.show_settings:
        return _show_settings(args, out)
    run, fail_on = settings(args)
    jobs = args.jobs or os.cpu_count() or 1
    _encoding(args.encoding)
    if args.fix or args.unsafe_fixes or args.diff or args.in_place:
        return _fix(args, run, fail_on, out, err, stdin=stdin)
    failed: list[Unread] = []
    states: dict[str, FileState | None] = {}
    cuts: Cuts = {}
    with (
        _sigterm_as_exit(),
        _inputs(args.files, args.input_format, stdin) as inputs,
        _output(args.output, out, inputs) as stream,
    ):
        join = _scan(inputs, args, run, jobs, cuts)
        bar = progress_bar(err, _size(inputs))
        colour = wants_colour(args.color, stream) if args.output is None else args.color == "always"
        options = CheckOptions(
            format=args.format,
            colour=colour,
            run=run,
            show_ok=args.show_ok,
            listing=not (args.quiet or args.statistics),
            width=_width(stream) if args.output is None else None,
            measure=bar is not None,
            join=join,
            fail_on=fail_on,
        )
        today = run.today or dt.date.today()
        shown = ", ".join(i.shown for i in inputs)
        note = f"{shown}: checked on {today}, profile {run.profile}."
        writer = writer_for(
            args.format, stream, colour=colour, note=note, quiet=args.quiet, stats=args.statistics
        )
        tally = Tally(keep=200 if args.format == "html" else 0)
        # with workers, each reads its own NDJSON lines and CSV rows: the parent only says
        # where they are
        records = _all_records(inputs, args, err, failed, states, spans=cuts if jobs > 1 else None)
        try:
            for chunk in run_chunks(records, options, jobs=jobs):
                writer.write(chunk.text)
                tally.merge(chunk.tally)
                if bar is not None:
                    bar.update(min(chunk.size, max(0, bar.total - bar.n)) if bar.total else 0)
        except InputError as exc:  # a worker found a file changed since it was first read
            raise UsageError(str(exc)) from None
        finally:
            if bar is not None:
                bar.close()
        writer.close(tally, failed)
        changed = _changed(states, err)  # before the copies of streams are removed
        to_file = not is_default(args.output, out)
    if to_file:  # the report went to a file: the totals where a person sees them
        err.write(summary_line(tally, colour=wants_colour(args.color, err)))
    if changed or failed:
        return EXIT_USAGE
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if tally.worst >= Severity(fail_on).rank else EXIT_OK


# --- check --fix, convert -----------------------------------------------------------------------


@contextlib.contextmanager
def _usage() -> Iterator[None]:
    """A file that can't be read or a mistake in the options is a usage error (exit 2)."""
    try:
        yield
    except (ValueError, InputError, OutputRefusedError) as exc:
        raise UsageError(str(exc)) from None
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise UsageError(f"can't read {exc.filename}: {exc.strerror or exc}") from None


def _fix(
    args: argparse.Namespace,
    run: Options,
    fail_on: str,
    out: TextIO,
    err: TextIO,
    *,
    stdin: BinaryIO | None,
) -> int:
    """``check --fix``: repair the records and write them (reports/rewrite.py)."""
    from certpreflight.reports import rewrite  # noqa: PLC0415 - a check without --fix needs none

    if args.in_place and any(n == "-" or _is_stream(n) for n in args.files):
        raise UsageError("--in-place needs files: standard input can't be replaced")
    failed: list[Unread] = []
    with _sigterm_as_exit(), _inputs(args.files, args.input_format, stdin) as inputs, _usage():
        tally = rewrite.fix_files(
            [(i.path, i.shown, i.kind) for i in inputs],
            options=run,
            unsafe=args.unsafe_fixes,
            output=args.output,
            in_place=args.in_place,
            diff=args.diff,
            encoding=_encoding(args.encoding),
            out=out,
            err=err,
            sheet=args.sheet,
            max_line_bytes=args.max_line_bytes,
            unreadable=functools.partial(_unread, err=err, failed=failed),
        )
    if not args.quiet:
        err.write(tally.summary())
    if failed:
        return EXIT_USAGE
    if args.diff:
        return EXIT_FINDINGS if tally.changed_files else EXIT_OK
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if rewrite.worst_is(tally, fail_on) else EXIT_OK


def _convert(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: BinaryIO | None) -> int:
    from certpreflight.reports import rewrite  # noqa: PLC0415 - imported for convert only

    failed: list[Unread] = []
    with _sigterm_as_exit(), _inputs(args.files, args.input_format, stdin) as inputs, _usage():
        short = rewrite.convert_files(
            [(i.path, i.shown, i.kind) for i in inputs],
            to=args.to,
            output=args.output,
            encoding=_encoding(args.encoding),
            out=out,
            err=err,
            sheet=args.sheet,
            max_line_bytes=args.max_line_bytes,
            unreadable=functools.partial(_unread, err=err, failed=failed),
        )
    if failed:
        return EXIT_USAGE
    return EXIT_FINDINGS if short else EXIT_OK


# --- plan, export ------------------------------------------------------------------------------

#: Bytes a page of an export may hold (a FetchResult of 1,000 certificates with their
#: customers is a few MiB, more than one record of a source file).
EXPORT_PAGE_BYTES = 256 * 1024 * 1024


def _add_plan(sub: argparse._SubParsersAction[_Parser]) -> _Parser:
    command = sub.add_parser(
        "plan",
        help="show what a sync would create, update, leave alone or orphan in Avalara",
        description="Compare what a sync would send (SOURCE: customers, certificates, links, "
        "any dialect) with what Avalara holds (EXPORT: QueryCustomers / QueryCertificates "
        "pages, as 'certpreflight export' writes them) and print the plan; exit 1 when a "
        "record it would send has findings at or above --fail-on, or a record can't be read.",
    )
    command.add_argument(
        "files", nargs="+", metavar="SOURCE",
        help="what the sync sends: files and folders of them; '-' reads standard input",
    )  # fmt: skip
    command.add_argument(
        "--against",
        nargs="+",
        required=True,
        metavar="EXPORT",
        help="what Avalara holds: .json / .ndjson files (or folders of them) of FetchResult "
        "pages or records (required, no default)",
    )
    _format(command, list(PLAN_FORMATS), "text like terraform plan, JSON or an HTML page")
    command.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        help="write the plan here, atomically (default: standard output)",
    )
    _as_check(command, "--input-format", "--sheet", "--encoding", "--max-line-bytes")
    _as_check(command, "--select", "--ignore", "--profile", "--matrix")
    command.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="plan as on this date (default: today)"
    )
    command.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        help="exit 1 when a record sent has findings of this severity or worse (default: error)",
    )
    _as_check(command, "--config", "--isolated", "--max-items")
    _colour(command)
    command.set_defaults(quiet=False)
    return command


def _colour(command: _Parser) -> None:
    command.add_argument(
        "--color", choices=["auto", "always", "never"], default="auto",
        help="colour the text (default: %(default)s: on a terminal, unless NO_COLOR is set)",
    )  # fmt: skip


#: The options plan, coverage and convert take as check takes them: how each is parsed and
#: its default, said in the help as "as check --FLAG (default: ...)".
_AS_CHECK: dict[str, tuple[dict[str, Any], str]] = {
    "--input-format": ({"choices": INPUT_FORMATS}, "from each file's suffix"),
    "--sheet": ({"metavar": "NAME"}, "the first"),
    "--encoding": ({"metavar": "NAME"}, "utf-8"),
    "--max-line-bytes": (
        {"type": _count, "default": DEFAULT_MAX_LINE_BYTES, "metavar": "N"},
        "%(default)s",
    ),
    "--max-items": ({"type": _positive, "metavar": "N"}, "1000"),
    "--select": ({"action": "append", "metavar": "CODES"}, "the configuration file's"),
    "--ignore": ({"action": "append", "metavar": "CODES"}, "the configuration file's"),
    "--profile": ({"choices": ["certcapture", "avatax", "audit"]}, "certcapture"),
    "--matrix": ({"metavar": "CSV"}, "the built-in"),
    "--config": ({"metavar": "PATH"}, "found"),
    "--isolated": ({"action": "store_true"}, "off"),
}


def _as_check(command: _Parser, *flags: str) -> None:
    """Add FLAGS to COMMAND, each parsed as check parses it."""
    for flag in flags:
        how, default = _AS_CHECK[flag]
        command.add_argument(flag, **how, help=f"as check {flag} (default: {default})")


def _export_records(paths: Sequence[str]) -> Iterator[tuple[str, Any]]:
    """The records of the export files, with their sources (``file:line value[3]``)."""
    for path in paths:
        for record in read_records(path, max_line_bytes=EXPORT_PAGE_BYTES):
            yield record.source, record.payload


def _plan(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: BinaryIO | None) -> int:
    from certpreflight.reports.plan import write  # noqa: PLC0415 - for plan only
    from certpreflight.sync import plan_records  # noqa: PLC0415 - for plan only

    run, fail_on = settings(args)
    with _sigterm_as_exit(), _inputs(args.files, args.input_format, stdin) as inputs, _usage():
        failed: list[Unread] = []
        source = _payloads(inputs, args, err, failed)
        made = plan_records(source, _export_records(args.against), run)
        if failed:
            raise UsageError(f"no plan: {len(failed)} SOURCE file(s) could not be read")
        exports = [Input(path, path, None) for path in args.against]
        with _output(args.output, out, [*inputs, *exports]) as stream:
            write(made, stream, args.format, colour=wants_colour(args.color, stream))
    return EXIT_FINDINGS if made.fails(Severity(fail_on)) else EXIT_OK


def _add_export(sub: argparse._SubParsersAction[_Parser]) -> _Parser:
    command = sub.add_parser(
        "export",
        help="write what AvaTax holds (customers, certificates) for 'plan --against'",
        description="Page through QueryCustomers and QueryCertificates of COMPANY_ID with the "
        "AvaTax SDK (pip install 'certpreflight[avatax]') and write their pages to --output. "
        "Credentials come from the environment: AVATAX_USERNAME and AVATAX_PASSWORD (or an "
        "account id and license key in them).",
    )
    command.add_argument("company_id", metavar="COMPANY_ID", help="AvaTax's id of the company")
    command.add_argument(
        "--output", "-o", required=True, metavar="PATH",
        help="the file to write, atomically (required, no default)",
    )  # fmt: skip
    command.add_argument(
        "--environment",
        default="sandbox",
        metavar="ENV",
        help="sandbox, production, or AvaTax's base URL (default: %(default)s)",
    )
    command.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="wait at most this long for each page (default: %(default)s)",
    )
    return command


def _export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        import avalara  # type: ignore[import-untyped]  # noqa: PLC0415 - optional
    except ImportError:
        raise UsageError(
            "export needs the AvaTax SDK: pip install 'certpreflight[avatax]'"
        ) from None
    from certpreflight.avatax import ExportError, export  # noqa: PLC0415 - for export only

    username, password = os.environ.get("AVATAX_USERNAME"), os.environ.get("AVATAX_PASSWORD")
    if not username or not password:
        raise UsageError("set AVATAX_USERNAME and AVATAX_PASSWORD (account id and license key)")
    environment = None if args.environment == "production" else args.environment
    client = avalara.AvataxClient("certpreflight", __version__, "certpreflight-cli", environment)
    client.add_credentials(username, password)
    try:
        result = export(client, args.company_id, args.output, timeout=args.timeout)
    except ExportError as exc:
        err.write(f"certpreflight: export failed: {printable(str(exc))}\n")
        return EXIT_FINDINGS
    out.write(
        f"{printable(args.output)}: {result.customers} customers, {result.certificates} "
        f"certificates in {result.pages} pages\n"
    )
    return EXIT_OK


# --- rules, rule, matrix -----------------------------------------------------------------------


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    from certpreflight.rules.docs import catalogue_markdown, rule_dict  # noqa: PLC0415 - as _rule

    if args.format == "markdown":
        out.write(catalogue_markdown(CATALOGUE))
        return EXIT_OK
    if args.format == "json":
        out.write(json.dumps([rule_dict(r) for r in CATALOGUE], indent=2, ensure_ascii=False))
        out.write("\n")
        return EXIT_OK
    out.write(f"{'code':<6}{'name':<37}{'type':<11}{'severity':<9}message\n")
    for r in CATALOGUE:
        out.write(f"{r.code:<6}{r.name:<37}{r.type:<11}{r.severity.value:<9}{r.message}\n")
    out.write("\n`certpreflight rule CODE` explains one rule.\n")
    return EXIT_OK


def _rule(args: argparse.Namespace, out: TextIO) -> int:
    from certpreflight.rules.docs import (  # noqa: PLC0415 - not for a check
        reserved_text,
        rule_dict,
        rule_text,
    )

    try:
        rule = get_rule(args.key)
    except KeyError as exc:
        reserved = reserved_text(int(args.key)) if args.key.isdigit() else None
        if reserved is not None and args.format != "json":
            out.write(reserved)  # a finding of AvaTax's reply: no rule, but documented
            return EXIT_OK
        raise UsageError(exc.args[0]) from None
    if args.format == "json":
        out.write(json.dumps(rule_dict(rule), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(rule_text(rule))
    return EXIT_OK


def _matrix(args: argparse.Namespace, out: TextIO) -> int:
    from certpreflight.reports import matrix as matrix_report  # noqa: PLC0415 - not for a check

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
    text = matrix_report.render(matrix_report.select(matrix, reason, region), args.format)
    with _output(args.output, out, ()) as stream:
        stream.write(text)
    return EXIT_OK


# --- coverage ---------------------------------------------------------------------------------

_TRANSACTION_FORMATS = ("json", "ndjson")


def _coverage(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: BinaryIO | None) -> int:
    """``certpreflight coverage``: the certificates of RECORDS indexed by customer code and
    region (the records read and joined as ``check`` reads them), each transaction decided
    against them as it is read, then the coverage of every exempt customer by region."""
    from certpreflight.coverage import (  # noqa: PLC0415 - not for a check
        CertificateIndex,
        Decision,
        coverage,
        decide,
    )
    from certpreflight.reports import coverage as report  # noqa: PLC0415 - not for a check

    run, _ = settings(args)
    fail_on = Severity(args.fail_on or "warning")
    _encoding(args.encoding)
    nexus = _nexus(args.nexus)
    failed: list[Unread] = []
    sales = [] if args.transactions is None else [Input(args.transactions, args.transactions, None)]
    with (
        _sigterm_as_exit(),
        _inputs(args.files, args.input_format, stdin) as inputs,
        _output(args.output, out, [*inputs, *sales]) as stream,
    ):
        index = CertificateIndex.labelled(_payloads(inputs, args, err, failed), run)
        if failed:  # no sale is decided against part of the certificates
            raise UsageError(f"no coverage: {len(failed)} RECORDS file(s) could not be read")
        for source, finding in index.unreadable:
            err.write(f"certpreflight: {printable(source)}: {finding.code} {finding.message}\n")
        with _long_lived():  # the index, for as long as the transactions stream
            writer = report.writer(stream, args.format, colour=wants_colour(args.color, stream))
            shipped: dict[str, set[str]] = {}
            claimed: set[str] = set()
            matrix = run.matrix
            for source, payload in _transactions(args.transactions):
                decision = (
                    decide(payload, index, matrix)
                    if not isinstance(payload, Finding)
                    else Decision("taxable", None, (payload,))
                )
                writer.sale(source, decision)
                code = decision.customer_code
                if code is not None:
                    shipped.setdefault(code, set()).update(decision.regions)
                    if any(f.code in _CLAIMS for f in decision.findings):
                        claimed.add(code)
            rows = coverage(
                index,
                shipped=shipped,
                claimed=claimed,
                nexus=nexus,
                today=run.today,
                within=args.within,
            )
            writer.close(rows, index.unreadable)
    fails = writer.totals.fails(fail_on) or report.coverage_fails(rows, fail_on)
    return EXIT_FINDINGS if (fails or index.unreadable) and not args.exit_zero else EXIT_OK


@contextlib.contextmanager
def _long_lived() -> Iterator[None]:
    """What exists now lives to the end of the block (the certificate index): the garbage
    collector stops scanning it again as each transaction's objects come and go. Nothing
    is kept alive by it (what it holds is freed when it's dropped, as before)."""
    if gc.get_freeze_count():  # frozen by the caller already: the caller's to undo
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


#: Findings that show a sale claims an exemption without a certificate (6703, 3702).
_CLAIMS = frozenset({3702, 6703})


def _nexus(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if normalize_region(n) is None]
    if unknown:
        raise UsageError(f"unknown nexus region(s): {', '.join(unknown)} (try WA, US-WA, ...)")
    return names


def _transactions(path: str | None) -> Iterator[tuple[str, Any]]:
    """Each transaction of ``path`` (a JSON array or NDJSON), streamed: ``(source,
    payload)``, the payload a Finding for one that can't be read (a line over the cap)."""
    if path is None:
        return
    try:
        kind = kind_of(path)
        if kind not in _TRANSACTION_FORMATS:
            raise InputError(f"{path}: transactions are read from .json or .ndjson files")
        for record in read_records(path, kind=kind):
            yield record.source, record.payload
    except InputError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"can't read {path}: {exc.strerror or exc}") from None


def _add_coverage(sub: argparse._SubParsersAction[_Parser]) -> _Parser:
    command = sub.add_parser(
        "coverage",
        help="will these sales be exempted? coverage of exempt customers by region",
        description="Index the certificates of RECORDS (customers, certificates, links in any "
        "dialect, joined by customer code) and say, for every exempt customer and region it "
        "ships to, whether a certificate covers it; with --transactions, decide each sale as "
        "AvaTax would (exempt, partial, taxable) and total the taxed sales by cause. Exit 1 "
        "when a sale's findings are at or above --fail-on (default warning: a sale taxed or "
        "at risk), a customer is missing, expired or invalid in a region (a warning; "
        "expiring: info), or a record can't be read; 2 when a RECORDS file can't be read.",
    )
    command.add_argument(
        "files", nargs="+", metavar="RECORDS",
        help="files and folders of them (walked as check walks them); '-' reads standard input",
    )  # fmt: skip
    command.add_argument(
        "--transactions",
        metavar="FILE",
        help="AvaTax CreateTransactionModel bodies: a .json array or .ndjson, one a line",
    )
    command.add_argument(
        "--nexus",
        metavar="R,R,...",
        help="the regions where you collect tax (default: every region with a sales tax)",
    )
    command.add_argument(
        "--within",
        type=_count,
        default=30,
        metavar="DAYS",
        help="an expiry this close is 'expiring' (default: %(default)s)",
    )
    _format(command, ["text", "json", "csv", "html"], "report format")
    command.add_argument("--output", "-o", metavar="PATH", help="write the report here")
    _as_check(command, "--input-format", "--encoding", "--sheet", "--max-line-bytes")
    _as_check(command, "--max-items", "--select", "--ignore", "--profile", "--matrix")
    command.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="coverage as on this date (default: today)",
    )
    _as_check(command, "--config", "--isolated")
    command.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        help="exit 1 for a sale's finding or a coverage gap of this severity or worse "
        "(default: warning, every sale taxed or at risk; the configuration file's is check's)",
    )
    command.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even with findings (default: off)"
    )
    _colour(command)
    command.set_defaults(quiet=False)
    return command


# --- parser ------------------------------------------------------------------------------------

_CHECK_EPILOG = """\
input formats (from each FILE's suffix, or --input-format for all of them):
  .json            one certificate object, or an array of them
  .ndjson, .jsonl  one certificate a line
  .csv             one row per certificate-customer link (the README lists the columns)
  .xlsx            a workbook's first sheet (or --sheet), with the CSV's columns;
                   needs: pip install 'certpreflight[xlsx]'
  DIR              a folder: its files of these suffixes, sorted, hidden ones skipped
  -                standard input; without --input-format its first bytes decide:
                   '[' json, '{' ndjson, a zip xlsx, anything else csv
  An input without certificates (empty, blank, [] or a header alone) checks 0
  certificates: exit 0, with a note on stderr.

configuration:
  [tool.certpreflight] in the nearest pyproject.toml, or certpreflight.toml, from the
  current directory up: select, ignore, profile, fail-on, today, matrix (relative to
  the file) and an [options] table, in kebab-case (snake_case is read too). A flag given
  here overrides the file's key; an unknown key is an error. --show-settings prints the
  file used and the settings resolved.

output:
  text lists the certificates with findings, then a summary; --show-ok lists the
  clean ones too, --quiet prints the summary line only, --statistics counts per code.
  [*] marks a finding --fix repairs. concise is one line a finding; github, gitlab,
  sarif and junit are for CI (annotations, Code Quality, code scanning, test reports).
  With --output, the summary line goes to stderr as well.

exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, bad configuration file, or an input that can't be read (or that
     changed while it was read)
  3  an internal error, or a report that could not be written (never 1)
"""


class _ConvertTargets:
    """``convert --to``'s choices, :data:`certpreflight.convert.TARGETS`: imported when
    argparse first looks at them (a convert run, or its help), not for every command."""

    def __iter__(self) -> Iterator[str]:
        from certpreflight.convert import TARGETS  # noqa: PLC0415 - the point of this class

        return iter(TARGETS)

    def __contains__(self, name: object) -> bool:
        return name in list(self)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's layout; help lines wrap as usual."""


#: argparse's message for a value not among an argument's choices (3.10-3.13 spellings).
_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<word>.*?)' \(choose from (?P<choices>.*)\)$")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become UsageError (exit 2 on the caller's ``err``):
    the message, what a misspelt option, subcommand or choice probably meant, and this
    parser's usage in one line (a subcommand's own, not the top level's), as ruff does."""

    def error(self, message: str) -> NoReturn:
        found = _INVALID_CHOICE.search(message)
        if found is not None:
            choices = [c.strip(" '") for c in found["choices"].split(",")]
            message += did_you_mean(found["word"], choices)
        raise UsageError(f"{message}\n{self.short_usage()}")

    def unknown(self, extra: Sequence[str]) -> NoReturn:
        """The error for arguments no option takes, with the option each one probably meant."""
        options = [s for action in self._actions for s in action.option_strings]
        hints = "".join(did_you_mean(a, options, quote=False) for a in extra if a[:1] == "-")
        self.error(f"unrecognized arguments: {' '.join(extra)}{hints}")

    def short_usage(self) -> str:
        """``usage: certpreflight check [OPTIONS] FILE... (more: certpreflight check --help)``."""
        words = [self.prog, "[OPTIONS]"]
        for action in self._actions:
            if not action.option_strings:
                name = action.metavar if isinstance(action.metavar, str) else action.dest
                words.append(f"{name}..." if action.nargs in ("+", "*") else str(name))
        return f"usage: {' '.join(words)} (more: {self.prog} --help)"


def _add_check(sub: argparse._SubParsersAction[_Parser]) -> _Parser:
    check = sub.add_parser(
        "check",
        help="check certificates in .json / .ndjson / .jsonl / .csv / .xlsx files or stdin",
        description="Check certificates; every record is reported with its file:line.",
        epilog=_CHECK_EPILOG,
        formatter_class=_Formatter,
    )
    check.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="the files to check, and folders of them (walked: the files of known suffixes, "
        "sorted, hidden ones passed over); '-' reads standard input",
    )
    read = check.add_argument_group("input")
    read.add_argument(
        "--input-format",
        choices=INPUT_FORMATS,
        help="read every FILE as this format (default: from its suffix)",
    )
    read.add_argument(
        "--sheet", metavar="NAME", help=".xlsx: the sheet, by name or number (default: the first)"
    )
    read.add_argument(
        "--max-line-bytes",
        type=_count,
        default=DEFAULT_MAX_LINE_BYTES,
        metavar="N",
        help="report longer NDJSON lines, JSON array elements and CSV lines as "
        "record-too-large (4010) (default: %(default)s)",
    )
    read.add_argument(
        "--encoding",
        metavar="NAME",
        help="the input's encoding when it has no byte order mark (default: utf-8; e.g. cp1252)",
    )
    read.add_argument(
        "--max-items",
        type=_positive,
        metavar="N",
        help="check at most N customers, regions, PO numbers or pages per certificate; "
        "more is too-many-items (4009) (default: 1000)",
    )
    rules = check.add_argument_group("rules (each overrides the configuration file)")
    rules.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="only these rules: comma list of codes, prefixes, names or types, repeatable "
        "(default: all of the profile's)",
    )
    rules.add_argument(
        "--ignore",
        action="append",
        metavar="CODES",
        help="leave out these rules, as --select (default: none)",
    )
    rules.add_argument(
        "--profile",
        choices=["certcapture", "avatax", "audit"],
        help="which target's rules apply; audit adds the audit-readiness facts on secondary "
        "sources (default: certcapture)",
    )
    rules.add_argument(
        "--matrix", metavar="CSV", help="your own reason x region matrix (default: the built-in)"
    )
    rules.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="check as on this date (default: today)"
    )
    rules.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        help="exit 1 for findings of this severity or worse (default: error)",
    )
    rules.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even with findings (default: off)"
    )
    rules.add_argument(
        "--config",
        metavar="PATH",
        help="read options from this file (default: the nearest pyproject.toml with "
        "[tool.certpreflight], or certpreflight.toml)",
    )
    rules.add_argument(
        "--isolated", action="store_true", help="ignore every configuration file (default: off)"
    )
    rules.add_argument(
        "--show-settings",
        action="store_true",
        help="print the configuration file used and the resolved settings, then exit "
        "(default: off)",
    )
    show = check.add_argument_group("output")
    _format(
        show,
        list(FORMATS),
        "report format: the CI formats are github (workflow annotations), gitlab (Code "
        "Quality), sarif (code scanning) and junit",
    )
    show.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        help="write the report here, atomically (default: standard output)",
    )
    show.add_argument(
        "--quiet", "-q", action="store_true", help="text: the summary line only (default: off)"
    )
    show.add_argument(
        "--show-ok",
        action="store_true",
        help="text: list certificates without findings too (default: off)",
    )
    show.add_argument(
        "--statistics",
        action="store_true",
        help="text: count findings per code instead of listing them (default: off)",
    )
    show.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the text (default: %(default)s: on a terminal, unless NO_COLOR is set; "
        "FORCE_COLOR forces it)",
    )
    fixing = check.add_argument_group("fixing (see 'certpreflight rule CODE' for each fix)")
    fixing.add_argument(
        "--fix",
        action="store_true",
        help="repair what the safe fixes can and write the records, in their input's format, "
        "to --output PATH|DIR (then not the report), or with --in-place (default: off)",
    )
    fixing.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="--fix with the unsafe fixes too: they change what a certificate claims or drop "
        "data (default: off)",
    )
    fixing.add_argument(
        "--diff",
        action="store_true",
        help="--fix, but print a unified diff of what would change instead; exit 1 when "
        "something would (default: off)",
    )
    fixing.add_argument(
        "--in-place",
        action="store_true",
        help="--fix the files themselves, atomically, keeping the original as FILE.orig "
        "(default: off)",
    )
    check.add_argument(
        "--jobs",
        "-j",
        type=_count,
        default=1,
        metavar="N",
        help="worker processes, 0 for one per CPU (default: %(default)s)",
    )
    return check


def _command(
    sub: argparse._SubParsersAction[_Parser], name: str, summary: str, description: str
) -> _Parser:
    return sub.add_parser(name, help=summary, description=description)


def _format(command: argparse._ActionsContainer, choices: list[str], meaning: str) -> None:
    """``--output-format`` (ruff's name), ``--format`` its alias."""
    command.add_argument(
        "--output-format",
        "--format",
        dest="format",
        choices=choices,
        default="text",
        help=f"{meaning} (default: %(default)s)",
    )


def _parser() -> tuple[_Parser, dict[str, _Parser]]:
    parser = _Parser(
        prog="certpreflight",
        description="Check exemption certificates before they reach AvaTax / CertCapture.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser, metavar="COMMAND"
    )
    commands = {"check": _add_check(sub), "coverage": _add_coverage(sub)}

    rules = _command(
        sub, "rules", "print the rule catalogue", "Every rule: code, name, type, severity, message."
    )
    _format(rules, ["text", "markdown", "json"], "a table, docs/rules.md, or a JSON list")
    commands["rules"] = rules

    one = _command(
        sub, "rule", "explain one rule", "One rule: its message, what it means, fix and docs."
    )
    one.add_argument("key", metavar="CODE|NAME", help="a rule's code (2101) or name")
    _format(one, ["text", "json"], "plain text or a JSON object")
    commands["rule"] = one

    convert = _command(
        sub,
        "convert",
        "write records in another dialect",
        "Write the records of FILE as AvaTax REST v2 bodies (one certificate per exposure zone), "
        "CertCapture v2 bodies, native records or CertCapture import template CSV rows; "
        "what the target can't hold is said on stderr (exit 1).",
    )
    convert.add_argument("files", nargs="+", metavar="FILE", help="'-' reads standard input")
    convert.add_argument(
        "--to",
        required=True,
        choices=_ConvertTargets(),
        metavar="TARGET",
        help="the dialect to write: %(choices)s",
    )
    convert.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        help="write here, atomically; a .json PATH gets a JSON array (default: NDJSON, or CSV "
        "for certcapture-csv and avatax-csv, on standard output)",
    )
    _as_check(convert, "--input-format", "--encoding", "--sheet", "--max-line-bytes")
    commands["convert"] = convert

    matrix = _command(
        sub,
        "matrix",
        "show the exempt reason x region matrix",
        "The matrix, a row, a column, a cell.",
    )
    matrix.add_argument(
        "--region", metavar="R", help="one region: WA, US-WA, Washington (default: all)"
    )
    matrix.add_argument("--reason", metavar="X", help="one reason: G, RESALE (default: all)")
    _format(matrix, ["text", "csv", "json", "html"], "output format; html is a heat map")
    matrix.add_argument(
        "--matrix", metavar="CSV", help="show this matrix file instead (default: the built-in)"
    )
    matrix.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        help="write it here, atomically (default: standard output)",
    )
    commands["matrix"] = matrix
    commands["plan"] = _add_plan(sub)
    commands["export"] = _add_export(sub)
    for command in commands.values():
        command.add_argument("--version", action="version", version=f"certpreflight {__version__}")
    return parser, commands


def _run(
    argv: Sequence[str] | None, out: TextIO, err: TextIO, stdin: BinaryIO | None = None
) -> int:
    parser, commands = _parser()
    with contextlib.redirect_stdout(out):  # --help and --version print to our ``out``
        args, extra = parser.parse_known_args(argv)
    if extra:  # the subcommand's usage, not the top level's
        commands[args.command].unknown(extra)
    if args.command == "check" and not args.files and not args.show_settings:
        commands["check"].error("the following arguments are required: FILE")
    if args.command in ("check", "convert", "plan"):
        args.files = _walked(args.files, args.output, err)
    if args.command == "coverage":  # the sales file isn't one of the records
        args.files = _walked(args.files, args.output, err, args.transactions)
    if args.command == "plan":
        args.against = _walked(args.against, args.output, err)
    if args.command == "check":
        return _check(args, out, err, stdin)
    if args.command == "convert":
        return _convert(args, out, err, stdin)
    if args.command == "coverage":
        return _coverage(args, out, err, stdin)
    if args.command == "rules":
        return _rules(args, out)
    if args.command == "matrix":
        return _matrix(args, out)
    if args.command == "plan":
        return _plan(args, out, err, stdin)
    if args.command == "export":
        return _export(args, out, err)
    return _rule(args, out)


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: BinaryIO | None = None,
) -> int:
    """Run the CLI; returns the exit code. ``stdin`` is what ``-`` reads (default the
    process's standard input)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        return _run(argv, out, err, stdin)
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
