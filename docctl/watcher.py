"""The watcher: the only module that imports watchdog. Queue paths, debounce, re-check, report.

Three threads take part. watchdog's observer calls :class:`_Queue` with each file-system event;
the queue keeps the paths and nothing else. The watcher's own thread waits until the queue has
been quiet for ``debounce`` seconds (at most ``max_delay`` after the first path, and longer while
git holds ``index.lock``), re-reads the documents those paths concern through
:meth:`Repository.load`, runs the same rule functions as ``check`` and compares the findings with
the ones it held before: each difference is one :class:`WatchEvent`, ``raised`` or ``cleared``,
handed to ``on_event``. A reconcile pass over the whole tree runs on start and every
``reconcile_every`` seconds, so an event lost by the kernel or a network drive is caught anyway.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from docctl.adapters import paths
from docctl.composer.base import Composer
from docctl.composer.collection import Collection
from docctl.config.load import find_root, load_config
from docctl.config.model import CONFIG_NAME
from docctl.core.errors import DocctlError, GitError
from docctl.core.model import Document, Finding
from docctl.documents.sources import SIDECAR_SUFFIX, Loaded, file_format
from docctl.history.load import working_event
from docctl.rules.context import RuleContext
from docctl.rules.history import check_history
from docctl.rules.registry import check_document

EventKind = Literal["raised", "cleared"]
EventCallback = Callable[["WatchEvent"], object]

#: The only watchdog events the watcher asks for: reads (opened, closed without writing) and
#: attribute changes are left out, so the watcher's own reading never wakes it up again.
_EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]

#: watchdog logs (does not raise) when the kernel's inotify queue overflowed and events were lost.
_WATCHDOG_LOGGER = "watchdog.observers"


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchEvent:
    """A finding that a change raised or cleared."""

    event: EventKind
    finding: Finding
    time: dt.datetime

    def to_dict(self) -> dict[str, object]:
        """The finding fields of ``check --format json`` plus ``event`` and ``time``."""
        data = self.finding.to_dict()
        data["event"] = self.event
        data["time"] = self.time.isoformat()
        return data

    def __str__(self) -> str:
        return f"{self.event}: {self.finding}"


@dataclass(frozen=True, slots=True)
class _Change:
    """One path from one watchdog event, as queued."""

    path: str
    directory: bool


class _Queue(FileSystemEventHandler):
    """The watchdog handler: puts the paths of each event in the watcher's queue, nothing more.

    It subclasses the plain handler, never PatternMatchingEventHandler: pattern handlers drop a
    rename whose source is a dotfile (an editor's hidden temp file renamed over the document) and
    need ``**/`` for absolute paths. Filtering happens later, on paths relative to the root.
    """

    def __init__(self, put: Callable[[Sequence[_Change]], None]) -> None:
        super().__init__()
        self._put = put

    def dispatch(self, event: FileSystemEvent) -> None:
        directory = event.is_directory
        changes = [_Change(os.fsdecode(event.src_path), directory)] if event.src_path else []
        if event.dest_path:
            changes.append(_Change(os.fsdecode(event.dest_path), directory))
        self._put(changes)


class _Overflow(logging.Handler):
    """Hears watchdog's warning that the kernel dropped events, and asks for a reconcile pass."""

    def __init__(self, request: Callable[[], None]) -> None:
        super().__init__(logging.WARNING)
        self._request = request

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self._request()


class Watcher:
    """Watch a working copy and report the findings each change raises or clears.

    ``repo`` is a :class:`Repository` or a folder at or below a docctl root. ``on_event`` is called
    on the watcher's thread, once per :class:`WatchEvent`, in order; if it raises, the watcher stops
    and :meth:`wait`, :meth:`stop` or the ``with`` block re-raises the error. Use it as a context
    manager, or call :meth:`start` and :meth:`stop`::

        with docctl.Watcher(repo, on_event=print):
            ...

    The findings present when it starts are the baseline: they are not reported unless
    ``report_existing`` is true. ``polling`` uses watchdog's polling observer (network drives,
    containers, file systems without inotify), re-scanning every ``poll_interval`` seconds.
    """

    def __init__(
        self,
        repo: Composer | str | os.PathLike[str] = ".",
        on_event: EventCallback | None = None,
        *,
        polling: bool = False,
        poll_interval: float = 1.0,
        debounce: float = 0.1,
        max_delay: float = 1.0,
        reconcile_every: float = 60.0,
        report_existing: bool = False,
    ) -> None:
        self.repo = repo if isinstance(repo, Composer) else Composer(load_config(find_root(Path(repo))))
        self.on_event = on_event
        self.polling = polling
        self.poll_interval = poll_interval
        self.debounce = debounce
        self.max_delay = max_delay
        self.reconcile_every = reconcile_every
        self.report_existing = report_existing
        self._root = str(self.repo.root)
        self._cond = threading.Condition()
        self._pending: dict[_Change, None] = {}  # insertion-ordered set
        self._first = self._last = 0.0
        self._reconcile_requested = False
        self._stopping = False
        self._stopped = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._observer: BaseObserver | None = None
        self._overflow = _Overflow(self.reconcile)
        # state, touched only by the watcher's thread (and by start() before that thread runs)
        self._loaded: dict[str, Loaded] = {}
        self._by_path: dict[str, frozenset[Finding]] = {}
        self._deleted: dict[str, Finding] = {}
        self._collection, self._collection_key = Collection(), ("", dt.date.min)  # by difference; its inputs
        # what is held now: findings of the documents (and DC306), findings of repository-wide rules
        empty: frozenset[Finding] = frozenset()
        self._held: dict[str, frozenset[Finding]] = {"documents": empty, "collection": empty}
        self._git_dir: Path | None = None
        self._restarts: list[float] = []

    def __repr__(self) -> str:
        return f"Watcher({self._root!r})"

    # running ----------------------------------------------------------------------------------
    def start(self) -> Watcher:
        """Start observing, take the baseline (a reconcile pass), then start reporting."""
        if self._thread is not None:
            raise DocctlError("the watcher has already been started")
        self._observer = self._new_observer()
        logging.getLogger(_WATCHDOG_LOGGER).addHandler(self._overflow)
        try:
            self._git_dir = self._find_git_dir()
            everything = set(self.repo.controlled_paths())
            ctx, now = self.repo.context(), self.repo.now()
            self._update(everything, ctx, now, report=self.report_existing)
        except BaseException:
            self._shutdown_observer()
            raise
        self._thread = threading.Thread(target=self._run, name="docctl-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float | None = 10.0) -> None:
        """Stop observing and reporting; re-raises an error raised by ``on_event``."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._shutdown_observer()
        self._stopped.set()
        self._raise_error()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the watcher stops (True) or ``timeout`` passes (False); re-raise errors."""
        if self._thread is None:
            raise DocctlError("the watcher has not been started")
        stopped = self._stopped.wait(timeout)
        self._raise_error()
        return stopped

    def __enter__(self) -> Watcher:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if value is None:
            self.stop()
            return
        with contextlib.suppress(Exception):  # the error of the with block wins
            self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._stopped.is_set()

    @property
    def error(self) -> BaseException | None:
        """The exception that stopped the watcher, if any."""
        return self._error

    @property
    def findings(self) -> list[Finding]:
        """Every finding the watcher holds now, sorted like ``check``."""
        with self._cond:
            current = self._held["documents"] | self._held["collection"]
        return sorted(current, key=Finding.sort_key)

    def reconcile(self) -> None:
        """Ask for a reconcile pass over the whole tree (thread-safe; returns at once)."""
        with self._cond:
            self._reconcile_requested = True
            self._cond.notify_all()

    # the observer -----------------------------------------------------------------------------
    def _new_observer(self) -> BaseObserver:
        observer: BaseObserver
        observer = PollingObserver(timeout=self.poll_interval) if self.polling else Observer()
        observer.schedule(_Queue(self._put), self._root, recursive=True, event_filter=_EVENT_TYPES)
        try:
            observer.start()
        except OSError as error:
            raise DocctlError(_observer_error(error, self._root)) from None
        return observer

    def _check_observer(self) -> None:
        """Restart the observer if one of its threads died (then reconcile: events were lost)."""
        observer = self._observer
        if observer is None or _alive(observer):
            return
        now = time.monotonic()
        self._restarts = [t for t in self._restarts if now - t < 60.0] + [now]
        if len(self._restarts) > 5 or not os.path.isdir(self._root):
            message = f"cannot keep watching {self._root}: the file observer keeps stopping"
            raise DocctlError(message)
        self._shutdown_observer(keep_logging=True)
        self._observer = self._new_observer()
        self.reconcile()

    # the queue --------------------------------------------------------------------------------
    def _put(self, changes: Sequence[_Change]) -> None:
        """Called by watchdog's thread: remember the paths, wake the watcher's thread."""
        now = time.monotonic()
        with self._cond:
            if not self._pending:
                self._first = now
            self._last = now
            for change in changes:
                self._pending[change] = None
            self._cond.notify_all()

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as error:  # reported by wait()/stop() in the caller's thread
            self._error = error
        finally:
            with self._cond:
                self._stopping = True
                self._cond.notify_all()
            self._stopped.set()

    def _loop(self) -> None:
        next_reconcile = time.monotonic() + self.reconcile_every
        while True:
            self._check_observer()
            batch, full = self._next_batch(next_reconcile, time.monotonic() + 1.0)
            if batch is None:
                return
            if not batch and not full:
                continue
            if full:
                next_reconcile = time.monotonic() + self.reconcile_every
            self._process(batch, full=full)

    def _next_batch(self, next_reconcile: float, wake: float) -> tuple[list[_Change] | None, bool]:
        """Wait for work: a debounced batch of paths, a reconcile pass, or the stop (None).

        With nothing to do by ``wake``, return an empty batch (so the observer gets checked).
        """
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                if now >= next_reconcile:
                    self._reconcile_requested = True
                if self._pending:
                    wait = self._debounce_left(now)
                    if wait <= 0:
                        break
                elif self._reconcile_requested:
                    break
                elif now >= wake:
                    return [], False
                else:
                    wait = min(next_reconcile, wake) - now
                self._cond.wait(max(wait, 0.001))
            if self._stopping:
                return None, False
            batch = list(self._pending)
            self._pending.clear()
            full = self._reconcile_requested
            self._reconcile_requested = False
            return batch, full

    def _debounce_left(self, now: float) -> float:
        """Seconds until the queued paths are due: quiet for ``debounce``, git not busy."""
        left = min(self._last + self.debounce, self._first + self.max_delay) - now
        if left > 0:
            return left
        if self._git_busy() and now - self._first < 30.0:  # a checkout or merge is writing files
            return self.debounce
        return 0.0

    def _git_busy(self) -> bool:
        return self._git_dir is not None and (self._git_dir / "index.lock").exists()

    # processing -------------------------------------------------------------------------------
    def _process(self, batch: list[_Change], *, full: bool) -> None:
        affected = self._affected(batch)
        if (CONFIG_NAME in affected) and self._reload_config():
            full = True
        affected.discard(CONFIG_NAME)
        if full:  # everything on disk, and everything held (a deletion may have been missed)
            affected |= set(self.repo.controlled_paths()) | set(self._loaded)
        if not affected and not full:
            return
        self._update(affected, self.repo.context(), self.repo.now(), report=True)

    def _affected(self, batch: Iterable[_Change]) -> set[str]:
        """The root-relative paths of the documents a batch of changes concerns."""
        affected: set[str] = set()
        for change in batch:
            rel = self._relative(change.path)
            if rel is None:
                continue
            if change.directory:
                affected |= self._under(rel)
            elif rel == CONFIG_NAME:
                affected.add(rel)
            else:
                document = _document_path(rel)
                if document is not None:
                    affected.add(document)
        return {p for p in affected if p == CONFIG_NAME or self._controlled(p)}

    def _relative(self, path: str) -> str | None:
        """``path`` relative to the root, POSIX; None outside it or inside ``.git``."""
        rel = os.path.relpath(path, self._root)
        if rel == "." or rel.startswith(".."):
            return "" if rel == "." else None
        rel = rel.replace(os.sep, "/")
        if rel == ".git" or rel.startswith(".git/"):
            return None
        return rel

    def _under(self, folder: str) -> set[str]:
        """Documents held below ``folder`` (it was created, moved or deleted): known and on disk."""
        prefix = f"{folder}/" if folder else ""
        found = {p for p in self._loaded if p.startswith(prefix)}
        full = Path(self._root, folder)
        if full.is_dir() and not full.is_symlink():
            found |= {prefix + p for p in paths.walk(full)}
        return found

    def _controlled(self, path: str) -> bool:
        cfg = self.repo.config
        if file_format(path) is None:
            return False
        return paths.is_controlled(path, cfg.controlled, cfg.exclude)

    def _reload_config(self) -> bool:
        """docctl.toml changed (an edit, a checkout): read it again; keep the old one if invalid."""
        try:
            config = load_config(self.repo.root)
        except DocctlError:
            return False
        if config == self.repo.config:
            return False
        self.repo = Composer(config, clock=self.repo.now)
        return True

    def _update(self, affected: set[str], ctx: RuleContext, now: dt.datetime, *, report: bool) -> None:
        """Re-read the ``affected`` paths, re-run the rules, report what changed: the documents' findings first."""
        vanished: dict[str, Document] = {}
        changed: dict[str, Loaded | None] = {}
        for path in affected:
            before = self._loaded.get(path)
            after = self._read(path)
            changed.update({path: after} if after is not before else {})
            if after is None:
                self._loaded.pop(path, None)
                self._by_path.pop(path, None)
                document = before.document if before is not None else None
                if document is not None and document.id:
                    vanished[path] = document
                continue
            self._loaded[path] = after
            found = [*after.findings, *(check_document(after.document, ctx) if after.document else ())]
            self._by_path[path] = frozenset(self.repo.apply_policy(found))
        documents = [item.document for item in self._loaded.values() if item.document is not None]
        self._track_deletions(vanished, documents, ctx)
        held = frozenset().union(*self._by_path.values(), self.repo.apply_policy(self._deleted.values()))
        self._report("documents", held, now, report=report)
        self._report("collection", self._collection_findings(changed, documents, ctx), now, report=report)

    def _collection_findings(
        self, changed: dict[str, Loaded | None], docs: list[Document], ctx: RuleContext
    ) -> frozenset[Finding]:
        """Repository-wide findings, judged again for the documents the change affects only (all after
        a change of the configuration, catalogues or day; see :mod:`docctl.composer.collection`)."""
        key = (self.repo.store_key(), ctx.today)
        if key != self._collection_key:
            self._collection, self._collection_key, changed = Collection(), key, dict(self._loaded)
        self._collection.judge(self._collection.apply(changed, self.repo.references()), ctx, None)
        found = [*self._collection.findings(suspect=False), *self.repo.control_findings(ctx, docs)]
        return frozenset(self.repo.apply_policy(found))

    def _read(self, path: str) -> Loaded | None:
        """The document at ``path`` now, or None when there is no controlled file there."""
        if not self._controlled(path):
            return None
        full = os.path.join(self._root, path)
        if not os.path.lexists(full) or os.path.isdir(full):
            return None
        return self.repo.load(path)

    def _track_deletions(self, vanished: dict[str, Document], documents: list[Document], ctx: RuleContext) -> None:
        """DC306 for documents whose file disappeared, judged as ``check`` judges it: by the history rules,
        on HEAD's history plus the working copy's deletion.

        A document moved elsewhere (same id) is not deleted; one that HEAD does not hold (a checkout or a
        commit removed it) is not the working copy's doing; a file that comes back clears the finding.
        """
        present = {d.id for d in documents if d.id}
        for path in list(self._deleted):
            document_id = self._deleted[path].document
            if path in self._loaded or document_id in present:
                del self._deleted[path]
        candidates = {path: d.id for path, d in vanished.items() if d.id and d.id not in present}
        try:
            history = self.repo.history_index() if candidates else None
        except GitError:  # git failed: leave the deletion unjudged rather than stop watching
            return
        if history is None:
            return
        for path, doc_id in candidates.items():
            deletion = working_event(history, doc_id, None, ctx.now)
            if deletion is None:  # HEAD does not hold it either
                continue
            events = [*history.events(doc_id), deletion]
            for item in check_history(doc_id, events, None, ctx):
                if item.code == "DC306":
                    self._deleted[path] = item

    def _find_git_dir(self) -> Path | None:
        git = self.repo.git()
        return git.git_dir if git is not None else None

    def _report(self, kind: str, current: frozenset[Finding], now: dt.datetime, *, report: bool) -> None:
        """Hold ``current`` as the findings of ``kind``; report the differences, cleared first."""
        with self._cond:
            before, self._held[kind] = self._held[kind], current
        if not report or self.on_event is None:
            return
        cleared = sorted(before - current, key=Finding.sort_key)
        raised = sorted(current - before, key=Finding.sort_key)
        events: list[tuple[EventKind, Finding]] = [("cleared", f) for f in cleared]
        events += [("raised", f) for f in raised]
        for kind_of_event, item in events:
            if self._stopping:  # stop() was called, maybe by on_event itself
                return
            self.on_event(WatchEvent(event=kind_of_event, finding=item, time=now))

    # stopping ---------------------------------------------------------------------------------
    def _shutdown_observer(self, *, keep_logging: bool = False) -> None:
        if not keep_logging:
            logging.getLogger(_WATCHDOG_LOGGER).removeHandler(self._overflow)
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            if observer.is_alive():
                observer.join(10.0)

    def _raise_error(self) -> None:
        error, self._error = self._error, None
        if error is not None:
            raise error


def watch(
    repo: Composer | str | os.PathLike[str] = ".",
    on_event: EventCallback | None = None,
    *,
    stop: threading.Event | None = None,
    polling: bool = False,
    poll_interval: float = 1.0,
    debounce: float = 0.1,
    reconcile_every: float = 60.0,
    report_existing: bool = False,
) -> None:
    """Watch until ``stop`` is set (or Ctrl-C, which propagates after a clean stop)."""
    with Watcher(
        repo,
        on_event,
        polling=polling,
        poll_interval=poll_interval,
        debounce=debounce,
        reconcile_every=reconcile_every,
        report_existing=report_existing,
    ) as watcher:
        if stop is None:
            watcher.wait()
            return
        while not stop.wait(0.1):
            if watcher.wait(0):
                return


def _alive(observer: BaseObserver) -> bool:
    """The observer's threads run: its dispatcher, its emitters and (inotify) its reader."""
    reader = getattr(observer, "_inotify_fd", None)  # watchdog >= 6 reads inotify in its own thread
    if isinstance(reader, threading.Thread) and not reader.is_alive():
        return False
    return observer.is_alive() and all(emitter.is_alive() for emitter in observer.emitters)


def _document_path(rel: str) -> str | None:
    """The document a file belongs to: itself, or the .docx its sidecar describes."""
    if rel.lower().endswith(".docx" + SIDECAR_SUFFIX):
        return rel[: -len(SIDECAR_SUFFIX)]
    return rel if file_format(rel) else None


def _observer_error(error: OSError, root: str) -> str:
    import errno

    if error.errno in (errno.ENOSPC, errno.EMFILE):
        return (
            f"cannot watch {root}: the system's inotify limits are reached ({error.strerror}); "
            "raise fs.inotify.max_user_watches / max_user_instances, or use --polling"
        )
    return f"cannot watch {root}: {error.strerror or error}"
