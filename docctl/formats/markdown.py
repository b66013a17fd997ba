"""Markdown with YAML front matter: bytes in, metadata mapping, body and line numbers out.

The body is read through markdown-it-py tokens (CommonMark, plus tables and footnotes): the title
heading, and for the reference extraction the body's prose, links and headings, each with the line
it is written on (from the token maps). Prose is what a reader reads: code blocks, code spans,
HTML comments, inline HTML, autolinks and link targets are not prose.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal

from docctl.adapters.text import decode_text
from docctl.adapters.yamlio import LoadedYaml, YamlValue, load_yaml
from docctl.core.errors import DocumentReadError

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from markdown_it.utils import EnvType

__all__ = [
    "FrontMatter",
    "Heading",
    "Link",
    "MarkdownBody",
    "MarkdownContent",
    "MarkdownMemo",
    "Prose",
    "decode_text",
    "read_body",
    "read_markdown",
    "title_heading",
]


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Where the front matter sits in the file: lines are 1-based, ``close`` is the closing ``---``."""

    open_line: int
    close_line: int


@dataclass(frozen=True, slots=True)
class MarkdownContent:
    metadata: YamlValue | None  # None: the file has no front matter
    lines: dict[str, int]
    body: str
    body_line: int
    bom: bool
    front_matter: FrontMatter | None
    heading: str | None  # the title heading (a level-1 heading that opens the body)
    heading_line: int | None


class MarkdownMemo:
    """The previous version of one file, for :func:`read_markdown`: a version whose front matter
    (or body) is the same text as the last one's reuses its parsed YAML (or its title heading and
    the very body object, which lets the fingerprint reuse its hash of the body). Bodies longer
    than ``keep`` characters are not kept (their text would stay in memory)."""

    __slots__ = ("body", "front", "heading", "keep", "loaded")

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.front: str | None = None
        self.loaded: LoadedYaml | None = None
        self.body: str | None = None
        self.heading: tuple[str | None, int | None] = (None, None)  # the title heading, its line in the body


def read_markdown(data: bytes, memo: MarkdownMemo | None = None) -> MarkdownContent:
    if b"\x00" in data[:8192]:
        raise DocumentReadError("binary file, not Markdown text", line=1)
    text, bom = decode_text(data)
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        heading, heading_line = title_heading(text, 1)
        return MarkdownContent(None, {}, text, 1, bom, None, heading, heading_line)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        raise DocumentReadError("front matter opened on line 1 is never closed with '---'", line=1)
    front = "".join(lines[1:index])
    if memo is not None and memo.loaded is not None and memo.front == front:
        loaded = memo.loaded
    else:
        loaded = load_yaml(front, first_line=2)
        if memo is not None:
            memo.front, memo.loaded = front, loaded
    body = "".join(lines[index + 1 :])
    body_line = index + 2
    if memo is not None and memo.body is not None and memo.body == body:
        body = memo.body  # the same object: its fingerprint part is known
        heading, offset = memo.heading  # the body may have moved (the front matter grew)
        heading_line = body_line + offset if offset is not None else None
    else:
        heading, heading_line = title_heading(body, body_line)
        if memo is not None:
            kept = len(body) <= memo.keep
            offset = heading_line - body_line if heading_line is not None else None
            memo.body, memo.heading = (body if kept else None), (heading, offset)
    return MarkdownContent(
        loaded.data,
        loaded.lines,
        body,
        body_line,
        bom,
        FrontMatter(1, index + 1),
        heading,
        heading_line,
    )


# --- the title heading -----------------------------------------------------------------------------


def title_heading(body: str, first_line: int) -> tuple[str | None, int | None]:
    """The level-1 heading that opens the body (its first block, HTML comments aside), if any.

    Only the start of the body is parsed, block structure only: up to the line after its first
    non-blank line, more while the first block runs to the end of what was parsed (a setext
    underline or the rest of a comment may follow). Every version of every document in history
    goes through here on a cold check.
    """
    size = _blank_lines(body) + 2
    while True:
        decided, heading = _heading_in(*_first_lines(body, size))
        if decided:
            return (heading[0], first_line + heading[1]) if heading is not None else (None, None)
        size *= 4


@lru_cache(maxsize=4096)
def _heading_in(chunk: str, complete: bool) -> tuple[bool, tuple[str, int] | None]:
    """(decided, the title heading and its 0-based line) of the first lines of a body.

    Memoised by the text: a cold check reads every version of every document in history, and the
    opening lines of a document rarely change from one version to the next (a parse is tens of
    microseconds, a version is read in a few hundred).
    """
    text = chunk.replace("\r\n", "\n").replace("\r", "\n")  # as markdown-it's normalize step
    tokens: list[Token] = []
    _blocks().block.parse(text, _blocks(), {}, tokens)
    return _opening_heading(tokens, text.count("\n"), complete)


def _blank_lines(text: str) -> int:
    """How many lines at the start of ``text`` are blank."""
    count, start = 0, 0
    while (end := text.find("\n", start)) != -1 and not text[start:end].strip():
        count, start = count + 1, end + 1
    return count


def _first_lines(text: str, count: int) -> tuple[str, bool]:
    """The first ``count`` lines of ``text`` and whether that is all of it."""
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end == -1:
            return text, True
    return text[: end + 1], end + 1 == len(text)


def _opening_heading(tokens: Sequence[Token], lines: int, complete: bool) -> tuple[bool, tuple[str, int] | None]:
    """(decided, (heading, 0-based line) or None) from the block tokens of the start of a body."""
    for index, token in enumerate(tokens):
        if token.map is None or token.nesting == -1:
            continue
        if not complete and token.map[1] >= lines:
            return False, None  # the block may go on past what was parsed
        if token.type == "html_block" and token.content.lstrip().startswith("<!--"):
            continue
        if token.type == "heading_open" and token.tag == "h1":
            return True, (tokens[index + 1].content.strip(), token.map[0])
        return True, None
    return complete, None


# --- the body: prose, links, headings -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prose:
    """Text of one block (a paragraph, heading, table cell, HTML block) as a reader reads it, with a
    newline wherever the source starts a new line; ``line`` is the file line of its first line.
    What is not prose (a code span, inline HTML, an autolink) is a space."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Link:
    """A link (inline or reference-style) where the text uses it; images are not links."""

    destination: str  # as markdown-it normalises it (percent-encoded)
    line: int


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class MarkdownBody:
    prose: tuple[Prose, ...]
    links: tuple[Link, ...]
    headings: tuple[Heading, ...]


def read_body(body: str, first_line: int) -> MarkdownBody:
    """The prose, links and headings of a Markdown body that starts on line ``first_line``."""
    tokens = _full().parse(body)
    prose: list[Prose] = []
    links: list[Link] = []
    headings: list[Heading] = []
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        line = first_line + token.map[0]
        if token.type == "inline":
            _read_inline(token, line, prose, links)
        elif token.type == "heading_open":
            headings.append(Heading(int(token.tag[1:]), tokens[index + 1].content, line))
        elif token.type == "html_block" and not token.content.lstrip().startswith("<!--"):
            prose.append(Prose(_HTML_MARKUP.sub(_blank_markup, token.content), line))
    return MarkdownBody(tuple(prose), tuple(links), tuple(headings))


_HTML_MARKUP = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)


def _blank_markup(match: re.Match[str]) -> str:
    """Tags and comments of an HTML block are not prose; their line breaks stay."""
    return " " + "\n" * match.group().count("\n")


def _read_inline(token: Token, line: int, prose: list[Prose], links: list[Link]) -> None:
    breaks = [m.start() for m in re.finditer("\n", token.content)] if "\n" in token.content else []
    pieces: list[str] = []
    current = line
    href: str | None = None  # the target of the link being read
    in_autolink = False  # its text is a URL, not prose
    for child, child_line in _placed(token.children or (), breaks, line):
        if child_line > current:
            pieces.append("\n" * (child_line - current))
            current = child_line
        kind = child.type
        if kind == "link_open":
            in_autolink = child.markup == "autolink"
            href = None if in_autolink else str(child.attrs.get("href", ""))
        elif kind == "link_close":
            if href is not None:
                links.append(Link(href, child_line))  # the line of "](", where the target is
            href, in_autolink = None, False
        elif in_autolink:
            continue
        elif kind == "text":
            pieces.append(child.content)
        elif kind == "image":
            pieces.append(" " + " ".join(c.content for c in child.children or () if c.type == "text") + " ")
        elif kind in ("code_inline", "html_inline"):
            pieces.append(" ")
    if pieces:
        prose.append(Prose("".join(pieces), line))


def _placed(children: Sequence[Token], breaks: list[int], line: int) -> Iterator[tuple[Token, int]]:
    """Each inline token with its file line, from where the parser found it in the block's text
    (``breaks``: the offsets of its newlines); a token made afterwards keeps the line before it."""
    current = line
    for child in children:
        offset = child.meta.get(_OFFSET)
        if isinstance(offset, int):
            current = line + bisect.bisect_left(breaks, offset)
        yield child, current


# --- the parsers -----------------------------------------------------------------------------------------

_OFFSET = "docctl.offset"


@cache
def _blocks() -> MarkdownIt:
    """Block structure only: the title heading needs no inline parsing."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable("inline")


@cache
def _full() -> MarkdownIt:
    """CommonMark with tables and footnotes; every inline token knows where it starts."""
    from markdown_it import MarkdownIt
    from markdown_it.parser_inline import ParserInline
    from markdown_it.rules_inline import StateInline
    from mdit_py_plugins.footnote import footnote_plugin

    class PlacedState(StateInline):
        def pushPending(self) -> Token:  # noqa: N802 - markdown-it's name
            token = super().pushPending()
            token.meta[_OFFSET] = self.pos
            return token

        def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
            token = super().push(ttype, tag, nesting)
            token.meta[_OFFSET] = self.pos
            return token

    class PlacedInline(ParserInline):
        def parse(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> list[Token]:
            state = PlacedState(src, md, env, tokens)
            self.tokenize(state)
            for rule in self.ruler2.getRules(""):
                rule(state)
            return state.tokens

    md = MarkdownIt("commonmark")
    md.inline = PlacedInline()
    md.configure("commonmark")
    md.enable("table")
    md.use(footnote_plugin, inline=False)  # "^[...]" stays text of its paragraph, with its line
    return md
