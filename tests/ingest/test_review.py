"""The review file: where its inputs live."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.review import read_review

REVIEW = "title: T\nquestion: Q?\nsections:\n  - id: intro\n    title: Introduction\n"


@pytest.mark.parametrize("key", ["notes", "references"])
@pytest.mark.parametrize("folder", ["/", "..", "../..", "notes/../.."])
def test_a_folder_holding_the_review_itself_is_refused(
    tmp_path: Path, folder: str, key: str
) -> None:
    # 'notes: /' once read every Markdown file on the machine; 'references: /' every .bib.
    review = tmp_path / "deep" / "review" / "cybercoop.yaml"
    review.parent.mkdir(parents=True)
    review.write_text(REVIEW + f"{key}: {folder}\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"'{key}: .*holds the review folder itself") as caught:
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


@pytest.mark.parametrize("key", ["notes", "references"])
def test_a_folder_name_too_long_for_the_system_is_one_clear_error(tmp_path: Path, key: str) -> None:
    # It was an OSError (File name too long) and exit 70.
    name = "n" * 300
    try:
        (tmp_path / name).stat()
    except FileNotFoundError:
        pytest.skip("this file system takes 300-character names")
    except OSError:
        pass
    review = tmp_path / "cybercoop.yaml"
    review.write_text(REVIEW + f"{key}: {name}\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"'{key}:' names .*{name}.*: ") as caught:
        read_review(review)
    assert caught.value.line == 6 and caught.value.file == str(review)


@pytest.mark.parametrize("key", ["notes", "references"])
def test_a_folder_behind_one_that_cannot_be_read_is_one_clear_error(
    tmp_path: Path, key: str, lock_folder: Callable[[Path], Path]
) -> None:
    # A permission error on the path was exit 70.
    (tmp_path / "locked" / key).mkdir(parents=True)
    review = tmp_path / "cybercoop.yaml"
    review.write_text(REVIEW + f"{key}: locked/{key}\n", encoding="utf-8")
    lock_folder(tmp_path / "locked")
    with pytest.raises(InputError, match=f"'{key}:' names .*locked.*ermission denied") as caught:
        read_review(review)
    assert caught.value.line == 6
