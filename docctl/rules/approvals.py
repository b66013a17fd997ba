"""Approval rules that need no history: DC201, DC202, DC203, DC204, DC207."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from docctl.core.model import Approval, Document, Finding, Meaning, Status
from docctl.rules.codes import finding
from docctl.rules.context import RuleContext

#: Statuses that claim the current content was approved.
APPROVED_STATES = frozenset({Status.APPROVED, Status.EFFECTIVE})


def holds_role(approval: Approval, ctx: RuleContext) -> bool:
    person = ctx.config.people.get(approval.by)
    return person is not None and approval.role in person.roles


def valid_approvals(document: Document, ctx: RuleContext) -> list[Approval]:
    """Approvals that sign as ``approved`` for the current content by a person holding the role."""
    return [
        a
        for a in document.approvals
        if a.meaning is Meaning.APPROVED
        and a.fingerprint == document.fingerprint
        and holds_role(a, ctx)
        and not forbidden_self_approval(a, document, ctx)
    ]


def missing_roles(
    document: Document, ctx: RuleContext, *, ignore_fingerprint: bool = False, excluded: Collection[Approval] = ()
) -> list[str]:
    """The roles of the type's ``approvers`` that no valid approval signs (``excluded`` approvals do not count)."""
    doc_type = ctx.config.types.get(document.type or "")
    if doc_type is None:
        return []
    signed = [
        a
        for a in document.approvals
        if a.meaning is Meaning.APPROVED
        and not any(a is b for b in excluded)
        and holds_role(a, ctx)
        and (ignore_fingerprint or a.fingerprint == document.fingerprint)
        and not forbidden_self_approval(a, document, ctx)
    ]
    if any(is_adoption_approval(a, document, ctx) for a in signed):
        return []
    roles = {a.role for a in signed}
    return [role for role in doc_type.approvers if role not in roles]


def is_adoption_approval(approval: Approval, document: Document, ctx: RuleContext) -> bool:
    """The approval with which ``docctl adopt --effective`` declared an adopted revision in force: in the
    role ``[adopt] role`` names, on a document whose ``legacy_approval`` says where the approvals of
    that revision before adoption are recorded. It stands for every role the type requires (the earlier
    approvals are the record); ``revise`` removes ``legacy_approval``, so the next revision needs them all."""
    role = ctx.config.adopt.role
    return (
        role is not None
        and document.legacy_approval is not None
        and approval.role == role
        and approval.meaning is Meaning.APPROVED
    )


def missing_approval(document: Document, ctx: RuleContext) -> Iterator[Finding]:
    """DC201: approved or effective needs an approval for every required role.

    A content change after approval is DC202, not DC201: the approvals are there, the content moved.
    """
    if document.status not in APPROVED_STATES:
        return
    missing = missing_roles(document, ctx, ignore_fingerprint=True)
    if missing:
        yield finding(
            "DC201",
            f"{document.status} without a valid approval by {', '.join(missing)}",
            path=document.metadata_path,
            line=document.line_of("approvals") or document.line_of("status"),
            document=document.id,
        )


def stale_approvals(document: Document) -> list[Approval]:
    """The approvals that signed other content than the current one (their fingerprint differs)."""
    return [a for a in document.approvals if a.fingerprint != document.fingerprint]


def changed_after_approval(document: Document, ctx: RuleContext) -> Iterator[Finding]:
    """DC202: an approval's fingerprint differs from the current content."""
    del ctx
    if document.status not in APPROVED_STATES:
        return
    stale = stale_approvals(document)
    if not stale:
        return
    first = stale[0]
    when = first.date.date().isoformat() if first.date else "an unknown date"
    yield finding(
        "DC202",
        f"content changed after approval by {first.name} ({first.role}) on {when}",
        path=document.path,
        line=None,
        document=document.id,
    )


def self_approval(document: Document, ctx: RuleContext) -> Iterator[Finding]:
    """DC203: the author approved their own revision where the type forbids it."""
    for approval in document.approvals:
        if forbidden_self_approval(approval, document, ctx):
            yield finding(
                "DC203",
                f"{approval.name} approved as {approval.role} the revision they authored; type {document.type} forbids self-approval",
                path=document.metadata_path,
                line=approval.line,
                document=document.id,
            )


def forbidden_self_approval(approval: Approval, document: Document, ctx: RuleContext) -> bool:
    """The approval signs, as its author, a revision whose type forbids self-approval (DC203)."""
    doc_type = ctx.config.types.get(document.type or "")
    return (
        doc_type is not None
        and not doc_type.allow_self_approval
        and document.author is not None
        and approval.meaning is not Meaning.AUTHORED
        and approval.by == document.author.lower()
    )


def unauthorized_approver(document: Document, ctx: RuleContext) -> Iterator[Finding]:
    """DC204: the approver must hold the role in [people]."""
    for approval in document.approvals:
        message = role_problem(approval.by, approval.role, ctx)
        if message is not None:
            yield finding("DC204", message, path=document.metadata_path, line=approval.line, document=document.id)


def role_problem(by: str, role: str, ctx: RuleContext) -> str | None:
    """Why ``by`` may not sign as ``role`` (DC204), or None when [people] gives them the role."""
    person = ctx.config.people.get(by)
    if person is None:
        return f"{by} is not in [people] of docctl.toml, so cannot sign as {role}"
    if role not in person.roles:
        held = ", ".join(person.roles) or "no role"
        return f"{person.name} does not hold the role {role} (holds {held})"
    return None


def approval_date(document: Document, ctx: RuleContext) -> Iterator[Finding]:
    """DC207: approval dated in the future, or after the effective date.

    The dates judged against history (more than a day from the commit that added the approval,
    before the commit that introduced the content it signs) are :func:`docctl.rules.history.approval_dates`.
    """
    for approval in document.approvals:
        message = date_problem(approval, document, ctx)
        if message is not None:
            yield finding("DC207", message, path=document.metadata_path, line=approval.line, document=document.id)


def date_problem(approval: Approval, document: Document, ctx: RuleContext) -> str | None:
    """What is wrong with an approval's date without looking at history (DC207), or None."""
    if approval.date is None:
        return None
    if approval.date > ctx.now:
        return f"approval by {approval.name} is dated in the future ({approval.date.isoformat()})"
    if (
        document.effective is not None
        and approval.date.date() > document.effective
        and not is_adoption_approval(approval, document, ctx)  # it records an approval given before
    ):
        return f"approval by {approval.name} on {approval.date.date().isoformat()} is after the effective date {document.effective.isoformat()}"
    return None
