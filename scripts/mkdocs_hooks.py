"""MkDocs hooks for the documentation site (``hooks:`` in ``mkdocs.yml``).

The docstrings' doctests (``>>> validate(...)`` and the lines it prints) are Python sessions,
not Markdown: without this, Markdown reads each ``>>>`` as three nested quotes. The hook adds
a Markdown extension that fences every doctest as a ``pycon`` code block, and shows a Sphinx
role (``:func:`validate```) as the code it names, in the pages and in the docstrings
mkdocstrings renders alike (both use the site's Markdown extensions). It also points the
snippets extension at the repository's root, wherever ``mkdocs`` is run from.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.plugins import event_priority

_FENCE = re.compile(r"^\s*(```|~~~)")
#: A Sphinx role (``:func:`~certpreflight.validate```): shown as the code it names.
_ROLE = re.compile(r":(?:func|class|meth|attr|data|mod|exc|obj):`(~?)([\w.]+)(\(\))?`")


def _name(match: re.Match[str]) -> str:
    name = match[2].rsplit(".", 1)[-1] if match[1] else match[2]
    return f"`{name}{match[3] or ''}`"


class _DoctestFences(Preprocessor):
    """Wraps each run of doctest lines (from ``>>>`` to the next blank line) in a fence, and
    shows the docstrings' Sphinx roles as the code they name."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        fenced = in_doctest = False
        for line in lines:
            if not in_doctest and _FENCE.match(line):
                fenced = not fenced
            if not fenced and not in_doctest and line.lstrip().startswith(">>>"):
                indent = line[: len(line) - len(line.lstrip())]
                out += ["", f"{indent}```pycon"]
                in_doctest = True
            elif in_doctest and not line.strip():
                out += [f"{indent}```", ""]
                in_doctest = False
            out.append(line if fenced or in_doctest else _ROLE.sub(_name, line))
        if in_doctest:
            out.append(f"{indent}```")
        return out


class DoctestFences(Extension):
    """The Markdown extension: :class:`_DoctestFences`, before fenced code is read."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's own name
        md.preprocessors.register(_DoctestFences(md), "doctest_fences", 40)


@event_priority(100)  # before mkdocstrings reads the site's Markdown extensions
def on_config(config: Any) -> Any:
    config.markdown_extensions.append(DoctestFences())
    # the pages that include README.md, SECURITY.md and CHANGELOG.md find them from any folder
    root = str(Path(config.config_file_path).parent)
    config.mdx_configs.setdefault("pymdownx.snippets", {})["base_path"] = [root]
    return config
