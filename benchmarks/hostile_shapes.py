"""Hostile NDJSON files for the memory figures of docs/performance.md (issue 24).

``python -m benchmarks.hostile_shapes SHAPE N > FILE`` writes N lines of one shape, each
just under 1 MiB (the default ``--max-line-bytes``), then measure with
``/usr/bin/time -f '%e s %M KB' certpreflight check FILE --format json -o out.json``:

* ``regions``: 1,000 exposure-zone names of about 890 characters (a real name padded with
  spaces and a number), so every region is looked up and none resolves;
* ``manycustomers``: 30,000 customers given by code only (cut to ``max_items``);
* ``customers``: 1,000 customers with long addresses and a problem in every field.
"""

from __future__ import annotations

import json
import sys
from typing import Any

_NAMES = ("Washington", "Oregon", "New Hampshire", "Texas", "Ohio", "Quebec", "Ontario", "Montana")
_CUSTOMER = {
    "customer_number": "C1",
    "name": "n",
    "address_line1": "a",
    "city": "c",
    "region": "WA",
    "postal_code": "98101",
    "country": "US",
}


def line(shape: str, i: int) -> dict[str, Any]:
    """The ``i``-th record of ``shape``."""
    base: dict[str, Any] = {"id": f"R{i}", "exempt_reason": "G", "regions": ["WA"]}
    if shape == "regions":
        names = [" " * 880 + _NAMES[j % len(_NAMES)] + f" {j}" for j in range(1000)]
        return {**base, "regions": names, "customers": [_CUSTOMER]}
    if shape == "manycustomers":
        return {**base, "customers": [{"customer_number": f"{j}"} for j in range(30_000)]}
    if shape == "customers":
        bad = {"name": "", "address_line1": "x" * 400, "address_line2": "y" * 300, "city": ""}
        customers = [
            {
                "customer_number": f"C{i}-{j}",
                **bad,
                "region": "ZZ",
                "postal_code": "1",
                "country": "US",
            }
            for j in range(1000)
        ]
        return {**base, "customers": customers}
    raise SystemExit(f"unknown shape {shape!r}: regions, manycustomers or customers")


def main() -> None:
    shape, count = sys.argv[1], int(sys.argv[2])
    for i in range(count):
        sys.stdout.write(json.dumps(line(shape, i)) + "\n")


if __name__ == "__main__":
    main()
