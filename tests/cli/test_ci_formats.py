"""The CI formats (``--output-format github|gitlab|sarif|junit|concise``), each read back by
its consumer's rules: SARIF against the official 2.1.0 schema, JUnit XML by junitparser and
ElementTree, GitHub workflow commands as the runner unescapes them, GitLab Code Quality's
required fields; ``[*]`` marks what ``--fix`` repairs."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from junitparser import Error, JUnitXml

from certpreflight.reports.ci import location
from tests.cli.conftest import CLEAN_LINE, Cli, ndjson_line
from tests.conftest import CUSTOMER

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"

#: Hostile text in an id and a customer name: characters each format must escape.
HOSTILE = 'E,1:%0A<&>"\x07\n'


def _mixed(tmp_path: Path) -> Path:
    """A file of three records: clean; missing a name (error) and hostile id; USA (warning,
    safely fixable)."""
    path = tmp_path / "certs.ndjson"
    missing = {**CUSTOMER, "name": "", "customer_number": "C-2002"}  # no copy of the clean one
    usa = {**CUSTOMER, "country": "USA"}
    path.write_bytes(
        CLEAN_LINE + ndjson_line(id=HOSTILE, customers=[missing]) + ndjson_line(customers=[usa])
    )
    return path


def test_output_format_and_its_alias_format_agree(cli: Cli, tmp_path: Path) -> None:
    """``--output-format`` is ruff's name; ``--format`` stays as its alias, on every command."""
    path = _mixed(tmp_path)
    for command in (["check", str(path)], ["rules"], ["rule", "2101"], ["matrix"]):
        assert cli(*command, "--output-format", "json") == cli(*command, "--format", "json")


def test_sarif_is_valid_sarif_2_1_0_with_file_and_line(cli: Cli, tmp_path: Path) -> None:
    """The SARIF report validates against the OASIS schema; a result names its rule, level,
    file and line."""
    path = _mixed(tmp_path)
    code, out, _ = cli("check", str(path), "--output-format", "sarif")
    assert code == 1
    doc = json.loads(out)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    error, warning = by_rule["2101"], by_rule["3203"]
    assert rules[error["ruleIndex"]]["id"] == "2101"
    assert (error["level"], warning["level"]) == ("error", "warning")
    place = error["locations"][0]["physicalLocation"]
    assert place["region"]["startLine"] == 2
    assert place["artifactLocation"]["uri"].endswith("certs.ndjson")
    assert warning["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_sarif_with_no_findings_is_valid_and_empty(cli: Cli, tmp_path: Path) -> None:
    """A clean run is a valid document with no results."""
    path = tmp_path / "clean.ndjson"
    path.write_bytes(CLEAN_LINE)
    code, out, _ = cli("check", str(path), "--output-format", "sarif")
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(json.loads(out))
    assert (code, json.loads(out)["runs"][0]["results"]) == (0, [])


def test_junit_reads_back_one_case_per_record(cli: Cli, tmp_path: Path) -> None:
    """JUnit XML: a test case per record, a failure for errors (``--fail-on``), counts right."""
    path = _mixed(tmp_path)
    code, out, _ = cli("check", str(path), "--output-format", "junit")
    assert code == 1
    root = ET.fromstring(out.encode())
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    xml = JUnitXml.fromstring(out)
    cases = [case for s in xml for case in s]
    assert [bool(c.result) for c in cases] == [False, True, False]
    failure = cases[1].result[0]
    assert failure.type == "2101 customer-name-missing"
    assert "\\x07" in cases[1].name  # a control character XML can't hold, escaped
    assert "3203" in (cases[2].system_out or "")
    _, strict, _ = cli("check", str(path), "--output-format", "junit", "--fail-on", "warning")
    assert ET.fromstring(strict.encode()).find("testsuite").get("failures") == "2"  # type: ignore[union-attr]


def _unescape(text: str) -> str:
    """What the Actions runner reads back from an escaped value (toolkit's command.ts)."""
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def test_github_annotations_escape_and_point_at_the_line(cli: Cli, tmp_path: Path) -> None:
    """One workflow command per finding, one line each; properties and message read back."""
    path = _mixed(tmp_path)
    code, out, _ = cli("check", str(path), "--output-format", "github")
    lines = out.splitlines()
    assert code == 1
    assert len(lines) == 2
    pattern = re.compile(r"^::(error|warning|notice) (file=[^,]*,line=\d+,title=[^:]*)::(.*)$")
    parsed = [pattern.match(line) for line in lines]
    assert all(parsed)
    command, props, message = parsed[0].groups()  # type: ignore[union-attr]
    fields = dict(p.split("=", 1) for p in props.split(","))
    assert (command, fields["line"], _unescape(fields["file"])) == ("error", "2", str(path))
    assert _unescape(fields["title"]).endswith(f"(certificate {HOSTILE})")
    assert _unescape(message).startswith(f"{path}:2: CustomerName is required.")
    assert "\nfix: " in _unescape(message)
    assert parsed[1].group(1) == "warning"  # type: ignore[union-attr]


def test_gitlab_code_quality_has_the_required_fields(cli: Cli, tmp_path: Path) -> None:
    """A JSON array of issues with description, check_name, unique fingerprints, GitLab
    severities and location.path / lines.begin."""
    path = _mixed(tmp_path)
    code, out, _ = cli("check", str(path), "--output-format", "gitlab")
    issues: list[dict[str, Any]] = json.loads(out)
    assert code == 1
    assert [i["severity"] for i in issues] == ["major", "minor"]
    assert [i["location"]["lines"]["begin"] for i in issues] == [2, 3]
    assert {i["location"]["path"] for i in issues} == {str(path)}
    assert len({i["fingerprint"] for i in issues}) == 2
    assert all(i["description"] and i["check_name"] for i in issues)
    # the same records a line lower: the same fingerprints (they follow the record, not the line)
    path.write_bytes(CLEAN_LINE + path.read_bytes())
    _, again, _ = cli("check", str(path), "--output-format", "gitlab")
    moved = json.loads(again)
    assert [i["location"]["lines"]["begin"] for i in moved] == [3, 4]
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]


def test_gitlab_without_findings_is_an_empty_array(cli: Cli, tmp_path: Path) -> None:
    """No findings: ``[]``, which GitLab reads as no issues."""
    path = tmp_path / "clean.ndjson"
    path.write_bytes(CLEAN_LINE)
    assert json.loads(cli("check", str(path), "--output-format", "gitlab")[1]) == []


def test_concise_is_one_line_a_finding_with_fixable_marked(cli: Cli, tmp_path: Path) -> None:
    """``file:line: CODE severity [*] message``; ``[*]`` on a finding ``--fix`` repairs."""
    path = _mixed(tmp_path)
    code, out, _ = cli("check", str(path), "--output-format", "concise")
    lines = out.splitlines()
    assert code == 1
    assert (
        lines[0]
        == f"{path}:2: 2101 error CustomerName is required. (This value must be specified.)"
    )
    assert lines[1].startswith(f"{path}:3: 3203 warning [*] Country 'USA'")
    assert lines[2].startswith("3 certificates checked")


def test_text_marks_fixable_findings_and_counts_them(cli: Cli, tmp_path: Path) -> None:
    """The text report puts ``[*]`` before a safely fixable finding and says how many."""
    path = _mixed(tmp_path)
    _, out, _ = cli("check", str(path))
    assert "3203 warning [*] Country 'USA'" in out
    assert "2101 error   CustomerName" in out
    assert out.endswith("[*] 1 fixable with `certpreflight check --fix`\n")


def test_an_input_that_cant_be_read_is_in_every_ci_format(cli: Cli, tmp_path: Path) -> None:
    """Exit 2, and the file that can't be read is in the report, not on stderr alone
    (before: it was left out): SARIF's invocation not successful with a notification at
    the file (valid against the schema), a JUnit test case in error, a GitHub ``::error``
    at the file, a GitLab issue."""
    missing = tmp_path / "nonexist.json"
    bad = tmp_path / "bad.ndjson"
    bad.write_bytes(b'{"id": "1"\n')
    files = (str(missing), str(bad))
    code, out, err = cli("check", *files, "--output-format", "sarif")
    assert code == 2
    assert f"can't read {missing}" in err
    doc = json.loads(out)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)
    (invocation,) = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"].startswith(f"can't read {missing}")
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "nonexist.json"
    )
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["4001"]  # bad.ndjson's record

    code, out, _ = cli("check", *files, "--output-format", "junit")
    assert code == 2
    suite = ET.fromstring(out.encode()).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "1")
    cases = [case for s in JUnitXml.fromstring(out) for case in s]
    errored = [c for c in cases if c.result and isinstance(c.result[0], Error)]
    assert [c.classname for c in errored] == [str(missing)]

    code, out, _ = cli("check", *files, "--output-format", "github")
    assert code == 2
    said = [line for line in out.splitlines() if "nonexist.json" in line]
    assert len(said) == 1
    assert said[0].startswith(f"::error file={_escaped_property(str(missing))},")

    code, out, _ = cli("check", *files, "--output-format", "gitlab")
    assert code == 2
    issues = [i for i in json.loads(out) if i["location"]["path"] == str(missing)]
    assert [(i["severity"], i["check_name"]) for i in issues] == [("major", "input-not-read")]
    assert issues[0]["fingerprint"]


def test_a_workbook_row_is_the_line_in_every_ci_format(cli: Cli, tmp_path: Path) -> None:
    """A workbook's record (``file:sheet:row``) points at its spreadsheet row: GitLab's
    ``lines.begin``, GitHub's ``line``, SARIF's ``startLine`` (before: 1, or none)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Certificate ID", "Billing Customer Number", "Name 1", "Exposure Zones"])
    sheet.append([])
    sheet.append(["c1", "C-1", "", "WA"])  # row 3: no name (2101) and more
    path = tmp_path / "certs.xlsx"
    book.save(path)
    _, out, _ = cli("check", str(path), "--output-format", "gitlab")
    assert {i["location"]["lines"]["begin"] for i in json.loads(out)} == {3}
    _, out, _ = cli("check", str(path), "--output-format", "github")
    assert all(",line=3," in line for line in out.splitlines())
    _, out, _ = cli("check", str(path), "--output-format", "sarif")
    doc = json.loads(out)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)
    places = [r["locations"][0]["physicalLocation"] for r in doc["runs"][0]["results"]]
    assert places
    assert {p["region"]["startLine"] for p in places} == {3}
    assert {p["artifactLocation"]["uri"] for p in places} == {str(path)}


def _escaped_property(text: str) -> str:
    return text.replace("%", "%25").replace(":", "%3A").replace(",", "%2C")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a.ndjson:12", ("a.ndjson", 12)),
        ("dir/b.csv:3", ("dir/b.csv", 3)),
        ("C:\\x\\c.json:7", ("C:\\x\\c.json", 7)),
        ("book.xlsx:Sheet1:4", ("book.xlsx", 4)),  # the spreadsheet row (before: no line)
        ("dir:x/book.XLSX:My Sheet:12", ("dir:x/book.XLSX", 12)),
        ("<stdin>:2", ("<stdin>", 2)),
        ("odd", ("odd", None)),
    ],
)
def test_location_of_a_source(source: str, expected: tuple[str, int | None]) -> None:
    """A record's source gives the file and the line the CI formats point at."""
    assert location(source) == expected
