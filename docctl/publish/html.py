"""The HTML controlled copy: the document rendered (Markdown with markdown-it-py; a .docx source
through :mod:`docctl.publish.docxhtml`), its stamp as ``<meta name="docctl-...">``, running header
and footer, signature page and revision history, from the shared templates (copy.html extends
base.html). Self-contained: images are embedded as data: URIs and nothing is fetched.

The PDF copy is this page printed by :mod:`docctl.publish.pdf`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING

from docctl.adapters import templates
from docctl.publish.copy import Copy
from docctl.publish.stamp import Readback, Stamp, text_fingerprint

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

BODY_ID = "docctl-body"
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
IMAGE_TYPES |= {".svg": "image/svg+xml", ".webp": "image/webp"}


def render(copy: Copy) -> bytes:
    """The HTML copy as UTF-8 bytes."""
    body = body_html(copy)
    return page(copy, body, stamp_of(copy, body_text_of_fragment(body))).encode("utf-8")


def body_html(copy: Copy) -> str:
    """The document's content as an HTML fragment."""
    if copy.document.format == "docx":
        from docctl.publish import docxhtml

        return docxhtml.render(copy.source, image=data_uri)
    return markdown_html(copy.document.body, copy.asset)


def stamp_of(copy: Copy, shown_text: str) -> Stamp:
    document = copy.document
    return Stamp(
        id=document.id or "",
        title=document.title or "",
        revision=document.revision or "",
        status=copy.standing.label,
        effective=document.effective.isoformat() if document.effective else "",
        fingerprint=document.fingerprint,
        text=text_fingerprint(shown_text),
        copy_date=copy.day.isoformat(),
        commit=copy.commit or "",
    )


def page(copy: Copy, body: str, stamp: Stamp) -> str:
    """The whole page: copy.html with the body fragment and the stamp."""
    from markupsafe import Markup

    document = copy.document
    header, status_line = running_header(copy)
    return templates.render(
        "copy.html",
        version=copy.version,
        title=f"{document.id} {document.title} (revision {document.revision})",
        stamp=stamp.items(),
        keywords=stamp.keywords,
        copy=copy,
        document=document,
        standing=copy.standing,
        body=Markup(body),  # noqa: S704 - rendered by markdown-it-py (HTML disabled) or from .docx text, escaped
        css_header=Markup(css_string(header)),
        css_status=Markup(css_string(status_line)),
        css_copy_line=Markup(css_string(copy.copy_line)),
        body_id=BODY_ID,
    )


def running_header(copy: Copy) -> tuple[str, str]:
    """The two lines every printed page carries at the top: id and title; revision, status, effective."""
    document = copy.document
    effective = f", effective {document.effective.isoformat()}" if document.effective else ""
    return f"{document.id} {document.title}", f"Revision {document.revision} · {copy.standing.label}{effective}"


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a <style> element."""
    out = []
    for char in text:
        if char in '"\\<>&' or ord(char) < 32 or ord(char) == 127:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# Markdown ---------------------------------------------------------------------------------------


@cache
def markdown() -> MarkdownIt:
    """CommonMark with tables and strikethrough; raw HTML is not rendered (a copy runs no script)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def markdown_html(body: str, asset: Callable[[str], bytes | None]) -> str:
    """Markdown rendered; images relative to the document embedded as data: URIs, others as text."""
    md = markdown()
    tokens = md.parse(body)
    for token in _inline_tokens(tokens):
        if token.type == "image":
            _embed(token, asset)
    _mark_list_items(tokens)
    return str(md.renderer.render(tokens, md.options, {}))


def _mark_list_items(tokens: Sequence[Token]) -> None:
    """Write each list item's number or bullet into its text (``<span class="marker">3.</span>``), so
    that the copy's text, read back from HTML, .docx or PDF alike, carries the step numbers."""
    from markdown_it.token import Token

    markers = list_markers(tokens)
    pending: str | None = None
    for index, token in enumerate(tokens):
        if index in markers:
            pending = markers[index]
        elif token.type == "inline" and pending is not None:
            mark = Token("html_inline", "", 0)
            mark.content = f'<span class="marker">{pending}</span>'
            token.children = [mark, *(token.children or [])]
            pending = None


def list_markers(tokens: Sequence[Token]) -> dict[int, str]:
    """index of each ``list_item_open`` -> its marker: ``3.`` (or ``3)``) in ordered lists, a bullet
    by depth in the others. The HTML and the .docx copies number lists alike."""
    markers: dict[int, str] = {}
    stack: list[list[int]] = []  # per open list: [next number], or [] for a bullet list
    for index, token in enumerate(tokens):
        if token.type in ("ordered_list_open", "bullet_list_open"):
            stack.append([_start(token)] if token.type == "ordered_list_open" else [])
        elif token.type in ("ordered_list_close", "bullet_list_close"):
            stack.pop()
        elif token.type == "list_item_open" and stack:
            if stack[-1]:
                markers[index] = f"{stack[-1][0]}{token.markup if token.markup in ('.', ')') else '.'}"
                stack[-1][0] += 1
            else:
                markers[index] = _BULLETS[(sum(1 for entry in stack if not entry) - 1) % 3]
    return markers


def _start(token: Token) -> int:
    try:
        return max(0, int(str(token.attrGet("start") or 1)))
    except ValueError:
        return 1


_BULLETS = ("•", "◦", "▪")


def _inline_tokens(tokens: Sequence[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _inline_tokens(token.children)


def _embed(token: Token, asset: Callable[[str], bytes | None]) -> None:
    src = str(token.attrGet("src") or "")
    data = asset(src)
    kind = IMAGE_TYPES.get("." + src.rsplit(".", 1)[-1].lower()) if "." in src else None
    if data is None or kind is None:
        alt = "".join(child.content for child in token.children or ()) or src
        token.type, token.tag, token.children, token.content = "text", "", None, f"[image: {alt}]"
        token.attrs = {}
        return
    token.attrSet("src", data_uri(data, kind))


def data_uri(data: bytes, kind: str) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


# reading back ---------------------------------------------------------------------------------


def body_text_of_fragment(fragment: str) -> str:
    """The text of a body fragment, as :func:`body_text` reads it back from the page."""
    import lxml.html

    if not fragment.strip():
        return ""
    return str(lxml.html.fragment_fromstring(fragment, create_parent="div").text_content())


def read_copy(data: bytes) -> Readback | None:
    """The stamp (``<meta name="docctl-...">``) and the text of #docctl-body of an HTML copy; None
    for a file that is not HTML."""
    import lxml.etree
    import lxml.html

    head = data[:4096].lstrip().lower()
    if not (head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta")) or b"<html" in head):
        return None
    try:
        text = data.decode("utf-8")
        tree = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(no_network=True, huge_tree=False))
    except (UnicodeDecodeError, ValueError, lxml.etree.ParserError):
        return None
    values = {
        str(meta.get("name")): str(meta.get("content", ""))
        for meta in tree.iter("meta")
        if str(meta.get("name", "")).startswith("docctl-")
    }
    body = tree.get_element_by_id(BODY_ID, None)
    return Readback(Stamp.from_items(values), str(body.text_content()) if body is not None else None)
