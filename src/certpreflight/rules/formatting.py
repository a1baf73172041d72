"""Formatting rules (4xxx): input that can't be interpreted at all.

These findings are emitted while the payload is parsed (see
:mod:`certpreflight.engine`), before any other rule can run, so their ``check``
is None. They are declared here so that they are documented, selectable and
ignorable like every other rule.
"""

from __future__ import annotations

from certpreflight.findings import Severity
from certpreflight.rules._base import declare

__all__ = ["invalid_json", "not_an_object", "uninterpretable_value"]

invalid_json = declare(
    None,
    doc="""
    What it does: reports a payload that is not valid JSON.

    Why is this bad? Nothing in it can be checked or sent.

    Example: ``{"id": "1", "regions": ["WA"``

    Use instead: a complete JSON object.
    """,
    code=4001,
    name="invalid-json",
    severity=Severity.ERROR,
    message="The certificate isn't valid JSON: {detail}.",
    summary="The payload could not be parsed as JSON, so nothing else was checked.",
    fix="Fix the JSON syntax ({detail}) and check the certificate again.",
)

not_an_object = declare(
    None,
    doc="""
    What it does: reports a payload that is valid JSON but not an object.

    Why is this bad? A certificate is a JSON object of fields; a list, string
    or number can't be one.

    Example: ``["WA", "G"]``

    Use instead: ``{"regions": ["WA"], "exempt_reason": "G"}``
    """,
    code=4002,
    name="not-an-object",
    severity=Severity.ERROR,
    message="The certificate must be a JSON object, not {kind}.",
    summary="The payload is {kind}, so none of its fields could be read.",
    fix="Send the certificate as one JSON object with its fields.",
)

uninterpretable_value = declare(
    None,
    doc="""
    What it does: reports a field whose value has the wrong shape: a date that
    is not a date, a list where text belongs, text where a number belongs.

    Why is this bad? The value can't be sent as it is. The rest of the
    certificate is still checked, with that field left out.

    Example: ``{"effective_date": "banana", "customers": [{"name": ["Acme"]}]}``

    Use instead: ``{"effective_date": "2026-01-15", "customers": [{"name": "Acme"}]}``
    """,
    code=4003,
    name="uninterpretable-value",
    severity=Severity.ERROR,
    message="{field} couldn't be interpreted: {detail}.",
    summary="The value of {field} has the wrong type or format.",
    fix="Give {field} {expected}.",
)
