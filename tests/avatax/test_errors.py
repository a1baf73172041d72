"""findings_from_avatax_error: AvaTax's error envelope -> Findings, never raising."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certpreflight import Severity, get_rule
from certpreflight.avatax import AVATAX_ERRORS, REJECTED_CODE, findings_from_avatax_error

CERTCAPTURE_1203 = {
    "error": {
        "code": "CertificatesError",
        "message": "Certificates API returned error",
        "target": "HttpRequest",
        "details": [
            {
                "code": "CertificatesError",
                "number": 1203,
                "message": "Certificates API returned error",
                "description": '{"success":false,"code":"20009",'
                '"error":"No data provided for \'exposure_zones\'."}',
                "faultCode": "Client",
                "helpLink": "https://developer.avalara.com/avatax/errors/CertificatesError",
                "severity": "Error",
            }
        ],
    }
}


def _envelope(number: int, code: str, message: str, **detail: Any) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "target": "IncorrectData",
            "details": [{"code": code, "number": number, "message": message, **detail}],
        }
    }


@pytest.mark.parametrize("form", [dict, json.dumps, lambda b: json.dumps(b).encode()])
def test_1203_unpacks_certcapture_json(form: Any) -> None:
    """1203's description holds CertCapture's JSON; dict, text and bytes give the same finding."""
    [finding] = findings_from_avatax_error(form(CERTCAPTURE_1203))
    assert finding.code == REJECTED_CODE
    assert finding.name == "avatax-rejected"
    assert finding.type == "Input"
    assert finding.severity is Severity.ERROR
    assert finding.message == "Certificates API returned error"
    assert finding.summary == (
        "CertCapture rejected it (code 20009): No data provided for 'exposure_zones'."
    )
    assert finding.fix == "See https://developer.avalara.com/avatax/errors/CertificatesError"
    assert dict(finding.errors) == {
        "avatax": "1203 CertificatesError: Certificates API returned error",
        "certcapture": "20009: No data provided for 'exposure_zones'.",
        "target": "HttpRequest",
    }


def test_known_rule_takes_its_name_and_fix_from_the_catalogue() -> None:
    """1210 maps to 2301 reason-missing, with the rule's fix and AvaTax's own message."""
    body = _envelope(
        1210,
        "MissingExemptReason",
        "Exempt reason Field is missing.",
        description="To create a certificate, exempt reason is required.",
    )
    [finding] = findings_from_avatax_error(body)
    rule = get_rule(2301)
    assert (finding.code, finding.name, finding.type) == (2301, rule.name, rule.type)
    assert finding.fix == rule.fix
    assert finding.message == "Exempt reason Field is missing."
    assert finding.summary == "To create a certificate, exempt reason is required."
    assert finding.loc == ("exempt_reason",)
    assert finding.errors["avatax"] == "1210 MissingExemptReason: Exempt reason Field is missing."


@pytest.mark.parametrize(
    ("number", "code", "name"),
    [
        (1210, 2301, "reason-missing"),
        (1211, 2302, "reason-unknown"),
        (1204, 2401, "attachment-missing"),
        (1213, 2402, "attachment-conflicting"),
        (1214, 2403, "attachment-empty"),
        (1207, 3002, "regions-missing"),
        (125, 3201, "country-invalid"),
        (126, 3202, "region-not-in-country"),
        (317, 3301, "postal-code-invalid"),
        (1200, 6302, "business-type-invalid"),
    ],
)
def test_mapping_table(number: int, code: int, name: str) -> None:
    """Each known number maps to its rule's code and name, whether or not the rule exists yet."""
    known = AVATAX_ERRORS[number]
    [finding] = findings_from_avatax_error(_envelope(number, known.avatax_names[0], "The -0- x."))
    assert (finding.code, finding.name) == (code, name)
    assert finding.message == "The -0- x."
    assert finding.severity is Severity.ERROR
    assert finding.fix


def test_unknown_number_keeps_avatax_number_code_and_text() -> None:
    """An unmapped error is avatax-rejected, with number, code name and text kept."""
    body = _envelope(
        1201,
        "CannotModifyExemptCert",
        "Modify exempt certificate with company is not allowed",
        helpLink="https://developer.avalara.com/avatax/errors/CannotModifyExemptCert",
    )
    [finding] = findings_from_avatax_error(body)
    assert finding.code == 2900
    assert finding.errors["avatax"] == (
        "1201 CannotModifyExemptCert: Modify exempt certificate with company is not allowed"
    )
    assert finding.fix.endswith("/CannotModifyExemptCert")


def test_several_details_and_envelope_without_details() -> None:
    """Every detail is a finding; an envelope without details is mapped by its code name."""
    body = _envelope(125, "InvalidCountry", "The country '-0-' is not a recognized country code.")
    body["error"]["details"].append({"number": "317", "code": "InvalidPostalCode", "message": "z"})
    assert [f.code for f in findings_from_avatax_error(body)] == [3201, 3301]
    bare = {"error": {"code": "InvalidExemptReason", "message": "Invalid exempt reason: -0-."}}
    [finding] = findings_from_avatax_error(bare)
    assert (finding.code, finding.message) == (2302, "Invalid exempt reason: -0-.")


def test_warning_severity_is_kept() -> None:
    """A detail AvaTax marks as a warning stays a warning."""
    [finding] = findings_from_avatax_error(_envelope(999, "Whatever", "x", severity="Warning"))
    assert finding.severity is Severity.WARNING


@pytest.mark.parametrize(
    "body",
    [None, "", b"<html>502 Bad Gateway</html>", "not json", 42, [], {}, {"error": "x"}, {"a": 1}],
)
def test_odd_input_gives_one_rejected_finding(body: Any) -> None:
    """Anything that is not an error envelope gives one avatax-rejected finding."""
    [finding] = findings_from_avatax_error(body)
    assert finding.code == 2900
    assert finding.severity is Severity.ERROR


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=12,
    ).map(lambda tree: {"error": tree} if isinstance(tree, dict) else tree)
)
def test_never_raises(body: Any) -> None:
    """Any JSON-like value gives at least one finding and never raises."""
    assert findings_from_avatax_error(body)
