"""What an annotated bibliography holds: which entries, in which groups, with which parts.

Plain data for the renderers: this module chooses entries and groups (from the notes'
claims and tags) but formats nothing; the style's order is applied when rendering.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from cybercoop_cli.errors import UsageError
from cybercoop_cli.model import Note, Project, Source

PARTS = ("summary", "evaluation", "relevance", "body")
DEFAULT_PARTS = ("summary", "evaluation", "relevance")


class GroupBy(StrEnum):
    none = "none"
    section = "section"
    facet = "facet"


@dataclass(frozen=True, slots=True)
class AnnotatedEntry:
    """One source and the annotation paragraphs printed under it, in order."""

    source: Source
    paragraphs: tuple[tuple[str, str], ...]  # (part name, text)

    @property
    def key(self) -> str:
        return self.source.key


@dataclass(frozen=True, slots=True)
class EntryGroup:
    """A heading and the keys of the entries under it (a key may be in several groups)."""

    id: str
    title: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnnotatedBibliography:
    title: str
    entries: tuple[AnnotatedEntry, ...]
    groups: tuple[EntryGroup, ...]  # empty when not grouped
    parts: tuple[str, ...]
    group_by: GroupBy = GroupBy.none

    def entry(self, key: str) -> AnnotatedEntry:
        return next(e for e in self.entries if e.key == key)


OTHER_GROUP = "Other sources"


def parse_parts(text: str | None) -> tuple[str, ...]:
    """``summary,relevance`` -> ("summary", "relevance"), in the order given; checked."""
    if text is None:
        return DEFAULT_PARTS
    parts = tuple(p.strip().lower() for p in text.split(",") if p.strip())
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise UsageError(
            f"unknown annotation part '{unknown[0] if unknown else text}'; "
            f"choose from {', '.join(PARTS)}"
        )
    return tuple(dict.fromkeys(parts))


def build_annotated(
    project: Project,
    *,
    group_by: GroupBy = GroupBy.none,
    sections: Sequence[str] = (),
    tags: Sequence[str] = (),
    parts: Sequence[str] = DEFAULT_PARTS,
) -> AnnotatedBibliography:
    """Choose the entries (all sources, or those a ``--section``/``--tag`` selects) and groups."""
    review = project.review
    for section_id in sections:
        if review.section(section_id) is None:
            known = ", ".join(s.id for s in review.sections)
            raise UsageError(f"unknown section '{section_id}'; the review's sections are: {known}")
    notes = project.notes_by_key()
    if tags:
        known_tags = {t for n in project.notes for t in n.tags}
        missing = [t for t in tags if t not in known_tags]
        if missing:
            raise UsageError(f"no note has the tag '{missing[0]}'")
    chosen: list[Source] = []
    for source in project.sources:
        note = notes.get(source.key)
        if sections and not (note and set(sections) & _sections_of(note)):
            continue
        if tags and not (note and set(tags) & set(note.tags)):
            continue
        chosen.append(source)
    entries = tuple(AnnotatedEntry(s, _paragraphs(notes.get(s.key), parts)) for s in chosen)
    keys = [s.key for s in chosen]
    groups: list[EntryGroup] = []
    if group_by is GroupBy.section:
        wanted = [s for s in review.sections if not sections or s.id in sections]
        for section in wanted:
            members = [k for k in keys if section.id in _sections_of(notes.get(k))]
            groups.append(EntryGroup(section.id, section.title, tuple(members)))
    elif group_by is GroupBy.facet:
        for facet in review.facets:
            members = [k for k in keys if facet.id in _facets_of(notes.get(k))]
            groups.append(EntryGroup(facet.id, facet.question, tuple(members)))
    if groups:
        placed = {k for g in groups for k in g.keys}
        rest = tuple(k for k in keys if k not in placed)
        groups = [g for g in groups if g.keys]
        if rest:
            groups.append(EntryGroup("", OTHER_GROUP, rest))
    return AnnotatedBibliography(
        title=review.title,
        entries=entries,
        groups=tuple(groups),
        parts=tuple(parts),
        group_by=group_by,
    )


def _sections_of(note: Note | None) -> set[str]:
    return {s for c in note.claims for s in c.sections} if note else set()


def _facets_of(note: Note | None) -> set[str]:
    return {f for c in note.claims for f in c.facets} if note else set()


def _paragraphs(note: Note | None, parts: Sequence[str]) -> tuple[tuple[str, str], ...]:
    if note is None:
        return ()
    out: list[tuple[str, str]] = []
    for part in parts:
        text = getattr(note.annotation, part).strip()
        if not text:
            continue
        if part == "body":
            out.extend(("body", p.strip()) for p in text.split("\n\n") if p.strip())
        else:
            out.append((part, text))
    return tuple(out)
