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

from certpreflight.batch import BatchReport, validate_batch
from certpreflight.engine import validate, validate_many
from certpreflight.findings import CertificateValidationError, Finding, Report, Severity
from certpreflight.models import Customer, CustomerRecord, ExemptionCertificate, Link
from certpreflight.options import RuleOptions
from certpreflight.reference.matrix import ExemptionMatrix
from certpreflight.rules import CATALOGUE, Rule, get_rule

__version__ = "0.1.0"

__all__ = [
    "CATALOGUE",
    "BatchReport",
    "CertificateValidationError",
    "Customer",
    "CustomerRecord",
    "ExemptionCertificate",
    "ExemptionMatrix",
    "Finding",
    "Link",
    "Report",
    "Rule",
    "RuleOptions",
    "Severity",
    "__version__",
    "get_rule",
    "validate",
    "validate_batch",
    "validate_many",
]
