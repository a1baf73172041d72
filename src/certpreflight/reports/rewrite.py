"""``check --fix`` and ``convert``: records rewritten into files, in their input's format.

:func:`fix_files` reads each input with the readers ``check`` reads it with
(:func:`certpreflight.io.read_records`: the same records, sources and Formatting findings),
repairs each readable record with :func:`certpreflight.fixes.fix` and writes the file back
with one writer per format. A record nobody changed, and everything between records, is
copied byte for byte. In a changed JSON or NDJSON record only the fixed values are written
(:func:`_patched`): its other members, their numbers, order and duplicate keys stay as they
were. In a changed CSV record only the rows a fix changed are written again (their cells
through :mod:`certpreflight.reports.csv_cells`, the row's line end kept). A workbook
(``.xlsx``) is the same workbook, loaded with openpyxl, with only the fixed cells rewritten,
as text. A text file is written back in its own encoding, with its byte order mark if it had
one. A fix that needs a column the file lacks (2103's address line 2) is not applied.

Where the result goes, and what is refused, is :mod:`certpreflight.reports.output`'s:
``--output`` (a file for one input, a directory for several), ``--in-place`` after a backup
(:func:`~certpreflight.reports.output.backup`), or ``--diff`` (a unified diff, a sheet's
rows as CSV lines).

The records are checked as ``check`` checks them: once every input is fixed, the repaired
records are joined by customer code (:func:`certpreflight.batch.join_all`, rules 6501-6504
and the customer findings carried to linked certificates), so the findings a run counts as
remaining are those ``check`` reports on the files it wrote.

:func:`convert_files` writes the records of each input in another dialect
(:func:`certpreflight.convert.convert`): NDJSON or a JSON array (for an output ending in
``.json``) of bodies, or the CertCapture import template's CSV columns.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import difflib
import importlib
import io
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from certpreflight.batch import JoinTable, join_all
from certpreflight.convert import CSV_HEADERS, convert
from certpreflight.engine import active_rules, checked
from certpreflight.findings import Finding, Report, Severity
from certpreflight.fixes import FixResult, fix, fixable
from certpreflight.io import (
    DEFAULT_MAX_LINE_BYTES,
    Record,
    kind_of,
    read_records,
)
from certpreflight.io._text import MARK_ERRORS, encode_marked, sniff
from certpreflight.io.csvfile import Columns, header_columns
from certpreflight.io.xlsx import read_sheet, sheet_records
from certpreflight.reports import csv_cells
from certpreflight.reports.output import (
    backup,
    is_default,
    open_binary_output,
    open_output,
    refuse_inputs,
)
from certpreflight.reports.printable import printable
from certpreflight.rules import path as loc_path

__all__ = ["FixTally", "convert_files", "fix_files"]


@dataclass
class FixTally:
    """What a ``--fix`` run did, over all inputs."""

    records: int = 0
    fixed: int = 0
    remaining: int = 0
    unsafe_available: int = 0
    changed_files: list[str] = field(default_factory=list)
    worst: int = 0

    def add(self, report: Report, *, unsafe: bool) -> None:
        """One record's findings that remain (joined with the rest of the run)."""
        self.records += 1
        self.remaining += len(report.findings)
        self.unsafe_available += sum(
            1 for f in report.findings if fixable(f, unsafe=True) and not fixable(f)
        ) * (not unsafe)
        for finding in report.findings:
            self.worst = max(self.worst, finding.severity.rank)

    def summary(self) -> str:
        files = len(self.changed_files)
        line = (
            f"{self.records} record{'' if self.records == 1 else 's'} checked: "
            f"{self.fixed} findings fixed, "
            f"{self.remaining} remaining; {files} file(s) changed"
        )
        if self.unsafe_available:
            line += f" ({self.unsafe_available} more fixable with --unsafe-fixes)"
        return line + "\n"


# --- JSON: the fixed values patched into the record's own text ------------------------------------

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_TOKEN = re.compile(_STRING.pattern + r"|[\[\]{}]", re.DOTALL)
_SCALAR = re.compile(r"[^,\]} \t\n\r]+")
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's white space
_DEPTH = {"[": 1, "{": 1, "]": -1, "}": -1}


def _value_end(text: str, i: int) -> int:
    """Where the JSON value starting at ``i`` ends (containers scanned without recursion)."""
    if text[i] not in "[{":
        return (_STRING if text[i] == '"' else _SCALAR).match(text, i).end()  # type: ignore[union-attr]
    depth = 0
    for token in _TOKEN.finditer(text, i):
        depth += _DEPTH.get(token[0], 0)
        if depth == 0:
            return token.end()
    return len(text)


def _skip_space(text: str, i: int) -> int:
    return _SPACE.match(text, i).end()  # type: ignore[union-attr]  # it matches empty text


def _parts(text: str, i: int) -> tuple[list[tuple[str | None, int, int, int]], int]:
    """The members of the object (items of the array) at ``i``: ``(key, key start, value
    start, value end)`` each (key None in an array), and where the closing bracket is."""
    parts: list[tuple[str | None, int, int, int]] = []
    j = _skip_space(text, i + 1)
    while text[j] not in "]}":
        key, at = None, j
        if text[i] == "{":
            name = _STRING.match(text, j)
            assert name is not None  # the text was read as JSON
            key = json.loads(name[0])
            j = _skip_space(text, text.index(":", name.end()) + 1)
        end = _value_end(text, j)
        parts.append((key, at, j, end))
        j = _skip_space(text, end)
        if text[j] == ",":
            j = _skip_space(text, j + 1)
    return parts, j


@dataclass
class _Patch:
    """The edits that turn JSON ``text`` into the text of another value, in ``codec``."""

    text: str
    codec: str
    edits: list[tuple[int, int, str]] = field(default_factory=list)

    def value(self, i: int, before: Any, after: Any) -> None:
        """The value at ``i`` reads as ``before``: make it read as ``after``, writing only what
        differs (an object's members one by one, a list's items when it keeps its length)."""
        if before is after or (type(before) is type(after) and before == after):
            return
        if isinstance(before, dict) and isinstance(after, dict) and set(before) <= set(after):
            self.members(i, before, after)
        elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
            parts, _ = _parts(self.text, i)
            for (_, _, start, _), was, now in zip(parts, before, after, strict=True):
                self.value(start, was, now)
        else:
            self.edits.append((i, _value_end(self.text, i), _dumps(after, self.codec)))

    def members(self, i: int, before: dict[str, Any], after: dict[str, Any]) -> None:
        """The object at ``i``: each member patched (a repeated key: the last, which is the one
        read), a new member added after the last, on a line of its own if that one is."""
        parts, close = _parts(self.text, i)
        last = {key: start for key, _, start, _ in parts}
        for key, was in before.items():
            self.value(last[key], was, after[key])
        added = [
            f"{_dumps(key, self.codec)}: {_dumps(value, self.codec)}"
            for key, value in after.items()
            if key not in before
        ]
        if not added:
            return
        if not parts:
            self.edits.append((close, close, ", ".join(added)))
            return
        at, end = parts[-1][1], parts[-1][3]
        indent = at
        while indent > 0 and self.text[indent - 1] in " \t\n\r":
            indent -= 1
        space = self.text[indent:at]
        self.edits.append((end, end, "".join(f",{space}{member}" for member in added)))

    def applied(self) -> str:
        text = self.text
        for start, end, new in sorted(self.edits, reverse=True):
            text = text[:start] + new + text[end:]
        return text


def _patched(text: str, before: Any, after: Any, codec: str) -> str:
    """``text`` (JSON that reads as ``before``) changed to read as ``after``: only the values
    that differ are written, everything else stays as it was."""
    patch = _Patch(text, codec)
    patch.value(_skip_space(text, 0), before, after)
    return patch.applied()


def _dumps(value: Any, codec: str) -> str:
    """A value as JSON text, each character ``codec`` can't hold as its escape."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        # json.dumps of a non-ASCII character alone is its escape (a surrogate pair beyond the BMP)
        return "".join(ch if _encodes(ch, codec) else json.dumps(ch)[1:-1] for ch in text)
    return text


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


# --- CSV and sheets: the cells of the fixed values ----------------------------------------------


def _cell(value: Any, original: str) -> str:
    if isinstance(value, (list, tuple)):
        separator = next((s for s in (";", "|", ",") if s in original), ";")
        return f"{separator} ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _changes(
    rows: list[list[str]], columns: Columns, record: Mapping[str, Any], fixed: Mapping[str, Any]
) -> tuple[list[tuple[int, int, str]], set[str]]:
    """``(row, column, text)`` for each cell a fix changed in one record's ``rows``, and the
    changed fields that have no column (their fixes can't be written)."""
    by_field = {key: index for index, key in columns}
    customer_columns = [i for i, (level, _) in columns if level == "customer"]
    if all(level == "customer" for _, (level, _) in columns):  # a customer file: a row a record
        record, fixed = {"customers": [record]}, {"customers": [fixed]}
    with_customer = [
        p
        for p, row in enumerate(rows)
        if any(row[i].strip() for i in customer_columns if i < len(row))
    ]
    changed = [
        (0, ("certificate", name), value)
        for name, value in fixed.items()
        if name != "customers" and value != record.get(name)
    ]
    before = list(record.get("customers") or [])
    for i, customer in enumerate(fixed.get("customers") or []):
        if i < len(with_customer) and i < len(before) and isinstance(customer, Mapping):
            changed += [
                (with_customer[i], ("customer", name), value)
                for name, value in customer.items()
                if value != before[i].get(name)
            ]
    cells, missing = [], set()
    for at, key, value in changed:
        if key not in by_field:
            missing.add(key[1])
            continue
        index, row = by_field[key], rows[at]
        cells.append((at, index, _cell(value, row[index] if index < len(row) else "")))
    return cells, missing


def _fix_rows(run: _Run, item: Record, rows: list[list[str]], columns: Columns) -> set[int]:
    """Fix one record of a CSV file or a sheet (its ``rows``) and write the changed cells into
    them; the rows changed. A fix that changes a field without a column is not applied: the
    record is fixed again without it."""
    ignore: tuple[str, ...] = ()
    while True:
        result = run.fix(item.payload, item.source, ignore)
        cells, missing = _changes(rows, columns, item.payload, result.record)
        if not missing or not result.changed:
            break
        codes = {str(a.code) for a in result.applied if a.loc and a.loc[-1] in missing}
        ignore += tuple(sorted(codes or {str(a.code) for a in result.applied}))
    run.done(item.source, item.payload, result)
    return _set(rows, cells)


def _set(rows: list[list[str]], cells: Iterable[tuple[int, int, str]]) -> set[int]:
    """Write ``cells`` into ``rows``; the rows changed."""
    changed = set()
    for at, index, text in cells:
        row = rows[at]
        row.extend([""] * (index + 1 - len(row)))
        if row[index] != text:
            row[index] = text
            changed.add(at)
    return changed


def _csv_rows(text: str) -> list[tuple[list[str], str]]:
    """The rows of a CSV record's text: each row's cells and its own text."""
    taken: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            taken.append(line)
            yield line

    out = []
    for cells in csv.reader(lines()):
        out.append((cells, "".join(taken)))
        taken.clear()
    return out


def _csv_line(cells: list[str], old: str) -> str:
    """A changed row, with the line end its text had. Its cells are the file's data, so they
    are quoted as needed but never prefixed (csv_cells' guard would change the values)."""
    end = old[len(old.rstrip("\r\n")) :]
    return ",".join(csv_cells.cell(c, guard=False) for c in cells) + end


# --- one run --------------------------------------------------------------------------------------


@dataclass
class _Run:
    options: Mapping[str, Any]
    unsafe: bool
    tally: FixTally
    out: TextIO
    show: bool

    #: every record, ``(source, payload as written)``, for :meth:`join`
    held: list[tuple[str, Any]] = field(default_factory=list)

    def fix(self, payload: Any, source: str, ignore: tuple[str, ...] = ()) -> FixResult:
        """The record fixed; ``ignore``: the codes of fixes that can't be written."""
        options = self.options
        if ignore:
            options = {**options, "ignore": (*(options.get("ignore") or ()), *ignore)}
        return fix(payload, unsafe=self.unsafe, **options)

    def done(self, source: str, payload: Any, result: FixResult | None = None) -> None:
        """One record as it is written (fixed: ``result``): counted, described, held for the
        join."""
        if result is None or not result.changed:
            self.held.append(
                (source, payload if isinstance(payload, Finding) else _compact(payload))
            )
            return
        self.tally.fixed += max(0, result.fixed)
        self.held.append((source, _compact(result.record)))
        if self.show:
            self.out.write(_describe(source, result))

    def join(self) -> None:
        """Count what remains as ``check`` reports the files written: the records joined by
        customer code, through the batch's :class:`~certpreflight.batch.JoinTable`."""
        rules = active_rules(
            select=self.options.get("select"),
            ignore=self.options.get("ignore"),
            profile=self.options.get("profile", "certcapture"),
        )
        codes = frozenset(r.code for r in rules)
        readable = [(s, p) for s, p in self.held if not isinstance(p, Finding)]
        reads = checked([p for _, p in readable], **self.options)
        pairs = zip(readable, reads, strict=True)
        labelled = ((source, report, read) for (source, _), (report, read) in pairs)
        reports, _ = join_all(labelled, JoinTable(codes))
        for report in reports:
            self.tally.add(report, unsafe=self.unsafe)
        for _, payload in self.held:
            if isinstance(payload, Finding):
                kept = (payload,) if payload.code in codes else ()
                self.tally.add(Report(findings=kept), unsafe=self.unsafe)
        self.held.clear()


def _describe(source: str, result: FixResult) -> str:
    lines = []
    for applied in result.applied:
        where = loc_path(applied.loc)
        lines.append(
            f"{source}: fixed {applied.code} {where}: {applied.before!r} -> {applied.after!r}\n"
        )
    return printable("".join(lines), lines=True)


def _compact(payload: Any) -> Any:
    """A record held for the join as JSON bytes (a few times smaller than the dict, and read
    to the same report: the limits measure a dict as this compact UTF-8 JSON), or as it is
    when it isn't plain JSON (NaN, a lone surrogate, a key that isn't text)."""
    if not isinstance(payload, dict):
        return payload
    try:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")
    except (TypeError, ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        return payload


def _fix_record(run: _Run, item: Record, raw: bytes, columns: Columns | None, codec: str) -> bytes:
    """One record of a text file as it is written: its own bytes unless a fix changed it
    (a CSV record when ``columns`` are given)."""
    if isinstance(item.payload, Finding):
        run.done(item.source, item.payload)
        return raw
    text = raw.decode("utf-8")  # a record that isn't UTF-8 is a Finding (4011)
    if columns is not None:
        parsed = _csv_rows(text)
        rows = [cells for cells, _ in parsed]
        changed = _fix_rows(run, item, rows, columns)
        if not changed:
            return raw
        lines = (
            _csv_line(rows[i], line) if i in changed else line for i, (_, line) in enumerate(parsed)
        )
        return "".join(lines).encode("utf-8", "surrogatepass")
    result = run.fix(item.payload, item.source)
    run.done(item.source, item.payload, result)
    if not result.changed:
        return raw
    return _patched(text, json.loads(text), result.record, codec).encode("utf-8", "surrogatepass")


@dataclass
class _Fixed:
    """One input fixed: its text and repaired text as the diff shows them, and the writer."""

    label: str
    text: str
    new: str
    write: Callable[[str | None, TextIO], None]
    #: Why the repaired text can't be written to a file in the input's encoding, or None.
    unwritable: str | None = None


@contextlib.contextmanager
def _utf8(path: str, data: bytes, codec: str, mark: int) -> Iterator[tuple[str, bytes]]:
    """The file as UTF-8, for the readers to give byte offsets in it: the file itself and its
    bytes, or a copy of a file in another encoding (its byte order mark left out, a byte that
    isn't text in it kept as its mark, which isn't UTF-8 either: its record is 4011)."""
    if codec == "utf-8":
        yield path, data
        return
    utf8 = data[mark:].decode(codec, MARK_ERRORS).encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory(prefix="certpreflight-") as folder:
        copy_path = os.path.join(folder, os.path.basename(path))
        with open(copy_path, "wb") as handle:
            handle.write(utf8)
        yield copy_path, utf8


def _fixed(
    path: str, shown: str, kind: str, run: _Run, *, encoding: str | None, limit: int
) -> _Fixed:
    """A text file fixed: its records read by :func:`certpreflight.io.read_records`, each
    written back as its own bytes unless a fix changed it, and the bytes between them too."""
    with open(path, "rb") as handle:
        data = handle.read()
    codec, mark = sniff(data[:4], encoding)
    out: list[bytes] = []
    with _utf8(path, data, codec, mark) as (readable, utf8):
        skip = mark if readable == path else 0  # the byte order mark, in the text
        columns = None
        if kind == "csv":
            header = next(
                csv.reader(io.StringIO(utf8[skip:].decode("utf-8", "replace"), newline="")), None
            )
            columns = header_columns(header, shown) if header else None
        at = 0
        for found in read_records(readable, kind=kind, max_line_bytes=limit, encoding="utf-8"):
            item = found._replace(source=shown + found.source[len(readable) :])
            out += [
                utf8[at : item.start],
                _fix_record(run, item, utf8[item.start : item.end], columns, codec),
            ]
            at = item.end
        out.append(utf8[at:])
    body = b"".join(out)[skip:]
    unwritable, encoded = None, body
    if codec != "utf-8":
        try:
            encoded = encode_marked(body.decode("utf-8", "surrogatepass"), codec)
        except UnicodeEncodeError as exc:
            unwritable = f"{shown}: a fixed value can't be written in {codec}: {exc}"
    new = body.decode("utf-8", "backslashreplace")  # shown: the diff, the standard output

    def write(target: str | None, stdout: TextIO) -> None:
        if target is None or is_default(target, stdout):
            with open_output(None, stdout) as stream:
                stream.write(new)
            return
        if unwritable is not None:
            raise ValueError(unwritable)
        with open_binary_output(target) as stream:
            stream.write(data[:mark] + encoded)

    return _Fixed(shown, utf8[skip:].decode("utf-8", "backslashreplace"), new, write, unwritable)


#: What --fix on a workbook needs beside python-calamine, which reads it.
NEEDS_OPENPYXL = "writing a fixed .xlsx needs openpyxl: pip install 'certpreflight[xlsx]'"


def _fixed_sheet(path: str, shown: str, sheet: str | None, run: _Run, limit: int) -> _Fixed:
    """A workbook's sheet fixed: its records read as ``check`` reads them, the changed cells
    written into the workbook itself (openpyxl keeps the other sheets, cells and styles)."""
    try:
        openpyxl = importlib.import_module("openpyxl")
    except ImportError:
        raise ValueError(f"{shown}: {NEEDS_OPENPYXL}") from None
    found = read_sheet(path, sheet=sheet, name=shown)
    label = f"{shown}:{found.name}"
    top, left = found.origin
    rows = copy.deepcopy(found.rows)
    header = next((row for row in rows if any(c.strip() for c in row)), None)
    columns = header_columns(header, label, what="header row") if header else []
    for item in sheet_records(found, shown, limit):
        if isinstance(item.payload, Finding):
            run.done(item.source, item.payload)
        else:
            _fix_rows(run, item, rows[item.start : item.end], columns)
    cells = [
        (i, j, value)
        for i, (before, after) in enumerate(zip(found.rows, rows, strict=True))
        for j, value in enumerate(after)
        if j >= len(before) or before[j] != value
    ]

    def write(target: str | None, out: TextIO) -> None:
        if target is None or is_default(target, out):
            raise ValueError(f"{shown}: a workbook is written to a file: --output FILE.xlsx")
        with open_binary_output(target) as stream:
            if not cells:  # nothing fixed: the workbook as it was, byte for byte
                with open(path, "rb") as original:
                    stream.write(original.read())
                return
            book = _load(openpyxl, path, label)
            written = book[found.name]
            for i, j, value in cells:
                cell = written.cell(row=i + top + 1, column=j + left + 1)
                if isinstance(cell, openpyxl.cell.cell.MergedCell):  # half a fix would lose data
                    raise ValueError(
                        f"{label}: {cell.coordinate} is inside merged cells, where a fix can't "
                        "be written: unmerge them, or fix that row by hand"
                    )
                if cell.data_type == "n":  # 2134 stored as a number: 02134 is text from now on
                    cell.number_format = "@"
                cell.value = value  # text, as a person typed it: 02134 is never turned into 2134
            book.save(stream)

    return _Fixed(label, _sheet_text(found.rows), _sheet_text(rows), write)


def _sheet_text(rows: list[list[str]]) -> str:
    return "".join(csv_cells.row(r, guard=False) for r in rows)


def _load(openpyxl: Any, path: str, label: str) -> Any:
    """The workbook, for writing (from a handle: standard input's copy has no suffix)."""
    with open(path, "rb") as handle:
        try:
            return openpyxl.load_workbook(handle)
        except Exception as exc:  # openpyxl's own errors: a workbook calamine reads, it doesn't
            raise ValueError(f"{label}: openpyxl can't write this workbook ({exc})") from None


def _diff(out: TextIO, text: str, new: str, shown: str) -> None:
    lines = difflib.unified_diff(
        list(io.StringIO(text, newline="")),
        list(io.StringIO(new, newline="")),
        fromfile=shown,
        tofile=f"{shown} (fixed)",
    )
    for line in lines:
        out.write(line if line.endswith("\n") else line + "\n")


def _targets(
    files: list[tuple[str, str, str | None]], output: str | None, in_place: bool, out: TextIO
) -> list[str | None]:
    """Where each input is written; ValueError when two would land on one file, and
    OutputRefusedError when one would replace an input."""
    if in_place:
        return [path for path, _, _ in files]
    if output is None:
        return [None] * len(files)
    if len(files) == 1 and not os.path.isdir(output):
        targets = [output]
    else:
        targets = [os.path.join(output, os.path.basename(p)) for p, _, _ in files]
    seen: dict[str, str] = {}
    for (_, shown, _), target in zip(files, targets, strict=True):
        refuse_inputs(target, [path for path, _, _ in files], out)
        real = os.path.realpath(target)
        if real in seen:
            raise ValueError(
                f"{seen[real]} and {shown} would both be written to {target}: fix them in "
                "separate runs, or name each output"
            )
        seen[real] = shown
    return list(targets)


def _fixed_input(
    path: str, shown: str, given: str | None, run: _Run, options: Mapping[str, Any]
) -> _Fixed:
    """One input fixed, as its kind is written (``options``: encoding, sheet, limit)."""
    kind = kind_of(path, given)
    if not stat.S_ISREG(os.stat(path).st_mode):  # /dev/zero has no end to read to
        raise ValueError(f"{shown}: --fix reads regular files (and standard input)")
    if kind == "xlsx":
        return _fixed_sheet(path, shown, options["sheet"], run, options["limit"])
    return _fixed(path, shown, kind, run, encoding=options["encoding"], limit=options["limit"])


def fix_files(
    files: Iterable[tuple[str, str, str | None]],
    *,
    options: Mapping[str, Any],
    unsafe: bool,
    output: str | None,
    in_place: bool,
    diff: bool,
    encoding: str | None,
    out: TextIO,
    err: TextIO,
    sheet: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> FixTally:
    """Repair each ``(path, shown name, format or None)`` input; ValueError for a usage mistake.

    ``sheet`` names a workbook's sheet (default the first), as ``check --sheet`` does; ``err``
    is kept for the callers (every message goes to ``out`` or is raised)."""
    files = list(files)
    if not (output or in_place or diff):
        raise ValueError(
            "--fix writes the repaired records: name --output PATH|DIR, --in-place or --diff"
        )
    if output and in_place:
        raise ValueError("--output and --in-place can't be combined")
    targets = [None] * len(files) if diff else _targets(files, output, in_place, out)
    if output and len(files) > 1 and not diff:
        os.makedirs(output, exist_ok=True)
    tally = FixTally()
    run = _Run(options, unsafe, tally, out, show=not diff)
    reading = {"encoding": encoding, "sheet": sheet, "limit": max_line_bytes}
    for (path, shown, given), target in zip(files, targets, strict=True):
        fixed = _fixed_input(path, shown, given, run, reading)
        if fixed.new != fixed.text:
            tally.changed_files.append(shown)
        if diff:
            _diff(out, fixed.text, fixed.new, fixed.label)
        elif not in_place:
            fixed.write(target, out)
        elif fixed.new != fixed.text:
            if fixed.unwritable is not None:  # before the backup: the original stays as it was
                raise ValueError(fixed.unwritable)
            backup(path)
            fixed.write(target, out)
    run.join()
    return tally


# --- convert --------------------------------------------------------------------------------------


def convert_files(
    files: Iterable[tuple[str, str, str | None]],
    *,
    to: str,
    output: str | None,
    encoding: str | None,
    out: TextIO,
    err: TextIO,
    sheet: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> int:
    """Convert each ``(path, shown name, format or None)`` input; the number not fully converted."""
    files = list(files)
    if output is not None:
        refuse_inputs(output, [path for path, _, _ in files], out)
    bodies: list[dict[str, Any]] = []
    short = 0
    for path, shown, given in files:
        records = read_records(
            path, kind=given, encoding=encoding, sheet=sheet, max_line_bytes=max_line_bytes
        )
        for source, payload, _, _ in records:
            where = printable(shown + source[len(path) :])
            if isinstance(payload, Finding):
                err.write(f"{where}: not converted: {printable(payload.message)}\n")
                short += 1
                continue
            result = convert(payload, to=to)
            if result.problem is not None:
                err.write(f"{where}: not converted: {printable(result.problem)}\n")
                short += 1
                continue
            if result.lost:
                err.write(f"{where}: {to} can't hold {printable('; '.join(result.lost))}\n")
                short += 1
            bodies.extend(result.records)
    with open_output(output, out) as stream:
        if to == "certcapture-csv":
            stream.write(csv_cells.row(CSV_HEADERS.values()))
            for body in bodies:
                stream.write(csv_cells.row(body.get(h, "") for h in CSV_HEADERS.values()))
        elif output is not None and output.endswith(".json"):
            stream.write(json.dumps(bodies, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
        else:
            for body in bodies:
                stream.write(json.dumps(body, ensure_ascii=False, allow_nan=False) + "\n")
    return short


def worst_is(tally: FixTally, fail_on: str) -> bool:
    """True when a remaining finding is of ``fail_on`` severity or worse."""
    return tally.remaining > 0 and tally.worst >= Severity(fail_on).rank
