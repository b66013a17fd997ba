"""A Markdown document's body written into a .docx copy with python-docx: headings, paragraphs with
bold, italic, strikethrough and code, numbered and bulleted lists (numbers written as text, as in
the HTML copy), tables, code blocks, block quotes and images relative to the document."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from docctl.publish.html import IMAGE_TYPES, list_markers, markdown

MONOSPACE = "Courier New"
_PICTURES = (".png", ".jpg", ".jpeg", ".gif")  # what python-docx can place


@dataclass(slots=True)
class _State:
    document: Any
    asset: Callable[[str], bytes | None]
    width: int  # EMU available for an image
    depth: int = 0  # open lists
    quote: int = 0
    marker: str | None = None  # the marker of a list item whose first paragraph is next
    heading: int = 0
    table: list[list[tuple[bool, Any]]] | None = None  # rows of (header?, inline token)
    header_cell: bool = False
    styles: dict[str, Any] = field(default_factory=dict)


def write_markdown(document: Any, body: str, asset: Callable[[str], bytes | None]) -> None:
    """Append the rendered Markdown ``body`` to the python-docx ``document``."""
    tokens = markdown().parse(body)
    markers = list_markers(tokens)
    section = document.sections[0]
    width = int(section.page_width - section.left_margin - section.right_margin)
    from docctl.publish.docx import style_table

    state = _State(document, asset, width, styles=style_table(document))
    for index, token in enumerate(tokens):
        _block(state, token, markers.get(index))


def _block(state: _State, token: Any, marker: str | None) -> None:
    kind = token.type
    if kind in ("bullet_list_open", "ordered_list_open"):
        state.depth += 1
    elif kind in ("bullet_list_close", "ordered_list_close"):
        state.depth -= 1
    elif kind == "list_item_open":
        state.marker = marker
    elif kind == "blockquote_open":
        state.quote += 1
    elif kind == "blockquote_close":
        state.quote -= 1
    elif kind == "heading_open":
        state.heading = int(token.tag[1:])
    elif kind == "table_open":
        state.table = []
    elif kind == "tr_open" and state.table is not None:
        state.table.append([])
    elif kind in ("th_open", "td_open"):
        state.header_cell = kind == "th_open"
    elif kind == "table_close" and state.table is not None:
        _table(state, state.table)
        state.table = None
    elif kind == "inline":
        _inline_block(state, token)
    elif kind in ("fence", "code_block"):
        _code(state, token.content)
    elif kind == "hr":
        state.document.add_paragraph("")


def _inline_block(state: _State, token: Any) -> None:
    if state.table is not None:
        if state.table:
            state.table[-1].append((state.header_cell, token))
        return
    style = None
    if state.heading:
        style, state.heading = f"Heading {min(state.heading, 9)}", 0
    elif state.quote:
        style = "Quote"
    elif state.depth:
        style = "List Paragraph"
    paragraph = state.document.add_paragraph(style=state.styles.get(style or ""))
    if state.depth:
        from docx.shared import Cm

        paragraph.paragraph_format.left_indent = Cm(0.9 * state.depth)
        if state.marker is not None:
            paragraph.paragraph_format.first_line_indent = Cm(-0.7)
            paragraph.add_run(state.marker + "\t")
            state.marker = None
    write_inline(state, paragraph, token.children or ())


def write_inline(state: _State, paragraph: Any, children: Sequence[Any]) -> None:
    bold = italic = strike = 0
    for child in children:
        kind = child.type
        if kind in ("strong_open", "strong_close"):
            bold += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind.endswith("open") else -1
        elif kind in ("s_open", "s_close"):
            strike += 1 if kind.endswith("open") else -1
        elif kind in ("text", "code_inline", "softbreak"):
            run = paragraph.add_run(" " if kind == "softbreak" else child.content)
            run.bold, run.italic, run.font.strike = bold > 0 or None, italic > 0 or None, strike > 0 or None
            if kind == "code_inline":
                run.font.name = MONOSPACE
        elif kind == "hardbreak":
            paragraph.add_run().add_break()
        elif kind == "image":
            _image(state, paragraph, child)


def _image(state: _State, paragraph: Any, token: Any) -> None:
    src = str(token.attrGet("src") or "")
    suffix = "." + src.rsplit(".", 1)[-1].lower() if "." in src else ""
    data = state.asset(src) if suffix in IMAGE_TYPES else None
    if data is not None and suffix in _PICTURES:
        try:
            shape = paragraph.add_run().add_picture(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - python-docx raises many kinds for an image it cannot read
            shape = None
        if shape is not None:
            if shape.width > state.width:
                shape.height = int(shape.height * state.width / shape.width)
                shape.width = state.width
            return
    alt = "".join(child.content for child in token.children or ()) or src
    paragraph.add_run(f"[image: {alt}]")


def _code(state: _State, text: str) -> None:
    paragraph = state.document.add_paragraph(style=state.styles.get("No Spacing"))
    lines = text.rstrip("\n").split("\n")
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.font.name = MONOSPACE
        if number < len(lines) - 1:
            run.add_break()


def _table(state: _State, rows: list[list[tuple[bool, Any]]]) -> None:
    rows = [row for row in rows if row]
    if not rows:
        return
    columns = max(len(row) for row in rows)
    table = state.document.add_table(rows=len(rows), cols=columns)
    if "Table Grid" in state.styles:
        table.style = state.styles["Table Grid"]
    for r, row in enumerate(rows):
        for c, (header, token) in enumerate(row):
            paragraph = table.cell(r, c).paragraphs[0]
            write_inline(state, paragraph, token.children or ())
            if header:
                for run in paragraph.runs:
                    run.bold = True
