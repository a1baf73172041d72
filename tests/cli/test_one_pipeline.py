"""check, --fix, --diff, --in-place and convert read files through the same io/ readers and
write them through one writer per format (issue 23, "Files": every case is a test here)."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from certpreflight.io import read_records
from tests.cli.conftest import EXAMPLES, Cli, results
from tests.conftest import CERTIFICATE

CLEAN = json.dumps(CERTIFICATE)
#: A record 3203 (country USA) repairs, and one nothing repairs.
BAD = json.dumps({**CERTIFICATE, "id": "bad", "customers": [
    {**CERTIFICATE["customers"][0], "country": "USA"}]})  # fmt: skip


def _sources(cli: Cli, *files: str) -> list[tuple[str, list[int]]]:
    """What check reports: each result's source and the codes of its Formatting findings."""
    doc = json.loads(cli("check", "--format", "json", *files)[1])
    return [(r["source"], [f["code"] for f in r["findings"] if f["type"] == "Formatting"])
            for r in doc["results"]]  # fmt: skip


def _fix_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if ": fixed " in line]


def _remaining(err: str) -> int:
    return int(err.split(" findings fixed, ", 1)[1].split(" remaining", 1)[0])


def _fixed(err: str) -> int:
    return int(err.split("checked: ", 1)[1].split(" findings fixed", 1)[0])


# --- the io readers ---------------------------------------------------------------------------


def test_ndjson_with_bare_cr_line_ends_and_a_final_lf(cli: Cli, tmp_path: Path) -> None:
    """Three lines ended by bare CRs but the last by LF are three records (it was 1)."""
    path = tmp_path / "cr.ndjson"
    path.write_bytes(f"{CLEAN}\r{CLEAN}\r{CLEAN}\n".encode())
    assert [r.source for r in read_records(path)] == [f"{path}:{n}" for n in (1, 2, 3)]
    assert len(results(cli("check", "--format", "json", str(path))[1])) == 3


def test_ndjson_with_lf_lines_then_bare_cr_lines(cli: Cli, tmp_path: Path) -> None:
    """400 LF lines then 5 bare-CR lines: 405 records (it was 401), at their lines."""
    path = tmp_path / "mixed.ndjson"
    path.write_bytes(f"{CLEAN}\n".encode() * 400 + f"{CLEAN}\r".encode() * 5)
    sources = [r.source for r in read_records(path)]
    assert len(sources) == 405
    assert sources[-1] == f"{path}:405"
    for jobs in ("1", "2"):
        out = cli("check", "--format", "json", "--jobs", jobs, str(path))[1]
        assert [r["source"] for r in results(out)] == sources


# --- every command reads the same records -----------------------------------------------------

HOSTILE = {
    "separators.ndjson": f'{BAD}\n{{"id": "a\u2028b", "x": "\u0085"}}\n{CLEAN}\n'.encode(),
    "unclosed.csv": (
        b"id,exempt_reason,regions,customer_number,country\n"
        b'1,G,WA,C1,USA\n2,G,"WA,C2,US\n3,G,WA,C3,US\n4,G,WA,C4,US\n5,G,WA,C5,USA\n'
    ),
    "long.csv": (
        "id,exempt_reason,regions,customer_number,country\n"
        f"1,G,WA,C1,USA\n2,G,WA,C2,{'x' * 3000}\n3,G,WA,C3,USA\n"
    ).encode(),
    "deep.json": f'[{BAD}, {{"id": "d", "x": {"[" * 990}{"]" * 990}}}, {CLEAN}]'.encode(),
    "refused.json": f'[{BAD}, {{"id": "n", "x": 1e400, "y": NaN}}, {BAD}]'.encode(),
    "broken.json": f"[{BAD},\n{BAD} {BAD}]\n".encode(),
    "deep.ndjson": f'{BAD}\n{{"x": {"[" * 990}{"]" * 990}}}\n'.encode(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_command_reads_the_same_records(cli: Cli, tmp_path: Path, name: str) -> None:
    """check, --fix, --diff, --in-place and convert over a hostile file: the same records at
    the same sources with the same Formatting findings, no crash, and the fixed file checks
    as --fix said."""
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    limit = ("--max-line-bytes", "2000")
    checked = _sources(cli, str(path), *limit)
    out = tmp_path / f"out-{name}"
    code, stdout, err = cli("check", "--fix", str(path), "-o", str(out), *limit)
    assert code in (0, 1), err
    assert _sources(cli, str(out), *limit) == [
        (s.replace(str(path), str(out)), c) for s, c in checked
    ]
    assert _remaining(err) == sum(
        len(r["findings"]) for r in results(cli("check", "--format", "json", str(out), *limit)[1])
    )
    fixed = _fix_lines(stdout)
    assert len(fixed) == _fixed(err) or _fixed(err) >= len(fixed) > 0
    code, diff, _ = cli("check", "--diff", str(path), *limit)
    assert code == (1 if fixed else 0)
    assert diff.count("\n+") == (len(fixed) > 0) + len({line.split(": fixed")[0] for line in fixed})
    copy = tmp_path / f"copy-{name}"
    copy.write_bytes(path.read_bytes())
    assert cli("check", "--fix", "--in-place", str(copy), *limit)[0] in (0, 1)
    assert copy.read_bytes() == out.read_bytes()
    code, converted, cerr = cli("convert", str(path), "--to", "native", *limit)
    unreadable = [s for s, c in checked if c]
    said = [line for line in cerr.splitlines() if "not converted" in line]
    assert len(said) == len(unreadable), cerr
    assert len(converted.splitlines()) == len(checked) - len(unreadable)


def test_ndjson_fix_does_not_split_at_unicode_line_separators(cli: Cli, tmp_path: Path) -> None:
    """U+2028 and NEL inside NDJSON strings are text, not line ends (--fix counted 7 for 4)."""
    path = tmp_path / "in.ndjson"
    line = json.dumps({**json.loads(BAD), "id": "a\u2028b\x85c"}, ensure_ascii=False)
    path.write_text(f"{line}\n{BAD}\n", encoding="utf-8")
    code, stdout, err = cli("check", "--fix", str(path), "-o", str(tmp_path / "o.ndjson"))
    assert code == 0
    assert "2 records checked: 2 findings fixed" in err
    assert len(_fix_lines(stdout)) == 2


def test_unclosed_quote_is_one_finding_in_fix_as_in_check(cli: Cli, tmp_path: Path) -> None:
    """A row whose quote never closes is one 4012 finding for --fix as for check (--fix
    counted 6 findings where check said 1)."""
    path = tmp_path / "in.csv"
    path.write_bytes(HOSTILE["unclosed.csv"].replace(b"USA", b"US"))
    doc = json.loads(cli("check", "--format", "json", str(path))[1])
    found = [f["code"] for r in doc["results"] for f in r["findings"]]
    assert found.count(4012) == 1
    _, _, err = cli("check", "--fix", str(path), "-o", str(tmp_path / "o.csv"))
    assert f"{len(doc['results'])} records checked: 0 findings fixed, {len(found)} remaining" in err


def test_a_quoted_bare_cr_in_an_untouched_row_stays_quoted(cli: Cli, tmp_path: Path) -> None:
    """An untouched row is written back byte for byte: 2 records in, 2 records out (it was 3)."""
    path = tmp_path / "in.csv"
    head = "id,exempt_reason,regions,customer_number,name,country\n"
    path.write_bytes(f'{head}1,G,WA,C1,"Acme\rInc",US\n2,G,WA,C2,Beta,USA\n'.encode())
    out = tmp_path / "out.csv"
    cli("check", "--fix", str(path), "-o", str(out))
    assert out.read_bytes() == path.read_bytes().replace(b"USA", b"US")
    assert len(list(read_records(out))) == 2


def test_customer_only_csv_is_fixed_and_written(cli: Cli, tmp_path: Path) -> None:
    """A CertCapture customer file: the fix it reports is the fix it writes."""
    path = tmp_path / "customers.csv"
    path.write_text(
        "Billing Customer Number,Name 1,Address 1,City,State,Zip,Country\n"
        "C1,Acme,1 Main St,Boston,MA,2134,US\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    code, stdout, err = cli("check", "--fix", str(path), "-o", str(out))
    assert code == 0
    assert "fixed 3301" in stdout
    assert out.read_text(encoding="utf-8").endswith("C1,Acme,1 Main St,Boston,MA,02134,US\n")
    assert "1 file(s) changed" in err


def test_unchanged_json_elements_are_written_byte_for_byte(cli: Cli, tmp_path: Path) -> None:
    """Only the fixed values change: 1e400, a 20-digit decimal, member order and duplicate keys
    stay as they were, in the fixed element and in the others."""
    fixed = BAD[:-1] + ', "n": 1e400, "d": 0.12345678901234567890, "z": 1, "z": 2}'
    other = '{"b": 1, "a": 12345678901234567890.5, "a": 3}'
    text = f"[\n  {fixed},\n  {other}\n]\n"
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.json"
    _, _, err = cli("check", "--fix", str(path), "-o", str(out))
    assert out.read_text(encoding="utf-8") == text.replace('"USA"', '"US"')
    doc = json.loads(cli("check", "--format", "json", str(out))[1])
    assert _remaining(err) == sum(len(r["findings"]) for r in doc["results"])


def test_fix_output_never_replaces_an_input(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "in.ndjson"
    path.write_text(BAD + "\n", encoding="utf-8")
    link = tmp_path / "link.ndjson"
    link.symlink_to(path)
    before = path.read_bytes()
    for args in (
        ("check", str(path), "-o", str(link)),
        ("check", str(path), "--format", "json", "-o", str(path)),
        ("convert", str(path), "--to", "native", "-o", str(path)),
        ("convert", str(link), "--to", "native", "-o", str(path)),
        ("check", "--fix", str(path), "-o", str(link)),
    ):
        code, _, err = cli(*args)
        assert code == 2, args
        assert "is an input" in err, err
        assert path.read_bytes() == before


def test_two_inputs_landing_on_one_output_name_are_refused(cli: Cli, tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "certs.ndjson").write_text(BAD + "\n", encoding="utf-8")
    out = tmp_path / "out"
    a, b = tmp_path / "a" / "certs.ndjson", tmp_path / "b" / "certs.ndjson"
    code, _, err = cli("check", "--fix", "--output", str(out), str(a), str(b))
    assert code == 2
    assert "both be written to" in err
    assert not out.exists() or not os.listdir(out)


def test_in_place_backup_never_follows_a_link_nor_replaces_a_backup(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "in.ndjson"
    path.write_text(BAD + "\n", encoding="utf-8")
    victim = tmp_path / "victim"
    victim.write_text("keep", encoding="utf-8")
    (tmp_path / "in.ndjson.orig").symlink_to(victim)
    first = path.read_bytes()
    code, _, err = cli("check", "--fix", "--in-place", str(path))
    assert code == 0, err
    assert victim.read_text(encoding="utf-8") == "keep"
    assert (tmp_path / "in.ndjson.orig.1").read_bytes() == first
    second = json.loads(first)
    second["customers"][0]["region"] = "Massachusetts"
    path.write_text(json.dumps(second) + "\n", encoding="utf-8")
    cli("check", "--fix", "--in-place", str(path))
    assert (tmp_path / "in.ndjson.orig.1").read_bytes() == first
    assert json.loads((tmp_path / "in.ndjson.orig.2").read_bytes()) == second


def test_unsafe_fix_needing_a_missing_column_is_not_applied(cli: Cli, tmp_path: Path) -> None:
    """2103 moves the end of line 1 into line 2: without a line 2 column nothing is written
    and nothing is counted as fixed (it cut line 1 and dropped the rest, '1 findings fixed')."""
    path = tmp_path / "in.csv"
    address = "1200 North Commerce Industrial Park Boulevard, Building 7"
    path.write_text(
        "id,exempt_reason,regions,customer_number,name,address_line1,city,region,postal_code,"
        f'country\n1,G,WA,C1,Acme,"{address}",Tacoma,WA,98402,US\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    code, stdout, err = cli("check", "--fix", "--unsafe-fixes", str(path), "-o", str(out))
    assert code == 1
    assert "0 findings fixed" in err, err
    assert "2103" not in "".join(_fix_lines(stdout))
    assert out.read_bytes() == path.read_bytes()


def test_diff_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    path = tmp_path / "in.ndjson"
    path.write_text((BAD + "\n") * 2000, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    command = f"{sys.executable} -m certpreflight check --diff {path} | head -1"
    done = subprocess.run(
        ["bash", "-c", command], check=True, capture_output=True, text=True, env=env
    )
    assert done.stderr == ""
    assert done.stdout.startswith("---")


# --- convert ------------------------------------------------------------------------------------


def test_convert_to_certcapture_csv_guards_cells(cli: Cli, tmp_path: Path) -> None:
    record = {**CERTIFICATE, "id": "=1+1", "customers": [
        {**CERTIFICATE["customers"][0], "name": "@SUM(A1)", "city": "a\rb"}]}  # fmt: skip
    path = tmp_path / "in.ndjson"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    _, out, _ = cli("convert", str(path), "--to", "certcapture-csv")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert len(rows) == 2
    assert "'=1+1" in rows[1]
    assert "'@SUM(A1)" in rows[1]
    assert "a\rb" in rows[1]


def test_convert_avatax_customers_keep_every_member(cli: Cli) -> None:
    """An AvaTax CreateCertificates body with full customers: emailAddress, phoneNumber and
    contactName are carried where the target's API has them, else named in lost (they
    vanished with lost=())."""
    from certpreflight.convert import convert  # noqa: PLC0415

    body: dict[str, Any] = {
        "signedDate": "2026-01-15",
        "expirationDate": "2030-01-15",
        "filename": "c.pdf",
        "exemptionNumber": "601234567",
        "exemptionReason": {"name": "RESALE"},
        "exposureZone": {"name": "Washington"},
        "customers": [{
            "customerCode": "C1", "name": "Acme", "line1": "1 Main St", "city": "Tacoma",
            "region": "WA", "postalCode": "98402", "country": "US",
            "emailAddress": "ap@acme.test", "phoneNumber": "253-555-0100",
            "contactName": "Pat Doe",
        }],
    }  # fmt: skip
    for to in ("native", "certcapture-csv"):
        lost = " ".join(convert(body, to=to).lost)
        for key in ("emailAddress", "phoneNumber", "contactName"):
            assert f"customers[0].{key}: " in lost, (to, key)
    avatax, certcapture = convert(body, to="avatax"), convert(body, to="certcapture")
    assert (avatax.lost, certcapture.lost) == ((), ())  # both APIs document the three
    customer = avatax.records[0]["customers"][0]
    assert (customer["emailAddress"], customer["phoneNumber"]) == ("ap@acme.test", "253-555-0100")
    assert certcapture.records[0]["customers"][0]["contact_name"] == "Pat Doe"


def test_convert_never_raises_and_never_writes_nan(cli: Cli, tmp_path: Path) -> None:
    from certpreflight.convert import convert  # noqa: PLC0415

    for to in ("native", "avatax", "certcapture", "certcapture-csv"):
        convert({**CERTIFICATE, "regions": ["WA", " "]}, to=to)
        huge = convert({**CERTIFICATE, "exempt_percentage": "1" * 400}, to=to)  # read as inf
        json.dumps(huge.records, allow_nan=False)
        assert to == "certcapture-csv" or "exempt_percentage: inf" in huge.lost
    path = tmp_path / "in.ndjson"
    path.write_text(
        json.dumps({**CERTIFICATE, "exempt_percentage": 1e400}) + "\n"
        + '{"id": "x", "exempt_percentage": NaN, "regions": ["WA"]}\n',
        encoding="utf-8",
    )  # fmt: skip
    for to in ("native", "avatax", "certcapture"):
        code, out, err = cli("convert", str(path), "--to", to)
        assert (code, err.count("not converted")) == (1, 2)
        for line in out.splitlines():
            json.loads(line, parse_constant=pytest.fail)


def test_examples_read_the_same_in_every_command(cli: Cli, tmp_path: Path) -> None:
    for name in ("certificates.ndjson", "certificates.json", "certificates.csv"):
        path = EXAMPLES / name
        out = tmp_path / name
        cli("check", "--fix", str(path), "-o", str(out))
        assert [c for _, c in _sources(cli, str(out))] == [c for _, c in _sources(cli, str(path))]


def test_every_command_reads_the_hostile_files_alike(cli: Cli, tmp_path: Path) -> None:
    """The hostile-file fuzzer's files (every format, encoding and line end): check, --fix
    (its output checked again), --in-place and convert see the same records at the same
    sources, with the same Formatting findings; nobody crashes."""
    from scripts.hostile import hostile_file  # noqa: PLC0415 - the fuzzer's, for tests only

    rng = random.Random(2323)  # reproducible test data
    for index in range(40):
        made = hostile_file(rng, index)
        path = tmp_path / made.name
        path.write_bytes(made.data)
        args = [*made.args, "--max-line-bytes", "4000"]
        checked = _sources(cli, str(path), *args)
        assert len(checked) == made.records, made.name
        out = tmp_path / f"fixed-{made.name}"
        code, _, err = cli("check", "--fix", str(path), "-o", str(out), *args)
        assert code in (0, 1), (made.name, err)
        again = _sources(cli, str(out), *args)
        assert again == [(s.replace(str(path), str(out), 1), c) for s, c in checked], made.name
        copy = tmp_path / f"copy-{made.name}"
        copy.write_bytes(made.data)
        assert cli("check", "--fix", "--in-place", str(copy), *args)[0] in (0, 1)
        assert copy.read_bytes() == out.read_bytes(), made.name
        reading = [a for i, a in enumerate(args) if "--jobs" not in args[max(0, i - 1) : i + 1]]
        code, converted, cerr = cli("convert", str(path), "--to", "native", *reading)
        assert code in (0, 1), cerr
        not_converted = [line for line in cerr.splitlines() if ": not converted: " in line]
        assert len(converted.splitlines()) + len(not_converted) == made.records, made.name
        said = {line.split(": not converted: ")[0] for line in not_converted}
        assert {s for s, codes in checked if codes} <= said, made.name


def test_a_long_field_or_deep_nesting_is_a_finding_for_fix_as_for_check(
    cli: Cli, tmp_path: Path
) -> None:
    """A 200,000-character CSV cell (over the csv module's default field limit, as in a fresh
    process) is 4006 and an element nested 5,000 deep 4005, for --fix as for check, written
    back as they were (--fix crashed, exit 3)."""
    path = tmp_path / "long.csv"
    path.write_text(
        f"id,exempt_reason,regions,customer_number,name,country\n1,G,WA,C1,{'x' * 200_000},USA\n",
        encoding="utf-8",
    )
    deep = tmp_path / "deep.json"
    deep.write_text(f'[{{"id": "d", "x": {"[" * 5000}{"]" * 5000}}}, {BAD}]', encoding="utf-8")
    limit = csv.field_size_limit(131_072)  # the default: no earlier read raised it
    try:
        code, _, err = cli("check", "--fix", str(path), "-o", str(tmp_path / "out.csv"))
    finally:
        csv.field_size_limit(limit)
    assert code == 1, err
    assert _sources(cli, str(tmp_path / "out.csv")) == [(f"{tmp_path / 'out.csv'}:2", [4006])]
    assert (tmp_path / "out.csv").read_bytes() == path.read_bytes().replace(b",USA", b",US")
    code, _, err = cli("check", "--fix", str(deep), "-o", str(tmp_path / "out.json"))
    assert (code, err.count("1 findings fixed")) == (1, 1), err
    assert _sources(cli, str(tmp_path / "out.json")) == [
        (f"{tmp_path / 'out.json'}:1", [4005]),
        (f"{tmp_path / 'out.json'}:1", []),
    ]


def test_a_fixed_json_file_differs_only_in_the_fixed_values(cli: Cli) -> None:
    """The bundled JSON example, unsafe fixes applied: 2103 splits a line 1 and adds line 2
    after the last member, 3101 drops regions from lists as they are laid out; no other line
    of the 600-line file changes."""
    _, diff, _ = cli("check", "--diff", "--unsafe-fixes", str(EXAMPLES / "certificates.json"))
    lines = diff.splitlines()[2:]
    removed = [line for line in lines if line.startswith("-")]
    added = [line for line in lines if line.startswith("+")]
    assert (len(removed), len(added)) == (10, 4)
    assert '+        "line2": "Building 7, Loading Dock B"' in added
    assert '+      "WA"' in added


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("e.csv", b""),
        ("h.csv", b"id,customer_number\r\n\r\n"),
        ("e.json", b" []\n"),
        ("e.ndjson", b"\n\n"),
    ],
)
def test_fixing_a_file_without_records_writes_it_as_it_was(
    cli: Cli, tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    code, _, err = cli("check", "--fix", str(path), "-o", str(tmp_path / f"out-{name}"))
    assert (code, err) == (
        0,
        "0 records checked: 0 findings fixed, 0 remaining; 0 file(s) changed\n",
    )
    assert (tmp_path / f"out-{name}").read_bytes() == data


def test_a_backup_cut_short_replaces_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while --in-place writes the backup: exit 3, the input as it was, no
    backup left half written (it was left truncated and the input replaced)."""
    from certpreflight.reports import output  # noqa: PLC0415

    path = tmp_path / "in.ndjson"
    path.write_text(BAD + "\n", encoding="utf-8")
    before = path.read_bytes()

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    code, _, err = cli("check", "--fix", "--in-place", str(path))
    assert code == 3
    assert "No space left on device" in err
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["in.ndjson"]
