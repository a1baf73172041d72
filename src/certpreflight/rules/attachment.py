"""Attachment rules (24xx, Input family; AvaTax profile, but 2405): the certificate's file.

AvaTax REST v2 CreateCertificates takes the document as exactly one of
``filename``, ``pdf`` (Base64 PDF) or ``pages`` (Base64 JPEG pages): none is
error 1204 MissingRequiredFields, more than one 1213 ConflictingFields, an empty
file 1214 InvalidPdfOrImageFile (docs/sources.md#avatax-models,
docs/sources.md#avatax-error-codes). CertCapture holds the file itself, so these
rules belong to the ``avatax`` profile only; but for 2405: a certificate sent to
CertCapture's validation queue should carry its document on every profile (a warning).
"""

from __future__ import annotations

import base64
import binascii

from certpreflight.findings import Severity
from certpreflight.models import ExemptionCertificate
from certpreflight.rules._base import NO_HITS, Context, Hit, Hits, Loc, blank, path, rule

__all__ = [
    "attachment_conflicting",
    "attachment_empty",
    "attachment_missing",
    "attachment_missing_stacked",
    "attachment_not_pdf_or_jpeg",
]

E = Severity.ERROR
AVATAX = ("avatax",)

#: Magic bytes of the two file types AvaTax accepts (docs/sources.md#sdk-behaviours).
_MAGIC = {b"%PDF-": "PDF", b"\xff\xd8\xff": "JPEG"}
#: Magic bytes of files people send by mistake, to name them in the message.
_OTHER = {b"\x89PNG": "PNG", b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"GIF8": "GIF", b"PK": "ZIP"}
_DATA_URI = "data:"


def _files(cert: ExemptionCertificate) -> list[tuple[str, bool]]:
    """Which of filename / pdf / pages are given, each with whether it has content."""
    given = []
    if not blank(cert.filename):
        given.append(("filename", True))
    if cert.pdf is not None:
        given.append(("pdf", not blank(cert.pdf)))
    if cert.pages is not None:
        given.append(("pages", any(not blank(page) for page in cert.pages)))
    return given


@rule(
    code=2401,
    name="attachment-missing",
    severity=E,
    message="The field filename, pdf or pages is required to create a certificate.",
    summary="The certificate carries no document: AvaTax needs a filename, a Base64 PDF or "
    "Base64 JPEG pages (error 1204 MissingRequiredFields).",
    fix="Attach the signed certificate as pdf (Base64 of the PDF file), or as pages (Base64 "
    "JPEG per page), or give the filename of a document already uploaded.",
    profiles=AVATAX,
)
def attachment_missing(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates with none of ``filename``, ``pdf`` and ``pages``.

    Why is this bad? CreateCertificates requires exactly one of them; with none it
    fails with 1204 MissingRequiredFields (docs/sources.md#avatax-models,
    #avatax-error-codes, #certificate-rules).

    Example: ``{"signedDate": "2026-01-15", "exposureZone": {"name": "Washington"}}``

    Use instead: ``{"signedDate": "2026-01-15", "exposureZone": {"name": "Washington"},
    "pdf": "JVBERi0xLjcK..."}``
    """
    if not _files(cert):
        return (Hit(loc=("pdf",), errors={("pdf",): "none of filename, pdf, pages given"}),)
    return NO_HITS


@rule(
    code=2402,
    name="attachment-conflicting",
    severity=E,
    message="When creating certificate, you can only specify filename OR pdf OR images.",
    summary="The certificate gives {fields}; AvaTax takes exactly one of them (error 1213 "
    "ConflictingFields).",
    fix="Send only one of {fields}: keep pdf if you have the file, and drop the others.",
    profiles=AVATAX,
)
def attachment_conflicting(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates with more than one of ``filename``, ``pdf``
    and ``pages`` (empty ones don't count; they are rule 2403).

    Why is this bad? CreateCertificates fails with 1213 ConflictingFields, "you
    can only specify filename OR pdf OR images" (docs/sources.md#avatax-models,
    #avatax-error-codes).

    Example: ``{"filename": "cert.pdf", "pdf": "JVBERi0xLjcK..."}``

    Use instead: ``{"pdf": "JVBERi0xLjcK..."}``
    """
    given = [name for name, content in _files(cert) if content]
    if len(given) > 1:
        return (
            Hit(
                loc=(given[1],),
                params={"fields": ", ".join(given)},
                errors={
                    (name,): "conflicts with " + ", ".join(g for g in given if g != name)
                    for name in given
                },
            ),
        )
    return NO_HITS


@rule(
    code=2403,
    name="attachment-empty",
    severity=E,
    message="Pdf or Image files are empty",
    summary="The certificate's {field} is given but empty (error 1214 InvalidPdfOrImageFile).",
    fix="Put the Base64 content of the signed certificate in {field}, or leave {field} out and "
    "send the document another way.",
    profiles=AVATAX,
)
def attachment_empty(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds an empty ``pdf`` or ``pages`` (empty text, an empty
    list, or only empty pages).

    Why is this bad? AvaTax rejects it with 1214 InvalidPdfOrImageFile, "Pdf or
    Image files are empty" (docs/sources.md#avatax-models,
    #avatax-error-codes).

    Example: ``{"pdf": ""}``

    Use instead: ``{"pdf": "JVBERi0xLjcK..."}``
    """
    hits: Hits = NO_HITS
    for name, content in _files(cert):
        if not content:
            hits = [*hits, Hit(loc=(name,), params={"field": name}, errors={(name,): "empty"})]
    return hits


def _kind(data: str) -> str | None:
    """None when Base64 ``data`` starts like a PDF or JPEG, else what it looks like."""
    text = data.strip()
    if text.startswith(_DATA_URI):
        text = text.partition(",")[2]
    head = text[:16].replace("-", "+").replace("_", "/")
    head += "=" * (-len(head) % 4)
    try:
        raw = base64.b64decode(head, validate=True)
    except (binascii.Error, ValueError):
        return "not Base64"
    if any(raw.startswith(magic) for magic in _MAGIC):
        return None
    for magic, name in _OTHER.items():
        if raw.startswith(magic):
            return f"a {name} file"
    return "an unknown file type"


@rule(
    code=2404,
    name="attachment-not-pdf-or-jpeg",
    severity=E,
    message="The uploaded file must be a base64 encoded PDF.",
    summary="The certificate's {field} is {kind}, not a Base64 PDF or JPEG. AvaTax rejects it "
    "but may still create the certificate, orphaned and unlinked from its customer.",
    fix="Convert the document to PDF (or JPEG pages), Base64-encode the file's bytes, and send "
    "that as {field}.",
    profiles=AVATAX,
)
def attachment_not_pdf_or_jpeg(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: decodes the start of ``pdf`` and of each of ``pages`` and checks
    the file's magic bytes: ``%PDF-`` for PDF, ``FF D8 FF`` for JPEG. A
    ``data:...;base64,`` prefix is skipped; URL-safe Base64 is accepted.

    Why is this bad? A PNG sent as ``pages`` fails with "The uploaded file must
    be a base64 encoded PDF." *after* the certificate was created: the caller
    gets no id and the certificate stays orphaned, not linked to its customer
    (docs/sources.md#sdk-behaviours; #integration-pain-points,
    https://github.com/avadev/AvaTax-REST-V2-DotNet-SDK/issues/214 and
    https://github.com/avadev/AvaTax-REST-V2-JRE-SDK/issues/149).

    Example: ``{"pages": ["iVBORw0KGgo..."]}`` (a PNG)

    Use instead: ``{"pdf": "JVBERi0xLjcK..."}``
    """
    hits: Hits = NO_HITS
    items: list[tuple[Loc, str]] = []
    if cert.pdf is not None and not blank(cert.pdf):
        items.append((("pdf",), cert.pdf))
    for i, page in enumerate(cert.pages or ()):
        if not blank(page):
            items.append((("pages", i), page))
    for loc, data in items:
        kind = _kind(data)
        if kind is not None:
            hits = [
                *hits,
                Hit(
                    loc=loc,
                    params={"field": path(loc), "kind": kind},
                    errors={loc: f"{kind}, not a PDF or JPEG"},
                ),
            ]
    return hits


@rule(
    code=2405,
    name="attachment-missing-stacked",
    severity=Severity.WARNING,
    message="The certificate is sent for validation (submit_to_stack) without a document.",
    summary="The certificate goes to CertCapture's validation queue, whose review team keys "
    "its data in from the document, but it carries none: there is probably nothing to "
    "review (a warning: no public source says CertCapture rejects it).",
    fix="Attach the signed certificate (pdf, or pages: one Base64 image per page), or send "
    "it without submit_to_stack with its data filled in.",
)
def attachment_missing_stacked(cert: ExemptionCertificate, ctx: Context) -> Hits:
    """
    What it does: finds certificates sent to CertCapture's validation queue
    (``submit_to_stack: true``) with none of ``filename``, ``pdf`` and ``pages``. With
    profile ``avatax``, 2401 says it.

    Why is this bad? ``submit_to_stack`` "makes sure the document created goes through the
    validation process" (CertCapture REST API Part II; docs/sources.md#certcapture-api): the
    review team keys the signed date, exemption number and the rest in from the document
    (which is why those may be missing; ``rules.KEYED_IN_REVIEW``). Without a document the
    queue has nothing to validate, and the certificate stays without its data. A warning,
    not an error: no public source says CertCapture rejects such a certificate (it may
    take the document later, or reject it; uncertain facts warn).

    Example: ``{"submit_to_stack": true, "exposure_zone": {"name": "Washington"}}``

    Use instead: ``{"submit_to_stack": true, "exposure_zone": {"name": "Washington"},
    "pages": ["iVBORw0KGgo..."]}``
    """
    if cert.submit_to_stack and ctx.profile != "avatax" and not _files(cert):
        return (Hit(loc=("pdf",), errors={("pdf",): "none of filename, pdf, pages given"}),)
    return NO_HITS
