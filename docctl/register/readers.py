"""Register files read back as tables, and how the rows of two tables differ (``Register.check_file``).

A table is the heading row, then one row per document, as the file shows them: the source lines,
the commit and the stamp are left out, so that a file made from an older commit with the same rows
is current. python-docx and openpyxl are imported only to read their formats.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable

from docctl.core.errors import UsageError
from docctl.register.model import COLUMNS, CSV_SOURCE, FORMATS

Table = list[list[str]]  # the heading row, then one row per document


def compare(found: Table, wanted: Table) -> str | None:
    """One line saying how the rows of a file (``found``) differ from the register's (``wanted``)."""
    if not found or found[0] != wanted[0]:
        return "its columns differ from the register's (regenerate it with the same format and options)"
    heading = wanted[0]
    have, need = _keyed(found[1:]), _keyed(wanted[1:])
    problems: list[str] = []
    for key, row in need.items():
        old = have.get(key)
        if old is None:
            problems.append(f"{key[0]} is missing")
            continue
        for column, before, after in zip(heading, old, row, strict=False):
            if before != after:
                problems.append(f"{key[0]} {column} is '{after}', the file says '{before}'")
    problems += [f"{key[0]} is no longer in the register" for key in have if key not in need]
    if not problems and [r[0] for r in found[1:]] != [r[0] for r in wanted[1:]]:
        problems.append("the rows are out of order")
    if not problems:
        return None
    more = f" (and {len(problems) - 1} more difference{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    return problems[0] + more


def _keyed(rows: Table) -> dict[tuple[str, int], list[str]]:
    result: dict[tuple[str, int], list[str]] = {}
    for row in rows:
        key = row[0] if row else ""
        count = sum(1 for k in result if k[0] == key)
        result[(key, count)] = row
    return result


def read_table(format: str, data: bytes) -> Table:
    """The heading and rows of a register file (the source lines, commit and stamp left out)."""
    reader = _READERS.get(format)
    if reader is None:
        raise UsageError(f"unknown register format '{format}' (use one of {', '.join(FORMATS)})")
    return reader(data)


def _read_csv(data: bytes) -> Table:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    if not rows:
        raise ValueError("the file is empty")
    keep = [i for i, name in enumerate(rows[0]) if name not in CSV_SOURCE]
    return [[row[i] if i < len(row) else "" for i in keep] for row in rows]


def _read_json(data: bytes) -> Table:
    value = json.loads(data.decode("utf-8"))
    rows = value["rows"]
    if not isinstance(rows, list):
        raise ValueError("'rows' is not a list")
    keys = [key for key, _ in COLUMNS[:5]] + ["owner", "owner_name"] + [key for key, _ in COLUMNS[6:]]
    table: Table = [keys]
    for row in rows:
        table.append([_json_cell(row.get(key)) for key in keys])
    return table


def _json_cell(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


_PIPE = re.compile(r"(?<!\\)\|")


def _read_md(data: bytes) -> Table:
    table: Table = []
    for line in data.decode("utf-8").splitlines():
        if not line.startswith("|"):
            if table:
                break
            continue
        cells = [c.strip().replace("\\|", "|") for c in _PIPE.split(line.strip())[1:-1]]
        if all(set(c) <= set("-: ") for c in cells):
            continue
        table.append(cells)
    if not table:
        raise ValueError("no table found")
    return table


def _read_html(data: bytes) -> Table:
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.table: Table = []
            self.cell: list[str] | None = None
            self.inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "table" and ("id", "register") in attrs:
                self.inside = True
            elif self.inside and tag == "tr":
                self.table.append([])
            elif self.inside and tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag == "table":
                self.inside = False
            elif tag in ("td", "th") and self.cell is not None and self.table:
                self.table[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Cells()
    parser.feed(data.decode("utf-8"))
    if not parser.table:
        raise ValueError("no register table found")
    return parser.table


def _read_docx(data: bytes) -> Table:
    import docx

    document = docx.Document(io.BytesIO(data))
    if not document.tables:
        raise ValueError("no table found")
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows]


def _read_xlsx(data: bytes) -> Table:
    from docctl.register.writers.xlsx import load_openpyxl

    openpyxl = load_openpyxl()
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Register"]
    table: Table = []
    for values in sheet.iter_rows(values_only=True):
        table.append([_xlsx_text(v) for v in values])
    return table


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_READERS: dict[str, Callable[[bytes], Table]] = {
    "csv": _read_csv,
    "json": _read_json,
    "md": _read_md,
    "html": _read_html,
    "docx": _read_docx,
    "xlsx": _read_xlsx,
}


def is_register(fmt: str, data: bytes) -> bool:
    """Whether ``data`` is a register docctl wrote in ``fmt``: it reads back as one, with the
    register's column headings (a committed register may be regenerated over itself)."""
    from docctl.register.model import Register

    if fmt == "json":
        value = json.loads(data.decode("utf-8"))
        if not isinstance(value, dict) or not {"docctl", "title", "commit", "rows"} <= value.keys():
            return False
    heading = read_table(fmt, Register(rows=(), commit=None).render(fmt))[0]
    return read_table(fmt, data)[0] == heading
