"""certpreflight rules / rule / matrix, --version, and python -m certpreflight."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from certpreflight import CATALOGUE
from certpreflight.rules.docs import catalogue_markdown
from tests.cli.conftest import EXAMPLES, Cli


def test_rules_lists_every_rule(cli: Cli) -> None:
    """`rules` prints one line per rule with code, name, type, severity and message."""
    code, out, _ = cli("rules")
    assert code == 0
    for r in CATALOGUE:
        assert f"{r.code:<6}{r.name:<37}{r.type:<11}{r.severity.value:<9}{r.message}" in out


def test_rules_markdown_is_docs_rules_md(cli: Cli) -> None:
    """`rules --format markdown` is the generator of docs/rules.md."""
    assert cli("rules", "--format", "markdown")[1] == catalogue_markdown(CATALOGUE)


def test_rule_explains_one_rule_or_exits_2(cli: Cli) -> None:
    """`rule CODE|NAME` prints the rule's docs; an unknown one exits 2."""
    code, out, _ = cli("rule", "2102")
    assert code == 0
    assert "address-line1-missing" in out
    assert cli("rule", "address-line1-missing")[1] == out
    code, _, err = cli("rule", "9999")
    assert code == 2
    assert "no rule '9999'" in err
    code, out, _ = cli("rule", "5901")  # a finding of AvaTax's reply: no rule, documented
    assert code == 0
    assert out.startswith("5901 avatax-unconfirmed (Status, error; made from AvaTax's reply")


def test_rule_command_prints_clean_text(cli: Cli) -> None:
    """`certpreflight rule 2001` shows field names quoted, the JSON example and fix unescaped."""
    code, out, _ = cli("rule", "2001")
    assert code == 0
    assert "``" not in out
    assert 'Example: {"customers": []}' in out
    assert 'for example customers: [{"customer_number": "C-1001"}]' in out


def test_matrix_grid(cli: Cli) -> None:
    """`matrix` prints the region x reason grid with a legend."""
    code, out, _ = cli("matrix")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("region A  B  C  D")
    assert any(line.startswith("US-NH  N  N") for line in lines)
    assert "Y exempt, N not exempt" in out


def test_matrix_text_columns_never_run_together(cli: Cli) -> None:
    """Every mark starts at its reason's column, a secondary one's ``~`` included, and the
    listed views' columns are as wide as their widest cell."""
    lines = cli("matrix")[1].split("\n\n")[0].splitlines()
    starts = [i for i, ch in enumerate(lines[0]) if ch != " " and lines[0][i - 1] == " "]
    for line in lines[1:]:
        assert all(line[i - 1] == " " and line[i] != " " for i in starts), line
    assert any("~ " in line for line in lines)
    listed = cli("matrix", "--reason", "G")[1].splitlines()
    column = listed[0].index("confidence")
    assert all(line[column - 2 : column] in ("  ", "") for line in listed), "status runs on"


def test_matrix_output_file(cli: Cli, tmp_path: Path) -> None:
    """`matrix -o PATH` writes the view there, nothing on standard output."""
    path = tmp_path / "matrix.html"
    code, out, _ = cli("matrix", "--format", "html", "-o", str(path))
    assert (code, out) == (0, "")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_matrix_single_cell_lookup(cli: Cli) -> None:
    """--region and --reason together print one cell: status, confidence, basis, ..., source."""
    code, out, _ = cli("matrix", "--region", "New Hampshire", "--reason", "RESALE")
    assert code == 0
    fields = dict(line.split(None, 1) for line in out.splitlines())
    assert list(fields) == [
        "region",
        "reason",
        "status",
        "confidence",
        "basis",
        "condition",
        "source",
        "source_kind",
        "read",
        "certainty",
    ]
    assert (fields["region"], fields["reason"], fields["status"]) == ("US-NH", "G", "not_exempt")
    assert fields["source_kind"] == "avalara"
    assert fields["source"].startswith("https://help.avalara.com/")
    _, out, _ = cli("matrix", "--region", "NH", "--reason", "G", "--format", "json")
    assert json.loads(out)["status"] == "not_exempt"


def test_matrix_one_axis_csv(cli: Cli) -> None:
    """--reason G --format csv gives one long-format row per region."""
    _, out, _ = cli("matrix", "--reason", "G", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["reason"] for r in rows} == {"G"}
    assert len(rows) > 60
    assert next(r for r in rows if r["region"] == "US-OR")["status"] == "not_exempt"


def test_matrix_heat_map_is_self_contained(cli: Cli) -> None:
    """--format html is a heat map page with the CSP meta and no script."""
    _, out, _ = cli("matrix", "--format", "html")
    assert 'id="heatmap"' in out
    assert "Content-Security-Policy" in out
    assert "<script" not in out
    assert 'class="s-not_exempt p-avalara"' in out


def test_matrix_shows_washington_resale_from_washington(cli: Cli) -> None:
    """`matrix --region WA --reason G` cites Washington's revenue department, kind dor."""
    code, out, _ = cli("matrix", "--region", "WA", "--reason", "G")
    fields = dict(line.split(None, 1) for line in out.splitlines())
    assert code == 0
    assert fields["source"].startswith("http://www.dor.wa.gov/")
    assert (fields["source_kind"], fields["certainty"]) == ("dor", "high")
    _, out, _ = cli("matrix", "--region", "WA", "--reason", "G", "--format", "json")
    assert json.loads(out)["source_kind"] == "dor"


def test_matrix_views_mark_provenance(cli: Cli) -> None:
    """Grid, heat map and one-axis listings tell Avalara, law, secondary and unknown apart."""
    _, grid, _ = cli("matrix")
    assert "~ after a mark: a secondary source" in grid
    florida = next(line for line in grid.splitlines() if line.startswith("US-FL"))
    assert "~" in florida  # FL has cells on secondary sources
    _, html, _ = cli("matrix", "--format", "html")
    for css in ("p-avalara", "p-law", "p-secondary", 's-unknown"'):
        assert css in html
    _, listing, _ = cli("matrix", "--reason", "I")
    assert listing.splitlines()[0].split() == [
        "region", "reason", "status", "confidence", "kind", "certainty", "condition"
    ]  # fmt: skip


def test_matrix_csv_neutralises_formula_cells(cli: Cli, tmp_path: Path) -> None:
    """Cells starting with =, @, + or - get a leading apostrophe in matrix --format csv."""
    matrix = tmp_path / "m.csv"
    matrix.write_text(
        "region,reason,status,condition,source\n"
        'WA,G,C,"=HYPERLINK(""http://evil.test"")",@SUM(1)\n'
        "TX,G,C,+1,-2\n",
        encoding="utf-8",
    )
    _, out, _ = cli("matrix", "--matrix", str(matrix), "--reason", "G", "--format", "csv")
    rows = {r["region"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["US-WA"]["condition"] == """'=HYPERLINK("http://evil.test")"""
    assert rows["US-WA"]["source"] == "'@SUM(1)"
    assert (rows["US-TX"]["condition"], rows["US-TX"]["source"]) == ("'+1", "'-2")


def test_matrix_unknown_region_or_reason_exits_2(cli: Cli) -> None:
    """An unknown region or reason is a usage error."""
    assert cli("matrix", "--region", "Atlantis")[0] == 2
    assert cli("matrix", "--reason", "BANANA")[0] == 2


def test_version(cli: Cli) -> None:
    """--version prints the version on our out stream and exits 0."""
    code, out, _ = cli("--version")
    assert (code, out.split()[0]) == (0, "certpreflight")


def test_python_dash_m_runs_the_cli() -> None:
    """`python -m certpreflight check` works like the console script."""
    proc = subprocess.run(
        [sys.executable, "-m", "certpreflight", "check", str(EXAMPLES / "certificates.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "certificates checked" in proc.stdout
