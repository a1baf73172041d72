"""The one request the AvaTax senders make: a POST of JSON bodies, bounded and never redirected.

The SDK's methods call ``requests.post`` (docs/sources.md#sdk-behaviours), which follows
redirects (a POST answered 302 or 303 is sent again as a GET, whose ``200 []`` would read as
"created") and bounds each socket read only (a reply that drips in, a byte at a time, takes
as long as the server likes). :func:`send` sends what the SDK method would send (its
URL, credentials and ``X-Avalara-Client`` header) with ``requests`` too, but:

* ``allow_redirects=False``: a 3xx is the answer, judged as such by the caller;
* ``timeout`` bounds the whole exchange: a timer shuts the connection's socket down at the
  deadline, which ends a read in progress, and the call raises ``requests``'
  ``ReadTimeout``. The connect timeout is the same; a name lookup (DNS) is not bounded by
  it (Python's resolver takes no timeout), nor a TLS handshake beyond each read's timeout.

Imported only when a sender is given an ``avalara.AvataxClient``: ``requests`` is the SDK's
dependency, not certpreflight's.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from importlib import metadata
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

__all__ = ["send"]


class _Deadline:
    """Shuts down the sockets it is given when ``seconds`` have passed."""

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.fired = False
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    """End every read on ``sock`` now (the plain socket's shutdown, also for a TLS socket:
    the file descriptor's, so a read in another thread returns at once)."""
    with suppress(OSError):  # closed already
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


#: The deadline of the call in progress in this thread (or task), if any.
_DEADLINE: ContextVar[_Deadline | None] = ContextVar("certpreflight_avatax_deadline", default=None)


class _Watched:
    """A urllib3 connection whose socket the call's deadline watches once it is connected."""

    sock: socket.socket | None

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]  # (mixed into urllib3's connections)
        deadline = _DEADLINE.get()
        if deadline is not None:
            deadline.watch(self.sock)


class _Connection(_Watched, HTTPConnection):
    pass


class _TLSConnection(_Watched, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


def _watched_pools(manager: PoolManager) -> PoolManager:
    manager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}
    return manager


class _Adapter(HTTPAdapter):
    """requests' adapter whose connections (direct or through a proxy) are watched."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watched_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        return _watched_pools(super().proxy_manager_for(proxy, **proxy_kwargs))


@contextmanager
def _deadline(seconds: float) -> Iterator[_Deadline]:
    deadline = _Deadline(seconds)
    token = _DEADLINE.set(deadline)
    try:
        yield deadline
    finally:
        _DEADLINE.reset(token)
        deadline.cancel()


def _sdk_version() -> str:
    """The SDK's version, which its methods write into ``X-Avalara-Client``."""
    try:
        return metadata.version("Avalara")
    except metadata.PackageNotFoundError:
        return "unknown"


def send(
    client: Any,
    method: str,
    path: str,
    timeout: float | None,
    *,
    bodies: Any = None,
    params: dict[str, Any] | None = None,
) -> requests.Response:
    """``method`` ``client.base_url + path`` (``bodies`` as JSON for a POST, ``params`` as the
    query of a GET) with the client's credentials and headers, as its SDK method would,
    without redirects, the whole call within ``timeout`` seconds (None: the client's
    ``timeout_limit``, else the SDK's 1,200).

    Raises ``requests``' exceptions (``OSError`` subclasses): ``ReadTimeout`` when the
    deadline ended the call.
    """
    if timeout is None:
        timeout = float(getattr(client, "timeout_limit", None) or 1200)
    headers: dict[str, str] = dict(getattr(client, "client_header", None) or {})
    if "X-Avalara-Client" in headers:  # as the SDK's methods fill it in
        headers["X-Avalara-Client"] = str(client.client_id).replace("API_VERSION", _sdk_version())
    started = time.monotonic()
    with requests.Session() as session, _deadline(timeout) as deadline:
        adapter = _Adapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        try:
            response = session.request(
                method,
                f"{client.base_url}{path}",
                json=bodies,
                params=params,
                auth=getattr(client, "auth", None),
                headers=headers,
                timeout=(timeout, timeout),
                allow_redirects=False,
            )
        except OSError as exc:
            if deadline.fired:
                raise _timed_out(timeout, started) from exc
            raise
        if deadline.fired:  # the reply was cut at the deadline: not the whole reply
            raise _timed_out(timeout, started)
        return response


def _timed_out(timeout: float, started: float) -> requests.exceptions.ReadTimeout:
    waited = time.monotonic() - started
    return requests.exceptions.ReadTimeout(
        f"no complete reply within {timeout:g} s (stopped after {waited:.1f} s)"
    )
