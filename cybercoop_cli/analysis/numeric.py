"""Numeric citation styles: ``[1]``, ``[1, 3-5]``, ``[1]-[3]``, ``(1,2)`` and superscripts.

Public API::

    from cybercoop_cli.analysis.numeric import find_numeric_citations, numbering
    labels = numbering(sources)                  # {12: "smith-2020", ...} from a numbered list
    citations = find_numeric_citations(manuscript.body, labels)

Each cited number is one :class:`NumericCitation` (``[1, 3-5]`` gives four, sharing a
``group``), so that it resolves to one numbered reference-list entry.

A bracket ``[...]`` holding only numbers, commas and ranges is a citation when its
numbers are entries of the list. A parenthesis ``(...)`` and a bare number (a superscript
flattened into plain text, as PDF extraction gives it: "profile, 2-7 diosgenin", "cancer
1 .") need evidence, because most numbers in a paper are quantities: they are used only
when the document cites in that shape, and each must fit the order in which numeric
styles introduce their references (the next new number is the highest cited so far plus
one), must not look like a quantity (a unit, ``%``, a decimal, a date, "Table 2", "n =
3") and, for a number that repeats an earlier citation, must sit where a superscript sits
(after the end of a sentence or a clause, or spaced before a full stop).

Everything here is a few left-to-right passes of small regular expressions, with every
look-back or look-ahead cut to a few dozen characters, so the time is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from cybercoop_cli.analysis.citations import STOPWORDS, Citation
from cybercoop_cli.analysis.resolve import Grade, Match
from cybercoop_cli.model import Source

#: The most a range may span ("[1-400]" is not a citation of 400 works).
MAX_RANGE = 60
#: How many new numbers a shape must introduce in citation order before the document is
#: taken to cite in that shape (parentheses and bare numbers only; brackets need none).
MIN_STYLE_EVIDENCE = 3
#: How far ahead of the highest number cited so far a new number may jump (a reference
#: first cited in a figure or table, which the text does not hold, leaves a gap).
MAX_JUMP = 3


@dataclass(frozen=True, slots=True)
class NumericCitation(Citation):
    """One number of a numeric citation; ``text``/``start``/``end`` are the whole marker.

    ``shape`` is ``"bracket"``, ``"paren"`` or ``"superscript"`` (a bare number);
    ``reversed_range`` is set on the numbers of a range written backwards ("[7-5]").
    """

    number: int = 0
    shape: str = "bracket"
    reversed_range: bool = False

    def label(self) -> str:
        return f"[{self.number}]"


def numbering(sources: Sequence[Source]) -> dict[int, str]:
    """The reference-list numbers of ``sources`` (their ``label`` field) and their keys.

    Empty when the sources are not a numbered list (a .bib file, a review, an author-date
    list): numbers then resolve to nothing and raise no findings.
    """
    labels: dict[int, str] = {}
    for source in sources:
        label = source.fields.get("label", "")
        if label.isdigit():
            labels.setdefault(int(label), source.key)
    return labels


# --------------------------------------------------------------------------- shapes

_DASH = "-–—‒−"
_NUMBER = r"\d{1,4}"
_RANGE = rf"{_NUMBER}(?:\s?[{_DASH}]\s?{_NUMBER})?"
# Items are separated by a comma or semicolon and at most one space either side, so every
# repeat needs a separator: no two adjacent open-ended repeats, no backtracking blow-up.
_GROUP = rf"{_RANGE}(?: ?[,;] ?{_RANGE})*"
_BRACKET = re.compile(rf"\[ ?({_GROUP}) ?\]")
_PAREN = re.compile(rf"\( ?({_GROUP}) ?\)")
# A bare group stands apart: a space before it and a space or the end of the line after
# it, as a flattened superscript does ("cancer. 1 In", "2-7 diosgenin"); a closing
# parenthesis right after it ("support 1, 2) .") is part of the marker. Inside, items are
# joined without spaces ("1,2", "3-6"), or with them only before such a parenthesis.
# A number may carry the letter of a part of a multi-part entry: "12a", "60a,b".
_BARE_RANGE = rf"{_NUMBER}(?:[a-h](?:,[a-h](?![\w,]))*|[{_DASH}]{_NUMBER})?"
_BARE = re.compile(rf"(?<=\s)(?:({_BARE_RANGE}(?:,{_BARE_RANGE})*)|({_GROUP})(?=\)))(\))?(?=\s|$)")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_ITEM = re.compile(rf"({_NUMBER})(?:\s?[{_DASH}]\s?({_NUMBER}))?")

#: Words before a number that make it a label or a quantity, not a citation.
_BEFORE_WORDS_TEXT = """
    table tables tab tab. figure figures fig fig. figs figs. scheme schemes eq eq. eqs
    eqs. equation equations section sections sec sec. chapter chapters chap chap.
    appendix step steps entry entries compound compounds complex complexes ligand
    ligands derivative derivatives analogue analogues analog analogs structure
    structures product products model models type types group groups phase stage
    stages class grade day days week weeks month months year years hour hours minute
    minutes page pages p p. pp pp. vol vol. volume no no. number numbers issue line
    lines row rows column columns panel panels lane lanes round rounds cycle cycles
    trial trials experiment experiments sample samples patient subject version level
    levels position positions residue residues site sites chain chains loop helix
    domain exon exons intron chromosome dose doses visit visits wave waves cohort
    part parts item items question questions hypothesis study studies case cases
    january february march april may june july august september october november
    december jan jan. feb feb. mar mar. apr apr. jun jun. jul jul. aug aug. sep sep.
    sept sept. oct oct. nov nov. dec dec. n
    """
_BEFORE_WORDS = frozenset(_BEFORE_WORDS_TEXT.split())

#: Words after a number that make it a quantity.
_UNITS_TEXT = """
    % ‰ mg g kg µg μg ug ng pg mol mmol µmol μmol nmol pmol m mm cm km nm µm μm pm l ml
    µl μl dl s ms min h hr hrs d wk y yr yrs k kb bp kda da mhz ghz hz khz w kw mw v mv
    kv a ma j kj kcal cal ev kev mev gev pa kpa mpa gpa bar atm torr °c °f ° k eq equiv
    equiv. m/s mg/kg times fold percent per x × years months weeks days hours minutes
    seconds
    """
_UNITS = frozenset(_UNITS_TEXT.split())

#: Words after a number that make it a count of things ("3 groups") when the number
#: brings in no new reference.
_COUNTED_NOUNS_TEXT = """
    patients subjects participants people persons children adults women men mice rats
    cells samples groups studies trials cases years months weeks days hours minutes
    seconds times steps sites regions countries genes proteins species compounds
    individuals households articles papers items questions categories types levels
    points dimensions parameters variables factors classes members units replicates
    """
_COUNTED_NOUNS = frozenset(_COUNTED_NOUNS_TEXT.split())


@dataclass(slots=True)
class _Marker:
    start: int  # the span scored and reported
    end: int
    text: str
    numbers: list[int]
    reversed_numbers: set[int]
    shape: str
    new: bool = False  # brings in a number not cited before, in citation order


def _numbers(group: str) -> tuple[list[int], set[int]] | None:
    """``"1, 3-5"`` -> [1, 3, 4, 5]; None when a range is implausibly long."""
    numbers: list[int] = []
    backwards: set[int] = set()
    for found in _ITEM.finditer(group):
        low = int(found.group(1))
        if found.group(2) is None:
            numbers.append(low)
            continue
        high = int(found.group(2))
        if high < low:
            span = list(range(high, low + 1))
            backwards.update(span)
        else:
            span = list(range(low, high + 1))
        if len(span) > MAX_RANGE:
            return None
        numbers += span
    return numbers, backwards


def _word_before(text: str, position: int) -> str:
    """The word (or sign) that ends just before ``position``, within 30 characters."""
    end = position
    while end > 0 and text[end - 1] == " ":
        end -= 1
    start = end
    while start > 0 and end - start < 30 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def _word_after(text: str, position: int) -> str:
    start = position
    limit = min(len(text), position + 40)
    while start < limit and text[start] == " ":
        start += 1
    end = start
    while end < limit and not text[end].isspace():
        end += 1
    return text[start:end]


def _quantity_before(before: str) -> bool:
    word = before.lstrip("(")
    if word in _BEFORE_WORDS or word.replace("-", "") in _BEFORE_WORDS:  # "Ta-ble 5"
        return True  # "fig.", "no." are listed with their stop; "weeks." ends a sentence
    # "n =", "p <", "×", "±", a formula, a number ("2015 2" is a date then a number)
    if _VERSION.fullmatch(word):
        return False  # "version 3.5.0 45": a version number, then a superscript
    return bool(word) and (word[-1] in "=<>±×+*/^~≈≤≥" or (word[-1].isdigit() and "." in word))


def _soft_label(before: str) -> bool:
    """A word that labels a number ("study 2") but also ends a clause ("a prior study 32 .")."""
    word = before.lstrip("(")
    return word.isalpha() and word not in _HARD_LABELS


_HARD_LABELS_TEXT = """
    table tables figure figures fig figs scheme eq eqs equation equations section chapter
    appendix p pp vol no n page
"""
_HARD_LABELS = frozenset(_HARD_LABELS_TEXT.split())


def _quantity_after(after: str) -> bool:
    word = after.lower().rstrip(".,;:)")
    return word in _UNITS or word.split("/")[0] in _UNITS or word.startswith(("%", "°", "‰"))


# --------------------------------------------------------------------------- finding


def _brackets(text: str) -> list[_Marker]:
    markers: list[_Marker] = []
    for found in _BRACKET.finditer(text):
        parsed = _numbers(found.group(1))
        if parsed is None:
            continue
        before = text[found.start() - 1] if found.start() > 0 else " "
        if before in "_^" or (before.isalnum() and not _glued_to_word(text, found.start())):
            continue  # x[2], a_[1], x1[2]: an index, not a citation
        word = _word_before(text, found.start()).lower().rstrip(".:,")
        if word in {"range", "interval", "intervals", "eq", "eqs"}:
            continue
        numbers, backwards = parsed
        previous = markers[-1] if markers else None
        if (
            previous is not None
            and len(previous.numbers) == 1
            and len(numbers) == 1
            and re.fullmatch(rf" ?[{_DASH}] ?", text[previous.end : found.start()])
        ):
            # "[1]-[3]": one range written as two brackets
            low, high = previous.numbers[0], numbers[0]
            span = range(low, high + 1) if low <= high else range(high, low + 1)
            if len(span) <= MAX_RANGE:
                previous.numbers = list(span)
                previous.reversed_numbers = set(span) if high < low else set()
                previous.end = found.end()
                previous.text = text[previous.start : previous.end]
                continue
        markers.append(
            _Marker(found.start(), found.end(), found.group(), numbers, backwards, "bracket")
        )
    return markers


def _glued_to_word(text: str, position: int) -> bool:
    """Does a word of three or more letters end at ``position`` ("shown[1,3-5]")?

    A superscript run from Word or a PDF arrives as a bracket glued to its word; an
    index is glued to a letter or an identifier ("x[2]", "a1[3]").
    """
    start = position
    while start > 0 and position - start < 40 and text[start - 1].isalpha():
        start -= 1
    return position - start >= 3 and (
        start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_.")
    )


def _parens(text: str) -> list[_Marker]:
    markers: list[_Marker] = []
    for found in _PAREN.finditer(text):
        parsed = _numbers(found.group(1))
        if parsed is None:
            continue
        start = found.start()
        before = text[start - 1] if start > 0 else "\n"
        if before.isalnum() or before in "_^":
            continue  # f(1), H(2): a function or an index
        word = _word_before(text, start).lower()
        if not word or word[-1] in ":;" or _quantity_before(word):
            continue  # "as follows: (1) ...", "Eq. (3)", "n = (2)"
        if word[-1] in ".!?" and not word.rstrip(".").isalpha():
            continue
        # "(1) the first ..." opening a sentence or a paragraph, or "..., (2) isolate"
        # and "... or (3) wait" inside one, is a list item.
        opens_item = _word_after(text, found.end())[:1].islower()
        if before == "\n" or (opens_item and (word[-1] in ".," or word in {"and", "or", "then"})):
            continue
        numbers, backwards = parsed
        markers.append(_Marker(start, found.end(), found.group(), numbers, backwards, "paren"))
    return markers


def _bare(text: str) -> list[_Marker]:
    markers: list[_Marker] = []
    for found in _BARE.finditer(text):
        group = found.group(1) or found.group(2)
        start, end = found.start(), found.end()
        if _THOUSANDS.fullmatch(group):
            continue  # 57,868
        parsed = _numbers(group)
        if parsed is None:
            continue
        before = _word_before(text, start).lower()
        after = _word_after(text, end)
        # "study 32 .": a label ("study 2") is not spaced from its full stop; a
        # superscript is, so only the hard labels count there.
        spaced = found.group(3) is not None or after[:1] in {".", ",", ";", ":", ")"}
        if not before or (_quantity_before(before) and not (spaced and _soft_label(before))):
            continue
        sentence_start = before.endswith(".") and after[:1].isupper()  # "cancer. 41 A range"
        if found.group(3) is None and not sentence_start and _quantity_after(after):
            continue
        numbers, backwards = parsed
        markers.append(_Marker(start, end, text[start:end], numbers, backwards, "superscript"))
    return markers


def _superscript_position(text: str, marker: _Marker, before: str, after: str) -> bool:
    """Does a bare number sit where a flattened superscript sits, not where a count does?

    After the end of a sentence ("librarians. 5 With"), after a clause ("Dilemma, 1 to"),
    with a closing parenthesis ("balance 4) ."), or spaced before a full stop or comma
    ("patients 8 , reducing"); a count reads "of 3 patients", a compound "(Figure 3A). 4
    profiled".
    """
    if marker.text.endswith(")"):
        return True
    spaced_stop = after[:1] in {".", ",", ";", ":", ")"}
    core = before.rstrip(".,;:")
    mark = before[-1:]
    year_comma = mark == "," and len(core) == 4 and core.isdigit()  # "in 1991, 1 research"
    if (core[-1:].isdigit() or core[:1].isdigit()) and mark != "." and not year_comma:
        return spaced_stop  # "in 2004 3 .", "p21 22 ,", "9a, 9e"; but "version 8.0. 47 We"
    if mark == ".":
        # "Drozdov et al. 20 can", "see ref. 34 instead"
        return not after[:1].islower() or core.lower() in {"ref", "refs", "al"}
    if mark in {",", ";", ")", "]"}:
        if core.lower().lstrip("(") in _CLAUSE_OPENERS:
            return False  # "however, 12 did"
        word = after.rstrip(".,;:")
        # "in these studies, 6 conformers": a count of a plural noun
        plural = (
            len(word) >= 5 and word.islower() and word.endswith("s") and not word.endswith("ss")
        )
        return word.lower() not in _COUNTED_NOUNS and not (plural and word not in _NOT_PLURAL)
    if spaced_stop:
        return True
    # "microscopy 9 to understand", "described 25 to examine": between a content word
    # and a function word, where a count would be followed by what it counts.
    lower = core.lower()
    return (
        len(lower) >= 4
        and lower.replace("-", "").isalpha()
        and lower not in _FUNCTION_BEFORE
        and lower not in _BEFORE_WORDS
        and after.lower().rstrip(".,;:") in _FUNCTION_AFTER
    )


#: Words a count follows ("of 3", "were 12"), never the word a superscript ends.
_FUNCTION_BEFORE_TEXT = """
    a an the of to in on at by for from with and or than as into onto per via about over
    under between among all some any each every these those this that its their our his
    her were was are is be been being have has had only approximately nearly around
    almost least most more less fewer first last next top total
"""
_FUNCTION_BEFORE = frozenset(_FUNCTION_BEFORE_TEXT.split())

_NOT_PLURAL = frozenset(["thus", "whereas", "always", "perhaps", "across", "unless", "towards"])

#: Words after which a comma opens a clause, so a number after them starts it ("However,
#: 12 did"); after any other word the comma may close the clause a superscript ends.
_CLAUSE_OPENERS_TEXT = """
    however thus therefore moreover furthermore hence also indeed instead finally first
    second third then here now overall similarly likewise notably consequently
    accordingly meanwhile otherwise besides nevertheless nonetheless additionally
    altogether conversely specifically typically briefly importantly interestingly
    surprisingly today currently and or but so yet e.g. i.e. eg ie
    in of to for with by from between than as where which when while total example
"""
_CLAUSE_OPENERS = frozenset(_CLAUSE_OPENERS_TEXT.split())

#: Words that follow a superscript in running text and not a count or a compound number
#: ("microscopy 9 to understand"; but "peptide 10 was", "esters 2a and 3a").
_FUNCTION_AFTER_TEXT = """
    to which where whereas while but although because since does did show shows showed
    suggested including
"""
_FUNCTION_AFTER = frozenset(_FUNCTION_AFTER_TEXT.split())


_FORMULA = re.compile(r"\(?[A-Z][a-z]?(?:[A-Z][a-z]?|\(|\)|\d)*\)?|[\w-]+-[a-z]")
#: Words that take a subscript or a power written after them ("IC 50", "log 2", "10 4").
_SUBSCRIPTED_TEXT = "IC EC LD ED CC GI TD ID pIC pEC Ki Kd Km log ln 10 T t"
_SUBSCRIPTED = frozenset(_SUBSCRIPTED_TEXT.split())
_ISOTOPE_TEXT = "H C N O F P S B Se Si Sn Pt Li Na K Cl Br I"
_ISOTOPE_NEXT = frozenset(_ISOTOPE_TEXT.split())


def _strongly_placed(text: str, marker: _Marker) -> bool:
    """Spaced before a stop ("theory 26,27 ."), or between sentences ("cancer. 31 The")."""
    before = _word_before(text, marker.start)
    after = _word_after(text, marker.end)
    if after[:1] in {".", ",", ";", ":"} and before[-1:].isalpha():
        return True
    return before.endswith(".") and before[:-1].isalpha() and after[:1].isupper()


_VERSION = re.compile(r"v?\d+(?:\.\d+){2,3}")


def _inside_parenthesis(text: str, position: int) -> bool:
    """Is ``position`` inside a parenthesis opened earlier on its line (150 characters)?"""
    depth = 0
    index = position - 1
    floor = max(0, position - 150)
    while index >= floor:
        char = text[index]
        if char == "\n":
            return False
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                return True
            depth -= 1
        index -= 1
    return False


def _fits_order(numbers: Iterable[int], highest: int, jump: int) -> tuple[bool, bool]:
    """(fits, new): do the new numbers continue from ``highest``, and are there any?"""
    fresh = sorted({n for n in numbers if n > highest})
    if not fresh:
        return True, False
    if fresh[0] > highest + jump:
        return False, True
    # new numbers in one marker follow each other ("5-7", "5, 6"), allowing one gap
    gaps = sum(1 for a, b in pairwise(fresh) if b - a > 1)
    return gaps <= 1, True


def numeric_markers(text: str, labels: Mapping[int, str], *, competing: int = 0) -> list[_Marker]:
    """The numeric citation markers of ``text`` (clean body text), in text order.

    ``competing`` is how many citations of another style (author-date) the text holds:
    parentheses and bare numbers must bring in more references than that to be read as
    citations (an APA paper with a numbered list numbers its studies and hypotheses too).
    """
    count = max(labels) if labels else 0
    brackets = [
        m
        for m in _brackets(text)
        if m.numbers and min(m.numbers) >= 1 and (not count or max(m.numbers) <= 2 * count + 10)
    ]
    if not count:
        # No numbered list to check against: only the unmistakable bracket form.
        return brackets
    # A document cites in one shape. Brackets are unmistakable; parentheses or bare
    # numbers are used only when enough of them follow citation order, and only the
    # shape that follows it best (compound numbers "(1)", "(2)" in a chemistry paper
    # follow an order too, but a shorter one than its citations).
    best, evidence = _ordered(text, brackets, count)
    needed = max(evidence, MIN_STYLE_EVIDENCE - 1, competing)
    for candidates in (_parens(text), _bare(text)):
        merged = sorted(brackets + candidates, key=lambda m: m.start)
        kept, _ = _ordered(text, merged, count)
        evidence = sum(1 for m in kept if m.shape != "bracket" and m.new)
        if evidence > needed:
            best, needed = kept, evidence
    return best


def _ordered(text: str, markers: Sequence[_Marker], count: int) -> tuple[list[_Marker], int]:
    """The markers that are citations, and how many of them bring in numbers in order.

    Brackets are always kept; a parenthesis or a bare number must fit the citation
    order, and a bare number must not count something.
    """
    kept: list[_Marker] = []
    highest = 0
    evidence = 0
    for marker in markers:
        if kept and marker.start < kept[-1].end:
            continue  # "(1)" inside "[...]" or a bare number inside a paren marker
        in_range = all(1 <= n <= count for n in marker.numbers)
        if marker.shape == "bracket":
            kept.append(marker)
            if in_range:
                fits, marker.new = _fits_order(marker.numbers, highest, 1)
                evidence += fits and marker.new
                highest = max(highest, *marker.numbers)
            continue
        if not in_range:
            continue
        fits, new = _fits_order(marker.numbers, highest, MAX_JUMP)
        if not fits and marker.shape == "superscript" and _strongly_placed(text, marker):
            # Out of order, but placed as only a superscript is ("theory 26,27 .",
            # "cancer. 31 The"): the text was reordered, or a figure cited the numbers
            # between; so the order resumes from here.
            fits, new = True, True
        if not fits:
            continue
        if marker.shape == "superscript" and not _superscript_evidence(text, marker, highest, new):
            continue
        kept.append(marker)
        marker.new = new
        evidence += new
        highest = max(highest, *marker.numbers)
    return kept, evidence


def _superscript_evidence(text: str, marker: _Marker, highest: int, new: bool) -> bool:
    """Is a bare number (that fits the order) a citation rather than a quantity?

    Chemistry flattens subscripts and isotope numbers the same way ("CDCl 3 ,", "1 H
    NMR", "Na 2 SO 4"): those are refused by the word around them. A number that brings
    in the next reference is a citation unless it counts something ("3 patients", "of
    3"); a number that repeats an earlier citation, or jumps ahead, must also sit where a
    superscript sits.
    """
    if _inside_parenthesis(text, marker.start):
        return False  # "(FeCl 3 )", "(ca. 2)", "(from 11)"
    before = _word_before(text, marker.start)
    after = _word_after(text, marker.end)
    core = before.rstrip(".,;:")
    unit = before == core and core.lower() in _UNITS  # "1 cm 2 ." but "few weeks. 6,7"
    if before == "." and new and after[:1].isupper():
        return True  # "DMSO-d 6 . 24 The": a subscript, then the stop and the superscript
    if not core or core in "()" or core in _SUBSCRIPTED or unit:
        return False  # "10 4 , 10 3", "IC 50", "1 cm 2 .": powers, subscripts, units
    if core.isdigit() and len(core) <= 2 and before == core:
        return False  # "C 2 2 2 ,": a formula's numbers
    if after in _ISOTOPE_NEXT or after.startswith(("C{", "H}")):
        return False
    # "(... 150 GPa) 1,2", "carbenes (MIC) 9": a parenthesis closing, not a formula
    closes_parenthesis = core.endswith(")") and ("(" not in core or core.startswith("("))
    if (
        before == core
        and not closes_parenthesis
        and _FORMULA.fullmatch(core)
        and (max(marker.numbers) <= 9 or not new)
    ):
        return False  # "CDCl 3", "acetone-d 6", "Bi(OTf) 3"; "RAS 47 ." is a citation
    if _superscript_position(text, marker, before, after):
        return True
    if not new:
        return False
    lower = core.lower()
    word_after = after.lower().rstrip(".,;:")
    version = _VERSION.fullmatch(lower) is not None  # "package version 3.5.0 45 and"
    if (lower[-1:].isdigit() and not version) or lower in STOPWORDS:
        return False
    if word_after in _COUNTED_NOUNS:
        return False
    return min(n for n in marker.numbers if n > highest) == highest + 1


def find_numeric_citations(
    text: str, labels: Mapping[int, str], *, competing: int = 0, first_group: int = 1_000_000
) -> list[NumericCitation]:
    """One :class:`NumericCitation` per number cited in ``text``, in text order.

    ``labels`` maps the numbers of the manuscript's numbered reference list to source
    keys (see :func:`numbering`); without it only bracketed numbers are found.
    ``competing`` is as for :func:`numeric_markers`. ``first_group`` numbers the markers' groups (kept apart from the author-date ones).
    """
    citations: list[NumericCitation] = []
    for index, marker in enumerate(numeric_markers(text, labels, competing=competing)):
        written = " ".join(marker.text.split())
        seen: set[int] = set()
        for number in marker.numbers:
            if number in seen:
                continue
            seen.add(number)
            citations.append(
                NumericCitation(
                    text=written,
                    start=marker.start,
                    end=marker.end,
                    form="numeric",
                    group=first_group + index,
                    number=number,
                    shape=marker.shape,
                    reversed_range=number in marker.reversed_numbers,
                )
            )
    return citations


def resolve_numeric(citations: Sequence[NumericCitation], labels: Mapping[int, str]) -> list[Match]:
    """One :class:`Match` per citation: exact when the list has an entry with its number."""
    matches: list[Match] = []
    for citation in citations:
        key = labels.get(citation.number)
        if key is not None:
            matches.append(Match(citation, Grade.EXACT, key=key))
        else:
            matches.append(Match(citation, Grade.NONE, detail=_unresolved_detail(citation, labels)))
    return matches


def _unresolved_detail(citation: NumericCitation, labels: Mapping[int, str]) -> str:
    if not labels:
        return "the reference list is not numbered"
    return f"the reference list has no entry {citation.number}"


@dataclass(frozen=True, slots=True)
class NumericProblem:
    """A finding about numbers: ``kind`` is one of check's KINDS."""

    kind: str
    message: str
    start: int
    end: int


def numeric_problems(matches: Sequence[Match], labels: Mapping[int, str]) -> list[NumericProblem]:
    """Numbers the list does not have, and ranges written backwards.

    A number past the end of a list numbered 1..N without gaps is an error: the list was
    read whole and has no such entry. When the list has gaps (an entry whose number could
    not be read) or is not numbered at all, a missing number says more about the reading
    than about the manuscript, so it raises nothing.
    """
    problems: list[NumericProblem] = []
    count = max(labels) if labels else 0
    complete = bool(labels) and len(labels) == count
    reversed_reported: set[tuple[int, int]] = set()
    for match in matches:
        citation = match.citation
        if not isinstance(citation, NumericCitation):
            continue
        where = (citation.start, citation.end)
        if citation.reversed_range and where not in reversed_reported:
            # One finding per marker: every number of "[9-7]" carries the flag.
            reversed_reported.add(where)
            problems.append(
                NumericProblem(
                    "reversed-range",
                    f"{citation.text}: a range is written backwards; its numbers are read as "
                    "cited, but write it low to high",
                    citation.start,
                    citation.end,
                )
            )
        if match.grade is Grade.NONE and complete and citation.number > count:
            problems.append(
                NumericProblem(
                    "unresolved-citation",
                    f"{citation.text}: the reference list numbers 1-{count}; there is no "
                    f"entry {citation.number}",
                    citation.start,
                    citation.end,
                )
            )
    problems += _skips(matches)
    return problems


#: The share of first citations that must each come above every number before them for
#: the list to count as numbered in citation order (Vancouver, IEEE). An alphabetical
#: numbered list cites its numbers in no order (of n, about ln n come above all before
#: them), and skips nothing.
CITATION_ORDER = 0.75


def _skips(matches: Sequence[Match]) -> list[NumericProblem]:
    """Markers whose new numbers skip numbers that are first cited only later.

    In a list numbered in citation order, the first citation of [5] before [3] and [4]
    means the list was renumbered, or a citation moved, without the other. Numbers never
    cited at all are left to ``uncited-reference``.
    """
    markers: dict[tuple[int, int], list[NumericCitation]] = {}
    for match in matches:
        if isinstance(match.citation, NumericCitation) and match.grade is Grade.EXACT:
            citation = match.citation
            markers.setdefault((citation.start, citation.end), []).append(citation)
    cited: set[int] = set()
    firsts: list[tuple[tuple[int, int], list[int]]] = []
    for where in sorted(markers):
        new = sorted({c.number for c in markers[where]} - cited)
        cited.update(new)
        if new:
            firsts.append((where, new))
    records, top = 0, 0
    for _, new in firsts:
        records += min(new) > top
        top = max(top, *new)
    if len(firsts) < 5 or records < CITATION_ORDER * len(firsts):
        return []
    problems: list[NumericProblem] = []
    highest = 0
    seen: set[int] = set()
    for (start, end), new in firsts:
        skipped = [n for n in range(highest + 1, min(new)) if n in cited and n not in seen]
        if skipped and min(new) > highest:
            verb = "is" if len(new) == 1 else "are"
            problems.append(
                NumericProblem(
                    "numbering-skip",
                    f"{_numbers_text(new)} {verb} first cited before {_numbers_text(skipped)}, "
                    "which the text cites only later; a list numbered in citation order "
                    "numbers each source where it is first cited",
                    start,
                    end,
                )
            )
        seen.update(new)
        highest = max(highest, *new)
    return problems


def _numbers_text(numbers: Sequence[int]) -> str:
    if len(numbers) > 3:
        return f"{len(numbers)} numbers from [{numbers[0]}] to [{numbers[-1]}]"
    return ", ".join(f"[{n}]" for n in numbers)
