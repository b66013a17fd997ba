"""Revision history from one pass over git: documents followed by id, not by path.

``git log --first-parent --raw`` is read once (merges as their diff against the first parent,
renames detected); the blobs of changed controlled files are read in batches with
``git cat-file --batch`` and turned into :class:`Snapshot` values, cached by blob id. Each
document's events (a commit that changed it, or deleted it) give its revisions, status steps and
the commit that first added each approval.

The state is cached under ``.git/docctl/`` keyed by the tip commit and extended incrementally;
it is rebuilt when the cached tip is no longer on the first-parent chain of HEAD.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from docctl.adapters import git as gitmod
from docctl.adapters import paths
from docctl.composer.store import unpickle
from docctl.config.model import Config
from docctl.core.model import Document
from docctl.documents.sources import SIDECAR_SUFFIX, Loaded, file_format, load

CACHE_VERSION = 7
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


def approval_key(approval: object) -> ApprovalKey:
    from docctl.core.model import Approval

    assert isinstance(approval, Approval)
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


SHARDS = 32


def shard_of(doc_id: str) -> int:
    return zlib.crc32(doc_id.encode("utf-8", "surrogateescape")) % SHARDS


class EventStore:
    """Every document's events, in shards that are read only when asked for.

    A pre-commit run that touches one document reads one shard, not the whole history.
    """

    def __init__(self, folder: Path | None = None, generations: dict[int, str] | None = None) -> None:
        self.folder = folder
        self.generations = dict(generations or {})  # shard -> generation written, as the meta file says
        self._shards: dict[int, dict[str, list[Event]]] = {}
        self.dirty: set[int] = set()

    @classmethod
    def fresh(cls) -> EventStore:
        store = cls()
        store._shards = {n: {} for n in range(SHARDS)}
        store.dirty = set(range(SHARDS))
        return store

    def _shard(self, number: int) -> dict[str, list[Event]]:
        shard = self._shards.get(number)
        if shard is None:
            shard = self._read(number)
            self._shards[number] = shard
        return shard

    def _read(self, number: int) -> dict[str, list[Event]]:
        if self.folder is None or number not in self.generations:
            return {}
        try:
            with (self.folder / f"events-{number:02}.pickle").open("rb") as handle:
                generation, events = unpickle(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError, ImportError):
            raise StaleCache from None
        if generation != self.generations[number]:
            raise StaleCache  # written by another process after the meta file we read
        return dict(events)

    def get(self, doc_id: str) -> list[Event]:
        return self._shard(shard_of(doc_id)).get(doc_id, [])

    def append(self, doc_id: str, event: Event) -> None:
        number = shard_of(doc_id)
        self._shard(number).setdefault(doc_id, []).append(event)
        self.dirty.add(number)

    def write(self, folder: Path, generation: str) -> dict[int, str]:
        """Write the dirty shards; returns the generations the meta file must name."""
        from docctl.adapters.atomic import write_atomic

        for number in sorted(self.dirty):
            data = pickle.dumps((generation, self._shard(number)), protocol=pickle.HIGHEST_PROTOCOL)
            write_atomic(folder / f"events-{number:02}.pickle", data)
            self.generations[number] = generation
        self.dirty.clear()
        self.folder = folder
        return dict(self.generations)


class StaleCache(Exception):
    """The cache on disk changed under us, or cannot be read: build the history again."""


class HistoryState:
    """The walk's position and every document's events.

    On disk: a small meta file (tip, ids, releases and reviews: what reading needs), the walk file
    (the controlled files and ids at the tip: what extending needs) and the event shards; each is
    read only when needed.
    """

    def __init__(
        self,
        key: str,
        *,
        tip: str | None = None,
        ids: set[str] | None = None,
        releases: dict[str, list[tuple[str, str]]] | None = None,
        reviews: dict[str, str] | None = None,
        events: EventStore | None = None,
        walk: Callable[[], tuple[dict[str, str], dict[str, str]]] | None = None,
    ) -> None:
        self.key = key
        self.tip = tip
        self.ids: set[str] = ids if ids is not None else set()
        self.releases: dict[str, list[tuple[str, str]]] = (
            releases if releases is not None else {}
        )  # id -> (revision, effective)
        self.reviews: dict[str, str] = reviews if reviews is not None else {}  # id -> day of its last periodic review
        self.events = events if events is not None else EventStore.fresh()
        self.snapshots: dict[str, Snapshot | None] = {}  # blob key -> snapshot (not stored)
        self._walk = walk
        self._files: dict[str, str] | None = None if walk else {}
        self._path_ids: dict[str, str] | None = None if walk else {}
        self.walk_dirty = False

    def _load_walk(self) -> None:
        if self._files is None or self._path_ids is None:
            assert self._walk is not None
            self._files, self._path_ids = self._walk()

    @property
    def files(self) -> dict[str, str]:
        """Controlled path or sidecar -> blob id, at the tip."""
        self._load_walk()
        assert self._files is not None
        return self._files

    @files.setter
    def files(self, value: dict[str, str]) -> None:
        self._files = value
        self.walk_dirty = True

    @property
    def path_ids(self) -> dict[str, str]:
        """Document path -> id, at the tip."""
        self._load_walk()
        assert self._path_ids is not None
        self.walk_dirty = True  # handed out for the walker to change
        return self._path_ids

    def last(self, doc_id: str) -> Event | None:
        events = self.events.get(doc_id)
        return events[-1] if events else None

    def append(self, doc_id: str, event: Event) -> None:
        before = self.last(doc_id)
        self.events.append(doc_id, event)
        self.ids.add(doc_id)
        now = event.snapshot
        if now is not None and now.status == "effective" and now.effective and now.revision:
            was = before.snapshot if before is not None else None
            if was is None or (was.status, was.revision, was.effective) != ("effective", now.revision, now.effective):
                self.releases.setdefault(doc_id, []).append((now.revision, now.effective))


class History:
    """The documents' histories at one tip."""

    def __init__(self, state: HistoryState, rebuild: Callable[[], HistoryState] | None = None) -> None:
        self.state = state
        self._rebuild = rebuild
        self._revisions: dict[str, tuple[Revision, ...]] = {}
        self._newest: dict[tuple[str, dt.date], tuple[str, dt.date] | None] = {}

    @property
    def tip(self) -> str | None:
        return self.state.tip

    def ids(self) -> list[str]:
        return sorted(self.state.ids)

    def last(self, doc_id: str) -> Event | None:
        """The latest event of a document (reads its event shard)."""
        try:
            return self.state.last(doc_id)
        except StaleCache:
            events = self.events(doc_id)  # rebuilds
            return events[-1] if events else None

    def last_review(self, doc_id: str) -> dt.date | None:
        """The day of the document's last periodic review (``docctl review``), from the commit trailers."""
        day = self.state.reviews.get(doc_id)
        return dt.date.fromisoformat(day) if day else None

    def newest_effective(self, doc_id: str, today: dt.date) -> tuple[str, dt.date] | None:
        """The newest *new* revision in force on ``today`` (a first issue is not a new revision).

        Read from the release list kept with the cache's meta file: no event shard is needed.
        """
        known = self._newest.get((doc_id, today), False)
        if known is not False:
            return known  # type: ignore[return-value]
        releases = [(rev, dt.date.fromisoformat(day)) for rev, day in self.state.releases.get(doc_id, ())]
        in_force = [(rev, day) for rev, day in releases if day <= today]
        result = None if not in_force or in_force[-1][0] == releases[0][0] else in_force[-1]
        self._newest[(doc_id, today)] = result
        return result

    def events(self, doc_id: str) -> tuple[Event, ...]:
        try:
            return tuple(self.state.events.get(doc_id))
        except StaleCache:
            if self._rebuild is None:
                raise
            self.state = self._rebuild()  # another process rewrote the cache under us: walk again
            self._rebuild = None
            self._revisions.clear()
            return tuple(self.state.events.get(doc_id))

    def revisions(self, doc_id: str) -> tuple[Revision, ...]:
        cached = self._revisions.get(doc_id)
        if cached is None:
            cached = tuple(revisions_of(doc_id, self.events(doc_id)))
            self._revisions[doc_id] = cached
        return cached


# building -------------------------------------------------------------------------------------


def config_key(config: Config, prefix: str) -> str:
    """Everything that changes how a blob is read: a new key rebuilds the cache."""
    from docctl._version import __version__

    types = sorted((t.code, t.id_pattern) for t in config.types.values())
    text = repr((CACHE_VERSION, __version__, prefix, config.controlled, config.exclude, config.revision_scheme, types))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cache_dir(git: gitmod.Git) -> Path:
    suffix = hashlib.sha256(git.prefix.encode()).hexdigest()[:8] if git.prefix else "root"
    return git.git_dir / "docctl" / f"history-{suffix}"


def load_history(git: gitmod.Git, config: Config, *, head: str | None = None, use_cache: bool = True) -> History:
    """The history at ``head`` (default HEAD): from the cache, extended incrementally, or built cold."""
    head = head or git.head()
    if head is not None and head != git.head():
        use_cache = False  # a view of the past: never replace the cache of HEAD with it
    key = config_key(config, git.prefix)
    boundary = gitmod.shallow_boundary(git)
    if boundary:  # a shallow clone deepened later has more history behind the same tip
        key += "-" + hashlib.sha256(" ".join(sorted(boundary)).encode()).hexdigest()[:8]
    if head is None:
        return History(HistoryState(key=key))
    try:
        return _load(git, config, head, key, use_cache)
    except StaleCache:
        return _load(git, config, head, key, use_cache=False, write=use_cache)


def _load(git: gitmod.Git, config: Config, head: str, key: str, use_cache: bool, write: bool | None = None) -> History:
    state = _read_meta(git, key) if use_cache else None
    if state is not None and state.tip == head:
        return History(state, rebuild=lambda: _load(git, config, head, key, use_cache=False).state)
    entries: list[gitmod.LogEntry] | None = None
    if state is not None and state.tip is not None and gitmod.is_ancestor(git, state.tip, head):
        entries = gitmod.log(git, [f"{state.tip}..{head}"])
        if entries and entries[0].parents[:1] != (state.tip,):
            entries = None  # the old tip is not on the first-parent chain: walk again
    if entries is None:
        state = HistoryState(key=key)
        entries = gitmod.log(git, [head])
    assert state is not None
    Walker(git, config, state).apply(entries)
    state.tip = head
    if (use_cache if write is None else write) and head == git.head():
        _write_cache(git, state)
    return History(state)


_META = "meta.pickle"
_WALK = "walk.pickle"


def _read_meta(git: gitmod.Git, key: str) -> HistoryState | None:
    folder = cache_dir(git)
    meta = _unpickle(folder / _META)
    if not isinstance(meta, dict) or meta.get("key") != key or meta.get("version") != CACHE_VERSION:
        return None
    generation = meta["walk"]

    def walk() -> tuple[dict[str, str], dict[str, str]]:
        data = _unpickle(folder / _WALK)
        if not (isinstance(data, tuple) and len(data) == 3 and data[0] == generation):
            raise StaleCache
        return data[1], data[2]

    return HistoryState(
        key,
        tip=meta["tip"],
        ids=meta["ids"],
        releases=meta["releases"],
        reviews=meta["reviews"],
        events=EventStore(folder, meta["generations"]),
        walk=walk,
    )


def _unpickle(path: Path) -> object:
    try:
        with path.open("rb") as handle:
            return unpickle(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError, ImportError):
        return None


def _write_cache(git: gitmod.Git, state: HistoryState) -> None:
    """Shards and the walk file first, then the meta file that names their generations (atomic
    renames): a reader sees a consistent cache or notices the mismatch and rebuilds; two processes
    never corrupt it."""
    from docctl.adapters.atomic import write_atomic

    folder = cache_dir(git)
    generation = f"{state.tip}-{os.getpid()}-{time.monotonic_ns()}"
    try:
        generations = state.events.write(folder, generation)
        write_atomic(
            folder / _WALK, pickle.dumps((generation, state.files, state.path_ids), protocol=pickle.HIGHEST_PROTOCOL)
        )
        meta = {
            "version": CACHE_VERSION,
            "key": state.key,
            "tip": state.tip,
            "ids": state.ids,
            "releases": state.releases,
            "reviews": state.reviews,
            "generations": generations,
            "walk": generation,
        }
        write_atomic(folder / _META, pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, StaleCache):
        pass  # a read-only repository: work without a cache


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

    def __init__(self, git: gitmod.Git, config: Config, state: HistoryState) -> None:
        self.git = git
        self.config = config
        self.state = state
        self._controlled: dict[str, bool] = {}

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

    def apply(self, entries: Sequence[gitmod.LogEntry]) -> None:
        plan = self._plan(entries)
        self._read_snapshots(key for _, changed in plan for _, key in changed.values() if key is not None)
        for entry, changed in plan:
            self._apply_one(entry, changed)

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
                changed[path] = (blob, _blob_key(path, blob, files.get(path + SIDECAR_SUFFIX)) if blob else None)
            plan.append((entry, changed))
        self.state.files = files
        return plan

    def _read_snapshots(self, keys: Iterable[str]) -> None:
        """Snapshots of every new blob key, reading blobs in history order through one git process."""
        missing = [k for k in dict.fromkeys(keys) if k not in self.state.snapshots]
        if not missing:
            return
        wanted: dict[str, list[str]] = defaultdict(list)  # blob -> keys that need it
        for key in missing:
            for blob in key.split(":", 1)[1].split("+"):
                wanted[blob].append(key)
        contents: dict[str, bytes] = {}
        remaining = {key: len(key.split(":", 1)[1].split("+")) for key in missing}
        for blob, data in gitmod.iter_blobs(self.git, list(wanted)):
            contents[blob] = data
            for key in wanted[blob]:
                remaining[key] -= 1
                if remaining[key] == 0:
                    self.state.snapshots[key] = snapshot_from_blobs(key, contents, self.config)
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


def _blob_key(path: str, blob: str, sidecar: str | None) -> str:
    kind = file_format(path) or "md"
    return f"{kind}:{blob}+{sidecar}" if kind == "docx" and sidecar else f"{kind}:{blob}"


def snapshot_from_blobs(key: str, contents: dict[str, bytes], config: Config) -> Snapshot | None:
    kind, _, rest = key.partition(":")
    blob, _, sidecar = rest.partition("+")
    data = contents.get(blob)
    if data is None:
        return None
    name = "x.docx" if kind == "docx" else "x.md"
    loaded = load(name, data, config, sidecar=contents.get(sidecar) if sidecar else None)
    return Snapshot.of(loaded.document) if loaded.document is not None and loaded.document.id else None


def working_event(history: History, doc_id: str, working: Loaded | None, when: dt.datetime) -> Event | None:
    """The event for what the working copy did to one document since HEAD: changed it, deleted it,
    or added it; None when it is as HEAD has it."""
    commit = Commit(id=None, author_name="working copy", author_email="", date=when, committed=when)
    last = history.last(doc_id)
    if working is not None and working.document is not None:
        snapshot = Snapshot.of(working.document)
        if last is None or last.snapshot != snapshot:
            return Event(commit, working.path, snapshot)
        return None
    if last is not None and last.snapshot is not None:
        return Event(commit, last.path, None)
    return None


def working_events(history: History, loaded: Iterable[Loaded], when: dt.datetime) -> dict[str, Event]:
    """:func:`working_event` for every document of the working copy and of HEAD."""
    items: dict[str, Loaded] = {}
    for item in loaded:
        if item.document is not None and item.document.id:
            items.setdefault(item.document.id, item)
    result: dict[str, Event] = {}
    for doc_id in sorted(set(history.ids()) | set(items)):
        event = working_event(history, doc_id, items.get(doc_id), when)
        if event is not None:
            result[doc_id] = event
    return result


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
    walker._read_snapshots(key for _, changed in plan for _, key in changed.values() if key is not None)
    for entry, changed in plan:
        for _, key in changed.values():
            snapshot = state.snapshots.get(key) if key else None
            if snapshot is None or snapshot.id != doc_id:
                continue
            for approval in snapshot.approvals:
                if approval in wanted and approval not in found:
                    found[approval] = commit_of(entry)
    return found
