"""Help a person can use: every option explained with its default, check --help with exit
codes and input formats, a subcommand's own usage on errors, JSON rules, --version."""

from __future__ import annotations

import argparse
import json

import pytest

from certpreflight import CATALOGUE, __version__
from certpreflight.cli import _parser
from certpreflight.rules.docs import rule_dict
from tests.cli.conftest import Cli

COMMANDS = ["check", "rules", "rule", "matrix", "plan", "export"]


def _options(command: str) -> list[argparse.Action]:
    _, commands = _parser()
    return [
        a
        for a in commands[command]._actions
        if not isinstance(a, (argparse._HelpAction, argparse._VersionAction))
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help_with_its_default(command: str) -> None:
    """Each argument of each subcommand is explained; each option says its default."""
    for action in _options(command):
        assert action.help, f"{command} {action.dest} has no help"
        if action.option_strings:
            assert "default" in action.help, f"{command} {action.option_strings[0]}: no default"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_subcommand(cli: Cli, command: str) -> None:
    """`certpreflight COMMAND --help` prints its usage and exits 0."""
    code, out, _ = cli(command, "--help")
    assert code == 0
    assert out.startswith(f"usage: certpreflight {command}")


def test_check_help_lists_exit_codes_input_formats_and_configuration(cli: Cli) -> None:
    """check --help ends with the input formats, the configuration file and the exit codes."""
    out = cli("check", "--help")[1]
    for text in (
        ".ndjson, .jsonl",
        ".xlsx",
        "'-' reads standard input",
        "[tool.certpreflight]",
        "exit codes:",
        "0  no finding at or above --fail-on",
        "1  findings at or above --fail-on",
        "2  usage error",
    ):
        assert text in out


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_option_prints_the_subcommands_usage(cli: Cli, command: str) -> None:
    """`check --frobnicate` names the option and shows check's usage, not the top level's."""
    argv = [command, "--frobnicate"] + (["x.json"] if command == "check" else [])
    argv += ["s.json", "--against", "e.json"] if command == "plan" else []
    argv += ["123", "-o", "e.json"] if command == "export" else []
    argv += ["2101"] if command == "rule" else []
    code, out, err = cli(*argv)
    assert (code, out) == (2, "")
    assert "unrecognized arguments: --frobnicate" in err
    assert f"usage: certpreflight {command}" in err


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_version_everywhere(cli: Cli, command: str) -> None:
    """--version works at the top level and in each subcommand."""
    code, out, _ = cli(*([command] if command else []), "--version")
    assert (code, out) == (0, f"certpreflight {__version__}\n")


def test_rule_json(cli: Cli) -> None:
    """`rule CODE --format json` is the rule's record: code, name, texts and docs."""
    code, out, _ = cli("rule", "6204", "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert doc["code"] == 6204
    assert doc["name"] == "tax-id-malformed"
    assert set(doc) == {
        "code", "name", "type", "severity", "profiles", "message", "summary", "fix", "autofix",
        "found_by", "doc",
    }  # fmt: skip
    assert doc["autofix"] is None
    assert doc["found_by"] == []  # it has a check of its own
    read = json.loads(cli("rule", "4006", "--format", "json")[1])
    assert read["found_by"] == ["certpreflight.reading.limits"]
    assert "Found by: certpreflight.reading.limits" in cli("rule", "4006")[1]
    assert cli("rule", "tax-id-malformed", "--format", "json")[1] == out
    fixed = json.loads(cli("rule", "3203", "--format", "json")[1])["autofix"]
    assert fixed["kind"] == "safe"
    assert "2-letter" in fixed["description"]


def test_rules_json_is_the_whole_catalogue(cli: Cli) -> None:
    """`rules --format json` lists every rule, in catalogue order, as `rule --format json`."""
    code, out, _ = cli("rules", "--format", "json")
    assert code == 0
    assert json.loads(out) == [rule_dict(r) for r in CATALOGUE]
    assert [r["code"] for r in json.loads(out)] == [r.code for r in CATALOGUE]
