"""Exempt reasons: AvaTax entity use codes A-N, P-R and TAXABLE, with every name they go by.

The catalogue lives in ``data/reasons.csv`` (sources: docs/sources.md#exempt-reasons):
Avalara's exemption reason matrix pages (codes, AvaTax names, country restrictions), the
"What values can I use to exempt a customer within my ERP?" FAQ (older names such as
"EXEMPT ORGANIZATIONS" and the "(CN)" suffixes) and CertCapture's exempt-reason names,
legacy ones included ("RELIGIOUS/EDUCATIONAL ORG", "STATE/LOCAL GOV").

CertCapture's pseudo reasons starting with EXPOSURE or NON-NEXUS mark missing documents,
not exemptions, and custom "other" names such as MEDICAL are customer-specific mappings:
neither resolves here, on purpose.

>>> normalize_reason("resale")
'G'
>>> normalize_reason("Religious/Educational Org")
'F'
>>> lookup_reason("EXPOSURE") is None
True
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import cast

__all__ = ["Reason", "all_reasons", "lookup_reason", "normalize_reason", "reason_of"]

_SPACE_AROUND_SLASH = re.compile(r"\s*/\s*")


@dataclass(frozen=True, slots=True)
class Reason:
    """One exempt reason (entity use code) and the names that resolve to it."""

    code: str
    avatax_name: str
    description: str
    aliases: tuple[str, ...]
    countries: tuple[str, ...]
    source: str


def _fold(text: str) -> str:
    """Case-, accent- and space-insensitive key: "State / Local  GOV" -> "state/local gov"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE_AROUND_SLASH.sub("/", " ".join(plain.casefold().split()))


@functools.cache
def _catalogue() -> tuple[tuple[Reason, ...], dict[str, Reason], dict[str, Reason]]:
    """Load the CSV once: the reasons in file order, an index from folded key to reason, and
    one from the usual spellings of each key as written (looked up before folding)."""
    text = resources.files("certpreflight.reference").joinpath("data/reasons.csv")
    lines = text.read_text("utf-8").splitlines()
    reasons: list[Reason] = []
    index: dict[str, Reason] = {}
    for row in csv.DictReader(line for line in lines if not line.startswith("#")):
        reason = Reason(
            code=row["code"],
            avatax_name=row["avatax_name"],
            description=row["description"],
            aliases=tuple(row["aliases"].split("|")),
            countries=tuple(row["countries"].split()),
            source=row["source"],
        )
        reasons.append(reason)
        for name in (reason.code, *reason.aliases):
            index.setdefault(_fold(name), reason)
    written: dict[str, Reason] = {}
    for reason in reasons:
        for name in (reason.code, *reason.aliases):
            for spelling in (name, name.upper(), name.lower(), name.title()):
                found = index.get(_fold(spelling))
                if found is not None:
                    written.setdefault(spelling, found)
    _WRITTEN.update(written)
    return tuple(reasons), index, written


class _Spellings(dict[str, Reason]):
    """The reason of each usual spelling; another text is folded when it is looked up, and
    not stored."""

    def __missing__(self, value: str) -> Reason | None:
        _, index, written = _catalogue()
        found = written.get(value)
        return found if found is not None else index.get(_fold(value))


#: :func:`_catalogue`'s usual spellings, filled once as it loads (until then, empty), so
#: :func:`lookup_reason` answers the usual values with one dictionary lookup.
_WRITTEN = _Spellings()

#: The reason a text denotes, or None: :func:`lookup_reason` of a ``str``, for the rules,
#: whose values are texts. The usual spellings are one dictionary lookup, in C.
reason_of = cast("Callable[[str], Reason | None]", _WRITTEN.__getitem__)


def lookup_reason(value: object) -> Reason | None:
    """Return the reason a code ("g") or name ("RESALE", "state/local gov") denotes, or None.

    Never raises: anything that is not a string, or not a known code or name, gives None.
    """
    return _WRITTEN[value] if isinstance(value, str) else None


def normalize_reason(value: object) -> str | None:
    """Return the reason code ("G", "TAXABLE") for a code or name, or None."""
    reason = lookup_reason(value)
    return None if reason is None else reason.code


def all_reasons() -> tuple[Reason, ...]:
    """Return every reason in catalogue order: A-N, P-R, TAXABLE."""
    return _catalogue()[0]
