"""``check``: the example's planted mistakes, the real manuscripts, .docx = .txt, each kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybercoop_cli.analysis.check import KINDS, check_manuscript
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.ingest.manuscript import parse_manuscript, read_manuscript
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.model import Annotation, Claim, Note, Person, Severity, Source


def kinds(report) -> list[tuple[str, int | None, str | None, str | None]]:  # type: ignore[no-untyped-def]
    return [
        (f.finding.kind, f.finding.line, f.finding.source, f.finding.candidate)
        for f in report.findings
    ]


def test_example_draft_reports_each_planted_mistake_and_nothing_else(example_project: Path) -> None:
    project = load_project(example_project)
    assert project.review.manuscript is not None
    manuscript = read_manuscript(
        example_project / project.review.manuscript, display="manuscript/draft.md"
    )
    report = check_manuscript(manuscript, project.sources, project.notes)
    assert kinds(report) == [
        ("name-mismatch", 37, None, "wickibirchler2020budapest"),  # "Wicki-Birchner"
        ("uncited-claim", 53, None, None),  # the 2016 Avalanche takedown (section 2)
        ("et-al-style", 62, "widodo2024international", None),  # five names spelt out
        ("year-mismatch", 73, None, "amoo2024legal"),  # Amoo et al. 2023 for 2024
        ("uncited-claim", 75, None, None),  # "Studies show" privacy point
        ("weak-support", 87, "brass2021adaptive", None),  # IoT source for capacity building
    ]
    weak = report.findings[-1].finding
    assert weak.hint and weak.severity is Severity.INFO
    assert all(m.grade.value in {"exact", "near"} for m in report.matches)
    assert len(report.matches) == 10


def test_inara_resolves_everything_and_reports_the_three_uncited(corpus: Path) -> None:
    folder = corpus / "joss-pandoc" / "inara"
    bibliography = read_bibliography([folder / "paper.bib"])
    manuscript = read_manuscript(folder / "paper.md")
    report = check_manuscript(manuscript, bibliography.sources, origin="bib")
    assert all(m.grade.value == "exact" for m in report.matches)
    assert not [f for f in report.findings if f.finding.kind == "unresolved-citation"]
    uncited = sorted(
        f.finding.source or "" for f in report.findings if f.finding.kind == "uncited-reference"
    )
    assert uncited == ["bradford1976", "chatops", "quarto"]


def test_papaja_tex_resolves_against_its_own_reference_list(corpus: Path) -> None:
    manuscript = read_manuscript(corpus / "papaja-apa" / "example.tex")
    sources = manuscript.reference_sources()
    report = check_manuscript(manuscript, sources, origin="reference-list")
    resolved = [
        (m.citation.authors[0], m.citation.year, m.grade.value, m.key) for m in report.matches
    ]
    assert len(resolved) == 21
    assert all(grade == "exact" for _, _, grade, _ in resolved), resolved
    assert ("Lenth", "2018", "exact", "lenth-2018") in resolved
    assert ("Lenth", "2015", "exact", "lenth-2015") in resolved
    assert ("R Core Team", "2015", "exact", "rcoreteam-2015") in resolved
    assert ("Müller", "2017", "exact", "muller-2017") in resolved
    kinds_found = {f.finding.kind for f in report.findings}
    assert "uncited-reference" not in kinds_found and "unresolved-citation" not in kinds_found


def test_papaja_rmd_has_no_citation_for_cross_references_or_code(corpus: Path) -> None:
    folder = corpus / "papaja-apa"
    bibliography = read_bibliography([folder / "references.bib", folder / "r-references.bib"])
    report = check_manuscript(read_manuscript(folder / "example.rmd"), bibliography.sources)
    assert [(m.citation.key, m.grade.value) for m in report.matches] == [
        ("bem_2011", "exact"),
        ("james_1890", "exact"),
        ("james_1890", "exact"),
    ]


def test_docx_gives_the_same_findings_as_txt(example_project: Path, tmp_path: Path) -> None:
    import docx

    project = load_project(example_project)
    draft = (example_project / "manuscript" / "draft.md").read_text(encoding="utf-8")
    # One line per paragraph, headings without '#': the same text as .txt and as .docx.
    paragraphs = [" ".join(p.replace("#", "").split()) for p in draft.split("\n\n")]
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    txt = tmp_path / "draft.txt"
    txt.write_text("\n".join(lines), encoding="utf-8")
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(tmp_path / "draft.docx"))

    def run(path: Path) -> list[tuple[str, str, int | None, str | None, str | None, str]]:
        report = check_manuscript(
            read_manuscript(path, display="draft"), project.sources, project.notes
        )
        return [
            (
                f.finding.kind,
                f.finding.severity.value,
                f.finding.line,
                f.finding.source,
                f.finding.candidate,
                f.finding.message,
            )
            for f in report.findings
        ]

    from_txt, from_docx = run(txt), run(tmp_path / "draft.docx")
    assert from_txt == from_docx
    assert [f[0] for f in from_txt] == [
        "name-mismatch",
        "uncited-claim",
        "et-al-style",
        "year-mismatch",
        "uncited-claim",
        "weak-support",
    ]
    docx_report = check_manuscript(read_manuscript(tmp_path / "draft.docx"), project.sources)
    assert all(f.paragraph == f.finding.line for f in docx_report.findings if f.finding.line)


SOURCES = (
    Source(
        key="chang2020",
        entry_type="book",
        file="r.bib",
        line=3,
        authors=(Person(family="Chang"),),
        year=2020,
        title="Frameworks",
    ),
    Source(
        key="lee2018a",
        entry_type="book",
        file="r.bib",
        line=9,
        authors=(Person(family="Lee"),),
        year=2018,
        title="A",
    ),
    Source(
        key="lee2018b",
        entry_type="book",
        file="r.bib",
        line=12,
        authors=(Person(family="Lee"),),
        year=2018,
        title="B",
    ),
    Source(
        key="unused",
        entry_type="book",
        file="r.bib",
        line=20,
        authors=(Person(family="Nobody"),),
        year=2001,
        title="Unused",
    ),
    Source(
        key="duo",
        entry_type="book",
        file="r.bib",
        line=30,
        authors=(Person(family="Brass"), Person(family="Sowell")),
        year=2021,
        title="IoT",
    ),
)
NOTES = (
    Note(
        key="chang2020",
        file="notes/chang.md",
        line=1,
        annotation=Annotation(summary="The Budapest Convention is the only binding treaty."),
        claims=(
            Claim(
                text="The Convention harmonises offences.",
                quote="the only binding international instrument on cybercrime",
                line=7,
            ),
        ),
    ),
)


def check(text: str, notes: tuple[Note, ...] = NOTES):  # type: ignore[no-untyped-def]
    return check_manuscript(parse_manuscript(text, "markdown", "m.md"), SOURCES, notes)


def test_each_citation_kind_once() -> None:
    text = (
        "Known (Chang, 2020). Unknown (Zed, 2020). Vague (Lee, 2018). "
        "Style (Brass et al., 2021). Key [@nokey].\n"
    )
    found = kinds(check(text))
    assert found == [
        ("unresolved-citation", 1, None, None),
        ("ambiguous-citation", 1, None, None),
        ("et-al-style", 1, "duo", None),
        ("unresolved-citation", 1, None, None),
        ("uncited-reference", 20, "unused", None),
    ]
    report = check(text)
    assert "lee2018a, lee2018b" in report.findings[1].finding.message
    assert report.fails(Severity.ERROR) and report.fails(Severity.INFO)


def test_quotes_need_a_page_and_must_match_the_note() -> None:
    ok = check(
        'Chang (2020) calls it "the only binding international instrument on cybercrime" (p. 3). '
        "Also (Lee, 2018a; Lee, 2018b; Brass & Sowell, 2021) and (Nobody, 2001)."
    )
    assert [k for k, *_ in kinds(ok)] == []
    missing = check(
        'It is "the only binding international instrument on cybercrime" (Chang, 2020).'
    )
    assert [k for k, *_ in kinds(missing)][:1] == ["quote-without-page"]
    wrong = check('It is "the one and only treaty against all cybercrime" (Chang, 2020, p. 4).')
    found = [k for k, *_ in kinds(wrong)]
    assert "quote-mismatch" in found and "quote-without-page" not in found


def test_uncited_claim_signals() -> None:
    for text in (
        "Crime rose by 45% last year.",
        "Research has shown that it works.",
        "In 2016 the network was dismantled.",
        "Losses reached 3,500,000 euros.",
    ):
        report = check(
            text
            + "\n\nCited (Chang, 2020; Lee, 2018a; Lee, 2018b; Brass & Sowell, 2021; Nobody, 2001)."
        )
        assert [k for k, *_ in kinds(report)] == ["uncited-claim"], text
    calm = check("We argue that cooperation matters. Error bars show 95% confidence intervals.")
    assert "uncited-claim" not in [k for k, *_ in kinds(calm)]


def test_every_kind_is_documented_in_the_docs() -> None:
    section = (Path(__file__).resolve().parents[2] / "docs" / "check.md").read_text("utf-8")
    for kind in KINDS:
        assert f"`{kind}`" in section, kind


@pytest.mark.parametrize("kind", list(KINDS))
def test_kinds_have_a_severity_and_description(kind: str) -> None:
    severity, description = KINDS[kind]
    assert isinstance(severity, Severity) and description


def test_an_ambiguous_citation_names_ten_candidates_and_counts_the_rest() -> None:
    from cybercoop_cli.analysis.check import LISTED_CANDIDATES
    from cybercoop_cli.render.check_json import check_json

    many = tuple(
        Source(
            key=f"wang2020{letter}",
            entry_type="article",
            file="r.bib",
            line=index,
            authors=(Person(family="Wang"),),
            year=2020,
            title=f"Work {letter}",
        )
        for index, letter in enumerate("abcdefghijklmnopqrstuvwxy")
    )
    manuscript = parse_manuscript("As shown (Wang, 2020).\n", "markdown", "m.md")
    report = check_manuscript(manuscript, many, ())
    (finding,) = [f for f in report.findings if f.finding.kind == "ambiguous-citation"]
    message = finding.finding.message
    assert "fits 25 sources" in message and "wang2020j and 15 more" in message
    assert "wang2020k" not in message
    (citation,) = check_json(report, manuscript)["citations"]
    assert citation["candidate_count"] == 25
    assert citation["candidates"] == [f"wang2020{c}" for c in "abcdefghij"]
    assert len(citation["candidates"]) == LISTED_CANDIDATES
    # All 25 still count as cited: only what is listed is cut, not what is known.
    assert not [f for f in report.findings if f.finding.kind == "uncited-reference"]


def test_findings_about_a_guessed_reference_entry_are_warnings() -> None:
    # The second entry has no recognisable author list: what check reads from it is a
    # guess, so a mismatch against it must not fail the check.
    text = (
        "As shown (Smith, 2011) and (Proceedings, 2015).\n\n"
        "References\n\n"
        "Smith, J. (2010). A study. A journal.\n\n"
        "Proceedings of the workshop on something held in 2015 somewhere\n"
    )
    manuscript = parse_manuscript(text, "text")
    sources = manuscript.reference_sources()
    report = check_manuscript(manuscript, sources, origin="reference-list")
    severities = {f.finding.kind: f.finding.severity for f in report.findings}
    assert severities["year-mismatch"] is Severity.ERROR  # against a confident entry
    guessed = [f for f in report.findings if "read with confidence" in f.finding.message]
    assert guessed and all(f.finding.severity is Severity.WARNING for f in guessed)


def test_numbered_apa_list_gives_no_error_when_nothing_is_wrong() -> None:
    # The shape of a student paper: APA entries under numbers ("1. Amoo, O. O., ...").
    text = (
        "Modernisation is urged (Amoo et al., 2024). Capacity matters (Brass & Sowell, 2021).\n"
        "Chang (2020) describes the Budapest Convention; Sekati (2022) extradition.\n\n"
        "References\n\n"
        "1. Amoo, O. O., Atadoga, A., Abrahams, T. O., & Ajoke, O. (2024). The legal\n"
        "landscape of cybercrime. World Journal of Advanced Research and Reviews.\n"
        "2. Brass, I., & Sowell, J. H. (2021). Adaptive governance for the Internet of\n"
        "Things. Regulation & Governance, 15(4), 1092-1110.\n"
        "3. Chang, L. Y. C. (2020). Legislative frameworks against cybercrime. In T. J.\n"
        "Holt & A. M. Bossler (Eds.), The Palgrave Handbook (pp. 327-343). Palgrave.\n"
        "4. Sekati, P. N. M. (2022). Assessing the effectiveness of extradition.\n"
        "Comparative and International Law Journal of Southern Africa, 55(1).\n"
    )
    manuscript = parse_manuscript(text, "text")
    sources = manuscript.reference_sources()
    assert [s.key for s in sources] == ["amoo-2024", "brass-2021", "chang-2020", "sekati-2022"]
    report = check_manuscript(manuscript, sources, origin="reference-list")
    assert [m.grade.value for m in report.matches] == ["exact"] * 4
    assert not [f for f in report.findings if f.finding.severity is Severity.ERROR]


ALL_CITED = " Cited (Lee, 2018a; Lee, 2018b; Brass & Sowell, 2021; Nobody, 2001)."


def test_an_uncited_statistic_is_found_in_a_paragraph_that_cites_something_else() -> None:
    report = check("Chang (2020) studied the treaty. Crime rose by 45% last year." + ALL_CITED)
    assert [(f.finding.kind, f.finding.message) for f in report.findings] == [
        ("uncited-claim", "this sentence states a figure ('45%') and cites no source")
    ]
    # A sentence that goes on about the work just cited is covered by its citation.
    covered = check("Chang (2020) surveyed 300 firms. They found that 45% had no plan." + ALL_CITED)
    assert kinds(covered) == []
    # A paragraph that cites nothing still gets one finding, not one per sentence.
    uncited = check(
        "Crime rose by 45%. Losses reached 3,500,000 euros.\n\nOk (Chang, 2020)." + ALL_CITED
    )
    assert [f.finding.message for f in uncited.findings] == [
        "this paragraph states a figure ('45%') and cites no source"
    ]


def test_a_year_in_parentheses_dates_a_work_and_states_no_event() -> None:
    report = check("We read Understanding Software (2002) and others (Wiley, 1999)." + ALL_CITED)
    assert "uncited-claim" not in [k for k, *_ in kinds(report)]


def test_a_publication_note_is_no_citation_unless_a_source_fits_it() -> None:
    report = check("Chang wrote Open Source Development (Addison-Wesley, 2002)." + ALL_CITED)
    assert [m.citation.text for m in report.matches if m.citation.year == "2002"] == []
    assert kinds(report) == [("uncited-reference", 3, "chang2020", None)]
    # A publisher that is also the author of a listed source is cited.
    springer = Source(
        key="springer",
        entry_type="report",
        file="r.bib",
        line=40,
        title="Annual report",
        authors=(Person(family="Springer"),),
        year=2019,
    )
    text = "As reported (Springer, 2019) and (Chang, 2020)." + ALL_CITED
    cited = check_manuscript(parse_manuscript(text, "markdown", "m.md"), (*SOURCES, springer))
    assert [m.key for m in cited.matches][:2] == ["springer", "chang2020"]


def test_nocite_marks_an_entry_cited_but_covers_no_claim() -> None:
    sources = (
        Source(
            key="a",
            entry_type="misc",
            file="r.bib",
            line=1,
            title="T",
            year=2000,
            authors=(Person(family="Au"),),
        ),
        Source(
            key="b",
            entry_type="misc",
            file="r.bib",
            line=2,
            title="T",
            year=2000,
            authors=(Person(family="Bu"),),
        ),
    )
    text = "\\begin{document}\nCrime rose by 45\\% last year. \\nocite{a}\n\\end{document}"
    report = check_manuscript(parse_manuscript(text, "latex", "m.tex"), sources, origin="bib")
    assert [(f.finding.kind, f.finding.source) for f in report.findings] == [
        ("uncited-claim", None),
        ("uncited-reference", "b"),
    ]
    star = "\\begin{document}\nNothing \\cite{a}. \\nocite{*}\n\\end{document}"
    report = check_manuscript(parse_manuscript(star, "latex", "m.tex"), sources, origin="bib")
    assert kinds(report) == []
    assert [m.citation.key for m in report.matches] == ["a"]


def test_context_on_a_very_long_line_is_a_window_around_the_finding() -> None:
    line = " ".join(f"word{n}" for n in range(3_000)) + " (Zed, 2020) " + "tail " * 3_000
    report = check(line + "\n\n" + ALL_CITED + " (Chang, 2020).")
    unresolved = next(f for f in report.findings if f.finding.kind == "unresolved-citation")
    assert unresolved.context.startswith("…") and unresolved.context.endswith("…")
    assert "word2999 (Zed, 2020) tail" in unresolved.context
    assert len(unresolved.context) <= 162
