"""Tax numbers per region: read from every shape that carries them, checked against the state
forms that have a public source (warnings), and a federal EIN where a state number belongs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from certpreflight import ExemptionCertificate, Finding, validate
from certpreflight.reading.strict import PLAIN
from certpreflight.reference.audit import number_formats
from tests.conftest import cert

TODAY = dt.date(2026, 12, 6)


def found(payload: dict[str, Any], code: int, **options: Any) -> list[Finding]:
    return [f for f in validate(payload, today=TODAY, **options).findings if f.code == code]


@pytest.mark.parametrize(
    "shape",
    [
        {"tax_ids": {"NY": "123456", "TX": "32012345678"}},
        {
            "tax_ids": [
                {"region": "NY", "tax_id": "123456"},
                {"region": "TX", "number": "32012345678"},
            ]
        },
        {"tax_ids": [["New York", "123456"], ["US-TX", "32012345678"]]},
        # the ECMS record (EcmsModel.details, one EcmsDetailModel per region with its idNo)
        {"details": [{"region": "NY", "idNo": "123456"}, {"region": "TX", "idNo": "32012345678"}]},
    ],
)
def test_numbers_per_region_are_read_from_every_shape(shape: dict[str, Any]) -> None:
    """The native mapping, lists of objects or pairs, and the ECMS details read alike; a
    region without its own number falls back on the one tax_id."""
    model = ExemptionCertificate.model_validate({"regions": ["NY", "TX", "CA"], **shape})
    assert model.tax_id_for("US-NY") == "123456"
    assert model.tax_id_for("US-TX") == "32012345678"
    assert model.tax_id_for("US-CA") is None
    with_one = model.model_copy(update={"tax_id": "SR-1"})
    assert with_one.tax_id_for("US-CA") == "SR-1"
    report = validate({**cert(regions=["NY", "TX"]), **shape}, today=TODAY)
    assert not [f for f in report.findings if f.type in ("Formatting",) or f.code in (2310, 2311)]


def test_the_schema_and_the_salvage_path_read_the_same_numbers() -> None:
    """The native mapping goes through the one schema; what it reads is the lenient model's."""
    payload = {**cert(regions=["NY", "TX"]), "tax_ids": {"NY": "123456", "TX": " "}}
    assert PLAIN is not None
    strict = PLAIN.python(payload)
    assert strict.tax_ids == ExemptionCertificate.model_validate(payload).tax_ids
    assert strict.tax_ids == (("NY", "123456"),)
    assert PLAIN.json(json.dumps(payload)).tax_ids == strict.tax_ids


def test_the_one_tax_id_keeps_working() -> None:
    """A certificate of one region with its number in tax_id is checked as before."""
    assert found(cert(exempt_reason="E", regions=["NY"], tax_id="123456"), 6402) == []
    [f] = found(cert(exempt_reason="E", regions=["NY"], tax_id="12345"), 6402)
    assert f.loc == ("tax_id",)
    assert "6 digits" in f.message


def test_new_york_charity_with_only_an_ein_warns() -> None:
    """Form ST-119.1: the exempt organization number is not the federal EIN."""
    [f] = found(cert(exempt_reason="E", regions=["NY"], tax_id="14-1234567"), 6403)
    assert f.severity.value == "warning"
    assert "federal EIN" in f.message
    assert "st119_1" in f.summary
    assert found(cert(exempt_reason="E", regions=["NY"], tax_id="123456"), 6403) == []
    fein = cert(exempt_reason="E", regions=["NY"], tax_id="141234567", tax_id_type="FEIN")
    assert len(found(fein, 6403)) == 1


def test_north_dakota_says_an_ein_is_not_an_exemption_number() -> None:
    """ND Tax Commissioner: a Federal Employer Identification Number is not valid."""
    [f] = found(cert(exempt_reason="N", regions=["ND"], tax_id="45-1234567"), 6403)
    assert "nd.gov" in f.summary
    assert found(cert(exempt_reason="N", regions=["ND"], tax_id="E12345"), 6403) == []


@pytest.mark.parametrize(
    ("region", "reason", "good", "bad"),
    [
        ("US-NY", "E", "123456", "1234567"),
        ("US-TX", "G", "32012345678", "3201234567"),
        ("US-MD", "F", "12345678", "1234567"),
        ("US-IL", "E", "E9999-9999-99", "9999-9999-99"),
        ("US-IL", "A", "E1234", "1234"),
        ("US-FL", "G", "78-8012345678-9", "7880123456789X"),
        ("US-FL", "E", "85-8012345678C-7", "85-8012345678-7"),
    ],
)
def test_state_forms(region: str, reason: str, good: str, bad: str) -> None:
    """Each form with a public source accepts its example and refuses another shape."""
    fmt = number_formats(region, reason)
    assert fmt is not None
    assert fmt.matches(good)
    assert fmt.matches(fmt.example)
    assert not fmt.matches(bad)
    short = region.removeprefix("US-")
    for number, count in ((good, 0), (bad, 1)):
        given = cert(exempt_reason=reason, regions=[short], tax_id=None, tax_ids={short: number})
        assert len(found(given, 6402)) == count
        one = cert(exempt_reason=reason, regions=[short], tax_id=number)
        # the one tax_id: checked for an entity exemption; for resale it may be another
        # state's number (34 TAC 3.285)
        assert len(found(one, 6402)) == (0 if reason == "G" else count)


def test_each_region_checks_its_own_number() -> None:
    """A number per region: each state's number against its own form, located in tax_ids."""
    payload = cert(
        exempt_reason="G",
        regions=["TX", "FL"],
        tax_ids={"TX": "32012345678", "FL": "32012345678"},
    )
    [f] = found(payload, 6402)
    assert "FL" in f.message
    assert f.loc == ("tax_ids", 1)
    assert '{"FL": "78-8012345678-9"}' in f.fix


def test_a_shared_resale_number_is_not_held_to_every_state_form() -> None:
    """For resale a purchaser registered elsewhere gives its home state's number (34 TAC
    3.285, the MTC form): the one tax_id of a multi-state resale certificate is not checked
    against each state's form. An entity exemption's number is."""
    assert found(cert(exempt_reason="G", regions=["WA", "TX"], tax_id="601234567"), 6402) == []
    assert found(cert(exempt_reason="G", regions=["TX"], tax_id="601234567"), 6402) == []
    charity = cert(exempt_reason="E", regions=["NY", "MD"], tax_id="123456")
    [f] = found(charity, 6402)
    assert "MD" in f.message


def test_state_number_missing_per_region() -> None:
    """6401: a region with its own number is covered; one without (and no tax_id) is named;
    6201 and 6202 see the per-region numbers as numbers."""
    payload = cert(exempt_reason="E", regions=["NY", "IL"], tax_id=None, tax_ids={"NY": "123456"})
    [f] = found(payload, 6401)
    assert "IL" in f.message
    assert "NY" not in f.message
    assert found(payload, 6202) == []
    assert found(cert(regions=["WA"], tax_id=None, tax_ids={"WA": "601234567"}), 6201) == []
