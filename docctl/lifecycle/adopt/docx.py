"""Clues from a .docx: the Title or Heading 1 paragraph, the core properties, and a document-control
table or ``Label: value`` paragraphs near the top of the body or in the first page header (through
python-docx). The file is only read, never changed.

The file passes docctl's own reader first (size, zip directory, compression ratio, no DTD): python-docx
only opens files that reader accepted.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from docctl.config.model import Config
from docctl.formats.docx import DocxContent, read_docx
from docctl.lifecycle.adopt.controltable import HISTORY_HEADING, line_clue, table_clues
from docctl.lifecycle.adopt.plan import Clue

#: How many blocks (paragraphs and tables) of the body a document-control block is looked for in.
TOP_BLOCKS = 40
#: core property -> the field it mirrors (docs/metadata.md)
CORE_FIELDS = {"identifier": "id", "title": "title", "version": "revision"}


def read_content(data: bytes) -> DocxContent:
    """The body text, core properties and first heading; DocumentReadError for a file docctl cannot read."""
    return read_docx(data)


def clues(data: bytes, content: DocxContent, config: Config) -> Iterator[Clue]:
    """Every clue of the file: core properties, the heading, then the control block."""
    fields = config.adopt.fields
    for prop, name in CORE_FIELDS.items():
        value = (content.properties.get(prop) or "").strip()
        if value:
            yield Clue(name, value, f"core property '{prop}'", "core property")
    if content.first_heading:
        yield Clue("heading", content.first_heading, "Title/Heading 1 paragraph", "heading")
    from docx import Document as open_docx

    try:
        document = open_docx(io.BytesIO(data))
    except Exception:  # python-docx refuses some files docctl reads (no styles part, odd packages): no block
        return
    yield from _blocks(_body_blocks(document), "body", fields)
    sections = document.sections
    if len(sections):
        header = sections[0].header
        if not header.is_linked_to_previous:
            yield from _blocks(_blocks_of(header._element, header), "page header", fields)


def _body_blocks(document: Any) -> list[Any]:
    return _blocks_of(document.element.body, document)


def _blocks_of(element: Any, parent: Any) -> list[Any]:
    """The paragraphs and tables of a story, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[Any] = []
    for child in element.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(Paragraph(child, parent))
        elif tag == "tbl":
            blocks.append(Table(child, parent))
        if len(blocks) >= TOP_BLOCKS:
            break
    return blocks


def _blocks(blocks: Sequence[Any], where: str, fields: Mapping[str, str]) -> Iterator[Clue]:
    from docx.table import Table

    tables = 0
    for block in blocks:
        if isinstance(block, Table):
            tables += 1
            rows = [[cell.text for cell in row.cells] for row in block.rows]
            yield from table_clues(rows, f"control table ({where}, table {tables})", fields)
            continue
        text = block.text
        style = block._p.style or ""  # the style id: python-docx's style lookup scans every style, per paragraph
        if style.lower().startswith("heading") and HISTORY_HEADING.search(text):
            return
        for line in text.split("\n"):
            clue = line_clue(line, f"{where} paragraph '{_short(line)}'", fields)
            if clue is not None:
                yield clue


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."
