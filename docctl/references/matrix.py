"""The coverage matrix: the clauses of one standard by the documents that address them (claimed in
``clauses``, mentioned in the body, inherited from a claimed parent clause), with the mandatory
documented information and its gaps; rendered as text, Markdown, CSV, HTML or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from docctl.core.errors import UsageError
from docctl.core.escaping import escape_controls
from docctl.core.model import Document, Status
from docctl.references.graph import DocumentSummary, ReferenceIndex, clause_uses
from docctl.references.model import RETIRED, References
from docctl.standards import Catalogue, Catalogues, MandatoryItem, ancestors_of


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One document's use of one clause."""

    document: str
    claimed: bool  # in the document's ``clauses``
    mentioned: bool  # in its body text
    weak: bool  # claimed, but neither it nor a sub-clause of it is mentioned in the body
    effective: bool

    @property
    def mark(self) -> str:
        return "weak" if self.weak else ("claimed" if self.claimed else "mentioned")

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.document,
            "claimed": self.claimed,
            "mentioned": self.mentioned,
            "weak": self.weak,
            "effective": self.effective,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class MandatoryCoverage:
    item: MandatoryItem
    covered_by: tuple[tuple[str, str], ...]  # (document id, the clause it claims: this one or a parent)

    @property
    def gap(self) -> bool:
        return not self.covered_by

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.item.kind.value,
            "what": self.item.what,
            "covered_by": [{"id": doc, "clause": clause} for doc, clause in self.covered_by],
            "gap": self.gap,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixRow:
    number: str
    title: str
    untitled: bool
    depth: int
    cells: tuple[Cell, ...]
    inherited_from: tuple[tuple[str, str], ...]  # effective documents claiming a parent clause
    coverage: str  # direct | inherited | partial | gap
    mandatory: tuple[MandatoryCoverage, ...]

    @property
    def gap(self) -> bool:
        return self.coverage == "gap"

    def to_dict(self) -> dict[str, object]:
        return {
            "clause": self.number,
            "title": self.title,
            "untitled": self.untitled,
            "depth": self.depth,
            "coverage": self.coverage,
            "documents": [c.to_dict() for c in self.cells],
            "inherited_from": [{"id": doc, "clause": clause} for doc, clause in self.inherited_from],
            "mandatory": [m.to_dict() for m in self.mandatory],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Matrix:
    """Clauses of one standard x the documents that address them."""

    standard: str
    title: str
    documents: tuple[DocumentSummary, ...]
    rows: tuple[MatrixRow, ...]

    @property
    def summary(self) -> dict[str, int]:
        items = [m for r in self.rows for m in r.mandatory]
        return {
            "clauses": len(self.rows),
            "direct": sum(r.coverage == "direct" for r in self.rows),
            "inherited": sum(r.coverage == "inherited" for r in self.rows),
            "partial": sum(r.coverage == "partial" for r in self.rows),
            "gaps": sum(r.gap for r in self.rows),
            "mandatory": len(items),
            "mandatory_gaps": sum(m.gap for m in items),
            "weak": sum(c.weak for r in self.rows for c in r.cells),
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "standard": {"id": self.standard, "title": self.title},
            "documents": [dict(d.to_dict(), effective=d.status == Status.EFFECTIVE.value) for d in self.documents],
            "clauses": [r.to_dict() for r in self.rows],
            "summary": self.summary,
        }

    def render(self, fmt: str) -> str:
        """The matrix as text, md, csv, html or json."""
        renderers = {
            "text": _matrix_text,
            "md": _matrix_md,
            "csv": _matrix_csv,
            "html": _matrix_html,
            "json": _matrix_json,
        }
        if fmt not in renderers:
            raise UsageError(f"unknown matrix format '{fmt}' (one of {', '.join(renderers)})")
        return renderers[fmt](self)


def matrix(documents: Sequence[Document], references: References, standard: str | None = None) -> Matrix:
    """Coverage of ``standard`` (default: the repository's default standard) by the documents.

    A clause is covered *directly* when an effective document claims or mentions it, *inherited*
    when an effective document claims a parent clause (a claim covers the sub-clauses), *partial*
    when only sub-clauses are covered, else it is a *gap*. Superseded and obsolete documents are
    left out; drafts are shown but cover nothing.
    """
    catalogue = _catalogue(references.catalogues, standard)
    index = ReferenceIndex(documents, references)
    uses: dict[str, dict[str, Cell]] = {}  # clause -> document -> cell
    claims: dict[str, list[str]] = {}  # clause -> effective documents claiming it
    shown: dict[str, Document] = {}
    for document in index.documents:
        if document.status in RETIRED:
            continue
        effective = document.status is Status.EFFECTIVE
        for use in clause_uses(document, index):
            if use.standard != catalogue.id or use.number not in catalogue:
                continue
            name = document.id or document.path
            shown[name] = document
            uses.setdefault(use.number, {})[name] = Cell(
                document=name,
                claimed=use.claimed,
                mentioned=use.mentioned,
                weak=use.weak,
                effective=effective,
            )
            if use.claimed and effective:
                claims.setdefault(use.number, []).append(name)
    direct = {n for n, cells in uses.items() if any(c.effective for c in cells.values())}
    rows = []
    for clause in catalogue.clauses:
        nearest: dict[str, str] = {}  # document -> the nearest parent clause it claims
        for parent in ancestors_of(clause.number):
            for doc in claims.get(parent, ()):
                nearest.setdefault(doc, parent)
        inherited = tuple(nearest.items())
        if clause.number in direct:
            coverage = "direct"
        elif inherited:
            coverage = "inherited"
        elif any(n.startswith(clause.number + ".") for n in direct):
            coverage = "partial"
        else:
            coverage = "gap"
        items = tuple(
            MandatoryCoverage(
                item=item,
                covered_by=tuple((doc, clause.number) for doc in claims.get(clause.number, ()))
                + tuple((doc, parent) for doc, parent in inherited if doc not in claims.get(clause.number, ())),
            )
            for item in catalogue.mandatory
            if item.clause == clause.number
        )
        rows.append(
            MatrixRow(
                number=clause.number,
                title=clause.title,
                untitled=clause.untitled,
                depth=clause.depth,
                cells=tuple(sorted(uses.get(clause.number, {}).values(), key=lambda c: c.document)),
                inherited_from=inherited,
                coverage=coverage,
                mandatory=items,
            )
        )
    summaries = tuple(DocumentSummary.of(shown[name]) for name in sorted(shown))
    return Matrix(standard=catalogue.id, title=catalogue.title, documents=summaries, rows=tuple(rows))


def _catalogue(catalogues: Catalogues, standard: str | None) -> Catalogue:
    if standard is None:
        return catalogues.default
    found = catalogues.get(standard)
    if found is None:
        raise UsageError(f"unknown standard '{standard}' (catalogues: {', '.join(sorted(c.id for c in catalogues))})")
    return found


# --- matrix renderers ----------------------------------------------------------------------------------------------


def _cell_text(cell: Cell, documents: Mapping[str, DocumentSummary]) -> str:
    notes = []
    if cell.weak:
        notes.append("weak")
    elif not cell.claimed:
        notes.append("mention only")
    if not cell.effective:
        status = documents[cell.document].status if cell.document in documents else None
        notes.append(status or "not effective")
    return cell.document + (f" ({', '.join(notes)})" if notes else "")


def _documents_text(row: MatrixRow, documents: Mapping[str, DocumentSummary]) -> str:
    parts = [_cell_text(c, documents) for c in row.cells]
    if row.coverage == "inherited":
        parts.append("via " + ", ".join(f"{doc} {clause}" for doc, clause in row.inherited_from))
    return "; ".join(parts)


def _coverage_label(row: MatrixRow) -> str:
    return {"direct": "", "inherited": "inherited", "partial": "partial", "gap": "GAP"}[row.coverage]


def _mandatory_text(item: MandatoryCoverage) -> str:
    state = "GAP" if item.gap else "covered by " + ", ".join(sorted({doc for doc, _ in item.covered_by}))
    return f"mandatory {item.item.kind.label}: {item.item.what} [{state}]"


def _by_id(m: Matrix) -> dict[str, DocumentSummary]:
    return {d.id or d.path: d for d in m.documents}


def _matrix_text(m: Matrix) -> str:
    docs = _by_id(m)
    width = max((len(r.number) + 2 * (r.depth - 1) for r in m.rows), default=6) + 2
    lines = [f"{m.title} ({m.standard}): {len(m.rows)} clauses, {len(m.documents)} documents", ""]
    for row in m.rows:
        title = f"(untitled) {row.title}" if row.untitled else row.title
        label = _coverage_label(row)
        head = f"{'  ' * (row.depth - 1) + row.number:<{width}}{title}"
        lines.append(head + (f"  [{label}]" if label else ""))
        text = _documents_text(row, docs)
        if text:
            lines.append(f"{'':<{width}}  {text}")
        for item in row.mandatory:
            lines.append(f"{'':<{width}}  {_mandatory_text(item)}")
    s = m.summary
    lines += [
        "",
        f"{s['clauses']} clauses: {s['direct']} addressed directly, {s['inherited']} through a parent clause, "
        f"{s['partial']} partially, {s['gaps']} gap(s); mandatory documented information: {s['mandatory']} item(s), "
        f"{s['mandatory_gaps']} gap(s); {s['weak']} weak claim(s) (claimed in metadata, never mentioned in the body)",
    ]
    return "\n".join(escape_controls(line) for line in lines) + "\n"  # one line per line, whatever a path holds


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _matrix_md(m: Matrix) -> str:
    docs = _by_id(m)
    lines = [
        f"# Clause coverage: {_md_escape(m.title)}",
        "",
        "| Clause | Title | Documents | Mandatory documented information | Coverage |",
        "|---|---|---|---|---|",
    ]
    for row in m.rows:
        title = f"*(untitled)* {row.title}" if row.untitled else row.title
        mandatory = "<br>".join(_md_escape(_mandatory_text(i).removeprefix("mandatory ")) for i in row.mandatory)
        label = _coverage_label(row)
        coverage = f"**{label}**" if row.gap else label
        number = f"**{row.number}**" if row.depth == 1 else row.number
        lines.append(
            f"| {number} | {_md_escape(title)} | {_md_escape(_documents_text(row, docs))} | {mandatory} | {coverage} |"
        )
    s = m.summary
    lines += [
        "",
        f"{s['clauses']} clauses, {s['gaps']} gap(s); {s['mandatory']} mandatory item(s), {s['mandatory_gaps']} gap(s); "
        f"{s['weak']} weak claim(s). *weak*: claimed in the metadata, never mentioned in the body; "
        "*inherited*: covered by a claim of a parent clause.",
    ]
    return "\n".join(lines) + "\n"


def _matrix_csv(m: Matrix) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    ids = [d.id or d.path for d in m.documents]
    writer.writerow(
        [
            "clause",
            "title",
            "untitled",
            "coverage",
            "inherited_from",
            "mandatory",
            "mandatory_gap",
            *ids,
        ]
    )
    for row in m.rows:
        cells = {c.document: c.mark for c in row.cells}
        writer.writerow(
            [
                row.number,
                row.title,
                "yes" if row.untitled else "",
                row.coverage,
                " ".join(f"{doc}@{clause}" for doc, clause in row.inherited_from),
                "; ".join(f"{i.item.kind.value}: {i.item.what}" for i in row.mandatory),
                "yes" if any(i.gap for i in row.mandatory) else "",
                *(cells.get(doc, "") for doc in ids),
            ]
        )
    return buffer.getvalue()


def _matrix_json(m: Matrix) -> str:
    return json.dumps(m.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _matrix_html(m: Matrix) -> str:
    return page(m)


def page(m: Matrix, *, href: Callable[[str], str | None] | None = None, **portal: Any) -> str:
    """The matrix as an HTML page from the shared templates (matrix.html). Standalone: one column per
    document, self-contained. With ``portal`` (the portal's ``site`` and ``stylesheet``) the documents
    of each clause are listed as links, ``href`` giving a document's page (None: not in the portal)."""
    from docctl.adapters import templates

    docs = _by_id(m)
    ids = [d.id or d.path for d in m.documents]
    listed = "site" in portal
    rows = []
    for row in m.rows:
        cells = {c.document: c for c in row.cells}
        rows.append(
            {
                "number": row.number,
                "title": row.title,
                "untitled": row.untitled,
                "classes": " ".join([row.coverage] + (["top"] if row.depth == 1 else [])),
                "coverage": _coverage_label(row) or "direct",
                "inherited": ", ".join(f"{d} {c}" for d, c in row.inherited_from)
                if row.coverage == "inherited"
                else "",
                "mandatory": [{"gap": i.gap, "text": f"{i.item.kind.label}: {i.item.what}"} for i in row.mandatory],
                "cells": (
                    [_listed(c, href) for c in row.cells] if listed else [_cell(cells.get(doc_id)) for doc_id in ids]
                ),
            }
        )
    documents = [
        {
            "id": doc_id,
            "effective": docs[doc_id].status == Status.EFFECTIVE.value,
            "tip": f"{docs[doc_id].title or ''} ({docs[doc_id].status or 'unknown status'})",
        }
        for doc_id in ids
    ]
    return templates.render("matrix.html", matrix=m, documents=documents, rows=rows, summary=m.summary, **portal)


def _cell(cell: Cell | None) -> dict[str, object] | None:
    if cell is None:
        return None
    return {"document": cell.document, "mark": cell.mark, "effective": cell.effective}


def _listed(cell: Cell, href: Callable[[str], str | None] | None) -> dict[str, object]:
    return {
        "document": cell.document,
        "mark": cell.mark,
        "effective": cell.effective,
        "href": href(cell.document) if href else None,
    }
