"""Comparing an audit with the previous one, as certification bodies do: repeat findings, a minor
left open escalated to major, and the trend by rule and grade; and the conclusions drawn from it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from docctl.audit.model import GRADES, AuditFinding, PreviousAudit, TrendRow

if TYPE_CHECKING:
    from docctl.audit.model import AuditReport


def compare(
    findings: Sequence[AuditFinding],
    previous: tuple[PreviousAudit, list[dict[str, object]]] | None,
) -> tuple[tuple[AuditFinding, ...], tuple[TrendRow, ...], tuple[str, ...]]:
    """Numbered findings (repeats marked, open minors escalated), the trend rows and the fixed keys."""
    before: Mapping[str, Mapping[str, object]] = {}
    if previous is not None:
        before = {str(item.get("key")): item for item in previous[1] if item.get("key")}
    result: list[AuditFinding] = []
    for finding in findings:
        earlier = before.get(finding.key)
        if earlier is not None:
            escalate = finding.grade == "minor" and str(earlier.get("grade")) in ("minor", "major")
            finding = replace(finding, repeat=True, escalated=escalate, grade="major" if escalate else finding.grade)
        result.append(finding)
    result.sort(key=lambda f: (GRADES.index(f.grade), f.code, f.evidence.path or "", f.evidence.line or 0))
    numbered = tuple(replace(f, number=f"F-{n:02d}") for n, f in enumerate(result, 1))
    now_keys = {f.key for f in numbered}
    fixed = tuple(sorted(key for key in before if key not in now_keys))
    return numbered, _trend(numbered, before, fixed) if previous is not None else (), fixed


def _trend(
    findings: Sequence[AuditFinding], before: Mapping[str, Mapping[str, object]], fixed: Sequence[str]
) -> tuple[TrendRow, ...]:
    new: Counter[tuple[str, str, str]] = Counter()
    still: Counter[tuple[str, str, str]] = Counter()
    gone: Counter[tuple[str, str, str]] = Counter()
    for f in findings:
        (still if f.repeat else new)[(f.code, f.rule, f.grade)] += 1
    for key in fixed:
        item = before[key]
        gone[(str(item.get("code")), str(item.get("rule")), str(item.get("grade")))] += 1
    rows = sorted(set(new) | set(still) | set(gone), key=lambda k: (GRADES.index(k[2]) if k[2] in GRADES else 9, k[0]))
    return tuple(
        TrendRow(code=c, rule=r, grade=g, new=new[(c, r, g)], fixed=gone[(c, r, g)], still_open=still[(c, r, g)])
        for c, r, g in rows
    )


def conclusions(report: AuditReport) -> tuple[str, ...]:
    """What the audit concludes, in the words an audit report uses."""
    counts = report.counts()
    lines: list[str] = []
    if counts["major"]:
        lines.append(
            f"The document-control process does not conform: {counts['major']} major nonconformit"
            f"{'y' if counts['major'] == 1 else 'ies'} must be corrected, with their causes, before the next audit."
        )
    elif counts["minor"]:
        lines.append(
            f"The document-control process conforms with {counts['minor']} minor nonconformit"
            f"{'y' if counts['minor'] == 1 else 'ies'}; left open until the next audit, a minor comes back major."
        )
    else:
        lines.append("The document-control process conforms: no nonconformity was found.")
    if counts["ofi"]:
        lines.append(f"{counts['ofi']} opportunit{'y' if counts['ofi'] == 1 else 'ies'} for improvement recorded.")
    escalated = [f.number for f in report.findings if f.escalated]
    if escalated:
        lines.append(f"Escalated because they were open at the previous audit: {', '.join(escalated)}.")
    if report.previous is not None:
        fixed = len(report.fixed)
        new = sum(1 for f in report.findings if not f.repeat)
        lines.append(
            f"Against the audit of {report.previous.date.isoformat()}: {fixed} fixed, {new} new, "
            f"{sum(1 for f in report.findings if f.repeat)} still open."
        )
    gaps = [c for c in report.coverage if not c.covered_by]
    if gaps:
        lines.append(f"{len(gaps)} item(s) of mandatory documented information have no effective document.")
    ind = report.indicators
    if ind.overdue_reviews:
        lines.append(f"Periodic review overdue for {len(ind.overdue_reviews)} document(s).")
    return tuple(lines)
