"""The reading stage: from a payload to a model, plus the Formatting findings of what
could not be read. The engine calls it once per payload, :meth:`Reader.read`.

Which way a payload takes, and why each way exists::

    payload ──────────────────────────────────────────────────────────────────────┐
      │ JSON text or bytes                          │ dict                        │ model, other
      ▼                                             ▼                             │ mapping
    strict.json  ──accepted──► model      strict.native (native keys only)        │
      │ refused                               then strict.python (any dialect)    │
      ▼                                             │ refused                     │
    limits.load_json ──invalid, too large/deep──► finding, no model               │
      │ decoded                                     ▼                             │
      └──────────────────────────► dict ─► within()? strict.python(native_form)   │
                                                    │ refused                     │
                                                    ▼                             ▼
                                        lenient: limits.enforce, models.model_validate,
                                        salvage (each unreadable value a 4003 finding)

* **strict** (:mod:`~certpreflight.reading.strict`): most payloads are clean. The strict
  reader reads them in Rust only, in every dialect, and applies the customer screens
  (:mod:`~certpreflight.reading.screens`) as it reads; it accepts only input that the
  lenient path reads to the same model and that is surely within the limits
  (:data:`~certpreflight.reading.limits.Limits.native_fast`), so it can be missed but never
  give another answer (``tests/test_parse_fast.py``). A native-keys-only twin is tried
  first because looking up every dialect's keys costs clean native input about 0.4 µs.
  JSON text goes to it undecoded (``validate_json``), so NDJSON lines are not decoded in
  Python.
* **native_form** (:func:`certpreflight.dialects.native_form`): AvaTax and CertCapture
  payloads in shapes the strict reader does not take as they are (a customer's
  ``companyId``, a reference object with extra keys), renamed in Python and read strictly.
* **lenient** (:mod:`~certpreflight.reading.lenient`): everything else, in Python: the
  limit walk names each value over a limit (4004-4008) and leaves it out, the lenient
  models rename and coerce, and a value pydantic still refuses becomes a 4003 finding
  while the rest of the certificate is read again without it. A payload takes this path
  when it is not a dict (a model, another mapping), when some value is near a limit,
  when a field is spelled twice, or when a value needs coercion (``"WA, OR"``, a US date,
  ``""`` for a flag, ...).

Where things live: the dialects' key tables (add a key there) are
:mod:`certpreflight.dialects`; the limits and the JSON parser are
:mod:`~certpreflight.reading.limits`; the public models are :mod:`certpreflight.models`.
"""

from certpreflight.reading.limits import DEFAULT_LIMITS, Limits, limits_from
from certpreflight.reading.reader import Read, Reader, read
from certpreflight.reading.screens import FieldScreen, compile_screens

__all__ = [
    "DEFAULT_LIMITS",
    "FieldScreen",
    "Limits",
    "Read",
    "Reader",
    "compile_screens",
    "limits_from",
    "read",
]
