"""Clues from a Markdown file: its own front matter (a foreign schema), the first heading, and a
document-control table or ``Label: value`` lines near the top (read through markdown-it-py tokens).

A file that opens with ``---`` has front matter only when the block up to the next ``---`` is a
YAML mapping; otherwise the ``---`` is a thematic break of the body and the file has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from docctl.adapters.text import decode_text
from docctl.adapters.yamlio import load_yaml
from docctl.config.model import Config
from docctl.core.errors import DocumentReadError
from docctl.formats.markdown import title_heading
from docctl.lifecycle.adopt.controltable import HISTORY_HEADING, line_clue, table_clues
from docctl.lifecycle.adopt.plan import Clue
from docctl.lifecycle.adopt.synonyms import field_of

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

#: How far down the body a document-control block is looked for.
TOP_LINES = 40
_KEY_LINE = re.compile(r"^[A-Za-z_][\w .-]*:(\s|$)")


@dataclass(frozen=True, slots=True)
class MarkdownSource:
    """A Markdown file as adopt sees it: its text split at its front matter (if it has any)."""

    text: str  # decoded, without a byte order mark
    bom: bool
    newline: str  # the file's line break: "\r\n" or "\n"
    metadata: Mapping[str, Any] | None  # the front matter's mapping; None without front matter
    head: str  # the opening "---" line of the front matter ("" without one)
    front: str  # the YAML text of the front matter ("" without one)
    rest: str  # the closing line and the body; the whole text without front matter
    body: str
    body_line: int


def read_source(data: bytes) -> MarkdownSource:
    """Split a Markdown file; DocumentReadError for binary or non-UTF-8 data, or front matter that
    looks like YAML but does not parse."""
    if b"\x00" in data[:8192]:
        raise DocumentReadError("binary file, not Markdown text", line=1)
    text, bom = decode_text(data)
    first_break = text.find("\n")
    newline = "\r\n" if first_break > 0 and text[first_break - 1] == "\r" else "\n"
    lines = text.splitlines(keepends=True)
    if lines and lines[0].rstrip() == "---":
        close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if close is not None:
            front = "".join(lines[1:close])
            metadata = _front_matter(front)
            if metadata is not None:
                rest = "".join(lines[close:])
                body = "".join(lines[close + 1 :])
                return MarkdownSource(text, bom, newline, metadata, lines[0], front, rest, body, close + 2)
    return MarkdownSource(text, bom, newline, None, "", "", text, text, 1)


def _front_matter(front: str) -> Mapping[str, Any] | None:
    """The mapping of a front matter block; None when the block is not front matter at all."""
    try:
        loaded = load_yaml(front, first_line=2)
    except DocumentReadError as error:
        first = next((line for line in front.splitlines() if line.strip()), "")
        if _KEY_LINE.match(first):
            detail = error.message.removeprefix("invalid YAML: ")
            raise DocumentReadError(f"its front matter is not valid YAML: {detail}", line=error.line) from None
        return None
    if loaded.data is None and not front.strip():
        return {}
    return loaded.data if isinstance(loaded.data, dict) else None


def clues(source: MarkdownSource, config: Config) -> Iterator[Clue]:
    """Every clue of the file: front matter first, then the heading, then the control block."""
    fields = config.adopt.fields
    for key, value in (source.metadata or {}).items():
        name = field_of(key, fields)
        text = _text(value)
        if name and text:
            yield Clue(name, text, f"front matter '{key}'", "front matter")
    heading, line = title_heading(source.body, source.body_line)
    if heading:
        yield Clue("heading", heading, f"first heading (line {line})", "heading")
    yield from _control_block(source, fields)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    return None


def _control_block(source: MarkdownSource, fields: Mapping[str, str]) -> Iterator[Clue]:
    """Clues of the tables and ``Label: value`` lines in the first lines of the body."""
    top = "".join(source.body.splitlines(keepends=True)[:TOP_LINES])
    tokens = _parser().parse(top)
    rows: list[list[str]] = []
    table_line = 0
    in_table = False
    first_heading = True
    for index, token in enumerate(tokens):
        line = source.body_line + (token.map[0] if token.map else 0)
        if token.type == "heading_open":
            text = tokens[index + 1].content
            if not first_heading and HISTORY_HEADING.search(text):
                return
            first_heading = False
        elif token.type == "table_open":
            in_table, rows, table_line = True, [], line
        elif token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and in_table and rows:
            rows[-1].append(_plain(token.content))
        elif token.type == "table_close":
            in_table = False
            yield from table_clues(rows, f"control table (line {table_line})", fields)
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            for offset, text in enumerate(token.content.split("\n")):
                plain = _plain(text)
                clue = line_clue(plain, f"line {line + offset} '{_short(plain)}'", fields)
                if clue is not None:
                    yield clue


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _plain(text: str) -> str:
    """Cell or line text without Markdown emphasis and escapes."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text).replace("**", "").replace("__", "").strip()


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")
