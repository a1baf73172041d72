"""Long fuzz runs: ``python scripts/fuzz.py --minutes N [--engine E] [--count N]``.

``--engine payloads`` feeds ``--count`` hostile payloads (``scripts/hostile.py``: the
three dialects mutated with hostile values, as mappings, JSON text and bytes) to
``validate()`` with the checks of ``tests/test_fuzz.py``. ``--engine files`` writes
``--count`` hostile input files (NDJSON, JSON arrays and CSV in UTF-8, UTF-16, UTF-32 and
cp1252, LF, CRLF and bare-CR line ends, oversized records, unclosed quotes) and runs the
CLI on each: exit code 0 or 1, no internal error, exactly one result per record (records
in = results out), the same exit code in every format, and ``--jobs 2`` output equal to
``--jobs 1`` on a sample.

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


def run_payloads(minutes: float, count: int, seed: int) -> int:
    """``count`` hostile payloads through validate(), fix() and convert() (or fewer when
    ``minutes`` run out)."""
    import random  # noqa: PLC0415

    from scripts.hostile import hostile_payload  # noqa: PLC0415
    from tests.test_fuzz import check, check_repairs  # noqa: PLC0415

    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    deadline = time.monotonic() + minutes * 60
    done = 0
    while done < count and time.monotonic() < deadline:
        payload = hostile_payload(rng)
        try:
            check(payload)
            check_repairs(payload, done)
        except Exception:
            sys.set_int_max_str_digits(0)  # the payload may hold an integer of 5,000 digits
            print(f"payload {done} (seed {seed}) failed: {payload!r:.2000}", flush=True)
            raise
        done += 1
        if done % 10_000 == 0:
            print(f"{done:,} payloads", flush=True)
    return done


def _cli(argv: list[str]) -> tuple[int, str, str]:
    import io  # noqa: PLC0415

    from certpreflight.cli import main as cli_main  # noqa: PLC0415

    out, err = io.StringIO(), io.StringIO()
    code = cli_main(argv, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _check_file(path: Path, records: int, args: tuple[str, ...], index: int) -> None:
    """One hostile file through the CLI: see the module docs for what must hold."""
    base = ["check", str(path), "--today", "2026-11-21", *args]
    code, out, err = _cli([*base, "--format", "json"])
    where = f"file {index} ({path.name}, args {args})"
    assert code in (0, 1), f"{where}: exit {code}: {err}"
    assert "internal error" not in err, f"{where}: {err}"
    results = json.loads(out)["results"]
    assert len(results) == records, f"{where}: {records} records in, {len(results)} results out"
    if index % 10 == 0:
        for fmt in ("text", "csv", "html"):
            other = _cli([*base, "--format", fmt])[0]
            assert other == code, f"{where}: --format {fmt} exits {other}, json {code}"
    if index % 50 == 0:
        one = _cli([*base, "--format", "csv", "--jobs", "1"])
        two = _cli([*base, "--format", "csv", "--jobs", "2"])
        assert one == two, f"{where}: --jobs 2 differs from --jobs 1"


def run_files(minutes: float, count: int, seed: int) -> int:
    """``count`` hostile files through the CLI (or fewer when ``minutes`` run out)."""
    import random  # noqa: PLC0415

    from scripts.hostile import hostile_file  # noqa: PLC0415

    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    deadline = time.monotonic() + minutes * 60
    folder = Path(tempfile.mkdtemp(prefix="certpreflight-files-"))
    done = 0
    while done < count and time.monotonic() < deadline:
        made = hostile_file(rng, done)
        path = folder / made.name
        path.write_bytes(made.data)
        try:
            _check_file(path, made.records, made.args, done)
        except AssertionError:
            print(f"kept the failing file: {path}", flush=True)
            raise
        path.unlink()
        done += 1
        if done % 100 == 0:
            print(f"{done:,} files", flush=True)
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to fuzz at most")
    parser.add_argument(
        "--engine", choices=("hypothesis", "atheris", "payloads", "files"), default="hypothesis"
    )
    parser.add_argument("--count", type=int, default=100_000, help="payloads or files to try")
    parser.add_argument("--seed", type=int, default=19, help="random seed (payloads, files)")
    args = parser.parse_args()
    started = time.monotonic()
    if args.engine == "payloads":
        examples = run_payloads(args.minutes, args.count, args.seed)
    elif args.engine == "files":
        examples = run_files(args.minutes, args.count, args.seed)
    else:
        runner = run_atheris if args.engine == "atheris" else run_hypothesis
        examples = runner(args.minutes)
    elapsed = time.monotonic() - started
    print(f"{args.engine}: {examples:,} examples in {elapsed:,.0f} s, no failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
