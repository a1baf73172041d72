"""Tests for the exempt reason x region matrix: the shipped data, lookups, overlays and CSV I/O."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import pickle
import re
import types
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from certpreflight.reference import matrix as matrix_module
from certpreflight.reference.matrix import Cell, ExemptionMatrix, MatrixFormatError
from certpreflight.reference.reasons import all_reasons, lookup_reason
from certpreflight.reference.regions import all_regions, lookup_region

REPO = Path(__file__).resolve().parents[2]
RESEARCH = REPO.parent / "shared" / "research"
NO_SALES_TAX = ("US-AK", "US-DE", "US-MT", "US-NH", "US-OR")
STATUSES = {"exempt", "not_exempt", "partial", "unknown"}
BASES = {"sourced": {"avalara"}, "inferred": {"law", "inference"}}
KINDS = {"statute", "regulation", "dor", "mtc", "sst", "federal", "avalara", "secondary"}


def _build_script() -> types.ModuleType:
    """scripts/build_matrix.py as a module (it needs only the standard library)."""
    spec = importlib.util.spec_from_file_location("build_matrix", REPO / "scripts/build_matrix.py")
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


#: Sites that host copies of other publishers' documents: never a source. The build script's
#: list, and the four the issue found cited (so shrinking that list cannot let them back).
MIRRORS: frozenset[str] = _build_script().MIRRORS | {
    "laurenscitycats.org",
    "fill.io",
    "formsbank.com",
    "docslib.org",
}


@pytest.fixture
def default() -> ExemptionMatrix:
    """The built-in matrix."""
    return ExemptionMatrix.default()


def write(tmp_path: Path, text: str, name: str = "matrix.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- shipped data ---------------------------------------------------------------------------


def test_shipped_data(default: ExemptionMatrix) -> None:
    """Every shipped cell is well-formed and the sourced facts the rules rely on hold."""
    problems = []
    for reason, region, cell in default.cells():
        where = f"{reason}/{region}"
        if cell.status not in STATUSES - {"unknown"}:
            problems.append(f"{where}: status {cell.status!r}")
        if cell.basis not in BASES.get(cell.confidence, set()):
            problems.append(f"{where}: confidence {cell.confidence!r} with basis {cell.basis!r}")
        if not cell.source.strip():
            problems.append(f"{where}: no source")
        if cell.status == "partial" and not cell.condition.strip():
            problems.append(f"{where}: partial without a condition")
    for region in NO_SALES_TAX:
        for reason in default.reasons():
            cell = default.cell_by_code(reason, region)
            if cell is None or (cell.status, cell.confidence) != ("not_exempt", "sourced"):
                problems.append(f"{reason}/{region}: expected not_exempt/sourced, got {cell}")
    georgia_f = default.cell_by_code("F", "US-GA")
    if georgia_f is None or (georgia_f.status, georgia_f.confidence) != ("not_exempt", "sourced"):
        problems.append(f"F/US-GA: expected not_exempt/sourced, got {georgia_f}")
    if default.status("M", "US-AZ") == "exempt":
        problems.append("M/US-AZ: the inferred exemption should have been dropped")
    assert problems == [], "\n".join(problems)


def test_every_shipped_cell_has_its_own_public_source(default: ExemptionMatrix) -> None:
    """Each cell cites one http(s) address (not a mirror site), its kind, date and certainty."""
    problems = []
    for reason, region, cell in default.cells():
        where = f"{reason}/{region}"
        parts = urlsplit(cell.source)
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or not host or " " in cell.source:
            problems.append(f"{where}: source {cell.source!r} is not one http(s) address")
        if any(host == m or host.endswith("." + m) for m in MIRRORS):
            problems.append(f"{where}: source on a mirror site {host}")
        if cell.source_kind not in KINDS:
            problems.append(f"{where}: source kind {cell.source_kind!r}")
        if (cell.source_kind == "avalara") != (cell.basis == "avalara") and cell.basis != "law":
            problems.append(f"{where}: kind {cell.source_kind} with basis {cell.basis}")
        if cell.confidence == "sourced" and cell.source_kind != "avalara":
            problems.append(f"{where}: sourced but not Avalara's statement")
        if not cell.read[:4].isdigit() or cell.certainty not in ("high", "medium", "low"):
            problems.append(f"{where}: read {cell.read!r}, certainty {cell.certainty!r}")
    assert problems == [], "\n".join(problems)


def _regions_named_in(url: str) -> set[str]:
    """The regions a source address names: a state or province name in its host or path,
    or a state's own ``*.xx.gov`` site."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    text = re.sub(r"[^a-z]+", "", (host + unquote(parts.path)).casefold())
    named = {
        region.code
        for region in all_regions()
        if region.code != "CA-GST" and re.sub(r"[^a-z]+", "", region.name.casefold()) in text
    }
    labels = host.split(".")
    if len(labels) >= 3 and labels[-1] == "gov" and lookup_region(f"US-{labels[-2]}"):
        named.add(f"US-{labels[-2].upper()}")
    if "US-WV" in named:  # "westvirginia" also holds "virginia"
        named.discard("US-VA")
    if "US-AR" in named and "kansas" not in text.replace("arkansas", ""):
        named.discard("US-KS")
    return named


def test_a_regions_own_source_is_cited_only_for_that_region(default: ExemptionMatrix) -> None:
    """A source naming a state or province (its site, its code) states only that region's
    cells: never an Alabama page for Washington. Revenu Quebec, which also runs the GST in
    Quebec, may state Canada (GST) cells."""
    wrong = []
    for reason, region, cell in default.cells():
        named = _regions_named_in(cell.source)
        if region == "CA-GST" and named == {"CA-QC"}:
            continue
        if named and region not in named:
            wrong.append(f"{reason}/{region}: {cell.source} names {sorted(named)}")
    assert wrong == []
    assert _regions_named_in(
        "https://laurenscitycats.org/state-of-alabama-tax-exempt-form-3322"
    ) == {"US-AL"}


def test_washington_resale_cites_washington(default: ExemptionMatrix) -> None:
    """US-WA G is exempt on Washington's own revenue department page (the reseller permit)."""
    cell = default.cell("RESALE", "Washington")
    assert cell is not None
    assert cell.status == "exempt"
    assert (cell.source_kind, urlsplit(cell.source).hostname) == ("dor", "www.dor.wa.gov")


@pytest.mark.parametrize(
    ("reason", "region", "words"),
    [
        ("G", "US-HI", "0.5%"),
        ("H", "US-CA", "6356.5"),
        ("I", "US-CA", "6377.1"),
        ("I", "US-AL", "1.5%"),
        ("I", "US-LA", "47:305.5"),
        ("I", "US-MS", "1.5%"),
        ("B", "US-AL", "State of Alabama"),
        ("N", "US-AL", "Alabama counties"),
    ],
)
def test_research_corrections_are_partial_with_their_condition(
    default: ExemptionMatrix, reason: str, region: str, words: str
) -> None:
    """The corrected cells are partial, and their condition states the law's limit."""
    cell = default.cell_by_code(reason, region)
    assert cell is not None
    assert cell.status == "partial"
    assert words in cell.condition


def test_where_avalara_says_partly_exempt_the_law_is_in_the_condition(
    default: ExemptionMatrix,
) -> None:
    """CA I: Avalara's own page stays the source (it predicts the sync); the law's address is
    in the condition."""
    cell = default.cell_by_code("I", "US-CA")
    assert cell is not None
    assert (cell.confidence, cell.source_kind) == ("sourced", "avalara")
    assert "https://www.cdtfa.ca.gov/" in cell.condition


def test_cell_is_a_typed_immutable_record(default: ExemptionMatrix) -> None:
    """cell() gives the status, confidence, source kind, source, date read and condition."""
    cell = default.cell("G", "US-HI")
    assert cell is not None
    assert (cell.status, cell.confidence, cell.basis) == ("partial", "inferred", "law")
    assert cell.source_kind == "regulation"
    assert cell.source.startswith("https://")
    assert cell.read == "2026-12-01"
    assert cell.certainty == "high"
    assert not cell.rejects
    with pytest.raises(dataclasses.FrozenInstanceError):
        cell.status = "exempt"  # type: ignore[misc]
    with pytest.raises(ValueError, match="invalid source kind"):
        Cell("exempt", "sourced", "user", "", "x", "blog")  # type: ignore[arg-type]


def test_secondary_or_low_cells_never_reject() -> None:
    """A sourced cell on a secondary source, or of low certainty, does not reject."""
    official = Cell("not_exempt", "sourced", "user", "", "https://x.test", "dor", "2026", "high")
    assert official.rejects
    assert not dataclasses.replace(official, source_kind="secondary").rejects
    assert not dataclasses.replace(official, certainty="low").rejects
    assert not dataclasses.replace(official, confidence="inferred").rejects


def test_matrix_codes_are_in_the_catalogues(default: ExemptionMatrix) -> None:
    """Every reason and region in the matrix is a catalogue entry, listed in catalogue order."""
    catalogue = [reason.code for reason in all_reasons()]
    assert [code for code in catalogue if code in default.reasons()] == list(default.reasons())
    for code in default.reasons():
        reason = lookup_reason(code)
        assert reason is not None
        assert reason.code == code
    for code in default.regions():
        region = lookup_region(code)
        assert region is not None
        assert region.code == code


def test_avalara_wins_conflicts_and_keeps_the_law_as_a_note(default: ExemptionMatrix) -> None:
    """Where Avalara and the law disagree, Avalara's status stays and the law is a note."""
    for reason, region in (("F", "US-UT"), ("M", "US-GA"), ("G", "US-AK")):
        cell = default.cell_by_code(reason, region)
        assert cell is not None
        assert (cell.status, cell.basis) == ("not_exempt", "avalara")
        assert cell.condition.startswith("Law differs")


@pytest.mark.skipif(not RESEARCH.is_dir(), reason="research folder not available")
def test_shipped_matrix_matches_the_build_script() -> None:
    """The committed matrix.csv is what scripts/build_matrix.py makes from the research."""
    script = _build_script()
    shipped = (REPO / "src/certpreflight/reference/data/matrix.csv").read_text(encoding="utf-8")
    assert script.render(script.build(RESEARCH)) == shipped


def test_the_shipped_matrix_is_read_as_the_general_reader_reads_it() -> None:
    """The default matrix's fast reader gives the general reader's cells, in its order;
    a file of another layout (columns in another order) goes to the general reader."""
    shipped = (REPO / "src/certpreflight/reference/data/matrix.csv").read_text(encoding="utf-8")
    general = matrix_module._parse(shipped, matrix_module._DATA_NAME, complete=True)
    fast = matrix_module._shipped(shipped)
    assert list(fast.items()) == list(general.items())
    assert ExemptionMatrix.default() == ExemptionMatrix._of(general)
    swapped = "reason,region,status\nG,US-WA,exempt\n"
    with pytest.raises(MatrixFormatError, match="are required"):
        matrix_module._shipped(swapped)


# -- lookups --------------------------------------------------------------------------------


def test_status_accepts_aliases(default: ExemptionMatrix) -> None:
    """Reasons and regions may be given by any alias."""
    assert default.status("RESALE", "New Hampshire") == "not_exempt"
    assert default.status("g", "nh") == "not_exempt"
    assert default.status("G", "US-NH") == "not_exempt"
    assert default.cell("Religious Org", "Georgia") is default.cell_by_code("F", "US-GA")


def test_unknown_cells_and_names_give_unknown(default: ExemptionMatrix) -> None:
    """A cell without a source, or an unresolvable reason or region, is unknown."""
    assert default.status("G", "US-GU") == "unknown"
    assert default.status("EXPOSURE", "WA") == "unknown"
    assert default.status("G", "Atlantis") == "unknown"
    assert default.cell("MEDICAL", "WA") is None
    assert default.cell_by_code("g", "US-WA") is None


def test_default_is_loaded_once() -> None:
    """default() returns the same object on every call."""
    assert ExemptionMatrix.default() is ExemptionMatrix.default()


def test_matrix_is_immutable_and_picklable(default: ExemptionMatrix) -> None:
    """Attributes cannot be set, and a pickled copy is equal."""
    with pytest.raises(AttributeError):
        default._cells = {}  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(default)) == default


# -- overrides ------------------------------------------------------------------------------


def test_with_overrides_returns_a_new_matrix(default: ExemptionMatrix) -> None:
    """Overrides give a new matrix with user cells and leave the default unchanged."""
    custom = Cell("partial", "inferred", "user", "only with a state letter", "my notes")
    changed = default.with_overrides(
        {("RESALE", "New Hampshire"): "exempt", ("E", "TX"): "N", ("M", "US-WA"): custom}
    )
    assert changed is not default
    assert changed.status("G", "US-NH") == "exempt"
    assert changed.cell_by_code("G", "US-NH") == Cell(
        "exempt", "sourced", "user", "", "user override"
    )
    assert changed.status("E", "US-TX") == "not_exempt"
    assert changed.cell_by_code("M", "US-WA") is custom
    assert default.status("G", "US-NH") == "not_exempt"
    assert ExemptionMatrix.default().status("G", "US-NH") == "not_exempt"


@pytest.mark.parametrize(
    "overrides",
    [{("EXPOSURE", "WA"): "exempt"}, {("G", "Atlantis"): "exempt"}, {("G", "WA"): "maybe"}],
)
def test_with_overrides_rejects_unknown_names_and_statuses(
    default: ExemptionMatrix, overrides: dict[tuple[str, str], str]
) -> None:
    """An override naming an unknown reason, region or status raises ValueError."""
    with pytest.raises(ValueError, match=r"^(unknown|invalid) "):
        default.with_overrides(overrides)


# -- CSV ------------------------------------------------------------------------------------


def test_from_csv_long_format(tmp_path: Path) -> None:
    """A long CSV with comments, aliases and status words loads, defaulting to user cells."""
    path = write(
        tmp_path,
        "# my matrix\n"
        "region,reason,status,condition\n"
        "WA,RESALE,Y,\n"
        "Texas,e,taxable,\n"
        "\n"
        "US-NM,A,C,TPP only\n",
    )
    matrix = ExemptionMatrix.from_csv(path)
    assert matrix.regions() == ("US-NM", "US-TX", "US-WA")
    assert matrix.cell_by_code("G", "US-WA") == Cell("exempt", "sourced", "user", "", f"{path}:3")
    assert matrix.status("E", "TX") == "not_exempt"
    assert matrix.cell_by_code("A", "US-NM") == Cell(
        "partial", "sourced", "user", "TPP only", f"{path}:6"
    )


def test_from_csv_wide_format(tmp_path: Path) -> None:
    """A wide CSV like the research matrix_us.csv loads; ? and blank cells say nothing."""
    path = write(
        tmp_path,
        "region,A,B,RESALE,P,sources\nUS-AL,Y,?,Y,N,https://example.test/al\nCA-ON,N,,C,P,\n",
    )
    matrix = ExemptionMatrix.from_csv(path)
    assert matrix.status("A", "US-AL") == "exempt"
    assert matrix.cell("B", "US-AL") is None
    assert matrix.cell_by_code("G", "US-AL") == Cell(
        "exempt", "sourced", "user", "", "https://example.test/al"
    )
    assert matrix.status("G", "CA-ON") == "partial"
    assert matrix.status("P", "CA-ON") == "partial"
    assert matrix.cell_by_code("A", "CA-ON") == Cell(
        "not_exempt", "sourced", "user", "", f"{path}:3"
    )
    assert len(matrix) == 6


def test_from_csv_overlays_a_base(default: ExemptionMatrix, tmp_path: Path) -> None:
    """With a base, file cells replace base cells, and an explicit unknown hides one."""
    path = write(tmp_path, "region,reason,status\nNH,G,exempt\nGA,F,unknown\n")
    matrix = ExemptionMatrix.from_csv(path, base=default)
    assert matrix.status("G", "US-NH") == "exempt"
    assert matrix.status("F", "US-GA") == "unknown"
    assert matrix.status("F", "US-AL") == default.status("F", "US-AL")
    assert len(matrix) == len(default)


def test_to_csv_round_trips(default: ExemptionMatrix, tmp_path: Path) -> None:
    """Writing a matrix and reading it back gives an equal matrix."""
    stream = io.StringIO()
    default.to_csv(stream)
    assert stream.getvalue().startswith(
        "region,reason,status,confidence,basis,condition,source,source_kind,read,certainty\n"
    )
    assert ExemptionMatrix.from_csv(write(tmp_path, stream.getvalue())) == default
    small = ExemptionMatrix({("G", "WA"): "exempt", ("F", "GA"): "?"})
    stream = io.StringIO()
    small.to_csv(stream)
    assert ExemptionMatrix.from_csv(write(tmp_path, stream.getvalue(), "small.csv")) == small


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("", 1, "no header row"),
        ("# only a comment\n", 1, "no header row"),
        ("reason,status\nG,exempt\n", 1, "no 'region' column"),
        ("region,reason,status,colour\nWA,G,Y,red\n", 1, "unknown column 'colour'"),
        ("region,reason,value\nWA,G,Y\n", 1, "needs a 'status' column"),
        ("# c\nregion,reason,status\nWA,G,Y\nXX,G,Y\n", 4, "unknown region 'XX'"),
        ("region,reason,status\nWA,G,Y\nWA,EXPOSURE,Y\n", 3, "unknown reason 'EXPOSURE'"),
        ("region,reason,status\nWA,G,maybe\n", 2, "invalid status 'maybe'"),
        ("region,reason,status\nWA,G,Y\nwashington,resale,N\n", 3, "duplicate cell"),
        ("region,reason,status\nWA,G\n", 2, "expected 3 fields, found 2"),
        ("region,reason,status,confidence\nWA,G,Y,certain\n", 2, "invalid confidence"),
        ("region,reason,status,basis\nWA,G,Y,gut\n", 2, "invalid basis"),
        ("region,A,colour\nWA,Y,red\n", 1, "'colour' is not a reason"),
        ("region,G,RESALE\nWA,Y,Y\n", 1, "two columns for reason G"),
        ("region,A,B\nWA,Y,N\n\nWA,N,N\n", 4, "duplicate region US-WA"),
        ("region,A,B\nWA,Y,maybe\n", 2, "invalid status 'maybe' for reason B"),
    ],
)
def test_malformed_csv_raises_with_file_and_line(
    tmp_path: Path, text: str, line: int, problem: str
) -> None:
    """A malformed CSV raises MatrixFormatError naming the file, the line and the problem."""
    path = write(tmp_path, text)
    with pytest.raises(MatrixFormatError, match=problem) as caught:
        ExemptionMatrix.from_csv(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert isinstance(caught.value, ValueError)


# -- loader corruption (issue 19, item 12) ---------------------------------------------------


def test_hash_line_inside_a_quoted_value_is_part_of_it(tmp_path: Path) -> None:
    """A quoted newline followed by a line starting with # keeps the value and the next row."""
    path = write(
        tmp_path,
        'region,reason,status,condition\nNY,B,C,"own state only\n# not a comment"\nWA,G,Y,\n',
    )
    matrix = ExemptionMatrix.from_csv(path)
    cell = matrix.cell_by_code("B", "US-NY")
    assert cell is not None
    assert cell.condition == "own state only\n# not a comment"
    assert matrix.status("G", "US-WA") == "exempt"
    assert matrix.cell_by_code("G", "US-WA") == Cell("exempt", "sourced", "user", "", f"{path}:4")


@pytest.mark.parametrize("inside", ["\n", "\r\n", "\u2028", "\u2029", "\x85", "\x0c"])
def test_line_breaks_inside_a_value_are_kept(tmp_path: Path, inside: str) -> None:
    """Newlines and Unicode line separators inside a cell survive loading."""
    text = f'region,reason,status,condition\nNY,B,C,"first{inside}second"\nWA,G,Y,\n'
    path = tmp_path / "matrix.csv"
    path.write_bytes(text.encode("utf-8"))
    matrix = ExemptionMatrix.from_csv(path)
    cell = matrix.cell_by_code("B", "US-NY")
    assert cell is not None
    assert cell.condition == f"first{inside}second"
    assert len(matrix) == 2


@pytest.mark.parametrize(
    "text",
    [
        "region,reason,status\n",
        "# comment\nregion,reason,status,condition\n\n# nothing here\n",
        "region,A,B,sources\n",
    ],
)
def test_header_only_csv_is_refused(tmp_path: Path, text: str) -> None:
    """A CSV with a header and no rows raises instead of turning rule 3101 off."""
    with pytest.raises(MatrixFormatError, match="no cells after the header row"):
        ExemptionMatrix.from_csv(write(tmp_path, text))


def test_an_unterminated_quote_names_the_line_of_its_record(tmp_path: Path) -> None:
    """A quote that never closes is a MatrixFormatError, not a silently merged row."""
    path = write(tmp_path, 'region,reason,status,condition\nWA,G,Y,\nNY,B,C,"open\n')
    with pytest.raises(MatrixFormatError) as caught:
        ExemptionMatrix.from_csv(path)
    assert caught.value.line == 3


def test_non_utf8_csv_raises_with_line(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 raise MatrixFormatError on the line holding them."""
    path = tmp_path / "latin1.csv"
    path.write_bytes("region,reason,status\nQuébec,C,Y\n".encode("latin-1"))
    with pytest.raises(MatrixFormatError, match="not UTF-8") as caught:
        ExemptionMatrix.from_csv(path)
    assert caught.value.line == 2
