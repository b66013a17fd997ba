"""Revision history from one pass over git: documents followed by id, not by path.

``git log --first-parent --raw`` is read once (merges as their diff against the first parent,
renames detected); the blobs of changed controlled files are read in batches with
``git cat-file --batch`` and turned into :class:`~docctl.core.timeline.Snapshot` values, cached by
blob id. Each document's events (a commit that changed it, or deleted it) give its revisions,
status steps and the commit that first added each approval.

The walk extends a :class:`~docctl.history.cache.HistoryState`; :mod:`docctl.history.load` keeps
that state in the cache under ``.git/docctl/`` and extends it incrementally.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence, Sized

from docctl.adapters import git as gitmod
from docctl.adapters import paths
from docctl.config.model import Config
from docctl.core.progress import counted, phase
from docctl.core.timeline import ApprovalKey, Commit, Event, Snapshot
from docctl.documents.sources import SIDECAR_SUFFIX, Loaded, ReadMemo, file_format, load
from docctl.history.cache import HistoryState

#: commits planned, read and applied at a time: the snapshots read for a batch are dropped after it
#: but for what each path holds at its end
BATCH = 2048


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def commit_of(entry: gitmod.LogEntry) -> Commit:
    return Commit(
        id=entry.commit,
        author_name=entry.author_name,
        author_email=entry.author_email,
        date=_time(entry.author_date),
        committed=_time(entry.committer_date),
        subject=entry.subject,
        trailers=entry.trailers,
        merge=len(entry.parents) > 1,
    )


class Walker:
    """Applies log entries, oldest first, to a HistoryState."""

    #: read each version along what reading the previous version of its path left (ReadMemo);
    #: False reads every version from scratch (the tests compare both)
    memoise = True

    def __init__(self, git: gitmod.Git, config: Config, state: HistoryState, *, keep_tip: bool = False) -> None:
        self.git = git
        self.config = config
        self.state = state
        self._controlled: dict[str, bool] = {}
        #: with keep_tip: path -> (blob key, parsed file) of the newest version read of each path
        self._newest: dict[str, tuple[str, Loaded]] | None = {} if keep_tip else None
        self._memos: dict[str, ReadMemo] = {}  # path -> what reading its previous version left
        self._current: dict[str, str] = {}  # path -> blob key it holds, as far as this walk has planned
        self._approvals: dict[ApprovalKey, ApprovalKey] = {}  # one tuple per distinct approval
        self._lists: dict[tuple[ApprovalKey, ...], tuple[ApprovalKey, ...]] = {}  # and per list of them

    def is_document(self, path: str) -> bool:
        known = self._controlled.get(path)
        if known is None:
            known = file_format(path) is not None and paths.is_controlled(
                path, self.config.controlled, self.config.exclude
            )
            self._controlled[path] = known
        return known

    def is_sidecar(self, path: str) -> bool:
        return path.endswith(".docx" + SIDECAR_SUFFIX) and self.is_document(path[: -len(SIDECAR_SUFFIX)])

    def apply(self, entries: Iterable[gitmod.LogEntry], total: int | None = None) -> None:
        """Walk ``entries`` (oldest first; a stream is read as it comes, a batch of commits at a time);
        ``total``: their number, for the progress display, when ``entries`` has no length."""
        if total is None and isinstance(entries, Sized):
            total = len(entries)
        with phase("history pass: commits walked", total) as advance:
            for batch in _batches(entries):
                plan = self._plan(batch)
                self._read_snapshots(
                    (path, key) for _, changed in plan for path, (_, key) in changed.items() if key is not None
                )
                for entry, changed in plan:
                    self._apply_one(entry, changed)
                    advance(1)
                self._forget()

    def _forget(self) -> None:
        """Keep only the snapshots of what each path holds now (a later commit may move or revert to it)."""
        live = set(self._current.values())
        self.state.snapshots = {key: value for key, value in self.state.snapshots.items() if key in live}

    def _plan(
        self, entries: Sequence[gitmod.LogEntry]
    ) -> list[tuple[gitmod.LogEntry, dict[str, tuple[str | None, str | None]]]]:
        """For each commit: document path -> (blob key or None when gone). Simulates the tree."""
        files = dict(self.state.files)
        plan = []
        for entry in entries:
            touched: set[str] = set()
            for change in entry.changes:
                for path in (change.old_path, change.path) if change.old_path else (change.path,):
                    if not (self.is_document(path) or self.is_sidecar(path)):
                        continue
                    touched.add(path[: -len(SIDECAR_SUFFIX)] if self.is_sidecar(path) else path)
                if change.old_path is not None and change.status == "R":
                    files.pop(change.old_path, None)
                if change.status == "D" or change.blob is None:
                    files.pop(change.path, None)
                elif self.is_document(change.path) or self.is_sidecar(change.path):
                    files[change.path] = change.blob
            changed: dict[str, tuple[str | None, str | None]] = {}
            for path in touched:
                blob = files.get(path)
                key = _blob_key(path, blob, files.get(path + SIDECAR_SUFFIX)) if blob else None
                changed[path] = (blob, key)
                if key is None:
                    self._current.pop(path, None)
                else:
                    self._current[path] = key
            plan.append((entry, changed))
        self.state.files = files
        return plan

    def _read_snapshots(self, wanted_keys: Iterable[tuple[str, str]]) -> None:
        """Snapshots of every new (path, blob key), reading blobs in history order through one git process."""
        where: dict[str, str] = {}  # key -> the first path that needs it
        for path, key in wanted_keys:
            if key not in self.state.snapshots:
                where.setdefault(key, path)
        missing = list(where)
        if not missing:
            return
        wanted: dict[str, list[str]] = defaultdict(list)  # blob -> keys that need it
        for key in missing:
            for blob in key.split(":", 1)[1].split("+"):
                wanted[blob].append(key)
        contents: dict[str, bytes] = {}
        remaining = {key: len(key.split(":", 1)[1].split("+")) for key in missing}
        for blob, data in counted(
            "history pass: versions read", gitmod.iter_blobs(self.git, list(wanted)), len(wanted)
        ):
            contents[blob] = data
            for key in wanted[blob]:
                remaining[key] -= 1
                if remaining[key] == 0:
                    path = where[key]
                    memo = self._memos.get(path) if self.memoise else None
                    if memo is None and self.memoise:
                        memo = self._memos[path] = ReadMemo()
                    loaded = loaded_from_blobs(path, key, contents, self.config, memo)
                    self.state.snapshots[key] = self._snapshot(loaded)
                    if self._newest is not None and loaded is not None:
                        self._newest[path] = (key, loaded)
            if len(contents) > 64 and all(remaining[k] == 0 for k in wanted[blob]):
                contents.pop(blob, None)
        for key in missing:
            self.state.snapshots.setdefault(key, None)

    def _apply_one(self, entry: gitmod.LogEntry, changed: dict[str, tuple[str | None, str | None]]) -> None:
        state = self.state
        commit = commit_of(entry)
        touched_ids: dict[str, str] = {}  # id -> path of its newest version in this commit
        gone: dict[str, str] = {}  # id -> path that no longer holds it
        for path, (_, key) in sorted(changed.items()):
            old_id = state.path_ids.get(path)
            snapshot = state.snapshots.get(key) if key else None
            new_id = snapshot.id if snapshot is not None else None
            if new_id:
                state.path_ids[path] = new_id
                touched_ids[new_id] = path
            else:
                state.path_ids.pop(path, None)
            if old_id and old_id != new_id:
                gone[old_id] = path
        if commit.trailer("Docctl-Action") == "review":
            reviewed = commit.trailer("Docctl-Document")
            if reviewed in touched_ids:
                state.reviews[reviewed] = commit.date.date().isoformat()
        for doc_id, path in touched_ids.items():
            key = changed[path][1]
            snapshot = state.snapshots.get(key) if key else None
            last = state.last(doc_id)
            if last is not None and last.snapshot == snapshot and last.path == path:
                continue
            state.append(doc_id, Event(commit, path, snapshot))
        if gone:
            live = set(state.path_ids.values())
            for doc_id, path in gone.items():
                if doc_id not in touched_ids and doc_id not in live:
                    state.append(doc_id, Event(commit, path, None))

    def _snapshot(self, loaded: Loaded | None) -> Snapshot | None:
        """The snapshot of a version, its strings interned and its approvals shared with other versions:
        every event keeps its snapshot, and most fields repeat from one version to the next."""
        document = loaded.document if loaded is not None else None
        if document is None or not document.id:
            return None
        snapshot = Snapshot.of(document)
        approvals = tuple(self._approvals.setdefault(a, a) for a in snapshot.approvals)
        return Snapshot(
            id=_intern(snapshot.id),
            title=_intern(snapshot.title),
            type=_intern(snapshot.type),
            revision=_intern(snapshot.revision),
            status=_intern(snapshot.status),
            effective=_intern(snapshot.effective),
            review_due=_intern(snapshot.review_due),
            change=_intern(snapshot.change),
            change_request=_intern(snapshot.change_request),
            supersedes=_intern(snapshot.supersedes),
            owner=_intern(snapshot.owner),
            author=_intern(snapshot.author),
            fingerprint=sys.intern(snapshot.fingerprint),
            approvals=self._lists.setdefault(approvals, approvals),
            content=sys.intern(snapshot.content),
        )

    def tip(self) -> dict[str, tuple[str, str | None, Loaded]]:
        """With keep_tip: path -> (blob, sidecar blob, parsed file) of every file of the tip that this
        walk read as it is at the tip (what a check of a clean working tree would parse again)."""
        files = self.state.files
        result: dict[str, tuple[str, str | None, Loaded]] = {}
        for path, (key, loaded) in (self._newest or {}).items():
            blob = files.get(path)
            sidecar = files.get(path + SIDECAR_SUFFIX) if file_format(path) == "docx" else None
            if blob is not None and _blob_key(path, blob, sidecar) == key:
                result[path] = (blob, sidecar, loaded)
        return result


def _blob_key(path: str, blob: str, sidecar: str | None) -> str:
    kind = file_format(path) or "md"
    return f"{kind}:{blob}+{sidecar}" if kind == "docx" and sidecar else f"{kind}:{blob}"


def loaded_from_blobs(
    path: str, key: str, contents: dict[str, bytes], config: Config, memo: ReadMemo | None = None
) -> Loaded | None:
    """The file of one blob key, read as ``path``; ``memo`` is what reading the previous version of the path left."""
    _, _, rest = key.partition(":")
    blob, _, sidecar = rest.partition("+")
    data = contents.get(blob)
    if data is None:
        return None
    return load(path, data, config, sidecar=contents.get(sidecar) if sidecar else None, memo=memo, blob=blob)


def _intern(value: str | None) -> str | None:
    return sys.intern(value) if value is not None else None


def _batches(entries: Iterable[gitmod.LogEntry]) -> Iterator[tuple[gitmod.LogEntry, ...]]:
    """itertools.batched (Python 3.12) for older Pythons."""
    iterator = iter(entries)
    while batch := tuple(itertools.islice(iterator, BATCH)):
        yield batch


def attesting_commits(
    git: gitmod.Git | None, config: Config, doc_id: str, events: Sequence[Event]
) -> dict[ApprovalKey, Commit]:
    """For every approval in a document's history, the commit that first added it.

    On the first-parent chain an approval merged from a branch first shows up at the merge commit;
    there the branch is read to find the commit that really added it (its author attests it).
    """
    first: dict[ApprovalKey, Commit] = {}
    for event in events:
        if event.snapshot is None or event.commit.id is None:
            continue
        for key in event.snapshot.approvals:
            first.setdefault(key, event.commit)
    by_merge: dict[str, list[ApprovalKey]] = defaultdict(list)
    for key, commit in first.items():
        if commit.merge and commit.id is not None:
            by_merge[commit.id].append(key)
    if git is not None:
        for merge, keys in by_merge.items():
            first.update(attest_merged(git, config, merge, doc_id, keys))
    return first


def attest_merged(
    git: gitmod.Git, config: Config, merge: str, doc_id: str, keys: Sequence[ApprovalKey]
) -> dict[ApprovalKey, Commit]:
    """The commits of a merged branch that first added each approval (the merge itself hides them)."""
    entries = gitmod.log(git, [f"{merge}^1..{merge}^2"], first_parent=False) if keys else []
    state = HistoryState(key="merge")
    walker = Walker(git, config, state)
    walker.state.files = dict(gitmod.ls_tree(git, f"{merge}^1")) if entries else {}
    walker.state.files = {p: b for p, b in walker.state.files.items() if walker.is_document(p) or walker.is_sidecar(p)}
    found: dict[ApprovalKey, Commit] = {}
    wanted = set(keys)
    plan = walker._plan(entries)
    walker._read_snapshots((path, key) for _, changed in plan for path, (_, key) in changed.items() if key is not None)
    for entry, changed in plan:
        for _, key in changed.values():
            snapshot = state.snapshots.get(key) if key else None
            if snapshot is None or snapshot.id != doc_id:
                continue
            for approval in snapshot.approvals:
                if approval in wanted and approval not in found:
                    found[approval] = commit_of(entry)
    return found


#: a merge commit -> (the controlled files at the fork point, the walk of its branch); shared by the
#: documents the branch touched, within one check
BranchMemo = dict[str, tuple[dict[str, str], Walker]]


def merged_branch(
    git: gitmod.Git, config: Config, merge: str, doc_id: str, path: str, memo: BranchMemo | None = None
) -> tuple[Snapshot | None, list[Event]]:
    """The document at the fork point of a merged branch, and its events on that branch (oldest first).

    One ``git log`` of the branch (``merge^1..merge^2``) per merge, kept in ``memo`` for the other
    documents the branch touched. ``path`` is where the document was before the merge.
    """
    known = memo.get(merge) if memo is not None else None
    if known is None:
        entries = gitmod.log(git, [f"{merge}^1..{merge}^2"], first_parent=False)
        walker = Walker(git, config, HistoryState(key="branch"))
        fork = entries[0].parents[0] if entries and entries[0].parents else None
        tree = gitmod.ls_tree(git, fork) if fork else {}
        base = {p: b for p, b in tree.items() if walker.is_document(p) or walker.is_sidecar(p)}
        walker.state.files = dict(base)
        walker.apply(entries)
        known = (base, walker)
        if memo is not None:
            memo[merge] = known
    base, walker = known
    events = list(walker.state.events.get(doc_id))
    spot = next((p for p in (events[0].path if events else None, path) if p is not None and p in base), None)
    before: Snapshot | None = None
    if spot is not None:
        key = _blob_key(spot, base[spot], base.get(spot + SIDECAR_SUFFIX))
        walker._read_snapshots([(spot, key)])
        before = walker.state.snapshots.get(key)
    return (before if before is not None and before.id == doc_id else None), events
