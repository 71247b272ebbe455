"""The notes' one fast path: a note in the README's shape and order, read by two regexes.

Front matter of key, tags, annotation and claims, one field a line; values plain or
quoted text, lists of words, or folded (``>-``). For such a note :func:`quick_note`
gives what the general path (libyaml, then ``notes._build``) gives, about five times
sooner; on anything else, or anything that path would report, it returns None and the
general path reads the note. tests/ingest/test_notes_quick.py proves the two equal.
"""

from __future__ import annotations

import re

from cybercoop_cli.ingest.yamlnodes import has_unusual, plain_scalar
from cybercoop_cli.model import Annotation, Claim, Note, Problem, Stance

# A plain scalar on one line without ':' or '#', not starting with a YAML indicator nor
# ending in a space; or quoted, without escapes. Special characters beyond ASCII are
# checked apart (has_unusual): such classes take milliseconds each to compile.
_PLAIN_FIRST = r"""[^\x00-\x20\x7f-\x9f:#\-?,\[\]{}&*!|>'"%@`]"""
_PLAIN_REST = r"[^\x00-\x1f\x7f-\x9f:#]"
_TEXT = rf"""(?:{_PLAIN_FIRST}(?:{_PLAIN_REST}*(?<!\ ))?|"[^\x00-\x1f\x7f-\x9f"\\]*"|'[^\x00-\x1f\x7f-\x9f']*')"""
# A line of a folded scalar after its indentation: no comment, no leading or trailing space.
_LINE = r"[^\x00-\x20\x7f-\x9f\#](?:[^\x00-\x1f\x7f-\x9f]*[^\x00-\x20\x7f-\x9f])?"


def _folded(name: str, deeper: int) -> str:
    """``>-`` and lines of one indentation (at least ``deeper`` spaces), none blank."""
    return rf"(?:>-\n(?P<{name}>\ {{{deeper},}}){_LINE}(?:\n(?P={name}){_LINE})*)"


_WORDS = r"\[(?:[A-Za-z][\w-]*(?:,\ ?[A-Za-z][\w-]*)*)?\]"
_IDS = rf"(?:{_WORDS}|{_TEXT})"
# One claim: a mapping with its fields in the README's order, or a bare sentence.
_CLAIM_TEXT = rf"""
    \ \ -\ (?:text:\ ({_TEXT}|{_folded("text_indent", 5)})\n
             (?:\ {{4}}(?:sections|section):\ ({_IDS})\n)?
             (?:\ {{4}}(?:facets|facet):\ ({_IDS})\n)?
             (?:\ {{4}}stance:\ ({_TEXT})\n)?
             (?:\ {{4}}(?:locator|pages|page):\ ({_TEXT})\n)?
             (?:\ {{4}}quote:\ ({_TEXT}|{_folded("quote_indent", 5)})\n)?
           |({_TEXT})\n)"""
_CLAIM = re.compile(_CLAIM_TEXT, re.VERBOSE | re.ASCII)
_NOTE = re.compile(
    rf"""---\n
    key:\ (?P<key>{_TEXT})\n
    (?:tags:\ (?P<tags>{_WORDS})\n)?
    (?:annotation:(?:\n
        (?:\ \ summary:\ (?P<summary>{_TEXT}|{_folded("summary_indent", 3)})\n)?
        (?:\ \ evaluation:\ (?P<evaluation>{_TEXT}|{_folded("evaluation_indent", 3)})\n)?
        (?:\ \ relevance:\ (?P<relevance>{_TEXT}|{_folded("relevance_indent", 3)})\n)?
      |\ (?P<annotation>{_TEXT}|{_folded("annotation_indent", 1)})\n))?
    (?P<claims>claims:\n(?:{_CLAIM_TEXT})+)?
    ---(?:\n|\Z)""",
    re.VERBOSE | re.ASCII,
)
_STANCES = {stance.value: stance for stance in Stance}


class _Unusual(Exception):
    """Not in the common shape after all: the general path reads the note."""


def quick_note(text: str, file: str) -> tuple[Note, list[Problem]] | None:
    """The note, if ``text`` is a Markdown note in the common shape without problems."""
    match = _NOTE.match(text)
    if match is None or (not text.isascii() and has_unusual(text[: match.end()])):
        return None
    key, tags, summary, evaluation, relevance, scalar, claims = match.group(
        "key", "tags", "summary", "evaluation", "relevance", "annotation", "claims"
    )
    body = text[match.end() :].strip()
    try:
        key = _text(key).strip()
        if not key:
            return None
        if scalar is not None:
            annotation = Annotation(summary=_prose(scalar), body=body)
        else:
            annotation = Annotation(
                _prose(summary) if summary else "",
                _prose(evaluation) if evaluation else "",
                _prose(relevance) if relevance else "",
                body,
            )
        first_claim_line = text.count("\n", 0, match.start("claims")) + 1
        return Note(
            key=key,
            file=file,
            line=2,
            tags=tuple(word.strip() for word in _words(tags) if word.strip()) if tags else (),
            annotation=annotation,
            claims=_claims(claims, first_claim_line) if claims else (),
        ), []
    except _Unusual:
        return None


def _claims(block: str, line: int) -> tuple[Claim, ...]:
    """The claims of a ``claims:`` block that starts on ``line``."""
    claims: list[Claim] = []
    number = line + 1
    for text, _, sections, facets, stance, locator, quote, _, bare in _CLAIM.findall(block, 8):
        if bare:
            claims.append(Claim(text=_clean(_text(bare)), line=number))
            number += 1
            continue
        lines = 1 + (sections != "") + (facets != "") + (stance != "") + (locator != "")
        lines += text.count("\n") + (1 + quote.count("\n") if quote else 0)
        value = _prose(text)
        if not value:
            raise _Unusual  # the general path reports a claim without text
        claims.append(
            Claim(
                text=value,
                sections=_ids(sections) if sections else (),
                facets=_ids(facets) if facets else (),
                stance=_stance(stance) if stance else Stance.SUPPORTS,
                locator=_text(locator).strip() if locator else "",
                quote=_prose(quote) if quote else "",
                line=number,
            )
        )
        number += lines
    return tuple(claims)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _prose(raw: str) -> str:
    """A plain, quoted or ``>-`` folded scalar's text, its white space made single spaces."""
    return _clean(raw[3:] if raw[0] == ">" else _text(raw))


def _text(raw: str) -> str:
    """The text of a plain or quoted scalar; not text (a number, a date, null) is unusual."""
    if raw[0] in "\"'":
        return raw[1:-1]
    value = plain_scalar(raw)
    if type(value) is not str:
        raise _Unusual
    return value


def _ids(raw: str) -> tuple[str, ...]:
    """A claim's sections or facets: a list of words, or words separated by commas."""
    words = _words(raw) if raw[0] == "[" else _text(raw).split(",")
    return tuple(dict.fromkeys(word.strip() for word in words if word.strip()))


def _stance(raw: str) -> Stance:
    value = _text(raw)
    stance = _STANCES.get(value) or _STANCES.get(value.strip().lower())
    if stance is None:
        raise _Unusual  # the general path reports an unknown stance
    return stance


def _words(raw: str) -> list[str]:
    """The words of a flow list ``[a, b]``; a word YAML reads as not text is unusual."""
    words = [word.strip(" ") for word in raw[1:-1].split(",")] if raw != "[]" else []
    if any(type(plain_scalar(word)) is not str for word in words):
        raise _Unusual
    return words
