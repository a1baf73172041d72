"""check's output like a linter's: findings only, --show-ok, --quiet, --statistics, the
summary on stderr with --output, --color with NO_COLOR / FORCE_COLOR, wrapped fixes."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

import pytest

from certpreflight.cli import main, wants_colour
from certpreflight.io import read_records
from certpreflight.options import Options
from certpreflight.reports.run import CheckOptions, progress_bar, run_chunks
from tests.cli.conftest import CLEAN_LINE, Cli, ndjson_line
from tests.conftest import customer

WARN_ONLY = ndjson_line(
    id="warn",
    regions=["TX"],
    tax_id=None,
    customers=[customer(region="TX", city="Austin", postal_code="78701")],
)
INFO_ONLY = ndjson_line(
    id="soon", expiration_date="2026-12-01", customers=[customer(customer_number="C-3003")]
)
BAD = ndjson_line(id="bad", customers=[customer(name="", customer_number="C-2002")])


@pytest.fixture
def run(tmp_path: Path) -> Path:
    """clean, error, warning-only and info-only certificates, one a line."""
    path = tmp_path / "run.ndjson"
    path.write_bytes(CLEAN_LINE + BAD + WARN_ONLY + INFO_ONLY)
    return path


def test_text_lists_only_certificates_with_findings(cli: Cli, run: Path) -> None:
    """A clean certificate gets no line; each other one says FAIL, WARN or INFO with its counts."""
    _, out, _ = cli("check", str(run))
    heads = [line for line in out.splitlines() if "  certificate " in line]
    assert heads == [
        f"{run}:2  certificate bad  FAIL (1 error)",
        f"{run}:3  certificate warn  WARN (1 warning)",
        f"{run}:4  certificate soon  INFO (1 info)",
    ]
    assert "ok (0 errors, 0 warnings)" not in out


def test_ok_counts_exclude_certificates_with_warnings(cli: Cli, run: Path) -> None:
    """ok, with errors and with warnings add up: the info-only one is ok, the warning one not."""
    _, out, _ = cli("check", str(run))
    assert "4 certificates checked: 2 ok, 1 with errors, 1 with warnings" in out


def test_show_ok_lists_the_clean_ones(cli: Cli, run: Path) -> None:
    """--show-ok adds a line for each clean certificate."""
    _, out, _ = cli("check", str(run), "--show-ok")
    assert f"{run}:1  certificate cert-1  ok" in out.splitlines()


def test_quiet_prints_the_summary_line_only(cli: Cli, run: Path) -> None:
    """--quiet: one line, and the exit code as without it."""
    code, out, err = cli("check", str(run), "--quiet")
    assert (code, out, err) == (
        1,
        "4 certificates checked: 2 ok, 1 with errors, 1 with warnings\n",
        "",
    )


def test_statistics_counts_per_code_like_ruff(cli: Cli, tmp_path: Path) -> None:
    """--statistics: count, code, severity, name per line, most first, then the summary line."""
    path = tmp_path / "s.ndjson"
    path.write_bytes(BAD * 3 + WARN_ONLY + CLEAN_LINE)
    code, out, _ = cli("check", str(path), "--statistics")
    assert code == 1
    assert out.splitlines() == [
        "3\t2101\terror  \tcustomer-name-missing",
        "1\t6202\twarning\ttax-id-missing",
        "5 certificates checked: 1 ok, 3 with errors, 1 with warnings",
    ]


def test_output_file_gets_the_report_and_stderr_the_summary(
    cli: Cli, run: Path, tmp_path: Path
) -> None:
    """With --output the summary line still reaches the person, on stderr."""
    target = tmp_path / "report.json"
    code, out, err = cli("check", str(run), "--format", "json", "--output", str(target))
    assert code == 1
    assert out == ""
    assert err == "4 certificates checked: 2 ok, 1 with errors, 1 with warnings\n"
    assert target.read_text(encoding="utf-8").startswith('{"summary": ')


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("choice", "env", "tty", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),
        ("auto", {"NO_COLOR": "", "FORCE_COLOR": ""}, True, True),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_choice(
    monkeypatch: pytest.MonkeyPatch, choice: str, env: dict[str, str], tty: bool, expected: bool
) -> None:
    """--color always/never win; auto: NO_COLOR, then FORCE_COLOR, then is it a terminal."""
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stream = _Terminal() if tty else io.StringIO()
    assert wants_colour(choice, stream) is expected


def test_force_color_colours_a_pipe(cli: Cli, run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """FORCE_COLOR=1 colours the report though stdout is not a terminal; --color never wins."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[31mFAIL\x1b[0m" in cli("check", str(run))[1]
    assert "\x1b[" not in cli("check", str(run), "--color", "never")[1]


def test_fixes_wrap_to_the_terminal_width(run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal of 60 columns every line fits and the fix goes on, indented."""
    monkeypatch.setenv("COLUMNS", "60")
    out, err = _Terminal(), io.StringIO()
    main(["check", str(run), "--color", "never", "--today", "2026-11-21"], out=out, err=err)
    lines = out.getvalue().splitlines()
    fix = next(i for i, line in enumerate(lines) if "fix: Enter the legal name" in line)
    wrapped = [lines[fix]]
    for line in lines[fix + 1 :]:
        if not line.startswith(" " * 20):
            break
        wrapped.append(line)
    assert len(wrapped) >= 2
    assert all(len(line) <= 60 for line in wrapped)
    assert " ".join(w.strip() for w in wrapped).startswith("fix: Enter the legal name of customer")
    piped = io.StringIO()
    main(["check", str(run), "--today", "2026-11-21"], out=piped, err=err)
    assert any(
        len(line) > 60 and "fix: Enter the legal name" in line
        for line in piped.getvalue().splitlines()
    )


def test_progress_bar_counts_bytes_of_input_towards_a_total(run: Path) -> None:
    """The bar's total is the input's size; measured chunks add up to it for NDJSON."""
    threads = {t.name for t in threading.enumerate()}
    bar = progress_bar(_Terminal(), run.stat().st_size)
    assert bar is not None
    assert (bar.total, bar.unit) == (run.stat().st_size, "B")
    # no monitor thread: --jobs forks its workers after the bar is made
    assert {t.name for t in threading.enumerate()} == threads
    bar.close()
    assert progress_bar(io.StringIO(), 10) is None  # not a terminal: no bar
    options = CheckOptions(run=Options(today=dt.date(2026, 11, 21)), measure=True)
    sizes = [c.size for c in run_chunks(read_records(run), options, chunk_size=2)]
    assert sum(sizes) == run.stat().st_size
    assert all(c.size == 0 for c in run_chunks(read_records(run), CheckOptions()))
