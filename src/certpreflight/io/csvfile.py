"""CSV: one row per certificate-customer link, streamed.

Consecutive rows with the same certificate id form one certificate with several
customers; its source is ``file:line`` of its first row. The certificate's own
columns are read from that first row (later rows only add customers). Rows whose id
differs from the row before start a new certificate, so a file sorted or grouped by
certificate id is read correctly; a row without an id is a certificate of its own.
Blank rows are skipped. Empty cells count as absent. Columns this reader doesn't
know are ignored; ``certificate id`` and a customer number column are required.

Headers are matched case-, space-, ``_``- and ``-``-insensitively, so the native
names (``exempt_reason``), their spaced forms (``Exempt Reason``), the short customer names
(``Name 1``, ``Address 1``, ``State``, ``Zip``), the AvaTax exemption import template's (``ECMS
Cert ID``, ``Issuing Region``, ``Exemption No``, ``Eff Date``, ``Cert Type``, ``Invoice/PO No``
...) and CertCapture's customer import template's (:data:`CUSTOMER_TEMPLATE`: ``Billing
Customer Number``, ``Billing Customer Name 1``, ``Billing Customer State`` ...;
docs/sources.md#import-templates) all work.

The AvaTax template's ECMS Cert ID is left blank ("leave it blank"), so each of its rows is
a certificate of its own, as AvaTax imports it (one exemption entry a row: one issuing
region, its own exemption number); a file of it over :data:`IMPORT_MAX_LINES` lines gets a
4014 finding at its first line over; so does a file of CertCapture's customer template over
:data:`CUSTOMER_IMPORT_MAX_LINES` lines.

A file with customer columns only (CertCapture's customer template) is a file of customer
records, a row each; consecutive rows of one customer that say the same but for ``Shipping
Customer State`` (the template's way to give a customer several ship-to states: "duplicate
that customer row and update the Shipping Customer State field") are one record with those
exposure zones. Rows of one customer that say different things stay records of their own
(6503 names the second). A 4014 finding between copies (the line limit passed) never parts them.

The encoding comes from the byte order mark (UTF-8, UTF-16, UTF-32), else ``encoding``
(default UTF-8). A row with bytes that aren't text in it is a 4011 text-not-utf8
finding, never checked with its characters replaced by U+FFFD. Lines are read in
pieces of at most ``max_line_bytes`` characters, so a runaway line (``/dev/zero``) is
a record-too-large finding, not a ``MemoryError``. A quoted field that runs over line
breaks and swallows what look like rows (an unclosed quote) is a 4012 csv-row-runs-on
finding naming the lines.

A big file can also be cut into :class:`Span` s (:func:`csv_spans`), runs of whole
certificates (rows that :func:`group_rows` joins are never split) that another process
reads on its own with the header the span carries (:func:`read_csv_span`). Reading a
file's spans in order gives exactly the records :func:`read_csv` gives. The cut is found
by the same reader, so quotes and line breaks inside fields are read as they will be;
it needs an encoding in which a character's bytes are found from its text (UTF-8, or one
byte a character, such as cp1252): a file in another (UTF-16, Shift JIS) comes as records.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO, TextIO

from certpreflight.dialects import DATE_FIELDS, parse_date
from certpreflight.findings import Finding
from certpreflight.io._common import (
    DEFAULT_MAX_LINE_BYTES,
    SPAN_BYTES,
    InputError,
    Record,
    Span,
    record_too_large,
)
from certpreflight.io._text import MARK_ERRORS, not_utf8, sniff, unmarked
from certpreflight.reference.countries import country_code
from certpreflight.reference.regions import lookup_region
from certpreflight.rules import Hit, formatting

__all__ = [
    "CSV_COLUMNS",
    "CUSTOMER_IMPORT_MAX_LINES",
    "CUSTOMER_TEMPLATE",
    "IMPORT_MAX_LINES",
    "csv_spans",
    "dates_month_first",
    "header_records",
    "import_limit",
    "read_csv",
    "read_csv_span",
    "record_rows",
]

#: The lines AvaTax imports from one exemption import template file, header included
#: ("Each imported file may contain a max of 100,000 lines": docs/sources.md#import-templates).
IMPORT_MAX_LINES = 100_000
#: The lines CertCapture imports from one customer import file ("Import files larger than 50
#: MB or with more than 40,000 lines can't be imported": docs/sources.md#import-templates).
CUSTOMER_IMPORT_MAX_LINES = 40_000
#: The headers that tell the AvaTax exemption import template (folded, as :func:`_fold`).
_AVATAX_TEMPLATE = frozenset({"issuing region", "exemption no"})

#: CertCapture's customer import template ("Basic Information" sheet), its column headings in
#: template order and the field each is read into: a native field, or for a column no rule
#: reads (alternate id, FEIN, attention name, phone, fax, e-mail) the CertCapture v2 customer
#: key, carried as it is (a documented key: read past, and written by ``convert``). ``name_2``
#: is "merged with Name 1"; ``exposure_zones`` are the customer's ship-to states. Avalara Help,
#: "Guidelines for the Basic Information customer import template"
#: (docs/sources.md#import-templates). The reader accepts every heading; ``convert --to
#: certcapture-csv`` writes a customer record in these columns.
CUSTOMER_TEMPLATE: Mapping[str, str] = {
    "Billing Customer Number": "customer_number",
    "Billing Customer Alternate ID": "alternate_id",
    "Billing Customer FEIN": "fein_number",
    "Billing Customer Name 1": "name",
    "Billing Customer Name 2": "name_2",
    "Billing Customer Attn Name": "attn_name",
    "Billing Customer Address 1": "address_line1",
    "Billing Customer Address 2": "address_line2",
    "Billing Customer City": "city",
    "Billing Customer State": "region",
    "Billing Customer Country": "country",
    "Billing Customer Zip": "postal_code",
    "Billing Customer Phone": "phone_number",
    "Billing Customer Fax": "fax_number",
    "Billing Customer Email": "email_address",
    "Shipping Customer State": "exposure_zones",
}
#: Fields only a customer record has: read from a file of customer records, never into the
#: customers linked to a certificate.
_RECORD_ONLY = frozenset({"exposure_zones"})

# (level, native field) -> accepted header spellings (compared after _fold). The first is
# the native name, documented in docs/formats.md. Sources: the native dialect (models.py),
# docs/sources.md#import-templates (CertCapture customer import, AvaTax / ECMS exemption
# templates); CUSTOMER_TEMPLATE's headings are added below.
_COLUMNS: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("certificate", "id"): (
        "id",
        "certificate id",
        "certificate id (avacert id)",
        "avacert id",
        "ecms cert id",
    ),
    ("certificate", "exempt_reason"): (
        "exempt reason",
        "exemption reason",
        "expected tax code",
        "reason",
    ),
    ("certificate", "exempt_reason_description"): (
        "exempt reason description",
        "exemption reason desc",
        "exempt reason desc",
    ),
    ("certificate", "regions"): ("regions", "exposure zones", "exposure zone", "issuing region"),
    # the AvaTax template's country of the issuing region: the region is read in it
    # (_Splitter.certificate_fields), so no field of its own
    ("certificate", "issuing_country"): ("issuing country",),
    ("certificate", "effective_date"): ("effective date", "signed date", "eff date"),
    ("certificate", "expiration_date"): ("expiration date", "end date"),
    ("certificate", "single_use"): ("single use", "is single", "certificate type", "cert type"),
    ("certificate", "po_numbers"): ("po numbers", "po number", "invoice/po no"),
    ("certificate", "tax_id"): ("tax id", "tax number", "exemption no", "exemption number"),
    ("certificate", "tax_id_type"): ("tax id type", "tax number type", "exemption no type"),
    ("certificate", "exempt_percentage"): ("exempt percentage", "exempt percent"),
    ("certificate", "business_type"): ("business type",),
    # no native field: kept under this key, which no rule reads (2311 says so), and written
    # back by ``convert --to avatax-csv``
    ("certificate", "business_type_description"): (
        "business type description",
        "business type desc",
    ),
    ("certificate", "filename"): ("filename", "file name"),
    ("certificate", "form"): ("form", "form name", "exempt form name"),
    ("customer", "customer_number"): ("customer number", "customer code"),
    # "Billing Customer Name" without the 1: an integrator's upload tool spells the template's
    # name column so (docs/sources.md#import-templates)
    ("customer", "name"): ("name", "name 1", "customer name", "billing customer name"),
    ("customer", "name_2"): ("name 2",),
    ("customer", "address_line1"): ("address line1", "address line 1", "address 1", "line1"),
    ("customer", "address_line2"): ("address line2", "address line 2", "address 2", "line2"),
    ("customer", "address_line3"): ("address line3", "address line 3", "address 3", "line3"),
    ("customer", "city"): ("city",),
    ("customer", "region"): ("region", "state"),
    ("customer", "postal_code"): ("postal code", "zip", "zip code"),
    ("customer", "country"): ("country",),
    # a customer record's ship-to states: the template's heading only ("exposure zones" is
    # a certificate's regions)
    ("customer", "exposure_zones"): (),
}

_REQUIRED = (("certificate", "id"), ("customer", "customer_number"))
_LIST_SPLIT = re.compile(r"\s*[;|,]\s*")
_SINGLE_WORDS = {"single": True, "blanket": False, "true": True, "false": False}
#: A number as JSON writes one (no exponent, no leading zero): a cell that reads back as
#: the same text is typed as the JSON readers type it; any other text stays text.
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?", re.ASCII)
_TYPED = frozenset({"regions", "po_numbers", "single_use", "exempt_percentage"})
_LISTS = frozenset({"regions", "po_numbers", "exposure_zones"})


def _fold(header: str) -> str:
    return " ".join(header.replace("_", " ").replace("-", " ").casefold().split())


def _with_template(
    columns: Mapping[tuple[str, str], tuple[str, ...]],
) -> dict[tuple[str, str], tuple[str, ...]]:
    """``columns`` with each :data:`CUSTOMER_TEMPLATE` heading added to its field's spellings
    (a field of its own for a column only the template has)."""
    merged = dict(columns)
    for heading, field in CUSTOMER_TEMPLATE.items():
        merged[("customer", field)] = (*merged.get(("customer", field), ()), _fold(heading))
    return merged


CSV_COLUMNS: Mapping[tuple[str, str], tuple[str, ...]] = MappingProxyType(_with_template(_COLUMNS))

_BY_HEADER = {_fold(h): key for key, headers in CSV_COLUMNS.items() for h in headers}


def dates_month_first(header: Iterable[str]) -> bool:
    """Whether a header's template defines its dates as ``mm/dd/yyyy``: the AvaTax exemption
    import template's Eff Date and End Date (docs/sources.md#import-templates). Such a file's
    numeric dates are read month first as the template says, not guessed (no 5105 note);
    CertCapture's customer template has no date column."""
    return _AVATAX_TEMPLATE.issubset({_fold(h) for h in header})


def import_limit(header: Iterable[str]) -> tuple[int, str] | None:
    """The most lines (header included) the import a header's template is for takes from one
    file, and who imports it: the AvaTax exemption import template's 100,000, CertCapture's
    customer import template's 40,000 (a file of customer records with its ``Billing Customer
    Number``); None for a header of no import template."""
    header = list(header)
    if dates_month_first(header):
        return IMPORT_MAX_LINES, "AvaTax"
    folded = {_fold(h) for h in header}
    levels = {_BY_HEADER[h][0] for h in folded if h in _BY_HEADER}
    if "billing customer number" in folded and levels == {"customer"}:
        return CUSTOMER_IMPORT_MAX_LINES, "CertCapture"
    return None


def _expected(key: tuple[str, str]) -> str:
    return " / ".join(repr(h) for h in CSV_COLUMNS[key])


#: Known columns of a header: ``(index, (level, field))`` in column order.
Columns = list[tuple[int, tuple[str, str]]]


def header_columns(header: list[str], name: str, *, what: str = "CSV header") -> Columns:
    """(index, (level, field)) for each known column; InputError when required ones are missing.

    A header with a customer number column and no certificate column at all is a customer
    file (CertCapture's customer import template): its columns are all customer columns,
    and :func:`group_rows` makes each row a customer record.
    """
    found: dict[tuple[str, str], int] = {}
    for index, title in enumerate(header):
        key = _BY_HEADER.get(_fold(title))
        if key is not None and key not in found:
            found[key] = index
    if ("customer", "customer_number") in found and all(level == "customer" for level, _ in found):
        return sorted((index, key) for key, index in found.items())
    missing = [key for key in _REQUIRED if key not in found]
    if missing:
        wanted = "; ".join(_expected(key) for key in missing)
        raise InputError(
            f"{name}: the {what} lacks required column(s): {wanted} "
            f"(found: {', '.join(repr(h) for h in header) or 'nothing'}; "
            "see docs/formats.md for all columns)"
        )
    return sorted((index, key) for key, index in found.items())


def _cell(field: str, value: str) -> Any:
    """A cell's text typed as a JSON reader types the same value: lists, true/false, and a
    number (the percentage) when it is written as JSON writes it; so a clean row reads
    on the one schema's fast route as its NDJSON line does. Dates stay text, as in JSON."""
    if field in _LISTS:
        return [part for part in _LIST_SPLIT.split(value) if part]
    if field == "single_use":
        return _SINGLE_WORDS.get(value.casefold(), value)
    if field == "exempt_percentage" and _NUMBER.fullmatch(value):
        number = float(value) if "." in value else int(value)
        return number if str(number) == value else value
    return value


class _Splitter:
    """Splits rows of one header into (certificate fields, customer fields), empty cells
    left out: the header's columns looked at once, not on every row. ``avatax_template``:
    the header is the AvaTax exemption import template's (:func:`dates_month_first`), read
    as the template defines it: a date as ``mm/dd/yyyy`` (handed on as ``YYYY-MM-DD``, its
    order known), a blank Country as US (docs/sources.md#import-templates)."""

    def __init__(self, columns: Columns, *, avatax_template: bool = False) -> None:
        self.month_first = avatax_template
        self.country = avatax_template and any(key == ("customer", "country") for _, key in columns)
        self.width = max((index + 1 for index, _ in columns), default=0)
        self.certificate = [(i, field) for i, (level, field) in columns if level == "certificate"]
        self.ident = next((i for i, field in self.certificate if field == "id"), None)
        self.customer = [
            (i, field)
            for i, (level, field) in columns
            if level == "customer" and (self.ident is None or field not in _RECORD_ONLY)
        ]
        self.lists = any(field in _LISTS for _, field in self.customer)

    def joins_on(self, row: list[str], customer: Mapping[str, Any] | None = None) -> object:
        """What a padded row must share with the row before it to be read into the same
        record: its certificate id, or in a file of customer records its customer fields
        (``customer``, if already split) but the ship-to states; "" when it joins none."""
        if self.ident is not None:
            return row[self.ident].strip()
        return _customer_key(self.customer_fields(row) if customer is None else customer)

    def record(self, row: list[str], customer: dict[str, Any]) -> dict[str, Any]:
        """The record a padded row starts (``customer`` its customer fields): a certificate
        with that customer, or the customer."""
        if self.ident is None:
            return customer
        certificate = self.certificate_fields(row)
        certificate["customers"] = [customer] if customer else []
        return certificate

    def join(self, record: dict[str, Any], customer: dict[str, Any]) -> None:
        """Add a row that joins ``record`` (its customer fields) to it: its customer, or its
        ship-to states."""
        if self.ident is not None:
            if customer:
                record["customers"].append(customer)
            return
        zones = record.setdefault("exposure_zones", [])
        zones += [z for z in customer.get("exposure_zones", ()) if z not in zones]

    def padded(self, row: list[str]) -> list[str]:
        """``row`` with an empty cell for each known column it lacks."""
        return row if len(row) >= self.width else row + [""] * (self.width - len(row))

    def certificate_fields(self, row: list[str]) -> dict[str, Any]:
        """A padded row's certificate fields, typed (:func:`_cell`)."""
        fields = {
            field: _cell(field, value) if field in _TYPED else value
            for i, field in self.certificate
            if (value := row[i].strip())
        }
        if self.month_first:
            for field in DATE_FIELDS:
                if field in fields:
                    fields[field] = _month_first(fields[field])
        country = fields.pop("issuing_country", None)
        if country is not None and isinstance(fields.get("regions"), list):
            fields["regions"] = [_issued_in(region, country) for region in fields["regions"]]
        return fields

    def customer_fields(self, row: list[str]) -> dict[str, Any]:
        """A padded row's customer fields (a customer record's ship-to states a list)."""
        customer = {field: value for i, field in self.customer if (value := row[i].strip())}
        if self.country and customer and "country" not in customer:
            customer["country"] = "US"  # the template's own reading of a blank Country
        if self.lists:
            customer.update((f, _cell(f, v)) for f, v in customer.items() if f in _LISTS)
        second = customer.pop("name_2", None)
        if second:  # the CertCapture template merges Name 2 into Name 1
            customer["name"] = f"{customer.get('name', '')} {second}".strip()
        return customer


def _issued_in(region: str, country: str) -> str:
    """The template's Issuing Region read in its Issuing Country: as it is when it is a
    region of that country (or names its own), else ``country-region`` (ISO 3166-2's form),
    so ``CA`` + ``BC`` is British Columbia and ``CA`` + ``WA`` no region, never Washington."""
    found = lookup_region(region)
    if "-" in region or (found is not None and found.country == country_code(country)):
        return region
    return f"{country.upper()}-{region}"


def _month_first(text: str) -> str:
    """A template's ``mm/dd/yyyy`` date as ``YYYY-MM-DD``; other text as it is (the reading
    route says what is wrong with it)."""
    try:
        value = parse_date(text)
    except ValueError:
        return text
    return value.isoformat() if isinstance(value, dt.date) else text


class _LineTooLongError(Exception):
    """A physical line over the limit: skipped; ``size`` is its length in characters."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class _Lines:
    """The file's lines for ``csv.reader``, each at most ``limit`` characters.

    A longer line is read past in pieces and raises :class:`_LineTooLongError` (the csv
    reader passes it on and starts afresh at the next call). When that line leaves a
    quoted field open, the lines up to the one that closes it are read past too, so the
    whole row is one record (the parity of the quotes seen tells whether a field is open).
    ``count`` is the number of lines read so far, the skipped ones included; ``position``
    the bytes read (from ``position`` given), the text encoded again in ``codec``: exact
    in an encoding :func:`_cuttable` accepts (a byte that did not decode is marked as
    U+DC00 + byte, which ``surrogateescape`` turns back into that byte). ``rows`` is a
    csv reader over them.
    """

    def __init__(self, handle: TextIO, limit: int, codec: str, position: int) -> None:
        self.handle = handle
        self.limit = limit
        # The csv module's field cap bounds memory per field like the NDJSON line cap. It is
        # process-wide, so only ever raise it; a lower cap is enforced on each row below.
        csv.field_size_limit(max(csv.field_size_limit(), limit))
        self.rows = csv.reader(self)
        self.codec, self.position = codec, position
        self.count = 0
        self.quoted = False  # inside a quoted field at the end of the last line
        #: False for the header: a header over the limit ends the file (``/dev/zero``).
        self.skip_long = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.handle.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.count += 1
        self.position += len(line) if line.isascii() else self._size(line)
        if len(line) > self.limit and not line.endswith(("\n", "\r")):
            if not self.skip_long:
                raise _LineTooLongError(len(line))
            raise _LineTooLongError(self._skip(line))
        if '"' in line:
            self.quoted ^= line.count('"') % 2 == 1
        return line

    def _skip(self, head: str) -> int:
        """Read past the rest of a long line, and of the quoted field it leaves open; the size
        skipped."""
        size, piece = 0, head
        while piece:
            size += len(piece)
            self.quoted ^= piece.count('"') % 2 == 1
            if piece.endswith(("\n", "\r")):
                if not self.quoted:
                    break
                self.count += 1
            piece = self.handle.readline(64 * 1024)
            self.position += len(piece) if piece.isascii() else self._size(piece)
        return size

    def _size(self, line: str) -> int:
        try:
            return len(line.encode(self.codec, "surrogateescape"))
        except UnicodeEncodeError:  # a marked byte in UTF-16: the count can be off (and
            return len(line.encode(self.codec, "surrogatepass"))  # isn't used, see _cuttable)


def record_rows(text: str) -> list[tuple[list[str], str]]:
    """The rows of a CSV text (a record's bytes as :func:`read_csv` gave them, or the rows
    above its first record), split by the reader :func:`read_csv` uses: each row's cells and
    its own text, line end included. ``check --fix`` rewrites a record's rows from these."""
    handle = io.StringIO(text, newline="")
    rows, at = [], 0
    for cells in _Lines(handle, max(1, len(text)), "utf-8", 0).rows:
        end = handle.tell()  # the reader takes the lines of one row at a time
        rows.append((cells, text[at:end]))
        at = end
    return rows


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _runs_on(row: list[str], header: list[str]) -> str | None:
    """The column whose field holds line breaks followed by rows (delimiters), or None."""
    for index, cell in enumerate(row):
        if ("\n" in cell or "\r" in cell) and any(
            "," in part for part in _LINE_BREAK.split(cell)[1:]
        ):
            return header[index] if index < len(header) else str(index + 1)
    return None


def read_csv(
    path: str | Path,
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    encoding: str | None = None,
) -> Iterator[Record]:
    """A record (certificate mapping or Finding) for each group of rows with one certificate
    id, spanning the bytes of its rows. An empty file (no header row) has no records.
    """
    name = str(path)
    with open(path, "rb") as raw:
        codec, bom = sniff(raw.read(4), encoding)
        header, rows = _rows(raw, name, codec, bom, max_line_bytes)
        if header:
            yield from header_records(rows, header, name)


def _rows(
    raw: BinaryIO, name: str, codec: str, start: int, limit: int
) -> tuple[list[str], Iterator[Record]]:
    """The header's cells (none: an empty file) and a record of each row after it that isn't
    blank (its cells, or the finding that stands for it), read from ``start``."""
    raw.seek(start)
    lines = _Lines(_text(raw, codec), limit, codec, start)
    header = _header(lines.rows, name, limit)
    lines.skip_long = True
    return header, _csv_rows(lines, header, name)


def _text(raw: BinaryIO, codec: str) -> TextIO:
    return io.TextIOWrapper(raw, encoding=codec, errors=MARK_ERRORS, newline="")


def _cuttable(codec: str) -> bool:
    """Whether a file in ``codec`` can be cut where its text says: UTF-8, or an encoding of
    one byte a character (each byte decodes on its own, to one character)."""
    if codec == "utf-8":
        return True
    try:
        decoder = codecs.getincrementaldecoder(codec)(MARK_ERRORS)
        return all(len(decoder.decode(bytes([b]))) == 1 for b in range(256))
    except (TypeError, ValueError, LookupError):
        return False


_FRESH = object()  # the id of a row after which any row starts a certificate

#: A CSV span's size: a row is about a third of an NDJSON line, so about as many records
#: as an NDJSON span holds (a worker checked 10% more CPU seconds with spans of 1 MiB).
CSV_SPAN_BYTES = SPAN_BYTES // 4


def csv_spans(
    path: str | Path,
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    encoding: str | None = None,
    span_bytes: int | None = None,
) -> Iterator[Record | Span]:
    """Cut a CSV file into spans of about ``span_bytes`` (default :data:`CSV_SPAN_BYTES`),
    each starting at a row that starts a certificate; a span holds at least one record.
    Raises as :func:`read_csv` does, for the header, at once.

    The rows are :func:`read_csv`'s, not grouped: a row's id cell tells whether it may join
    the row before it (the same id, not empty); in a file of customer records, its customer
    fields but the ship-to states (:func:`group_rows`). A file in an encoding that can't be cut
    (:func:`_cuttable`) is read as :func:`read_csv`'s records.
    """
    name = str(path)
    size = span_bytes or CSV_SPAN_BYTES
    with open(path, "rb") as raw:
        codec, bom = sniff(raw.read(4), encoding)
        if not _cuttable(codec):
            yield from read_csv(path, max_line_bytes=max_line_bytes, encoding=encoding)
            return
        file_end = os.fstat(raw.fileno()).st_size
        header, rows = _rows(raw, name, codec, bom, max_line_bytes)
        if not header:
            return
        split = _Splitter(header_columns(header, name))
        span: Span | None = None
        previous: object = _FRESH
        for row in rows:
            if isinstance(row.payload, Finding) and row.start == row.end:
                continue  # a finding on the file (4014): the span reading past it says it
            if isinstance(row.payload, Finding):
                key: object = _FRESH
            else:
                key = split.joins_on(split.padded(row.payload))
            joins = key is not _FRESH and key != "" and key == previous
            if span is None or (not joins and row.start - span.start >= size):
                if span is not None:
                    yield span._replace(end=row.start)  # the blank rows before it included
                line = int(row.source.rsplit(":", 1)[1])
                span = Span(name, row.start, row.end, line, max_line_bytes, tuple(header), codec)
            previous = key
        if span is not None:
            yield span._replace(end=file_end)


class _Window(io.RawIOBase):
    """``size`` bytes of a file from its position: a span's bytes, read as a file."""

    def __init__(self, raw: BinaryIO, size: int) -> None:
        self.raw, self.left = raw, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.raw.read(min(len(view), self.left))
        view[: len(data)] = data
        self.left -= len(data)
        return len(data)


def read_csv_span(span: Span) -> Iterator[Record]:
    """Yield the records of a span of :func:`csv_spans`, as :func:`read_csv` gives them."""
    header = list(span.header or ())
    with open(span.path, "rb") as raw:
        raw.seek(span.start)
        window = io.BufferedReader(_Window(raw, span.end - span.start))
        text = _text(window, span.encoding)
        lines = _Lines(text, span.max_line_bytes, span.encoding, span.start)
        lines.count, lines.skip_long = span.line - 1, True
        yield from header_records(_csv_rows(lines, header, span.path), header, span.path)


def _csv_rows(lines: _Lines, header: list[str], name: str) -> Iterator[Record]:
    """``(file:line, cells or Finding, start, end)`` for every row that isn't blank; in a file
    of an import template (:func:`import_limit`), a 4014 finding before its first row past
    the template's lines (a span starting past it leaves that to the span before)."""
    limit = lines.limit
    most, target = import_limit(header) or (0, "")
    said = not most or lines.count > most
    while True:
        line, at = lines.count + 1, lines.position
        problem: Finding | None = None
        try:
            row = next(lines.rows)
        except StopIteration:
            return
        except _LineTooLongError as exc:
            row, problem = [], record_too_large(exc.size, limit)  # the row is read past
        except csv.Error as exc:
            row, problem = [], _unreadable_row(str(exc), limit)
        lines.quoted = False  # a row ended: no field is open, whatever the quotes said
        problem = problem or _row_problem(row, header, (line, lines.count), limit, lines.codec)
        if not said and line > most and (problem is not None or any(map(str.strip, row))):
            said = True
            yield Record(f"{name}:{line}", too_many_lines(line, most, target), at, at)
        if problem is not None:
            yield Record(f"{name}:{line}", problem, at, lines.position)
        elif any(cell.strip() for cell in row):
            yield Record(f"{name}:{line}", row, at, lines.position)


def header_records(
    rows: Iterable[Record], header: list[str], name: str, *, what: str = "CSV header"
) -> Iterator[Record]:
    """The records of a file's ``rows`` (:func:`group_rows`) read by its ``header``: its
    columns (:func:`header_columns`; InputError when it lacks required ones), as its template
    defines them (:func:`dates_month_first`). Shared by the CSV and the workbook reader."""
    columns = header_columns(header, name, what=what)
    yield from group_rows(rows, columns, avatax_template=dates_month_first(header))


def group_rows(
    rows: Iterable[Record], columns: Columns, *, avatax_template: bool = False
) -> Iterator[Record]:
    """Certificates from rows of cells: consecutive rows with the same id are one certificate
    (from its first row's start to its last row's end). With customer columns only (a
    customer file), each row is a customer record, and copies of a row that differ only in
    their ship-to states are one (:meth:`_Splitter.joins_on`).

    Shared by the CSV and the workbook reader; a row's source is where it was read.
    ``avatax_template``: the file is the AvaTax exemption import template
    (:func:`dates_month_first`), read as the template defines it (:class:`_Splitter`).
    """
    split = _Splitter(columns, avatax_template=avatax_template)
    current: dict[str, Any] | None = None
    key: object = ""
    source, start, end = "", 0, 0
    notes: list[Record] = []  # findings on the file that cover no row (4014), said in order
    for row in rows:
        if isinstance(row.payload, Finding) and row.start == row.end and current is not None:
            notes.append(row)  # the rows around it may still be one record
            continue
        if isinstance(row.payload, Finding):
            if current is not None:
                yield Record(source, current, start, end)
                current = None
            yield from notes
            notes.clear()
            yield row
            continue
        cells = split.padded(row.payload)
        customer = split.customer_fields(cells)
        joins = split.joins_on(cells, customer)
        if current is not None and joins != "" and joins == key:
            split.join(current, customer)
            end = row.end
            continue
        if current is not None:
            yield Record(source, current, start, end)
        yield from notes
        notes.clear()
        current, key = split.record(cells, customer), joins
        source, start, end = row.source, row.start, row.end
    if current is not None:
        yield Record(source, current, start, end)
    yield from notes


def _customer_key(customer: Mapping[str, Any]) -> object:
    """What copies of one customer's row share: its fields but the ship-to states; "" for a
    row without a customer number, which joins nothing."""
    if not customer.get("customer_number"):
        return ""
    return frozenset((k, v) for k, v in customer.items() if k not in _RECORD_ONLY)


def _header(reader: Iterator[list[str]], name: str, limit: int) -> list[str]:
    try:
        return next(reader, [])
    except _LineTooLongError as exc:
        raise InputError(
            f"{name}:1: the CSV header line is over {exc.size - 1:,} characters, the limit "
            "(--max-line-bytes): is it a CSV file?"
        ) from None
    except csv.Error as exc:
        raise InputError(f"{name}:1: the CSV header can't be read ({exc})") from None


def _row_problem(
    row: list[str], header: list[str], lines: tuple[int, int], limit: int, codec: str
) -> Finding | None:
    """The finding that replaces a row, or None for a row to check (the usual case).

    ``lines``: the row's first and last line.
    """
    line, end = lines
    if not row or (end == line and all(map(str.isascii, row))):
        return None  # one line of ASCII: its cells fit the limit, no bytes are marked
    longest = max(map(len, row))
    if longest > limit:
        return record_too_large(longest, limit)
    for cell in () if all(map(str.isascii, row)) else row:
        at = unmarked(cell)
        if at is not None:
            return not_utf8(at, codec)
    if end > line:
        column = _runs_on(row, header)
        if column is not None:
            params = {"line": line, "end": end, "column": repr(column)}
            hit = Hit(loc=(), params=params, errors={(column,): f"lines {line}-{end}"})
            return formatting.csv_row_runs_on.finding(hit)
    return None


def too_many_lines(line: int, limit: int, target: str) -> Finding:
    """The 4014 finding for ``line``, the first past the ``limit`` lines ``target`` imports."""
    params = {"line": line, "limit": limit, "target": target}
    hit = Hit(loc=(), params=params, errors={(): f"line {line:,}"})
    return formatting.import_file_too_long.finding(hit)


def _unreadable_row(problem: str, limit: int) -> Finding:
    if "field larger than field limit" in problem:
        return record_too_large(None, limit)
    detail = f"the CSV row can't be split into fields ({problem})"
    hit = Hit(loc=(), params={"field": "the row", "detail": detail, "expected": "valid CSV"})
    return formatting.uninterpretable_value.finding(hit)
