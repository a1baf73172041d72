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
    headers: dict[str, str] = field(default_factory=dict)
    drip: float = 0.0  # seconds between the bytes of the body (a reply that drips in)


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
        self,
        status: int,
        body: Any = None,
        *,
        correlation_id: bool = True,
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
        drip: float = 0.0,
    ) -> None:
        """Queue the answer to the next request (default: 201 echoing the bodies with ids)."""
        self.replies.append(Reply(status, body, correlation_id, delay, headers or {}, drip))


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
        """A query (a FetchResult page of ``held`` when no reply is queued), or what a
        redirected POST becomes in a client that follows redirects (a queued reply)."""
        fake = self.server.fake
        url = urlsplit(self.path)
        page = Reply(200, fetch_result(url.path, fake.held.get(url.path, []), parse_qs(url.query)))
        self._answer("GET", b"", page)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._answer("POST", raw, Reply(201))

    def _answer(self, method: str, raw: bytes, default: Reply) -> None:
        """Record the request; answer the next queued reply, else ``default`` (a 2xx without
        a body echoes the bodies sent, with ids)."""
        fake = self.server.fake
        fake.received.append(Received(method, self.path, dict(self.headers.items()), raw))
        reply = fake.replies.pop(0) if fake.replies else default
        fake.closing.wait(reply.delay)
        body = reply.body
        if body is None and reply.status < 300:
            body = [{"id": 1000 + i, **b} for i, b in enumerate(json.loads(raw or b"[]"))]
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if reply.correlation_id:
            self.send_header("x-correlation-id", str(uuid.uuid4()))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not reply.drip:
            self.wfile.write(data)
            return
        for byte in data:  # a byte at a time, until the client hangs up or the test ends
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                return
            if fake.closing.wait(reply.drip):
                return

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
