"""Safe YAML with line numbers: the only module that imports PyYAML.

Documents are composed with PyYAML's safe loader into nodes and converted here, so
that every mapping remembers the line it starts on, duplicate keys are reported
instead of silently overwritten, and aliases are refused: notes and review files have
no use for them, and refusing them defuses "billion laughs" alias bombs outright.

:func:`plain_scalar` resolves one plain scalar as the safe loader does, for the notes'
common-shape reader (:mod:`.notes`), which reads most notes without composing nodes.
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


# --------------------------------------------------------------------------- plain scalars

# Characters libyaml refuses or treats specially (tabs, C0/C1 controls, NEL, the Unicode
# line and paragraph separators, surrogates, a BOM, non-characters): the notes'
# common-shape reader leaves text with any of them to load_yaml. Listed, not written as
# the complement of what is allowed: that class took 17 ms to compile, on every start.
_UNUSUAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")

_resolvers: dict[str, tuple[tuple[str, Any], ...]] = {}


def has_unusual(text: str) -> bool:
    """Whether ``text`` has a character that only :func:`load_yaml` should judge (a tab ...)."""
    return _UNUSUAL.search(text) is not None


def plain_scalar(text: str) -> Any:
    """What ``text``, written as a plain scalar, means: as :func:`load_yaml` resolves it.

    Only the resolving, by PyYAML's own implicit resolvers (read from PyYAML itself):
    whether ``text`` may be written plain at all is the caller's check.
    """
    if not _resolvers:
        from yaml.resolver import Resolver

        table = Resolver.yaml_implicit_resolvers
        if table.get(None):  # a resolver for every first character: not this simple kind
            raise ValueError("PyYAML's resolvers are not the simple kind")
        _resolvers.update({first: tuple(pairs) for first, pairs in table.items()})
    for tag, regexp in _resolvers.get(text[:1], ()):
        if regexp.match(text):
            return _scalar(tag, text)
    return text
