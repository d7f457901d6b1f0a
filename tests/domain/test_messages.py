"""The message catalogue: both languages say the same messages with the same blanks."""

from __future__ import annotations

import re

import pytest

from app.domain.messages import catalogue, localised, negotiate, problem, text

BLANK = re.compile(r"\{(\w+)\}")


def test_every_message_exists_in_both_languages_with_the_same_parameters() -> None:
    german, english = catalogue("de"), catalogue("en")
    assert german.keys() == english.keys()
    for code in german:
        assert set(BLANK.findall(german[code])) <= set(BLANK.findall(english[code])) | {"city"}, (
            code
        )


def test_text_fills_parameters_and_never_fails() -> None:
    assert text("text.too_long", "de", length=250, max=200) == (
        "hat 250 Zeichen; höchstens 200 sind erlaubt"
    )
    assert text("text.too_long", "en", length=250) == "is 250 characters; at most {max}"
    assert text("no.such.message", "de") == "no.such.message"
    assert text("property.required", "xx") == "ist ein Pflichtfeld"
    # A parameter holding braces is not read as a template again.
    assert text("geometry.invalid", "en", reason="{max}") == "is invalid: {max} (not repaired)"


def test_a_problem_keeps_its_english_text_and_is_said_again_per_language() -> None:
    found = problem("/properties/title", "property.required")
    assert found["problem"] == "is required"
    assert localised(found, "de") == {
        "where": "/properties/title",
        "problem": "ist ein Pflichtfeld",
        "code": "property.required",
    }


@pytest.mark.parametrize(
    ("chosen", "header", "expected"),
    [
        (None, None, "de"),
        ("en", "de", "en"),
        ("de", "en", "de"),
        ("EN", None, "de"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "fr, en;q=0.5, de;q=0.4", "en"),
        (None, "de-DE, en;q=0.9", "de"),
        (None, "enx", "de"),
        (None, "en;q=1.5", "de"),
        (None, "en;q=-1", "de"),
        (None, "en;q=" + "1" * 5000, "de"),
    ],
)
def test_negotiation(chosen: str | None, header: str | None, expected: str) -> None:
    assert negotiate(chosen, header) == expected
