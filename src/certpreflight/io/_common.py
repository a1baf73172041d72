"""What the readers share: the record type, the input error, and the record-too-large finding."""

from __future__ import annotations

from typing import Any

from certpreflight.findings import Finding, Severity

__all__ = ["DEFAULT_MAX_LINE_BYTES", "RECORD_TOO_LARGE", "InputError", "Record", "record_too_large"]

#: A line (NDJSON) or a field (CSV) longer than this is reported, not read: memory stays bounded.
DEFAULT_MAX_LINE_BYTES = 1024 * 1024

#: ``(source, payload)``: payload is for ``validate()``, or a ready Finding.
Record = tuple[str, Any]

#: Code and name of the reader-side Formatting finding for oversized records. It is not in
#: the rule catalogue (rules/ belongs to the engine); the CLI matches it against
#: ``--select`` / ``--ignore`` itself.
RECORD_TOO_LARGE = (4010, "record-too-large")


class InputError(Exception):
    """A file that can't be read as certificates at all (exit code 2 in the CLI)."""


def record_too_large(size: int | None, limit: int) -> Finding:
    """The Formatting finding for a record of ``size`` bytes (None: unknown) over ``limit``."""
    code, name = RECORD_TOO_LARGE
    detail = f"over the limit of {limit:,} bytes"
    if size is not None:
        detail = f"{size:,} bytes, {detail}"
    return Finding(
        code=code,
        name=name,
        type="Formatting",
        severity=Severity.ERROR,
        message=f"The certificate record is too large to check ({detail}).",
        summary="The record is larger than any real certificate, so it was skipped unread "
        "to keep memory bounded.",
        fix="Split the record or remove what doesn't belong in it (an embedded file, a "
        "runaway field), or raise --max-line-bytes if it really is one certificate (one "
        "with an embedded PDF, say).",
        errors={"": detail},
    )
