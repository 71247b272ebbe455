"""Reading a manuscript (.md, .txt, .tex, .docx) into clean text that keeps its line map.

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
per line gives the same positions.

Every scan here walks the text once, with ``str.find`` or regular expressions that start
with a literal and contain no nested or adjacent open-ended repeats, so no input can make
them backtrack: reading time is linear in the size of the file.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
import zipfile
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.latex import latex_to_unicode
from cybercoop_cli.ingest.references import (
    ReferenceEntry,
    reference_entries,
    reference_sources,
)
from cybercoop_cli.ingest.text import read_text
from cybercoop_cli.model import Source

# .docx limits: a Word file is a zip, and a zip can expand a few kilobytes into gigabytes.
DOCX_MAX_MEMBERS = 2_000
DOCX_MAX_XML_BYTES = 64 * 1024 * 1024
DOCX_MAX_RATIO = 200

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".rmd": "markdown", ".qmd": "markdown"}
SUFFIXES |= {".txt": "text", ".text": "text", ".tex": "latex", ".ltx": "latex", ".docx": "docx"}

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
    """Read a .md/.Rmd/.qmd, .txt, .tex or .docx manuscript; raise InputError when unreadable."""
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
            return parse_docx_paragraphs(read_docx_paragraphs(path, name), name)
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
        clean, offsets = _clean_latex(text)
    else:
        raise ValueError(f"unknown manuscript kind {kind!r}")
    return _finish(path, kind, text, clean, offsets, tuple(warnings))


def parse_docx_paragraphs(paragraphs: Sequence[str], path: str = "<docx>") -> Manuscript:
    """Build a manuscript from Word paragraphs: each paragraph is one line of the text."""
    source = "\n".join(p.replace("\n", " ") for p in paragraphs)
    return _finish(path, "docx", source, _clean_plain(source), OffsetMap(), ())


def _finish(
    path: str, kind: str, source: str, clean: str, offsets: OffsetMap, warnings: tuple[str, ...]
) -> Manuscript:
    line_starts = [0]
    find = source.find
    position = find("\n")
    while position >= 0:
        line_starts.append(position + 1)
        position = find("\n", position + 1)
    blocks = _blocks(clean, kind, source, offsets, line_starts)
    body_end, reference_blocks = _reference_section(clean, blocks, kind)
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
        )
    return manuscript


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
    """The ``(target)`` of ``[text](target)`` and ``![alt](target)``."""
    spans: list[tuple[int, int]] = []
    position = text.find("](")
    while position >= 0:
        close = text.find(")", position + 2, position + 2_000)
        newline = text.find("\n\n", position + 2, position + 2_000)
        if close >= 0 and (newline < 0 or close < newline):
            spans.append((position + 1, close + 1))
            position = text.find("](", close)
        else:
            position = text.find("](", position + 2)
    return spans


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

_VERBATIM_ENVS = ("verbatim", "Verbatim", "Shaded", "lstlisting", "minted", "comment", "code")
_DROP_ARG = frozenset(
    {
        "texttt",
        "verb",
        "url",
        "nolinkurl",
        "includegraphics",
        "label",
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
_CITE_COMMAND = re.compile(
    r"\\(?:[Cc]ite[a-z]*|[Pp]arencite|[Tt]extcite|[Aa]utocite|[Ss]martcite|[Ff]ootcite"
    r"|[Ff]ootcitetext|[Ss]upercite|nocite)\*?"
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


def _clean_latex(text: str) -> tuple[str, OffsetMap]:
    spans = _latex_comments(text)
    begin = text.find("\\begin{document}")
    if begin >= 0:
        spans.append((0, begin + len("\\begin{document}")))
    text_blanked = _blank(text, spans)
    spans = _environment_spans(text_blanked, _VERBATIM_ENVS)
    spans += _url_and_email_spans(text_blanked)
    blanked = _blank(text_blanked, spans)
    return _latex_to_text(blanked)


def _skip_braced(text: str, start: int, limit: int = 20_000) -> int:
    """The offset after the group opening at ``text[start] == '{'`` (bounded, linear)."""
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
        elif char == "\n" and text.startswith("\n\n", position) and depth > 0:
            return position
        position += 1
    return end


def _skip_bracketed(text: str, start: int) -> int:
    end = text.find("]", start)
    newline = text.find("\n\n", start)
    if end < 0 or end - start > 500 or (0 <= newline < end):
        return start
    return end + 1


def _latex_to_text(text: str) -> tuple[str, OffsetMap]:
    """Turn LaTeX prose into text: drop formatting, keep cite commands as written."""
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
    return out.result()


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
    if _CITE_COMMAND.fullmatch(text, position, end + (1 if text[end : end + 1] == "*" else 0)):
        return _copy_cite(text, position, out)
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


def _copy_cite(text: str, position: int, out: _Builder) -> int:
    """Copy a \\cite-family command with its optional and key arguments unchanged."""
    end = position + 1
    while end < len(text) and text[end].isalpha():
        end += 1
    if text[end : end + 1] == "*":
        end += 1
    for _ in range(8):  # \cites[pre][post]{a}[pre][post]{b}...
        while text[end : end + 1] == "[":
            after = _skip_bracketed(text, end)
            if after == end:
                break
            end = after
        if text[end : end + 1] != "{":
            break
        end = _skip_braced(text, end, 2_000)
    out.copy(text, position, end)
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
    if kind == "text" and first_end > 0:
        first_line = clean[lead:first_end].strip().rstrip(":").strip().lower()
        if first_line in REFERENCE_HEADINGS:
            # "References" directly above the first entry, with no blank line between.
            blocks.append(Block(lead, first_end, heading=True))
            blocks.append(Block(first_end + 1, end))
            return
    if kind in {"text", "docx"} and _looks_like_heading(stripped):
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


# --------------------------------------------------------------------------- .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx_paragraphs(path: Path, display: str | None = None) -> list[str]:
    """The text of every paragraph of a .docx body, in order, with zip-bomb limits.

    Deleted tracked changes are left out; tabs and line breaks become spaces. A file with
    too many members, a document part over the size limit or an implausible compression
    ratio is refused, and so is any DOCTYPE (Word never writes one; entities can explode).
    """
    name = display or str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not a readable .docx (zip) file: {exc}", file=name) from exc
    with archive:
        members = archive.infolist()
        if len(members) > DOCX_MAX_MEMBERS:
            raise InputError(f".docx has {len(members)} parts, over {DOCX_MAX_MEMBERS}", file=name)
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            raise InputError(
                ".docx has no word/document.xml; is it a Word file?", file=name
            ) from None
        if info.file_size > DOCX_MAX_XML_BYTES or (
            info.compress_size and info.file_size / info.compress_size > DOCX_MAX_RATIO
        ):
            raise InputError(
                "word/document.xml expands too far (a zip bomb?); refusing to read it", file=name
            )
        data = bytearray()
        try:
            with archive.open(info) as handle:
                while chunk := handle.read(1 << 20):
                    data += chunk
                    if len(data) > DOCX_MAX_XML_BYTES:  # the header may lie about the size
                        raise InputError(
                            "word/document.xml is larger than its header says; refusing it",
                            file=name,
                        )
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputError(f"damaged .docx: {exc}", file=name) from exc
    head = bytes(data[:4096]).upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in bytes(data).upper():
        raise InputError(".docx document part declares a DOCTYPE; refusing it", file=name)
    return _docx_paragraphs(bytes(data), name)


def _docx_paragraphs(data: bytes, name: str) -> list[str]:
    paragraphs: list[str] = []
    parts: list[str] = []
    depth = 0
    try:
        for event, element in ElementTree.iterparse(_BytesReader(data), events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_W}p":
                    depth += 1
                    if depth == 1:
                        parts = []
                continue
            if tag == f"{_W}t":
                parts.append(element.text or "")
            elif tag in {f"{_W}tab", f"{_W}br", f"{_W}cr"}:
                parts.append(" ")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{_W}p":
                depth -= 1
                if depth == 0:
                    paragraphs.append("".join(parts).replace("\n", " "))
                element.clear()
    except ElementTree.ParseError as exc:
        raise InputError(f"damaged .docx: word/document.xml is not XML ({exc})", file=name) from exc
    return paragraphs


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            size = len(self._data) - self._position
        chunk = self._data[self._position : self._position + size]
        self._position += len(chunk)
        return bytes(chunk)
