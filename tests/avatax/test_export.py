"""export(): QueryCustomers and QueryCertificates paged through the REAL avalara SDK, against the
local stand-in for AvaTax, into the file a sync plan reads."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from certpreflight import plan
from certpreflight.avatax import ExportError, export
from certpreflight.cli import main
from tests.avatax.conftest import FakeAvaTax
from tests.plan.shapes import (
    C1,
    C2,
    C_OLD,
    CERT_11,
    CERT_12,
    CERT_13,
    COMPANY,
    TODAY,
    source_from_export,
)

avalara = pytest.importorskip(
    "avalara", reason="the AvaTax SDK is not installed: pip install -e '.[dev,avatax]'"
)

CUSTOMERS = f"/api/v2/companies/{COMPANY}/customers"
CERTIFICATES = f"/api/v2/companies/{COMPANY}/certificates"


def _client(url: str) -> Any:
    client = avalara.AvataxClient("certpreflight-tests", "1.0", "pytest", url, timeout_limit=5)
    return client.add_credentials("user", "secret")


def cli(*argv: str) -> tuple[int, str, str]:
    """Run ``certpreflight`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def _queries(server: FakeAvaTax) -> list[str]:
    return [r.path for r in server.received if r.method == "GET"]


def test_export_pages_both_queries_and_writes_the_pages_as_avatax_returned_them(
    avatax_server: FakeAvaTax, tmp_path: Path
) -> None:
    """Customers then certificates, $top/$skip until @recordsetCount records came, certificates
    with $include=customers,po_numbers; the file is a JSON array of the FetchResult pages."""
    avatax_server.held[CUSTOMERS] = [C1, C2, C_OLD]
    avatax_server.held[CERTIFICATES] = [CERT_11, CERT_12, CERT_13]
    path = tmp_path / "export.json"
    result = export(_client(avatax_server.url), COMPANY, str(path), page_size=2)
    assert (result.customers, result.certificates, result.pages) == (3, 3, 4)
    include = "&%24include=customers%2Cpo_numbers"
    assert _queries(avatax_server) == [
        f"{CUSTOMERS}?%24top=2&%24skip=0",
        f"{CUSTOMERS}?%24top=2&%24skip=2",
        f"{CERTIFICATES}?%24top=2&%24skip=0{include}",
        f"{CERTIFICATES}?%24top=2&%24skip=2{include}",
    ]
    pages = json.loads(path.read_text(encoding="utf-8"))
    assert [p["@recordsetCount"] for p in pages] == [3, 3, 3, 3]
    assert [len(p["value"]) for p in pages] == [2, 1, 2, 1]
    assert "@nextLink" in pages[0]
    assert "@nextLink" not in pages[1]
    assert [r for p in pages for r in p["value"]] == [C1, C2, C_OLD, CERT_11, CERT_12, CERT_13]


def test_an_ndjson_path_gets_a_page_a_line(avatax_server: FakeAvaTax, tmp_path: Path) -> None:
    """export.ndjson: each line one FetchResult page, read by plan like the JSON array."""
    avatax_server.held[CUSTOMERS] = [C1, C2, C_OLD]
    avatax_server.held[CERTIFICATES] = [CERT_11, CERT_12, CERT_13]
    path = tmp_path / "export.ndjson"
    assert export(_client(avatax_server.url), COMPANY, str(path), page_size=2).pages == 4
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [len(json.loads(line)["value"]) for line in lines] == [2, 1, 2, 1]
    source = tmp_path / "source.json"
    source.write_text(json.dumps(source_from_export()), encoding="utf-8")
    code, out, _ = cli("plan", str(source), "--against", str(path), "--today", "2026-11-01")
    assert (code, out) == (0, "No changes: the source matches what Avalara holds (6 unchanged).\n")


def test_a_plan_against_the_export_of_the_same_records_plans_nothing(
    avatax_server: FakeAvaTax, tmp_path: Path
) -> None:
    """What export() writes is what plan() reads: the records Avalara holds, sent again,
    change nothing, and the links came with the certificates ($include=customers)."""
    avatax_server.held[CUSTOMERS] = [C1, C2, C_OLD]
    avatax_server.held[CERTIFICATES] = [CERT_11, CERT_12, CERT_13]
    path = tmp_path / "export.json"
    export(_client(avatax_server.url), COMPANY, str(path))
    pages = json.loads(path.read_text(encoding="utf-8"))
    result = plan(source_from_export(), pages, today=TODAY)
    assert not result.changed
    assert result.counts()["unchanged"] == 6
    moved = [*source_from_export()[:3], {**CERT_11, "customers": [{"customerCode": "C-1002"}]}]
    actions = {(a.action, a.key, a.customer) for a in plan(moved, pages, today=TODAY).actions}
    assert {("link", "11", "C-1002"), ("unlink", "11", "C-1001")} <= actions


def test_an_empty_company_exports_two_empty_pages(
    avatax_server: FakeAvaTax, tmp_path: Path
) -> None:
    """No customers, no certificates: one empty page each, and a plan of creates."""
    path = tmp_path / "export.json"
    result = export(_client(avatax_server.url), COMPANY, str(path))
    assert (result.customers, result.certificates, result.pages) == (0, 0, 2)
    pages = json.loads(path.read_text(encoding="utf-8"))
    assert pages == [{"@recordsetCount": 0, "value": []}] * 2
    assert plan(source_from_export(), pages, today=TODAY).counts()["create"] == 6


def test_an_error_page_raises_with_avatax_s_findings_and_writes_nothing(
    avatax_server: FakeAvaTax, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 401 on the second query: ExportError with AvaTax's message, the file left as it was
    (a plan against half an export would orphan the rest), no record in the log."""
    avatax_server.held[CUSTOMERS] = [C1]
    avatax_server.reply(200, {"@recordsetCount": 1, "value": [C1]})
    avatax_server.reply(
        401,
        {"error": {"code": "AuthenticationException", "message": "Authentication failed.",
                   "details": [{"code": "AuthenticationException", "number": 34,
                                "message": "Authentication failed.", "severity": "Error"}]}},
    )  # fmt: skip
    path = tmp_path / "export.json"
    path.write_text("earlier export", encoding="utf-8")
    with caplog.at_level(logging.DEBUG), pytest.raises(ExportError) as raised:
        export(_client(avatax_server.url), COMPANY, str(path))
    assert raised.value.status == 401
    assert [f.code for f in raised.value.findings] == [2900]
    assert "Authentication failed." in str(raised.value)
    assert path.read_text(encoding="utf-8") == "earlier export"
    assert "Acme" not in caplog.text


def test_no_answer_is_an_export_error(tmp_path: Path) -> None:
    """A refused connection: ExportError with the unreachable finding (5900), no file."""
    path = tmp_path / "export.json"
    with pytest.raises(ExportError) as raised:
        export(_client("http://127.0.0.1:9"), COMPANY, str(path))
    assert raised.value.status is None
    assert [f.code for f in raised.value.findings] == [5900]
    assert not path.exists()


def test_a_client_that_logs_bodies_is_refused(tmp_path: Path) -> None:
    """The export holds names and addresses: a client that logs bodies is refused."""
    client = _client("http://127.0.0.1:9")
    client.is_log_req_resp_allowed = True
    with pytest.raises(ValueError, match="is_log_req_resp_allowed"):
        export(client, COMPANY, str(tmp_path / "x.json"))


def test_export_command_writes_the_file_plan_reads(
    tmp_path: Path, avatax_server: FakeAvaTax, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`certpreflight export ID -o FILE --environment URL`: credentials from the environment,
    the pages written, then `plan --against FILE` plans nothing for the same records."""
    avatax_server.held[f"/api/v2/companies/{COMPANY}/customers"] = [C1, C2, C_OLD]
    avatax_server.held[f"/api/v2/companies/{COMPANY}/certificates"] = [CERT_11, CERT_12, CERT_13]
    monkeypatch.setenv("AVATAX_USERNAME", "user")
    monkeypatch.setenv("AVATAX_PASSWORD", "secret")
    target = tmp_path / "export.json"
    code, out, err = cli(
        "export", str(COMPANY), "-o", str(target), "--environment", avatax_server.url
    )
    assert (code, err) == (0, "")
    assert out == f"{target}: 3 customers, 3 certificates in 2 pages\n"
    assert avatax_server.received[0].headers["Authorization"].startswith("Basic ")
    source = tmp_path / "source.json"
    source.write_text(json.dumps(source_from_export()), encoding="utf-8")
    code, out, _ = cli("plan", str(source), "--against", str(target), "--today", "2026-11-01")
    assert (code, out) == (0, "No changes: the source matches what Avalara holds (6 unchanged).\n")


def test_export_command_without_credentials_or_with_an_error(
    tmp_path: Path, avatax_server: FakeAvaTax, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No credentials: exit 2; AvaTax answers 401: exit 1 with its message, no file."""
    monkeypatch.delenv("AVATAX_USERNAME", raising=False)
    target = tmp_path / "export.json"
    code, _, err = cli("export", "1", "-o", str(target), "--environment", avatax_server.url)
    assert code == 2
    assert "AVATAX_USERNAME" in err
    monkeypatch.setenv("AVATAX_USERNAME", "user")
    monkeypatch.setenv("AVATAX_PASSWORD", "wrong")
    avatax_server.reply(401, {"error": {"code": "AuthenticationException",
                                        "message": "Authentication failed."}})  # fmt: skip
    code, _, err = cli("export", "1", "-o", str(target), "--environment", avatax_server.url)
    assert code == 1
    assert "Authentication failed." in err
    assert not target.exists()
