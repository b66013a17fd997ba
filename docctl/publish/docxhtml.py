"""A .docx source shown in an HTML (and so PDF) copy: its paragraphs, headings, lists, tables, bold
and italic text and pictures, read with python-docx. Word's layout is not reproduced; the text is,
in document order. The .docx copy keeps the source itself (:mod:`docctl.publish.docx`)."""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Iterator
from typing import Any

from docctl.core.errors import DocumentReadError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
_PICTURE_TYPES = ("image/png", "image/jpeg", "image/gif")


def render(data: bytes, *, image: Callable[[bytes, str], str]) -> str:
    """The body of the .docx as an HTML fragment; ``image(bytes, content_type)`` makes a data: URI."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds for a bad package
        raise DocumentReadError(f"cannot open the .docx ({type(error).__name__})") from None
    part = document.part
    return "\n".join(_blocks(document.element.body, part, image))


def _blocks(container: Any, part: Any, image: Callable[[bytes, str], str]) -> Iterator[str]:
    for child in container:
        if child.tag == f"{W}p":
            yield _paragraph(child, part, image)
        elif child.tag == f"{W}tbl":
            yield _table(child, part, image)
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content, part, image)


def _paragraph(p: Any, part: Any, image: Callable[[bytes, str], str]) -> str:
    style = _style_name(p, part)
    inner = "".join(_runs(p, part, image))
    level = _heading_level(style)
    if level:
        return f"<h{level}>{inner}</h{level}>"
    if style.lower().startswith("list"):
        return f'<p class="list">{inner}</p>'
    return f"<p>{inner}</p>" if inner else '<p class="empty-line"></p>'


def _heading_level(style: str) -> int:
    name = style.lower()
    if name == "title":
        return 1
    if name.startswith("heading "):
        level = name.removeprefix("heading ").strip()
        return min(int(level) + 1, 6) if level.isdigit() else 0
    return 0


def _style_name(p: Any, part: Any) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    if style is None:
        return ""
    style_id = style.get(f"{W}val", "")
    try:
        found = part.styles.get_by_id(style_id, 1)  # WD_STYLE_TYPE.PARAGRAPH
    except Exception:  # noqa: BLE001 - a broken styles part: the id is all there is
        return str(style_id)
    return str(found.name) if found is not None and found.name else str(style_id)


def _runs(p: Any, part: Any, image: Callable[[bytes, str], str]) -> Iterator[str]:
    for element in p.iter(f"{W}r"):
        if any(a.tag in (f"{W}del", f"{W}moveFrom") for a in element.iterancestors()):
            continue
        text = []
        for piece in element:
            if piece.tag == f"{W}t":
                text.append(html.escape(piece.text or ""))
            elif piece.tag == f"{W}tab":
                text.append(" ")
            elif piece.tag in (f"{W}br", f"{W}cr"):
                text.append("<br>")
            elif piece.tag == f"{W}drawing":
                text.extend(_pictures(piece, part, image))
        if text:
            yield _styled("".join(text), element.find(f"{W}rPr"))


def _styled(text: str, properties: Any) -> str:
    if properties is None:
        return text
    if _on(properties.find(f"{W}b")):
        text = f"<strong>{text}</strong>"
    if _on(properties.find(f"{W}i")):
        text = f"<em>{text}</em>"
    return text


def _on(element: Any) -> bool:
    return element is not None and element.get(f"{W}val", "true") not in ("0", "false", "off")


def _pictures(drawing: Any, part: Any, image: Callable[[bytes, str], str]) -> Iterator[str]:
    for blip in drawing.iter(A_BLIP):
        target = part.related_parts.get(blip.get(R_EMBED, ""))
        kind = getattr(target, "content_type", "")
        if target is not None and kind in _PICTURE_TYPES:
            yield f'<img src="{image(target.blob, kind)}" alt="">'


def _table(tbl: Any, part: Any, image: Callable[[bytes, str], str]) -> str:
    rows = []
    for tr in tbl.iterchildren(f"{W}tr"):
        cells = []
        for tc in tr.iterchildren(f"{W}tc"):
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            merged = tc.find(f"{W}tcPr/{W}vMerge")
            if merged is not None and merged.get(f"{W}val", "continue") == "continue":
                continue  # the cell above spans this one
            colspan = (
                f' colspan="{span.get(f"{W}val")}"' if span is not None and span.get(f"{W}val", "1").isdigit() else ""
            )
            cells.append(f"<td{colspan}>{''.join(_blocks(tc, part, image))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table>{''.join(rows)}</table>"
