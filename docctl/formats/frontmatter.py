"""In-place edits of YAML metadata text: the diff of a lifecycle step is the changed lines only.

Works on the text of a front matter block or a whole sidecar file. Comments, key order, quoting
and every untouched line are kept byte for byte. Only top-level keys are edited; list items are
appended in the style (indentation) the file already uses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from docctl.core.errors import MetadataError

_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]+|[\r\n]|$)")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _@.,:/+()'&-]*")
_RESERVED = {
    "null",
    "Null",
    "NULL",
    "~",
    "true",
    "false",
    "True",
    "False",
    "yes",
    "no",
    "on",
    "off",
    "Yes",
    "No",
    "On",
    "Off",
}


def scalar(value: str) -> str:
    """A YAML scalar for ``value``: plain where YAML reads it back unchanged, else double-quoted."""
    if (
        _PLAIN.fullmatch(value)
        and ": " not in value
        and " #" not in value
        and not value.endswith((":", " "))
        and value not in _RESERVED
    ):
        return value
    return json.dumps(value, ensure_ascii=False)


class MetadataText:
    """Editable YAML metadata: ``lines`` keep their line endings."""

    def __init__(self, text: str) -> None:
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.lines = text.splitlines(keepends=True)
        self.final_newline = not self.lines or self.lines[-1].endswith(("\n", "\r"))
        if not self.final_newline:
            self.lines[-1] += self.newline

    def text(self) -> str:
        """The edited text; a file that did not end with a line break still does not."""
        joined = "".join(self.lines)
        if not self.final_newline and joined.endswith(self.newline):
            return joined[: -len(self.newline)]
        return joined

    # locating ---------------------------------------------------------------------------------
    def _find(self, key: str) -> int | None:
        for index, line in enumerate(self.lines):
            match = _TOP_KEY.match(line)
            if match and match.group("key") == key:
                return index
        return None

    def _block_end(self, start: int) -> int:
        """Index after the last line that belongs to the value of the key on line ``start``."""
        end = start + 1
        last = start + 1
        while end < len(self.lines):
            line = self.lines[end]
            stripped = line.strip()
            if _TOP_KEY.match(line):
                break
            if stripped and not stripped.startswith("#"):
                last = end + 1
            end += 1
        return last

    def has(self, key: str) -> bool:
        return self._find(key) is not None

    # editing ----------------------------------------------------------------------------------
    def set(self, key: str, value: str, *, after: Sequence[str] = ()) -> None:
        """Set a top-level scalar; a new key goes after the first of ``after`` present, else last."""
        index = self._find(key)
        if index is not None:
            quote, comment = _value_style(self.lines[index])
            rendered = f"{key}: {_quoted(value, quote)}{comment}"
            self.lines[index : self._block_end(index)] = [rendered + self.newline]
            return
        self.lines.insert(self._insert_point(after), f"{key}: {scalar(value)}{self.newline}")

    def remove(self, key: str) -> None:
        index = self._find(key)
        if index is not None:
            del self.lines[index : self._block_end(index)]

    def append_item(self, key: str, item: Mapping[str, str], *, after: Sequence[str] = ()) -> None:
        """Append a mapping to the block list ``key`` (created when missing or empty)."""
        index = self._find(key)
        if index is not None:
            value, comment = _split_value(self.lines[index])
            if value not in ("", "[]"):
                if value.startswith("["):
                    raise MetadataError(f"'{key}' is written as a flow list; write it as a block list to edit it")
                raise MetadataError(f"'{key}' is not a list")
            if value == "[]":
                self.lines[index] = f"{key}:{comment}{self.newline}"
            end = self._block_end(index)
            indent, dash = self._item_style(index + 1, end)
        else:
            position = self._insert_point(after)
            self.lines.insert(position, f"{key}:" + self.newline)
            index, end = position, position + 1
            indent, dash = "  ", "- "
        rendered = []
        for number, (name, value) in enumerate(item.items()):
            prefix = indent + (dash if number == 0 else " " * len(dash))
            rendered.append(f"{prefix}{name}: {scalar(value)}{self.newline}")
        self.lines[end:end] = rendered

    def _item_style(self, start: int, end: int) -> tuple[str, str]:
        for line in self.lines[start:end]:
            match = re.match(r"^([ \t]*)(-[ \t]+)\S", line)
            if match:
                return match.group(1), match.group(2)
        return "  ", "- "

    def _insert_point(self, after: Sequence[str]) -> int:
        for key in after:
            index = self._find(key)
            if index is not None:
                return self._block_end(index)
        end = len(self.lines)
        while end > 0 and not self.lines[end - 1].strip():
            end -= 1
        return end


def _split_value(line: str) -> tuple[str, str]:
    """(value text, trailing `` # comment``) of a ``key: value`` line; quoted values may hold ``#``."""
    body = line.rstrip("\r\n")
    rest = body.split(":", 1)[1]
    stripped = rest.lstrip(" \t")
    end = _quoted_end(stripped)
    if end is None:
        match = re.search(r"[ \t]+#.*$", rest)
        if match is None:
            return rest.strip(), ""
        return rest[: match.start()].strip(), match.group(0)
    value, after = stripped[:end], stripped[end:]
    comment = after if re.fullmatch(r"[ \t]+#.*", after) else ""
    return value, comment


def _quoted_end(text: str) -> int | None:
    """Index after the closing quote when ``text`` starts with a quoted scalar that closes on this line."""
    if text.startswith('"'):
        match = re.match(r'"(?:[^"\\]|\\.)*"', text)
    elif text.startswith("'"):
        match = re.match(r"'(?:[^']|'')*'", text)
    else:
        return None
    return match.end() if match else None


def _value_style(line: str) -> tuple[str, str]:
    """The quote character of a line's value (``"``, ``'`` or empty for plain) and its trailing comment."""
    value, comment = _split_value(line)
    quote = value[0] if value[:1] in ('"', "'") and _quoted_end(value) == len(value) else ""
    return quote, comment


def _quoted(value: str, quote: str) -> str:
    """``value`` written in the quoting style an existing value used (plain where YAML allows it)."""
    if quote == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    if quote == '"':
        return json.dumps(value, ensure_ascii=False)
    return scalar(value)


def split_front_matter(text: str) -> tuple[str, str, str]:
    """(opening line, YAML text, closing line and body) of a Markdown file with front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise MetadataError("no front matter")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return lines[0], "".join(lines[1:index]), "".join(lines[index:])
    raise MetadataError("front matter is never closed with '---'")
