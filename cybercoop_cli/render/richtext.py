"""BibTeX field values as pandoc inline lists, with case protection, as pandoc reads them.

CSL processors need more than plain text from a ``.bib`` field: italics (``\\emph``),
quotation marks, and above all which words are protected from case changes (``{DNA}``).
Pandoc's BibTeX reader turns every braced group into a ``Span`` and, for English entries,
converts titles to sentence case while leaving braced words alone; CSL styles that want
title case then capitalise again. This module reproduces that reading, so that a title
renders the same whether pandoc reads the ``.bib`` itself or gets our CSL data.

Inlines are pandoc JSON AST nodes (``{"t": "Str", "c": "word"}``): the same structure
the renderer hands to pandoc, so text never passes through a markup parser and cannot
turn into markup (a title holding ``<script>`` or ``\\input`` stays text).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from cybercoop_cli.ingest.latex import (
    ACCENT_COMMANDS,
    DROP_ARGUMENT,
    FONT_SWITCH,
    METAVARIABLE,
    TUGBOAT_MACROS,
    latex_to_unicode,
)

Inline = dict[str, Any]

_SPACE_RUN = re.compile(r"[ \t\r\n]+")
_ACCENT_SYMBOLS = frozenset("`'^~=.\"")
_ACCENT_LETTERS = frozenset("uvHckrdbt")
_ESCAPES = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " "}
_EMPH = frozenset({"emph", "textit", "textsl", "mkbibemph", "mkbibitalic"})
_STRONG = frozenset({"textbf", "mkbibbold"})
# biblatex's wrappers expand to a braced group, so pandoc reads them as protected.
# (csquotes' \enquote is a quotation pandoc's reader knows: a bare Quoted, so a style
# may move the punctuation after it inside the marks, as American styles do.)
_GROUPED = frozenset({"mkbibemph", "mkbibitalic", "mkbibbold", "mkbibquote"})
_SYMBOL_COMMANDS = {"hyphen": "-", "textnumero": "№", "textsection": "§"}
_QUOTE = frozenset({"mkbibquote", "enquote", "mkbibenquote"})
_SWITCHES = {"em": "Emph", "it": "Emph", "itshape": "Emph", "sl": "Emph", "bf": "Strong"}
_SWITCHES.update({"bfseries": "Strong", "sc": "SmallCaps", "scshape": "SmallCaps"})
# Font switches that change no emphasis pandoc keeps: ``{\tt SYSDEP}`` is typewriter type
# (code, as pandoc reads it), ``{\sf x}``, ``{\rm x}`` only change the family.
_CODE_SWITCHES = frozenset({"tt", "ttfamily"})
_PLAIN_SWITCHES = frozenset(
    {"sf", "sffamily", "rm", "rmfamily", "upshape", "mdseries", "normalfont", "tt", "ttfamily"}
    | {"cal", "frak", "Bbb"}
)
# Spacing commands: \, is a thin space (pandoc reads U+2006), \; and \: wider ones, \!
# a negative thin space (nothing).
_SPACING = {",": "\u2006", ";": "\u2005", ":": "\u2005", "!": ""}
# Spaces by name: \quad an em space, \qquad two, \enspace an en space, \space a space.
_SPACE_WORDS = {"quad": "\u2003", "qquad": "\u2003\u2003", "enspace": "\u2002", "space": " "}
# \/ (an italic correction) prints nothing; \- (a place the word may break) is a soft
# hyphen, as pandoc reads it.
_INVISIBLE = {"/": "", "-": "\u00ad"}
# Commands that print their own text: biblatex's page suffixes (\psq "f.", \psqq "ff.",
# after a thin space) and TUGboat's spaced em dash; TUGboat's other macros (logos, the
# abbreviations tugboat.def spells out) are TUGBOAT_MACROS, shared with the core's decoder.
_TEXT_COMMANDS = {"psq": "\u2006f.", "psqq": "\u2006ff.", "Dash": "\u2009—\u2009"}
# Plain TeX's and TUGboat's font selections (\eightrm, \ninesmc, \sltt, \acrosl, the
# logo font \manual: FONT_SWITCH) change the type, and glue and line-breaking commands
# (\hfil, \nobreak) the spacing: none prints text.
_NOTHING = frozenset({"break", "nobreak", "unskip", "ignorespaces", "leavevmode"})
_GLUE = frozenset({"hfil", "hfill", "hss"})
# The letter after an accent on an empty group (\'{}\i, \'{}a).
_EMPTY_ACCENT_LETTER = re.compile(r"(\\[ij](?![A-Za-z])|[A-Za-z])")
# \phantom{x} and friends take up x's room but print nothing.
_PHANTOMS = frozenset({"phantom", "hphantom", "vphantom"})
# Spacing primitives and their dimension (\kern1pt), \raise.25ex and \lower.5ex (which
# move the box after them: its text prints), and \char'134 (a character code).
_SKIPS = frozenset({"kern", "mkern", "hskip", "vskip", "hspace", "vspace", "raise", "lower"})
_UNIT = r"(?:pt|em|ex|mm|cm|in|bp|sp|mu|pc|dd|cc|fil+)"
_DIMENSION = re.compile(
    rf"\s*(?:\{{[^{{}}]*\}}|-?[\d.]+\s*{_UNIT}(?:\s*(?:plus|minus)\s*-?[\d.]+\s*{_UNIT})*)"
)
_CHAR_CODE = re.compile(r"\s*('[0-7]+|\"[0-9A-Fa-f]+|`\\?.|\d+)")
# An accent on a character the decoder does not compose (\=2 in a Miller index, 11\=22):
# the base character and the combining mark, as pandoc reads it.
_COMBINING = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    '"': "\u0308",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
    "t": "\u0361",
}


def text_node(text: str) -> Inline:
    return {"t": "Str", "c": text}


SPACE: Inline = {"t": "Space"}


def words(text: str) -> list[Inline]:
    """Plain text as ``Str`` and ``Space`` nodes (what pandoc's ``B.text`` builds)."""
    out: list[Inline] = []
    for index, word in enumerate(_SPACE_RUN.split(text.strip())):
        if index:
            out.append(SPACE)
        if word:
            out.append(text_node(word))
    return out


def span(children: list[Inline], classes: Sequence[str] = ()) -> Inline:
    return {"t": "Span", "c": [["", list(classes), []], children]}


def stringify(inlines: Iterable[Inline]) -> str:
    """The text of an inline list, formatting dropped (quotes kept as curly marks)."""
    parts: list[str] = []
    for node in inlines:
        kind = node["t"]
        if kind == "Str":
            parts.append(node["c"])
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Math", "Code"):
            parts.append(node["c"][1])
        elif kind == "Quoted":
            double = node["c"][0]["t"] == "DoubleQuote"
            inner = stringify(node["c"][1])
            parts.append(f"“{inner}”" if double else f"‘{inner}’")
        else:
            parts.append(stringify(children(node)))
    return "".join(parts)


def children(node: Inline) -> list[Inline]:
    """The child inlines of a container node (empty for leaves)."""
    kind = node["t"]
    if kind in ("Emph", "Strong", "SmallCaps", "Superscript", "Subscript", "Underline"):
        return list(node["c"])
    if kind in ("Strikeout",):
        return list(node["c"])
    if kind in ("Span", "Quoted", "Link"):
        return list(node["c"][1])
    return []


def _with_children(node: Inline, new: list[Inline]) -> Inline:
    kind = node["t"]
    if kind in ("Span", "Quoted"):
        return {"t": kind, "c": [node["c"][0], new]}
    if kind == "Link":
        return {"t": kind, "c": [node["c"][0], new, node["c"][2]]}
    return {"t": kind, "c": new}


# --------------------------------------------------------------------------- LaTeX reading


class _Reader:
    """A small recursive reader for the LaTeX found in bibliography fields."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.stopped = False  # whether the last read ended at its stop (not the text's end)

    def _single_close(self) -> bool:
        """A ``'`` here closes a `single quotation`: not an apostrophe inside a word
        (it's), not half of ``''`` (as pandoc's reader decides)."""
        text, pos = self.text, self.pos
        if text[pos] != "'" or text.startswith("''", pos):
            return False
        return pos + 1 >= len(text) or not text[pos + 1].isalnum()

    def read(self, stop: str = "") -> list[Inline | str]:
        """Read pieces (text or inline nodes) up to ``stop`` (``}``, ``''``, or ``'`` for
        a single quotation's close) or the end."""
        text = self.text
        pieces: list[Inline | str] = []
        while self.pos < len(text):
            if stop == "'" and self._single_close():
                self.pos += 1
                self.stopped = True
                return pieces
            if stop in ("'", "''") and text[self.pos] == "}":
                break  # the group ends first: no quotation
            if stop and stop != "'" and text.startswith(stop, self.pos):
                self.pos += len(stop)
                self.stopped = True
                return pieces
            char = text[self.pos]
            if char == "{":
                self.pos += 1
                pieces.append(self._group())
            elif char == "}":  # unbalanced closing brace: drop it
                self.pos += 1
            elif char == "\\":
                pieces.extend(self._command())
            elif char == "$":
                pieces.append(self._math())
            elif text.startswith("``", self.pos):
                # ``quoted'': a quotation, unless its group ends first ({``A}''): then
                # the marks are text and the group keeps its words' case
                start = self.pos = self.pos + 2
                quoted = self.read("''")
                if self.stopped:
                    pieces.append({"t": "Quoted", "c": [{"t": "DoubleQuote"}, finish(quoted)]})
                else:
                    self.pos = start
                    pieces.append("“")
                    pieces.extend(self.read(stop))
                    return pieces
            elif text.startswith("---", self.pos):
                self.pos += 3
                pieces.append("—")
            elif text.startswith("--", self.pos):
                self.pos += 2
                pieces.append("–")
            elif char == "~":
                self.pos += 1
                pieces.append("\u00a0")
            elif text.startswith("''", self.pos):
                self.pos += 2
                pieces.append("”")  # LaTeX's closing double quote, as a ligature
            elif char == "'":
                self.pos += 1
                pieces.append("’")
            elif char == "`":
                # `quoted': a quotation, so the style decides its marks (APA's double
                # quotes, single ones inside a quoted title); unclosed, a plain mark.
                start = self.pos = self.pos + 1
                quoted = self.read("'")
                if self.stopped:
                    pieces.append({"t": "Quoted", "c": [{"t": "SingleQuote"}, finish(quoted)]})
                else:
                    self.pos = start
                    pieces.append("‘")
                    pieces.extend(self.read(stop))
                    return pieces
            else:
                end = self.pos + 1
                while end < len(text) and text[end] not in "{}\\$`'-~":
                    end += 1
                pieces.append(text[self.pos : end])
                self.pos = end
        self.stopped = False
        return pieces

    def _group(self) -> Inline:
        # {\em text} and friends switch a style on for the rest of the group.
        match = re.compile(r"\\([A-Za-z]+)\s*").match(self.text, self.pos)
        if match and match.group(1) in _SWITCHES:
            self.pos = match.end()
            inner = finish(self.read("}"))
            return span([{"t": _SWITCHES[match.group(1)], "c": inner}])
        if match and match.group(1) in _PLAIN_SWITCHES:
            self.pos = match.end()
            inner = finish(self.read("}"))
            if match.group(1) in _CODE_SWITCHES:
                return span([{"t": "Code", "c": [["", [], []], stringify(inner)]}])
            return span(inner)
        inner = finish(self.read("}"))
        if len(inner) == 1 and inner[0]["t"] == "Span" and inner[0]["c"][0] == ["", [], []]:
            return inner[0]  # {{Word}}: one protection, as pandoc reads it
        return span(inner)

    def _argument(self) -> list[Inline]:
        """One command argument: a braced group's content, or the next character."""
        text = self.text
        while self.pos < len(text) and text[self.pos] in " \t\n":
            self.pos += 1
        if self.pos < len(text) and text[self.pos] == "{":
            self.pos += 1
            return finish(self.read("}"))
        if self.pos < len(text):
            self.pos += 1
            return words(text[self.pos - 1])
        return []

    def _raw_argument(self) -> str:
        """The source text of the next argument (for accents and URLs)."""
        start = self.pos
        text = self.text
        while self.pos < len(text) and text[self.pos] in " \t\n":
            self.pos += 1
        if self.pos < len(text) and text[self.pos] == "{":
            depth = 0
            while self.pos < len(text):
                if text[self.pos] == "{":
                    depth += 1
                elif text[self.pos] == "}":
                    depth -= 1
                    if depth == 0:
                        self.pos += 1
                        break
                elif text[self.pos] == "\\":
                    self.pos += 1
                self.pos += 1
        elif text.startswith("\\", self.pos):
            match = re.compile(r"\\[A-Za-z]+").match(text, self.pos)
            self.pos = match.end() if match else self.pos + 2
        elif self.pos < len(text):
            self.pos += 1
        return text[start : self.pos]

    def _command(self) -> list[Inline | str]:
        text = self.text
        self.pos += 1  # the backslash
        if self.pos >= len(text):
            return []
        char = text[self.pos]
        if not char.isalpha():
            self.pos += 1
            if char == "<" and (meta := METAVARIABLE.match(text, self.pos - 2)):
                self.pos = meta.end()
                return ["⟨" + meta.group(1) + "⟩"]
            if char in _ACCENT_SYMBOLS:
                argument = self._raw_argument()
                if argument == "{}" and (letter := _EMPTY_ACCENT_LETTER.match(text, self.pos)):
                    # \'{}\i: the accent set before the letter, written for an accented
                    # letter the font lacked (P{\'{}\i}{\v{s}}ka is Píška)
                    self.pos = letter.end()
                    argument = "{" + letter.group(1) + "}"
                return [_accent(char, argument)]
            if char in _SPACING:
                return [_SPACING[char]]
            if char in _INVISIBLE:
                return [_INVISIBLE[char]] if _INVISIBLE[char] else []
            if char == "\\":
                return [" "]
            return [_ESCAPES.get(char, char)]
        match = re.compile(r"[A-Za-z]+\*?").match(text, self.pos)
        assert match is not None
        name = match.group(0).rstrip("*")
        self.pos = match.end()
        if name in _GROUPED:
            self.pos -= len(match.group(0))
            self.pos -= 1
            return [span(finish(self._formatted(name)))]
        if name in _SPACE_WORDS:
            self._skip_space()
            return [_SPACE_WORDS[name]]
        if name in _SYMBOL_COMMANDS:
            self._skip_space()
            return [_SYMBOL_COMMANDS[name]]
        if len(name) == 1 and name in _ACCENT_LETTERS:
            return [_accent(name, "{" + self._raw_argument().strip(" {}") + "}")]
        if name in ACCENT_COMMANDS and self.text.startswith("{", self.pos):
            accent = ACCENT_COMMANDS[name]
            return [_accent(accent, "{" + self._raw_argument().strip(" {}") + "}")]
        if name in _TEXT_COMMANDS:
            if self.text.startswith("{}", self.pos):
                self.pos += 2
            return [_TEXT_COMMANDS[name]]
        if name in TUGBOAT_MACROS:
            # a control word: the space after it only ends it (\MF\ or {\MF} keep one)
            if self.text.startswith("{}", self.pos):
                self.pos += 2
            else:
                self._skip_space()
            return [TUGBOAT_MACROS[name]]
        if name in _PHANTOMS or name in DROP_ARGUMENT:
            self._raw_argument()
            return []
        if name in _SKIPS:
            # \kern1pt, \hskip 2em plus 1fil, \hspace{1em}: space, not text
            match = _DIMENSION.match(text, self.pos)
            self.pos = match.end() if match else self.pos
            return []
        if name == "char":
            match = _CHAR_CODE.match(text, self.pos)
            if match:
                self.pos = match.end()
                return [_char(match.group(1))]
        if name in _EMPH:
            return [{"t": "Emph", "c": self._argument()}]
        if name in _STRONG:
            return [{"t": "Strong", "c": self._argument()}]
        if name == "textsc":
            return [{"t": "SmallCaps", "c": self._argument()}]
        if name in ("textsuperscript", "mkbibsuperscript"):
            return [{"t": "Superscript", "c": self._argument()}]
        if name in ("textsubscript", "mkbibsubscript"):
            return [{"t": "Subscript", "c": self._argument()}]
        if name in _QUOTE:
            return [{"t": "Quoted", "c": [{"t": "DoubleQuote"}, self._argument()]}]
        if name == "url":
            # A link, as pandoc's LaTeX reader makes it: clickable in HTML and DOCX.
            target = self._raw_argument().strip().strip("{}")
            return [{"t": "Link", "c": [["", ["uri"], []], [text_node(target)], [target, ""]]}]
        if name == "href":
            target = self._raw_argument().strip().strip("{}")
            return [{"t": "Link", "c": [["", [], []], self._argument(), [target, ""]]}]
        if name in ("nolinkurl", "path"):
            return [self._raw_argument().strip().strip("{}")]
        if name == "cs":
            # TUGboat's \cs{name}: the control sequence \name, as typewriter code
            return [{"t": "Code", "c": [["", [], []], "\\" + stringify(self._argument())]}]
        if name == "texttt":
            code = stringify(self._argument())
            return [{"t": "Code", "c": [["", [], []], code]}]
        if name in _GLUE:
            self._skip_space()
            return [" "]  # stretchable space between words
        if (
            name in _SWITCHES
            or name in _PLAIN_SWITCHES
            or name in _NOTHING
            or FONT_SWITCH.fullmatch(name)
        ):
            self._skip_space()
            return []  # a switch outside a group: nothing to wrap
        if name in ("mkbibparens",):
            return ["(", *self._argument(), ")"]
        if name in ("mkbibbrackets",):
            return ["[", *self._argument(), "]"]
        # Letters and symbols (\ss, \o, \ldots, \LaTeX ...) and commands that keep their
        # argument (\textup, \mbox ...): the core's decoder knows them.
        rest = text[self.pos :]
        if rest.startswith("{") and _takes_argument(name):
            inner = self._argument()
            return list(inner)
        self._skip_space()
        decoded = latex_to_unicode("\\" + name)
        return [decoded] if decoded != "\\" + name else []

    def _skip_space(self) -> None:
        """White space after a control word only ends the word."""
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def _formatted(self, name: str) -> list[Inline | str]:
        """Read ``\\name{...}`` again as the plain command (without the group wrapper)."""
        match = re.compile(r"\\[A-Za-z]+\*?").match(self.text, self.pos)
        assert match is not None
        self.pos = match.end()
        if name in _QUOTE:
            return [{"t": "Quoted", "c": [{"t": "DoubleQuote"}, self._argument()]}]
        kind = "Strong" if name in _STRONG else "Emph"
        return [{"t": kind, "c": self._argument()}]

    def _math(self) -> Inline:
        end = self.text.find("$", self.pos + 1)
        if end < 0:
            self.pos += 1
            return text_node("$")
        # TeX ignores spaces in math: "$ \Lambda $" is the formula \Lambda, and so
        # pandoc's reader keeps it ("for \Lambda: An overview", not "\Lambda :").
        formula = self.text[self.pos + 1 : end].strip()
        self.pos = end + 1
        return {"t": "Math", "c": [{"t": "InlineMath"}, formula]}


def _char(code: str) -> str:
    """TeX's character code: ``'134`` octal, ``"5C`` hexadecimal, `` `\\x`` the character."""
    if code.startswith("'"):
        return chr(int(code[1:], 8))
    if code.startswith('"'):
        return chr(int(code[1:], 16))
    if code.startswith("`"):
        return code[-1]
    return chr(int(code))


def _accent(accent: str, argument: str) -> str:
    """``\\=`` + ``{o}`` -> ``ō``; on a base the decoder cannot compose (a digit, a
    dotless i), the base followed by the combining mark."""
    decoded = latex_to_unicode("\\" + accent + argument)
    if "\\" not in decoded:
        return decoded
    escaped = argument.strip()
    if len(escaped) == 2 and escaped[0] == "\\" and escaped[1] in _ESCAPES:
        # \^\{: the accent on the escaped character (a brace), as LaTeX sets it
        return unicodedata.normalize("NFC", _ESCAPES[escaped[1]] + _COMBINING[accent])
    base = latex_to_unicode(argument.strip().strip("{}").strip())
    if not base or "\\" in base:
        return decoded
    return unicodedata.normalize("NFC", base[0] + _COMBINING[accent] + base[1:])


def _takes_argument(name: str) -> bool:
    decoded = latex_to_unicode("\\" + name + "{x}")
    return decoded == "x"


def finish(pieces: Iterable[Inline | str]) -> list[Inline]:
    """Join runs of text and split them into ``Str``/``Space`` nodes."""
    out: list[Inline] = []
    buffer: list[str] = []

    def flush() -> None:
        if not buffer:
            return
        text = "".join(buffer)
        buffer.clear()
        parts = _SPACE_RUN.split(text)
        for index, part in enumerate(parts):
            if index:
                out.append(SPACE)
            if part:
                if out and out[-1]["t"] == "Str":
                    out[-1] = text_node(out[-1]["c"] + part)
                else:
                    out.append(text_node(part))

    for piece in pieces:
        if isinstance(piece, str):
            buffer.append(piece)
        else:
            flush()
            out.append(piece)
    flush()
    return _normalise(out)


def _normalise(nodes: list[Inline]) -> list[Inline]:
    """NFC text, no leading, trailing or doubled spaces."""
    out: list[Inline] = []
    for node in nodes:
        if node["t"] == "Str":
            node = text_node(unicodedata.normalize("NFC", node["c"]))
        if node["t"] == "Space" and (not out or out[-1]["t"] == "Space"):
            continue
        out.append(node)
    while out and out[-1]["t"] == "Space":
        out.pop()
    return out


def latex_inlines(raw: str) -> list[Inline]:
    """Read one BibTeX field value (LaTeX as written) into pandoc inlines."""
    return finish(_Reader(raw.strip()).read())


def protect_case(nodes: list[Inline]) -> list[Inline]:
    """Mark braced groups ``nocase`` when they hold a lowercase word (pandoc's protectCase)."""
    return _walk(_walk(nodes, _protect), _unprotect)


# --------------------------------------------------------------------------- case changes
# A port of citeproc's caseTransform (the library pandoc uses), restricted to sentence
# case, and of pandoc's protectCase, which treats braced groups as protected.

_START, _START_SENTENCE, _AFTER_WORD_END, _AFTER_WORD_CHAR = range(4)
_AFTER_SENTENCE_END, _AFTER_OTHER, _BEFORE_LAST_WORD = range(4, 7)
_WORD_BREAKS = frozenset("-/\u2013\u2014")


def _is_word_break(char: str) -> bool:
    return char in _WORD_BREAKS or char.isspace()


def _is_capitalised(chunk: str) -> bool:
    return bool(chunk) and chunk[0].isupper() and all(c.islower() for c in chunk[1:])


def _same_type(a: str, b: str) -> bool:
    # pandoc 3.9 keeps a word whole whatever its script: "DÜSSELDORF" is one all-caps
    # chunk (kept), not "D", "Ü", "SSELDORF" (which would print "düSSELDORF").
    return (a.isalnum() and b.isalnum()) or (a.isspace() and b.isspace())


def _split_up(text: str) -> list[str]:
    chunks: list[str] = []
    for char in text:
        if chunks and _same_type(chunks[-1][0], char):
            chunks[-1] += char
        else:
            chunks.append(char)
    return chunks


def _sentence_case(state: int, chunk: str) -> str:
    at_start = state in (_START, _START_SENTENCE)
    if _is_capitalised(chunk) and not at_start:
        return chunk.lower()
    if (_is_capitalised(chunk) or all(c.islower() for c in chunk)) and at_start:
        lowered = chunk.lower()
        return lowered[:1].upper() + lowered[1:]
    return chunk


class _CaseTransform:
    def __init__(self, change: Callable[[int, str], str]) -> None:
        self.change = change
        self.state = _START

    def chunk(self, text: str) -> str:
        state = self.state
        if text:
            last = text[-1]
            if last in ".?!:":
                self.state = _AFTER_SENTENCE_END
            elif last.isalnum():
                self.state = _AFTER_WORD_CHAR
            elif last.isspace() and state == _AFTER_SENTENCE_END:
                self.state = _START_SENTENCE
            elif _is_word_break(last):
                self.state = _AFTER_WORD_END
            elif state not in (_START, _START_SENTENCE):
                self.state = _AFTER_OTHER
            # other punctuation at a sentence's start keeps it there, as in pandoc 3.9:
            # "[A dictionary of] ...", "Schreiben: (Nicht nur) ...", "“Session” based"
        return self.change(state, text) if all(c.isalnum() for c in text) else text

    def top(self, nodes: list[Inline]) -> list[Inline]:
        if (
            len(nodes) > 1
            and nodes[-1]["t"] == "Str"
            and not any(map(_is_word_break, nodes[-1]["c"]))
        ):
            head = [self.node(n) for n in nodes[:-1]]
            if self.state in (_AFTER_WORD_END, _START_SENTENCE, _START):
                self.state = _BEFORE_LAST_WORD
            return [*head, self.node(nodes[-1])]
        return [self.node(n) for n in nodes]

    def skip(self, node: Inline) -> Inline:
        self.chunk("".join(_str_texts([node])))
        return node

    def node(self, node: Inline) -> Inline:
        kind = node["t"]
        if kind == "Str":
            return text_node("".join(self.chunk(c) for c in _split_up(node["c"])))
        if kind == "Space":
            self.chunk(" ")
            return node
        if kind in ("SmallCaps", "Superscript", "Subscript"):
            return self.skip(node)
        if kind == "Span":
            classes = node["c"][0][1]
            if "nocase" in classes:
                if self.state == _AFTER_WORD_CHAR and classes == ["nocase"]:
                    self.skip(node)
                    return span(node["c"][1])
                return self.skip(node)
            return _with_children(node, [self.node(n) for n in node["c"][1]])
        if kind in ("Emph", "Strong", "Underline", "Strikeout", "Quoted", "Link"):
            return _with_children(node, [self.node(n) for n in children(node)])
        return node


def _str_texts(nodes: Iterable[Inline]) -> Iterable[str]:
    for node in nodes:
        if node["t"] == "Str":
            yield node["c"]
        else:
            yield from _str_texts(children(node))


def _walk(nodes: list[Inline], change: Callable[[Inline], Inline]) -> list[Inline]:
    """Apply ``change`` bottom-up to every node, as pandoc's ``walk`` does."""
    out: list[Inline] = []
    for node in nodes:
        kids = children(node)
        if kids:
            node = _with_children(node, _walk(kids, change))
        out.append(change(node))
    return out


def _protect(node: Inline) -> Inline:
    if node["t"] == "Span" and node["c"][0] == ["", [], []]:
        return span(node["c"][1], ["nocase"])
    return node


def _has_lowercase_word(nodes: list[Inline]) -> bool:
    for node in nodes:
        if node["t"] != "Str":
            continue
        for piece in re.split(r"([^\w\s])", node["c"]):
            if piece and piece[0].islower():
                return True
    return False


def _unprotect(node: Inline) -> Inline:
    if node["t"] == "Span" and node["c"][0] == ["", ["nocase"], []]:
        kids = node["c"][1]
        return span(kids, ["nocase"]) if _has_lowercase_word(kids) else span(kids)
    return node


def sentence_case(nodes: list[Inline]) -> list[Inline]:
    """Pandoc's ``unTitlecase``: sentence case, braced groups protected."""
    protected = _walk(nodes, _protect)
    changed = _CaseTransform(_sentence_case).top(protected)
    return _walk(changed, _unprotect)


def concat_with(separator: str, parts: Sequence[list[Inline]]) -> list[Inline]:
    """Join title parts as pandoc does: ``Title: Subtitle. Addon``, no doubled punctuation."""
    out: list[Inline] = []
    for part in parts:
        if not part:
            continue
        if not out:
            out = list(part)
            continue
        last = out[-1]
        if last["t"] == "Str" and last["c"] and last["c"][-1] in "!?.,:;":
            out = [*out, SPACE, *part]
        elif last["t"] == "Str":
            out = [*out[:-1], text_node(last["c"] + separator), SPACE, *part]
        else:
            out = [*out, text_node(separator), SPACE, *part]
    return out


# --------------------------------------------------------------------------- CSL-JSON text


def to_csl_markup(nodes: Iterable[Inline]) -> str:
    """Inlines as a CSL-JSON rich-text string (``<i>``, ``<b>``, ``<span class="nocase">``)."""
    parts: list[str] = []
    for node in nodes:
        kind = node["t"]
        if kind == "Str":
            parts.append(node["c"])
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind == "Emph":
            parts.append(f"<i>{to_csl_markup(node['c'])}</i>")
        elif kind == "Strong":
            parts.append(f"<b>{to_csl_markup(node['c'])}</b>")
        elif kind == "SmallCaps":
            inner = to_csl_markup(node["c"])
            parts.append(f'<span style="font-variant:small-caps;">{inner}</span>')
        elif kind == "Superscript":
            parts.append(f"<sup>{to_csl_markup(node['c'])}</sup>")
        elif kind == "Subscript":
            parts.append(f"<sub>{to_csl_markup(node['c'])}</sub>")
        elif kind == "Span" and "nocase" in node["c"][0][1]:
            parts.append(f'<span class="nocase">{to_csl_markup(node["c"][1])}</span>')
        elif kind == "Quoted":
            double = node["c"][0]["t"] == "DoubleQuote"
            inner = to_csl_markup(node["c"][1])
            parts.append(f"“{inner}”" if double else f"‘{inner}’")
        elif kind in ("Math", "Code"):
            parts.append(node["c"][1])
        else:
            parts.append(to_csl_markup(children(node)))
    return "".join(parts)


# --------------------------------------------------------------------------- typed quotes


def curly_quotes(nodes: list[Inline]) -> list[Inline]:
    """Typed “…” (what Zotero and Word export) as quotations, as pandoc's reader takes them.

    A quotation is a ``Quoted`` node, so a style can flip it to single marks inside its own
    quotes (Chicago) or use its locale's marks (OSCOLA). An unmatched mark stays as text.
    """
    if not any(n["t"] == "Str" and ("“" in n["c"] or "”" in n["c"]) for n in nodes):
        return [_with_children(n, curly_quotes(children(n))) if children(n) else n for n in nodes]
    # Each frame collects the inlines of one open quotation (the first is the outside).
    frames: list[list[Inline]] = [[]]

    def add_text(text: str) -> None:
        if text:
            frames[-1].append(text_node(text))

    for node in nodes:
        if node["t"] != "Str":
            frames[-1].append(
                _with_children(node, curly_quotes(children(node))) if children(node) else node
            )
            continue
        for piece in re.split(r"([“”])", node["c"]):
            if piece == "“":
                frames.append([])
            elif piece == "”" and len(frames) > 1:
                inner = frames.pop()
                frames[-1].append({"t": "Quoted", "c": [{"t": "DoubleQuote"}, inner]})
            else:
                add_text(piece)
    while len(frames) > 1:  # an opening mark never closed: put it back as text
        inner = frames.pop()
        frames[-1].extend([text_node("“"), *inner])
    return _merge_strs(frames[0])


def _merge_strs(nodes: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for node in nodes:
        if node["t"] == "Str" and out and out[-1]["t"] == "Str":
            out[-1] = text_node(out[-1]["c"] + node["c"])
        else:
            out.append(node)
    return out
