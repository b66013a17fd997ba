"""The register as one self-contained HTML page, from the shared templates (register.html).

The page sorts by any column, filters by text, status and type (kept in the URL's fragment), and
prints on A4 landscape with "Uncontrolled when printed" and page numbers. Standalone, its style and
script are inline and nothing is fetched; the portal renders the same template with links to the
document pages (:func:`page`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from docctl.adapters import templates
from docctl.register.model import COLUMNS, FINAL, IN_PROGRESS, STATUSES, UNCONTROLLED, Register, Row, short_fingerprint


def render(register: Register) -> bytes:
    return page(register).encode("utf-8")


def page(register: Register, *, href: Callable[[Row], str | None] | None = None, **portal: Any) -> str:
    """The page as text; ``href`` links a row's id to a page, ``portal`` is the portal's context
    (``site``, ``stylesheet``)."""
    from markupsafe import Markup

    footer = _css_string(f"{UNCONTROLLED} \u00b7 {register.title} \u00b7 {register.source}")
    return templates.render(
        "register.html",
        register=register,
        footer=Markup(footer),  # escaped for a CSS string by _css_string
        uncontrolled=UNCONTROLLED,
        statuses=(*IN_PROGRESS, "effective", *FINAL),
        types=sorted({row.type for row in register.rows if row.type}),
        columns=COLUMNS,
        rows=[_row(row, href(row) if href else None) for row in register.rows],
        **portal,
    )


def _css_string(text: str) -> str:
    """``text`` inside a double-quoted CSS string of a <style> element."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")


def _row(row: Row, href: str | None) -> Mapping[str, object]:
    cells = []
    for (key, _), text in zip(COLUMNS, row.cells(), strict=True):
        cell: dict[str, object] = {"key": key, "text": text}
        if key == "status":
            cell.update(status=row.status, sort=STATUSES.index(row.status) if row.status in STATUSES else 9)
        elif key == "pending":
            cell["status"] = row.pending.status if row.pending else None
        elif key == "approvers":
            cell["parts"] = [a.label for a in row.approvers]
        elif key == "fingerprint":
            cell["short"] = short_fingerprint(text) if text else ""
        elif key == "path":
            cell["parts"] = text.split("/")
        elif key == "id":
            cell["href"] = href
        cells.append(cell)
    return {"status": row.status, "type": row.type, "cells": cells}
