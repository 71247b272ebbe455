"""Reading a PDF manuscript into clean text that knows the page and line of every offset.

Text comes from pypdfium2 (PDFium, the engine of Chrome's viewer), imported only when a PDF
is read. Measured against pdfplumber on the published JOSS papers in the shared corpus
(``python bench/pdf_libraries.py``), PDFium keeps the publisher's reading order (the
sidebar before the body, not interleaved with it), keeps word spaces that pdfplumber
loses in tightly set lines, and is about 30 times faster.

What happens to the text, in order:

- every character comes with its font size and baseline, so lines are rebuilt from the
  page (PDFium's own line breaks, plus a break after each end-of-line hyphen it marks);
- running headers and footers (a line near the top or bottom edge that recurs, digits
  aside, on at least half the pages) and bare page numbers there are dropped;
- superscript numbers (smaller type, raised baseline) become a bracketed marker in the
  clean text, ``¹,³⁻⁵`` -> ``[1,3-5]``, so the numeric citation finder reads them; a number
  that also opens a line of the same page is a footnote or affiliation label and is left;
- a word broken over two lines with a hyphen is joined; the hyphen stays when it belongs
  to the word (the hyphenated form occurs elsewhere, the word part before it has a capital
  or digit, or the next line starts with one);
- paragraphs are told apart by vertical gaps, changes of type size, short last lines and
  indents (first-line and hanging), and are separated by a blank line in the clean text,
  so the reference section is found by its heading as in a plain-text manuscript.

The source text is the kept lines, one per line, so ``Manuscript.line_of`` counts them;
``Manuscript.page_line`` gives the page and the line on that page of any offset.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.manuscript import (
    Manuscript,
    _Builder,
    _clean_plain,
    _finish,
    superscript_marker,
)

PDF_MAX_BYTES = 512 * 1024 * 1024
PDF_MAX_PAGES = 5_000
EDGE_ZONE = 0.1  # share of the page height, top and bottom, where headers and footers live

_SUPERSCRIPT = re.compile(r"\d{1,3}(?:\s*[,–—‒-]\s*\d{1,3})*")
_PAGE_NUMBER = re.compile(
    r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]|[ivxlcdm]{1,6}", re.I
)
_SENTENCE_END = (".", "?", "!", ":", '"', "”", ")")


@dataclass(frozen=True, slots=True)
class PdfLine:
    """One line of a page as printed: its text and where it stands.

    ``page`` and ``number`` are 1-based: the number counts rows of text from the top of the
    page, headers included (two columns side by side share row numbers). ``x0``/``x1`` are its left and right edges and ``baseline``
    its height in points from the bottom of the page; ``size`` is its main type size.
    ``superscripts`` are the spans of ``text`` set as superscript numbers;
    ``hyphenated`` says it ends in a line-break hyphen that PDFium marked as such.
    """

    page: int
    number: int
    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    page_height: float
    superscripts: tuple[tuple[int, int], ...] = ()
    hyphenated: bool = False


def read_pdf(path: Path, display: str | None = None) -> Manuscript:
    """Read a PDF manuscript; raise InputError for a damaged, encrypted or textless file."""
    name = display or str(path)
    return parse_pdf_lines(read_pdf_lines(path, name), name)


def read_pdf_lines(path: Path, display: str | None = None) -> list[PdfLine]:
    """Every text line of every page, in PDFium's reading order."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise InputError(f"cannot read PDF: {exc.strerror or exc}", file=name) from exc
    if b"%PDF-" not in head:
        raise InputError("not a PDF file (no %PDF- header)", file=name)
    if size > PDF_MAX_BYTES:
        raise InputError(f"PDF is larger than {PDF_MAX_BYTES // 2**20} MB; refusing it", file=name)
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise InputError(
            f"cannot open the PDF (damaged, or protected by a password): {exc}", file=name
        ) from exc
    try:
        if len(document) > PDF_MAX_PAGES:
            raise InputError(f"PDF has {len(document)} pages, over {PDF_MAX_PAGES}", file=name)
        lines: list[PdfLine] = []
        for index in range(len(document)):
            try:
                page = document[index]
                lines += _page_lines(page, index + 1)
            except pdfium.PdfiumError as exc:
                raise InputError(f"page {index + 1} cannot be read: {exc}", file=name) from exc
    finally:
        document.close()
    if not any(line.text.strip() for line in lines):
        raise InputError(
            "the PDF has no text layer (scanned pages?); run OCR on it first", file=name
        )
    return lines


def _page_lines(page: Any, page_number: int) -> list[PdfLine]:
    import ctypes

    import pypdfium2.raw as raw

    height = float(page.get_height())
    textpage = page.get_textpage()
    handle = textpage.raw
    x = ctypes.c_double()
    y = ctypes.c_double()
    lines: list[PdfLine] = []
    chars: list[tuple[str, float, float, float]] = []  # (char, x, baseline, size)

    def close(hyphenated: bool) -> None:
        line = _line(chars, page_number, len(lines) + 1, height, hyphenated)
        chars.clear()
        if line is not None:
            lines.append(line)

    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # characters beyond the BMP: one index each, read one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i)) for i in range(count))
    broken = False  # PDFium put a line break here; the next character may undo it
    size = 0.0
    for index, char in enumerate(text):
        if char in "\ufffe\x02" and raw.FPDFText_IsHyphen(handle, index):
            raw.FPDFText_GetCharOrigin(handle, index, x, y)
            chars.append(("-", x.value, y.value, raw.FPDFText_GetFontSize(handle, index)))
            close(True)
            broken = False
            continue
        if char in "\r\n":
            broken = bool(chars)
            continue
        code = ord(char)
        if code < 32 or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            continue  # control codes and lone surrogate halves carry no text
        # Each position costs two calls into PDFium: they are made where the geometry
        # matters (word edges, digits and marks that may be superscripts, line starts);
        # a letter inside a word has its word's.
        after = text[index + 1 : index + 2]
        if (
            broken
            or not chars
            or chars[-1][0] == " "
            or char == " "
            or not char.isalpha()
            or after in ("", " ", "\r", "\n")
        ):
            raw.FPDFText_GetCharOrigin(handle, index, x, y)
            size = raw.FPDFText_GetFontSize(handle, index)
        if broken:
            broken = False
            if _continues(chars, x.value, y.value, size):
                # A superscript set as a text object of its own, or the text after one:
                # PDFium breaks the line there, but it goes on to the right.
                if x.value - chars[-1][1] > 0.9 * max(chars[-1][3], 1.0) and code != 32:
                    chars.append((" ", x.value, y.value, size))
            else:
                close(False)
        elif chars and _starts_new_line(chars[-1], x.value, y.value, size):
            close(False)
        if code == 32 and (not chars or chars[-1][0] == " "):
            continue  # PDFium's generated space next to a drawn one
        chars.append((char, x.value, y.value, size))
    if chars:
        close(False)
    textpage.close()
    page.close()
    return _numbered(lines)


def _numbered(lines: list[PdfLine]) -> list[PdfLine]:
    """Number the lines as a reader counts them: by rows from the top of the page (lines
    of two columns side by side share a number), whatever order the PDF draws them in."""
    rows: list[float] = []
    for baseline in sorted((line.baseline for line in lines), reverse=True):
        if not rows or rows[-1] - baseline > 2.0:
            rows.append(baseline)
    numbered = []
    for line in lines:
        row = next(n for n, top in enumerate(rows, 1) if top - line.baseline <= 2.0)
        numbered.append(replace(line, number=row))
    return numbered


def _continues(
    chars: list[tuple[str, float, float, float]], x: float, y: float, size: float
) -> bool:
    first = chars[0]
    scale = max(size, first[3], 1.0)
    return x >= chars[-1][1] - 0.5 and abs(y - first[2]) < 0.6 * scale


def _starts_new_line(
    last: tuple[str, float, float, float], x: float, y: float, size: float
) -> bool:
    # PDFium usually says where a line ends; a jump back to the left onto another
    # baseline is a line break it did not mark.
    scale = max(size, last[3], 1.0)
    return x < last[1] - 2 * scale and abs(y - last[2]) > 0.6 * scale


def _line(
    chars: list[tuple[str, float, float, float]],
    page: int,
    number: int,
    height: float,
    hyphenated: bool,
) -> PdfLine | None:
    text = "".join(c for c, *_ in chars)
    if not text.strip():
        return None
    sizes = Counter(round(size, 1) for c, _, _, size in chars if not c.isspace())
    main = sizes.most_common(1)[0][0] if sizes else chars[0][3]
    baselines = [y for c, _, y, size in chars if not c.isspace() and abs(size - main) < 0.6]
    baseline = median(baselines) if baselines else chars[0][2]
    superscripts: list[tuple[int, int]] = []
    run_start = -1
    for index, (char, _, y, size) in enumerate([*chars, (" ", 0.0, baseline, main)]):
        raised = (
            not char.isspace()
            and size < 0.85 * main
            and y > baseline + 0.15 * main
            and (char.isdigit() or char in ",–—‒-")
        )
        if raised and run_start < 0:
            run_start = index
        elif not raised and run_start >= 0:
            if _SUPERSCRIPT.fullmatch(text[run_start:index].strip(",–—‒- ")):
                superscripts.append((run_start, index))
            run_start = -1
    visible = [(x, c) for c, x, _, _ in chars if not c.isspace()]
    return PdfLine(
        page=page,
        number=number,
        text=text,
        x0=visible[0][0] if visible else chars[0][1],
        x1=visible[-1][0] + 0.5 * main if visible else chars[-1][1],
        baseline=baseline,
        size=float(main),
        page_height=height,
        superscripts=tuple(superscripts),
        hyphenated=hyphenated,
    )


# --------------------------------------------------------------------------- layout


def _normalised(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def running_lines(lines: list[PdfLine]) -> set[int]:
    """Indexes of running headers, footers and page numbers: lines near the top or bottom
    edge that recur (digits aside) on at least half the pages (and two), or are bare
    page numbers."""
    pages = {line.page for line in lines}
    at_edge = [
        index
        for index, line in enumerate(lines)
        if line.baseline > (1 - EDGE_ZONE) * line.page_height
        or line.baseline < EDGE_ZONE * line.page_height
    ]
    seen: dict[str, set[int]] = {}
    for index in at_edge:
        seen.setdefault(_normalised(lines[index].text), set()).add(lines[index].page)
    needed = max(2, (len(pages) + 1) // 2)
    dropped: set[int] = set()
    for index in at_edge:
        text = lines[index].text.strip()
        if _PAGE_NUMBER.fullmatch(text) or (
            len(pages) > 1 and len(seen[_normalised(text)]) >= needed
        ):
            dropped.add(index)
    return dropped


def _labels(lines: list[PdfLine]) -> set[tuple[int, str]]:
    """(page, number) of superscript numbers that open a line: footnote and affiliation
    labels, so the same number in that page's text is a note mark, not a citation."""
    labels: set[tuple[int, str]] = set()
    for line in lines:
        for start, end in line.superscripts:
            if not line.text[:start].strip():
                labels.add((line.page, line.text[start:end].strip()))
    return labels


def _keeps_hyphen(left: str, right: str, vocabulary: set[str]) -> bool:
    head = re.search(r"[\w'’]+$", left)
    tail = re.match(r"[\w'’]+", right)
    if head is None or tail is None:
        return True
    word_head, word_tail = head.group(), tail.group()
    # RNA-seq, COVID-19: an acronym or a number keeps its hyphen; so does a break before
    # a capital (Wicki-Birchler) or a digit.
    if sum(c.isupper() or c.isdigit() for c in word_head) > 1 or not word_tail[0].islower():
        return True
    return f"{word_head}-{word_tail}".lower() in vocabulary


_NUMBERED_ENTRY = re.compile(r"\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}\.?\s)")


def parse_pdf_lines(lines: list[PdfLine], path: str = "<pdf>") -> Manuscript:
    """Build a manuscript from a PDF's lines: headers dropped, hyphens joined, superscript
    numbers turned into bracketed markers, paragraphs separated by blank lines.

    Superscript numbers are citation markers only where the reference list is numbered
    (or there is none to tell): beside an author-date list they are note marks.
    """
    dropped = running_lines(lines)
    kept = [line for index, line in enumerate(lines) if index not in dropped]
    manuscript, marked = _build(kept, path, markers=True)
    if marked and manuscript.body_end >= 0:
        entries = [p for p in manuscript.text[manuscript.body_end :].split("\n\n") if p.strip()]
        numbered = sum(1 for entry in entries[1:] if _NUMBERED_ENTRY.match(entry))
        if numbered * 2 < len(entries) - 1:
            manuscript, _ = _build(kept, path, markers=False)
    return manuscript


def _build(kept: list[PdfLine], path: str, *, markers: bool) -> tuple[Manuscript, int]:
    labels = _labels(kept)
    sizes: Counter[float] = Counter()
    for line in kept:
        sizes[round(line.size)] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 0.0
    source = "\n".join(line.text for line in kept)
    blanked = _clean_plain(source)  # URLs and e-mail addresses, as in plain text
    vocabulary = {w.lower() for w in re.findall(r"\w+(?:-\w+)+", source)}
    breaks = _paragraph_breaks(kept)
    out = _Builder()
    position = 0
    marked = 0
    for index, line in enumerate(kept):
        end = position + len(line.text)
        cursor = position
        # Superscripts in larger type than the body are the title block's affiliations.
        raised = line.superscripts if markers and line.size < body_size + 0.6 else ()
        for start, stop in raised:
            marker = superscript_marker(line.text[:start], line.text[start:stop])
            if marker is None or (line.page, line.text[start:stop].strip()) in labels:
                continue
            out.copy(blanked, cursor, position + start)
            out.emit(marker, position + start)
            marked += 1
            cursor = position + stop
        following = kept[index + 1] if index + 1 < len(kept) else None
        joined = (
            following is not None
            and index + 1 not in breaks
            and (line.hyphenated or line.text.endswith(("-", "\u00ad")))
            and not line.text.endswith(" -")
        )
        if joined and following is not None:
            keep = _keeps_hyphen(line.text[:-1], following.text.lstrip(), vocabulary)
            out.copy(blanked, cursor, end if keep else end - 1)
        else:
            out.copy(blanked, cursor, end)
            if following is not None:
                # One line per paragraph: a wrapped reference entry is one line, as a
                # reference list in a text file is.
                out.emit("\n\n" if index + 1 in breaks else " ", end)
        position = end + 1
    clean, offsets = out.result()
    pages = tuple((line.page, line.number) for line in kept)
    return _finish(path, "pdf", source, clean, offsets, (), pages=pages), marked


def _hanging_across(lines: list[PdfLine], first: int, index: int, em: float) -> bool:
    """Whether ``lines[index]``, the first line of a page, opens an entry of a list set
    with a hanging indent: the entry before it (on the page before) is indented after its
    first line, and so is the line after this one. The pages' left edges may differ, so
    each line is compared only with lines on its own page."""
    before = lines[index - 1]
    if index - 1 == first or lines[first].page != before.page:
        return False
    if not before.x0 > lines[first].x0 + 0.8 * em:
        return False
    line = lines[index]
    after = lines[index + 1] if index + 1 < len(lines) else None
    return (
        after is not None
        and after.page == line.page
        and after.baseline < line.baseline
        and after.x0 > line.x0 + 0.8 * em
    )


def _paragraph_breaks(lines: list[PdfLine]) -> set[int]:
    """Indexes of lines that start a new paragraph."""
    gaps: list[float] = []
    for before, after in pairwise(lines):
        step = before.baseline - after.baseline
        if before.page == after.page and abs(before.size - after.size) < 0.6 and step > 0:
            gaps.append(step / max(before.size, 1.0))
    leading = median(gaps) if gaps else 1.2
    right_edge: dict[tuple[int, float], float] = {}
    for line in lines:
        key = (line.page, round(line.size))
        right_edge[key] = max(right_edge.get(key, 0.0), line.x1)
    breaks: set[int] = set()
    first = 0  # the first line of the current paragraph
    for index in range(1, len(lines)):
        before, line = lines[index - 1], lines[index]
        em = max(line.size, 1.0)
        same_page = before.page == line.page
        step = before.baseline - line.baseline
        new = abs(before.size - line.size) >= 0.6
        if same_page and step > 0 and step / em > 1.45 * leading:
            new = True
        short = before.x1 < right_edge[(before.page, round(before.size))] - 4 * before.size
        if short and before.text.rstrip().endswith(_SENTENCE_END):
            new = True
        if _NUMBERED_ENTRY.match(line.text) and line.x0 <= before.x0 + 0.3 * em:
            new = new or bool(_NUMBERED_ENTRY.match(lines[first].text))  # "[12] ..." lists
        if not same_page and _hanging_across(lines, first, index, em):
            new = True
        if same_page and step > 0 and index - 1 != first:
            if line.x0 < before.x0 - 0.8 * em:  # hanging indent: an entry's first line
                new = True
            elif line.x0 > before.x0 + 0.8 * em and before.text.rstrip().endswith(_SENTENCE_END):
                new = True  # first-line indent
        if new:
            breaks.add(index)
            first = index
    return breaks
