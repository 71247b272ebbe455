"""check's fast paths agree with the plain formulations they replace."""

from __future__ import annotations

import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from cybercoop_cli.analysis.check import (
    _EXTRA_STOP,
    _SIGNALS,
    _WORD,
    _claim_signal,
    _stems,
    first_evidence,
)
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


# The claim signals as first written, with the lookbehind before the first digit.
_PLAIN_SIGNALS = [
    re.compile(
        r"(?<![\w.])\d{1,3}(?:[.,]\d+)?\s?(?:%|percent\b|per cent\b)(?!\s(?:confidence|CI\b|credible))",
        re.I,
    ),
    re.compile(
        r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\w.])\d+(?:\.\d+)?\s(?:million|billion|thousand|trillion)\b",
        re.I,
    ),
    # without the lookahead on its first letter
    re.compile(re.sub(r"^\(\?=\[\w+\]\)", "", _SIGNALS[2][0].pattern), re.I),
    re.compile(r"(?<![\w./\-–])(?:1[89]\d\d|20\d\d)(?![\w/\-–])"),
]
_SIGNAL_PIECES = st.sampled_from(
    [
        *"0123456789 .,-–/%a(\n",
        *("1999", "2024", "1799", "2100", "12,345", "3.5", " million", " percent", " per cent"),
        *(" confidence", " CI", " MILLION", "studies show", "Research has found", "ſtudies"),
        *("It is well known", "it\nis established", "have been shown", "is widely accepted"),
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_SIGNAL_PIECES, max_size=25).map("".join))
def test_claim_signals_find_what_the_plain_patterns_find(text: str) -> None:
    for fast, (plain, _) in zip(_PLAIN_SIGNALS, _SIGNALS, strict=True):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
    if _SIGNALS[2][0].search(text):  # the word guard never skips a sentence it matches
        assert _claim_signal(text, 0, len(text)) is not None


def test_the_evidence_guard_lets_each_phrase_through() -> None:
    for phrase in ("Many studies show", "data suggest", "It is well known", "has been shown"):
        assert _claim_signal(phrase + " that x.", 0, len(phrase) + 8) is not None


_EVIDENCE_PIECES = st.sampled_from(
    [
        *" \nxaß_İſ.",
        *("studies", "Research", "data", "metadata", "reports", "expert", "experts", "ſtudies"),
        *(" show", " shows", " have found", " suggest", " agree", "many ", "Several ", "it"),
        *(" is", " well", " known", "documented", "has", "have", " been", " shown", " widely"),
        *(" accepted", "xstudies show", "It is established"),
    ]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_EVIDENCE_PIECES, max_size=20).map("".join), st.integers(0, 5))
def test_evidence_is_searched_from_its_first_word_as_from_the_start(text: str, cut: int) -> None:
    start = min(cut, len(text))
    plain = _PLAIN_SIGNALS[2].search(text, start, len(text))
    fast = first_evidence(text, start, len(text))
    assert (fast and fast.span()) == (plain and plain.span())
