"""Reading manuscripts: what is blanked, the line map, .docx limits, the reference list."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.manuscript import (
    DOCX_MAX_XML_BYTES,
    parse_manuscript,
    read_docx_paragraphs,
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


def _docx(paragraphs: list[str], path: Path) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_docx_paragraphs_are_lines(tmp_path: Path) -> None:
    path = _docx(["Title", "", "Text (Chang, 2020) here."], tmp_path / "m.docx")
    manuscript = read_manuscript(path)
    assert manuscript.kind == "docx"
    at = manuscript.text.index("Chang")
    assert manuscript.line_of(at) == 3
    assert manuscript.paragraph_of(at) == 3


def _zip_with_document(path: Path, data: bytes, **extra: bytes) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", data)
        for name, payload in extra.items():
            archive.writestr(name, payload)
    return path


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    # Highly compressible: the ratio check refuses it before anything is inflated.
    bomb = _zip_with_document(tmp_path / "bomb.docx", b"<a>" + b" " * (20 * 1024 * 1024) + b"</a>")
    with pytest.raises(InputError, match="expands too far"):
        read_docx_paragraphs(bomb)
    assert DOCX_MAX_XML_BYTES < 1 << 30


def test_docx_doctype_and_damage_are_refused(tmp_path: Path) -> None:
    doctype = _zip_with_document(
        tmp_path / "dtd.docx", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'
    )
    with pytest.raises(InputError, match="DOCTYPE"):
        read_docx_paragraphs(doctype)
    not_zip = tmp_path / "no.docx"
    not_zip.write_bytes(b"plain text")
    with pytest.raises(InputError, match="zip"):
        read_manuscript(not_zip)
    empty = tmp_path / "empty.docx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("other.xml", b"<a/>")
    with pytest.raises(InputError, match=r"no word/document\.xml"):
        read_manuscript(empty)


def test_unknown_type_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown manuscript type"):
        read_manuscript(tmp_path / "x.pdf")
    with pytest.raises(InputError, match="not found"):
        read_manuscript(tmp_path / "x.md")


def test_corpus_papaja_reference_list(corpus: Path) -> None:
    manuscript = read_manuscript(corpus / "papaja-apa" / "example.tex")
    refs = [(r.authors[0], r.year) for r in manuscript.references]
    assert len(refs) == 20
    assert refs[0] == ("Allaire", "2016") and manuscript.references[0].truncated
    assert ("R Core Team", "2015") in refs and ("Müller", "2017") in refs
    assert [y for name, y in refs if name == "Lenth"] == ["2018", "2015", "2016"]


def test_docx_with_malformed_xml_is_an_input_error(tmp_path: Path) -> None:
    path = _zip_with_document(tmp_path / "bad.docx", b"<w:document xmlns:w='x'><w:body>")
    with pytest.raises(InputError, match="not XML"):
        read_manuscript(path)


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
