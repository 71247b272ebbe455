"""Decoding and size limits: every encoding and line end users' files come in, for .bib
files, notes and manuscripts alike (they all go through ``ingest.text``)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest import text as text_module
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.ingest.manuscript import read_manuscript
from cybercoop_cli.ingest.notes import read_note
from cybercoop_cli.ingest.text import decode, describe_size, read_text

BIB = (
    "@article{mueller2020,\n"
    "  author = {Müller, Jürgen and Ñúñez, José},\n"
    "  title = {Über die Zusammenarbeit – ein Überblick},\n"
    "  journal = {Revue générale},\n"
    "  year = {2020},\n"
    "}\n"
)
NOTE = (
    "---\n"
    "key: mueller2020\n"
    "annotation:\n"
    "  summary: Über die Zusammenarbeit, résumé.\n"
    "claims:\n"
    "  - text: Coopération judiciaire marche mal.\n"
    "    sections: [framework]\n"
    "---\n"
    "Notizen zur Lektüre: Straße.\n"
)
MANUSCRIPT = "# Einführung\n\nDie Zusammenarbeit ist schwach (Müller, 2020).\n\nMehr dazu.\n"

# (name, how the text becomes bytes, the warning expected: a fragment, or None)
ENCODINGS = [
    ("utf-8", lambda t: t.encode("utf-8"), None),
    ("utf-8 with BOM", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), None),
    ("utf-16-le with BOM", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), None),
    ("utf-16-be with BOM", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), None),
    ("latin-1", lambda t: t.replace("–", "-").encode("latin-1"), "Windows-1252"),
    ("windows-1252", lambda t: t.encode("cp1252"), "Windows-1252"),
    ("utf-8 CRLF", lambda t: t.replace("\n", "\r\n").encode("utf-8"), None),
    ("utf-8 old Mac CR", lambda t: t.replace("\n", "\r").encode("utf-8"), None),
    ("cp1252 CRLF", lambda t: t.replace("\n", "\r\n").encode("cp1252"), "Windows-1252"),
]


def test_one_bad_byte_leaves_the_other_lines_utf8(tmp_path: Path) -> None:
    """A single Latin-1 byte in a UTF-8 .bib once turned every accented key into mojibake."""
    data = (
        "@article{müller2020,\n  author = {Müller, Jürgen},\n".encode()
        + b"  note = {caf\xe9},\n"
        + "  title = {Über Ångström},\n  year = {2020}\n}\n".encode()
    )
    text, warning = decode(data)
    assert "müller2020" in text and "Müller, Jürgen" in text and "Über Ångström" in text
    assert "café" in text
    assert warning is not None and "line 3" in warning and "the rest as UTF-8" in warning
    path = tmp_path / "mixed.bib"
    path.write_bytes(data)
    bib = read_bibliography([path])
    (source,) = bib.sources
    assert source.key == "müller2020" and source.fields["note"] == "café"
    assert [p.code for p in bib.problems] == ["bib-encoding"] and "line 3" in bib.problems[
        0
    ].message


@pytest.mark.parametrize(("label", "encode", "warning"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_decode_gives_the_same_text_in_every_encoding(label, encode, warning) -> None:
    original = MANUSCRIPT.replace("Mehr", "Mehr – ")
    text, got = decode(encode(original))
    expected = original if label != "latin-1" else original.replace("–", "-")
    assert text == expected
    if warning is None:
        assert got is None
    else:
        assert got is not None and warning in got and "line" in got


def test_the_encoding_warning_names_the_line_of_the_first_bad_byte() -> None:
    data = "a\nb\nGrüße\n".encode("cp1252")
    _, warning = decode(data)
    assert warning is not None
    assert "Windows-1252" in warning and "line 3" in warning


@pytest.mark.parametrize(("label", "encode", "warning"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_bib_in_every_encoding(tmp_path: Path, label, encode, warning) -> None:
    path = tmp_path / "refs.bib"
    original = BIB if "latin" not in label else BIB.replace("–", "-")
    path.write_bytes(encode(original))
    bib = read_bibliography([path])
    (source,) = bib.sources
    assert source.title.startswith("Über die Zusammenarbeit")
    assert [p.family for p in source.authors] == ["Müller", "Ñúñez"]
    assert source.container == "Revue générale"
    assert source.year == 2020
    encoding = [p for p in bib.problems if p.code == "bib-encoding"]
    assert [p.code for p in bib.problems if p.code != "bib-encoding"] == []
    if warning is None:
        assert encoding == []
    else:
        assert len(encoding) == 1 and warning in encoding[0].message
        assert encoding[0].file == str(path)


@pytest.mark.parametrize(("label", "encode", "warning"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_note_in_every_encoding(tmp_path: Path, label, encode, warning) -> None:
    path = tmp_path / "mueller2020.md"
    path.write_bytes(encode(NOTE))
    note, problems = read_note(path, "notes/mueller2020.md")
    assert note is not None, problems
    assert note.key == "mueller2020"
    assert note.annotation.summary == "Über die Zusammenarbeit, résumé."
    assert note.claims[0].text == "Coopération judiciaire marche mal."
    assert note.claims[0].line == 6  # line numbers survive every kind of line end
    assert "Straße" in note.annotation.body
    codes = [p.code for p in problems]
    assert codes == ([] if warning is None else ["note-encoding"])


@pytest.mark.parametrize(("label", "encode", "warning"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_manuscript_in_every_encoding(tmp_path: Path, label, encode, warning) -> None:
    from cybercoop_cli.analysis.citations import find_citations

    path = tmp_path / "draft.md"
    path.write_bytes(encode(MANUSCRIPT))
    manuscript = read_manuscript(path)
    (citation,) = find_citations(manuscript.body)
    assert citation.authors == ("Müller",) and citation.year == "2020"
    assert manuscript.line_of(citation.start) == 3
    assert (warning is None) == (manuscript.warnings == ())


def test_nul_bytes_are_removed_and_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes(BIB.replace("year", "ye\x00ar").encode("utf-8"))
    bib = read_bibliography([path])
    assert bib.sources[0].year == 2020
    (warning,) = [p for p in bib.problems if p.code == "bib-encoding"]
    assert "NUL" in warning.message and "line 5" in warning.message


def test_control_characters_become_spaces_and_are_reported(tmp_path: Path) -> None:
    # An escape sequence in a title must never reach a terminal; \x0c and \x01 occur in
    # real exports (the corpus has both).
    hostile = BIB.replace("ein Überblick", "ein \x1b[2J\x1b]0;pwned\x07Überblick\x0c\x01")
    path = tmp_path / "refs.bib"
    path.write_bytes(hostile.encode("utf-8"))
    bib = read_bibliography([path])
    title = bib.sources[0].title
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in title)
    assert "Überblick" in title
    (warning,) = [p for p in bib.problems if p.code == "bib-encoding"]
    assert "U+001B" in warning.message and "line 3" in warning.message


def test_control_characters_in_a_note_do_not_break_its_yaml(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(NOTE.replace("résumé", "ré\x02sumé\x7f").encode("utf-8"))
    note, problems = read_note(path, "n.md")
    assert note is not None
    assert note.annotation.summary == "Über die Zusammenarbeit, ré sumé ."
    assert [p.code for p in problems] == ["note-encoding"]


def test_control_characters_keep_manuscript_offsets(tmp_path: Path) -> None:
    path = tmp_path / "draft.txt"
    path.write_bytes(b"Intro\x0b text.\nIt fails (Chang,\x01 2020).\n")
    manuscript = read_manuscript(path)
    assert manuscript.text == "Intro  text.\nIt fails (Chang,  2020).\n"
    assert manuscript.warnings and "control characters" in manuscript.warnings[0]


def test_tabs_and_newlines_are_not_control_characters() -> None:
    assert decode(b"a\tb\nc\n") == ("a\tb\nc\n", None)


# --------------------------------------------------------------------------- limits


def test_read_text_refuses_a_file_over_its_limit_without_reading_it(tmp_path: Path) -> None:
    # A sparse file: 200 MB on paper, nothing on disk.
    path = tmp_path / "huge.bib"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    with pytest.raises(InputError) as caught:
        read_text(path, limit=text_module.MAX_BIB_BYTES, what=".bib files")
    assert str(caught.value) == (
        f"{path}: file is 200 MB, over the 32 MB limit for .bib files; split it, or leave it out"
    )


def test_read_text_never_reads_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file whose size the file system under-reports (a pipe, a file still growing) is
    # still cut off: reading stops at the limit.
    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 5000)
    real_stat = Path.stat

    class Small:
        def __init__(self, real: object) -> None:
            self._real = real

        def __getattr__(self, name: str) -> object:
            return 10 if name == "st_size" else getattr(self._real, name)

    monkeypatch.setattr(Path, "stat", lambda self, **kw: Small(real_stat(self, **kw)))
    with pytest.raises(InputError, match="over the 1 KB limit"):
        read_text(path, limit=1024)


def test_a_bib_file_over_the_limit_is_reported_and_the_others_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cybercoop_cli.ingest.bibtex.MAX_BIB_BYTES", 100)
    small = tmp_path / "a.bib"
    small.write_text("@misc{a, title={A}, year={2020}}\n", encoding="utf-8")
    big = tmp_path / "b.bib"
    big.write_text(BIB, encoding="utf-8")
    bib = read_bibliography([small, big])
    assert [s.key for s in bib.sources] == ["a"]
    (problem,) = bib.problems
    assert problem.code == "bib-too-large" and problem.file == str(big)
    assert "over the 100 bytes limit for .bib files" in problem.message


def test_describe_size() -> None:
    assert describe_size(200 * 1024 * 1024) == "200 MB"
    assert describe_size(1536 * 1024) == "1.5 MB"
    assert describe_size(12 * 1024) == "12 KB"
    assert describe_size(80) == "80 bytes"


@given(
    st.binary(max_size=200) | st.text(alphabet=st.characters(max_codepoint=0x9F)).map(str.encode)
)
def test_the_ascii_fast_path_skips_only_checks_that_would_find_nothing(data: bytes) -> None:
    fast = data.isascii() and len(data.translate(None, text_module._ASCII_CONTROL)) == len(data)
    text, warning = decode(data)
    if fast:
        plain = data.decode("ascii").replace("\r\n", "\n").replace("\r", "\n")
        assert text == plain and warning is None
        assert "\x00" not in plain and text_module._CONTROL.search(plain) is None
    else:
        assert "\x00" not in text and text_module._CONTROL.search(text) is None


@pytest.mark.parametrize(
    "size",
    [0, 1, 1023, 1024, 1025, text_module.FIRST_READ - 1, text_module.FIRST_READ,
     text_module.FIRST_READ + 1, 5 * text_module.FIRST_READ + 7, 40 * text_module.FIRST_READ],
)  # fmt: skip
@pytest.mark.parametrize("limit", [1024, text_module.FIRST_READ, 20 * text_module.FIRST_READ])
def test_read_bounded_reads_the_file_up_to_one_byte_past_the_limit(
    tmp_path: Path, size: int, limit: int
) -> None:
    path = tmp_path / "input.bin"
    content = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    path.write_bytes(content)
    assert text_module.read_bounded(path, limit) == content[: limit + 1]
    assert text_module.read_bounded(str(path), limit) == content[: limit + 1]


def test_read_bounded_reads_a_pipe_whose_reads_come_in_pieces(tmp_path: Path) -> None:
    # A FIFO returns what has been written so far: a short read is not the end.
    import os
    import threading

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    pieces = [b"a" * 10, b"b" * 70_000, b"c" * 5]

    def writer() -> None:
        with fifo.open("wb", buffering=0) as out:
            for piece in pieces:
                out.write(piece)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert text_module.read_bounded(fifo, 1 << 20) == b"".join(pieces)
    finally:
        thread.join()


def test_read_bounded_raises_for_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        text_module.read_bounded(tmp_path / "absent.txt", 100)
