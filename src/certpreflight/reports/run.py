"""Run a check over records: validate in chunks, in worker processes if asked, render, write.

Memory stays flat: records are read lazily, sent in chunks of ``CHUNK_SIZE`` records and
at most ``CHUNK_BYTES`` of them (or as spans of an NDJSON or CSV file of about as many
bytes, which the worker reads itself), and at most ``2 * jobs`` chunks are in flight. A
worker returns its chunk already rendered plus a :class:`Tally` (not Report objects), so
the parent only writes; results come back in input order, so ``--jobs N`` output is
byte-identical to ``--jobs 1``.
"""

from __future__ import annotations

import functools
import importlib
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TextIO, TypeVar

from certpreflight.batch import JoinTable
from certpreflight.engine import Payload, checked, context
from certpreflight.findings import Finding, Report
from certpreflight.io import SPAN_BYTES, InputError, Record, Span, read_span
from certpreflight.models import ExemptionCertificate
from certpreflight.options import Options
from certpreflight.reference.regions import lookup_region
from certpreflight.reports import ci, csv_cells, json_doc, junit, sarif, text
from certpreflight.reports.printable import surrogates_escaped
from certpreflight.reports.tally import Result, Tally
from certpreflight.reports.workers import ordered_map
from certpreflight.rules import Context
from certpreflight.rules.situs import not_exempt_regions, reason_not_exempt_in_region

__all__ = [
    "CHUNK_BYTES",
    "CHUNK_SIZE",
    "FORMATS",
    "CheckOptions",
    "Chunk",
    "check_chunk",
    "map_chunks",
    "progress_bar",
    "run_chunks",
    "writer_for",
]

#: The report formats, ``--output-format``'s choices.
FORMATS = ("text", "concise", "json", "csv", "html", "github", "gitlab", "sarif", "junit")
CHUNK_SIZE = 2000
#: A chunk ends when its records reach this many bytes (as the file holds them): 2,000
#: records of 1 MiB held 2 GiB at once (issue 24); a span is about as large.
CHUNK_BYTES = SPAN_BYTES
_HTML_EXAMPLES = 200  # certificates listed per error in the HTML report; counts stay complete


@dataclass(frozen=True)
class CheckOptions:
    """Everything a worker needs to check and render a chunk (picklable)."""

    format: str = "text"
    colour: bool = False
    #: how the records are checked: the run's one options object
    run: Options = Options()  # noqa: RUF009 (frozen: one shared default is safe)
    #: text: list clean certificates too (``--show-ok``)
    show_ok: bool = False
    #: text: list no certificates, only the closing summary (``--quiet``, ``--statistics``)
    listing: bool = True
    #: text: wrap fixes to this width (a terminal's); None: don't wrap
    width: int | None = None
    #: measure each chunk's input size (``Chunk.size``) for a progress bar
    measure: bool = False
    #: the run's records joined by customer code (certpreflight.batch), made by a first pass
    join: JoinTable | None = None
    #: junit: the severity from which a record's findings are a failure (``--fail-on``)
    fail_on: str = "error"


class Chunk(NamedTuple):
    """A worker's answer: the rendered text of its records, their tally, how many, and
    (when measured) about how many bytes of input they were."""

    text: str
    tally: Tally
    records: int
    size: int = 0


def _short_regions(cert: ExemptionCertificate | None) -> tuple[str, ...]:
    """The certificate's regions as short codes, in its order (``regions[i]`` is the i-th)."""
    if cert is None:
        return ()
    found = (lookup_region(r) for r in cert.regions)
    return tuple(r.short if r is not None else "?" for r in found)


def _display(
    cert: ExemptionCertificate | None, report: Report, ctx: Context
) -> tuple[tuple[str, ...], dict[str | None, str | None], list[int]]:
    """The regions, customer names and regions rule 3101 fails (their indices) that the
    HTML report shows for a failing certificate.

    From the model the engine read (the payload is not read again), and only for a
    report with findings but no Formatting one (a payload that couldn't be read whole is
    shown without them).
    """
    if cert is None or not report.findings or any(f.code // 1000 == 4 for f in report.findings):
        return (), {}, []
    names = {c.customer_number: c.name for c in cert.customers}
    failing = reason_not_exempt_in_region.code in report.codes()
    return _short_regions(cert), names, not_exempt_regions(cert, ctx) if failing else []


def check_chunk(records: Sequence[Record], options: CheckOptions) -> Chunk:
    """Validate and render one chunk of records, in order.

    Every format is built from the same reports of the same payloads: the HTML report
    only adds, for failing certificates, their regions and customer names.
    """
    html = options.format == "html"
    tally = Tally(keep=_HTML_EXAMPLES if html else 0)
    payloads: list[Payload] = [r.payload for r in records if not isinstance(r.payload, Finding)]
    run = options.run
    reports = checked(payloads, **run.keywords())
    ctx = context(**run.keywords())  # what the checks saw: rule 3101's regions, for HTML
    results: list[Result] = []
    for source, payload, _, _ in records:
        if isinstance(payload, Finding):
            # unreadable, or a finding on the file: of no kind, said whatever is selected
            report = Report(findings=(payload,), kind=None)
            tally.add(source, report)
        else:
            report, read = next(reports)
            if options.join is not None:
                report = options.join.apply(report, source, read)
            if html:
                tally.add(source, report, *_display(read.certificate, report, ctx))
            else:
                tally.add(source, report)
        results.append((source, report))
    size = sum(_size(record.payload) for record in records) if options.measure else 0
    return Chunk(_render(results, options), tally, len(records), size)


def _size(value: Any) -> int:
    """About how many bytes of input ``value`` was read from: exact for an NDJSON line,
    close for a CSV row (its cells and commas), low for a JSON element (no keys)."""
    if isinstance(value, (str, bytes, bytearray)):
        return len(value)
    if isinstance(value, Mapping):
        return sum(_size(item) + 1 for item in value.values())  # a CSV row: cells, commas
    if isinstance(value, (list, tuple)):
        return sum(_size(item) + 1 for item in value)
    return len(str(value)) if value is not None else 0


_RENDERERS: dict[str, Callable[[list[Result]], str]] = {
    "json": json_doc.render,
    "csv": csv_cells.render,
    "github": ci.github,
    "gitlab": ci.gitlab,
    "sarif": sarif.render,
}


def _render(results: list[Result], options: CheckOptions) -> str:
    renderer = _RENDERERS.get(options.format)
    if renderer is not None:  # a file name's bytes that aren't UTF-8 as ``\udcff`` (in JSON,
        return surrogates_escaped(renderer(results))  # its escape): any UTF-8 writer takes it
    if options.format == "junit":
        return junit.render(results, options.fail_on)
    if options.format == "html":
        return ""  # the page is built from the tally at the end
    if not options.listing:
        return ""
    if options.format == "concise":
        return ci.concise(results)
    return text.render(results, colour=options.colour, show_ok=options.show_ok, width=options.width)


# --- running chunks, in order ---------------------------------------------------------------

_R = TypeVar("_R")

_worker_func: Callable[[list[Record]], Any] | None = None


def _init_worker(func: Callable[[list[Record]], Any]) -> None:
    global _worker_func  # noqa: PLW0603 - per-process state set once per worker
    _worker_func = func


def _records(unit: list[Record] | Span) -> list[Record]:
    if not isinstance(unit, Span):
        return unit
    try:
        return list(read_span(unit))
    except OSError as exc:  # the file went away or changed since it was cut into spans
        raise InputError(f"can't read {unit.path}: {exc.strerror or exc}") from None


def _work(unit: list[Record] | Span) -> Any:
    assert _worker_func is not None
    return _worker_func(_records(unit))


def _units(items: Iterable[Record | Span], size: int) -> Iterator[list[Record] | Span]:
    """Records in chunks of ``size`` records and at most :data:`CHUNK_BYTES` (a record
    larger than that alone); a span on its own (its records are one chunk)."""
    chunk: list[Record] = []
    held = 0
    for item in items:
        if isinstance(item, Span):
            if chunk:
                yield chunk
                chunk, held = [], 0
            yield item
            continue
        weight = _weight(item)
        if chunk and held + weight > CHUNK_BYTES:
            yield chunk
            chunk, held = [], 0
        chunk.append(item)
        held += weight
        if len(chunk) >= size:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def _weight(record: Record) -> int:
    """About the bytes a record holds: its bytes in the file, or its JSON text's length."""
    payload = record.payload
    size = len(payload) if isinstance(payload, (bytes, bytearray, str)) else 0
    return max(size, record.end - record.start, 1)


def map_chunks(
    func: Callable[[list[Record]], _R],
    records: Iterable[Record | Span],
    *,
    jobs: int = 1,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[_R]:
    """``func`` of each chunk of records, in input order; in ``jobs`` worker processes
    when over 1 (``func`` must then be picklable: a module's function, or a partial of one).

    A :class:`~certpreflight.io.Span` among the records stands for its records, which
    are read where the chunk is: in a worker, with ``jobs`` over 1. Raises
    :class:`~certpreflight.io.InputError` when a span's file can't be read any more.
    """
    units = _units(records, chunk_size)
    if jobs <= 1:
        for unit in units:
            yield func(_records(unit))
        return
    # Our own workers, not multiprocessing.Pool: a signal to the process group could leave
    # Pool.terminate() waiting forever on a lock a killed worker held (reports/workers.py).
    yield from ordered_map(
        _work, units, jobs=jobs, initializer=_init_worker, initargs=(func,), describe=_unit_text
    )


def _unit_text(unit: list[Record] | Span) -> str:
    """Where a chunk's records are, for a message: ``file:3 to file:2002``, or a span's
    file, first line and bytes."""
    if isinstance(unit, Span):
        return f"{unit.path} from line {unit.line} (bytes {unit.start:,} to {unit.end:,})"
    first, last = unit[0].source, unit[-1].source
    return first if first == last else f"{first} to {last}"


def run_chunks(
    records: Iterable[Record | Span],
    options: CheckOptions,
    *,
    jobs: int = 1,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[Chunk]:
    """Check records chunk by chunk (:func:`map_chunks`) and yield the chunks in input order."""
    check = functools.partial(check_chunk, options=options)
    return map_chunks(check, records, jobs=jobs, chunk_size=chunk_size)


# --- writers (parent side) -----------------------------------------------------------------------


class _Writer:
    """Writes chunks as they come and closes with the tally and the inputs that could not
    be read (``unread``: the CI formats say them; the others leave them to stderr);
    subclasses per format."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, chunk_text: str) -> None:
        self.out.write(chunk_text)

    def close(self, tally: Tally, unread: Sequence[ci.Unread] = ()) -> None:
        pass


class _TextWriter(_Writer):
    def __init__(self, out: TextIO, colour: bool, quiet: bool, stats: bool) -> None:
        super().__init__(out)
        self.colour, self.quiet, self.stats = colour, quiet, stats

    def close(self, tally: Tally, unread: Sequence[ci.Unread] = ()) -> None:
        closing = text.closing(tally, colour=self.colour, quiet=self.quiet, stats=self.stats)
        self.out.write(closing)


class _CsvWriter(_Writer):
    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        out.write(csv_cells.header())


class _ListWriter(_Writer):
    """A JSON list written as it comes (``gitlab``, ``sarif``): ``head``, the chunks'
    comma-joined items, ``tail``."""

    def __init__(self, out: TextIO, head: str, tail: str) -> None:
        super().__init__(out)
        out.write(head)
        self.tail = tail
        self.first = True

    def write(self, chunk_text: str) -> None:
        if not chunk_text:
            return
        self.out.write(chunk_text if self.first else ",\n" + chunk_text)
        self.first = False

    def close(self, tally: Tally, unread: Sequence[ci.Unread] = ()) -> None:
        self.out.write(self.tail)


class _GitlabWriter(_ListWriter):
    """The Code Quality report: an issue for each input that could not be read too."""

    def close(self, tally: Tally, unread: Sequence[ci.Unread] = ()) -> None:
        self.write(ci.gitlab_unread(unread))
        self.out.write(self.tail)


class _SarifWriter(_ListWriter):
    """The SARIF report: its run's invocation says the inputs that could not be read."""

    def close(self, tally: Tally, unread: Sequence[ci.Unread] = ()) -> None:
        self.out.write(sarif.tail(unread))


class _GithubWriter(_Writer):
    """Workflow commands: an ``::error`` for each input that could not be read too."""

    def close(self, tally: Tally, unread: Sequence[ci.Unread] = ()) -> None:
        self.out.write(ci.github_unread(unread))


class _JsonWriter(_ListWriter):
    """The JSON report: the summary comes first, so the results are spooled until the end."""

    def __init__(self, out: TextIO) -> None:
        spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in close()
        super().__init__(spool, "", "")
        self.target = out

    def close(self, tally: Tally, unread: Sequence[ci.Unread] = ()) -> None:
        with self.out as spool:
            json_doc.write_document(self.target, tally, spool)


class _JunitWriter(_Writer):
    """The JUnit report: the suite's counts come first, so the test cases are spooled."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.tests = self.failures = 0

    def write(self, chunk_text: str) -> None:
        # input text is escaped (``<`` is ``&lt;``): each tag here is one of ours
        self.tests += chunk_text.count("<testcase ")
        self.failures += chunk_text.count("<failure ")
        self.spool.write(chunk_text)

    def close(self, tally: Tally, unread: Sequence[ci.Unread] = ()) -> None:
        tests = self.tests + len(unread)
        before, after = junit.document(tests=tests, failures=self.failures, errors=len(unread))
        with self.spool:
            self.out.write(before)
            self.spool.seek(0)
            shutil.copyfileobj(self.spool, self.out)
            self.out.write(junit.unread_cases(unread))
            self.out.write(after)


class _HtmlWriter(_Writer):
    def __init__(self, out: TextIO, note: str) -> None:
        super().__init__(out)
        self.note = note

    def close(self, tally: Tally, unread: Sequence[ci.Unread] = ()) -> None:
        from certpreflight.reports import html_page  # noqa: PLC0415 - for an HTML report only

        self.out.write(html_page.render_report(tally, note=self.note))


def writer_for(
    fmt: str,
    out: TextIO,
    *,
    colour: bool = False,
    note: str = "",
    quiet: bool = False,
    stats: bool = False,
) -> _Writer:
    """The writer for a format, one of :data:`FORMATS`.

    A text or concise report closes with the statistics (``stats``) or the summary, one line
    if ``quiet`` (concise: always one line); the CI formats (``github``, ``gitlab``,
    ``sarif``, ``junit``) hold the findings alone.
    """
    if fmt == "json":
        return _JsonWriter(out)
    if fmt == "gitlab":
        return _GitlabWriter(out, "[\n", "\n]\n")
    if fmt == "sarif":
        return _SarifWriter(out, sarif.head(), sarif.TAIL)
    if fmt == "junit":
        return _JunitWriter(out)
    if fmt == "github":
        return _GithubWriter(out)
    if fmt == "concise":
        return _TextWriter(out, colour, quiet=True, stats=stats)
    if fmt == "csv":
        return _CsvWriter(out)
    if fmt == "html":
        return _HtmlWriter(out, note)
    return _TextWriter(out, colour, quiet, stats)


@functools.cache
def _bar_class() -> Any:
    """tqdm's bar without its monitor thread (``monitor_interval = 0``): ``--jobs`` starts its
    workers by forking, and a process shouldn't fork with a thread running (Python 3.12+
    warns: the child may inherit a lock the thread held). Only these bars, not tqdm's own."""
    tqdm = importlib.import_module("tqdm").tqdm
    return type("ProgressBar", (tqdm,), {"monitor_interval": 0})


def progress_bar(err: TextIO, total: int | None = None) -> Any:
    """A tqdm bar on ``err`` (shown after a second) if it is a terminal and tqdm is installed.

    It counts bytes of input out of ``total`` (the files' sizes), so it shows the rate
    and the time left; update it with each chunk's :attr:`Chunk.size`.
    """
    if not err.isatty():
        return None
    try:
        bar = _bar_class()
    except ImportError:  # the optional ``cli`` extra is not installed
        return None
    return bar(
        file=err,
        total=total or None,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        delay=1.0,
        leave=False,
        desc="checking",
    )
