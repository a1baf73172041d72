"""The AvaTax bridge's reply handling (issue 24, 8), through the REAL SDK client against the
local stand-in server: no redirect followed on a write, a 2xx that doesn't confirm every
record is a finding on those it doesn't, an error envelope in a 2xx is an error, and
``timeout`` bounds the whole call."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from certpreflight.avatax import (
    UNCONFIRMED_CODE,
    create_certificates_checked,
    create_customers_checked,
)
from tests.avatax.conftest import FakeAvaTax
from tests.conftest import AVATAX_CERTIFICATE, TODAY, cert, customer

avalara = pytest.importorskip("avalara", reason="the AvaTax SDK is not installed")
requests = pytest.importorskip("requests")

COMPANY = 12345
GOOD = cert(id="good", regions=["WA", "TX"], filename="cert.pdf")  # two bodies
PATH = f"/api/v2/companies/{COMPANY}/certificates"


def _client(url: str) -> Any:
    client = avalara.AvataxClient("certpreflight-tests", "1.0", "pytest", url, timeout_limit=5)
    return client.add_credentials("user", "secret")


def test_a_post_answered_302_is_not_followed(avatax_server: FakeAvaTax) -> None:
    """The SDK's requests.post sends a POST answered 302 again as a GET, whose 200 [] read as
    created; the senders don't follow it: one POST, a 2900 redirect finding, not ok."""
    avatax_server.reply(302, b"", headers={"Location": PATH})
    avatax_server.reply(200, [])
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [GOOD], today=TODAY)
    assert [r.method for r in avatax_server.received] == ["POST"]
    assert result.ok is False
    assert result.status_code == 302
    [finding] = result.sent[0].report.errors
    assert finding.code == 2900
    assert finding.message.startswith("AvaTax answered with a redirect (HTTP 302 to ")
    # what the SDK's own method does: the redirect followed as a GET, answered 200 []
    avatax_server.received.clear()
    avatax_server.replies.clear()
    avatax_server.reply(302, b"", headers={"Location": PATH})
    avatax_server.reply(200, [])
    response = _client(avatax_server.url).create_certificates(COMPANY, [{}])
    assert [r.method for r in avatax_server.received] == ["POST", "GET"]
    assert (response.status_code, response.json()) == (200, [])


def test_a_reply_reached_through_a_redirect_is_not_a_success(avatax_server: FakeAvaTax) -> None:
    """A stand-in client that follows redirects (plain requests.post): its 200 [] came from a
    GET after a 302, which the response's history shows: not a success."""

    class Following:
        def create_certificates(self, companyId: Any, model: Any, include: Any = None) -> Any:  # noqa: N803
            url = f"{avatax_server.url}/api/v2/companies/{companyId}/certificates"
            return requests.post(url, json=model, timeout=5)

    avatax_server.reply(303, b"", headers={"Location": PATH})
    avatax_server.reply(200, [])
    result = create_certificates_checked(Following(), COMPANY, [GOOD], today=TODAY)
    assert [r.method for r in avatax_server.received] == ["POST", "GET"]
    assert result.ok is False
    assert [f.code for f in result.sent[0].report.errors] == [2900]
    assert "HTTP 303" in result.sent[0].report.errors[0].message


def test_a_201_listing_fewer_records_names_those_it_does_not_confirm(
    avatax_server: FakeAvaTax,
) -> None:
    """Three bodies sent (GOOD: Washington and Texas; the AvaTax certificate: Washington), a
    201 listing the first and the third: GOOD's Texas body is 5901, the other item is ok."""
    clean = [
        {
            "id": 1,
            "exposureZone": {"id": 7, "name": "WASHINGTON", "tag": "EZ_US_WA"},
            "signedDate": "2026-01-15T00:00:00",
        },
        {"id": 3, "exposureZone": {"name": "Washington"}},
    ]
    avatax_server.reply(201, clean)
    payloads = [GOOD, AVATAX_CERTIFICATE]
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, payloads, today=TODAY)
    good, other = result.sent
    [finding] = good.report.errors
    assert (finding.code, finding.name) == (UNCONFIRMED_CODE, "avatax-unconfirmed")
    assert finding.message == (
        "AvaTax's reply does not confirm 1 of the 2 records sent for this item: zone 'Texas'."
    )
    assert good.response == [clean[0]]
    assert other.ok is True
    assert other.response == [clean[1]]
    assert result.ok is False


@pytest.mark.parametrize("body", [[], {}, "created", None])
def test_a_2xx_that_lists_nothing_confirms_nothing(avatax_server: FakeAvaTax, body: Any) -> None:
    """200 [] (what a redirected GET returns), an object, a text or no body: every item 5901."""
    avatax_server.reply(200, body if body is not None else b"")
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [GOOD], today=TODAY)
    assert [f.code for f in result.sent[0].report.errors] == [UNCONFIRMED_CODE]
    assert "2 of the 2 records" in result.sent[0].report.errors[0].message


def test_a_customer_the_reply_leaves_out_is_named(avatax_server: FakeAvaTax) -> None:
    """CreateCustomers of two customers answered with one: the other is 5901 by its code."""
    first = cert(id="a", filename="a.pdf", customers=[customer(customer_number="C-1")])
    second = cert(id="b", filename="b.pdf", customers=[customer(customer_number="C-2")])
    avatax_server.reply(201, [{"id": 9, "customerCode": "C-2", "companyId": COMPANY}])
    result = create_customers_checked(
        _client(avatax_server.url), COMPANY, [first, second], today=TODAY
    )
    assert [f.code for f in result.sent[0].report.errors] == [UNCONFIRMED_CODE]
    assert "customer 'C-1'" in result.sent[0].report.errors[0].message
    assert result.sent[1].ok is True


def test_an_error_envelope_in_a_200_is_an_error(avatax_server: FakeAvaTax) -> None:
    """A 200 carrying {"error": {...}} is read as the error it is, not as records created."""
    envelope = {"error": {"code": "x", "details": [{"number": 1211, "message": "m"}]}}
    avatax_server.reply(200, envelope)
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [GOOD], today=TODAY)
    assert result.status_code == 200
    assert result.ok is False
    assert [f.code for f in result.sent[0].report.errors] == [2302]


def test_timeout_bounds_a_reply_that_drips_in(avatax_server: FakeAvaTax) -> None:
    """A 201 whose body comes a byte every 0.2 s (each read well within the timeout) took as
    long as the server liked (7 s with timeout=1); the whole call now ends at the timeout:
    5900 avatax-unreachable (ReadTimeout), and the caller's client is not changed."""
    avatax_server.reply(201, drip=0.2)
    client = _client(avatax_server.url)
    started = time.monotonic()
    result = create_certificates_checked(client, COMPANY, [GOOD], today=TODAY, timeout=1)
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 2.5
    [finding] = result.sent[0].report.errors
    assert finding.message == "AvaTax could not be reached (ReadTimeout)."
    assert client.timeout_limit == 5


def test_timeout_bounds_a_reply_that_never_starts(avatax_server: FakeAvaTax) -> None:
    """No status line for 3 s with timeout=0.5: unreachable at about 0.5 s."""
    avatax_server.reply(201, delay=3.0)
    started = time.monotonic()
    result = create_certificates_checked(
        _client(avatax_server.url), COMPANY, [GOOD], today=TODAY, timeout=0.5
    )
    assert time.monotonic() - started < 2.0
    assert [f.code for f in result.sent[0].report.errors] == [5900]


def test_a_400_with_thousands_of_details_is_capped_on_the_item(avatax_server: FakeAvaTax) -> None:
    """A 400 of 5,000 details: at most 20 findings a code on the item, one 4013 counting the
    rest (the validation findings and AvaTax's counted together)."""
    details = [{"number": 1211, "message": f"m{i}"} for i in range(5_000)]
    avatax_server.reply(400, {"error": {"code": "x", "details": details}})
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [GOOD], today=TODAY)
    counts = Counter(result.sent[0].report.codes())
    assert counts[2302] == 20
    assert counts[4013] == 1
    [capped] = [f for f in result.sent[0].report.findings if f.code == 4013]
    assert capped.message.startswith("4,980 more findings of 2302 (4,980)")


def test_a_2xx_of_other_records_confirms_none_of_them(avatax_server: FakeAvaTax) -> None:
    """A 201 listing 20,000 records of another zone confirms neither of GOOD's two bodies
    (each compared with at most 100 records past the last match, not all 20,000)."""
    others = [{"id": i, "exposureZone": {"name": "Ohio"}} for i in range(20_000)]
    avatax_server.reply(201, others)
    result = create_certificates_checked(_client(avatax_server.url), COMPANY, [GOOD], today=TODAY)
    [finding] = result.sent[0].report.errors
    assert finding.code == UNCONFIRMED_CODE
    assert finding.message.endswith("zone 'Washington', zone 'Texas'.")
    assert result.sent[0].response == []
