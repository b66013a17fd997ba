"""A fast reader for the plain YAML that metadata almost always is; anything else is left to PyYAML.

It understands top-level ``key: value`` lines with plain, quoted or empty values, flow lists of
simple items (``[a, "b"]``), block lists of scalars, and block lists of flat mappings (the
``approvals`` list). For anything it does not understand — tabs, anchors, tags, multi-line or
escaped scalars, nested structures, comments after values, duplicate keys — it returns None and
the caller uses the full parser, so the result is always exactly what :func:`docctl.yamlio.load_yaml`
gives (a property the test suite checks).
"""

from __future__ import annotations

import re

from docctl.adapters.yamlio import LoadedYaml, YamlValue

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
_ITEM = re.compile(r"( *)- +([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
_SCALAR_ITEM = re.compile(r"( *)- +(.*)$")
_CONT = re.compile(r"( +)([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
_PLAIN_BAD_START = frozenset("[]{}&*!|>'\"%@`#,?:-")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
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
