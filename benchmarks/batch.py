"""Record kinds and batches: ``python -m benchmarks.batch [--n N] [--records R]``.

Measured in one run, so the ratios hold on a noisy machine:

* the cost of kind detection: ``validate()`` on the certificate corpus with ``kind=None``
  (detected) against ``kind="certificate"`` (named), best of ``--repeat``;
* customer records and links alone, per record;
* ``validate_batch()`` of ``--records`` records (a third each customers, certificates
  linking them by code, and links), in a child process: its time and peak RSS, against the
  same count of records through ``validate_many()`` (no join) in another child.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from benchmarks.generate import certificates
from certpreflight import validate

TODAY = dt.date(2026, 11, 21)


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def sync_records(count: int) -> Iterator[dict[str, Any]]:
    """``count`` records of one sync: customers, certificates linking them by code, links."""
    for i in range(count):
        code = f"C-{i // 3:07d}"
        if i % 3 == 0:
            yield {
                "companyId": 1,
                "customerCode": code,
                "name": f"Customer {i} Supply",
                "line1": f"{i % 9000 + 1} Main St",
                "city": "Seattle" if i % 7 else "",
                "region": "WA",
                "postalCode": "98101",
                "country": "US",
            }
        elif i % 3 == 1:
            yield {
                "id": i,
                "signedDate": "2026-01-15",
                "exemptionReason": {"name": "RESALE"},
                "exposureZone": {"name": "Washington"},
                "exemptionNumber": "601234567",
                "customers": [{"companyId": 1, "customerCode": code}],
            }
        else:
            yield {"certificate_id": str(i - 1), "customers": [code]}


_CHILD = """
import resource, sys, time
from benchmarks.batch import sync_records
from certpreflight import validate_batch, validate_many
n, how = int(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
if how == "batch":
    done = len(validate_batch(sync_records(n), today=None).reports)
else:
    done = sum(1 for _ in validate_many(sync_records(n)))
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, done)
"""


def _child(records: int, how: str) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(records), how],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert int(out[2]) == records
    return float(out[0]), int(out[1]) / 1024


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch", description=__doc__)
    parser.add_argument("--n", type=int, default=20_000, help="certificates for detection")
    parser.add_argument("--records", type=int, default=1_000_000, help="records in the batch")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    corpus = list(certificates(args.n))
    others = [r for r in sync_records(3 * 2_000) if "certificate_id" in r or "name" in r]
    validate(corpus[0], today=TODAY)

    named = _best(
        lambda: [validate(p, today=TODAY, kind="certificate") for p in corpus], args.repeat
    )
    detected = _best(lambda: [validate(p, today=TODAY) for p in corpus], args.repeat)
    records = _best(lambda: [validate(p, today=TODAY) for p in others], args.repeat)
    print(f"Kinds, {args.n:,} certificates of the 3-dialect corpus (best of {args.repeat}):")
    print(f"  kind='certificate' (named)   {named / args.n * 1e6:6.2f} µs a certificate")
    print(f"  kind=None (detected)         {detected / args.n * 1e6:6.2f} µs a certificate "
          f"({detected / named:.3f}x)")  # fmt: skip
    print(f"  customer records and links   {records / len(others) * 1e6:6.2f} µs a record")

    many_s, many_mib = _child(args.records, "many")
    batch_s, batch_mib = _child(args.records, "batch")
    print(
        f"\nBatch of {args.records:,} records (customers, certificates, links), one process each:"
    )
    print(f"  validate_many (no join)   {many_s:6.1f} s  peak RSS {many_mib:7.1f} MiB")
    print(f"  validate_batch            {batch_s:6.1f} s  peak RSS {batch_mib:7.1f} MiB "
          f"({batch_s / many_s:.2f}x time)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
