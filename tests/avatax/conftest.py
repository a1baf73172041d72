"""A local stand-in for AvaTax: a real HTTP server on 127.0.0.1 that records what reaches it."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)


@dataclass
class Reply:
    """What the server answers next."""

    status: int
    body: Any = None
    correlation_id: bool = True
    delay: float = 0.0  # seconds before answering


@dataclass
class FakeAvaTax:
    """The server's state: the requests received and the replies queued."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    #: Set when the test ends: a delayed reply stops waiting, so closing doesn't wait for it.
    closing: threading.Event = field(default_factory=threading.Event)
    #: What a GET of a path answers when no reply is queued: its records, in FetchResult
    #: pages by ``$top`` / ``$skip`` (AvaTax's paging), ``$include`` keys left out unless asked.
    held: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def reply(
        self, status: int, body: Any = None, *, correlation_id: bool = True, delay: float = 0.0
    ) -> None:
        """Queue the answer to the next request (default: 201 echoing the bodies with ids)."""
        self.replies.append(Reply(status, body, correlation_id, delay))


#: ``$include`` option -> the key it adds to a CertificateModel (QueryCertificates' docs).
INCLUDES = {"customers": "customers", "po_numbers": "poNumbers"}


def fetch_result(
    path: str, records: list[dict[str, Any]], query: dict[str, list[str]]
) -> dict[str, Any]:
    """One FetchResult page of ``records`` as AvaTax answers ``query``."""
    top = int(query.get("$top", ["1000"])[0])
    skip = int(query.get("$skip", ["0"])[0])
    asked = set(",".join(query.get("$include", [])).split(","))
    left_out = {key for option, key in INCLUDES.items() if option not in asked}
    value = [{k: v for k, v in r.items() if k not in left_out} for r in records[skip : skip + top]]
    page: dict[str, Any] = {"@recordsetCount": len(records), "value": value}
    if skip + top < len(records):
        page["@nextLink"] = f"{path}?$top={top}&$skip={skip + top}"
    return page


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        fake = self.server.fake
        fake.received.append(Received("GET", self.path, dict(self.headers.items()), b""))
        url = urlsplit(self.path)
        if fake.replies:
            reply = fake.replies.pop(0)
        else:
            records = fake.held.get(url.path, [])
            reply = Reply(200, fetch_result(url.path, records, parse_qs(url.query)))
        self._answer(reply, reply.body)

    def do_POST(self) -> None:
        fake = self.server.fake
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        fake.received.append(Received("POST", self.path, dict(self.headers.items()), raw))
        reply = fake.replies.pop(0) if fake.replies else Reply(201)
        body = reply.body
        if body is None and reply.status < 300:
            body = [{"id": 1000 + i, **b} for i, b in enumerate(json.loads(raw))]
        self._answer(reply, body)

    def _answer(self, reply: Reply, body: Any) -> None:
        self.server.fake.closing.wait(reply.delay)
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if reply.correlation_id:
            self.send_header("x-correlation-id", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


class _Server(ThreadingHTTPServer):
    fake: FakeAvaTax
    # request threads joined by server_close(), so none outlives its test (a later test's
    # --jobs would fork a process with it still running)
    daemon_threads = False


@pytest.fixture
def avatax_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAvaTax]:
    """A ThreadingHTTPServer on 127.0.0.1 (port 0), serving in a thread for one test."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeAvaTax(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server.fake
    finally:
        server.fake.closing.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
