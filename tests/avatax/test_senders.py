"""The checked senders' own logic, with stand-in clients (no SDK needed)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from certpreflight.avatax import create_certificates_checked, create_customers_checked
from tests.conftest import DEV_GUIDE_CUSTOMER, TODAY, cert, printed_by

GOOD = cert(filename="cert.pdf")


class Client:
    """Records calls; answers with ``outcome`` (raised when it is an exception)."""

    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome
        self.calls: list[tuple[Any, Any]] = []

    def create_certificates(self, companyId: Any, model: Any, include: Any = None) -> Any:  # noqa: N803
        self.calls.append((companyId, model))
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome

    def create_customers(self, companyId: Any, model: Any) -> Any:  # noqa: N803
        return self.create_certificates(companyId, model)


def test_programming_errors_propagate() -> None:
    """An error that is not about the wire (a bug) is raised, not turned into a finding."""
    with pytest.raises(AttributeError):
        create_certificates_checked(Client(AttributeError("bug")), 1, [GOOD], today=TODAY)


def test_os_errors_become_findings() -> None:
    """Connection errors (OSError, the base of requests' exceptions) become findings."""
    result = create_certificates_checked(Client(ConnectionRefusedError()), 1, [GOOD], today=TODAY)
    assert [f.code for f in result.sent[0].report.findings] == [5900]


def test_a_single_certificate_or_bad_option_is_refused_before_sending() -> None:
    """One certificate instead of a list, or an unknown selector, raises; nothing is sent."""
    client = Client(ConnectionRefusedError())
    with pytest.raises(TypeError, match="iterable"):
        create_certificates_checked(client, 1, GOOD)
    with pytest.raises(ValueError, match="unknown rule selector"):
        create_certificates_checked(client, 1, [GOOD], select=["no-such-rule"])
    assert client.calls == []


def test_unreadable_certificate_is_held() -> None:
    """A certificate the model can't read is held with its Formatting findings."""
    result = create_certificates_checked(
        Client(ConnectionRefusedError()),
        1,
        ["{not json", cert(effective_date="banana", filename="c.pdf")],
    )
    assert [h.report.codes() for h in result.held] == [(4001,), (4003,)]
    assert result.sent == ()


def test_readme_example_runs_as_a_dry_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The docs' "Send to AvaTax" example runs without credentials and sends nothing."""
    pytest.importorskip("avalara", reason="the AvaTax SDK is not installed")
    page = (Path(__file__).parents[2] / "docs" / "avatax.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", page, re.S)
    assert code is not None
    for name in [k for k in os.environ if k.startswith("AVATAX_")]:
        monkeypatch.delenv(name)
    assert printed_by(code.group(1)) == [
        "held cert-2 [\"Reason Code G isn't exempt in region(s): NH. (Invalid ExemptReasonId "
        'and region combination)"]',
        "would send cert-1 ['Washington', 'Texas'] []",
    ]


@pytest.mark.parametrize("ident", ["²", "1" * 5000])
def test_reason_id_that_int_cannot_read_is_sent_as_text(ident: str) -> None:
    """``exemptionReason: {"id": "²"}`` or a 5000-digit id: validate() says ok and the sender
    doesn't raise; the id goes as given (issue 19, 1)."""
    payload = {k: v for k, v in GOOD.items() if k != "exempt_reason"}
    payload["exemptionReason"] = {"id": ident}
    client = Client(None)
    result = create_certificates_checked(client, 1, [payload], today=TODAY, dry_run=True)
    assert [body["exemptionReason"] for body in result.bodies] == [{"id": ident}]
    assert client.calls == []


def test_create_customers_checked_takes_customer_records() -> None:
    """Customer records of any dialect are sent as they are, or held naming the customer;
    a certificate held for its customer names it too (issue 14, 9)."""
    avatax = DEV_GUIDE_CUSTOMER
    certcapture = {
        "customer_number": "C-2",
        "name": "",
        "address_line1": "1 Market St",
        "city": "Columbus",
        "zip": "43004",
        "state": {"initials": "OH"},
        "country": {"initials": "US"},
    }
    bad_customer = {**GOOD["customers"][0], "customer_number": "C-3", "city": ""}
    certificate = {**GOOD, "customers": [bad_customer]}
    client = Client(None)
    result = create_customers_checked(
        client, 1, [avatax, certcapture, certificate], today=TODAY, dry_run=True
    )
    assert [body["customerCode"] for body in result.bodies] == ["RESELLER"]
    assert result.bodies[0]["line1"] == "100 Ravine Lane"
    assert [item.customers for item in result.held] == [("C-2",), ("C-3",)]
    assert client.calls == []
