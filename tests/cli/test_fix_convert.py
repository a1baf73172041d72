"""certpreflight check --fix / --diff / --in-place, and certpreflight convert."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from certpreflight import validate
from certpreflight.reports import output as output_module
from tests.cli.conftest import EXAMPLES, Cli


def _cert(cid: str, **customer: Any) -> dict[str, Any]:
    base = {
        "customer_number": "C1",
        "name": "Acme",
        "address_line1": "1 Main",
        "city": "Boston",
        "region": "MA",
        "postal_code": "02134",
        "country": "US",
    }
    return {
        "id": cid,
        "exempt_reason": "G",
        "regions": ["MA"],
        "effective_date": "2026-01-15",
        "tax_id": "123",
        "filename": "c.pdf",
        "customers": [{**base, **customer}],
    }


BAD = _cert("bad", country="USA", postal_code="2134")
GOOD = _cert("good")


@pytest.fixture
def ndjson(tmp_path: Path) -> Path:
    path = tmp_path / "in.ndjson"
    path.write_text(
        json.dumps(GOOD) + "\n" + json.dumps(BAD) + "\n" + "not json\n", encoding="utf-8"
    )
    return path


def test_fix_writes_ndjson_keeping_unchanged_lines(cli: Cli, ndjson: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    code, stdout, err = cli("check", "--fix", str(ndjson), "--output", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    original = ndjson.read_text(encoding="utf-8").splitlines()
    assert lines[0] == original[0]
    assert lines[2] == "not json"
    fixed = json.loads(lines[1])
    assert fixed["customers"][0]["country"] == "US"
    assert fixed["customers"][0]["postal_code"] == "02134"
    assert "fixed 3203 customers[0].country: 'USA' -> 'US'" in stdout
    assert "2 findings fixed" in err
    assert ndjson.read_text(encoding="utf-8").splitlines() == original  # never in place
    assert code == 1  # the unreadable line's 4001 error remains


def test_fix_writes_json_arrays_and_objects(cli: Cli, tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_text(json.dumps([GOOD, BAD], indent=2), encoding="utf-8")
    out = tmp_path / "out.json"
    code, _, _ = cli("check", "--fix", str(src), "-o", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data[0] == GOOD
    assert data[1]["customers"][0]["country"] == "US"
    assert code == 0
    assert validate(data[1], today=__import__("datetime").date(2026, 11, 21)).ok


def test_fix_writes_csv_with_the_same_columns(cli: Cli, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "Certificate ID,Expected Tax Code,Exposure Zones,Signed Date,Tax Number,File Name,"
        "Billing Customer Number,Name 1,Address 1,City,State,Zip,Country,Extra\n"
        "1,G,MA,2026-01-15,123,c.pdf,C1,Acme,1 Main,Boston,MA,2134,USA,keep me\n"
        "1,G,MA,2026-01-15,123,c.pdf,C2,Beta,2 Main,Boston,MA,02134,US,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    cli("check", "--fix", str(src), "--output", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    original = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"))))
    assert rows[0] == original[0]
    assert rows[1][11:14] == ["02134", "US", "keep me"]
    assert rows[1][:11] == original[1][:11]
    assert rows[2] == original[2]


def test_diff_prints_the_change_and_exits_1(cli: Cli, ndjson: Path) -> None:
    code, stdout, _ = cli("check", "--diff", str(ndjson))
    assert code == 1
    assert stdout.startswith(f"--- {ndjson}\n+++ {ndjson} (fixed)\n")
    assert '-{"id": "bad"' in stdout
    assert '"country": "US"' in stdout
    clean = ndjson.with_name("clean.ndjson")
    clean.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    assert cli("check", "--diff", str(clean))[:2] == (0, "")


def test_in_place_keeps_a_backup(cli: Cli, ndjson: Path) -> None:
    original = ndjson.read_bytes()
    cli("check", "--fix", "--in-place", str(ndjson))
    assert (ndjson.parent / "in.ndjson.orig").read_bytes() == original
    assert '"country": "US"' in ndjson.read_text(encoding="utf-8")
    assert sorted(os.listdir(ndjson.parent)) == ["in.ndjson", "in.ndjson.orig"]  # no temp left


def test_in_place_is_atomic(cli: Cli, ndjson: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed write leaves the input as it was (and its backup), no temp file."""
    original = ndjson.read_bytes()

    def failing(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_module.os, "replace", failing)
    code, _, err = cli("check", "--fix", "--in-place", str(ndjson))
    assert code == 3
    assert "No space left" in err
    assert ndjson.read_bytes() == original
    assert sorted(os.listdir(ndjson.parent)) == ["in.ndjson", "in.ndjson.orig"]


def test_fix_needs_somewhere_to_write(cli: Cli, ndjson: Path, tmp_path: Path) -> None:
    code, _, err = cli("check", "--fix", str(ndjson))
    assert code == 2
    assert "--output" in err
    assert cli("check", "--fix", str(ndjson), "-o", str(ndjson))[0] == 2
    code, _, _ = cli("check", "--fix", str(ndjson), str(ndjson), "-o", str(tmp_path / "dir"))
    assert (tmp_path / "dir" / "in.ndjson").exists()


def test_unsafe_fixes_only_with_the_flag(cli: Cli, tmp_path: Path) -> None:
    src = tmp_path / "in.ndjson"
    src.write_text(json.dumps({**GOOD, "regions": ["MA", "NH"]}) + "\n", encoding="utf-8")
    code, _, err = cli("check", "--diff", str(src))
    assert code == 0
    assert "1 more fixable with --unsafe-fixes" in err
    code, stdout, _ = cli("check", "--diff", "--unsafe-fixes", str(src))
    assert code == 1
    assert '"regions": ["MA"]' in stdout


def test_examples_with_fix(cli: Cli, tmp_path: Path) -> None:
    """The bundled examples: unsafe fixes move the long line 1 and drop untaxed regions."""
    names = [str(EXAMPLES / n) for n in ("certificates.ndjson", "certificates.json")]
    code, stdout, err = cli("check", "--diff", "--unsafe-fixes", *names)
    assert code == 1
    assert '"line2": "Building 7, Loading Dock B"' in stdout
    assert "findings fixed" in err


def test_convert_to_each_target(cli: Cli, ndjson: Path, tmp_path: Path) -> None:
    code, stdout, err = cli("convert", str(ndjson), "--to", "avatax")
    bodies = [json.loads(line) for line in stdout.splitlines()]
    assert [b["id"] for b in bodies] == ["good", "bad"]
    assert bodies[0]["exposureZone"] == {"name": "Massachusetts"}
    assert bodies[1]["customers"][0]["country"] == "US"
    assert "not converted" in err  # the line that isn't JSON
    assert code == 1
    out = tmp_path / "cc.csv"
    cli("convert", str(ndjson), "--to", "certcapture-csv", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["Certificate ID"] for r in rows] == ["good", "bad"]
    # the CSV reader reads the template back; converting repairs nothing (that is --fix)
    doc = json.loads(cli("check", "--format", "json", str(out))[1])
    assert [[f["code"] for f in r["findings"]] for r in doc["results"]] == [[], [3301]]
    out = tmp_path / "cc.json"
    cli("convert", str(ndjson), "--to", "certcapture", "-o", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))[0]["expected_tax_code"] == {"name": "RESALE"}


def test_convert_examples_to_avatax_and_check_them(cli: Cli, tmp_path: Path) -> None:
    """What the avatax profile still finds in the converted examples is what no fix supplies."""
    out = tmp_path / "avatax.ndjson"
    cli("convert", str(EXAMPLES / "certificates.ndjson"), "--to", "avatax", "-o", str(out))
    _, stdout, _ = cli("check", "--profile", "avatax", "--statistics", "--format", "json", str(out))
    doc = json.loads(stdout)
    codes = {f["code"] for r in doc["results"] for f in r["findings"]}
    assert 2120 not in codes  # regions went out as codes
    assert 3203 not in codes  # countries as alpha-2
    assert 3001 in codes  # "Atlantis" can't be converted into a state


@pytest.mark.parametrize("suffix", [".ndjson", ".json", ".csv"])
def test_fixing_a_fixed_file_changes_nothing(cli: Cli, tmp_path: Path, suffix: str) -> None:
    """--fix twice: the second --diff finds nothing to change (exit 0, no output)."""
    src = EXAMPLES / f"certificates{suffix}"
    once = tmp_path / f"once{suffix}"
    cli("check", "--fix", "--unsafe-fixes", str(src), "-o", str(once))
    assert once.read_bytes() != src.read_bytes()
    code, stdout, err = cli("check", "--diff", "--unsafe-fixes", str(once))
    assert (code, stdout) == (0, "")
    assert "0 findings fixed" in err


def test_a_one_line_json_file_stays_on_one_line(cli: Cli, tmp_path: Path) -> None:
    src = tmp_path / "one.json"
    src.write_text(json.dumps(BAD) + "\n", encoding="utf-8")
    out = tmp_path / "out.json"
    cli("check", "--fix", str(src), "-o", str(out))
    assert out.read_text(encoding="utf-8").count("\n") == 1


def test_fix_respects_select_and_refuses_devices(cli: Cli, ndjson: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    cli("check", "--fix", "--ignore", "3203", str(ndjson), "-o", str(out))
    fixed = json.loads(out.read_text(encoding="utf-8").splitlines()[1])
    assert fixed["customers"][0]["country"] == "USA"  # 3203 ignored: not fixed
    assert fixed["customers"][0]["postal_code"] == "02134"
    code, _, err = cli("check", "--fix", "--input-format", "ndjson", "/dev/zero", "-o", str(out))
    assert code == 2
    assert "regular files" in err
