"""``cybercoop check``: claim-citation coverage of a manuscript, as findings.

Each finding is a :class:`cybercoop_cli.model.Finding` whose ``kind`` is one of
:data:`KINDS` (documented in the README; part of the interface). ``Finding.source`` holds
the source key the finding is about and ``Finding.candidate`` the source it probably meant.
:class:`CheckFinding` adds where in the manuscript it is (paragraph, column, the text around).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from cybercoop_cli.analysis.citations import STOPWORDS, doubtful, find_citations
from cybercoop_cli.analysis.fields import FieldFinding, field_matches
from cybercoop_cli.analysis.numeric import (
    NumericCitation,
    find_numeric_citations,
    numbering,
    numeric_problems,
    resolve_numeric,
)
from cybercoop_cli.analysis.resolve import Grade, Match, author_count, normalise_name, resolve
from cybercoop_cli.gcpause import paused_gc
from cybercoop_cli.ingest.manuscript import Manuscript
from cybercoop_cli.ingest.references import GUESSED
from cybercoop_cli.model import Finding, Note, Severity, Source

KINDS: dict[str, tuple[Severity, str]] = {
    "unresolved-citation": (Severity.ERROR, "a citation that matches no source"),
    "name-mismatch": (
        Severity.ERROR,
        "the surnames differ from the closest source: misspelt, or a co-author missing or extra",
    ),
    "year-mismatch": (Severity.ERROR, "the year is one off from the closest source's"),
    "ambiguous-citation": (
        Severity.ERROR,
        "several sources fit (same surnames and year, no suffix); none is guessed",
    ),
    "uncited-reference": (Severity.WARNING, "a source that the manuscript never cites"),
    "reversed-range": (
        Severity.WARNING,
        "a numeric citation range written backwards ('[7-5]'); its numbers are read as cited",
    ),
    "numbering-skip": (
        Severity.WARNING,
        "in a list numbered in citation order, a number first cited before lower ones",
    ),
    "et-al-style": (
        Severity.WARNING,
        "APA 7: three or more authors are cited as 'First et al.'; one or two in full",
    ),
    "uncited-claim": (
        Severity.WARNING,
        "a paragraph, or a sentence of a paragraph that cites, that states a figure, a dated "
        "event or 'studies show' and cites nothing",
    ),
    "quote-without-page": (Severity.WARNING, "a direct quotation without a page or locator"),
    "quote-mismatch": (
        Severity.ERROR,
        "a quotation that differs from the quote recorded in the source's note",
    ),
    "weak-support": (
        Severity.INFO,
        "hint: the citing sentence shares little with what the notes record for the source",
    ),
}

WEAK_SUPPORT_THRESHOLD = 0.2
MIN_QUOTE_WORDS = 4

#: An ambiguous citation names at most this many of the sources it fits, then how many
#: more: "(Smith et al., 2020)" can fit dozens in a large review, and a list of dozens
#: in every message (and every JSON record) helps nobody and grows with the square of
#: the review.
LISTED_CANDIDATES = 10


def listed_candidates(keys: tuple[str, ...]) -> str:
    """``a, b, c`` or, past :data:`LISTED_CANDIDATES`, ``a, b, ... j and 25 more``."""
    if len(keys) <= LISTED_CANDIDATES:
        return ", ".join(keys)
    shown = ", ".join(keys[:LISTED_CANDIDATES])
    return f"{shown} and {len(keys) - LISTED_CANDIDATES} more"


@dataclass(frozen=True, slots=True)
class CheckFinding:
    """A finding and where it is: offsets in the clean text, column, paragraph, context;
    for a PDF also the page and the line on that page."""

    finding: Finding
    start: int = -1
    end: int = -1
    column: int | None = None
    paragraph: int | None = None
    context: str = ""
    page: int | None = None
    page_line: int | None = None


@dataclass(frozen=True, slots=True)
class CheckReport:
    manuscript: str
    origin: str  # "review", "bib" or "reference-list": where the sources came from
    matches: tuple[Match, ...]
    findings: tuple[CheckFinding, ...]
    source_count: int

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.finding.severity is severity)

    def fails(self, threshold: Severity) -> bool:
        """Is there a finding at or above ``threshold``?"""
        return any(f.finding.severity.rank >= threshold.rank for f in self.findings)


def check_manuscript(
    manuscript: Manuscript,
    sources: Sequence[Source],
    notes: Sequence[Note] = (),
    *,
    origin: str = "review",
    progress: Callable[[str, int, int], None] | None = None,
) -> CheckReport:
    """Find, resolve and check every citation of ``manuscript`` against ``sources``.

    ``progress(stage, done, total)`` is called as each of the seven stages starts.
    """
    # Tens of thousands of citations, matches and findings, none of them cyclic: the
    # collector would walk them, and the loaded review, again and again (about a fifth
    # of check's time at 10,000 citations).
    with paused_gc():
        return _check(manuscript, sources, notes, origin, progress)


def _check(
    manuscript: Manuscript,
    sources: Sequence[Source],
    notes: Sequence[Note],
    origin: str,
    progress: Callable[[str, int, int], None] | None,
) -> CheckReport:
    report = progress or (lambda _stage, _done, _total: None)
    report("finding citations", 0, 7)
    citations = find_citations(manuscript.body, emphasis=manuscript.emphasis)
    # \\nocite{*} (or \\cite{*}) lists every entry: nothing is left uncited, and "*" is
    # no key to resolve.
    cite_all = any(c.key == "*" for c in citations)
    if cite_all:
        citations = [c for c in citations if c.key != "*"]
    report("resolving citations", 1, 7)
    matches = [
        match
        for match in resolve(citations, sources)
        # "(Addison-Wesley, 2002)" after a book's title is where it was published; an
        # emphasised title with a year that names no source is a title.
        if match.grade is not Grade.NONE or not doubtful(match.citation)
    ]
    labels = numbering(sources)
    resolved = sum(1 for m in matches if m.grade is not Grade.NONE)
    numeric = find_numeric_citations(manuscript.body, labels, competing=resolved)
    if numeric:
        matches = _merged(matches, resolve_numeric(numeric, labels), numbered=bool(labels))
    field_findings: list[FieldFinding] = []
    if manuscript.fields:  # Zotero, Mendeley, EndNote: resolved from their item data
        matches, field_findings = field_matches(manuscript, matches, sources, origin)
    checker = _Checker(manuscript, sources, notes, matches, cite_all=cite_all)
    # Numbers that cannot be resolved (the sources are not a numbered list) leave what is
    # cited unknown: when they are most of the citations, "never cited" would be a guess.
    markers = len({c.group for c in numeric})
    checker.cited_unknown = not labels and markers > resolved
    for problem in numeric_problems(matches, labels):
        checker.add(problem.kind, problem.message, problem.start, problem.end)
    for found in field_findings:
        checker.add(found.kind, found.message, found.start, found.end, candidate=found.candidate)
    stages = (
        ("checking citations", checker.citation_findings),
        ("uncited references", checker.uncited_references),
        ("uncited claims", checker.uncited_claims),
        ("quotations", checker.quotes),
        ("weak support", checker.weak_support),
    )
    for done, (stage, run) in enumerate(stages, 2):
        report(stage, done, 7)
        run()
    report("done", 7, 7)
    findings = sorted(
        checker.findings,
        key=lambda f: (
            f.finding.line is None or f.finding.file != manuscript.path,
            f.finding.line or 0,
            f.column or 0,
            f.finding.kind,
            f.finding.source or "",
        ),
    )
    return CheckReport(
        manuscript=manuscript.path,
        origin=origin,
        matches=tuple(matches),
        findings=tuple(findings),
        source_count=len(sources),
    )


def _merged(matches: list[Match], numeric: list[Match], *, numbered: bool) -> list[Match]:
    """Both lists in text order; an author-date citation inside a numeric marker is dropped.

    In a paper that cites by number against a numbered list, an author-date "citation"
    that matches no entry is a parenthesis that happens to hold a year ("(IHR 2005)"),
    not a citation, and is dropped too.
    """
    spans = [(m.citation.start, m.citation.end) for m in numeric]
    starts = [start for start, _ in spans]
    by_number = numbered and len({m.citation.group for m in numeric}) > len(matches)
    kept = []
    for match in matches:
        index = bisect_right(starts, match.citation.start) - 1
        if index >= 0 and match.citation.start < spans[index][1]:
            continue
        if by_number and match.grade is Grade.NONE and not match.citation.key:
            continue
        kept.append(match)
    return sorted(kept + numeric, key=lambda m: (m.citation.start, m.citation.end))


def _numbered(source: Source) -> str:
    """``"[12] "`` for entry 12 of a numbered reference list, else nothing."""
    label = source.field("label")
    return f"[{label}] " if label else ""


def _display(source: Source) -> str:
    names = [p.surname for p in source.names]
    year = str(source.year) if source.year is not None else "n.d."
    if not names:
        return f"{source.title[:40]} ({year})"
    if len(names) >= 3:
        return f"{names[0]} et al. ({year})"
    return f"{' & '.join(names)} ({year})"


class _Checker:
    def __init__(
        self,
        manuscript: Manuscript,
        sources: Sequence[Source],
        notes: Sequence[Note],
        matches: Sequence[Match],
        *,
        cite_all: bool = False,
    ) -> None:
        self.manuscript = manuscript
        self.cite_all = cite_all
        self.sources = {s.key: s for s in sources}
        self.source_list = list(sources)
        self.notes = {n.key: n for n in notes}
        self.matches = list(matches)
        # Citations in the text: a \\nocite entry is listed, not cited anywhere.
        self.in_text = [match for match in self.matches if match.citation.form != "nocite"]
        self.findings: list[CheckFinding] = []
        self.cited_unknown = False
        # The texts of reference-list entries whose authors or year were guessed.
        self._guessed = [
            normalise_name(s.field("note")) for s in self.source_list if GUESSED in s.fields
        ]

    # ----------------------------------------------------------------- helpers
    def add(
        self,
        kind: str,
        message: str,
        start: int,
        end: int,
        *,
        key: str | None = None,
        candidate: str | None = None,
        guessed: bool = False,
    ) -> None:
        severity, _ = KINDS[kind]
        if guessed and severity is Severity.ERROR:
            # The reference entry behind it was not read with confidence: say so, but do
            # not fail the check on what may be the reader's mistake.
            severity = Severity.WARNING
            message += " (the reference-list entry could not be read with confidence)"
        m = self.manuscript
        line, column, paragraph = m.locate(start)
        page = m.page_line(start) if m.pages else None
        finding = Finding(
            kind=kind,
            severity=severity,
            message=message,
            source=key,
            file=m.path,
            line=line,
            candidate=candidate,
            hint=kind == "weak-support",
        )
        self.findings.append(
            CheckFinding(
                finding,
                start=start,
                end=end,
                column=column,
                paragraph=paragraph,
                context=_context(m, start, end, line),
                page=page[0] if page else None,
                page_line=page[1] if page else None,
            )
        )

    # ----------------------------------------------------------------- citations
    def citation_findings(self) -> None:
        listed_by_id: dict[int, str] = {}  # the candidates of a repeated citation, listed once
        for match in self.matches:
            c = match.citation
            if isinstance(c, NumericCitation):
                continue  # numbers are checked by numeric_problems
            shown = c.label() if not c.key else f"@{c.key}"
            if match.grade is Grade.NONE:
                if c.key:
                    hint = f"; did you mean '{match.candidates[0]}'?" if match.candidates else ""
                    message = f"no source has the key '{c.key}'{hint}"
                    candidate = match.candidates[0] if match.candidates else None
                else:
                    detail = f" ({match.detail})" if match.detail else ""
                    message = f"{shown}: no source matches this citation{detail}"
                    candidate = None
                guessed = not c.key and self._maybe_unread(c.authors, c.year)
                self.add(
                    "unresolved-citation",
                    message,
                    c.start,
                    c.end,
                    candidate=candidate,
                    guessed=guessed,
                )
            elif match.grade is Grade.AMBIGUOUS:
                listed = listed_by_id.get(id(match.candidates), "")
                if not listed:
                    listed = listed_by_id[id(match.candidates)] = listed_candidates(
                        match.candidates
                    )
                self.add(
                    "ambiguous-citation",
                    f"{shown} fits {len(match.candidates)} sources ({listed}); add a year "
                    "suffix (2020a, 2020b) or more author names to say which",
                    c.start,
                    c.end,
                )
            elif match.grade is Grade.NEAR and match.key is not None:
                source = self.sources[match.key]
                if match.name_differs:
                    self.add(
                        "name-mismatch",
                        f"{shown}: {self._name_problem(match, source)}; the source is "
                        f"{_display(source)} [{source.key}]",
                        c.start,
                        c.end,
                        key=None,
                        candidate=source.key,
                        guessed=GUESSED in source.fields,
                    )
                if match.year_differs:
                    year = source.year if source.year is not None else "n.d."
                    self.add(
                        "year-mismatch",
                        f"{shown}: the source {_display(source)} [{source.key}] is dated {year}",
                        c.start,
                        c.end,
                        candidate=source.key,
                        guessed=GUESSED in source.fields,
                    )
            if match.grade in {Grade.EXACT, Grade.NEAR} and match.key and not c.key:
                self.et_al_style(match, self.sources[match.key])

    def _maybe_unread(self, authors: Sequence[str], year: str) -> bool:
        """Could a reference entry read without confidence be this citation's source?"""
        if not authors or not self._guessed:
            return False
        surname = normalise_name(authors[0])
        return any(surname in text and (not year or year[:4] in text) for text in self._guessed)

    @staticmethod
    def _name_problem(match: Match, source: Source) -> str:
        if match.detail == "missing co-author":
            return "a co-author is missing"
        if match.detail == "extra author":
            return "it names an author the source does not have"
        written = match.citation.authors
        actual = [p.surname for p in source.names]
        for w, a in zip(written, actual, strict=False):
            if normalise_name(w) != normalise_name(a):
                return f"'{w}' is spelt '{a}' in the source"
        return "the names differ from the source's"

    def et_al_style(self, match: Match, source: Source) -> None:
        c = match.citation
        count = author_count(source)
        names = [p.surname for p in source.names]
        if not names:
            return
        if count >= 3 and not c.et_al and len(c.authors) >= 2:
            expected = f"{names[0]} et al."
            written = ", ".join(c.authors[:-1]) + f", & {c.authors[-1]}"
            self.add(
                "et-al-style",
                f"'{written}': APA 7 cites a work with {count} authors as '{expected}' "
                "from the first citation on",
                c.start,
                c.end,
                key=source.key,
            )
        elif count <= 2 and c.et_al:
            expected = " & ".join(names)
            self.add(
                "et-al-style",
                f"'{c.authors[0]} et al.': the source has {count} "
                f"author{'s' if count != 1 else ''}; APA 7 names them in full: '{expected}'",
                c.start,
                c.end,
                key=source.key,
            )

    def uncited_references(self) -> None:
        if self.cite_all or self.cited_unknown:
            return
        cited: set[str] = set()
        # A citation repeated resolves to the very same candidates tuple: add each once
        # (ambiguous citations of a common surname list dozens of candidates).
        added: set[int] = set()
        for match in self.matches:
            if match.key and match.grade in {Grade.EXACT, Grade.NEAR}:
                cited.add(match.key)
            if match.grade is Grade.AMBIGUOUS and id(match.candidates) not in added:
                added.add(id(match.candidates))
                cited.update(match.candidates)
        for source in self.source_list:
            if source.key in cited:
                continue
            finding = Finding(
                kind="uncited-reference",
                severity=KINDS["uncited-reference"][0],
                message=f"{_numbered(source)}{source.key} ({_display(source)}) is never cited "
                f"in {self.manuscript.path}",
                source=source.key,
                file=source.file,
                line=source.line,
            )
            self.findings.append(CheckFinding(finding, context=source.title[:100]))

    # ----------------------------------------------------------------- claims
    def uncited_claims(self) -> None:
        """Statements of a figure, a date or "studies show" that cite nothing.

        A paragraph that cites nothing gets one finding, at its first such statement. In a
        paragraph that cites, each sentence is judged on its own: citing one source does
        not cover an uncited statistic two sentences on. A sentence that goes on about the
        work cited just before it ("Chang (2020) surveyed 300 firms. They found that 45%
        ...") is covered by that citation.
        """
        m = self.manuscript
        text = m.text
        cited_at = sorted(match.citation.start for match in self.in_text)
        for block in m.blocks:
            if block.heading:
                continue
            found = _claim_signal(text, block.start, block.end)
            if found is None:
                continue
            index = bisect_left(cited_at, block.start)
            if index == len(cited_at) or cited_at[index] >= block.end:
                self._uncited_claim(found, "paragraph")
                continue
            previous_cited = False
            for s_start, s_end in _sentences(text, block.start, block.end):
                index = bisect_left(cited_at, s_start, index)
                cited = index < len(cited_at) and cited_at[index] < s_end
                if not cited and previous_cited and _refers_back(text, s_start, s_end):
                    cited = True
                previous_cited = cited
                if not cited:
                    found = _claim_signal(text, s_start, s_end)
                    if found is not None:
                        self._uncited_claim(found, "sentence")

    def _uncited_claim(self, found: tuple[int, int, str], where: str) -> None:
        start, end, what = found
        written = " ".join(self.manuscript.text[start:end].split())
        self.add(
            "uncited-claim",
            f"this {where} states {what} ('{written}') and cites no source",
            start,
            end,
        )

    # ----------------------------------------------------------------- quotes
    def quotes(self) -> None:
        m = self.manuscript
        text = m.body
        starts = [match.citation.start for match in self.in_text]
        for block in m.blocks:
            if block.heading:
                continue
            for q_start, q_end in _quotations(text, block.start, block.end):
                words = text[q_start:q_end].split()
                if len(words) < MIN_QUOTE_WORDS:
                    continue
                s_start, s_end = _sentence_around(text, q_start, q_end, block.start, block.end)
                attributed = [
                    match
                    for match in self.in_text[
                        bisect_left(starts, s_start) : bisect_left(starts, s_end)
                    ]
                    if not (q_start <= match.citation.start < q_end)
                ]
                if not attributed:
                    continue
                has_locator = any(match.citation.locator for match in attributed) or (
                    _page_after(text, q_end, s_end)
                )
                first = attributed[0]
                if not has_locator:
                    self.add(
                        "quote-without-page",
                        f"a direct quotation attributed to {first.citation.label()} has no page "
                        "or other locator; add one, e.g. (p. 12)",
                        q_start,
                        q_end,
                        key=first.key,
                    )
                for match in attributed:
                    self._quote_mismatch(match, text[q_start + 1 : q_end - 1], q_start, q_end)

    def _quote_mismatch(self, match: Match, quoted: str, start: int, end: int) -> None:
        if match.key is None or match.grade not in {Grade.EXACT, Grade.NEAR}:
            return
        note = self.notes.get(match.key)
        recorded = [claim for claim in note.claims if claim.quote] if note else []
        if not recorded or note is None:
            return
        wanted = _quote_text(quoted)
        fragments = [f for f in re.split(r"\s*(?:\.\.\.|…|\[\.\.\.\])\s*", wanted) if f]
        for claim in recorded:
            held = _quote_text(claim.quote)
            if all(fragment in held for fragment in fragments):
                return
        where = f"{note.file}:{recorded[0].line}" if recorded[0].line else note.file
        self.add(
            "quote-mismatch",
            f"the quotation attributed to {match.citation.label()} differs from the quote "
            f"recorded in {where}",
            start,
            end,
            key=match.key,
        )

    # ----------------------------------------------------------------- support
    def weak_support(self) -> None:
        if not self.notes:
            return
        m = self.manuscript
        text = m.body
        vocabularies: dict[str, set[str]] = {}
        block_starts = [b.start for b in m.blocks]
        # Citations in text order, so each sentence looks only at its own (a scan of all
        # matches per sentence made a long manuscript quadratic).
        ordered = sorted(self.in_text, key=lambda match: match.citation.start)
        citation_starts = [match.citation.start for match in ordered]
        done: set[tuple[str, int]] = set()
        for match in self.in_text:
            key = match.key
            if key is None or match.grade not in {Grade.EXACT, Grade.NEAR} or key not in self.notes:
                continue
            c = match.citation
            block = _block_of(m, block_starts, c.start)
            if block is None:
                continue
            s_start, s_end = _sentence_around(text, c.start, c.end, block[0], block[1])
            if (key, s_start) in done:
                continue
            done.add((key, s_start))
            inside = ordered[
                bisect_left(citation_starts, s_start) : bisect_left(citation_starts, s_end)
            ]
            sentence = _without_citations(text, s_start, s_end, inside)
            words = _stems(sentence)
            if len(words) < 4:
                continue
            if key not in vocabularies:
                vocabularies[key] = _note_vocabulary(self.notes[key])
            vocabulary = vocabularies[key]
            if not vocabulary:
                continue
            shared = len(words & vocabulary) / len(words)
            if shared < WEAK_SUPPORT_THRESHOLD:
                note = self.notes[key]
                self.add(
                    "weak-support",
                    f"hint: this sentence shares little ({shared:.0%} of its content words) with "
                    f"what {note.file} records for {key}; check that the source supports it",
                    c.start,
                    c.end,
                    key=key,
                )


# --------------------------------------------------------------------------- text helpers


CONTEXT_LINES_MAX = 2_000  # characters of whole lines shown through; longer lines are windowed


def _context(m: Manuscript, start: int, end: int, first: int, width: int = 160) -> str:
    """The source line(s) around a span (from line ``first``), trimmed to ``width`` or so.

    Only a window of a long line is read: a finding on a 100 KB line must not cost a
    pass over the whole line, or a line with thousands of findings takes quadratic time.
    """
    last = min(m.line_of(max(start, end - 1)), first + 2)
    starts = m.line_starts
    line_start = starts[first - 1]
    line_end = starts[last] - 1 if last < len(starts) else len(m.source)
    low, high = line_start, line_end
    if line_end - line_start > CONTEXT_LINES_MAX:
        at = m.source_offset(start)
        low = max(line_start, at - width // 3)
        high = min(line_end, max(at, m.source_offset(max(start, end - 1))) + 2 * width)
    text = " ".join(m.source[low:high].split())
    cut_left, cut_right = low > line_start, high < line_end
    if len(text) <= width and not (cut_left or cut_right):
        return text
    anchor = " ".join(m.text[start:end].split())[:40]
    at = text.find(anchor) if anchor else -1
    if at < 0:
        return ("…" if cut_left else "") + text[: width - 1] + "…"
    left = max(0, at - width // 3)
    right = min(len(text), left + width)
    return (
        ("…" if left or cut_left else "")
        + text[left:right]
        + ("…" if right < len(text) or cut_right else "")
    )


# Each pattern that starts with a digit says so first and looks behind it after
# ("\d(?<![\w.]\d)" is "(?<![\w.])\d"): the regex engine then skips ahead to the next
# digit instead of trying the pattern at every character (a 2 MB manuscript: 0.2 s).
_DATED = re.compile(r"[12](?<![\w./\-–][12])(?:(?<=1)[89]|(?<=2)0)\d\d(?![\w/\-–])")
_SIGNALS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\d(?<![\w.]\d)\d{0,2}(?:[.,]\d+)?\s?(?:%|percent\b|per cent\b)(?!\s(?:confidence|CI\b|credible))",
            re.I,
        ),
        "a figure",
    ),
    (
        re.compile(
            r"\d(?:(?<![\w.,]\d)\d{0,2}(?:,\d{3})+(?![\d,])|(?<![\w.]\d)\d*(?:\.\d+)?\s(?:million|billion|thousand|trillion)\b)",
            re.I,
        ),
        "a figure",
    ),
    (
        re.compile(
            # Every phrase starts with one of these letters: the engine tests that first.
            r"(?=[msrdeih])\b(?:(?:many\s|several\s|recent\s)?(?:studies|research|evidence|statistics|surveys?|data|reports?|experts)"
            r"\s(?:have\s|has\s)?(?:show|shows|shown|suggest|suggests|indicate|indicates|found|find|"
            r"demonstrate|demonstrates|demonstrated|confirm|confirms|agree|estimate|estimates)\b"
            r"|it\sis\s(?:well\s)?(?:known|established|documented)\b"
            r"|(?:has|have)\sbeen\s(?:shown|demonstrated|documented)\b"
            r"|is\swidely\s(?:recognised|recognized|accepted|acknowledged)\b)",
            re.I,
        ),
        "a claim about the evidence",
    ),
    (_DATED, "a dated event"),
]
_EVIDENCE = _SIGNALS[2][0]
# A word every phrase of _EVIDENCE holds (casefolded, as re.I compares): a sentence
# without one is not searched, which would try the pattern at each of its characters.
_EVIDENCE_WORDS = (
    *("studies", "research", "evidence", "statistics", "survey", "data", "report", "experts"),
    *("known", "established", "documented", "been", "widely"),
)
#: How far before its word an _EVIDENCE phrase can start ("it is well known").
_EVIDENCE_LEAD = 12
PARENTHESIS_REACH = 200  # how far back a year looks for the "(" that would enclose it


def first_evidence(text: str, start: int, end: int) -> re.Match[str] | None:
    """``_EVIDENCE.search(text, start, end)``, searched only from just before the first of
    its words: every phrase holds one (casefolded), and starts at most _EVIDENCE_LEAD
    characters before it. Where casefolding changes the length, positions do not map, and
    the whole sentence is searched."""
    folded = text[start:end].casefold()
    found = [at for word in _EVIDENCE_WORDS if (at := folded.find(word)) >= 0]
    if not found:
        return None
    if len(folded) == end - start:
        start += max(0, min(found) - _EVIDENCE_LEAD)
    return _EVIDENCE.search(text, start, end)


def _claim_signal(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    best: tuple[int, int, str] | None = None
    for pattern, what in _SIGNALS:
        if pattern is _EVIDENCE:
            match = first_evidence(text, start, end)
        else:
            match = pattern.search(text, start, end)
        if pattern is _DATED:
            # A year in parentheses dates a work ("Title (2021)", "(Addison-Wesley,
            # 2002)"); the events that want a source are told in the sentence itself.
            while match and _in_parentheses(text, match.start(), start):
                match = pattern.search(text, match.end(), end)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match.end(), what)
    return best


def _in_parentheses(text: str, at: int, floor: int) -> bool:
    floor = max(floor, at - PARENTHESIS_REACH)
    opened = text.rfind("(", floor, at)
    return opened >= 0 and text.rfind(")", opened, at) < 0 and text.find(")", at, at + 200) >= 0


_SENTENCE_END = re.compile(r"[.?!][\"”’')\]]*\s")
# Words that open a sentence about the work cited just before it.
_BACK_REFERENCES = frozenset(
    {"they", "their", "them", "these", "those", "this", "that", "he", "she", "his", "her"}
    | {"its", "it", "both", "such", "here"}
)
_BACK_REFERENCE_PAIRS = frozenset(
    {"the authors", "the study", "the survey", "the same", "the report", "the paper"}
)


def _sentences(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """The sentences of ``text[start:end]`` (one paragraph), in order; linear."""
    left = start
    for match in _SENTENCE_END.finditer(text, start, end):
        dot = match.start()
        if text[dot] == "." and _is_abbreviation(text, dot, left):
            continue
        yield left, match.end()
        left = match.end()
    if left < end and text[left:end].strip():
        yield left, end


def _refers_back(text: str, start: int, end: int) -> bool:
    words = text[start : min(end, start + 40)].split()[:2]
    if not words:
        return False
    first = words[0].strip("(“\"‘'").lower().rstrip(",")
    pair = " ".join(words).lower().rstrip(",")
    return first in _BACK_REFERENCES or pair in _BACK_REFERENCE_PAIRS


_QUOTE_PAIRS = {"“": "”", '"': '"', "``": "''", "„": "“"}


_QUOTE_OPEN = re.compile('“|"|``|„')


def _quotations(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Quoted spans (including the quote marks) inside one paragraph, at most 3,000 long."""
    position = start
    while position < end:
        found = _QUOTE_OPEN.search(text, position, end)
        if found is None:
            return
        opener = found.group()
        closer = _QUOTE_PAIRS[opener]
        close = text.find(closer, found.end(), min(end, found.start() + 3_000))
        if close < 0:
            position = found.end()
            continue
        yield found.start(), close + len(closer)
        position = close + len(closer)


def _sentence_around(text: str, start: int, end: int, floor: int, ceiling: int) -> tuple[int, int]:
    """The sentence holding ``text[start:end]``, within its paragraph (and 1,000 characters)."""
    floor = max(floor, start - 1_000)
    ceiling = min(ceiling, end + 1_000)
    left = floor
    for mark in (". ", "? ", "! ", ".\n"):
        at = text.rfind(mark, floor, start)
        while at >= 0 and _is_abbreviation(text, at, floor):
            at = text.rfind(mark, floor, at)
        if at >= 0:
            left = max(left, at + len(mark))
    right = ceiling
    for mark in (". ", "? ", "! ", ".\n"):
        at = text.find(mark, end, ceiling)
        while at >= 0 and _is_abbreviation(text, at, floor):
            at = text.find(mark, at + 1, ceiling)
        if at >= 0:
            right = min(right, at + 1)
    return left, right


def _is_abbreviation(text: str, dot: int, floor: int) -> bool:
    word_start = dot
    while word_start > floor and not text[word_start - 1].isspace() and dot - word_start < 8:
        word_start -= 1
    word = text[word_start : dot + 1].lower().lstrip("(")
    return word in {"al.", "e.g.", "i.e.", "cf.", "p.", "pp.", "vs.", "etc.", "no.", "fig."} or (
        len(word) == 2 and word[0].isalpha() and word[0].isupper()
    )


def _page_after(text: str, quote_end: int, sentence_end: int) -> bool:
    window = text[quote_end : min(sentence_end, quote_end + 40)].lstrip()
    return window.startswith("(") and window[1:].lstrip().lower().startswith(
        ("p.", "pp.", "para", "chap", "sec", "§", "p ", "pp ")
    )


def _quote_text(text: str) -> str:
    folded = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(re.sub(r"[^\w'…. ]+", " ", folded.casefold()).split())


def _block_of(m: Manuscript, starts: Sequence[int], offset: int) -> tuple[int, int] | None:
    index = bisect_right(starts, offset) - 1
    if index >= 0 and m.blocks[index].start <= offset < m.blocks[index].end:
        return m.blocks[index].start, m.blocks[index].end
    return None


def _without_citations(text: str, start: int, end: int, matches: Sequence[Match]) -> str:
    pieces: list[str] = []
    position = start
    for match in matches:
        c = match.citation
        if c.start < start or c.start >= end or c.start < position:
            continue
        pieces.append(text[position : c.start])
        position = max(position, c.end)
    pieces.append(text[position:end])
    return " ".join(pieces)


_WORD = re.compile(r"[^\W\d_]{4,}")
_ASCII_WORD = re.compile(r"[A-Za-z]{4,}")  # the same on ASCII text, twice as fast
_EXTRA_STOP_TEXT = """
    that this with from have been were their there which would could should about into
    also more most other such than then them they these those what when where while
    because between through within without upon over under against among across does
    make makes made many much some only very well even still just like being
"""
_EXTRA_STOP = frozenset(_EXTRA_STOP_TEXT.split())


class _StemOf(dict[str, str]):
    """A word's stem (its first five letters, casefolded), or "" for a stop word; memoised."""

    def __missing__(self, word: str) -> str:
        folded = word.casefold()
        stem = "" if folded in STOPWORDS or folded in _EXTRA_STOP else folded[:5]
        if len(self) < 200_000:  # a bound for texts of unbounded vocabulary
            self[word] = stem
        return stem


_STEM_OF = _StemOf()


def _stems(text: str) -> set[str]:
    # The same words recur in every sentence: look each up once (map stays in C).
    words = (_ASCII_WORD if text.isascii() else _WORD).findall(text)
    found = set(map(_STEM_OF.__getitem__, words))
    found.discard("")
    return found


def _note_vocabulary(note: Note) -> set[str]:
    parts = [note.annotation.summary, note.annotation.body]
    for claim in note.claims:
        parts += [claim.text, claim.quote]
    return _stems(" ".join(p for p in parts if p))
