"""Checked sends through the REAL avalara SDK, against a local HTTP server standing in for AvaTax.

Skipped when the SDK is not installed; CI installs it with ``pip install -e '.[dev,avatax]'``.
"""

from __future__ import annotations

import base64
import logging
import socket
from typing import Any

import pytest

from certpreflight.avatax import (
    create_certificates_checked,
    create_customers_checked,
    to_avatax_certificates,
)
from tests.avatax.conftest import FakeAvaTax
from tests.avatax.test_errors import CERTCAPTURE_1203
from tests.conftest import AVATAX_CERTIFICATE, TODAY, cert, customer

avalara = pytest.importorskip(
    "avalara", reason="the AvaTax SDK is not installed: pip install -e '.[dev,avatax]'"
)

COMPANY = 12345
GOOD = cert(id="good", regions=["WA", "TX"], filename="cert.pdf")
BAD = cert(
    id="bad",
    filename="held.pdf",
    customers=[customer(customer_number="C-HELD", name="", address_line1="9 Held Rd")],
)
SECRETS = ("Acme Supply Co", "100 Main St", "Suite 4", "Seattle", "98101", "601234567")


def _client(url: str, **kwargs: Any) -> Any:
    client = avalara.AvataxClient("certpreflight-tests", "1.0", "pytest", url, timeout_limit=5)
    for key, value in kwargs.items():
        setattr(client, key, value)
    return client.add_credentials("user", "secret")


def _certificate_body(zone: str) -> dict[str, Any]:
    return {
        "signedDate": "2026-01-15",
        "expirationDate": "2030-01-15",
        "filename": "cert.pdf",
        "exemptionNumber": "601234567",
        "exemptPercentage": 100,
        "isSingleCertificate": False,
        "exemptionReason": {"name": "RESALE"},
        "customers": [{"customerCode": "C-1001", "companyId": COMPANY}],
        "exposureZone": {"name": zone},
    }


def test_sends_exact_bodies_in_one_call_and_holds_the_bad(avatax_server: FakeAvaTax) -> None:
    """One POST to /api/v2/companies/{id}/certificates with exact bodies; held never arrive."""
    payloads = [GOOD, BAD, AVATAX_CERTIFICATE]
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, payloads, today=TODAY)
    [request] = avatax_server.received
    assert request.method == "POST"
    assert request.path == f"/api/v2/companies/{COMPANY}/certificates"
    basic = base64.b64encode(b"user:secret").decode()
    assert request.headers["Authorization"] == f"Basic {basic}"
    assert "Python SDK" in request.headers["X-Avalara-Client"]
    assert request.json == [
        _certificate_body("Washington"),
        _certificate_body("Texas"),
        _certificate_body("Washington"),
    ]
    assert b"C-HELD" not in request.raw
    assert b"held.pdf" not in request.raw
    assert [h.payload for h in result.held] == [BAD]
    assert result.held[0].report.codes() == (2101,)
    assert [s.payload for s in result.sent] == [GOOD, AVATAX_CERTIFICATE]
    assert result.status_code == 201
    assert result.ok is False  # something was held
    assert all(s.ok for s in result.sent)
    assert [[r["id"] for r in s.response] for s in result.sent] == [[1000, 1001], [1002]]
    assert result.bodies == request.json


def test_400_with_1203_comes_back_as_findings(avatax_server: FakeAvaTax) -> None:
    """An HTTP 400 with a 1203 envelope becomes findings on every sent item, no exception."""
    avatax_server.reply(400, CERTCAPTURE_1203)
    result = create_certificates_checked(
        _client(avatax_server.url), COMPANY, [GOOD, AVATAX_CERTIFICATE], today=TODAY
    )
    assert result.status_code == 400
    assert result.response == CERTCAPTURE_1203
    for item in result.sent:
        assert not item.ok
        [finding] = item.report.errors
        assert finding.code == 2900
        assert finding.errors["certcapture"] == "20009: No data provided for 'exposure_zones'."


def test_400_with_a_known_number_maps_to_the_rule(avatax_server: FakeAvaTax) -> None:
    """A 1211 reply comes back as a 2302 reason-unknown finding."""
    avatax_server.reply(
        400,
        {
            "error": {
                "code": "InvalidExemptReason",
                "message": "Invalid exempt reason: -0-.",
                "details": [{"number": 1211, "code": "InvalidExemptReason", "message": "m"}],
            }
        },
    )
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [GOOD], today=TODAY)
    assert [f.code for f in result.sent[0].report.errors] == [2302]


def test_gateway_error_without_envelope(avatax_server: FakeAvaTax) -> None:
    """A 502 HTML page (not an AvaTax envelope) still becomes an avatax-rejected finding."""
    avatax_server.reply(502, b"<html>Bad Gateway</html>")
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [GOOD], today=TODAY)
    assert result.status_code == 502
    assert [f.name for f in result.sent[0].report.errors] == ["avatax-rejected"]


def test_reply_without_correlation_id_is_a_transport_finding(avatax_server: FakeAvaTax) -> None:
    """The SDK raises KeyError('x-correlation-id') on such replies; that becomes a finding."""
    avatax_server.reply(502, b"", correlation_id=False)
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [GOOD], today=TODAY)
    assert [f.name for f in result.sent[0].report.errors] == ["avatax-unreachable"]


def test_connection_refused_is_a_finding() -> None:
    """Nobody listening: an avatax-unreachable finding on every sent item, no exception."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = create_certificates_checked(
        _client(f"http://127.0.0.1:{port}"), COMPANY, [GOOD], today=TODAY
    )
    [finding] = result.sent[0].report.errors
    assert (finding.code, finding.name) == (5900, "avatax-unreachable")
    assert finding.message == "AvaTax could not be reached (ConnectionError)."
    assert result.status_code is None


def test_all_held_sends_nothing(avatax_server: FakeAvaTax) -> None:
    """When every certificate has an error, no request is made."""
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [BAD], today=TODAY)
    assert avatax_server.received == []
    assert result.sent == ()
    assert len(result.held) == 1


def test_dry_run_sends_nothing_and_shows_the_bodies(avatax_server: FakeAvaTax) -> None:
    """dry_run=True makes no request; result.bodies is what would be sent."""
    result = create_certificates_checked(
        _client(avatax_server.url), COMPANY, [GOOD, BAD], dry_run=True, today=TODAY
    )
    assert avatax_server.received == []
    assert result.dry_run
    assert result.bodies == to_avatax_certificates(GOOD, company_id=COMPANY)
    assert result.sent[0].response is None


def test_no_body_content_in_logs(
    avatax_server: FakeAvaTax, caplog: pytest.LogCaptureFixture
) -> None:
    """At DEBUG, nothing logged during a send (ours, the SDK's, urllib3's) holds body content."""
    caplog.set_level(logging.DEBUG)
    avatax_server.reply(201)
    avatax_server.reply(400, CERTCAPTURE_1203)
    client = _client(avatax_server.url)
    create_customers_checked(client, COMPANY, [GOOD], today=TODAY)
    create_certificates_checked(client, COMPANY, [GOOD, BAD], today=TODAY)
    assert len(avatax_server.received) == 2
    logged = caplog.text + " ".join(repr(r.args) for r in caplog.records)
    assert "certpreflight.avatax" in {r.name for r in caplog.records}
    assert "status_code" in logged  # the SDK's own log entry was captured too
    for secret in (*SECRETS, "C-HELD", "9 Held Rd"):
        assert secret not in logged


def test_client_that_logs_bodies_is_refused(avatax_server: FakeAvaTax) -> None:
    """A client built with is_log_req_resp_allowed=True would log bodies: refused, nothing sent."""
    client = _client(avatax_server.url, is_log_req_resp_allowed=True)
    with pytest.raises(ValueError, match="is_log_req_resp_allowed"):
        create_certificates_checked(client, COMPANY, [GOOD], today=TODAY)
    assert avatax_server.received == []


def test_create_customers_checked(avatax_server: FakeAvaTax) -> None:
    """Customers of the good certificates go in one POST .../customers, each code once."""
    other = cert(
        id="other", filename="o.pdf", customers=[customer(), customer(customer_number="C-2")]
    )
    result = create_customers_checked(
        _client(avatax_server.url), COMPANY, [GOOD, BAD, other], today=TODAY
    )
    [request] = avatax_server.received
    assert request.path == f"/api/v2/companies/{COMPANY}/customers"
    body = {
        "companyId": COMPANY,
        "customerCode": "C-1001",
        "name": "Acme Supply Co",
        "line1": "100 Main St",
        "line2": "Suite 4",
        "city": "Seattle",
        "region": "WA",
        "postalCode": "98101",
        "country": "US",
    }
    assert request.json == [body, {**body, "customerCode": "C-2"}]
    assert [len(s.bodies) for s in result.sent] == [1, 1]
    assert [h.payload["id"] for h in result.held] == ["bad"]
