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
        # punctuation at a sentence's start keeps the next word at the start
        ("[A Dictionary of] Modern Usage", "[A dictionary of] modern usage"),
        ("Schreiben: (Nicht Nur) Für Alle", "Schreiben: (Nicht nur) für alle"),
        ("The (Big) Deal", "The (big) deal"),
        # a word is one chunk whatever its script: all capitals stay
        ("LES SPECTRES \\'ELECTRO-OPTIQUES", "LES SPECTRES ÉLECTRO-OPTIQUES"),
        ("A DÜSSELDORF Düsseldorf", "A DÜSSELDORF düsseldorf"),
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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # font switches that are no emphasis: the text stays, the switch's name does not
        ("unit {\\tt SYSDEP}", "unit SYSDEP"),
        ("{\\sf Sans} and {\\rm Roman}", "Sans and Roman"),
        ("\\ttfamily code", "code"),
        ("in {{\\cal NC}}", "in NC"),
        # spacing commands are spaces, not punctuation
        ("O(1\\,1\\,1)", "O(1\u20061\u20061)"),
        ("a\\;b\\!c", "a\u2005bc"),
        ("space\\quad quad, a\\qquad b, x\\space y", "space\u2003quad, a\u2003\u2003b, x y"),
        # an accent on a digit (a Miller index) is the combining mark, as pandoc reads it
        ("(11\\=22) GaN", "(112\u03042) GaN"),
        # phantoms print nothing
        ("Ga\\vphantom{X}N and \\phantom{y}z", "GaN and z"),
        # \noopsort{key} only gives BibTeX a sort key: \newcommand{\noopsort}[1]{}
        ("{\\noopsort{1973b}}1973", "1973"),
        # a breve on a dotless i; MathSciNet's \ocirc (the ring accent of its preamble)
        ("Mickev{\\u \\i}cius and Franc{\\ocirc{u}}", "Mickevĭcius and Franců"),
        # text symbols print their character; a dingbat (a title's footnote mark) nothing
        (
            "Vapor\\textrightarrow{}Solid k\\textperiodcentered{}p x\\textasciiacute{}",
            "Vapor→Solid k·p x´",
        ),
        ("Nanowires\\ding{73}", "Nanowires"),
        # an accent on an escaped brace is set on the brace
        ("(N\\^\\{-\\}-Type", "(N{\u0302-}-Type"),
        # biblatex's page suffixes print their text
        ("579\\psqq", "579\u2006ff."),
        ("12\\psq{}", "12\u2006f."),
        # spacing primitives take their dimension; \char prints the character
        ("a\\kern-.1em b \\hskip 2em plus 1fil c", "a b c"),
        ("\\char'134 and \\char92", "\\ and \\"),
        # two apostrophes are LaTeX's closing double quote
        ("the ''lion and man'' problem", "the ”lion and man” problem"),
        # AAS journal macros (ADS exports) are the journals' abbreviations
        ("\\apj, \\mnras", "ApJ, MNRAS"),
        # TUGboat's abbreviations print what tugboat.def defines them as
        (
            "at the {\\AMS}, {\\SC} on {\\TeXtures}",
            "at the American Mathematical Society, Steering Committee on Textures",
        ),
        ("\\cs{starttext} and \\slMF", "\\starttext and METAFONT"),
        # its logos print the text tugboat.cmn typesets; a space after one ends the word
        (
            "{\\MF} sources, \\MP\\ and \\mtex{} by \\Thanh",
            "METAFONT sources, METAPOST and TêX by Hàn Thế Thành",
        ),
        # TUGboat's smaller-type switch prints nothing; \raise moves the box after it
        ("{\\SMC SGML}, {BibTeX{\\raise.25ex\\hbox{\\sl c++}}}", "SGML, BibTeXc++"),
        # plain TeX's metavariable notation: \<box> is set in angle brackets
        ("Looking ahead for a \\<box>", "Looking ahead for a ⟨box⟩"),
        # spaces inside math are no part of the formula
        ("for $ \\Lambda $: and $ \\ldots $", "for \\Lambda: and \\ldots"),
        # \textmu{} is the micro sign (Greek mu, as Unicode prefers and pandoc prints)
        ("1.55 \\textmu{} m, 1.3\\textmu{}m", "1.55 \u03bc m, 1.3\u03bcm"),
        # `x' is a quotation (the style sets its marks); an apostrophe, an unclosed mark
        # or one whose group ends first is text
        ("Typesetting `Normaltext' it's", "Typesetting ‘Normaltext’ it’s"),
        ("{`open} and it's", "‘open and it’s"),
        # ``x'' likewise: where the group ends first, the marks are text
        ("{{X ``A very friendly product}''}", "X “A very friendly product”"),
        # an accent on an empty group before a letter is the accented letter
        ("P{\\'{}\\i}{\\v{s}}ka", "Píška"),
        # font selections (plain TeX's sizes, TUGboat's fonts) and glue print nothing
        ("{\\eightrm X} {\\acrosl DVI\\/}2 {\\manual META}\\hfil end", "X DVI2 META end"),
        # an italic correction prints nothing; \- is a soft hyphen (as pandoc reads it)
        ("{\\it Umlaut\\/}s and Hy\\-phen", "Umlauts and Hy\u00adphen"),
    ],
)
def test_commands_print_what_latex_prints(raw: str, expected: str) -> None:
    assert stringify(latex_inlines(raw)) == expected


def test_single_quotation_is_a_quoted_node_as_pandoc_reads_it() -> None:
    # A Quoted node, so citeproc gives APA its double marks and flips it inside quotes.
    assert latex_inlines("`Hey' and `a' it's") == [
        {"t": "Quoted", "c": [{"t": "SingleQuote"}, [{"t": "Str", "c": "Hey"}]]},
        {"t": "Space"},
        {"t": "Str", "c": "and"},
        {"t": "Space"},
        {"t": "Quoted", "c": [{"t": "SingleQuote"}, [{"t": "Str", "c": "a"}]]},
        {"t": "Space"},
        {"t": "Str", "c": "it’s"},
    ]


def test_enquote_is_a_bare_quoted_node_as_pandoc_reads_it() -> None:
    # csquotes' \enquote is no braced group: a bare Quoted, so an American style moves
    # the full stop after it inside the marks ("enquote.")
    assert latex_inlines("and \\enquote{enquote}.") == [
        {"t": "Str", "c": "and"},
        {"t": "Space"},
        {"t": "Quoted", "c": [{"t": "DoubleQuote"}, [{"t": "Str", "c": "enquote"}]]},
        {"t": "Str", "c": "."},
    ]
