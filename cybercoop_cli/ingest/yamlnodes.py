"""Safe YAML with line numbers: the only module that imports PyYAML.

Documents are composed with PyYAML's safe loader into nodes and converted here, so
that every mapping remembers the line it starts on, duplicate keys are reported
instead of silently overwritten, and aliases are refused: notes and review files have
no use for them, and refusing them defuses "billion laughs" alias bombs outright.

Most notes use a small part of YAML (block mappings and lists, one-line plain scalars,
flow lists of words). :func:`load_simple` reads that part directly, several times faster
than composing nodes with libyaml and converting them; it gives exactly the value
:func:`load_yaml` would give and declines (returns :data:`NOT_SIMPLE`) on anything else,
including anything that would be an error, which the general path then reports.
"""

from __future__ import annotations

import re
from typing import Any, Final

from cybercoop_cli.errors import InputError


class YamlError(InputError):
    """The text is not acceptable YAML: a syntax error, a duplicate key, an alias."""


class YamlMap(dict[str, Any]):
    """A mapping that also knows the line of itself and of each of its keys."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list[Any]):
    """A sequence that also knows the line each of its items starts on."""

    item_lines: list[int]


def load_yaml(text: str, *, file: str, first_line: int = 1) -> Any:
    """Parse one YAML document; errors raise :class:`InputError` naming file and line.

    ``first_line`` is the line of ``text``'s first line in ``file`` (front matter
    starts after the opening ``---``).
    """
    value = load_simple(text, first_line)
    if value is not NOT_SIMPLE:
        return value
    return load_general(text, file=file, first_line=first_line)


def load_general(text: str, *, file: str, first_line: int = 1) -> Any:
    """:func:`load_yaml` through libyaml's composer, for any YAML at all."""
    import yaml

    # libyaml's parser is about ten times faster and gives the same nodes and marks.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        lines = text.splitlines()
        # The mark may sit past the last line (a bracket never closed).
        source_line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
        message = explain_yaml_error(reason, source_line)
        raise YamlError(message, file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}", file=file) from None
    except RecursionError:
        raise YamlError(_TOO_DEEP, file=file, line=first_line) from None
    if node is None:
        return None
    try:
        return _Converter(file, first_line).convert(node)
    except RecursionError:
        raise YamlError(_TOO_DEEP, file=file, line=first_line) from None


# A field with a value that itself holds ": " (an unquoted colon), as in
# "summary: Two views: one and the other".
_UNQUOTED_COLON = re.compile(r"^\s*(?:-\s+)?[^\s:'\"#][^:]*:\s+([^'\"\s].*?:(?:\s.*)?)$")


def explain_yaml_error(reason: str, line: str) -> str:
    """libyaml's complaint in plain words: the usual cause, and what to do about it.

    Students meet a handful of YAML mistakes again and again: a colon inside an unquoted
    value, a tab used for indentation, a long text continued on a line that is not
    indented. libyaml names the symptom ("mapping values are not allowed here"); this names
    the cause, from ``line`` (the text of the line it stopped at), and keeps libyaml's words.
    """
    colon = _UNQUOTED_COLON.match(line)
    if "\t" in line and ("\t" in reason or "tab" in reason or line.lstrip(" ").startswith("\t")):
        cause = (
            "a tab in the indentation; YAML indents with spaces only: replace the tab with spaces"
        )
    elif "mapping values are not allowed" in reason and colon:
        value = colon.group(1).strip()
        cause = (
            f"an unquoted colon in the value '{value}' (YAML reads 'word: ' as a new field): "
            f"put the value in double quotes, \"{value}\", or use a '>-' block"
        )
    elif "mapping values are not allowed" in reason:
        cause = (
            "a ': ' where YAML expects none, usually a colon in an unquoted value: put the "
            "value in double quotes"
        )
    elif "could not find expected ':'" in reason or "simple key" in reason:
        cause = (
            "a line that is neither 'field: value' nor indented under the field it continues: "
            "indent the continued text, or put the value in quotes"
        )
    elif "did not find expected key" in reason or "expected <block end>" in reason:
        cause = (
            "the indentation changes where YAML expects the next field or list item: line up "
            "fields of one level, and items of one list, in the same column"
        )
    else:
        return f"YAML syntax error: {reason}"
    return f"YAML syntax error: {cause} (libyaml: {reason})"


_TOO_DEEP = "YAML nested too deeply (hundreds of levels) to read"


class _Converter:
    """Nodes to values; refuses aliases (a node met twice) and merge keys."""

    def __init__(self, file: str, offset: int) -> None:
        import yaml

        self.file = file
        self.offset = offset
        self.seen: set[int] = set()
        self.mapping_node = yaml.MappingNode
        self.sequence_node = yaml.SequenceNode

    def convert(self, node: Any) -> Any:
        if id(node) in self.seen:
            raise YamlError(
                "YAML aliases (*name) are not allowed here",
                file=self.file,
                line=self.offset + node.start_mark.line,
            )
        self.seen.add(id(node))
        kind = type(node)
        if kind is self.mapping_node:
            return self.mapping(node)
        if kind is self.sequence_node:
            if node.flow_style:  # [a, b]: on one line, as the simple path reads it
                return [self.convert(item) for item in node.value]
            result = YamlList(self.convert(item) for item in node.value)
            result.item_lines = [self.offset + item.start_mark.line for item in node.value]
            return result
        return _scalar(node.tag, node.value)

    def mapping(self, node: Any) -> YamlMap:
        offset = self.offset
        line = offset + node.start_mark.line
        result = YamlMap()
        result.line = line
        key_lines: dict[str, int] = {}
        result.key_lines = key_lines
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise YamlError(
                    "YAML merge keys (<<) are not allowed here", file=self.file, line=line
                )
            key = self.convert(key_node)
            key_line = offset + key_node.start_mark.line
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise YamlError(
                    f"duplicate key '{key}' (first on line {key_lines[key]})",
                    file=self.file,
                    line=key_line,
                )
            result[key] = self.convert(value_node)
            key_lines[key] = key_line
        return result


_MERGE: Final = "tag:yaml.org,2002:merge"
_STR: Final = "tag:yaml.org,2002:str"
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _scalar(tag: str, value: str) -> Any:
    """Resolve a scalar by the tag PyYAML's safe resolver gave it; dates stay text."""
    if tag == _STR:
        return value
    kind = tag.rsplit(":", 1)[-1]
    if kind == "null":
        return None
    if kind == "bool":
        return _BOOLS.get(value.lower(), value)
    if kind == "int":
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if kind == "float":
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    return value


# --------------------------------------------------------------------------- the simple part

NOT_SIMPLE: Final[Any] = type("NotSimple", (), {"__repr__": lambda self: "NOT_SIMPLE"})()
"""What :func:`load_simple` returns for text outside the part of YAML it reads."""

# Characters libyaml refuses or treats specially (tabs, C0/C1 controls, NEL, the Unicode
# line and paragraph separators, a BOM, non-characters): text with any is left to libyaml.
_UNUSUAL = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# A key of letters, digits, '_' and '-' (words separated by single spaces).
_KEY = re.compile(r"[^\W\d][\w-]*(?: [\w-]+)*")
# Characters that may not start a plain scalar (YAML's indicators) in this simple part.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_BAD = re.compile(r"[\[\]{}:#'\"]")
_DOUBLE = re.compile(r'"([^"\\]*)"\Z')
_SINGLE = re.compile(r"'([^']*)'\Z")
_BLOCK_STYLES = frozenset((">-", ">", "|-", "|"))
_MAX_KEY = 200  # libyaml refuses simple keys over 1024 characters
_MAX_DEPTH = 40


class _Decline(Exception):
    """The text is outside the simple part: the general path decides."""


_resolvers: dict[str, tuple[tuple[str, Any], ...]] = {}


def _implicit_resolvers() -> dict[str, tuple[tuple[str, Any], ...]]:
    """The safe resolver's implicit resolvers by first character, read from PyYAML itself."""
    if not _resolvers:
        from yaml.resolver import Resolver

        table = Resolver.yaml_implicit_resolvers
        wildcard = tuple(table.get(None, ()))
        for first, pairs in table.items():
            if first is not None:
                _resolvers[first] = tuple(pairs) + wildcard
        if wildcard:  # every first character would need the wildcard: let libyaml decide
            _resolvers.clear()
            raise _Decline
    return _resolvers


# Keys and flow lists recur from note to note (tags, sections, facets): remember them.
_keys: dict[str, str] = {}  # a key's text -> the key, or "" if not a simple key
_flows: dict[str, tuple[Any, ...]] = {}  # a flow list's text -> its items


def _split_key(content: str, resolvers: dict[str, tuple[tuple[str, Any], ...]]) -> tuple[str, str]:
    """``key: rest`` to the key (as :func:`load_general` names it) and the rest; else ``""``."""
    colon = content.find(":")
    if colon < 0:
        return "", ""
    rest = content[colon + 1 :]
    if rest:
        if rest[0] != " ":
            return "", ""
        rest = rest.lstrip(" ")
    text = content[:colon]
    key = _keys.get(text)
    if key is None:
        key = ""
        if len(text) <= _MAX_KEY and _KEY.fullmatch(text):
            key = str(_plain(text, resolvers))
        if len(_keys) < 10_000:
            _keys[text] = key
    return key, rest


def _plain(value: str, resolvers: dict[str, tuple[tuple[str, Any], ...]]) -> Any:
    """A plain scalar's value, resolved exactly as PyYAML's safe resolver does."""
    for tag, regexp in resolvers.get(value[0] if value else "", ()):
        if regexp.match(value):
            return _scalar(tag, value)
    return value


def has_unusual(text: str) -> bool:
    """Whether ``text`` has a character :func:`load_simple` leaves to libyaml (a tab ...)."""
    return _UNUSUAL.search(text) is not None


def plain_scalar(text: str) -> Any:
    """What ``text``, written as a plain scalar, means: as :func:`load_yaml` resolves it.

    Only the resolving: whether ``text`` may be written plain at all is the caller's check.
    Raises :class:`ValueError` where the resolvers cannot be read in this simple way.
    """
    resolvers = _resolvers
    if not resolvers:
        try:
            resolvers = _implicit_resolvers()
        except _Decline:
            raise ValueError("PyYAML's resolvers are not the simple kind") from None
    pairs = resolvers.get(text[:1])
    if pairs is None:
        return text
    for tag, regexp in pairs:
        if regexp.match(text):
            return _scalar(tag, text)
    return text


def load_simple(text: str, first_line: int = 1) -> Any:
    """Read ``text`` if it is in the simple part of YAML, else return :data:`NOT_SIMPLE`.

    The result, line numbers included, is what :func:`load_yaml` gives for the same text.
    """
    if _UNUSUAL.search(text):
        return NOT_SIMPLE
    try:
        return _SimpleParser(text, first_line).document()
    except _Decline:
        return NOT_SIMPLE


class _SimpleParser:
    """Block mappings and sequences of one-line scalars and flow lists, by indentation."""

    def __init__(self, text: str, first_line: int) -> None:
        self.resolvers = _implicit_resolvers()
        # (line number in the file, indent, content) of each line that is not blank or a comment
        lines: list[tuple[int, int, str]] = []
        number = first_line
        comments: set[int] = set()
        for raw in text.split("\n"):
            content = raw.lstrip(" ")
            if content:
                if content[0] != "#":
                    lines.append((number, len(raw) - len(content), content.rstrip(" ")))
                else:
                    comments.add(number)
            number += 1
        self.lines = lines
        self.pos = 0
        # In a block scalar, '#' lines and trailing spaces are content: block scalars are
        # read only where neither is dropped, and where every line ends with a break.
        self.comments = comments
        self.blocks = " \n" not in text and text.endswith("\n")

    def document(self) -> Any:
        if not self.lines:
            return None
        value = self.block(self.lines[0][1], 0)
        if self.pos != len(self.lines):
            raise _Decline
        return value

    def block(self, indent: int, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise _Decline
        content = self.lines[self.pos][2]
        if content == "-" or content.startswith("- "):
            return self.sequence(indent, depth)
        return self.mapping(indent, depth)

    def mapping(self, indent: int, depth: int) -> YamlMap:
        # The hottest loop of reading notes: keys and plain values are handled inline.
        lines = self.lines
        count = len(lines)
        resolvers = self.resolvers
        known_keys = _keys
        pos = self.pos
        result = YamlMap()
        result.line = lines[pos][0]
        key_lines: dict[str, int] = {}
        result.key_lines = key_lines
        while pos < count:
            number, at, content = lines[pos]
            if at != indent:
                if at > indent:
                    raise _Decline
                break
            head, colon, rest = content.partition(": ")
            if not colon:
                head = content[:-1]
                if content[-1] != ":":
                    raise _Decline
            key = known_keys.get(head) or _split_key(content, resolvers)[0]
            if not key or key in result:
                raise _Decline  # the general path reports a duplicate, with both lines
            pos += 1
            value: Any
            if rest:
                rest = rest.lstrip(" ")
                first = rest[0]
                if first in _INDICATORS or ": " in rest or " #" in rest or rest[-1] == ":":
                    if rest in _BLOCK_STYLES:
                        self.pos = pos
                        value = self.block_scalar(rest, indent, number)
                        pos = self.pos
                    else:
                        value = self.scalar(rest)
                elif first in resolvers:
                    value = _plain(rest, resolvers)
                else:
                    value = rest
                if pos < count and lines[pos][1] > indent:
                    raise _Decline  # a continued scalar, or an error
            elif pos < count and lines[pos][1] > indent:
                self.pos = pos
                value = self.block(lines[pos][1], depth + 1)
                pos = self.pos
            elif pos < count and lines[pos][1] == indent and _is_entry(lines[pos][2]):
                self.pos = pos
                value = self.sequence(indent, depth + 1)
                pos = self.pos
            else:
                value = None
            result[key] = value
            key_lines[key] = number
        self.pos = pos
        return result

    def sequence(self, indent: int, depth: int) -> list[Any]:
        lines = self.lines
        count = len(lines)
        result = YamlList()
        item_lines: list[int] = []
        result.item_lines = item_lines
        while self.pos < count:
            number, at, content = lines[self.pos]
            if at != indent or not _is_entry(content):
                if at > indent:
                    raise _Decline
                break
            item_lines.append(number)
            if content == "-":  # the entry's value is on the lines below, or null
                self.pos += 1
                if self.pos < count and lines[self.pos][1] > indent:
                    item_lines[-1] = lines[self.pos][0]  # where the value starts, as libyaml has it
                    result.append(self.block(lines[self.pos][1], depth + 1))
                else:
                    result.append(None)
                continue
            item = content[1:].lstrip(" ")
            if _split_key(item, self.resolvers)[0]:
                # a mapping that starts on the entry's line, at the column of its first key
                lines[self.pos] = (number, indent + len(content) - len(item), item)
                result.append(self.mapping(lines[self.pos][1], depth + 1))
            elif _is_entry(item):
                raise _Decline
            elif item in _BLOCK_STYLES:
                self.pos += 1
                result.append(self.block_scalar(item, indent, number))
            else:
                self.pos += 1
                result.append(self.scalar(item))
            if self.pos < count and lines[self.pos][1] > indent:
                raise _Decline
        return result

    def block_scalar(self, style: str, parent: int, header: int) -> str:
        """``>-``, ``>``, ``|-`` or ``|`` and lines of one indentation, without blank lines."""
        lines = self.lines
        count = len(lines)
        pos = self.pos
        if not self.blocks or pos >= count or lines[pos][1] <= parent:
            raise _Decline
        indent = lines[pos][1]
        previous = header
        parts = []
        while pos < count:
            number, at, content = lines[pos]
            if at < indent:
                break
            if at != indent or number != previous + 1:
                raise _Decline  # more indented lines, or blank lines: libyaml folds those
            parts.append(content)
            previous = number
            pos += 1
        if previous + 1 in self.comments:
            raise _Decline
        self.pos = pos
        text = (" " if style[0] == ">" else "\n").join(parts)
        return text if style[-1] == "-" else text + "\n"

    def scalar(self, text: str) -> Any:
        first = text[0]
        if first == "[":
            known = _flows.get(text)
            if known is not None:
                return list(known)
            if text[-1] != "]":
                raise _Decline
            inner = text[1:-1]
            if not inner.strip(" "):
                return []
            if _FLOW_BAD.search(inner):
                raise _Decline
            items = []
            for part in inner.split(","):
                word = part.strip(" ")
                if not word or word[0] in _INDICATORS:
                    raise _Decline
                items.append(_plain(word, self.resolvers))
            if len(_flows) < 10_000 and len(text) <= 200:
                _flows[text] = tuple(items)
            return items
        if first == '"':
            match = _DOUBLE.match(text)
        elif first == "'":
            match = _SINGLE.match(text)
        else:
            if first in _INDICATORS or ": " in text or " #" in text or text[-1] == ":":
                raise _Decline
            if first not in self.resolvers:
                return text
            return _plain(text, self.resolvers)
        if match is None:
            raise _Decline
        return match.group(1)


def _is_entry(content: str) -> bool:
    return content == "-" or content.startswith("- ")
