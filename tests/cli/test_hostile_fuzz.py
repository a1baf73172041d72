"""A short, seeded run of the hostile-file fuzzer (``scripts/fuzz.py --engine files``) in the
default suite: on every file, exit 0 or 1, no internal error, records in = results out."""

from __future__ import annotations

import random
from pathlib import Path

from scripts.fuzz import _check_file
from scripts.hostile import hostile_file


def test_sixty_hostile_files_keep_every_record(tmp_path: Path) -> None:
    """60 files (NDJSON, JSON arrays, CSV; UTF-8/16/32, cp1252; LF, CRLF, CR) through the CLI:
    each holds a known number of records and the report has exactly that many results."""
    rng = random.Random(1919)  # reproducible test data
    kinds = set()
    for index in range(60):
        made = hostile_file(rng, index)
        path = tmp_path / made.name
        path.write_bytes(made.data)
        _check_file(path, made.records, made.args, index + 1)  # +1: formats/jobs on a sample
        kinds.add(path.suffix)
    assert kinds == {".ndjson", ".json", ".csv"}
