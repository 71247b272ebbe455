"""Finding citations with the per-item memo gives what parsing every item afresh gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cybercoop_cli.analysis.citations import find_citations

FRAGMENTS = [
    "(Smith, 2020)",
    "(Smith et al., 2020, p. 4)",
    "(see Brass & Sowell, 2021; Chang, 2020a)",
    "(Vargo & Lusch, 2008, 2011)",
    "Chang (2020)",
    "Widodo et al. (2024, pp. 3-5)",
    "(2020)",
    "(World Health Organization [WHO], 2020)",
    "(WHO, 2021)",
    "(takedown 2016)",
    "(Smith 2020)",
    "[@key, p. 3]",
    "\\citep{a,b}",
    "(n.d.)",
    "(Smith, in press)",
    "the 2016 takedown",
    "However, ",
    " and ",
    ". ",
    "\n\n",
    "word ",
    "(",
    ")",
    ";",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40), st.booleans())
def test_memoised_items_agree_with_fresh_parsing(parts: list[str], lowercase: bool) -> None:
    text = " ".join(parts)
    if lowercase:  # capitals lost, as from a PDF: the finder then reads lowercase names
        text = text.lower() + ". a b. c d. e f. g h. i j. k l."
    assert find_citations(text) == find_citations(text, memo=False)


def test_a_repeated_citation_is_found_at_each_place() -> None:
    text = "One (Smith, 2020). Two (Smith, 2020). Three (Smith, 2020, p. 3)."
    found = find_citations(text)
    assert [(text[c.start : c.end], c.start, c.locator) for c in found] == [
        ("Smith, 2020", 5, ""),
        ("Smith, 2020", 24, ""),
        ("Smith, 2020, p. 3", 45, "p. 3"),
    ]
    assert found == find_citations(text, memo=False)
