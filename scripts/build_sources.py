"""Print the "Exemption matrix and audit rules" section of ``docs/sources.md``.

Usage (from the repository root)::

    python scripts/build_sources.py [RESEARCH_DIR] > section.md

Lists every public address the shipped matrix and audit data cite, grouped by fact family,
with what it is (as the research names it: the law or page it reports, or for Avalara the
page's title from its address), its kind, when it was read and how many facts rest on it.
Standard library only; reads the research like ``build_matrix.py`` and ``build_audit.py``.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    if spec is None or spec.loader is None:
        sys.exit(f"scripts/{name}.py not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _avalara_title(url: str) -> str:
    parts = urlsplit(url)
    if parts.hostname == "developer.avalara.com":
        return "AvaTax developer guide: exemptions (foreign diplomatic sales, test 8.5.1)"
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]).replace("_", " ")
    return last or parts.hostname or url


def _label(evidence: str) -> str:
    """What a source is, from the research's evidence: its lead before the first colon."""
    lead = evidence.split(":", 1)[0].strip() if ":" in evidence[:90] else evidence[:80]
    return lead.removesuffix(" [via copy]")


Entry = dict[str, object]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "research", nargs="?", type=Path, default=REPO.parent / "shared" / "research"
    )
    args = parser.parse_args(argv)
    matrix, audit = _script("build_matrix"), _script("build_audit")
    families: dict[str, dict[str, Entry]] = defaultdict(dict)

    def add(family: str, url: str, *details: str) -> None:
        """Record ``details`` = (title, kind, read, fact) under ``family`` and ``url``."""
        title, kind, read, fact = details
        entry = families[family].setdefault(
            url, {"title": title, "kind": kind, "read": read, "facts": []}
        )
        facts = entry["facts"]
        assert isinstance(facts, list)
        facts.append(fact)

    facts, _ = matrix.law_facts(args.research)
    for (region, reason), cell in matrix.build(args.research).items():
        url = cell["source"]
        if cell["source_kind"] == "avalara":
            title = _avalara_title(url)
            add("Matrix cells: Avalara's statements", url, title, "avalara", cell["read"],
                f"{region} {reason}")  # fmt: skip
        else:
            corrected = (region, reason) in matrix.CORRECTIONS
            title = _label(cell["condition"] if corrected else facts[region, reason]["evidence"])
            add("Matrix cells: law, official forms and other sources", url, title,
                cell["source_kind"], cell["read"], f"{region} {reason}")  # fmt: skip
        if cell["condition"].startswith("Law"):
            law = facts[region, reason]
            add("Matrix cells: the law beside Avalara's cell (in the condition)",
                law["source_url"], _label(law["evidence"]), law["source_kind"],
                matrix.READ_LAW, f"{region} {reason}")  # fmt: skip
    for row in audit.forms(args.research):
        add("Accepted certificate forms (rule 5201)", row["source"], _label(row["evidence"]),
            row["source_kind"], row["read"], f"{row['region']} {row['form']}")  # fmt: skip
    for row in audit.terms(args.research):
        add("Validity terms (rules 5202-5204)", row["source"], _label(row["evidence"]),
            row["source_kind"], row["read"], f"{row['region']} {row['reasons']}")  # fmt: skip
    for row in audit.state_numbers(args.research):
        add("State-issued numbers for entity exemptions (rule 6401)", row["source"],
            _label(row["evidence"]), row["source_kind"], row["read"],
            f"{row['region']} {row['reason']}")  # fmt: skip
    out = [
        "## Exemption matrix and audit rules",
        "",
        "Every public address that the shipped exempt reason x region matrix",
        "(`src/certpreflight/reference/data/matrix.csv`) and the audit data (`forms.csv`,",
        "`terms.csv`, `state_numbers.csv` beside it) cite, by fact family. *What it is* is",
        "how the research names the source (the law or page it reports; for Avalara, the",
        "page's title from its address), not necessarily the page's own title. *Kind*:",
        "statute, regulation, dor (a revenue department), mtc, sst, federal, avalara or",
        "secondary (a warning at most). *Read*: when it was read (2026-12-01 is an upper",
        "bound: the law research is undated). Regenerate with `python scripts/build_sources.py`.",
    ]
    for family, entries in families.items():
        out += ["", f"### {family}", "", "| source | what it is | kind | read | facts |",
                "|---|---|---|---|---|"]  # fmt: skip
        for url, entry in sorted(entries.items(), key=lambda item: str(item[1]["kind"])):
            found = entry["facts"]
            assert isinstance(found, list)
            shown = ", ".join(found[:6]) + (f" and {len(found) - 6} more" if len(found) > 6 else "")
            title = str(entry["title"]).replace("|", "/")
            out.append(f"| <{url}> | {title} | {entry['kind']} | {entry['read']} | {shown} |")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
