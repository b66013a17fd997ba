"""Safe YAML reading: every scalar is a string, duplicate keys and aliases are refused, lines kept.

The result is plain Python data (``dict``, ``list``, ``str``, ``None``) and a map from a dotted
location (``approvals[1].role``) to the 1-based line of that key or item.

Two readers give that result. A fast reader (:func:`load_simple`) handles the plain YAML that
metadata almost always is: top-level ``key: value`` lines with plain, quoted or empty values, flow
lists of simple items (``[a, "b"]``), block lists of scalars, and block lists of flat mappings (the
``approvals`` list), every item of a list in the same column. For anything it does not understand
— a character Python does not count as printable (tabs, CR and other control characters, the
characters YAML reads as line breaks, non-ASCII spaces, BOM), anchors, tags, multi-line or escaped
scalars, nested structures, comments after values, duplicate keys, keys over 128 characters — it
declines, and the full parser (:func:`load_full`, PyYAML) reads the text. So the result is always
exactly what the full parser gives, and text the full parser refuses is never accepted (a property
the test suite checks: tests/test_fastyaml.py, docs/testing.md).
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

#: Longer keys are declined: YAML limits an implicit key to 1024 characters.
_MAX_KEY = 128
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
_ITEM = re.compile(r"( *)(- +)([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
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
    if text[0] in _PLAIN_BAD_START or ": " in text or " #" in text or text.endswith((":", " ")):
        raise _Unsupported
    return None if text in _NULLS else text


def _flow(text: str) -> list[YamlValue]:
    """The items of a flow list of simple scalars written on one line, ``[a, "b"]``."""
    inner = text[1:-1].strip(" ")
    if not inner:
        return []
    items: list[YamlValue] = []
    for part in inner.split(","):
        item = part.strip(" ")
        if not item:
            raise _Unsupported
        if item[0] in "\"'":
            items.append(_scalar(item))
        elif _FLOW_ITEM.fullmatch(item) and ": " not in item and not item.endswith(":") and item[0] not in "-?:":
            items.append(None if item in _NULLS else item)
        else:
            raise _Unsupported
    return items


def load_simple(text: str, *, first_line: int = 1) -> LoadedYaml | None:
    """Parse ``text`` if it is simple metadata YAML, else None."""
    try:
        return _FastReader(first_line).read(text.split("\n"))
    except _Unsupported:
        return None


class _FastReader:
    """Top-level ``key: value`` lines, flow lists, and block lists of scalars or of flat mappings."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.data: dict[str, YamlValue] = {}
        self.where: dict[str, int] = {}
        self.items: list[YamlValue] | None = None  # the block list being read (None: not in one)
        self.list_key = ""
        self.indent = -1  # the column of the list's dashes (-1 before its first item)
        self.item: dict[str, YamlValue] | None = None  # the mapping item being read
        self.item_path = ""
        self.item_indent = -1  # the column of the mapping item's keys

    def read(self, lines: list[str]) -> LoadedYaml:
        for offset, line in enumerate(lines):
            number = self.first_line + offset
            if not line.isprintable():
                # Python's printable characters are fewer than YAML's: no control characters (tab
                # and CR included), no line or paragraph separators, no BOM, no non-ASCII spaces.
                raise _Unsupported
            body = line.lstrip(" ")
            if not body or body[0] == "#":
                if body and len(body) < len(line) and self.items is None:
                    raise _Unsupported  # an indented comment outside a list: let the full parser judge
                continue
            if line[0] != " " and line[0] != "-":
                self._key(line, number)
            elif self.items is None:
                raise _Unsupported
            elif body[0] == "-":
                self._item(line, len(line) - len(body), number)
            else:
                self._continuation(line, number)
        return LoadedYaml(self.data or None, self.where)

    def _key(self, line: str, number: int) -> None:
        match = _KEY.match(line)
        if not match or len(match.group(1)) > _MAX_KEY or match.group(1) in self.data:
            raise _Unsupported
        key, value = match.group(1), (match.group(2) or "").rstrip(" ")
        self.where[key] = number
        self.items, self.item = None, None
        if value.startswith("["):
            if not value.endswith("]"):
                raise _Unsupported
            items = _flow(value)
            for index in range(len(items)):
                self.where[f"{key}[{index}]"] = number
            self.data[key] = items
        elif value == "":
            self.data[key] = None
            self.items, self.list_key, self.indent = [], key, -1
        else:
            self.data[key] = _scalar(value)

    def _item(self, line: str, indent: int, number: int) -> None:
        """A ``- `` line: every item of a list starts in the same column."""
        assert self.items is not None
        if self.indent == -1:
            self.indent = indent
            self.data[self.list_key] = self.items
        elif indent != self.indent:
            raise _Unsupported
        path = f"{self.list_key}[{len(self.items)}]"
        match = _ITEM.match(line)
        if match:
            if len(match.group(3)) > _MAX_KEY:
                raise _Unsupported
            self.item, self.item_path = {}, path
            self.item_indent = len(match.group(1)) + len(match.group(2))
            self.where[path] = number
            self.items.append(self.item)
            self._put(match.group(3), (match.group(4) or "").rstrip(" "), number)
            return
        scalar = _SCALAR_ITEM.match(line)
        if scalar is None:
            raise _Unsupported
        value = scalar.group(2).rstrip(" ")
        if value.startswith(("[", "{", "- ")) or value == "-":
            raise _Unsupported
        self.item = None
        self.where[path] = number
        self.items.append(_scalar(value))

    def _continuation(self, line: str, number: int) -> None:
        """A further ``key: value`` line of the mapping item being read, in the column of its first key."""
        match = _CONT.match(line)
        if self.item is None or match is None or len(match.group(1)) != self.item_indent:
            raise _Unsupported
        if len(match.group(2)) > _MAX_KEY:
            raise _Unsupported
        self._put(match.group(2), (match.group(3) or "").rstrip(" "), number)

    def _put(self, key: str, value: str, number: int) -> None:
        assert self.item is not None
        if key in self.item or value.startswith("["):
            raise _Unsupported
        self.item[key] = _scalar(value)
        self.where[f"{self.item_path}.{key}"] = number


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
