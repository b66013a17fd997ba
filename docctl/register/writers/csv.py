"""The register as CSV: one value per cell, for spreadsheets and scripts; every row names its source."""

from __future__ import annotations

import csv
import io

from docctl.register.model import CSV_COLUMNS, CSV_SOURCE, Register, iso_day


def render(register: Register) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    source = list(CSV_SOURCE if register.generated else CSV_SOURCE[:2])
    writer.writerow([*CSV_COLUMNS, *source])
    extra = [register.commit or "", iso_day(register.as_of) or ""]
    if register.generated:
        extra.append(register.generated.isoformat(timespec="seconds"))
    for row in register.rows:
        writer.writerow([*row.csv_cells(), *extra])
    return buffer.getvalue().encode("utf-8")
