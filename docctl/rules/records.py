"""Records rules: DC501 a committed audit record changed or deleted later; DC502 the internal audit
of document control is overdue."""

from __future__ import annotations

from collections.abc import Iterator

from docctl.core.model import Finding
from docctl.core.records import AuditRecords
from docctl.rules.codes import finding
from docctl.rules.context import RuleContext
from docctl.rules.lifecycle import add_months


def changed_records(records: AuditRecords) -> Iterator[Finding]:
    """DC501: a record is retained as it was made; any later change or deletion is a major finding."""
    for item in records.files:
        if not item.changed:
            continue
        what = "was deleted" if item.current_blob is None else "has changed"
        yield finding(
            "DC501",
            f"audit record {item.path} {what} since it was recorded on {item.recorded.isoformat()} "
            f"(commit {item.commit[:12]}); records are retained unchanged",
            path=item.path,
        )


def audit_overdue(records: AuditRecords, ctx: RuleContext) -> Iterator[Finding]:
    """DC502: no internal audit of document control within ``[audit] interval_months``."""
    if not records.configured and not records.files:
        return
    since = records.last_audit or records.first_commit
    if since is None:
        return
    due = add_months(since, records.interval_months)
    if ctx.today <= due:
        return
    if records.last_audit is None:
        message = (
            f"no internal audit of document control is recorded; one was due by {due.isoformat()} "
            f"({records.interval_months} months after the history starts on {since.isoformat()}): run 'docctl audit --record'"
        )
    else:
        message = (
            f"the last internal audit of document control was recorded on {since.isoformat()}; the next was due "
            f"by {due.isoformat()} (every {records.interval_months} months): run 'docctl audit --record'"
        )
    yield finding("DC502", message, path=records.folder)
