"""Writing an audit report: Markdown, HTML (with charts), Word and PDF."""

from __future__ import annotations

from docctl.audit.model import AuditReport
from docctl.core.errors import UsageError

FORMATS = ("md", "html", "docx", "pdf", "json")


def format_of(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in FORMATS:
        raise UsageError(f"cannot tell the report format from '{name}': use .md, .html, .docx, .pdf or .json")
    return suffix


def render(report: AuditReport, fmt: str) -> bytes:
    """The report as the bytes of ``fmt`` (md, html, docx, pdf or json)."""
    if fmt == "md":
        from docctl.audit.render.markdown import render_markdown

        return render_markdown(report).encode("utf-8")
    if fmt == "html":
        from docctl.audit.render.html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "docx":
        from docctl.audit.render.docx import render_docx

        return render_docx(report)
    if fmt == "pdf":
        from docctl.audit.render.html import render_html
        from docctl.publish.pdf import print_html

        return print_html(render_html(report))
    if fmt == "json":
        import json

        return (json.dumps(report.to_dict(), indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    raise UsageError(f"unknown report format '{fmt}'")
