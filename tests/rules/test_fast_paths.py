"""The engine's fast paths (screens, memoized inputs) never change what is reported.

The engine skips a screened rule when every customer passes its screen, and
reuses the findings of rules with declared ``inputs`` for repeated values. Both
are only sound if the declarations are true, so these tests compare the engine
with every rule's check called directly, on certificates mixing clean, odd and
hostile values, and test each declaration on its own.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.exceptions import ValidationError
from stdnum.us import ein

from certpreflight import Customer, ExemptionCertificate, ExemptionMatrix, Finding, engine, validate
from certpreflight.engine import active_rules
from certpreflight.findings import Severity
from certpreflight.reference.postal import CA_POSTAL, US_ZIP, postal_regions, zip_regions
from certpreflight.reference.reasons import all_reasons
from certpreflight.reference.regions import Region, all_regions, lookup_region
from certpreflight.rules import CATALOGUE, Context
from certpreflight.rules._base import declare
from certpreflight.rules.address import (
    _country_of,
    _postal_form,
    postal_code_invalid,
    postal_code_region_mismatch,
    region_not_in_country,
)
from certpreflight.rules.identity import _ein_prefixes, _ein_problem
from certpreflight.rules.input import customer_hit
from certpreflight.rules.situs import _alternatives, _cells, _cells_of
from tests.conftest import TODAY, examples

# Values seen in real data, values next to every screen's edges, and anything at all.
_TEXT = st.one_of(
    st.sampled_from(
        [
            "WA",
            "wa",
            " WA",
            "Washington",
            "US-WA",
            "NH",
            "OR",
            "ON",
            "QC",
            "BC",
            "TX",
            "CA",
            "US",
            "USA",
            "us",
            "CAN",
            "Canada",
            "DE",
            "MX",
            "Cook County",
            "G",
            "RESALE",
            "A",
            "L",
            "E",
            "TAXABLE",
            "EXPOSURE",
            "C-1001",
            "C 1001",
            "C-1001 ",
            "Acme Supply",
            "100 Main St",
            "98101",
            "98101-2450",
            "0210",
            "03101",
            "K1A 0B1",
            "V8W 1P6",
            "H2X1Y4",
            "x" * 10,
            "x" * 11,
            "x" * 50,
            "x" * 51,
            "x" * 100,
            "x" * 101,
            "\u00a0X",
            "X\u3000",
            "",
            " ",
            "\t",
            "1",
            "10",
            "21",
            "100",
            "3",
        ]
    ),
    st.text(max_size=12),
    st.text(min_size=45, max_size=110),
)
_OPTIONAL = st.one_of(st.none(), _TEXT)
_REASON = st.one_of(
    st.sampled_from([None, "", " ", "G", "L", "E", "A", "RESALE", "EXPOSURE", "TAXABLE", "ZZ"]),
    _TEXT,
)
_BLANKISH = st.one_of(st.sampled_from([None, "", " "]), _TEXT)

_customers = st.fixed_dictionaries(
    {},
    optional={
        "customer_number": _OPTIONAL,
        "name": _OPTIONAL,
        "address_line1": _OPTIONAL,
        "address_line2": _OPTIONAL,
        "address_line3": _OPTIONAL,
        "city": _OPTIONAL,
        "region": _OPTIONAL,
        "postal_code": _OPTIONAL,
        "country": _OPTIONAL,
    },
)
_certificates = st.fixed_dictionaries(
    {"customers": st.lists(_customers, max_size=3)},
    optional={
        "id": _OPTIONAL,
        "exempt_reason": _REASON,
        "exempt_reason_id": st.sampled_from(["7", None]),
        "exempt_reason_description": _BLANKISH,
        "regions": st.lists(_TEXT, max_size=4),
        "effective_date": st.dates().map(lambda d: d.isoformat()),
        "expiration_date": st.dates().map(lambda d: d.isoformat()),
        "single_use": st.booleans(),
        "po_numbers": st.lists(_TEXT, max_size=3),
        "tax_id": _BLANKISH,
        "tax_id_type": st.sampled_from([None, "FEIN", "BN", "QST"]),
        "business_type": _BLANKISH,
        "exempt_percentage": st.sampled_from([None, 0, 50, 100, 101, -1]),
        "filename": _OPTIONAL,
        "pdf": st.sampled_from([None, "", "JVBERi0xLjQK", "iVBORw0KGgo="]),
    },
).map(ExemptionCertificate.model_validate)


def _screened() -> list[Any]:
    return [r for r in CATALOGUE if r.screen is not None]


def _with_inputs() -> list[Any]:
    return [r for r in CATALOGUE if r.inputs is not None]


_PROFILES = st.sampled_from(["certcapture", "avatax"])
_OPTIONS = st.sampled_from([{}, {"sst_seller": True}])


def _direct(cert: ExemptionCertificate, profile: str, options: dict[str, Any]) -> list[Finding]:
    """Every finding from calling each running certificate rule's check: no screens, no memo."""
    ctx = Context(TODAY, ExemptionMatrix.default(), profile, options)
    found = [
        rule.finding(hit)
        for rule in active_rules(profile=profile)
        if rule.check is not None and "certificate" in rule.kinds
        for hit in rule.check(cert, ctx)
    ]
    return sorted(found, key=lambda f: f.code)


@given(_certificates, _PROFILES, _OPTIONS)
def test_validate_reports_what_every_check_finds(
    cert: ExemptionCertificate, profile: str, options: dict[str, Any]
) -> None:
    """validate() gives exactly the findings of the checks called one by one, twice in a row."""
    expected = _direct(cert, profile, options)
    for _ in range(2):  # the second time, memoized findings are reused
        report = validate(cert, today=TODAY, profile=profile, options=options or None)
        assert list(report.findings) == expected


@pytest.mark.parametrize("rule", _screened(), ids=lambda r: str(r.code))
@settings(max_examples=examples(50))
@given(cert=_certificates)
def test_a_customer_passing_a_screen_gives_its_rule_nothing(
    cert: ExemptionCertificate, rule: Any
) -> None:
    """When every customer's value passes a rule's screen, the rule's check has no hit."""
    screen = rule.screen
    if all(screen.passes(getattr(c, screen.field)) for c in cert.customers):
        ctx = Context(TODAY, ExemptionMatrix.default(), "avatax", {"sst_seller": True})
        assert list(rule.check(cert, ctx)) == []


@pytest.mark.parametrize("rule", _with_inputs(), ids=lambda r: str(r.code))
@settings(max_examples=examples(50))
@given(cert=_certificates, other=_certificates)
def test_a_rule_with_inputs_reads_nothing_else(
    cert: ExemptionCertificate, other: ExemptionCertificate, rule: Any
) -> None:
    """Two certificates equal in a rule's declared inputs get the same hits from it, and
    none points into the customers (so a customer record or a link, checked as a
    certificate holding it, skips the rule); in the audit profile too."""
    same = other.model_copy(update={field: getattr(cert, field) for field in rule.inputs})
    for profile in ("avatax", "audit"):
        ctx = Context(TODAY, ExemptionMatrix.default(), profile, {"sst_seller": True})
        hits = list(rule.check(cert, ctx))
        assert list(rule.check(same, ctx)) == hits
        assert all(hit.loc[:1] != ("customers",) for hit in hits)


def test_fast_paths_are_declared() -> None:
    """The customer rules worth screening are screened and the situs rules have inputs."""
    screened = {r.code for r in _screened()}
    assert {2101, 2102, 2103, 2105, 2106, 2107, 2108, 6101, 6103, 6104} <= screened
    assert {3001, 3101, 3102, 3103, 2302} <= {r.code for r in _with_inputs()}
    for rule in _screened():
        assert rule.screen.field in Customer.model_fields


def test_memoized_findings_are_read_only() -> None:
    """Findings shared between reports through the memo can't be changed through ``errors``."""
    payload = {"id": "1", "exempt_reason": "G", "regions": ["WA", "NH"], "customers": []}
    first = validate(payload, today=TODAY, select=["3101"]).findings[0]
    second = validate(payload, today=TODAY, select=["3101"]).findings[0]
    assert first == second
    with pytest.raises(TypeError):
        first.errors["regions[1]"] = "changed"  # type: ignore[index]
    assert second.errors["regions[1]"].startswith("not exempt per Avalara")


def _with_customer_inputs() -> list[Any]:
    return [r for r in CATALOGUE if r.customer_inputs is not None]


@pytest.mark.parametrize("rule", _with_customer_inputs(), ids=lambda r: str(r.code))
@settings(max_examples=examples(50))
@given(cert=_certificates, other=_certificates)
def test_a_rule_with_customer_inputs_reads_nothing_else(
    cert: ExemptionCertificate, other: ExemptionCertificate, rule: Any
) -> None:
    """A customer finds the same (a hit or none) alone in another certificate, with other
    values in every field but the rule's declared customer inputs."""
    ctx = Context(TODAY, ExemptionMatrix.default(), "avatax", {"sst_seller": True})
    found_at = {hit.loc[1] for hit in rule.check(cert, ctx)}
    donor = other.customers[0] if other.customers else Customer()
    for i, customer in enumerate(cert.customers):
        values = {field: getattr(customer, field) for field in rule.customer_inputs}
        alone = other.model_copy(update={"customers": (donor.model_copy(update=values),)})
        assert bool(list(rule.check(alone, ctx))) == (i in found_at)


def _each_region() -> list[Any]:
    return [r for r in CATALOGUE if r.each_region]


_WITH_FORMS = st.tuples(
    _certificates, st.sampled_from([None, "", "mtc", "sst", "state", "MTC", " sst ", "F0003"])
).map(lambda pair: pair[0].model_copy(update={"form": pair[1]}))


@pytest.mark.parametrize("rule", _each_region(), ids=lambda r: str(r.code))
@settings(max_examples=examples(60))
@given(cert=_WITH_FORMS, profile=st.sampled_from(["certcapture", "avatax", "audit"]))
def test_a_rule_checked_region_by_region_finds_what_each_region_alone_does(
    cert: ExemptionCertificate, profile: str, rule: Any
) -> None:
    """A rule declared ``each_region`` finds something in a certificate exactly when it
    finds something with one of the certificate's regions alone (so nothing without
    regions): what lets the engine skip it for regions it found nothing in before."""
    ctx = Context(TODAY, ExemptionMatrix.default(), profile, {"sst_seller": True})
    whole = bool(list(rule.check(cert, ctx)))
    alone = [bool(list(rule.check(cert.model_copy(update={"regions": (r,)}), ctx)))
             for r in cert.regions]  # fmt: skip
    assert whole == any(alone)


def test_each_region_rules_are_skipped_only_for_regions_found_clean() -> None:
    """The engine keeps the (reason and form, region) pairs its each_region rules found
    nothing in (WA and TX for G), and runs them for a certificate with a new pair (NH)."""
    day = dt.date(2031, 1, 2)  # a context of its own: an empty memo
    ruleset, ctx, _ = engine._setup(
        today=day, matrix=None, select=None, ignore=None, profile="certcapture", options=None
    )
    clean = validate({"id": "1", "exempt_reason": "G", "regions": ["WA", "TX"]}, today=day)
    assert not {3101, 3102, 3103, 5201} & set(clean.codes())
    assert ctx.memo[(ruleset, engine._EACH_REGION)] == {(("G", None), "WA"), (("G", None), "TX")}
    again = validate({"id": "2", "exempt_reason": "G", "regions": ["TX", "WA"]}, today=day)
    assert again.findings == clean.findings  # the pairs were known: the rules were skipped
    new = validate({"id": "3", "exempt_reason": "G", "regions": ["TX", "NH"]}, today=day)
    assert 3101 in new.codes()
    assert (("G", None), "NH") not in ctx.memo[(ruleset, engine._EACH_REGION)]


@pytest.mark.parametrize("rule", _each_region(), ids=lambda r: str(r.code))
def test_each_region_is_declared_with_regions_among_the_inputs(rule: Any) -> None:
    assert "regions" in rule.inputs


def test_each_region_needs_regions_among_the_inputs() -> None:
    with pytest.raises(ValueError, match="each_region"):
        declare(None, doc="", code=9999, name="x", severity=Severity.INFO, message="",
                summary="", fix="", inputs=("exempt_reason",), each_region=True)  # fmt: skip


# --- fast paths inside rules: each equal to the general computation it replaces ------------------


def _alternatives_general(matrix: ExemptionMatrix, regions: list[Region], current: str) -> str:
    """Rule 3101's alternatives as first written: every reason tested in every region."""
    return ", ".join(
        reason.code
        for reason in all_reasons()
        if reason.code not in (current, "TAXABLE")
        and all(
            (cell := matrix.cell_by_code(reason.code, r.code)) is not None
            and cell.status in ("exempt", "partial")
            for r in regions
        )
    )


_MATRICES = [
    ExemptionMatrix.default(),
    ExemptionMatrix.default().with_overrides({("G", "WA"): "not_exempt", ("E", "NH"): "exempt"}),
    ExemptionMatrix({("G", "WA"): "partial"}),
]


@settings(max_examples=examples(300))
@given(
    matrix=st.sampled_from(_MATRICES),
    regions=st.lists(st.sampled_from(all_regions()), max_size=8),
    current=st.sampled_from([r.code for r in all_reasons()]),
)
def test_alternatives_equal_every_cell_tested(
    matrix: ExemptionMatrix, regions: list[Region], current: str
) -> None:
    """The fix text's alternatives, from each region's valid reasons, are those found by
    testing every reason's cell in every region."""
    assert _alternatives(matrix, regions, current) == _alternatives_general(
        matrix, regions, current
    )


@settings(max_examples=examples(500))
@given(
    st.one_of(
        st.from_regex(r"[0-9]{9}", fullmatch=True),
        st.from_regex(r"[0-9\u0660-\u0669 -]{7,11}", fullmatch=True),
        st.text(max_size=12),
    )
)
def test_ein_fast_path_equals_stdnum(number: str) -> None:
    """An EIN the prefix set accepts is one python-stdnum accepts, and the problem of any
    other is python-stdnum's own message."""
    try:
        ein.validate(number)
        expected = None
    except ValidationError as exc:
        expected = str(exc)
    assert _ein_problem(number) == expected


def test_ein_prefixes_are_stdnums() -> None:
    """Every 2-digit prefix is in the set exactly when python-stdnum accepts an EIN with it."""
    for i in range(100):
        number = f"{i:02d}1234567"
        assert (number[:2] in _ein_prefixes()) == ein.is_valid(number)


def _mismatch_general(country_text: str | None, region_text: str, postal: str) -> Any:
    """Rule 3302's values as first written, from the whole postal code."""
    text = postal.strip()
    country = _country_of(country_text)
    if country == "US" and US_ZIP.fullmatch(text):
        expected = zip_regions(text)
    elif country == "CA" and CA_POSTAL.fullmatch(text):
        expected = postal_regions(text)
    else:
        return None
    region = lookup_region(region_text, country)
    if expected is None or region is None or region.code in expected:
        return None
    belongs = " or ".join(sorted(code.partition("-")[2] for code in expected))
    if not belongs:
        belongs = f"no province (no Canadian postal code starts with {text[0].upper()})"
    return {
        "issue": f"belongs to {belongs}, not {region.short}",
        "postal_code": text,
        "region": region.short,
        "belongs": belongs,
    }


_POSTAL = st.one_of(
    st.from_regex(r" ?[0-9]{5}([- ]?[0-9]{4})? ?", fullmatch=True),
    st.from_regex(r" ?[A-Za-z][0-9][A-Za-z] ?[0-9][A-Za-z][0-9] ?", fullmatch=True),
    st.sampled_from(["٩٨١٠١", "0210", "K1A0B", "w1a 1a1", "D0A 1A1", "96910", "00501"]),
    st.text(max_size=11),
)


def _malformed_general(country_text: str | None, postal: str) -> Any:
    """Rule 3301's values as first written, one customer at a time."""
    text = postal.strip()
    country = _country_of(country_text)
    if not text or country not in ("US", "CA"):
        return None
    if country == "US" and not US_ZIP.fullmatch(text):
        form, pattern = "ZIP code", "98101 or 98101-2450"
        zero = text.isdigit() and len(text) == 4
        hint = f" (a lost leading zero? {text.zfill(5)})" if zero else ""
    elif country == "CA" and not CA_POSTAL.fullmatch(text):
        form, pattern, hint = "postal code", "A1A 1A1, e.g. K1A 0B1", ""
    else:
        return None
    return {"issue": f"not a {country} {form}", "postal_code": text, "country": country,
            "form": form, "pattern": pattern, "hint": hint}  # fmt: skip


def _address_general(cert: ExemptionCertificate) -> tuple[list[Any], ...]:
    """Rules 3202, 3301 and 3302 as first written: three passes, each customer on its own."""
    not_in_country, malformed, elsewhere = [], [], []
    for i, c in enumerate(cert.customers):
        country = _country_of(c.country)
        region = c.region
        if (
            region is not None
            and region.strip()
            and country in ("US", "CA")
            and (lookup_region(region, country) is None)
        ):
            us = country == "US"
            not_in_country.append(customer_hit(
                c, i, "region", f"not a region of {country}", region=region.strip(),
                country=country, kind="state" if us else "province",
                example="WA" if us else "ON"))  # fmt: skip
        if c.postal_code is not None:
            params = _malformed_general(c.country, c.postal_code)
            if params is not None:
                malformed.append(customer_hit(c, i, "postal_code", params["issue"], **params))
        if c.postal_code is not None and c.region is not None and c.region.strip():
            params = _mismatch_general(c.country, c.region, c.postal_code)
            if params is not None:
                elsewhere.append(customer_hit(c, i, "postal_code", params["issue"], **params))
    return not_in_country, malformed, elsewhere


_COUNTRIES = [None, "", " ", "US", "us", "USA", "United States", "CA", "Canada", "MX", "ZZ"]
_ADDRESSES = st.lists(
    st.fixed_dictionaries(
        {
            "customer_number": st.sampled_from(["C1", "C2", None]),
            "country": st.one_of(st.sampled_from(_COUNTRIES), _TEXT),
            "region": st.one_of(
                st.sampled_from([None, "", " ", "Ontario", "xx", " wa"]),
                st.sampled_from([r.short for r in all_regions()]),
                _TEXT,
            ),
            "postal_code": st.one_of(st.none(), _POSTAL),
        }
    ),
    max_size=4,
).map(lambda customers: ExemptionCertificate.model_validate({"customers": customers}))


@settings(max_examples=examples(1000))
@given(cert=_ADDRESSES)
def test_address_rules_in_one_pass_equal_each_rule_on_its_own(cert: ExemptionCertificate) -> None:
    """Rules 3202, 3301 and 3302 share one pass over the customers (3302 cached on the ZIP
    prefix or the first letter): their hits are those of the rules as first written, each
    computed from the whole postal code, customer by customer."""
    ctx = Context(TODAY, ExemptionMatrix.default(), "certcapture", {})
    general = _address_general(cert)
    assert list(region_not_in_country.check(cert, ctx)) == general[0]
    assert list(postal_code_invalid.check(cert, ctx)) == general[1]
    assert list(postal_code_region_mismatch.check(cert, ctx)) == general[2]


def test_address_pass_is_kept_for_its_own_certificate_only() -> None:
    """The one pass is given to the certificate it was made for, not to an equal other."""
    first = ExemptionCertificate.model_validate(
        {"customers": [{"country": "US", "region": "WA", "postal_code": "2134"}]}
    )
    second = first.model_copy(update={"customers": ()})
    ctx = Context(TODAY, ExemptionMatrix.default(), "certcapture", {})
    assert [h.params["postal_code"] for h in postal_code_invalid.check(first, ctx)] == ["2134"]
    assert list(postal_code_invalid.check(second, ctx)) == []
    assert len(list(postal_code_invalid.check(first, ctx))) == 1


@settings(max_examples=examples(100))
@given(certs=st.lists(_certificates, min_size=1, max_size=4), order=st.randoms())
def test_cells_shared_by_3101_to_3103_are_the_certificates_own(
    certs: list[ExemptionCertificate], order: Any
) -> None:
    """The matrix cells kept for the last certificate are given only for that certificate
    and matrix: in any order of certificates and matrices, each gets its own."""
    calls = [(c, m) for c in certs for m in _MATRICES] * 2
    order.shuffle(calls)
    for cert, matrix in calls:
        assert _cells(cert, matrix) == _cells_of(cert, matrix)


@pytest.mark.parametrize(
    ("code", "payload"),
    [
        (3101, {"exempt_reason": "G", "regions": ["WA", "NH", "TX"]}),
        (3102, {"exempt_reason": "E", "regions": ["WA", "TX"]}),
        (3103, {"exempt_reason": "B", "regions": ["NY", "TX"]}),
    ],
)
def test_matrix_rules_compute_the_params_their_templates_use(
    code: int, payload: dict[str, Any]
) -> None:
    """Rules 3101-3103 compute only some params (3103 no fix-text remedy): exactly every
    field their message, summary and fix name."""
    [rule] = [r for r in CATALOGUE if r.code == code]
    ctx = Context(TODAY, ExemptionMatrix.default(), "certcapture", {})
    [hit] = rule.check(ExemptionCertificate.model_validate(payload), ctx)
    named = {
        name
        for template in (rule.message, rule.summary, rule.fix)
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    }
    assert named <= set(hit.params)
    assert set(hit.params) - named <= {"secondary", "regions", "reason"}


_DIGITS = [
    "0",
    "9",
    "\u0663",
    "\u06f7",
    "\u096f",
    "\uff10",
    "\u00b2",
    "\u2177",
    "\u00bd",
    "\U0001d7d7",
    "a",
]


@pytest.mark.parametrize("digit", _DIGITS)
def test_usual_zip_shortcut_is_the_zip_pattern(digit: str) -> None:
    """A 5-character text is a ZIP by str.isdecimal exactly when US_ZIP matches it (re's
    Unicode \\d is the decimal digits): the shortcut for the usual ZIP changes nothing."""
    for text in (digit * 5, "1234" + digit, digit + "1234"):
        expected = ("US", text[:3]) if US_ZIP.fullmatch(text) else _postal_form_general(text)
        assert _postal_form(text) == expected


def _postal_form_general(text: str) -> tuple[str | None, str]:
    if CA_POSTAL.fullmatch(text):
        return "CA", text[:1].upper()
    return None, ""
