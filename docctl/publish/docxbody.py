"""A Markdown document's body written into a .docx copy: headings, paragraphs with bold, italic,
strikethrough and code, numbered and bulleted lists (numbers written as text, as in the HTML copy),
tables, code blocks, block quotes and images relative to the document.

The WordprocessingML is written as text and parsed once (python-docx's object API takes seconds
for a long procedure); pictures go through python-docx, which adds their parts."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from docctl.publish.html import IMAGE_TYPES, list_markers, markdown

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MONOSPACE = "Courier New"
_PICTURES = (".png", ".jpg", ".jpeg", ".gif")  # what python-docx can place
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_INDENT = 510  # twips per list level
_HANGING = 397


@dataclass(slots=True)
class _State:
    styles: dict[str, str]  # style name -> style id
    asset: Callable[[str], bytes | None]
    width: int  # twips of text between the margins
    blocks: list[str] = field(default_factory=list)  # block XML, in order
    pictures: list[list[bytes]] = field(default_factory=list)  # per block: the images of its <w:drawing/> runs
    depth: int = 0  # open lists
    quote: int = 0
    marker: str | None = None  # the marker of a list item whose first paragraph is next
    heading: int = 0
    table: list[list[tuple[bool, Any]]] | None = None  # rows of (header?, inline token)
    header_cell: bool = False


def write_markdown(document: Any, body: str, asset: Callable[[str], bytes | None]) -> None:
    """Append the rendered Markdown ``body`` to the python-docx ``document``."""
    tokens = markdown().parse(body)
    markers = list_markers(tokens)
    section = document.sections[0]
    width = int(section.page_width - section.left_margin - section.right_margin) // 635
    styles = {str(s.name): str(s.style_id) for s in document.styles if s.name and s.style_id}
    state = _State(styles, asset, width)
    for index, token in enumerate(tokens):
        _block(state, token, markers.get(index))
    body_element = document.element.body
    end = len(body_element) - (1 if len(body_element) and body_element[-1].tag == f"{{{W}}}sectPr" else 0)
    for offset, (xml, pictures) in enumerate(zip(state.blocks, state.pictures, strict=True)):
        element = etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>', _PARSER)[0]
        if pictures:
            _place_pictures(document, element, pictures, state.width)
        body_element.insert(end + offset, element)


def _block(state: _State, token: Any, marker: str | None) -> None:
    kind = token.type
    if kind in ("bullet_list_open", "ordered_list_open"):
        state.depth += 1
    elif kind in ("bullet_list_close", "ordered_list_close"):
        state.depth -= 1
    elif kind == "list_item_open":
        state.marker = marker
    elif kind in ("blockquote_open", "blockquote_close"):
        state.quote += 1 if kind.endswith("open") else -1
    elif kind == "heading_open":
        state.heading = int(token.tag[1:])
    elif kind == "table_open":
        state.table = []
    elif kind == "tr_open" and state.table is not None:
        state.table.append([])
    elif kind in ("th_open", "td_open"):
        state.header_cell = kind == "th_open"
    elif kind == "table_close" and state.table is not None:
        _add(state, _table(state, state.table))
        state.table = None
    elif kind == "inline":
        _inline_block(state, token)
    elif kind in ("fence", "code_block"):
        lines = token.content.rstrip("\n").split("\n")
        runs = "<w:r><w:br/></w:r>".join(_run(line, code=True) for line in lines)
        _add(state, _paragraph(state, "No Spacing", runs))
    elif kind == "hr":
        _add(state, "<w:p/>")


def _add(state: _State, xml: str, pictures: list[bytes] | None = None) -> None:
    state.blocks.append(xml)
    state.pictures.append(pictures or [])


def _inline_block(state: _State, token: Any) -> None:
    if state.table is not None:
        if state.table:
            state.table[-1].append((state.header_cell, token))
        return
    style, indent = None, ""
    if state.heading:
        style, state.heading = f"Heading {min(state.heading, 9)}", 0
    elif state.quote:
        style = "Quote"
    elif state.depth:
        style = "List Paragraph"
        left = _INDENT * state.depth + (_HANGING if state.marker is None else 0)
        hanging = f' w:hanging="{_HANGING}"' if state.marker is not None else ""
        indent = f'<w:ind w:left="{left + (_HANGING if state.marker is not None else 0)}"{hanging}/>'
    pictures: list[bytes] = []
    runs = _inline(state, token.children or (), pictures)
    if state.marker is not None:
        runs = _run(state.marker) + "<w:r><w:tab/></w:r>" + runs
        state.marker = None
    _add(state, _paragraph(state, style, runs, indent), pictures)


def _paragraph(state: _State, style: str | None, runs: str, extra: str = "") -> str:
    style_id = state.styles.get(style or "")
    properties = (f'<w:pStyle w:val="{_attr(style_id)}"/>' if style_id else "") + extra
    return f"<w:p>{f'<w:pPr>{properties}</w:pPr>' if properties else ''}{runs}</w:p>"


def _inline(state: _State, children: Sequence[Any], pictures: list[bytes]) -> str:
    out: list[str] = []
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
            text = " " if kind == "softbreak" else child.content
            out.append(_run(text, bold=bold > 0, italic=italic > 0, strike=strike > 0, code=kind == "code_inline"))
        elif kind == "hardbreak":
            out.append("<w:r><w:br/></w:r>")
        elif kind == "image":
            out.append(_image(state, child, pictures))
    return "".join(out)


def _run(text: str, *, bold: bool = False, italic: bool = False, strike: bool = False, code: bool = False) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + ("<w:strike/>" if strike else "")
    if code:
        props = f'<w:rFonts w:ascii="{MONOSPACE}" w:hAnsi="{MONOSPACE}" w:cs="{MONOSPACE}"/>' + props
    pieces = text.split("\t")
    body = "<w:tab/>".join(f'<w:t xml:space="preserve">{_text(piece)}</w:t>' for piece in pieces)
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{body}</w:r>"


def _image(state: _State, token: Any, pictures: list[bytes]) -> str:
    src = str(token.attrGet("src") or "")
    suffix = "." + src.rsplit(".", 1)[-1].lower() if "." in src else ""
    data = state.asset(src) if suffix in IMAGE_TYPES and suffix in _PICTURES else None
    if data is not None and _readable_picture(data):
        pictures.append(data)
        return "<w:r><w:drawing/></w:r>"
    alt = "".join(child.content for child in token.children or ()) or src
    return _run(f"[image: {alt}]")


def _readable_picture(data: bytes) -> bool:
    from docx.image.image import Image

    try:
        Image.from_blob(data)
    except Exception:  # noqa: BLE001 - python-docx raises many kinds for an image it cannot read
        return False
    return True


def _place_pictures(document: Any, element: Any, pictures: list[bytes], width_twips: int) -> None:
    from docx.shape import InlineShape
    from docx.shared import Emu

    slots = [d for d in element.iter(f"{{{W}}}drawing") if len(d) == 0]
    limit = width_twips * 635
    for slot, data in zip(slots, pictures, strict=False):
        inline = document.part.new_pic_inline(io.BytesIO(data), None, None)
        shape = InlineShape(inline)
        if shape.width > limit:
            shape.height, shape.width = Emu(int(shape.height * limit / shape.width)), Emu(limit)
        slot.append(inline)


def _table(state: _State, rows: list[list[tuple[bool, Any]]]) -> str:
    rows = [row for row in rows if row]
    if not rows:
        return "<w:p/>"
    columns = max(len(row) for row in rows)
    cell_width = state.width // columns
    grid_style = state.styles.get("Table Grid")
    style = f'<w:tblStyle w:val="{_attr(grid_style)}"/>' if grid_style else ""
    borders = "" if grid_style else _BORDERS
    grid = "".join(f'<w:gridCol w:w="{cell_width}"/>' for _ in range(columns))
    out = [f'<w:tbl><w:tblPr>{style}<w:tblW w:w="5000" w:type="pct"/>{borders}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    for row in rows:
        out.append("<w:tr>")
        for index in range(columns):
            header, token = row[index] if index < len(row) else (False, None)
            runs = _inline(state, token.children or (), []) if token is not None else ""
            if header:
                runs = runs.replace("<w:r><w:rPr>", "<w:r><w:rPr><w:b/>").replace(
                    "<w:r><w:t", "<w:r><w:rPr><w:b/></w:rPr><w:t"
                )
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{cell_width}" w:type="dxa"/></w:tcPr><w:p>{runs}</w:p></w:tc>')
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


_BORDERS = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="999999"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)


def _text(text: str) -> str:
    cleaned = "".join(c for c in text if ord(c) >= 32 or c == "\n").replace("\n", " ")
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str | None) -> str:
    return _text(value or "").replace('"', "&quot;")
