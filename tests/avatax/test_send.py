"""Checked sends through the REAL avalara SDK, against a local HTTP server standing in for AvaTax.

Skipped when the SDK is not installed; CI installs it (``pip install -e '.[avatax]' --group dev``).
"""

from __future__ import annotations

import base64
import logging
import socket
import time
from typing import Any

import pytest

from certpreflight.avatax import (
    DEFAULT_TIMEOUT,
    create_certificates_checked,
    create_customers_checked,
    to_avatax_certificates,
)
from tests.avatax.conftest import FakeAvaTax
from tests.avatax.test_errors import CERTCAPTURE_1203
from tests.conftest import AVATAX_CERTIFICATE, TODAY, cert, customer

avalara = pytest.importorskip(
    "avalara", reason="the AvaTax SDK is not installed: pip install -e '.[avatax]' --group dev"
)
requests = pytest.importorskip("requests")

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


def test_reply_without_correlation_id_is_judged_by_its_status(avatax_server: FakeAvaTax) -> None:
    """The SDK's logging raises KeyError('x-correlation-id') on such replies; the senders make
    the method's request themselves, so a 502 page is a rejection with its status (issue 19)."""
    avatax_server.reply(502, b"", correlation_id=False)
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [GOOD], today=TODAY)
    assert result.status_code == 502
    assert [f.name for f in result.sent[0].report.errors] == ["avatax-rejected"]


def test_201_without_correlation_id_is_a_success(avatax_server: FakeAvaTax) -> None:
    """A 201 from a proxy that drops the header created the records: reported as sent, with
    the created records, never as unreachable (which invites a duplicate resend)."""
    avatax_server.reply(201, correlation_id=False)
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [GOOD], today=TODAY)
    assert result.status_code == 201
    assert result.ok is True
    assert [record["id"] for record in result.sent[0].response] == [1000, 1001]
    avatax_server.reply(201, correlation_id=False)
    client = _client(avatax_server.url)
    with pytest.raises(KeyError, match="x-correlation-id"):  # the SDK itself still loses it
        client.create_certificates(COMPANY, [{}])


def test_400_without_correlation_id_keeps_its_envelope(avatax_server: FakeAvaTax) -> None:
    """A 400 whose envelope says what is wrong is read even without the header."""
    envelope = {"error": {"code": "x", "details": [{"number": 1211, "message": "m"}]}}
    avatax_server.reply(400, envelope, correlation_id=False)
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [GOOD], today=TODAY)
    assert [f.code for f in result.sent[0].report.errors] == [2302]


def test_senders_time_out(avatax_server: FakeAvaTax) -> None:
    """timeout= bounds the wait (the SDK's default is 1,200 s): a reply after 3 s with
    timeout=0.5 is avatax-unreachable (ReadTimeout) well before the reply comes."""
    avatax_server.reply(201, delay=3.0)
    client = _client(avatax_server.url)
    started = time.monotonic()
    result = create_certificates_checked(client, COMPANY, [GOOD], today=TODAY, timeout=0.5)
    assert time.monotonic() - started < 2.5
    [finding] = result.sent[0].report.errors
    assert finding.message == "AvaTax could not be reached (ReadTimeout)."
    assert client.timeout_limit == 5  # the caller's client is not changed


def test_default_timeout_is_well_under_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without timeout=, the request goes with DEFAULT_TIMEOUT (30 s), not the SDK's 1,200 s."""
    seen: list[Any] = []

    def request(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["timeout"][1])
        raise requests.ConnectionError("refused")

    monkeypatch.setattr(requests.Session, "request", request)
    client = avalara.AvataxClient("t", "1", "m", "http://127.0.0.1:9").add_credentials("u", "p")
    create_customers_checked(client, COMPANY, [GOOD], today=TODAY)
    assert seen == [DEFAULT_TIMEOUT]
    assert DEFAULT_TIMEOUT < 60


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
    assert "AvaTax answered HTTP 201" in logged  # the status, and the correlation id
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


def test_fix_safe_repairs_before_sending_and_says_what(avatax_server: FakeAvaTax) -> None:
    """A region name (2120 with profile avatax) is held without fix=, sent with fix="safe"."""
    named = cert(
        id="named", filename="c.pdf", customers=[customer(region="Washington", country="USA")]
    )
    client = _client(avatax_server.url)
    held = create_customers_checked(client, COMPANY, [named], today=TODAY)
    assert [f.code for f in held.held[0].report.errors] == [2120]
    assert avatax_server.received == []
    avatax_server.reply(201)
    result = create_customers_checked(client, COMPANY, [named], today=TODAY, fix="safe")
    assert result.held == ()
    (item,) = result.sent
    assert [(a.code, a.before, a.after) for a in item.fixes] == [
        (2120, "Washington", "WA"),
        (3203, "USA", "US"),
    ]
    sent = avatax_server.received[0].json
    assert sent[0]["region"] == "WA"
    assert sent[0]["country"] == "US"
    assert named["customers"][0]["region"] == "Washington"  # the caller's record is kept
    with pytest.raises(ValueError, match="fix is"):
        create_certificates_checked(client, COMPANY, [named], fix="yes", dry_run=True)
