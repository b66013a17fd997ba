"""The audit report as Markdown: the form that is committed as the record and read in review tools."""

from __future__ import annotations

from docctl.audit.model import GRADE_TITLES, AuditFinding, AuditReport


def _cell(text: object) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def _evidence(f: AuditFinding) -> str:
    e = f.evidence
    parts = []
    if e.document:
        parts.append(f"document {e.document}" + (f" revision {e.revision}" if e.revision else ""))
    if e.path:
        parts.append(f"`{e.path}" + (f":{e.line}`" if e.line else "`"))
    if e.commit:
        parts.append(f"last changed in commit `{e.commit[:12]}`")
    if e.person:
        parts.append(f"by {e.person}")
    if e.date:
        parts.append(f"on {e.date.isoformat()}")
    return ", ".join(parts) or "the repository as a whole"


def _scope(report: AuditReport) -> list[str]:
    s = report.scope
    period = (
        f"{s.period_start.isoformat() if s.period_start else 'the start of the history'} to {s.period_end.isoformat()}"
    )
    return [
        "## 1. Scope",
        "",
        f"- Audited: the document-control process of the repository `{s.root}`"
        + (f" at commit `{s.commit[:12]}`" if s.commit else " (no git history)"),
        f"- Standards: {', '.join(s.standards)}",
        f"- Document types: {', '.join(f'{c} ({t})' for c, t in s.types)}",
        f"- Period: {period}",
        "",
    ]


def _criteria(report: AuditReport) -> list[str]:
    lines = ["## 2. Criteria", ""]
    lines += [f"- {c.label} {c.title}".rstrip() for c in report.criteria]
    return lines + [""]


def _method(report: AuditReport) -> list[str]:
    m = report.method
    lines = [
        "## 3. Method",
        "",
        f"Every controlled document ({m.documents}) and the git history ({m.commits} commits in the period) were "
        f"examined by docctl {report.version} against {len(m.rules)} rules ({', '.join(m.rules)}): identification "
        "and format, review and approval, attestation of approvals by git, changes and revisions, periodic review, "
        "availability and references, retention of superseded and obsolete documents, and audit records.",
    ]
    lines += [f"- Not examined: {s}" for s in m.skipped]
    return lines + [""]


def _findings(report: AuditReport) -> list[str]:
    counts = report.counts()
    lines = [
        "## 4. Findings",
        "",
        f"{counts['major']} major, {counts['minor']} minor, {counts['ofi']} opportunities for improvement.",
        "",
    ]
    for f in report.findings:
        flags = " (repeat finding, escalated from minor)" if f.escalated else " (repeat finding)" if f.repeat else ""
        lines += [
            f"### {f.number} {GRADE_TITLES[f.grade]}: {f.code} {f.rule}{flags}",
            "",
            f"- Requirement: {'; '.join(f'{c.label} {c.title}'.rstrip() for c in f.requirement)}",
            f"- Objective evidence: {_evidence(f)}",
            f"- Statement: {f.statement}",
            "",
        ]
    return lines


def _trend(report: AuditReport) -> list[str]:
    lines = ["## 5. Trend", ""]
    if report.previous is None:
        return lines + ["No earlier audit of document control is on record; this audit is the baseline.", ""]
    p = report.previous
    lines += [
        f"Compared with the audit of {p.date.isoformat()} (`{p.path}`).",
        "",
        "| code | rule | grade | new | fixed | still open |",
        "|---|---|---|---:|---:|---:|",
    ]
    lines += [f"| {t.code} | {t.rule} | {t.grade} | {t.new} | {t.fixed} | {t.still_open} |" for t in report.trend]
    return lines + [""]


def _indicators(report: AuditReport) -> list[str]:
    i = report.indicators
    median = i.median_days_to_effective
    lines = [
        "## 6. Process indicators",
        "",
        "| indicator | value |",
        "|---|---|",
        f"| controlled documents (effective) | {i.documents} ({i.effective}) |",
        f"| documents overdue for periodic review | {len(i.overdue_reviews)} {_list(i.overdue_reviews)} |",
        f"| median days from submission to effective | {'n/a' if median is None else f'{median:g}'} "
        f"(over {len(i.days_to_effective)} releases) |",
        f"| new revisions without a change request | {len(i.without_change_request)} of {i.revisions} "
        f"{_list(i.without_change_request)} |",
        f"| effective documents no other document refers to | {len(i.never_referenced)} {_list(i.never_referenced)} |",
        "",
        "Approvals per approver in the period:",
        "",
        "| approver | approvals |",
        "|---|---:|",
    ]
    lines += [f"| {_cell(name)} | {n} |" for name, n in i.approvals_per_approver] or ["| (none) | 0 |"]
    return lines + [""]


def _list(items: tuple[str, ...]) -> str:
    return f"({', '.join(items)})" if items else ""


def _coverage(report: AuditReport) -> list[str]:
    lines = ["## 7. Mandatory documented information", ""]
    if not report.coverage:
        return lines + ["The configured standards list no mandatory documented information.", ""]
    lines += ["| standard | clause | what | kind | covered by |", "|---|---|---|---|---|"]
    lines += [
        f"| {_cell(c.standard)} | {c.clause} | {_cell(c.what)} | {c.kind} | {', '.join(c.covered_by) or '**gap**'} |"
        for c in report.coverage
    ]
    return lines + [""]


def render_markdown(report: AuditReport) -> str:
    lines = [
        f"# {report.title}",
        "",
        f"Audit date: {report.scope.period_end.isoformat()}. Prepared with docctl {report.version}.",
        "",
    ]
    for part in (_scope, _criteria, _method, _findings, _trend, _indicators, _coverage):
        lines += part(report)
    lines += ["## 8. Conclusions", ""] + [f"- {c}" for c in report.conclusions] + [""]
    return "\n".join(lines)
