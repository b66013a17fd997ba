"""The register's writers, one module per format, each ``render(register) -> bytes``.

Every format is rendered deterministically: rows sorted by id, no clock unless a stamp is asked
for, fixed zip timestamps in the Office files; each file names the commit it was made from.
python-docx and openpyxl are imported by their writers only, when that format is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from docctl.core.errors import UsageError
from docctl.register.model import FORMATS
from docctl.register.writers import csv, docx, html, json, md, xlsx

if TYPE_CHECKING:
    from docctl.register.model import Register

_WRITERS: dict[str, Callable[[Register], bytes]] = {
    "csv": csv.render,
    "json": json.render,
    "md": md.render,
    "html": html.render,
    "docx": docx.render,
    "xlsx": xlsx.render,
}


def render(register: Register, format: str) -> bytes:
    """The register in one of FORMATS, as bytes."""
    writer = _WRITERS.get(format)
    if writer is None:
        raise UsageError(f"unknown register format '{format}' (use one of {', '.join(FORMATS)})")
    return writer(register)
