"""Regenerate ``src/certpreflight/reference/data/matrix.csv`` from the matrix research.

Usage (from the repository root)::

    python scripts/build_matrix.py [RESEARCH_DIR] [--output PATH] [--check]

``RESEARCH_DIR`` defaults to the maintainers' research folder beside the repository. It
must hold ``matrix/matrix_{us,ca}.csv`` (Avalara's statements) and ``matrix3/cells.csv``
(the law), and ``matrix3/forms.csv`` for the Washington resale cell. ``--check`` writes
nothing and exits 1 if the committed file is stale. The output is committed; this script
is for maintainers and needs only the standard library. The research files do not ship:
the output cites only the public address of each fact.

Every cell gets its own source: one public http(s) address that states that cell, its
kind, when it was read, a certainty and, for partial cells, the condition. The layers
combine as the research README's policy says, extended:

1. Avalara (``matrix_{us,ca}.csv``): Y -> exempt, N -> not_exempt; confidence ``sourced``,
   basis ``avalara``, kind ``avalara``. The row's ``sources`` column lists several pages;
   :func:`avalara_source` picks the one page that states the cell (``AVALARA_PAGES``), and
   fails the build for a cell no page is known to state.
2. Law (``matrix3/cells.csv``): Y -> exempt, N -> not_exempt, C -> partial with the
   evidence as its condition; confidence ``inferred`` (warnings, never errors), basis
   ``law``, kind = the row's ``source_kind``, certainty = its ``confidence``.
3. Where both speak: Avalara's status predicts the sync error and stays; the law's value
   and address go in the condition. Avalara Y with law C is ``partial``: Avalara's Y means
   "exempt wholly or partly", and these are the corrections of the research (CA H and I;
   AL, LA, MS I; Canada C on reserve only).
4. A row whose address is on a mirror site (``MIRRORS``: copies of other publishers'
   documents) is dropped, and so is the old inferred layer (``*_inferred.csv``: reasoning
   without an address that states the cell). Such cells are unknown: silent.
5. US-WA G cites Washington's own reseller permit page (``matrix3/forms.csv``) rather
   than the MTC certificate's state list.
6. ``CORRECTIONS``: cells an audit of the shipped data (2026-12-06) found wrong or too
   strong, each replaced by what its own public source states (home-state-only government
   and charity exemptions; Hawaii, where Avalara names A, B and D as the only fully exempt
   codes).

Rows are written in catalogue order (``regions.csv``, then ``reasons.csv`` of the package),
so the output is byte-for-byte reproducible. Counts per kind and certainty go to stderr.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

# the package's own column order: the shipped file is read as written (matrix._shipped)
from certpreflight.reference.matrix import CSV_COLUMNS as COLUMNS

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "src" / "certpreflight" / "reference" / "data"
REASONS = "ABCDEFGHIJKLMNPQR"
STRICT_STATUS = {"Y": "exempt", "N": "not_exempt"}
LAW_STATUS = {"Y": "exempt", "N": "not_exempt", "C": "partial"}
LAW_WORDS = {"Y": "exempt", "N": "not exempt", "C": "conditional"}
KINDS = ("statute", "regulation", "dor", "mtc", "sst", "federal", "avalara", "secondary")
#: When the sources were read: the Avalara research is dated 2026-11; the law research
#: (matrix3) is undated and was delivered on 2026-12-01, so that date is an upper bound.
READ_AVALARA = "2026-11"
READ_LAW = "2026-12-01"
READ_AUDIT = "2026-12-06"
_HAWAII = (
    "https://help.avalara.com/Frequently_Asked_Questions/ECMS_-_Frequently_Asked_Questions/"
    "Why_does_my_invoice_not_exempt_even_though_there_is_an_exemption_number_in_the_"
    "exemption_field%3F"
)
_HAWAII_CONDITION = (
    "Avalara: in Hawaii A, B and D are the only fully exempt codes, so AvaTax still charges "
    "some tax with this one. Check what the purchaser's exemption covers."
)
_COLORADO = (
    "https://law.justia.com/codes/colorado/2016/title-39/specific-taxes/article-26/part-7/"
    "section-39-26-704/"
)
#: Cells the 2026-12-06 audit corrected: (region, reason) -> (status, confidence, basis,
#: condition, source, source_kind, certainty). Each source states the cell itself.
CORRECTIONS: dict[tuple[str, str], tuple[str, str, str, str, str, str, str]] = {
    ("US-CO", "B"): (
        "partial", "inferred", "law",
        "C.R.S. 39-26-704(1): sales to the state of Colorado, its departments and institutions "
        "are exempt in their governmental capacities only; other states' governments are not "
        "named.",
        _COLORADO, "statute", "high",
    ),
    ("US-CO", "N"): (
        "partial", "inferred", "law",
        "C.R.S. 39-26-704(1): sales to Colorado's political subdivisions (counties, "
        "municipalities, school and special districts) are exempt in their governmental "
        "capacities only; home-rule cities' own taxes may differ.",
        _COLORADO, "statute", "high",
    ),
    ("US-NV", "E"): (
        "partial", "inferred", "law",
        "NRS 372.3261(3): a charitable organization qualifies only if it is operating in "
        "Nevada, and it buys exempt with the Department's letter of exemption (NRS 374.353) "
        "[via copy].",
        "https://www.leg.state.nv.us/NRS/NRS-372.html#NRS372Sec3261", "statute", "high",
    ),
    ("US-ND", "B"): (
        "partial", "inferred", "law",
        "ND Tax Commissioner: North Dakota's state government and its departments are exempt "
        "when they pay directly; other states' exemption certificates are not recognised.",
        "http://www.nd.gov/tax/faqs/articles/210/", "dor", "high",
    ),
    ("US-ND", "N"): (
        "partial", "inferred", "law",
        "ND Tax Commissioner: political subdivisions of North Dakota are exempt when they pay "
        "directly; other states' or governments' exemption certificates are not recognised.",
        "http://www.nd.gov/tax/faqs/articles/210/", "dor", "high",
    ),
    **{
        ("US-HI", reason): (
            "partial", "sourced", "avalara", _HAWAII_CONDITION, _HAWAII, "avalara", "high"
        )
        for reason in "EFHIM"
    },
}  # fmt: skip
NO_SALES_TAX = {"US-AK", "US-DE", "US-MT", "US-NH", "US-OR"}
SSTP_F_STATES = {"US-AL", "US-AZ", "US-ID", "US-IA", "US-LA", "US-MS", "US-ND", "US-PR"}
SSTP_F_STATES |= {"US-SD", "US-UT"}
#: Sites that host copies of other publishers' documents (form mirrors, statute mirrors,
#: document-sharing sites, a translation site, a print-on-demand vendor's help page): never
#: a source. Matched on the host name and its parent domains.
MIRRORS = frozenset(
    {
        "laurenscitycats.org",
        "fill.io",
        "formsbank.com",
        "docslib.org",
        "5y1.org",
        "taxformfinder.org",
        "instafill.ai",
        "smartpdfforms.com",
        "cupdf.com",
        "yumpu.com",
        "docsbay.net",
        "scribd.com",
        "elaws.us",
        "laws9.com",
        "laws.com",
        "getpocketlaw.com",
        "experts123.com",
        "pitchsend.com",
        "stf.com",
        "ilovetranslation.com",
        "gelato.com",
        "partnertax.ai",
        "lawserver.com",
    }
)
#: The Avalara pages, by a fragment of their address, and which cells each one states.
AVALARA_PAGES = {
    "no-sales-tax": "Multi-jurisdictional_Certificate_fails",
    "us-only-canada-only": "Exempt_Customers_from_Sales_Tax/Exemption_Reason_Matrices",
    "diplomats": "developer.avalara.com/avatax/dev-guide/exemptions/",
    "sstp-split": "What_should_I_do_with_Entity",
    "georgia": "Why_don't_Entity_Use_Codes_F_or_M_work_in_Georgia",
    "hawaii": "Why_is_my_Hawaii_exemption_not_working",
    "ecms-l-hawaii-canada": "Why_does_my_invoice_not_exempt",
    "california-partial": "How_do_I_set_up_a_partial_exemption",
    "reduced-manufacturing": "Exemption_Reason_Matrix_for_US_or_Canada",
    "canada-c": "How_do_I_make_a_transaction_exempt_in_Canada",
}
HEADER = """\
# Exempt reason x region matrix for AvaTax / CertCapture.
# GENERATED by scripts/build_matrix.py from the project's research; do not edit.
# Each row is one cell, with its own source: the public address that states it.
# confidence sourced (basis avalara, source_kind avalara): Avalara's help pages; a not_exempt
#   cell predicts CertCapture's "Invalid ExemptReasonId and region combination" error.
# confidence inferred (basis law): state and provincial law, revenue departments, the MTC and
#   SST certificates, GSA SmartTax / Global Affairs Canada, or a secondary source; warnings only.
# source_kind: statute, regulation, dor, mtc, sst, federal, avalara or secondary (warns at most).
# read: when the source was read. certainty: high, medium or low (low warns at most).
# condition: the condition of a partial cell, or the law's view where it differs from Avalara.
# A (region, reason) without a row is unknown.
# "[via copy]": the official document at the address was read in a verbatim copy elsewhere.
# "Compilation citing X": a secondary compilation quoting X; verify X before relying on it.
"""

Cells = dict[tuple[str, str], dict[str, str]]


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV with a header row, skipping ``#`` comment lines."""
    with path.open(encoding="utf-8", newline="") as stream:
        lines = [line for line in stream if not line.startswith("#")]
    return list(csv.DictReader(lines))


def is_mirror(url: str) -> bool:
    """True when the address is on a mirror site (or is not an http(s) address at all)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return True
    labels = parts.hostname.split(".")
    return any(".".join(labels[i:]) in MIRRORS for i in range(len(labels) - 1))


def cell(status: str, confidence: str, basis: str, **provenance: str) -> dict[str, str]:
    """A row's values in column order: ``provenance`` gives condition, source, source_kind,
    read and certainty."""
    return {"status": status, "confidence": confidence, "basis": basis} | {
        column: provenance[column] for column in COLUMNS[5:]
    }


def avalara_page(region: str, reason: str, value: str) -> str:
    """Which Avalara page states this cell (a key of AVALARA_PAGES); exits when none does."""
    canada = region.startswith("CA-")
    if region in NO_SALES_TAX:
        return "no-sales-tax"
    if not canada and reason in "PQR" and value == "N":
        return "us-only-canada-only"  # "P, Q, and R are for use in Canada only"
    if canada and reason in "AN" and value == "N":
        return "us-only-canada-only"  # "A, B, and N are for use in the United States only"
    if canada and reason == "C" and value == "Y":
        return "canada-c"  # C "is exempt everywhere in Canada"
    if reason == "L" and value == "N" and (canada or region == "US-HI"):
        return "ecms-l-hawaii-canada"  # "Canada and Hawaii fully tax L"
    if region == "US-HI" and reason in "AD" and value == "Y":
        return "hawaii"
    if region == "US-HI" and reason == "B" and value == "Y":
        return "ecms-l-hawaii-canada"  # "In Hawaii, A, B and D are the only fully exempt codes"
    if not canada and reason == "D" and value == "Y":
        return "diplomats"  # "foreign diplomatic sales are legally exempt" in the US
    if region == "US-GA" and reason in "FM" and value == "N":
        return "georgia"
    if region in SSTP_F_STATES and reason == "F" and value == "N":
        return "sstp-split"
    if region == "US-CA" and reason in "HI" and value == "Y":
        return "california-partial"
    if region in {"US-AL", "US-LA", "US-MS"} and reason == "I" and value == "Y":
        return "reduced-manufacturing"
    sys.exit(f"no Avalara page is known to state {region} {reason}={value}; add it")


def avalara_source(region: str, reason: str, value: str, sources: str) -> str:
    """The one address among the row's ``sources`` that states this cell."""
    fragment = AVALARA_PAGES[avalara_page(region, reason, value)]
    urls = [part.split()[0] for part in re.split(r" [|;] ", sources) if part.strip()]
    found = [url for url in urls if fragment in url]
    if len(found) != 1:
        sys.exit(f"{region} {reason}: expected one source with {fragment!r}, found {found}")
    return found[0]


def avalara_cells(research: Path) -> Cells:
    cells: Cells = {}
    for name in ("matrix_us.csv", "matrix_ca.csv"):
        for row in read_csv(research / "matrix" / name):
            region = row["region"]
            for reason in REASONS:
                value = row[reason]
                if value not in STRICT_STATUS:
                    continue
                url = avalara_source(region, reason, value, row["sources"])
                # one general sentence about all US states, not a statement per state
                general = avalara_page(region, reason, value) == "diplomats"
                cells[region, reason] = cell(
                    STRICT_STATUS[value],
                    "sourced",
                    "avalara",
                    condition="",
                    source=url,
                    source_kind="avalara",
                    read=READ_AVALARA,
                    certainty="medium" if general else "high",
                )
    return cells


def washington_resale(research: Path) -> dict[str, str]:
    """Washington's reseller permit row of forms.csv: the Washington source for US-WA G."""
    for row in read_csv(research / "matrix3" / "forms.csv"):
        if row["region"] == "US-WA" and row["form"].startswith("Washington Reseller Permit"):
            return row
    sys.exit("forms.csv has no Washington reseller permit row")


def law_facts(research: Path) -> tuple[dict[tuple[str, str], dict[str, str]], list[str]]:
    """The law's facts by (region, reason), without mirror sites; and what was dropped."""
    facts: dict[tuple[str, str], dict[str, str]] = {}
    dropped = []
    for row in read_csv(research / "matrix3" / "cells.csv"):
        key = (row["region"], row["reason"])
        if key in facts:
            sys.exit(f"cells.csv: duplicate {key}")
        if row["source_kind"] not in KINDS:
            sys.exit(f"cells.csv: {key} has source_kind {row['source_kind']!r}")
        if is_mirror(row["source_url"]):
            dropped.append(f"{key[0]} {key[1]}: {urlsplit(row['source_url']).hostname}")
            continue
        facts[key] = row
    wa = washington_resale(research)
    facts["US-WA", "G"] = {
        **facts.get(("US-WA", "G"), {}),
        "confidence": "high",  # read on the revenue department's own page
        "value": wa["accepted"],
        "source_url": wa["source_url"],
        "source_kind": wa["source_kind"],
        "evidence": wa["evidence"],
    }
    return facts, dropped


def build(research: Path) -> Cells:
    cells = avalara_cells(research)
    facts, _ = law_facts(research)
    for key, fact in facts.items():
        value, url = fact["value"], fact["source_url"].strip()
        evidence = fact["evidence"].strip()
        kind, certainty = fact["source_kind"], fact["confidence"]
        strict = cells.get(key)
        if strict is None:
            condition = evidence if value == "C" else ""
            cells[key] = cell(
                LAW_STATUS[value],
                "inferred",
                "law",
                condition=condition,
                source=url,
                source_kind=kind,
                read=READ_LAW,
                certainty=certainty,
            )
            continue
        if LAW_STATUS[value] == strict["status"]:
            continue
        if value == "C" and strict["status"] == "exempt":
            law = f"Law ({kind}, {url}): {evidence}"
            cells[key] = {**strict, "status": "partial", "condition": law}
        else:
            law = f"Law differs ({LAW_WORDS[value]}; {kind}, {url}): {evidence}"
            note = f"{law} Avalara's cell is kept: it predicts the sync error."
            cells[key] = {**strict, "condition": note}
    for key, (status, confidence, basis, condition, url, kind, certainty) in CORRECTIONS.items():
        cells[key] = cell(
            status,
            confidence,
            basis,
            condition=condition,
            source=url,
            source_kind=kind,
            read=READ_AUDIT,
            certainty=certainty,
        )
    return cells


def render(cells: Cells) -> str:
    regions = [row["code"] for row in read_csv(DATA / "regions.csv")]
    reasons = [row["code"] for row in read_csv(DATA / "reasons.csv")]
    unknown = {region for region, _ in cells} - set(regions)
    unknown |= {reason for _, reason in cells} - set(reasons)
    if unknown:
        sys.exit(f"codes missing from the catalogues: {sorted(unknown)}")
    region_order = {code: i for i, code in enumerate(regions)}
    reason_order = {code: i for i, code in enumerate(reasons)}
    out = io.StringIO()
    out.write(HEADER)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for region, reason in sorted(cells, key=lambda k: (region_order[k[0]], reason_order[k[1]])):
        writer.writerow([region, reason, *cells[region, reason].values()])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "research", nargs="?", type=Path, default=REPO.parent / "shared" / "research"
    )
    parser.add_argument("--output", type=Path, default=DATA / "matrix.csv")
    parser.add_argument("--check", action="store_true", help="fail if the output is stale")
    args = parser.parse_args(argv)
    cells = build(args.research)
    _, dropped = law_facts(args.research)
    text = render(cells)
    for line in dropped:
        print(f"dropped (mirror site): {line}", file=sys.stderr)
    counts = Counter((c["confidence"], c["source_kind"], c["certainty"]) for c in cells.values())
    for (confidence, kind, certainty), count in sorted(counts.items()):
        print(f"{confidence:9} {kind:10} {certainty:7} {count:5}", file=sys.stderr)
    print(f"{'total':28} {len(cells):5}", file=sys.stderr)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale; run scripts/build_matrix.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
