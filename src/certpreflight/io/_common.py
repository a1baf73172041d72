"""What the readers share: the record type, the input error, and the record-too-large finding."""

from __future__ import annotations

from typing import Any

from certpreflight.findings import Finding
from certpreflight.rules import formatting as fmt
from certpreflight.rules._base import Hit

__all__ = ["DEFAULT_MAX_LINE_BYTES", "InputError", "Record", "record_too_large"]

#: A line (NDJSON) or a field (CSV) longer than this is reported, not read: memory stays bounded.
DEFAULT_MAX_LINE_BYTES = 1024 * 1024

#: ``(source, payload)``: payload is for ``validate()``, or a ready Finding.
Record = tuple[str, Any]


class InputError(Exception):
    """A file that can't be read as certificates at all (exit code 2 in the CLI)."""


def record_too_large(size: int | None, limit: int) -> Finding:
    """The Formatting finding for a record of ``size`` bytes (None: unknown) over ``limit``."""
    detail = f"over the limit of {limit:,} bytes"
    if size is not None:
        detail = f"{size:,} bytes, {detail}"
    return fmt.record_too_large.finding(Hit(loc=(), params={"detail": detail}, errors={"": detail}))
