"""Rule docs come out clean: Markdown for docs/rules.md, plain text for ``certpreflight rule``."""

from __future__ import annotations

import re

import pytest

from certpreflight import CATALOGUE
from certpreflight.rules.docs import (
    catalogue_markdown,
    markdown_from_rst,
    plain_from_rst,
    rule_markdown,
    rule_text,
)

#: Any reST inline markup a rule docstring may use: a literal, a role, a hyperlink.
REST_MARKUP = re.compile(r"``|:[a-z]+:`|`_")


@pytest.mark.parametrize(
    ("rst", "plain", "markdown"),
    [
        ("ECMS ``address1`` holds", "ECMS 'address1' holds", "ECMS `address1` holds"),
        (
            'Example: ``{"customers": []}``',
            'Example: {"customers": []}',
            'Example: `{"customers": []}`',
        ),
        ('a ``"quoted"`` text', 'a "quoted" text', 'a `"quoted"` text'),
        ("the ``x`y`` key", "the 'x`y' key", "the `` x`y `` key"),
        (":func:`certpreflight.validate`", "'certpreflight.validate'", "`certpreflight.validate`"),
        (":class:`~certpreflight.Finding`", "'Finding'", "`Finding`"),
        (":py:meth:`Report.ok`", "'Report.ok'", "`Report.ok`"),
        (
            "see `the FAQ <https://example.org/faq>`_.",
            "see the FAQ (https://example.org/faq).",
            "see [the FAQ](https://example.org/faq).",
        ),
        ("fails *after* the create", "fails after the create", "fails *after* the create"),
        ("a **strong** word", "a strong word", "a **strong** word"),
    ],
)
def test_inline_markup_conversions(rst: str, plain: str, markdown: str) -> None:
    """Each reST inline construct becomes its plain-text and its Markdown form."""
    assert plain_from_rst(rst) == plain
    assert markdown_from_rst(rst) == markdown


def test_bullets_and_arithmetic_stars_are_left_alone() -> None:
    """A ``* `` bullet and a lone ``*`` are not emphasis."""
    text = "checks:\n\n* US region: 9 digits\n* 2 * 3 = 6"
    assert plain_from_rst(text) == text
    assert markdown_from_rst(text) == text


@pytest.mark.parametrize("rule", CATALOGUE, ids=lambda r: str(r.code))
def test_every_rule_renders_without_rest_markup(rule: object) -> None:
    """No rule's terminal text or Markdown keeps reST markup or ``{{`` escapes."""
    text = rule_text(rule)  # type: ignore[arg-type]
    markdown = rule_markdown(rule)  # type: ignore[arg-type]
    assert REST_MARKUP.findall(text) == []
    assert REST_MARKUP.findall(markdown.replace("`` ", "").replace(" ``", "")) == []
    assert "{{" not in text
    assert "{{" not in markdown


def test_catalogue_markdown_uses_markdown_code_spans() -> None:
    """docs/rules.md shows code in single backticks."""
    text = catalogue_markdown(CATALOGUE)
    assert "``" not in text
    assert 'Example: `{"customers": []}`' in text
