"""A master document list (``--register FILE.xlsx|FILE.csv``) read into rows of clues.

The header is the first row (of the first twenty) that names at least two known columns, one of them
an id, a title or a path; column names are matched without regard to case and with common synonyms
(Doc No, Document ID, Rev, Version, Effective Date, Owner, Next Review, Path, ...). CSV is read as
Excel writes it: UTF-8 with or without a byte order mark (Windows-1252 when it is not UTF-8), comma,
semicolon or tab separators (sniffed). An .xlsx is read with openpyxl (the ``xlsx`` extra), its
first sheet with such a header; date cells become dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from docctl.core.errors import UsageError
from docctl.lifecycle.adopt.synonyms import field_of

MAX_BYTES = 20 * 1024 * 1024
HEADER_ROWS = 20
_KEY_COLUMNS = frozenset({"id", "title", "path"})


@dataclass(frozen=True, slots=True)
class MasterRow:
    """One document's row: its number in the sheet (1-based, as a spreadsheet shows it) and its values by field."""

    number: int
    values: Mapping[str, str]

    def names(self) -> str:
        """What the row names, for messages: ``SOP-020 'Training'``."""
        parts = [self.values.get("id", ""), f"'{self.values['title']}'" if self.values.get("title") else ""]
        return " ".join(p for p in parts if p) or self.values.get("path", "") or "(no id or title)"


@dataclass(frozen=True, slots=True)
class MasterList:
    path: str  # as shown to the user
    rows: tuple[MasterRow, ...]
    columns: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # field -> column name
    notes: tuple[str, ...] = ()


def read_master_list(path: Path, shown: str) -> MasterList:
    """Read ``path`` (shown to the user as ``shown``); UsageError naming the file for anything unreadable."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv", ".txt"):
        raise UsageError(f"{shown}: a master list must be an .xlsx or .csv file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UsageError(f"{shown}: larger than {MAX_BYTES // (1024 * 1024)} MiB; is this the master list?")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{shown}: a folder, not a master list file") from None
    except OSError as error:
        raise UsageError(f"{shown}: cannot read it: {error.strerror}") from None
    notes: tuple[str, ...] = ()
    if suffix == ".xlsx":
        table = _xlsx_rows(data, shown)
    else:
        table, notes = _csv_rows(data, shown)
    return _master_list(table, shown, notes)


def _xlsx_rows(data: bytes, shown: str) -> list[list[str]]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - the xlsx extra is part of the test environment
        raise UsageError(
            f"{shown}: reading .xlsx needs openpyxl (pip install 'docctl[xlsx]'), or save the list as CSV"
        ) from None
    import warnings
    import zipfile

    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation and the like
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as error:
        raise UsageError(f"{shown}: not a readable .xlsx file ({type(error).__name__})") from None
    try:
        for sheet in book.worksheets:
            rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
            if _header_index(rows) is not None:
                return rows
        return [[_cell(value) for value in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(value, "g")
    return str(value).strip()


def _csv_rows(data: bytes, shown: str) -> tuple[list[list[str]], tuple[str, ...]]:
    notes: tuple[str, ...] = ()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UsageError(f"{shown}: not UTF-8 or Windows-1252 text; save it as 'CSV UTF-8'") from None
        notes = (f"{shown} is not UTF-8: read as Windows-1252 (Excel's 'CSV' in Western Europe)",)
    sample = "\n".join(text.splitlines()[:HEADER_ROWS])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:  # one column, or too few rows to tell: the separator seen most
        counts = {sep: sample.count(sep) for sep in (",", ";", "\t")}
        delimiter = max(counts, key=lambda sep: counts[sep])
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as error:
        raise UsageError(f"{shown}: not a readable CSV file ({error})") from None
    return rows, notes


def _header_index(rows: Sequence[Sequence[str]]) -> int | None:
    for index, row in enumerate(rows[:HEADER_ROWS]):
        named = {field_of(cell) for cell in row if cell}
        named.discard(None)
        if len(named) >= 2 and named & _KEY_COLUMNS:
            return index
    return None


def _master_list(rows: list[list[str]], shown: str, notes: tuple[str, ...]) -> MasterList:
    header = _header_index(rows)
    if header is None:
        raise UsageError(
            f"{shown}: no header row naming a document id, title or path column (and one more, e.g. "
            "Doc No, Title, Rev, Effective Date, Owner) in its first rows"
        )
    columns: dict[int, str] = {}
    names: dict[str, str] = {}
    for index, cell in enumerate(rows[header]):
        name = field_of(cell) if cell else None
        if name is not None and name not in names:  # the first column of a field counts
            columns[index] = name
            names[name] = cell
    result = []
    for offset, row in enumerate(rows[header + 1 :], start=header + 2):
        values = {
            name: row[index].strip() for index, name in columns.items() if index < len(row) and row[index].strip()
        }
        if values.keys() & _KEY_COLUMNS:
            result.append(MasterRow(offset, MappingProxyType(values)))
    return MasterList(shown, tuple(result), MappingProxyType(names), notes)
