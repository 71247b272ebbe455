"""Reading manuscripts: what is blanked, the line map, .docx limits, the reference list."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.manuscript import (
    parse_manuscript,
    read_manuscript,
)
from cybercoop_cli.ingest.references import parse_reference


def test_markdown_blanks_code_urls_emails_comments_and_cross_references() -> None:
    text = (
        "---\ntitle: x\nemail: a@b.org\n---\n"
        "Cite `[@inline]` and ``[@double]`` but keep [@real].\n"
        "\n```r\nx <- '(Chang, 2020)'\n```\n\n"
        "See <https://example.org/(Chang, 2020)> and mail me at me@example.org.\n"
        "<!-- (Sekati, 2022) -->\n"
        "Figure \\@ref(fig:menu), @fig-plot, @sec-intro and \\ref{tab:x} are links.\n"
        'A [link](http://x.org/@key) and ![img](a.png){width="100%"}.\n'
    )
    manuscript = parse_manuscript(text, "markdown")
    clean = manuscript.text
    assert len(clean) == len(text)  # blanking keeps offsets
    for gone in (
        "@inline",
        "@double",
        "Chang",
        "example.org",
        "Sekati",
        "fig:menu",
        "@fig-plot",
        "@sec-intro",
        "tab:x",
        "x.org",
        "100%",
        "a@b.org",
    ):
        assert gone not in clean, gone
    assert "[@real]" in clean
    assert clean.count("\n") == text.count("\n")


def test_code_spans_with_unmatched_backticks_stay_linear_and_correct() -> None:
    text = "keep ``` unmatched, `` also `code` end " + "x " * 2_000
    clean = parse_manuscript(text, "markdown").text
    assert "code" not in clean
    assert "unmatched" in clean and "also" in clean and "end" in clean


def test_indented_code_after_blank_line_but_not_list_continuations() -> None:
    text = (
        "Para.\n\n    (Chang, 2020) in code\n\n1. item\n\n    (Sekati, 2022) continues the item\n"
    )
    clean = parse_manuscript(text, "markdown").text
    assert "Chang" not in clean
    assert "Sekati" in clean


def test_latex_is_cleaned_and_mapped_back_to_source_lines() -> None:
    text = (
        "\\documentclass{article}\n\\usepackage{x} % (Bogus, 1999)\n\\begin{document}\n"
        "\\section{Intro}\n"
        'Text (Davison \\& Hinkley, 1997) and M\\"{u}ller (2017). % (Hidden, 2001)\n'
        "\\texttt{(Code, 2000)} and \\href{https://x.org}{a link}, Figure~\\ref{fig:a}.\n"
        "\\begin{verbatim}\n(Verb, 2003)\n\\end{verbatim}\n"
        "\\citep[p.~4]{chang2020}\n\\end{document}\n"
    )
    manuscript = parse_manuscript(text, "latex")
    clean = manuscript.text
    assert "Davison & Hinkley, 1997" in clean
    assert "Müller (2017)" in clean
    for gone in ("Bogus", "Hidden", "Code", "x.org", "fig:a", "Verb"):
        assert gone not in clean, gone
    assert "\\citep[p.~4]{chang2020}" in clean  # cite commands are kept for the finder
    at = clean.index("Müller")
    assert manuscript.line_of(at) == 5
    assert manuscript.line_text(5)[manuscript.column_of(at) - 1 :].startswith('M\\"{u}ller')


def test_blocks_and_headings_in_markdown() -> None:
    manuscript = parse_manuscript(
        "# Title\nFirst para\nline two.\n\n## Next\n\nSecond.\n", "markdown"
    )
    kinds = [(manuscript.text[b.start : b.end].strip(), b.heading) for b in manuscript.blocks]
    assert kinds == [
        ("# Title", True),
        ("First para\nline two.", False),
        ("## Next", True),
        ("Second.", False),
    ]


def test_markdown_reference_list_is_parsed_and_excluded_from_the_body() -> None:
    text = (
        "Body cites (Chang, 2020).\n\n# References\n\n"
        "Chang, L. Y. C. (2020). Legislative frameworks. In *Handbook*.\n\n"
        "World Health Organization. (2019). *Report*.\n\n"
        "Widodo, M., Adam, S., & Bhaskoro, A. (2024b). International legal dynamics.\n"
    )
    manuscript = parse_manuscript(text, "markdown")
    assert "Legislative" not in manuscript.body
    assert [(r.authors, r.year, r.line) for r in manuscript.references] == [
        (("Chang",), "2020", 5),
        (("World Health Organization",), "2019", 7),
        (("Widodo", "Adam", "Bhaskoro"), "2024b", 9),
    ]
    sources = manuscript.reference_sources()
    assert [s.key for s in sources] == [
        "chang-2020",
        "worldhealthorganization-2019",
        "widodo-2024b",
    ]
    assert sources[1].authors[0].literal == "World Health Organization"


def test_plain_text_reference_list_one_entry_per_line() -> None:
    text = (
        "Text (Brass & Sowell, 2021).\n\nReferences\n"
        "Brass, I., & Sowell, J. H. (2021). Adaptive governance. Regulation & Governance.\n"
        "Sekati, P. N. M. (2022). Assessing extradition. CILSA, 55(1).\n"
    )
    manuscript = parse_manuscript(text, "text")
    assert [(r.authors, r.year) for r in manuscript.references] == [
        (("Brass", "Sowell"), "2021"),
        (("Sekati",), "2022"),
    ]


@pytest.mark.parametrize(
    ("entry", "authors", "year"),
    [
        ("R Core Team. (2015). R: A language.", ("R Core Team",), "2015"),
        (
            "Allaire, J., Cheng, J., … Hyndman, R. (2016). Rmarkdown.",
            ("Allaire", "Cheng", "Hyndman"),
            "2016",
        ),
        ("Lenth, R. V. (2016). Least-squares means.", ("Lenth",), "2016"),
        ("Smith, J. (n.d.). Undated.", ("Smith",), "n.d."),
        ("Jones, A. (in press). Coming.", ("Jones",), "inpress"),
    ],
)
def test_parse_reference(entry: str, authors: tuple[str, ...], year: str) -> None:
    parsed = parse_reference(entry)
    assert parsed is not None
    assert parsed.authors == authors
    assert parsed.year == year


def test_unknown_type_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown manuscript type"):
        read_manuscript(tmp_path / "x.odt")
    with pytest.raises(InputError, match="not found"):
        read_manuscript(tmp_path / "x.md")


def test_corpus_papaja_reference_list(corpus: Path) -> None:
    manuscript = read_manuscript(corpus / "papaja-apa" / "example.tex")
    refs = [(r.authors[0], r.year) for r in manuscript.references]
    assert len(refs) == 20
    assert refs[0] == ("Allaire", "2016") and manuscript.references[0].truncated
    assert ("R Core Team", "2015") in refs and ("Müller", "2017") in refs
    assert [y for name, y in refs if name == "Lenth"] == ["2018", "2015", "2016"]


@pytest.mark.parametrize("kind", ["markdown", "latex", "text", "docx"])
def test_locate_agrees_with_line_column_and_paragraph(kind: str) -> None:
    text = (
        "# Title\n\nSome \\emph{text} (Chang, 2020) and `code`.\r\n"
        "\\section{Two} A line\nwith <!-- note --> more \\cite{key} é.\n\nLast"
    )
    manuscript = parse_manuscript(text, "text" if kind == "docx" else kind)
    if kind == "docx":
        from dataclasses import replace

        manuscript = replace(manuscript, kind="docx")
    for offset in range(len(manuscript.text) + 1):
        assert manuscript.locate(offset) == (
            manuscript.line_of(offset),
            manuscript.column_of(offset),
            manuscript.paragraph_of(offset),
        )


def latex_body(text: str) -> str:
    return parse_manuscript("\\begin{document}\n" + text + "\n\\end{document}", "latex").body


def test_latex_hypertarget_anchors_are_dropped_and_link_text_kept() -> None:
    body = latex_body(
        "\\leavevmode\\hypertarget{ref-apa2010}{}%\nAmerican Psychological Association. "
        "(\\protect\\hyperlink{ref-upper1974}{Upper, 1974})"
    )
    assert "ref-" not in body
    assert " ".join(body.split()) == "American Psychological Association. ( Upper, 1974 )"


def test_a_code_float_is_prose_but_literate_code_is_verbatim() -> None:
    float_body = latex_body(
        "\\begin{code}\n\\begin{minted}{c}\nint x = (Smith, 2010);\n\\end{minted}\n"
        "\\caption{After \\cite{a}.}\n\\end{code}"
    )
    assert "\\cite{a}" in float_body and "Smith" not in float_body
    literate = latex_body("\\begin{code}\nf x = g (Smith, 2010) @x\n\\end{code}")
    assert not literate.strip()


def test_the_preamble_abstract_is_kept_as_its_own_paragraph() -> None:
    text = (
        "\\documentclass{apa6}\n\\title{T}\n\\abstract{%\nFirst (Blume et al., 2018).\n\n"
        "Second paragraph.\n}\n\\def\\abstract{no}\n\\begin{document}\nBody text.\n\\end{document}"
    )
    manuscript = parse_manuscript(text, "latex")
    paragraphs = [" ".join(manuscript.text[b.start : b.end].split()) for b in manuscript.blocks]
    assert paragraphs == ["First (Blume et al., 2018).", "Second paragraph.", "Body text."]
    assert manuscript.line_of(manuscript.text.index("Blume")) == 4


def test_a_url_shaped_cite_key_is_not_blanked_as_a_url() -> None:
    body = latex_body("\\citet{http://a.org/abs/1} and http://b.org and \\cite{doi:10.1/x}")
    assert "\\citet{http://a.org/abs/1}" in body and "\\cite{doi:10.1/x}" in body
    assert "b.org" not in body


def test_latex_emphasis_spans_are_recorded_except_et_al() -> None:
    manuscript = parse_manuscript(
        "\\begin{document}\nSmith \\emph{et~al.} wrote \\textit{A \\emph{Nested} Title}.\n"
        "\\end{document}",
        "latex",
    )
    spans = sorted(" ".join(manuscript.text[a:b].split()) for a, b in manuscript.emphasis)
    assert spans == ["A Nested Title", "Nested"]


def test_markdown_link_brackets_are_blanked_and_the_link_text_kept() -> None:
    text = "see ([Quintana 2020](#ref-q)) and ![a](b.png) and [Lee \\[2019\\] 2023](#ref-l)"
    clean = parse_manuscript(text, "markdown").text
    assert len(clean) == len(text)
    assert " ".join(clean.split()) == "see ( Quintana 2020 ) and ! a and Lee \\[2019\\] 2023"


def test_displaced_accents_go_back_on_their_letters_and_keep_positions() -> None:
    # PDF text extraction (and GROBID's text) sets accents apart: "Kamin ´ski".
    source = (
        "Intro.\nShown before (Kamin ´ski et al., 2014; Zago ´rska, 2003) and Lo ¨scher (2004).\n"
    )
    manuscript = parse_manuscript(source, "text")
    assert "(Kamiński et al., 2014; Zagórska, 2003) and Löscher (2004)" in manuscript.text
    for word, original in [
        ("Kamiński", "Kamin ´ski"),
        ("Löscher", "Lo ¨scher"),
        ("(2004)", "(2004)"),
    ]:
        offset = manuscript.text.index(word)
        assert manuscript.line_of(offset) == 2
        assert manuscript.column_of(offset) == source.splitlines()[1].index(original) + 1


def test_a_spacing_accent_that_fits_no_letter_is_left_alone() -> None:
    source = "A quote ´ here, 5 ´3 and q ˛x.\n"
    assert parse_manuscript(source, "text").text == source
