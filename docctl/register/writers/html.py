"""The register as one self-contained HTML page, from the shared templates (register.html).

The page sorts by any column, filters by text, status and type (kept in the URL's fragment), and
prints on A4 landscape with "Uncontrolled when printed" and page numbers. Standalone, its style and
script are inline and nothing is fetched; the portal renders the same template with links to the
document pages (:func:`page`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

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


class _Cells(NamedTuple):
    """One row as the template shows it, column by column (attributes: fast to look up in jinja2)."""

    status: str
    type: str
    id: str
    href: str | None
    title: str
    revision: str
    sort: int  # the status's place in the lifecycle, for sorting the column
    owner: str
    effective: str
    review_due: str
    approvers: list[str]
    clauses: str
    path: list[str]
    pending_status: str | None
    pending: str
    superseded_by: str
    fingerprint: str
    short: str


def _row(row: Row, href: str | None) -> _Cells:
    cells = dict(zip((key for key, _ in COLUMNS), row.cells(), strict=True))
    return _Cells(
        status=row.status,
        type=row.type,
        id=row.id,
        href=href,
        title=cells["title"],
        revision=cells["revision"],
        sort=STATUSES.index(row.status) if row.status in STATUSES else 9,
        owner=cells["owner"],
        effective=cells["effective"],
        review_due=cells["review_due"],
        approvers=[a.label for a in row.approvers],
        clauses=cells["clauses"],
        path=row.path.split("/"),
        pending_status=row.pending.status if row.pending else None,
        pending=cells["pending"],
        superseded_by=cells["superseded_by"],
        fingerprint=row.fingerprint or "",
        short=short_fingerprint(row.fingerprint) if row.fingerprint else "",
    )
