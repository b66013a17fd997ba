"""Gathering an audit: the findings of the repository as of the audit date, written as evidence,
compared with the previous audit, with the process indicators of the period."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from docctl._version import __version__
from docctl.adapters import git as gitmod
from docctl.audit.criteria import Criteria
from docctl.audit.model import (
    AuditFinding,
    AuditReport,
    CoverageItem,
    Evidence,
    Indicators,
    Method,
    PreviousAudit,
    Scope,
)
from docctl.audit.trend import compare, conclusions
from docctl.composer import views
from docctl.composer.base import Composer
from docctl.core.codes import RULES
from docctl.core.errors import UsageError
from docctl.core.model import Document, Finding, Severity, Status
from docctl.core.timeline import Revision
from docctl.references.graph import ReferenceIndex
from docctl.references.matrix import matrix

TITLE = "Internal audit of document control"


def audit_view(repo: Composer, as_of: dt.date | None) -> tuple[Composer, dt.date]:
    """The repository as it stood at the end of the audit day (the working copy for today)."""
    today = repo.now().date()
    if as_of is None or as_of >= today:
        return repo, as_of or today
    return views.at(repo, as_of), as_of


def period_start(repo: Composer, since: str | None) -> dt.date | None:
    """``--since``: a date, or a commit/tag whose commit date starts the period."""
    if since is None:
        return None
    try:
        return dt.date.fromisoformat(since)
    except ValueError:
        pass
    git = repo.git()
    commit = gitmod.resolve(git, since) if git is not None else None
    moment = gitmod.commit_date(git, commit) if git is not None and commit else None
    if moment is None:
        raise UsageError(f"--since '{since}' is neither a date YYYY-MM-DD nor a commit of this repository")
    return moment.date()


def collect(
    repo: Composer,
    *,
    as_of: dt.date | None = None,
    since: str | None = None,
    previous: Sequence[Mapping[str, object]] = (),
) -> AuditReport:
    """The audit report of ``repo`` as of ``as_of`` (default today) over the period from ``since``.

    ``previous`` are earlier audit records (their JSON), newest last; the newest one dated before
    the audit day is the one the trend compares with.
    """
    view, day = audit_view(repo, as_of)
    start = period_start(repo, since)
    if start is not None and start > day:
        raise UsageError(f"--since {start.isoformat()} is after the audit date {day.isoformat()}")
    criteria = Criteria(view.config, view.references().catalogues)
    report = view.check()
    documents = {d.id: d for d in view.documents() if d.id}
    history = view.history_index()
    revisions = {doc_id: history.revisions(doc_id) for doc_id in documents} if history is not None else {}
    drafted = [_audit_finding(f, criteria, documents, revisions) for f in _ordered(report.findings)]
    last = _previous(previous, day)
    findings, trend, fixed = compare(drafted, last)
    indicators = _indicators(view, documents, revisions, report.findings, start, day)
    coverage = _coverage(view)
    scope = Scope(
        root=view.root.name,
        standards=tuple(view.config.standards),
        types=tuple((code, t.title) for code, t in sorted(view.config.types.items())),
        period_start=start,
        period_end=day,
        commit=history.tip if history is not None else None,
    )
    method = Method(
        commits=_commits_examined(view, start),
        documents=len(documents),
        rules=tuple(sorted(RULES)),
        skipped=() if view.git() is not None else ("not a git repository: history, attestation and signature rules",),
    )
    result = AuditReport(
        title=TITLE,
        version=__version__,
        scope=scope,
        criteria=criteria.applied(),
        method=method,
        findings=findings,
        previous=last[0] if last else None,
        trend=trend,
        fixed=fixed,
        indicators=indicators,
        coverage=coverage,
        conclusions=(),
    )
    return _with_conclusions(result)


def _with_conclusions(report: AuditReport) -> AuditReport:
    from dataclasses import replace

    return replace(report, conclusions=conclusions(report))


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-f.severity.rank, f.code, f.path or "", f.line or 0, f.message))


def _grade(severity: Severity) -> str:
    return severity.value


def _audit_finding(
    finding: Finding,
    criteria: Criteria,
    documents: Mapping[str, Document],
    revisions: Mapping[str, Sequence[Revision]],
) -> AuditFinding:
    doc = documents.get(finding.document or "")
    history = revisions.get(finding.document or "", ())
    last = history[-1].last_commit if history else None
    evidence = Evidence(
        document=finding.document,
        revision=doc.revision if doc is not None else (history[-1].revision if history else None),
        path=finding.path,
        line=finding.line,
        commit=last.id if last is not None else None,
        person=(f"{last.author_name} <{last.author_email}>" if last is not None else (doc.owner if doc else None)),
        date=last.date.date() if last is not None else None,
    )
    return AuditFinding(
        number="",
        grade=_grade(finding.severity),
        code=finding.code,
        rule=finding.rule,
        requirement=criteria.for_code(finding.code),
        evidence=evidence,
        statement=finding.message,
    )


def _previous(
    records: Sequence[Mapping[str, object]], day: dt.date
) -> tuple[PreviousAudit, list[dict[str, object]]] | None:
    """The newest earlier audit (its summary and findings) from the records, or None."""
    best: tuple[dt.date, Mapping[str, object]] | None = None
    for record in records:
        scope = record.get("scope")
        end = scope.get("period_end") if isinstance(scope, dict) else None
        try:
            when = dt.date.fromisoformat(str(end))
        except ValueError:
            continue
        if when < day and (best is None or when >= best[0]):
            best = (when, record)
    if best is None:
        return None
    when, record = best
    raw = record.get("findings")
    items = [f for f in raw if isinstance(f, dict)] if isinstance(raw, list) else []
    counts = Counter(str(f.get("grade")) for f in items)
    summary = PreviousAudit(
        path=str(record.get("_path", "")),
        commit=str(record.get("_commit", "")),
        date=when,
        counts=tuple((g, counts.get(g, 0)) for g in ("major", "minor", "ofi")),
    )
    return summary, items


def _in_period(moment: dt.datetime, start: dt.date | None, day: dt.date) -> bool:
    return (start is None or moment.date() >= start) and moment.date() <= day


def _indicators(
    view: Composer,
    documents: Mapping[str, Document],
    revisions: Mapping[str, Sequence[Revision]],
    findings: Sequence[Finding],
    start: dt.date | None,
    day: dt.date,
) -> Indicators:
    days: list[int] = []
    started = 0
    without_cr: list[str] = []
    approvers: Counter[str] = Counter()
    for doc_id, history in sorted(revisions.items()):
        for number, revision in enumerate(history):
            released = revision.released
            if released is not None and _in_period(released.commit.date, start, day):
                submitted = next((s for s in revision.steps if s.status == "review"), None)
                begin = submitted.commit.date if submitted is not None else revision.first_commit.date
                days.append(max(0, (released.commit.date.date() - begin.date()).days))
            if number > 0 and _in_period(revision.first_commit.date, start, day):
                started += 1
                if not revision.change_request:
                    without_cr.append(f"{doc_id}/{revision.revision}")
            for approval in revision.approvals:
                if _in_period(approval.commit.date, start, day):
                    approvers[approval.key[0] or approval.by] += 1
    overdue = sorted({f.document for f in findings if f.code == "DC307" and f.document})
    index = ReferenceIndex(list(documents.values()), view.references())
    never = sorted(
        doc_id
        for doc_id, doc in documents.items()
        if doc.status is Status.EFFECTIVE and not index.incoming(doc) and not doc.supersedes
    )
    return Indicators(
        documents=len(documents),
        effective=sum(d.status is Status.EFFECTIVE for d in documents.values()),
        overdue_reviews=tuple(overdue),
        days_to_effective=tuple(days),
        revisions=started,
        without_change_request=tuple(without_cr),
        approvals_per_approver=tuple(sorted(approvers.items(), key=lambda kv: (-kv[1], kv[0]))),
        never_referenced=tuple(never),
    )


def _coverage(view: Composer) -> tuple[CoverageItem, ...]:
    items: list[CoverageItem] = []
    documents = view.documents()
    references = view.references()
    for standard in view.config.standards:
        catalogue = references.catalogues.get(standard)
        try:
            table = matrix(documents, references, standard)
        except UsageError:
            continue
        for row in table.rows:
            for item in row.mandatory:
                items.append(
                    CoverageItem(
                        standard=catalogue.name if catalogue is not None else table.title,
                        clause=row.number,
                        what=item.item.what,
                        kind=item.item.kind.value,
                        covered_by=tuple(sorted({doc for doc, _ in item.covered_by})),
                    )
                )
    return tuple(items)


def _commits_examined(view: Composer, start: dt.date | None) -> int:
    history = view.history_index()
    git = view.git()
    if history is None or git is None or history.tip is None:
        return 0
    dates = gitmod.commit_dates(git, history.tip)
    return sum(1 for moment in dates.values() if start is None or moment.date() >= start)


def read_records(repo: Composer, folder: str) -> list[dict[str, object]]:
    """The JSON of every audit record in ``folder`` as the repository (or its view) holds them."""
    result: list[dict[str, object]] = []
    for path, data in _record_files(repo, folder).items():
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(value, dict) and isinstance(value.get("findings"), list):
            value["_path"] = path
            result.append(value)
    return result


def _record_files(repo: Composer, folder: str) -> dict[str, bytes]:
    prefix = folder.strip("/") + "/"
    if isinstance(repo, views.CommitView):
        wanted = {p: blob for p, blob in repo.files().items() if p.startswith(prefix) and p.endswith(".json")}
        git = repo.git()
        blobs = gitmod.read_blobs(git, sorted(set(wanted.values()))) if git is not None and wanted else {}
        return {p: blobs.get(b, b"") for p, b in sorted(wanted.items())}
    base = repo.root / folder
    if not base.is_dir():
        return {}
    return {
        Path(p).relative_to(repo.root).as_posix(): p.read_bytes()
        for p in sorted(base.rglob("*.json"))
        if p.is_file() and not p.is_symlink()
    }
