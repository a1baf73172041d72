"""Will this sale be exempted? :func:`explain` a transaction, and the coverage of customers.

AvaTax applies a certificate to a transaction when (docs/sources.md#exemption-decision):

* the transaction's ``customerCode`` is a customer code of the certificate, exactly (case
  and spaces count);
* the region where tax is calculated is one of the certificate's regions: the ship-to
  (``addresses.shipTo``, or ``addresses.singleLocation``), or a line's own address when the
  line has one;
* the document date lies between the certificate's effective and expiration dates;
* a single-use certificate applies only to its own PO (or invoice) number;
* the certificate is in AvaTax: it would sync (its own report has no error, the customer
  findings its links carry included) and is not marked invalid. A certificate created after
  the document date was not there when the sale was calculated.

An ``exemptionNo`` on the transaction exempts it whatever is on file, and an entity use code
exempts it where its reason is exempt (the matrix): exempt, with no certificate behind it
(6703). ``TAXABLE`` as the entity use code forces tax.

The certificates are read once into a :class:`CertificateIndex` (by customer code, then
region), through the same join as :func:`certpreflight.validate_batch`: customers,
certificates and links in any dialect and order. It holds a few fields a certificate, never
the records, so a stream of transactions is decided against it in bounded memory.

>>> records = [{"id": "7", "exempt_reason": "G", "regions": ["WA"], "tax_id": "601234567",
...             "effective_date": "2026-01-01", "customers": [{"customer_number": "C-1001"}]}]
>>> sale = {"customerCode": "C-1001", "date": "2026-03-05",
...         "addresses": {"shipTo": {"region": "WA", "country": "US"}}}
>>> decision = explain(sale, records)
>>> decision.status, decision.certificate_id
('exempt', '7')
>>> decision = explain({**sale, "customerCode": "c-1001"}, records)
>>> decision.status, [f.code for f in decision.findings]
('taxable', [6702])
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic_core import from_json

from certpreflight.batch import JoinTable, Refs, fill, fold_code
from certpreflight.dialects import parse_date
from certpreflight.engine import Payload, Selector, active_rules, checked
from certpreflight.findings import Finding, Severity
from certpreflight.literals import Profile
from certpreflight.models import CustomerRecord, ExemptionCertificate
from certpreflight.options import Options, RuleOptions
from certpreflight.reference.matrix import ExemptionMatrix
from certpreflight.reference.postal import postal_regions, zip_regions
from certpreflight.reference.reasons import normalize_reason
from certpreflight.reference.regions import all_regions, lookup_region
from certpreflight.rules import Hit, Rule
from certpreflight.rules import sale as rules

__all__ = [
    "COVERAGE_STATUSES",
    "STATUSES",
    "CertificateIndex",
    "Coverage",
    "Decision",
    "Held",
    "PartDecision",
    "Sale",
    "coverage",
    "explain",
    "read_sale",
]

#: What :func:`explain` decides.
STATUSES = ("exempt", "partial", "taxable")
#: What :func:`coverage` says of a customer in a region.
COVERAGE_STATUSES = ("covered", "expiring", "expired", "missing", "invalid")
#: Days ahead an expiry makes a region ``expiring``.
EXPIRING_WITHIN_DAYS = 30


# --- the certificates on file ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Held:
    """What a decision needs of one certificate (the index holds these, not the records)."""

    id: str
    source: str
    reason: str | None
    regions: tuple[str, ...]
    effective: dt.date | None
    expiration: dt.date | None
    created: dt.date | None
    single_use: bool
    po_numbers: tuple[str, ...]
    percentage: float | None
    valid: bool | None
    #: The first error of the certificate's own report (the customers' it carries
    #: included): CertCapture would not sync it, so AvaTax doesn't have it. None if none.
    blocking: Finding | None

    def dated(self, day: dt.date) -> bool:
        """True when ``day`` lies within the certificate's dates."""
        return (self.effective is None or self.effective <= day) and (
            self.expiration is None or day <= self.expiration
        )

    @property
    def usable(self) -> bool:
        """True when the certificate is in AvaTax: it would sync and isn't marked invalid."""
        return self.blocking is None and self.valid is not False


def _rank(held: Held, day: dt.date | None = None) -> tuple[int, float, int, str]:
    """Which of several applicable certificates applies: one on file before the sale of
    ``day`` first (a sale calculated before a certificate was added wasn't exempted by
    it), then a full exemption, then the latest effective date (then the id, so the choice
    never depends on input order)."""
    late = int(day is not None and held.created is not None and day < held.created)
    percentage = 100.0 if held.percentage is None else held.percentage
    return (late, -percentage, -(held.effective or dt.date.min).toordinal(), held.id)


def _best(found: Sequence[Held], day: dt.date | None = None) -> Held:
    return found[0] if len(found) == 1 else min(found, key=lambda h: _rank(h, day))


@dataclass
class CertificateIndex:
    """The certificates of a sync by customer code and region, as AvaTax matches them.

    Build it once with :meth:`of` (the keywords of :func:`certpreflight.validate_batch`) and
    decide any number of transactions against it with :func:`explain`.
    """

    #: customer code -> region (ISO code) -> the certificates linking that code there
    by_code: dict[str, dict[str, list[Held]]] = field(default_factory=dict)
    #: folded customer code -> the first exact code with certificates
    folded: dict[str, str] = field(default_factory=dict)
    #: customer code -> the regions its customer records give (address, ship-to zones)
    ships: dict[str, set[str]] = field(default_factory=dict)
    #: how many records were read, and the findings of those that could not be read at all
    records: int = 0
    unreadable: list[tuple[str, Finding]] = field(default_factory=list)
    today: dt.date | None = None
    matrix: ExemptionMatrix | None = None

    @classmethod
    def of(
        cls,
        records: Iterable[Payload],
        *,
        today: dt.date | None = None,
        matrix: ExemptionMatrix | None = None,
        select: Selector = None,
        ignore: Selector = None,
        profile: Profile = "certcapture",
        options: RuleOptions | Mapping[str, Any] | None = None,
    ) -> CertificateIndex:
        """The index of ``records`` (customers, certificates and links, any dialect and
        order, joined by customer code as :func:`certpreflight.validate_batch` joins them).
        ``select`` / ``ignore`` choose the rules whose errors keep a certificate from
        syncing."""
        run = Options.of(
            today=today,
            matrix=matrix,
            select=select,
            ignore=ignore,
            profile=profile,
            options=options,
        )
        labelled = ((f"record {i + 1}", payload) for i, payload in enumerate(records))
        return cls.labelled(labelled, run)

    @classmethod
    def labelled(
        cls, records: Iterable[tuple[str, Payload | Finding]], run: Options
    ) -> CertificateIndex:
        """The index of ``(source, payload)`` pairs (a payload that is a Finding stands for
        a record that could not be read: it is kept in :attr:`unreadable`)."""
        index = cls(today=run.today, matrix=run.matrix)
        chosen = active_rules(select=run.select, ignore=run.ignore, profile=run.profile)
        # only an error keeps a certificate from syncing: the warnings aren't looked for
        blocking = [r.code for r in chosen if r.severity is Severity.ERROR]
        keywords = run.keywords()
        if blocking:  # (none chosen: the selection stays, and it finds no error)
            keywords["select"] = blocking
        table = JoinTable(frozenset(blocking or (r.code for r in chosen)))
        sources: list[str] = []

        def payloads() -> Iterator[Payload]:
            for source, payload in records:
                index.records += 1
                if isinstance(payload, Finding):
                    index.unreadable.append((source, payload))
                    continue
                sources.append(source)
                yield payload

        pending: list[tuple[Held, tuple[str, ...], str | None, Refs]] = []
        for (report, read), source in zip(
            checked(payloads(), **keywords), sources, strict=False
        ):  # sources grows as checked() reads: strict can't hold
            certificate_id, refs = fill(table, source, report, read)
            if isinstance(read.record, CustomerRecord):
                index._ships(read.record)
                continue
            cert = read.certificate
            if read.kind != "certificate" or cert is None:
                if read.kind is None:
                    index.unreadable.extend((source, f) for f in report.findings)
                continue
            held = _held(cert, source, report.errors[0] if report.errors else None)
            codes = tuple(c.customer_number for c in cert.customers if c.customer_number)
            for customer in cert.customers:
                if not customer.is_reference:
                    index._ships(customer)
            pending.append((held, codes, certificate_id, refs))
        for first, codes, certificate_id, refs in pending:
            held = first
            if held.blocking is None:  # the errors its customers carry to it (History tab)
                carried = table.joined(None, False, certificate_id, refs)
                errors = [f for f in carried if f.severity is Severity.ERROR]
                if errors:
                    held = dataclasses.replace(held, blocking=errors[0])
            linked = table.linked.get(certificate_id, ()) if certificate_id is not None else ()
            more = (linked,) if isinstance(linked, str) else tuple(c for c in linked if c)
            for code in dict.fromkeys((*codes, *more)):
                index._add(code, held)
        return index

    def _ships(self, customer: Any) -> None:
        code = customer.customer_number
        if not code:
            return
        zones = [customer.region, *getattr(customer, "exposure_zones", ())]
        for zone in zones:
            region = lookup_region(zone, customer.country) if zone else None
            if region is not None:
                self.ships.setdefault(code, set()).add(region.code)

    def _add(self, code: str, held: Held) -> None:
        regions = self.by_code.setdefault(code, {})
        for region in held.regions:
            regions.setdefault(region, []).append(held)
        self.folded.setdefault(fold_code(code), code)

    def certificates(self, code: str, region: str) -> list[Held]:
        """The certificates of customer ``code`` that list ``region`` (an ISO code)."""
        return self.by_code.get(code, {}).get(region, [])


def _held(cert: ExemptionCertificate, source: str, blocking: Finding | None) -> Held:
    regions = []
    for zone in cert.regions:
        region = lookup_region(zone)
        if region is not None and region.code not in regions:
            regions.append(region.code)
    reason = normalize_reason(cert.exempt_reason) if cert.exempt_reason else None
    return Held(
        id=cert.id if cert.id is not None else source,
        source=source,
        reason=reason,
        regions=tuple(regions),
        effective=cert.effective_date,
        expiration=cert.expiration_date,
        created=cert.created_date,
        single_use=cert.single_use,
        po_numbers=cert.po_numbers,
        percentage=cert.exempt_percentage,
        valid=cert.valid,
        blocking=blocking,
    )


# --- a transaction -------------------------------------------------------------------------------


class Part(NamedTuple):
    """Where one part of a sale is taxed: the whole document, or one line with its own
    address or exemption."""

    line: str | None
    region: str | None  # ISO code, None when the address names none we know
    written: str  # the region as given, for messages
    amount: float | None
    use_code: str | None
    exemption_no: str | None


class Sale(NamedTuple):
    """A transaction as :func:`explain` reads it (``CreateTransactionModel``, or native)."""

    code: str | None
    customer: str
    date: dt.date
    po: str | None
    parts: tuple[Part, ...]

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions where it is taxed (ISO codes), in order."""
        return tuple(dict.fromkeys([p.region for p in self.parts if p.region]))

    @property
    def amount(self) -> float | None:
        """The lines' total amount, when they give one."""
        amounts = [p.amount for p in self.parts if p.amount is not None]
        return sum(amounts) if amounts else None


#: The fields read from a transaction, its addresses and its lines: every spelling (AvaTax's
#: camelCase, native snake_case, and any case, as AvaTax reads JSON keys) -> one name, the
#: first spelling (AvaTax's).
_SPELLINGS = {
    "customerCode": ("customer_code",),
    "date": ("documentDate", "document_date"),
    "addresses": (),
    "lines": (),
    "entityUseCode": ("customerUsageType", "entity_use_code"),
    "exemptionNo": ("exemption_no", "exemptionCode"),
    "purchaseOrderNo": ("po_number",),
    "code": ("documentCode",),
    "amount": ("totalAmount",),
    "number": (),
    "region": ("state",),
    "country": (),
    "postalCode": ("postal_code", "zip"),
    "singleLocation": ("single_location",),
    "shipTo": ("ship_to",),
}
_NAMES = {
    spelling: name
    for name, others in _SPELLINGS.items()
    for written in (name, *others)
    for spelling in (written, written.lower())
}
#: The other keys of CreateTransactionModel, its lines and addresses: documented, not read.
_OTHER_KEYS = (
    "type",
    "companyCode",
    "commit",
    "discount",
    "parameters",
    "userDefinedFields",
    "referenceCode",
    "reportingLocationCode",
    "batchCode",
    "salespersonCode",
    "taxOverride",
    "currencyCode",
    "serviceMode",
    "exchangeRate",
    "exchangeRateEffectiveDate",
    "exchangeRateCurrencyCode",
    "posLaneCode",
    "businessIdentificationNo",
    "isSellerImporterOfRecord",
    "description",
    "email",
    "debugLevel",
    "customerSupplierName",
    "dataSourceId",
    "deliveryTerms",
    "quantity",
    "taxCode",
    "itemCode",
    "discounted",
    "taxIncluded",
    "revenueAccount",
    "ref1",
    "ref2",
    "hsCode",
    "merchantSellerId",
    "category",
    "summary",
    "shipFrom",
    "pointOfOrderOrigin",
    "pointOfOrderAcceptance",
    "goodsPlaceOrServiceRendered",
    "import",
    "billTo",
    "locationCode",
    "line1",
    "line2",
    "line3",
    "city",
    "latitude",
    "longitude",
)
_NAMES |= dict.fromkeys((*_OTHER_KEYS, *(k.lower() for k in _OTHER_KEYS)), "")


#: The keys a mapping can have and still be read as it is: the names, and the other keys
#: exactly as AvaTax spells them (each name then has one key, so nothing is renamed).
_AS_IS = frozenset((*_SPELLINGS, *_OTHER_KEYS))


def _named(data: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """``data`` with the fields a decision reads under their one name (a key in another
    case reads as AvaTax reads it: ``exemptionno`` is ``exemptionNo``; the first spelling
    given that has a value wins). A JSON object in AvaTax's own spelling is that already:
    it is read as it is. An empty value (None, "") is no value, wherever it is read."""
    if type(data) is dict and data.keys() <= _AS_IS:
        return data
    out: dict[str, Any] = {}
    names = _NAMES
    for key, value in data.items():
        name = names.get(key)
        if name is None:
            name = names.get(key.lower()) if isinstance(key, str) else None
        if name and value is not None and value != "" and name not in out:
            out[name] = value
    return out


def _given(value: Any) -> bool:
    return value is not None and value != ""


def _is_map(value: Any) -> bool:
    if type(value) is dict:  # told at once; None and the JSON scalars too
        return True
    return type(value) not in _SCALARS and isinstance(value, Mapping)


_SCALARS = frozenset({type(None), str, int, float, bool, list})


def _text(value: Any) -> str | None:
    if type(value) is str:
        return value if value.strip() else None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _address(addresses: Any) -> Mapping[str, Any] | None:
    """The address tax is calculated at: singleLocation, else shipTo (named addresses)."""
    if not _is_map(addresses):
        return None
    addresses = _named(addresses)
    for name in ("singleLocation", "shipTo"):
        address = addresses.get(name)
        if _is_map(address):
            return _named(address)
    return None


def _fields(payload: Any) -> Mapping[str, Any] | str:
    """The named fields of a transaction (:func:`_named`), or why it has none."""
    data = payload
    if isinstance(payload, (str, bytes, bytearray)):
        try:
            data = from_json(payload, cache_strings="keys")
        except ValueError:
            return "it is not valid JSON"
    if not _is_map(data):
        return "it is not a JSON object"
    return _named(data)


def _region(address: Mapping[str, Any]) -> tuple[str | None, str]:
    """The ISO code of an address's region (from its ZIP when it names none), and the text
    it gives."""
    written = _text(address.get("region"))
    if written is not None:
        found = lookup_region(written, _text(address.get("country")))
        return (found.code if found is not None else None), written
    postal = _text(address.get("postalCode"))
    if postal is not None:
        regions = zip_regions(postal) if postal[:1].isdigit() else postal_regions(postal)
        if regions is not None and len(regions) == 1:
            (code,) = regions
            return code, postal
        return None, postal
    return None, ""


def _amount(value: Any) -> float | None:
    """A line's amount, or None: not a number, or not a finite one (``1e400``, ``"nan"``:
    the JSON report never writes Infinity or NaN)."""
    kind = type(value)
    if kind is float:  # a JSON number, told at once (True is a bool, not an int)
        return value if math.isfinite(value) else None
    if kind is bool or not isinstance(value, (int, float, str)):
        return None
    try:
        amount = float(value)
    except (ValueError, OverflowError):  # an int too big for a float is no amount
        return None
    return amount if math.isfinite(amount) else None


def _parts(
    lines: Any, header: Mapping[str, Any] | None, use_code: str | None, exemption_no: str | None
) -> dict[tuple[str | None, str | None, str | None], list[Any]]:
    """The parts of a sale's lines: lines taxed alike are one part, their amounts summed
    (``(region, use code, exemption) -> [label, region as written, amount]``)."""
    at_header: tuple[str | None, str] | None = None  # the header's region, read once
    parts: dict[tuple[str | None, str | None, str | None], list[Any]] = {}
    for number, item in enumerate(lines if isinstance(lines, list) else (), start=1):
        if not _is_map(item):
            continue
        line = _named(item)
        own = line.get("addresses")
        own = _address(own) if own is not None else None
        if own is not None:
            region, written = _region(own)
        else:
            if at_header is None:
                at_header = _region(header) if header is not None else (None, "")
            region, written = at_header
        use = line.get("entityUseCode")
        use = use_code if use is None else _text(use) or use_code
        exempt = line.get("exemptionNo")
        exempt = exemption_no if exempt is None else _text(exempt) or exemption_no
        amount = _amount(line.get("amount"))
        key = (region, use, exempt)
        before = parts.get(key)
        if before is not None:
            if amount is not None:  # the region as the last line summed writes it
                before[1:] = written, amount if before[2] is None else before[2] + amount
            continue
        label = line.get("number")
        label = str(number) if label is None else _text(label) or str(number)
        parts[key] = [label, written, amount]
    return parts


def read_sale(payload: Any) -> Sale | str:
    """A transaction read into a :class:`Sale`, or what it lacks (never raises).

    ``payload`` is a ``CreateTransactionModel`` (a mapping, or JSON text or bytes):
    ``customerCode``, ``date``, ``addresses.shipTo`` / ``addresses.singleLocation`` (region,
    country; a ZIP alone is read to its state), ``purchaseOrderNo``, ``entityUseCode`` /
    ``customerUsageType``, ``exemptionNo``, and ``lines`` with their own ``addresses``,
    ``entityUseCode`` / ``customerUsageType``, ``exemptionCode`` and ``amount``; keys in any
    case, as AvaTax reads them. The native form spells them ``customer_code``, ``date``,
    ``region`` + ``country`` (or ``ship_to``), ``po_number``, ``entity_use_code``,
    ``exemption_no``, ``lines``.
    """
    fields = _fields(payload)
    if isinstance(fields, str):
        return fields
    customer = _text(fields.get("customerCode"))
    if customer is None:
        return "it has no customer code (customerCode)"
    try:
        date = parse_date(fields.get("date"))
    except ValueError:
        date = None
    if not isinstance(date, dt.date):
        return "it has no document date (date)"
    header = _address(fields.get("addresses"))
    if header is None and (_given(fields.get("region")) or _given(fields.get("postalCode"))):
        header = fields  # the native form: the ship-to's region and country on the sale
    use_code = _text(fields.get("entityUseCode"))
    exemption_no = _text(fields.get("exemptionNo"))
    parts = _parts(fields.get("lines"), header, use_code, exemption_no)
    if not parts:
        region, written = _region(header) if header is not None else (None, "")
        parts[region, use_code, exemption_no] = [None, written, _amount(fields.get("amount"))]
    if not any(key[0] for key in parts):  # a part's key starts with its region
        return "it names no region to tax at (addresses.shipTo or singleLocation)"
    return Sale(
        _text(fields.get("code")),
        customer,
        date,
        _text(fields.get("purchaseOrderNo")),
        tuple(
            Part(label, region, written, amount, use, exempt)
            for (region, use, exempt), (label, written, amount) in parts.items()
        ),
    )


# --- the decision --------------------------------------------------------------------------------


class PartDecision(NamedTuple):
    """What became of one part of a sale (for totals: which causes concern which amount)."""

    status: str
    #: The part's amount, and what of it is taxed (all of it, none, or the share a partial
    #: exemption leaves); None when its lines give no amount.
    amount: float | None
    taxed: float | None
    #: The codes of the findings made for this part.
    codes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """What AvaTax would do with a sale, and why."""

    #: ``exempt``, ``partial`` (an exempt percentage under 100, or some lines taxed) or
    #: ``taxable``.
    status: str
    #: The certificate that applies, or None.
    certificate_id: str | None
    #: Every reason it is taxed or at risk, and what applies when several could.
    findings: tuple[Finding, ...]
    customer_code: str | None = None
    regions: tuple[str, ...] = ()
    date: dt.date | None = None
    #: The sale's amount when its lines give one (for totals).
    amount: float | None = None
    #: Each part's status, amount and causes, in the sale's order (for totals).
    parts: tuple[PartDecision, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: status, certificate_id, customer, regions, date, amount, findings."""
        return {
            "status": self.status,
            "certificate_id": self.certificate_id,
            "customer": self.customer_code,
            "regions": [r.split("-", 1)[-1] for r in self.regions],
            "date": self.date.isoformat() if self.date is not None else None,
            "amount": self.amount,
            "findings": [f.to_dict() for f in self.findings],
        }


def _by_code(finding: Finding) -> int:
    return finding.code


def _finding(rule: Rule, sale: Sale | None, loc: tuple[str | int, ...], **params: Any) -> Finding:
    customer = sale.customer if sale is not None else None
    values = {"customer_number": customer, **params}
    return rule.finding(Hit(loc=loc, params=values, customer_number=customer))


def _short(region: str) -> str:
    return region.split("-", 1)[-1]


def _part_loc(part: Part) -> tuple[str | int, ...]:
    return ("lines", part.line) if part.line is not None else ("addresses",)


def _problems(held: Held, sale: Sale, part: Part) -> list[Finding]:
    """Why ``held`` doesn't apply to this part of the sale (nothing: it applies)."""
    found = []
    if held.blocking is not None:
        block = held.blocking
        found.append(
            _finding(
                rules.sale_certificate_not_synced,
                sale,
                _part_loc(part),
                certificate=held.id,
                blocking=block.code,
                blocking_name=block.name,
                blocking_message=block.message,
            )
        )
    elif held.valid is False:
        found.append(
            _finding(rules.sale_certificate_invalid, sale, _part_loc(part), certificate=held.id)
        )
    if held.effective is not None and sale.date < held.effective:
        found.append(
            _finding(
                rules.sale_before_effective_date,
                sale,
                ("date",),
                certificate=held.id,
                date=sale.date.isoformat(),
                effective_date=held.effective.isoformat(),
                days=(held.effective - sale.date).days,
            )
        )
    if held.expiration is not None and sale.date > held.expiration:
        found.append(
            _finding(
                rules.sale_after_expiration,
                sale,
                ("date",),
                certificate=held.id,
                date=sale.date.isoformat(),
                expiration_date=held.expiration.isoformat(),
                days=(sale.date - held.expiration).days,
                region=_short(part.region or ""),
            )
        )
    if held.single_use and (sale.po is None or sale.po not in held.po_numbers):
        found.append(
            _finding(
                rules.sale_po_not_on_certificate,
                sale,
                ("purchaseOrderNo",),
                certificate=held.id,
                po_numbers=", ".join(held.po_numbers) or "(none)",
                po=sale.po or "no PO number",
            )
        )
    if held.created is not None and sale.date < held.created and not found:
        found.append(
            _finding(
                rules.sale_before_certificate_created,
                sale,
                ("date",),
                certificate=held.id,
                created=held.created.isoformat(),
                date=sale.date.isoformat(),
            )
        )
    return found


def _decide(
    sale: Sale, part: Part, index: CertificateIndex, matrix: ExemptionMatrix
) -> tuple[str, Held | None, list[Finding]]:
    """One part's status, the certificate that applies and the findings."""
    if part.region is None:
        problem = f"no region is known for its address ({part.written or 'none given'})"
        return "taxable", None, [_finding(rules.transaction_unreadable, sale, _part_loc(part),
                                          problem=problem)]  # fmt: skip
    if part.use_code is not None and normalize_reason(part.use_code) == "TAXABLE":
        return "taxable", None, [_use_code_taxed(sale, part)]
    region = part.region
    regions = index.by_code.get(sale.customer)
    found: list[Finding] = []
    applicable: list[Held] = []
    candidates = regions.get(region, []) if regions is not None else []
    late: dict[str, list[Finding]] = {}
    for held in candidates:
        problems = _problems(held, sale, part)
        if problems and problems[-1].code == rules.sale_before_certificate_created.code:
            late[held.id] = problems  # it applies now, but a sale calculated before it didn't
            applicable.append(held)
        elif problems:
            found += problems
        else:
            applicable.append(held)
    if not candidates and part.region in _taxing():  # untaxed regions: nothing to exempt
        found.append(_no_certificate(sale, part, regions, index))
    if applicable:
        best = _best(applicable, sale.date)
        found += late.get(best.id, ())  # only the one that applies puts the sale at risk
        if len(applicable) > 1:
            found.append(_several(sale, part, best, applicable))
        percentage = best.percentage
        if percentage is not None and percentage < 100:
            found.append(
                _finding(
                    rules.sale_partially_exempt,
                    sale,
                    _part_loc(part),
                    certificate=best.id,
                    percentage=f"{percentage:g}",
                    taxed=f"{100 - percentage:g}",
                )
            )
            return "partial", best, found
        return "exempt", best, found
    return _without_certificate(sale, part, matrix, found)


def _use_code_taxed(sale: Sale, part: Part) -> Finding:
    return _finding(
        rules.sale_use_code_not_exempt,
        sale,
        ("entityUseCode",),
        reason=part.use_code,
        region=_short(part.region or ""),
    )


def _without_certificate(
    sale: Sale, part: Part, matrix: ExemptionMatrix, found: list[Finding]
) -> tuple[str, Held | None, list[Finding]]:
    """No certificate applies: an exemptionNo or an entity use code may still exempt it."""
    region = part.region or ""
    field_value = (
        ("exemptionNo", part.exemption_no)
        if part.exemption_no is not None
        else ("entityUseCode", part.use_code)
    )
    if field_value[1] is None:
        return "taxable", None, found
    if field_value[0] == "entityUseCode":
        reason = normalize_reason(field_value[1])
        if reason is not None and matrix.status(reason, region) == "not_exempt":
            return "taxable", None, [*found, _use_code_taxed(sale, part)]
    risk = _finding(
        rules.sale_exempt_without_certificate,
        sale,
        (field_value[0],),
        field=field_value[0],
        value=field_value[1],
        region=_short(region),
    )
    kept = [f for f in found if f.code == rules.sale_customer_code_variant.code]
    return "exempt", None, [*kept, risk]


def _no_certificate(
    sale: Sale, part: Part, regions: dict[str, list[Held]] | None, index: CertificateIndex
) -> Finding:
    region = _short(part.region or "")
    if regions:
        on_file = ", ".join(sorted(_short(r) for r in regions))
        return _finding(
            rules.sale_region_not_covered,
            sale,
            _part_loc(part),
            region=region,
            regions=on_file,
        )
    other = index.folded.get(fold_code(sale.customer))
    if other is not None and other != sale.customer:
        return _finding(rules.sale_customer_code_variant, sale, ("customerCode",), other=other)
    return _finding(rules.sale_no_certificate, sale, ("customerCode",))


def _several(sale: Sale, part: Part, best: Held, applicable: list[Held]) -> Finding:
    others = [h.id for h in applicable if h is not best]
    ranks = [_rank(h, sale.date) for h in applicable]
    rank = _rank(best, sale.date)
    if any(r[0] != rank[0] for r in ranks):
        why = " (it was on file before the sale; the others were added after it)"
    elif any(r[1] != rank[1] for r in ranks):
        why = f" (it exempts {-rank[1]:g}%, more than the others)"
    elif any(r[2] != rank[2] for r in ranks):
        why = f" (it took effect last, on {best.effective})"
    else:  # AvaTax's own choice between equal certificates isn't documented
        why = " (the others are alike: the first by id)"
    return _finding(
        rules.sale_certificates_several,
        sale,
        _part_loc(part),
        certificate=best.id,
        others=", ".join(others),
        why=why,
        count=len(applicable),
        region=_short(part.region or ""),
        date=sale.date.isoformat(),
    )


def decide(
    payload: Any, index: CertificateIndex, matrix: ExemptionMatrix | None = None
) -> Decision:
    """:func:`explain` against an index built already (what ``coverage --transactions``
    calls for each transaction)."""
    sale = read_sale(payload)
    if isinstance(sale, str):
        unread = _finding(rules.transaction_unreadable, None, (), problem=sale)
        return Decision("taxable", None, (unread,))
    matrix = matrix or index.matrix or ExemptionMatrix.default()
    statuses: set[str] = set()
    certificate: str | None = None
    findings: list[Finding] = []
    parts: list[PartDecision] = []
    for part in sale.parts:
        status, held, found = _decide(sale, part, index, matrix)
        statuses.add(status)
        parts.append(_part_decision(part, status, found, held))
        certificate = certificate or (held.id if held is not None else None)
        if found:
            findings += (f for f in found if f not in findings)
    # all exempt: exempt; all taxable: taxable; else some of it is taxed: partial
    status = statuses.pop() if len(statuses) == 1 else "partial"
    if len(findings) > 1:
        findings.sort(key=_by_code)
    return Decision(
        status,
        certificate,
        tuple(findings),
        sale.customer,
        sale.regions,
        sale.date,
        sale.amount,
        tuple(parts),
    )


def _part_decision(
    part: Part, status: str, found: list[Finding], held: Held | None
) -> PartDecision:
    """One part's outcome: what of its amount is taxed (the share ``held``, the certificate
    that applies, leaves), and the causes concerning it."""
    taxed = part.amount
    if taxed is not None and status == "exempt":
        taxed = 0.0
    elif taxed is not None and status == "partial" and held is not None:
        share = held.percentage
        taxed = taxed * (100 - share) / 100 if share is not None else taxed
    return PartDecision(status, part.amount, taxed, tuple(dict.fromkeys(f.code for f in found)))


def explain(
    transaction: Any,
    records: CertificateIndex | Iterable[Payload],
    *,
    today: dt.date | None = None,
    matrix: ExemptionMatrix | None = None,
    select: Selector = None,
    ignore: Selector = None,
    profile: Profile = "certcapture",
    options: RuleOptions | Mapping[str, Any] | None = None,
) -> Decision:
    """Will AvaTax exempt this sale? The decision, the certificate that applies, and why.

    ``transaction`` is AvaTax's ``CreateTransactionModel`` as integrations send it (a
    mapping or JSON text; :func:`read_sale` lists the fields read), or the native form.
    ``records`` are what :func:`certpreflight.validate_batch` takes (customers,
    certificates and links, any dialect), or a :class:`CertificateIndex` built once for
    many transactions. The other keywords are :func:`certpreflight.validate`'s: they
    decide which errors keep a certificate from syncing. Never raises for bad data: a
    transaction that can't be read is ``taxable`` with finding 4701.
    """
    index = (
        records
        if isinstance(records, CertificateIndex)
        else CertificateIndex.of(
            records,
            today=today,
            matrix=matrix,
            select=select,
            ignore=ignore,
            profile=profile,
            options=options,
        )
    )
    return decide(transaction, index, matrix)


# --- coverage -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Coverage:
    """One customer in one region: is it covered on the day, and by which certificate."""

    customer: str
    region: str  # ISO code
    status: str
    certificate_id: str | None
    #: The expiration (covered, expiring, expired) when known.
    until: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: customer, region (short code), status, certificate_id, until."""
        return {
            "customer": self.customer,
            "region": _short(self.region),
            "status": self.status,
            "certificate_id": self.certificate_id,
            "until": self.until.isoformat() if self.until is not None else None,
        }


def covered(
    index: CertificateIndex, code: str, region: str, today: dt.date, within: int
) -> Coverage:
    """The coverage of customer ``code`` in ``region`` on ``today``."""
    held = [h for h in index.certificates(code, region) if not h.single_use]
    if not held:
        return Coverage(code, region, "missing", None)
    current = [h for h in held if h.usable and h.dated(today)]
    if current:
        best = _best(current)
        soon = best.expiration is not None and (best.expiration - today).days <= within
        return Coverage(code, region, "expiring" if soon else "covered", best.id, best.expiration)
    blocked = [h for h in held if not h.usable and h.dated(today)]
    if blocked:
        return Coverage(code, region, "invalid", blocked[0].id, blocked[0].expiration)
    expired = [h for h in held if h.expiration is not None and h.expiration < today]
    if expired:
        last = max(expired, key=lambda h: h.expiration or dt.date.min)
        return Coverage(code, region, "expired", last.id, last.expiration)
    unusable = [h for h in held if not h.usable]
    if unusable:
        return Coverage(code, region, "invalid", unusable[0].id, unusable[0].expiration)
    return Coverage(code, region, "missing", held[0].id)  # effective only later


@functools.cache
def _taxing() -> frozenset[str]:
    """The regions with a sales tax (not AK, DE, MT, NH, OR at state level)."""
    return frozenset(r.code for r in all_regions() if r.sales_tax)


def coverage(
    index: CertificateIndex,
    *,
    shipped: Mapping[str, Iterable[str]] | None = None,
    claimed: Iterable[str] = (),
    nexus: Iterable[str] | None = None,
    today: dt.date | None = None,
    within: int = EXPIRING_WITHIN_DAYS,
) -> list[Coverage]:
    """Every (customer, region) pair to cover, with its status, sorted by customer, region.

    The customers are the exempt ones: those with a certificate, and ``claimed`` (codes whose
    sales claim an exemption: an ``exemptionNo`` or an entity use code). Their regions are
    those their customer records give (address, ship-to zones), those their certificates
    list, and ``shipped`` (customer code -> regions, the ship-tos of their transactions),
    kept when they are in ``nexus`` (region codes or names), or in any region with a sales
    tax when ``nexus`` is None.
    """
    day = today or index.today or dt.date.today()
    if nexus is None:
        keep = _taxing()
    else:
        keep = frozenset(r.code for r in (lookup_region(n) for n in nexus) if r is not None)
    wanted: dict[str, set[str]] = {
        code: set(by_region) for code, by_region in index.by_code.items()
    }
    for code in claimed:
        wanted.setdefault(code, set())
    for source in (index.ships, shipped or {}):
        for code, zones in source.items():
            if code in wanted:
                wanted[code].update(zones)
    return [
        covered(index, code, region, day, within)
        for code in sorted(wanted)
        for region in sorted(wanted[code] & keep)
    ]
