"""What reports carry from the payload can't act: CSV cells stay cells, terminal escapes stay
text (issue 19, 5 and 11)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from certpreflight.reports.csv_cells import row
from tests.cli.conftest import Cli, ndjson_line


def test_bare_cr_in_an_id_cannot_start_a_csv_row(cli: Cli, tmp_path: Path) -> None:
    """``{"id": "C-1\\r=1+1"}``: quoted, so a CSV reader sees one row per finding and no cell
    that starts with = (it was written unquoted and a new row started at the CR)."""
    path = tmp_path / "evil.ndjson"
    path.write_bytes(ndjson_line(id="C-1\r=1+1") + ndjson_line(id="@SUM(A1)", tax_id="\r-2"))
    _, out, _ = cli("check", str(path), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert [r[1] for r in rows[1:]] == ["C-1\r=1+1", "'@SUM(A1)"]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)
    assert row(["\r=1", "a,b", 'say "x"', "\t1", None, 7]) == (
        '"\'\r=1","a,b","say ""x""",\'\t1,,7\n'
    )


def test_matrix_csv_uses_the_same_cell_writer(cli: Cli) -> None:
    """``matrix --format csv`` writes through the one cell writer: every line parses to the
    header's number of cells."""
    _, out, _ = cli("matrix", "--format", "csv", "--region", "WA")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert len(rows) > 2
    assert {len(r) for r in rows} == {len(rows[0])}


def test_terminal_escapes_in_the_text_report_are_shown_not_sent(cli: Cli, tmp_path: Path) -> None:
    """An id that would set the terminal's title or clear the screen is printed as escapes;
    so are a line break, a bidi override and a lone surrogate in a name (issue 19, 11)."""
    path = tmp_path / "evil.ndjson"
    path.write_bytes(
        ndjson_line(id="\x1b]0;pwned\x07")
        + ndjson_line(id="\x1b[2J", customers=[{"customer_number": "C\u202e1", "name": "a\nb"}])
    )
    code, out, _ = cli("check", str(path), "--format", "text", "--show-ok")
    assert code == 1
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\u202e" not in out
    assert "certificate \\x1b]0;pwned\\x07  ok" in out
    assert "certificate \\x1b[2J" in out
    assert "C\\u202e1" in out


def test_html_gives_the_verdicts_of_the_other_formats(cli: Cli, tmp_path: Path) -> None:
    """Over-limit values (4008 number, 4005 nesting, 4004 size) fail in every format, the HTML
    report included: it is built from the same reports, not from a re-read model (issue 19, 6:
    html exited 0 where the others exited 1)."""
    path = tmp_path / "limits.ndjson"
    path.write_bytes(
        b'{"id": "n", "tax_id": ' + b"9" * 300 + b"}\n"
        + b'{"id": "d", "notes": ' + b"[" * 40 + b"]" * 40 + b"}\n"
        + ndjson_line(id="big", name="x" * 1_100_000)
    )  # fmt: skip
    codes = {}
    for fmt in ("text", "json", "csv", "html"):
        code, out, _ = cli("check", str(path), "--format", fmt, "--max-line-bytes", "2000000")
        codes[fmt] = code
        if fmt in ("html", "csv"):
            for number in ("4004", "4005", "4008"):
                assert number in out, (fmt, number)
    assert codes == {"text": 1, "json": 1, "csv": 1, "html": 1}
