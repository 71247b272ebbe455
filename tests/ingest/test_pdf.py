"""Reading PDF manuscripts: lines, pages, running headers, hyphens, superscripts, errors.

The PDFs are generated here with fpdf2, every line placed by hand, so each test knows
exactly where the line breaks, headers and superscripts are. A last test reads the real
JOSS papers in the shared corpus and compares ``check paper.pdf`` with pandoc's keys in
``paper.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from cybercoop_cli.analysis.check import check_manuscript
from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.manuscript import read_manuscript
from cybercoop_cli.ingest.pdf import read_pdf_lines
from cybercoop_cli.model import Severity

fpdf = pytest.importorskip("fpdf")

Line = tuple[float, str] | tuple[float, str, float]  # (x, text) or (x, text, size)


def make_pdf(path: Path, pages: list[list[Line]], *, header: str = "", **extra: object) -> Path:
    """One line per entry, 6 mm apart, from the top margin; a running header and a page
    number on every page when ``header`` is given; (x, text) lines in 11 pt type."""
    document = fpdf.FPDF(unit="mm", format="A4")
    document.set_auto_page_break(False)
    if extra.get("password"):
        document.set_encryption(owner_password="owner", user_password=str(extra["password"]))
    for number, lines in enumerate(pages, 1):
        document.add_page()
        document.set_font("helvetica", size=9)
        if header:
            document.text(20, 12, header)
            document.text(105, 287, str(number))
        y = 30.0
        for line in lines:
            x, text = line[0], line[1]
            size = line[2] if len(line) > 2 else 11  # type: ignore[misc]
            document.set_font("helvetica", size=size)
            if text:
                _place(document, x, y, text, size)
            y += 6 if size <= 11 else 10
    document.output(str(path))
    return path


def _place(document: object, x: float, y: float, text: str, size: float) -> None:
    """Text with ^{...} set as superscript: smaller and raised."""
    pdf = document  # an FPDF
    while text:
        start = text.find("^{")
        plain = text if start < 0 else text[:start]
        if plain:
            pdf.set_font_size(size)  # type: ignore[attr-defined]
            pdf.text(x, y, plain)  # type: ignore[attr-defined]
            x += pdf.get_string_width(plain)  # type: ignore[attr-defined]
        if start < 0:
            break
        end = text.index("}", start)
        raised = text[start + 2 : end]
        pdf.set_font_size(size * 0.6)  # type: ignore[attr-defined]
        pdf.text(x, y - size * 0.14, raised)  # type: ignore[attr-defined]
        x += pdf.get_string_width(raised)  # type: ignore[attr-defined]
        text = text[end + 1 :]


M = 20.0  # left margin, mm
INDENT = 28.0  # hanging indent of reference entries

AUTHOR_DATE = [
    [
        (M, "Cooperation in Groups", 16),
        (M, "Introduction", 13),
        (M, "Groups cooperate when trust is high (Smith & Jones, 2020). Earlier coop-"),
        (M, "eration studies (Lee, 2019) agree with this. Large-scale work by Wicki-"),
        (M, "Birchler confirms the pattern for villages in the mountains (Brown, 2018)."),
        (M, ""),
        (M, "A second paragraph repeats the point about large-scale effects in a sentence"),
        (M, "that runs across the line, and it cites nobody at all, which is allowed."),
    ],
    [
        (M, "The last paragraph cites a missing work (Miller, 2015) and ends here."),
        (M, ""),
        (M, "References", 13),
        (M, "Brown, C. (2018). Commons and their keepers. Journal of Commons Studies,"),
        (INDENT, "3(1), 1-10."),
        (M, "Lee, B. (2019). Trust and reciprocity in villages. Journal of Trust, 4(2),"),
        (INDENT, "2-20."),
        (M, "Smith, A., & Jones, D. (2020). Cooperation in small groups. Journal of"),
        (INDENT, "Groups, 1(1), 5-9."),
    ],
]


@pytest.fixture
def author_date_pdf(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "paper.pdf", AUTHOR_DATE, header="Journal of Tests 12 (2024)")


def test_lines_know_their_page_and_number(author_date_pdf: Path) -> None:
    lines = read_pdf_lines(author_date_pdf)
    first = [line for line in lines if line.text.startswith("Groups cooperate")]
    assert [(line.page, line.number) for line in first] == [(1, 4)]  # header, title, heading
    assert any(line.hyphenated or line.text.endswith("-") for line in lines)


def test_headers_and_page_numbers_are_dropped_and_hyphens_joined(author_date_pdf: Path) -> None:
    manuscript = read_manuscript(author_date_pdf)
    assert manuscript.kind == "pdf"
    assert "Journal of Tests" not in manuscript.text
    assert "\n1\n" not in manuscript.source and not manuscript.source.endswith("\n2")
    assert "Earlier cooperation studies" in manuscript.text  # a word broken at the line end
    assert "Wicki-Birchler" in manuscript.text  # a hyphen that belongs to the name stays
    assert "large-scale" not in manuscript.text.lower().replace("large-scale", "", 2)
    # Paragraphs are blocks of their own; the heading is found; entries are read whole.
    assert [(r.authors, r.year) for r in manuscript.references] == [
        (("Brown",), "2018"),
        (("Lee",), "2019"),
        (("Smith", "Jones"), "2020"),
    ]
    assert "Journal of Commons Studies, 3(1), 1-10." in manuscript.references[0].text
    assert "References" not in manuscript.body


def test_findings_carry_the_page_and_the_line_on_it(author_date_pdf: Path) -> None:
    manuscript = read_manuscript(author_date_pdf)
    report = check_manuscript(manuscript, manuscript.reference_sources(), origin="reference-list")
    resolved = [(m.citation.authors, m.grade.value) for m in report.matches]
    assert resolved == [
        (("Smith", "Jones"), "exact"),
        (("Lee",), "exact"),
        (("Brown",), "exact"),
        (("Miller",), "none"),
    ]
    (missing,) = [f for f in report.findings if f.finding.kind == "unresolved-citation"]
    # Page 2: the running header is line 1, the citing line is line 2.
    assert (missing.page, missing.page_line) == (2, 2)
    assert "missing work (Miller, 2015)" in missing.context
    lee = report.matches[1].citation.start
    assert manuscript.page_line(lee) == (1, 5)


def test_check_a_pdf_end_to_end(author_date_pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cybercoop_cli.cli.app import app

    monkeypatch.chdir(author_date_pdf.parent)  # no review here: the PDF's own list is used
    runner = CliRunner()
    result = runner.invoke(app, ["check", str(author_date_pdf), "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["citations"] == 4 and data["summary"]["exact"] == 3
    (finding,) = [f for f in data["findings"] if f["kind"] == "unresolved-citation"]
    assert (finding["page"], finding["page_line"]) == (2, 2)
    assert [c["page"] for c in data["citations"]] == [1, 1, 1, 2]
    text = runner.invoke(app, ["check", str(author_date_pdf)])
    assert f"{author_date_pdf}: page 2, line 2: error [unresolved-citation]" in text.stdout


def test_superscript_numbers_become_markers_beside_a_numbered_list(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "numeric.pdf",
        [
            [
                (M, "Trust grows in small groups^{1,2} and decays in large ones^{3-5}. An"),
                (M, "area of 20 m^{2} is small; 10^{5} is large; a footnote mark^{6} is no"),
                (M, "citation, because its number opens a note at the foot of the page."),
                (M, ""),
                (M, "References", 13),
                (M, "1. Smith, A. (2020). Cooperation in small groups. J. Groups, 1, 5-9."),
                (M, "2. Lee, B. (2019). Trust and reciprocity. J. Trust, 4, 2-20."),
                (M, "3. Brown, C. (2018). Commons. J. Commons, 3, 1-10."),
                (M, "4. Ames, D. (2017). Scale. J. Scale, 2, 1-2."),
                (M, "5. Kim, E. (2016). Decay. J. Decay, 9, 3-4."),
                (M, ""),
                (M, "^{6}A note in smaller type.", 8),
            ]
        ],
    )
    manuscript = read_manuscript(path)
    assert "small groups[1,2] and decays in large ones[3-5]." in manuscript.text
    assert "m2 is small; 105 is large" in manuscript.text  # exponents stay as they are
    assert "[6]" not in manuscript.text  # a note mark: its number labels a note
    at = manuscript.text.index("[3-5]")
    assert manuscript.page_line(at) == (1, 1)
    assert manuscript.source[manuscript.source_offset(at)] == "3"


def test_superscripts_beside_an_author_date_list_are_note_marks(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "notes.pdf",
        [
            [
                (M, "Trust grows in small groups (Smith, 2020).^{1} It is a known effect."),
                (M, ""),
                (M, "References", 13),
                (M, "Smith, A. (2020). Cooperation in small groups. J. Groups, 1, 5-9."),
            ]
        ],
    )
    manuscript = read_manuscript(path)
    assert "[1]" not in manuscript.text
    assert "(Smith, 2020).1 It is" in manuscript.text


def test_an_entry_that_opens_a_page_is_not_joined_to_the_one_before(tmp_path: Path) -> None:
    """A list set with a hanging indent, broken across pages after an entry that ends in
    a DOI (no full stop): the entry opening the next page is an entry of its own (a real
    JOSS PDF lost its "S. de Souza ... (2022)" entry into the one before)."""
    path = make_pdf(
        tmp_path / "pages.pdf",
        [
            [
                (M, "Trust grows in groups (Brown, 2018; Lee, 2019) and in villages."),
                (M, ""),
                (M, "References", 13),
                (M, "Brown, C. (2018). Commons and their keepers. Journal of Commons Studies,"),
                (INDENT, "3(1), 1-10. doi:10.1000/commons.2018.113"),
            ],
            [
                (M, "Lee, B. (2019). Trust and reciprocity in villages and towns. Journal of"),
                (INDENT, "Trust, 4(2), 2-20."),
            ],
        ],
        header="Journal of Tests 12 (2024)",
    )
    manuscript = read_manuscript(path)
    assert [entry.authors for entry in manuscript.references] == [("Brown",), ("Lee",)]
    report = check_manuscript(manuscript, manuscript.reference_sources(), origin="reference-list")
    assert report.count(Severity.ERROR) == 0 and report.source_count == 2


def test_two_columns_are_read_column_by_column(tmp_path: Path) -> None:
    document = fpdf.FPDF(unit="mm", format="A4")
    document.set_auto_page_break(False)
    document.add_page()
    document.set_font("helvetica", size=10)
    left = ["The left column starts a", "sentence (Smith, 2020) that", "ends in this column."]
    right = ["The right column has its", "own sentence (Lee, 2019)", "and ends it here."]
    for row, text in enumerate(left):
        document.text(20, 30 + 5 * row, text)
    for row, text in enumerate(right):
        document.text(110, 30 + 5 * row, text)
    document.output(str(tmp_path / "columns.pdf"))
    manuscript = read_manuscript(tmp_path / "columns.pdf")
    flat = " ".join(manuscript.text.split())
    assert "sentence (Smith, 2020) that ends in this column." in flat
    assert flat.index("ends in this column") < flat.index("The right column")
    right_at = manuscript.text.index("own sentence")
    assert manuscript.page_line(right_at) == (1, 2)  # rows from the top of the page


def test_damaged_encrypted_and_wrong_files_are_one_clear_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cybercoop_cli.cli.app import app

    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated")
    not_pdf = tmp_path / "letter.pdf"
    not_pdf.write_bytes(b"PK\x03\x04 a zip, not a PDF")
    empty = make_pdf(tmp_path / "blank.pdf", [[]])
    locked = make_pdf(tmp_path / "locked.pdf", AUTHOR_DATE, password="secret")
    cases = [
        (damaged, "cannot open the PDF"),
        (not_pdf, "not a PDF file"),
        (empty, "no text layer"),
        (locked, "password"),
    ]
    for path, message in cases:
        with pytest.raises(InputError, match=message):
            read_manuscript(path)
        result = CliRunner().invoke(app, ["check", str(path)])
        assert result.exit_code == 3, (path, result.output)
        assert "Traceback" not in result.output
        assert f"{path}: " in result.output and message in result.output


# ----------------------------------------------------------------------------- real PDFs


def _keys(data: dict[str, object]) -> Counter[str]:
    citations = data["citations"]
    assert isinstance(citations, list)
    return Counter(c["key"] for c in citations if c["match"] == "exact")


def test_joss_pdfs_agree_with_pandoc_keys_in_the_markdown(corpus: Path) -> None:
    """``check paper.pdf --bib paper.bib`` against ``check paper.md --bib paper.bib``, whose
    ``[@key]`` citations are the oracle: the same keys, as often. All 21 cited keys are
    found ("LimeSurvey Project Team / Carsten Schmitz, 2012" and "S. de Souza ... 2022"
    were missed before), and no key the Markdown does not cite."""
    from typer.testing import CliRunner

    from cybercoop_cli.cli.app import app

    runner = CliRunner()
    oracle_total = found_total = agreed_total = 0
    for folder in sorted((corpus / "joss-pdf").iterdir()):
        bib = str(folder / "paper.bib")
        runs = [
            runner.invoke(
                app, ["check", str(folder / f"paper.{kind}"), "--bib", bib, "-f", "json", "-q"]
            )
            for kind in ("md", "pdf")
        ]
        assert all(r.exit_code in {0, 1} for r in runs), [r.output[-300:] for r in runs]
        oracle, found = (_keys(json.loads(r.stdout)) for r in runs)
        oracle_total += sum(oracle.values())
        found_total += sum(found.values())
        agreed_total += sum((oracle & found).values())
        pdf_data = json.loads(runs[1].stdout)
        assert all(c["page"] >= 1 and c["page_line"] >= 1 for c in pdf_data["citations"])
    assert oracle_total >= 21
    assert agreed_total == oracle_total  # recall of the oracle's citations
    assert agreed_total == found_total  # precision: every key found is one the oracle cites


def test_joss_pdfs_against_their_own_reference_lists_give_no_error(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Published papers whose every citation resolves: an error on them is a false alarm
    (before: an unresolved "LimeSurvey Project Team / Carsten Schmitz, 2012", and a
    "S. de Souza" entry lost at a page break, then misread as one person)."""
    from typer.testing import CliRunner

    from cybercoop_cli.cli.app import app

    monkeypatch.chdir(tmp_path)  # no review here: the paper's own list is used
    for folder in sorted((corpus / "joss-pdf").iterdir()):
        result = CliRunner().invoke(app, ["check", str(folder / "paper.pdf"), "-f", "json"])
        assert result.exit_code == 0, result.output[-500:]
        data = json.loads(result.stdout)
        assert data["summary"]["errors"] == 0 and data["sources"], folder.name
