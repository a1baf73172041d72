"""The reading stage: from a payload to a model, plus the Formatting findings of what
could not be read. The engine calls it once per payload, :meth:`Reader.read`.

One route: the one schema (:mod:`~certpreflight.reading.strict`), built from the dialect
tables (:mod:`certpreflight.dialects`), reads a certificate that reads cleanly, a dict or
JSON text alike, in Rust; what it refuses takes the one salvage path
(:mod:`~certpreflight.reading.lenient`), which says what could not be read and reads the
rest. The limits are checked in :mod:`~certpreflight.reading.limits`; the kind of a
record is told by :func:`certpreflight.dialects.detect_kind`. A caller's own pydantic model,
dataclass or attrs instance is read as its dump (:func:`plain`). ``docs/architecture.md``
draws the route.
"""

from certpreflight.reading.limits import DEFAULT_LIMITS, Limits, limits_from
from certpreflight.reading.objects import plain
from certpreflight.reading.reader import Read, Reader, read

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "Read",
    "Reader",
    "limits_from",
    "plain",
    "read",
]
