"""Citations from Zotero, Mendeley and EndNote fields resolve from their item data."""

from __future__ import annotations

from pathlib import Path

from cybercoop_cli.analysis.check import CheckReport, check_manuscript
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.ingest.manuscript import read_manuscript
from tests.ingest.test_docx import BIB, make_docx, manuscript_paragraphs


def _check(
    tmp_path: Path, *, bib: bool = True, smith_visible: str = "(Smith, 2020)"
) -> CheckReport:
    path = make_docx(tmp_path / "paper.docx", manuscript_paragraphs(smith_visible=smith_visible))
    manuscript = read_manuscript(path)
    if bib:
        (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
        sources = read_bibliography([tmp_path / "refs.bib"]).sources
        return check_manuscript(manuscript, sources, origin="bib")
    return check_manuscript(manuscript, manuscript.reference_sources(), origin="reference-list")


def _findings(report: CheckReport) -> list[tuple[str, str | None, str | None]]:
    return [(f.finding.kind, f.finding.source, f.finding.candidate) for f in report.findings]


def test_each_item_resolves_exactly_from_its_data(tmp_path: Path) -> None:
    report = _check(tmp_path)
    # Two sources are "Smith (2020)": the visible text alone is ambiguous, the DOI is not.
    assert [(m.key, m.grade.value) for m in report.matches] == [
        ("smith2020coop", "exact"),  # Zotero: by DOI
        ("lee2019", "exact"),  # Mendeley: by title, case aside
        ("brown2018", "exact"),  # EndNote: by title
    ]
    findings = _findings(report)
    assert ("ambiguous-citation", None, None) not in findings
    assert ("uncited-reference", "smith2020other", None) in findings
    # Brown (2018) is cited but the bibliography field was not refreshed to list it.
    missing = [f for f in report.findings if f.finding.kind == "unresolved-citation"]
    assert len(missing) == 1
    assert (
        "Brown" in missing[0].finding.message and "bibliography field" in missing[0].finding.message
    )
    assert missing[0].paragraph == 2
    assert not [k for k, *_ in findings if k in {"name-mismatch", "year-mismatch"}]


def test_visible_text_edited_by_hand_is_a_finding(tmp_path: Path) -> None:
    report = _check(tmp_path, smith_visible="(Smith, 2021)")
    edited = [f for f in report.findings if f.finding.kind == "year-mismatch"]
    assert len(edited) == 1
    assert "(Smith, 2021)" in edited[0].finding.message
    assert "(Smith, 2020)" in edited[0].finding.message
    # The citation still resolves from its data, not from the edited text.
    assert report.matches[0].key == "smith2020coop"
    renamed = _check(tmp_path, smith_visible="(Smyth, 2020)")
    assert [f.finding.kind for f in renamed.findings].count("name-mismatch") == 1


def test_without_a_bib_the_bibliography_field_is_the_reference_list(tmp_path: Path) -> None:
    report = _check(tmp_path, bib=False)
    grades = [(m.citation.authors, m.grade.value) for m in report.matches]
    assert grades == [(("Smith",), "exact"), (("Lee",), "exact"), (("Brown",), "none")]
    kinds = sorted(f.finding.kind for f in report.findings)
    # Brown is in no source; "Unrelated (2001)" is listed and never cited.
    assert kinds == ["uncited-reference", "unresolved-citation"]
