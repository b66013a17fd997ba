"""A document's content as the portal shows it: Markdown rendered by markdown-it-py, a .docx as its
paragraphs, the changes between two revisions as a diff, and the words the search finds.

Nothing a page shows may make the browser fetch anything from outside the portal: raw HTML in
Markdown is shown as text, a relative link leads to the document's page (or is plain text when the
portal has no page for it), a relative image is copied into the portal, and an image on another
server is not shown, only named.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import unquote

from markupsafe import Markup, escape

from docctl.core.fingerprints import normalise_body
from docctl.core.model import Document
from docctl.documents.comparison import comparable_text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
#: A word as the search sees it: letters and digits, with inner dots and hyphens (7.5.3, SOP-001).
WORD = re.compile(r"\w+(?:[.\-]\w+)*")


@cache
def _markdown() -> MarkdownIt:
    """CommonMark with tables, strikethrough and footnotes; raw HTML is not rendered."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False)
    return md


@dataclass(frozen=True, slots=True)
class Markdown:
    """A Markdown body parsed once: its images are collected first, then it is rendered."""

    tokens: Sequence[Token]
    base: str  # the folder of the document, relative to the repository root

    @classmethod
    def parse(cls, document: Document) -> Markdown:
        return cls(_markdown().parse(document.body), posixpath.dirname(document.path))

    def images(self) -> list[str]:
        """The repository paths of the relative images the body shows."""
        found = []
        for token in _inline(self.tokens):
            if token.type == "image":
                target = _local(str(token.attrs.get("src", "")), self.base)
                if target is not None:
                    found.append(target[0])
        return found

    def text(self, *, headings: bool = True) -> str:
        """The prose of the body without its markup: one line per paragraph, heading, list item or cell."""
        lines = []
        heading = False
        for token in self.tokens:
            if token.type in ("heading_open", "heading_close"):
                heading = token.type == "heading_open"
            elif token.type == "inline" and (headings or not heading):
                lines.append("".join(_plain(child) for child in token.children or ()))
        return "\n".join(lines)

    def render(self, pages: Mapping[str, str], images: Mapping[str, str], root: str) -> Markup:
        """HTML of the body; ``pages`` and ``images`` map repository paths to portal paths, ``root``
        leads from the page to the portal's root (``../``). Rewrites the tokens: render once."""
        tokens = list(self.tokens)
        slugs: set[str] = set()
        for index, token in enumerate(tokens):
            if token.type == "heading_open" and index + 1 < len(tokens):
                token.attrSet("id", _slug(tokens[index + 1].content, slugs))
            if token.children:
                self._rewrite(token.children, pages, images, root)
        md = _markdown()
        return Markup(md.renderer.render(tokens, md.options, {}))  # markdown-it escapes the text (html off)

    def _rewrite(self, tokens: list[Token], pages: Mapping[str, str], images: Mapping[str, str], root: str) -> None:
        """Links to documents lead to their pages; other relative links become text; images are the copies."""
        unlinked = False  # the open link was made a span: so is its end (links do not nest)
        for token in tokens:
            if token.type == "link_open":
                target = _local(str(token.attrs.get("href", "")), self.base)
                page = pages.get(target[0]) if target is not None else None
                if page is not None and target is not None:
                    token.attrSet("href", root + page + target[1])
                elif target is not None:
                    token.tag, token.attrs = "span", {"class": "unlinked", "title": f"{target[0]} is not in the portal"}
                    unlinked = True
            elif token.type == "link_close" and unlinked:
                token.tag, unlinked = "span", False
            elif token.type == "image":
                self._image(token, images, root)

    def _image(self, token: Token, images: Mapping[str, str], root: str) -> None:
        src = str(token.attrs.get("src", ""))
        target = _local(src, self.base)
        copied = images.get(target[0]) if target is not None else None
        if copied is not None:
            token.attrSet("src", root + copied)
        elif not src.startswith("data:image/"):
            what = "external image, not loaded" if target is None else "image not in the repository"
            token.type, token.children = "text", None
            token.content = f"[{what}: {token.content or src}]"


def _plain(token: Token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    return " " if token.type in ("softbreak", "hardbreak") else ""


def _inline(tokens: Sequence[Token]) -> list[Token]:
    return [child for token in tokens for child in (token.children or ())]


def _local(url: str, base: str) -> tuple[str, str] | None:
    """A relative URL as (repository path, '#fragment'); None for a URL with a scheme or a bare fragment."""
    if not url or _SCHEME.match(url) or url.startswith(("#", "//", "/")):
        return None
    path, _, fragment = url.partition("#")
    path = path.partition("?")[0]
    if not path:
        return None
    full = posixpath.normpath(posixpath.join(base, unquote(path)))
    if full.startswith("../") or full == "..":
        return None
    return full, f"#{fragment}" if fragment else ""


def _slug(text: str, used: set[str]) -> str:
    base = "-".join(WORD.findall(text.lower())) or "section"
    slug, number = base, 1
    while slug in used:
        number += 1
        slug = f"{base}-{number}"
    used.add(slug)
    return slug


def docx_html(document: Document) -> Markup:
    """A .docx body (one paragraph per line, table cells separated by tabs) as paragraphs and tables."""
    parts: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if table:
            rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table)
            parts.append(f"<table>{rows}</table>")
            table.clear()

    for line in normalise_body(document.body).split("\n"):
        if "\t" in line:
            table.append(line.split("\t"))
            continue
        flush()
        if line.strip():
            parts.append(f"<p>{escape(line)}</p>")
    flush()
    return Markup("\n".join(parts))  # every piece of text is escaped


def diff(before: Document, after: Document) -> list[tuple[str, str]]:
    """The unified diff from one revision to the next, as (kind, line): kind is add, del, hunk or ''."""
    lines = difflib.unified_diff(
        comparable_text(before).splitlines(),
        comparable_text(after).splitlines(),
        fromfile=f"revision {before.revision}",
        tofile=f"revision {after.revision}",
        lineterm="",
    )
    result = []
    for line in lines:
        if line.startswith(("---", "+++", "@@")):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        else:
            kind = ""
        result.append((kind, line))
    return result


def words(*texts: str | None) -> str:
    """The distinct words of ``texts``, lower case, in order of first appearance, space-separated."""
    seen: dict[str, None] = {}
    for text in texts:
        if text:
            for word in WORD.findall(text.lower()):
                seen.setdefault(word, None)
    return " ".join(seen)


def summary(text: str, limit: int = 180) -> str:
    """The first lines of ``text`` (headings left out by the caller), cut at ``limit`` characters."""
    lines = []
    for line in text.split("\n"):
        if line.strip():
            lines.append(line.strip())
        if sum(len(x) + 1 for x in lines) >= limit:
            break
    joined = " ".join(lines)
    return joined if len(joined) <= limit else joined[: limit - 1].rsplit(" ", 1)[0] + "…"
