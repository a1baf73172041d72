"""``check --fix`` and ``convert``: records rewritten into files, in their input's format.

:func:`fix_files` repairs every record of each input with :func:`certpreflight.fixes.fix`
and writes the records back in the input's own format: JSON (an object or an array, indented
by two spaces), NDJSON (a line per record; lines that weren't changed are written as they
were, unreadable ones too) or CSV (the same columns in the same order, only the cells whose
value a fix changed rewritten) or a workbook (``.xlsx``: the same workbook, loaded with
openpyxl, with only those cells rewritten, as text). A text file is written back in its own
encoding (``--encoding``), with its byte order mark if it had one. They go to ``--output``
(a file for one input, a directory for several), or with ``--in-place`` over the input
itself, atomically (:func:`certpreflight.reports.output.open_output`) after the original is
copied to ``FILE.orig``. ``--diff`` writes nothing and prints a unified diff instead (a
sheet's rows as CSV lines).

The records are checked as ``check`` checks them: once every input is fixed, the repaired
records are joined by customer code (:func:`certpreflight.batch.join_all`, rules 6501-6504
and the customer findings carried to linked certificates), so the findings a run counts as
remaining are those ``check`` reports on the files it wrote.

:func:`convert_files` writes the records of each input in another dialect
(:func:`certpreflight.convert.convert`): NDJSON or a JSON array (for an output ending in
``.json``) of bodies, or the CertCapture import template's CSV columns.
"""

from __future__ import annotations

import csv
import difflib
import importlib
import io
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from certpreflight.batch import JoinTable, join_all
from certpreflight.convert import CSV_HEADERS, convert
from certpreflight.engine import active_rules, checked
from certpreflight.findings import Finding, Report, Severity
from certpreflight.fixes import FixResult, fix, fixable
from certpreflight.io import kind_of, read_records
from certpreflight.io._text import sniff
from certpreflight.io.csvfile import Columns, group_rows, header_columns
from certpreflight.io.xlsx import read_sheet
from certpreflight.reports.output import is_default, open_binary_output, open_output
from certpreflight.reports.printable import printable
from certpreflight.rules import path as loc_path

__all__ = ["FixTally", "convert_files", "fix_files"]

#: The suffix of the copy ``--in-place`` keeps of the original.
BACKUP_SUFFIX = ".orig"


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


def _describe(source: str, result: FixResult) -> str:
    lines = []
    for applied in result.applied:
        where = loc_path(applied.loc)
        lines.append(
            f"{source}: fixed {applied.code} {where}: {applied.before!r} -> {applied.after!r}\n"
        )
    return printable("".join(lines), lines=True)


# --- the formats ----------------------------------------------------------------------------------


def _fix_json(text: str, run: _Run, source: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        run.fix(text, source)  # nothing can be repaired: its finding remains
        return text
    items = data if isinstance(data, list) else [data]
    changed = False
    out = []
    for index, item in enumerate(items):
        result = run.fix(item, f"{source}[{index}]" if isinstance(data, list) else source)
        changed = changed or result.changed
        out.append(result.record if result.changed else item)
    if not changed:
        return text
    value = out if isinstance(data, list) else out[0]
    indent = 2 if "\n" in text.strip() else None  # a one-line file stays on one line
    return json.dumps(value, indent=indent, ensure_ascii=False) + "\n"


def _fix_ndjson(text: str, run: _Run, source: str) -> str:
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            run.fix(line, f"{source}:{number}")  # nothing can be repaired: it remains
            continue
        result = run.fix(item, f"{source}:{number}")
        if result.changed:
            end = line[len(line.rstrip("\r\n")) :] or "\n"
            lines[number - 1] = json.dumps(result.record, ensure_ascii=False) + end
    return "".join(lines)


def _cell(value: Any, original: str) -> str:
    if isinstance(value, (list, tuple)):
        separator = next((s for s in (";", "|", ",") if s in original), ";")
        return f"{separator} ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _fix_csv(text: str, run: _Run, source: str) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return text
    columns = header_columns(rows[0], source)
    if not _fix_rows(rows, columns, 1, run, lambda at: f"{source}:{at + 1}"):
        return text
    terminator = "\r\n" if "\r\n" in text else "\n"
    return _csv_text(rows, terminator)


def _csv_text(rows: list[list[str]], terminator: str = "\n") -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=terminator).writerows(rows)
    return out.getvalue()


def _fix_rows(
    rows: list[list[str]], columns: Columns, first: int, run: _Run, where: Callable[[int], str]
) -> bool:
    """Fix the certificates of ``rows`` (a CSV file's or a sheet's, the header's ``columns``,
    the records from row ``first`` on), rewriting the cells fixes changed; True if any.
    ``where`` names a row (by its index) in sources."""
    numbered = [
        (str(i), row) for i, row in enumerate(rows[first:], start=first) if any(map(str.strip, row))
    ]
    starts = [(int(at), record) for at, record in group_rows(numbered, columns)]
    positions = [int(at) for at, _ in numbered]
    changed = False
    for g, (start, record) in enumerate(starts):
        end = starts[g + 1][0] if g + 1 < len(starts) else len(rows)
        if not isinstance(record, Mapping):
            run.keep(where(start), record)
            continue
        result = run.fix(record, where(start))
        if result.changed:
            group = [p for p in positions if start <= p < end]
            changed |= _write_group(
                rows, group, columns, record=record, fixed=result.record, run=run, where=where
            )
    return changed


def _write_group(
    rows: list[list[str]],
    group: list[int],
    columns: list[tuple[int, tuple[str, str]]],
    *,
    record: Mapping[str, Any],
    fixed: Mapping[str, Any],
    run: _Run,
    where: Callable[[int], str],
) -> bool:
    """Rewrite the cells of one certificate's rows whose values its fixes changed."""
    by_field = {key: index for index, key in columns}
    customer_columns = [index for index, (level, _) in columns if level == "customer"]
    with_customer = [
        p for p in group if any(rows[p][i].strip() for i in customer_columns if i < len(rows[p]))
    ]
    changes: list[tuple[int, str, str, Any]] = [
        (group[0], "certificate", name, value)
        for name, value in fixed.items()
        if name != "customers" and value != record.get(name)
    ]
    before = list(record.get("customers") or [])
    for i, customer in enumerate(fixed.get("customers") or []):
        if i < len(with_customer) and i < len(before) and isinstance(customer, Mapping):
            changes += [
                (with_customer[i], "customer", name, value)
                for name, value in customer.items()
                if value != before[i].get(name)
            ]
    changed = False
    for at, level, name, value in changes:
        index = by_field.get((level, name))
        if index is None:
            run.err.write(f"{where(at)}: no column for {name}: its fix isn't written\n")
            continue
        row = rows[at]
        changed |= _set(row, index, _cell(value, row[index] if index < len(row) else ""))
    return changed


def _set(row: list[str], index: int, value: str) -> bool:
    while len(row) <= index:
        row.append("")
    if row[index] == value:
        return False
    row[index] = value
    return True


_FIXERS = {"json": _fix_json, "ndjson": _fix_ndjson, "csv": _fix_csv}


@dataclass
class _Run:
    options: Mapping[str, Any]
    unsafe: bool
    tally: FixTally
    out: TextIO
    err: TextIO
    show: bool

    #: every record, ``(source, payload as written)``, for :meth:`join`
    held: list[tuple[str, Any]] = field(default_factory=list)

    def fix(self, payload: Any, source: str) -> FixResult:
        result = fix(payload, unsafe=self.unsafe, **self.options)
        self.tally.fixed += max(0, result.fixed)
        self.held.append((source, _compact(result.record if result.changed else payload)))
        if self.show and result.changed:
            self.out.write(_describe(source, result))
        return result

    def keep(self, source: str, finding: Finding) -> None:
        """A record that can't be read (nor fixed): its finding remains."""
        self.held.append((source, finding))

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


def _target(path: str, output: str | None, many: bool) -> str | None:
    if output is None:
        return None
    if many or os.path.isdir(output):
        return os.path.join(output, os.path.basename(path))
    return output


@dataclass
class _Fixed:
    """One input fixed: its text and repaired text as the diff shows them, and the writer."""

    label: str
    text: str
    new: str
    write: Callable[[str | None, TextIO], None]
    #: Why the repaired text can't be written to a file in the input's encoding, or None.
    unwritable: str | None = None


def _fixed(
    path: str, shown: str, given: str | None, run: _Run, *, encoding: str | None, sheet: str | None
) -> _Fixed:
    """A file fixed."""
    kind = kind_of(path, given)
    if not stat.S_ISREG(os.stat(path).st_mode):  # /dev/zero has no end to read to
        raise ValueError(f"{shown}: --fix reads regular files (and standard input)")
    if kind == "xlsx":
        return _fixed_sheet(path, shown, sheet, run)
    with open(path, "rb") as handle:
        data = handle.read()
    codec, mark = sniff(data[:4], encoding)
    try:
        text = data[mark:].decode(codec)
    except UnicodeDecodeError as exc:  # check reports the records holding it (4011)
        raise ValueError(
            f"{shown}: byte {mark + exc.start + 1} is not {codec} text; name the file's "
            "encoding with --encoding (e.g. cp1252), or see which records hold it with check"
        ) from None
    new = _FIXERS[kind](text, run, shown)
    unwritable = None
    if kind in ("json", "ndjson"):
        new = _json_escaped(new, codec)  # JSON can say any character in any encoding
    else:
        try:
            new.encode(codec)
        except UnicodeEncodeError as exc:
            unwritable = f"{shown}: a fixed value can't be written in {codec}: {exc}"

    def write(target: str | None, out: TextIO) -> None:
        to_file = target is not None and not is_default(target, out)
        if to_file and unwritable is not None:
            raise ValueError(unwritable)
        with open_output(target, out, encoding=codec) as stream:
            if mark and to_file:
                stream.write("\ufeff")  # the byte order mark it had, in its encoding
            stream.write(new)

    return _Fixed(shown, text, new, write, unwritable)


def _json_escaped(text: str, codec: str) -> str:
    """JSON text with each character ``codec`` can't encode written as its ``\\u`` escape
    (a pair of them beyond the BMP): the same JSON value, writable in ``codec``. Outside
    strings JSON is ASCII, so only characters in strings are escaped; re-dumping a record
    with ``ensure_ascii=False`` turns an escape the file had back into the character."""
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


#: What --fix on a workbook needs beside python-calamine, which reads it.
NEEDS_OPENPYXL = "writing a fixed .xlsx needs openpyxl: pip install 'certpreflight[xlsx]'"


def _fixed_sheet(path: str, shown: str, sheet: str | None, run: _Run) -> _Fixed:
    """A workbook's sheet fixed: its rows read as ``check`` reads them, the changed cells
    written into the workbook itself (openpyxl keeps the other sheets, cells and styles)."""
    try:
        openpyxl = importlib.import_module("openpyxl")
    except ImportError:
        raise ValueError(f"{shown}: {NEEDS_OPENPYXL}") from None
    found = read_sheet(path, sheet=sheet, name=shown)
    label = f"{shown}:{found.name}"
    top, left = found.origin
    rows = [list(row) for row in found.rows]
    header = next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), None)
    if header is not None:
        columns = header_columns(rows[header], label, what="header row")
        _fix_rows(rows, columns, header + 1, run, lambda at: f"{label}:{at + top + 1}")
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
                    shutil.copyfileobj(original, stream)
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

    return _Fixed(label, _csv_text(found.rows), _csv_text(rows), write)


def _load(openpyxl: Any, path: str, label: str) -> Any:
    """The workbook, for writing (from a handle: standard input's copy has no suffix)."""
    with open(path, "rb") as handle:
        try:
            return openpyxl.load_workbook(handle)
        except Exception as exc:  # openpyxl's own errors: a workbook calamine reads, it doesn't
            raise ValueError(f"{label}: openpyxl can't write this workbook ({exc})") from None


def _diff(out: TextIO, text: str, new: str, shown: str) -> None:
    for line in difflib.unified_diff(
        text.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=shown,
        tofile=f"{shown} (fixed)",
    ):
        out.write(line if line.endswith("\n") else line + "\n")


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
) -> FixTally:
    """Repair each ``(path, shown name, format or None)`` input; ValueError for a usage mistake.

    ``sheet`` names a workbook's sheet (default the first), as ``check --sheet`` does."""
    files = list(files)
    if not (output or in_place or diff):
        raise ValueError(
            "--fix writes the repaired records: name --output PATH|DIR, --in-place or --diff"
        )
    if output and in_place:
        raise ValueError("--output and --in-place can't be combined")
    if output and len(files) > 1:
        os.makedirs(output, exist_ok=True)
    tally = FixTally()
    run = _Run(options, unsafe, tally, out, err, show=not diff)
    for path, shown, given in files:
        fixed = _fixed(path, shown, given, run, encoding=encoding, sheet=sheet)
        if fixed.new != fixed.text:
            tally.changed_files.append(shown)
        if diff:
            _diff(out, fixed.text, fixed.new, fixed.label)
            continue
        if in_place:
            if fixed.new == fixed.text:
                continue
            if fixed.unwritable is not None:  # before the backup: the original stays as it was
                raise ValueError(fixed.unwritable)
            shutil.copy2(path, path + BACKUP_SUFFIX)
            target: str | None = path
        else:
            target = _target(path, output, len(files) > 1)
        if target is not None and Path(target).resolve() == Path(path).resolve() and not in_place:
            raise ValueError(f"{shown}: --output names the input; use --in-place to replace it")
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
) -> int:
    """Convert each ``(path, shown name, format or None)`` input; the number not fully converted."""
    bodies: list[dict[str, Any]] = []
    short = 0
    for path, shown, given in files:
        for source, payload in read_records(path, kind=given, encoding=encoding):
            where = printable(source.replace(path, shown))
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
            writer = csv.DictWriter(
                stream, fieldnames=list(CSV_HEADERS.values()), lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows(bodies)
        elif output is not None and output.endswith(".json"):
            stream.write(json.dumps(bodies, indent=2, ensure_ascii=False) + "\n")
        else:
            for body in bodies:
                stream.write(json.dumps(body, ensure_ascii=False) + "\n")
    return short


def worst_is(tally: FixTally, fail_on: str) -> bool:
    """True when a remaining finding is of ``fail_on`` severity or worse."""
    return tally.remaining > 0 and tally.worst >= Severity(fail_on).rank
