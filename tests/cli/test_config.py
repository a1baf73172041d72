"""[tool.certpreflight] in the nearest pyproject.toml (or certpreflight.toml): found from the
current directory up, overridden by flags, --config and --isolated, unknown keys an error."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from certpreflight import validate
from certpreflight.cli import main
from certpreflight.config import Config, ConfigError, find_config, load_config
from certpreflight.options import Options, RuleOptions
from tests.cli.conftest import CLEAN_LINE, Cli, ndjson_line
from tests.conftest import cert, customer

WARN_ONLY = ndjson_line(
    id="warn",
    regions=["TX"],
    tax_id=None,
    customers=[customer(region="TX", city="Austin", postal_code="78701")],
)
BAD = ndjson_line(id="bad", customers=[customer(name="", customer_number="C-2002")])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with certificates in data/, the current directory its sub/ folder."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "c.ndjson").write_bytes(CLEAN_LINE + BAD + WARN_ONLY)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    return tmp_path


def _pyproject(folder: Path, table: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(f'[project]\nname = "x"\n\n[tool.certpreflight]\n{table}', encoding="utf-8")
    return path


def _check(cli: Cli, project: Path, *flags: str) -> tuple[int, dict[str, object], str]:
    # no --today: the fixture adds it unless given, so pass it only where a test means to
    code, out, err = cli("check", str(project / "data" / "c.ndjson"), "--format", "json", *flags)
    return code, json.loads(out)["summary"] if out else {}, err


def test_nearest_pyproject_sets_ignore_and_fail_on(cli: Cli, project: Path) -> None:
    """Found from a subfolder: ignore drops 2101, fail-on warning makes the warning fail."""
    _pyproject(project, 'ignore = ["2101"]\nfail-on = "warning"\n')
    code, summary, _ = _check(cli, project)
    assert code == 1
    assert summary["by_code"] == {"6202": 1}


def test_flags_override_the_file(cli: Cli, project: Path) -> None:
    """--ignore and --fail-on on the command line win over the file's keys."""
    _pyproject(project, 'ignore = ["2101"]\nfail-on = "warning"\n')
    code, summary, _ = _check(cli, project, "--ignore", "6202", "--fail-on", "error")
    assert code == 1  # 2101 is back, and it is an error
    assert summary["by_code"] == {"2101": 1}
    code, summary, _ = _check(cli, project, "--select", "6202", "--fail-on", "error")
    assert (code, summary["by_code"]) == (0, {"6202": 1})


def test_select_profile_today_matrix_and_options_from_the_file(project: Path) -> None:
    """Every key reaches the check: matrix relative to the file, options as RuleOptions."""
    (project / "m.csv").write_text("region,reason,status\nUS-TX,G,not_exempt\n", encoding="utf-8")
    _pyproject(
        project,
        'select = ["3101", "5104"]\nprofile = "avatax"\nmatrix = "m.csv"\n'
        "today = 2029-12-01\n\n[tool.certpreflight.options]\nexpiring_within_days = 60\n",
    )
    out = io.StringIO()  # main itself: the cli fixture would add its own --today
    code = main(["check", str(project / "data" / "c.ndjson"), "--format", "json"], out=out)
    found = {
        r["id"]: [f["code"] for f in r["findings"]] for r in json.loads(out.getvalue())["results"]
    }
    # today 2029-12-01 and 60 days: the 2030-01-15 expiry is reported; TX is not exempt for G
    assert found == {"cert-1": [5104], "bad": [5104], "warn": [3101, 5104]}
    assert code == 1


def test_certpreflight_toml_wins_in_its_folder(cli: Cli, project: Path) -> None:
    """certpreflight.toml (top-level keys) beside a pyproject.toml is the one read."""
    _pyproject(project, 'ignore = ["2101"]\n')
    (project / "certpreflight.toml").write_text('ignore = ["6202"]\n', encoding="utf-8")
    assert find_config(project / "sub") == project / "certpreflight.toml"
    assert _check(cli, project)[1]["by_code"] == {"2101": 1}


def test_pyproject_without_the_table_is_passed_over(project: Path) -> None:
    """A pyproject.toml without [tool.certpreflight] doesn't stop the search upwards."""
    _pyproject(project, 'ignore = ["2101"]\n')
    (project / "sub" / "pyproject.toml").write_text('[project]\nname = "y"\n', encoding="utf-8")
    assert find_config(project / "sub") == project / "pyproject.toml"


def test_config_path_and_isolated(cli: Cli, project: Path) -> None:
    """--config reads that file instead; --isolated reads none; both at once is an error."""
    _pyproject(project, 'ignore = ["2101"]\n')
    other = project / "strict.toml"
    other.write_text('fail-on = "warning"\nselect = ["6202"]\n', encoding="utf-8")
    code, summary, _ = _check(cli, project, "--config", str(other))
    assert (code, summary["by_code"]) == (1, {"6202": 1})
    assert _check(cli, project, "--isolated")[1]["by_code"] == {"2101": 1, "6202": 1}
    code, _, err = _check(cli, project, "--isolated", "--config", str(other))
    assert code == 2
    assert "use --config or --isolated, not both" in err
    code, _, err = _check(cli, project, "--config", str(project / "nope.toml"))
    assert code == 2
    assert f"can't read config {project / 'nope.toml'}" in err


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ('fail-of = "warning"\n', "unknown key 'fail-of' (did you mean 'fail-on'?); expected one"),
        ('fail-on = "info"\nfail_on = "info"\n', "'fail-on' is set twice"),
        ('profile = "nope"\n', "profile must be certcapture or avatax or audit, not 'nope'"),
        ("select = 3\n", "select must be a list of codes"),
        ('today = "tomorrow"\n', "today must be a date, YYYY-MM-DD, not 'tomorrow'"),
        ("[tool.certpreflight.options]\nbogus = 1\n", "unknown option 'bogus'"),
        ("[tool.certpreflight.options]\nsst_seller = 1\n", "sst_seller must be true or false"),
        ('select = ["9999"]\n', "9999"),
        ("select = [\n", "not valid TOML"),
    ],
)
def test_bad_configuration_exits_2_naming_the_key(
    cli: Cli, project: Path, table: str, problem: str
) -> None:
    """An unknown key or a bad value is a usage error (exit 2) naming the file and the key,
    for `check FILE` and for `check --show-settings` alike (no traceback)."""
    path = _pyproject(project, table)
    code, _, err = _check(cli, project)
    shown_code, _, shown_err = cli("check", "--show-settings")
    assert code == shown_code == 2
    assert problem in err
    assert problem in shown_err
    assert "Traceback" not in shown_err
    assert str(path) in err or "9999" in problem


def test_load_config_reads_every_key(tmp_path: Path) -> None:
    """The library's view of a file: one typed Config, options as RuleOptions."""
    path = tmp_path / "certpreflight.toml"
    path.write_text(
        'select = "2, 3101"\nignore = [5104]\nprofile = "avatax"\nfail-on = "info"\n'
        'today = "2026-11-21"\nmatrix = "m.csv"\n[options]\nsst_seller = true\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.select == ("2", "3101")
    assert config.ignore == ("5104",)
    assert (config.profile, config.fail_on) == ("avatax", "info")
    assert config.today == dt.date(2026, 11, 21)
    assert config.matrix == tmp_path / "m.csv"
    assert config.options == RuleOptions(sst_seller=True)
    (tmp_path / "pyproject.toml").write_text("[tool]\ncertpreflight = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not a table"):
        load_config(tmp_path / "pyproject.toml")


def test_library_code_checks_as_the_cli_does(tmp_path: Path) -> None:
    """validate(payload, **config.validate_options()) applies the file's keys."""
    (tmp_path / "m.csv").write_text("region,reason,status\nUS-WA,G,not_exempt\n", encoding="utf-8")
    path = tmp_path / "certpreflight.toml"
    path.write_text(
        'select = ["3101", "5104"]\nmatrix = "m.csv"\ntoday = 2029-12-01\n'
        "[options]\nexpiring_within_days = 60\n",
        encoding="utf-8",
    )
    config = load_config(path)
    kwargs = config.validate_options()
    assert kwargs == config.run_options().keywords()
    assert kwargs["select"] == ("3101", "5104")
    assert [f.code for f in validate(cert(), **kwargs).findings] == [3101, 5104]
    assert Config().validate_options() == Options().keywords()
    assert validate(cert(), **Config().validate_options()) == validate(cert())


def test_flags_override_the_file_in_the_one_options_object(tmp_path: Path) -> None:
    """run_options: a flag given wins over the file's key; a key not given is the file's."""
    path = tmp_path / "certpreflight.toml"
    path.write_text('select = "3101"\nprofile = "avatax"\ntoday = 2029-12-01\n', encoding="utf-8")
    config = load_config(path)
    run = config.run_options(select=["21"], today=dt.date(2030, 1, 2))
    assert (run.select, run.profile, run.today) == (("21",), "avatax", dt.date(2030, 1, 2))
    assert config.run_options().select == ("3101",)
    with pytest.raises(ValueError, match="unknown rule selector 'customer-name-mising'"):
        config.run_options(ignore="customer-name-mising")


def test_an_unknown_selector_in_the_file_names_the_file(tmp_path: Path) -> None:
    """A selector no rule matches is a ConfigError naming the file, as an unknown key is."""
    path = tmp_path / "certpreflight.toml"
    path.write_text('ignore = ["9999"]\n', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"certpreflight\.toml: ignore: unknown rule selector '9999'"
    ):
        load_config(path)


def test_keys_read_in_kebab_case_and_snake_case(tmp_path: Path) -> None:
    """``fail-on`` and ``fail_on``, ``expiring-within-days`` and ``expiring_within_days``:
    both spellings are read, kebab-case is the one documented."""
    path = tmp_path / "certpreflight.toml"
    for text in (
        'fail-on = "info"\n[options]\nexpiring-within-days = 7\n',
        'fail_on = "info"\n[options]\nexpiring_within_days = 7\n',
    ):
        path.write_text(text, encoding="utf-8")
        config = load_config(path)
        assert config.fail_on == "info"
        assert config.options is not None
        assert config.options.expiring_within_days == 7


def test_show_settings_names_the_file_and_the_resolved_settings(cli: Cli, project: Path) -> None:
    """`check --show-settings` says which file was read and what the flags and it resolve
    to, and checks nothing (no FILE needed)."""
    path = _pyproject(
        project,
        'fail_on = "warning"\nselect = ["21"]\n[tool.certpreflight.options]\n'
        "expiring-within-days = 9\n",
    )
    code, out, _ = cli("check", "--show-settings", "--profile", "audit")
    shown = json.loads(cli("check", "--show-settings", "--output-format", "json")[1])
    isolated = cli("check", "--show-settings", "--isolated")[1]
    assert code == 0
    assert f"configuration file: {path}\n" in out
    assert "profile: audit\n" in out
    assert "  expiring-within-days = 9\n" in out
    assert (shown["configuration file"], shown["fail-on"], shown["select"]) == (
        str(path),
        "warning",
        ["21"],
    )
    assert shown["rules"]
    assert all(str(code).startswith("21") for code in shown["rules"])
    assert "configuration file: none (--isolated)\n" in isolated
