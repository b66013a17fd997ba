"""Safe YAML reading: every scalar is a string, duplicate keys and aliases are refused, lines kept.

The result is plain Python data (``dict``, ``list``, ``str``, ``None``) and a map from a dotted
location (``approvals[1].role``) to the 1-based line of that key or item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docctl.core.errors import DocumentReadError

YamlValue = Any  # dict[str, YamlValue] | list[YamlValue] | str | None

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
MAX_YAML_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class LoadedYaml:
    data: YamlValue
    lines: dict[str, int]


def load_yaml(text: str, *, first_line: int = 1) -> LoadedYaml:
    """Parse one YAML document. ``first_line`` is the file line of the text's first line.

    Raises DocumentReadError(message, line=...) for anything that is not plain, safe YAML.
    """
    if len(text) > MAX_YAML_BYTES:
        raise DocumentReadError("metadata larger than 1 MiB", line=first_line)
    if text.startswith("\ufeff"):
        raise DocumentReadError("byte order mark (BOM) before the metadata; save as UTF-8 without BOM", line=first_line)
    from docctl.adapters.fastyaml import load_simple

    simple = load_simple(text, first_line=first_line)
    if simple is not None:
        return simple
    return load_full(text, first_line=first_line)


def load_full(text: str, *, first_line: int = 1) -> LoadedYaml:
    """The full (libyaml) parser; :func:`load_yaml` uses it when the fast reader declines."""
    import yaml

    try:
        node = yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark is not None else first_line
        problem = error.problem or error.context or "invalid YAML"
        raise DocumentReadError(f"invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as error:
        raise DocumentReadError(f"invalid YAML: {_one_line(str(error))}", line=first_line) from None
    lines: dict[str, int] = {}
    if node is None:
        return LoadedYaml(None, lines)
    try:
        data = _convert(node, "", lines, first_line, set())
    except _AliasFound:
        alias = _alias_line(text)
        if alias is None:
            raise DocumentReadError("YAML anchors (&name) are not accepted in metadata", line=first_line) from None
        raise DocumentReadError("YAML aliases (*name) are not accepted in metadata", line=first_line + alias) from None
    return LoadedYaml(data, lines)


class _AliasFound(Exception):
    pass


def _loader() -> Any:
    """libyaml's composer where PyYAML was built with it (about 15 times faster), else the pure one."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _alias_line(text: str) -> int | None:
    """0-based line of the first alias (the composed tree only shows the anchored node)."""
    import yaml

    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, yaml.AliasEvent):
            return int(event.start_mark.line)
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _convert(node: Any, where: str, lines: dict[str, int], offset: int, seen: set[int]) -> YamlValue:
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    line = offset + node.start_mark.line
    if id(node) in seen:
        raise _AliasFound
    seen.add(id(node))
    if isinstance(node, ScalarNode):
        value = str(node.value)
        if not node.style and value in _NULLS:
            return None
        return value
    if isinstance(node, SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            key = f"{where}[{index}]"
            lines[key] = offset + item.start_mark.line
            items.append(_convert(item, key, lines, offset, seen))
        return items
    if isinstance(node, MappingNode):
        result: dict[str, YamlValue] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise DocumentReadError("a metadata key must be plain text", line=offset + key_node.start_mark.line)
            key = str(key_node.value)
            key_line = offset + key_node.start_mark.line
            if key == "<<":
                raise DocumentReadError("YAML merge keys (<<) are not accepted in metadata", line=key_line)
            if key in result:
                first = lines.get(f"{where}.{key}" if where else key)
                raise DocumentReadError(f"duplicate key '{key}' (first on line {first})", line=key_line)
            path = f"{where}.{key}" if where else key
            lines[path] = key_line
            result[key] = _convert(value_node, path, lines, offset, seen)
        return result
    raise DocumentReadError("unsupported YAML node", line=line)  # pragma: no cover
