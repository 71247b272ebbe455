"""The review file: where its inputs live."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.review import read_review

REVIEW = "title: T\nquestion: Q?\nsections:\n  - id: intro\n    title: Introduction\n"


@pytest.mark.parametrize("folder", ["/", "..", "../..", "notes/../.."])
def test_a_folder_holding_the_review_itself_is_refused(tmp_path: Path, folder: str) -> None:
    # 'notes: /' once read every Markdown file on the machine.
    review = tmp_path / "deep" / "review" / "cybercoop.yaml"
    review.parent.mkdir(parents=True)
    review.write_text(REVIEW + f"notes: {folder}\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds the review folder itself") as caught:
        read_review(review)
    assert caught.value.line == 6


def test_a_folder_named_outside_the_review_is_used_as_named(tmp_path: Path) -> None:
    review = tmp_path / "review" / "cybercoop.yaml"
    review.parent.mkdir()
    review.write_text(REVIEW + "notes: ../shared-notes\nreferences: refs\n", encoding="utf-8")
    read = read_review(review)
    assert read.notes_dir.resolve() == tmp_path / "shared-notes"
    assert read.references_dir == review.parent / "refs"


def test_the_default_folders_sit_beside_the_review_file(tmp_path: Path) -> None:
    review = tmp_path / "cybercoop.yaml"
    review.write_text(REVIEW, encoding="utf-8")
    read = read_review(review)
    assert (read.notes_dir, read.references_dir) == (tmp_path / "notes", tmp_path / "references")
