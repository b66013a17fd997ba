"""Caches under ``.git/docctl`` that make a second ``check`` (or a pre-commit run) cheap.

* :class:`ParsedStore` — parsed documents keyed by path and git blob ids (of the file and, for a
  .docx, its sidecar), with the findings of the per-document rules for a given day. A working-tree
  file is matched to its entry by its stat stamp (size, mtime, ctime, inode), re-hashed when the
  stamp could be racy; an index or commit entry by its blob id, which git already knows.
* :class:`FindingsMemo` — the history findings of each document, valid while HEAD and the
  document's working copy stay the same.

Both live in shards written atomically (temp file and rename); a cache that cannot be read is
ignored, and a cache that cannot be written (a read-only repository) is simply not kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from docctl.adapters import cachefile
from docctl.core.model import Finding
from docctl.documents.sources import Loaded

SHARDS = 16
STORE_VERSION = 2
RACY_SECONDS = 2.0

Stamp = tuple[int, int, int, int]


def blob_id(data: bytes) -> str:
    """The id git gives ``data`` as a blob (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data, usedforsecurity=False).hexdigest()


def entry_key(path: str, blob: str, sidecar: str | None = None) -> str:
    return f"{path}\x00{blob}+{sidecar}" if sidecar else f"{path}\x00{blob}"


def _shard_number(key: str) -> int:
    return cachefile.shard_of(key, SHARDS)


def stamp_of(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _write(path: Path, value: object) -> None:
    with contextlib.suppress(OSError):
        cachefile.write(path, value)


class ParsedStore:
    """Parsed documents by (path, blob ids); per-document findings memoised by day."""

    def __init__(self, folder: Path | None, key: str) -> None:
        self.folder = folder / f"parsed-{key}" if folder is not None else None
        self._shards: dict[
            int, dict[str, Any]
        ] = {}  # number -> key -> (Loaded, memo, findings, derived), fewer at first
        self._dirty: set[int] = set()
        self._stamps: dict[str, tuple[Stamp, Stamp | None, str, float]] | None = None
        self._stamps_dirty = False
        self._used: set[str] = set()
        self._detached = False

    def detach(self) -> None:
        """From now on keep new entries in memory only, and read no shard: a check by difference
        parses only the few files that changed, whose new contents no shard holds yet (reading one
        would mean reading the parsed bodies of a sixteenth of the repository)."""
        self._detached = True

    def attach(self) -> None:
        """Back to reading and writing the shards (a whole check after all)."""
        if self._detached:
            self._detached, self._shards, self._dirty = False, {}, set()

    # entries ----------------------------------------------------------------------------------
    def _entries(self, key: str) -> dict[str, Any]:
        """The shard that holds ``key``, read when first asked for (a hook reads one or two of them)."""
        number = _shard_number(key)
        shard = self._shards.get(number)
        if shard is None and self._detached:
            shard = self._shards[number] = {}
            self._dirty.discard(number)
        elif shard is None:
            data = cachefile.read(self.folder / f"shard-{number:02}.pickle") if self.folder else None
            valid = isinstance(data, tuple) and len(data) == 2 and data[0] == STORE_VERSION
            shard = data[1] if valid and data is not None else {}
            self._shards[number] = shard
        return shard

    def _touch(self, key: str) -> None:
        self._dirty.add(_shard_number(key))

    def get(self, key: str) -> Loaded | None:
        entry = self._entries(key).get(key)
        if entry is None:
            return None
        self._used.add(key)
        return entry[0]  # type: ignore[no-any-return]

    def put(self, key: str, loaded: Loaded) -> None:
        self._entries(key)[key] = (loaded,)
        self._used.add(key)
        self._touch(key)

    def derived(self, key: str) -> Any:
        """A value derived from the document's content alone (its references), or None."""
        entry = self._entries(key).get(key)
        return entry[3] if entry is not None and len(entry) == 4 else None

    def set_derived(self, key: str, value: object) -> None:
        entries = self._entries(key)
        entry = entries.get(key)
        if entry is None:
            return
        memo, findings = (entry[1], entry[2]) if len(entry) >= 3 else (None, None)
        entries[key] = (entry[0], memo, findings, value)
        self._touch(key)

    def findings(self, key: str, memo: Hashable) -> tuple[Finding, ...] | None:
        """Per-document findings stored for ``memo`` (the day and anything else they depend on)."""
        entry = self._entries(key).get(key)
        if entry is not None and len(entry) >= 3 and entry[1] == memo and entry[2] is not None:
            return entry[2]  # type: ignore[no-any-return]
        return None

    def set_findings(self, key: str, memo: Hashable, findings: tuple[Finding, ...]) -> None:
        entries = self._entries(key)
        entry = entries.get(key)
        if entry is None:
            return
        entries[key] = (entry[0], memo, findings, *entry[3:4])
        self._touch(key)

    # working-tree stamps ----------------------------------------------------------------------
    def _stamp_table(self) -> dict[str, tuple[Stamp, Stamp | None, str, float]]:
        if self._stamps is None:
            data = cachefile.read(self.folder / "stamps.pickle") if self.folder else None
            self._stamps = data[1] if isinstance(data, tuple) and len(data) == 2 and data[0] == STORE_VERSION else {}
        return self._stamps

    def key_for(self, path: str, stamp: Stamp, sidecar: Stamp | None) -> str | None:
        """The entry key recorded for this file when it had exactly these stamps (and was not racy)."""
        recorded = self._stamp_table().get(path)
        if recorded is None or recorded[0] != stamp or recorded[1] != sidecar:
            return None
        newest = max(stamp[1], sidecar[1] if sidecar else 0) / 1e9
        if newest >= recorded[3] - RACY_SECONDS:
            return None  # modified too close to when we looked: the stamp may hide a later change
        return recorded[2]

    def remember(self, path: str, stamp: Stamp, sidecar: Stamp | None, key: str) -> None:
        table = self._stamp_table()
        entry = (stamp, sidecar, key, time.time())
        if table.get(path, (None,))[:3] != entry[:3]:
            table[path] = entry
            self._stamps_dirty = True

    # writing ------------------------------------------------------------------------------------
    def save(self, *, prune: bool = True) -> None:
        """Write what changed; with ``prune``, entries not used in this run leave the shards written
        (a view of the past does not prune: it must not evict the working tree's entries)."""
        if self.folder is None:
            return
        for number in sorted(self._dirty):
            if self._detached and self.folder is not None and (self.folder / f"shard-{number:02}.pickle").exists():
                continue  # a shard not read: writing the few new entries would drop the others
            shard = self._shards[number]
            kept = {k: v for k, v in shard.items() if k in self._used} if prune else shard
            _write(self.folder / f"shard-{number:02}.pickle", (STORE_VERSION, kept))
        self._dirty.clear()
        if self._stamps_dirty and self._stamps is not None:
            _write(self.folder / "stamps.pickle", (STORE_VERSION, self._stamps))
            self._stamps_dirty = False


class FindingsMemo:
    """History findings per document id, valid for one HEAD and one working-copy snapshot."""

    def __init__(self, folder: Path | None, key: str) -> None:
        self.path = folder / f"history-findings-{key}.pickle" if folder is not None else None
        data = cachefile.read(self.path) if self.path else None
        valid = isinstance(data, tuple) and len(data) == 2 and data[0] == STORE_VERSION
        self._table: dict[str, tuple[Hashable, tuple[Finding, ...]]] = data[1] if valid and data is not None else {}
        self._next: dict[str, tuple[Hashable, tuple[Finding, ...]]] = {}
        self._changed = False

    def get(self, doc_id: str, memo: Hashable) -> tuple[Finding, ...] | None:
        entry = self._table.get(doc_id)
        if entry is not None and entry[0] == memo:
            self._next[doc_id] = entry
            return entry[1]
        return None

    def put(self, doc_id: str, memo: Hashable, findings: tuple[Finding, ...]) -> None:
        self._next[doc_id] = (memo, findings)
        self._changed = True

    def save(self, *, partial: bool = False) -> None:
        """Write the entries used (with ``partial``, the others are kept too: only some ids were asked)."""
        if partial:
            self._next = {**self._table, **self._next}
        if self.path is not None and (self._changed or len(self._next) != len(self._table)):
            _write(self.path, (STORE_VERSION, self._next))


class ReportCache:
    """The last whole report, for a check whose inputs did not change at all.

    The inputs are summed up by the caller in a digest (HEAD, configuration, the day, and the stat
    stamps or blob ids of every controlled file). A report that depends on the time of day (an
    approval dated today or later, DC207) is never kept, and stamps younger than RACY_SECONDS when
    the report was made are not trusted.
    """

    def __init__(self, folder: Path | None, key: str, kind: str) -> None:
        self.path = folder / f"report-{kind}-{key}.pickle" if folder is not None else None

    def get(self, digest: str, newest_input: float) -> Any:
        data = cachefile.read(self.path) if self.path else None
        if not (isinstance(data, tuple) and len(data) == 4 and data[0] == STORE_VERSION and data[1] == digest):
            return None
        recorded_at = data[2]
        if newest_input >= recorded_at - RACY_SECONDS:
            return None
        return data[3]

    def put(self, digest: str, report: object) -> None:
        if self.path is not None:
            _write(self.path, (STORE_VERSION, digest, time.time(), report))
