"""Small helpers shared by the rule tests."""

from __future__ import annotations

from typing import Any

from certpreflight import Finding, validate
from tests.conftest import TODAY


def codes(payload: Any, **kw: Any) -> list[int]:
    """The codes of every finding for ``payload`` (today fixed)."""
    return [f.code for f in validate(payload, today=TODAY, **kw).findings]


def only(payload: Any, code: int, **kw: Any) -> Finding:
    """The one finding with ``code``; fails if there are none or several."""
    [finding] = [f for f in validate(payload, today=TODAY, **kw).findings if f.code == code]
    return finding
