"""Watching: relevant changes arrive in batches; others are ignored; it stops on request."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from cybercoop_cli.ingest.review import read_review
from cybercoop_cli.workflow.watch import changes, is_relevant


def test_relevance(example_project: Path) -> None:
    review_file = (example_project / "cybercoop.yaml").resolve()
    review = read_review(review_file)
    root = review_file.parent
    assert is_relevant(review_file, review_file, review)
    assert is_relevant(root / "notes" / "x.md", review_file, review)
    assert is_relevant(root / "notes" / "sub" / "x.yaml", review_file, review)
    assert is_relevant(root / "references" / "y.bib", review_file, review)
    assert not is_relevant(root / "notes" / ".x.md.swp", review_file, review)
    assert not is_relevant(root / "notes" / "x.md~", review_file, review)
    assert not is_relevant(root / "draft.md", review_file, review)  # not a note
    assert not is_relevant(root / "notes" / "y.bib", review_file, review)


def test_changes_are_reported_until_stopped(example_project: Path) -> None:
    stop = threading.Event()
    seen: list[tuple[Path, ...]] = []

    def collect() -> None:
        for batch in changes(example_project / "cybercoop.yaml", stop_event=stop, debounce_ms=50):
            seen.append(batch)

    thread = threading.Thread(target=collect)
    thread.start()
    try:
        time.sleep(0.5)  # let the watcher start
        (example_project / "draft.txt").write_text("not relevant")
        note = example_project / "notes" / "amoo2024legal.md"
        note.write_text(note.read_text() + "\nMore.\n")
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert seen and seen[0] == (note.resolve(),)
