"""The finding codes (docs/reference.md): code, rule name, default severity and summary, as data.

The table lives in the core so that every layer may read it: the configuration validates the codes
of ``[severity]`` and ``[ignore]`` against it, the rules make their findings from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from docctl.core.model import Severity


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str


_M, _m, _o = Severity.MAJOR, Severity.MINOR, Severity.OFI

_TABLE = [
    ("DC101", "uncontrolled-document", _M, "a controlled path holds a file with no metadata"),
    ("DC102", "invalid-metadata", _M, "metadata breaks the schema"),
    ("DC103", "duplicate-id", _M, "two documents share an id"),
    ("DC104", "id-pattern", _m, "id does not match its type's id_pattern"),
    ("DC105", "id-reused", _M, "an id that history shows for a different, retired document"),
    ("DC106", "identity-mismatch", _m, "a .docx core property or the first heading disagrees with the metadata"),
    ("DC107", "unreadable-document", _M, "the file cannot be read"),
    ("DC108", "orphan-sidecar", _M, "a .docx sidecar whose .docx is gone"),
    ("DC109", "unmatched-glob", _o, "a controlled glob in docctl.toml matches no Markdown or Word file"),
    ("DC201", "missing-approval", _M, "approved/effective without a valid approval for every required role"),
    ("DC202", "changed-after-approval", _M, "the content fingerprint differs from the one approved"),
    ("DC203", "self-approval", _m, "the author approved their own revision where the type forbids it"),
    ("DC204", "unauthorized-approver", _M, "the approver does not hold the role in [people]"),
    ("DC205", "unattested-approval", _M, "the commit that added the approval was not authored by the approver"),
    ("DC206", "unsigned-approval", _M, "signing is required and the approval commit has no valid signature"),
    ("DC207", "approval-date", _m, "approval dated in the future, or after the effective date"),
    ("DC301", "revision-not-bumped", _M, "a released revision's content changed without a new revision"),
    ("DC302", "revision-sequence", _m, "a revision was skipped, reused or went backwards"),
    ("DC303", "missing-change-description", _m, "a new revision has no or a boilerplate change description"),
    ("DC304", "illegal-transition", _M, "a status step the lifecycle forbids"),
    ("DC305", "effective-date", _m, "effective without an effective date"),
    ("DC306", "controlled-document-deleted", _M, "an effective document's file was deleted instead of made obsolete"),
    ("DC307", "review-overdue", _m, "review_due has passed"),
    ("DC308", "review-due-soon", _o, "review_due falls within review_warning_days"),
    ("DC309", "multiple-effective", _M, "a superseded document is still effective beside its successor"),
    ("DC310", "removed-from-control", _M, "docctl.toml no longer controls an approved or effective document"),
    ("DC311", "interrupted-step", _M, "a lifecycle step was interrupted and is half done: run docctl recover"),
    ("DC401", "unknown-clause", _m, "a clause reference is not in the standard's catalogue"),
    ("DC402", "broken-reference", _M, "a reference to a document id or file that does not exist"),
    ("DC403", "obsolete-reference", _M, "an effective/approved document references a superseded or obsolete one"),
    ("DC404", "unreleased-reference", _m, "an effective document references one that was never released"),
    ("DC405", "supersedes-inconsistent", _m, "supersedes points nowhere, forms a cycle, or the old one is not marked"),
    ("DC406", "mandatory-gap", _o, "a mandatory documented-information item has no effective document"),
    ("DC407", "suspect-reference", _o, "a referenced document got a new revision after this one was approved"),
    ("DC501", "audit-record-changed", _M, "a committed audit record was changed or deleted later"),
    ("DC502", "audit-overdue", _m, "no internal audit of document control within the audit interval"),
]

#: code -> its rule, in code order.
RULES: Mapping[str, Rule] = MappingProxyType(
    {code: Rule(code, name, sev, summary) for code, name, sev, summary in _TABLE}
)
