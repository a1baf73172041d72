"""A large account's sync plan: ``python -m benchmarks.plan [--customers N] [--certificates M]``.

The export holds N customers and M certificates as AvaTax returns them (``QueryCustomers``
and ``QueryCertificates`` with ``$include=customers,po_numbers``, FetchResult pages of
1,000 records, a page a line, as ``certpreflight.avatax.export`` writes an ``.ndjson``
path). The source is what an ERP would send for the same account: every customer (one in
ten edited, one in a hundred with its code in another case, one in a hundred new, one in
a hundred left out) and every certificate as a ``CreateCertificates`` body linking its
customer by code (half carry Avalara's id, half are matched by customer, region, reason
and signed date; one in ten with a later expiration). One child process, one core:
``certpreflight plan --format json`` of the two files, its CPU seconds, wall seconds and
peak RSS, and beside it the peak RSS of reading the export alone (what the plan holds of
what Avalara holds) and of the interpreter with certpreflight imported. (Run it in a small
process: on Linux a child's peak RSS starts at its parent's, ``python -m benchmarks``
starts this module afresh.)
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

PAGE = 1000
REGIONS = (("Washington", "WA"), ("Texas", "TX"), ("California", "CA"), ("New York", "NY"))


def _customer(i: int) -> dict[str, Any]:
    name, region = REGIONS[i % len(REGIONS)]
    return {
        "id": 100_000 + i,
        "companyId": 12345,
        "customerCode": f"C-{i:07d}",
        "alternateId": None,
        "name": f"Customer {i} Supply",
        "attnName": None,
        "line1": f"{i % 9000 + 1} Main St",
        "line2": None,
        "city": "Seattle",
        "postalCode": "98101",
        "phoneNumber": "206-555-0100",
        "faxNumber": None,
        "emailAddress": f"tax{i}@example.com",
        "contactName": None,
        "lastTransaction": "2026-10-01T00:00:00",
        "createdDate": "2025-02-01T10:00:00",
        "modifiedDate": "2026-03-01T10:00:00",
        "country": "US",
        "region": "WA",
        "isBill": True,
        "isShip": False,
        "taxpayerIdNumber": None,
        "exposureZones": [{"id": 82, "name": name, "region": region, "country": "US"}],
    }


def _certificate(i: int, customers: int) -> dict[str, Any]:
    name, region = REGIONS[i % len(REGIONS)]
    zone = {"id": 80 + i % len(REGIONS), "companyId": 12345, "name": name, "tag": f"EZ_{region}",
            "description": name, "region": region, "country": "US"}  # fmt: skip
    return {
        "id": 1 + i,
        "companyId": 12345,
        "signedDate": f"2026-{1 + i % 12:02d}-15T00:00:00",
        "expirationDate": "2029-01-15T00:00:00",
        "filename": f"cert-{i}.pdf",
        "documentExists": True,
        "valid": True,
        "verified": False,
        "exemptPercentage": 100.0,
        "isSingleCertificate": False,
        "exemptionNumber": "601234567",
        "validatedExemptionReason": {"id": 70, "name": "RESALE"},
        "exemptionReason": {"id": 70, "name": "RESALE"},
        "status": "COMPLETE",
        "ecmStatus": "Valid",
        "createdDate": "2026-01-15T10:00:00",
        "modifiedDate": "2026-01-15T10:00:00",
        "pageCount": 1,
        "customers": [_customer(i % customers)],
        "poNumbers": [],
        "exposureZone": zone,
        "exposureZoneName": name,
        "ecmsId": 4000 + i,
        "ecmsStatus": "ACTIVE",
    }


def _pages(records: Iterator[dict[str, Any]], total: int) -> Iterator[str]:
    page: list[dict[str, Any]] = []
    for record in records:
        page.append(record)
        if len(page) == PAGE:
            yield json.dumps({"@recordsetCount": total, "value": page}, separators=(",", ":"))
            page = []
    if page or not total:
        yield json.dumps({"@recordsetCount": total, "value": page}, separators=(",", ":"))


def write_export(path: Path, customers: int, certificates: int) -> None:
    """The export file as ``export()`` writes an ``.ndjson`` path: a FetchResult page a line
    (written a page at a time: this process stays small, and the children it starts
    measure their own peak)."""
    pages = itertools.chain(
        _pages((_customer(i) for i in range(customers)), customers),
        _pages((_certificate(i, customers) for i in range(certificates)), certificates),
    )
    with path.open("w", encoding="utf-8") as out:
        for text in pages:
            out.write(text + "\n")


def _sent_customer(i: int) -> dict[str, Any] | None:
    if i % 100 == 99:
        return None  # left out: an orphan
    held = _customer(i)
    sent = {k: held[k] for k in ("customerCode", "name", "line1", "city", "region",
                                 "postalCode", "country")}  # fmt: skip
    if i % 10 == 1:
        sent["name"] += " Inc"
    if i % 100 == 42:
        sent["customerCode"] = sent["customerCode"].lower()
    return sent


def _sent_certificate(i: int, customers: int) -> dict[str, Any]:
    held = _certificate(i, customers)
    sent = {
        "signedDate": held["signedDate"][:10],
        "expirationDate": "2030-01-15" if i % 10 == 3 else "2029-01-15",
        "exemptionReason": {"name": "RESALE"},
        "exposureZone": {"name": held["exposureZoneName"]},
        "filename": held["filename"],
        "exemptionNumber": held["exemptionNumber"],
        "customers": [{"customerCode": held["customers"][0]["customerCode"]}],
    }
    return {"id": held["id"], **sent} if i % 2 else sent


def write_source(path: Path, customers: int, certificates: int) -> None:
    """The source file: NDJSON, customers then certificates, and 1% new customers."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(customers):
            sent = _sent_customer(i)
            if sent is not None:
                out.write(json.dumps(sent) + "\n")
        for i in range(customers // 100):
            new = _sent_customer(customers + i) or _sent_customer(customers + i + 1)
            out.write(json.dumps(new) + "\n")
        for i in range(certificates):
            out.write(json.dumps(_sent_certificate(i, customers)) + "\n")


_CHILD = """
import io, json, resource, sys, time
how, source, export = sys.argv[1:4]
start, cpu = time.perf_counter(), time.process_time()
if how == "plan":
    from certpreflight.cli import main
    out = io.StringIO()
    code = main(["plan", source, "--against", export, "--format", "json",
                 "--today", "2026-11-01"], out=out, err=sys.stderr)
    summary = json.loads(out.getvalue())["summary"]
elif how == "export":
    from certpreflight.cli import _export_records
    from certpreflight.sync import _Held, export_records
    held = _Held()
    for where, item in export_records(_export_records([export])):
        held.add(where, item)
    code, summary = 0, {"customers": len(held.customers), "certificates": len(held.certificates)}
else:
    import certpreflight
    code, summary = 0, {}
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mib": resource.getrusage(
    resource.RUSAGE_SELF).ru_maxrss / 1024, "exit": code, "summary": summary}))
"""


def _child(how: str, source: Path, export: Path) -> dict[str, Any]:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)])}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, how, str(source), str(export)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure(customers: int, certificates: int) -> dict[str, dict[str, Any]]:
    """The plan's figures, and those of reading the export alone and of the import."""
    with tempfile.TemporaryDirectory() as tmp:
        source, export = Path(tmp) / "source.ndjson", Path(tmp) / "export.ndjson"
        write_export(export, customers, certificates)
        write_source(source, customers, certificates)
        found = {how: _child(how, source, export) for how in ("import", "export", "plan")}
        found["files"] = {
            "export_mib": export.stat().st_size / 2**20,
            "source_mib": source.stat().st_size / 2**20,
        }
    return found


def report(customers: int, certificates: int) -> str:
    """The figures as lines of text."""
    m = measure(customers, certificates)
    plan, held, base = m["plan"], m["export"], m["import"]
    counts = ", ".join(f"{v:,} {k}" for k, v in plan["summary"].items() if v)
    return (
        f"  plan of {customers:,} customers + {certificates:,} certificates "
        f"(export {m['files']['export_mib']:.0f} MiB, source {m['files']['source_mib']:.0f} "
        f"MiB): {plan['cpu']:.1f} s of CPU, one core (target < 20 s; wall {plan['seconds']:.1f} "
        f"s), peak RSS {plan['rss_mib']:.0f} MiB\n"
        f"    the export read alone: {held['cpu']:.1f} s of CPU, peak RSS "
        f"{held['rss_mib']:.0f} MiB; certpreflight imported: {base['rss_mib']:.0f} MiB\n"
        f"    actions: {counts}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the plan's figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.plan", description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--certificates", type=int, default=100_000)
    args = parser.parse_args(argv)
    print(report(args.customers, args.certificates))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
