"""Whether notes refer to what exists: source keys, sections and facets; twin notes.

Each note's own shape is checked where it is read (:mod:`.notes`); what it refers to is
checked here, against the review and the bibliography, once everything is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cybercoop_cli.model import Note, Problem, Review

# A mistyped key or id is matched to the nearest known one with this rapidfuzz scorer;
# below the cutoff no suggestion is made.
SUGGESTION_CUTOFF = 60.0


def check_notes(notes: Iterable[Note], review: Review, keys: Sequence[str]) -> list[Problem]:
    """Problems with what notes refer to: unknown source keys, sections and facets; twin notes."""
    from cybercoop_cli.model import Problem

    problems: list[Problem] = []
    known_keys = set(keys)
    suggest_key = _suggester(keys)
    section_ids = [s.id for s in review.sections]
    facet_ids = [f.id for f in review.facets]
    suggest_section = _suggester(section_ids)
    suggest_facet = _suggester(facet_ids)
    first_note: dict[str, Note] = {}
    for note in notes:
        if note.key in first_note:
            other = first_note[note.key]
            problems.append(
                Problem(
                    note.file,
                    note.line,
                    f"a second note for '{note.key}' (the first is {other.file}); merge them",
                    "note-duplicate",
                )
            )
        first_note.setdefault(note.key, note)
        if note.key not in known_keys:
            problems.append(
                Problem(
                    note.file,
                    note.line,
                    f"unknown source key '{note.key}'{_hint(suggest_key(note.key))}",
                    "note-unknown-key",
                )
            )
        for claim in note.claims:
            for section in claim.sections:
                if section not in section_ids:
                    problems.append(
                        Problem(
                            note.file,
                            claim.line,
                            f"unknown section '{section}'{_hint(suggest_section(section))} "
                            f"(sections: {', '.join(section_ids)})",
                            "note-unknown-section",
                        )
                    )
            for facet in claim.facets:
                if facet not in facet_ids:
                    problems.append(
                        Problem(
                            note.file,
                            claim.line,
                            f"unknown facet '{facet}'{_hint(suggest_facet(facet))} "
                            f"(facets: {', '.join(facet_ids) or 'none defined'})",
                            "note-unknown-facet",
                        )
                    )
    return problems


def suggest(word: str, choices: Sequence[str]) -> str | None:
    """The nearest of ``choices`` to a mistyped ``word`` (rapidfuzz WRatio), or None."""
    if not choices:
        return None
    from rapidfuzz import fuzz, process, utils

    best = process.extractOne(
        word,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=SUGGESTION_CUTOFF,
    )
    return str(best[0]) if best else None


def _suggester(choices: Sequence[str]) -> Callable[[str], str | None]:
    return lambda word: suggest(word, choices)


def _hint(suggestion: str | None) -> str:
    return f"; did you mean '{suggestion}'?" if suggestion else ""
