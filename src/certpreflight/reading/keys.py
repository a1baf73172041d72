"""Keys nobody reads: rules 2310 (close to a key that is read) and 2311 (the others).

The one schema refuses any payload with a key it neither reads nor documents, so only a
payload on the salvage path can have one: :meth:`~certpreflight.reading.Reader.read`
calls :func:`unknown_key_findings` there, and a payload the schema accepts pays nothing.
Which keys are read, and which are documented but not read, is the dialect tables of
:mod:`certpreflight.dialects`; the rules are :mod:`certpreflight.rules.keys`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from certpreflight.dialects import (
    CERTIFICATE_KEYS,
    CUSTOMER_KEYS,
    CUSTOMER_RECORD_KEYS,
    DIALECTS,
    DOCUMENTED_CERTIFICATE_KEYS,
    DOCUMENTED_CUSTOMER_KEYS,
    NATIVE,
    Dialect,
    is_mapping,
)
from certpreflight.findings import Finding
from certpreflight.rules import Hit, Loc, path
from certpreflight.rules.keys import key_misspelled, keys_unknown
from certpreflight.suggest import closest

__all__ = [
    "CERTIFICATE",
    "CUSTOMER",
    "CUTOFF",
    "KeyTable",
    "customer_key_findings",
    "key_findings",
    "unknown_key_findings",
]

#: How alike a key must be to one that is read to be called its misspelling: difflib's ratio
#: of the two compared without case and ``_``. ``exempt_reson`` is 0.96 from
#: ``exempt_reason``, ``cty`` 0.86 from ``city``; ``region_code`` is 0.75 from ``region``.
CUTOFF = 0.85
#: Keys longer than this are only listed, never compared (no field name is half as long).
_LONGEST = 64
#: Keys named in one 2311 finding, and the characters shown of each key.
_SHOWN = 20
#: Distinct keys compared in one record (its own and its customers'): the rest are listed.
#: A key that repeats (every customer's ``adress_line1``) is compared once a record.
_COMPARED = 100
_SHOWN_CHARS = 60


def _fold(key: str) -> str:
    return key.replace("_", "").lower()


def _folded(keys: Any) -> dict[str, str]:
    """Folded key -> key; the first spelling of a folded key wins."""
    out: dict[str, str] = {}
    for key in keys:
        out.setdefault(_fold(key), key)
    return out


class KeyTable:
    """One record kind's keys: those read, per dialect, and those documented but not read."""

    __slots__ = ("_documented", "_everyone", "_pools", "kind", "known")

    def __init__(self, kind: str, read: Mapping[str, str], documented: frozenset[str]) -> None:
        self.kind = kind
        #: Every key that is read or documented: never reported.
        self.known = frozenset(read) | documented
        # ``modified_date`` is ``modifiedDate`` spelled otherwise: a documented field, not read
        self._documented = frozenset(_fold(k) for k in documented)
        self._everyone = _folded(read)
        # per dialect, the keys a record written in it uses: its own, and the native keys it
        # spells the same (AvaTax's ``name``, ``city``, ``filename``)
        self._pools: dict[str, dict[str, str]] = {}
        for dialect in DIALECTS:
            own: Mapping[str, str] = getattr(dialect, kind)
            shared = getattr(dialect, f"shared_{kind}") or getattr(NATIVE, kind)
            self._pools[dialect.name] = _folded([*own, *sorted(shared)])

    def dialect(self, data: Mapping[Any, Any]) -> Dialect:
        """The dialect most of a record's keys belong to (native when none is distinctive)."""
        best, most = NATIVE, 0
        for dialect in DIALECTS[1:]:
            table: Mapping[str, str] = getattr(dialect, self.kind)
            count = sum(1 for key in data if key in table)
            if count > most:
                best, most = dialect, count
        return best

    def meant(self, key: str, dialect: Dialect) -> str | None:
        """The read key that ``key`` probably misspells, in ``dialect`` if it can be; or None."""
        folded = _fold(key)
        if len(key) > _LONGEST or folded in self._documented:
            return None
        for pool in (self._pools[dialect.name], self._everyone):
            found = closest(key, pool.values(), cutoff=CUTOFF, fold=_fold)
            if found is not None:
                return found
        return None


CERTIFICATE = KeyTable("certificate", CERTIFICATE_KEYS, DOCUMENTED_CERTIFICATE_KEYS)
CUSTOMER = KeyTable("customer", CUSTOMER_KEYS, DOCUMENTED_CUSTOMER_KEYS)
#: A customer sent on its own: a linked customer's keys, and those only a record has.
CUSTOMER_RECORD = KeyTable("customer", CUSTOMER_RECORD_KEYS, DOCUMENTED_CUSTOMER_KEYS)


def _shown(key: str) -> str:
    return key if len(key) <= _SHOWN_CHARS else key[:_SHOWN_CHARS] + "..."


def key_findings(
    data: Mapping[Any, Any],
    table: KeyTable,
    *,
    prefix: Loc = (),
    where: str,
    customer_number: str | None = None,
    dialect: Dialect | None = None,
    meant: dict[tuple[str, str], str | None] | None = None,
) -> tuple[list[Finding], list[Loc]]:
    """One record's 2310 findings, and the locs of its other unknown keys (for 2311).

    ``where`` names the record in messages ("The certificate"); ``dialect`` is the one to
    suggest keys of when the record's own keys name none (a customer's: its certificate's).
    ``meant`` holds the suggestions already made for the record (key and dialect -> the
    key meant): at most ``_COMPARED`` keys are compared a record.
    """
    if data.keys() <= table.known:  # the usual record
        return [], []
    unknown = [key for key in data if key not in table.known]
    own = table.dialect(data)
    if own is not NATIVE or dialect is None:
        dialect = own
    findings: list[Finding] = []
    others: list[Loc] = []
    said: dict[tuple[str, str], str | None] = {} if meant is None else meant
    for n, key in enumerate(unknown):
        # the first few are compared; a record with more unknown keys is not a typo
        suggested = _suggested(table, key, dialect, said) if n < _SHOWN else None
        loc: Loc = (*prefix, key if isinstance(key, str) else repr(key))
        if suggested is None:
            others.append(loc)
            continue
        hit = Hit(
            loc=loc,
            params={"where": where, "key": _shown(key), "meant": suggested, "kind": table.kind},
            errors={loc: f"not read; did you mean {suggested!r}?"},
            customer_number=customer_number,
        )
        findings.append(key_misspelled.finding(hit))
    return findings, others


def _suggested(
    table: KeyTable, key: Any, dialect: Dialect, said: dict[tuple[str, str], str | None]
) -> str | None:
    """:meth:`KeyTable.meant`, asked once a record per key and dialect, and for at most
    ``_COMPARED`` keys a record (difflib costs about 50 us a key)."""
    if not isinstance(key, str):
        return None
    at = (key, dialect.name)
    if at in said:
        return said[at]
    if len(said) >= _COMPARED:
        return None
    found = said[at] = table.meant(key, dialect)
    return found


def unknown_key_findings(payload: Any, max_items: int | None = None) -> list[Finding]:
    """Rules 2310 and 2311 for a certificate payload's keys and its embedded customers'
    (the first ``max_items``: those past it are cut, 4009, and never read).

    Anything but a mapping (a model, a list) has no keys to say anything about.
    """
    if type(payload) is dict and _all_known(payload):  # the usual payload, at a glance
        return []
    if not is_mapping(payload):
        return []
    said: dict[tuple[str, str], str | None] = {}
    found, others = key_findings(payload, CERTIFICATE, where="The certificate", meant=said)
    customers = payload.get("customers")
    if is_mapping(customers):
        customers = [customers]  # one customer, not in a list: read as one
    if isinstance(customers, (list, tuple)):
        known = CUSTOMER.known
        read = customers if max_items is None else customers[:max_items]
        written: Dialect | None = None  # the certificate's dialect, found once
        for i, customer in enumerate(read):
            if not is_mapping(customer) or customer.keys() <= known:
                continue
            if written is None:
                written = CERTIFICATE.dialect(payload)
            number = _customer_number(customer)
            more, rest = key_findings(
                customer,
                CUSTOMER,
                prefix=("customers", i),
                where=f"The certificate customer({number or f'customers[{i}]'})",
                customer_number=number,
                dialect=written,
                meant=said,
            )
            found += more
            others += rest
    if others:
        found.append(_listed(others))
    return found


def customer_key_findings(payload: Any) -> list[Finding]:
    """Rules 2310 and 2311 for a customer record's keys (locs without a prefix)."""
    if not is_mapping(payload) or payload.keys() <= CUSTOMER_RECORD.known:
        return []
    number = _customer_number(payload)
    found, others = key_findings(
        payload,
        CUSTOMER_RECORD,
        where=f"The customer({number or 'without a code'})",
        customer_number=number,
    )
    if others:
        found.append(_listed(others, "customer"))
    return found


def _all_known(payload: dict[Any, Any]) -> bool:
    """True when a dict's keys and its listed customers' keys are all known (some may not
    be dicts: then False, and :func:`unknown_key_findings` looks closer)."""
    if not payload.keys() <= CERTIFICATE.known:
        return False
    customers = payload.get("customers")
    if type(customers) is not list:
        return customers is None
    known = CUSTOMER.known
    for customer in customers:
        if type(customer) is not dict or not customer.keys() <= known:
            return False
    return True


def _listed(locs: list[Loc], kind: str = "certificate") -> Finding:
    """The one 2311 finding of a record: its unknown keys, by path."""
    shown = ", ".join(repr(_shown(path(loc))) for loc in locs[:_SHOWN])
    if len(locs) > _SHOWN:
        shown += f" and {len(locs) - _SHOWN} more"
    hit = Hit(
        loc=locs[0],
        params={"kind": kind, "count": len(locs), "keys": shown},
        errors=dict.fromkeys(locs[:_SHOWN], "unknown key"),
    )
    return keys_unknown.finding(hit)


def _customer_number(customer: Mapping[Any, Any]) -> str | None:
    """The customer's number as given, under any dialect's key, when it is text or a number
    (not one over the digit limit, 4008: Python can't write an integer of 4,301 digits)."""
    for key, field in CUSTOMER_KEYS.items():
        if field != "customer_number":
            continue
        value = customer.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            if -_BOUND < value < _BOUND:
                return str(value)
        elif isinstance(value, str) and value.strip():
            return value
    return None


#: Numbers of at most 255 digits (the ``max_number_digits`` default; a longer one is 4008,
#: and left out) are written as a customer number.
_BOUND = 10**255
