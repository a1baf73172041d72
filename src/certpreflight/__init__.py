"""certpreflight: pre-flight validation of exemption certificates for AvaTax / CertCapture.

Call :func:`validate` before sending a certificate and its customers; it returns
a :class:`Report` with every problem CertCapture's sync to AvaTax would raise,
each with a stable code, the CertCapture-style message, what it means, and how
to fix it.

>>> from certpreflight import validate
>>> report = validate({"id": "42", "exempt_reason": "RESALE", "regions": ["WA"],
...                    "customers": [{"customer_number": "C1", "name": ""}]}, select=["2"])
>>> report.ok
False
>>> [f.code for f in report.errors]
[2101, 2102, 2105, 2106, 2107, 2108]
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from certpreflight.batch import BatchReport, validate_batch
from certpreflight.engine import validate, validate_many
from certpreflight.findings import CertificateValidationError, Finding, Report, Severity
from certpreflight.models import Customer, CustomerRecord, ExemptionCertificate, Link
from certpreflight.options import RuleOptions
from certpreflight.reference.matrix import ExemptionMatrix
from certpreflight.rules import CATALOGUE, Rule, get_rule

if TYPE_CHECKING:
    from certpreflight.convert import Conversion, convert
    from certpreflight.coverage import CertificateIndex, Decision, explain
    from certpreflight.fixes import AppliedFix, FixResult, fix
    from certpreflight.sync import Action, Plan, plan

__version__ = "0.1.0"

#: Names imported when first used (a check needs neither fixes, conversion, explain nor
#: plan; the first two import the AvaTax module): name -> the module that defines it.
_LAZY = {
    "AppliedFix": "certpreflight.fixes",
    "FixResult": "certpreflight.fixes",
    "fix": "certpreflight.fixes",
    "Conversion": "certpreflight.convert",
    "convert": "certpreflight.convert",
    "CertificateIndex": "certpreflight.coverage",
    "Decision": "certpreflight.coverage",
    "explain": "certpreflight.coverage",
    "Action": "certpreflight.sync",
    "Plan": "certpreflight.sync",
    "plan": "certpreflight.sync",
}


def __getattr__(name: str) -> Any:
    """``certpreflight.fix`` and the others of :data:`_LAZY`, imported on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    if name != "convert":  # see _Package
        globals()[name] = value  # once: later lookups don't come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """This package, whose ``convert`` is the function, also the name of a submodule.

    Importing a submodule sets the package's attribute of its name to the module: here
    that is ignored, so ``certpreflight.convert`` stays the function, as when the package
    imported it at once (it bound the function after the submodule was imported). Any
    other value set (``unittest.mock.patch("certpreflight.convert")``, say) is kept until
    it is deleted.
    """

    @property
    def convert(self) -> Any:
        if "convert" in _SET:
            return _SET["convert"]
        return __getattr__("convert")

    @convert.setter
    def convert(self, value: object) -> None:
        if isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.convert":
            return  # the submodule, bound by its import
        _SET["convert"] = value

    @convert.deleter
    def convert(self) -> None:
        _SET.pop("convert", None)


#: Values set on the package for names :class:`_Package` serves.
_SET: dict[str, object] = {}


sys.modules[__name__].__class__ = _Package


__all__ = [
    "CATALOGUE",
    "Action",
    "AppliedFix",
    "BatchReport",
    "CertificateIndex",
    "CertificateValidationError",
    "Conversion",
    "Customer",
    "CustomerRecord",
    "Decision",
    "ExemptionCertificate",
    "ExemptionMatrix",
    "Finding",
    "FixResult",
    "Link",
    "Plan",
    "Report",
    "Rule",
    "RuleOptions",
    "Severity",
    "__version__",
    "convert",
    "explain",
    "fix",
    "get_rule",
    "plan",
    "validate",
    "validate_batch",
    "validate_many",
]
