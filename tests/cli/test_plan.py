"""certpreflight plan SOURCE --against EXPORT, and certpreflight export, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.conftest import Cli
from tests.plan.shapes import (
    C1,
    C2,
    CERT_12,
    EXPORT,
    source_from_export,
)

EDITED: list[dict[str, Any]] = [
    {**C1, "customerCode": "c-1001"},
    {**C2, "name": "Bolt Hardware Inc"},
    {
        "customerCode": "C-2", "name": "New Co", "line1": "5 Elm St", "city": "Olympia",
        "region": "WA", "postalCode": "98501", "country": "US",
    },
    {**CERT_12, "expirationDate": "2030-01-15",
     "customers": [{"customerCode": "C-1002"}, {"customerCode": "C-2"}]},
    {
        "signedDate": "2026-02-01", "exemptionReason": {"name": "RESALE"},
        "exposureZone": {"name": "Oregon"}, "filename": "or.pdf",
        "customers": [{"customerCode": "C-2"}],
    },
]  # fmt: skip


def _files(tmp_path: Path, source: list[Any], *, extra: str = "") -> tuple[str, str]:
    export = tmp_path / "export.json"
    pages = ",\n".join(json.dumps(p) for p in EXPORT)  # a page a line, as export() writes
    export.write_text(f"[\n{pages}\n]\n", encoding="utf-8")
    lines = "".join(json.dumps(r) + "\n" for r in source) + extra
    (tmp_path / "source.ndjson").write_text(lines, encoding="utf-8")
    return str(tmp_path / "source.ndjson"), str(export)


def test_text_plan_reads_like_terraform(cli: Cli, tmp_path: Path) -> None:
    """One line an action, findings beneath, the summary; exit 1: a record it sends has an
    error (RESALE in Oregon)."""
    source, export = _files(tmp_path, EDITED)
    code, out, err = cli("plan", source, "--against", export, "--today", "2026-11-01")
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[:3] == [
        "+ create customer c-1001",
        "    6505 warning The certificate customer(c-1001) matches customer 'C-1001', which "
        "AvaTax holds, only when case and spaces are ignored.",
        "~ update customer C-1002: name Bolt Hardware -> Bolt Hardware Inc",
    ]
    for line in (
        "+ create customer C-2",
        "- orphan customer C-OLD",
        "~ update certificate 12 (matched by id): expirationDate 2029-01-15 -> 2030-01-15",
        "+ link certificate 12 to customer C-2",
        "+ create certificate C-2/OR/RESALE/2026-02-01",
        "- orphan certificate 11",
        "- orphan certificate 13",
    ):
        assert line in lines
    assert lines[-1] == (
        "Plan: 3 to create, 2 to update, 3 to orphan, 1 to link, 0 to unlink; 0 unchanged "
        "(1 error, 3 warnings)."
    )


def test_a_source_identical_to_the_export_plans_nothing_and_exits_0(
    cli: Cli, tmp_path: Path
) -> None:
    """No action but unchanged: one line, exit 0."""
    source, export = _files(tmp_path, source_from_export())
    code, out, _ = cli("plan", source, "--against", export, "--today", "2026-11-01")
    assert (code, out) == (0, "No changes: the source matches what Avalara holds (6 unchanged).\n")


def test_json_has_an_actions_list(cli: Cli, tmp_path: Path) -> None:
    """--format json: summary and an actions list of objects with the documented keys."""
    source, export = _files(tmp_path, EDITED)
    code, out, _ = cli(
        "plan", source, "--against", export, "--today", "2026-11-01", "--format", "json"
    )
    assert code == 1
    document = json.loads(out)
    assert document["summary"]["create"] == 3
    update = next(a for a in document["actions"] if a["key"] == "12" and a["action"] == "update")
    assert update["changes"] == {"expirationDate": ["2029-01-15", "2030-01-15"]}
    assert update["matched_by"] == "id"
    assert update["source"].endswith("source.ndjson:4")
    assert update["held"].endswith("export.json:3 value[1]")
    assert all(
        {"action", "kind", "key", "changes", "findings"} <= set(a) for a in document["actions"]
    )


def test_html_page_escapes_the_data(cli: Cli, tmp_path: Path) -> None:
    """--format html writes one self-contained page; a hostile name is escaped."""
    hostile = [{**C1, "name": "<script>alert(1)</script>"}]
    source, export = _files(tmp_path, hostile)
    target = tmp_path / "plan.html"
    code, out, _ = cli(
        "plan", source, "--against", export, "--format", "html", "-o", str(target)
    )  # fmt: skip
    page = target.read_text(encoding="utf-8")
    assert (code, out) == (0, "")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_a_malformed_source_line_is_said_with_its_line(cli: Cli, tmp_path: Path) -> None:
    """A line that isn't JSON: '! file:line: not read' with its finding, exit 1."""
    source, export = _files(tmp_path, source_from_export(), extra="{oops\n")
    code, out, _ = cli("plan", source, "--against", export, "--today", "2026-11-01")
    assert code == 1
    assert f"! {source}:7: not read" in out
    assert "    4001 error" in out
    assert out.endswith("(6 unchanged; 1 record not read).\n")


def test_an_export_that_cant_be_read_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    """A missing export exits 2 and writes no plan."""
    source, _ = _files(tmp_path, EDITED)
    code, out, err = cli("plan", source, "--against", str(tmp_path / "missing.json"))
    assert (code, out) == (2, "")
    assert "missing.json" in err


def test_fail_on_warning(cli: Cli, tmp_path: Path) -> None:
    """Only the case-variant warning: exit 0, and 1 with --fail-on warning."""
    source, export = _files(tmp_path, [{**C1, "customerCode": "c-1001"}])
    assert cli("plan", source, "--against", export)[0] == 0
    assert cli("plan", source, "--against", export, "--fail-on", "warning")[0] == 1


def test_folders_are_walked_for_source_and_export(cli: Cli, tmp_path: Path) -> None:
    """SOURCE and --against take folders, walked as check walks them: the same plan as
    the files named."""
    source, export = _files(tmp_path, EDITED)
    (tmp_path / "src").mkdir()
    (tmp_path / "held").mkdir()
    Path(source).rename(tmp_path / "src" / "source.ndjson")
    Path(export).rename(tmp_path / "held" / "export.json")
    argv = ("--today", "2026-11-01", "--format", "json")
    code, out, err = cli("plan", str(tmp_path / "src"), "--against", str(tmp_path / "held"), *argv)
    assert (code, err) == (1, "")
    named = cli(
        "plan", str(tmp_path / "src" / "source.ndjson"), "--against",
        str(tmp_path / "held" / "export.json"), *argv,
    )  # fmt: skip
    assert json.loads(out) == json.loads(named[1])


def test_max_items_as_check(cli: Cli, tmp_path: Path) -> None:
    """--max-items N: a certificate sent with more customers than N is 4009, as check says."""
    source, export = _files(tmp_path, EDITED)
    code, out, _ = cli(
        "plan", source, "--against", export, "--max-items", "1", "--format", "json"
    )  # fmt: skip
    codes = {f["code"] for a in json.loads(out)["actions"] for f in a["findings"]}
    assert 4009 in codes
    assert code == 1
