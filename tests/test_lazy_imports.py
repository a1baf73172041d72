"""What a run does not use is not imported; the public names stay where they were."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import types
from pathlib import Path
from unittest import mock

import pytest

import certpreflight
from certpreflight import fixes

convert = importlib.import_module("certpreflight.convert")  # the package's convert: the function

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: Modules neither ``import certpreflight`` nor ``certpreflight check`` (text or JSON,
#: ``--jobs 1``) needs: fixes, conversion and the AvaTax senders, explain and plan, the HTML
#: page, the rule docs, the matrix report, the worker processes, attrs.
UNUSED = (
    "certpreflight.avatax",
    "certpreflight.coverage",
    "certpreflight.sync",
    "certpreflight.convert",
    "certpreflight.fixes",
    "certpreflight.reports.rewrite",
    "certpreflight.reports.html_page",
    "certpreflight.reports.matrix",
    "certpreflight.rules.docs",
    "multiprocessing",
    "attrs",  # only to dump an attrs instance given to validate()
)


def _imported(code: str) -> list[str]:
    """The modules of :data:`UNUSED` that running ``code`` in a fresh interpreter imports."""
    probe = (
        f"{code}\nimport sys, json\nprint(json.dumps([m for m in {UNUSED!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return list(json.loads(out.splitlines()[-1]))


def test_import_certpreflight_imports_none_of_them() -> None:
    assert _imported("import certpreflight") == []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_check_imports_none_of_them(fmt: str) -> None:
    run = (
        "import io\nfrom certpreflight.cli import main\n"
        f"main(['check', {str(EXAMPLES / 'certificates.json')!r}, '--format', {fmt!r}], "
        "out=io.StringIO())"
    )
    assert _imported(run) == []


def test_the_lazy_names_are_the_modules_own() -> None:
    """``from certpreflight import fix, convert, ...`` gives the objects of their modules,
    and dir() and __all__ list them."""
    from certpreflight import AppliedFix, Conversion, FixResult, fix  # noqa: PLC0415
    from certpreflight import convert as convert_function  # noqa: PLC0415

    assert (fix, AppliedFix, FixResult) == (fixes.fix, fixes.AppliedFix, fixes.FixResult)
    assert (convert_function, Conversion) == (convert.convert, convert.Conversion)
    for name in certpreflight.__all__:
        assert getattr(certpreflight, name) is not None
        assert name in dir(certpreflight)


def test_convert_stays_the_function_after_its_module_is_imported() -> None:
    """Importing the submodule certpreflight.convert first (as ``certpreflight convert``
    does) leaves the package's ``convert`` the function, as the eager import did."""
    code = (
        "import certpreflight.convert as first\nimport certpreflight\n"
        "from certpreflight import convert\n"
        "import sys\nmodule = sys.modules['certpreflight.convert']\n"
        "assert convert is module.convert is certpreflight.convert is first, (convert, first)\n"
        "assert certpreflight.Conversion is module.Conversion\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = certpreflight.nothing  # type: ignore[attr-defined]
    with pytest.raises(ImportError):
        exec("from certpreflight import nothing")


def test_convert_choices_are_the_targets() -> None:
    """``convert --to`` takes exactly convert.TARGETS, looked up when parsing."""
    done = subprocess.run(
        [sys.executable, "-m", "certpreflight", "convert", "x.json", "--to", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert ", ".join(repr(t) for t in convert.TARGETS) in done.stderr


def test_convert_can_be_patched_and_set_like_any_attribute() -> None:
    """mock.patch("certpreflight.convert") replaces it inside the block and restores the
    function after; importing the submodule again still leaves the function."""
    importlib.import_module("certpreflight.convert")  # binds the package's attribute
    original = certpreflight.convert
    assert callable(original)
    assert not isinstance(original, types.ModuleType)
    with mock.patch("certpreflight.convert") as patched:
        assert certpreflight.convert is patched
    assert certpreflight.convert is original
    certpreflight.convert = "replaced"  # type: ignore[assignment]
    try:
        assert certpreflight.convert == "replaced"
    finally:
        del certpreflight.convert
    assert certpreflight.convert is original
    importlib.import_module("certpreflight.convert")
    assert certpreflight.convert is original
