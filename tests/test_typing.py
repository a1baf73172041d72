"""The public API's string options are ``Literal`` types: mypy --strict catches a misspelt one
in a user's code (tests/typing/api_literals.py), and the run time still says which values
are known."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from certpreflight import convert, validate
from certpreflight.literals import KINDS, PROFILES, TARGETS

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_strict_catches_misspelt_options() -> None:
    """Every misspelt option in the typing file is an error (an unneeded ``type: ignore``
    fails ``--strict``), and every correct call passes."""
    pytest.importorskip("mypy")
    import certpreflight  # noqa: PLC0415

    where = Path(certpreflight.__file__).parents[1]  # src/, or an installed wheel's
    env = dict(os.environ)
    if "site-packages" not in where.parts:  # mypy finds an installed package by itself
        env["MYPYPATH"] = str(where)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--python-version", "3.10", str(ROOT / "tests" / "typing" / "api_literals.py")],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("call", "known"),
    [
        (lambda: validate({}, profile="avtax"), PROFILES),  # type: ignore[arg-type]
        (lambda: validate({}, kind="certficate"), KINDS),  # type: ignore[arg-type]
        (lambda: convert({}, to="avalara"), TARGETS),  # type: ignore[arg-type]
    ],
)
def test_a_bad_value_is_still_a_clear_value_error(call: object, known: tuple[str, ...]) -> None:
    """Without a type checker, an unknown value raises ValueError naming the known ones."""
    with pytest.raises(ValueError, match=known[0]) as caught:
        call()  # type: ignore[operator]
    assert all(value in str(caught.value) for value in known)
