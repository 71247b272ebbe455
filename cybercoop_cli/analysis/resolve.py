"""Matching citations to sources, graded as a careful human would grade them.

Public API (stable; ``cybercoop gaps --manuscript`` uses it too)::

    from cybercoop_cli.analysis.resolve import Grade, Match, resolve
    matches = resolve(citations, sources)        # one Match per citation, same order

A keyed citation (``[@key]``, ``\\cite{key}``) matches the source with that key. An
author-date citation is compared on normalised surnames (Unicode-folded, case-insensitive,
hyphens and apostrophes ignored) and the year:

- ``exact``: the surnames and the year agree (and the year suffix, when the sources need
  one: two works by the same authors in one year are ``2023a`` and ``2023b``, lettered by
  title as APA letters them);
- ``near``: one thing is off and one source fits otherwise: a misspelt surname, a missing
  or extra co-author, or a year off by one. ``key`` names that candidate;
- ``ambiguous``: several sources fit equally well (same surnames and year, no suffix);
  they are all listed in ``candidates`` and none is chosen;
- ``none``: nothing fits.

Misspelt first authors are looked up with rapidfuzz batch scoring (``process.extract``)
against only the first authors of sources whose year is within one of the citation's, and
each citation is compared only with the sources indexed under its first author (or those
look-alikes) and a year within one of its own. A citation that names two or more authors
(without "et al.") is compared only with the sources of that bucket that can fit it: those
whose second author is the cited second author or looks like it (again ``process.extract``
over the bucket's second authors), those that list the cited second author anywhere, and
those with fewer than two authors; the sources whose second author is the cited one are
tried first, since only they can fit exactly. Citations that read the same (the same
surnames, year and et al.) resolve the same, so each is resolved once. The work per
citation is thus bounded by the sources that could fit it, not by how many sources share
a common surname such as Wang or Smith.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from cybercoop_cli.analysis.citations import Citation
from cybercoop_cli.model import Source

NAME_CUTOFF = 80.0  # rapidfuzz ratio (0-100) for "the same surname, misspelt"


class Grade(StrEnum):
    EXACT = "exact"
    NEAR = "near"
    AMBIGUOUS = "ambiguous"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Match:
    """How one citation resolves.

    ``key`` is the source the citation points at (exact) or most probably means (near);
    ``candidates`` lists every source an ambiguous citation could mean, or for an
    unresolved keyed citation the closest existing key. ``name_differs``/``year_differs``
    say what is off in a near match; ``detail`` says it in words.
    """

    citation: Citation
    grade: Grade
    key: str | None = None
    candidates: tuple[str, ...] = ()
    name_differs: bool = False
    year_differs: bool = False
    detail: str = ""


_FOLD = str.maketrans(
    {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe"}
    | {"đ": "d", "Đ": "d", "ı": "i", "ß": "ss", "þ": "th", "ð": "d", "-": " ", "‐": " "}
    | {"–": " ", "'": "", "’": "", "`": "", ".": " ", ",": " "}
)


_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """``Wicki-Birchler`` -> ``wicki birchler``; ``Mächler`` -> ``machler``; ``O'Brien`` -> ``obrien``."""
    name = name.translate(_FOLD)
    if name.isascii():  # the same result, without looking at each character in Python
        return " ".join(_NOT_ASCII_ALNUM.sub(" ", name.lower()).split())
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    kept = "".join(c if c.isalnum() else " " for c in plain.casefold())
    return " ".join(kept.split())


_LEADING_INITIALS = re.compile(r"(?:[A-ZÀ-Þ]\.[\s~]*)+(?=\w)")


def _without_initials(surname: str) -> str:
    """``S. de Souza`` -> ``de Souza``: a family name braced with its initials in BibTeX
    (``R. {S. de Souza}``) is cited without them, as an APA citation drops the initials
    it adds to tell two first authors apart ("S. de Souza, 2022" reads "de Souza")."""
    match = _LEADING_INITIALS.match(surname)
    return surname[match.end() :] if match else surname


def _strip_article(text: str) -> str:
    for article in ("the ", "a ", "an "):
        if text.startswith(article):
            return text[len(article) :]
    return text


@dataclass(slots=True)
class _Entry:
    source: Source
    names: tuple[str, ...]  # normalised surnames, in order
    year: int | None
    year_text: str  # "2020", "n.d.", "in press"
    suffix: str  # the year letter the source gets (explicit or assigned), "" if none
    anonymous: bool
    order: int = 0  # position among the sources, to list candidates in a stable order


class _Bucket:
    """The sources under one (first surname, year), with lookups by co-author on first use.

    Only what :func:`_name_fit` can accept is ever looked up here: for a citation of two or
    more named authors (no "et al."), a source fits only if its second surname equals or
    resembles the cited second surname, or it lists the cited second surname somewhere
    (a co-author missing from the citation), or it has fewer than two authors (only the
    first is compared). ``exact`` and ``near`` return supersets of those; ``_name_fit``
    still decides.
    """

    __slots__ = ("_by_member", "_by_second", "_seconds", "_short", "entries")

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self._by_second: dict[str, list[_Entry]] | None = None
        self._short: list[_Entry] = []
        self._by_member: dict[str, list[_Entry]] = {}
        self._seconds: list[str] = []

    def _lookups(self) -> dict[str, list[_Entry]]:
        if self._by_second is None:
            by_second: dict[str, list[_Entry]] = defaultdict(list)
            by_member: dict[str, list[_Entry]] = defaultdict(list)
            for entry in self.entries:
                if entry.anonymous or len(entry.names) < 2:
                    self._short.append(entry)
                else:
                    for form in _forms(entry.names[1]):
                        by_second[form].append(entry)
                if not entry.anonymous:
                    for form in {form for name in entry.names for form in _forms(name)}:
                        by_member[form].append(entry)
            self._by_second = dict(by_second)
            self._by_member = dict(by_member)
            self._seconds = list(by_second)
        return self._by_second

    def exact(self, cited: tuple[str, ...]) -> list[_Entry]:
        """Every source here that can fit ``cited`` (2+ names, no et al.) without a defect."""
        by_second = self._lookups()
        found = [entry for entry in self._short if entry.anonymous]
        for form in {cited[1], _canonical(cited[1])}:
            found += by_second.get(form, ())
        return found

    def near(self, cited: tuple[str, ...]) -> list[_Entry]:
        """Every source here that ``_name_fit`` can accept for ``cited`` (2+ names, no et al.)."""
        by_second = self._lookups()
        found: list[_Entry] = list(self._short)
        for second in {cited[1], _canonical(cited[1])}:
            found += by_second.get(second, ())
            if self._seconds:
                from rapidfuzz import fuzz, process

                # A cutoff just below NAME_CUTOFF: this only narrows, _similar decides.
                hits = process.extract(
                    second,
                    self._seconds,
                    scorer=fuzz.ratio,
                    score_cutoff=NAME_CUTOFF - 1,
                    limit=None,
                )
                for name, _, _ in hits:
                    if name != second:
                        found += by_second[name]
            found += self._by_member.get(second, ())
        return found


class SourceIndex:
    """The sources prepared for matching: normalised names, suffixes, lookups by name."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.entries: list[_Entry] = [self._entry(source) for source in sources]
        for order, entry in enumerate(self.entries):
            entry.order = order
        self.by_key: dict[str, _Entry] = {}
        self.by_folded_key: dict[str, _Entry] = {}
        for entry in self.entries:
            self.by_key.setdefault(entry.source.key, entry)
            self.by_folded_key.setdefault(entry.source.key.casefold(), entry)
        self._assign_suffixes()
        self.by_first: dict[str, list[_Entry]] = defaultdict(list)
        self.by_year: dict[int | None, list[_Entry]] = defaultdict(list)
        # (first surname, year): a citation only ever fits sources within a year of its own.
        self.by_first_year: dict[tuple[str, int | None], _Bucket] = defaultdict(_Bucket)
        for entry in self.entries:
            for name in self._first_names(entry):
                self.by_first[name].append(entry)
                self.by_first_year[(name, entry.year)].entries.append(entry)
            self.by_year[entry.year].append(entry)
        self.years_by_first: dict[str, str] = {}  # Resolver._nearest's cache

    @staticmethod
    def _entry(source: Source) -> _Entry:
        surnames = [
            person.surname if person.is_corporate else _without_initials(person.surname)
            for person in source.names
        ]
        names = tuple([normalise_name(surname) for surname in surnames if surname])
        year_field = (source.field("year") or source.date or "").strip().lower()
        suffix = ""
        if len(year_field) == 5 and year_field[:4].isdigit() and year_field[4].isalpha():
            suffix = year_field[4]
        if source.year is not None:
            year_text = str(source.year)
        elif "press" in year_field or source.field("pubstate").lower() in {"inpress", "in press"}:
            year_text = "in press"
        else:
            year_text = "n.d."
        anonymous = not names
        if anonymous and source.title:
            names = (_strip_article(normalise_name(source.title)),)
        return _Entry(source, names, source.year, year_text, suffix, anonymous)

    @staticmethod
    def _first_names(entry: _Entry) -> Iterable[str]:
        if not entry.names:
            return ()
        first = entry.names[0]
        found = {first}
        person = entry.source.names[0] if entry.source.names else None
        if person is not None and person.particle:
            found.add(normalise_name(person.family))
        if person is not None and person.literal and acronym(first):
            found.add(acronym(first))  # "WHO (2010)" for "World Health Organization (2010)"
        return found

    def _assign_suffixes(self) -> None:
        groups: dict[tuple[tuple[str, ...], str], list[_Entry]] = defaultdict(list)
        for entry in self.entries:
            groups[(entry.names, entry.year_text)].append(entry)
        for group in groups.values():
            if len(group) < 2 or any(entry.suffix for entry in group):
                continue
            ordered = sorted(group, key=lambda e: (normalise_name(e.source.title), e.source.key))
            for index, entry in enumerate(ordered[:26]):
                entry.suffix = chr(ord("a") + index)

    def fuzzy_first(self, wanted: dict[str, set[int | None]]) -> dict[str, list[str]]:
        """Known first-author names that look like each unknown ``name``.

        ``wanted`` maps each unknown normalised name to the years it was cited with; only
        sources within a year of one of those are scored, with rapidfuzz's batch
        ``process.extract`` over that year window's names.
        """
        from rapidfuzz import fuzz, process

        by_year: dict[int | None, list[str]] = defaultdict(list)
        for name, years in wanted.items():
            for year in years:
                by_year[year].append(name)
        found: dict[str, list[str]] = defaultdict(list)
        for year, queries in by_year.items():
            window = [year] if year is None else [year - 1, year, year + 1]
            choices = sorted(
                {e.names[0] for y in window for e in self.by_year.get(y, ()) if e.names}
            )
            if not choices:
                continue
            for query in queries:
                # extract, not cdist: the same scores without importing numpy (0.15 s).
                hits = process.extract(
                    query, choices, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF, limit=None
                )
                for _, _, column in sorted(hits, key=lambda hit: hit[2]):
                    choice = choices[column]
                    if choice not in found[query]:
                        found[query].append(choice)
        return found


def _year_fit(written: str, year: int | None, suffix: str, entry: _Entry) -> int:
    """How a citation's year (as written, its number and suffix) fits a source's.

    0: the year agrees; 1: off by one; 2: does not fit.
    """
    if year is None:
        return 0 if written in {entry.year_text, "forthcoming"} and entry.year is None else 2
    if entry.year is None:
        return 2
    if year == entry.year:
        if suffix and entry.suffix and suffix != entry.suffix:
            return 2
        return 0
    return 1 if abs(year - entry.year) == 1 else 2


#: Particles that a citation may leave out ("Rezende" for "de Rezende"), normalised.
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "de",
        "der",
        "den",
        "da",
        "di",
        "du",
        "del",
        "della",
        "des",
        "le",
        "la",
        "dos",
        "das",
        "do",
        "ter",
        "ten",
        "zu",
        "af",
    ]
)
_NOT_IN_ACRONYMS = frozenset({"of", "for", "the", "and", "on", "in", "de", "la", "et"})


def _same_name(written: str, actual: str) -> bool:
    """The same name written another way: no defect to report.

    A hyphen left by a line break ("Gre-goretti" for "Gregoretti"), a particle left out
    ("Rezende" for "de Rezende", "Compernolle" for "Van Compernolle"), or a corporate
    author's acronym ("WHO" for "World Health Organization"). Both are normalised.
    """
    if written.replace(" ", "") == actual.replace(" ", ""):
        return True
    words = actual.split()
    lead = 0
    while lead < len(words) - 1 and words[lead] in _PARTICLES:
        lead += 1
    if lead and " ".join(words[lead:]) == written:
        return True
    return len(written) >= 2 and " " not in written and written == acronym(actual)


def _canonical(name: str) -> str:
    """The form under which names that :func:`_same_name` equates are looked up."""
    words = name.split()
    lead = 0
    while lead < len(words) - 1 and words[lead] in _PARTICLES:
        lead += 1
    return "".join(words[lead:])


def _forms(name: str) -> set[str]:
    """Every looked-up form a cited name can take for a source's ``name``."""
    forms = {name, _canonical(name)}
    short = acronym(name)
    return forms | {short} if short else forms


def acronym(name: str) -> str:
    """``world health organization`` -> ``who`` (normalised names; "" for one word)."""
    words = [w for w in name.split() if w not in _NOT_IN_ACRONYMS]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _similar(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    if a == b or fuzz.ratio(a, b) >= NAME_CUTOFF:
        return True
    # "Rezendo" for "de Rezende": a misspelling of the name without its particle
    short_a, short_b = _canonical(a), _canonical(b)
    return (short_a, short_b) != (a, b) and fuzz.ratio(short_a, short_b) >= NAME_CUTOFF


@dataclass(slots=True)
class _Fit:
    entry: _Entry
    name_defect: str  # "" when the names agree
    year_defect: bool
    exact_count: bool  # the citation lists exactly the source's authors (or et al. fits)


def _name_fit(cited: list[str], et_al: bool, entry: _Entry) -> tuple[str, bool]:
    """Compare the cited surnames with the source's: (defect description, count fits)."""
    names = list(entry.names)
    if entry.anonymous:
        title = names[0] if names else ""
        first = _strip_article(cited[0]) if cited else ""
        ok = bool(first) and (title == first or title.startswith(first + " "))
        return ("" if ok else "title differs"), ok
    if not names:
        return "no authors", False
    shown = cited if not et_al else cited[: len(names)]
    common = min(len(shown), len(names))
    if shown[:common] == names[:common]:
        misspelt = []  # the usual case, without pairing the names one by one
    else:
        misspelt = [
            (written, actual)
            for written, actual in zip(shown, names, strict=False)
            if written != actual and not _same_name(written, actual)
        ]
    if any(not _similar(w, a) for w, a in misspelt):
        # Maybe a co-author is missing in the middle rather than misspelt.
        if not et_al and set(cited) < set(names):
            return "missing co-author", False
        return "names differ", False
    if misspelt:
        return "misspelt", len(shown) == len(names) or et_al
    if et_al:
        return "", len(names) >= 2 or entry.source.authors_truncated
    if len(cited) < len(names):
        if entry.source.authors_truncated and len(names) >= 3:
            return "", True
        return "missing co-author", False
    if len(cited) > len(names):
        return "extra author", False
    return "", True


class Resolver:
    """Resolves citations against one set of sources; build once, use many times.

    ``fast=False`` compares every citation with every source of its buckets and resolves
    each citation on its own: the general path, slower, kept so that tests can show the
    narrowed lookups and the reuse of results give the same matches.
    """

    def __init__(self, sources: Sequence[Source], *, fast: bool = True) -> None:
        self.index = SourceIndex(sources)
        self.fast = fast
        self._keys: list[str] | None = None

    def resolve(self, citations: Sequence[Citation]) -> list[Match]:
        aliases = {
            normalise_name(c.alias): normalise_name(c.authors[0])
            for c in citations
            if c.alias and c.authors
        }
        # The same authors, written the same way, read the same (aliases hold for the call).
        names_of: dict[tuple[str, ...], list[str]] = {}
        cited: list[list[str]] = []
        for citation in citations:
            names = names_of.get(citation.authors) if self.fast else None
            if names is None:
                names = names_of[citation.authors] = self._cited_names(citation, aliases)
            cited.append(names)
        wanted: dict[str, set[int | None]] = defaultdict(set)
        for citation, names in zip(citations, cited, strict=True):
            if not citation.key and names and names[0] not in self.index.by_first:
                wanted[names[0]].add(citation.year_number)
        fuzzy = self.index.fuzzy_first(wanted) if wanted else {}
        # A manuscript cites "(Smith, 2020)" many times: a match depends only on the key,
        # or on the normalised surnames, the year as written and et al., so each distinct
        # citation is resolved once and its match reused at every place it occurs.
        done: dict[tuple[object, ...], Match] = {}
        matches: list[Match] = []
        for citation, names in zip(citations, cited, strict=True):
            if citation.key:
                same: tuple[object, ...] = (citation.key,)
            else:
                same = (tuple(names), citation.year, citation.et_al)
            first = done.get(same) if self.fast else None
            if first is None:
                if citation.key:
                    match = self._key(citation)
                else:
                    match = self._author_date(citation, names, fuzzy)
                done[same] = match
            else:
                match = Match(
                    citation,
                    first.grade,
                    key=first.key,
                    candidates=first.candidates,
                    name_differs=first.name_differs,
                    year_differs=first.year_differs,
                    detail=first.detail,
                )
            matches.append(match)
        return matches

    def _cited_names(self, citation: Citation, aliases: dict[str, str]) -> list[str]:
        names = [normalise_name(name) for name in citation.authors]
        names = [aliases.get(name, name) for name in names]
        if names and names[0] not in self.index.by_first and " " in names[0]:
            # "Moreover Chang": a sentence word the finder took for part of the name.
            words = names[0].split()
            for cut in range(1, len(words)):
                tail = " ".join(words[cut:])
                if tail in self.index.by_first:
                    names[0] = tail
                    break
        return names

    def _key(self, citation: Citation) -> Match:
        entry = self.index.by_key.get(citation.key) or self.index.by_folded_key.get(
            citation.key.casefold()
        )
        if entry is not None:
            return Match(citation, Grade.EXACT, key=entry.source.key)
        from rapidfuzz import fuzz, process

        if self._keys is None:
            self._keys = list(self.index.by_key)
        best = process.extractOne(citation.key, self._keys, scorer=fuzz.ratio, score_cutoff=75)
        candidates = (str(best[0]),) if best else ()
        return Match(citation, Grade.NONE, candidates=candidates, detail="no source has this key")

    def _author_date(
        self, citation: Citation, names: list[str], fuzzy: dict[str, list[str]]
    ) -> Match:
        if not names:
            return Match(citation, Grade.NONE, detail="no author")
        # Only sources whose year can fit (see _year_fit): the same author's other years
        # are never candidates, and skipping them keeps 10,000 citations fast. An exact fit
        # (names and year agree) decides alone, so the years off by one are only looked at
        # when the citation's own year has none.
        year = citation.year_number
        firsts = (names[0], *fuzzy.get(names[0], ()))
        cited = tuple(names)
        et_al = citation.et_al
        # Two or more named authors: only the sources of a bucket that can fit them (see
        # _Bucket), those that can fit exactly first.
        narrow = cited if self.fast and not et_al and len(cited) >= 2 else None
        years: tuple[int | None, ...] = (year,)
        stages = (True, False) if narrow else (False,)
        fits: list[_Fit] = []
        for exact_only in stages:
            candidates = self._candidates(firsts, years, narrow, exact_only)
            if year is None:
                same_year = [
                    entry for entry in candidates if _year_fit(citation.year, None, "", entry) == 0
                ]
            else:
                suffix = citation.year_suffix
                same_year = [
                    entry
                    for entry in candidates
                    if not (suffix and entry.suffix and suffix != entry.suffix)
                ]
            fits = self._fits(names, cited, et_al, same_year, False)
            exact = [f for f in fits if not f.name_defect]
            if exact:
                return self._choose(citation, exact)
        if year is not None:
            off_by_one = self._candidates(firsts, (year - 1, year + 1), narrow, False)
            fits += self._fits(names, cited, et_al, off_by_one, True)
        single = [f for f in fits if bool(f.name_defect) != f.year_defect]
        if len(single) == 1 or (len(single) > 1 and _one_work(single)):
            # One fit with one slip; or the same work listed twice, cited with a slip: the
            # slip is the finding, against the first listing.
            fit = min(single, key=lambda f: f.entry.order)
            return Match(
                citation,
                Grade.NEAR,
                key=fit.entry.source.key,
                candidates=(fit.entry.source.key,),
                name_differs=bool(fit.name_defect),
                year_differs=fit.year_defect,
                detail=fit.name_defect or "year off by one",
            )
        if len(single) > 1:
            keys = tuple(sorted(f.entry.source.key for f in single))
            return Match(citation, Grade.AMBIGUOUS, candidates=keys, detail="several near matches")
        return Match(citation, Grade.NONE, detail=self._nearest(names))

    def _candidates(
        self,
        firsts: Sequence[str],
        years: Sequence[int | None],
        narrow: tuple[str, ...] | None = None,
        exact_only: bool = False,
    ) -> list[_Entry]:
        """Sources indexed under one of ``firsts`` with one of ``years``, each once.

        With ``narrow`` (cited surnames, two or more, no et al.) only those that can fit
        them, or with ``exact_only`` only those that can fit them exactly.
        """
        by_first_year = self.index.by_first_year
        found: list[_Entry] = []
        seen: set[int] = set()
        for first in firsts:
            for year in years:
                bucket = by_first_year.get((first, year))
                if bucket is None:
                    continue
                if narrow is None:
                    entries = bucket.entries
                elif exact_only:
                    entries = bucket.exact(narrow)
                else:
                    entries = bucket.near(narrow)
                for entry in entries:
                    if id(entry) not in seen:
                        seen.add(id(entry))
                        found.append(entry)
        if narrow is not None:
            found.sort(key=lambda entry: entry.order)
        return found

    @staticmethod
    def _fits(
        names: list[str],
        cited: tuple[str, ...],
        et_al: bool,
        entries: list[_Entry],
        year_defect: bool,
    ) -> list[_Fit]:
        fits: list[_Fit] = []
        for entry in entries:
            if not et_al and not entry.anonymous and entry.names == cited:
                defect, count = "", True  # the common case, as _name_fit decides it
            else:
                defect, count = _name_fit(names, et_al, entry)
            if defect not in {"names differ", "no authors", "title differs"}:
                fits.append(_Fit(entry, defect, year_defect, count))
        return fits

    @staticmethod
    def _choose(citation: Citation, exact: list[_Fit]) -> Match:
        if len(exact) > 1:
            counted = [f for f in exact if f.exact_count]
            if len(counted) == 1:
                exact = counted
        if len(exact) == 1:
            return Match(citation, Grade.EXACT, key=exact[0].entry.source.key)
        keys = tuple(sorted(f.entry.source.key for f in exact))
        return Match(
            citation,
            Grade.AMBIGUOUS,
            candidates=keys,
            detail="same surnames and year; add a year suffix (2020a, 2020b)",
        )

    def _nearest(self, names: list[str]) -> str:
        # Cached per surname: a prolific author's every year is listed once, not per citation.
        known = self.index.years_by_first
        if names[0] not in known:
            entries = self.index.by_first.get(names[0], ())
            years = sorted({e.year_text for e in entries})
            known[names[0]] = (
                f"sources by this author have year {', '.join(years)}" if years else ""
            )
        return known[names[0]]


def _one_work(fits: Sequence[_Fit]) -> bool:
    """Do all these near fits point at one work listed more than once?"""
    first = fits[0].entry
    title = normalise_name(first.source.title)
    return all(
        f.entry.names == first.names
        and f.entry.year_text == first.year_text
        and f.name_defect == fits[0].name_defect
        and f.year_defect == fits[0].year_defect
        and normalise_name(f.entry.source.title) == title
        for f in fits[1:]
    )


def resolve(citations: Sequence[Citation], sources: Sequence[Source]) -> list[Match]:
    """Resolve each citation against ``sources``; one :class:`Match` per citation, in order."""
    return Resolver(sources).resolve(citations)


def author_count(source: Source) -> int:
    """How many authors a source has, for the et-al rule (truncated lists count as many)."""
    count = len(source.names)
    return max(count, 3) if source.authors_truncated else count
