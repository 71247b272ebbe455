"""Reading a manuscript (.md, .txt, .tex, .docx, .pdf) into clean text that keeps its line map.

The clean text is what the citation finder reads. Everything that is not prose is blanked
out of it, so that it can never be taken for a citation: code spans and blocks, URLs,
e-mail addresses, HTML and LaTeX comments, cross-references (``\\ref{}``, ``\\@ref(fig:x)``,
``@fig-x``, ``@sec-x``), LaTeX preambles and verbatim environments. Blanking replaces
characters with spaces (newlines are kept), so for Markdown and plain text a clean-text
offset is the same as the file offset. LaTeX is also turned into readable text (``\\&`` is
``&``, ``\\"u`` is ``ü``, formatting commands disappear), which changes lengths, so every
manuscript carries a map from clean-text offsets back to the file's lines.

A .docx file has no lines: its paragraphs become the lines of the text (paragraph N is
line N, empty paragraphs included), so the same prose in a .txt file with one paragraph
per line gives the same positions (:mod:`cybercoop_cli.ingest.docx` reads it, with the
citation fields of Zotero, Mendeley and EndNote). A PDF's printed lines are the lines of
its source text, each with its page and its line on that page
(:mod:`cybercoop_cli.ingest.pdf`). This module dispatches on the file's suffix.

Every scan here walks the text once, with ``str.find`` or regular expressions that start
with a literal and contain no nested or adjacent open-ended repeats, so no input can make
them backtrack: reading time is linear in the size of the file.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.fields import CitationField
from cybercoop_cli.ingest.latex import (
    CITE_COMMAND,
    cite_commands,
    latex_to_unicode,
    parse_cite_command,
)
from cybercoop_cli.ingest.references import (
    ReferenceEntry,
    reference_entries,
    reference_sources,
)
from cybercoop_cli.ingest.text import read_text
from cybercoop_cli.model import Source

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".rmd": "markdown", ".qmd": "markdown"}
SUFFIXES |= {".txt": "text", ".text": "text", ".tex": "latex", ".ltx": "latex", ".docx": "docx"}
SUFFIXES |= {".pdf": "pdf"}

REFERENCE_HEADINGS = frozenset(
    {
        "references",
        "reference list",
        "bibliography",
        "works cited",
        "literature cited",
        "cited literature",
        "literature",
        "sources",
    }
)


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph or heading of the clean text (``start``/``end`` are clean offsets)."""

    start: int
    end: int
    heading: bool = False


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps clean-text offsets to source-text offsets.

    ``starts[i]`` is where piece ``i`` begins in the clean text and ``origins[i]`` where it
    comes from in the source; a piece that was copied (``copied[i]``) maps character by
    character, a replacement maps every character to its origin.
    """

    starts: tuple[int, ...] = (0,)
    origins: tuple[int, ...] = (0,)
    copied: tuple[bool, ...] = (True,)

    def source_offset(self, offset: int) -> int:
        index = bisect_right(self.starts, offset) - 1
        if index < 0:
            return 0
        if self.copied[index]:
            return self.origins[index] + offset - self.starts[index]
        return self.origins[index]


@dataclass(frozen=True, slots=True)
class Manuscript:
    """A manuscript read for citation checking.

    ``source`` is the file's text (for .docx, its paragraphs joined by newlines); ``text``
    is the clean text the analyses read. ``body_end`` is where the reference list starts
    in ``text`` (its length when there is none); ``references`` are that list's entries.
    """

    path: str
    kind: str
    source: str
    text: str
    blocks: tuple[Block, ...] = ()
    references: tuple[ReferenceEntry, ...] = ()
    body_end: int = -1
    offsets: OffsetMap = field(default_factory=OffsetMap)
    line_starts: tuple[int, ...] = (0,)
    warnings: tuple[str, ...] = ()
    # LaTeX's \\emph{...}/\\textit{...} groups as clean-text spans: titles, which the
    # citation finder never reads as authors' names ("\\emph{Neural Filtering} (2021)").
    emphasis: tuple[tuple[int, int], ...] = ()
    #: For a PDF, ``(page, line on the page)`` of each source line; empty otherwise.
    pages: tuple[tuple[int, int], ...] = ()
    #: Citation and bibliography fields of a .docx written with a reference manager.
    fields: tuple[CitationField, ...] = ()

    @property
    def body(self) -> str:
        """The clean text before the reference list."""
        return self.text if self.body_end < 0 else self.text[: self.body_end]

    def source_offset(self, offset: int) -> int:
        return self.offsets.source_offset(offset)

    def line_of(self, offset: int) -> int:
        """The 1-based source line of a clean-text offset (for .docx: the paragraph)."""
        return bisect_right(self.line_starts, self.source_offset(offset))

    def column_of(self, offset: int) -> int:
        """The 1-based column, in characters, of a clean-text offset on its source line."""
        source = self.source_offset(offset)
        return source - self.line_starts[bisect_right(self.line_starts, source) - 1] + 1

    def locate(self, offset: int) -> tuple[int, int, int | None]:
        """``(line_of, column_of, paragraph_of)`` of one offset, mapped and searched once."""
        source = self.offsets.source_offset(offset)
        line = bisect_right(self.line_starts, source)
        return line, source - self.line_starts[line - 1] + 1, line if self.kind == "docx" else None

    def page_line(self, offset: int) -> tuple[int, int] | None:
        """``(page, line on that page)`` of a clean-text offset in a PDF; ``None`` otherwise."""
        if not self.pages:
            return None
        return self.pages[min(self.line_of(offset), len(self.pages)) - 1]

    def paragraph_of(self, offset: int) -> int | None:
        """The 1-based paragraph number in a .docx file; ``None`` for other formats."""
        return self.line_of(offset) if self.kind == "docx" else None

    def line_text(self, line: int) -> str:
        """The source text of a 1-based line, without its newline."""
        if not 1 <= line <= len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.source)
        return self.source[start:end]

    def reference_sources(self) -> tuple[Source, ...]:
        """The reference list as :class:`Source` objects, so it resolves like a .bib file."""
        return reference_sources(self.references, self.path)


# --------------------------------------------------------------------------- reading


def read_manuscript(path: Path, *, display: str | None = None) -> Manuscript:
    """Read a .md/.Rmd/.qmd, .txt, .tex, .docx or .pdf manuscript; raise InputError when
    unreadable."""
    path = Path(path)
    name = display or str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SUFFIXES))
        raise InputError(f"unknown manuscript type '{path.suffix}'; use one of {known}", file=name)
    if not path.is_file():
        raise InputError("manuscript not found" if not path.exists() else "not a file", file=name)
    try:
        if kind == "docx":
            from cybercoop_cli.ingest.docx import read_docx

            return read_docx(path, name)
        if kind == "pdf":
            from cybercoop_cli.ingest.pdf import read_pdf

            return read_pdf(path, name)
        text, warning = read_text(path)
    except OSError as exc:
        raise InputError(f"cannot read manuscript: {exc.strerror or exc}", file=name) from exc
    return parse_manuscript(text, kind, name, warnings=(warning,) if warning else ())


def parse_manuscript(
    text: str, kind: str, path: str = "<text>", *, warnings: Sequence[str] = ()
) -> Manuscript:
    """Clean ``text`` written in ``kind`` ("markdown", "text", "latex")."""
    if kind == "markdown":
        clean, offsets = _clean_markdown(text), OffsetMap()
    elif kind == "text":
        clean, offsets = _clean_plain(text), OffsetMap()
    elif kind == "latex":
        clean, offsets, emphasis = _clean_latex(text)
        manuscript = _finish(path, kind, text, clean, offsets, tuple(warnings))
        return replace(manuscript, emphasis=emphasis) if emphasis else manuscript
    else:
        raise ValueError(f"unknown manuscript kind {kind!r}")
    return _finish(path, kind, text, clean, offsets, tuple(warnings))


def _finish(
    path: str,
    kind: str,
    source: str,
    clean: str,
    offsets: OffsetMap,
    warnings: tuple[str, ...],
    *,
    pages: tuple[tuple[int, int], ...] = (),
    fields: tuple[CitationField, ...] = (),
    references_at: int = -1,
) -> Manuscript:
    """The manuscript of a clean text: blocks, reference section and entries.

    ``references_at`` is where a reference list starts when no heading says so (a Word
    bibliography field): the blocks from there on are its entries.
    """
    clean, offsets = repair_accents(clean, offsets)
    line_starts = [0]
    find = source.find
    position = find("\n")
    while position >= 0:
        line_starts.append(position + 1)
        position = find("\n", position + 1)
    blocks = _blocks(clean, kind, source, offsets, line_starts)
    body_end, reference_blocks = _reference_section(clean, blocks, kind)
    if body_end < 0 <= references_at:
        reference_blocks = [b for b in blocks if b.start >= references_at]
        body_end = references_at if reference_blocks else -1
    manuscript = Manuscript(
        path=path,
        kind=kind,
        source=source,
        text=clean,
        blocks=tuple(b for b in blocks if b.end <= body_end or body_end < 0),
        body_end=body_end,
        offsets=offsets,
        line_starts=tuple(line_starts),
        warnings=warnings,
        pages=pages,
        fields=fields,
    )
    if reference_blocks:
        spans = [(block.start, block.end) for block in reference_blocks]
        entries = tuple(reference_entries(clean, spans, manuscript.line_of))
        manuscript = Manuscript(
            path=path,
            kind=kind,
            source=source,
            text=clean,
            blocks=manuscript.blocks,
            references=entries,
            body_end=body_end,
            offsets=offsets,
            line_starts=manuscript.line_starts,
            warnings=warnings,
            pages=pages,
            fields=fields,
        )
    return manuscript


# Text extracted from PDFs typeset with Type 1 fonts (what GROBID's training text and
# pdftotext give) sets an accent as a separate spacing character beside its letter:
# "Kamin ´ski", "Lo ¨scher", "Pe ˛kala" (the rest of the word follows the accent at once).
# The spacing form of each accent, and the combining mark that puts it back on the letter.
_SPACING_ACCENTS = {
    "\u00b4": "\u0301",  # acute
    "\u02dd": "\u030b",  # double acute
    "\u00a8": "\u0308",  # diaeresis
    "\u02c6": "\u0302",  # circumflex
    "\u02dc": "\u0303",  # tilde
    "\u00af": "\u0304",  # macron
    "\u02d8": "\u0306",  # breve
    "\u02d9": "\u0307",  # dot above
    "\u02da": "\u030a",  # ring above
    "\u02c7": "\u030c",  # caron
    "\u00b8": "\u0327",  # cedilla
    "\u02db": "\u0328",  # ogonek
}
_ACCENT = re.compile("[" + "".join(_SPACING_ACCENTS) + "]")
_LETTER = re.compile(r"[^\W\d_]")


def displaced_accents(clean: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, letter, accent) of each spacing accent between a letter (and perhaps
    a space) and a letter, left to right, as ``([^\\W\\d_]) ?(ACCENT)(?=[^\\W\\d_])`` finds
    them. The search starts at the accents, which are rare: that pattern would be tried at
    every letter (0.1 s on a 2 MB manuscript without one accent)."""
    end = 0
    for found in _ACCENT.finditer(clean):
        at = found.start()
        start = at - 2 if at >= 2 and clean[at - 1] == " " else at - 1
        if start < end or not _LETTER.match(clean, start) or not _LETTER.match(clean, at + 1):
            continue
        end = at + 1
        yield start, end, clean[start], found.group()


def repair_accents(clean: str, offsets: OffsetMap) -> tuple[str, OffsetMap]:
    """Put displaced spacing accents back on the letter before them ("Kamin ´ski" is
    "Kamiński"), where that letter takes the accent; otherwise leave the text as it is.

    The offset map is rebuilt, so every clean offset still maps to its place in the file.
    """
    out = _Builder()
    position = 0
    for start, end, letter, accent in displaced_accents(clean):
        composed = unicodedata.normalize("NFC", letter + _SPACING_ACCENTS[accent])
        if len(composed) == 1:
            out.copy(clean, position, start)
            out.emit(composed, start)
            position = end
    if position == 0:
        return clean, offsets
    out.copy(clean, position, len(clean))
    text, repaired = out.result()
    return text, _compose(repaired, offsets)


def _compose(outer: OffsetMap, inner: OffsetMap) -> OffsetMap:
    """The map of ``outer`` (new clean -> old clean) followed by ``inner`` (old -> file)."""
    starts: list[int] = []
    origins: list[int] = []
    copied: list[bool] = []
    ends = [*outer.starts[1:], None]
    for start, origin, is_copy, end in zip(
        outer.starts, outer.origins, outer.copied, ends, strict=True
    ):
        starts.append(start)
        origins.append(inner.source_offset(origin))
        if not is_copy:
            copied.append(False)
            continue
        # A copied piece maps as the inner piece it starts in, and is cut where the next
        # inner pieces start.
        index = bisect_right(inner.starts, origin) - 1
        copied.append(index < 0 or inner.copied[index])
        limit = (
            len(inner.starts)
            if end is None
            else bisect_right(inner.starts, origin + end - start - 1)
        )
        for cut in range(index + 1, limit):
            starts.append(start + inner.starts[cut] - origin)
            origins.append(inner.origins[cut])
            copied.append(inner.copied[cut])
    return OffsetMap(tuple(starts), tuple(origins), tuple(copied))


_SUPERSCRIPT_NUMBERS = re.compile(r"\d{1,3}(?:\s*[,–—‒-]\s*\d{1,3})*")
_EXPONENT_BASE = re.compile(r"(?:^|[^\w])[^\W\d_]{1,2}$|\d$")


def superscript_marker(before: str, raised: str) -> str | None:
    """The bracketed marker (``[1,3-5]``) for numbers set in superscript after ``before``
    (in .docx and PDF), or ``None`` when they read as an exponent (``10⁵``, ``m²``, ``x²``)
    or are not a list of numbers. The numeric citation finder reads the marker."""
    text = raised.strip(" ,;")
    if not _SUPERSCRIPT_NUMBERS.fullmatch(text) or _EXPONENT_BASE.search(before.rstrip()):
        return None
    if not before.strip():
        return None  # a number opening a line is a note or affiliation label
    return "[" + re.sub(r"[–—‒]", "-", re.sub(r"\s+", "", text)) + "]"


# --------------------------------------------------------------------------- blanking


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace each span by spaces, keeping its newlines, in one pass."""
    pieces: list[str] = []
    last = 0
    for start, end in sorted(spans):
        start = max(start, last)
        if end <= start:
            continue
        pieces.append(text[last:start])
        chunk = text[start:end]
        if "\n" in chunk:
            pieces.append("\n".join(" " * len(part) for part in chunk.split("\n")))
        else:
            pieces.append(" " * (end - start))
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


# The lookahead names the letters every alternative starts with, so the regex engine skips
# other positions quickly (four times faster on a 2 MB manuscript; same matches).
_URL = re.compile(
    r"(?=[hfwd])(?:(?:https?|ftp)://[^\s<>\"'`\])}]+|\bwww\.[^\s<>\"'`\])}]+|\bdoi:\S+)", re.I
)
_EMAIL_PART = re.compile(r"[\w.+-]+")
_XREF_MD = re.compile(
    r"\\?@ref\([^()\n]{0,200}\)|@(?:fig|sec|tbl|eq|lst|thm|lem|cor|prp)[-:][\w:.-]+"
)
_XREF_TEX = re.compile(
    r"\\(?:ref|autoref|Autoref|cref|Cref|eqref|pageref|vref|nameref|label|hyperref)\*?"
    r"(?:\[[^\]\n]{0,200}\])?\{[^{}\n]{0,300}\}"
)


def _candidate_spans(
    pattern: re.Pattern[str], text: str, starts: Iterable[int]
) -> list[tuple[int, int]]:
    """``pattern.finditer(text)``'s spans, trying only ``starts`` (ascending; a superset of
    where a match can begin) instead of every position: scanning a long text position by
    position is what made these patterns slow."""
    spans: list[tuple[int, int]] = []
    position = 0
    for start in starts:
        if start < position:
            continue
        found = pattern.match(text, start)
        if found is not None:
            spans.append(found.span())
            position = max(found.end(), start + 1)
    return spans


def _url_starts(text: str) -> Iterable[int]:
    # Every match has a ":" 3 to 5 characters in ("ftp://", "doi:", "http://", "https://")
    # or a "." 3 in ("www."). Searching for those marks rather than the words spares any
    # question of which characters case-insensitive matching equates.
    colons: list[int] = []
    at = text.find(":")
    while at >= 0:
        colons += [start for start in (at - 5, at - 4, at - 3) if start >= 0]
        at = text.find(":", at + 1)
    dots: list[int] = []
    at = text.find(".", 3)
    while at >= 0:
        dots.append(at - 3)
        at = text.find(".", at + 1)
    return heapq.merge(colons, dots)


def _xref_starts(text: str) -> Iterable[int]:
    # Every cross-reference begins at an "@" or at the backslash just before one.
    at = text.find("@")
    while at >= 0:
        if at > 0 and text[at - 1] == "\\":
            yield at - 1
        yield at
        at = text.find("@", at + 1)


def _url_and_email_spans(text: str) -> list[tuple[int, int]]:
    spans = _candidate_spans(_URL, text, _url_starts(text))
    # An address is found from its "@": scanning outwards from each one is linear, where a
    # pattern that starts with [\w.]+ would rescan every word on every failed attempt.
    position = text.find("@")
    while position >= 0:
        left = position
        while left > 0 and (text[left - 1].isalnum() or text[left - 1] in "._+-"):
            left -= 1
        right = position + 1
        while right < len(text) and (text[right].isalnum() or text[right] in ".-_"):
            right += 1
        domain = text[position + 1 : right].rstrip(".")
        if left < position and "." in domain and not domain.startswith("."):
            spans.append((left, position + 1 + len(domain)))
        position = text.find("@", max(right, position + 1))
    return spans


def _clean_plain(text: str) -> str:
    return _blank(text, _url_and_email_spans(text))


def _clean_markdown(text: str) -> str:
    spans: list[tuple[int, int]] = []
    spans += _front_matter(text)
    spans += _fenced_blocks(text)
    text = _blank(text, spans)
    spans = _html_comments(text)
    spans += _indented_code(text)
    text = _blank(text, spans)
    spans = _code_spans(text)
    text = _blank(text, spans)
    spans = _link_targets(text)
    spans += _url_and_email_spans(text)
    spans += _candidate_spans(_XREF_MD, text, _xref_starts(text))
    spans += [(m.start(), m.end()) for m in _XREF_TEX.finditer(text)]
    spans += _table_rules(text)
    spans += _attribute_blocks(text)
    return _blank(text, spans)


def _html_comments(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = text.find("<!--")
    while position >= 0:
        end = text.find("-->", position + 4)
        if end < 0:
            break  # no comment after this one can close either
        spans.append((position, end + 3))
        position = text.find("<!--", end + 3)
    return spans


def _front_matter(text: str) -> list[tuple[int, int]]:
    if not text.startswith("---\n"):
        return []
    for marker in ("\n---\n", "\n...\n", "\n---", "\n..."):
        end = text.find(marker, 3)
        if end >= 0 and (marker.endswith("\n") or end + len(marker) == len(text)):
            return [(0, end + len(marker))]
    return []


def _lines(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        yield start, end
        start = end + 1


def _fenced_blocks(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if "```" not in text and "~~~" not in text:
        return spans  # no line can open a fence
    fence = ""
    opened = 0
    for start, end in _lines(text):
        stripped = text[start:end].lstrip(" ")
        if len(text[start:end]) - len(stripped) > 3:
            continue
        if not fence:
            if stripped.startswith(("```", "~~~")):
                char = stripped[0]
                count = len(stripped) - len(stripped.lstrip(char))
                fence, opened = char * count, start
        elif stripped.startswith(fence) and not stripped.strip(fence[0]).strip():
            spans.append((opened, end))
            fence = ""
    if fence:  # an unclosed fence runs to the end, as in CommonMark
        spans.append((opened, len(text)))
    return spans


def _indented_code(text: str) -> list[tuple[int, int]]:
    """Indented code blocks: four-space lines after a blank line, not continuing a list."""
    spans: list[tuple[int, int]] = []
    if "\n    " not in text and "\n\t" not in text and not text.startswith(("    ", "\t")):
        return spans  # no line is indented
    previous_blank = True
    in_list = False
    block_start = -1
    for start, end in _lines(text):
        line = text[start:end]
        if not line.strip():
            previous_blank = True
            continue
        indented = line.startswith(("    ", "\t"))
        if block_start >= 0 and indented:
            spans.append((start, end))
            previous_blank = False
            continue
        block_start = -1
        if indented and previous_blank and not in_list:
            block_start = start
            spans.append((start, end))
        elif not indented:
            head = line.lstrip()
            in_list = (
                head[:2] in {"- ", "* ", "+ "}
                or _is_ordered_item(head)
                or (in_list and not previous_blank)
            )
        previous_blank = False
    return spans


def _is_ordered_item(line: str) -> bool:
    digits = len(line) - len(line.lstrip("0123456789"))
    return 0 < digits < 10 and line[digits : digits + 2] in {". ", ") "}


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Backtick code spans: a run of N backticks closes at the next run of exactly N.

    Runs are listed once; for each length a pointer walks forward, so the search is linear
    even with thousands of unmatched backticks. Spans do not cross a blank line.
    """
    runs: list[tuple[int, int]] = []
    position = text.find("`")
    while position >= 0:
        end = position
        while end < len(text) and text[end] == "`":
            end += 1
        runs.append((position, end - position))
        position = text.find("`", end)
    by_length: dict[int, list[int]] = {}
    for index, (_, length) in enumerate(runs):
        by_length.setdefault(length, []).append(index)
    pointer: dict[int, int] = dict.fromkeys(by_length, 0)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, length = runs[index]
        same = by_length[length]
        cursor = pointer[length]
        while cursor < len(same) and same[cursor] <= index:
            cursor += 1
        pointer[length] = cursor
        closer = same[cursor] if cursor < len(same) else -1
        if closer < 0:
            index += 1
            continue
        close_start = runs[closer][0]
        if close_start - start > 5_000 or text.find("\n\n", start, close_start) >= 0:
            index += 1
            continue
        spans.append((start, close_start + length))
        index = closer + 1
    return spans


def _link_targets(text: str) -> list[tuple[int, int]]:
    """The ``(target)`` of ``[text](target)`` and ``![alt](target)``, and the brackets.

    The link text stays: pandoc with ``link-citations`` writes every citation as a link,
    ``([Quintana 2020](#ref-quintana2020))``, and the brackets would hide it.
    """
    spans: list[tuple[int, int]] = []
    position = text.find("](")
    while position >= 0:
        close = text.find(")", position + 2, position + 2_000)
        newline = text.find("\n\n", position + 2, position + 2_000)
        if close >= 0 and (newline < 0 or close < newline):
            spans.append((position, close + 1))
            opener = _link_opener(text, position)
            if opener >= 0:
                spans.append((opener, opener + 1))
            position = text.find("](", close)
        else:
            position = text.find("](", position + 2)
    return spans


def _link_opener(text: str, close: int) -> int:
    """The ``[`` that opens the link text ending at ``text[close] == ']'``, or -1.

    Escaped brackets (``\\[2019\\]``) belong to the text; the search is bounded.
    """
    floor = max(0, close - 500)
    position = close - 1
    while position >= floor:
        char = text[position]
        if char == "\n" and text[position - 1 : position] == "\n":
            return -1
        if char in "[]" and not (position > 0 and text[position - 1] == "\\"):
            return position if char == "[" else -1
        position -= 1
    return -1


def _attribute_blocks(text: str) -> list[tuple[int, int]]:
    """Pandoc attributes after a link, image or span: ``![..](x.png){width="100%"}``."""
    spans: list[tuple[int, int]] = []
    for opener in ("){", "]{"):
        position = text.find(opener)
        while position >= 0:
            close = text.find("}", position + 2, position + 500)
            newline = text.find("\n\n", position + 2, position + 500)
            if close >= 0 and (newline < 0 or close < newline):
                spans.append((position + 1, close + 1))
            position = text.find(opener, position + 2)
    return spans


def _table_rules(text: str) -> list[tuple[int, int]]:
    """Pipe and grid table rows: cells hold data, not prose with citations."""
    spans: list[tuple[int, int]] = []
    for start, end in _lines(text):
        line = text[start:end].strip()
        if line.startswith(("|", "+-", "+=", "+:")) and line.endswith(("|", "+")):
            spans.append((start, end))
    return spans


# --------------------------------------------------------------------------- LaTeX

_VERBATIM_ENVS = ("verbatim", "Verbatim", "Shaded", "lstlisting", "minted", "comment")
# Verbatim in literate Haskell (lhs2TeX) and a few classes, but also the usual name of a
# float for listings (\newfloat{code}): a float holds a \caption or a nested environment.
_CODE_ENVS = ("code",)
_EMPHASIS = frozenset({"emph", "textit", "textsl", "mkbibemph"})
_DROP_ARG = frozenset(
    {
        "texttt",
        "verb",
        "url",
        "nolinkurl",
        "includegraphics",
        "label",
        "hypertarget",  # pandoc/papaja reference anchors: \hypertarget{ref-key}{}
        "hyperlink",  # its target; the link text follows as ordinary text
        "ref",
        "autoref",
        "Autoref",
        "cref",
        "Cref",
        "eqref",
        "pageref",
        "vref",
        "nameref",
        "bibitem",
        "input",
        "include",
        "bibliography",
        "bibliographystyle",
        "addbibresource",
        "setlength",
        "setcounter",
        "hypersetup",
        "usepackage",
        "documentclass",
        "begin",
        "end",
        "phantomsection",
        "hspace",
        "vspace",
        "footnotesize",
        "newcommand",
        "renewcommand",
        "providecommand",
    }
)
_SECTION_COMMANDS = frozenset(
    {"part", "chapter", "section", "subsection", "subsubsection", "paragraph", "subparagraph"}
)


class _Builder:
    """Collects clean text with the source offset of every piece."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.origins: list[int] = []
        self.copied: list[bool] = []
        self.length = 0
        # Emphasised groups: the source offset of each open group's closing brace, mapped
        # to where the group starts in the clean text; and the spans of those closed.
        self.emphasis_open: dict[int, int] = {}
        self.emphasis: list[tuple[int, int]] = []

    def copy(self, source: str, start: int, end: int) -> None:
        if end > start:
            self._add(source[start:end], start, True)

    def emit(self, text: str, origin: int) -> None:
        if text:
            self._add(text, origin, False)

    def _add(self, text: str, origin: int, copied: bool) -> None:
        self.parts.append(text)
        self.starts.append(self.length)
        self.origins.append(origin)
        self.copied.append(copied)
        self.length += len(text)

    def result(self) -> tuple[str, OffsetMap]:
        if not self.parts:
            return "", OffsetMap()
        return "".join(self.parts), OffsetMap(
            tuple(self.starts), tuple(self.origins), tuple(self.copied)
        )


def _latex_comments(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = text.find("%")
    while position >= 0:
        backslashes = 0
        while position - backslashes > 0 and text[position - backslashes - 1] == "\\":
            backslashes += 1
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        if backslashes % 2 == 0:
            spans.append((position, end))
            position = text.find("%", end)
        else:
            position = text.find("%", position + 1)
    return spans


def _environment_spans(text: str, names: Sequence[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for name in names:
        opener, closer = f"\\begin{{{name}}}", f"\\end{{{name}}}"
        position = text.find(opener)
        while position >= 0:
            end = text.find(closer, position + len(opener))
            end = len(text) if end < 0 else end + len(closer)
            spans.append((position, end))
            position = text.find(opener, end)
    return spans


def _clean_latex(text: str) -> tuple[str, OffsetMap, tuple[tuple[int, int], ...]]:
    spans = _latex_comments(text)
    begin = text.find("\\begin{document}")
    kept: list[tuple[int, int]] = []
    if begin >= 0:
        preamble_end = begin + len("\\begin{document}")
        kept = _preamble_prose(_blank(text, spans), begin)
        last = 0
        for start, end in kept:
            spans.append((last, start))
            last = end
        spans.append((last, preamble_end))
    text_blanked = _blank(text, spans)
    if kept:
        # The abstract is a paragraph of its own: end it where \begin{document} was.
        text_blanked = text_blanked[:begin] + "\n\n" + text_blanked[begin + 2 :]
    spans = _environment_spans(text_blanked, _VERBATIM_ENVS)
    spans += [
        (start, end)
        for start, end in _environment_spans(text_blanked, _CODE_ENVS)
        if text_blanked.find("\\caption", start, end) < 0
        and text_blanked.find("\\begin{", start + 1, end) < 0
    ]
    spans += _outside_citations(text_blanked, _url_and_email_spans(text_blanked))
    blanked = _blank(text_blanked, spans)
    return _latex_to_text(blanked)


def _preamble_prose(text: str, begin: int) -> list[tuple[int, int]]:
    """The ``{...}`` of ``\\abstract{...}`` in the preamble (apa6, papaja): prose to keep."""
    kept: list[tuple[int, int]] = []
    position = text.find("\\abstract", 0, begin)
    while position >= 0:
        brace = position + len("\\abstract")
        while brace < begin and text[brace] in " \t\n":
            brace += 1
        defined = text[max(0, position - 12) : position].rstrip().endswith(("def", "{"))
        if brace < begin and text[brace] == "{" and not defined:
            end = _group_end(text, brace, begin)
            kept.append((brace, end))
            position = text.find("\\abstract", end, begin)
        else:
            position = text.find("\\abstract", brace, begin)
    return kept


def _group_end(text: str, start: int, limit: int) -> int:
    """After the group opening at ``text[start] == '{'``, blank lines and all (<= limit)."""
    return _skip_braced(text, start, limit - start, across_paragraphs=True)


def _outside_citations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` without those that start inside a citation command's arguments.

    A key may look like a URL (``\\citet{http://adsabs.harvard.edu/abs/2010ApJ...}``): it
    is a key all the same, and blanking it would lose the citation.
    """
    if not spans or "\\" not in text:
        return spans
    commands = [(command.start, command.end) for command in cite_commands(text)]
    if not commands:
        return spans
    starts = [start for start, _ in commands]
    kept = []
    for span in spans:
        index = bisect_right(starts, span[0]) - 1
        if index < 0 or span[0] >= commands[index][1]:
            kept.append(span)
    return kept


def _skip_braced(
    text: str, start: int, limit: int = 20_000, *, across_paragraphs: bool = False
) -> int:
    """The offset after the group opening at ``text[start] == '{'`` (bounded, linear).

    An unclosed group ends at a blank line, unless ``across_paragraphs``; at the limit, the
    offset of the limit."""
    depth = 0
    end = min(len(text), start + limit)
    position = start
    while position < end:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position + 1
        elif (
            char == "\n"
            and not across_paragraphs
            and depth > 0
            and text.startswith("\n\n", position)
        ):
            return position
        position += 1
    return end


def _skip_bracketed(text: str, start: int) -> int:
    end = text.find("]", start)
    newline = text.find("\n\n", start)
    if end < 0 or end - start > 500 or (0 <= newline < end):
        return start
    return end + 1


def _latex_to_text(text: str) -> tuple[str, OffsetMap, tuple[tuple[int, int], ...]]:
    """Turn LaTeX prose into text: drop formatting, keep cite commands as written.

    Also returns where the emphasised groups (``\\emph{...}``) are in the text.
    """
    out = _Builder()
    position = 0
    copied_from = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char == "\\":
            out.copy(text, copied_from, position)
            position = _latex_command(text, position, out)
            copied_from = position
        elif char in "{}":
            out.copy(text, copied_from, position)
            if char == "}" and position in out.emphasis_open:
                out.emphasis.append((out.emphasis_open.pop(position), out.length))
            out.emit(" " if char == "}" else "", position)
            position += 1
            copied_from = position
        elif char == "~":
            out.copy(text, copied_from, position)
            out.emit(" ", position)
            position += 1
            copied_from = position
        else:
            # Copy a run of ordinary characters in one step.
            next_special = _next_special(text, position)
            position = next_special
    out.copy(text, copied_from, length)
    return (*out.result(), tuple(out.emphasis))


_SPECIAL = re.compile(r"[\\{}~]")


def _next_special(text: str, position: int) -> int:
    match = _SPECIAL.search(text, position)
    return match.start() if match else len(text)


def _latex_command(text: str, position: int, out: _Builder) -> int:
    """Handle the command at ``text[position] == '\\'``; return where scanning resumes."""
    nxt = position + 1
    if nxt >= len(text):
        return nxt
    second = text[nxt]
    if second in "&%$#_{}":
        out.emit(second, position)
        return nxt + 1
    if second == "\\":
        out.emit("\n", position)
        return nxt + 1
    if second in " ,;:!@/":
        out.emit(" ", position)
        return nxt + 1
    if second in "'`^\"~=.":
        # An accent: \"u, \"{u}, \'{\i}
        end = nxt + 1
        if end < len(text) and text[end] == "{":
            end = _skip_braced(text, end, 12)
        elif end < len(text) and text[end] == "\\":
            end = min(len(text), end + 2)
        else:
            end = min(len(text), end + 1)
        out.emit(unicodedata.normalize("NFC", latex_to_unicode(text[position:end])), position)
        return end
    if not second.isalpha():
        out.emit(" ", position)
        return nxt + 1
    end = nxt
    while end < len(text) and text[end].isalpha():
        end += 1
    name = text[nxt:end]
    cite = CITE_COMMAND.match(text, position)
    if cite is not None:
        return _copy_cite(text, cite, out)
    if name in {"begin", "end"} and text[end : end + 1] == "{":
        close = _skip_braced(text, end)
        environment = text[end + 1 : close - 1]
        out.emit("\n\n" if environment in {"CSLReferences", "thebibliography"} else " ", position)
        return close
    if name == "bibitem":
        resume = end
        if text[resume : resume + 1] == "[":
            resume = _skip_bracketed(text, resume)
        if text[resume : resume + 1] == "{":
            resume = _skip_braced(text, resume)
        out.emit(" ", position)
        return resume
    if name in _EMPHASIS and text[end : end + 1] == "{":
        close = _skip_braced(text, end, 2_000)
        words = " ".join(text[end + 1 : close - 1].replace("~", " ").split()).lower()
        if text[close - 1 : close] == "}" and words.rstrip(".,") not in {"et al", "et. al"}:
            out.emit(" ", position)
            out.emphasis_open[close - 1] = out.length
        else:
            out.emit(" ", position)
        return end
    if name in {"href"} and text[end : end + 1] == "{":
        out.emit(" ", position)
        return _skip_braced(text, end)  # the URL; the link text follows as ordinary text
    if name in _DROP_ARG or name in {"citeproc"}:
        resume = end + (1 if text[end : end + 1] == "*" else 0)
        while text[resume : resume + 1] == "[":
            after = _skip_bracketed(text, resume)
            if after == resume:
                break
            resume = after
        if name == "verb" and resume < len(text):
            delimiter = text[resume]
            close = text.find(delimiter, resume + 1)
            resume = len(text) if close < 0 else close + 1
        elif text[resume : resume + 1] == "{":
            resume = _skip_braced(text, resume)
        out.emit(" ", position)
        return resume
    if name in _SECTION_COMMANDS:
        out.emit("\n\n\x1e", position)  # a record separator marks the heading's start
        resume = end + (1 if text[end : end + 1] == "*" else 0)
        return resume
    if len(name) <= 2 and name in {"i", "j", "o", "O", "l", "L", "ss", "ae", "AE", "oe", "OE"}:
        out.emit(latex_to_unicode("\\" + name), position)
        return end
    if name in {"ldots", "dots", "textellipsis"}:
        out.emit("…", position)
        return end
    if name in {"item"}:
        out.emit("\n", position)
        return end
    if name in {"par", "newline", "linebreak"}:
        out.emit("\n", position)
        return end
    out.emit(" ", position)
    return end


def _copy_cite(text: str, cite: re.Match[str], out: _Builder) -> int:
    """Copy a \\cite-family command with its notes and key arguments unchanged."""
    command = parse_cite_command(text, cite)
    end = cite.end() if command is None else command.end
    out.copy(text, cite.start(), end)
    return end


# --------------------------------------------------------------------------- blocks


def _blocks(
    clean: str, kind: str, source: str, offsets: OffsetMap, line_starts: list[int]
) -> list[Block]:
    """Paragraphs and headings of the clean text.

    Markdown, text and LaTeX paragraphs are separated by blank lines; in .docx every
    non-empty paragraph is one. A heading is a Markdown ``#`` line, a LaTeX sectioning
    command, or in plain text a short line on its own with no final full stop.
    """
    blocks: list[Block] = []
    separator = "\n" if kind == "docx" else "\n\n"
    start = 0
    while start < len(clean):
        end = clean.find(separator, start)
        if end < 0:
            end = len(clean)
        _add_blocks(clean, start, end, kind, blocks)
        start = end + len(separator)
    return blocks


def _add_blocks(clean: str, start: int, end: int, kind: str, blocks: list[Block]) -> None:
    chunk = clean[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = start + len(chunk) - len(chunk.lstrip())
    if kind == "markdown":
        # A heading line ends its paragraph even without a blank line after it.
        position = lead
        while position < end:
            line_end = clean.find("\n", position, end)
            line_end = end if line_end < 0 else line_end
            if clean[position:line_end].lstrip().startswith("#"):
                if position > lead and clean[lead:position].strip():
                    blocks.append(Block(lead, position))
                blocks.append(Block(position, line_end, heading=True))
                lead = line_end + 1
            position = line_end + 1
        if lead < end and clean[lead:end].strip():
            blocks.append(Block(lead, end))
        return
    if kind == "latex" and chunk.lstrip(" \t\n").startswith("\x1e"):
        # The heading's title ends at the end of its line.
        line_end = clean.find("\n", lead, end)
        line_end = end if line_end < 0 else line_end
        blocks.append(Block(lead, line_end, heading=True))
        if line_end < end and clean[line_end:end].strip():
            blocks.append(Block(line_end + 1, end))
        return
    first_end = clean.find("\n", lead, end)
    if kind in {"text", "pdf"} and first_end > 0:
        first_line = clean[lead:first_end].strip().rstrip(":").strip().lower()
        if first_line in REFERENCE_HEADINGS:
            # "References" directly above the first entry, with no blank line between.
            blocks.append(Block(lead, first_end, heading=True))
            blocks.append(Block(first_end + 1, end))
            return
    if kind in {"text", "docx", "pdf"} and _looks_like_heading(stripped):
        blocks.append(Block(lead, end, heading=True))
        return
    blocks.append(Block(lead, end))


def _looks_like_heading(text: str) -> bool:
    return (
        "\n" not in text
        and len(text) <= 100
        and not text.endswith((".", ",", ";", ":", ")", "?", "!", "”", '"'))
    ) or text.rstrip(":").strip().lower() in REFERENCE_HEADINGS


def heading_title(clean: str, block: Block) -> str:
    """A heading's words, without Markdown hashes, numbering or a final colon."""
    text = clean[block.start : block.end].replace("\x1e", " ").strip().lstrip("#").strip()
    if text.startswith("*"):
        text = text.lstrip("*").strip()
    words = text.split()
    if words and words[0].rstrip(".").replace(".", "").isdigit():
        words = words[1:]
    title = " ".join(words).rstrip(":").strip().strip("*").strip()
    brace = title.find("{")
    return title[:brace].strip() if brace > 0 else title


def _reference_section(clean: str, blocks: list[Block], kind: str) -> tuple[int, list[Block]]:
    for index, block in enumerate(blocks):
        if block.heading and heading_title(clean, block).lower() in REFERENCE_HEADINGS:
            level = _heading_level(clean, block)
            entries: list[Block] = []
            for later in blocks[index + 1 :]:
                if later.heading and kind in {"markdown", "latex"}:
                    if _heading_level(clean, later) <= level:
                        break
                    continue
                entries.append(later)
            return block.start, entries
    return -1, []


def _heading_level(clean: str, block: Block) -> int:
    text = clean[block.start : block.end].lstrip()
    if text.startswith("#"):
        return len(text) - len(text.lstrip("#"))
    return 1
