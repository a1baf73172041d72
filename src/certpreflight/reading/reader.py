"""The reading stage's one entry: :meth:`Reader.read` (see :mod:`certpreflight.reading`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from pydantic import ValidationError

from certpreflight.dialects import (
    CERTIFICATE_ONLY_FIELDS,
    KINDS,
    NATIVE_KEYS,
    detect_kind,
    is_mapping,
)
from certpreflight.dialects import native_form as to_native
from certpreflight.findings import Finding
from certpreflight.models import Customer, CustomerRecord, ExemptionCertificate, Link
from certpreflight.reading.keys import customer_key_findings, unknown_key_findings
from certpreflight.reading.lenient import read_customer, read_lenient, read_link
from certpreflight.reading.limits import (
    DEFAULT_LIMITS,
    Limits,
    enforce,
    fast_read_within,
    load_json,
    within,
)
from certpreflight.reading.strict import (
    NATIVE_CAPS,
    PLAIN,
    READ_CUSTOMER_KEYS,
    READ_KEYS,
    StrictReader,
    wide_reader,
)
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
    kind: str | None = "certificate"
    #: The customer record or the link (``kind`` says which); None for a certificate.
    record: CustomerRecord | Link | None = None


class Reader:
    """Reads payloads into models.

    A reader holds only immutable compiled validators, so one is shared by every thread.
    """

    __slots__ = ("_strict", "_wide_read")

    def __init__(self) -> None:
        self._strict: StrictReader | None = PLAIN
        self._wide_read: Callable[..., ExemptionCertificate] | None = None

    def read(self, payload: Any, limits: Limits = DEFAULT_LIMITS, kind: str | None = None) -> Read:
        """Read one payload: a model or a mapping in any dialect, or JSON text or bytes.

        ``kind`` is what the payload is (``certificate``, ``customer``, ``link``); None
        detects it from the keys (:func:`certpreflight.dialects.detect_kind`). Never raises
        for bad data (what can't be read is a finding); a payload of a type no JSON or
        mapping can have, or an unknown kind, is a programming error.
        """
        got = self._read(payload, limits, kind)
        cert = got.certificate
        if cert is not None and cert.regions:  # AvaTax zones named by a code (3005)
            zones = zone_name_findings(payload, cert.regions)
            if zones:
                return got._replace(findings=[*got.findings, *zones])
        return got

    def _read(self, payload: Any, limits: Limits, kind: str | None) -> Read:
        if kind is not None and kind != "certificate":
            return self._other(payload, limits, _known(kind))
        if isinstance(payload, (str, bytes, bytearray)):  # JSON text: decoded once, here
            done = self.strict_json(payload, limits)
            if done is not None and (kind is not None or _surely_certificate(done)):
                return done
            data, failure = load_json(payload, limits)
            if failure is not None:
                return Read(None, [failure], None, _NONE, None)
            payload = data
        else:
            done = self.strict(payload, limits, native_form=False)
            if done is not None and (kind is not None or _surely_certificate(done)):
                return done
        if kind is None:  # not surely a certificate: its keys say what it is
            detected = _detected(payload)
            if detected != "certificate":
                return self._other(payload, limits, detected)
        if done is None:  # refused as given: perhaps in its native form
            done = self.strict(payload, limits, as_given=False)
        if done is not None:
            return done
        return self._lenient(payload, limits)

    def _lenient(self, payload: Any, limits: Limits) -> Read:
        """A certificate on the general path (the strict reader refused it)."""
        cert, findings, raw_id = read_lenient(payload, limits)
        unreadable = frozenset(f.loc for f in findings if f.loc) if findings else _NONE
        if cert is not None:  # keys nobody reads (2310, 2311): the strict reader refused them
            findings += unknown_key_findings(payload)
        kind = "certificate" if cert is not None or is_mapping(payload) else None
        return Read(cert, findings, raw_id, unreadable, kind)

    def _other(self, payload: Any, limits: Limits, kind: str | None) -> Read:
        """A customer record or a link; or the finding that the payload is of no kind."""
        if isinstance(payload, (str, bytes, bytearray)):
            payload, failure = load_json(payload, limits)
            if failure is not None:
                return Read(None, [failure], None, _NONE, None)
        record: CustomerRecord | Link | None
        if kind == "customer":
            record, findings = read_customer(payload, limits)
            raw_id = None if record is None else record.customer_number
            if record is not None:
                findings += customer_key_findings(payload)
        elif kind == "link":
            record, findings = read_link(payload, limits)
            raw_id = None if record is None else record.certificate_id
        else:
            findings = []
            if is_mapping(payload) and not within(payload, limits):
                kept, findings, _ = enforce(payload, limits)
                if kept is None:  # too large to be any record: say that, not its kind
                    return Read(None, findings, None, _NONE, None)
            keys = sorted(str(k) for k in payload)[:10] if is_mapping(payload) else []
            detail = f"its keys are {', '.join(keys)}" if keys else "it has no keys"
            hit = Hit(loc=(), params={"detail": detail}, errors={"": "no known field"})
            findings = [fmt.record_kind_unknown.finding(hit), *findings]
            return Read(None, findings, None, _NONE, None)
        unreadable = frozenset(f.loc for f in findings if f.loc) if findings else _NONE
        return Read(None, findings, raw_id, unreadable, kind if record else None, record)

    def strict_json(self, text: str | bytes | bytearray, limits: Limits) -> Read | None:
        """JSON text read straight to the model by the strict reader alone; None if it
        refuses (the first step of :meth:`read` for text)."""
        strict = self._strict
        if strict is None or not limits.native_fast:
            return None
        # the size load_json would measure, at least (a str's UTF-8 size: at most 4 bytes a char)
        size = len(text) * 4 if isinstance(text, str) else len(text)
        if size > limits.max_payload_bytes:
            return None
        try:
            cert = strict.json(text)
        except ValidationError:
            return None
        return self._done(cert)

    def strict(
        self, payload: Any, limits: Limits, *, as_given: bool = True, native_form: bool = True
    ) -> Read | None:
        """A dict read by the strict reader alone; None for anything it refuses (the first
        steps of :meth:`read` for a mapping): as it is given, then in its native form.

        ``as_given=False`` skips the first (it was refused already, as JSON text, say),
        ``native_form=False`` the second. ``limits.native_fast`` proves that what the
        strict reader accepts is within the limits. A payload with a list longer than the
        caps (more than 64 customers) goes to the wide reader instead (:meth:`_wide_read_of`).
        """
        strict = self._strict
        if strict is None or not limits.native_fast or type(payload) is not dict:
            return None
        native = payload.keys() <= NATIVE_KEYS
        if _has_long_list(payload):  # the capped readers would refuse it: skip them
            if (native or native_form) and within(payload, limits):
                return self._wide_read_of(payload, limits, native)
            return None
        if as_given and (native or not _surely_refused(payload)):
            # native keys, the usual mapping: the cheaper native-only reader first
            for read in (strict.native, strict.python) if native else (strict.python,):
                try:
                    cert = read(payload)
                except ValidationError:
                    continue
                if not fast_read_within(payload, cert, limits):
                    return None  # maybe over max_payload_bytes as JSON: the general path measures
                return self._done(cert)
        if native or not native_form or not within(payload, limits):
            return None
        # Another dialect in a form the reader doesn't take as it is (a customer's companyId, a
        # reference object with more keys, ...): its native form, once nothing in it is near a
        # limit (as the general path would find), reads to the same model (dialects.native_form).
        try:
            done = self._done(strict.python(to_native(payload)))
        except ValidationError:
            return None
        done.findings.extend(unknown_key_findings(payload))  # native_form left them out
        return done

    def _wide_read_of(self, payload: dict[Any, Any], limits: Limits, native: bool) -> Read | None:
        """A payload with a list longer than the caps, which the limit walk found within the
        limits, read by the wide reader (its native form, for another dialect): so the cost
        grows with the customers, without a step at the caps."""
        reader = self._wide()
        if reader is None:
            return None
        try:
            cert = reader(payload if native else to_native(payload))
        except ValidationError:
            return None
        if not fast_read_within(payload, cert, limits):
            return None  # over max_payload_bytes as JSON, perhaps: the general path measures
        done = self._done(cert)
        if not native:
            done.findings.extend(unknown_key_findings(payload))  # native_form left them out
        return done

    def _wide(self) -> Callable[..., ExemptionCertificate] | None:
        """The wide reader, built when first needed."""
        if self._wide_read is None:
            self._wide_read = wide_reader()
        return self._wide_read

    def _done(self, cert: ExemptionCertificate) -> Read:
        return Read(cert, [], cert.id, _NONE)


#: A list longer than this (customers, regions, PO numbers) is more than the capped readers
#: take, so the wide reader reads the payload; more ``pages`` than their cap of 8, which
#: only images of a certificate have, still take the general path.
_LONG_LIST = min(NATIVE_CAPS.items, NATIVE_CAPS.customers)


def _has_long_list(payload: dict[Any, Any]) -> bool:
    for value in payload.values():  # noqa: SIM110 - a loop, not any(): it runs for every payload
        if type(value) is list and len(value) > _LONG_LIST:
            return True
    return False


def _surely_refused(payload: dict[Any, Any]) -> bool:
    """True when the strict reader would refuse a mapping as it is given for a key it doesn't
    read, such as a customer's ``companyId``, ``phoneNumber`` or ``emailAddress`` in
    Avalara's own examples: then :meth:`Reader.strict` goes to its native form at once
    instead of failing a read first (``tests/test_parse_fast.py`` holds it to the reader)."""
    if not payload.keys() <= READ_KEYS:
        return True
    customers = payload.get("customers")
    if type(customers) is list:
        for customer in customers:
            if type(customer) is dict and not customer.keys() <= READ_CUSTOMER_KEYS:
                return True
    return False


def _known(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; expected one of {', '.join(KINDS)}")
    return kind


def _detected(payload: Any) -> str | None:
    """The kind of a payload that is no JSON text, and not surely a certificate."""
    if isinstance(payload, (Customer, Link)):
        return "link" if isinstance(payload, Link) else "customer"
    if is_mapping(payload):
        return detect_kind(payload)
    return "certificate"  # a model, or no mapping at all: the certificate path says what


def _surely_certificate(done: Read) -> bool:
    """A payload the strict reader read is a certificate when it set a field only a
    certificate has (the usual case: no need to look at its keys)."""
    cert = done.certificate
    return cert is not None and not cert.model_fields_set.isdisjoint(CERTIFICATE_ONLY_FIELDS)


_PLAIN_READER = Reader()


def read(payload: Any, limits: Limits = DEFAULT_LIMITS, kind: str | None = None) -> Read:
    """Read one payload: the model and what could not be read."""
    return _PLAIN_READER.read(payload, limits, kind)
