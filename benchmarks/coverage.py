"""Exemption coverage: ``python -m benchmarks.coverage [--certificates C] [--transactions T]``.

``certpreflight coverage --transactions`` over ``T`` transactions (NDJSON, AvaTax
``CreateTransactionModel`` bodies) against ``C`` certificates (NDJSON, AvaTax
``CertificateModel`` bodies, customers by code), in a child process: seconds (the index, the
decisions, the JSON report written to /dev/null) and peak RSS, which stays bounded by the
certificates held whatever the number of transactions (measured at ``T`` and ``T / 10``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STATES = ("WA", "TX", "OH", "GA", "NC", "MI", "IN", "KY", "TN", "UT")
#: AvaTax names an exposure zone by the state's name (rule 3005 says so of a code).
ZONES = dict(
    zip(
        STATES,
        (
            "Washington",
            "Texas",
            "Ohio",
            "Georgia",
            "North Carolina",
            "Michigan",
            "Indiana",
            "Kentucky",
            "Tennessee",
            "Utah",
        ),
        strict=True,
    )
)


def _day(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


_FIRST = dt.date(2024, 1, 1).toordinal()
#: AvaTax entity use codes (G resale, E charitable, A federal government) and one that
#: forces tax, for the sales that carry one.
_USE_CODES = ("G", "E", "A", "TAXABLE")
#: ZIP codes in some of STATES, for ship-tos that give a ZIP and no region.
_ZIPS = ("98101", "75201", "43215", "30303", "27601")


def certificate_bodies(count: int) -> Iterator[dict[str, Any]]:
    """``count`` AvaTax certificates: one customer each, one region (AvaTax's one
    exposure zone), signed in 2024, a tenth expired, one in 50 single-use, one in
    97 partial."""
    rng = random.Random(26)
    for i in range(count):
        signed = _FIRST + rng.randrange(366)
        body: dict[str, Any] = {
            "id": i + 1,
            "signedDate": _day(signed),
            "expirationDate": _day(signed + (rng.randrange(200, 500) if i % 10 == 0 else 1461)),
            "filename": f"{i + 1}.pdf",
            "exemptionNumber": f"60{rng.randrange(10**7):07d}",
            "exemptionReason": {"name": "RESALE"},
            "exposureZone": {"name": ZONES[STATES[i % len(STATES)]]},
            "isSingleCertificate": i % 50 == 0,
            "poNumbers": [{"poNumber": f"PO-{i}"}] if i % 50 == 0 else [],
            "exemptPercentage": 50 if i % 97 == 0 else 100,
            "customers": [{"companyId": 1, "customerCode": f"C-{i:07d}"}],
        }
        yield body


def _ship_to(state: str, rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.03:  # a ZIP and no region: read to its state
        return {"line1": f"{rng.randrange(1, 9999)} Main St", "postalCode": rng.choice(_ZIPS),
                "country": "US"}  # fmt: skip
    return {
        "line1": f"{rng.randrange(1, 9999)} Main St",
        "city": "Anytown",
        "region": state,
        "country": "US",
        "postalCode": f"{rng.randrange(10000, 99999)}",
    }


def transaction_bodies(count: int, customers: int) -> Iterator[dict[str, Any]]:
    """``count`` AvaTax transactions of ``customers`` customers picked at random: dated
    in 2025 and 2026 (one in 100 in 2024, before most certificates), shipped mostly to
    the certificate's state (one in seven elsewhere, some by ZIP alone, some as
    singleLocation), one to five lines of varied amounts (one line in 100 shipped to a
    state of its own), one in 101 with the code in lower case, one in 40 with an entity
    use code, one in 200 with an exemptionNo, a PO number on most."""
    rng = random.Random(62)
    for i in range(count):
        n = rng.randrange(customers)
        state = STATES[n % len(STATES)] if rng.random() > 1 / 7 else rng.choice(STATES)
        ship = _ship_to(state, rng)
        single = rng.random() < 0.05
        addresses: dict[str, Any] = (
            {"singleLocation": ship}
            if single
            else {
                "shipFrom": {
                    "line1": "2000 Main Street",
                    "city": "Irvine",
                    "region": "CA",
                    "country": "US",
                    "postalCode": "92614",
                },
                "shipTo": ship,
            }
        )
        lines = []
        for number in range(1, rng.randrange(2, 7)):
            line: dict[str, Any] = {
                "number": str(number),
                "quantity": rng.randrange(1, 20),
                "amount": round(rng.uniform(1, 2000), 2),
                "taxCode": rng.choice(("P0000000", "PC040100", "SW052000")),
                "itemCode": f"SKU-{rng.randrange(10**5)}",
            }
            if rng.random() < 0.01:
                line["addresses"] = {"shipTo": _ship_to(rng.choice(STATES), rng)}
            lines.append(line)
        body: dict[str, Any] = {
            "type": "SalesInvoice",
            "companyCode": "DEFAULT",
            "code": f"INV-{i}",
            "date": _day(
                _FIRST + (rng.randrange(366) if i % 100 == 9 else rng.randrange(366, 1096))
            ),
            "customerCode": f"c-{n:07d}" if i % 101 == 0 else f"C-{n:07d}",
            "addresses": addresses,
            "lines": lines,
            "commit": False,
            "currencyCode": "USD",
        }
        if rng.random() < 0.9:
            body["purchaseOrderNo"] = (
                f"PO-{n}" if rng.random() < 0.5 else f"PO-{rng.randrange(10**6)}"
            )
        if i % 40 == 3:
            body["entityUseCode"] = rng.choice(_USE_CODES)
        if i % 200 == 5:
            body["exemptionNo"] = f"EX-{rng.randrange(10**6)}"
        yield body


def _write(path: Path, bodies: Iterator[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for body in bodies:
            handle.write(json.dumps(body) + "\n")


_CHILD = """
import io, resource, sys, time
from certpreflight.cli import main
start = time.perf_counter()
with open(sys.argv[3], "w") as out:
    code = main(["coverage", sys.argv[1], "--transactions", sys.argv[2], "--format", "json",
                 "--today", "2026-11-21"], out=out, err=io.StringIO())
usage = resource.getrusage(resource.RUSAGE_SELF)
print(time.perf_counter() - start, usage.ru_maxrss, code, usage.ru_utime + usage.ru_stime)
"""


def run(certificates: Path, transactions: Path) -> tuple[float, float, float]:
    """(seconds, peak RSS in MiB, CPU seconds) of one ``coverage --transactions`` run, in a
    child (CPU seconds: what one core spends, on a machine shared with other work)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(certificates), str(transactions), os.devnull],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    if out[2] not in ("0", "1"):
        raise RuntimeError(f"coverage exited {out[2]}")
    return float(out[0]), int(out[1]) / 1024, float(out[3])


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.coverage", description=__doc__)
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        certs, small, large, none = (
            Path(tmp) / n for n in ("c.ndjson", "t1.ndjson", "t2.ndjson", "t0.ndjson")
        )
        none.write_text("", encoding="utf-8")
        start = time.perf_counter()
        _write(certs, certificate_bodies(args.certificates))
        _write(small, transaction_bodies(args.transactions // 10, args.certificates))
        _write(large, transaction_bodies(args.transactions, args.certificates))
        made = time.perf_counter() - start
        index = run(certs, none)
        small_run = run(certs, small)
        large_run = run(certs, large)
    print(f"Coverage: {args.certificates:,} certificates, transactions generated in {made:.0f} s,"
          f" load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"  index only (no transactions)  {index[0]:6.1f} s wall {index[2]:6.1f} s CPU  "
          f"peak RSS {index[1]:7.1f} MiB")  # fmt: skip
    for n, (secs, mib, cpu) in (
        (args.transactions // 10, small_run),
        (args.transactions, large_run),
    ):
        rate = n / max(cpu - index[2], 1e-9)
        print(f"  {n:>9,} transactions     {secs:6.1f} s wall {cpu:6.1f} s CPU  "
              f"peak RSS {mib:7.1f} MiB ({rate:,.0f} transactions per CPU second after the "
              "index)")  # fmt: skip
    print(f"  (this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
