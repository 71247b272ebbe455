"""Citation keys for imported sources: one pattern, ``familyYEARword``.

* ``family``: the first author's family name (else the first editor's; a corporate
  name's first word that is not a stop word), accents removed, lower case, letters and
  digits only: "Wicki-Birchler" -> ``wickibirchler``, "Müller" -> ``muller``;
  ``anon`` when there is no name written in Latin letters;
* ``YEAR``: the four-digit year, or ``nd`` when there is none;
* ``word``: the title's first word that is not a stop word (a, the, of ...), likewise
  folded: "The Budapest Convention ..." -> ``budapest``; nothing when there is no title.

A key already taken (compared case-insensitively, as BibTeX compares them) gets the
first free suffix ``a``, ``b``, ... ``z``, ``aa``, ``ab`` ...: ``chang2020legislativea``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from itertools import count

from cybercoop_cli.analysis.duplicates import fold
from cybercoop_cli.model import Source

TITLE_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "and",
        "for",
        "to",
        "at",
        "by",
        "with",
        "from",
        "about",
        "towards",
        "toward",
        "into",
        "is",
        "are",
    ]
)
_NOT_KEY_CHAR = re.compile(r"[^a-z0-9]+")


def _ascii(text: str) -> str:
    return _NOT_KEY_CHAR.sub("", fold(text))


def key_stem(source: Source) -> str:
    """The pattern's key for a source, before any suffix."""
    family = ""
    if source.names:
        first = source.names[0]
        if first.literal:
            words = [w for w in fold(first.literal).split() if w not in TITLE_STOP_WORDS]
            family = _ascii(words[0]) if words else ""
        else:
            family = _ascii(first.family or first.given)
    year = str(source.year) if source.year is not None else "nd"
    word = next(
        (_ascii(w) for w in fold(source.title).split() if w not in TITLE_STOP_WORDS and _ascii(w)),
        "",
    )
    return f"{family or 'anon'}{year}{word}"


def _suffixes() -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return list(letters) + [a + b for a in letters for b in letters]


_SUFFIXES = _suffixes()


def unique_key(stem: str, taken: Collection[str]) -> str:
    """``stem``, or ``stem`` with the first free letter suffix; ``taken`` is lower-cased keys."""
    if stem.lower() not in taken:
        return stem
    for suffix in _SUFFIXES:
        if f"{stem}{suffix}".lower() not in taken:
            return f"{stem}{suffix}"
    for number in count(1):  # beyond 702 clashes: unreachable in practice, but never loop
        if f"{stem}{number}".lower() not in taken:
            return f"{stem}{number}"
    raise AssertionError("unreachable")


def generate_key(source: Source, taken: Collection[str]) -> str:
    """A new key for ``source`` in the documented pattern, not among ``taken`` (lower case)."""
    return unique_key(key_stem(source), taken)
