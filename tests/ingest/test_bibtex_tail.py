"""Splitting a .bib file in two parts (the tail in another process) gives what the whole gives.

On a first run the notes' child splits the end of the largest .bib file while this
process splits the rest (see ``ingest.project``): ``tail_cut`` chooses where, and
``read_bibliography(tails=...)`` must then give exactly the same sources and problems, in
the same order and with the same lines, as reading the file whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cybercoop_cli.ingest.bibtex import BibTail, read_bibliography, split_tail, tail_cut
from cybercoop_cli.ingest.text import decode
from cybercoop_cli.model import Bibliography


def read_cut(path: Path, cut: int, *, elsewhere: bool = True) -> Bibliography:
    """``path`` read with its tail from ``cut`` split apart (or, without ``elsewhere``,
    with the other process failing, so that the tail is split here after all)."""
    text, _ = decode(path.read_bytes())
    done = split_tail(text, cut, str(path)) if elsewhere else None
    return read_bibliography([path], tails={str(path): BibTail(cut, lambda: done)})


def every_cut(text: str) -> list[int]:
    cuts = {tail_cut(text, share / 20) for share in range(1, 20)}
    return sorted(cut for cut in cuts if cut is not None)


# Entries, good and broken; NN is replaced by a number, so that most keys differ.
ENTRIES = [
    "@article{goodNN,\n  author = {Kim, Li and Ng, Bo},\n  title = {A {B}ig title, with commas},\n"
    "  journal = jr,\n  year = {20NN},\n}\n",
    "@book{unclosedNN,\n  title = {Never closed,\n  year = 2001,\n",  # runs into the next
    "@misc{nocommaNN,\n  title = {Missing comma}\n  year = {1999},\n}\n",
    "@article{dup,\n  title = {Same key NN},\n}\n",  # the key repeats
    "@inproceedings{childNN,\n  crossref = {parent},\n  title = {Child},\n}\n",
    "@proceedings{parent,\n  title = {Parent proceedings},\n  year = {2010},\n}\n",
    "@misc{slashNN,\n  note = {a line ending in a backslash\\\n  and on},\n}\n",
    "@comment{a comment NN}\n",
    "free text between entries NN\n",
    "@article{noeqNN,\n  title = {No equals},\n  journal\n}\n",
]


def entry(pick: int, number: int) -> str:
    return ENTRIES[pick].replace("NN", f"{number:02d}")


HEAD = '@string{jr = "Journal of Records"}\n\n'


@given(st.lists(st.integers(min_value=0, max_value=len(ENTRIES) - 1), min_size=2, max_size=14))
@settings(max_examples=60, deadline=None)
def test_every_cut_of_generated_bibtex_gives_the_whole_files_reading(
    tmp_path_factory: pytest.TempPathFactory, picks: list[int]
) -> None:
    text = HEAD + "\n".join(entry(pick, n) for n, pick in enumerate(picks))
    path = tmp_path_factory.mktemp("tail") / "refs.bib"
    path.write_text(text, encoding="utf-8")
    whole = read_bibliography([path])
    for cut in every_cut(text):
        assert read_cut(path, cut) == whole, cut
        assert read_cut(path, cut, elsewhere=False) == whole, cut


def test_a_cut_is_at_a_line_that_starts_a_block() -> None:
    text = HEAD + "".join(entry(0, n) for n in range(10))
    for cut in every_cut(text):
        assert text[cut - 1] == "\n" and text[cut:].startswith("@article{good")


def test_no_cut_leaves_a_macro_definition_in_the_tail() -> None:
    entries = "".join(entry(0, n) for n in range(10))
    assert tail_cut(HEAD + entries, 0.5) is not None
    late = entries + '@String{late = "defined after the entries"}\n' + entry(0, 99)
    assert tail_cut(HEAD + late, 0.5) is None
    assert tail_cut(HEAD + entries, 0.0) is None and tail_cut(HEAD + entries, 1.0) is None
    assert tail_cut("no blocks at all\n" * 50, 0.5) is None


def test_lines_in_the_tail_count_as_in_the_whole_file(tmp_path: Path) -> None:
    text = "".join(entry(6, n) for n in range(6)) + entry(2, 1)
    path = tmp_path / "slash.bib"
    path.write_text(text, encoding="utf-8")
    whole = read_bibliography([path])
    cuts = every_cut(text)
    assert cuts
    for cut in cuts:
        cut_reading = read_cut(path, cut)
        assert [s.line for s in cut_reading.sources] == [s.line for s in whole.sources]
        assert cut_reading.problems == whole.problems


def test_every_corpus_file_cut_in_half_reads_as_whole(corpus: Path) -> None:
    checked = 0
    for path in sorted(corpus.rglob("*.bib")):
        data = path.read_bytes()
        if len(data) > 32 << 20:
            continue
        text, _ = decode(data)
        cut = tail_cut(text, 0.5)
        if cut is None:
            continue
        assert read_cut(path, cut) == read_bibliography([path]), path
        checked += 1
    assert checked > 100
