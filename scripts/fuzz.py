"""Long fuzz run of validate(): ``python scripts/fuzz.py --minutes N [--engine E]``.

``--engine hypothesis`` (default) runs the properties of ``tests/test_fuzz.py``
(never raises, deterministic, sorted, JSON-safe, a model equals its JSON) again
and again with fresh random seeds until the time is up, and prints how many
examples ran. ``--engine atheris`` (``pip install atheris``) runs coverage-guided
fuzzing of JSON bytes and of the mappings they decode to, with the same checks.
A failure stops the run with the failing input; see docs/fuzzing.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 500  # examples per property per round


def run_hypothesis(minutes: float) -> int:
    """Run every fuzz property in rounds until ``minutes`` have passed; return examples run."""
    # Imported here, not at the top: each engine needs only its own packages.
    from hypothesis import HealthCheck, settings  # noqa: PLC0415
    from tests import test_fuzz  # noqa: PLC0415

    batch = settings(
        max_examples=BATCH,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    properties = [
        batch(getattr(test_fuzz, name))
        for name in dir(test_fuzz)
        if name.startswith("test_") and hasattr(getattr(test_fuzz, name), "hypothesis")
    ]
    deadline = time.monotonic() + minutes * 60
    examples = rounds = 0
    while time.monotonic() < deadline:
        for prop in properties:
            prop()
            examples += BATCH
        rounds += 1
        elapsed = minutes * 60 - (deadline - time.monotonic())
        print(f"round {rounds}: {examples:,} examples in {elapsed:,.0f} s", flush=True)
    return examples


def _seeds() -> list[bytes]:
    """Starting inputs for atheris: the clean certificates of every dialect, and broken ones."""
    from tests import conftest  # noqa: PLC0415

    clean = [conftest.CERTIFICATE, conftest.AVATAX_CERTIFICATE, conftest.CERTCAPTURE_CERTIFICATE]
    seeds = [json.dumps(c).encode() for c in clean]
    seeds += [
        b'{"exempt_percentage": NaN, "id": 1e400, "tax_id": ' + b"9" * 300 + b"}",
        b'{"regions": ' + b"[" * 40 + b"]" * 40 + b"}",
        b'{"customers": [{"name": "\\ud800", "state": {"initials": ["WA"]}}]}',
    ]
    return seeds


def run_atheris(minutes: float) -> int:
    """Coverage-guided fuzzing with atheris; returns the number of inputs run."""
    import atheris  # noqa: PLC0415 (optional: pip install atheris)

    with atheris.instrument_imports():
        from certpreflight import Report, validate  # noqa: PLC0415 (instrumented import)
    from tests.test_fuzz import check  # noqa: PLC0415

    runs = 0

    def one(data: bytes) -> None:
        nonlocal runs
        runs += 1
        report = check(data)
        assert isinstance(report, Report)
        try:
            decoded: Any = json.loads(data)
        except (ValueError, RecursionError):
            return
        if isinstance(decoded, dict):
            check(decoded)
        else:
            validate(decoded)

    corpus = Path(tempfile.mkdtemp(prefix="certpreflight-fuzz-"))
    for i, seed in enumerate(_seeds()):
        (corpus / f"seed-{i}.json").write_bytes(seed)
    atheris.Setup([sys.argv[0], f"-max_total_time={int(minutes * 60)}", str(corpus)], one)
    with contextlib.suppress(SystemExit):  # atheris exits when the time is up
        atheris.Fuzz()
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to fuzz")
    parser.add_argument("--engine", choices=("hypothesis", "atheris"), default="hypothesis")
    args = parser.parse_args()
    started = time.monotonic()
    runner = run_atheris if args.engine == "atheris" else run_hypothesis
    examples = runner(args.minutes)
    elapsed = time.monotonic() - started
    print(f"{args.engine}: {examples:,} examples in {elapsed:,.0f} s, no failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
