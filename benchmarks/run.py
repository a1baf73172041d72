"""One command for every performance figure: ``python -m benchmarks [--against REF]``.

Measured in the same run, so ratios hold on a noisy machine. Every library figure is
measured in a child process per source tree, rounds interleaved (this tree, then the tree
of ``--against``, round after round), and each figure is the best of ``--repeat`` rounds:

(a) bare pydantic: a plain model with the same fields validating the same records (native
    certificates; AvaTax bodies with customers by code, in their own camelCase fields);
(b) ``validate()``, one call per record, **cold**: each round a fresh corpus (another seed)
    and a fresh ``today``; on realistic native certificates, on AvaTax bodies with customers
    by code (``benchmarks.generate.avatax_by_code``) and on the three-dialect mix;
(c) ``validate_many()`` over the mix;
(g) the floor: ``validate()`` with one rule selected (reading and the report: what the
    pipeline costs before the rules);
(e) growth: the cost of each extra customer (1 -> 10 customers a certificate) and of each
    extra region (1 -> 20 regions);
(d) the CLI (``check --format json --jobs 1``) on NDJSON and on CSV files of the same native
    certificates (one CSV row per customer), per record, with the CLI's startup (``check`` of
    a one-record file) taken out, against ``validate()`` of the same records;
(h) ``validate_batch()`` of ``--batch`` sync records (customers, certificates by code,
    links) in a child process: seconds and peak RSS;
(f) startup: import, the first ``validate()``, ``certpreflight check`` on one certificate;
(i) a large account's sync plan (``benchmarks/plan.py``): ``certpreflight plan`` of 10^5
    customers and 10^5 certificates against an export of as many, CPU seconds and peak RSS;
(j) ``certpreflight coverage --transactions``: 10^6 AvaTax transactions against 10^5
    certificates, in a child process (``benchmarks/coverage.py``): wall and CPU seconds, peak
    RSS.

``--against REF`` (a git commit, tag or branch of this repository) measures that commit's
``src/`` beside this tree's: the before/after of a change, in one run. ``--quick`` uses small
sizes (a smoke test); ``--skip-cli`` skips (d), (h), (i) and (j).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from benchmarks import coverage
from benchmarks.generate import (
    avatax_by_code,
    certificates,
    native_certificates,
    sized_certificates,
)

TODAY = dt.date(2026, 11, 21)
ROOT = Path(__file__).resolve().parent.parent

#: The one rule of the floor figure: reading and reporting with a single cheap rule.
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


class PlainName(BaseModel):
    """An AvaTax reference object (``{"name": ...}``)."""

    name: str | None = None


class PlainPoNumber(BaseModel):
    """An AvaTax PO number object."""

    poNumber: str | None = None  # noqa: N815 (AvaTax's own field name)


class PlainCustomerCode(BaseModel):
    """A customer given by code, as AvaTax bodies link them."""

    companyId: int | None = None  # noqa: N815
    customerCode: str | None = None  # noqa: N815


class PlainAvaTaxCertificate(BaseModel):
    """The fields of an AvaTax ``CertificateModel`` as a plain model: the baseline of the
    AvaTax figure (same fields, AvaTax's names and nesting, no dialect mapping)."""

    id: int | None = None
    signedDate: dt.date | None = None  # noqa: N815
    expirationDate: dt.date | None = None  # noqa: N815
    filename: str | None = None
    exemptPercentage: float | None = None  # noqa: N815
    isSingleCertificate: bool = False  # noqa: N815
    exemptionNumber: str | None = None  # noqa: N815
    taxNumberType: str | None = None  # noqa: N815
    exemptionReason: PlainName | None = None  # noqa: N815
    exposureZones: list[PlainName] = []  # noqa: N815
    poNumbers: list[PlainPoNumber] = []  # noqa: N815
    customers: list[PlainCustomerCode] = []


# --- one round of the library figures, in a child process -----------------------------------------


def _seconds(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _each(fn: Callable[[Any], Any], items: Iterable[Any]) -> Callable[[], None]:
    def run() -> None:
        for item in items:
            fn(item)

    return run


def library_round(n: int, seed: int) -> dict[str, float]:
    """Seconds per record of every library figure, one round, run in a child process whose
    ``certpreflight`` is the tree measured. Each figure checks its records with a ``today``
    of its own: a new context, so no figure starts with what a memo of an older tree learned
    from another (the mix holds the native certificates in other dialects)."""
    from certpreflight import validate, validate_many  # noqa: PLC0415 (the tree measured)

    days = (TODAY + dt.timedelta(days=100 * seed + k) for k in itertools.count())
    native = list(native_certificates(n, seed))
    avatax = list(avatax_by_code(n, seed))
    mixed = list(certificates(n, seed))
    validate(native[0], today=TODAY)  # imports and data outside the timings
    validate(avatax[0], today=TODAY)
    per: dict[str, float] = {}

    def each(items: list[Any], **options: Any) -> Callable[[], None]:
        day = next(days)
        return _each(lambda item: validate(item, today=day, **options), items)

    per["bare_native"] = _seconds(_each(PlainCertificate.model_validate, native)) / n
    per["cold_native"] = _seconds(each(native)) / n
    per["floor_native"] = _seconds(each(native, select=FLOOR_RULE)) / n
    per["bare_avatax"] = _seconds(_each(PlainAvaTaxCertificate.model_validate, avatax)) / n
    per["cold_avatax"] = _seconds(each(avatax)) / n
    per["cold_mixed"] = _seconds(each(mixed)) / n
    day = next(days)
    per["many_mixed"] = _seconds(lambda: list(validate_many(mixed, today=day))) / n
    sized = max(50, n // 5)
    for what, low, high in (("customers", 1, 10), ("regions", 1, 20)):
        cost = {}
        for size in (low, high):
            items = list(sized_certificates(sized, seed=seed, **{what: size}))
            cost[size] = _seconds(each(items)) / sized
        per[f"per_{what[:-1]}"] = (cost[high] - cost[low]) / (high - low)
    return per


# --- trees ----------------------------------------------------------------------------------------


def _tree(ref: str, into: Path) -> Path:
    """The ``src/`` of commit ``ref``, extracted under ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "src"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def _env(src: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(src), str(ROOT)])
    return env


def _python(src: Path, code: str, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=_env(src),
        check=True,
        cwd=ROOT,
    ).stdout


_ROUND = (
    "import json, sys; from benchmarks.run import library_round;"
    "print(json.dumps(library_round(int(sys.argv[1]), int(sys.argv[2]))))"
)


def library(trees: dict[str, Path], n: int, repeat: int) -> dict[str, dict[str, float]]:
    """Best per-record seconds of each figure, per tree, rounds interleaved."""
    best: dict[str, dict[str, float]] = {name: {} for name in trees}
    for round_ in range(repeat):
        for name, src in trees.items():
            figures = json.loads(_python(src, _ROUND, str(n), str(100 + round_)))
            for key, value in figures.items():
                best[name][key] = min(best[name].get(key, float("inf")), value)
    return best


# --- the CLI, the batch, startup ------------------------------------------------------------------

_CSV_CERTIFICATE = ("id", "exempt_reason", "regions", "effective_date", "expiration_date",
                    "single_use", "po_numbers", "tax_id", "tax_id_type",
                    "exempt_percentage")  # fmt: skip
_CSV_CUSTOMER = ("customer_number", "name", "address_line1", "address_line2", "city", "region",
                 "postal_code", "country")  # fmt: skip


def _csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "single" if value else "blanket"
    if isinstance(value, list):
        return ";".join(value)
    return "" if value is None else str(value)


def _write_native(ndjson: Path, table: Path, n: int) -> None:
    """``n`` realistic native certificates, as NDJSON lines and as CSV rows (one row per
    customer, the certificate's columns on its first row only)."""
    with ndjson.open("w", encoding="utf-8") as lines, table.open("w", encoding="utf-8",
                                                                 newline="") as handle:  # fmt: skip
        out = csv.writer(handle)
        out.writerow(_CSV_CERTIFICATE + _CSV_CUSTOMER)
        for cert in native_certificates(n, seed=7):
            lines.write(json.dumps(cert, separators=(",", ":")) + "\n")
            own = [_csv_cell(cert.get(key)) for key in _CSV_CERTIFICATE]
            for index, customer in enumerate(cert["customers"] or [{}]):
                first = own if index == 0 else [own[0]] + [""] * (len(own) - 1)
                out.writerow(first + [_csv_cell(customer.get(key)) for key in _CSV_CUSTOMER])


_TIMED = (
    "import resource, subprocess, sys, time;"
    "t = time.perf_counter();"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL);"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
    " r.returncode)"
)


def _cli(src: Path, path: Path, jobs: int = 1) -> tuple[float, int]:
    """(seconds, peak RSS in KiB) of ``check --format json`` on ``path`` with tree ``src``."""
    cmd = [sys.executable, "-m", "certpreflight", "check", str(path), "--format", "json",
           "--today", TODAY.isoformat(), "--jobs", str(jobs)]  # fmt: skip
    out = _python(src, _TIMED, *cmd).split()
    if out[2] not in ("0", "1"):
        raise RuntimeError(f"the CLI exited {out[2]} on {path}")
    return float(out[0]), int(out[1])


def cli(trees: dict[str, Path], n: int, repeat: int) -> dict[str, dict[str, float]]:
    """Per-record seconds of the CLI on NDJSON and CSV, startup taken out, per tree."""
    best: dict[str, dict[str, float]] = {name: {} for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        lines, table = Path(tmp) / "certs.ndjson", Path(tmp) / "certs.csv"
        one_lines, one_table = Path(tmp) / "one.ndjson", Path(tmp) / "one.csv"
        _write_native(lines, table, n)
        _write_native(one_lines, one_table, 1)
        for _ in range(repeat):
            for name, src in trees.items():
                start = _cli(src, one_lines)[0]
                for what, path in (("cli_ndjson", lines), ("cli_csv", table)):
                    seconds = (_cli(src, path)[0] - start) / n
                    best[name][what] = min(best[name].get(what, float("inf")), seconds)
    return best


def parallel(src: Path, n: int, repeat: int) -> dict[str, float]:
    """This tree's CLI with ``--jobs 2`` against ``--jobs 1`` (seconds, rounds interleaved) on
    ``n`` native NDJSON lines, and its peak RSS (MiB) on ``n`` and ``10 * n`` lines: memory
    stays flat as a file grows."""
    found = {"jobs1": float("inf"), "jobs2": float("inf")}
    with tempfile.TemporaryDirectory() as tmp:
        lines, table = Path(tmp) / "certs.ndjson", Path(tmp) / "certs.csv"
        _write_native(lines, table, n)
        for _ in range(repeat):
            for jobs in (1, 2):
                key = f"jobs{jobs}"
                found[key] = min(found[key], _cli(src, lines, jobs)[0])
        found["rss_small"] = _cli(src, lines, 2)[1] / 1024
        _write_native(lines, table, 10 * n)
        found["rss_large"] = _cli(src, lines, 2)[1] / 1024
    return found


_BATCH = """
import resource, sys, time
from benchmarks.batch import sync_records
from certpreflight import validate_batch
n = int(sys.argv[1])
start = time.perf_counter()
done = len(validate_batch(sync_records(n)).reports)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, done)
"""


def batch(trees: dict[str, Path], records: int) -> dict[str, tuple[float, float]]:
    """(seconds, peak RSS in MiB) of ``validate_batch`` of ``records`` sync records."""
    found = {}
    for name, src in trees.items():
        out = _python(src, _BATCH, str(records)).split()
        if int(out[2]) != records:
            raise RuntimeError(f"validate_batch gave {out[2]} reports for {records} records")
        found[name] = (float(out[0]), int(out[1]) / 1024)
    return found


_STARTUP = """
import sys, time
t0 = time.perf_counter()
import certpreflight
t1 = time.perf_counter()
certpreflight.validate({payload})
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def startup(trees: dict[str, Path], repeat: int) -> dict[str, dict[str, float]]:
    """Best seconds, wall: import, the first ``validate()``, ``check`` on one certificate."""
    payload = next(native_certificates(1))
    code = _STARTUP.format(payload=repr(payload))
    best: dict[str, dict[str, float]] = {name: {} for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        lines, table = Path(tmp) / "one.ndjson", Path(tmp) / "one.csv"
        _write_native(lines, table, 1)
        for src in trees.values():
            _python(src, code)  # bytecode caches written
        for _ in range(repeat):
            for name, src in trees.items():
                import_s, first_s = map(float, _python(src, code).split())
                check_s = _cli(src, lines)[0]
                for key, value in (("import", import_s), ("first", first_s), ("check", check_s)):
                    best[name][key] = min(best[name].get(key, float("inf")), value)
    return best


# --- report ---------------------------------------------------------------------------------------


def _row(label: str, now: float, base: float | None, unit: str = "µs", scale: float = 1e6) -> str:
    line = f"  {label:<58} {now * scale:9.2f} {unit}"
    if base is not None:
        line += f"   before {base * scale:9.2f} {unit}   ({now / base:.2f}x)"
    return line


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--against", metavar="REF", help="a commit to measure beside this tree")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    parser.add_argument("--skip-cli", action="store_true", help="no CLI and batch figures")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, help="records in the batch (default 10^6)")
    parser.add_argument(
        "--plan", type=int, help="customers and certificates in the plan (default 10^5)"
    )
    args = parser.parse_args(argv)
    n_lib = 1_000 if args.quick else 20_000
    n_cli = 2_000 if args.quick else 50_000
    n_batch = args.batch or (20_000 if args.quick else 1_000_000)
    n_certs, n_sales = (2_000, 20_000) if args.quick else (100_000, 1_000_000)
    repeat = 2 if args.quick else args.repeat

    with tempfile.TemporaryDirectory() as tmp:
        trees = {"now": ROOT / "src"}
        if args.against:
            trees["before"] = _tree(args.against, Path(tmp))
        print(f"certpreflight benchmarks on {platform.node()} ({platform.machine()}, "
              f"{os.cpu_count()} CPUs), Python {platform.python_version()}, "
              f"{dt.datetime.now().isoformat(timespec='minutes')}, load "
              f"{os.getloadavg()[0]:.2f}"
              + (f"; before = {args.against}" if args.against else ""))  # fmt: skip
        t = library(trees, n_lib, repeat)
        now, base = t["now"], t.get("before")

        def pick(key: str) -> float | None:
            return None if base is None else base[key]

        print(f"\nLibrary, {n_lib:,} records a round, best of {repeat}, per record, cold:")
        for label, key in (
            ("(a) bare pydantic model, native certificates", "bare_native"),
            ("(b) validate(), realistic native certificates", "cold_native"),
            ("(g) floor: validate(select=[2001]), native", "floor_native"),
            ("(a) bare pydantic model, AvaTax bodies by code", "bare_avatax"),
            ("(b) validate(), AvaTax bodies, customers by code", "cold_avatax"),
            ("(b) validate(), 3-dialect mix", "cold_mixed"),
            ("(c) validate_many(), 3-dialect mix", "many_mixed"),
            ("(e) each extra customer (1 -> 10)", "per_customer"),
            ("(e) each extra region (1 -> 20)", "per_region"),
        ):
            print(_row(label, now[key], pick(key)))
        for name, figures in t.items():
            print(f"  {name}: validate() / bare model: native "
                  f"{figures['cold_native'] / figures['bare_native']:.2f}x (target <= 5x), "
                  f"AvaTax by code {figures['cold_avatax'] / figures['bare_avatax']:.2f}x "
                  f"(target <= 6x)")  # fmt: skip

        s = startup(trees, repeat)
        print(f"\nStartup, best of {repeat}, wall:")
        for key, label in (("import", "import certpreflight"), ("first", "first validate()"),
                           ("check", "`certpreflight check` on one certificate")):  # fmt: skip
            print(_row(label, s["now"][key], s.get("before", {}).get(key), "ms", 1e3))
        if args.skip_cli:
            return 0

        rounds = min(repeat, 3)
        c = cli(trees, n_cli, rounds)
        print(f"\nCLI `check --format json --jobs 1`, {n_cli:,} native certificates, best of "
              f"{rounds}, per record, startup taken out:")  # fmt: skip
        for label, key in (("(d) NDJSON", "cli_ndjson"), ("(d) CSV, one row per customer",
                                                          "cli_csv")):  # fmt: skip
            print(_row(label, c["now"][key], c.get("before", {}).get(key)))
        for name, figures in c.items():
            lib = t[name]["cold_native"]
            print(f"  {name}: CSV / NDJSON {figures['cli_csv'] / figures['cli_ndjson']:.2f}x "
                  f"(target <= 1.2x); CLI NDJSON / validate() "
                  f"{figures['cli_ndjson'] / lib:.2f}x (target <= 1.3x)")  # fmt: skip

        p = parallel(trees["now"], n_cli, rounds)
        print(f"  now: --jobs 2 {p['jobs2']:.2f} s vs --jobs 1 {p['jobs1']:.2f} s: "
              f"{p['jobs1'] / p['jobs2']:.2f}x ({os.cpu_count()} CPUs, load "
              f"{os.getloadavg()[0]:.2f}); peak RSS, --jobs 2, {n_cli:,} lines "
              f"{p['rss_small']:.0f} MiB, {10 * n_cli:,} lines "
              f"{p['rss_large']:.0f} MiB")  # fmt: skip

        b = batch(trees, n_batch)
        print(f"\nvalidate_batch of {n_batch:,} sync records, one child process each:")
        for name, (seconds, mib) in b.items():
            print(f"  {name:<7} {seconds:7.1f} s   peak RSS {mib:8.1f} MiB (target < 400 MiB)")

        n_plan = str(args.plan or (2_000 if args.quick else 100_000))
        print("\n(i) sync plan (this tree), in a fresh process (its children's peak RSS is "
              "their own, not this one's):")  # fmt: skip
        argv = ["-m", "benchmarks.plan", "--customers", n_plan, "--certificates", n_plan]
        print(subprocess.run([sys.executable, *argv], capture_output=True, text=True,
                             env=_env(trees["now"]), check=True).stdout, end="")  # fmt: skip

        print("\n(j) exemption coverage (this tree):")
        coverage.main(["--certificates", str(n_certs), "--transactions", str(n_sales)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
