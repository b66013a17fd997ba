"""The register as an Excel workbook: the sheet "Register" (frozen heading, filter, real dates,
status colours, fitted to the width of an A4 landscape page) and the sheet "About" (its source).

openpyxl is an optional dependency (docctl[xlsx]); it is imported only when a workbook is written
or read, and its absence stops with XLSX_MISSING.
"""

from __future__ import annotations

import io
import math
from typing import Any

from docctl.core.errors import DocctlError
from docctl.register.model import COLUMNS, UNCONTROLLED, Register
from docctl.register.writers.ooxml import FILLS, fixed_package, moment_of

XLSX_MISSING = "install docctl[xlsx] for Excel output"
_DATES = {"effective", "review_due"}
#: Widest a column grows (characters); longer text wraps in the wrapping columns.
_CAPS = {"title": 38, "approvers": 44, "clauses": 26, "path": 46, "fingerprint": 72}
_WRAP = {"title", "approvers", "clauses", "path"}


def load_openpyxl() -> Any:
    """The openpyxl module, or a DocctlError saying how to install it."""
    try:
        import openpyxl
    except ImportError:
        raise DocctlError(XLSX_MISSING) from None
    return openpyxl


def render(register: Register) -> bytes:
    openpyxl = load_openpyxl()

    book = openpyxl.Workbook()
    _register_sheet(book.active, register)
    _about_sheet(book.create_sheet("About"), register)
    moment = moment_of(register)
    book.properties.title = register.title
    book.properties.subject = f"{register.source}"
    book.properties.creator = book.properties.lastModifiedBy = "docctl"
    book.properties.description = register.commit or ""
    book.properties.created = book.properties.modified = moment.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_package(buffer.getvalue(), moment)


def _register_sheet(sheet: Any, register: Register) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.title = "Register"
    sheet.append([name for _, name in COLUMNS])
    head_fill = PatternFill("solid", fgColor="DDE3EA")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    texts = [[*row.cells()[:8], "\n".join(a.label for a in row.approvers), *row.cells()[9:]] for row in register.rows]
    widths = _widths(texts)
    _rows(sheet, register, texts, widths)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(len(COLUMNS))
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{last}{max(len(register.rows) + 1, 1)}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddHeader.left.text = register.title
    sheet.oddHeader.right.text = register.source.replace("&", "&&")
    sheet.oddFooter.left.text = UNCONTROLLED
    sheet.oddFooter.right.text = "Page &P of &N"


def _widths(texts: list[list[str]]) -> list[int]:
    """Each column as wide as its longest line, within its bounds (characters, plus a margin of 2)."""
    widths = []
    for index, (key, name) in enumerate(COLUMNS):
        longest = max((len(part) for text in texts for part in text[index].split("\n")), default=0)
        widths.append(min(max(longest, len(name) if key not in _WRAP else 8, 10), _CAPS.get(key, 24)) + 2)
    return widths


def _rows(sheet: Any, register: Register, texts: list[list[str]], widths: list[int]) -> None:
    """One row per document: dates as dates, long text wrapped in rows tall enough for it, status fills."""
    from openpyxl.styles import Alignment, PatternFill

    keys = [key for key, _ in COLUMNS]
    for number, (row, text) in enumerate(zip(register.rows, texts, strict=True), start=2):
        values: list[object] = list(text)
        values[6], values[7] = row.effective, row.review_due
        sheet.append(values)
        lines = 1
        for index, key in enumerate(keys):
            cell = sheet.cell(row=number, column=index + 1)
            cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=key in _WRAP)
            if key in _DATES and cell.value is not None:
                cell.number_format = "yyyy-mm-dd"
            if key in _WRAP:
                room = max(widths[index] - 2, 1)
                lines = max(lines, sum(max(1, math.ceil(len(part) / room)) for part in text[index].split("\n")))
        sheet.row_dimensions[number].height = 15 * lines  # Excel and LibreOffice do not grow rows on open
        sheet.cell(row=number, column=5).fill = PatternFill("solid", fgColor=FILLS.get(row.status, "FFFFFF"))
        if row.pending is not None:
            sheet.cell(row=number, column=12).fill = PatternFill(
                "solid", fgColor=FILLS.get(row.pending.status, "FFFFFF")
            )


def _about_sheet(about: Any, register: Register) -> None:
    """Where the register comes from, one fact per row."""
    from openpyxl.styles import Font

    for key, value in (
        ("Register", register.title),
        ("Source", register.source),
        ("Commit", register.commit or ""),
        ("As of", register.as_of),
        ("Selection", register.selection),
        ("Documents", len(register.rows)),
        ("Generated", register.generated.replace(tzinfo=None) if register.generated else "not stamped"),
        ("Note", f"{UNCONTROLLED}. Verify the current revision in the repository before use."),
    ):
        about.append([key, value])
        about.cell(row=about.max_row, column=1).font = Font(bold=True)
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 90
    if register.as_of is not None:
        about["B4"].number_format = "yyyy-mm-dd"
