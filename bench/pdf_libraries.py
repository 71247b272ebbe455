#!/usr/bin/env python3
"""Compare pypdfium2 and pdfplumber on the real PDFs of ../shared/corpus/joss-pdf.

    pip install pdfplumber          # not a dependency of cybercoop; only this comparison
    python bench/pdf_libraries.py   # quality and speed, per paper and in all

Each JOSS paper is there as the PDF and as its Markdown source, so the Markdown's prose
is the reference. For each library, its plain text of the whole PDF (line-end hyphens
joined the same way for both) is compared word by word with the prose:

- recall: the share of the prose's words found, in order, in the library's text
  (difflib's longest matching blocks over the word sequences);
- glued: words of the library's text that are two or more prose words run together
  ("usedcommercialsurveyplatforms"), the visible sign of lost word spaces;
A third row is cybercoop's own reading (pypdfium2 plus the layout rules of
cybercoop_cli/ingest/pdf.py: running headers dropped, hyphens joined, lines rebuilt from
character positions), so the cost and gain of those rules show too.

Speed is the median of 5 timed extractions, and the ratio pdfplumber / pypdfium2 in the
same run.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "joss-pdf"
WORD = re.compile(r"[^\W_]+")


def pdfium_text(path: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            # PDFium marks a line-end hyphen with U+FFFE (or 0x02) and joins the lines.
            pages.append(textpage.get_text_range().replace("\ufffe", "").replace("\x02", ""))
        return "\n".join(pages)
    finally:
        document.close()


def plumber_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    return re.sub(r"-\n", "", text)


def cybercoop_text(path: Path) -> str:
    sys.path.insert(0, str(REPO))
    from cybercoop_cli.ingest.pdf import read_pdf

    return read_pdf(path).text


def prose(markdown: str) -> str:
    """The Markdown's readable words: no front matter, code, citations, link targets."""
    text = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\[[^\]]*@[^\]]*\]", " ", text)  # [@key] citations: rendered differently
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"!\[[^\]]*\]", " ", text)  # image captions are figures in the PDF
    return text


def words(text: str) -> list[str]:
    return [w.casefold() for w in WORD.findall(text)]


def score(extracted: str, reference: list[str]) -> tuple[float, int]:
    found = words(extracted)
    matcher = SequenceMatcher(None, reference, found, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    vocabulary = set(reference)
    glued = sum(
        1
        for w in set(found)
        if w not in vocabulary
        and len(w) > 8
        and any(w[:i] in vocabulary and w[i:] in vocabulary for i in range(3, len(w) - 2))
    )
    return matched / max(len(reference), 1), glued


def timed(extract: Callable[[Path], str], path: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        extract(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    if not CORPUS.is_dir():
        print(f"{CORPUS} is absent", file=sys.stderr)
        return 2
    libraries = {"pypdfium2": pdfium_text, "pdfplumber": plumber_text, "cybercoop": cybercoop_text}
    totals = {name: [0.0, 0, 0.0, 0] for name in libraries}  # matched, glued, seconds, words
    for folder in sorted(CORPUS.iterdir()):
        reference = words(prose((folder / "paper.md").read_text(encoding="utf-8")))
        pdf = folder / "paper.pdf"
        for name, extract in libraries.items():
            recall, glued = score(extract(pdf), reference)
            seconds = timed(extract, pdf)
            totals[name][0] += recall * len(reference)
            totals[name][1] += glued
            totals[name][2] += seconds
            totals[name][3] += len(reference)
            print(
                f"{folder.name:14} {name:11} word recall {recall:.3f}  glued words {glued:3}  "
                f"{seconds * 1000:7.1f} ms"
            )
    print()
    for name, (matched, glued, seconds, count) in totals.items():
        print(
            f"{'all':14} {name:11} word recall {matched / count:.3f}  glued words {glued:3}  "
            f"{seconds * 1000:7.1f} ms"
        )
    ratio = totals["pdfplumber"][2] / totals["pypdfium2"][2]
    print(f"pdfplumber takes {ratio:.1f} x pypdfium2's time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
