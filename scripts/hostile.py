"""Hostile payloads and files for ``scripts/fuzz.py`` (``--engine payloads`` / ``files``).

Random, seeded, no dependencies beyond the project: payloads in the three dialects mixing
valid values with hostile ones (the issue 19 reproductions among them), and input files
in every format, encoding and line ending the CLI reads, each built so that the number of
records it holds is known (records in = results out is checked on every file).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
from dataclasses import dataclass
from typing import Any

from tests.conftest import AVATAX_CERTIFICATE, CERTCAPTURE_CERTIFICATE, CERTIFICATE

CLEAN = (CERTIFICATE, AVATAX_CERTIFICATE, CERTCAPTURE_CERTIFICATE)

HOSTILE_TEXT = (
    "",
    " ",
    "\x00",
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    "C-1\r=1+1",
    "=1+1",
    "@SUM(A1)",
    "\t-2",
    "\u202egnp.exe",
    "\ud800",
    "²",
    "\u0661\u0660",  # Arabic-Indic digits one, zero
    "1" * 4301,
    "9" * 5000,
    "x" * 10_001,
    "a\nb",
    "a\r\nb",
    'say "hi"',
    "a,b;c|d",
    "2026-13-45",
    "12/31/-5",
    "Café",
    "\U0001f600" * 50,
    "\u2028",
)
HOSTILE_NUMBERS = (0, -1, 10**400, -(10**300), 1e400, float("nan"), float("inf"), 10**5000, 2**63)
KEYS = (
    "id", "exempt_reason", "regions", "effective_date", "expiration_date", "single_use",
    "po_numbers", "tax_id", "business_type", "exempt_percentage", "customers", "filename",
    "pdf", "pages", "exemptionReason", "exposureZone", "exposure_zones", "signedDate",
    "expected_tax_code", "customerCode", "state", "country", "zip", "name", "line1",
)  # fmt: skip


def _deep(rng: random.Random, depth: int) -> Any:
    value: Any = rng.choice(["x", 1, None, []])
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {"k": value}
    return value


def hostile_value(rng: random.Random, level: int = 0) -> Any:
    """One value: text, number, container or deep nesting, often hostile."""
    pick = rng.random()
    if pick < 0.30:
        return rng.choice(HOSTILE_TEXT)
    if pick < 0.45:
        return rng.choice(HOSTILE_NUMBERS)
    if pick < 0.55:
        return rng.choice([True, False, None])
    if pick < 0.62:
        return _deep(rng, rng.choice([5, 31, 33, 200]))
    if pick < 0.80 and level < 3:
        return [hostile_value(rng, level + 1) for _ in range(rng.randint(0, 4))]
    if pick < 0.95 and level < 3:
        return {rng.choice(KEYS): hostile_value(rng, level + 1) for _ in range(rng.randint(0, 4))}
    return "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(0, 12)))


def hostile_payload(rng: random.Random) -> Any:
    """A mapping (a clean certificate of any dialect, mutated), JSON text, bytes or a value."""
    base: dict[str, Any] = json.loads(json.dumps(rng.choice(CLEAN)))
    for _ in range(rng.randint(0, 6)):
        target: Any = base
        if rng.random() < 0.4 and isinstance(base.get("customers"), list) and base["customers"]:
            target = base["customers"][0]
        if isinstance(target, dict):
            target[rng.choice(KEYS)] = hostile_value(rng)
    if rng.random() < 0.003:
        base["customers"] = [{"customer_number": f"C{i}"} for i in range(rng.randint(900, 3000))]
    form = rng.random()
    if form < 0.55:
        return base
    try:
        text = json.dumps(base, ensure_ascii=rng.random() < 0.5, allow_nan=True, default=str)
    except ValueError:  # an integer past Python's 4,300-digit cap: only a mapping holds it
        return base
    if form < 0.75:
        return text
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.3:
        cut = rng.randint(0, len(data))
        data = data[:cut] + bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 8)))
    if form < 0.97:
        return data
    return hostile_value(rng)


# --- files ---------------------------------------------------------------------------------


@dataclass
class HostileFile:
    """A file's bytes, its name (the suffix says the format), how many records it holds, and
    the options to check it with."""

    name: str
    data: bytes
    records: int
    args: tuple[str, ...] = ()


def _record_text(rng: random.Random) -> str:
    """One record as single-line JSON text (no raw CR or LF: JSON escapes them)."""
    if rng.random() < 0.02:  # nested past every parser's recursion limit (issue 19, 2)
        depth = rng.choice([990, 5000])
        return '{"id": "deep", "x": ' + "[" * depth + "]" * depth + "}"
    payload = hostile_payload(rng)
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8", "replace")
    if not isinstance(payload, str):
        try:
            payload = json.dumps(payload, allow_nan=True, default=str)
        except ValueError:  # an integer past the 4,300-digit cap: written as digits
            payload = '{"id": "big", "tax_id": ' + "9" * 5000 + "}"
    line = payload.replace("\r", " ").replace("\n", " ").replace("\u2028", " ")
    return line if line.strip(" \t\x0b\x0c") else json.dumps(payload)  # blank: no record


_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32", "cp1252")


def _encode(rng: random.Random, text: str) -> tuple[bytes, tuple[str, ...]]:
    codec = rng.choice(_ENCODINGS)
    if codec == "cp1252":
        return text.encode("cp1252", "replace"), rng.choice([(), ("--encoding", "cp1252")])
    data = text.encode(codec, "surrogatepass")
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    return data, ()


def _element(rng: random.Random) -> str:
    """One array element: valid JSON (an element that breaks the array would end it)."""
    text = _record_text(rng)
    try:
        json.loads(text)
    except RecursionError:
        return text  # valid, only deeper than Python's json reads
    except ValueError:
        return json.dumps(text)
    return text


def _ndjson(rng: random.Random, index: int) -> HostileFile:
    count = rng.randint(1, 12)
    lines = [_record_text(rng) for _ in range(count)]
    if rng.random() < 0.2:  # raw garbage lines (no line ends inside), read as bytes
        for i in range(count):
            if rng.random() < 0.5:
                lines[i] = "A" + "".join(  # not NUL first: FF FE 00 00 is also UTF-32's mark
                    chr(rng.choice([0, 9, 32, 65, 0xE9, 0xD800, 0x1F600])) for _ in range(20)
                )
    end = rng.choice(["\n", "\r\n", "\r"])
    body = end.join(lines) + (end if rng.random() < 0.7 else "")
    if body.startswith("\x00"):  # UTF-16-LE's mark and a NUL are UTF-32-LE's mark
        body = " " + body
    args: tuple[str, ...] = ()
    if rng.random() < 0.15:
        args = ("--max-line-bytes", str(rng.choice([50, 500, 5000])))
    data, more = _encode(rng, body)
    return HostileFile(f"f{index}.ndjson", data, count, args + more)


def _json_array(rng: random.Random, index: int) -> HostileFile:
    count = rng.randint(0, 12)
    space = ["", " ", "\n", "\r\n", "\t", "\r"]
    parts = [_element(rng) for _ in range(count)]
    body = "[" + rng.choice(space) + ("," + rng.choice(space)).join(parts) + rng.choice(space) + "]"
    args: tuple[str, ...] = ()
    if rng.random() < 0.15:
        args = ("--max-line-bytes", str(rng.choice([50, 500, 5000])))
    data, more = _encode(rng, body + rng.choice(["", "\n"]))
    return HostileFile(f"f{index}.json", data, count, args + more)


_CSV_HEADER = ["id", "exempt_reason", "regions", "tax_id", "customer_number", "name",
               "address_line1", "city", "region", "postal_code", "country",
               "effective_date"]  # fmt: skip


def _csv_cell(rng: random.Random) -> str:
    value = hostile_value(rng) if rng.random() < 0.5 else rng.choice(["G", "WA", "98101", "US"])
    try:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
    except ValueError:
        text = "9" * 5000
    # a quoted line break is legal CSV; with a comma after it, it reads like rows (4012):
    # keep the cells the writer quotes from looking like runaway rows
    return text.replace(",", ";") if ("\n" in text or "\r" in text) else text


def _csv(rng: random.Random, index: int) -> HostileFile:
    count = rng.randint(1, 12)
    buffer = io.StringIO()
    # every cell quoted: the csv module leaves a bare CR unquoted with lineterminator="\n"
    writer = csv.writer(buffer, lineterminator=rng.choice(["\n", "\r\n"]), quoting=csv.QUOTE_ALL)
    writer.writerow(_CSV_HEADER)
    long_cells = rng.random() < 0.15
    for i in range(count):
        row = [f"row-{i}"] + [_csv_cell(rng) for _ in _CSV_HEADER[1:]]
        row[4] = row[4] or f"C-{i}"
        if long_cells and rng.random() < 0.5:  # one physical line over the limit: no breaks
            row = [c.replace("\r", " ").replace("\n", " ") for c in row]
            row[5] = "x" * 3000
        writer.writerow(row)
    text = buffer.getvalue()
    if rng.random() < 0.1:  # an unclosed quote in the last row: one record (4012)
        text += f'row-{count},G,WA,1,C-x,"Acme\nrow-{count + 1},G,WA,1,C-y,Bob\n'
        count += 1
    args = ("--max-line-bytes", "2000") if long_cells else ()
    data, more = _encode(rng, text)
    return HostileFile(f"f{index}.csv", data, count, args + more)


def hostile_file(rng: random.Random, index: int) -> HostileFile:
    """One hostile input file of a random kind."""
    return rng.choice((_ndjson, _json_array, _csv))(rng, index)
