"""Did-you-mean, one helper for every misspelt word: options, subcommands, choices, rule
codes and names, selectors, configuration keys, rule options and payload keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from certpreflight import validate
from certpreflight.config import ConfigError, load_config
from certpreflight.options import Options
from certpreflight.rules import get_rule
from certpreflight.suggest import closest, did_you_mean
from tests.cli.conftest import Cli
from tests.conftest import cert


def test_closest_guesses_within_the_cutoff_only() -> None:
    """The closest choice over the cutoff, given as it is written; None when none is close."""
    assert closest("Customer-Name-Mising", ["customer-name-missing", "city-missing"]) == (
        "customer-name-missing"
    )
    assert closest("banana", ["customer-name-missing"]) is None
    assert did_you_mean("select", ["select"]) == ""


def test_a_misspelt_option_is_a_short_error_with_a_hint(cli: Cli) -> None:
    """`check --selct 2101` names the option it probably meant, with a one-line usage."""
    code, out, err = cli("check", "--selct", "2101", "x.json")
    assert (code, out) == (2, "")
    assert "unrecognized arguments: --selct (did you mean --select?)" in err
    assert len(err.splitlines()) == 2
    assert err.splitlines()[1].startswith("usage: certpreflight check [OPTIONS] FILE...")


def test_a_misspelt_subcommand_or_choice_gets_a_hint(cli: Cli) -> None:
    """A subcommand and a value of a choice get the closest choice."""
    assert "(did you mean 'check'?)" in cli("chek", "x.json")[2]
    assert "(did you mean 'sarif'?)" in cli("check", "x.json", "--output-format", "sarf")[2]
    assert "(did you mean 'audit'?)" in cli("check", "x.json", "--profile", "audti")[2]


def test_a_misspelt_rule_name_or_code_gets_a_hint(cli: Cli) -> None:
    """`rule` and `--select` suggest the rule name (or code) meant; a far one gets none."""
    code, _, err = cli("rule", "customer-name-mising")
    assert code == 2
    assert "no rule 'customer-name-mising' (did you mean 'customer-name-missing'?)" in err
    assert "(did you mean '3101'?)" in cli("rule", "31001")[2]
    assert "did you mean" not in cli("rule", "9999")[2]
    with pytest.raises(KeyError, match="did you mean 'city-missing'"):
        get_rule("city-mising")
    with pytest.raises(
        ValueError, match=r"'customer-name-mising' \(did you mean 'customer-name-missing'\?\)"
    ):
        Options.of(select="customer-name-mising")
    assert "(did you mean 'input'?)" in cli("check", "x.json", "--select", "inptu")[2]


def test_a_misspelt_configuration_key_gets_a_hint(tmp_path: Path) -> None:
    """A key of [tool.certpreflight] or its options table that is close to a known one."""
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.certpreflight]\nprofil = "avatax"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown key 'profil' \(did you mean 'profile'\?\)"):
        load_config(path)
    path.write_text("[tool.certpreflight.options]\nexpiring-within-day = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\(did you mean 'expiring_within_days'\?\)"):
        load_config(path)


def test_payload_keys_go_through_the_same_helper() -> None:
    """Rule 2310 still names the key a payload's misspelt key meant."""
    payload = cert()
    payload["exempt_reson"] = payload.pop("exempt_reason")
    found = [f for f in validate(payload).findings if f.code == 2310]
    assert found
    assert "did you mean 'exempt_reason'?" in found[0].message
