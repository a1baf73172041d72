"""The reading stage: from a payload to a model, plus the Formatting findings of what
could not be read. The engine calls it once per payload, :meth:`Reader.read`.

The strict reader (:mod:`~certpreflight.reading.strict`) reads clean input in Rust; what it
refuses takes the general path (:mod:`~certpreflight.reading.lenient`), which applies the
limits (:mod:`~certpreflight.reading.limits`) and says what could not be read. Which path a
payload takes, and why each exists, is ``docs/architecture.md``; the dialects' key tables
are :mod:`certpreflight.dialects`.
"""

from certpreflight.reading.limits import DEFAULT_LIMITS, Limits, limits_from
from certpreflight.reading.reader import Read, Reader, read

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "Read",
    "Reader",
    "limits_from",
    "read",
]
