"""Citations point at what ships: anchors of docs/sources.md that exist, public URLs, nothing else.

The project's facts were gathered in research notes that live beside the repository, not in
it. A user who clones the project can't follow a citation of those notes, so every citation
must be a public URL or a section of ``docs/sources.md``, and that page lists only public
http(s) addresses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "docs" / "sources.md"

#: What is scanned: the package (code and data), the docs, the top-level documents, the
#: scripts, benchmarks and tests (this file excepted: it names the patterns).
SCANNED = (
    "src",
    "docs",
    "scripts",
    "benchmarks",
    "tests",
    "README.md",
    "SECURITY.md",
    "CHANGELOG.md",
)
SUFFIXES = {".py", ".md", ".csv", ".txt", ".toml", ".cfg", ".json", ".html", ".pyi"}

#: A citation of a file that does not ship: the research and design notes beside the repository
#: (``../shared/...``, "ERRORS.md A4", "MODELS.md 3", "research matrix/reasons.csv", "DESIGN 7").
UNSHIPPED = re.compile(
    r"\.\./shared\b"
    r"|\b(?:ERRORS|MODELS|RULES|NOTES|SDK|PEERS|CONVENTIONS|USER_NEEDS|DESIGN)\.md\b"
    r"|\bresearch\s+``?(?:avatax|matrix\d?|peers)/"
    r"|\bresearch\s+(?:avatax|matrix\d?|peers)/"
    r"|\bDESIGN\s+\d"
)
#: ``docs/sources.md#a`` and the anchors listed after it (``docs/sources.md#a, #b and #c``).
CITATION = re.compile(r"docs/sources\.md((?:#[a-z0-9-]+)(?:\s*(?:,|;|/|and)\s*#[a-z0-9-]+)*)")
ANCHOR = re.compile(r'<a id="([a-z0-9-]+)"></a>')
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s|)>\]]+", re.IGNORECASE)

#: The anchors other modules cite by name (models.py and the reading code among them).
REQUIRED_ANCHORS = (
    "avatax-models",
    "ecms-record",
    "import-templates",
    "certcapture-api",
    "avacert-soap",
    "certcapture-sync-errors",
    "avatax-error-codes",
    "import-file-errors",
    "certcapture-api-errors",
    "sdk-behaviours",
    "customer-rules",
    "certificate-rules",
    "exempt-reasons",
    "streamlined-sales-tax",
    "mtc-certificate",
    "expiration",
    "tax-id-formats",
    "postal-codes-and-regions",
    "us-zip-prefixes",
    "exemption-matrix",
    "integration-pain-points",
)


def _files() -> list[Path]:
    out: list[Path] = []
    for name in SCANNED:
        path = REPO / name
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            out.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix in SUFFIXES
                and "__pycache__" not in p.parts
                and p != Path(__file__).resolve()
            )
    return out


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8", errors="replace").splitlines()


def _anchors() -> list[str]:
    return ANCHOR.findall(SOURCES.read_text("utf-8"))


def test_nothing_cites_an_unshipped_file() -> None:
    """No file cites the research or design notes that live outside the repository."""
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {match.group(0)!r}"
        for path in _files()
        for number, line in enumerate(_lines(path), 1)
        for match in UNSHIPPED.finditer(line)
    ]
    assert offenders == [], "cite a public URL or a docs/sources.md anchor instead:\n" + "\n".join(
        offenders
    )


def test_every_cited_anchor_exists() -> None:
    """Every ``docs/sources.md#anchor`` cited anywhere is an anchor of docs/sources.md."""
    known = set(_anchors())
    missing = [
        f"{path.relative_to(REPO)}: #{anchor}"
        for path in _files()
        for match in CITATION.finditer(path.read_text("utf-8", errors="replace"))
        for anchor in re.findall(r"#([a-z0-9-]+)", match.group(1))
        if anchor not in known
    ]
    assert missing == []


def test_every_anchor_like_token_in_the_package_is_an_anchor() -> None:
    """In code and data, a ``#word-word`` token (an anchor listed after a citation) exists."""
    known = set(_anchors())
    token = re.compile(r"(?<![\w/.#&])#([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\b")
    unknown = [
        f"{path.relative_to(REPO)}: #{name}"
        for path in _files()
        if path.is_relative_to(REPO / "src") and path.suffix in (".py", ".csv")
        for name in token.findall(path.read_text("utf-8"))
        if name not in known
    ]
    assert unknown == []


def test_required_anchors_exist_once_each_before_a_heading() -> None:
    """The anchors code cites by name exist, once each, each right before a heading."""
    anchors = _anchors()
    assert sorted(set(REQUIRED_ANCHORS) - set(anchors)) == []
    assert sorted(a for a in set(anchors) if anchors.count(a) > 1) == []
    lines = _lines(SOURCES)
    misplaced = [
        line
        for number, line in enumerate(lines)
        if ANCHOR.fullmatch(line.strip())
        and not (number + 1 < len(lines) and lines[number + 1].startswith("## "))
    ]
    assert misplaced == []


def test_internal_links_of_sources_md_resolve() -> None:
    """The page's own ``[text](#anchor)`` links point at its anchors."""
    known = set(_anchors())
    links = re.findall(r"\]\(#([a-z0-9-]+)\)", SOURCES.read_text("utf-8"))
    assert links
    assert sorted(set(links) - known) == []


def _source_rows() -> list[list[str]]:
    """The rows of every "| Title | Address | Version / date | Read |" table, as cells."""
    rows: list[list[str]] = []
    in_table = False
    for line in _lines(SOURCES):
        if line.startswith("| Title | Address |"):
            in_table = True
        elif not line.startswith("|"):
            in_table = False
        elif in_table and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_every_address_in_sources_md_is_public_http() -> None:
    """Every source row gives an http(s) address; no URL of another scheme, no local path."""
    text = SOURCES.read_text("utf-8")
    other_schemes = [u for u in URL.findall(text) if not u.lower().startswith(("http:", "https:"))]
    assert other_schemes == []
    assert re.findall(r"(?<![\w.])(?:\.\./|/work/|/home/|/tmp/|[A-Za-z]:\\)", text) == []
    rows = _source_rows()
    assert len(rows) > 50
    assert [row for row in rows if len(row) != 4] == []
    assert [row[0] for row in rows if not re.match(r"https?://[^\s/]+\.[a-z]{2,}", row[1])] == []


@pytest.mark.parametrize(
    "text",
    [
        "(ERRORS.md A4)",
        "``../shared/research/avatax/MODELS.md`` 3",
        "research ``avatax/RULES.md`` 8",
        "research matrix/reasons.csv",
        "matrix/NOTES.md 2.4",
        "(USER_NEEDS.md 3)",
        "the DESIGN 7 summary",
    ],
)
def test_the_pattern_catches_the_old_citation_forms(text: str) -> None:
    """Each form the project used to cite the research in is caught."""
    assert UNSHIPPED.search(text)


def test_the_pattern_leaves_shipped_names_alone() -> None:
    """docs/rules.md, a README section or the word research alone are not citations."""
    for text in ("docs/rules.md", "see README.md", "the matrix research", "docs/sources.md#x"):
        assert not UNSHIPPED.search(text)
