"""``check --fix`` and ``convert``: records rewritten into files, in their input's format.

:func:`fix_files` reads each input with the readers ``check`` reads it with
(:func:`certpreflight.io.read_records`: the same records, sources and Formatting findings),
repairs each readable record (:func:`certpreflight.fixes.fix`) and writes the file back:
a record nobody changed, and every byte between records, as it was; in a fixed JSON or
NDJSON record only the fixed values (its other members, numbers, order and duplicate keys
as they were); in a fixed CSV record only the rows with a fixed cell; in a workbook only
the fixed cells (openpyxl keeps the rest). A text file keeps its encoding and byte order
mark. A fix that needs a column the file lacks (2103's address line 2) is not applied.
Output safety (no input replaced, backups) is :mod:`certpreflight.reports.output`'s.

What remains is counted as ``check`` counts it on the files written: the repaired records
of all inputs joined by customer code (:func:`certpreflight.batch.join_all`).
:func:`convert_files` writes each input's records in another dialect
(:func:`certpreflight.convert.convert`): NDJSON, a JSON array (an output ending in
``.json``) or the CertCapture import template's CSV.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import importlib
import io
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO

from certpreflight.batch import JoinTable, join_all
from certpreflight.convert import CSV_TARGETS, convert, csv_header
from certpreflight.engine import active_rules, checked
from certpreflight.findings import Finding, Report, Severity
from certpreflight.fixes import FixResult, fix, fixable
from certpreflight.io import DEFAULT_MAX_LINE_BYTES, Record, kind_of, read_records
from certpreflight.io._text import MARK_ERRORS, encode_marked, sniff
from certpreflight.io.csvfile import Columns, header_columns, record_rows
from certpreflight.io.xlsx import read_sheet, sheet_columns, sheet_records
from certpreflight.literals import Target
from certpreflight.options import Options
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

__all__ = ["FixTally", "Unreadable", "convert_files", "fix_files"]

#: Given an input's path and the name it is shown by, a context in which that input is read:
#: one that can't be read (:class:`~certpreflight.io.InputError`, an ``OSError``) is
#: reported and the exception suppressed, and the run goes on with the next input (the
#: CLI's, the one ``check`` skips an unreadable input with). Without one, it is raised.
Unreadable = Callable[[str, str], AbstractContextManager[object]]


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

_DECODE = json.JSONDecoder().raw_decode  # (value, where it ends) of the JSON text at an index
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's white space


def _after_space(text: str, i: int) -> int:
    return _SPACE.match(text, i).end()  # type: ignore[union-attr]  # it matches empty text


def _parts(text: str, i: int) -> tuple[list[tuple[Any, int, int, int]], int]:
    """``(key, start, value start, value end)`` of each member of the object at ``i`` (key
    None for an array's items), and where its closing bracket is."""
    parts, j = [], _after_space(text, i + 1)
    while text[j] not in "]}":
        key, at = None, j
        if text[i] == "{":
            key, j = _DECODE(text, j)
            j = _after_space(text, _after_space(text, j) + 1)  # past the colon
        end = _DECODE(text, j)[1]
        parts.append((key, at, j, end))
        j = _after_space(text, end)
        j = _after_space(text, j + 1) if text[j] == "," else j
    return parts, j


@dataclass
class _Patch:
    """The edits that make JSON ``text`` read as another value, in ``codec``."""

    text: str
    codec: str
    edits: list[tuple[int, int, str]] = field(default_factory=list)

    def value(self, i: int, before: Any, after: Any) -> None:
        """The value at ``i`` reads as ``before``: make it read as ``after``, writing only what
        differs (an object's members one by one, a list's items when it keeps its length)."""
        if _same(before, after):
            return
        if isinstance(before, dict) and isinstance(after, dict) and before.keys() <= after.keys():
            parts, close = _parts(self.text, i)
            last = {key: start for key, _, start, _ in parts}  # a repeated key: the last is read
            for key, was in before.items():
                self.value(last[key], was, after[key])
            added = [
                f"{self._dumps(k)}: {self._dumps(v)}" for k, v in after.items() if k not in before
            ]
            if added and not parts:
                self.edits.append((close, close, ", ".join(added)))
            elif added:  # after the last member, with its line break and indent
                _, at, _, end = parts[-1]
                indent = self.text[:at][len(self.text[:at].rstrip(" \t\n\r")) :]
                self.edits.append((end, end, "".join(f",{indent}{m}" for m in added)))
        elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
            for (_, _, start, _), was, now in zip(
                _parts(self.text, i)[0], before, after, strict=True
            ):
                self.value(start, was, now)
        elif isinstance(before, list) and (kept := _kept(before, after)):  # items dropped (3101)
            parts = _parts(self.text, i)[0]
            between = self.text[parts[0][3] : parts[1][2]]  # what separates the first two
            text = between.join(self.text[parts[k][2] : parts[k][3]] for k in kept)
            self.edits.append((parts[0][2], parts[-1][3], text))
        else:
            self.edits.append((i, _DECODE(self.text, i)[1], self._dumps(after)))

    def _dumps(self, value: Any) -> str:
        """A value as JSON, each character the codec can't hold as its escape."""
        text = json.dumps(value, ensure_ascii=False)
        if all(_encodes(ch, self.codec) for ch in text if not ch.isascii()):
            return text
        # json.dumps of a non-ASCII character alone is its escape (a surrogate pair beyond the BMP)
        return "".join(ch if _encodes(ch, self.codec) else json.dumps(ch)[1:-1] for ch in text)

    def applied(self) -> str:
        text = self.text
        for start, end, new in sorted(self.edits, reverse=True):
            text = text[:start] + new + text[end:]
        return text


def _same(before: Any, after: Any) -> bool:
    return before is after or (type(before) is type(after) and before == after)


def _kept(before: list[Any], after: Any) -> list[int]:
    """The indexes of the items of ``before`` that are ``after``, when ``after`` is ``before``
    with some items left out (and one at least kept); else none."""
    kept: list[int] = []
    for k, item in enumerate(before):
        if isinstance(after, list) and len(kept) < len(after) and _same(item, after[len(kept)]):
            kept.append(k)
    return kept if isinstance(after, list) and len(kept) == len(after) else []


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


# --- CSV and sheets: the cells of the fixed values ----------------------------------------------


def _where(
    loc: tuple[str | int, ...], level: str, customers: list[int]
) -> tuple[list[int], tuple[str, str]] | None:
    """The rows (of a record's) and the column of a fixed value: ``(field,)`` is in the first
    row, or in every row of a customer record (the copies of its row that give it several
    ship-to states), ``(customers, i, field)`` in the i-th row holding a customer; None: no
    cell."""
    if len(loc) == 1:
        return (customers if level == "customer" else [0]), (level, str(loc[0]))
    if len(loc) == 3 and isinstance(loc[1], int) and loc[1] < len(customers):
        return [customers[loc[1]]], ("customer", str(loc[2]))
    return None


def _fix_rows(run: _Run, item: Record, rows: list[list[str]], columns: Columns) -> set[int]:
    """Fix one record of a CSV file or a sheet and write each value a fix changed into its
    cell of the record's ``rows``; the rows changed. A fix that needs a column the file
    lacks is not applied: the record is fixed again without it."""
    by_field = {key: index for index, key in columns}
    level = "customer" if all(lv == "customer" for _, (lv, _) in columns) else "certificate"
    holding = [i for i, (lv, _) in columns if lv == "customer"]
    customers = [
        at for at, row in enumerate(rows) if any(row[i].strip() for i in holding if i < len(row))
    ]
    ignore: tuple[str, ...] = ()
    while True:
        result, cells, unwritten = run.fix(item, ignore), [], set()
        for fixed in result.applied:
            where = _where(fixed.loc, level, customers)
            if where is None or where[1] not in by_field:
                unwritten.add(str(fixed.code))
            else:
                cells += [(at, by_field[where[1]], fixed.after) for at in where[0]]
        if not unwritten:
            break
        ignore += tuple(sorted(unwritten))
    run.done(item, result)
    changed = set()
    for at, index, value in cells:
        row = rows[at]
        row.extend([""] * (index + 1 - len(row)))
        text = "" if value is None else str(value)
        if isinstance(value, (list, tuple)):  # a list in the separator the cell had
            text = f"{next((s for s in ';|,' if s in row[index]), ';')} ".join(map(str, value))
        if row[index] != text:
            row[index] = text
            changed.add(at)
    return changed


def _csv_line(cells: list[str], old: str) -> str:
    """A changed row, with the line end its text had. Its cells are the file's data: quoted as
    needed, never prefixed (csv_cells' guard would change the values)."""
    return ",".join(csv_cells.cell(c, guard=False) for c in cells) + old[len(old.rstrip("\r\n")) :]


# --- one run --------------------------------------------------------------------------------------


@dataclass
class _Run:
    options: Options
    unsafe: bool
    tally: FixTally
    out: TextIO
    show: bool
    #: every record, ``(source, payload as written)``, for :meth:`join`
    held: list[tuple[str, Any]] = field(default_factory=list)

    def fix(self, item: Record, ignore: tuple[str, ...] = ()) -> FixResult:
        """The record fixed; ``ignore``: the codes of fixes that can't be written."""
        options = self.options
        if ignore:
            options = dataclasses.replace(options, ignore=(*options.ignore, *ignore))
        return fix(item.payload, unsafe=self.unsafe, **options.keywords())

    def done(self, item: Record, result: FixResult | None = None, written: Any = None) -> None:
        """One record as written (fixed: ``result``, its text ``written`` when known): counted,
        described, held for the join."""
        if result is None or not result.changed:
            finding = isinstance(item.payload, Finding)
            self.held.append((item.source, item.payload if finding else _compact(item.payload)))
            return
        self.tally.fixed += max(0, result.fixed)
        self.held.append((item.source, written or _compact(result.record)))
        if self.show:
            self.out.write(printable("".join(
                f"{item.source}: fixed {a.code} {loc_path(a.loc)}: {a.before!r} -> {a.after!r}\n"
                for a in result.applied
            ), lines=True))  # fmt: skip

    @contextlib.contextmanager
    def undone(self) -> Iterator[None]:
        """One input read in the block: when it raises, what its records added (held for
        the join, counted fixed) is taken back, so an input that couldn't be read is not
        counted."""
        held, fixed = len(self.held), self.tally.fixed
        try:
            yield
        except BaseException:
            del self.held[held:]
            self.tally.fixed = fixed
            raise

    def join(self) -> None:
        """Count what remains as ``check`` reports the files written: the records joined by
        customer code, through the batch's :class:`~certpreflight.batch.JoinTable`."""
        options = self.options
        rules = active_rules(select=options.select, ignore=options.ignore, profile=options.profile)
        codes = frozenset(r.code for r in rules)
        readable = [(s, p) for s, p in self.held if not isinstance(p, Finding)]
        reads = checked([p for _, p in readable], **options.keywords())
        pairs = zip(readable, reads, strict=True)
        labelled = ((source, report, read) for (source, _), (report, read) in pairs)
        reports, _ = join_all(labelled, JoinTable(codes))
        for report in reports:
            self.tally.add(report, unsafe=self.unsafe)
        for _, payload in self.held:
            if isinstance(payload, Finding):
                self.tally.add(Report(findings=(payload,)), unsafe=self.unsafe)
        self.held.clear()


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


def _fixed_record(
    run: _Run, item: Record, raw: bytes, columns: Columns | None, codec: str
) -> bytes:
    """One record of a text file as written: its own bytes unless a fix changed it (a CSV
    record when ``columns`` are given)."""
    if isinstance(item.payload, Finding):
        run.done(item)
        return raw
    text = raw.decode("utf-8")  # a record that isn't UTF-8 is a Finding (4011)
    if columns is None:
        result = run.fix(item)
        if not result.changed:
            run.done(item, result)
            return raw
        patch = _Patch(text, codec)
        patch.value(_after_space(text, 0), json.loads(text), result.record)
        new = patch.applied().encode("utf-8", "surrogatepass")
        run.done(item, result, new)  # check reads what is written
        return new
    parsed = record_rows(text)
    rows = [cells for cells, _ in parsed]
    changed = _fix_rows(run, item, rows, columns)
    lines = (
        _csv_line(rows[i], line) if i in changed else line for i, (_, line) in enumerate(parsed)
    )
    return "".join(lines).encode("utf-8", "surrogatepass") if changed else raw


@dataclass
class _Fixed:
    """One input fixed: its text and repaired text as the diff shows them, and what a file
    gets (its bytes, or a workbook's writer)."""

    label: str
    text: str
    new: str
    output: bytes | Callable[[BinaryIO], None]
    #: Why the repaired text can't be written to a file in the input's encoding, or None.
    unwritable: str | None = None


@contextlib.contextmanager
def _utf8(path: str, data: bytes, codec: str, mark: int) -> Iterator[tuple[str, bytes]]:
    """The file as UTF-8 (the readers' offsets are in it): the file itself, or a copy of a
    file in another encoding, its byte order mark left out and each byte that isn't text
    in it kept as its mark (which isn't UTF-8 either: its record is 4011)."""
    if codec == "utf-8":
        yield path, data
        return
    utf8 = data[mark:].decode(codec, MARK_ERRORS).encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory(prefix="certpreflight-") as folder:
        copy = os.path.join(folder, os.path.basename(path))
        with open(copy, "wb") as handle:
            handle.write(utf8)
        yield copy, utf8


def _fixed_text(path: str, shown: str, kind: str, run: _Run, reading: Mapping[str, Any]) -> _Fixed:
    """A JSON, NDJSON or CSV file fixed, each record written back from its own bytes unless a
    fix changed it, and the bytes between records as they were."""
    with open(path, "rb") as handle:
        data = handle.read()
    codec, mark = sniff(data[:4], reading["encoding"])
    out: list[bytes] = []
    with _utf8(path, data, codec, mark) as (readable, utf8):
        skip = mark if readable == path else 0  # the byte order mark
        columns: Columns | None = None
        at = 0
        records = read_records(
            readable, kind=kind, max_line_bytes=reading["limit"], encoding="utf-8"
        )
        for found in records:
            item = found._replace(source=shown + found.source[len(readable) :])
            if kind == "csv" and columns is None:  # the header: the row before the first record
                head = utf8[skip : item.start].decode("utf-8", "replace")
                columns = header_columns(record_rows(head)[0][0], shown)
            out += [
                utf8[at : item.start],
                _fixed_record(run, item, utf8[item.start : item.end], columns, codec),
            ]
            at = item.end
        out.append(utf8[at:])
    body, unwritable = b"".join(out)[skip:], None
    try:
        encoded = (
            body
            if codec == "utf-8"
            else encode_marked(body.decode("utf-8", "surrogatepass"), codec)
        )
    except UnicodeEncodeError as exc:
        encoded, unwritable = b"", f"{shown}: a fixed value can't be written in {codec}: {exc}"
    text = utf8[skip:].decode("utf-8", "backslashreplace")  # shown: the diff, standard output
    return _Fixed(
        shown, text, body.decode("utf-8", "backslashreplace"), data[:mark] + encoded, unwritable
    )


#: What --fix on a workbook needs beside python-calamine, which reads it.
NEEDS_OPENPYXL = "writing a fixed .xlsx needs openpyxl: pip install 'certpreflight[xlsx]'"


def _fixed_sheet(path: str, shown: str, run: _Run, reading: Mapping[str, Any]) -> _Fixed:
    """A workbook's sheet fixed: its records read as ``check`` reads them, the changed cells
    written into the workbook itself (openpyxl keeps the other sheets, cells and styles)."""
    try:
        openpyxl = importlib.import_module("openpyxl")
    except ImportError:
        raise ValueError(f"{shown}: {NEEDS_OPENPYXL}") from None
    found = read_sheet(path, sheet=reading["sheet"], name=shown)
    label, (top, left) = f"{shown}:{found.name}", found.origin
    rows = [list(row) for row in found.rows]
    columns = sheet_columns(found, shown)
    for item in sheet_records(found, shown, reading["limit"]):
        if isinstance(item.payload, Finding):
            run.done(item)
        else:
            _fix_rows(run, item, rows[item.start : item.end], columns)
    cells = [
        (i, j, value)
        for i, (before, after) in enumerate(zip(found.rows, rows, strict=True))
        for j, value in enumerate(after)
        if j >= len(before) or before[j] != value
    ]

    def write(stream: BinaryIO) -> None:
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

    def text(sheet_rows: list[list[str]]) -> str:
        return "".join(csv_cells.row(r, guard=False) for r in sheet_rows)

    if cells:
        return _Fixed(label, text(found.rows), text(rows), write)
    with open(path, "rb") as handle:  # nothing fixed: the workbook as it was, byte for byte
        return _Fixed(label, text(found.rows), text(rows), handle.read())


def _load(openpyxl: Any, path: str, label: str) -> Any:
    """The workbook, for writing (from a handle: standard input's copy has no suffix)."""
    with open(path, "rb") as handle:
        try:
            return openpyxl.load_workbook(handle)
        except Exception as exc:  # openpyxl's own errors: a workbook calamine reads, it doesn't
            raise ValueError(f"{label}: openpyxl can't write this workbook ({exc})") from None


def _write(fixed: _Fixed, target: str | None, out: TextIO) -> None:
    """A fixed input to ``target`` (a file), or to ``out`` (None, ``-``)."""
    if target is None or is_default(target, out):
        if callable(fixed.output):
            raise ValueError(f"{fixed.label}: a workbook is written to a file: --output FILE.xlsx")
        with open_output(None, out) as stream:
            stream.write(fixed.new)
        return
    if fixed.unwritable is not None:
        raise ValueError(fixed.unwritable)
    with open_binary_output(target) as stream:
        if callable(fixed.output):
            fixed.output(stream)
        else:
            stream.write(fixed.output)


def _targets(
    files: list[tuple[str, str, str | None]], output: str | None, out: TextIO
) -> list[str | None]:
    """Where each input is written; ValueError when two would land on one file, and
    OutputRefusedError when one would replace an input."""
    if output is None:
        return [None] * len(files)
    if len(files) == 1 and not os.path.isdir(output):
        targets = [output]
    else:
        targets = [os.path.join(output, os.path.basename(p)) for p, _, _ in files]
    seen: dict[str, str] = {}
    for (_, shown, _), target in zip(files, targets, strict=True):
        refuse_inputs(target, [path for path, _, _ in files], out)
        first = seen.setdefault(os.path.realpath(target), shown)
        if first != shown:
            raise ValueError(
                f"{first} and {shown} would both be written to {target}: fix them in "
                "separate runs, or name each output"
            )
    return list(targets)


def _fixed_file(
    path: str, shown: str, given: str | None, run: _Run, reading: Mapping[str, Any]
) -> _Fixed:
    """One input fixed, as its kind is written."""
    kind = kind_of(path, given)
    if not stat.S_ISREG(os.stat(path).st_mode):  # /dev/zero has no end to read to
        raise ValueError(f"{shown}: --fix reads regular files (and standard input)")
    if kind == "xlsx":
        return _fixed_sheet(path, shown, run, reading)
    return _fixed_text(path, shown, kind, run, reading)


def fix_files(
    files: Iterable[tuple[str, str, str | None]],
    *,
    options: Options,
    unsafe: bool,
    output: str | None,
    in_place: bool,
    diff: bool,
    encoding: str | None,
    out: TextIO,
    err: TextIO,
    sheet: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    unreadable: Unreadable | None = None,
) -> FixTally:
    """Repair each ``(path, shown name, format or None)`` input; ValueError for a usage mistake.

    ``sheet`` names a workbook's sheet (default the first), as ``check --sheet`` does; every
    message goes to ``out`` or is raised (``err`` is the caller's). An input read in
    ``unreadable``'s context that can't be read is skipped, nothing of it written."""
    files = list(files)
    if not (output or in_place or diff):
        raise ValueError(
            "--fix writes the repaired records: name --output PATH|DIR, --in-place or --diff"
        )
    if output and in_place:
        raise ValueError("--output and --in-place can't be combined")
    targets = _targets(files, None if diff else output, out)
    if output and len(files) > 1 and not diff:
        os.makedirs(output, exist_ok=True)
    tally = FixTally()
    run = _Run(options, unsafe, tally, out, show=not diff)
    reading = {"encoding": encoding, "sheet": sheet, "limit": max_line_bytes}
    for (path, shown, given), target in zip(files, targets, strict=True):
        fixed = None
        with _reading(unreadable, path, shown), run.undone():
            fixed = _fixed_file(path, shown, given, run, reading)
        if fixed is None:  # it couldn't be read: said, and nothing of it written
            continue
        if fixed.new != fixed.text:
            tally.changed_files.append(shown)
        if diff:
            lines = difflib.unified_diff(
                list(io.StringIO(fixed.text, newline="")),
                list(io.StringIO(fixed.new, newline="")),
                fromfile=fixed.label,
                tofile=f"{fixed.label} (fixed)",
            )
            out.writelines(line if line.endswith("\n") else line + "\n" for line in lines)
        elif not in_place:
            _write(fixed, target, out)
        elif fixed.new != fixed.text:
            if fixed.unwritable is not None:  # before the backup: the original stays as it was
                raise ValueError(fixed.unwritable)
            backup(path)
            _write(fixed, path, out)
    run.join()
    return tally


# --- convert --------------------------------------------------------------------------------------


def convert_files(
    files: Iterable[tuple[str, str, str | None]],
    *,
    to: Target,
    output: str | None,
    encoding: str | None,
    out: TextIO,
    err: TextIO,
    sheet: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    unreadable: Unreadable | None = None,
) -> int:
    """Convert each ``(path, shown name, format or None)`` input; the number not fully
    converted. An input read in ``unreadable``'s context that can't be read is skipped,
    none of its records written."""
    files = list(files)
    refuse_inputs(output, [path for path, _, _ in files], out)
    bodies: list[dict[str, Any]] = []
    short = 0
    header: tuple[str, ...] | None = None  # a CSV's: the first converted record's template's
    for path, shown, given in files:
        kept, read = (len(bodies), short, header), False
        with _reading(unreadable, path, shown):
            records = read_records(
                path, kind=given, sheet=sheet, max_line_bytes=max_line_bytes, encoding=encoding
            )
            for source, payload, _, _ in records:
                where = printable(shown + source[len(path) :])
                result = None if isinstance(payload, Finding) else convert(payload, to=to)
                problem = payload.message if result is None else result.problem
                if problem is None and result is not None:
                    wanted = csv_header(to, result.kind)
                    header = header or wanted
                    if wanted != header:
                        problem = _other_template(result.kind)
                        result = None
                if problem is not None:
                    err.write(f"{where}: not converted: {printable(problem)}\n")
                elif result is not None and result.lost:
                    err.write(f"{where}: {to} can't hold {printable('; '.join(result.lost))}\n")
                short += problem is not None or bool(result and result.lost)
                bodies.extend(result.records if result is not None else ())
            read = True
        if not read:  # it couldn't be read: none of its records written
            del bodies[kept[0] :]
            short, header = kept[1], kept[2]
    with open_output(output, out) as stream:
        header = header or CSV_TARGETS.get(to)
        if header is not None:  # the one cell writer: quoted, formulas neutralised
            rows = [header, *([b.get(h, "") for h in header] for b in bodies)]
            stream.write("".join(map(csv_cells.row, rows)))
        elif output is not None and output.endswith(".json"):
            stream.write(json.dumps(bodies, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
        else:
            stream.write(
                "".join(json.dumps(b, ensure_ascii=False, allow_nan=False) + "\n" for b in bodies)
            )
    return short


def _reading(
    unreadable: Unreadable | None, path: str, shown: str
) -> AbstractContextManager[object]:
    """The context one input is read in: ``unreadable``'s, or none (its errors raised)."""
    return contextlib.nullcontext() if unreadable is None else unreadable(path, shown)


def _other_template(kind: str | None) -> str:
    """Why a record isn't written in a CSV whose header is another import template's."""
    if kind == "customer":
        return (
            "a customer record goes in CertCapture's customer import template, and this file "
            "holds certificates: convert the customer records to a file of their own"
        )
    return (
        "a certificate goes in the certificate import template, and this file holds "
        "CertCapture's customer import template: convert the certificates to a file of their own"
    )


def worst_is(tally: FixTally, fail_on: str) -> bool:
    """True when a remaining finding is of ``fail_on`` severity or worse."""
    return tally.remaining > 0 and tally.worst >= Severity(fail_on).rank
