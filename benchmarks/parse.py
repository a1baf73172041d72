"""The parse stage alone: ``python -m benchmarks.parse [--n N] [--repeat R]``.

Measured in one run, so the ratios hold on a noisy machine: the plain pydantic
model (the baseline), ``ExemptionCertificate.model_validate``, and the reading
stage (``certpreflight.reading.read``: limits, dialects, fast paths) on native dicts,
on the three-dialect mix, on the AvaTax and CertCapture dialects alone, and on NDJSON lines as bytes
(what the CLI passes to ``validate()``). Each figure is the best of ``--repeat``
runs, in microseconds per certificate, with its ratio to the plain model.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.generate import certificates, native_certificates
from benchmarks.run import PlainCertificate
from certpreflight.models import ExemptionCertificate
from certpreflight.reading import read as _parse


def _per_item(fn: Callable[[Any], Any], items: list[Any], repeat: int) -> float:
    """Best of ``repeat`` runs over ``items``, in microseconds per item (results discarded)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - start)
    return best / len(items) * 1e6


def main(argv: Sequence[str] | None = None) -> int:
    """Print µs per certificate and the ratio to the plain model for each parse figure."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.parse", description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="certificates per figure")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    native = list(native_certificates(args.n))
    mixed = list(certificates(args.n))
    dialects = [cert for i, cert in enumerate(mixed) if i % 3]  # AvaTax and CertCapture
    lines = [json.dumps(cert, separators=(",", ":")).encode() for cert in mixed]
    native_lines = [json.dumps(cert, separators=(",", ":")).encode() for cert in native]

    model = ExemptionCertificate.model_validate
    figures = [
        ("plain pydantic model, native", PlainCertificate.model_validate, native),
        ("ExemptionCertificate.model_validate, native", model, native),
        ("ExemptionCertificate.model_validate, mix", model, mixed),
        ("reading.read, native dicts", _parse, native),
        ("reading.read, 3-dialect mix", _parse, mixed),
        ("reading.read, AvaTax + CertCapture only", _parse, dialects),
        ("reading.read, JSON bytes, native", _parse, native_lines),
        ("reading.read, JSON bytes, mix", _parse, lines),
    ]
    _parse(native[0])  # imports and caches outside the timings
    results = [(name, _per_item(fn, items, args.repeat)) for name, fn, items in figures]
    plain = results[0][1]
    print(f"parse stage, {args.n:,} certificates, best of {args.repeat}:")
    for name, micros in results:
        print(f"  {name:<46} {micros:6.2f} µs   {micros / plain:5.2f}x plain")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
