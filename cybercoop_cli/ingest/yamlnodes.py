"""Safe YAML with line numbers: the only module that imports PyYAML.

Documents are composed with PyYAML's safe loader into nodes and converted here, so
that every mapping remembers the line it starts on, duplicate keys are reported
instead of silently overwritten, and aliases are refused: notes and review files have
no use for them, and refusing them defuses "billion laughs" alias bombs outright.
"""

from __future__ import annotations

from typing import Any

from cybercoop_cli.errors import InputError


class YamlError(InputError):
    """The text is not acceptable YAML: a syntax error, a duplicate key, an alias."""


class YamlMap(dict[str, Any]):
    """A mapping that also knows the line of itself and of each of its keys."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


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
        raise YamlError(f"YAML syntax error: {reason}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}", file=file) from None
    if node is None:
        return None
    return _convert(node, file, first_line, set())


def _convert(node: Any, file: str, offset: int, seen: set[int]) -> Any:
    import yaml

    line = offset + node.start_mark.line
    if id(node) in seen:
        raise YamlError("YAML aliases (*name) are not allowed here", file=file, line=line)
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        result = YamlMap()
        result.line = line
        result.key_lines = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError("YAML merge keys (<<) are not allowed here", file=file, line=line)
            key = _convert(key_node, file, offset, seen)
            key_line = offset + key_node.start_mark.line
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise YamlError(
                    f"duplicate key '{key}' (first on line {result.key_lines[key]})",
                    file=file,
                    line=key_line,
                )
            result[key] = _convert(value_node, file, offset, seen)
            result.key_lines[key] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, file, offset, seen) for item in node.value]
    return _scalar(node.tag, node.value)


_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _scalar(tag: str, value: str) -> Any:
    """Resolve a scalar by the tag PyYAML's safe resolver gave it; dates stay text."""
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
