"""The files a folder given as an input holds, as ruff and pytest walk one.

``certpreflight check examples`` checks every file under ``examples`` whose suffix is one the
readers know (:data:`certpreflight.io.SUFFIXES`: ``.json``, ``.ndjson``, ``.jsonl``,
``.csv``, ``.xlsx``), each read as its suffix says (unless ``--input-format`` names one
format for every input), in sorted order (a folder's files, then
its subfolders, each sorted by name), so two runs list the same files in the same order.
Hidden files and folders (``.git``, ``.venv``, ``.name.tmp``) are passed over, and so is
the file the report is written to (a report in the folder is never read back as input).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from certpreflight.io import SUFFIXES

__all__ = ["expand", "files_in"]


def _hidden(name: str) -> bool:
    return name.startswith(".")


def files_in(folder: str, *, skip: Iterable[str] = ()) -> Iterator[str]:
    """The input files under ``folder`` (see the module docs), as paths starting with it;
    the files ``skip`` names (any spelling of their paths) are left out."""
    skipped = {os.path.realpath(path) for path in skip}
    for top, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if not _hidden(name))
        for name in sorted(names):
            if _hidden(name) or os.path.splitext(name)[1].lower() not in SUFFIXES:
                continue
            path = os.path.join(top, name)
            if os.path.realpath(path) not in skipped:
                yield path


def expand(names: Iterable[str], *, skip: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """``names`` with each folder replaced by its files (:func:`files_in`); and the folders
    that held none."""
    out: list[str] = []
    empty: list[str] = []
    kept = list(skip)
    for name in names:
        if name != "-" and os.path.isdir(name):
            found = list(files_in(name, skip=kept))
            out += found
            if not found:
                empty.append(name)
        else:
            out.append(name)
    return out, empty
