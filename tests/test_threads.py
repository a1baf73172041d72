"""validate() is thread-safe: shared matrix, lru caches and contexts give the serial results."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from certpreflight import Report, validate
from tests.conftest import (
    AVATAX_CERTIFICATE,
    CERTCAPTURE_CERTIFICATE,
    TODAY,
    cert,
    customer,
)

OPTIONS: list[dict[str, Any]] = [
    {},
    {"select": ["2", "3"]},
    {"ignore": ["Status"]},
    {"profile": "avatax"},
    {"options": {"max_value_chars": 50}},
]


def _payloads() -> list[Any]:
    """A mix of clean and broken payloads: mappings, JSON text and bytes, in every dialect."""
    base: list[Any] = [
        cert(),
        AVATAX_CERTIFICATE,
        CERTCAPTURE_CERTIFICATE,
        cert(regions=["WA", "NH", "Atlantis"], effective_date="banana"),
        cert(customers=[customer(name="", address_line1="z" * 60), customer(city=None)]),
        cert(exempt_percentage=float("nan"), tax_id=10**500),
        cert(customers=[customer(name="A" * 20_000)]),
        '{"id": "1", "regions": ["WA"',
        "[1, 2]",
        '{"regions": ' + "[" * 40 + "]" * 40 + "}",
        b'{"id": "\xff"}',
    ]
    texts = [json.dumps(p) for p in base if isinstance(p, dict) and "exempt_percentage" in p]
    return base + texts


def _job(i: int, payloads: list[Any]) -> Report:
    payload = payloads[i % len(payloads)]
    kwargs = OPTIONS[(i // len(payloads)) % len(OPTIONS)]
    return validate(payload, today=TODAY, **kwargs)


def test_eight_threads_give_the_serial_results() -> None:
    """4,000 validations on 8 threads equal the same validations run one by one."""
    payloads = _payloads()
    n = 4_000
    serial = [_job(i, payloads) for i in range(n)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(_job, range(n), [payloads] * n))
    assert threaded == serial
    assert {r.ok for r in serial} == {True, False}
