#!/usr/bin/env python3
"""Measure the reference-list reader on real, labelled reference lists.

    python bench/reflist_accuracy.py split [-v]    entry splitting on grobid-manuscripts
    python bench/reflist_accuracy.py parse [-v]    surnames and year on grobid-reference-strings

split: each manuscript of ../shared/corpus/grobid-manuscripts/dev has its reference list
hard-wrapped as GROBID found it; dev/refs_per_line/ has the same list with one entry per
line. An entry counts as split correctly when the reader produces exactly that entry
(same text, whitespace aside). Precision = correct / entries read, recall = correct /
gold entries.

parse: ../shared/corpus/grobid-reference-strings/citation holds ~8,600 reference strings
with <author> and <date> tagged. The year is right when it equals the first four-digit
year inside <date> (strings whose <date> has none are left out). The gold has no
per-surname tags, so surnames are scored against the <author> text: "first surname" is
right when the reader's first surname is a whole word of the gold author text and the
reader put no word outside it; "surnames inside" is the share of all read surnames whose
words all occur in the gold author text (a surname read from the title or journal
counts against it). Strings without <author> (or with <editor> only) are left out.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cybercoop_cli.ingest.manuscript import parse_manuscript  # noqa: E402
from cybercoop_cli.ingest.references import parse_reference, split_entries  # noqa: E402

SHARED = REPO.parent / "shared" / "corpus"
MANUSCRIPTS = SHARED / "grobid-manuscripts" / "dev"
STRINGS = SHARED / "grobid-reference-strings" / "citation"


def _reference_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    start = max(i for i, line in enumerate(lines) if line.strip() == "References")
    return [line for line in lines[start + 1 :] if line.strip()]


def _gold_spans(hard: list[str], entries: list[str]) -> set[tuple[int, int]]:
    """(first line, last line) of each gold entry among the hard-wrapped lines."""
    spans = set()
    index = 0
    for entry in entries:
        want = "".join(entry.split())
        have = ""
        first = index
        while index < len(hard) and len(have) < len(want):
            have += "".join(hard[index].split())
            index += 1
        if have != want:
            raise ValueError(f"gold entry not found in the wrapped list: {entry[:60]!r}")
        spans.add((first, index - 1))
    return spans


def split_score(verbose: bool) -> None:
    total_gold = total_read = total_right = 0
    for path in sorted(MANUSCRIPTS.glob("*.txt")):
        hard = _reference_lines(path)
        gold = _gold_spans(hard, _reference_lines(MANUSCRIPTS / "refs_per_line" / path.name))
        text = path.read_text(encoding="utf-8")
        manuscript = parse_manuscript(text, "text", path.name)
        # The index, among the list's non-blank lines, of each 1-based manuscript line.
        lines = text.split("\n")
        heading = max(i for i, line in enumerate(lines) if line.strip() == "References")
        position = {}
        for number in range(heading + 2, len(lines) + 1):
            if lines[number - 1].strip():
                position[number] = len(position)
        read = set()
        blocks = _blocks_after(manuscript.text, manuscript.body_end)
        for start, end in split_entries(manuscript.text, blocks):
            first = position[manuscript.line_of(start)]
            last = position[manuscript.line_of(max(start, end - 1))]
            read.add((first, last))
        right = len(gold & read)
        total_gold += len(gold)
        total_read += len(read)
        total_right += right
        if verbose and right != len(gold):
            print(f"{path.name}: gold {len(gold)} read {len(read)} right {right}")
            for first, last in sorted(read - gold):
                print(f"   read {first}-{last}", " / ".join(hard[first : last + 1])[:150])
            for first, last in sorted(gold - read):
                print(f"   gold {first}-{last}", " / ".join(hard[first : last + 1])[:150])
    print(
        f"entries: gold {total_gold}, read {total_read}, right {total_right}; "
        f"precision {total_right / max(total_read, 1):.4f}, "
        f"recall {total_right / max(total_gold, 1):.4f}"
    )


def _blocks_after(clean: str, start: int) -> list[tuple[int, int]]:
    """The paragraphs after the reference heading, as the manuscript reader makes them."""
    body = clean.find("\n", start) + 1
    blocks = []
    for match in re.finditer(r"[^\n]+(?:\n[^\n]+)*", clean[body:]):
        if match.group().strip():
            blocks.append((body + match.start(), body + match.end()))
    return blocks


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", _fold(text))


def parse_strings() -> list[tuple[str, str, str]]:
    """(reference text, gold author text, gold date text) for every tagged string."""
    rows: list[tuple[str, str, str]] = []
    for folder in ("corpus", "evaluation"):
        for path in sorted((STRINGS / folder).glob("*.xml")):
            try:
                tree = ElementTree.parse(path)
            except ElementTree.ParseError:
                continue
            for bibl in tree.iter():
                if not bibl.tag.endswith("bibl"):
                    continue
                text = " ".join("".join(bibl.itertext()).split())
                authors = [
                    " ".join("".join(a.itertext()).split())
                    for a in bibl
                    if a.tag.endswith("author")
                ]
                dates = ["".join(d.itertext()) for d in bibl if d.tag.endswith("date")]
                rows.append((text, " ; ".join(authors), " ".join(dates)))
    return rows


def parse_score(verbose: bool) -> None:
    rows = parse_strings()
    year_total = year_right = 0
    author_total = first_right = 0
    read_names = names_inside = 0
    parsed = 0
    for text, gold_authors, gold_date in rows:
        entry = parse_reference(text)
        parsed += entry is not None
        year = re.search(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)", gold_date)
        if year:
            year_total += 1
            ok = entry is not None and entry.year[:4] == year.group(1)
            year_right += ok
            if verbose and not ok:
                print("YEAR", year.group(1), "read", entry.year if entry else None, "|", text[:140])
        if gold_authors:
            author_total += 1
            gold_words = set(_words(gold_authors))
            names = list(entry.authors) if entry else []
            inside = [all(w in gold_words for w in _words(n)) and bool(_words(n)) for n in names]
            read_names += len(names)
            names_inside += sum(inside)
            ok = bool(names) and inside[0] and all(inside)
            first_right += ok
            if verbose and not ok:
                print("NAME", names, "| gold:", gold_authors[:100], "|", text[:100])
    print(f"strings: {len(rows)}, read as an entry: {parsed}")
    print(f"year: {year_right}/{year_total} = {year_right / max(year_total, 1):.4f}")
    print(
        f"first surname right and no surname outside <author>: {first_right}/{author_total}"
        f" = {first_right / max(author_total, 1):.4f}"
    )
    print(
        f"surnames inside <author>: {names_inside}/{read_names} = {names_inside / max(read_names, 1):.4f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["split", "parse"])
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if args.what == "split":
        if not MANUSCRIPTS.is_dir():
            print(f"corpus not found: {MANUSCRIPTS}", file=sys.stderr)
            return 2
        split_score(args.verbose)
    else:
        if not STRINGS.is_dir():
            print(f"corpus not found: {STRINGS}", file=sys.stderr)
            return 2
        parse_score(args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
