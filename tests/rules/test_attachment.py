"""Attachment rules (2401-2404), AvaTax profile only."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest

from tests.conftest import AVATAX_CERTIFICATE, cert
from tests.rules.helpers import codes, only

PDF = base64.b64encode(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj").decode()
JPEG = base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00").decode()
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").decode()


def avatax(**changes: Any) -> dict[str, Any]:
    """The clean AvaTax certificate without its filename, with changes applied."""
    out = copy.deepcopy(AVATAX_CERTIFICATE)
    del out["filename"]
    out.update(changes)
    return out


def test_attachment_rules_only_run_under_the_avatax_profile() -> None:
    """A native certificate without a file is fine for CertCapture, not for AvaTax."""
    assert 2401 not in codes(cert())
    assert 2401 in codes(cert(), profile="avatax")


def test_attachment_missing() -> None:
    """None of filename / pdf / pages is 1204."""
    f = only(avatax(), 2401, profile="avatax")
    assert f.severity.value == "error"
    assert 2401 in codes(avatax(filename="  "), profile="avatax")


@pytest.mark.parametrize(
    "changes",
    [{"filename": "a.pdf", "pdf": PDF}, {"pdf": PDF, "pages": [JPEG]}],
)
def test_attachment_conflicting(changes: dict[str, Any]) -> None:
    """More than one of filename / pdf / pages is 1213."""
    f = only(avatax(**changes), 2402, profile="avatax")
    assert f.message == "When creating certificate, you can only specify filename OR pdf OR images."


@pytest.mark.parametrize(("changes", "field"), [({"pdf": ""}, "pdf"), ({"pages": []}, "pages")])
def test_attachment_empty(changes: dict[str, Any], field: str) -> None:
    """An empty pdf or pages is 1214, not also missing or conflicting."""
    f = only(avatax(**changes), 2403, profile="avatax")
    assert f.message == "Pdf or Image files are empty"
    assert f.loc == (field,)
    found = codes(avatax(**changes), profile="avatax")
    assert 2401 not in found
    assert 2402 not in found


@pytest.mark.parametrize(
    "changes",
    [
        {"pdf": PDF},
        {"pages": [JPEG, JPEG]},
        {"pdf": "data:application/pdf;base64," + PDF},
        {"pdf": PDF.replace("+", "-").replace("/", "_")},
        {"filename": "cert.pdf"},
    ],
)
def test_pdf_and_jpeg_pass(changes: dict[str, Any]) -> None:
    """Base64 PDF or JPEG (data URI or URL-safe alphabet too) passes every attachment rule."""
    found = codes(avatax(**changes), profile="avatax")
    assert not {2401, 2402, 2403, 2404} & set(found)


@pytest.mark.parametrize(
    ("changes", "loc", "kind"),
    [
        ({"pages": [JPEG, PNG]}, ("pages", 1), "a PNG file"),
        ({"pdf": "not base64!!"}, ("pdf",), "not Base64"),
        ({"pdf": base64.b64encode(b"hello world").decode()}, ("pdf",), "an unknown file type"),
    ],
)
def test_not_pdf_or_jpeg(changes: dict[str, Any], loc: tuple[Any, ...], kind: str) -> None:
    """A PNG, undecodable text or another file type is an error naming what it is."""
    f = only(avatax(**changes), 2404, profile="avatax")
    assert f.loc == loc
    assert kind in f.summary
    assert f.message == "The uploaded file must be a base64 encoded PDF."
