"""One command for every figure of the performance issue: ``python -m benchmarks``.

Measured in the same run, rounds interleaved, so ratios hold on a noisy machine:

(a) bare pydantic: a plain model with the same fields validating the same
    certificates (native dialect: a plain model has no dialect mapping);
(b) ``validate()`` one call per certificate, **cold**: each round a fresh corpus (another
    seed) and a fresh ``today``, so nothing a memo learned in an earlier round helps; and
    **warm**: the same corpus checked again, every memo full. On the realistic corpus
    (the default of ``benchmarks.generate``), native and the three-dialect mix, and on
    the old ``repeats`` corpus;
(c) ``validate_many()`` over the mix, cold;
(g) the floor: ``validate()`` with one rule selected (reading and the report:
    what the pipeline costs before any rule runs, the least any rule work can leave);
(e) growth: per-certificate cost for 1, 10, 50, 200 customers and 1, 5, 20, 60 regions;
(f) startup: import, the first ``validate()`` in a process, ``certpreflight check`` on
    one certificate;
(d) the CLI on an NDJSON file and on a CSV file of the same certificates (one row per
    customer, native column names) with ``--jobs 1`` and ``--jobs 2``, and its peak RSS on
    100k and 1M lines and on a 200 MB ``.json`` array.

``--quick`` uses small sizes (a smoke test); ``--skip-cli`` skips (d).
Each timing is the best of ``--repeat`` rounds.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
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

from benchmarks.generate import certificates, native_certificates, sized_certificates
from benchmarks.generate import main as generate_main
from certpreflight import validate, validate_many

TODAY = dt.date(2026, 11, 21)

#: The one rule of the floor figure: ``validate()`` reading and reporting with a
#: single cheap rule, so what the pipeline costs before the rules (the part no faster rule
#: can remove).
FLOOR_RULE = ["2001"]


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
    tax_id_type: str | None = None
    exempt_percentage: float | None = None
    customers: list[PlainCustomer] = []


def _seconds(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>10,.0f} certificates/s"


def _us(seconds: float, n: int) -> str:
    return f"{seconds / n * 1e6:7.2f} µs"


def _check_all(items: list[Any], today: dt.date) -> None:
    for p in items:
        validate(p, today=today)


def _check_many(items: list[Any], today: dt.date) -> None:
    for _ in validate_many(items, today=today):
        pass


def _floor(items: list[Any], today: dt.date) -> None:
    for p in items:
        validate(p, today=today, select=FLOOR_RULE)


def _bare(items: list[Any]) -> None:
    for p in items:
        PlainCertificate.model_validate(p)


def library(n: int, repeat: int) -> dict[str, float]:
    """Seconds per certificate (best of ``repeat`` rounds) of every library figure.

    Each round uses fresh corpora (seed = round) and a fresh ``today`` (a new context,
    so an empty memo) for the cold figures; warm is the same corpus checked again.
    """
    best: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(best.get(name, float("inf")), seconds / n)

    validate(next(native_certificates(1)), today=TODAY)  # imports and data outside the timings
    for round_ in range(repeat):
        seed = 100 + round_
        native = list(native_certificates(n, seed))
        mixed = list(certificates(n, seed))
        repeats = list(native_certificates(n, seed, "repeats"))
        day = TODAY + dt.timedelta(days=3 * round_ + 1)  # a new context: its memo is empty
        one = dt.timedelta(days=1)
        keep("bare", _seconds(_bare, native))
        keep("cold_native", _seconds(_check_all, native, day))
        keep("floor_native", _seconds(_floor, native, day + 400 * one))
        keep("warm_native", _seconds(_check_all, native, day))
        keep("cold_mixed", _seconds(_check_all, mixed, day + one))
        keep("warm_mixed", _seconds(_check_all, mixed, day + one))
        keep("bare_repeats", _seconds(_bare, repeats))
        keep("cold_repeats", _seconds(_check_all, repeats, day + 2 * one))
        keep("warm_repeats", _seconds(_check_all, repeats, day + 2 * one))
        keep("many_mixed", _seconds(_check_many, mixed, day + 500 * one))
    return best


def growth(n: int, repeat: int) -> list[tuple[str, int, float]]:
    """(what, size, µs per certificate) for 1-200 customers and 1-60 regions, cold."""
    sizes = [("customers", k) for k in (1, 10, 50, 200)] + [("regions", k) for k in (1, 5, 20, 60)]
    found = []
    for what, size in sizes:
        count = max(100, n // size) if what == "customers" else n
        best = float("inf")
        for round_ in range(repeat):
            items = list(sized_certificates(count, seed=round_, **{what: size}))
            day = TODAY - dt.timedelta(days=1000 + 10 * size + round_)
            best = min(best, _seconds(_check_all, items, day))
        found.append((what, size, best / count * 1e6))
    return found


_STARTUP = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import certpreflight
t1, c1 = time.perf_counter(), time.process_time()
certpreflight.validate({payload})
t2, c2 = time.perf_counter(), time.process_time()
certpreflight.validate({payload})
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, c1 - c0, c2 - c1)
"""

_CHECK = """
import resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)
cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
print(time.perf_counter() - t, cpu.ru_utime + cpu.ru_stime)
"""


def startup(repeat: int) -> dict[str, float]:
    """Seconds, wall and CPU: import, the first validate(), the second; ``check`` on one
    certificate. Run with bytecode caching on (as an installed package has it), once
    before the timings so the caches exist."""
    payload = next(native_certificates(1))
    code = _STARTUP.format(payload=repr(payload))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    names = ("import", "first", "second", "import_cpu", "first_cpu", "check", "check_cpu")
    best = dict.fromkeys(names, float("inf"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        cmd = [sys.executable, "-m", "certpreflight", "check", str(path), "--today",
               TODAY.isoformat()]  # fmt: skip
        subprocess.run(cmd, stdout=subprocess.DEVNULL, env=env, check=False)  # caches
        for _ in range(repeat):
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 env=env, check=True).stdout.split()  # fmt: skip
            for name, value in zip(names[:5], out, strict=True):
                best[name] = min(best[name], float(value))
            out = subprocess.run([sys.executable, "-c", _CHECK, *cmd], capture_output=True,
                                 text=True, env=env, check=True).stdout.split()  # fmt: skip
            best["check"] = min(best["check"], float(out[0]))
            best["check_cpu"] = min(best["check_cpu"], float(out[1]))
    return best


def _write_ndjson(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        old, sys.stdout = sys.stdout, handle
        try:
            generate_main([str(n)])
        finally:
            sys.stdout = old


_CSV_CERTIFICATE = (
    "id",
    "exempt_reason",
    "regions",
    "effective_date",
    "expiration_date",
    "single_use",
    "po_numbers",
    "tax_id",
    "tax_id_type",
    "exempt_percentage",
)
_CSV_CUSTOMER = ("customer_number", "name", "address_line1", "address_line2", "city", "region",
                 "postal_code", "country")  # fmt: skip


def _csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "single" if value else "blanket"
    if isinstance(value, list):
        return ";".join(value)
    return "" if value is None else str(value)


def _write_csv(path: Path, n: int) -> None:
    """``n`` certificates of the realistic corpus in the native dialect as CSV: one row
    per customer, the certificate's columns on its first row only."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(_CSV_CERTIFICATE + _CSV_CUSTOMER)
        for cert in native_certificates(n):
            own = [_csv_cell(cert.get(key)) for key in _CSV_CERTIFICATE]
            for index, customer in enumerate(cert["customers"] or [{}]):
                first = own if index == 0 else [own[0]] + [""] * (len(own) - 1)
                out.writerow(first + [_csv_cell(customer.get(key)) for key in _CSV_CUSTOMER])


def _write_json_array(path: Path, size: int) -> int:
    """A ``.json`` array of realistic certificates of about ``size`` bytes; their number."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        written = 1
        for cert in certificates(10**9, seed=5):
            text = json.dumps(cert, separators=(",", ":"))
            handle.write(",\n" + text if count else text)
            written += len(text) + 2
            count += 1
            if written >= size:
                break
        handle.write("]\n")
    return count


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
    parser.add_argument("--skip-cli", action="store_true", help="no CLI throughput and RSS")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    n_lib = 1_000 if args.quick else 20_000
    n_growth = 200 if args.quick else 4_000
    n_cli = 5_000 if args.quick else 200_000
    rss_sizes = (2_000, 20_000) if args.quick else (100_000, 1_000_000)
    json_bytes = 2_000_000 if args.quick else 200_000_000
    repeat = 2 if args.quick else args.repeat

    print(f"certpreflight benchmarks on {platform.node()} ({platform.machine()}, "
          f"{os.cpu_count()} CPUs), Python {platform.python_version()}, "
          f"{dt.datetime.now().isoformat(timespec='minutes')}")  # fmt: skip
    t = library(n_lib, repeat)
    print(
        f"\nLibrary, {n_lib:,} certificates a round, best of {repeat} rounds "
        "(cold: a fresh corpus and an empty memo each round; warm: the same corpus again):"
    )
    rows = [
        ("(a) bare pydantic model, realistic, native", "bare", None),
        ("(b) validate(), realistic, native, cold", "cold_native", "warm_native"),
        ("(g) floor: validate(select=[2001]), native", "floor_native", None),
        ("(b) validate(), realistic, 3-dialect mix, cold", "cold_mixed", "warm_mixed"),
        ("(c) validate_many(), realistic, mix, cold", "many_mixed", None),
        ("(a) bare pydantic model, repeats, native", "bare_repeats", None),
        ("(b) validate(), repeats, native, cold", "cold_repeats", "warm_repeats"),
    ]
    for label, cold, warm in rows:
        line = f"  {label:<48} {t[cold] * 1e6:6.2f} µs {_rate(1, t[cold])}"
        if warm:
            line += f"   warm {t[warm] * 1e6:6.2f} µs {_rate(1, t[warm])}"
        print(line)
    print(f"  validate() vs bare model, realistic native, cold: "
          f"{t['cold_native'] / t['bare']:.2f}x (target <= 4x), warm "
          f"{t['warm_native'] / t['bare']:.2f}x")  # fmt: skip
    print(f"  validate() vs bare model, realistic mix, cold:    {t['cold_mixed'] / t['bare']:.2f}x")
    print(f"  floor (reading and reporting, one rule) vs bare:  "
          f"{t['floor_native'] / t['bare']:.2f}x; the rules' share of cold validate(): "
          f"{1 - t['floor_native'] / t['cold_native']:.0%}")  # fmt: skip
    print(f"  validate() vs bare model, repeats, cold:          "
          f"{t['cold_repeats'] / t['bare_repeats']:.2f}x, warm "
          f"{t['warm_repeats'] / t['bare_repeats']:.2f}x")  # fmt: skip

    print(f"\nGrowth, realistic, native, cold, best of {repeat} (µs per certificate):")
    for what, size, micros in growth(n_growth, repeat):
        print(f"  {size:>4} {what:<10} {micros:9.1f} µs")

    s = startup(repeat)
    print(f"\nStartup, best of {repeat}, wall (CPU): import certpreflight "
          f"{s['import'] * 1e3:.0f} ms ({s['import_cpu'] * 1e3:.0f} ms); first validate() "
          f"{s['first'] * 1e3:.1f} ms ({s['first_cpu'] * 1e3:.1f} ms; target < 20 ms); second "
          f"{s['second'] * 1e6:.0f} µs; `certpreflight check` on one certificate "
          f"{s['check']:.2f} s ({s['check_cpu']:.2f} s; target < 0.25 s)")  # fmt: skip
    if args.skip_cli:
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "certs.ndjson"
        table = Path(tmp) / "certs.csv"
        _write_ndjson(path, n_cli)
        _write_csv(table, n_cli)
        rounds = min(repeat, 2)
        print(f"\nCLI `check --format json`, {n_cli:,} certificates, best of {rounds}:")
        for what, file in (("NDJSON lines", path), ("CSV (native columns)", table)):
            best = {1: float("inf"), 2: float("inf")}
            for _ in range(rounds):  # interleaved: a busy spell slows both alike
                for jobs in (1, 2):
                    best[jobs] = min(best[jobs], _cli(file, jobs)[0])
            t1, t2 = best[1], best[2]
            print(f"  (d) {what:<21} --jobs 1 {t1:6.2f} s {_rate(n_cli, t1)}")
            print(f"  (d) {what:<21} --jobs 2 {t2:6.2f} s {_rate(n_cli, t2)}   speed-up "
                  f"{t1 / t2:.2f}x (target >= 1.6x)")  # fmt: skip
            if file == path:
                print(f"  projected 1M NDJSON lines with --jobs 2: {t2 * 1_000_000 / n_cli:.1f} s "
                      "(target < 20 s)")  # fmt: skip
        print(f"  load average now: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
              f"(a speed-up needs the second core free)")  # fmt: skip
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
        array = Path(tmp) / "certs.json"
        count = _write_json_array(array, json_bytes)
        seconds, kib = _cli(array, 2)
        print(f"  peak RSS, a {json_bytes / 1e6:,.0f} MB .json array ({count:,} certificates), "
              f"--jobs 2: {kib / 1024:7.1f} MiB  ({seconds:.1f} s; target < 100 MiB)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
