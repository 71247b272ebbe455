from __future__ import annotations

import pytest

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
        ("plain  text\n across lines", "plain text across lines"),
        (r"\unknowncommand{kept}", "kept"),
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
