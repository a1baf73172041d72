"""Fix texts checked against the certificate they fix, over a varied generated corpus.

A fix a tax professional would reject is worse than none. Three properties hold for every
finding on every certificate of the benchmark generators' corpora (and variants of them on
the MTC, SST and Michigan forms, with entity reasons, in every profile):

* no fix suggests removing every region of the certificate (a certificate of no region),
  and no repair leaves it without one;
* no fix suggests a ZIP code of another state than the customer's (a ZIP the record
  doesn't hold itself);
* no fix sets one concrete expiration date on a certificate of several regions: one date
  serves every region, so a state's term set there ends the exemption in the others.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from benchmarks.generate import native_certificates

from certpreflight import Finding, fix, validate
from certpreflight.reference.postal import zip_regions
from certpreflight.reference.regions import region_of, regions_in

TODAY = dt.date(2026, 12, 6)
_REMOVE = re.compile(r"\b[Rr]emove ((?:[A-Z]{2})(?:, [A-Z]{2})*) from")
_ZIP = re.compile(r"(?<![\d-])\d{5}(?![\d-])")
_SET_DATE = re.compile(r"Set expiration_date to (\d{4}-\d{2}-\d{2})")


def _variants(cert: dict[str, Any], i: int) -> Iterator[dict[str, Any]]:
    """The certificate, and what integrations send beside it: named forms, entity reasons,
    one region of its own, customers in other states, 4-digit ZIPs."""
    yield cert
    out = copy.deepcopy(cert)
    out["form"] = ("MTC", "SST F0003", "Form 3372", "ST-120")[i % 4]
    out["expiration_date"] = None if i % 2 else out["expiration_date"]
    yield out
    out = copy.deepcopy(cert)
    out["exempt_reason"] = "EFMBNAD"[i % 7]
    yield out
    out = copy.deepcopy(cert)
    out["regions"] = [("NH", "WA", "FL", "MD", "ME", "IL", "OR")[i % 7]]
    yield out
    out = copy.deepcopy(cert)
    for customer in out.get("customers") or []:
        customer["region"] = ("WA", "TX", "CA", "MA")[i % 4]
        customer["postal_code"] = ("2134", "0210", "9810", "7870")[i % 4]
    yield out


def _corpus() -> Iterator[dict[str, Any]]:
    for corpus, count in (("realistic", 240), ("repeats", 120)):
        for i, cert in enumerate(native_certificates(count, seed=7, corpus=corpus)):
            yield from _variants(cert, i)


def _record_values(value: Any) -> str:
    """Every text and number of the record, joined: what a fix may quote back."""
    if isinstance(value, dict):
        return " ".join(_record_values(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return " ".join(_record_values(v) for v in value)
    return str(value)


def _problems(cert: dict[str, Any], finding: Finding) -> list[str]:
    regions = {r.short for r in map(region_of, cert.get("regions") or []) if r is not None}
    text = finding.fix
    problems = []
    for match in _REMOVE.finditer(text):
        removed = set(match.group(1).split(", "))
        if regions and regions <= removed:
            problems.append(f"removes every region {sorted(regions)}")
    quoted = _record_values(cert)
    customers = {c.get("customer_number"): c for c in cert.get("customers") or []}
    customer = customers.get(finding.customer_number) or {}
    home = regions_in["US"](customer.get("region") or "")
    for zipcode in _ZIP.findall(text):
        if zipcode in quoted or home is None:
            continue
        if home.code not in (zip_regions(zipcode[:3]) or ()):
            problems.append(f"ZIP {zipcode} is not in {home.short}")
    for date in _SET_DATE.findall(text):
        if len(regions) > 1 and date != "9999-12-31":
            problems.append(f"expiry {date} set on a certificate of {sorted(regions)}")
    return [f"{finding.code}: {p}: {text}" for p in problems]


def test_no_fix_text_removes_every_region_names_another_states_zip_or_ends_other_states() -> None:
    """Over about 1,800 varied certificates in three profiles, no fix text breaks a rule."""
    problems: list[str] = []
    seen: set[int] = set()
    for n, cert in enumerate(_corpus()):
        profile = ("certcapture", "audit", "avatax")[n % 3]
        for finding in validate(cert, today=TODAY, profile=profile).findings:
            seen.add(finding.code)
            problems.extend(_problems(cert, finding))
    assert problems[:10] == []
    # the corpus reaches the rules whose fixes name regions, ZIP codes and dates
    assert {3101, 3102, 3301, 3302, 5201, 5202, 5203} <= seen


def test_no_repair_leaves_a_certificate_without_a_region() -> None:
    """The unsafe repairs (3101 drops regions) never drop the last one."""
    for n, cert in enumerate(_corpus()):
        if n % 4:
            continue  # the repairs re-check each record: a quarter of the corpus is enough
        before = [r for r in cert.get("regions") or [] if r]
        after = fix(cert, unsafe=True, today=TODAY).record.get("regions")
        assert not before or after, cert
