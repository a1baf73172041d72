"""The reading stage's one entry: :meth:`Reader.read` (see :mod:`certpreflight.reading`)."""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import ValidationError

from certpreflight.dialects import (
    CERTIFICATE_ONLY_FIELDS,
    CERTIFICATE_ONLY_KEYS,
    CUSTOMER_ONLY_KEYS,
    DOCUMENTED_CERTIFICATE_KEYS,
    DOCUMENTED_CUSTOMER_KEYS,
    KINDS,
    detect_kind,
    is_mapping,
    kind_candidates,
    looks_like_transaction,
)
from certpreflight.findings import Finding
from certpreflight.literals import Kind
from certpreflight.models import Customer, CustomerRecord, ExemptionCertificate, Link
from certpreflight.reading.keys import customer_key_findings, unknown_key_findings
from certpreflight.reading.lenient import read_customer, read_lenient, read_link
from certpreflight.reading.limits import (
    DEFAULT_LIMITS,
    Limits,
    enforce,
    load_json,
    read_within,
)
from certpreflight.reading.objects import plain
from certpreflight.reading.strict import PLAIN, Forgotten, StrictReader
from certpreflight.reading.zones import zone_name_findings
from certpreflight.rules import Hit, Loc
from certpreflight.rules import formatting as fmt

__all__ = ["Read", "Reader", "read"]

_NONE: frozenset[Any] = frozenset()


class Read(NamedTuple):
    """What reading one payload gives."""

    #: The model, or None when nothing could be read (not an object, invalid JSON, ...).
    certificate: ExemptionCertificate | None
    #: The Formatting findings (4xxx) of what could not be read, in the order found.
    findings: list[Finding]
    #: The payload's ``id`` as given (for the report), even when no model could be made.
    raw_id: Any
    #: The locs of values left out as unreadable: no rule reports them again as missing.
    unreadable: frozenset[Loc]
    #: What the payload was read as: ``certificate``, ``customer`` or ``link``; None when
    #: it could not be read as any (not an object, invalid JSON, a record of no kind).
    kind: Kind | None = "certificate"
    #: The customer record or the link (``kind`` says which); None for a certificate.
    record: CustomerRecord | Link | None = None


class Reader:
    """Reads payloads into models.

    A reader holds only immutable compiled validators, so one is shared by every thread.
    """

    __slots__ = ("_strict",)

    def __init__(self) -> None:
        self._strict: StrictReader | None = PLAIN

    def read(self, payload: Any, limits: Limits = DEFAULT_LIMITS, kind: Kind | None = None) -> Read:
        """Read one payload: a model or a mapping in any dialect, or JSON text or bytes; a
        caller's own pydantic model, dataclass or attrs instance is read as its dump
        (:func:`~certpreflight.reading.objects.plain`).

        ``kind`` is what the payload is (``certificate``, ``customer``, ``link``); None
        detects it from the keys (:func:`certpreflight.dialects.detect_kind`). Never raises
        for bad data (what can't be read is a finding); a payload of a type no JSON or
        mapping can have, or an unknown kind, is a programming error.
        """
        if type(payload) is not dict:
            payload = plain(payload)
        got = self._read(payload, limits, kind)
        cert = got.certificate
        if cert is not None and cert.regions:  # AvaTax zones named by a code (3005)
            zones = zone_name_findings(payload, cert.regions)
            if zones:
                return got._replace(findings=[*got.findings, *zones])
        return got

    def _read(self, payload: Any, limits: Limits, kind: Kind | None) -> Read:
        """The one route: the schema reads a certificate or a customer record that reads
        cleanly; anything it refuses is decoded, its kind detected, and read on the salvage
        path."""
        if kind is not None:
            _known(kind)
        done = None
        if kind == "certificate" or (kind is None and not _customer_only(payload)):
            done = self.fast(payload, limits)
            # a model naming a field only a certificate has is one (detect_kind's first rule,
            # on the fields read): the usual certificate; other payloads' keys tell their kind
            if done is not None and (kind is not None or _certificate_fields(done)):
                return done
        if isinstance(payload, (str, bytes, bytearray)):  # JSON text the schema refused
            payload, failure = load_json(payload, limits)
            if failure is not None:
                return Read(None, [failure], None, _NONE, None)
        if kind is None:
            kind = _detected(payload)
        if kind == "certificate":
            return self._lenient(payload, limits) if done is None else done
        return self._other(payload, limits, kind)

    def fast(self, payload: Any, limits: Limits) -> Read | None:
        """A certificate read by the schema alone (a dict, or JSON text); None when it
        refuses the payload, or when the payload is over a limit the schema can't bound."""
        strict = self._strict
        if strict is None or not limits.native_fast:
            return None
        kind = type(payload)
        forgotten: Forgotten = [0, 0]
        try:
            if kind is dict:
                # the same schema either way; documented keys tried first when it names one
                if DOCUMENTED_CERTIFICATE_KEYS.isdisjoint(payload):
                    cert = strict.python(payload, context=forgotten)
                else:
                    cert = strict.python_documented(payload, context=forgotten)
            elif kind is bytes or kind is str or kind is bytearray:
                # at least the size load_json would measure (a char: at most 4 bytes of UTF-8)
                size = len(payload) * 4 if kind is str else len(payload)
                if size > limits.max_payload_bytes:
                    return None
                cert = strict.json(payload, context=forgotten)
            else:
                return None
        except ValidationError:
            return None
        if not read_within(payload, cert, limits, forgotten):
            return None
        return Read(cert, [], cert.id, _NONE)

    def fast_customer(self, payload: Any, limits: Limits) -> CustomerRecord | None:
        """A customer record read by the schema alone (a dict); None when it refuses it, or
        when it is over a limit the schema can't bound."""
        strict = self._strict
        if strict is None or not limits.native_fast or type(payload) is not dict:
            return None
        forgotten: Forgotten = [0, 0]
        read = (
            strict.customer
            if DOCUMENTED_CUSTOMER_KEYS.isdisjoint(payload)
            else strict.customer_documented
        )
        try:
            record = read(payload, context=forgotten)
        except ValidationError:
            return None
        return record if read_within(payload, record, limits, forgotten) else None

    def _lenient(self, payload: Any, limits: Limits) -> Read:
        """A certificate on the salvage path (the schema refused it)."""
        cert, findings, raw_id = read_lenient(payload, limits)
        unreadable = frozenset(f.loc for f in findings if f.loc) if findings else _NONE
        if cert is not None:  # keys nobody reads (2310, 2311): the schema refused them
            findings += unknown_key_findings(payload, limits.max_items)
        readable = cert is not None or is_mapping(payload)
        return Read(cert, findings, raw_id, unreadable, "certificate" if readable else None)

    def _other(self, payload: Any, limits: Limits, kind: Kind | None) -> Read:
        """A customer record or a link; or the finding that the payload is of no kind."""
        if isinstance(payload, (str, bytes, bytearray)):
            payload, failure = load_json(payload, limits)
            if failure is not None:
                return Read(None, [failure], None, _NONE, None)
        record: CustomerRecord | Link | None
        if kind == "customer":
            record = self.fast_customer(payload, limits)
            if record is not None:
                return Read(None, [], record.customer_number, _NONE, kind, record)
            record, findings = read_customer(payload, limits)
            raw_id = None if record is None else record.customer_number
            if record is not None:
                findings += customer_key_findings(payload)
        elif kind == "link":
            record, findings = read_link(payload, limits)
            raw_id = None if record is None else record.certificate_id
        else:
            findings = []
            if is_mapping(payload):
                kept, findings, _ = enforce(payload, limits)
                if kept is None:  # too large to be any record: say that, not its kind
                    return Read(None, findings, None, _NONE, None)
            keys = sorted(str(k) for k in payload)[:10] if is_mapping(payload) else []
            detail = f"its keys are {', '.join(keys)}" if keys else "it has no keys"
            if is_mapping(payload) and looks_like_transaction(payload):
                detail = (
                    f"it looks like a transaction (a CreateTransactionModel: {detail}); "
                    "certpreflight coverage --transactions reads those"
                )
            kinds = kind_candidates(payload) if is_mapping(payload) else ()
            if len(kinds) > 1:  # said, never guessed
                params = {"kinds": " or a ".join(kinds), "detail": _why(payload, detail)}
                hit = Hit(loc=(), params=params, errors={(): f"a {' or a '.join(kinds)}"})
                findings = [fmt.record_kind_ambiguous.finding(hit), *findings]
            else:
                hit = Hit(loc=(), params={"detail": detail}, errors={(): "no known field"})
                findings = [fmt.record_kind_unknown.finding(hit), *findings]
            return Read(None, findings, None, _NONE, None)
        unreadable = frozenset(f.loc for f in findings if f.loc) if findings else _NONE
        return Read(None, findings, raw_id, unreadable, kind if record else None, record)


def _why(payload: Any, detail: str) -> str:
    """Why a record's kind is ambiguous (:func:`~certpreflight.dialects.kind_candidates`)."""
    if "customers" in payload:
        return (
            "some of its customers are given by reference and some in full, and it has no "
            "field only a certificate has"
        )
    return detail


def _customer_only(payload: Any) -> bool:
    """A mapping with a key only a customer has and none only a certificate has: the
    certificate's schema would refuse it (no such key is one of its keys), detect_kind
    tells a customer record or a link. (The usual certificate answers at its first keys.)"""
    return (
        type(payload) is dict
        and CERTIFICATE_ONLY_KEYS.isdisjoint(payload)
        and not CUSTOMER_ONLY_KEYS.isdisjoint(payload)
    )


def _certificate_fields(done: Read) -> bool:
    cert = done.certificate
    return cert is not None and not CERTIFICATE_ONLY_FIELDS.isdisjoint(cert.__pydantic_fields_set__)


def _known(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; expected one of {', '.join(KINDS)}")
    return kind


def _detected(payload: Any) -> Kind | None:
    """The kind of a payload that is no JSON text (:func:`~certpreflight.dialects.detect_kind`
    for a mapping)."""
    if isinstance(payload, (Customer, Link)):
        return "link" if isinstance(payload, Link) else "customer"
    if is_mapping(payload):
        return detect_kind(payload)
    return "certificate"  # a model, or no mapping at all: the certificate path says what


_PLAIN_READER = Reader()


def read(payload: Any, limits: Limits = DEFAULT_LIMITS, kind: Kind | None = None) -> Read:
    """Read one payload: the model and what could not be read."""
    return _PLAIN_READER.read(payload, limits, kind)
