"""The facts a 2026-12-06 audit corrected: matrix cells, expiry mechanics, forms, fixes.

Each test names the public source of the fact it holds (the data rows carry it too).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from certpreflight import ExemptionMatrix, Finding, validate
from certpreflight.reference.audit import form_rows, state_number_rows, term_rows
from tests.conftest import cert, customer

TODAY = dt.date(2026, 12, 6)


def found(payload: dict[str, Any], code: int, **options: Any) -> list[Finding]:
    return [f for f in validate(payload, today=TODAY, **options).findings if f.code == code]


# -- matrix cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "reason", "words", "source"),
    [
        ("US-CO", "B", "state of Colorado", "law.justia.com/codes/colorado"),
        ("US-CO", "N", "Colorado's political subdivisions", "section-39-26-704"),
        ("US-NV", "E", "operating in Nevada", "leg.state.nv.us/NRS/NRS-372"),
        ("US-ND", "B", "North Dakota's state government", "nd.gov/tax/faqs/articles/210"),
        ("US-ND", "N", "political subdivisions of North Dakota", "nd.gov/tax/faqs/articles/210"),
    ],
)
def test_home_state_only_cells_are_partial(
    region: str, reason: str, words: str, source: str
) -> None:
    """C.R.S. 39-26-704(1), NRS 372.3261(3), the ND Tax Commissioner: the state's own
    governments (or charities operating in the state) only, so partial, with the condition."""
    cell = ExemptionMatrix.default().cell_by_code(reason, region)
    assert cell is not None
    assert cell.status == "partial"
    assert words in cell.condition
    assert source in cell.source


@pytest.mark.parametrize("reason", list("EFHIM"))
def test_hawaii_only_a_b_d_are_fully_exempt(reason: str) -> None:
    """Avalara: in Hawaii A, B and D are the only fully exempt codes; the others are partial
    (an info finding), no longer silent."""
    matrix = ExemptionMatrix.default()
    assert matrix.status(reason, "US-HI") == "partial"
    assert {matrix.status(r, "US-HI") for r in "ABD"} == {"exempt"}
    [f] = found(cert(exempt_reason=reason, regions=["HI"]), 3103)
    assert "A, B and D are the only fully exempt codes" in f.fix


# -- expiry mechanics ---------------------------------------------------------------------------


def test_maryland_certificates_expire_on_the_printed_cycle_date() -> None:
    """Comptroller of Maryland: every nonprofit certificate of the cycle expires on
    September 30, 2027, not effective date + 60 months."""
    md = cert(exempt_reason="E", regions=["MD"], effective_date="2026-04-01", tax_id="12345678")
    [f] = found({**md, "expiration_date": "2031-03-31"}, 5202)
    assert "2027-09-30" in f.fix
    assert found({**md, "expiration_date": "2027-09-30"}, 5202) == []
    [g] = found({**md, "expiration_date": None}, 5203)
    assert "printed" in g.fix
    assert "2027-09-30" in g.fix
    assert "2031" not in g.fix
    # a certificate of the next cycle: its date is printed on it, none is computed
    later = {**md, "effective_date": "2027-10-15", "expiration_date": None}
    [h] = found(later, 5203)
    assert "2032" not in h.fix
    assert h.fix.startswith("Enter the expiration date printed")


def test_maine_resale_certificates_end_on_a_printed_december_31() -> None:
    """36 MRSA 1754-B: the expiration date printed on the certificate, a December 31."""
    me = cert(regions=["ME"], form="Maine resale certificate", effective_date="2026-02-01",
              expiration_date=None)  # fmt: skip
    [f] = found(me, 5203)
    assert f.fix.startswith("Enter the expiration date printed on the MRS-issued resale")
    assert "2031-02-01" not in f.fix
    assert found({**me, "expiration_date": "2031-12-31"}, 5202) == []
    [g] = found({**me, "expiration_date": "2032-12-31"}, 5202)
    assert "2031-12-31" in g.fix
    assert found({**me, "form": "MTC"}, 5203) == []  # not the certificate Maine issues


def test_illinois_three_years_is_guidance() -> None:
    """CRT-61 / IDOR: certificates "should be updated" at least every three years: worded
    as guidance, and a warning, never an error."""
    il = cert(regions=["IL"], effective_date="2026-01-15", expiration_date="2030-01-15")
    [f] = found(il, 5202)
    assert f.severity.value == "warning"
    assert "guidance" in f.message
    assert "should be renewed" in f.summary
    assert "not a legal expiry" in f.summary
    assert term_rows("US-IL", "G")[0].force == "guidance"


def test_michigan_3372_blanket_certificate_runs_at_most_four_years() -> None:
    """Form 3372: a blanket certificate's expiration date is at most four years on; none is
    required (a recurring relationship needs no renewal), and only Form 3372 is meant."""
    mi = cert(regions=["MI"], form="Form 3372", effective_date="2026-01-15")
    [f] = found({**mi, "expiration_date": "2031-01-15"}, 5202)
    assert "2030-01-15" in f.fix
    assert "michigan.gov" in f.summary
    assert found({**mi, "expiration_date": "2030-01-15"}, 5202) == []
    assert found({**mi, "expiration_date": None}, 5203) == []
    assert found({**mi, "form": "MTC", "expiration_date": "2031-01-15"}, 5202) == []


def test_sst_twelve_month_lapse_is_an_info_in_the_audit_profile() -> None:
    """NJ ST-3, NC E-595E, AR ST391 / SST: a blanket certificate lapses after 12 months
    without a sale; on secondary sources, so audit profile only, and info."""
    nj = cert(regions=["NJ"], effective_date="2024-01-10", expiration_date=None)
    assert found(nj, 5204) == []
    [f] = found(nj, 5204, profile="audit")
    assert f.severity.value == "info"
    assert "2024-01-10" in f.fix
    recent = {**nj, "effective_date": "2026-06-01"}
    assert found(recent, 5204, profile="audit") == []
    assert found({**nj, "expiration_date": "2029-01-10"}, 5204, profile="audit") == []


# -- forms ---------------------------------------------------------------------------------------


def test_washington_accepts_the_sst_certificate_with_the_reseller_permit_number() -> None:
    """RCW 82.04.470(2)(a)(i): registered buyers may give the SST certificate carrying their
    reseller permit number (the old condition said the opposite)."""
    [row] = form_rows("US-WA", "sst")
    assert row.accepted == "C"
    assert "reseller permit number" in row.evidence
    assert "required to register" in row.evidence
    assert row.source_kind == "statute"
    assert "82%20.%2004%20.470" in row.source


def test_missouri_letter_is_one_form_of_proof_so_not_reported() -> None:
    """12 CSR 10-110.950(2)(A): "One form of proof of exemption is a letter": no 6401."""
    row = state_number_rows("US-MO", "E")
    assert row is not None
    assert row.proof == "one-of"
    assert found(cert(exempt_reason="E", regions=["MO"], tax_id=None), 6401) == []
    [ny] = found(cert(exempt_reason="E", regions=["NY"], tax_id=None), 6401)
    assert "NY" in ny.message


# -- harmful fixes -------------------------------------------------------------------------------


def test_florida_resale_date_is_never_set_on_a_multistate_certificate() -> None:
    """The DR-13's December 31 on an MTC certificate for TX, FL, NY, CA, WA: split Florida
    out; setting the date would end the exemption in all five states."""
    mtc = cert(regions=["TX", "FL", "NY", "CA", "WA"], form="MTC", expiration_date=None)
    [f] = found(mtc, 5203, profile="audit")
    assert "FL" in f.message
    assert f.fix.startswith("Give FL a certificate of its own with expiration_date 2026-12-31")
    assert "don't change this certificate's expiration date" in f.fix
    assert "TX, NY, CA, WA" in f.fix
    [g] = found({**mtc, "expiration_date": "2029-12-31"}, 5202, profile="audit")
    assert "Set expiration_date" not in g.fix


def test_washington_permit_term_not_applied_to_an_mtc_certificate() -> None:
    """The 48 months are the reseller permit's (WA DOR), not the MTC form's."""
    mtc = cert(regions=["TX", "FL", "NY", "CA", "WA"], form="MTC", expiration_date=None)
    assert [f for f in found(mtc, 5203, profile="audit") if "WA" in f.message] == []


def test_no_zip_of_another_state_for_a_washington_customer() -> None:
    """A 4-digit ZIP in Washington: 02134 (Massachusetts) is never offered; in MA it is."""
    wa = cert(customers=[customer(region="WA", postal_code="2134")])
    [f] = found(wa, 3301)
    assert "02134" not in f.fix
    ma = cert(customers=[customer(region="MA", city="Boston", postal_code="2134")])
    [g] = found(ma, 3301)
    assert "02134" in g.fix
