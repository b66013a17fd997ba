"""In-place edits of YAML metadata text: the diff of a lifecycle step is the changed lines only.

Works on the text of a front matter block or a whole sidecar file. Comments, key order, quoting
and every untouched line are kept byte for byte. Only top-level keys are edited; list items are
appended in the style (indentation) the file already uses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from docctl.errors import MetadataError

_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]+|$)")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _@.,:/+()'&-]*")
_RESERVED = {"null", "Null", "NULL", "~", "true", "false", "True", "False", "yes", "no", "on", "off", "Yes", "No", "On", "Off"}


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
        if self.lines and not self.lines[-1].endswith(("\n", "\r")):
            self.lines[-1] += self.newline

    def text(self) -> str:
        return "".join(self.lines)

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
        rendered = f"{key}: {scalar(value)}"
        index = self._find(key)
        if index is not None:
            old = self.lines[index]
            comment = _trailing_comment(old)
            self.lines[index : self._block_end(index)] = [rendered + comment + self.newline]
            return
        self.lines.insert(self._insert_point(after), rendered + self.newline)

    def remove(self, key: str) -> None:
        index = self._find(key)
        if index is not None:
            del self.lines[index : self._block_end(index)]

    def append_item(self, key: str, item: Mapping[str, str], *, after: Sequence[str] = ()) -> None:
        """Append a mapping to the block list ``key`` (created when missing or empty)."""
        index = self._find(key)
        if index is not None:
            value = self.lines[index].split(":", 1)[1].split("#", 1)[0].strip()
            if value not in ("", "[]"):
                if value.startswith("["):
                    raise MetadataError(f"'{key}' is written as a flow list; write it as a block list to edit it")
                raise MetadataError(f"'{key}' is not a list")
            if value == "[]":
                self.lines[index] = f"{key}:" + self.newline
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


def _trailing_comment(line: str) -> str:
    """A `` # comment`` after a plain scalar value, kept when the value is replaced."""
    body = line.rstrip("\r\n")
    match = re.search(r"[ \t]+#.*$", body)
    if match and '"' not in body and "'" not in body:
        return match.group(0)
    return ""


def split_front_matter(text: str) -> tuple[str, str, str]:
    """(opening line, YAML text, closing line and body) of a Markdown file with front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise MetadataError("no front matter")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return lines[0], "".join(lines[1:index]), "".join(lines[index:])
    raise MetadataError("front matter is never closed with '---'")
