"""check's fast paths agree with the plain formulations they replace."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from cybercoop_cli.analysis.check import _EXTRA_STOP, _WORD, _stems
from cybercoop_cli.analysis.citations import STOPWORDS

SAMPLE = """
    Cooperation cooperate that THAT Their Maße straße ÉTUDES études data evidence Evidence
    ﬁnding İstanbul the would x1y2 naïve
"""
WORDS = st.sampled_from(SAMPLE.split())


def _plain_stems(text: str) -> set[str]:
    words = (w.casefold() for w in _WORD.findall(text))
    return {w[:5] for w in words if w not in STOPWORDS and w not in _EXTRA_STOP}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(WORDS, st.text(max_size=12), st.text(string.printable, max_size=12)),
        max_size=30,
    )
)
def test_memoised_stems_agree_with_the_plain_formula(words: list[str]) -> None:
    text = " ".join(words)
    assert _stems(text) == _plain_stems(text)
    assert _stems(text) == _plain_stems(text)  # and again, from the memo
