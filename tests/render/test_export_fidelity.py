"""Issue 17: every field reaches the style as pandoc's own reader hands it over.

Each test writes a small .bib (the cases are those ../shared/repro/export/repro.bib holds,
typed here so the tests run without the shared folder) and checks the formatted text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cybercoop_cli.analysis.annotated import AnnotatedBibliography, AnnotatedEntry
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.render.annotated import ExportFormat, render_annotated
from cybercoop_cli.render.bibliography import (
    SHORT_NAMES,
    reference_texts,
    render_references,
    resolve_style,
)
from cybercoop_cli.render.bibtex_out import write_bibtex
from cybercoop_cli.render.csl import to_csl

REPRO = r"""
@incollection{quotes,
  author    = {Calavita, Kitty},
  title     = {Blue Jeans, Rape, and the “De-Constitutive” Power of Law},
  booktitle = {The Law and Society Reader II},
  publisher = {NYU Press},
  year      = {2014}
}
@article{particle,
  author  = {Van de Walle, Julia S.},
  title   = {Doe v. Wal-Mart},
  journal = {Berkeley Journal of Employment and Labor Law},
  volume  = {30},
  year    = {2009}
}
@software{software,
  author    = {MacFarlane, John},
  title     = {Pandoc},
  version   = {3.1.11},
  publisher = {Zenodo},
  year      = {2024}
}
@misc{urlfield,
  author       = {Doe, John},
  title        = {A Tool \texttt{ggir} Homepage},
  howpublished = {\url{https://tool.example.org}},
  year         = {2020}
}
@article{bracedvon,
  author  = {{van Hees}, Vincent T},
  title   = {GGIR},
  journal = {J},
  year    = {2025}
}
@book{bracedvont,
  author  = {{van 't Hof}, Pim},
  title   = {Graphs},
  year    = {2009}
}
@book{bracedal,
  author  = {{al-Hasan}, ʿAlī},
  title   = {Some Title},
  year    = {2000}
}
@online{gb,
  author  = {Smith, Jane},
  title   = {Evidence Sharing},
  url     = {https://example.org/x},
  urldate = {2024-03-15},
  date    = {2024-02-01}
}
@article{emptyyear,
  author  = {Lee, Ann},
  title   = {Undated},
  journal = {J},
  year    = {},
  month   = jan,
  annote  = {Her own summary.},
  note    = {Preprint}
}
"""


@pytest.fixture(scope="module")
def bib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fidelity") / "repro.bib"
    path.write_text(REPRO, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def items(bib: Path) -> list:  # type: ignore[type-arg]
    return [to_csl(s) for s in read_bibliography([bib]).sources]


def texts(items: list, style: str, lang: str | None = None) -> dict[str, str]:  # type: ignore[type-arg]
    return reference_texts(items, resolve_style(style), lang)


def report(bib: Path, notes: dict[str, str] | None = None) -> AnnotatedBibliography:
    notes = notes or {}
    entries = tuple(
        AnnotatedEntry(s, (("summary", notes[s.key]),) if s.key in notes else ())
        for s in read_bibliography([bib]).sources
    )
    return AnnotatedBibliography("T", entries, (), ("summary",))


def test_style_locale_is_used_unless_lang_says_otherwise(items: list) -> None:  # type: ignore[type-arg]
    oscola = texts(items, "oscola")
    assert "‘Evidence Sharing’ (1 February 2024)" in oscola["gb"]
    assert oscola["gb"].endswith("accessed 15 March 2024")
    american = texts(items, "oscola", lang="en-US")
    assert "(February 1, 2024)" in american["gb"]
    # A style without default-locale stays American.
    assert "Accessed: Mar. 15, 2024" in texts(items, "ieee")["gb"]


def test_typed_curly_quotes_are_quotations(items: list) -> None:  # type: ignore[type-arg]
    chicago = texts(items, "chicago-author-date")["quotes"]
    assert "“Blue Jeans, Rape, and the ‘de-Constitutive’ Power of Law.”" in chicago
    oscola = texts(items, "oscola")["quotes"]
    assert "‘Blue Jeans, Rape, and the “de-Constitutive” Power of Law’" in oscola


def test_capitalised_and_braced_particles_stay_with_the_family_name(items: list) -> None:  # type: ignore[type-arg]
    apa = texts(items, "apa")
    assert apa["particle"].startswith("Van de Walle, J. S. (2009)")
    chicago = texts(items, "chicago-author-date")
    assert chicago["bracedvon"].startswith("van Hees, Vincent T. 2025.")
    # also where the particle is two words or joined by a hyphen (no "Hasan, ʿAlī al-")
    assert chicago["bracedvont"].startswith("van ’t Hof, Pim. 2009.")
    assert chicago["bracedal"].startswith("al-Hasan, ʿAlī. 2000.")
    # Sorted under V, after MacFarlane and Smith.
    order = [r.key for r in render_references(items, resolve_style("apa"))]
    assert order.index("particle") > order.index("gb") > order.index("software")


def test_software_keeps_its_type(items: list) -> None:  # type: ignore[type-arg]
    assert "(Version 3.1.11) [Computer software]. Zenodo." in texts(items, "apa")["software"]


def test_url_and_texttt_become_a_link_and_code(bib: Path) -> None:
    html = render_annotated(report(bib), resolve_style("apa"), ExportFormat.html).decode()
    assert '<a href="https://tool.example.org"' in html
    assert "<code>ggir</code>" in html


def test_html_hanging_indent_only_for_styles_that_have_it(bib: Path) -> None:
    notes = {"software": "A summary."}
    ieee = render_annotated(report(bib, notes), resolve_style("ieee"), ExportFormat.html).decode()
    assert 'class="references csl-bib-body"' in ieee
    assert "hanging-indent" not in ieee.split("<body>")[1]
    assert 'class="annotation after-left-margin"' in ieee
    apa = render_annotated(report(bib, notes), resolve_style("apa"), ExportFormat.html).decode()
    assert 'class="references csl-bib-body hanging-indent"' in apa
    assert "div.csl-bib-body.hanging-indent div.annotation { margin-left: 2em; }" in apa


def test_markdown_has_no_pandoc_markup(bib: Path) -> None:
    from cybercoop_cli.analysis.annotated import EntryGroup, GroupBy

    base = report(bib)
    keys = tuple(e.key for e in base.entries)
    grouped = AnnotatedBibliography(
        "T",
        base.entries,
        (EntryGroup("introduction", "Introduction", keys),),
        ("summary",),
        GroupBy.section,
    )
    for style in ("apa", "ieee", "oscola"):
        md = render_annotated(grouped, resolve_style(style), ExportFormat.md).decode()
        assert "{.nocase}" not in md and "{#" not in md and "]{" not in md, md
        assert "## Introduction" in md


def test_own_annotation_and_note_are_kept_beside_the_reading_note(bib: Path) -> None:
    notes = {"emptyyear": "My reading."}
    bibtex = write_bibtex(report(bib, notes).entries)
    assert "Her own summary.\n\nReading note: My reading." in bibtex
    data = json.loads(
        render_annotated(report(bib, notes), resolve_style("apa"), ExportFormat.csl_json)
    )
    item = next(i for i in data if i["id"] == "emptyyear")
    assert item["note"] == "Preprint\n\nReading note: My reading."
    assert item["annote"] == "Her own summary."


def test_empty_year_gives_no_date_and_months_stay_macros(bib: Path) -> None:
    data = json.loads(render_annotated(report(bib), resolve_style("apa"), ExportFormat.csl_json))
    item = next(i for i in data if i["id"] == "emptyyear")
    assert "issued" not in item
    bibtex = write_bibtex(report(bib).entries)
    assert "month   = jan," in bibtex


def test_csl_json_titles_are_as_written(bib: Path) -> None:
    data = json.loads(render_annotated(report(bib), resolve_style("apa"), ExportFormat.csl_json))
    by_id = {i["id"]: i for i in data}
    assert by_id["quotes"]["title"] == "Blue Jeans, Rape, and the “De-Constitutive” Power of Law"
    assert "<span" not in json.dumps(data)
    assert by_id["bracedvon"]["author"] == [
        {"family": "Hees", "given": "Vincent T", "non-dropping-particle": "van"}
    ]


@pytest.mark.parametrize(
    "short", ["apa", "mla", "chicago", "harvard", "ieee", "vancouver", "oscola"]
)
def test_short_style_names(short: str) -> None:
    style = resolve_style(short)
    assert style.path.stem == {"vancouver": "nlm-citation-sequence"}.get(short, SHORT_NAMES[short])


UNICODE_BIB = r"""
@book{zh, author = {王, 小明}, title = {网络犯罪的国际合作}, publisher = {法律出版社}, year = {2020}}
@book{ru, author = {Иванов, Иван}, title = {Киберпреступность ─ обзор}, publisher = {Наука}, year = {2019}}
@book{latin, author = {Doe, Jane}, title = {Plain Latin Title}, publisher = {P}, year = {2018}}
"""


def test_latex_sets_fonts_for_chinese_cyrillic_and_symbols(tmp_path: Path) -> None:
    import shutil
    import subprocess

    bib = tmp_path / "u.bib"
    bib.write_text(UNICODE_BIB, encoding="utf-8")
    notes = {"ru": "Note with ⁵⁶ typed in it."}
    tex = render_annotated(report(bib, notes), resolve_style("apa"), ExportFormat.latex).decode()
    assert "xeCJK" in tex and "Noto Serif CJK SC" in tex and "DejaVu Serif" in tex
    assert "网络犯罪的国际合作" in tex and "Киберпреступность" in tex
    latin = tmp_path / "l.bib"
    latin.write_text(
        UNICODE_BIB.split("\n@book{latin")[0].split("@book{zh")[0]
        + "@book{latin"
        + UNICODE_BIB.split("@book{latin")[1],
        encoding="utf-8",
    )
    plain = render_annotated(report(latin), resolve_style("apa"), ExportFormat.latex).decode()
    assert "Noto Serif CJK SC" not in plain and "DejaVu Serif" not in plain
    if shutil.which("xelatex") is None:
        pytest.skip("xelatex is not installed")
    (tmp_path / "doc.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
    # Compiled is not enough: a glyph the fonts lack is dropped with only a log line.
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log
    import pypdfium2

    pdf = pypdfium2.PdfDocument(tmp_path / "doc.pdf")
    text = "".join(pdf[index].get_textpage().get_text_range() for index in range(len(pdf)))
    for written in ("网络犯罪的国际合作", "Киберпреступность", "⁵⁶"):
        assert written in text
