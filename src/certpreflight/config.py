"""Configuration files: ``[tool.certpreflight]`` in ``pyproject.toml``, or ``certpreflight.toml``.

As ruff and pytest do, the CLI looks in the current directory and then each parent for
the nearest ``certpreflight.toml`` (its top-level keys) or ``pyproject.toml`` with a
``[tool.certpreflight]`` table (a ``pyproject.toml`` without one is passed over). In
one directory ``certpreflight.toml`` wins. ``--config PATH`` names the file instead,
``--isolated`` ignores every file. Flags on the command line override the file's keys.

.. code-block:: toml

    [tool.certpreflight]
    select = ["2", "3101"]          # codes, code prefixes, names or types
    ignore = ["5104"]
    profile = "avatax"              # certcapture (default), avatax or audit
    fail-on = "warning"             # error (default), warning or info
    today = 2026-11-21              # a TOML date, or "YYYY-MM-DD"
    matrix = "tax/our-matrix.csv"   # relative to the file's directory

    [tool.certpreflight.options]    # certpreflight.options.RuleOptions
    expiring-within-days = 60

Keys are written in kebab-case, as ruff's are; the snake_case spelling (``fail_on``,
``expiring_within_days``) is read too, and a key set in both spellings is an error.

An unknown key, or a value of the wrong type at any key (``tool = [...]`` in a
``pyproject.toml`` included), is a :class:`ConfigError` naming the file and the key (the
CLI's exit code 2); so is a file that isn't TOML (nested too deep for the parser
included), isn't a regular file, or is over :data:`~certpreflight._files.MAX_FILE_BYTES`.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from certpreflight._files import read_bounded
from certpreflight.literals import PROFILES, SEVERITIES, Profile, SeverityName
from certpreflight.options import Options, RuleOptions, Selector, selectors
from certpreflight.reference.matrix import ExemptionMatrix
from certpreflight.suggest import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["KEYS", "Config", "ConfigError", "find_config", "load_config"]

#: The keys of the table, each with what it holds.
KEYS: Mapping[str, str] = {
    "select": "a list of codes, code prefixes, rule names or types",
    "ignore": "a list of codes, code prefixes, rule names or types",
    "profile": "certcapture, avatax or audit",
    "fail-on": "error, warning or info",
    "today": "a date, YYYY-MM-DD",
    "matrix": "the path of a matrix CSV",
    "options": "a table of rule options",
}
_FAIL_ON = SEVERITIES
_Choice = TypeVar("_Choice", bound=str)


class ConfigError(ValueError):
    """A configuration file that can't be read, or holds an unknown key or a bad value."""


@dataclass(frozen=True)
class Config:
    """What a configuration file sets; None (or empty) where it sets nothing."""

    path: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    profile: Profile | None = None
    fail_on: SeverityName | None = None
    today: dt.date | None = None
    matrix: Path | None = None
    options: RuleOptions | None = None

    def run_options(
        self,
        *,
        select: Selector = None,
        ignore: Selector = None,
        profile: Profile | None = None,
        today: dt.date | None = None,
        matrix: ExemptionMatrix | None = None,
        options: RuleOptions | None = None,
    ) -> Options:
        """The run's one :class:`~certpreflight.options.Options`: each argument that isn't
        None (a command-line flag), else this file's key, else the default; the file's
        matrix is read here. Raises :class:`ConfigError` for a matrix file that can't be
        read, and ``ValueError`` for a bad flag."""
        if matrix is None and self.matrix is not None:
            try:
                matrix = ExemptionMatrix.from_csv(self.matrix)
            except (OSError, ValueError) as exc:
                raise ConfigError(f"{self.path}: matrix {self.matrix}: {exc}") from None
        return Options.of(
            select=select if select is not None else self.select,
            ignore=ignore if ignore is not None else self.ignore,
            profile=profile or self.profile or "certcapture",
            today=today if today is not None else self.today,
            matrix=matrix,
            options=options if options is not None else self.options,
        )

    def validate_options(self) -> dict[str, Any]:
        """The keyword arguments of :func:`~certpreflight.validate` this file sets (its
        matrix loaded), so library code checks as ``certpreflight check`` does:
        ``validate(payload, **config.validate_options())``. ``fail-on`` is the CLI's only."""
        return self.run_options().keywords()


def find_config(start: Path | None = None) -> Path | None:
    """The nearest configuration file from ``start`` (default: the current directory) up."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "certpreflight.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file() and _ours(project, _read(project)) is not None:
            return project
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        text = read_bounded(path).decode("utf-8")
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML (nested too deeply)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start:,})") from None
    except ValueError as exc:
        raise ConfigError(f"can't read {path}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"can't read {path}: {exc.strerror or exc}") from None


def _ours(path: Path, data: dict[str, Any]) -> Any:
    """A ``pyproject.toml``'s ``[tool.certpreflight]`` (None without one); ConfigError when
    its ``tool`` isn't a table."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: tool must be a table, not {_kind(tool)}")
    return tool.get("certpreflight")


def _kind(value: Any) -> str:
    """What a TOML value is, for a message."""
    names = {dict: "a table", list: "an array", str: "a string", bool: "a boolean"}
    return names.get(type(value), f"{type(value).__name__} {value!r}")


def load_config(path: Path) -> Config:
    """Read a configuration file: ``[tool.certpreflight]`` of a ``pyproject.toml``, else
    the whole file. Raises :class:`ConfigError` naming the file and the bad key."""
    data = _read(path)
    if path.name == "pyproject.toml":
        table = _ours(path, data)
        table = {} if table is None else table
        where = f"{path}: [tool.certpreflight]"
    else:
        table, where = data, str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where} is not a table, but {_kind(table)}")
    table = _kebab(table, where)
    for key in table:
        if key not in KEYS:
            raise ConfigError(
                f"{where}: unknown key {key!r}{did_you_mean(key, KEYS)}; "
                f"expected one of: {', '.join(KEYS)}"
            )
    try:
        return Config(
            path=path,
            select=_selectors(table, "select"),
            ignore=_selectors(table, "ignore"),
            profile=_choice(table, "profile", PROFILES),
            fail_on=_choice(table, "fail-on", _FAIL_ON),
            today=_today(table),
            matrix=_matrix(table, path.parent),
            options=_options(table),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _kebab(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The table with its keys in kebab-case (``fail_on`` is ``fail-on``, as in ruff's
    configuration, which reads both); a key given in both spellings is an error."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("_", "-")
        if name in out:
            raise ConfigError(f"{where}: {name!r} is set twice (as {name!r} and {key!r})")
        out[name] = value
    return out


def _selectors(table: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, list)) or not all(
        isinstance(v, (str, int)) and not isinstance(v, bool) for v in value
    ):
        raise ValueError(f"{key} must be {KEYS[key]}, not {value!r}")
    try:
        return selectors(value)
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None


def _choice(table: Mapping[str, Any], key: str, choices: tuple[_Choice, ...]) -> _Choice | None:
    value = table.get(key)
    if value is None:
        return None
    for choice in choices:
        if value == choice:
            return choice
    raise ValueError(f"{key} must be {' or '.join(choices)}, not {value!r}")


def _today(table: Mapping[str, Any]) -> dt.date | None:
    value = table.get("today")
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"today must be a date, YYYY-MM-DD, not {value!r}")


def _matrix(table: Mapping[str, Any], base: Path) -> Path | None:
    value = table.get("matrix")
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"matrix must be {KEYS['matrix']}, not {value!r}")
    return base / value


def _options(table: Mapping[str, Any]) -> RuleOptions | None:
    value = table.get("options")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"options must be {KEYS['options']}, not {value!r}")
    snake: dict[str, Any] = {}
    for key, item in value.items():  # expiring-within-days, or expiring_within_days
        name = str(key).replace("-", "_")
        if name in snake:
            raise ValueError(f"option {name!r} is set twice (as {key!r} too)")
        snake[name] = item
    try:
        return RuleOptions.from_mapping(snake)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"options: {exc}") from None
