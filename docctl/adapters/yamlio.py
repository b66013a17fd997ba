"""Safe YAML reading: every scalar is a string, duplicate keys and aliases are refused, lines kept.

The result is plain Python data (``dict``, ``list``, ``str``, ``None``) and a map from a dotted
location (``approvals[1].role``) to the 1-based line of that key or item.

Two readers give that result. A fast reader (:func:`load_simple`) handles the plain YAML that
metadata almost always is: top-level ``key: value`` lines with plain, quoted or empty values, flow
lists of simple items (``[a, "b"]``), block lists of scalars, and block lists of flat mappings (the
``approvals`` list). For anything it does not understand — tabs, anchors, tags, multi-line or
escaped scalars, nested structures, comments after values, duplicate keys — it declines, and the
full parser (:func:`load_full`, PyYAML) reads the text, so the result is always exactly what the
full parser gives (a property the test suite checks).
"""

from __future__ import annotations

import re
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
    simple = load_simple(text, first_line=first_line)
    if simple is not None:
        return simple
    return load_full(text, first_line=first_line)


# the fast reader ---------------------------------------------------------------------------

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
_ITEM = re.compile(r"( *)- +([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
_SCALAR_ITEM = re.compile(r"( *)- +(.*)$")
_CONT = re.compile(r"( +)([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
_PLAIN_BAD_START = frozenset("[]{}&*!|>'\"%@`#,?:-")
_FLOW_ITEM = re.compile(r"[^\[\]{},'\"#&*!|>%@`]+")


class _Unsupported(Exception):
    pass


def _scalar(text: str) -> str | None:
    """The value of a scalar written on one line (None for null); _Unsupported when unsure."""
    if text == "":
        return None
    if text[0] == '"':
        if len(text) < 2 or text[-1] != '"' or "\\" in text or '"' in text[1:-1]:
            raise _Unsupported
        return text[1:-1]
    if text[0] == "'":
        if len(text) < 2 or text[-1] != "'" or "'" in text[1:-1]:
            raise _Unsupported
        return text[1:-1]
    if text[0] in _PLAIN_BAD_START or ": " in text or " #" in text or text.endswith((":", " ")) or "\t" in text:
        raise _Unsupported
    return None if text in _NULLS else text


def _flow(text: str) -> list[YamlValue]:
    inner = text[1:-1].strip()
    if not inner:
        return []
    items: list[YamlValue] = []
    for part in inner.split(","):
        item = part.strip()
        if not item:
            raise _Unsupported
        if item[0] in "\"'":
            items.append(_scalar(item))
        elif _FLOW_ITEM.fullmatch(item) and ": " not in item and not item.endswith(":") and item[0] not in "-?":
            items.append(None if item in _NULLS else item)
        else:
            raise _Unsupported
    return items


def load_simple(text: str, *, first_line: int = 1) -> LoadedYaml | None:
    """Parse ``text`` if it is simple metadata YAML, else None."""
    if "\t" in text or "\r" in text:
        return None
    try:
        return _parse(text.split("\n"), first_line)
    except _Unsupported:
        return None


def _parse(lines: list[str], first_line: int) -> LoadedYaml:
    data: dict[str, YamlValue] = {}
    where: dict[str, int] = {}
    current_list: list[YamlValue] | None = None
    list_key = ""
    item: dict[str, YamlValue] | None = None
    item_path = ""
    item_indent = -1
    for offset, line in enumerate(lines):
        number = first_line + offset
        if not line.strip() or line.lstrip().startswith("#"):
            if line.strip() and line[0] != "#" and current_list is None:
                raise _Unsupported  # an indented comment outside a list: let the full parser judge
            continue
        if line[0] != " " and line[0] != "-":
            match = _KEY.match(line)
            if not match:
                raise _Unsupported
            key, value = match.group(1), (match.group(2) or "")
            if key in data or key == "<<":
                raise _Unsupported
            where[key] = number
            current_list, item = None, None
            value = value.rstrip(" ")
            if value.startswith("["):
                if not value.endswith("]"):
                    raise _Unsupported
                items = _flow(value)
                for index in range(len(items)):
                    where[f"{key}[{index}]"] = number
                data[key] = items
            elif value == "":
                data[key] = None
                current_list, list_key = [], key
            else:
                data[key] = _scalar(value)
            continue
        if current_list is None:
            raise _Unsupported
        match = _ITEM.match(line)
        if match:
            indent = len(match.group(1))
            if data.get(list_key) is None:
                data[list_key] = current_list
            elif data[list_key] is not current_list:
                raise _Unsupported
            item = {}
            item_path = f"{list_key}[{len(current_list)}]"
            where[item_path] = number
            current_list.append(item)
            item_indent = indent + len(line) - len(line.lstrip(" -")) - indent
            key, value = match.group(2), (match.group(3) or "").rstrip(" ")
            _put(item, item_path, key, value, number, where)
            continue
        match = _CONT.match(line)
        if match and item is not None and len(match.group(1)) == item_indent:
            key, value = match.group(2), (match.group(3) or "").rstrip(" ")
            _put(item, item_path, key, value, number, where)
            continue
        match = _SCALAR_ITEM.match(line)
        if match and item is None:
            if data.get(list_key) is None:
                data[list_key] = current_list
            value = match.group(2).rstrip(" ")
            if value.startswith(("[", "{", "- ")) or value == "-":
                raise _Unsupported
            where[f"{list_key}[{len(current_list)}]"] = number
            current_list.append(_scalar(value))
            continue
        raise _Unsupported
    return LoadedYaml(data or None, where)


def _put(item: dict[str, YamlValue], path: str, key: str, value: str, number: int, where: dict[str, int]) -> None:
    if key in item or key == "<<" or value.startswith("["):
        raise _Unsupported
    item[key] = _scalar(value)
    where[f"{path}.{key}"] = number


# the full parser ---------------------------------------------------------------------------


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
