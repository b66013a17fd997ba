"""A document's timeline as git history shows it: snapshots, commits, events and revisions.

Plain values and pure functions over them. :mod:`docctl.history` builds the events from one pass
over git; the history rules (:mod:`docctl.rules.history`) judge them; ``docctl history`` shows the
revisions. Nothing here reads git or the disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from docctl.core.model import Approval, Document

FINAL_STATES = frozenset({"superseded", "obsolete"})

ApprovalKey = tuple[str, str, str, str, str, str]  # name, by, role, meaning, date, fingerprint


@dataclass(frozen=True)
class Snapshot:
    """What history needs of one version of a document.

    Snapshot, Commit and Event have no __slots__ on purpose: they are pickled into the history
    cache, and slotted dataclasses unpickle through a Python-level __setstate__ (several times slower).
    """

    id: str | None
    title: str | None
    type: str | None
    revision: str | None
    status: str | None
    effective: str | None
    review_due: str | None
    change: str | None
    change_request: str | None
    supersedes: str | None
    owner: str | None
    author: str | None
    fingerprint: str
    approvals: tuple[ApprovalKey, ...]

    @classmethod
    def of(cls, document: Document) -> Snapshot:
        return cls(
            id=document.id,
            title=document.title,
            type=document.type,
            revision=document.revision,
            status=document.status.value if document.status else None,
            effective=document.effective.isoformat() if document.effective else None,
            review_due=document.review_due.isoformat() if document.review_due else None,
            change=document.change,
            change_request=document.change_request,
            supersedes=document.supersedes,
            owner=document.owner,
            author=document.author,
            fingerprint=document.fingerprint,
            approvals=tuple(approval_key(a) for a in document.approvals),
        )


def approval_key(approval: Approval) -> ApprovalKey:
    """What history keeps of an approval: its fields as text, in a fixed order."""
    date = approval.date.isoformat() if approval.date else ""
    return (approval.name, approval.by, approval.role, approval.meaning.value, date, approval.fingerprint)


@dataclass(frozen=True)
class Commit:
    """The commit of an event; ``id`` is None for the uncommitted working copy."""

    id: str | None
    author_name: str
    author_email: str
    date: dt.datetime  # author date
    committed: dt.datetime  # committer date: when it landed on the branch
    subject: str = ""
    trailers: tuple[tuple[str, str], ...] = ()
    merge: bool = False

    def trailer(self, key: str) -> str | None:
        for name, value in self.trailers:
            if name.lower() == key.lower():
                return value
        return None

    @property
    def short(self) -> str:
        return self.id[:12] if self.id else "working copy"


@dataclass(frozen=True)
class Event:
    commit: Commit
    path: str
    snapshot: Snapshot | None  # None: the document's file was deleted


@dataclass(frozen=True, slots=True)
class Step:
    """A status the revision reached, and who took it there."""

    status: str
    commit: Commit


@dataclass(frozen=True, slots=True)
class AttestedApproval:
    """An approval and the commit that first added it (on the first-parent chain)."""

    key: ApprovalKey
    commit: Commit

    @property
    def by(self) -> str:
        return self.key[1]

    @property
    def role(self) -> str:
        return self.key[2]


@dataclass(frozen=True, slots=True)
class Revision:
    """One revision of a document as history shows it, oldest step first."""

    id: str
    revision: str
    title: str | None
    type: str | None
    path: str
    steps: tuple[Step, ...]
    approvals: tuple[AttestedApproval, ...]
    change: str | None
    change_request: str | None
    effective: dt.date | None
    fingerprint: str
    events: tuple[Event, ...]
    deleted: Commit | None = None

    @property
    def status(self) -> str:
        return self.steps[-1].status if self.steps else "draft"

    @property
    def released(self) -> Step | None:
        return next((s for s in self.steps if s.status == "effective"), None)

    @property
    def ended(self) -> Step | None:
        return next((s for s in self.steps if s.status in FINAL_STATES), None)

    @property
    def first_commit(self) -> Commit:
        return self.events[0].commit

    @property
    def last_commit(self) -> Commit:
        return self.events[-1].commit

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "revision": self.revision,
            "title": self.title,
            "type": self.type,
            "path": self.path,
            "status": self.status,
            "effective": self.effective.isoformat() if self.effective else None,
            "change": self.change,
            "change_request": self.change_request,
            "fingerprint": self.fingerprint,
            "steps": [
                {
                    "status": s.status,
                    "commit": s.commit.id,
                    "date": s.commit.date.isoformat(),
                    "by": s.commit.author_email,
                    "name": s.commit.author_name,
                }
                for s in self.steps
            ],
            "approvals": [
                {
                    "name": a.key[0],
                    "by": a.key[1],
                    "role": a.key[2],
                    "meaning": a.key[3],
                    "date": a.key[4],
                    "fingerprint": a.key[5],
                    "commit": a.commit.id,
                    "commit_author": a.commit.author_email,
                }
                for a in self.approvals
            ],
            "deleted": self.deleted.id if self.deleted else None,
        }


# revisions ------------------------------------------------------------------------------------


def revisions_of(doc_id: str, events: Sequence[Event]) -> Iterator[Revision]:
    """Group a document's events into revisions; a deletion closes the revision it hit."""
    group: list[Event] = []
    for event in events:
        snapshot = event.snapshot
        if snapshot is not None and group:
            last = next((e.snapshot for e in reversed(group) if e.snapshot is not None), None)
            if last is not None and (
                last.revision != snapshot.revision or group[-1].snapshot is None and _new_lineage(last, snapshot)
            ):
                yield _revision(doc_id, group)
                group = []
        group.append(event)
    if group and any(e.snapshot is not None for e in group):
        yield _revision(doc_id, group)


def _new_lineage(before: Snapshot, after: Snapshot) -> bool:
    return (before.title, before.type) != (after.title, after.type)


def _revision(doc_id: str, group: Sequence[Event]) -> Revision:
    steps: list[Step] = []
    approvals: dict[ApprovalKey, AttestedApproval] = {}
    last: Snapshot | None = None
    deleted: Commit | None = None
    path = group[0].path
    for event in group:
        snapshot = event.snapshot
        if snapshot is None:
            deleted = event.commit
            continue
        deleted = None
        path = event.path
        if snapshot.status and (not steps or steps[-1].status != snapshot.status):
            steps.append(Step(snapshot.status, event.commit))
        for key in snapshot.approvals:
            if key not in approvals:
                approvals[key] = AttestedApproval(key, event.commit)
        last = snapshot
    assert last is not None, "a revision has at least one snapshot"
    present = [approvals[k] for k in last.approvals]
    effective = dt.date.fromisoformat(last.effective) if last.effective else None
    return Revision(
        id=doc_id,
        revision=last.revision or "?",
        title=last.title,
        type=last.type,
        path=path,
        steps=tuple(steps),
        approvals=tuple(present),
        change=last.change,
        change_request=last.change_request,
        effective=effective,
        fingerprint=last.fingerprint,
        events=tuple(group),
        deleted=deleted,
    )
