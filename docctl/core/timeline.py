"""A document's timeline as git history shows it: snapshots, commits, events and revisions.

Plain values and pure functions over them. :mod:`docctl.history` builds the events from one pass
over git; the history rules (:mod:`docctl.rules.history`) judge them; ``docctl history`` shows the
revisions. Nothing here reads git or the disk.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from docctl.core.fingerprints import fingerprint
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
    #: the digest of what the revision says (identity without the revision label, and body): a
    #: change of it is a change of content; a new revision label alone is not
    content: str = ""

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
            content=content_digest(document),
        )


def content_digest(document: Document) -> str:
    """The fingerprint of ``document`` without its revision label: what changes when its content does."""
    return fingerprint(
        id=document.id,
        title=document.title,
        type=document.type,
        revision=None,
        clauses=document.clauses,
        references=document.references,
        supersedes=document.supersedes,
        body=document.body,
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


# provenance -----------------------------------------------------------------------------------

_EMAIL = re.compile(r"<([^<>@\s]+@[^<>\s]+)>")


def authors_of(commit: Commit) -> tuple[str, ...]:
    """The people a commit names as its authors: its git author and each ``Co-authored-by`` trailer
    (a squash merge lists the authors of the squashed commits there)."""
    people = [commit.author_email.lower()] if commit.author_email else []
    for name, value in commit.trailers:
        match = _EMAIL.search(value) if name.lower() == "co-authored-by" else None
        if match and match.group(1).lower() not in people:
            people.append(match.group(1).lower())
    return tuple(people)


@dataclass(frozen=True, slots=True)
class Authorship:
    """Who wrote a revision: the commits that changed its content within it, oldest first.

    Content is what the fingerprint covers except the revision label (identity and body); the
    commits docctl makes for submit, approve and release change lifecycle fields only, and the
    ``revise`` commit only the label, so none of them makes its author an author. The working copy's
    uncommitted change counts under the person about to commit it, when known.
    """

    revision: str | None
    commits: tuple[Commit, ...] = ()

    def by(self, email: str) -> tuple[Commit, ...]:
        """The content commits ``email`` authored (or co-authored)."""
        email = email.lower()
        return tuple(c for c in self.commits if email in authors_of(c))


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a document's current revision and its approvals came from, as history shows it."""

    authorship: Authorship
    #: each approval -> the revision label of the document in the commit that first held it
    revisions: Mapping[ApprovalKey, str]
    #: each approval -> the commit that last changed the content into the fingerprint it approves
    introduced: Mapping[ApprovalKey, Commit]


@dataclass(frozen=True, slots=True)
class Edit:
    """One version of a document and the version it replaced, in the order history made them."""

    commit: Commit
    snapshot: Snapshot
    before: Snapshot | None

    @property
    def content_changed(self) -> bool:
        return self.before is None or self.before.content != self.snapshot.content


#: a merge commit -> (the document at the fork point, the document's events on the merged branch)
Branches = Mapping[str, tuple[Snapshot | None, Sequence[Event]]]


def edits(events: Sequence[Event], branches: Branches | None = None) -> list[Edit]:
    """The versions of a document in order, each with the one before; a merge found in ``branches``
    is replaced by the commits of its branch (each compared with the branch's previous version),
    followed by the merge itself (compared with the branch's last version)."""
    result: list[Edit] = []
    before: Snapshot | None = None
    for event in events:
        snapshot = event.snapshot
        if snapshot is None:
            continue
        branch = branches.get(event.commit.id or "") if branches else None
        if branch is not None:
            before = branch[0] if branch[0] is not None else before
            for inner in branch[1]:
                if inner.snapshot is not None:
                    result.append(Edit(inner.commit, inner.snapshot, before))
                    before = inner.snapshot
        result.append(Edit(event.commit, snapshot, before))
        before = snapshot
    return result


def current_run(history: Sequence[Edit], revision: str | None) -> Sequence[Edit]:
    """The newest edits labelled ``revision``: the revision as it was made most recently."""
    start = len(history)
    while start > 0 and history[start - 1].snapshot.revision == revision:
        start -= 1
    return history[start:]


def authorship(history: Sequence[Edit], revision: str | None) -> Authorship:
    """The commits that changed the content of ``revision`` (see :class:`Authorship`)."""
    return Authorship(revision, tuple(e.commit for e in current_run(history, revision) if e.content_changed))


def introduction(history: Sequence[Edit], fingerprint: str, until: Commit) -> Commit | None:
    """The commit that last changed the document's content into ``fingerprint``, at or before ``until``."""
    found: Commit | None = None
    for edit in history:
        if edit.snapshot.fingerprint == fingerprint and (edit.before is None or edit.before.fingerprint != fingerprint):
            found = edit.commit
        if edit.commit.id is not None and edit.commit.id == until.id:
            break
    return found


def added_revisions(events: Sequence[Event]) -> dict[ApprovalKey, str]:
    """Each approval -> the revision label of the first snapshot that held it."""
    found: dict[ApprovalKey, str] = {}
    for event in events:
        if event.snapshot is not None:
            for key in event.snapshot.approvals:
                found.setdefault(key, event.snapshot.revision or "")
    return found
