"""``check --fix`` and ``convert``: records rewritten into files, in their input's format.

:func:`fix_files` repairs every record of each input with :func:`certpreflight.fixes.fix`
and writes the records back in the input's own format: JSON (an object or an array, indented
by two spaces), NDJSON (a line per record; lines that weren't changed are written as they
were, unreadable ones too) or CSV (the same columns in the same order, only the cells whose
value a fix changed rewritten). They go to ``--output`` (a file for one input, a directory
for several), or with ``--in-place`` over the input itself, atomically
(:func:`certpreflight.reports.output.open_output`) after the original is copied to
``FILE.orig``. ``--diff`` writes nothing and prints a unified diff instead.

:func:`convert_files` writes the records of each input in another dialect
(:func:`certpreflight.convert.convert`): NDJSON or a JSON array (for an output ending in
``.json``) of bodies, or the CertCapture import template's CSV columns.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import shutil
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from certpreflight.convert import CSV_HEADERS, convert
from certpreflight.findings import Finding, Severity
from certpreflight.fixes import FixResult, fix, fixable
from certpreflight.io import kind_of, read_records
from certpreflight.io.csvfile import group_rows, header_columns
from certpreflight.reports.output import open_output
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

    def add(self, result: FixResult, *, unsafe: bool) -> None:
        self.records += 1
        self.fixed += max(0, result.fixed)
        self.remaining += len(result.report.findings)
        self.unsafe_available += sum(
            1 for f in result.report.findings if fixable(f, unsafe=True) and not fixable(f)
        ) * (not unsafe)
        for finding in result.report.findings:
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
    numbered = [
        (str(i), row) for i, row in enumerate(rows[1:], start=1) if any(map(str.strip, row))
    ]
    starts = [(int(where), record) for where, record in group_rows(numbered, columns)]
    positions = [int(w) for w, _ in numbered]
    changed = False
    for g, (start, record) in enumerate(starts):
        end = starts[g + 1][0] if g + 1 < len(starts) else len(rows)
        if not isinstance(record, Mapping):
            continue
        result = run.fix(record, f"{source}:{start + 1}")
        if result.changed:
            group = [p for p in positions if start <= p < end]
            changed |= _write_group(
                rows, group, columns, record=record, fixed=result.record, run=run, source=source
            )
    if not changed:
        return text
    out = io.StringIO(newline="")
    terminator = "\r\n" if "\r\n" in text else "\n"
    csv.writer(out, lineterminator=terminator).writerows(rows)
    return out.getvalue()


def _write_group(
    rows: list[list[str]],
    group: list[int],
    columns: list[tuple[int, tuple[str, str]]],
    *,
    record: Mapping[str, Any],
    fixed: Mapping[str, Any],
    run: _Run,
    source: str,
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
            run.err.write(f"{source}:{at + 1}: no column for {name}: its fix isn't written\n")
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

    def fix(self, payload: Any, source: str) -> FixResult:
        result = fix(payload, unsafe=self.unsafe, **self.options)
        self.tally.add(result, unsafe=self.unsafe)
        if self.show and result.changed:
            self.out.write(_describe(source, result))
        return result


def _target(path: str, output: str | None, many: bool) -> str | None:
    if output is None:
        return None
    if many or os.path.isdir(output):
        return os.path.join(output, os.path.basename(path))
    return output


def _fixed(
    path: str, shown: str, given: str | None, encoding: str | None, run: _Run
) -> tuple[str, str]:
    """A file's text and its repaired text."""
    kind = kind_of(path, given)
    fixer = _FIXERS.get(kind)
    if fixer is None:
        raise ValueError(
            f"{shown}: --fix writes JSON, NDJSON and CSV, not {kind}; convert the sheet "
            "first: certpreflight convert FILE --to certcapture-csv -o FILE.csv"
        )
    if not stat.S_ISREG(os.stat(path).st_mode):  # /dev/zero has no end to read to
        raise ValueError(f"{shown}: --fix reads regular files (and standard input)")
    with open(path, encoding=encoding or "utf-8-sig", newline="") as handle:
        text = handle.read()
    return text, fixer(text, run, shown)


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
) -> FixTally:
    """Repair each ``(path, shown name, format or None)`` input; ValueError for a usage mistake."""
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
        text, new = _fixed(path, shown, given, encoding, run)
        if new != text:
            tally.changed_files.append(shown)
        if diff:
            _diff(out, text, new, shown)
            continue
        if in_place:
            if new == text:
                continue
            shutil.copy2(path, path + BACKUP_SUFFIX)
            target: str | None = path
        else:
            target = _target(path, output, len(files) > 1)
        if target is not None and Path(target).resolve() == Path(path).resolve() and not in_place:
            raise ValueError(f"{shown}: --output names the input; use --in-place to replace it")
        with open_output(target, out) as stream:
            stream.write(new)
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
