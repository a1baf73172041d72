"""The reading stage is layered one way, the dialect tables are consistent with the models,
and every rule says where its finding comes from."""

from __future__ import annotations

import ast
import functools
import importlib
import pkgutil
from pathlib import Path

import pytest

import certpreflight.rules as rules_package
from certpreflight import Customer, ExemptionCertificate, Severity, dialects
from certpreflight.reading import DEFAULT_LIMITS, read
from certpreflight.rules import CATALOGUE, Rule
from tests.test_reading import GENERAL

SRC = Path(__file__).resolve().parents[1] / "src"

#: From the bottom up: a module may import only the modules below it here (and modules
#: outside this list that don't import any of them), so a payload goes down only.
LAYERS = [
    "certpreflight.dialects",
    "certpreflight.models",
    "certpreflight.reading.objects",
    "certpreflight.reading.strict",
    "certpreflight.reading.limits",
    "certpreflight.reading.lenient",
    "certpreflight.reading.keys",
    "certpreflight.reading.zones",
    "certpreflight.reading.reader",
    "certpreflight.reading",
    "certpreflight.engine",
]


#: Packages the reading stage uses (the Formatting rules, findings): they must not use it.
_BELOW = ("certpreflight.rules", "certpreflight.findings", "certpreflight.reference")


@functools.cache
def _modules() -> dict[str, ast.Module]:
    """Every module of src/ by name, parsed once for the tests here (which only read it)."""
    found = {}
    for file in SRC.rglob("*.py"):
        parts = file.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(file.read_text(encoding="utf-8"))
    return found


def _imports(tree: ast.Module) -> list[tuple[str, list[str]]]:
    """(module, names) of every ``from certpreflight... import`` and ``import certpreflight...``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("certpreflight"):
            found.append((node.module or "", [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("certpreflight")]
    return found


def test_no_module_imports_private_names_of_another() -> None:
    """Modules use each other's public names only."""
    offenders = [
        f"{module}: from {source} import {name}"
        for module, tree in _modules().items()
        for source, names in _imports(tree)
        for name in names
        if name.startswith("_") and name != "__version__"
    ]
    assert offenders == []


def test_the_reading_stage_imports_downward_only() -> None:
    """Each layer imports only layers below it; nothing outside imports back into them."""
    modules = _modules()
    rank = {name: i for i, name in enumerate(LAYERS)}
    offenders = []
    for module, tree in modules.items():
        for source, names in _imports(tree):
            targets = [source] + [f"{source}.{n}" for n in names if f"{source}.{n}" in modules]
            for target in targets:
                if target not in rank or target == module:
                    continue
                if module in rank and rank[target] >= rank[module]:
                    offenders.append(f"{module} imports {target} (above it)")
                below = module.startswith(_BELOW) and rank[target] > rank["certpreflight.models"]
                if module not in rank and below:
                    offenders.append(f"{module} imports {target} (it sits below reading)")
    assert offenders == []


def test_dialect_tables_name_model_fields() -> None:
    """Every key of every dialect means a field of the models; native keys are the fields."""
    certificate_fields = set(ExemptionCertificate.model_fields)
    customer_fields = set(Customer.model_fields)
    for dialect in dialects.DIALECTS:
        assert set(dialect.certificate.values()) <= certificate_fields, dialect.name
        assert set(dialect.customer.values()) <= customer_fields, dialect.name
    assert all(key == field for key, field in dialects.NATIVE.certificate.items())
    assert all(key == field for key, field in dialects.NATIVE.customer.items())
    assert set(dialects.NATIVE.customer) == customer_fields
    # every field but the date texts (filled in from the dates) has its native key
    assert (
        certificate_fields
        - {
            "effective_date_text",
            "expiration_date_text",
        }
        == dialects.NATIVE_KEYS
    )
    assert set(dialects.REFERENCES) <= certificate_fields | customer_fields


def test_two_dialects_never_give_one_key_two_meanings() -> None:
    """The merged key maps refuse a table in which a known key means another field."""
    table = dialects.Dialect("test", "", certificate={"signedDate": "expiration_date"})
    with pytest.raises(ValueError, match="signedDate"):
        dialects._merged("certificate", (*dialects.DIALECTS, table))
    assert dialects._merged("certificate") == dialects.CERTIFICATE_KEYS


@pytest.mark.parametrize(
    "dialect", dialects.DIALECTS[1:], ids=lambda d: d.name.split()[0].rstrip(",")
)
def test_every_dialect_key_is_read_by_both_paths(dialect: dialects.Dialect) -> None:
    """Each key of a table reads to its native field, on the strict and the lenient path."""
    for key, field in dialect.certificate.items():
        value = "2026-01-15" if field.endswith("_date") else "X"
        if field in ("regions", "po_numbers", "pages"):
            value = ["X"]  # type: ignore[assignment]
        if field in ("single_use", "valid"):
            value = True  # type: ignore[assignment]
        if field == "exempt_percentage":
            value = 50.0  # type: ignore[assignment]
        for limits in (DEFAULT_LIMITS, GENERAL):
            native = read({field: value}, limits, "certificate").certificate
            via_key = read({key: value}, limits, "certificate").certificate
            assert native is not None
            assert via_key is not None
            assert getattr(via_key, field) == getattr(native, field), key
    for key, field in dialect.customer.items():
        for limits in (DEFAULT_LIMITS, GENERAL):
            got = read({"customers": [{key: "X"}]}, limits, "certificate").certificate
            assert got is not None
            assert getattr(got.customers[0], field) == "X", key


def _rule_attributes() -> list[tuple[str, str, Rule]]:
    """(rules module, attribute, rule) of every rule object the rules package declares."""
    found = []
    for info in pkgutil.iter_modules(rules_package.__path__):
        module = importlib.import_module(f"certpreflight.rules.{info.name}")
        for attribute, value in vars(module).items():
            if isinstance(value, Rule) and value in CATALOGUE:
                found.append((module.__name__, attribute, value))
    return found


def _used_names(tree: ast.Module) -> set[str]:
    """The names ``tree`` uses as objects (``fmt.x.finding(...)``, ``rules.x`` passed on): not
    only their ``.code``, nor a function of the same name called."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        else:
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Call) and parent.func is node:
            continue
        if isinstance(parent, ast.Attribute) and parent.attr == "code":
            continue
        used.add(name)
    return used


def test_every_rule_without_a_check_names_the_modules_that_make_its_finding() -> None:
    """A rule has one check, or its found_by names exactly the modules that use the rule
    object to make its finding (its code alone, for selection, doesn't count): a newcomer
    opens the rule's module and learns where its finding comes from."""
    modules = {n: _used_names(t) for n, t in _modules().items() if n != "certpreflight.rules"}
    checked = 0
    for own, attribute, rule in _rule_attributes():
        if rule.check is not None:
            assert rule.found_by == ()
            continue
        makers = {name for name, used in modules.items() if attribute in used}
        if own not in rule.found_by:
            makers.discard(own)  # the declaring module itself, when it only declares
        assert makers == set(rule.found_by), (rule.code, makers)
        checked += 1
    assert checked >= 20  # the reading stage's, the batch join's and the findings cap
    with pytest.raises(ValueError, match="has a check or names the modules"):
        Rule(2001, "x", Severity.ERROR, "m", "s", "f", "d", check=None)
