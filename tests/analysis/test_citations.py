"""Finding in-text citations: every form the issue lists, non-citations, real manuscripts."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cybercoop_cli.analysis.citations import Citation, find_citations
from cybercoop_cli.ingest.manuscript import parse_manuscript, read_manuscript


def summary(text: str) -> list[tuple[str, tuple[str, ...], bool, str, str]]:
    return [(c.form, c.authors, c.et_al, c.year, c.locator) for c in find_citations(text)]


P, N = "parenthetical", "narrative"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("as shown (Chang, 2020).", [(P, ("Chang",), False, "2020", "")]),
        (
            "(Chang, 2020; Sekati, 2022)",
            [(P, ("Chang",), False, "2020", ""), (P, ("Sekati",), False, "2022", "")],
        ),
        ("(see Chang, 2020, p. 331)", [(P, ("Chang",), False, "2020", "p. 331")]),
        ("(e.g., Bem, 2011, pp. 3-5)", [(P, ("Bem",), False, "2011", "pp. 3-5")]),
        ("(Brass & Sowell, 2021)", [(P, ("Brass", "Sowell"), False, "2021", "")]),
        ("(Brass and Sowell, 2021)", [(P, ("Brass", "Sowell"), False, "2021", "")]),
        ("(Widodo et al., 2024)", [(P, ("Widodo",), True, "2024", "")]),
        ("(Widodo et al 2024)", [(P, ("Widodo",), True, "2024", "")]),
        (
            "(Vargo & Lusch, 2008, 2011)",
            [
                (P, ("Vargo", "Lusch"), False, "2008", ""),
                (P, ("Vargo", "Lusch"), False, "2011", ""),
            ],
        ),
        (
            "(Frau et al., 2023a, 2023b)",
            [(P, ("Frau",), True, "2023a", ""), (P, ("Frau",), True, "2023b", "")],
        ),
        ("(Chang, n.d.)", [(P, ("Chang",), False, "n.d.", "")]),
        ("(Chang, in press)", [(P, ("Chang",), False, "in press", "")]),
        ("(R Core Team, 2015)", [(P, ("R Core Team",), False, "2015", "")]),
        (
            "(World Health Organization [WHO], 2020) and later (WHO, 2020)",
            [
                (P, ("World Health Organization",), False, "2020", ""),
                (P, ("WHO",), False, "2020", ""),
            ],
        ),
        ("(Council of Europe, 2001)", [(P, ("Council of Europe",), False, "2001", "")]),
        ("(Smith 2020)", [(P, ("Smith",), False, "2020", "")]),
        ("Chang (2020) argues", [(N, ("Chang",), False, "2020", "")]),
        ("As Widodo et al. (2024) show", [(N, ("Widodo",), True, "2024", "")]),
        ("Brass and Sowell (2021) propose", [(N, ("Brass", "Sowell"), False, "2021", "")]),
        ("In Chang's (2020) chapter", [(N, ("Chang",), False, "2020", "")]),
        ("However, Chang (2020, p. 5) says", [(N, ("Chang",), False, "2020", "p. 5")]),
        (
            "as Featherman and\nHajli\n(2016) highlight",
            [(N, ("Featherman", "Hajli"), False, "2016", "")],
        ),
        ("(Prahalad &\n Ramaswamy, 2004a)", [(P, ("Prahalad", "Ramaswamy"), False, "2004a", "")]),
        (
            "(Martillo Jeremías & Polo Peña, 2021)",
            [(P, ("Martillo Jeremías", "Polo Peña"), False, "2021", "")],
        ),
        ("(Wicki-Birchler, 2020)", [(P, ("Wicki-Birchler",), False, "2020", "")]),
        ("(Müller, 2017)", [(P, ("Müller",), False, "2017", "")]),
        (
            "(Singmann, Bolker, Westfall, & Aust, 2016)",
            [(P, ("Singmann", "Bolker", "Westfall", "Aust"), False, "2016", "")],
        ),
        ("(Version 1.3.0; R. V. Lenth, 2015)", [(P, ("Lenth",), False, "2015", "")]),
        ("(thomke & hippel, 2002)", [(P, ("thomke", "hippel"), False, "2002", "")]),
        ("(san Martín & Camarero, 2009)", [(P, ("san Martín", "Camarero"), False, "2009", "")]),
        # One author named two ways (a real JOSS paper's LimeSurvey entry)
        (
            "(LimeSurvey Project Team / Carsten Schmitz, 2012)",
            [(P, ("LimeSurvey Project Team / Carsten Schmitz",), False, "2012", "")],
        ),
    ],
)
def test_author_date_forms(
    text: str, expected: list[tuple[str, tuple[str, ...], bool, str, str]]
) -> None:
    assert summary(text) == expected


def test_prefix_and_alias_are_kept() -> None:
    first, second = find_citations("(see also Chang, 2020; World Health Organization [WHO], 2019)")
    assert first.prefix == "see also"
    assert second.alias == "WHO"
    assert first.group == second.group


@pytest.mark.parametrize(
    "text",
    [
        "The Convention was established in 2001 and amended later.",
        "the 2016 takedown of Avalanche",
        "on 3 March 2016 (March 3, 2016) and (2016-03-04)",
        "a 45% rise (n = 2016), 5,000 words, (about 2019), (in 2016)",
        "(see Figure 2) (6th Edition) (among others) (p < .001)",
        "the takedown (2016) was big",
        "However (2020)",
    ],
)
def test_numbers_dates_and_prose_are_not_citations(text: str) -> None:
    assert find_citations(text) == []


def test_lowercase_narrative_only_when_the_text_lost_its_capitals() -> None:
    assert find_citations("It was proposed by kaiser (1974). The end.") == []
    lost = "this is low. and so is this. another one. yet more. again here. " * 2
    found = find_citations(lost + "proposed by kaiser (1974). done.")
    assert [(c.authors, c.year) for c in found] == [(("kaiser",), "1974")]


def keys(text: str) -> list[tuple[str, str, str, str, bool]]:
    return [(c.form, c.key, c.prefix, c.locator, c.suppress_author) for c in find_citations(text)]


def test_pandoc_keys() -> None:
    assert keys("[@a; @b, p. 4] and [-@c] and @d says and [see @e]") == [
        (P, "a", "", "", False),
        (P, "b", "", "p. 4", False),
        (P, "c", "", "", True),
        (N, "d", "", "", False),
        (P, "e", "see", "", False),
    ]
    assert keys("write to me@example.org; see @upper1974.") == [(N, "upper1974", "", "", False)]
    assert keys("@fig-plot and @sec-intro are cross-references") == []


def test_latex_cite_commands() -> None:
    text = (
        "\\cite{a} \\citep[see][p.~4]{b} \\citet{c,d} \\parencite*{e} \\textcite{f} "
        "\\autocite[12]{g} \\Textcite{h} \\nocite{i}"
    )
    assert keys(text) == [
        (P, "a", "", "", False),
        (P, "b", "see", "p. 4", False),
        (N, "c", "", "", False),
        (N, "d", "", "", False),
        (P, "e", "", "", False),
        (N, "f", "", "", False),
        (P, "g", "", "12", False),
        (N, "h", "", "", False),
        ("nocite", "i", "", "", False),
    ]


def test_labels_read_naturally() -> None:
    widodo, brass, key = find_citations("(Widodo et al., 2024; Brass & Sowell, 2021) [@k]")
    assert widodo.label() == "Widodo et al. (2024)"
    assert brass.label() == "Brass & Sowell (2021)"
    assert key.label() == "@k"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="()[];,.&@ \n`Aa1290-'", max_size=300))
def test_finder_never_fails_and_spans_are_inside(text: str) -> None:
    for citation in find_citations(text):
        assert 0 <= citation.start < citation.end <= len(text)
        assert isinstance(citation, Citation)


# --------------------------------------------------------------------------- real manuscripts

PAPAJA_TEX = [
    ("parenthetical", ("Bem",), "2011"),
    ("parenthetical", ("James",), "1890"),
    ("narrative", ("James",), "1890"),
    ("parenthetical", ("R Core Team",), "2015"),
    ("parenthetical", ("Singmann", "Bolker", "Westfall", "Aust"), "2016"),
    ("parenthetical", ("Müller",), "2017"),
    ("parenthetical", ("Davison", "Hinkley"), "1997"),
    ("parenthetical", ("Robinson",), "2016"),
    ("parenthetical", ("Wickham", "Francois"), "2016"),
    ("parenthetical", ("Lenth",), "2018"),
    ("parenthetical", ("Lenth",), "2015"),
    ("parenthetical", ("Xie",), "2015"),
    ("parenthetical", ("Bates", "Mächler", "Bolker", "Walker"), "2015"),
    ("parenthetical", ("Lenth",), "2016"),
    ("parenthetical", ("Bates", "Maechler"), "2016"),
    ("parenthetical", ("Kelley",), "2016"),
    ("parenthetical", ("Aust", "Barth"), "2015"),
    ("parenthetical", ("Wickham",), "2007"),
    ("parenthetical", ("Allaire",), "2016"),
    ("parenthetical", ("Wickham",), "2011"),
    ("parenthetical", ("Barth",), "2022"),
]


def test_papaja_tex_every_citation_is_found(corpus: Path) -> None:
    manuscript = read_manuscript(corpus / "papaja-apa" / "example.tex")
    found = find_citations(manuscript.body)
    assert [(c.form, c.authors, c.year) for c in found] == PAPAJA_TEX
    assert [manuscript.line_of(c.start) for c in found[:3]] == [520, 520, 521]
    assert found[0].prefix == "e.g."
    assert next(c for c in found if c.year == "2016" and c.authors == ("Allaire",)).et_al


def test_papaja_rmd_ignores_cross_references_and_code(corpus: Path) -> None:
    manuscript = read_manuscript(corpus / "papaja-apa" / "example.rmd")
    found = find_citations(manuscript.body)
    assert [(c.form, c.key, c.prefix) for c in found] == [
        ("parenthetical", "bem_2011", "e.g.,"),
        ("parenthetical", "james_1890", ""),
        ("narrative", "james_1890", ""),
    ]
    assert all(c.key != "ref" for c in found)
    assert [manuscript.line_of(c.start) for c in found] == [231, 231, 232]


def test_inara_pandoc_keys(corpus: Path) -> None:
    manuscript = read_manuscript(corpus / "joss-pandoc" / "inara" / "paper.md")
    found = find_citations(manuscript.body)
    assert [(c.key, manuscript.line_of(c.start)) for c in found] == [
        ("smith2018", 40),
        ("krewinkel2017", 41),
        ("yaml_website", 48),
        ("upper1974", 52),
        ("upper1974", 155),  # "[@upper1974]" quoted as an example, outside backticks
        ("upper1974", 157),
        ("pdfa3", 464),
    ]


def grobid_text(path: Path) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """The TEI body as text, the gold citation spans, and the mislabelled ones."""
    xml = path.read_text(encoding="utf-8")
    body = xml[xml.index("<text") :]
    out: list[str] = []
    gold: list[tuple[int, int]] = []
    noise: list[tuple[int, int]] = []
    stack: list[tuple[int, str]] = []
    length = position = 0
    for match in re.finditer(r"<(/?)([a-zA-Z]+)([^>]*?)(/?)>", body):
        chunk = html.unescape(body[position : match.start()])
        out.append(chunk)
        length += len(chunk)
        position = match.end()
        closing, name, attributes, _ = match.groups()
        extra = "\n" if name == "lb" else "\n\n" if closing and name in {"p", "head"} else ""
        out.append(extra)
        length += len(extra)
        if name == "ref" and not closing:
            stack.append((length, attributes))
        elif name == "ref":
            start, attributes = stack.pop()
            (gold if "biblio" in attributes else noise).append((start, length))
    return "".join(out), gold, noise


# Real citations that the GROBID annotators left unmarked (checked by hand): counted as
# correct finds. Anything else found outside a gold span is a false positive.
GROBID_UNMARKED = {
    "cabiddu et al., 2019",
    "chin's (1989)",
    "albinsson et al., 2016",
    "albinsson et al. (2016)",
    "chin (1998)",
    "chin, 1998",
    "Prahalad and ramaswamy (2004a)",
    "e.g. Mostafa, 2020",
}


def test_grobid_gold_recall_and_precision(corpus: Path) -> None:
    path = next((corpus / "grobid-apa-gold").glob("*.tei.xml"))
    text, gold, noise = grobid_text(path)
    assert len(gold) == 128
    manuscript = parse_manuscript(text, "text")
    spans: dict[int, tuple[int, int, str]] = {}
    for c in find_citations(manuscript.body):
        start, end, _ = spans.get(c.group, (c.start, c.end, c.text))
        spans[c.group] = (min(start, c.start), max(end, c.end), c.text)

    def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
        return a[0] < b[1] and b[0] < a[1]

    found = list(spans.values())
    recalled = [g for g in gold if any(overlaps(g, f[:2]) for f in found)]
    outside = [f for f in found if not any(overlaps(g, f[:2]) for g in gold + noise)]
    false_positives = [f[2] for f in outside if " ".join(f[2].split()) not in GROBID_UNMARKED]
    recall = len(recalled) / len(gold)
    precision = 1 - len(false_positives) / len(found)
    assert recall == 1.0, [text[g[0] : g[1]] for g in gold if g not in recalled]
    assert false_positives == []
    assert precision == 1.0


# --------------------------------------------------------------------------- issue 13 forms


def test_narrative_citations_open_any_paragraph() -> None:
    text = "Intro.\n\nSmith (2010) found it.\n\nBrass and Sowell (2021) agree.\n\nWidodo et al. (2024) too."
    assert summary(text) == [
        (N, ("Smith",), False, "2010", ""),
        (N, ("Brass", "Sowell"), False, "2021", ""),
        (N, ("Widodo",), True, "2024", ""),
    ]
    # A look-back that starts inside a word still drops that half word.
    long = "x" * 300 + "abc Smith (2010)"
    assert [c.authors for c in find_citations(long)] == [("Smith",)]


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("As shown by de Marneffe et al. (2006), it works.", ("de Marneffe",)),
        ("Later, van der Berg et al. (2020) agreed.", ("van der Berg",)),
        ("This follows van Paridon and Thompson (2021).", ("van Paridon", "Thompson")),
        ("by Le Roux and de Vries (2019)", ("Le Roux", "de Vries")),
        ("(Rassi & de Rezende, 2012)", ("Rassi", "de Rezende")),
        ("The Council of Europe (2001) says", ("Council of Europe",)),
    ],
)
def test_particles_stay_with_their_surname(text: str, authors: tuple[str, ...]) -> None:
    assert [c.authors for c in find_citations(text)] == [authors]


def test_a_lone_particle_or_lowercase_word_is_no_author() -> None:
    assert find_citations("It was in van (2010) and in the takedown (2016).") == []


def test_years_joined_by_and() -> None:
    assert [
        (c.authors, c.et_al, c.year) for c in find_citations("(Liu et al., 1993 and 1995)")
    ] == [
        (("Liu",), True, "1993"),
        (("Liu",), True, "1995"),
    ]
    assert [c.year for c in find_citations("Smith (2001, 2003, & 2005) said")] == [
        "2001",
        "2003",
        "2005",
    ]
    assert find_citations("(between 2016 and 2017)") == []


def test_a_number_before_a_harvard_name_is_a_grant_not_a_citation() -> None:
    assert find_citations("funded by the ministry (BMWi, FKZ 50 RA 1701).") == []
    # With the comma of a citation, digits in the prefix are a real prefix.
    assert [c.prefix for c in find_citations("(see Table 2 in Smith, 2010)")] == ["see Table 2 in"]


def test_emphasised_names_are_marked_as_titles() -> None:
    manuscript = parse_manuscript(
        "\\begin{document}\nAs Smith \\emph{et al.} (2010) show (\\emph{see} Jones, 2011). "
        "The book \\emph{Neural Filtering} (2021), and (\\emph{Nature}, 2020).\n\\end{document}",
        "latex",
    )
    found = find_citations(manuscript.body, emphasis=manuscript.emphasis)
    assert [(c.authors, c.et_al, c.titled) for c in found] == [
        (("Smith",), True, False),
        (("Jones",), False, False),
        (("Neural Filtering",), False, True),
        (("Nature",), False, True),
    ]


def test_latex_multicite_notes_and_spaces() -> None:
    text = (
        "\\textcites(see)(and more)[p. 1]{a}[cf.][ch. 2]{b}{c} \\cite [p.~3]\n{d} "
        "\\citeA{e} \\shortciteNP{f} \\fullcite{g} \\nocite{h,*} \\citeproc{ref-x}"
    )
    assert keys(text) == [
        (N, "a", "see", "p. 1", False),
        (N, "b", "cf.", "ch. 2", False),
        (N, "c", "see", "and more", False),
        (P, "d", "", "p. 3", False),
        (N, "e", "", "", False),
        (P, "f", "", "", False),
        (P, "g", "", "", False),
        ("nocite", "h", "", "", False),
        ("nocite", "*", "", "", False),
    ]


def test_markdown_emphasis_around_et_al_but_not_around_a_title() -> None:
    assert summary("Smith *et al.* (2010) show it (Lee _et al._, 2011).") == [
        (N, ("Smith",), True, "2010", ""),
        (P, ("Lee",), True, "2011", ""),
    ]
    assert find_citations("read *Nature* (2020) and (*Science*, 2021)") == []


def test_et_al_straight_after_a_name_ends_the_author_list() -> None:
    assert [(c.authors, c.prefix) for c in find_citations("(MAD, Leys et al. 2013)")] == [
        (("Leys",), "MAD")
    ]
    # APA 6 names more authors before "et al." to tell works apart, with a comma.
    assert [c.authors for c in find_citations("(Kosslyn, Koenig, et al., 1992)")] == [
        ("Kosslyn", "Koenig")
    ]


def test_pandoc_link_citations_in_rendered_markdown(corpus: Path) -> None:
    """rempsyc's paper.md is pandoc's Chicago author-date output with link-citations."""
    manuscript = read_manuscript(corpus / "joss-pandoc" / "rempsyc" / "paper.md")
    found = find_citations(manuscript.body)
    assert [(c.authors, c.year) for c in found[:4]] == [
        (("R Core Team",), "2022"),
        (("Quintana",), "2020"),
        (("Nuijten",), "2016"),
        (("Robinson", "Hayes", "Couch"), "2022"),
    ]
    assert len(found) == 19
    assert all(c.year.isdigit() for c in found)
