"""The manuscript cleaner's fast searches find what a plain scan of every position finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cybercoop_cli.ingest.manuscript import (
    _SPACING_ACCENTS,
    _URL,
    _XREF_MD,
    _candidate_spans,
    _url_starts,
    _xref_starts,
    displaced_accents,
)

FRAGMENTS = [
    "https://example.org/a(b)",
    "HTTP://X.ORG",
    "hTtPs://",
    "ftp://f.net/x",
    "www.example.org",
    "WWW.x",
    "wwww.y",
    "doi:10.1/abc",
    "DOİ:10.2",
    "doı:3",
    "xdoi:4",
    "://",
    ":",
    ".",
    "@ref(fig:a)",
    "\\@ref(tab:b)",
    "\\\\@ref(x)",
    "@fig-plot",
    "@sec:intro",
    "@eq-1.",
    "a@b.org",
    "@",
    "\\",
    "```",
    "~~~",
    "    code",
    "\t",
    "\n",
    " ",
    "word",
    "é",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_candidate_searches_agree_with_finditer(parts: list[str]) -> None:
    text = "".join(parts)
    assert _candidate_spans(_URL, text, _url_starts(text)) == [
        m.span() for m in _URL.finditer(text)
    ]
    assert _candidate_spans(_XREF_MD, text, _xref_starts(text)) == [
        m.span() for m in _XREF_MD.finditer(text)
    ]


_PLAIN_DISPLACED = re.compile("([^\\W\\d_]) ?([" + "".join(_SPACING_ACCENTS) + "])(?=[^\\W\\d_])")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=[*"ab _1²ſ\n", *_SPACING_ACCENTS, "\u0301"], max_size=40))
def test_displaced_accents_are_what_the_plain_pattern_finds(text: str) -> None:
    plain = [(m.start(), m.end(), m.group(1), m.group(2)) for m in _PLAIN_DISPLACED.finditer(text)]
    assert list(displaced_accents(text)) == plain
