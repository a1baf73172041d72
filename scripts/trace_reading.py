"""Show which certpreflight modules one ``validate()`` call passes through, in order.

Usage (from the repository root)::

    python scripts/trace_reading.py            # a clean certificate, a dirty one, a customer
    python scripts/trace_reading.py '{"id": "1", "regions": "WA, OR"}'

Each line is a call from one module into another (``engine -> reading.reader``); calls
within a module and into the rules (one per check) are left out, so what remains is the
way a payload is read. ``docs/architecture.md`` explains each step.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from types import FrameType
from typing import Any

from certpreflight import validate

_ROOT = "certpreflight."
_CLEAN = {
    "id": "1",
    "exempt_reason": "G",
    "regions": ["WA"],
    "effective_date": "2026-01-15",
    "tax_id": "601234567",
    "customers": [
        {
            "customer_number": "C-1",
            "name": "Acme",
            "address_line1": "1 Main St",
            "city": "Seattle",
            "region": "WA",
            "postal_code": "98101",
            "country": "US",
        }
    ],
}


def trace(payload: Any) -> list[str]:
    """The module-to-module calls of one validate() of ``payload``."""
    validate(payload, today=dt.date(2026, 12, 1))  # warm: imports, caches, compiled readers
    steps: list[str] = []

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event != "call":
            return
        callee = frame.f_globals.get("__name__", "")
        caller_frame = frame.f_back
        caller = caller_frame.f_globals.get("__name__", "") if caller_frame else ""
        if not callee.startswith(_ROOT) or callee == caller:
            return
        if callee.startswith(_ROOT + "rules.") or caller.startswith(_ROOT + "rules."):
            return
        step = f"{caller.removeprefix(_ROOT)} -> {callee.removeprefix(_ROOT)}"
        if not steps or steps[-1] != step:
            steps.append(step)

    sys.setprofile(profile)
    try:
        validate(payload, today=dt.date(2026, 12, 1))
    finally:
        sys.setprofile(None)
    return steps


def main(argv: list[str]) -> int:
    """Print the calls for the given payloads (JSON), or for three examples."""
    dirty = {**_CLEAN, "regions": "WA, OR", "effective_date": "03/04/2026"}
    customer = {"customerCode": "C-1", "name": "Acme", "line1": "", "city": "Seattle"}
    payloads = [json.loads(a) for a in argv] or [_CLEAN, dirty, customer]
    for payload in payloads:
        print(json.dumps(payload)[:90])
        for step in trace(payload):
            print(f"  {step}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
