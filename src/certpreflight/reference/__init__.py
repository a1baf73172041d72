"""Reference data: regions, exempt reasons and the exempt reason x region matrix.

Each catalogue is a CSV in ``data/`` whose header names where the data came from (public
sources, gathered in docs/sources.md); the modules here only load it, lazily and once.
"""

from __future__ import annotations

from certpreflight.reference.matrix import (
    Cell,
    Confidence,
    ExemptionMatrix,
    MatrixFormatError,
    Status,
)
from certpreflight.reference.reasons import Reason, all_reasons, lookup_reason, normalize_reason
from certpreflight.reference.regions import Region, all_regions, lookup_region, normalize_region

__all__ = [
    "Cell",
    "Confidence",
    "ExemptionMatrix",
    "MatrixFormatError",
    "Reason",
    "Region",
    "Status",
    "all_reasons",
    "all_regions",
    "lookup_reason",
    "lookup_region",
    "normalize_reason",
    "normalize_region",
]
