"""Citations a reference manager put in a Word file, resolved from their item data.

A Zotero, Mendeley or EndNote field says exactly which items it cites (see
:mod:`cybercoop_cli.ingest.fields`), so it is not resolved from its visible text. Each
item resolves to the source with its DOI, else with its title (equal once case and
punctuation are set aside; for a source read from the manuscript's own reference list, the
entry containing the title and the first author's surname), else with its first author's
surname and year when only one source has both. Then:

- the visible text is compared with the text the manager generated (Zotero's
  ``plainCitation``, Mendeley's ``plainTextFormattedCitation``, EndNote's ``DisplayText``),
  letters and digits only; or, when it recorded none, with the item data's surnames and
  years. A difference means the citation was edited by hand (``name-mismatch``, or
  ``year-mismatch`` when only digits differ);
- when the sources are a .bib file or the review, each item must also be in the
  document's bibliography field, if there is one (``unresolved-citation`` when not: the
  bibliography was not refreshed).

The finder's citations inside a field are replaced by one match per item, so a field in
any style (author-date, numbered, superscript) is checked the same way; a field whose data
cannot be read keeps the finder's reading of its visible text (reading the manuscript
warns about it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from cybercoop_cli.analysis.citations import Citation
from cybercoop_cli.analysis.resolve import Grade, Match, normalise_name
from cybercoop_cli.ingest.fields import CitationField, FieldItem
from cybercoop_cli.ingest.manuscript import Manuscript
from cybercoop_cli.model import Source

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)


@dataclass(frozen=True, slots=True)
class FieldFinding:
    kind: str
    message: str
    start: int
    end: int
    candidate: str | None = None


def _letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if c.isalnum())


def _doi(text: str) -> str:
    return _DOI_PREFIX.sub("", text.strip()).rstrip(".").lower()


class _Index:
    def __init__(self, sources: Sequence[Source]) -> None:
        self.sources = list(sources)
        self.by_doi: dict[str, list[Source]] = {}
        self.by_title: dict[str, list[Source]] = {}
        self.by_name_year: dict[tuple[str, str], list[Source]] = {}
        self.entry_text: list[tuple[str, Source]] = []
        for source in sources:
            if source.doi:
                self.by_doi.setdefault(_doi(source.doi), []).append(source)
            if source.title:
                self.by_title.setdefault(_letters(source.title), []).append(source)
            names = source.names
            if names and source.year is not None:
                key = (normalise_name(names[0].surname), str(source.year))
                self.by_name_year.setdefault(key, []).append(source)
            note = source.fields.get("note", "")
            if note:  # a reference-list entry: its whole text
                self.entry_text.append((_letters(note), source))

    def resolve(self, item: FieldItem) -> tuple[Grade, list[Source]]:
        if item.doi and len(found := self.by_doi.get(_doi(item.doi), [])) == 1:
            return Grade.EXACT, found
        title = _letters(item.title)
        if title:
            found = self.by_title.get(title, [])
            if len(found) > 1 and item.year:
                found = [s for s in found if str(s.year) == item.year[:4]] or found
            if len(found) == 1:
                return Grade.EXACT, found
            first = _letters(item.surnames[0]) if item.surnames else ""
            if len(title) >= 12:
                found = [s for text, s in self.entry_text if title in text and first in text]
                if len(found) == 1:
                    return Grade.EXACT, found
        if item.surnames and item.year:
            key = (normalise_name(item.surnames[0]), item.year[:4])
            found = self.by_name_year.get(key, [])
            if len(found) == 1:
                return Grade.EXACT, found
            if found:
                return Grade.AMBIGUOUS, found
        return Grade.NONE, []


def field_matches(
    manuscript: Manuscript,
    matches: Sequence[Match],
    sources: Sequence[Source],
    origin: str,
) -> tuple[list[Match], list[FieldFinding]]:
    """The matches with those inside citation fields replaced by the fields' own, and the
    findings about the fields (visible text edited, item missing from the bibliography)."""
    fields = [
        f
        for f in manuscript.fields
        if not f.bibliography and (manuscript.body_end < 0 or f.start < manuscript.body_end)
    ]
    if not fields:
        return list(matches), []
    index = _Index(sources)
    bibliography = _bibliography_paragraphs(manuscript) if origin != "reference-list" else None
    starts = sorted((f.start, max(f.end, f.start + 1), n) for n, f in enumerate(fields))
    inside: dict[int, list[Match]] = {}
    kept: list[Match] = []
    for match in matches:
        owner = _owner(starts, match.citation.start)
        if owner is None:
            kept.append(match)
        else:
            inside.setdefault(owner, []).append(match)
    findings: list[FieldFinding] = []
    group = max((m.citation.group for m in matches), default=0) + 1
    for number, f in enumerate(fields):
        written = inside.get(number, [])
        if f.problem or not f.items:
            kept += written  # reading the manuscript warned; the visible text stands
            continue
        visible = " ".join(manuscript.text[f.start : f.end].split())
        for item in f.items:
            grade, found = index.resolve(item)
            citation = Citation(
                text=visible or item.label(),
                start=f.start,
                end=max(f.end, f.start + 1),
                form="parenthetical",
                authors=item.surnames[:1] if len(item.surnames) > 2 else item.surnames,
                et_al=len(item.surnames) > 2,
                year=item.year,
                group=group + number,
            )
            keys = tuple(s.key for s in found)
            if grade is Grade.EXACT:
                kept.append(Match(citation, grade, key=keys[0]))
            else:
                detail = (
                    f"{f.manager} item {item.label()}"
                    + (f", '{item.title[:60]}'" if item.title else "")
                    + (f", DOI {item.doi}" if item.doi else "")
                    + (
                        ": several sources fit"
                        if found
                        else ": no source has its DOI, title, or first author and year"
                    )
                )
                kept.append(Match(citation, grade, candidates=keys, detail=detail))
            if bibliography is not None and not _listed(item, bibliography):
                findings.append(
                    FieldFinding(
                        "unresolved-citation",
                        f"{item.label()} is cited through {f.manager} but is not in the "
                        f"document's bibliography field; refresh the bibliography in {f.manager}",
                        f.start,
                        f.end,
                        candidate=keys[0] if len(keys) == 1 else None,
                    )
                )
        edited = _edited(f, visible, written)
        if edited:
            findings.append(FieldFinding(edited[0], edited[1], f.start, f.end))
    kept.sort(key=lambda m: (m.citation.start, m.citation.group))
    return kept, findings


def _owner(starts: list[tuple[int, int, int]], offset: int) -> int | None:
    from bisect import bisect_right

    at = bisect_right(starts, (offset, 1 << 62, 1 << 62)) - 1
    if at >= 0 and starts[at][0] <= offset < starts[at][1]:
        return starts[at][2]
    return None


def _edited(f: CitationField, visible: str, written: Sequence[Match]) -> tuple[str, str] | None:
    """(kind, message) when the visible text is not what the item data gives."""
    if f.formatted:
        shown, expected = _letters(visible), _letters(f.formatted)
        if shown == expected:
            return None
        only_digits = re.sub(r"\d", "", shown) == re.sub(r"\d", "", expected)
        return (
            "year-mismatch" if only_digits else "name-mismatch",
            f"the {f.manager} citation shows '{visible}' but its item data gives "
            f"'{f.formatted}': edited by hand? Refresh it in {f.manager} or fix the item",
        )
    for match in written:  # no generated text recorded: compare names and years
        c = match.citation
        if not c.authors:
            continue
        fits_name = [
            i
            for i in f.items
            if i.surnames and normalise_name(i.surnames[0]) == normalise_name(c.authors[0])
        ]
        if not fits_name:
            listed = "; ".join(i.label() for i in f.items)
            return (
                "name-mismatch",
                f"the {f.manager} citation shows '{c.text}' but its item data is {listed}: "
                f"edited by hand? Refresh it in {f.manager} or fix the item",
            )
        if c.year and not any(i.year and c.year.startswith(i.year[:4]) for i in fits_name):
            listed = "; ".join(i.label() for i in fits_name)
            return (
                "year-mismatch",
                f"the {f.manager} citation shows '{c.text}' but its item data is {listed}: "
                f"edited by hand? Refresh it in {f.manager} or fix the item",
            )
    return None


def _bibliography_paragraphs(manuscript: Manuscript) -> list[str] | None:
    spans = [(f.start, f.end) for f in manuscript.fields if f.bibliography]
    if not spans:
        return None
    paragraphs: list[str] = []
    for start, end in spans:
        paragraphs += [_letters(p) for p in manuscript.text[start:end].split("\n") if p.strip()]
    return paragraphs


def _listed(item: FieldItem, paragraphs: list[str]) -> bool:
    title = _letters(item.title)[:80]
    surname = _letters(item.surnames[0]) if item.surnames else ""
    year = item.year[:4]
    for paragraph in paragraphs:
        if title and len(title) >= 12 and title in paragraph:
            return True
        if surname and surname in paragraph and (not year or year in paragraph):
            return True
    return False
