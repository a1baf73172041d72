"""The reading stage: from a payload to a model, plus the Formatting findings of what
could not be read. The engine calls it once per payload, :meth:`Reader.read`.

The strict reader (:mod:`~certpreflight.reading.strict`) reads clean input in Rust and
applies the customer screens (:mod:`~certpreflight.reading.screens`) as it reads; what it
refuses takes the general path (:mod:`~certpreflight.reading.lenient`), which applies the
limits (:mod:`~certpreflight.reading.limits`) and says what could not be read. Which path a
payload takes, and why each exists, is ``docs/architecture.md``; the dialects' key tables
are :mod:`certpreflight.dialects`.
"""

from certpreflight.reading.limits import DEFAULT_LIMITS, Limits, limits_from
from certpreflight.reading.reader import Read, Reader, read
from certpreflight.reading.screens import FieldScreen, compile_screens

__all__ = [
    "DEFAULT_LIMITS",
    "FieldScreen",
    "Limits",
    "Read",
    "Reader",
    "compile_screens",
    "limits_from",
    "read",
]
