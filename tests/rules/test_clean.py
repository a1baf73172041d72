"""Clean certificates produce no findings at all, whatever rules are added."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from certpreflight import validate
from tests.conftest import AVATAX_CERTIFICATE, CERTCAPTURE_CERTIFICATE, TODAY, cert

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "certificates.json"
CLEAN_EXAMPLE_IDS = {f"EX-00{i}" for i in range(1, 9)}


@pytest.mark.parametrize("payload", [cert(), AVATAX_CERTIFICATE, CERTCAPTURE_CERTIFICATE])
def test_conftest_certificates_have_zero_findings(payload: dict[str, Any]) -> None:
    """The clean certificate in each dialect gives no finding of any severity."""
    assert validate(payload, today=TODAY).findings == ()


def test_avatax_certificate_is_clean_under_the_avatax_profile() -> None:
    """The clean AvaTax-dialect certificate also passes the AvaTax-only rules."""
    assert validate(AVATAX_CERTIFICATE, today=TODAY, profile="avatax").findings == ()


def test_clean_examples_have_zero_findings() -> None:
    """The clean entries of examples/certificates.json give no findings."""
    examples = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    clean = [e for e in examples if e["id"] in CLEAN_EXAMPLE_IDS]
    assert len(clean) == len(CLEAN_EXAMPLE_IDS)
    for example in clean:
        assert validate(example, today=TODAY).findings == (), example["id"]


def test_clean_certificate_is_clean_with_options() -> None:
    """Options of new rules don't make the clean certificate fail at their defaults' edges."""
    report = validate(cert(), today=TODAY, options={"expiring_within_days": 365})
    assert report.findings == ()
