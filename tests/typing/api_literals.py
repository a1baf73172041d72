"""Checked by ``mypy --strict`` (tests/test_typing.py), never run: each misspelt string option
below must be a type error, and ``warn_unused_ignores`` (in ``--strict``) fails the check if
one stops being one; the correct calls must pass."""

from __future__ import annotations

import dataclasses
import json

from certpreflight import (
    CertificateValidationError,
    Report,
    convert,
    fix,
    validate,
    validate_batch,
    validate_many,
)
from certpreflight.config import Config
from certpreflight.literals import Kind, Profile


@dataclasses.dataclass
class MyCert:
    id: str
    exempt_reason: str


payload = {"id": "1", "exempt_reason": "G", "regions": ["WA"]}

# the correct spellings, and a caller's own dataclass as the payload
profile: Profile = "avatax"
kind: Kind = "certificate"
report: Report = validate(payload, profile=profile, kind=kind)
validate(MyCert("1", "G"), profile="audit")
list(validate_many([payload], profile="certcapture", kind="customer"))
validate_batch([payload], profile="avatax")
fix(payload, profile="avatax", unsafe=True)
convert(payload, to="certcapture-csv")
text: str = json.dumps(report.to_dict()) + json.dumps(report.model_dump(mode="json"))
url: str = report.findings[0].url
try:
    report.raise_for_errors()
except CertificateValidationError as exc:
    messages = [error["msg"] for error in exc.errors()]

# misspelt: each one a type error
validate(payload, profile="avtax")  # type: ignore[arg-type]
validate(payload, kind="certficate")  # type: ignore[arg-type]
validate_many([payload], profile="CertCapture")  # type: ignore[arg-type]
validate_batch([payload], profile="avtax")  # type: ignore[arg-type]
fix(payload, profile="avtax")  # type: ignore[arg-type]
convert(payload, to="avalara")  # type: ignore[arg-type]
Config(profile="avtax", fail_on="warnings")  # type: ignore[arg-type]
validate(object())  # type: ignore[arg-type]
