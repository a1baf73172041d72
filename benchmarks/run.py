"""One command for every figure of the performance issue: ``python -m benchmarks``.

Measured in the same run, so ratios hold on a noisy machine:

(a) bare pydantic: a plain model with the same fields validating the same
    certificates (native dialect: a plain model has no dialect mapping);
(b) ``validate()`` one call per certificate (native, and the three-dialect mix);
(c) ``validate_many()`` over the mix;
(d) the CLI on an NDJSON file with ``--jobs 1`` and ``--jobs 2``;
plus the ratio (b)/(a) and the CLI's peak RSS on 100k and 1M lines.

``--quick`` uses small sizes (a smoke test); ``--skip-cli`` skips (d) and RSS.
Each timing is the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from benchmarks.generate import certificates, native_certificates
from benchmarks.generate import main as generate_main
from certpreflight import validate, validate_many

TODAY = dt.date(2026, 11, 21)


class PlainCustomer(BaseModel):
    """The customer fields as a plain pydantic model (no dialects, no validators)."""

    customer_number: str | None = None
    name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


class PlainCertificate(BaseModel):
    """The certificate fields as a plain pydantic model: the baseline (a)."""

    id: str | None = None
    exempt_reason: str | None = None
    regions: list[str] = []
    effective_date: dt.date | None = None
    expiration_date: dt.date | None = None
    single_use: bool = False
    po_numbers: list[str] = []
    tax_id: str | None = None
    exempt_percentage: float | None = None
    customers: list[PlainCustomer] = []


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>10,.0f} certificates/s"


def library(n: int, repeat: int) -> dict[str, float]:
    """Rates (certificates/s) of (a), (b) native, (b) mixed and (c)."""
    native = list(native_certificates(n))
    mixed = list(certificates(n))

    def bare() -> None:
        for p in native:
            PlainCertificate.model_validate(p)

    def one_native() -> None:
        for p in native:
            validate(p, today=TODAY)

    def one_mixed() -> None:
        for p in mixed:
            validate(p, today=TODAY)

    def many() -> None:
        for _ in validate_many(mixed, today=TODAY):
            pass

    validate(native[0], today=TODAY)  # load the matrix and caches outside the timings
    return {
        name: n / _best(fn, repeat)
        for name, fn in [("bare", bare), ("validate_native", one_native),
                         ("validate_mixed", one_mixed), ("validate_many", many)]
    }  # fmt: skip


def _write_ndjson(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        old, sys.stdout = sys.stdout, handle
        try:
            generate_main([str(n)])
        finally:
            sys.stdout = old


def _cli(path: Path, jobs: int) -> tuple[float, int]:
    """(seconds, peak RSS in KiB of the CLI process tree's largest process)."""
    code = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        " r.returncode)"
    )
    cmd = [sys.executable, "-m", "certpreflight", "check", str(path), "--format", "json",
           "--today", TODAY.isoformat(), "--jobs", str(jobs)]  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True,
                         check=True).stdout.split()  # fmt: skip
    if out[2] not in ("0", "1"):
        raise RuntimeError(f"CLI failed with exit code {out[2]}")
    return float(out[0]), int(out[1])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    parser.add_argument("--skip-cli", action="store_true", help="library figures only")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    n_lib = 2_000 if args.quick else 30_000
    n_cli = 5_000 if args.quick else 200_000
    rss_sizes = (2_000, 20_000) if args.quick else (100_000, 1_000_000)

    print(f"certpreflight benchmarks on {platform.node()} ({platform.machine()}, "
          f"{os.cpu_count()} CPUs), Python {platform.python_version()}, "
          f"{dt.datetime.now().isoformat(timespec='minutes')}")  # fmt: skip
    rates = library(n_lib, args.repeat)
    print(f"\nLibrary, {n_lib:,} certificates (best of {args.repeat}):")
    print(f"  (a) bare pydantic model, native      {_rate(1, 1 / rates['bare'])}")
    print(f"  (b) validate(), native               {_rate(1, 1 / rates['validate_native'])}")
    print(f"  (b) validate(), 3-dialect mix        {_rate(1, 1 / rates['validate_mixed'])}")
    print(f"  (c) validate_many(), 3-dialect mix   {_rate(1, 1 / rates['validate_many'])}")
    print(f"  cost of validate() vs bare model, native: "
          f"{rates['bare'] / rates['validate_native']:.2f}x (target <= 4x)")  # fmt: skip
    print(f"  cost of validate() vs bare model, mix:    "
          f"{rates['bare'] / rates['validate_mixed']:.2f}x")  # fmt: skip
    if args.skip_cli:
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "certs.ndjson"
        _write_ndjson(path, n_cli)
        t1, _ = _cli(path, 1)
        t2, _ = _cli(path, 2)
        print(f"\nCLI `check --format json`, {n_cli:,} NDJSON lines:")
        print(f"  (d) --jobs 1   {t1:6.2f} s  {_rate(n_cli, t1)}")
        print(f"  (d) --jobs 2   {t2:6.2f} s  {_rate(n_cli, t2)}   speed-up {t1 / t2:.2f}x "
              f"(target >= 1.6x)")  # fmt: skip
        print(f"  projected 1M lines with --jobs 2: {t2 * 1_000_000 / n_cli:.1f} s (target < 20 s)")
        rss = []
        for size in rss_sizes:
            _write_ndjson(path, size)
            seconds, kib = _cli(path, 2)
            rss.append(kib)
            print(
                f"  peak RSS, {size:>9,} lines, --jobs 2: {kib / 1024:7.1f} MiB  ({seconds:.1f} s)"
            )
        print(f"  RSS ratio {rss_sizes[1]:,} / {rss_sizes[0]:,} lines: {rss[1] / rss[0]:.2f}x "
              f"(target <= 1.2x, < 200 MiB)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
