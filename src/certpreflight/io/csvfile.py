"""CSV: one row per certificate-customer link, streamed.

Consecutive rows with the same certificate id form one certificate with several
customers; its source is ``file:line`` of its first row. The certificate's own
columns are read from that first row (later rows only add customers). Rows whose id
differs from the row before start a new certificate, so a file sorted or grouped by
certificate id is read correctly; a row without an id is a certificate of its own.
Blank rows are skipped; an empty file has no records. Empty cells count as absent.
Columns this reader doesn't know are ignored; ``certificate id`` and a customer number
column are required.

Headers are matched case-, space-, ``_``- and ``-``-insensitively, so the native
names (``exempt_reason``), their spaced forms (``Exempt Reason``) and the
CertCapture customer import template names (``Billing Customer Number``, ``Name 1``,
``Address 1``, ``State``, ``Zip``; research ``avatax/MODELS.md`` 4) all work.
A file that isn't UTF-8 has its bad bytes read as U+FFFD.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from certpreflight.findings import Finding
from certpreflight.io._common import DEFAULT_MAX_LINE_BYTES, InputError, Record, record_too_large
from certpreflight.rules import formatting
from certpreflight.rules._base import Hit

__all__ = ["CSV_COLUMNS", "Columns", "Row", "group_rows", "header_columns", "read_csv"]

# (level, native field) -> accepted header spellings (compared after _fold). The first is
# the native name, documented in the README. Sources: DESIGN 4 (native), research
# avatax/MODELS.md 4 (CertCapture customer import, AvaTax / ECMS exemption templates).
CSV_COLUMNS: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("certificate", "id"): ("id", "certificate id", "certificate id (avacert id)", "avacert id"),
    ("certificate", "exempt_reason"): (
        "exempt reason",
        "exemption reason",
        "expected tax code",
        "reason",
    ),
    ("certificate", "exempt_reason_description"): ("exempt reason description",),
    ("certificate", "regions"): ("regions", "exposure zones", "exposure zone", "issuing region"),
    ("certificate", "effective_date"): ("effective date", "signed date", "eff date"),
    ("certificate", "expiration_date"): ("expiration date", "end date"),
    ("certificate", "single_use"): ("single use", "is single", "certificate type"),
    ("certificate", "po_numbers"): ("po numbers", "po number"),
    ("certificate", "tax_id"): ("tax id", "tax number", "exemption no", "exemption number"),
    ("certificate", "tax_id_type"): ("tax id type", "tax number type", "exemption no type"),
    ("certificate", "exempt_percentage"): ("exempt percentage", "exempt percent"),
    ("certificate", "filename"): ("filename", "file name"),
    ("customer", "customer_number"): (
        "customer number",
        "billing customer number",
        "customer code",
    ),
    ("customer", "name"): ("name", "name 1", "customer name"),
    ("customer", "name_2"): ("name 2",),
    ("customer", "address_line1"): ("address line1", "address line 1", "address 1", "line1"),
    ("customer", "address_line2"): ("address line2", "address line 2", "address 2", "line2"),
    ("customer", "city"): ("city",),
    ("customer", "region"): ("region", "state"),
    ("customer", "postal_code"): ("postal code", "zip", "zip code"),
    ("customer", "country"): ("country",),
}

_REQUIRED = (("certificate", "id"), ("customer", "customer_number"))
_LIST_SPLIT = re.compile(r"\s*[;|,]\s*")
_SINGLE_WORDS = {"single": True, "blanket": False}


def _fold(header: str) -> str:
    return " ".join(header.replace("_", " ").replace("-", " ").casefold().split())


_BY_HEADER = {_fold(h): key for key, headers in CSV_COLUMNS.items() for h in headers}


def _expected(key: tuple[str, str]) -> str:
    return " / ".join(repr(h) for h in CSV_COLUMNS[key])


#: Known columns of a header: ``(index, (level, field))`` in column order.
Columns = list[tuple[int, tuple[str, str]]]

#: A row's cells, or the finding that stands for a row that can't be read.
Row = list[str] | Finding


def header_columns(header: list[str], name: str, *, what: str = "CSV header") -> Columns:
    """(index, (level, field)) for each known column; InputError when required ones are missing."""
    found: dict[tuple[str, str], int] = {}
    for index, title in enumerate(header):
        key = _BY_HEADER.get(_fold(title))
        if key is not None and key not in found:
            found[key] = index
    missing = [key for key in _REQUIRED if key not in found]
    if missing:
        wanted = "; ".join(_expected(key) for key in missing)
        raise InputError(
            f"{name}: the {what} lacks required column(s): {wanted} "
            f"(found: {', '.join(repr(h) for h in header) or 'nothing'}; "
            "see the README for all columns)"
        )
    return sorted((index, key) for key, index in found.items())


def _cell(field: str, value: str) -> Any:
    if field in ("regions", "po_numbers"):
        return [part for part in _LIST_SPLIT.split(value) if part]
    if field == "single_use":
        return _SINGLE_WORDS.get(value.casefold(), value)
    return value


def _split(row: list[str], columns: Columns) -> tuple[dict[str, Any], dict[str, Any]]:
    """One row -> (certificate fields, customer fields), empty cells left out."""
    parts: dict[str, dict[str, Any]] = {"certificate": {}, "customer": {}}
    for index, (level, field) in columns:
        value = row[index].strip() if index < len(row) else ""
        if value:
            parts[level][field] = _cell(field, value)
    customer = parts["customer"]
    second = customer.pop("name_2", None)
    if second:  # the CertCapture template merges Name 2 into Name 1
        customer["name"] = f"{customer.get('name', '')} {second}".strip()
    return parts["certificate"], customer


def read_csv(path: str | Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Iterator[Record]:
    """Yield ``(file:line, certificate mapping or Finding)``, grouping rows by certificate id.

    An empty file (no header row) has no records.
    """
    name = str(path)
    # The csv module's field cap bounds memory per field like the NDJSON line cap. It is
    # process-wide, so only ever raise it; a lower cap is enforced on each row below.
    csv.field_size_limit(max(csv.field_size_limit(), max_line_bytes))
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        yield from group_rows(_csv_rows(reader, name, max_line_bytes), header_columns(header, name))


def _csv_rows(reader: Any, name: str, max_line_bytes: int) -> Iterator[tuple[str, Row]]:
    """``(file:line, cells or Finding)`` for every row that isn't blank."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield f"{name}:{line}", _unreadable_row(str(exc), max_line_bytes)
            continue
        if not any(cell.strip() for cell in row):
            continue
        longest = max(map(len, row))
        too_large = longest > max_line_bytes
        yield f"{name}:{line}", record_too_large(longest, max_line_bytes) if too_large else row


def group_rows(rows: Iterable[tuple[str, Row]], columns: Columns) -> Iterator[Record]:
    """Certificates from rows of cells: consecutive rows with the same id are one certificate.

    Shared by the CSV and the workbook reader; a row's source is where it was read.
    """
    current: dict[str, Any] | None = None
    source = ""
    for where, row in rows:
        if isinstance(row, Finding):
            if current is not None:
                yield source, current
                current = None
            yield where, row
            continue
        cert, customer = _split(row, columns)
        same = current is not None and "id" in cert and cert["id"] == current.get("id")
        if same and current is not None:
            if customer:
                current["customers"].append(customer)
            continue
        if current is not None:
            yield source, current
        current = {**cert, "customers": [customer] if customer else []}
        source = where
    if current is not None:
        yield source, current


def _unreadable_row(problem: str, limit: int) -> Finding:
    if "field larger than field limit" in problem:
        return record_too_large(None, limit)
    detail = f"the CSV row can't be split into fields ({problem})"
    hit = Hit(loc=(), params={"field": "the row", "detail": detail, "expected": "valid CSV"})
    return formatting.uninterpretable_value.finding(hit)
