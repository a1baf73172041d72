"""A caller's own pydantic models, dataclasses and attrs instances are read through their
public dump, by the one reading route: the same report as the mapping they dump to."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import attrs
import pydantic
import pytest
from pydantic.alias_generators import to_camel

from certpreflight import convert, fix, validate, validate_batch, validate_many
from certpreflight.reading import plain

TODAY = dt.date(2026, 6, 1)


@dataclasses.dataclass
class DataCustomer:
    customer_number: str
    name: str
    address_line1: str
    city: str
    region: str
    postal_code: str
    country: str


@dataclasses.dataclass
class DataCertificate:
    id: str
    exempt_reason: str
    regions: list[str]
    effective_date: dt.date
    tax_id: str
    customers: list[DataCustomer]


@attrs.define
class AttrsCustomer:
    customer_number: str
    name: str


@attrs.define
class AttrsCertificate:
    id: str
    exempt_reason: str
    regions: list[str]
    customers: list[AttrsCustomer]


class AvaTaxCustomer(pydantic.BaseModel):
    """An integration's model of AvaTax's CustomerModel: snake_case fields, wire aliases."""

    model_config = pydantic.ConfigDict(populate_by_name=True)

    customer_code: str = pydantic.Field(alias="customerCode")
    name: str
    line1: str = ""
    city: str
    region: str
    postal_code: str = pydantic.Field(alias="postalCode")
    country: str


class AvaTaxCertificate(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)

    signed_date: dt.date = pydantic.Field(alias="signedDate")
    exemption_reason: dict[str, str] = pydantic.Field(alias="exemptionReason")
    exposure_zone: dict[str, str] = pydantic.Field(alias="exposureZone")
    exemption_number: str = pydantic.Field(alias="exemptionNumber")
    customers: list[AvaTaxCustomer]


def _data() -> DataCertificate:
    customer = DataCustomer("C-1001", "Acme Supply Co", "", "Seattle", "WA", "98101", "USA")
    return DataCertificate(
        "cert-2", "RESALE", ["WA", "NH"], dt.date(2026, 1, 15), "601234567", [customer]
    )


def _avatax() -> AvaTaxCertificate:
    customer = AvaTaxCustomer(
        customer_code="RESELLER", name="Alice", city="Concord", region="NH",
        postal_code="3301", country="US",
    )  # fmt: skip
    return AvaTaxCertificate(
        signed_date=dt.date(2026, 1, 15),
        exemption_reason={"name": "RESALE"},
        exposure_zone={"name": "New Hampshire"},
        exemption_number="601234567",
        customers=[customer],
    )


def test_a_dataclass_reads_as_the_mapping_it_dumps_to() -> None:
    """A dataclass certificate (a date object, nested customers) gives the report of its
    ``dataclasses.asdict`` written as JSON."""
    cert = _data()
    as_json = json.dumps(dataclasses.asdict(cert), default=str)
    report = validate(cert, today=TODAY)
    assert report.codes() == (2102, 3101, 3203)
    assert report == validate(as_json, today=TODAY)


def test_an_attrs_instance_reads_as_its_dump() -> None:
    cert = AttrsCertificate("7", "G", ["WA"], [AttrsCustomer("C7", "")])
    report = validate(cert, today=TODAY)
    assert report.certificate_id == "7"
    assert 2101 in report.codes()  # the customer's empty name
    assert report == validate(attrs.asdict(cert), today=TODAY)


def test_a_pydantic_model_is_read_by_its_aliases() -> None:
    """An integration's own model of AvaTax's bodies is read as the JSON it would send
    (``model_dump(by_alias=True, mode="json")``): camelCase keys, ISO dates."""
    cert = _avatax()
    sent = cert.model_dump_json(by_alias=True)
    report = validate(cert, today=TODAY)
    assert report == validate(sent, today=TODAY)
    assert {3101, 3301, 2102}.issubset(report.codes())  # resale in NH, ZIP 3301, no line 1
    customer = validate(cert.customers[0], today=TODAY)
    assert customer.kind == "customer"
    assert customer.customer_number == "RESELLER"


class CamelCustomer(pydantic.BaseModel):
    """An integration's model over the native names with camelCase aliases for its own
    wire (``customerNumber``, ``addressLine1``: keys no dialect reads)."""

    model_config = pydantic.ConfigDict(alias_generator=to_camel, populate_by_name=True)

    customer_number: str
    name: str
    address_line1: str
    city: str
    region: str
    postal_code: str
    country: str


class CamelCertificate(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str
    exempt_reason: str
    regions: list[str]
    effective_date: dt.date
    tax_id: str
    customers: list[CamelCustomer]


def test_a_model_with_aliases_no_dialect_reads_is_read_by_its_field_names() -> None:
    """``alias_generator=to_camel`` over the native names dumps ``exemptReason``, ``taxId``,
    ``customerNumber`` ..., which no dialect reads: before, false errors (2301, 5001, 6101,
    6201, 2310). A field is keyed by its name when its alias is no dialect's key and its
    name is; an alias that is one (``postalCode``, AvaTax's) stays, and the AvaTax-aliased
    model above is still read by its aliases."""
    customer = CamelCustomer(
        customer_number="C-1001", name="Acme Supply Co", address_line1="1 Main St",
        city="Seattle", region="WA", postal_code="98101", country="US",
    )  # fmt: skip
    cert = CamelCertificate(
        id="7", exempt_reason="G", regions=["WA"], effective_date=dt.date(2026, 1, 15),
        tax_id="601-234-567", customers=[customer],
    )  # fmt: skip
    dumped = plain(cert)
    assert {"exempt_reason", "effective_date", "tax_id"} <= set(dumped)
    assert set(dumped["customers"][0]) >= {"customer_number", "address_line1", "postalCode"}
    report = validate(cert, today=TODAY)
    assert report.codes() == ()
    assert report == validate(json.dumps(dumped), today=TODAY)
    avatax = plain(_avatax())
    assert {"signedDate", "exemptionReason", "exposureZone", "exemptionNumber"} <= set(avatax)
    assert set(avatax["customers"][0]) >= {"customerCode", "postalCode"}


def test_many_batch_fix_and_convert_take_them_too() -> None:
    """Every entry taking a payload takes a caller's object, through the same dump."""
    data, model = _data(), _avatax()
    many = list(validate_many([data, model], today=TODAY))
    assert [r.codes() for r in many] == [
        validate(data, today=TODAY).codes(),
        validate(model, today=TODAY).codes(),
    ]
    batch = validate_batch([model, model.customers[0]], today=TODAY)
    assert [r.kind for r in batch.reports] == ["certificate", "customer"]
    fixed = fix(data, today=TODAY)
    assert [(a.code, a.before, a.after) for a in fixed.applied] == [(3203, "USA", "US")]
    assert fixed.record["customers"][0]["country"] == "US"  # the dump, repaired
    out = convert(model, to="native")
    assert out.ok
    assert out.records[0]["customers"][0]["customer_number"] == "RESELLER"


def test_certpreflight_models_and_mappings_are_not_dumped() -> None:
    """Only a caller's own objects are dumped: a mapping, text and certpreflight's models
    are read as they are."""
    payload: dict[str, Any] = {"id": "1"}
    assert plain(payload) is payload
    assert plain("{}") == "{}"
    from certpreflight import ExemptionCertificate  # noqa: PLC0415

    cert = ExemptionCertificate(id="1")
    assert plain(cert) is cert


def test_an_object_of_no_known_shape_is_still_a_type_error() -> None:
    """Passing an object that no library dumps is a programming error, as before."""
    with pytest.raises(TypeError, match="pydantic model, dataclass or attrs instance"):
        validate(object())  # type: ignore[arg-type]
