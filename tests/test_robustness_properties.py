"""Property tests: arbitrary text never makes a reader raise anything but our own errors,
and BibTeX written by ``export --to bibtex`` reads back as the same sources.

Example counts are kept small (the whole file runs in a few seconds); the strategies mix
random Unicode with the characters each format is made of, so that the examples are
near-misses of real input rather than noise.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cybercoop_cli.analysis.annotated import AnnotatedEntry
from cybercoop_cli.analysis.citations import find_citations
from cybercoop_cli.errors import CybercoopError
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.ingest.csljson import read_csl_json
from cybercoop_cli.ingest.docx import parse_docx_paragraphs
from cybercoop_cli.ingest.manuscript import parse_manuscript
from cybercoop_cli.ingest.notes import parse_note
from cybercoop_cli.ingest.review import read_review
from cybercoop_cli.ingest.ris import read_ris
from cybercoop_cli.ingest.text import decode
from cybercoop_cli.render.bibtex_out import write_bibtex

FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def soup(alphabet: str, *, max_size: int = 400) -> st.SearchStrategy[str]:
    """Text made mostly of a format's own characters, with some arbitrary Unicode."""
    pieces = st.one_of(
        st.sampled_from(list(alphabet)),
        st.text(max_size=3),
        st.sampled_from(["\n", "\r\n", "\r", "\x00", "\ufeff", "\x1b", " "]),
    )
    return st.lists(pieces, max_size=max_size).map("".join)


BIB_SOUP = soup('@{}(),="#%\\ \naeio artcle book misc title author and year 2020 string crossref')
YAML_SOUP = soup(":-[]{}&*!|>'\"#%@` \n key claims text sections annotation summary --- ...")
PROSE_SOUP = soup(
    "()[];,.&@-\\{}`$<>% \n Chang Smith et al and 2020 2021a p. n.d. in press see e.g. cite"
)
RIS_SOUP = soup("TY  - JOUR\nAU  - Smith, J.\nTI  - T\nPY  - 2020\nER  - \n")
JSON_SOUP = soup('[]{}":,0123456789 \n idtypeauthorfamilygivenissueddate-partstitle')


def read_file(reader: object, text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        with contextlib.suppress(CybercoopError):
            reader(path)  # type: ignore[operator]


@FAST
@given(BIB_SOUP)
def test_bibtex_reader_never_crashes(text: str) -> None:
    read_file(lambda path: read_bibliography([path]), text, ".bib")


@FAST
@given(YAML_SOUP, st.booleans())
def test_note_reader_never_crashes(text: str, markdown: bool) -> None:
    with contextlib.suppress(CybercoopError):
        parse_note(text, "note.md", is_markdown=markdown)


@FAST
@given(YAML_SOUP)
def test_review_reader_never_crashes(text: str) -> None:
    read_file(read_review, text, ".yaml")


@FAST
@given(PROSE_SOUP, st.sampled_from(["markdown", "text", "latex"]))
def test_manuscript_readers_and_citation_finder_never_crash(text: str, kind: str) -> None:
    manuscript = parse_manuscript(text, kind, "draft")
    for citation in find_citations(manuscript.body):
        assert 0 <= citation.start < citation.end <= len(manuscript.body)
        assert manuscript.line_of(citation.start) >= 1


@FAST
@given(st.lists(PROSE_SOUP.map(lambda t: t[:80]), max_size=20))
def test_docx_paragraph_reader_never_crashes(paragraphs: list[str]) -> None:
    manuscript = parse_docx_paragraphs(paragraphs, "draft.docx")
    find_citations(manuscript.body)


@FAST
@given(RIS_SOUP)
def test_ris_reader_never_crashes(text: str) -> None:
    read_file(read_ris, text, ".ris")


@FAST
@given(JSON_SOUP)
def test_csl_json_reader_never_crashes(text: str) -> None:
    read_file(read_csl_json, text, ".json")


@FAST
@given(st.binary(max_size=300))
def test_decode_takes_any_bytes(data: bytes) -> None:
    text, _ = decode(data)
    assert "\r" not in text and "\x00" not in text


# --------------------------------------------------------------------------- round trip

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéñ", min_size=1, max_size=10)
NAME = WORD.map(str.capitalize)
TITLE_TEXT = st.lists(
    st.one_of(WORD, NAME, st.sampled_from(["&", "50%", "a_b", "{DNA}", "--", "#1", "$x$"])),
    min_size=1,
    max_size=8,
).map(" ".join)
ENTRY = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["article", "book", "incollection", "misc", "online", "report"]),
        "title": TITLE_TEXT,
        "authors": st.lists(st.tuples(NAME, NAME), min_size=1, max_size=4),
        "year": st.integers(min_value=1500, max_value=2030),
    }
)


def _latex_title(title: str) -> str:
    # Specials as a .bib file would have them, except braces, which protect case.
    return title.replace("&", "\\&").replace("%", "\\%").replace("_", "\\_").replace("#", "\\#")


@settings(max_examples=40, deadline=None)
@given(st.lists(ENTRY, min_size=1, max_size=6))
def test_exported_bibtex_reads_back_as_the_same_sources(entries: list[dict[str, object]]) -> None:
    bib = "".join(
        f"@{e['type']}{{key{i},\n  title = {{{_latex_title(str(e['title']))}}},\n"
        f"  author = {{{' and '.join(f'{f}, {g}' for f, g in e['authors'])}}},\n"  # type: ignore[attr-defined]
        f"  year = {{{e['year']}}},\n}}\n"
        for i, e in enumerate(entries)
    )
    with tempfile.TemporaryDirectory() as folder:
        first = Path(folder) / "in.bib"
        first.write_text(bib, encoding="utf-8")
        original = read_bibliography([first])
        assert original.problems == ()
        exported = write_bibtex(
            [
                AnnotatedEntry(s, (("summary", "A note & 100% {odd} \\input x"),))
                for s in original.sources
            ]
        )
        second = Path(folder) / "out.bib"
        second.write_text(exported, encoding="utf-8")
        again = read_bibliography([second])
    assert again.problems == ()

    def shape(sources: tuple) -> list[tuple]:  # type: ignore[type-arg]
        return [(s.key, s.entry_type, s.title, s.authors, s.year) for s in sources]

    assert shape(again.sources) == shape(original.sources)
    assert all(s.fields["annote"] for s in again.sources)
