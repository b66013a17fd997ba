"""``docctl audit --record``: the report committed as a retained record, found again by the next audit.

A record is two files in ``[audit] folder``: ``<TYPE>-<date>.json`` (the report's values: what the
next audit compares with) and ``<TYPE>-<date>.html`` (the report as people read it). They are not
controlled documents (no approval cycle): they are retained, and any later change or deletion of
them is DC501.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from docctl.audit.model import AuditReport
from docctl.audit.render import render
from docctl.composer.base import Composer
from docctl.core.errors import LifecycleError
from docctl.lifecycle.change import Change, Commit
from docctl.lifecycle.journal import serialised
from docctl.lifecycle.steps import actor


@dataclass(frozen=True, slots=True)
class Recorded:
    id: str
    paths: tuple[str, ...]
    commit: str | None


def record_id(repo: Composer, report: AuditReport) -> str:
    return f"{repo.config.audit.type}-{report.scope.period_end.isoformat()}"


def record(repo: Composer, report: AuditReport, *, commit: bool = True) -> Recorded:
    """Write the record files and commit them with the ``Docctl-Action: audit`` trailers."""
    if report.scope.period_end != repo.now().date():
        raise LifecycleError("only an audit as of today can be recorded (--record with --as-of a past date)")
    with serialised(repo, "audit", record_id(repo, report)), repo.one_head():
        return _record(repo, report, commit=commit)


def _record(repo: Composer, report: AuditReport, *, commit: bool) -> Recorded:
    who = actor(repo, None)
    folder = repo.config.audit.folder
    rid = record_id(repo, report)
    data = render(report, "json")
    files = {f"{folder}/{rid}.json": data, f"{folder}/{rid}.html": render(report, "html")}
    for path in files:
        if (repo.root / path).exists():
            raise LifecycleError(f"{path} exists already: an audit record is retained as it was, never overwritten")
    change = Change(repo, who)
    for path, content in files.items():
        change.put(path, content)
    counts = report.counts()
    message = Commit(
        action="audit",
        doc_id=rid,
        revision="1",
        subject=(
            f"Audit of document control {report.scope.period_end.isoformat()}: "
            f"{counts['major']} major, {counts['minor']} minor, {counts['ofi']} OFI"
        ),
        fingerprint="sha256:" + hashlib.sha256(data).hexdigest(),
    )
    if commit:
        change.check_committed("audit")
    commit_id = change.apply(message, path=sorted(files)[0], commit=commit)
    return Recorded(rid, tuple(sorted(files)), commit_id)
