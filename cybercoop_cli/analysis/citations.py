"""Finding in-text citations: APA/Harvard author-date, pandoc ``[@key]`` and LaTeX ``\\cite``.

Public API (stable; ``cybercoop gaps --manuscript`` uses it too)::

    from cybercoop_cli.analysis.citations import Citation, find_citations
    citations = find_citations(manuscript.body)     # clean text from ingest.manuscript

``find_citations`` expects clean text: read the file with
:func:`cybercoop_cli.ingest.manuscript.read_manuscript` (or ``parse_manuscript`` for a
string) first, so that code, URLs, e-mail addresses and cross-references are blanked out.
It returns one :class:`Citation` per cited work, in text order: ``(Vargo & Lusch, 2008,
2011)`` is two citations, one per year, sharing a ``group`` number.

How it stays linear: nothing here runs an open-ended regular expression over the whole
text. Brackets are found with ``str.find`` and a bisect over the closing positions, every
bracket group and every look-back before a narrative citation is cut to a few hundred
characters, and the small tokeniser only ever runs on such bounded slices. So the time is
proportional to the length of the text, whatever the text holds (thousands of unclosed
parentheses, megabyte lines, long runs of capitalised words).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from cybercoop_cli.ingest.latex import cite_commands

MAX_GROUP = 600  # characters inside one bracket group
LOOK_BACK = 240  # characters searched before "(2020)" for the authors' names
MAX_NAME_WORDS = 6  # words in one surname ("Martillo Jeremías", "World Health Organization")
MAX_AUTHORS = 25


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited work, as written.

    ``form`` is ``"parenthetical"``, ``"narrative"`` or ``"nocite"`` (LaTeX's
    ``\\nocite{key}``, and ``key == "*"`` for "every entry": listed in the bibliography,
    not cited in the text). Keyed citations (pandoc, LaTeX)
    have ``key`` and no ``authors``; author-date citations have ``authors`` (surnames as
    written, initials dropped), ``year`` (``"2020"``, ``"2023a"``, ``"n.d."``, ``"in press"``)
    and ``et_al``. ``start``/``end`` are offsets in the text given to :func:`find_citations`.
    ``alias`` is an abbreviation the citation introduces (``World Health Organization
    [WHO]``), used by later citations (``WHO, 2020``). ``titled`` says the names were
    emphasised, as a title is (``\\emph{Neural Kalman Filtering} (2021)``).
    """

    text: str
    start: int
    end: int
    form: str
    authors: tuple[str, ...] = ()
    et_al: bool = False
    year: str = ""
    locator: str = ""
    prefix: str = ""
    key: str = ""
    alias: str = ""
    group: int = 0
    suppress_author: bool = False
    titled: bool = False  # the "names" were an emphasised title: see :func:`doubtful`

    @property
    def is_keyed(self) -> bool:
        return bool(self.key)

    @property
    def year_number(self) -> int | None:
        digits = self.year[:4]
        return int(digits) if len(digits) == 4 and digits.isdigit() else None

    @property
    def year_suffix(self) -> str:
        return self.year[4:] if self.year_number is not None else ""

    def label(self) -> str:
        """How the citation reads: ``Chang (2020)``, ``Widodo et al. (2024)`` or ``@key``."""
        if self.key:
            return f"@{self.key}"
        names = list(self.authors)
        if self.et_al:
            head = f"{names[0]} et al." if names else "et al."
        elif len(names) == 2:
            head = f"{names[0]} & {names[1]}"
        elif len(names) > 2:
            head = ", ".join(names[:-1]) + f", & {names[-1]}"
        else:
            head = names[0] if names else ""
        return f"{head} ({self.year})"


# --------------------------------------------------------------------------- words

# Words that end a run of names when scanning back from a year: function words, citation
# prefixes, sentence adverbs and months. Compared case-insensitively.
_STOPWORDS_TEXT = """
    a an the this that these those its it their his her our my your we they he she i you
    in on at by to of for from with without within into onto upon over under about above
    after before between among amongst across through during since until till via per
    and or nor but yet so as than then thus hence also too very only just even still if
    when where while whereas although though because unless whether which who whom whose
    what how why all any both each every few many more most much other some such no not
    is are was were be been being has have had do does did can could may might must
    shall should will would see e.g. eg i.e. ie cf. cf compare viz. viz. namely
    especially including include includes included reviewed review reviews cited citing
    quoted quoting summarised summarized discussed described reported according
    following followed unlike like moreover however furthermore further therefore indeed
    similarly likewise notably recently later finally first second third firstly
    secondly lastly instead besides meanwhile otherwise accordingly consequently overall
    here there now today yesterday around circa ca. c. approximately about almost nearly
    roughly since early late mid year years century decade age ago edition version vol.
    vols. volume january february march april may june july august september october
    november december jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec.
    spring summer autumn fall winter figure fig. table tab. section sec. chapter chap.
    appendix equation eq. page pages p. pp. para. note n. line study studies work works
    paper papers article articles author authors et al al. ibid ibid. op. cit. loc. see
    also e.g.,
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_PARTICLES_TEXT = """
    van von de der den du da di del della dei des la le st. st san santa dos das do ter
    ten bin ibn al el mac mc
"""
PARTICLES = frozenset(_PARTICLES_TEXT.split())
CONNECTORS = frozenset({"of", "for", "on", "the", "und", "für", "de", "des", "du", "y"})
LOCATOR_WORDS = (
    "p.",
    "pp.",
    "p ",
    "pp ",
    "para",
    "paras",
    "chap",
    "ch.",
    "sec",
    "§",
    "fig",
    "table",
    "tab.",
    "n.",
    "nn.",
    "note",
    "line",
    "l.",
    "ll.",
    "vol",
    "col",
    "art.",
    "slide",
    "min",
    "loc",
    "at ",
    "verse",
    "book",
    "part",
    "appendix",
    "footnote",
)

# Publishers, as a book's publication note gives them: "Understanding Open Source Software
# Development (Addison-Wesley, 2002)". Folded (lower case, no spaces or punctuation).
_PUBLISHERS_TEXT = """
    addisonwesley springer springerverlag springernature wiley johnwiley wileyblackwell
    wileyvch elsevier routledge prenticehall mcgrawhill oreilly kluwer palgrave
    palgravemacmillan pergamon taylorfrancis morgankaufmann birkhauser josseybass
    lawrenceerlbaum erlbaum butterworthheinemann houghtonmifflin harpercollins
    randomhouse brookscole cengage degruyter edwardelgar worldscientific nostarch
    packt apress manning oreillymedia sagepublications northholland academicpress
"""
PUBLISHERS = frozenset(_PUBLISHERS_TEXT.split())
_PUBLISHER_WORDS = frozenset(
    {"press", "publishing", "publishers", "publications", "verlag", "books", "editions"}
)


def doubtful(citation: Citation) -> bool:
    """Is this author-date "citation" likely no citation at all, unless a source fits it?

    A publication note (``Title (Addison-Wesley, 2002)``, ``(MIT Press, 2010)``) or an
    emphasised title with a year (``\\emph{Neural Kalman Filtering} (2021)``). A work
    with no author is cited by its title in italics, so a title that matches a source is
    a citation; one that matches none is taken for what it looks like.
    """
    if citation.key or citation.et_al or not citation.authors:
        return False
    if citation.titled:
        return True
    words = " ".join(citation.authors).split()
    if words[-1].lower() in _PUBLISHER_WORDS:
        return True
    folded = "".join(char for char in " ".join(citation.authors).lower() if char.isalpha())
    return folded in PUBLISHERS


_TOKEN = re.compile(
    r"\[[^\[\]\n]{1,40}\]"  # a bracketed alias: [WHO]
    r"|[^\W\d_][\w'’.\-]*"  # a word, with inner apostrophes, periods and hyphens
    r"|\d[\w.–\-/]*"  # a number: 2020, 2023a, 3-5, 1.3.0
    r"|\S"  # any other single character: , ; & ( )
)
_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)([a-z]?)")
_INITIAL = re.compile(r"[A-ZÀ-Þ]\.(?:-?[A-ZÀ-Þ]\.)*")


class _Token(NamedTuple):
    # A tuple: made for every word of every bracket group, ten times faster than a frozen
    # dataclass to create.
    text: str
    start: int
    end: int


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    make = _Token._make
    return [make((m.group(), *m.span())) for m in _TOKEN.finditer(text, start, end)]


def _is_year(token: str) -> bool:
    return _YEAR.fullmatch(token) is not None


def _year_at(tokens: list[_Token], index: int) -> tuple[str, int] | None:
    """The year written at ``tokens[index]`` and how many tokens it takes."""
    word = tokens[index].text
    if word[0].isdigit():  # none of the words below starts with a digit
        return (word, 1) if _is_year(word) else None
    lower = word.lower()
    if lower in {"n.d.", "n.d", "s.d.", "o.j."}:
        return "n.d.", 1
    if lower == "forthcoming":
        return "forthcoming", 1
    if lower == "in" and index + 1 < len(tokens) and tokens[index + 1].text.lower() == "press":
        return "in press", 2
    return None


def _is_stop(word: str) -> bool:
    if len(word) > 1 and word.isupper() and word.isalpha():
        return False  # an acronym: WHO, UN, OECD
    lower = word.lower()
    return lower in STOPWORDS or lower.rstrip(",") in STOPWORDS


def _name_word(word: str, *, lowercase_ok: bool) -> bool:
    """Can ``word`` be (part of) a surname?"""
    if not word or not word[0].isalpha() or _is_stop(word):
        return False
    if word.endswith(".") and not _INITIAL.fullmatch(word) and word.lower() not in PARTICLES:
        return False  # "shown." ends a sentence; initials and "St." do not
    if word[0].isupper():
        return True
    return lowercase_ok or word.lower() in PARTICLES


# --------------------------------------------------------------------------- names

_EMPHASIS_MARKS = frozenset({"*", "_"})
_AL = frozenset({"al.", "al"})


def _capitalised(name: str) -> bool:
    """Does the surname start with a capital once its particles are set aside?

    "de Marneffe", "van der Berg" and "Smith" do; "takedown" and a lone "van" do not.
    """
    words = name.split()
    index = 0
    while index < len(words) - 1 and words[index].lower() in PARTICLES:
        index += 1
    return bool(words) and words[index][:1].isupper()


@dataclass(slots=True)
class _Names:
    authors: list[str]
    et_al: bool
    alias: str
    start_token: int  # index of the first token that belongs to the names


def _names_before(
    tokens: list[_Token], end: int, *, narrative: bool, lowercase_ok: bool, lowercase_last: bool
) -> _Names | None:
    """Read author names backwards from ``tokens[end - 1]``.

    Accepts ``Chang``, ``Brass & Sowell``, ``Brass and Sowell``, ``Singmann, Bolker,
    Westfall, & Aust``, ``Widodo et al.``, ``R. V. Lenth``, ``World Health Organization
    [WHO]``, ``Martillo Jeremías & Polo Peña``, ``Council of Europe``, ``Chang's``. In
    narrative text a comma only separates authors once "and"/"&" has been seen, so
    "However, Chang (2020)" is Chang alone.
    """
    index = end - 1
    authors: list[str] = []
    et_al = False
    alias = ""
    seen_and = False
    first = True
    strict = False  # after a comma in running text, names must be capitalised
    comma_et_al = False
    while index >= 0 and len(authors) < MAX_AUTHORS:
        word = tokens[index].text
        if first:
            # Markdown emphasis around "et al." ("Smith *et al.* (2010)"), and only there:
            # "*Nature*" stays a title.
            marks = index
            while marks >= 0 and tokens[marks].text in _EMPHASIS_MARKS:
                marks -= 1
            if marks < index and marks >= 0 and tokens[marks].text.rstrip("*_") in _AL:
                index = marks
                word = tokens[index].text
        if (
            first
            and word.rstrip("*_").lower() in _AL
            and index >= 1
            and tokens[index - 1].text == "et"
        ):
            et_al = True
            index -= 2
            while index >= 0 and tokens[index].text in _EMPHASIS_MARKS:
                index -= 1
            if index >= 0 and tokens[index].text == ",":
                index -= 1
                comma_et_al = True  # "Kosslyn, Koenig, et al.": APA 6 lists more names
            first = False
            continue
        if first and word.startswith("[") and word.endswith("]"):
            alias = word[1:-1].strip()
            index -= 1
            continue
        name_words: list[str] = []
        name_start = index
        while index >= 0 and len(name_words) < MAX_NAME_WORDS + 4:
            word = tokens[index].text
            if narrative and first and not name_words:
                for ending in ("'s", "’s"):
                    if word.endswith(ending) and len(word) > 2:
                        word = word[: -len(ending)]
                if word.endswith(("s'", "s’")) and len(word) > 2:
                    word = word[:-1]
            if _INITIAL.fullmatch(word) and name_words:
                index -= 1  # a given-name initial before the surname
                name_start = index + 1
                continue
            if (
                word == "/"
                and name_words
                and index >= 1
                and _name_word(tokens[index - 1].text, lowercase_ok=False)
            ):
                # One author named two ways: "LimeSurvey Project Team / Carsten Schmitz".
                name_words.append(word)
                index -= 1
                continue
            if (
                word.lower() in CONNECTORS
                and name_words
                and index >= 1
                and tokens[index - 1].text[:1].isupper()
                and _name_word(tokens[index - 1].text, lowercase_ok=False)
            ):
                name_words.append(word)
                index -= 1
                continue
            loose = not strict and (lowercase_ok or (lowercase_last and not name_words))
            if not _name_word(word, lowercase_ok=loose):
                break
            if _INITIAL.fullmatch(word):
                break
            name_words.append(word)
            name_start = index
            index -= 1
        if not name_words or len(name_words) - name_words.count("/") > MAX_NAME_WORDS:
            break
        while (
            name_words
            and name_words[-1].lower() in CONNECTORS
            and name_words[-1].lower() not in PARTICLES
        ):
            name_words.pop()  # a connector at the front belongs to the sentence
            name_start += 1
        if not name_words:
            break
        authors.append(" ".join(reversed(name_words)))
        first = False
        start_token = name_start
        # A separator before this name continues the list.
        if index >= 0 and tokens[index].text in {"&", "and"}:
            seen_and = True
            index -= 1
            if index >= 0 and tokens[index].text == ",":
                index -= 1
            continue
        # "(MAD, Leys et al. 2013)": "et al." straight after a name ends the list there.
        listed = seen_and or (not narrative and (comma_et_al or not et_al))
        if index >= 0 and tokens[index].text == "," and listed:
            # In a parenthesis "see, e.g., Chang" must not take "e.g." as a name: the
            # name check above refuses it and the loop stops there.
            look = index - 1
            if look >= 0 and _name_word(tokens[look].text, lowercase_ok=lowercase_ok):
                index -= 1
                strict = narrative
                continue
        break
    if not authors:
        return None
    authors.reverse()
    return _Names(authors, et_al, alias, start_token)


# --------------------------------------------------------------------------- items


@dataclass(slots=True)
class _Item:
    years: list[tuple[str, int, int]]  # (year, start, end)
    names: _Names | None
    locator: str
    prefix: str
    start: int
    end: int
    years_only: bool
    names_start: int = -1  # where the names begin (after any prefix)


def _locator(text: str) -> bool:
    lower = text.strip().lower()
    return bool(lower) and (lower[0].isdigit() or lower.startswith(LOCATOR_WORDS))


def _parse_item(
    text: str, start: int, end: int, *, lowercase_ok: bool, harvard_ok: bool
) -> _Item | None:
    """Parse one ``;``-separated part of a bracket group, e.g. ``see Chang, 2020, p. 331``."""
    tokens = _tokens(text, start, end)
    if not tokens:
        return None
    year_index = -1
    found = None
    for index in range(len(tokens)):
        found = _year_at(tokens, index)
        if found:
            year_index = index
            break
    if found is None:
        return None
    years: list[tuple[str, int, int]] = []
    index = year_index
    while index < len(tokens):
        found = _year_at(tokens, index)
        if found is None:
            break
        years.append((found[0], tokens[index].start, tokens[index + found[1] - 1].end))
        index += found[1]
        # More years of the same authors: "2008, 2011", "1993 and 1995", "2001, 2003, & 2005".
        step = 1 if index < len(tokens) and tokens[index].text == "," else 0
        if index + step < len(tokens) and tokens[index + step].text in {"and", "&"}:
            step += 1
        if step and index + step < len(tokens) and _year_at(tokens, index + step):
            index += step
            continue
        break
    locator = ""
    if index < len(tokens):
        if tokens[index].text != ",":
            return None  # "the 2016 takedown", "2016 and 2017": a year inside prose
        rest = text[tokens[index].end : end].strip()
        locator = rest if _locator(rest) else ""
    before = year_index
    comma = before > 0 and tokens[before - 1].text == ","
    if comma:
        before -= 1
    if before == 0:
        return _Item(years, None, locator, "", start, end, years_only=True)
    if not comma and not harvard_ok:
        return None
    names = _names_before(
        tokens, before, narrative=False, lowercase_ok=lowercase_ok, lowercase_last=True
    )
    if names is None:
        return None
    if not comma and not names.authors[-1][:1].isupper():
        return None  # "(takedown 2016)": Harvard form needs a capitalised name
    prefix = text[start : tokens[names.start_token].start].strip().rstrip(",").strip()
    if not comma and any(map(str.isdigit, prefix)):
        return None  # "(BMWi, FKZ 50 RA 1701)": a grant or record number, not "RA 1701"
    item_start = tokens[names.start_token].start if not prefix else start
    names_start = tokens[names.start_token].start
    return _Item(years, names, locator, prefix, item_start, end, False, names_start)


# --------------------------------------------------------------------------- finder


def _shifted(item: _Item, delta: int) -> _Item:
    """``item`` as parsed ``delta`` characters further on (its names hold no offsets)."""
    return _Item(
        [(year, start + delta, end + delta) for year, start, end in item.years],
        item.names,
        item.locator,
        item.prefix,
        item.start + delta,
        item.end + delta,
        item.years_only,
        item.names_start + delta,
    )


class _Finder:
    def __init__(
        self, text: str, *, memo: bool = True, emphasis: Sequence[tuple[int, int]] = ()
    ) -> None:
        self.text = text
        self.emphasis = sorted(emphasis)
        self.emphasis_starts = [start for start, _ in self.emphasis]
        # An item parses the same wherever it stands ("(Smith et al., 2020)" recurs all
        # through a manuscript): the parse of each distinct item text, and where it stood.
        self.memo: dict[str, tuple[int, _Item | None]] | None = {} if memo else None
        self.citations: list[Citation] = []
        self.group = 0
        self.covered: list[tuple[int, int]] = []
        self.lowercase_ok = _lost_capitals(text)

    def emphasised(self, start: int, end: int) -> bool:
        """Does an emphasised span (a title) overlap ``text[start:end]``?"""
        index = bisect_left(self.emphasis_starts, end) - 1
        # Spans nest (an \\emph inside a \\textit): look back past the inner ones.
        while index >= 0:
            span_start, span_end = self.emphasis[index]
            if span_end > start:
                return True
            if span_start < start - MAX_GROUP - LOOK_BACK:
                return False
            index -= 1
        return False

    def add(self, citation: Citation) -> None:
        self.citations.append(citation)

    def next_group(self) -> int:
        self.group += 1
        return self.group

    # ----------------------------------------------------------------- brackets
    def groups(self, opener: str, closer: str) -> Iterator[tuple[int, int]]:
        """Innermost ``opener ... closer`` pairs within one paragraph, bounded in length."""
        text = self.text
        closes: list[int] = []
        position = text.find(closer)
        while position >= 0:
            closes.append(position)
            position = text.find(closer, position + 1)
        if not closes:
            return
        position = text.find(opener)
        while position >= 0:
            following = text.find(opener, position + 1, position + MAX_GROUP + 2)
            index = bisect_right(closes, position)
            if index < len(closes):
                close = closes[index]
                if (
                    close - position <= MAX_GROUP
                    and (following < 0 or close < following)
                    and text.find("\n\n", position, close) < 0
                ):
                    yield position, close
            position = following if following >= 0 else text.find(opener, position + MAX_GROUP)

    # ----------------------------------------------------------------- author-date
    def author_date(self) -> None:
        text = self.text
        for open_at, close_at in self.groups("(", ")"):
            if not _could_hold_year(text, open_at + 1, close_at):
                continue
            group = self.next_group()
            item_start = open_at + 1
            first = True
            while item_start <= close_at:
                semicolon = text.find(";", item_start, close_at)
                item_end = close_at if semicolon < 0 else semicolon
                item = self.parse_item(item_start, item_end)
                if item is not None:
                    if item.years_only and first:
                        self.narrative(item, open_at, close_at, group)
                    elif item.names is not None:
                        titled = bool(self.emphasis) and self.emphasised(
                            item.names_start, item.years[0][1]
                        )
                        self.parenthetical(item, group, titled=titled)
                first = False
                item_start = item_end + 1

    def parse_item(self, start: int, end: int) -> _Item | None:
        """:func:`_parse_item` of ``text[start:end]``, which sees nothing outside it."""
        memo = self.memo
        if memo is None:
            return _parse_item(
                self.text, start, end, lowercase_ok=self.lowercase_ok, harvard_ok=True
            )
        written = self.text[start:end]
        known = memo.get(written)
        if known is None:
            item = _parse_item(
                self.text, start, end, lowercase_ok=self.lowercase_ok, harvard_ok=True
            )
            memo[written] = (start, item)
            return item
        at, item = known
        return None if item is None else _shifted(item, start - at)

    def parenthetical(self, item: _Item, group: int, *, titled: bool = False) -> None:
        assert item.names is not None
        written = " ".join(self.text[item.start : item.end].split())
        for year, _, _ in item.years:
            self.add(
                Citation(
                    text=written,
                    start=item.start,
                    end=item.end,
                    form="parenthetical",
                    authors=tuple(item.names.authors),
                    et_al=item.names.et_al,
                    year=year,
                    locator=item.locator,
                    prefix=item.prefix,
                    alias=item.names.alias,
                    group=group,
                    titled=titled,
                )
            )

    def narrative(self, item: _Item, open_at: int, close_at: int, group: int) -> None:
        text = self.text
        floor = max(0, open_at - LOOK_BACK)
        paragraph = text.rfind("\n\n", floor, open_at)
        floor = paragraph + 2 if paragraph >= 0 else floor
        tokens = _tokens(text, floor, open_at)
        if tokens and tokens[0].start == floor and floor > 0 and not text[floor - 1].isspace():
            # The look-back cut a word in half; a paragraph's first word is whole (the
            # first word of a paragraph opens the commonest sentence of a literature
            # review: "Smith (2010) found ...").
            tokens = tokens[1:]
        names = _names_before(
            tokens,
            len(tokens),
            narrative=True,
            lowercase_ok=self.lowercase_ok,
            lowercase_last=self.lowercase_ok,
        )
        if names is None:
            return
        first_author = names.authors[0]
        if not _capitalised(first_author) and not self.lowercase_ok:
            return  # "the takedown (2016)": lowercase "names" only where capitals were lost
        if len(names.authors) == 1 and not names.et_al and first_author.lower() in PARTICLES:
            return
        start = tokens[names.start_token].start
        titled = bool(self.emphasis) and self.emphasised(start, open_at)
        written = " ".join(text[start : close_at + 1].split())
        for year, _, _ in item.years:
            self.add(
                Citation(
                    text=written,
                    start=start,
                    end=close_at + 1,
                    form="narrative",
                    authors=tuple(names.authors),
                    et_al=names.et_al,
                    year=year,
                    locator=item.locator,
                    alias=names.alias,
                    group=group,
                    titled=titled,
                )
            )

    # ----------------------------------------------------------------- keys
    def latex(self) -> None:
        """``\\cite``-family commands: one citation per key; ``\\nocite`` keys too.

        A ``\\nocite{key}`` (and ``{*}`` in any command, "every entry") puts entries in the
        bibliography without citing them in the text: those become citations of form
        ``"nocite"``, which mark the entry cited and nothing else.
        """
        text = self.text
        for command in cite_commands(text):
            lower = command.name.lower()
            narrative = lower.startswith(NARRATIVE_COMMANDS) or (
                command.name.endswith("A") and not command.name.endswith("NA")
            )
            group = self.next_group()
            written = text[command.start : command.end]
            global_prefix, global_locator = _pre_post(command.global_notes)
            for part in command.groups:
                prefix, locator = _pre_post(part.notes)
                if len(part.keys) > 1:
                    locator = ""  # one page for several works: it says whose it is not
                for key in part.keys:
                    nocite = lower == "nocite" or key == "*"
                    self.add(
                        Citation(
                            text=written,
                            start=command.start,
                            end=command.end,
                            form="nocite"
                            if nocite
                            else "narrative"
                            if narrative
                            else "parenthetical",
                            key=key,
                            locator=locator or (global_locator if len(part.keys) == 1 else ""),
                            prefix=prefix or global_prefix,
                            group=group,
                            suppress_author=lower.startswith("citeyear"),
                        )
                    )

    def pandoc(self) -> None:
        text = self.text
        in_brackets: list[tuple[int, int]] = []
        for open_at, close_at in self.groups("[", "]"):
            if text.find("@", open_at, close_at) < 0:
                continue
            items = self.pandoc_group(open_at, close_at)
            if items:
                in_brackets.append((open_at, close_at))
        starts = [start for start, _ in in_brackets]
        position = text.find("@")
        while position >= 0:
            index = bisect_right(starts, position) - 1
            inside = index >= 0 and in_brackets[index][0] < position < in_brackets[index][1]
            if not inside:
                found = _pandoc_key(text, position)
                if found is not None:
                    key, end, suppress = found
                    self.add(
                        Citation(
                            text=text[position - (1 if suppress else 0) : end],
                            start=position - (1 if suppress else 0),
                            end=end,
                            form="narrative",
                            key=key,
                            group=self.next_group(),
                            suppress_author=suppress,
                        )
                    )
                    position = end
            position = text.find("@", position + 1)

    def pandoc_group(self, open_at: int, close_at: int) -> int:
        text = self.text
        parsed: list[Citation] = []
        group = self.group + 1
        item_start = open_at + 1
        while item_start <= close_at:
            semicolon = text.find(";", item_start, close_at)
            item_end = close_at if semicolon < 0 else semicolon
            at = text.find("@", item_start, item_end)
            while at >= 0:
                found = _pandoc_key(text, at)
                if found is not None:
                    key, key_end, suppress = found
                    prefix = text[item_start : at - (1 if suppress else 0)].strip()
                    locator = text[key_end:item_end].strip().lstrip(",").strip()
                    parsed.append(
                        Citation(
                            text=" ".join(text[item_start:item_end].split()),
                            start=item_start,
                            end=item_end,
                            form="parenthetical",
                            key=key,
                            locator=locator,
                            prefix=prefix,
                            group=group,
                            suppress_author=suppress,
                        )
                    )
                    break
                at = text.find("@", at + 1, item_end)
            item_start = item_end + 1
        if parsed:
            self.group = group
            self.citations.extend(parsed)
        return len(parsed)


# Commands that put the authors in the sentence: \\citet, \\textcite(s), \\citeauthor,
# apacite's \\citeA and \\shortciteA (matched by their final capital A).
NARRATIVE_COMMANDS = ("citet", "textcite", "citeauthor", "citealt")


def _pre_post(notes: tuple[str, ...]) -> tuple[str, str]:
    """(prefix, locator) of LaTeX notes: ``[post]`` alone, or ``[pre][post]``."""
    cleaned = [" ".join(note.replace("~", " ").split()) for note in notes]
    if len(cleaned) >= 2:
        return cleaned[0], cleaned[1]
    return "", cleaned[0] if cleaned else ""


_KEY_CHARS = frozenset(":.#$%&-+?<>~/_")
_CROSS_REF_PREFIXES = ("fig-", "sec-", "tbl-", "eq-", "lst-", "thm-", "fig:", "sec:", "tbl:", "eq:")


def _pandoc_key(text: str, at: int) -> tuple[str, int, bool] | None:
    """The pandoc citation key at ``text[at] == '@'``: (key, end, author suppressed)."""
    before = text[at - 1] if at > 0 else " "
    suppress = before == "-"
    if suppress:
        before = text[at - 2] if at > 1 else " "
    if before.isalnum() or before in "\\_.@":
        return None  # an e-mail address, "\@", or a word
    position = at + 1
    if text.startswith("{", position):
        close = text.find("}", position, position + 200)
        if close < 0:
            return None
        return text[position + 1 : close], close + 1, suppress
    if position >= len(text) or not (text[position].isalnum() or text[position] == "_"):
        return None
    end = position
    limit = min(len(text), position + 200)
    while end < limit and (text[end].isalnum() or text[end] in _KEY_CHARS):
        end += 1
    # Internal punctuation only: a key does not end with it ("see @upper1974.").
    while end > position and text[end - 1] in _KEY_CHARS:
        end -= 1
    key = text[position:end]
    if not key or key.lower().startswith(_CROSS_REF_PREFIXES):
        return None
    return key, end, suppress


def _could_hold_year(text: str, start: int, end: int) -> bool:
    chunk = text[start:end]
    return (
        any(map(str.isdigit, chunk)) or "n.d" in chunk or "press" in chunk or "orthcoming" in chunk
    )


_SENTENCE_START = re.compile(r"[.?!] {1,3}([^\W\d_])")


def _lost_capitals(text: str) -> bool:
    """Has the text lost its capitals (PDF extraction)? Most sentences then start lowercase."""
    lower = upper = 0
    for match in _SENTENCE_START.finditer(text, 0, min(len(text), 2_000_000)):
        if match.group(1).islower():
            lower += 1
        else:
            upper += 1
    return lower >= 5 and lower > 0.25 * (lower + upper)


def find_citations(
    text: str, *, memo: bool = True, emphasis: Sequence[tuple[int, int]] = ()
) -> list[Citation]:
    """Every in-text citation in ``text`` (clean text), in order of position.

    ``emphasis`` are the spans of the text that were emphasised (``Manuscript.emphasis``):
    titles, so citations whose names are there are marked ``titled``. ``memo=False`` parses every bracket item
    afresh instead of reusing the parse of the same item text met before: slower, the
    same result (the tests compare them).
    """
    finder = _Finder(text, memo=memo, emphasis=emphasis)
    finder.latex()
    finder.pandoc()
    finder.author_date()
    finder.citations.sort(key=lambda c: (c.start, c.end, c.year))
    return finder.citations
