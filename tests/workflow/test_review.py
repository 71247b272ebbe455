"""The review as one JSON document, computed once per set of inputs."""

from __future__ import annotations

import json
from pathlib import Path

from cybercoop_cli.errors import ExitCode
from cybercoop_cli.ingest.project import load_project, open_review
from cybercoop_cli.workflow.review import render_review_json, review_json_text


def test_the_document_is_computed_once_and_then_read_back(example_project: Path) -> None:
    seen: list[str] = []
    first, code = review_json_text(
        open_review(example_project, cache=True),
        indent=False,
        progress=lambda s, *_: seen.append(s),
    )
    assert code == ExitCode.OK and seen  # loaded, with progress reports
    document = json.loads(first)
    assert document["question"]
    assert first == render_review_json(load_project(example_project), indent=False)

    seen.clear()
    again, code = review_json_text(
        open_review(example_project, cache=True),
        indent=False,
        progress=lambda s, *_: seen.append(s),
    )
    assert (again, code) == (first, ExitCode.OK) and not seen  # nothing loaded


def test_indented_and_compact_are_separate_answers(example_project: Path) -> None:
    compact, _ = review_json_text(open_review(example_project, cache=True), indent=False)
    indented, _ = review_json_text(open_review(example_project, cache=True), indent=True)
    assert "\n  " in indented and "\n" not in compact.rstrip("\n")
    assert json.loads(compact) == json.loads(indented)


def test_an_edited_note_changes_the_answer(example_project: Path) -> None:
    before, _ = review_json_text(open_review(example_project, cache=True), indent=False)
    note = min((example_project / "notes").glob("*.md"))
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("  - text: >-\n", "  - text: >-\n      Edited.\n", 1), "utf-8")
    after, _ = review_json_text(open_review(example_project, cache=True), indent=False)
    assert after != before and "Edited." in after
    assert after == render_review_json(load_project(example_project), indent=False)


def test_input_errors_give_the_input_exit_code_also_when_read_back(example_project: Path) -> None:
    (example_project / "notes" / "broken.md").write_text(
        "---\nkey: [unclosed\n---\n", encoding="utf-8"
    )
    for _ in range(2):  # computed, then read from the cache
        text, code = review_json_text(open_review(example_project, cache=True), indent=False)
        assert code == ExitCode.INPUT
        assert any(p["file"].endswith("broken.md") for p in json.loads(text)["problems"])
