"""A document-control block near the top of a document, read into clues: a table of labels and
values (``| Document ID | SOP-106 |``), a table with a header row and one row of values
(``| Doc No | Rev | Effective |``), and lines such as ``Revision: C``, ``**Owner:** Jane Smith``
or ``Version 1.0``."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from docctl.lifecycle.adopt.plan import Clue
from docctl.lifecycle.adopt.synonyms import field_of

#: Lines before the body's first heading of this kind count; a revision history is not the control block.
HISTORY_HEADING = re.compile(
    r"(revision|change|document|version|amendment)\s+(history|log|record)|änderungs|historie", re.IGNORECASE
)
_LINE = re.compile(r"^[\s*_>-]*(?P<label>[^:：\t|]{1,40}?)[\s*_]*[:：\t][\s*_]*(?P<value>.+?)[\s*_]*$")
_BARE = re.compile(r"^[\s*_]*(?P<label>version|revision|rev\.?|issue)[\s*_]+(?P<value>\S+)[\s*_]*$", re.IGNORECASE)


def table_clues(rows: Sequence[Sequence[str]], where: str, fields: Mapping[str, str]) -> Iterator[Clue]:
    """Clues of one table: a header row of labels over one row of values, else label/value pairs."""
    rows = [[" ".join(cell.split()) for cell in _merged(row)] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return
    header = [field_of(cell, fields) if cell else None for cell in rows[0]]
    named = sum(1 for name in header if name)
    if named >= 2 and named * 2 > sum(1 for cell in rows[0] if cell):  # a header row of labels
        if len(rows) == 2:
            for name, value in zip(header, rows[1], strict=False):
                if name and value:
                    yield Clue(name, value, where, "control")
        return  # several rows of values: a list (a revision history), not the document's own data
    for row in rows:
        for index in range(0, len(row) - 1, 2):
            name = field_of(row[index], fields) if row[index] else None
            if name and row[index + 1]:
                yield Clue(name, row[index + 1], where, "control")


def _merged(row: Sequence[str]) -> list[str]:
    """A row without the repeats of horizontally merged cells (python-docx gives a merged cell once per grid column)."""
    cells: list[str] = []
    for cell in row:
        if not cells or cell != cells[-1] or not cell:
            cells.append(cell)
    return cells


def line_clue(line: str, where: str, fields: Mapping[str, str]) -> Clue | None:
    """A clue from one line: ``Label: value`` (or a tab between them), or ``Version 1.0``."""
    match = _LINE.match(line) or _BARE.match(line)
    if match is None:
        return None
    name = field_of(match.group("label"), fields)
    value = match.group("value").strip()
    if name is None or not value:
        return None
    return Clue(name, value, where, "control")
