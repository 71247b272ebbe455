from __future__ import annotations

from pathlib import Path

from cybercoop_cli.analysis.links import SUGGEST_THRESHOLD, normalise, suggest_links
from cybercoop_cli.model import Claim, Facet, Note, Review, Section


def make_review() -> Review:
    return Review(
        file=Path("cybercoop.yaml"),
        title="t",
        question="q",
        facets=(Facet("cost", "What does it cost?", ("price", "budget")),),
        sections=(
            Section("methods", "Methods", "How the survey was sampled", ("sampling", "survey")),
            Section("history", "History", "The treaty's origins", ("treaty", "negotiation")),
        ),
        references_dir=Path("references"),
        notes_dir=Path("notes"),
    )


def test_normalise_drops_function_words_and_plurals() -> None:
    assert normalise("The Surveys of the Treaties") == "survey treaty"


def test_untagged_claims_get_the_best_target_with_a_score() -> None:
    notes = [
        Note(
            "k",
            "n.md",
            1,
            claims=(
                Claim("The survey sampling was random", facets=("cost",)),
                Claim("Negotiation of the treaty took years", sections=("history",)),
                Claim("Zebras quietly graze", sections=("methods",), facets=("cost",)),
            ),
        )
    ]
    suggestions = suggest_links(notes, make_review())
    by_text = {(s.claim.text, s.kind): s for s in suggestions}
    assert by_text[("The survey sampling was random", "section")].target == "methods"
    assert by_text[("Negotiation of the treaty took years", "facet")].target is None
    assert by_text[("Negotiation of the treaty took years", "facet")].score < SUGGEST_THRESHOLD
    # Fully tagged claims get no suggestion.
    assert all(s.claim.text != "Zebras quietly graze" for s in suggestions)


def test_shipped_example_suggestions(example_project: Path) -> None:
    from cybercoop_cli.ingest.project import load_project

    project = load_project(example_project)
    sections = {
        s.source: s.target
        for s in suggest_links(project.notes, project.review)
        if s.kind == "section"
    }
    assert sections == {
        "brass2021adaptive": None,
        "sekati2022assessing": "intro",
        "widodo2024international": "implementation",
    }
