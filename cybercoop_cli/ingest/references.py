"""Reading a manuscript's own reference list: where entries start, their authors and year.

The manuscript reader (:mod:`cybercoop_cli.ingest.manuscript`) finds the reference section
and hands its blocks here; the entries become :class:`Source` objects keyed
``surname-year``, so the list resolves citations like a .bib file does.

Two steps, both rules measured on real lists (``bench/reflist_accuracy.py``):

- Splitting. A block (paragraph) may hold many entries, hard-wrapped. In a numbered list
  an entry starts at a label ("1.", "[1]", "(1)"). In an unnumbered list a line starts a
  new entry only when it opens like an author list ("Smith, J.", "Smith JA", "J. Smith,",
  "Daniel M. Bikel.", "Bruker. (2012)") and the line before it could end an entry (not a
  comma, "&", "and" or a line-break hyphen) and the entry before it already has its year.
- Reading. The authors are what comes before the year when the year follows them
  ("(2004)", ". 2004.", as APA, Harvard, Chicago and ACL write), otherwise the names at the
  start (Vancouver, IEEE, Nature). The author text is cut at commas, semicolons, "&" and
  "and", then initials and given names are given back to the surname they belong to.
  Surnames keep their particles ("de Marneffe", "van Paridon"); a corporate author is kept
  whole. An entry whose authors or year could not be read with confidence says so
  (``confident``), so that findings about it are not raised as errors.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from cybercoop_cli.ingest.numbered import numbered_pieces
from cybercoop_cli.model import Person, Source


@dataclass(frozen=True, slots=True)
class ReferenceEntry:
    """One entry of the manuscript's own reference list, as read from the text.

    ``authors`` are the surnames as cited in text (particle included, corporate names
    whole); ``confident`` is False when the authors or year were guessed from an entry
    whose shape was not recognised.
    """

    text: str
    line: int
    authors: tuple[str, ...]
    year: str
    truncated: bool = False
    people: tuple[Person, ...] = ()
    confident: bool = True
    label: str = ""  # its number in a numbered list ("12"), without the list's punctuation


#: The field that marks a source whose authors or year were guessed from its entry.
GUESSED = "x-cybercoop-guessed"


# --------------------------------------------------------------------------- splitting

#: A list label at the start of an entry: "1.", "1)", "1 ", "[1]", "(1)", "(1).", or a
#: Markdown or Word bullet ("- ", "* ", "• ").
_LABEL = re.compile(
    r"\s*(?:\[\d{1,4}[a-z]?\]|\(\d{1,4}\)\.?|\d{1,4}(?:[.)]|(?=\s))|[-*+•](?=\s))(?:\s+|$)?"
)
_PARTICLE_WORDS = (
    "van|von|de|der|den|da|di|du|del|della|dei|des|le|la|dos|das|do|ter|ten|het|zu|af|al|el|bin|ben"
)
_SURNAME = (
    rf"(?:(?:{_PARTICLE_WORDS}|[Vv]an|[Vv]on|[Dd]e|[Dd]el|[Dd]i|[Dd]a|[Ll]e|[Ll]a|[Dd]u)[ ]){{0,2}}"
    r"(?:[A-ZÀ-ÞĀ-Ž][\w'’]*|[OD]['’][A-Z]\w*|Mc\w+|Mac\w+)(?:-[A-ZÀ-Þa-zß-ÿ][\w'’]*)*"
)
_INITIAL = r"[A-ZÀ-Þ](?:[a-z]?\.|\.?-[A-Z]\.?)"
_PERSON_START = "|".join(
    (
        # APA, Harvard, Chicago, Nature, ACS: "Baraldi, P. G.", "Bikel, Daniel M."
        rf"{_SURNAME}(?: {_SURNAME})?,\s*(?:{_INITIAL}|[A-ZÀ-Þ][a-zß-ÿ]+\b(?!,))",
        # Vancouver: "Barton ME,", "Bräse S,", "Brown GB (1986)"
        rf"{_SURNAME}(?: {_SURNAME})? [A-Z]{{1,3}}(?:[,.( ]|$)",
        # initials first (IEEE, ACL, physics): "J. W. Layland and", "S. Anderson,"
        rf"(?:{_INITIAL} ?){{1,4}}{_SURNAME}(?:[,.:]| and | &)",
        # given names first (ACL): "Daniel M. Bikel.", "Jenny Rose Finkel,"
        # (then another name, "and" or the year, so "Nature Reviews Cancer, 6(1)" is not)
        rf"[A-ZÀ-Þ][a-zß-ÿ]+(?:[ -][A-ZÀ-Þ][a-zß-ÿ]+)?(?: {_INITIAL})* {_SURNAME}"
        r"(?:,? and [A-ZÀ-Þ]|, [A-ZÀ-Þ][a-zß-ÿ]*\.? ?[A-ZÀ-Þ]|[.,] \(?(?:1[5-9]|20)\d\d)",
    )
)
_AUTHOR_START = re.compile(
    # or a corporate or single name then the year: "Bruker. (2012a)."
    _PERSON_START + r"|[^\W\d][^()\n]{0,80}?[.,]? \((?:1[5-9]|20)\d\d[a-z]?\)"
)
_PERSON_START_RE = re.compile(_PERSON_START)
_YEAR = re.compile(r"(?<![\d/.-])(?:1[5-9]\d\d|20\d\d)(?![\d/])|\bn\.\s?d\.|\bin press\b", re.I)
_CONTINUES = (",", "&", ";", ":", "(", "-", "‐", "–")


def split_entries(clean: str, blocks: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of the entries in reference-list ``blocks`` of ``clean``."""
    pieces: list[tuple[int, int]] = []
    for block_start, block_end in blocks:
        lines: list[tuple[int, int]] = []
        position = block_start
        while position < block_end:
            line_end = clean.find("\n", position, block_end)
            line_end = block_end if line_end < 0 else line_end
            lines.append((position, line_end))
            position = line_end + 1
        texts = [clean[s:e] for s, e in lines]
        filled = [i for i, text in enumerate(texts) if text.strip()]
        if not filled:
            continue
        # Blank lines (a URL alone on its line is blanked) belong to the entry above.
        starts = [filled[i] for i in _entry_starts([texts[i] for i in filled])]
        ends = [*(start - 1 for start in starts[1:]), len(lines) - 1]
        for first, last in zip(starts, ends, strict=True):
            pieces.append((lines[first][0], lines[last][1]))
    return pieces


def _entry_starts(lines: Sequence[str]) -> list[int]:
    """Which of a block's (non-blank) lines start an entry (the first always does)."""
    labelled = _numbered_starts(lines)
    if len(labelled) >= 2:
        return labelled
    lowercase = not any(c.isupper() for line in lines for c in line)
    starts = [0]
    has_year = bool(_YEAR.search(lines[0]))
    for index in range(1, len(lines)):
        line = lines[index].strip()
        if _starts_entry(lines[index - 1], line, has_year, lowercase) and _dated(
            lines, index, lowercase
        ):
            starts.append(index)
            has_year = bool(_YEAR.search(line))
        else:
            has_year = has_year or bool(_YEAR.search(line))
    return starts


def _dated(lines: Sequence[str], index: int, lowercase: bool) -> bool:
    """Whether the entry a line would start has a year before the next line that plainly
    starts a dated entry. One without is a wrapped line that merely looks like a name
    ("Part V. Eur J Med Chem 66:12-21", then "Kamiński K, Wiklik B (2014) ...").

    "Plainly" is a personal name of more than one letter with its year on the same line:
    inside a long wrapped author list, "L., Girard, L., & Martinez, E. D. (2012)" and
    "M, Villetti G (2006)" are not. At the end of the list the line is taken as a start.
    """
    for ahead in range(index, len(lines)):
        line = lines[ahead].strip()
        if _YEAR.search(line):
            return ahead == index or not _plain_start(lines[ahead - 1], line, lowercase)
    return True


def _plain_start(previous: str, line: str, lowercase: bool) -> bool:
    label = _LABEL.match(line)
    name = line[label.end() :] if label else line
    return len(re.split(r"[\s,.]", name, maxsplit=1)[0]) > 1 and _starts_entry(
        previous, line, True, lowercase, _PERSON_START_RE
    )


def _numbered_starts(lines: Sequence[str]) -> list[int]:
    """The lines that open with the next label of a numbered list ("1.", "[2]", "(3)")."""
    first = _LABEL.match(lines[0])
    if first is None or not _label_ok(lines[0]):
        return []
    shape = _label_shape(first.group())
    expected = int(re.sub(r"\D", "", first.group().split()[0]) or 0) + 1
    starts = [0]
    for index in range(1, len(lines)):
        match = _LABEL.match(lines[index])
        if match is None or _label_shape(match.group()) != shape or not _label_ok(lines[index]):
            continue
        digits = re.sub(r"\D", "", match.group().split()[0] if match.group().split() else "")
        if not digits or int(digits) == expected:  # a bullet, or the next number
            starts.append(index)
            expected += 1
    return starts


def _label_shape(label: str) -> str:
    return re.sub(r"\d+[a-z]?", "1", label.strip())


def _label_ok(line: str) -> bool:
    """A label followed by text, not a number that opens a wrapped line ("2004. Title")."""
    match = _LABEL.match(line)
    if match is None:
        return False
    rest = line[match.end() :].strip()
    if not rest:
        return match.group().strip()[:1] in "[(" or match.group().strip().endswith(".")
    return not rest[0].isdigit() and not re.match(r"[,;:)]|\(\d", rest)


def _starts_entry(
    previous: str,
    line: str,
    has_year: bool,
    lowercase: bool,
    shape: re.Pattern[str] = _AUTHOR_START,
) -> bool:
    previous = previous.rstrip()
    if not line or not previous:
        return bool(line)
    if previous.endswith(_CONTINUES) or previous.endswith((" and", " et", " in", " of")):
        return False
    if previous.rpartition(" ")[2].lower() in _PARTICLES:
        return False  # "..., Von" then "Deimling, A." is one name
    if not has_year:
        return False  # an entry before its year is still its author list or title
    text = line
    label = _LABEL.match(text)
    if label and _label_ok(text):
        text = text[label.end() :]
    if lowercase:
        text = text[:1].upper() + re.sub(
            r"\b([a-z])\.", lambda m: m.group(1).upper() + ".", text[1:]
        )
    return shape.match(text) is not None


def reference_entries(
    clean: str, blocks: Iterable[tuple[int, int]], line_of: Callable[[int], int]
) -> Iterable[ReferenceEntry]:
    """The entries of a reference list given as ``(start, end)`` blocks of ``clean``.

    ``line_of`` maps a clean-text offset to its 1-based source line.
    """
    blocks = list(blocks)
    numbered = numbered_pieces(clean, blocks)
    if numbered is not None:
        # Split by the labels in sequence; each entry's text is read without its label,
        # and an entry whose authors cannot be read is still the entry with that number.
        for number, piece_start, piece_end in numbered:
            text = join_lines(clean[piece_start:piece_end])
            line = line_of(piece_start)
            entry = parse_reference(text, line)
            if entry is None:
                entry = ReferenceEntry(text=text, line=line, authors=(), year="", confident=False)
            yield dataclasses.replace(entry, label=str(number))
        return
    for piece_start, piece_end in split_entries(clean, blocks):
        entry = parse_reference(join_lines(clean[piece_start:piece_end]), line_of(piece_start))
        if entry is not None:
            yield entry


_BREAK_HYPHEN = re.compile(r"(?<=[a-zß-ÿ])[-‐]\s*\n\s*(?=[a-zß-ÿ])")
_KEPT_HYPHEN = re.compile(r"(?<=\w)([-‐])\s*\n\s*(?=\w)")


def join_lines(text: str) -> str:
    """One line of text: a line-break hyphen between lower-case letters is dropped
    ("immunocom-\\npromised" -> "immunocompromised"), other end-of-line hyphens are kept
    without a space ("Kadela-\\nTomanek"), and other line breaks become spaces."""
    text = _BREAK_HYPHEN.sub("", text)
    text = _KEPT_HYPHEN.sub(r"\1", text)
    return " ".join(text.split())


# --------------------------------------------------------------------------- reading

# The year right after the authors: "(2004)", "(2004a, May 3)", "(n.d.)", ". 2004." or
# ", 2004," (ACL, Chicago, Harvard) or " 2004;" / " 2004:" (Vancouver with the year first).
_YEAR_AFTER_AUTHORS = re.compile(
    r"\(\s*((?:1[5-9]|20)\d\d[a-z]?|n\.\s?d\.|in press|forthcoming)(?:[^()]{0,40})?\)"
    r"|[.,]\s+((?:1[5-9]|20)\d\d[a-z]?|n\.\s?d\.)(?=[.,;:)]|\s*$)",
    re.I,
)
_ANY_YEAR = re.compile(r"(?<![\d/.:-])((?:1[5-9]|20)\d\d[a-z]?)(?![\d/]|-\d)|\b(n\.\s?d\.)", re.I)
_FUNCTION_WORDS = frozenset(
    f"of for the on in and und et al y e i & others {_PARTICLE_WORDS.replace('|', ' ')}".split()
)
#: Words of journal and venue names that can follow an author list looking like a name.
_VENUE_WORDS = frozenset(
    [
        "phys",
        "chem",
        "math",
        "lett",
        "rev",
        "proc",
        "nucl",
        "instrum",
        "sci",
        "acad",
        "natl",
        "biol",
        "med",
        "res",
        "eng",
        "appl",
        "ann",
        "astrophys",
        "comput",
        "theor",
        "mol",
        "opt",
        "soc",
        "am",
        "int",
        "mech",
        "ser",
        "collab",
        "collaboration",
        "report",
        "proceedings",
        "journal",
        "conference",
        "symposium",
        "workshop",
        "press",
        "university",
    ]
)
_PAREN_YEAR = re.compile(r"\(\s*((?:1[5-9]|20)\d\d[a-z]?)\s*\)")
_EDITOR = re.compile(r"\s*\((?:eds?|hrsg|coord|dirs?|comps?)\.?\)", re.I)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd"})
_PARTICLES = frozenset(_PARTICLE_WORDS.split("|")) | {"van der", "van den", "de la", "de los"}
_CORPORATE = re.compile(
    r"\b(?:Association|Organi[sz]ation|Committee|Institute|Society|Group|Council|Agency|"
    r"Department|University|Team|Consortium|Foundation|Cent(?:re|er)|Office|Bureau|Board|"
    r"Ministry|Commission|Network|Collaboration|Inc|Ltd|Corporation|Company|Service|"
    r"Programme|Program|Project|Authority|Federation|Union|Nations|Academy|Health|World)\b"
)
_INITIALS_ONLY = re.compile(
    r"(?:[A-ZÀ-Þ](?:[a-z]?\.|\.?-[A-Z]\.?)\s*|[A-ZÀ-Þ]\.?\s+)*[A-ZÀ-Þ](?:[a-z]?\.|\.?-[A-Z]\.?)?"
)
_GLUED_INITIALS = re.compile(r"[A-ZÀ-Þ]{1,3}")


def parse_reference(text: str, line: int = 0) -> ReferenceEntry | None:
    """Read the authors and year of one reference-list entry (any common style)."""
    text = " ".join(text.split())
    label = _LABEL.match(text)
    if label and _label_ok(text):
        text = text[label.end() :]
    if " " not in text:
        return None  # one token ("ref-blume2018", a bare URL) is not an entry
    window = text[: min(len(text), 1_500)]
    confident = True
    year_match = _YEAR_AFTER_AUTHORS.search(window)
    head = ""
    year = ""
    if year_match is not None:
        head = window[: year_match.start()]
        year = year_match.group(1) or year_match.group(2) or ""
        if not _names_like(head):
            year_match = None
    if year_match is None:
        head = _leading_names(window)
        # "Phys. Rev. Lett. 69, 1608 (1992)": a year in parentheses beats a page number.
        found = _PAREN_YEAR.search(window, len(head)) or _ANY_YEAR.search(window, len(head))
        if found is None:
            found = _ANY_YEAR.search(window)
        if found is None:
            return None
        year = found.group(1) or found.group(2) or ""
        confident = bool(head)
        if not head:
            head = window[: found.start()]
    year = year.lower().replace(" ", "")
    if year.startswith("n."):
        year = "n.d."
    head = head.strip().rstrip(",;:").strip()
    if head.endswith(".") and not _INITIALS_ONLY.fullmatch(
        head.rsplit(" ", 1)[-1].rsplit(",", 1)[-1]
    ):
        head = head[:-1]
    if not any(c.isupper() for c in head):
        # a lower-cased list: "smith, j." reads as "Smith, J.", "van dijk" as "van Dijk"
        head = " ".join(w if w in _PARTICLES else w.title() for w in head.split(" "))
    truncated = bool(re.search(r"…|\.\.\.|\bet\.? al\b|\bothers\b", head))
    head = re.sub(r"…|\.\.\.|\bet\.? al\.?|\band others\b|\bothers\b", ",", head)
    head = _EDITOR.sub("", head)
    people = _split_authors(head)
    if not people:
        return None
    if any(len(p.surname) > 80 or any(c.isdigit() for c in p.surname) for p in people):
        confident = False
    return ReferenceEntry(
        text=text,
        line=line,
        authors=tuple(p.surname for p in people),
        year=year,
        truncated=truncated,
        people=tuple(people),
        confident=confident,
    )


def _names_like(head: str) -> bool:
    """Could ``head`` be an author list (not a title or a journal with its year)?"""
    head = head.strip()
    if not head or len(head) > 600 or re.search(r"[\"“”«»:?!]|https?", head):
        return False
    if re.search(r"\d", _EDITOR.sub("", head)):
        return False
    if not any(c.isupper() for c in head):
        return True  # a lower-cased list
    words = head.replace(",", " ").replace(";", " ").split()
    content = [w for w in words if w[:1].islower() and w.rstrip(".") not in _FUNCTION_WORDS]
    return not content


def _leading_names(text: str) -> str:
    """The author list at the start of an entry whose year comes late (Vancouver, IEEE)."""
    # The names end at the first ". " or ": " or ' "' that is not part of an initial,
    # or at a quotation mark (IEEE), or where the text stops looking like names.
    position = 0
    end = len(text)
    for match in re.finditer(r'[.:]\s|,?\s*["“]|\s\(', text):
        before = text[: match.start()]
        last = before.rsplit(" ", 1)[-1].rstrip(",")
        if match.group().startswith(".") and _is_initial(last, text[match.end() :]):
            continue
        end = match.start()
        break
    head = text[position:end]
    return head if _names_like(head) else ""


def _is_initial(word: str, after: str) -> bool:
    """Is ``word`` (before a full stop) an initial, so that the names go on after it?"""
    word = word.rstrip(".")
    if not (len(word) <= 2 and word[:1].isupper()) and not re.fullmatch(r"[A-Z]\.?-[A-Z]", word):
        return False
    # The names go on with another initial or a surname that ends a name ("J. A. Smith,");
    # an initial followed by words is the end of the names ("Smith J. A new method").
    following = re.match(r"\s*(\S+)(\s+\S+)?", after)
    if following is None:
        return True
    token = following.group(1)
    second = (following.group(2) or "").strip()
    if token in {"&", "and", "et", "und"}:
        return True
    if len(token) == 1 and second[:1].islower():
        return False  # "Smith J. A study of things": an article, not an initial
    if _INITIALS_ONLY.fullmatch(token.rstrip(",;:")):
        return True
    if token.endswith((",", ";", ":")) or (token.endswith(".") and len(token) > 3):
        return True
    return second in {"and", "&", "et", "und"} or second.lower() in _PARTICLES


def _split_authors(head: str) -> list[Person]:
    """``Bates, D., Mächler, M., & Walker, S.`` -> Bates, Mächler, Walker, as people."""
    head = re.sub(r"\s*&\s*|\s+(?:and|und|et|y)\s+", ", ", head)
    if ";" in head:
        parts = [p.strip() for p in head.split(";")]
        named = [[q.strip() for q in p.split(",")] for p in parts]
        return [p for p in (_person_from_group(g) for g in named) if p is not None]
    parts = [
        p.strip().rstrip(".").strip() if _is_word_part(p) else p.strip() for p in head.split(",")
    ]
    parts = [p for p in parts if p and p.lower() not in {"and", "et al", "al"}]
    if _surname_initials_pairs(parts):
        # "S. de Souza, R., Quanfeng, X.": every other part is initials, so the first
        # is a surname even though it opens with an initial (APA cites it "S. de Souza").
        pairs = [parts[i : i + 2] for i in range(0, len(parts), 2)]
        return [p for p in (_person_from_group(g) for g in pairs) if p is not None]
    groups: list[list[str]] = []
    for part in parts:
        if len(groups) == 1 and len(groups[0]) == 1 and _given_names(groups[0][0], part):
            groups[0].append(part)  # Chicago: "Aron, Arthur, Elaine N Aron, and ..."
        elif groups and _belongs_to_previous(groups[-1], part):
            groups[-1].append(part)
        elif groups and not _name_shaped(part, groups):
            break  # the names have ended: a journal, a title or a place follows
        else:
            groups.append([part])
    return [p for p in (_person_from_group(g) for g in groups) if p is not None]


def _surname_initials_pairs(parts: list[str]) -> bool:
    """Whether ``parts`` are "Surname, Initials" pairs from start to end, two or more."""
    if len(parts) < 4 or len(parts) % 2:
        return False  # an odd part out is a title or "eds" after the names
    names, initials = parts[0::2], parts[1::2]
    return all(_INITIALS_ONLY.fullmatch(p) and "." in p for p in initials) and not any(
        _INITIALS_ONLY.fullmatch(p) or re.search(r"[\d(\"“‘]", p) for p in names
    )


def _given_names(surname: str, part: str) -> bool:
    """Is ``part`` the given names of the first author, written "Surname, Given Names"?

    Only the first author of a list is inverted in Chicago and MLA ("Barbone, Jordan
    Mark, and Jan Marvin Garbuszus"), so a bare surname followed by capitalised words
    ("Arthur", "Jordan Mark", "Sonia A") is one person.
    """
    if len(surname.split()) > 1 and not _is_particle_surname(surname):
        return False
    words = part.split()
    if not 1 <= len(words) <= 3 or any(w.lower() in _PARTICLES for w in words):
        return False
    if _INITIALS_ONLY.fullmatch(words[0]) or (len(words[0]) > 1 and words[0].isupper()):
        return False  # "H-P Piepho", "UNICEF": a name of its own
    return all(
        re.fullmatch(r"[A-ZÀ-Þ][a-zß-ÿ'’]+(?:-[A-ZÀ-Þ][a-zß-ÿ]+)?", w)
        or _INITIALS_ONLY.fullmatch(w)
        or _GLUED_INITIALS.fullmatch(w)
        for w in words
    )


def _name_shaped(part: str, groups: list[list[str]]) -> bool:
    """Can ``part`` be the next name, after the names in ``groups``?"""
    if re.search(r"[\d(\"“‘]", part) or len(part.split()) > 5:
        return False
    words = part.split()
    if any(w[:1].islower() and w.lower() not in _PARTICLES for w in words):
        return False
    if words and words[-1].rstrip(".").lower() in _VENUE_WORDS:
        return False  # "J. Instrum", "Z. Phys": a journal after the names, not a name
    with_given = sum(_has_given(g[0]) for g in groups)
    # After names written with their initials, a bare word is not a name ("Phys").
    return not (with_given and len(words) == 1 and not _GLUED_INITIALS.fullmatch(words[0]))


def _has_given(name: str) -> bool:
    words = name.split()
    return len(words) > 1 and any(
        _INITIALS_ONLY.fullmatch(w) or _GLUED_INITIALS.fullmatch(w) for w in words
    )


def _is_word_part(part: str) -> bool:
    return not _INITIALS_ONLY.fullmatch(part.strip())


def _belongs_to_previous(group: list[str], part: str) -> bool:
    """Is ``part`` the given names (or suffix) of the surname that ``group`` holds?"""
    if part.lower().rstrip(".") in {s.rstrip(".") for s in _SUFFIXES}:
        return True
    words = part.split()
    if len(words) > 1 and words[-1].lower().rstrip(".") in {s.rstrip(".") for s in _SUFFIXES}:
        part = " ".join(words[:-1])  # "W. R. Jr.": the initials, then a suffix
    if len(group) != 1:
        return False
    previous = group[0]
    if _INITIALS_ONLY.fullmatch(part) and "." in part:
        # "Rodríguez Uribe, G.": initials after a name that holds none of its own
        return not any(_INITIALS_ONLY.fullmatch(w) for w in previous.split())
    if " " in previous.strip() and not _is_particle_surname(previous):
        return False  # "Daniel M. Bikel" or "Barton ME" already holds its given names
    if _INITIALS_ONLY.fullmatch(part):
        return True
    if _GLUED_INITIALS.fullmatch(part) and len(part) <= 3:
        return True  # "Smith, JA"
    words = part.split()
    # "Paridon, J. van" (particle after the initials), "Bikel, Daniel M." (Chicago)
    if (
        words
        and words[-1].lower() in _PARTICLES
        and all(_INITIALS_ONLY.fullmatch(w) or w.lower() in _PARTICLES for w in words)
    ):
        return True
    given = [w for w in words if not _INITIALS_ONLY.fullmatch(w)]
    # "Daniel M." is given names; "H-P Piepho" (initials first) is a name of its own
    return 2 <= len(words) <= 3 and given == words[:1]


def _is_particle_surname(name: str) -> bool:
    words = name.split()
    return len(words) >= 2 and all(w.lower() in _PARTICLES for w in words[:-1])


def _person_from_group(group: list[str]) -> Person | None:
    group = [g.strip() for g in group if g.strip()]
    if not group:
        return None
    suffix = ""
    if len(group) > 1 and group[-1].lower().rstrip(".") in {s.rstrip(".") for s in _SUFFIXES}:
        suffix = group.pop()
    first = group[0]
    words = first.split()
    if words and words[-1].lower().rstrip(".") in {s.rstrip(".") for s in _SUFFIXES}:
        suffix = words.pop()
    if not words:
        return None
    if len(group) > 1:
        # "Surname, Given": the particle may sit after the given names ("J. van").
        given_words = " ".join(group[1:]).split()
        particle = " ".join(w for w in given_words if w.lower() in _PARTICLES)
        given = " ".join(w for w in given_words if w.lower() not in _PARTICLES)
        return _family(words, given, particle, suffix)
    if _CORPORATE.search(first) and not _looks_like_person(words):
        return Person(literal=first.rstrip("."))
    # "Barton ME", "Gartner M M": trailing capitals are initials (Vancouver).
    tail = len(words)
    while tail > 1 and (
        _GLUED_INITIALS.fullmatch(words[tail - 1]) or _INITIALS_ONLY.fullmatch(words[tail - 1])
    ):
        if words[tail - 1].isupper() and len(words[tail - 1]) > 3:
            break
        tail -= 1
    if tail < len(words):
        return _family(words[:tail], " ".join(words[tail:]), "", suffix)
    # "J. W. Layland", "Daniel M. Bikel", "Marie-Catherine de Marneffe": the surname is
    # the last word, with the particles in front of it.
    if len(words) == 1:
        return _family(words, "", "", suffix)
    last = len(words) - 1
    while last > 0 and words[last - 1].lower() in _PARTICLES:
        last -= 1
    if len(words) > 4 and not all(_INITIALS_ONLY.fullmatch(w) for w in words[:last]):
        return Person(literal=first.rstrip("."))
    return _family(words[last:], " ".join(words[:last]), "", suffix)


def _looks_like_person(words: list[str]) -> bool:
    return (
        len(words) <= 2
        and all(w[:1].isupper() for w in words)
        and not _CORPORATE.search(" ".join(words[-1:]))
    )


def _family(words: list[str], given: str, particle: str, suffix: str) -> Person | None:
    words = [w for w in words if w]
    lead = []
    while len(words) > 1 and words[0].lower() in _PARTICLES:
        lead.append(words.pop(0))
    family = " ".join(words).strip(" .")
    if not family:
        return None
    particle = " ".join(lead + ([particle] if particle else []))
    return Person(family=family, given=given.strip(), particle=particle, suffix=suffix.rstrip("."))


# --------------------------------------------------------------------------- sources


def reference_sources(entries: Sequence[ReferenceEntry], path: str) -> tuple[Source, ...]:
    """Turn reference-list entries into sources keyed ``surname-year`` (``-2`` on repeats)."""
    sources: list[Source] = []
    used: dict[str, int] = {}
    for entry in entries:
        persons = entry.people or tuple(_person(name) for name in entry.authors)
        if entry.authors:
            folded = unicodedata.normalize("NFKD", entry.authors[0])
            stem = "".join(c for c in folded if c.isalnum()).lower() or "ref"
            key = f"{stem}-{entry.year.replace('.', '').replace(' ', '')}"
        else:
            key = f"ref-{entry.label}"  # only a numbered entry is kept without authors
        used[key] = used.get(key, 0) + 1
        if used[key] > 1:
            key = f"{key}-{used[key]}"
        digits = entry.year[:4]
        fields = {"year": entry.year, "note": entry.text}
        if entry.label:
            fields["label"] = entry.label
        if not entry.confident:
            fields[GUESSED] = "authors or year read from an unrecognised entry"
        sources.append(
            Source(
                key=key,
                entry_type="misc",
                file=path,
                line=entry.line,
                fields=MappingProxyType(fields),
                authors=persons,
                authors_truncated=entry.truncated,
                title=entry.text,
                year=int(digits) if digits.isdigit() else None,
            )
        )
    return tuple(sources)


def _person(name: str) -> Person:
    words = name.split()
    if len(words) >= 3 or (words and words[-1] in {"Team", "Group", "Organization", "Council"}):
        return Person(literal=name)
    return Person(family=name)
