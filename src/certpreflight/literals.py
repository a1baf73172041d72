"""The string options of the public API as ``Literal`` types, so a type checker catches a
misspelt one (``validate(payload, profile="avtax")`` fails ``mypy --strict``); at run time an
unknown value still raises ``ValueError`` naming the ones known.

Each value set is declared here once; the runtime checks read it from here
(``typing.get_args``).
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "FIX_KINDS",
    "KINDS",
    "PROFILES",
    "SEVERITIES",
    "TARGETS",
    "FixKind",
    "Kind",
    "Profile",
    "SeverityName",
    "Target",
]

#: Which target's rules apply (``validate(profile=...)``): CertCapture's sync to AvaTax (the
#: default), AvaTax's CreateCertificates on top, or the audit facts on secondary sources.
Profile = Literal["certcapture", "avatax", "audit"]
#: What a record is (``validate(kind=...)``, ``Report.kind``).
Kind = Literal["certificate", "customer", "link"]
#: A severity by name (``fail-on`` in the configuration file, ``--fail-on``).
SeverityName = Literal["error", "warning", "info"]
#: The dialect ``convert(payload, to=...)`` writes.
Target = Literal["native", "avatax", "certcapture", "certcapture-csv", "avatax-csv"]
#: Which automatic fixes apply, as ruff separates them (the AvaTax senders' ``fix=``).
FixKind = Literal["safe", "unsafe"]

PROFILES: tuple[Profile, ...] = get_args(Profile)
KINDS: tuple[Kind, ...] = get_args(Kind)
SEVERITIES: tuple[SeverityName, ...] = get_args(SeverityName)
TARGETS: tuple[Target, ...] = get_args(Target)
FIX_KINDS: tuple[FixKind, ...] = get_args(FixKind)
