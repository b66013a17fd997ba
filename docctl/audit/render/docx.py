"""The audit report as a Word document (python-docx), charts as pictures."""

from __future__ import annotations

import io
from typing import Any

from docctl.audit.model import GRADE_TITLES, AuditReport
from docctl.audit.render.charts import charts, png
from docctl.audit.render.markdown import _evidence


def render_docx(report: AuditReport) -> bytes:
    from docx import Document
    from docx.shared import Inches

    doc = Document()
    props = doc.core_properties
    props.title = f"{report.title} {report.scope.period_end.isoformat()}"
    props.author = "docctl"
    props.comments = f"docctl {report.version}"
    import datetime as dt

    fixed = dt.datetime.combine(report.scope.period_end, dt.time(12, 0))
    props.created = props.modified = fixed
    props.last_printed = fixed
    props.revision = 1
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(
        f"Audit date {report.scope.period_end.isoformat()}; repository {report.scope.root}"
        + (f" at commit {report.scope.commit[:12]}" if report.scope.commit else "")
        + f"; docctl {report.version}."
    )
    s = report.scope
    doc.add_heading("1. Scope", level=1)
    for line in (
        f"Standards: {', '.join(s.standards)}",
        f"Document types: {', '.join(f'{c} ({t})' for c, t in s.types)}",
        f"Period: {s.period_start.isoformat() if s.period_start else 'the start of the history'} to {s.period_end.isoformat()}",
    ):
        doc.add_paragraph(line, style="List Bullet")
    doc.add_heading("2. Criteria", level=1)
    for c in report.criteria:
        doc.add_paragraph(f"{c.label} {c.title}".rstrip(), style="List Bullet")
    doc.add_heading("3. Method", level=1)
    m = report.method
    doc.add_paragraph(
        f"Every controlled document ({m.documents}) and the git history ({m.commits} commits in the period) were "
        f"examined against {len(m.rules)} rules: {', '.join(m.rules)}."
    )
    _findings(doc, report)
    _trend(doc, report)
    doc.add_heading("6. Process indicators", level=1)
    i = report.indicators
    median = i.median_days_to_effective
    _table(
        doc,
        ("indicator", "value"),
        [
            ("controlled documents (effective)", f"{i.documents} ({i.effective})"),
            ("overdue for periodic review", f"{len(i.overdue_reviews)} {' '.join(i.overdue_reviews)}"),
            ("median days from submission to effective", "n/a" if median is None else f"{median:g}"),
            ("new revisions without a change request", f"{len(i.without_change_request)} of {i.revisions}"),
            ("effective documents never referenced", f"{len(i.never_referenced)} {' '.join(i.never_referenced)}"),
        ],
    )
    for title, fig in charts(report):
        doc.add_paragraph(title, style="Caption")
        doc.add_picture(io.BytesIO(png(fig)), width=Inches(6))
    doc.add_heading("7. Mandatory documented information", level=1)
    _table(
        doc,
        ("standard", "clause", "what", "kind", "covered by"),
        [(c.standard, c.clause, c.what, c.kind, ", ".join(c.covered_by) or "GAP") for c in report.coverage],
    )
    doc.add_heading("8. Conclusions", level=1)
    for line in report.conclusions:
        doc.add_paragraph(line, style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _findings(doc: Any, report: AuditReport) -> None:
    counts = report.counts()
    doc.add_heading("4. Findings", level=1)
    doc.add_paragraph(
        f"{counts['major']} major, {counts['minor']} minor, {counts['ofi']} opportunities for improvement."
    )
    for f in report.findings:
        flag = " (repeat, escalated from minor)" if f.escalated else " (repeat)" if f.repeat else ""
        doc.add_heading(f"{f.number} {GRADE_TITLES[f.grade]}: {f.code} {f.rule}{flag}", level=2)
        for label, text in (
            ("Requirement", "; ".join(f"{c.label} {c.title}".rstrip() for c in f.requirement)),
            ("Objective evidence", _evidence(f).replace("`", "")),
            ("Statement", f.statement),
        ):
            para = doc.add_paragraph()
            para.add_run(f"{label}: ").bold = True
            para.add_run(text)


def _trend(doc: Any, report: AuditReport) -> None:
    doc.add_heading("5. Trend", level=1)
    if report.previous is None:
        doc.add_paragraph("No earlier audit of document control is on record; this audit is the baseline.")
        return
    doc.add_paragraph(f"Compared with the audit of {report.previous.date.isoformat()} ({report.previous.path}).")
    _table(
        doc,
        ("code", "rule", "grade", "new", "fixed", "still open"),
        [(t.code, t.rule, t.grade, str(t.new), str(t.fixed), str(t.still_open)) for t in report.trend],
    )


def _table(doc: Any, head: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
