"""Links from claims to sections and facets: explicit tags, and suggestions for untagged claims.

A claim with no section (or no facet) tag gets a suggestion: its text is compared with
each section's title, description and keywords (each facet's question and keywords) by
:data:`SCORER`, rapidfuzz's ``token_set_ratio``, after lower-casing, dropping
punctuation and English function words, and reducing plurals. The best target scoring
at least :data:`SUGGEST_THRESHOLD` (0-100) is suggested, with its score; below that the
claim is reported as unlinked with no suggestion. All pairs are scored in one
``rapidfuzz.process.cdist`` call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cybercoop_cli.model import Claim, Note, Review

SUGGEST_THRESHOLD = 45.0
SCORER_NAME = "rapidfuzz.fuzz.token_set_ratio"

_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "more",
        "most",
        "much",
        "must",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "one",
        "two",
        "many",
        "often",
    ]
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested link for one untagged claim."""

    source: str
    claim: Claim
    file: str
    kind: str  # "section" or "facet"
    target: str | None  # the suggested id, or None when nothing scored high enough
    score: float


def normalise(text: str) -> str:
    """Lower-case content words, plurals reduced: what the scorer compares."""
    words = []
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS or len(word) < 3:
            continue
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return " ".join(words)


def suggest_links(notes: Sequence[Note], review: Review) -> list[Suggestion]:
    """Suggestions for every claim that lacks a section tag or a facet tag."""
    wanted: list[tuple[Note, Claim, str]] = []
    for note in notes:
        for claim in note.claims:
            if not claim.sections and review.sections:
                wanted.append((note, claim, "section"))
            if not claim.facets and review.facets:
                wanted.append((note, claim, "facet"))
    if not wanted:
        return []
    section_ids = [s.id for s in review.sections]
    section_texts = [
        normalise(" ".join((s.title, s.description, *s.keywords))) for s in review.sections
    ]
    facet_ids = [f.id for f in review.facets]
    facet_texts = [normalise(" ".join((f.question, *f.keywords))) for f in review.facets]
    suggestions: list[Suggestion] = []
    for kind, ids, texts in (
        ("section", section_ids, section_texts),
        ("facet", facet_ids, facet_texts),
    ):
        rows = [(note, claim) for note, claim, k in wanted if k == kind]
        if not rows:
            continue
        scores = _score([normalise(claim.text) for _, claim in rows], texts)
        for (note, claim), row in zip(rows, scores, strict=True):
            best = max(range(len(ids)), key=lambda i: row[i])
            score = float(row[best])
            target = ids[best] if score >= SUGGEST_THRESHOLD else None
            suggestions.append(
                Suggestion(note.key, claim, note.file, kind, target, round(score, 1))
            )
    return suggestions


def _score(queries: list[str], choices: list[str]) -> list[list[float]]:
    from rapidfuzz import fuzz, process

    matrix = process.cdist(queries, choices, scorer=fuzz.token_set_ratio, workers=1)
    return [list(map(float, row)) for row in matrix]
