"""Which sources are the same work: by DOI, or by title, first author and year.

The rules, learnt from three tools that do this for a living:

* **Same DOI** (JabRef's ``DuplicateCheck``, Zotero's duplicate finder): two entries
  whose DOIs are equal after normalisation (prefixes such as ``https://doi.org/`` or
  ``doi:`` removed, case folded; DOIs are case-insensitive) are the same work. No veto
  applies: if their titles differ, one of the DOIs is wrong, which needs fixing too.
* **Same work** (Zotero's title + creator + year rule, loosened for typos as bib-dedupe
  loosens it): the titles match, the first authors' surnames match and the years are
  at most :data:`YEAR_TOLERANCE` apart (online-first and print years differ by one).

  - Titles are compared after folding (accents removed, case folded, punctuation
    dropped). They match when the folded titles have a similarity of at least
    :data:`TITLE_MIN_SIMILARITY` (``rapidfuzz.fuzz.ratio``) *and* every word that one
    title has and the other lacks is a spelling variant of a word the other has
    (similarity at least :data:`WORD_VARIANT_SIMILARITY`, not a negation such as
    legal/illegal), apart from :data:`STOP_WORDS`; a differing number never is. So
    "Organisation"/"Organization" match, "... and Asia"/"... and Africa" do not.
    A title without a subtitle matches the main title (before ``:``, ``?``, `` - ``)
    of one with a subtitle when that main title has at least
    :data:`MIN_MAIN_TITLE_WORDS` words (one record lost the subtitle).
  - First-author surnames are folded and squashed ("Wicki-Birchler" ->
    "wickibirchler") and match when equal, when one ends with the other (a particle
    kept or dropped: "von Neumann"/"Neumann") or when their similarity is at least
    :data:`AUTHOR_MIN_SIMILARITY` ("Müller"/"Mueller"). Two entries without any names
    match on the title alone; one with names and one without never match.
* **Vetoes** for a same-work match (JabRef's and bib-dedupe's non-duplicate rules):
  both have DOIs and they differ; both have an edition and they differ; both have
  pages and the first pages differ (different chapters or articles); both have a
  volume and they differ; the entry types belong to different kinds of publication
  (a journal article and a conference paper or a thesis are different works even
  with the same title).

Scaling: no pair of sources is compared in a Python loop over all pairs. Candidates are
blocked by first-author surname and by title prefix (:data:`TITLE_BLOCK_CHARS`
characters); inside a block each record is scored against the rest of the block in one
``rapidfuzz.process.extract`` call (C speed), and only pairs that pass the screen
(:data:`SCREEN_SIMILARITY`) get the exact rules above.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from cybercoop_cli.model import Source

# --------------------------------------------------------------------------- thresholds

#: Folded titles must be at least this similar (rapidfuzz ``fuzz.ratio``, 0-100).
TITLE_MIN_SIMILARITY = 90.0
#: A word one title has and the other lacks must be at least this similar to a word of
#: the other title to count as a spelling variant.
WORD_VARIANT_SIMILARITY = 75.0
#: Folded first-author surnames at least this similar are the same person.
AUTHOR_MIN_SIMILARITY = 85.0
#: Years further apart than this veto a same-work match (online-first vs print).
YEAR_TOLERANCE = 1
#: A main title needs this many words before a missing subtitle is forgiven.
MIN_MAIN_TITLE_WORDS = 3
#: Candidate screen: pairs less similar than this (full or main titles) are not examined.
SCREEN_SIMILARITY = 80.0
#: Blocking keys are consonant skeletons (vowels, digits and spaces dropped, so umlauts
#: written as "ue" and ligatures block together): the first author's whole surname, and
#: this many leading consonants of the title.
TITLE_BLOCK_CHARS = 8

#: Words a title may have that the other lacks without making them different works.
STOP_WORDS = frozenset({"a", "an", "the", "of", "and", "in", "on", "for", "to", "at", "by", "with"})
#: Prefixes that turn a word into its opposite; "illegal" is no typo of "legal".
NEGATING_PREFIXES = ("in", "il", "im", "ir", "un", "non", "dis", "anti")

# Entry types grouped into kinds of publication; None means "could be any" (a @misc
# preprint may well be the same work as the article).
_KIND_OF_TYPE = {
    "article": "journal",
    "periodical": "journal",
    "inproceedings": "proceedings",
    "conference": "proceedings",
    "proceedings": "proceedings",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "techreport": "report",
    "report": "report",
    "jurisdiction": "legal",
    "legislation": "legal",
    "legal": "legal",
    "case": "legal",
    "statute": "legal",
}

_SPECIAL_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L"}
    | {"đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i", "ß": "ss"}
)
_NON_WORD = re.compile(r"[\W_]+")
_JOINERS = re.compile(r"(?<=\w)[-‐‑'’](?=\w)")
_VOWELS = re.compile(r"[aeiouy0-9 ]")
_SUBTITLE = re.compile(r"\s*(?::|\?|\.\s|\s[-–—]\s)\s*")
_PAGE = re.compile(r"[0-9]+|[ivxlcdm]+", re.IGNORECASE)
_EDITION_WORDS = {
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "seventh": "7",
    "eighth": "8",
    "ninth": "9",
    "tenth": "10",
}


class MatchRule(StrEnum):
    """Why two sources were taken for the same work."""

    SAME_DOI = "same-doi"
    SAME_WORK = "same-work"


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """``source`` is the same work as ``duplicate_of`` (the earlier or existing entry)."""

    source: Source
    duplicate_of: Source
    rule: MatchRule
    title_similarity: float
    reason: str


# --------------------------------------------------------------------------- normalising


def fold(text: str) -> str:
    """Text for comparison: accents and case folded, hyphens and apostrophes inside words
    dropped ("co-operation" -> "cooperation"), other punctuation to single spaces."""
    decomposed = unicodedata.normalize("NFKD", _JOINERS.sub("", text.translate(_SPECIAL_LETTERS)))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare.casefold()).strip()


def normalise_doi(doi: str) -> str:
    """A DOI for comparison: bare ``10.`` form, case folded; "" when it is not a DOI."""
    value = doi.strip().casefold()
    for prefix in (
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
    ):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if value.startswith("doi:"):
        value = value[4:].strip()
    return value if value.startswith("10.") and "/" in value else ""


def _doi_of(source: Source) -> str:
    doi = normalise_doi(source.doi)
    if not doi and "doi.org/" in source.url:
        doi = normalise_doi(source.url)
    return doi


def _edition(raw: str) -> str:
    folded = fold(raw)
    for word, number in _EDITION_WORDS.items():
        if folded.startswith(word):
            return number
    digits = re.match(r"\d+", folded)
    return digits.group(0) if digits else folded


def _first_page(raw: str) -> str:
    match = _PAGE.search(raw)
    return match.group(0).casefold() if match else ""


@dataclass(frozen=True, slots=True)
class _Record:
    """What the rules compare, computed once per source."""

    title: str
    main_title: str
    has_subtitle: bool
    author: str
    has_names: bool
    year: int | None
    doi: str
    edition: str
    first_page: str
    volume: str
    kind: str | None
    full_date: str = ""  # YYYY-MM-DD when the entry gives a day
    court: str = ""
    reporter: str = ""
    docket: str = ""

    @classmethod
    def of(cls, source: Source) -> _Record:
        raw_title = source.title or source.field("title")
        parts = _SUBTITLE.split(raw_title, maxsplit=1)
        main = fold(parts[0])
        has_subtitle = len(parts) > 1 and bool(fold(parts[1]))
        names = source.names
        author = ""
        if names:
            first = names[0]
            author = fold(first.literal or first.family or first.surname).replace(" ", "")
        return cls(
            title=fold(raw_title),
            main_title=main,
            has_subtitle=has_subtitle,
            author=author,
            has_names=bool(names),
            year=source.year,
            doi=_doi_of(source),
            edition=_edition(source.field("edition")),
            first_page=_first_page(source.pages),
            volume=fold(source.volume),
            kind=_KIND_OF_TYPE.get(source.entry_type.casefold()),
            full_date=_full_date(source),
            court=fold(source.field("court") or source.field("institution")),
            reporter=fold(source.field("journaltitle") or source.field("reporter")),
            docket=fold(source.field("number") or source.field("docket")),
        )

    @property
    def author_block(self) -> str:
        return _skeleton(self.author)

    @property
    def title_block(self) -> str:
        return _skeleton(self.title)[:TITLE_BLOCK_CHARS]


def _skeleton(folded: str) -> str:
    """The consonants of folded text: blocks "Müller" with "Mueller", "über" with "ueber"."""
    return _VOWELS.sub("", folded)


# --------------------------------------------------------------------------- the rules


def _is_variant(word: str, others: Iterable[str]) -> bool:
    from rapidfuzz import fuzz

    for other in others:
        if any(ch.isdigit() for ch in word + other):
            continue
        short, long_ = sorted((word, other), key=len)
        if any(long_ == prefix + short for prefix in NEGATING_PREFIXES):
            continue
        if fuzz.ratio(word, other) >= WORD_VARIANT_SIMILARITY:
            return True
    return False


def _same_words(first: str, second: str) -> bool:
    """True when the titles differ only by spelling variants and stop words."""
    if first.replace(" ", "") == second.replace(" ", ""):
        return True
    words_first, words_second = Counter(first.split()), Counter(second.split())
    only_first = [w for w in (words_first - words_second).elements() if w not in STOP_WORDS]
    only_second = [w for w in (words_second - words_first).elements() if w not in STOP_WORDS]
    if any(w.isdigit() for w in only_first + only_second):
        return False
    return all(_is_variant(w, only_second) for w in only_first) and all(
        _is_variant(w, only_first) for w in only_second
    )


def title_similarity(first: _Record, second: _Record) -> float | None:
    """The similarity of two titles if they name the same work under the rules, else None."""
    from rapidfuzz import fuzz

    if first.title and first.title == second.title:
        return 100.0
    if not first.title or not second.title:
        return None
    pairs = [(first.title, second.title)]
    if first.has_subtitle != second.has_subtitle:
        longer = first if first.has_subtitle else second
        shorter = second if first.has_subtitle else first
        if len(longer.main_title.split()) >= MIN_MAIN_TITLE_WORDS:
            pairs.append((shorter.title, longer.main_title))
    for one, other in pairs:
        score = float(fuzz.ratio(one, other))
        if score >= TITLE_MIN_SIMILARITY and _same_words(one, other):
            return score
    return None


def _authors_match(first: _Record, second: _Record) -> bool:
    from rapidfuzz import fuzz

    if not first.has_names and not second.has_names:
        return True
    if not first.author or not second.author:
        return False
    if first.author == second.author:
        return True
    short, long_ = sorted((first.author, second.author), key=len)
    if len(short) >= 4 and long_.endswith(short):
        return True
    return fuzz.ratio(first.author, second.author) >= AUTHOR_MIN_SIMILARITY


def _full_date(source: Source) -> str:
    raw = source.field("date").strip()
    return raw if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else ""


def _legal_veto(first: _Record, second: _Record) -> str | None:
    """Cases and statutes share captions across courts and years (an appeal and the
    district ruling are both "X v. Y"): they are one decision only if court, reporter,
    volume, first page, docket and date agree wherever both give them."""
    if first.year is not None and second.year is not None and first.year != second.year:
        return f"decisions of {first.year} and {second.year}"
    for what, a, b in (
        ("dates", first.full_date, second.full_date),
        ("courts", first.court, second.court),
        ("reporters", first.reporter, second.reporter),
        ("volumes", first.volume, second.volume),
        ("first pages", first.first_page, second.first_page),
        ("docket numbers", first.docket, second.docket),
    ):
        if a and b and a != b:
            return f"{what} {a} and {b} differ"
    # One cited in a reporter, the other only by docket number: different stages.
    if bool(first.reporter) != bool(second.reporter) and (first.docket or second.docket):
        return "a reported decision and a docketed one"
    return None


def veto(first: _Record, second: _Record) -> str | None:
    """Why two records with matching titles and authors are still different works, if so."""
    if "legal" in (first.kind, second.kind):
        reason = _legal_veto(first, second)
        if reason is not None:
            return reason
    if (
        first.year is not None
        and second.year is not None
        and abs(first.year - second.year) > YEAR_TOLERANCE
    ):
        return f"years {first.year} and {second.year} differ"
    if first.doi and second.doi and first.doi != second.doi:
        return f"DOIs {first.doi} and {second.doi} differ"
    if first.edition and second.edition and first.edition != second.edition:
        return f"editions {first.edition} and {second.edition} differ"
    if first.first_page and second.first_page and first.first_page != second.first_page:
        return f"pages start at {first.first_page} and {second.first_page}"
    if first.volume and second.volume and first.volume != second.volume:
        return f"volumes {first.volume} and {second.volume} differ"
    if first.kind and second.kind and first.kind != second.kind:
        return f"a {first.kind} item and a {second.kind} item"
    return None


def _compare(
    source: Source, record: _Record, earlier: Source, earlier_record: _Record
) -> DuplicateMatch | None:
    if record.doi and record.doi == earlier_record.doi:
        score = title_similarity(record, earlier_record)
        reason = f"same DOI {record.doi}"
        if score is None:
            reason += " but different titles, so one DOI is probably wrong"
        return DuplicateMatch(source, earlier, MatchRule.SAME_DOI, score or 0.0, reason)
    if not _authors_match(record, earlier_record):
        return None
    score = title_similarity(record, earlier_record)
    if score is None or veto(record, earlier_record) is not None:
        return None
    years = sorted({y for y in (record.year, earlier_record.year) if y is not None})
    year_text = (
        f"year {years[0]}"
        if len(years) == 1
        else (f"years {years[0]} and {years[1]}" if years else "no year")
    )
    names = source.names
    who = f"first author {names[0].surname}" if names else "no authors"
    reason = f"titles {score:.0f}% alike, {who}, {year_text}"
    return DuplicateMatch(source, earlier, MatchRule.SAME_WORK, score, reason)


# --------------------------------------------------------------------------- blocking


def _author_key(record: _Record) -> str:
    return record.author_block


def _title_key(record: _Record) -> str:
    return record.title_block


def _candidate_pairs(
    queries: Sequence[_Record], choices: Sequence[_Record], *, same_list: bool
) -> set[tuple[int, int]]:
    """Pairs (query index, choice index) worth the exact rules; with ``same_list``, i > j."""
    from rapidfuzz import fuzz, process

    pairs: set[tuple[int, int]] = set()
    for key_of in (_author_key, _title_key):
        choice_blocks: dict[str, list[int]] = defaultdict(list)
        for index, record in enumerate(choices):
            if record.title:
                choice_blocks[key_of(record)].append(index)
        query_blocks: dict[str, list[int]] = defaultdict(list)
        for index, record in enumerate(queries):
            if record.title:
                query_blocks[key_of(record)].append(index)
        for key, members in query_blocks.items():
            block = choice_blocks.get(key)
            if not block or (same_list and len(block) < 2):
                continue
            full_titles = [choices[i].title for i in block]
            main_titles = [choices[i].main_title for i in block]
            for position, query_index in enumerate(members):
                record = queries[query_index]
                # Within one list, score each record against the earlier ones only.
                end = position if same_list else len(block)
                for text, pool in ((record.title, full_titles), (record.main_title, main_titles)):
                    hits = process.extract(
                        text,
                        pool[:end],
                        scorer=fuzz.ratio,
                        score_cutoff=SCREEN_SIMILARITY,
                        limit=None,
                    )
                    pairs.update((query_index, block[hit]) for _, _, hit in hits)
    return pairs


def _doi_pairs(
    queries: Sequence[_Record], choices: Sequence[_Record], *, same_list: bool
) -> set[tuple[int, int]]:
    by_doi: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(choices):
        if record.doi:
            by_doi[record.doi].append(index)
    pairs: set[tuple[int, int]] = set()
    for index, record in enumerate(queries):
        for other in by_doi.get(record.doi, []) if record.doi else []:
            if not same_list or other < index:
                pairs.add((index, other))
    return pairs


# --------------------------------------------------------------------------- public API


def find_duplicates(sources: Sequence[Source]) -> list[DuplicateMatch]:
    """Each source that is the same work as an earlier one, matched to the earliest of them.

    A group of three copies gives two matches (the second and third to the first);
    a chain a~b~c where a and c do not match directly gives b->a and c->b.
    """
    records = [_Record.of(source) for source in sources]
    candidates = _doi_pairs(records, records, same_list=True) | _candidate_pairs(
        records, records, same_list=True
    )
    best: dict[int, DuplicateMatch] = {}
    best_index: dict[int, int] = {}
    for later, earlier in sorted(candidates):
        if later in best and best_index[later] < earlier:
            continue
        match = _compare(sources[later], records[later], sources[earlier], records[earlier])
        if match is not None:
            best[later] = match
            best_index[later] = earlier
    return [best[index] for index in sorted(best)]


def match_against(new: Sequence[Source], existing: Sequence[Source]) -> list[DuplicateMatch]:
    """For each new source that is already among ``existing``, its best match there.

    A DOI match wins over a title match; among title matches the most similar wins. The
    result is in the order of ``new``; sources without a match are left out. Use
    :func:`find_duplicates` on ``new`` too, to catch copies within the new batch.
    """
    new_records = [_Record.of(source) for source in new]
    old_records = [_Record.of(source) for source in existing]
    candidates = _doi_pairs(new_records, old_records, same_list=False) | _candidate_pairs(
        new_records, old_records, same_list=False
    )
    best: dict[int, DuplicateMatch] = {}
    for index, other in sorted(candidates):
        match = _compare(new[index], new_records[index], existing[other], old_records[other])
        if match is None:
            continue
        current = best.get(index)
        if current is None or _rank(match) > _rank(current):
            best[index] = match
    return [best[index] for index in sorted(best)]


def _rank(match: DuplicateMatch) -> tuple[int, float]:
    return (1 if match.rule is MatchRule.SAME_DOI else 0, match.title_similarity)
