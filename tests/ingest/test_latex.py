from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cybercoop_cli.ingest.latex import latex_to_unicode


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"M{\"u}ller", "Müller"),
        (r"{\'\i}tem", "ítem"),  # í, not a dotless i with an accent
        (r"\'{\i}", "í"),
        (r"Stra{\ss}e", "Straße"),
        (r"A \& B -- C --- D", "A & B – C — D"),
        (r"The {DNA} of {Things}", "The DNA of Things"),
        (r"{\c{C}}etinkaya", "Çetinkaya"),
        (r"\v{S}koda and \v Skoda", "Škoda and Škoda"),
        (r"Aks{\i}n", "Aksın"),
        (r"\emph{Nature} \mkbibquote{quoted}", "Nature “quoted”"),
        (r"Gr\"{o}\ss e", "Größe"),
        (r"Set \{a\} costs \$5", "Set {a} costs $5"),
        (r"50\% of {\"{O}}zge", "50% of Özge"),
        ("``quoted''", "“quoted”"),
        (r"$\alpha$-helix", "α-helix"),
        # a lone \not (a slash through the letter after it) leaves no dollar behind
        (r"So{$\not$}rensen", "So\u0338rensen"),
        ("plain  text\n across lines", "plain text across lines"),
        (r"\unknowncommand{kept}", "kept"),
        # an accent on an empty group before a letter: the accented letter
        (r"P{\'{}\i}{\v{s}}ka, Ji{\v{r}}{\'{}\i}", "Píška, Jiří"),
        # a letter accent on a dotless i, spaced or not: the accented i (ĭ)
        (r"Mickev{\u \i}cius, Mickev{\u\i}cius", "Mickevĭcius, Mickevĭcius"),
        # MathSciNet's \ocirc{u} (its @preamble defines the ring accent) is ů
        (r"Franc{\ocirc{u}}", "Franců"),
        # T2A's Cyrillic letters, as reference managers export Cyrillic names
        (r"\cyrchar\CYRA.V. \cyrchar\CYRV\cyro\cyrl\cyrk\cyro\cyrv", "А.V. Волков"),
        # \noopsort{key} gives BibTeX a sort key and prints nothing
        (r"{\noopsort{1973b}}1973", "1973"),
        # an italic correction and a discretionary hyphen print nothing
        (r"{Umlaut\/}s, hy\-phen", "Umlauts, hyphen"),
        # An empty group keeps TeX from joining the characters: they stay as typed.
        (r"C-{}- and `{}`q'{}' -{}-{}- a{-}-b", "C-- and ``q'' --- a--b"),
        # font switches change the type and print nothing (not their names)
        (r"{TUG {\sltt DVI} Driver}, {\em et al.}, {\SMC SGML}", "TUG DVI Driver, et al., SGML"),
        (r"{\tt\bf code} \it{x}", "code x"),
        # TUGboat's macros print what tugboat.cmn typesets
        (r"A multilingual \mtex\ by \Thanh", "A multilingual TêX by Hàn Thế Thành"),
        (r"{\MF} and {\MP}, the {\TUB}", "METAFONT and METAPOST, the TUGboat"),
        # plain TeX's metavariable notation
        (r"Looking ahead for a \<box>", "Looking ahead for a ⟨box⟩"),
    ],
)
def test_latex_to_unicode(latex: str, text: str) -> None:
    assert latex_to_unicode(latex) == text


def test_output_is_nfc() -> None:
    import unicodedata

    out = latex_to_unicode(r"Jos\'e")
    assert out == unicodedata.normalize("NFC", out)
    assert len(out) == 4


def test_escaped_tilde_and_caret_survive_later_passes() -> None:
    # A decoded "~" must not be read again as a non-breaking space.
    assert latex_to_unicode(r"a\textasciitilde{}b\textasciicircum{}c and~d") == "a~b^c and\u00a0d"


def reference_latex_to_unicode(text: str) -> str:
    """latex_to_unicode as it was before its fast paths: the regex check, then every pass."""
    import unicodedata

    from cybercoop_cli.ingest import latex

    if not re.search(r"[\\{}~]|--|``|''", text):
        return (
            latex._SPACE.sub(" ", text).strip() if ("  " in text or "\n" in text) else text.strip()
        )
    out = latex._decode(text)
    for parked, char in latex._PARKED.items():
        out = out.replace(parked, char)
    return latex._SPACE.sub(" ", unicodedata.normalize("NFC", out)).strip()


LATEX_SOUP = st.lists(
    st.sampled_from(
        [
            *"{}\\$~-`'\" \n\taAé\ue000",
            "{}",
            "--",
            "``",
            "''",
            "\\'e",
            '\\"{u}',
            "\\emph{",
            "$x$",
            "e\u0301",
        ]
    ),
    max_size=20,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(LATEX_SOUP, st.text(max_size=20)))
@example("-{}-")
@example("'{x}'")
@example("`{}`{}")
@example("{A}  {B}\n")
@example("{$x$}")
@example("{e\u0301}")
@example("{\ue001}")
def test_fast_paths_decode_as_the_full_passes(text: str) -> None:
    latex_to_unicode.cache_clear()
    assert latex_to_unicode(text) == reference_latex_to_unicode(text)


@pytest.mark.parametrize("text", ["C--", "``quotes''", "a --- b", "x'''", "--{}--", "50% & $5"])
def test_escaped_text_reads_back_as_typed(text: str) -> None:
    from cybercoop_cli.ingest.latex import escape_latex

    assert latex_to_unicode(escape_latex(text)) == text
    assert escape_latex("12--34", ligatures=True) == "12--34"
