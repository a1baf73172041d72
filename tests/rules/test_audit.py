"""Audit-readiness rules (5201-5203, 6401) and their data: violating and clean cases from
the research rows (forms.csv, terms.csv, state_numbers.csv)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import types
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from certpreflight import CATALOGUE, Finding, Severity, validate
from certpreflight.reference.audit import form_key, form_rows, term_regions, term_rows
from certpreflight.reference.reasons import all_reasons
from certpreflight.reference.regions import all_regions
from tests.conftest import TODAY, cert

REPO = Path(__file__).resolve().parents[2]
RESEARCH = REPO.parent / "shared" / "research"
AUDIT = (5201, 5202, 5203, 6401)
KINDS = {"statute", "regulation", "dor", "mtc", "sst", "federal", "avalara", "secondary"}


def _script(name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def found(payload: dict[str, Any], code: int, **options: Any) -> list[Finding]:
    report = validate(payload, today=TODAY, **options)
    return [f for f in report.findings if f.code == code]


# -- 5201 form-not-accepted-in-region --------------------------------------------------------


def test_mtc_form_in_new_york_warns_and_names_the_new_york_form() -> None:
    """NY is not on the MTC certificate's state list: a warning citing mtc.gov, fix ST-120."""
    payload = cert(regions=["WA", "NY"], form="MTC Uniform Sales & Use Tax Resale Certificate")
    [f] = found(payload, 5201)
    assert f.severity is Severity.WARNING
    assert f.message == (
        "The certificate form 'MTC Uniform Sales & Use Tax Resale Certificate' isn't accepted "
        "in region(s): NY."
    )
    assert "NY: Form ST-120 Resale Certificate" in f.fix
    assert f.errors == {
        "regions[1]": "form not accepted (mtc: "
        "https://www.mtc.gov/wp-content/uploads/2023/01/Unif-Resale-Cert-revised-10-14-22.pdf)"
    }


@pytest.mark.parametrize("region", ["DC", "IN", "LA", "MA", "MS", "NY", "VA", "WV", "WY"])
def test_every_state_off_the_mtc_list_warns(region: str) -> None:
    """The nine sales-tax jurisdictions not on the MTC certificate each give 5201."""
    assert [f.code for f in found(cert(regions=[region], form="MTC"), 5201)] == [5201]


@pytest.mark.parametrize(
    "payload",
    [
        cert(regions=["NJ", "TX", "CA"], form="MTC"),  # all on the MTC list
        cert(regions=["NY"], form="ST-120"),  # the state's own form
        cert(regions=["NY"], form=None),  # no form named
        cert(regions=["NY"], form="Form 12345"),  # a form the data does not know
        cert(exempt_reason="E", regions=["NY"], form="MTC"),  # MTC rows are about resale
    ],
)
def test_accepted_or_unknown_forms_are_clean(payload: dict[str, Any]) -> None:
    """Forms the regions accept, unknown forms and other reasons give no 5201."""
    assert found(payload, 5201) == []


def test_sst_in_texas_is_a_secondary_source_so_audit_profile_only() -> None:
    """Texas and the SST certificate for resale: only in profile audit, saying secondary."""
    payload = cert(regions=["TX"], form="SSTGB Form F0003")
    assert found(payload, 5201) == []
    [f] = found(payload, 5201, profile="audit")
    assert f.severity is Severity.WARNING
    assert f.errors["regions[0]"].startswith("form not accepted (secondary source, not official:")
    assert "01-339" in f.fix


def test_form_is_read_from_every_dialect_key() -> None:
    """The native ``form`` and AvaCert2's ``ExemptFormName`` both name the form."""
    assert len(found(cert(regions=["NY"], ExemptFormName="MTC"), 5201)) == 1
    assert form_key("Streamlined Sales and Use Tax Agreement Certificate of Exemption") == "sst"
    assert form_key("Uniform Sales & Use Tax Resale Certificate - Multijurisdiction") == "mtc"
    assert form_key("") is None


# -- 5202 / 5203 validity terms --------------------------------------------------------------


def test_florida_annual_resale_certificate_ends_on_december_31() -> None:
    """A Florida G certificate past December 31 of its year warns, with that date."""
    payload = cert(regions=["FL"], effective_date="2026-03-01", expiration_date="2027-12-31")
    [f] = found(payload, 5202)
    assert f.fix.startswith("Set expiration_date to 2026-12-31 (or earlier)")
    assert "www1.avalara.com" in f.errors["regions[0]"]
    clean = cert(regions=["FL"], effective_date="2026-03-01", expiration_date="2026-12-31")
    assert found(clean, 5202) == []


def test_florida_mid_october_certificates_run_through_next_year() -> None:
    """Issued from mid-October, a Florida certificate may run to December 31 of next year."""
    late = cert(regions=["FL"], effective_date="2026-10-20", expiration_date="2027-12-31")
    assert found(late, 5202) == []
    [f] = found(cert(regions=["FL"], effective_date="2026-10-20", expiration_date=None), 5203)
    assert f.fix.startswith("Set expiration_date to 2027-12-31")


def test_illinois_resale_certificates_run_three_years() -> None:
    """IL CRT-61 (IDOR Q&A 279): beyond 3 years warns; without an expiry the fix gives it."""
    long = cert(regions=["IL"], effective_date="2026-01-15", expiration_date="2029-06-01")
    [f] = found(long, 5202)
    assert "2029-01-15" in f.fix
    assert "https://www2.illinois.gov/rev/QuestionsAndAnswers/pages/279.aspx" in str(f.errors)
    assert found(cert(regions=["IL"], expiration_date="2029-01-15"), 5202) == []
    [g] = found(cert(regions=["IL"], expiration_date=None), 5203)
    assert g.message.startswith("The certificate has no expiration date, but IL limits it")
    assert g.fix.startswith("Set expiration_date to 2029-01-15")


def test_washington_reseller_permit_term_is_official_and_only_for_the_permit() -> None:
    """WA's 4 years comes from the revenue department (every profile) and is the reseller
    permit's: never applied to a certificate on the MTC or SST form or of several regions."""
    payload = cert(
        regions=["WA"],
        form="Washington reseller permit",
        effective_date="2026-01-15",
        expiration_date="2031-01-15",
    )
    [f] = found(payload, 5202)
    assert "2030-01-15" in f.fix
    # a certificate that names no form may be another state's form: audit profile only
    unnamed = {**payload, "form": None}
    assert found(unnamed, 5202) == []
    assert len(found(unnamed, 5202, profile="audit")) == 1
    assert "dor.wa.gov" in f.summary
    for form in ("MTC", "SST F0003"):
        assert found({**payload, "form": form}, 5202) == []
        assert found({**payload, "form": form, "expiration_date": None}, 5203) == []
    assert found({**payload, "regions": ["WA", "TX"]}, 5202) == []


def test_terms_skip_single_use_other_reasons_and_states_without_a_term() -> None:
    """Single-use certificates, reasons without a term and CA (until revoked) are clean."""
    for payload in (
        cert(regions=["IL"], expiration_date=None, single_use=True, po_numbers=["PO-1"]),
        cert(exempt_reason="D", regions=["IL"], expiration_date=None),
        cert(regions=["CA", "TX"], expiration_date=None),
    ):
        assert found(payload, 5202, profile="audit") == []
        assert found(payload, 5203, profile="audit") == []


def test_indiana_np1_must_be_dated_in_audit_profile() -> None:
    """An Indiana NP-1 (E) without its expiration date: 5203 in profile audit, no date given."""
    payload = cert(exempt_reason="E", regions=["IN"], expiration_date=None)
    assert found(payload, 5203) == []
    [f] = found(payload, 5203, profile="audit")
    assert f.fix == "Enter the expiration date printed on the NP-1 nonprofit exemption certificate."


def test_nevada_letters_of_exemption_run_five_years() -> None:
    """NAC 372.700: a Nevada E letter dated 2026-01-15 runs to 2031-01-15."""
    payload = cert(exempt_reason="E", regions=["NV"], expiration_date="2031-06-01")
    [f] = found(payload, 5202)
    assert "2031-01-15" in f.fix
    assert "regulation: https://regulations.justia.com/" in f.errors["regions[0]"]


def test_term_month_arithmetic_clamps_to_the_month_end() -> None:
    """36 months after 29 February is 28 February; October dates get Florida's longer term."""
    [illinois] = term_rows("US-IL", "G")
    assert illinois.limit(dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)
    [florida] = term_rows("US-FL", "G")
    assert florida.limit(dt.date(2026, 9, 30)) == dt.date(2026, 12, 31)
    assert florida.limit(dt.date(2026, 10, 1)) == dt.date(2027, 12, 31)


# -- 6401 state-exemption-number-missing -----------------------------------------------------


def test_new_york_exempt_organisation_without_its_number_warns() -> None:
    """NY E without a tax id: the ST-119 number is asked for, citing tax.ny.gov."""
    [f] = found(cert(exempt_reason="E", regions=["NY", "CA"], tax_id=None), 6401)
    assert f.severity is Severity.WARNING
    assert "NY: New York exempt organization certificate (Form ST-119)" in f.fix
    assert "http://www.tax.ny.gov/bus/st/exempt.htm" in f.fix
    assert "CA" not in f.message
    assert f.loc == ("tax_id",)


@pytest.mark.parametrize(
    ("reason", "region", "document"),
    [("B", "FL", "DR-14"), ("N", "IL", "(E) number"), ("M", "TX", "AP-207"), ("F", "NV", "letter")],
)
def test_state_issued_documents_are_named(reason: str, region: str, document: str) -> None:
    """Florida DR-14, the Illinois E-number, Texas Comptroller letters, Nevada letters."""
    [f] = found(cert(exempt_reason=reason, regions=[region], tax_id=""), 6401)
    assert document in f.fix


@pytest.mark.parametrize(
    "payload",
    [
        cert(exempt_reason="E", regions=["NY"], tax_id="123456"),  # the number is given
        cert(exempt_reason="G", regions=["NY"], tax_id=None),  # not an entity reason
        cert(exempt_reason="E", regions=["CA", "WA"], tax_id=None),  # no state document
        cert(exempt_reason="M", regions=["FL"], tax_id=None),  # secondary: audit only
    ],
)
def test_clean_entity_certificates(payload: dict[str, Any]) -> None:
    """With the number, for other reasons or states, or on a secondary source: no 6401."""
    assert found(payload, 6401) == []


def test_florida_schools_need_dr14_in_the_audit_profile() -> None:
    """FL M rests on a secondary source: 6401 in profile audit, saying it is secondary."""
    [f] = found(cert(exempt_reason="M", regions=["FL"], tax_id=None), 6401, profile="audit")
    assert "secondary source, not official" in f.fix


# -- profiles, selection, severity -----------------------------------------------------------


def test_audit_rules_are_warnings_in_every_profile_and_can_be_selected() -> None:
    """No audit rule is an error; select and ignore work on them; profile audit exists."""
    assert {r.code: r.severity for r in CATALOGUE if r.code in AUDIT} == dict.fromkeys(
        AUDIT, Severity.WARNING
    )
    payload = cert(exempt_reason="E", regions=["NY"], tax_id=None, form="MTC")
    assert [f.code for f in validate(payload, today=TODAY, select=["6401"]).findings] == [6401]
    codes = {f.code for f in validate(payload, today=TODAY, ignore=["6401"]).findings}
    assert 6401 not in codes
    by_name = validate(payload, today=TODAY, select=["state-exemption-number-missing"])
    assert [f.code for f in by_name.findings] == [6401]
    report = validate(payload, today=TODAY, profile="audit")
    assert 6401 in {f.code for f in report.findings}
    with pytest.raises(ValueError, match="unknown profile"):
        validate(payload, today=TODAY, profile="auditor")


def test_audit_profile_keeps_the_default_checks() -> None:
    """Profile audit runs what certcapture runs (plus secondary-source audit facts)."""
    payload = cert(regions=["WA", "NH"])
    default = {f.code for f in validate(payload, today=TODAY).findings}
    audit = {f.code for f in validate(payload, today=TODAY, profile="audit").findings}
    assert 3101 in default
    assert default <= audit


# -- data ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["forms.csv", "terms.csv", "state_numbers.csv"])
def test_audit_data_rows_cite_public_official_or_secondary_sources(name: str) -> None:
    """Every row has an http(s) source off the mirror sites, a known kind and a date read."""
    mirrors = _script("build_matrix").MIRRORS
    text = resources.files("certpreflight.reference").joinpath(f"data/{name}").read_text("utf-8")
    assert text.startswith("# ")
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert rows
    problems = []
    for number, row in enumerate(rows, 1):
        parts = urlsplit(row["source"])
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or any(
            host == m or host.endswith("." + m) for m in mirrors
        ):
            problems.append(f"{number}: {row['source']}")
        if row["source_kind"] not in KINDS or not row["read"][:4].isdigit():
            problems.append(f"{number}: {row['source_kind']} {row['read']}")
    assert problems == []
    assert form_rows("US-NY", "mtc")[0].accepted == "N"


@pytest.mark.skipif(not RESEARCH.is_dir(), reason="research folder not available")
def test_shipped_audit_data_matches_the_build_script() -> None:
    """The committed audit CSVs are what scripts/build_audit.py makes from the research."""
    data = REPO / "src/certpreflight/reference/data"
    for name, text in _script("build_audit").build(RESEARCH).items():
        assert (data / name).read_text(encoding="utf-8") == text, name


@pytest.mark.parametrize(
    ("code", "name", "used"),
    [
        (5201, "forms.csv", lambda row: row["accepted"] == "N"),
        (5202, "terms.csv", lambda row: not row["rule"].startswith(("dated", "lapse:"))),
        (5203, "terms.csv", lambda row: row["rule"] == "dated"),
        (5204, "terms.csv", lambda row: row["rule"].startswith("lapse:")),
        (6401, "state_numbers.csv", lambda row: row["proof"] == "required"),
    ],
)
def test_rule_docs_cite_every_source_of_their_rows(
    code: int, name: str, used: Callable[[dict[str, str]], bool]
) -> None:
    """Each audit rule's docs name the public source of every data row it reports on."""
    [rule] = [r for r in CATALOGUE if r.code == code]
    text = resources.files("certpreflight.reference").joinpath(f"data/{name}").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    cited = " ".join(rule.doc.split())  # the docs' words, with line breaks as spaces
    assert {row["source"] for row in rows if used(row) and row["source"] not in cited} == set()


@pytest.mark.parametrize("expiration", [None, "9999-12-31"])
def test_terms_past_the_last_date_never_raise(expiration: str | None) -> None:
    """An effective date near 9999-12-31 gives no date to use, and validate() does not raise."""
    payload = cert(regions=["FL", "IL"], effective_date="9999-10-15", expiration_date=expiration)
    assert found(payload, 5202) == []
    for finding in found(payload, 5203):
        assert finding.fix.startswith("Set expiration_date to the effective date plus the term")


def test_term_regions_are_the_regions_with_term_rows() -> None:
    """Rules 5202/5203 skip a certificate none of whose regions is in term_regions(reason):
    exactly the regions where term_rows gives a row."""
    for reason in [r.code for r in all_reasons()] + ["ZZ"]:
        expected = {r.code for r in all_regions() if term_rows(r.code, reason)}
        assert term_regions(reason) == expected
    assert "US-FL" in term_regions("G")
