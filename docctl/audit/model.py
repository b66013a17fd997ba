"""The audit report as frozen values: scope, criteria, method, findings, trend, indicators, conclusions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

GRADES = ("major", "minor", "ofi")
GRADE_TITLES = {"major": "Major nonconformity", "minor": "Minor nonconformity", "ofi": "Opportunity for improvement"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    """A requirement the audit judges against: a clause of a standard or regulation."""

    source: str  # "ISO 9001:2015", "ISO 13485:2016", "21 CFR Part 11"
    clause: str  # "7.5.3", "11.50"
    title: str

    @property
    def label(self) -> str:
        return f"{self.source} {self.clause}"

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "clause": self.clause, "title": self.title}


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Objective evidence of one finding: where it was seen and who last touched it."""

    document: str | None
    revision: str | None
    path: str | None
    line: int | None
    commit: str | None
    person: str | None
    date: dt.date | None

    def to_dict(self) -> dict[str, object]:
        return {
            "document": self.document,
            "revision": self.revision,
            "path": self.path,
            "line": self.line,
            "commit": self.commit,
            "person": self.person,
            "date": self.date.isoformat() if self.date else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditFinding:
    """One finding written the way an auditor writes it: requirement, evidence, statement, grade."""

    number: str  # F-01, F-02, ... in the order of the report
    grade: str  # major | minor | ofi, after escalation
    code: str
    rule: str
    requirement: tuple[Criterion, ...]
    evidence: Evidence
    statement: str
    repeat: bool = False  # also reported by the previous audit
    escalated: bool = False  # a minor left open since the previous audit, graded major

    @property
    def key(self) -> str:
        """What identifies the same finding across audits: code, document (or path) and message."""
        return f"{self.code}|{self.evidence.document or self.evidence.path or ''}|{self.statement}"

    def to_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "grade": self.grade,
            "code": self.code,
            "rule": self.rule,
            "requirement": [c.to_dict() for c in self.requirement],
            "evidence": self.evidence.to_dict(),
            "statement": self.statement,
            "repeat": self.repeat,
            "escalated": self.escalated,
            "key": self.key,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class TrendRow:
    """Against the previous audit, for one rule and grade: new, fixed and still open findings."""

    code: str
    rule: str
    grade: str
    new: int
    fixed: int
    still_open: int

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "rule": self.rule,
            "grade": self.grade,
            "new": self.new,
            "fixed": self.fixed,
            "still_open": self.still_open,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviousAudit:
    """The audit this one is compared with, as its record says."""

    path: str
    commit: str
    date: dt.date
    counts: tuple[tuple[str, int], ...]  # grade -> findings

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "commit": self.commit, "date": self.date.isoformat(), "counts": dict(self.counts)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicators:
    """Process indicators of document control over the audited period."""

    documents: int
    effective: int
    overdue_reviews: tuple[str, ...]  # documents whose periodic review is overdue
    days_to_effective: tuple[int, ...]  # per revision released in the period: submit -> effective
    revisions: int  # revisions started in the period (after the first)
    without_change_request: tuple[str, ...]  # "SOP-004/C" revisions without a change request
    approvals_per_approver: tuple[tuple[str, int], ...]  # name -> approvals given in the period
    never_referenced: tuple[str, ...]  # effective documents no other document refers to

    @property
    def median_days_to_effective(self) -> float | None:
        days = sorted(self.days_to_effective)
        if not days:
            return None
        middle = len(days) // 2
        return float(days[middle]) if len(days) % 2 else (days[middle - 1] + days[middle]) / 2

    def to_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "effective": self.effective,
            "overdue_reviews": list(self.overdue_reviews),
            "median_days_to_effective": self.median_days_to_effective,
            "revisions_released": len(self.days_to_effective),
            "revisions": self.revisions,
            "without_change_request": list(self.without_change_request),
            "approvals_per_approver": dict(self.approvals_per_approver),
            "never_referenced": list(self.never_referenced),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverageItem:
    """One item of documented information a standard makes mandatory, and what covers it."""

    standard: str
    clause: str
    what: str
    kind: str  # maintain (a document) | retain (a record)
    covered_by: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "standard": self.standard,
            "clause": self.clause,
            "what": self.what,
            "kind": self.kind,
            "covered_by": list(self.covered_by),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    root: str
    standards: tuple[str, ...]
    types: tuple[tuple[str, str], ...]  # code -> title
    period_start: dt.date | None
    period_end: dt.date
    commit: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "root": self.root,
            "standards": list(self.standards),
            "types": dict(self.types),
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat(),
            "commit": self.commit,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Method:
    commits: int
    documents: int
    rules: tuple[str, ...]
    skipped: tuple[str, ...]  # notices: what could not be examined and why

    def to_dict(self) -> dict[str, object]:
        return {
            "commits": self.commits,
            "documents": self.documents,
            "rules": list(self.rules),
            "skipped": list(self.skipped),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditReport:
    """An internal audit of the document-control process, as of one day."""

    title: str
    version: str
    scope: Scope
    criteria: tuple[Criterion, ...]
    method: Method
    findings: tuple[AuditFinding, ...]
    previous: PreviousAudit | None
    trend: tuple[TrendRow, ...]
    fixed: tuple[str, ...]  # keys of previous findings no longer found
    indicators: Indicators
    coverage: tuple[CoverageItem, ...]
    conclusions: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        return {grade: sum(f.grade == grade for f in self.findings) for grade in GRADES}

    def to_dict(self) -> dict[str, object]:
        return {
            "docctl": self.version,
            "title": self.title,
            "scope": self.scope.to_dict(),
            "criteria": [c.to_dict() for c in self.criteria],
            "method": self.method.to_dict(),
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "previous": self.previous.to_dict() if self.previous else None,
            "trend": [t.to_dict() for t in self.trend],
            "fixed": list(self.fixed),
            "indicators": self.indicators.to_dict(),
            "coverage": [c.to_dict() for c in self.coverage],
            "conclusions": list(self.conclusions),
        }
