"""Finding and Report: immutability, adapters, verdicts."""

from __future__ import annotations

import dataclasses

import pytest

from certpreflight import CertificateValidationError, Finding, Report, Severity
from certpreflight.findings import loc_to_pointer


def make(code: int = 2101, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(
        code=code,
        name="customer-name-missing",
        type="Input",
        severity=severity,
        message="CustomerName is required. (This value must be specified.)",
        summary="s",
        fix="f",
        errors={"customers[0].name": "empty value"},
        loc=("customers", 0, "name"),
        customer_number="C1",
    )


def test_finding_is_immutable() -> None:
    """Assigning to a finding's field raises."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        make().code = 1  # type: ignore[misc]


def test_finding_is_hashable_and_comparable() -> None:
    """Equal findings compare equal and hash alike, although errors is a mapping."""
    assert make() == make()
    assert hash(make()) == hash(make())


def test_finding_to_dict_has_exactly_the_documented_keys() -> None:
    """to_dict() has the documented keys and the rule's url, severity as text and loc as a
    list."""
    d = make().to_dict()
    assert set(d) == {
        "code",
        "name",
        "type",
        "severity",
        "message",
        "summary",
        "fix",
        "errors",
        "loc",
        "customer_number",
        "url",
    }
    assert d["severity"] == "error"
    assert d["loc"] == ["customers", 0, "name"]
    assert d["errors"] == {"customers[0].name": "empty value"}


def test_report_verdicts() -> None:
    """ok is False only with an error; errors/warnings split by severity."""
    warn = make(5101, Severity.WARNING)
    assert Report((warn,)).ok
    report = Report((make(), warn), certificate_id="x")
    assert not report.ok
    assert report.errors == (make(),)
    assert report.warnings == (warn,)
    assert report.max_severity is Severity.ERROR
    assert Report().max_severity is None


def test_raise_for_errors_raises_a_value_error_with_the_report() -> None:
    """raise_for_errors() raises CertificateValidationError, a ValueError carrying the report."""
    report = Report((make(),), certificate_id="x")
    with pytest.raises(ValueError, match="CustomerName is required") as info:
        report.raise_for_errors()
    assert isinstance(info.value, CertificateValidationError)
    assert info.value.report is report
    Report((make(5101, Severity.WARNING),)).raise_for_errors()  # warnings don't raise


def test_to_ceretax_shape() -> None:
    """to_ceretax() gives an errorMessages list of {code, type, message, summary, errors}."""
    doc = Report((make(),)).to_ceretax()
    assert doc == {
        "errorMessages": [
            {
                "code": 2101,
                "type": "Input",
                "message": "CustomerName is required. (This value must be specified.)",
                "summary": "s",
                "errors": {"customers[0].name": "empty value"},
            }
        ]
    }


def test_to_problem_details_is_rfc9457() -> None:
    """to_problem_details() has type/title/status/detail and errors with JSON pointers."""
    doc = Report((make(),), certificate_id="x").to_problem_details(instance="/certs/x")
    assert doc["status"] == 422
    assert doc["type"] == "about:blank"
    assert doc["instance"] == "/certs/x"
    assert doc["errors"][0]["pointer"] == "#/customers/0/name"
    assert doc["errors"][0]["code"] == 2101
    assert Report().to_problem_details()["status"] == 200


def test_loc_to_pointer_escapes() -> None:
    """JSON Pointer escapes ~ and /."""
    assert loc_to_pointer(("a/b", "c~d", 0)) == "#/a~1b/c~0d/0"
    assert loc_to_pointer(()) == "#"


def test_reports_serialise_with_json_dumps_through_to_dict() -> None:
    """``json.dumps(x.to_dict())`` serialises a Report, a Finding and a BatchReport, and
    ``model_dump(mode="json")`` (pydantic's name) gives the same dict."""
    import json  # noqa: PLC0415

    from certpreflight import validate, validate_batch  # noqa: PLC0415

    payload = {"id": "1", "exempt_reason": "G", "regions": ["WA", "NH"]}
    report = validate(payload)
    back = json.loads(json.dumps(report.to_dict()))
    assert back == report.model_dump(mode="json")
    assert [f["code"] for f in back["findings"]] == list(report.codes())
    assert json.loads(json.dumps(report.findings[0].to_dict()))["url"] == report.findings[0].url
    batch = validate_batch([payload, {"customerCode": "C1", "name": ""}])
    doc = json.loads(json.dumps(batch.to_dict()))
    assert doc == batch.model_dump(mode="json")
    assert doc["counts"] == {"certificate": 1, "customer": 1}
    assert [r["kind"] for r in doc["reports"]] == ["certificate", "customer"]


def test_every_finding_url_is_an_anchor_of_the_rules_page() -> None:
    """A finding's url is the docs site's rules page at the anchor MkDocs makes of its rule's
    heading (``## 2101 customer-name-missing`` -> ``#2101-customer-name-missing``)."""
    from pathlib import Path  # noqa: PLC0415

    from certpreflight import CATALOGUE  # noqa: PLC0415
    from certpreflight.findings import DOCS_URL, rule_url  # noqa: PLC0415

    headings = (Path(__file__).parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in CATALOGUE:
        url = rule_url(rule.code, rule.name)
        assert url.startswith(f"{DOCS_URL}rules/#")
        anchor = url.split("#", 1)[1]
        heading = f"## {rule.code} {rule.name}\n"
        assert heading in headings
        assert anchor == heading[3:-1].lower().replace(" ", "-")


def test_the_exception_errors_like_pydantic() -> None:
    """``CertificateValidationError.errors()`` lists the error findings as pydantic's
    ``ValidationError.errors()`` does: type, loc (a tuple), msg, ctx, url."""
    from certpreflight import CertificateValidationError, validate  # noqa: PLC0415

    report = validate({"id": "1", "exempt_reason": "G", "regions": ["WA", "NH"]})
    with pytest.raises(CertificateValidationError) as caught:
        report.raise_for_errors()
    errors = caught.value.errors()
    assert caught.value.error_count() == len(errors) == len(report.errors)
    first = report.errors[0]
    assert errors[0] == {
        "type": first.name,
        "loc": first.loc,
        "msg": first.message,
        "ctx": {
            "code": first.code,
            "severity": "error",
            "summary": first.summary,
            "fix": first.fix,
            "errors": dict(first.errors),
            "customer_number": first.customer_number,
        },
        "url": first.url,
    }
    assert set(caught.value.errors(include_url=False, include_context=False)[0]) == {
        "type",
        "loc",
        "msg",
    }
