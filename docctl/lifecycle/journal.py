"""A step in progress: one step at a time (the repository lock), none while a half-done step waits
for ``docctl recover``, signals held off while a step puts things back, and the test pause points."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.adapters.lock import StepLock, read_journal, state_folder
from docctl.core.errors import LifecycleError

if TYPE_CHECKING:
    from docctl.composer.base import Composer

#: The test hook (docs/decisions.md): ``DOCCTL_TEST_PAUSE=POINT`` makes a step stop at POINT, create
#: the marker file ``paused`` in the state folder and wait until the marker is removed (at most
#: PAUSE_SECONDS), so that a test can kill or interrupt it exactly there.
PAUSE_VARIABLE = "DOCCTL_TEST_PAUSE"
PAUSE_POINTS = ("before-write", "after-write", "before-commit", "after-commit")
PAUSE_SECONDS = 120.0


def folder_of(repo: Composer) -> Path | None:
    """The state folder of ``repo`` (``.git/docctl``); None outside git, where no step can run."""
    git = repo.git()
    return state_folder(git.git_dir, repo.root) if git is not None else None


@contextlib.contextmanager
def serialised(repo: Composer, action: str, subject: str) -> Iterator[None]:
    """Hold the repository's step lock for the block; refuse while an interrupted step is half done.

    The step then reads everything afresh: the composer forgets what it read before the lock was
    taken, so a step that waited sees the commit of the step it waited for.
    """
    folder = folder_of(repo)
    if folder is None:  # outside git every step is refused before it writes anything
        yield
        return
    with StepLock(folder, what=f"{action} {subject}") as lock:
        if not lock.nested:
            refuse_half_step(folder)
            repo.refresh()
        yield


def refuse_half_step(folder: Path) -> None:
    """LifecycleError naming the interrupted step whose journal is in ``folder`` (call with the lock held)."""
    found = read_journal(folder)
    if found is not None:
        raise LifecycleError(f"{found.message()}, then try again; nothing was changed")


def pause(point: str, folder: Path) -> None:
    """The test hook: stop at ``point`` when DOCCTL_TEST_PAUSE names it (see PAUSE_VARIABLE)."""
    if os.environ.get(PAUSE_VARIABLE) != point:
        return
    marker = folder / "paused"
    marker.write_text(f"{point} {os.getpid()}\n", encoding="utf-8")
    deadline = time.monotonic() + PAUSE_SECONDS
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM off for the block (putting files back must not be cut short)."""
    wanted = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
    except (AttributeError, OSError, ValueError):  # pragma: no cover - a platform without signal masks
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
