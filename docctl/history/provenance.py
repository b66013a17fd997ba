"""Where a document's current revision and its approvals came from, as history shows it.

Who wrote the revision (the authors of its content commits, for self-approval), the revision each
approval was added to (for its trailers) and the commit that introduced the content each approval
signs (for its date): :class:`~docctl.core.timeline.Provenance`. Pure over the document's events,
except for merges in the current revision: their branch is read from git (once per merge, shared
through ``memo``), so that content and approvals made on a branch are credited to the commits that
made them, not to whoever merged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from docctl.adapters import git as gitmod
from docctl.config.model import Config
from docctl.core.model import Document
from docctl.core.timeline import (
    ApprovalKey,
    Authorship,
    Commit,
    Event,
    Provenance,
    Snapshot,
    added_revisions,
    approval_key,
    authorship,
    edits,
    introduction,
)
from docctl.history.walk import BranchMemo, merged_branch


def provenance(
    git: gitmod.Git | None,
    config: Config,
    working: Document,
    events: Sequence[Event],
    attesting: Mapping[ApprovalKey, Commit],
    *,
    boundary: frozenset[str] = frozenset(),
    memo: BranchMemo | None = None,
    pending: Commit | None = None,
) -> Provenance:
    """The provenance of ``working``'s revision from its committed ``events``.

    ``pending`` is the commit about to be made of the working copy (a lifecycle step's): when the
    working copy's content differs from HEAD's, its author becomes an author of the revision. The
    commits of a shallow clone's ``boundary`` hold whatever came before them: nobody can tell who
    wrote that, so they count for nobody.
    """
    timeline = list(events)
    if pending is not None:
        timeline.extend(_pending(timeline, working, pending))
    doc_id = working.id or ""
    branches: dict[str, tuple[Snapshot | None, Sequence[Event]]] = {}
    if git is not None:
        for index, event in _merges(timeline, working.revision):
            path = timeline[index - 1].path if index > 0 else event.path
            assert event.commit.id is not None
            branches[event.commit.id] = merged_branch(git, config, event.commit.id, doc_id, path, memo)
    history = edits(timeline, branches)
    written = authorship(history, working.revision)
    # An adoption commit brings content written before docctl under control: whoever runs it declares
    # the document in force (its legacy_approval says where the earlier approval is), not its author.
    written = Authorship(
        written.revision,
        tuple(c for c in written.commits if c.id not in boundary and c.trailer("Docctl-Action") != "adopt"),
    )
    introduced: dict[ApprovalKey, Commit] = {}
    for approval in working.approvals:
        key = approval_key(approval)
        added = attesting.get(key)
        if added is None or added.id is None or added.id in boundary:
            continue
        found = introduction(history, approval.fingerprint, added)
        if found is not None and found.id not in boundary:
            introduced[key] = found
    return Provenance(written, added_revisions(timeline), introduced)


def with_branches(
    git: gitmod.Git | None,
    config: Config,
    doc_id: str,
    events: Sequence[Event],
    revision: str | None,
    memo: BranchMemo | None = None,
) -> list[Event]:
    """``events`` with each merge of the newest revision ``revision`` preceded by the document's
    events on the merged branch, in the order they were made there.

    A revision made on a review branch reaches the first-parent line in one merge commit, which
    takes the document from the previous revision (effective) to the new one (approved); the
    branch holds the steps between (draft, review, the approvals). The history rules judge those.
    """
    timeline = list(events)
    if git is None:
        return timeline
    merges = {index: event for index, event in _merges(timeline, revision)}
    if not merges:
        return timeline
    result: list[Event] = []
    for index, event in enumerate(timeline):
        if index in merges:
            path = timeline[index - 1].path if index > 0 else event.path
            assert event.commit.id is not None
            result.extend(merged_branch(git, config, event.commit.id, doc_id, path, memo)[1])
        result.append(event)
    return result


def _pending(events: Sequence[Event], working: Document, pending: Commit) -> list[Event]:
    """The working copy as one more event by ``pending``'s author, when it holds content HEAD has not."""
    snapshot = Snapshot.of(working)
    last = next((e.snapshot for e in reversed(events) if e.snapshot is not None), None)
    if last is not None and (last.content, last.revision) == (snapshot.content, snapshot.revision):
        return []
    return [Event(pending, working.path, snapshot)]


def _merges(events: Sequence[Event], revision: str | None) -> list[tuple[int, Event]]:
    """The merge commits among the newest events labelled ``revision``."""
    found: list[tuple[int, Event]] = []
    index = len(events)
    while index > 0:
        event = events[index - 1]
        if event.snapshot is not None and event.snapshot.revision != revision:
            break
        index -= 1
        if event.commit.merge and event.commit.id is not None and event.snapshot is not None:
            found.append((index, event))
    return found[::-1]
