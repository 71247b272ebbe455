"""LaTeX to Unicode for display fields (titles, names, venues), fast.

Decoding every field through pylatexenc costs about 50 times a raw parse, so this module
handles what bibliographies actually contain (accents, special letters, escaped symbols,
dashes, quotes, text-formatting commands, case-protecting braces) with one regular
expression pass, and falls back to pylatexenc only for a string that still holds a
command it does not know. Plain text comes back untouched apart from white space.

It also reads citation commands (``\\cite``, natbib, biblatex incl. multicite, apacite)
with their notes and keys, for the manuscript cleaner and the citation finder alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Accent commands and the combining character each one adds.
_ACCENTS = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "r": "\u030a",
    "H": "\u030b",
    "v": "\u030c",
    "d": "\u0323",
    "c": "\u0327",
    "k": "\u0328",
    "b": "\u0331",
    "t": "\u0361",
}

_LETTERS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "dj": "đ",
    "DJ": "Đ",
    "SS": "SS",
}

# The Cyrillic letters of LaTeX's T2A encoding (\cyrchar\CYRA, \cyrzh), as Zotero and
# JabRef export Cyrillic names; \cyrchar before them only selects the encoding.
_CYRILLIC = {
    "A": "А",
    "B": "Б",
    "V": "В",
    "G": "Г",
    "D": "Д",
    "E": "Е",
    "YO": "Ё",
    "ZH": "Ж",
    "Z": "З",
    "I": "И",
    "ISHRT": "Й",
    "K": "К",
    "L": "Л",
    "M": "М",
    "N": "Н",
    "O": "О",
    "P": "П",
    "R": "Р",
    "S": "С",
    "T": "Т",
    "U": "У",
    "F": "Ф",
    "H": "Х",
    "C": "Ц",
    "CH": "Ч",
    "SH": "Ш",
    "SHCH": "Щ",
    "HRDSN": "Ъ",
    "ERY": "Ы",
    "SFTSN": "Ь",
    "EREV": "Э",
    "YU": "Ю",
    "YA": "Я",
}
for _name, _upper in _CYRILLIC.items():
    _LETTERS["CYR" + _name] = _upper
    _LETTERS["cyr" + _name.lower()] = _upper.lower()
_LETTERS["cyrchar"] = ""

# The journal macros of AAS and ADS exports (\\apj, \\mnras): the journals' abbreviations.
_JOURNALS = {
    "aj": "AJ",
    "araa": "ARA&A",
    "apj": "ApJ",
    "apjl": "ApJL",
    "apjs": "ApJS",
    "aap": "A&A",
    "aaps": "A&AS",
    "mnras": "MNRAS",
    "pasp": "PASP",
    "pasj": "PASJ",
    "nat": "Nature",
    "icarus": "Icarus",
    "solphys": "Sol. Phys.",
    "ssr": "Space Sci. Rev.",
    "physrep": "Phys. Rep.",
    "prd": "Phys. Rev. D",
    "prl": "Phys. Rev. Lett.",
}
_SYMBOLS = {
    "textendash": "–",
    "textemdash": "—",
    "ldots": "…",
    "dots": "…",
    "textellipsis": "…",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
    "BibTeX": "BibTeX",
    "LaTeXe": "LaTeX2ε",
    "textquoteleft": "‘",
    "textquoteright": "’",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "guillemotleft": "«",
    "guillemotright": "»",
    "S": "§",
    "P": "¶",
    "copyright": "©",
    "textregistered": "®",
    "texttrademark": "™",
    "textrightarrow": "→",
    "textleftarrow": "←",
    "textperiodcentered": "·",
    "textasciiacute": "´",
    "textdegree": "°",
    "textmu": "\u03bc",  # Greek mu, which Unicode prefers for the micro sign
    "euro": "€",
    "pounds": "£",
    "textbackslash": "\ue003",
    "slash": "/",
    "nobreakspace": "\u00a0",
    "textasciitilde": "\ue004",
    "textasciicircum": "\ue005",
    "textunderscore": "_",
    "textbar": "|",
    "space": " ",
    "quad": " ",
    "relax": "",
    "/": "",
    "-": "",
    "newblock": " ",
    "par": " ",
}

# TUGboat's macros for abbreviations and logos (tugboat.cmn, ltugcomn.sty) and the text
# each one typesets: logos in the logo font (\MF is METAFONT, \MP METAPOST), spelled-out
# abbreviations, names. One not listed prints its name, which is its text (\ConTeXt,
# \VAX, \CTAN; \acro{TUG} prints its argument).
TUGBOAT_MACROS = {
    "AMS": "American Mathematical Society",
    "SC": "Steering Committee",
    "TUG": "TeX Users Group",
    "tug": "TUG",
    "TUB": "TUGboat",
    "TeXtures": "Textures",
    "MF": "METAFONT",
    "slMF": "METAFONT",  # \MF in the slanted logo font
    "MP": "METAPOST",
    "PS": "PostScript",
    "AmS": "AMS",
    "AmSTeX": "AMS-TeX",
    "AllTeX": "(La)TeX",
    "eTeX": "ε-TeX",
    "mtex": "TêX",  # multilingual TeX: T, a lowered \^E, X
    "Thanh": "Hàn Thế Thành",
    "OMEGA": "Ω",
    "MacOSX": "Mac OS X",
    # Not in tugboat.cmn: the seven titles that end in it are one-page items of the TUG 2000
    # proceedings (TUGboat 21:3), which printed a talk's abstract; it marks the item and is
    # no part of the title.
    "Abstract": "",
}
# Font selections: plain TeX's and LaTeX's switches ({\em x}, {\tt x}) and plain TeX's
# and TUGboat's fonts (\eightrm, \ninesmc, \sltt, \SMC, the logo font \manual) change
# the type, and print nothing.
FONT_SWITCH = re.compile(
    r"(?:five|six|seven|eight|nine|ten|eleven|twelve)(?:rm|sl|tt|it|bf|smc|sc|sf|sy|uit)"
    r"|sltt|slc|smc|SMC|acrosl|manual"
    r"|em|it|bf|sl|sf|rm|tt|sc|ttfamily|sffamily|rmfamily|upshape|mdseries|slshape"
    r"|normalfont|cal|frak|Bbb"
)

# \<box>: a metavariable in plain TeX's notation (\def\<#1>{$\langle$#1$\rangle$}, from
# Knuth's manmac and webmac), typeset in angle brackets: ⟨box⟩.
METAVARIABLE = re.compile(r"\\<([^<>{}\\$]{1,80})>")

# Commands whose one braced argument is kept as text.
_KEEP_ARGUMENT = frozenset(
    {
        "emph",
        "textit",
        "textbf",
        "textsc",
        "textrm",
        "textsf",
        "texttt",
        "textup",
        "textsl",
        "textmd",
        "textnormal",
        "mbox",
        "hbox",
        "text",
        "url",
        "path",
        "nolinkurl",
        "ensuremath",
        "mathrm",
        "mathit",
        "mathbf",
        "textsuperscript",
        "textsubscript",
        "uppercase",
        "MakeUppercase",
        "lowercase",
        "MakeLowercase",
        "NoCaseChange",
        "bibstring",
        "itshape",
        "bfseries",
        "scshape",
    }
)

# Accents under another name: MathSciNet's exports define \ocirc{u} in their @preamble
# as the ring accent (\accent"17), the ring of Czech ů.
ACCENT_COMMANDS = {"ocirc": "r"}

# Commands that print nothing, their argument included: \noopsort{1973b} gives BibTeX a
# sort key (every .bib that uses it defines it so: \newcommand{\noopsort}[1]{}); pifont's
# \ding{73} is a dingbat by its font code, in titles the publisher's footnote mark (☆),
# no word of the title (printed as its code, "Nanowires73", it would read as one).
DROP_ARGUMENT = frozenset({"noopsort", "ding"})

_BRACE_GONE = "\ue006"
# Escaped characters that later passes must not see as syntax are parked in the
# private-use area and restored at the end.
_PARKED = {
    "\ue000": "{",
    "\ue001": "}",
    "\ue002": "$",
    "\ue003": "\\",
    "\ue004": "~",
    "\ue005": "^",
    # A brace removed by one pass still keeps apart what it separated: "-{}-" is two
    # hyphens in LaTeX, not an en dash (the idiom for writing "--" literally).
    _BRACE_GONE: "",
}
_ESCAPED = {
    "&": "&",
    "%": "%",
    "$": "\ue002",
    "#": "#",
    "_": "_",
    "{": "\ue000",
    "}": "\ue001",
    " ": " ",
    # spacing commands: a thin (\,), medium (\:) or thick (\;) space; \! takes space away
    ",": " ",
    ":": " ",
    ";": " ",
    "!": "",
    # \/ is an italic correction and \- a discretionary hyphen: neither prints.
    "/": "",
    "-": "",
}
_DASHES = {"---": "—", "--": "–", "``": "“", "''": "”", "~": "\u00a0"}

_TOKEN = re.compile(
    r"""
      \\(?P<acc>[`'^~="."])\s*(?:\{\s*(?P<acc_brace>\\[ij](?![A-Za-z])|[A-Za-z])\s*\}
                               |(?P<acc_bare>\\[ij](?![A-Za-z])|[A-Za-z]))
    | \\(?P<lacc>[uvHckrdbt])(?:\s*\{\s*(?P<lacc_brace>\\[ij](?![A-Za-z])|[A-Za-z])\s*\}
                               |\s*(?P<lacc_dotless>\\[ij](?![A-Za-z]))
                               |\s+(?P<lacc_bare>[A-Za-z]))
    | \\(?P<esc>[&%$\#_{}\ ,:;!/\-])
    | \\(?P<cmd>[A-Za-z]+)\*?\s*(?P<arg>\{(?P<inner>[^{}]*)\})?
    | (?P<dash>---|--|``|''|~)
    | (?P<brace>[{}])
    """,
    re.VERBOSE,
)

_MATH = re.compile(r"(?<!\\)\$[^$]{1,500}(?<!\\)\$")
_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # not \\s: a non-breaking space (~) stays


def _base(letter: str) -> str:
    # Under an accent, \i and \j are the dotless letters only as a typesetting device;
    # the intended character is the plain i/j with the accent ({\'\i} is "í").
    return {"\\i": "i", "\\j": "j"}.get(letter, letter)


def _replace(match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups["acc"] is not None:
        letter = groups["acc_brace"] or groups["acc_bare"]
        return _base(letter) + _ACCENTS[groups["acc"]]
    if groups["lacc"] is not None:
        letter = groups["lacc_brace"] or groups["lacc_dotless"] or groups["lacc_bare"]
        return _base(letter) + _ACCENTS[groups["lacc"]]
    if groups["esc"] is not None:
        return _ESCAPED[groups["esc"]]
    command = groups["cmd"]
    if command is not None:
        arg = groups["arg"]
        if command in _LETTERS:
            return _LETTERS[command] + (groups["inner"] if arg is not None else "")
        if command in _SYMBOLS:
            return _SYMBOLS[command] + (groups["inner"] if arg is not None else "")
        if command in _JOURNALS:
            return _JOURNALS[command] + (groups["inner"] if arg is not None else "")
        if command in TUGBOAT_MACROS:
            return TUGBOAT_MACROS[command] + (groups["inner"] if arg is not None else "")
        if command in DROP_ARGUMENT:
            return ""
        if command in ACCENT_COMMANDS and arg is not None and len(groups["inner"]) == 1:
            return groups["inner"] + _ACCENTS[ACCENT_COMMANDS[command]]
        if command in _KEEP_ARGUMENT or FONT_SWITCH.fullmatch(command):
            return groups["inner"] if arg is not None else ""
        if command == "mkbibquote" and arg is not None:
            return f"“{groups['inner']}”"
        # An unknown command: keep its argument, or its name (\\MF, \\TUB are logos).
        return groups["inner"] if arg is not None else command
    if groups["dash"] is not None:
        return _DASHES[groups["dash"]]
    return _BRACE_GONE  # a case-protecting brace, or one that breaks a ligature


@lru_cache(maxsize=65536)
def latex_to_unicode(text: str) -> str:
    """Turn a BibTeX display value into Unicode NFC text with single spaces."""
    # The ``in`` operator (memchr, no call) instead of a regex search: most display
    # values are plain text, or plain text with case-protecting braces.
    if "\\" in text or "~" in text or "--" in text or "``" in text or "''" in text:
        out = _decode(text)
    elif "{" not in text and "}" not in text:
        return _SPACE.sub(" ", text).strip() if ("  " in text or "\n" in text) else text.strip()
    else:
        # Only braces: the token passes would just remove them, unless there is math or
        # the braces kept a dash or quote apart ("-{}-").
        out = text.replace("{", "").replace("}", "")
        if "$" in text or "--" in out or "``" in out or "''" in out:
            out = _decode(text)
    if not out.isascii():  # a flag of the string, no scan: ASCII holds nothing parked
        for parked, char in _PARKED.items():
            out = out.replace(parked, char)
        out = unicodedata.normalize("NFC", out)
    return _SPACE.sub(" ", out).strip()


# An accent on an empty group before a letter (\'{}\i): an accented letter the font
# lacked, written as the accent set before it.
_EMPTY_ACCENT = re.compile(r"\\([`'^~=.\"])\{\}(\\[ij](?![A-Za-z])|[A-Za-z])")


def _decode(text: str) -> str:
    """The token passes: math first, then commands, escapes, dashes and braces."""
    out = text
    if "{}" in out:
        out = _EMPTY_ACCENT.sub(r"\\\1{\2}", out)
    if "\\<" in out:
        out = METAVARIABLE.sub("⟨\\1⟩", out)
    if "$" in out:
        # Math first, whole, before the text pass could read \\alpha as a word.
        out = _MATH.sub(lambda m: _fallback(m.group(0)), out)
    # Nested braces ({\"{u}} inside {...}) need more than one pass; each pass removes a level.
    for _ in range(8):
        new = _TOKEN.sub(_replace, out)
        if new == out:
            break
        out = new
    return out


def _fallback(text: str) -> str:
    """Decode math (``$\\alpha$``) with pylatexenc, imported only when a value needs it."""
    try:
        decoded = str(_converter().latex_to_text(text))
    except Exception:  # pylatexenc raises many types on malformed input; keep the text
        return text.replace("$", "")
    # a math delimiter it leaves behind ("$\\not$" gives "$" and the slash): math never
    # prints a dollar it was not asked for with \$
    return decoded if "\\$" in text else decoded.replace("$", "")


@lru_cache(maxsize=1)
def _converter() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(strict_latex_spaces=True)


# The inverse direction, for writing BibTeX: characters that LaTeX would read as syntax.
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile(r"[\\{}&%$#_~^]")


# Pairs that TeX fonts join into another character (-- en dash, --- em dash, `` and ''
# curly quotes): an empty group between them keeps the characters as typed.
_LIGATURE = re.compile(r"([-`'])(?=\1)")


def escape_latex(text: str, *, ligatures: bool = False) -> str:
    """Plain text as LaTeX that typesets to the same characters (the inverse of decoding).

    ``C--`` is written ``C-{}-`` and ``''`` is written ``'{}'``: plain text from CSL-JSON,
    RIS or a note means the characters typed, not the dashes and quotes TeX makes of them.
    With ``ligatures``, such pairs are left to TeX (a page range's ``12--34``).
    """
    escaped = _SPECIAL.sub(lambda m: _LATEX_SPECIALS[m.group(0)], text)
    if ligatures or not ("--" in escaped or "``" in escaped or "''" in escaped):
        return escaped
    return _LIGATURE.sub(r"\1{}", escaped)


# --------------------------------------------------------------------------- citation commands

# natbib, biblatex and apacite citation commands (\cite, \citep, \citeA, \citeNP, \Textcite,
# \parencites, \fullcite, \shortciteA, \nocite ...): the name, then an optional star.
# Not pandoc's \citeproc{ref-key}{Smith, 2020}: a link around a citation already written.
_CITE_NAMES = (
    r"[Cc]ite(?!proc)[A-Za-z]*|[Pp]arencites?|[Tt]extcites?|[Aa]utocites?|[Ss]martcites?"
    r"|[Ff]ootcites?|[Ff]ootcitetexts?|[Ss]upercites?|[Ff]ullcite[A-Za-z]*|[Ff]ootfullcite"
    r"|[Ss]hortcite[A-Za-z]*|nocite"
)
CITE_COMMAND = re.compile(r"\\(" + _CITE_NAMES + r")(\*?)(?![A-Za-z])")

# biblatex's multicite commands: \textcites(pre)(post)[pre][post]{a}[pre][post]{b}...
MULTICITE_COMMANDS = frozenset(
    {"cites", "parencites", "textcites", "autocites", "smartcites", "footcites"}
    | {"footcitetexts", "supercites"}
)
_MAX_NOTE = 300  # characters in one [note] or (note)
_MAX_KEYS = 2_000  # characters in one {key,key} group
_MAX_KEY_GROUPS = 64


@dataclass(frozen=True, slots=True)
class CiteGroup:
    """One ``[pre][post]{key,key}`` part of a citation command."""

    notes: tuple[str, ...]  # the bracketed notes before the keys: () , (post,), (pre, post)
    keys: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CiteCommand:
    """A LaTeX citation command as written: ``\\textcites(see)()[p. 3]{a}{b}``."""

    name: str  # without the backslash and star: "textcites", "citeA", "nocite"
    start: int
    end: int  # after the last key group
    groups: tuple[CiteGroup, ...]
    global_notes: tuple[str, ...] = ()  # a multicite's (pre)(post), or (post)

    @property
    def multicite(self) -> bool:
        return self.name.lower() in MULTICITE_COMMANDS


def _skip_blank(text: str, position: int) -> int:
    """Past spaces and at most one line break: TeX ignores them between arguments."""
    newline = False
    while position < len(text) and text[position] in " \t\r\n":
        if text[position] == "\n":
            if newline:
                return position
            newline = True
        position += 1
    return position


def _notes(text: str, position: int, opener: str, closer: str) -> tuple[list[str], int]:
    """Up to two notes (``(pre)(post)`` or ``[pre][post]``) from ``position``; the notes,
    and the offset after the last one read."""
    notes: list[str] = []
    while len(notes) < 2:
        at = _skip_blank(text, position)
        if not text.startswith(opener, at):
            break
        after = _note(text, at, opener, closer)
        if after < 0:
            break
        notes.append(text[at + 1 : after - 1])
        position = after
    return notes, position


def _note(text: str, position: int, opener: str, closer: str) -> int:
    """The offset after a note opening at ``text[position] == opener``, or -1."""
    close = text.find(closer, position + 1, position + _MAX_NOTE)
    if close < 0 or text.find("\n\n", position, close) >= 0:
        return -1
    # A brace group may hide the closer: [{see [3]}]; skip to the one after it.
    inner = text.find("{", position + 1, close)
    if inner >= 0 and opener == "[":
        depth = 0
        cursor = position + 1
        limit = min(len(text), position + _MAX_NOTE)
        while cursor < limit:
            char = text[cursor]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == closer and depth <= 0:
                return cursor + 1
            cursor += 1
        return -1
    return close + 1


def parse_cite_command(text: str, match: re.Match[str]) -> CiteCommand | None:
    """The citation command that ``CITE_COMMAND`` matched, with its notes and keys.

    Reads what LaTeX reads: optional ``[notes]`` and the ``{keys}`` group, with spaces or
    one line break between them; a multicite command takes ``(pre)(post)`` first and then
    any number of ``[pre][post]{keys}`` groups. Every argument is bounded in length, so
    the work per command is bounded too. ``None`` when no key group follows.
    """
    name = match.group(1)
    multicite = name.lower() in MULTICITE_COMMANDS
    position = match.end()
    global_notes: list[str] = []
    if multicite:
        global_notes, position = _notes(text, position, "(", ")")
    groups: list[CiteGroup] = []
    for _ in range(_MAX_KEY_GROUPS if multicite else 1):
        group_start = _skip_blank(text, position)
        notes, cursor = _notes(text, position, "[", "]")
        at = _skip_blank(text, cursor)
        if not text.startswith("{", at):
            break
        close = text.find("}", at + 1, at + _MAX_KEYS)
        if close < 0 or text.find("{", at + 1, close) >= 0:
            break
        keys = tuple(key.strip() for key in text[at + 1 : close].split(",") if key.strip())
        groups.append(CiteGroup(tuple(notes), keys, group_start, close + 1))
        position = close + 1
    if not groups:
        return None
    return CiteCommand(name, match.start(), position, tuple(groups), tuple(global_notes))


def cite_commands(text: str) -> Iterator[CiteCommand]:
    """Every citation command in ``text``, in order (linear: each one is bounded)."""
    for match in CITE_COMMAND.finditer(text):
        command = parse_cite_command(text, match)
        if command is not None:
            yield command
