"""The repository lock that serialises lifecycle steps, the step journal beside it, and git's index lock.

* :class:`StepLock` — ``fcntl.flock`` on ``step.lock`` in the state folder (``.git/docctl``; outside
  git ``.docctl`` under the root). The kernel drops the lock when its holder dies, however it dies,
  so a lock is never stale. The holder writes who it is into the file, for the message of a step
  that waited in vain. Re-entrant within a thread (a review that revises is one step).
* the journal (``step.json``) — written atomically before a step writes its first file and removed
  when the step is done; a journal that exists while nobody holds the lock is a half-done step.
* :func:`clear_stale_index_lock` — ``.git/index.lock`` left by a git that was killed, removed only
  when no git process is running in the work tree.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
from pathlib import Path

from docctl.adapters.atomic import write_atomic
from docctl.core.errors import LifecycleError
from docctl.core.journal import HalfStep, StepJournal

LOCK_NAME = "step.lock"
JOURNAL_NAME = "step.json"
#: how long a step waits for another one to finish, unless DOCCTL_LOCK_TIMEOUT (seconds) says otherwise
DEFAULT_TIMEOUT = 30.0
_POLL = 0.05


def state_folder(git_dir: Path | None, root: Path) -> Path:
    """Where the lock and the journal live: ``.git/docctl`` (per work tree), else ``.docctl`` under the root."""
    return git_dir / "docctl" if git_dir is not None else root / ".docctl"


def lock_timeout() -> float:
    """DOCCTL_LOCK_TIMEOUT (seconds, ≥ 0) or the default of 30 s."""
    text = os.environ.get("DOCCTL_LOCK_TIMEOUT", "")
    try:
        value = float(text) if text else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value >= 0 else DEFAULT_TIMEOUT


_local = threading.local()


def _held() -> dict[Path, tuple[int, int]]:
    """The locks this thread holds: path -> (file descriptor, depth)."""
    held: dict[Path, tuple[int, int]] | None = getattr(_local, "held", None)
    if held is None:
        held = _local.held = {}
    return held


class StepLock:
    """The repository's step lock, held for a block: ``with StepLock(folder, what="approve SOP-004")``."""

    def __init__(self, folder: Path, *, what: str, timeout: float | None = None) -> None:
        self.path = folder / LOCK_NAME
        self.what = what
        self.timeout = lock_timeout() if timeout is None else timeout
        self.nested = False

    def __enter__(self) -> StepLock:
        held = _held()
        if self.path in held:
            fd, depth = held[self.path]
            held[self.path] = (fd, depth + 1)
            self.nested = True
            return self
        held[self.path] = (self._acquire(), 1)
        return self

    def __exit__(self, *exc: object) -> None:
        held = _held()
        fd, depth = held[self.path]
        if depth > 1:
            held[self.path] = (fd, depth - 1)
            return
        del held[self.path]
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # a waiter that reads the file now learns nothing stale
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def _acquire(self) -> int:
        try:
            return self._wait()
        except OSError as error:  # a read-only .git, a file system without locks
            raise LifecycleError(
                f"cannot take the step lock {self.path}: {error.strerror}; nothing was changed"
            ) from None

    def _wait(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.timeout
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise LifecycleError(
                        f"another docctl step is running in this repository: {holder(self.path)}; "
                        f"waited {self.timeout:g} s for it, nothing was changed (try again when it is done)"
                    ) from None
                time.sleep(_POLL)
                continue
            if _same_file(fd, self.path):
                record = {"pid": os.getpid(), "what": self.what}
                os.ftruncate(fd, 0)
                os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)
                return fd
            os.close(fd)  # the file was removed or replaced while we waited: lock the one that is there now


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except OSError:
        return False


def holder(path: Path) -> str:
    """Who holds the lock at ``path``, as its holder wrote it: ``approve SOP-004 (pid 123)``."""
    try:
        record = json.loads(path.read_bytes().decode("utf-8"))
        return f"{record['what']} (pid {int(record['pid'])})"
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that has not yet said who it is"


def is_held(folder: Path) -> bool:
    """Whether some process (this one included) holds the step lock of ``folder`` now."""
    path = folder / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:  # cannot tell: a journal then counts as a half step
        return False
    finally:
        os.close(fd)  # closing drops a lock taken just now
    return False


# the journal ------------------------------------------------------------------------------------


def write_journal(folder: Path, journal: StepJournal) -> None:
    write_atomic(folder / JOURNAL_NAME, journal.encode())


def clear_journal(folder: Path) -> None:
    (folder / JOURNAL_NAME).unlink(missing_ok=True)


def read_journal(folder: Path) -> HalfStep | None:
    """The journal in ``folder`` (None when there is none), whoever holds the lock."""
    path = folder / JOURNAL_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        return HalfStep(str(path), None, error.strerror)
    try:
        return HalfStep(str(path), StepJournal.decode(data))
    except ValueError as error:
        return HalfStep(str(path), None, str(error))


def half_step(folder: Path) -> HalfStep | None:
    """The interrupted step of ``folder``: a journal while no process holds the lock (else None)."""
    if not (folder / JOURNAL_NAME).exists() or is_held(folder):
        return None
    return read_journal(folder)


# git's index lock -------------------------------------------------------------------------------


def git_processes(places: tuple[Path, ...]) -> list[int] | None:
    """The live git processes whose current folder is in one of ``places`` (Linux ``/proc``); None when
    this system cannot tell."""
    proc = Path("/proc")
    if not (proc / "self").is_dir():
        return None
    resolved = [str(place.resolve()) for place in places]
    found: list[int] = []
    for entry in os.scandir(proc):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            comm = (proc / entry.name / "comm").read_text().strip()
            if comm != "git" and not comm.startswith("git-"):
                continue
            state = (proc / entry.name / "stat").read_text().rpartition(")")[2].split()[0]
            cwd = os.readlink(proc / entry.name / "cwd")
        except (OSError, IndexError):
            continue
        if state != "Z" and any(cwd == place or cwd.startswith(place.rstrip("/") + "/") for place in resolved):
            found.append(int(entry.name))
    return found


def clear_stale_index_lock(git_dir: Path, toplevel: Path) -> bool:
    """Remove ``index.lock`` (and git's ``next-index-*.lock``) left by a killed git; True when one was removed.

    LifecycleError when a git process still runs in the work tree, or when this system cannot tell.
    """
    lock = git_dir / "index.lock"
    if not lock.exists():
        return False
    running = git_processes((toplevel, git_dir))
    if running is None:
        raise LifecycleError(
            f"{lock} exists and this system cannot tell whether a git process holds it; "
            "if no git command is running, delete it and try again"
        )
    if running:
        raise LifecycleError(
            f"git (pid {running[0]}) is running in this repository and holds {lock}; wait for it to end and try again"
        )
    lock.unlink(missing_ok=True)
    for stray in git_dir.glob("next-index-*.lock"):
        stray.unlink(missing_ok=True)
    return True
