"""The history cache under ``.git/docctl/history-*``: the walk's state, kept between runs.

On disk: a small meta file (tip, ids, releases and reviews: what reading needs), the walk file (the
controlled files and ids at the tip: what extending needs) and the event shards; each is read only
when needed. The meta file names the generation of every other file, so a reader sees one
consistent cache or notices the mismatch (:class:`StaleCache`) and builds the history again.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

from docctl.adapters import cachefile
from docctl.adapters import git as gitmod
from docctl.config.model import Config
from docctl.core.timeline import Event, Snapshot

#: The layout of the cache files and of the values in them; a new version rebuilds every cache.
CACHE_VERSION = 9
SHARDS = 32


def shard_of(doc_id: str) -> int:
    return cachefile.shard_of(doc_id, SHARDS)


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
        data = cachefile.read(self.folder / f"events-{number:02}.pickle")
        if not (isinstance(data, tuple) and len(data) == 2 and isinstance(data[1], dict)):
            raise StaleCache
        if data[0] != self.generations[number]:
            raise StaleCache  # written by another process after the meta file we read
        return dict(data[1])

    def get(self, doc_id: str) -> list[Event]:
        return self._shard(shard_of(doc_id)).get(doc_id, [])

    def append(self, doc_id: str, event: Event) -> None:
        number = shard_of(doc_id)
        self._shard(number).setdefault(doc_id, []).append(event)
        self.dirty.add(number)

    def write(self, folder: Path, generation: str) -> dict[int, str]:
        """Write the dirty shards; returns the generations the meta file must name."""
        for number in sorted(self.dirty):
            cachefile.write(folder / f"events-{number:02}.pickle", (generation, self._shard(number)))
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


def config_key(config: Config, prefix: str) -> str:
    """Everything that changes how a blob is read: a new key rebuilds the cache."""
    from docctl._version import __version__

    types = sorted((t.code, t.id_pattern) for t in config.types.values())
    text = repr((CACHE_VERSION, __version__, prefix, config.controlled, config.exclude, config.scheme, types))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cache_dir(git: gitmod.Git) -> Path:
    suffix = hashlib.sha256(git.prefix.encode()).hexdigest()[:8] if git.prefix else "root"
    return git.git_dir / "docctl" / f"history-{suffix}"


_META = "meta.pickle"
_WALK = "walk.pickle"


def read_state(git: gitmod.Git, key: str) -> HistoryState | None:
    """The cached state for ``key`` (its meta file only; the rest is read when asked for), or None."""
    folder = cache_dir(git)
    meta = cachefile.read(folder / _META)
    if not isinstance(meta, dict) or meta.get("key") != key or meta.get("version") != CACHE_VERSION:
        return None
    generation = meta["walk"]

    def walk() -> tuple[dict[str, str], dict[str, str]]:
        data = cachefile.read(folder / _WALK)
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


def write_state(git: gitmod.Git, state: HistoryState) -> None:
    """Shards and the walk file first, then the meta file that names their generations (atomic
    renames): a reader sees a consistent cache or notices the mismatch and rebuilds; two processes
    never corrupt it."""
    folder = cache_dir(git)
    generation = f"{state.tip}-{os.getpid()}-{time.monotonic_ns()}"
    try:
        generations = state.events.write(folder, generation)
        cachefile.write(folder / _WALK, (generation, state.files, state.path_ids))
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
        cachefile.write(folder / _META, meta)
    except (OSError, StaleCache):
        pass  # a read-only repository: work without a cache
