"""Import planning: duplicates by the gap report's rules, keys, rejected files, writing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cybercoop_cli.errors import UsageError
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.ingest.review import read_review
from cybercoop_cli.model import Source
from cybercoop_cli.workflow.importer import (
    IMPORT_FILE,
    InputFormat,
    apply_import,
    detect_format,
    plan_import,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "workflow"


def test_import_into_the_example_detects_existing_work(example_project: Path) -> None:
    review = read_review(example_project / "cybercoop.yaml")
    plan = plan_import(review, [DATA / "database-export.ris"])
    # Chang's chapter is in the example already (same DOI, written as a URL in the RIS)
    (skip,) = plan.skipped
    assert skip.duplicate_of.key == "chang2020legislative"
    assert skip.rule == "same-doi" and not skip.in_this_import
    assert skip.duplicate_of.file == "references/cybercrime-cooperation.bib"
    assert [a.source.key for a in plan.added] == ["kshetri2010global", "schjolberg2011global"]
    assert all(a.key_change and a.key_change.reason == "it had no usable key" for a in plan.added)


def test_twice_adds_nothing_and_says_why(example_project: Path) -> None:
    review = read_review(example_project / "cybercoop.yaml")
    first = plan_import(review, [DATA / "zotero-export.json"])
    written = apply_import(first)
    assert written == example_project / "references" / IMPORT_FILE
    second = plan_import(review, [DATA / "zotero-export.json"])
    assert second.added == ()
    assert len(second.skipped) == 4
    assert {s.duplicate_of.file for s in second.skipped} == {f"references/{IMPORT_FILE}"}
    before = written.read_bytes()
    assert apply_import(second) is None
    assert written.read_bytes() == before


def test_duplicates_within_one_import_and_key_clashes(example_project: Path) -> None:
    review = read_review(example_project / "cybercoop.yaml")
    plan = plan_import(review, [DATA / "zotero-export.json", DATA / "database-export.ris"])
    twins = [s for s in plan.skipped if s.in_this_import]
    assert [(s.source.file.endswith(".ris"), s.duplicate_of.key) for s in twins] == [
        (True, "kshetri2010global")
    ]
    other = example_project / "elsewhere.json"
    other.write_text(
        '[{"id": "amoo2024legal", "type": "book", "title": "Quite another paper",'
        ' "author": [{"family": "Someone"}], "issued": {"date-parts": [[2001]]}},'
        ' {"id": "new1", "type": "book", "title": "First", "author": [{"family": "A"}]},'
        ' {"id": "New1", "type": "book", "title": "Second", "author": [{"family": "C"}]}]',
        encoding="utf-8",
    )
    plan = plan_import(review, [other])
    keys = [(a.source.key, a.key_change.reason if a.key_change else None) for a in plan.added]
    assert keys == [
        ("someone2001quite", "'amoo2024legal' is taken by references/cybercrime-cooperation.bib:6"),
        ("new1", None),
        ("cndsecond", "'New1' is used twice in this import"),
    ]


def test_a_file_with_errors_is_not_imported(example_project: Path, tmp_path: Path) -> None:
    review = read_review(example_project / "cybercoop.yaml")
    twice = tmp_path / "twice.bib"
    twice.write_text("@book{a1, title = {One}}\n@book{A1, title = {Two}}\n")
    plan = plan_import(review, [twice])
    assert plan.added == () and plan.files[0].rejected
    assert plan.problems[0].code == "bib-duplicate-key"
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "a", "type": "book", "title": "Fine"}, 7]')
    plan = plan_import(review, [bad, DATA / "database-export.ris"])
    assert plan.has_errors and plan.files[0].rejected and not plan.files[1].rejected
    assert all(a.source.file.endswith(".ris") for a in plan.added)


def test_written_file_appends_and_reads_back(example_project: Path) -> None:
    review = read_review(example_project / "cybercoop.yaml")
    target = example_project / "references" / IMPORT_FILE
    target.write_text("@misc{mine, title = {My own entry}}\n", encoding="utf-8")
    apply_import(plan_import(review, [DATA / "zotero-export.json"]))
    text = target.read_text(encoding="utf-8")
    assert text.startswith("@misc{mine, title = {My own entry}}\n\n@article{clough2014world,")
    back = read_bibliography([target])
    assert back.problems == ()
    assert [s.key for s in back.sources] == [
        "mine",
        "clough2014world",
        "brenner2004approaches",
        "kshetri2010global",
        "unodc2013comprehensive",
    ]
    # the shipped example's own file is never touched
    original = Path(__file__).resolve().parents[2] / "references" / "cybercrime-cooperation.bib"
    assert (example_project / "references" / "cybercrime-cooperation.bib").read_bytes() == (
        original.read_bytes()
    )


def test_crossref_children_are_written_with_inherited_fields(example_project: Path) -> None:
    review = read_review(example_project / "cybercoop.yaml")
    source = example_project / "x.bib"
    source.write_text(
        "@incollection{kid, author = {Kid, A}, title = {Chapter}, crossref = {mum}, pages = {1--2}}\n"
        "@collection{mum, editor = {Mum, B}, title = {The Book}, year = {2011}, publisher = {P}}\n",
        encoding="utf-8",
    )
    plan = plan_import(review, [source])
    kid = next(a.source for a in plan.added if a.source.key == "kid")
    assert "crossref" in kid.fields
    written = apply_import(plan)
    assert written is not None
    back = {s.key: s for s in read_bibliography([written]).sources}
    assert back["kid"].container == "The Book" and back["kid"].year == 2011
    assert "crossref" not in back["kid"].fields


def test_detect_format(tmp_path: Path) -> None:
    assert detect_format(Path("a.BIB")) is InputFormat.bibtex
    assert detect_format(Path("a.json")) is InputFormat.csl_json
    assert detect_format(Path("a.ris")) is InputFormat.ris
    for name, text, fmt in (
        ("x.txt", "\ufeff  [{}]", InputFormat.csl_json),
        ("y.txt", "\nTY  - JOUR\nER  - \n", InputFormat.ris),
        ("z.txt", "% c\n@book{a, title={b}}", InputFormat.bibtex),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert detect_format(tmp_path / name) is fmt
    (tmp_path / "w.txt").write_text("plain words")
    with pytest.raises(UsageError, match="--from"):
        detect_format(tmp_path / "w.txt")


def test_forced_format_and_a_references_folder_that_does_not_exist(tmp_path: Path) -> None:
    review_file = tmp_path / "cybercoop.yaml"
    review_file.write_text("title: T\nquestion: Q?\nsections:\n  - id: a\n    title: A\n")
    ris = tmp_path / "export.txt"
    shutil.copy(DATA / "database-export.ris", ris)
    plan = plan_import(read_review(review_file), [ris], fmt=InputFormat.ris)
    assert len(plan.added) == 3
    assert apply_import(plan) == tmp_path / "references" / IMPORT_FILE


def test_appending_keeps_the_existing_bytes(example_project: Path) -> None:
    """CRLF line ends and a Latin-1 accent already in the file survive an import."""
    review = read_review(example_project / "cybercoop.yaml")
    target = example_project / "references" / IMPORT_FILE
    old = "@misc{mine,\r\n  title = {Caf\xe9},\r\n}\r\n".encode("cp1252")
    target.write_bytes(old)
    apply_import(plan_import(review, [DATA / "zotero-export.json"]))
    data = target.read_bytes()
    assert data.startswith(old + b"\r\n@article{clough2014world,")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line end is still CRLF


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
        ("utf-8", b"\xef\xbb\xbf"),
    ],
)
def test_appending_writes_in_the_files_own_encoding(
    example_project: Path, codec: str, bom: bytes
) -> None:
    # A UTF-16 imported.bib once got ASCII bytes appended: "Added 1", exit 0, and the new
    # entry unreadable, the file now in two encodings at once.
    review = read_review(example_project / "cybercoop.yaml")
    target = example_project / "references" / IMPORT_FILE
    old = bom + "@misc{mine,\r\n  title = {Ünïcode café},\r\n}\r\n".encode(codec)
    target.write_bytes(old)
    plan = plan_import(review, [DATA / "zotero-export.json"])
    apply_import(plan)
    data = target.read_bytes()
    assert data.startswith(old)
    text = data[len(bom) :].decode(codec)  # strict: one encoding throughout
    assert "\r\n@article{clough2014world," in text
    read = read_bibliography([target])
    assert {s.key for s in read.sources} == {"mine", *(a.source.key for a in plan.added)}
    assert next(s for s in read.sources if s.key == "mine").title == "Ünïcode café"
    assert not [p for p in read.problems if p.code == "bib-encoding"]


def test_an_import_that_would_not_read_back_is_refused(example_project: Path) -> None:
    # Latin-1 bytes that happen to form valid UTF-8 would be read back as other text
    # ("Ã©" is the UTF-8 of "é"): the entry would change, so nothing is written.
    from cybercoop_cli.errors import OutputError

    review = read_review(example_project / "cybercoop.yaml")
    target = example_project / "references" / IMPORT_FILE
    old = "@misc{mine, title = {Caf\xe9}}\n".encode("cp1252")
    target.write_bytes(old)
    source = example_project / "latin.json"
    source.write_text(
        '[{"id": "odd2020", "type": "book", "title": "Ã© marks",'
        ' "author": [{"family": "Odd"}], "issued": {"date-parts": [[2020]]}}]',
        encoding="utf-8",
    )
    plan = plan_import(review, [source])
    with pytest.raises(OutputError, match="odd2020") as caught:
        apply_import(plan)
    assert "imported.bib" in str(caught.value)
    assert target.read_bytes() == old


def test_an_imported_bib_that_is_a_folder_is_refused(example_project: Path) -> None:
    from cybercoop_cli.errors import OutputError

    review = read_review(example_project / "cybercoop.yaml")
    target = example_project / "references" / IMPORT_FILE
    target.mkdir()
    (target / "inside.txt").write_text("kept", encoding="utf-8")
    plan = plan_import(review, [DATA / "zotero-export.json"])
    with pytest.raises(OutputError, match="is a folder"):
        apply_import(plan)
    assert [p.name for p in target.iterdir()] == ["inside.txt"]


def _round_trip(example_project: Path, items: str) -> dict[str, Source]:
    """Import CSL-JSON ``items`` into the example; the added entries as read back."""
    review = read_review(example_project / "cybercoop.yaml")
    source = example_project / "items.json"
    source.write_text(items, encoding="utf-8")
    plan = plan_import(review, [source])
    target = apply_import(plan)
    assert target is not None
    read = {s.key: s for s in read_bibliography([target]).sources}
    return {item.source.key: read[item.source.key] for item in plan.added}


def test_a_suffix_written_after_a_comma_in_the_given_name_stays_a_suffix(
    example_project: Path,
) -> None:
    # "King, Martin Luther, Jr." is BibTeX for family King, suffix "Martin Luther", given
    # "Jr.": the import wrote that. BibTeX's order is "von Last, Jr, First".
    read = _round_trip(
        example_project,
        '[{"id": "king1963letter", "type": "book", "title": "Why we can\'t wait",'
        ' "issued": {"date-parts": [[1964]]}, "author": ['
        '{"family": "King", "given": "Martin Luther, Jr."},'
        ' {"family": "Davis", "given": "Sammy", "suffix": "Jr."},'
        ' {"family": "Odd", "given": "Ann, B."}]}]',
    )
    people = read["king1963letter"].authors
    assert [(p.family, p.given, p.suffix) for p in people] == [
        ("King", "Martin Luther", "Jr."),
        ("Davis", "Sammy", "Jr."),
        ("Odd", "Ann, B.", ""),  # not a suffix: the comma is kept inside the given name
    ]


def test_and_inside_one_name_does_not_split_it_into_two_people(example_project: Path) -> None:
    read = _round_trip(
        example_project,
        '[{"id": "pair2001", "type": "book", "title": "Rules", "issued": {"date-parts": [[2001]]},'
        ' "author": [{"family": "Smith and Jones", "given": "Ann"},'
        ' {"family": "Brown", "given": "Tom and Jerry"},'
        ' {"literal": "Procter AND Gamble"}]}]',
    )
    people = read["pair2001"].authors
    assert [(p.family, p.given, p.literal) for p in people] == [
        ("Smith and Jones", "Ann", ""),
        ("Brown", "Tom and Jerry", ""),
        ("", "", "Procter AND Gamble"),
    ]


def test_dashes_and_quote_pairs_are_imported_as_typed(example_project: Path) -> None:
    # CSL-JSON is plain text: "C--", ``quotes'' and "---" must not become – “ ” —.
    text = "C-- and ``quotes'' --- b -- c '''"
    read = _round_trip(
        example_project,
        '[{"id": "dash2020", "type": "article-journal", "title": "' + text + '",'
        ' "container-title": "' + text + '", "note": "' + text + '",'
        ' "issued": {"date-parts": [[2020]]}, "author": [{"family": "O\'\'Neil", "given": "A--B"}]}]',
    )
    entry = read["dash2020"]
    assert entry.title == text and entry.container == text
    (person,) = entry.authors
    assert (person.family, person.given) == ("O''Neil", "A--B")
