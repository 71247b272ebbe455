"""init: the review file round-trips through the reader; nothing is overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybercoop_cli.errors import OutputError, UsageError
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.ingest.review import read_review
from cybercoop_cli.workflow.scaffold import ReviewPlan, init_review, parse_items, slug


def test_init_writes_a_review_the_reader_accepts(tmp_path: Path) -> None:
    plan = ReviewPlan(
        title='Cooperation: "does it work?"',
        question="How effective is cooperation against cybercrime, and what would help?",
        facets=parse_items(
            ["effectiveness=How well does it work?", "Which reforms would help?"], "facet"
        ),
        sections=parse_items(
            ["intro=Introduction", "1. The legal framework", "Conclusion"], "section"
        ),
        style="modern-language-association",
    )
    folder = tmp_path / "new" / "review"
    result = init_review(folder, plan)
    assert {p.name for p in result.created} == {
        "references",
        "notes",
        ".gitignore",
        "README.md",
        "cybercoop.yaml",
    }
    review = read_review(folder / "cybercoop.yaml")
    assert review.title == plan.title and review.question == plan.question
    assert [(f.id, f.question) for f in review.facets] == [
        ("effectiveness", "How well does it work?"),
        ("reforms-help", "Which reforms would help?"),
    ]
    assert [(s.id, s.title, s.needs_support) for s in review.sections] == [
        ("intro", "Introduction", True),
        ("legal-framework", "1. The legal framework", True),
        ("conclusion", "Conclusion", False),
    ]
    assert review.style == "modern-language-association"
    assert "cybercoop import" in (folder / "README.md").read_text()
    assert ".cybercoop-cache/" in (folder / ".gitignore").read_text().splitlines()
    project = load_project(folder)
    assert project.sources == () and [p.code for p in project.problems] == ["no-references"]


def test_default_outline_when_no_sections(tmp_path: Path) -> None:
    init_review(tmp_path, ReviewPlan("T", "Q?"))
    review = read_review(tmp_path / "cybercoop.yaml")
    assert [s.id for s in review.sections] == [
        "introduction",
        "background",
        "discussion",
        "conclusion",
    ]
    assert review.facets == ()


def test_refuses_an_existing_review_and_keeps_existing_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine\n")
    result = init_review(tmp_path, ReviewPlan("T", "Q?"))
    assert tmp_path / "README.md" in result.kept
    assert (tmp_path / "README.md").read_text() == "mine\n"
    before = (tmp_path / "cybercoop.yaml").read_bytes()
    with pytest.raises(OutputError, match="already a review"):
        init_review(tmp_path, ReviewPlan("Other", "Other?"))
    assert (tmp_path / "cybercoop.yaml").read_bytes() == before


def test_items_and_slugs() -> None:
    assert slug("1. The current legal framework") == "current-legal-framework"
    assert slug("Introduction", ["introduction"]) == "introduction-2"
    assert slug("Ökonomie der Überwachung") == "okonomie-der-uberwachung"
    with pytest.raises(UsageError, match="twice"):
        parse_items(["a=One", "a=Two"], "section")
    with pytest.raises(UsageError, match="empty"):
        parse_items([" "], "facet")
    # an '=' inside a title that is not an id prefix stays in the text
    (item,) = parse_items(["E = mc2 in law"], "section")
    assert item.text == "E = mc2 in law"


def test_an_id_with_spaces_around_the_equals_sign_is_read_as_an_id() -> None:
    items = parse_items(
        ["intro = Introduction", "framework  =  1. The legal framework", "Cost = benefit"],
        "section",
    )
    assert [(i.id, i.text) for i in items] == [
        ("intro", "Introduction"),
        ("framework", "1. The legal framework"),
        ("cost-benefit", "Cost = benefit"),  # a capitalised word before '=' starts a title
    ]
