"""Frozen values: documents, approvals, findings, revisions. No behaviour beyond small derivations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How an auditor grades a finding."""

    MAJOR = "major"
    MINOR = "minor"
    OFI = "ofi"

    @property
    def rank(self) -> int:
        """Higher is more severe."""
        return {"major": 3, "minor": 2, "ofi": 1}[self.value]


class Status(StrEnum):
    """Lifecycle status of a document revision."""

    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    EFFECTIVE = "effective"
    SUPERSEDED = "superseded"
    OBSOLETE = "obsolete"


class Meaning(StrEnum):
    """The meaning of an electronic signature (21 CFR 11.50 a 3)."""

    APPROVED = "approved"
    REVIEWED = "reviewed"
    AUTHORED = "authored"


@dataclass(frozen=True, kw_only=True)
class Approval:
    """One signature manifestation in a document's ``approvals`` list."""

    name: str
    by: str
    role: str
    meaning: Meaning
    date: dt.datetime | None
    fingerprint: str
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "by": self.by,
            "role": self.role,
            "meaning": self.meaning.value,
            "date": self.date.isoformat() if self.date else None,
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True, kw_only=True)
class Document:
    """A controlled document as read from the working copy (or from a commit).

    Fields that were missing or invalid in the file are ``None`` (or empty); the problems are
    reported by the reader (:mod:`docctl.documents.sources`) and judged by :mod:`docctl.rules.reading`.
    """

    path: str  # relative to the repository root, POSIX separators
    format: str  # "md" | "docx"
    id: str | None
    title: str | None
    type: str | None
    revision: str | None
    status: Status | None
    owner: str | None = None
    author: str | None = None
    effective: dt.date | None = None
    review_due: dt.date | None = None
    clauses: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    supersedes: str | None = None
    change: str | None = None
    change_request: str | None = None
    retention: str | None = None
    legacy_approval: str | None = None  # where the approval before adoption is recorded (docctl adopt)
    approvals: tuple[Approval, ...] = ()
    fingerprint: str = ""
    body: str = ""
    body_line: int = 1  # line of the file where the body starts (1 for .docx)
    lines: Mapping[str, int] = field(default_factory=dict)  # field -> line of its key (read-only)
    properties: Mapping[str, str] = field(default_factory=dict)  # read-only  # .docx core properties
    heading: str | None = None  # the title heading of the body (Markdown) or Title paragraph (.docx)
    heading_line: int | None = None

    def line_of(self, key: str) -> int | None:
        """Line of a metadata key in the file (the front matter or the sidecar)."""
        return self.lines.get(key)

    def to_dict(self) -> dict[str, object]:
        """The metadata as JSON-ready values (the shape of schemas/document.schema.json) plus path and fingerprint."""
        return {
            "id": self.id,
            "title": self.title,
            "type": self.type,
            "revision": self.revision,
            "status": self.status.value if self.status else None,
            "owner": self.owner,
            "author": self.author,
            "effective": self.effective.isoformat() if self.effective else None,
            "review_due": self.review_due.isoformat() if self.review_due else None,
            "clauses": list(self.clauses),
            "references": list(self.references),
            "supersedes": self.supersedes,
            "change": self.change,
            "change_request": self.change_request,
            "retention": self.retention,
            "legacy_approval": self.legacy_approval,
            "approvals": [a.to_dict() for a in self.approvals],
            "path": self.path,
            "format": self.format,
            "fingerprint": self.fingerprint,
        }

    @property
    def metadata_path(self) -> str:
        """The file that holds the metadata: the Markdown file itself or the .docx sidecar."""
        return self.path + ".yml" if self.format == "docx" else self.path


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One non-conformity, with a stable code."""

    code: str
    rule: str
    severity: Severity
    message: str
    path: str | None = None
    line: int | None = None
    document: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "document": self.document,
            "path": self.path,
            "line": self.line,
            "message": self.message,
        }

    def sort_key(self) -> tuple[str, int, str]:
        return (self.path or "", self.line or 0, self.code)

    def to_line(self, shown_path: str | None = None) -> str:
        """The one-line form ``path:line: CODE message`` that check, the hooks and the watcher print.

        ``shown_path`` is the path as shown (say, relative to the current folder) instead of the
        root-relative one; a finding without a file shows ``.``.
        """
        where = shown_path or self.path or "."
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.code} {self.message}"

    def __str__(self) -> str:
        return self.to_line()


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """The outcome of a check."""

    findings: tuple[Finding, ...]
    checked: int
    root: str
    commit: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    def at_or_above(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity.rank >= severity.rank)

    def to_dict(self, version: str) -> dict[str, object]:
        return {
            "docctl": version,
            "root": self.root,
            "commit": self.commit,
            "checked": self.checked,
            "findings": [f.to_dict() for f in self.findings],
            "counts": self.counts,
        }
