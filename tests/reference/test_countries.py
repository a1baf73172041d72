"""Country codes: the usual spellings answered without pycountry are pycountry's answers."""

from __future__ import annotations

import pycountry

from certpreflight.reference.countries import _USUAL, country_code


def test_usual_spellings_are_what_pycountry_says() -> None:
    """Each spelling answered without pycountry, in any case, is the code pycountry gives."""
    for spelling, code in _USUAL.items():
        assert pycountry.countries.lookup(spelling).alpha_2 == code
        for variant in (spelling, spelling.lower(), spelling.title(), f" {spelling} "):
            assert country_code(variant) == code
