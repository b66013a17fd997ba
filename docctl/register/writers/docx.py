"""The register as a Word file: one table on A4 landscape, the heading row repeated on every page.

The page header names the register, its source, the selection and "Page N of M"; the footer says
"Uncontrolled when printed". python-docx is imported only when a Word register is written.
"""

from __future__ import annotations

import io
from typing import Any

from docctl.register.model import COLUMNS, UNCONTROLLED, Register, Row, short_fingerprint
from docctl.register.writers.ooxml import FILLS, fixed_package, moment_of

#: Relative column widths of the Word table (landscape A4), in the order of COLUMNS.
_WIDTHS = (16, 31, 10, 14, 17, 18, 18, 18, 34, 18, 30, 17, 15, 21)  # mm, 277 in all
_USABLE = 277  # mm: A4 landscape less 10 mm margins


def render(register: Register) -> bytes:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(7.5)
    _page(document.sections[0], register)
    _table(document, register)
    if not register.rows:
        document.add_paragraph("No documents.")
    moment = moment_of(register)
    _properties(document.core_properties, register, moment)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_package(buffer.getvalue(), moment)


def _page(section: Any, register: Register) -> None:
    """A4 landscape; the header with title, source, selection and page numbers; the footer."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(10))
    section.top_margin, section.bottom_margin = Mm(22), Mm(15)
    section.header_distance, section.footer_distance = Mm(8), Mm(7)

    header = section.header
    title = header.paragraphs[0]
    run = title.add_run(register.title)
    run.bold = True
    run.font.size = Pt(12)
    line = header.add_paragraph()
    line.add_run(f"{register.source} \u00b7 {register.selection} \u00b7 Page ")
    _field(line, "PAGE")
    line.add_run(" of ")
    _field(line, "NUMPAGES")
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{UNCONTROLLED}. Verify the current revision in the repository before use.").italic = True


def _table(document: Any, register: Register) -> None:
    """The heading row (repeated on every page), one row per document kept on one page, fixed widths."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm, Pt

    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table)
    heading = table.rows[0]
    _row_flag(heading, "w:tblHeader")
    for index, (_, name) in enumerate(COLUMNS):
        cell = heading.cells[index]
        cell.text = ""
        cell.paragraphs[0].add_run(name).bold = True
        _shade(cell, "DDE3EA")
    for row in register.rows:
        line = table.add_row()
        _row_flag(line, "w:cantSplit")
        cells = line.cells
        for index, text in enumerate(_cells(row)):
            cells[index].text = text
        for run in cells[13].paragraphs[0].runs:
            run.font.size = Pt(6.5)
        _shade(cells[4], FILLS.get(row.status, "FFFFFF"))
        if row.pending is not None:
            _shade(cells[11], FILLS.get(row.pending.status, "FFFFFF"))
    total = sum(_WIDTHS)
    for column, width in zip(table.columns, _WIDTHS, strict=True):
        column.width = Mm(_USABLE * width / total)  # the grid, which LibreOffice follows
        for cell in column.cells:
            cell.width = Mm(_USABLE * width / total)  # the cells, which Word follows


def _cells(row: Row) -> list[str]:
    cells = row.cells()
    cells[8] = "\n".join(a.label for a in row.approvers)
    cells[13] = short_fingerprint(row.fingerprint) if row.fingerprint else ""
    return cells


def _properties(props: Any, register: Register, moment: Any) -> None:
    """The core properties: title, source, commit, and the register's moment (never the clock)."""
    props.title = register.title
    props.subject = f"{register.source}"
    props.author = props.last_modified_by = "docctl"
    props.comments = register.commit or ""
    props.keywords = "document register"
    props.created = props.modified = moment.replace(tzinfo=None)
    props.last_printed = moment.replace(tzinfo=None)
    props.revision = 1


def _field(paragraph: Any, instruction: str) -> None:
    """A complex field (PAGE, NUMPAGES) whose cached result is '1' until Word updates it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None), ("text", "1"), ("end", None)):
        run = paragraph.add_run()
        if kind == "text":
            run.text = text
        elif kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _cell_margins(table: Any) -> None:
    """1 mm left and right inside every cell (Word's default is 1.9 mm): more room for the text."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "57")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def _row_flag(row: Any, tag: str) -> None:
    """w:tblHeader (repeat the row on every page) or w:cantSplit (keep the row on one page)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), fill)
    properties.append(shade)
