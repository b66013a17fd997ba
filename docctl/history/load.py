"""The documents' histories at one tip: :class:`History` and :func:`load_history`.

The history at HEAD comes from the cache (:mod:`docctl.history.cache`) when its tip is HEAD,
extended incrementally when HEAD is a first-parent descendant of its tip, or built by one walk
(:mod:`docctl.history.walk`) otherwise. Revisions are grouped from the events on demand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable

from docctl.adapters import git as gitmod
from docctl.config.model import Config
from docctl.core.timeline import Commit, Event, Revision, Snapshot, revisions_of
from docctl.documents.sources import Loaded
from docctl.history.cache import HistoryState, StaleCache, config_key, read_state, write_state
from docctl.history.walk import Walker


class History:
    """The documents' histories at one tip."""

    def __init__(
        self,
        state: HistoryState,
        rebuild: Callable[[], HistoryState] | None = None,
        tip_files: dict[str, tuple[str, str | None, Loaded]] | None = None,
    ) -> None:
        self.state = state
        self._rebuild = rebuild
        self._tip_files = tip_files or {}
        self._revisions: dict[str, tuple[Revision, ...]] = {}
        self._newest: dict[tuple[str, dt.date], tuple[str, dt.date] | None] = {}

    @property
    def tip(self) -> str | None:
        return self.state.tip

    def take_tip_files(self) -> dict[str, tuple[str, str | None, Loaded]]:
        """path -> (blob, sidecar blob, parsed file) of the files at the tip that the walk building
        this history parsed (empty when it came from the cache); handed over once, then forgotten."""
        files, self._tip_files = self._tip_files, {}
        return files

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
    state = read_state(git, key) if use_cache else None
    if state is not None and state.tip == head:
        return History(state, rebuild=lambda: _load(git, config, head, key, use_cache=False).state)
    entries: Iterable[gitmod.LogEntry] | None = None
    if state is not None and state.tip is not None and gitmod.is_ancestor(git, state.tip, head):
        newer = gitmod.log(git, [f"{state.tip}..{head}"])
        entries = newer if not newer or newer[0].parents[:1] == (state.tip,) else None
        # (None: the old tip is not on the first-parent chain: walk again)
    total: int | None = None
    if entries is None:
        state = HistoryState(key=key)
        entries = gitmod.iter_log(git, [head])  # streamed: the whole log is never held
        total = int(gitmod.output(["rev-list", "--count", "--first-parent", head, "--"], git.cwd))  # for progress
    assert state is not None
    walker = Walker(git, config, state, keep_tip=True)
    walker.apply(entries, total)
    state.tip = head
    if (use_cache if write is None else write) and head == git.head():
        write_state(git, state)
    return History(state, tip_files=walker.tip())


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
