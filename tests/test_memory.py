"""Memory is bounded by bytes, not entries (issue 24, 3): the CLI's chunks of records and
every cache kept between calls."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from certpreflight import ExemptionMatrix, engine, options, validate
from certpreflight.io import Record, read_records
from certpreflight.reports.run import CHUNK_BYTES, CHUNK_SIZE, map_chunks
from tests.conftest import TODAY, cert


def test_a_chunk_of_records_is_bounded_by_bytes(tmp_path: Path) -> None:
    """2,000 NDJSON lines of 1 MiB were one chunk (2 GiB held at once; a 300-line file peaked
    at 1.7 GB): a chunk now ends at CHUNK_BYTES, and small records still go 2,000 a chunk."""
    big = tmp_path / "big.ndjson"
    line = json.dumps(cert(regions=["WA"] * 900, notes="x" * 600_000)) + "\n"
    big.write_text(line * 6)
    sizes = list(map_chunks(len, read_records(big)))
    assert sizes == [1] * 6
    small = [Record(f"f:{i}", b"{}", i * 3, i * 3 + 3) for i in range(4_500)]
    assert list(map_chunks(len, small)) == [CHUNK_SIZE, CHUNK_SIZE, 500]
    assert CHUNK_BYTES <= 1024 * 1024


def test_caches_between_calls_are_bounded_by_bytes() -> None:
    """A program that loads a matrix for each call kept 64 of them (and 256 rule sets keyed
    by selectors of any length): the caches now hold at most their bytes, a matrix counted
    by its cells; the built-in matrix and the usual setups are still kept."""
    engine._SETUPS._data.clear()
    engine._SETUPS.used = 0
    cells = {("G", f"US-{r}"): "exempt" for r in ("WA", "TX", "OH", "NY", "CA")}
    for day in range(200):
        big = ExemptionMatrix.default().with_overrides(cells)  # 640 cells, a new one each call
        validate(cert(), today=TODAY + dt.timedelta(days=day), matrix=big)
    assert engine._SETUPS.used <= engine._SETUPS.max_bytes
    assert len(engine._SETUPS) <= 8
    validate(cert(), today=TODAY)
    assert engine._SETUPS.get((TODAY, "certcapture", (), (), None)) is not None
    # selectors: 100,000 of them is one call's key, never kept past the bound
    many = ["21"] * 100_000
    validate(cert(), today=TODAY, select=many)
    assert options._KEYS.used <= options._KEYS.max_bytes
    assert engine._RULESETS.used <= engine._RULESETS.max_bytes
    assert options._KEYS.get(tuple(many)) is None
