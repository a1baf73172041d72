"""Unknown keys (2310-2311, Input): keys of a record that certpreflight does not read.

A key that no dialect reads and no API documents is most often a typo (``exempt_reson``),
whose value then goes unchecked, and the rule that misses it reports the field as
missing. These findings are made while the payload is read
(:mod:`certpreflight.reading.keys`), so their ``check`` is None; they are declared here so
that they are documented, selectable and ignorable like every other rule. The documented
fields that certpreflight does not read (``phoneNumber``, ``createdDate``, ``pageCount``,
``never_renew`` ...) are listed per dialect in :mod:`certpreflight.dialects` and never
reported.
"""

from __future__ import annotations

from certpreflight.findings import Severity
from certpreflight.rules._base import declare

__all__ = ["key_misspelled", "keys_unknown"]

key_misspelled = declare(
    None,
    found_by=("certpreflight.reading.keys",),
    doc="""
    What it does: finds a key that certpreflight does not read and that no API documents,
    but that is close to a key it reads: the same letters but for case and underscores, or a
    letter or two apart (``exempt_reson``, ``ExemptReason``, ``postl_code``,
    ``exposurezone``). It names the key it probably meant, in the dialect the rest of the
    record is written in. Certificate keys and each linked customer's keys are checked;
    keys inside reference objects (``exposureZone: {...}``) are not.

    Why is this bad? Keys are read exactly, as AvaTax and CertCapture read them
    (``docs/sources.md#avatax-models``, ``#certcapture-api``): the misspelled value is
    ignored, so it is neither checked nor sent, and another rule reports the field as
    missing. A warning, not an error: it may be a field of a newer API version.

    Example: ``{"exempt_reson": "G"}`` (gives "ExemptReason is required" too)

    Use instead: ``{"exempt_reason": "G"}``
    """,
    code=2310,
    name="key-misspelled",
    severity=Severity.WARNING,
    message="{where} has a key {key!r} that isn't read; did you mean {meant!r}?",
    summary="{key!r} is no field of the native, AvaTax or CertCapture {kind}, so its value was "
    "not checked (and won't be sent); it is close to {meant!r}, which is.",
    fix="Rename {key!r} to {meant!r} (keys are case-sensitive).",
)

keys_unknown = declare(
    None,
    found_by=("certpreflight.reading.keys",),
    doc="""
    What it does: lists, in one finding per record, the keys that certpreflight does not
    read, that no API documents, and that are not close to a key it reads (those are rule
    2310). The documented fields it does not read (AvaTax ``CertificateModel`` /
    ``CustomerModel``, CertCapture v2 certificate and customer fields, such as
    ``phoneNumber``, ``attnName``, ``createdDate``, ``pageCount``, ``verified``,
    ``companyId``, ``never_renew``, ``custom_fields``) are never listed.

    Why is this bad? Nothing checks these values, and neither API documents them, so they
    are either the sender's own fields or a mistake. Info only: AvaTax's and CertCapture's
    handling of unknown keys is not documented.

    Example: ``{"exempt_reason": "G", "internal_note": "call back"}``

    Use instead: the record without keys of your own, or ignore this rule (``ignore=2311``)
    when your integration adds them on purpose.
    """,
    code=2311,
    name="keys-unknown",
    severity=Severity.INFO,
    message="The {kind} has {count} key(s) that certpreflight doesn't read: {keys}.",
    summary="These keys are no field of the native, AvaTax or CertCapture {kind}, so their "
    "values were not checked.",
    fix="Check the spelling of {keys} against the API you send to, and remove the keys that "
    "belong to none.",
)
