"""Reading BibTeX LaTeX into pandoc inlines, and pandoc's sentence case, on known cases.

The expected values are what pandoc 3.9's BibLaTeX reader produces for the same fields.
"""

from __future__ import annotations

import pytest

from cybercoop_cli.render.richtext import latex_inlines, sentence_case, stringify, to_csl_markup


def title(raw: str) -> str:
    return to_csl_markup(sentence_case(latex_inlines(raw)))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "The {Palgrave} Handbook of {US} DNA McDonald Cases",
            "The Palgrave handbook of US DNA McDonald cases",
        ),
        (
            "{iPhone} Apps For {the} World",
            '<span class="nocase">iPhone</span> apps for <span class="nocase">the</span> world',
        ),
        (
            '{\\"O}sterreich And {\\"{U}}ber Stuff {\\ss}e',
            'Österreich and Über stuff <span class="nocase">ß</span>e',
        ),
        ("\\emph{Emphasis Word} And \\textbf{Bold}", "<i>Emphasis word</i> and <b>bold</b>"),
        (
            "A Title: {With} Colon? And More. Next Sentence",
            "A title: With colon? And more. Next sentence",
        ),
        ("Über Älter Ökonomie", "Über älter ökonomie"),
        ("Aristotle's \\mkbibquote{De Motu Animalium}", "Aristotle’s “De Motu Animalium”"),
    ],
)
def test_sentence_case_matches_pandoc(raw: str, expected: str) -> None:
    assert title(raw) == expected


def test_special_characters_are_text_not_markup() -> None:
    inlines = latex_inlines("Cats \\& Dogs -- 100\\% x\\_y <script>alert(1)</script>")
    assert stringify(inlines) == "Cats & Dogs – 100% x_y <script>alert(1)</script>"
    assert all(node["t"] in ("Str", "Space") for node in inlines)


def test_control_word_swallows_following_space() -> None:
    assert stringify(latex_inlines("methodology\\hyphen independent")) == "methodology-independent"
