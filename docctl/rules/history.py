"""Rules judged over the revision history: DC105, DC301, DC302, DC303, DC304, DC306; and the
approvals judged with history: DC203 and DC201 (self-approval by an author of the revision's
content), DC205 (attestation), DC206 (signature), DC207 (dates against the commits).

Pure: they look at a document's events (from :mod:`docctl.history`) plus, where the working copy
differs from HEAD, one more event for it, or at the values history computed from them (the commit
that added each approval, the provenance of the revision). They judge the current revision and how
it was reached; earlier, closed revisions are shown by ``docctl history`` but no longer reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence

from docctl.core.model import Approval, Document, Finding, Meaning
from docctl.core.timeline import (
    FINAL_STATES,
    ApprovalKey,
    Authorship,
    Commit,
    Event,
    Provenance,
    Revision,
    approval_key,
    revisions_of,
)
from docctl.rules import approvals as approval_rules
from docctl.rules.codes import finding
from docctl.rules.context import RuleContext

#: status -> statuses it may move to within one revision.
ALLOWED: dict[str, frozenset[str]] = {
    "draft": frozenset({"review", "obsolete"}),
    "review": frozenset({"draft", "approved", "obsolete"}),
    "approved": frozenset({"draft", "review", "effective", "obsolete"}),
    "effective": frozenset({"superseded", "obsolete"}),
    "superseded": frozenset(),
    "obsolete": frozenset(),
}
#: statuses a new revision may start in, by the status the previous revision ended in.
NEW_REVISION_FROM = frozenset({"effective", "approved", "review", "draft"})

_BOILERPLATE = re.compile(
    r"^(update[sd]?|updating|fix(e[sd])?|fixing|change[sd]?|minor( (update|change|edit)s?)?|edit(s|ed)?|"
    r"typo(s)?|wip|misc|various|tbd|n/?a|none|new revision|revision|rev|see above|-+|\.+)\W*$",
    re.IGNORECASE,
)


def is_boilerplate(text: str | None) -> bool:
    return text is None or not text.strip() or bool(_BOILERPLATE.match(text.strip()))


def check_history(
    doc_id: str,
    events: Sequence[Event],
    working: Document | None,
    ctx: RuleContext,
) -> Iterator[Finding]:
    """Every history rule for one document. ``events`` end with the working copy's, if it differs."""
    retired, revisions = _lineage(list(revisions_of(doc_id, events)))
    if not revisions:
        return
    current = revisions[-1]
    path = working.metadata_path if working is not None else current.path
    yield from _deleted(current, working)
    if working is None:
        return
    if retired is not None and (retired.title, retired.type) != (current.title, current.type):
        yield from _reused(retired, current, working, path)
    elif retired is not None and retired.ended is not None and current.steps:
        yield _illegal(
            working,
            path,
            f"{retired.status} (revision {retired.revision})",
            f"{current.steps[0].status} (revision {current.revision})",
            current.steps[0],
        )
    yield from _transitions(revisions, working, path)
    yield from _not_bumped(current, working)
    yield from _sequence(revisions, working, ctx, path)
    yield from _change_description(revisions, working, ctx, path)


def _lineage(revisions: list[Revision]) -> tuple[Revision | None, list[Revision]]:
    """(the last retired revision before the current lineage, the current lineage's revisions)."""
    for index in range(len(revisions) - 2, -1, -1):
        earlier = revisions[index]
        if earlier.ended is not None or earlier.deleted is not None:
            return earlier, revisions[index + 1 :]
    return None, revisions


def _deleted(current: Revision, working: Document | None) -> Iterator[Finding]:
    """DC306: the file of an effective document was deleted instead of being made obsolete."""
    last = current.events[-1]
    if working is not None or last.snapshot is not None or current.status != "effective":
        return
    when = (
        "in the working copy"
        if last.commit.id is None
        else f"in commit {last.commit.short} by {last.commit.author_name}"
    )
    yield finding(
        "DC306",
        f"{current.id} (effective revision {current.revision}) was deleted {when}; restore it and make it obsolete instead",
        path=current.path,
        document=current.id,
    )


def _transitions(revisions: Sequence[Revision], working: Document, path: str) -> Iterator[Finding]:
    """DC304: status steps the lifecycle forbids, in the current revision and on entering it."""
    current = revisions[-1]
    steps = list(current.steps)
    if len(revisions) > 1 and steps:
        before = revisions[-2]
        if before.status in FINAL_STATES or before.deleted is not None:
            pass  # a new lineage after retirement is DC105's business
        elif steps[0].status not in ("draft",) and before.status in NEW_REVISION_FROM:
            yield _illegal(
                working,
                path,
                f"revision {before.revision} ({before.status})",
                f"revision {current.revision} ({steps[0].status})",
                steps[0],
            )
    for previous, step in zip(steps, steps[1:], strict=False):
        if step.status not in ALLOWED.get(previous.status, frozenset()):
            yield _illegal(working, path, previous.status, step.status, step)


def _illegal(working: Document, path: str, before: str, after: str, step: object) -> Finding:
    from docctl.core.timeline import Step

    assert isinstance(step, Step)
    where = (
        "in the working copy"
        if step.commit.id is None
        else f"in commit {step.commit.short} by {step.commit.author_name}"
    )
    return finding(
        "DC304",
        f"illegal status step {before} -> {after} {where}",
        path=path,
        line=working.line_of("status"),
        document=working.id,
    )


def _not_bumped(current: Revision, working: Document) -> Iterator[Finding]:
    """DC301: a released revision's content changed in a later commit without a new revision."""
    released = False
    fingerprint: str | None = None
    for event in current.events:
        snapshot = event.snapshot
        if snapshot is None:
            continue
        if released and fingerprint is not None and snapshot.fingerprint != fingerprint and event.commit.id is not None:
            yield finding(
                "DC301",
                f"revision {current.revision} was released, then its content changed in commit {event.commit.short} "
                f"by {event.commit.author_name} without a new revision",
                path=working.path,
                document=working.id,
            )
            return
        if snapshot.status == "effective":
            released = True
        fingerprint = snapshot.fingerprint


def _sequence(revisions: Sequence[Revision], working: Document, ctx: RuleContext, path: str) -> Iterator[Finding]:
    """DC302: the current revision follows the previous one (not skipped, reused or backwards)."""
    if len(revisions) < 2:
        return
    scheme = ctx.config.scheme
    before, current = revisions[-2], revisions[-1]
    if before.deleted is not None or before.status in FINAL_STATES:
        return
    if not (scheme.is_valid(before.revision) and scheme.is_valid(current.revision)):
        return
    seen = {r.revision for r in revisions[:-1]}
    if current.revision in seen:
        problem = f"revision {current.revision} was used before"
    elif scheme.key(current.revision) < scheme.key(before.revision):
        problem = f"revision {current.revision} goes backwards from {before.revision}"
    elif not scheme.is_successor(before.revision, current.revision):
        problem = f"revision {current.revision} skips from {before.revision} (expected {scheme.next(before.revision)})"
    else:
        return
    yield finding("DC302", problem, path=path, line=working.line_of("revision"), document=working.id)


def _change_description(
    revisions: Sequence[Revision], working: Document, ctx: RuleContext, path: str
) -> Iterator[Finding]:
    """DC303: a revision after the first says what changed and why."""
    first = ctx.config.scheme.first
    later = len(revisions) > 1 or (working.revision is not None and working.revision != first)
    if not later or not is_boilerplate(working.change):
        return
    if working.change is None:
        message = f"revision {working.revision} has no 'change' saying what changed and why"
    else:
        message = f"revision {working.revision} has a boilerplate change description '{working.change}'; say what changed and why"
    yield finding(
        "DC303", message, path=path, line=working.line_of("change") or working.line_of("revision"), document=working.id
    )


def _reused(retired: Revision, current: Revision, working: Document, path: str) -> Iterator[Finding]:
    """DC105: the id belonged to another document that was retired (obsolete, superseded or deleted)."""
    how = retired.ended.status if retired.ended else "deleted"
    commit = retired.ended.commit if retired.ended else retired.deleted
    assert commit is not None
    yield finding(
        "DC105",
        f"id {current.id} belonged to '{retired.title}' ({how} in commit {commit.short}); ids are never reused",
        path=path,
        line=working.line_of("id"),
        document=working.id,
    )


def unattested(
    working: Document, attesting: Mapping[ApprovalKey, Commit], origin: Provenance | None = None
) -> Iterator[Finding]:
    """DC205: the commit that first added each approval was authored by the approver, and its Docctl
    trailers, where it has any, name the approval's document, revision and fingerprint.

    ``attesting`` maps each committed approval to the commit that added it (for approvals that
    arrived with a merge, the commit of the merged branch); ``origin`` gives the revision each was
    added to (default: the working copy's). Uncommitted approvals are judged once they are committed.
    """
    for approval in working.approvals:
        key = approval_key(approval)
        commit = attesting.get(key)
        if commit is None or commit.id is None:
            continue
        if commit.author_email != approval.by.lower():
            message = f"the approval by {approval.name} ({approval.role}) was added in commit {commit.short} authored by {commit.author_email}, not by the approver"
        else:
            revision = origin.revisions.get(key, working.revision) if origin is not None else working.revision
            problem = trailer_problem(commit, approval, working.id, revision)
            if problem is None:
                continue
            message = f"the approval by {approval.name} ({approval.role}) was added in commit {commit.short}, whose {problem}: that commit does not attest it"
        yield finding("DC205", message, path=working.metadata_path, line=approval.line, document=working.id)


def trailer_problem(commit: Commit, approval: Approval, document: str | None, revision: str | None) -> str | None:
    """Which Docctl trailers of the commit that added ``approval`` name another document, revision or
    fingerprint than the approval's (``trailer Docctl-Revision says A, not B``), or None.

    A trailer the commit does not carry is not judged: a commit without Docctl trailers (an approval
    typed in and committed by the approver) is attested by its author alone.
    """
    expected = (
        ("Docctl-Document", document),
        ("Docctl-Revision", revision),
        ("Docctl-Fingerprint", approval.fingerprint),
    )
    wrong = []
    for name, want in expected:
        values = [value for key, value in commit.trailers if key.lower() == name.lower()]
        if values and want is not None and want not in values:
            wrong.append(f"{name} says {_short(values[0])}, not {_short(want)}")
    if not wrong:
        return None
    return ("trailer " if len(wrong) == 1 else "trailers ") + " and ".join(wrong)


def _short(value: str) -> str:
    return value[:19] + "..." if value.startswith("sha256:") and len(value) > 22 else value


# self-approval and dates, judged with history ----------------------------------------------------


def authored_commits(
    approval: Approval, document: Document, authorship: Authorship, ctx: RuleContext
) -> tuple[Commit, ...]:
    """The content commits of ``document``'s revision that ``approval``'s signer wrote, where the type
    forbids self-approval (DC203); empty when the approval may stand.

    Everyone who changed the revision's content is an author, a colleague who fixed one typo too:
    the approval is the independent check of what was written, so none of its writers may give it.
    """
    doc_type = ctx.config.types.get(document.type or "")
    if (
        doc_type is None
        or doc_type.allow_self_approval
        or approval.meaning is Meaning.AUTHORED
        or authorship.revision != document.revision
    ):
        return ()
    return authorship.by(approval.by)


def commits_text(commits: Sequence[Commit]) -> str:
    """``commit 1a2b3c4d5e6f``, ``commits 1a2b3c4d5e6f and 9f8e7d6c5b4a``, or the uncommitted change."""
    names = [c.short if c.id else "the uncommitted working copy" for c in commits]
    if len(names) == 1:
        return ("commit " if commits[0].id else "") + names[0]
    return "commits " + ", ".join(names[:-1]) + " and " + names[-1]


def self_approvals(working: Document, origin: Provenance, ctx: RuleContext) -> Iterator[Finding]:
    """DC203: an approval by an author of the revision's content (as history shows it) where the
    type forbids self-approval; with DC201 when that leaves an approved or effective document
    without a valid approval for the role. An approval by the ``author`` field's person is the
    per-document rule's (:func:`docctl.rules.approvals.self_approval`)."""
    forbidden: list[Approval] = []
    for approval in working.approvals:
        if approval_rules.forbidden_self_approval(approval, working, ctx):
            continue
        commits = authored_commits(approval, working, origin.authorship, ctx)
        if not commits:
            continue
        forbidden.append(approval)
        yield finding(
            "DC203",
            f"{approval.name} approved as {approval.role} revision {working.revision}, whose content they wrote "
            f"({commits_text(commits)}); type {working.type} forbids self-approval",
            path=working.metadata_path,
            line=approval.line,
            document=working.id,
        )
    if not forbidden or working.status not in approval_rules.APPROVED_STATES:
        return
    before = approval_rules.missing_roles(working, ctx, ignore_fingerprint=True)
    after = approval_rules.missing_roles(working, ctx, ignore_fingerprint=True, excluded=forbidden)
    roles = [role for role in after if role not in before]
    if roles:
        yield finding(
            "DC201",
            f"{working.status} without a valid approval by {', '.join(roles)}",
            path=working.metadata_path,
            line=working.line_of("approvals") or working.line_of("status"),
            document=working.id,
        )


#: how far an approval's date may be from the date of the commit that added it
_SLACK = dt.timedelta(days=1)


def approval_dates(
    working: Document,
    attesting: Mapping[ApprovalKey, Commit],
    origin: Provenance,
    ctx: RuleContext,
    signed: Mapping[str, tuple[str, str]] | None = None,
) -> Iterator[Finding]:
    """DC207 against history: an approval dated before the commit that introduced the content it
    approves, or more than a day from the (author) date of the commit that added it.

    Only approvals their commit vouches for are judged: one whose commit is not the approver's
    (DC205) or, with ``signed`` (signing required), not signed by the approver (DC206) is reported
    as that, and the commit's date says nothing about it. Approvals the per-document rule already
    reports (dated in the future, after the effective date) are left to it; uncommitted approvals
    are judged once committed.
    """
    for approval in working.approvals:
        if approval.date is None or approval_rules.date_problem(approval, working, ctx) is not None:
            continue
        key = approval_key(approval)
        added = attesting.get(key)
        if added is None or added.id is None or not _vouches(added, approval, working, origin, signed):
            continue
        content = origin.introduced.get(key)
        stamp = approval.date.isoformat()
        if content is not None and approval.date < content.date:
            message = (
                f"approval by {approval.name} is dated {stamp}, before commit {content.short} "
                f"({content.date.isoformat()}) that introduced the content it approves"
            )
        elif abs(approval.date - added.date) > _SLACK:
            message = (
                f"approval by {approval.name} is dated {stamp}, more than a day from commit {added.short} "
                f"that added it ({added.date.isoformat()})"
            )
        else:
            continue
        yield finding("DC207", message, path=working.metadata_path, line=approval.line, document=working.id)


_SIGNATURE_PROBLEMS = {
    "N": "has no signature",
    "B": "has a bad signature",
    "E": "has a signature that cannot be checked (is the key in allowed_signers?)",
    "X": "has an expired signature",
    "Y": "is signed by an expired key",
    "R": "is signed by a revoked key",
}


def unsigned(
    working: Document, attesting: Mapping[ApprovalKey, Commit], signed: Mapping[str, tuple[str, str]]
) -> Iterator[Finding]:
    """DC206: with signing required, the commit that added each approval carries a good signature by the approver.

    ``signed`` maps a commit id to (git's %G? status, signer email).
    """
    for approval in working.approvals:
        commit = attesting.get(approval_key(approval))
        if commit is None or commit.id is None:
            continue
        problem = _signature_problem(commit, approval, signed)
        if problem is None:
            continue
        yield finding(
            "DC206",
            f"the approval by {approval.name} ({approval.role}) was added in commit {commit.short}, which {problem}",
            path=working.metadata_path,
            line=approval.line,
            document=working.id,
        )


def _signature_problem(commit: Commit, approval: Approval, signed: Mapping[str, tuple[str, str]]) -> str | None:
    """What is wrong with the signature of the commit that added ``approval`` (DC206), or None."""
    status, signer = signed.get(commit.id or "", ("N", ""))
    if status not in ("G", "U"):
        return _SIGNATURE_PROBLEMS.get(status, f"has signature status {status}")
    if signer != approval.by.lower():
        return f"is signed by {signer or 'an unknown key'}, not by the approver"
    return None


def _vouches(
    commit: Commit,
    approval: Approval,
    working: Document,
    origin: Provenance,
    signed: Mapping[str, tuple[str, str]] | None,
) -> bool:
    """The commit that added ``approval`` attests it (DC205) and, where signing is required, is signed by
    the approver (DC206)."""
    revision = origin.revisions.get(approval_key(approval), working.revision)
    if commit.author_email != approval.by.lower() or trailer_problem(commit, approval, working.id, revision):
        return False
    return signed is None or _signature_problem(commit, approval, signed) is None
