"""The annotated bibliography in each format: golden files, escaping, DOCX and LaTeX."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from types import MappingProxyType

import pytest

from cybercoop_cli.analysis.annotated import (
    AnnotatedBibliography,
    AnnotatedEntry,
    GroupBy,
    build_annotated,
)
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.model import Person, Source
from cybercoop_cli.render.annotated import ExportFormat, render_annotated
from cybercoop_cli.render.bibliography import resolve_style
from cybercoop_cli.render.bibtex_out import write_bibtex
from tests.conftest import REPO, assert_golden

STYLES = {"apa": "apa", "mla": "modern-language-association", "chicago": "chicago-author-date"}


@pytest.fixture(scope="module")
def example() -> AnnotatedBibliography:
    return build_annotated(load_project(REPO))


def docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs) + "\n"


@pytest.mark.parametrize("short", STYLES)
def test_golden_markdown_html_docx(example: AnnotatedBibliography, short: str) -> None:
    style = resolve_style(STYLES[short])
    assert_golden(
        f"export/example-{short}.md", render_annotated(example, style, ExportFormat.md).decode()
    )
    assert_golden(
        f"export/example-{short}.html", render_annotated(example, style, ExportFormat.html).decode()
    )
    docx = render_annotated(example, style, ExportFormat.docx)
    assert_golden(f"export/example-{short}.docx.txt", docx_text(docx))


def test_style_forms(example: AnnotatedBibliography) -> None:
    apa = render_annotated(example, resolve_style("apa"), ExportFormat.txt).decode()
    mla = render_annotated(
        example, resolve_style("modern-language-association"), ExportFormat.txt
    ).decode()
    chicago = render_annotated(
        example, resolve_style("chicago-author-date"), ExportFormat.txt
    ).decode()
    assert (
        "In T. J. Holt & A. M. Bossler (Eds.)," in apa
        and "(pp. 327–343). Palgrave Macmillan." in apa
    )
    assert (
        "edited by Thomas J. Holt and Adam M. Bossler" in mla
        and "Brass, Irina, and Jesse H. Sowell" in mla
    )
    assert "edited by Thomas J. Holt and Adam M. Bossler" in chicago
    assert "https://doi.org/10.1111/rego.12343" in apa
    assert "?." not in apa


def test_grouped_by_section_repeats_sources_under_each_group(example_project: Path) -> None:
    report = build_annotated(load_project(example_project), group_by=GroupBy.section)
    text = render_annotated(report, resolve_style("apa"), ExportFormat.md).decode()
    assert text.index("## Introduction") < text.index("Sekati") < text.index("## 1. The current")
    assert text.count("Chang, L. Y. C. (2020)") == 1
    assert text.count("Wicki-Birchler, D. (2020)") == 2  # framework and challenges
    assert "## 2. Implementation\n" not in text  # no source: no empty heading


def hostile_entry() -> AnnotatedEntry:
    fields = {
        "title": "<script>alert(1)</script> Cats \\& Dogs 100\\% a\\_b \\textbackslash input",
        "year": "2020",
    }
    source = Source(
        "evil",
        "book",
        "x.bib",
        1,
        fields=MappingProxyType(fields),
        authors=(Person(family="O'Brien", given="A"),),
    )
    text = "An <img src=x onerror=alert(1)> & 50% of a_b said \\input{/etc/passwd} $x$ #1 ~ ^"
    return AnnotatedEntry(source, (("summary", text),))


def test_text_from_bib_and_notes_is_escaped() -> None:
    report = AnnotatedBibliography("T & <b>", (hostile_entry(),), (), ("summary",))
    style = resolve_style("apa")
    html = render_annotated(report, style, ExportFormat.html).decode()
    assert "<script>" not in html.lower() and "<img" not in html
    # (APA's sentence case, as pandoc's, capitalises the title's first letter: "<Script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.lower() and "&lt;img src=x" in html
    latex = render_annotated(report, style, ExportFormat.latex).decode()
    assert "\\input{/etc/passwd}" not in latex and "50\\%" in latex and "a\\_b" in latex
    markdown = render_annotated(report, style, ExportFormat.md).decode()
    assert "<img" not in markdown.replace("\\<img", "")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_compiles_standalone(tmp_path: Path, example: AnnotatedBibliography) -> None:
    report = AnnotatedBibliography("T", (*example.entries, hostile_entry()), (), ("summary",))
    tex = tmp_path / "a.tex"
    tex.write_bytes(render_annotated(report, resolve_style("apa"), ExportFormat.latex))
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", tex.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "a.pdf").stat().st_size > 1000


def test_docx_has_heading_hanging_indent_and_italics(example: AnnotatedBibliography) -> None:
    from docx import Document

    document = Document(
        io.BytesIO(render_annotated(example, resolve_style("apa"), ExportFormat.docx))
    )
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Heading 1"
    references = [p for p in paragraphs if p.style.name == "Bibliography"]
    assert len(references) == 6
    indent = references[0].style.paragraph_format
    assert indent.left_indent > 0 and indent.first_line_indent == -indent.left_indent
    chang = next(p for p in references if p.text.startswith("Chang"))
    italic = "".join(r.text for r in chang.runs if r.italic)
    assert "The Palgrave handbook of international cybercrime and cyberdeviance" in italic
    annotations = [p for p in paragraphs if p.style.name == "Annotation"]
    assert len(annotations) == 18 and annotations[0].style.paragraph_format.first_line_indent == 0


def test_bibtex_round_trip_gives_back_sources_and_annotations(
    tmp_path: Path, example: AnnotatedBibliography
) -> None:
    from cybercoop_cli.ingest.latex import latex_to_unicode

    # "~" and "^" are left out: the core's decoder drops \textasciitilde{} (reported).
    text = "An <img src=x> & 50% of a_b said \\input{/etc/passwd} $x$ #1 {braced}"
    hostile = AnnotatedEntry(example.entries[0].source, (("summary", text), ("relevance", "Two.")))
    entries = (hostile, *example.entries[1:])
    path = tmp_path / "out.bib"
    path.write_text(write_bibtex(entries), encoding="utf-8")
    back = read_bibliography([path])
    assert not back.problems
    by_key = back.by_key()
    for entry in entries:
        again = by_key[entry.key]
        original = entry.source
        assert (again.entry_type, again.title, again.container, again.year) == (
            original.entry_type,
            original.title,
            original.container,
            original.year,
        )
        assert {k: v for k, v in again.fields.items() if k != "annote"} == dict(original.fields)
        paragraphs = [latex_to_unicode(p) for p in again.fields["annote"].split("\n\n")]
        assert paragraphs == [text for _, text in entry.paragraphs]


def test_csl_json_carries_the_annotation_in_note(example: AnnotatedBibliography) -> None:
    import json

    data = json.loads(render_annotated(example, resolve_style("apa"), ExportFormat.csl_json))
    chang = next(item for item in data if item["id"] == "chang2020legislative")
    assert chang["type"] == "chapter" and chang["page"] == "327-343"
    assert chang["note"].startswith("A handbook chapter on legislative frameworks")


def test_latex_escape_of_annotation_text() -> None:
    from cybercoop_cli.render.bibtex_out import escape_latex

    assert escape_latex("a~b^c\\d{e}&%$#_") == (
        "a\\textasciitilde{}b\\textasciicircum{}c\\textbackslash{}d\\{e\\}\\&\\%\\$\\#\\_"
    )
