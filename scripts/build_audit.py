"""Regenerate the audit-readiness data (``forms.csv``, ``terms.csv``, ``state_numbers.csv``).

Usage (from the repository root)::

    python scripts/build_audit.py [RESEARCH_DIR] [--check]

``RESEARCH_DIR`` defaults to the maintainers' research folder beside the repository; it must
hold ``matrix3/forms.csv``,
``matrix3/expiry.csv`` and ``matrix3/cells.csv``. The outputs go to
``src/certpreflight/reference/data/`` and are committed; ``--check`` writes nothing and
exits 1 if one is stale. Standard library only. The research files do not ship: every
output row cites the public address of its fact, its kind and when it was read.

* ``forms.csv``: which certificate forms each state accepts (``Y``), accepts with a
  condition (``C``) or does not accept (``N``), for which reasons. The MTC certificate is
  for resale (G) only; the SST certificate covers every reason except where the row says
  otherwise (``SST_REASONS``). Rows on mirror sites, and rows for the states without a
  sales tax (rule 3101 already fails those), are left out.
* ``terms.csv``: validity terms, only the ones a date check can use (``TERMS``): a fixed
  number of months from the effective date, Florida's calendar year, or "must carry an
  expiration date". Each is checked against the research row's own words.
* ``state_numbers.csv``: states whose entity exemptions (E, F, M, B, N) rest on a number or
  document the state itself issues (``STATE_NUMBERS``), checked against the research row's
  evidence.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "src" / "certpreflight" / "reference" / "data"
NO_SALES_TAX = {"US-DE", "US-MT", "US-NH", "US-OR"}


def _matrix_script() -> ModuleType:
    """scripts/build_matrix.py, for its mirror list and dates (one list for both builds)."""
    spec = importlib.util.spec_from_file_location("build_matrix", REPO / "scripts/build_matrix.py")
    if spec is None or spec.loader is None:
        sys.exit("scripts/build_matrix.py not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MATRIX = _matrix_script()
READ = MATRIX.READ_LAW
#: Reasons the SST certificate does not cover in a state, where the research says so.
SST_REASONS = {"US-TX": "G", "US-FL": "G"}
#: (region, start of expiry.csv's reason_or_form) -> (reasons, rule, words the row must say).
#: rule: "months:N" (effective date + N months), "calendar-year" (Florida), "dated" (the state
#: issues it with an expiration date), "until:YYYY-MM-DD" (one printed expiry for every
#: certificate of the current cycle), "december-31:N" (a printed December 31, at most N
#: calendar years on), "at-most:N" (an expiration date, when given, at most N months on; none
#: required), "lapse:12" (valid while no more than 12 months pass between sales).
TERMS = {
    ("US-FL", "G: Form DR-13"): ("G", "calendar-year", "December 31"),
    ("US-IL", "G: CRT-61"): ("G", "months:36", "3 years"),
    ("US-WA", "G: reseller permit"): ("G", "months:48", "48 months"),
    ("US-NV", "E/F/M"): ("EFM", "months:60", "5 years"),
    ("US-MD", "E/F/M"): ("EFM", "months:60", "5 years"),
    ("US-RI", "E/F/M"): ("EFM", "months:48", "4 years"),
    ("US-ME", "G: MRS-issued"): ("G", "months:60", "5 years"),
    ("US-AL", "E/F/M: STE-1"): ("EFM", "months:12", "annually"),
    ("US-IN", "E/F/M: NP-1"): ("EFM", "dated", "expiration date"),
    ("US-MI", "all: Form 3372"): ("ABCDEFGHIJKLMN", "at-most:48", "4 years"),
    ("US-NJ", "G: Form ST-3"): ("G", "lapse:12", "12 months"),
    ("US-NC", "G/all: Form E-595E"): ("G", "lapse:12", "12 months"),
    ("US-AR", "G: Form ST391"): ("G", "lapse:12", "12 months"),
}
#: Corrections of the research rows by a 2026-12-06 audit, each on a public source: which
#: fields of the row change. ``applies``: the certificates the term governs ("" any; "state"
#: the state's own document, so not a certificate on the MTC or SST form, nor one of several
#: regions; otherwise a word its form must name). ``force``: "law", or "guidance" where the
#: source says "should".
TERM_CHANGES: dict[tuple[str, str], dict[str, str]] = {
    ("US-MD", "E/F/M"): {
        "rule": "until:2027-09-30",
        "term": "Every certificate of the current cycle expires on September 30, 2027",
        "evidence": "Comptroller of Maryland: certificates issued to nonprofit religious, "
        "educational and charitable organizations contain an expiration date of September 30, "
        "2027.",
        "read": "2026-12-06",
    },
    ("US-ME", "G: MRS-issued"): {
        "rule": "december-31:5",
        "term": "Runs to the December 31 printed on it: 3 calendar years for a first "
        "certificate, 5 for later ones",
        "evidence": "36 MRS 1754-B: resale certificates run for calendar years and must "
        "contain the expiration date of the certificate.",
        "source": "https://legislature.maine.gov/ros/LOM/lom122nd/14Pub501-550/Pub501-550-85.htm",
        "applies": "state",
        "read": "2026-12-06",
    },
    ("US-IL", "G: CRT-61"): {
        "term": "IDOR guidance: update blanket certificates at least every 3 years",
        "force": "guidance",
    },
    ("US-WA", "G: reseller permit"): {
        "term": "Reseller permits are generally valid 4 years (2 for contractors and new "
        "businesses)",
        "evidence": "WA DOR: reseller permits are generally valid for four years; two years "
        "for contractors and businesses open less than 12 months.",
        "source": "https://dor.wa.gov/education/industry-guides/vessel-brokers-and-dealers/"
        "reseller-permits",
        "source_kind": "dor",
        "applies": "state",
        "read": "2026-12-06",
    },
    ("US-MI", "all: Form 3372"): {
        "term": "A blanket Form 3372 states an expiration date at most 4 years on (none needed "
        "in a recurring business relationship)",
        "evidence": "Form 3372 (official form) [via copy]: a blanket certificate is valid for "
        "at most four years; a recurring business relationship needs no renewal.",
        "applies": "3372",
        "read": "2026-12-06",
    },
}
#: Corrections of forms.csv rows by the 2026-12-06 audit: (region, form key) -> changed fields.
FORM_CHANGES: dict[tuple[str, str], dict[str, str]] = {
    ("US-WA", "sst"): {
        "reasons": "G",
        "evidence": "RCW 82.04.470(2)(a)(i): a seller may accept the SST certificate from a buyer "
        "required to register in Washington; it must include the buyer's reseller permit "
        "number.",
        "source": "https://lawfilesext.leg.wa.gov/Law/RCW/RCW%20%2082%20%20TITLE/"
        "RCW%20%2082%20.%2004%20%20CHAPTER/RCW%20%2082%20.%2004%20.470.htm",
        "source_kind": "statute",
        "read": "2026-12-06",
    },
}
#: State numbers that are one form of proof among others, not the only one (6401 does not
#: report them): Missouri's letter, "One form of proof of exemption" (12 CSR 10-110.950(2)(A)).
ONE_PROOF_OF_SEVERAL = {"US-MO"}
#: (region, reason) -> (what the state issues, a word the research row's evidence must hold).
STATE_NUMBERS = {
    ("US-FL", "B"): ("Form DR-14 Consumer's Certificate of Exemption", "DR-14"),
    ("US-FL", "N"): ("Form DR-14 Consumer's Certificate of Exemption", "DR-14"),
    ("US-FL", "F"): ("Form DR-14 Consumer's Certificate of Exemption", "DR-14"),
    ("US-FL", "M"): ("Form DR-14 Consumer's Certificate of Exemption", "DR-14"),
    ("US-IL", "B"): ("Illinois exemption (E) number (Form STAX-1)", "E-number"),
    ("US-IL", "E"): ("Illinois exemption (E) number (Form STAX-1)", "(E) number"),
    ("US-IL", "F"): ("Illinois exemption (E) number (Form STAX-1)", "E-number"),
    ("US-IL", "M"): ("Illinois exemption (E) number (Form STAX-1)", "E-number"),
    ("US-IL", "N"): ("Illinois exemption (E) number (Form STAX-1)", "E-number"),
    ("US-NY", "E"): ("New York exempt organization certificate (Form ST-119)", "ST-119"),
    ("US-NY", "F"): ("New York exempt organization certificate (Form ST-119)", "ST-119"),
    ("US-NY", "M"): ("New York exempt organization certificate (Form ST-119)", "ST-119"),
    ("US-TX", "E"): ("Texas Comptroller exemption letter (application AP-205)", "AP-205"),
    ("US-TX", "F"): ("Texas Comptroller exemption letter (application AP-209)", "AP-209"),
    ("US-TX", "M"): ("Texas Comptroller exemption letter (application AP-207)", "AP-207"),
    ("US-NV", "E"): ("Nevada Department letter of exemption", "letter of exemption"),
    ("US-NV", "F"): ("Nevada Department letter of exemption", "letter of exemption"),
    ("US-NV", "M"): ("Nevada Department letter of exemption", "letter of exemption"),
    ("US-MO", "E"): ("Missouri letter of exemption (Form 1746)", "letters of exemption"),
    ("US-MO", "F"): ("Missouri letter of exemption (Form 1746)", "exemption letter"),
    ("US-MO", "M"): ("Missouri letter of exemption (Form 1746)", "exemption letter"),
    ("US-MO", "N"): ("Missouri letter of exemption (Form 1746)", "exemption letter"),
    ("US-MA", "E"): ("Massachusetts Form ST-2 certificate of exemption", "ST-2"),
    ("US-MA", "F"): ("Massachusetts Form ST-2 certificate of exemption", "ST-2"),
    ("US-MA", "M"): ("Massachusetts Form ST-2 certificate of exemption", "ST-2"),
    ("US-NJ", "E"): ("New Jersey Form ST-5 Exempt Organization Certificate", "ST-5"),
    ("US-NJ", "F"): ("New Jersey Form ST-5 Exempt Organization Certificate", "ST-5"),
    ("US-NJ", "M"): ("New Jersey Form ST-5 Exempt Organization Certificate", "ST-5"),
    ("US-MD", "E"): ("Maryland exemption certificate (Comptroller)", "exemption certificates"),
    ("US-MD", "F"): ("Maryland exemption certificate (Comptroller)", "exemption certificates"),
    ("US-MD", "M"): ("Maryland exemption certificate (Comptroller)", "exemption certificates"),
}
#: The last lines of every header: what the source columns and the evidence marks mean.
_SOURCE_NOTES = (
    "# source, source_kind, read: the public address of the fact, its kind, when read.\n"
    '# "[via copy]": the official document at the address was read in a verbatim copy.\n'
    '# "Compilation citing X": a secondary compilation quoting X; verify X first.\n'
)
HEADERS = {
    "forms.csv": (
        "# Which exemption certificate forms each state accepts, for which reasons.\n"
        "# GENERATED by scripts/build_audit.py from the project's research; do not edit.\n"
        "# form: mtc (MTC Uniform Sales & Use Tax Resale Certificate, rev. 10/14/2022,\n"
        "#   https://www.mtc.gov/wp-content/uploads/2023/01/Unif-Resale-Cert-revised-10-14-22.pdf),\n"
        "#   sst (SSTGB Certificate of Exemption F0003), or state (the state's own form).\n"
        "# reasons: the exempt reasons the row is about (all when empty).\n"
        "# accepted: Y accepted, C accepted with a condition (evidence), N not accepted.\n"
        + _SOURCE_NOTES
    ),
    "terms.csv": (
        "# How long a state's exemption or resale certificate is valid.\n"
        "# GENERATED by scripts/build_audit.py from the project's research; do not edit.\n"
        "# rule: months:N (effective date + N months), calendar-year (expires December 31;\n"
        "#   one dated from October on runs to December 31 of the next year), dated (the\n"
        "#   state issues it with an expiration date), until:YYYY-MM-DD (the printed expiry of\n"
        "#   every certificate of the current cycle), december-31:N (a printed December 31, at\n"
        "#   most N calendar years on), at-most:N (an expiration date, if given, at most N\n"
        "#   months on), lapse:12 (valid while no more than 12 months pass between sales).\n"
        "# applies: the certificates it governs: all (empty), state (the state's own document:\n"
        "#   not a certificate on the MTC or SST form, nor one of several regions), or a word\n"
        "#   the certificate's form must name. force: law, or guidance (the source says\n"
        '#   "should").\n' + _SOURCE_NOTES
    ),
    "state_numbers.csv": (
        "# States whose entity exemptions rest on a number or document the state issues.\n"
        "# GENERATED by scripts/build_audit.py from the project's research; do not edit.\n"
        "# document: what the state issues; its number goes in the certificate's tax id.\n"
        "# proof: required (the exemption rests on it), or one-of (one form of proof among\n"
        "#   others: not reported by rule 6401).\n" + _SOURCE_NOTES
    ),
}
COLUMNS = {
    "forms.csv": (
        "region", "form", "name", "reasons", "accepted", "evidence", "source", "source_kind",
        "read",
    ),
    "terms.csv": (
        "region", "reasons", "form", "rule", "term", "applies", "force", "evidence", "source",
        "source_kind", "read",
    ),
    "state_numbers.csv": (
        "region", "reason", "document", "proof", "evidence", "source", "source_kind", "read",
    ),
}  # fmt: skip


def _form_key(name: str) -> str:
    if name.startswith("MTC "):
        return "mtc"
    if name.startswith("SST ") or "SSTGB F0003" in name:
        return "sst"
    return "state"


def forms(research: Path) -> list[dict[str, str]]:
    rows = []
    for row in MATRIX.read_csv(research / "matrix3" / "forms.csv"):
        region, name = row["region"], row["form"]
        if region in NO_SALES_TAX or MATRIX.is_mirror(row["source_url"]):
            continue
        form = _form_key(name)
        reasons = {"mtc": "G", "sst": SST_REASONS.get(region, ""), "state": "G"}[form]
        out = {
            "region": region,
            "form": form,
            "name": name,
            "reasons": reasons,
            "accepted": row["accepted"],
            "evidence": row["evidence"],
            "source": row["source_url"],
            "source_kind": row["source_kind"],
            "read": READ,
        }
        rows.append(out | FORM_CHANGES.get((region, form), {}))
    return rows


def terms(research: Path) -> list[dict[str, str]]:
    rows = []
    found = set()
    for row in MATRIX.read_csv(research / "matrix3" / "expiry.csv"):
        for (region, start), (reasons, rule, words) in TERMS.items():
            if row["region"] != region or not row["reason_or_form"].startswith(start):
                continue
            if words not in row["rule"] + " " + row["evidence"]:
                sys.exit(f"expiry.csv {region} {start!r} does not say {words!r}")
            if MATRIX.is_mirror(row["source_url"]):
                sys.exit(f"expiry.csv {region} {start!r} is on a mirror site")
            found.add((region, start))
            out = {
                "region": region,
                "reasons": reasons,
                "form": row["reason_or_form"].split(": ", 1)[-1],
                "rule": rule,
                "term": row["rule"],
                "applies": "",
                "force": "law",
                "evidence": row["evidence"],
                "source": row["source_url"],
                "source_kind": row["source_kind"],
                "read": READ,
            }
            rows.append(out | TERM_CHANGES.get((region, start), {}))
    if missing := set(TERMS) - found:
        sys.exit(f"expiry.csv has no row for {sorted(missing)}")
    return rows


def state_numbers(research: Path) -> list[dict[str, str]]:
    cells = {(r["region"], r["reason"]): r for r in MATRIX.read_csv(research / "matrix3/cells.csv")}
    rows = []
    for (region, reason), (document, word) in STATE_NUMBERS.items():
        row = cells.get((region, reason))
        if row is None or MATRIX.is_mirror(row["source_url"]):
            sys.exit(f"cells.csv has no usable row for {region} {reason}")
        if row["value"] == "N" or word not in row["evidence"]:
            sys.exit(f"cells.csv {region} {reason} does not say {word!r}: {row['evidence']}")
        rows.append(
            {
                "region": region,
                "reason": reason,
                "document": document,
                "proof": "one-of" if region in ONE_PROOF_OF_SEVERAL else "required",
                "evidence": row["evidence"],
                "source": row["source_url"],
                "source_kind": row["source_kind"],
                "read": READ,
            }
        )
    return rows


def render(name: str, rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    out.write(HEADERS[name])
    writer = csv.DictWriter(out, COLUMNS[name], lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda r: tuple(r[c] for c in COLUMNS[name][:3])))
    return out.getvalue()


def build(research: Path) -> dict[str, str]:
    """The text of each output file, by name."""
    return {
        "forms.csv": render("forms.csv", forms(research)),
        "terms.csv": render("terms.csv", terms(research)),
        "state_numbers.csv": render("state_numbers.csv", state_numbers(research)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "research", nargs="?", type=Path, default=REPO.parent / "shared" / "research"
    )
    parser.add_argument("--check", action="store_true", help="fail if an output is stale")
    args = parser.parse_args(argv)
    stale = []
    for name, text in build(args.research).items():
        path = DATA / name
        print(f"{name}: {text.count(chr(10)) - HEADERS[name].count(chr(10)) - 1} rows")
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8", newline="\n")
    for name in stale:
        print(f"{name} is stale; run scripts/build_audit.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
