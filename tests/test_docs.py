"""docs/rules.md is generated from the catalogue and must not go stale."""

from __future__ import annotations

from pathlib import Path

from certpreflight import CATALOGUE
from certpreflight.rules.docs import catalogue_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_md_is_up_to_date() -> None:
    """The committed docs/rules.md equals what the catalogue renders."""
    expected = catalogue_markdown(CATALOGUE)
    assert DOCS.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run "
        "`python -m certpreflight rules --format markdown > docs/rules.md`"
    )


def test_every_rule_is_documented() -> None:
    """Each rule's code and name appear as a section heading."""
    text = DOCS.read_text(encoding="utf-8")
    for r in CATALOGUE:
        assert f"## {r.code} {r.name}\n" in text


def test_security_md_cites_tests_that_exist() -> None:
    """Every test SECURITY.md names (``tests/x.py::test_y``, or ``::test_y`` after one) is
    defined in that file, so its claims can't cite a test that was renamed or removed."""
    import re  # noqa: PLC0415

    root = DOCS.parent.parent
    text = (root / "SECURITY.md").read_text(encoding="utf-8")
    cited = 0
    current = None
    for match in re.finditer(r"`(tests/[\w/]+\.py)?::(\w+)`", text):
        current = match.group(1) or current
        assert current is not None, match.group(0)
        source = (root / current).read_text(encoding="utf-8")
        assert f"def {match.group(2)}(" in source, f"{current}::{match.group(2)} not found"
        cited += 1
    assert cited >= 40


ROOT = DOCS.parent.parent
README = ROOT / "README.md"


def _pyproject_urls() -> dict[str, str]:
    import sys  # noqa: PLC0415

    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415
    else:
        import tomli as tomllib  # noqa: PLC0415
    return dict(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"])


def test_readme_is_a_first_page() -> None:
    """Under 250 lines, it says how to install, and every link is absolute (it is also the
    package index's page, where a relative link breaks)."""
    import re  # noqa: PLC0415

    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 250
    assert "pip install certpreflight" in text
    links = re.findall(r"\]\(([^)]*)\)", text)
    assert links
    assert [link for link in links if not link.startswith("https://")] == []


def test_readme_links_to_pages_the_docs_site_has() -> None:
    """Every link into the docs site names a page that docs/ holds, and the site's address is
    the package's Documentation URL, mkdocs.yml's site_url and the findings' rule urls'."""
    import re  # noqa: PLC0415

    from certpreflight.findings import DOCS_URL  # noqa: PLC0415

    urls = _pyproject_urls()
    assert urls["Documentation"] == DOCS_URL
    assert f"site_url: {DOCS_URL}\n" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"repo_url: {urls['Repository']}\n" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = README.read_text(encoding="utf-8")
    pages = re.findall(re.escape(DOCS_URL) + r"([\w-]+)/", text)
    assert len(pages) >= 10
    for page in pages:
        assert (ROOT / "docs" / f"{page}.md").exists(), page


def test_every_docs_page_is_in_the_site_navigation() -> None:
    """No page of docs/ is left out of mkdocs.yml's nav, and the nav names no missing page."""
    import re  # noqa: PLC0415

    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:\n", 1)[1]
    listed = set(re.findall(r":\s+(\S+\.md)\s*$", nav, re.M))
    assert listed == {p.name for p in (ROOT / "docs").glob("*.md")}


def _anchors() -> set[str]:
    """The anchors MkDocs gives docs/rules.md's headings (its default slugify: lower case,
    punctuation but ``-`` dropped, spaces as ``-``)."""
    import re  # noqa: PLC0415

    headings = re.findall(r"^#+ (.+)$", DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    return {re.sub(r"[\s]+", "-", re.sub(r"[^\w\s-]", "", h.strip().lower())) for h in headings}


def test_every_url_a_finding_can_carry_resolves_to_a_section_of_the_rules_page() -> None:
    """Every rule's findings and those made from AvaTax's replies (2900, 5900, 5901; before:
    their url pointed to no section) link to a section of docs/rules.md."""
    from certpreflight import avatax  # noqa: PLC0415
    from certpreflight.findings import DOCS_URL, rule_url  # noqa: PLC0415
    from certpreflight.rules import RESERVED_CODES  # noqa: PLC0415

    anchors = _anchors()
    made = [
        *avatax.findings_from_avatax_error("<html>bad gateway</html>"),
        *avatax.findings_from_avatax_error({"error": {"code": "Nope", "message": "x"}}),
    ]
    urls = {rule_url(r.code, r.name) for r in CATALOGUE}
    urls |= {rule_url(code, name) for code, name in RESERVED_CODES.items()}
    urls |= {f.url for f in made}
    assert {avatax.REJECTED_CODE, avatax.UNREACHABLE_CODE, avatax.UNCONFIRMED_CODE} <= set(
        RESERVED_CODES
    )
    prefix = f"{DOCS_URL}rules/#"
    assert all(url.startswith(prefix) for url in urls)
    missing = sorted(url for url in urls if url.removeprefix(prefix) not in anchors)
    assert missing == []
