"""Formatting rules (4xxx): input that can't be interpreted at all.

These findings are made while a file or a payload is read, before any other rule can
run, so their ``check`` is None: each names the modules that make it (``found_by``,
shown by ``certpreflight rule CODE``), which ask it for its Finding (``rule.finding``).
They are declared here so that they are documented, selectable and ignorable like every
other rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from certpreflight.findings import Finding, Severity
from certpreflight.rules._base import Hit, declare

#: Default limits for hostile input (4004-4008); ``validate(options={...})`` changes them.
#: The longest certificate text field AvaTax / ECMS accepts is 255 characters
#: (docs/sources.md#ecms-record, #import-templates), the deepest field is 4 levels down
#: (``customers[0].state.initials``): these limits sit far above any real certificate.
MAX_PAYLOAD_BYTES = 1_048_576
MAX_DEPTH = 32
MAX_VALUE_CHARS = 10_000
MAX_NUMBER_DIGITS = 255
#: Items in one list (customers, regions, PO numbers, pages): a certificate past this was
#: built by a runaway export, and its customers alone would give thousands of findings.
MAX_ITEMS = 1_000
#: At most this many findings of one rule per certificate; the rest are counted in one
#: 4013 findings-capped finding.
MAX_FINDINGS_PER_RULE = 20

__all__ = [
    "capped",
    "csv_row_runs_on",
    "findings_capped",
    "invalid_json",
    "nesting_too_deep",
    "not_an_object",
    "number_not_finite",
    "number_too_large",
    "payload_too_large",
    "record_kind_unknown",
    "record_too_large",
    "text_not_utf8",
    "too_many_items",
    "uninterpretable_value",
    "value_too_long",
]

invalid_json = declare(
    None,
    found_by=("certpreflight.reading.limits", "certpreflight.io.jsonfile"),
    doc="""
    What it does: reports a payload that is not valid JSON.

    Why is this bad? Nothing in it can be checked or sent.

    Example: ``{"id": "1", "regions": ["WA"``

    Use instead: a complete JSON object.
    """,
    code=4001,
    name="invalid-json",
    severity=Severity.ERROR,
    message="The certificate isn't valid JSON: {detail}.",
    summary="The payload could not be parsed as JSON, so nothing else was checked.",
    fix="Fix the JSON syntax ({detail}) and check the certificate again.",
)

not_an_object = declare(
    None,
    found_by=("certpreflight.reading.lenient",),
    doc="""
    What it does: reports a payload that is valid JSON but not an object.

    Why is this bad? A certificate is a JSON object of fields; a list, string
    or number can't be one.

    Example: ``["WA", "G"]``

    Use instead: ``{"regions": ["WA"], "exempt_reason": "G"}``
    """,
    code=4002,
    name="not-an-object",
    severity=Severity.ERROR,
    message="The certificate must be a JSON object, not {kind}.",
    summary="The payload is {kind}, so none of its fields could be read.",
    fix="Send the certificate as one JSON object with its fields.",
)

uninterpretable_value = declare(
    None,
    found_by=("certpreflight.reading.lenient", "certpreflight.io.csvfile"),
    doc="""
    What it does: reports a field whose value has the wrong shape: a date that
    is not a date, a list where text belongs, text where a number belongs.

    Why is this bad? The value can't be sent as it is. The rest of the
    certificate is still checked, with that field left out.

    Example: ``{"effective_date": "banana", "customers": [{"name": ["Acme"]}]}``

    Use instead: ``{"effective_date": "2026-01-15", "customers": [{"name": "Acme"}]}``
    """,
    code=4003,
    name="uninterpretable-value",
    severity=Severity.ERROR,
    message="{field} couldn't be interpreted: {detail}.",
    summary="The value of {field} has the wrong type or format.",
    fix="Give {field} {expected}.",
)

payload_too_large = declare(
    None,
    found_by=("certpreflight.reading.limits",),
    doc="""
    What it does: reports a payload larger than ``max_payload_bytes`` (default
    1,048,576 bytes, 1 MiB): JSON text by its UTF-8 size, a mapping by the text
    it holds (a lower bound of its JSON size).

    Why is this bad? No certificate is that large unless it embeds a big file or
    was built by mistake (or by an attacker); reading it all would cost memory
    and time for nothing. Nothing else is checked.

    Example: a 5 MB JSON document, or a base64 ``pdf`` of a 300-page scan.

    Use instead: a certificate of its own fields, with a file of a sensible size;
    or raise ``validate(..., options={"max_payload_bytes": 10_000_000})`` when
    large embedded files are expected.
    """,
    code=4004,
    name="payload-too-large",
    severity=Severity.ERROR,
    message="The certificate is {size} bytes, over the limit of {limit} bytes.",
    summary="The payload is too large to be a certificate, so nothing in it was checked.",
    fix="Send one certificate of at most {limit} bytes (or raise the max_payload_bytes option "
    "if large embedded files are expected).",
)

nesting_too_deep = declare(
    None,
    found_by=("certpreflight.reading.limits",),
    doc="""
    What it does: reports objects and lists nested more than ``max_depth``
    levels deep (default 32; the certificate object is level 1). JSON text
    nested deeper than 200 levels is refused by the JSON parser itself and
    reported here too, for the whole payload. The check is iterative, so a
    mapping passed in directly (even one that contains itself) can't exhaust
    the stack.

    Why is this bad? The deepest certificate field is 4 levels down
    (``customers[0].state.initials``). Deeper nesting is a mistake or an attack
    on parsers; the too-deep value is left out and the rest is checked.

    Example: ``{"regions": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["WA"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}``

    Use instead: ``{"regions": ["WA"]}``
    """,
    code=4005,
    name="nesting-too-deep",
    severity=Severity.ERROR,
    message="Objects and lists in {field} nest more than {limit} levels deep.",
    summary="No certificate field nests that deep, so the too-deep value was left out.",
    fix="Flatten {field}: certificate fields are text, lists of text or small objects.",
)

value_too_long = declare(
    None,
    found_by=("certpreflight.reading.limits",),
    doc="""
    What it does: reports text longer than ``max_value_chars`` (default 10,000
    characters) anywhere in the payload except the embedded files ``pdf`` and
    ``pages`` (which only count towards ``max_payload_bytes``). At most 20 such
    findings per certificate; every such value is left out.

    Why is this bad? AvaTax's longest certificate text fields take 255
    characters (the business limits, 50 for an address line, are Input rules).
    Text this long is a mistake or an attack; carrying it through every rule and
    into every report would cost time and memory, so it is left out and the rest
    of the certificate is checked without it.

    Example: ``{"customers": [{"name": "AAAA... (50,000 characters)"}]}``

    Use instead: ``{"customers": [{"name": "Acme Supply Co"}]}``
    """,
    code=4006,
    name="value-too-long",
    severity=Severity.ERROR,
    message="{field} is {length} characters long, over the limit of {limit}.",
    summary="The value of {field} is far longer than any certificate field allows, so it was "
    "left out.",
    fix="Check what was put in {field} (it starts {start}) and give it its real value.",
)

number_not_finite = declare(
    None,
    found_by=("certpreflight.reading.limits",),
    doc="""
    What it does: reports a NaN or infinite number anywhere in the payload:
    the ``NaN``, ``Infinity`` and ``-Infinity`` literals that some JSON writers
    emit, a literal too large for a double (``1e400`` reads as Infinity), or a
    float NaN in a mapping. At most 20 such findings per certificate.

    Why is this bad? They are not JSON numbers: AvaTax refuses the document, and
    in a text field they would turn into the words "nan" or "inf". The value is
    left out and the rest is checked.

    Example: ``{"exempt_percentage": NaN}``

    Use instead: ``{"exempt_percentage": 100}``
    """,
    code=4007,
    name="number-not-finite",
    severity=Severity.ERROR,
    message="{field} is {value}, which isn't a valid JSON number.",
    summary="NaN and Infinity can't be sent to AvaTax, so the value of {field} was left out.",
    fix="Give {field} a finite number, or leave it out.",
)

number_too_large = declare(
    None,
    found_by=("certpreflight.reading.limits",),
    doc="""
    What it does: reports an integer with more than ``max_number_digits``
    digits (default 255) anywhere in the payload. JSON text with an integer of
    more than 4,300 digits is refused by the JSON parser and reread so that it
    is reported here too. At most 20 such findings per certificate.

    Why is this bad? No AvaTax field holds a number that long (the longest text
    fields take 255 characters), and converting huge integers to text is slow
    enough to be an attack (Python caps it at 4,300 digits). The value is left
    out and the rest is checked.

    Example: ``{"id": 1000000000000...(400 digits)}``

    Use instead: ``{"id": "cert-1"}`` (identifiers as text)
    """,
    code=4008,
    name="number-too-large",
    severity=Severity.ERROR,
    message="{field} is a number with {digits} digits, over the limit of {limit}.",
    summary="The value of {field} is a number far longer than any certificate field allows, "
    "so it was left out.",
    fix="Check what was put in {field}; send identifiers and numbers as text of their real length.",
)

record_too_large = declare(
    None,
    found_by=("certpreflight.io._common",),
    doc="""
    What it does: reports an input record (an NDJSON line, a CSV field) longer
    than the reader's limit (``--max-line-bytes``, default 1 MiB). It is emitted
    by the file readers of the CLI, which skip the record in pieces without
    holding it in memory.

    Why is this bad? No real certificate is that large unless a file is
    embedded in it; reading it whole would let one runaway line exhaust memory.
    The record still appears in the results, with its line number.

    Example: an NDJSON line of 10 MB.

    Use instead: one certificate per line, without embedded files, or a higher
    ``--max-line-bytes`` for certificates that really carry a PDF.
    """,
    code=4010,
    name="record-too-large",
    severity=Severity.ERROR,
    message="The certificate record is too large to check ({detail}).",
    summary="The record is larger than any real certificate, so it was skipped unread "
    "to keep memory bounded.",
    fix="Split the record or remove what doesn't belong in it (an embedded file, a "
    "runaway field), or raise --max-line-bytes if it really is one certificate (one "
    "with an embedded PDF, say).",
)

too_many_items = declare(
    None,
    found_by=("certpreflight.reading.limits",),
    doc="""
    What it does: reports a list (``customers``, ``regions``, ``po_numbers``,
    ``pages``) with more items than the limit (``max_items``, default 1,000); only
    the first ones are checked.

    Why is this bad? No certificate is linked to thousands of customers or claims
    thousands of regions: such a record comes from a runaway export, and checking
    every item would turn one record into hundreds of thousands of findings.

    Example: a certificate with 36,000 entries in ``customers``.

    Use instead: link the customers in batches (LinkCustomersToCertificate), or
    raise ``max_items`` (``validate(options={"max_items": ...})``).
    """,
    code=4009,
    name="too-many-items",
    severity=Severity.ERROR,
    message="{field} has {count} items, over the limit of {limit}; only the first {limit} "
    "were checked.",
    summary="The list is longer than any real certificate's, so the items past the limit "
    "were left out.",
    fix="Check where {field} came from; split the links into several calls, or raise "
    "max_items if the certificate really has that many.",
)

text_not_utf8 = declare(
    None,
    found_by=("certpreflight.io._text",),
    doc="""
    What it does: reports a record whose bytes aren't text in the file's encoding
    (UTF-8 unless the file starts with a byte order mark or ``--encoding`` names
    another). It is emitted by the CLI's file readers, which never replace such
    bytes with U+FFFD: a name or a tax id checked with characters silently
    replaced would pass here and fail, or be stored wrong, in AvaTax.

    Why is this bad? AvaTax takes UTF-8. A file exported as Windows-1252 (``é`` as
    the byte 0xE9) reaches it garbled or is refused.

    Example: a CSV saved by Excel as "CSV (Comma delimited)" with ``Café`` in a name.

    Use instead: save the file as UTF-8 (or UTF-16 with a byte order mark), or name
    its encoding: ``certpreflight check --encoding cp1252 FILE``.
    """,
    code=4011,
    name="text-not-utf8",
    severity=Severity.ERROR,
    message="The record holds {detail}, so it was not checked.",
    summary="Part of the record isn't text in the file's encoding ({encoding}); checking it "
    "with the characters replaced could call a garbled value ok.",
    fix="Save the file as UTF-8, or name its encoding (certpreflight check --encoding cp1252) "
    "and check it again.",
)

csv_row_runs_on = declare(
    None,
    found_by=("certpreflight.io.csvfile",),
    doc="""
    What it does: reports a CSV row in which a quoted field runs over line breaks
    and takes in lines that look like rows of their own (they hold the delimiter).
    It is emitted by the CLI's CSV reader.

    Why is this bad? That is what an unclosed quote does: every row up to the next
    quote character becomes part of one field (a customer's name, say), so those
    certificates would silently vanish from the check and the sync.

    Example: ``1,C-1,"Acme`` followed by the rows ``2,C-2,Bob`` and ``3,C-3,Carl``.

    Use instead: close the quote (``1,C-1,"Acme"``).
    """,
    code=4012,
    name="csv-row-runs-on",
    severity=Severity.ERROR,
    message="The CSV row starting on line {line} runs on to line {end}: column {column} "
    "holds line breaks and rows of its own.",
    summary="A quote in column {column} is probably not closed, so lines {line}-{end} were "
    "read as one row and not checked.",
    fix="Close the quote in column {column} on line {line} (or remove the line breaks in that "
    "field) and check the file again.",
)

findings_capped = declare(
    None,
    found_by=("certpreflight.rules.formatting",),
    doc="""
    What it does: counts the findings left out of a certificate's report because
    one rule found more than 20 problems in it (the first 20 of each rule are
    listed).

    Why is this bad? It is not a problem of its own: it says the list is not
    complete, so a report of a runaway record stays readable and small.

    Example: a certificate with 1,000 customers without a name.

    Use instead: fix the listed problems and check again to see the rest.
    """,
    code=4013,
    name="findings-capped",
    severity=Severity.INFO,
    message="{count} more findings of {rules} were left out (at most {limit} per rule are listed).",
    summary="One or more rules found more problems in this certificate than a report lists.",
    fix="Fix the listed problems and check the certificate again to see the rest.",
)


def capped(
    findings: Sequence[Finding],
    *,
    limit: int = MAX_FINDINGS_PER_RULE,
    count: bool = True,
    by_code: bool = True,
) -> list[Finding]:
    """At most ``limit`` findings per rule, in order, and (``count``) one 4013 finding
    counting the ones left out: in its place by code when ``findings`` are sorted by code
    (``by_code``), else last.

    A 4013 finding among ``findings`` (a report capped before more findings were added to
    it: a batch's join, AvaTax's reply) is merged into the one returned: its counts add up.
    """
    per_rule: Counter[int] = Counter()
    kept: list[Finding] = []
    left_out: Counter[int] = Counter()
    for finding in findings:
        if finding.code == findings_capped.code:
            left_out.update(_left_out(finding))
            continue
        per_rule[finding.code] += 1
        if per_rule[finding.code] <= limit:
            kept.append(finding)
        else:
            left_out[finding.code] += 1
    if not left_out or not count:
        return kept
    kept.append(left_out_finding(left_out, limit))
    if by_code:
        kept.sort(key=_code)
    return kept


def left_out_finding(left_out: Mapping[int, int], limit: int = MAX_FINDINGS_PER_RULE) -> Finding:
    """The 4013 finding counting ``left_out`` (rule code -> findings left out)."""
    rules = ", ".join(f"{code} ({n:,})" for code, n in sorted(left_out.items()))
    total = sum(left_out.values())
    hit = Hit(
        loc=(),
        params={"count": f"{total:,}", "rules": rules, "limit": limit},
        errors={(str(code),): f"{n:,} more" for code, n in sorted(left_out.items())},
    )
    return findings_capped.finding(hit)


def _left_out(finding: Finding) -> Counter[int]:
    """What a 4013 finding counts, by rule: its ``errors`` (``{"2101": "5,880 more"}``)."""
    counts: Counter[int] = Counter()
    for key, text in finding.errors.items():
        number = text.split(" ", 1)[0].replace(",", "")
        if key.isdigit() and number.isdigit():
            counts[int(key)] += int(number)
    return counts


def _code(finding: Finding) -> int:
    return finding.code


record_kind_unknown = declare(
    None,
    found_by=("certpreflight.reading.reader",),
    doc="""
    What it does: reports a record that is neither a certificate, nor a customer, nor a
    link of customers to a certificate, so it could not be checked as any of them. The
    kind is read from the keys (README, "Record kinds"): a certificate has a field only a
    certificate has (an exempt reason, an exposure zone, a date, an exemption number
    ...), a customer a field only a customer has (its code, name or address), a link
    only customer codes and perhaps the certificate's id. A sale (AvaTax's
    CreateTransactionModel: its lines, or two of its document type, date, code, company
    code, PO number ...) carries a customer code but is no customer: the message says it
    looks like a transaction, which ``certpreflight coverage --transactions`` reads.

    Why is this bad? Guessing would report the wrong problems: a customer read as a
    certificate has no exempt reason, a certificate read as a customer no address.

    Example: ``{"id": "42"}`` or ``{"notes": "resale"}``

    Use instead: the record with its fields, or ``validate(record, kind="certificate")``
    to say which kind it is.
    """,
    code=4030,
    name="record-kind-unknown",
    severity=Severity.ERROR,
    message="The record isn't a certificate, a customer or a link: {detail}.",
    summary="None of its keys is a field only a certificate, a customer or a link has, "
    "so it could not be checked.",
    fix="Send the certificate's, customer's or link's fields (see the README's record "
    "kinds), or name the kind: validate(record, kind=...) or --kind.",
)


record_kind_ambiguous = declare(
    None,
    found_by=("certpreflight.reading.reader",),
    doc="""
    What it does: reports a record whose keys fit more than one kind, so that certpreflight
    can't tell which it is: customers some of which are given by reference (a code, or
    ``{"id": 10}``) and some in full, and no field only a certificate has. It names the
    kinds the record may be (README, "Record kinds").

    Why is this bad? Guessing would report the wrong problems: read as a certificate, the
    record lacks an exempt reason, exposure zone and signed date (17 errors for a
    two-customer link); read as a link, its customers' fields go unchecked.

    Example: ``{"customers": [{"id": 10}, {"customerCode": "C1", "name": "Acme"}]}``

    Use instead: the certificate's fields beside its customers, only references in a link,
    or ``validate(record, kind="link")`` to say which kind it is.
    """,
    code=4031,
    name="record-kind-ambiguous",
    severity=Severity.ERROR,
    message="The record could be a {kinds}: {detail}.",
    summary="Its keys fit more than one kind of record, so it was not checked as any.",
    fix="Name the kind: validate(record, kind=...) or --kind; or send the fields that tell "
    "it (a certificate's own fields, or only references in a link).",
)


import_file_too_long = declare(
    None,
    found_by=("certpreflight.io.csvfile",),  # for the CSV and the workbook reader
    doc="""
    What it does: finds a file in an import template's columns that is longer than the lines
    its importer takes from one file, and says so once, at its first line over: 100,000 for
    the AvaTax exemption import template (ECMS Cert ID, Issuing Country, Issuing Region,
    Exemption No ...), 40,000 for CertCapture's customer import template (Billing Customer
    Number, Billing Customer Name 1 ...; a workbook's rows count as its lines).

    Why is this bad? "Each imported file may contain a max of 100,000 lines" (Avalara Help,
    Manage exempt customers using AvaTax Exemption); "Import files larger than 50 MB or with
    more than 40,000 lines can't be imported" (Avalara Help, Import multiple customers with a
    template; docs/sources.md#import-templates): the file is refused, not imported in part.
    Every row is still checked.

    Example: an AvaTax template file of 100,001 lines.

    Use instead: the rows split into files of at most that many lines, each with the header.
    """,
    code=4014,
    name="import-file-too-long",
    severity=Severity.ERROR,
    message="The import file is longer than {limit:,} lines, the most {target} imports from "
    "one file.",
    summary="Line {line:,} is past the {limit:,} lines {target} imports from one file: "
    "{target} refuses the file.",
    fix="Split the file into files of at most {limit:,} lines, the header row in each.",
)
