"""Finishing or undoing a lifecycle step that was interrupted (``docctl recover``), and putting back
what a step did when it fails or is interrupted in this process.

The step's journal (:mod:`docctl.core.journal`) says what the step was about to do. Its commit may
have landed (the journal's subject and trailers at or below HEAD): then the step is only completed
(the tag of a release, the journal removed). Otherwise it is finished (the files are as the step
meant to write them and HEAD has not moved: stage and commit them with the recorded message and
author) or undone (files and index entries as they were before the step).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.adapters import git as gitmod
from docctl.adapters.atomic import write_atomic
from docctl.adapters.lock import (
    JOURNAL_NAME,
    StepLock,
    clear_journal,
    clear_stale_index_lock,
    git_processes,
    lock_timeout,
    read_journal,
)
from docctl.core.errors import GitError, LifecycleError, UsageError
from docctl.core.journal import StepJournal, digest
from docctl.lifecycle.journal import folder_of

if TYPE_CHECKING:
    from docctl.composer.base import Composer

MODES = ("finish", "undo")


@dataclass(frozen=True, slots=True)
class Recovery:
    """What ``recover`` did: ``nothing`` to recover, ``completed`` (the commit had landed),
    ``finished`` (committed now) or ``undone`` (files and index as before the step)."""

    outcome: str
    step: StepJournal | None = None
    commit: str | None = None
    tag: str | None = None
    index_lock: bool = False  # a stale .git/index.lock left by the killed git was removed

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(f.path for f in self.step.files) if self.step is not None else ()


def recover(repo: Composer, mode: str | None = None) -> Recovery:
    """Finish or undo the interrupted step of ``repo``: ``mode`` "finish", "undo", or None (finish when
    every file is as the step meant to write it, else undo)."""
    if mode is not None and mode not in MODES:
        raise UsageError(f"mode must be finish, undo or None, not '{mode}'")
    git, folder = repo.git(), folder_of(repo)
    if git is None or folder is None or not (folder / JOURNAL_NAME).exists():
        return Recovery("nothing")
    with StepLock(folder, what="recover"):  # no step runs meanwhile; a step in progress is waited for
        found = read_journal(folder)
        if found is None:
            return Recovery("nothing")  # the step we waited for ended on its own
        if found.step is None:
            raise LifecycleError(found.message())
        step = found.step
        wait_for_git(git, lock_timeout())
        commit = landed(git, step)
        if commit is not None:
            cleared = clear_index_lock(git, folder)
            tag = complete(git, step, commit)
            clear_journal(folder)
            return Recovery("completed", step, commit, tag, cleared)
        reason = unfinishable(repo.root, git, step)
        if mode == "finish" and reason is not None:
            raise LifecycleError(
                f"cannot finish the {step.action} of {step.document}: {reason}; "
                "'docctl recover --undo' puts everything back as it was before the step"
            )
        if mode == "finish" or (mode is None and reason is None):
            return finish(git, step, folder)
        cleared = undo(repo.root, git, step, folder)
        return Recovery("undone", step, index_lock=cleared)


def half_step_at(start: Path) -> str | None:
    """The message naming the half-done step of the repository at or above ``start`` (None: none, or
    no repository): what every command says first, in one line."""
    from docctl.adapters.lock import half_step, state_folder
    from docctl.config.load import find_root
    from docctl.core.errors import DocctlError

    try:
        root = find_root(start)
    except DocctlError:
        return None
    git = gitmod.Git.find(root)
    found = half_step(state_folder(git.git_dir if git is not None else None, root))
    return found.message() if found is not None else None


def landed(git: gitmod.Git, step: StepJournal) -> str | None:
    """The commit of ``step`` when it reached HEAD's history: its subject, trailers and author."""
    if step.message is None:
        return None
    head = git.head()
    if head is None or head == step.head:
        return None
    try:
        entries = gitmod.log(git, [f"{step.head}..{head}" if step.head else head])
    except GitError:  # the recorded HEAD is gone (history rewritten): look at HEAD alone
        entries = gitmod.log(git, ["-1", head])
    subject = step.message.splitlines()[0]
    wanted = {
        ("Docctl-Action", step.action),
        ("Docctl-Document", step.document),
        ("Docctl-Revision", step.revision),
    }
    for entry in reversed(entries):
        if entry.subject == subject and entry.author_email == step.by and wanted <= set(entry.trailers):
            return entry.commit
    return None


def complete(git: gitmod.Git, step: StepJournal, commit: str) -> str | None:
    """What follows the commit of a step: the annotated tag of a release. Returns the tag's name."""
    if step.tag is None:
        return None
    name, message = step.tag
    if not git.tag_exists(name):
        git.tag(name, commit, message, env=dict(step.env))
    elif gitmod.resolve(git, name) != commit:
        raise LifecycleError(f"tag {name} exists already and names another commit; the step's commit is {commit}")
    return name


def unfinishable(root: Path, git: gitmod.Git, step: StepJournal) -> str | None:
    """Why ``step`` cannot be finished now, or None: every file as intended, HEAD where it was."""
    for item in step.files:
        data = _read_or_none(root / item.path)
        if data is None or digest(data) != item.intended:
            return f"{item.path} is not as the step meant to write it"
    head = git.head()
    if head != step.head:
        return f"HEAD moved since the step began (from {_short(step.head)} to {_short(head)})"
    return None


def finish(git: gitmod.Git, step: StepJournal, folder: Path) -> Recovery:
    """Stage and commit the step's files with its recorded message and author (stage only for --no-commit)."""
    cleared = clear_index_lock(git, folder)
    paths = [item.path for item in step.files]
    commit: str | None = None
    tag: str | None = None
    if step.message is None:
        gitmod.stage(git, paths)
    else:
        commit = gitmod.commit(git, step.message, paths=paths, env=dict(step.env))
        tag = complete(git, step, commit)
    clear_journal(folder)
    return Recovery("finished", step, commit, tag, cleared)


def undo(root: Path, git: gitmod.Git, step: StepJournal, folder: Path) -> bool:
    """Put every file and its index entry back as before the step; True when a stale index lock was removed."""
    for item in step.files:
        data = _read_or_none(root / item.path)
        if data != item.original and (data is None or digest(data) != item.intended):
            raise LifecycleError(
                f"cannot undo the {step.action} of {step.document}: {item.path} changed after the step was "
                f"interrupted; put your change aside (or 'git checkout -- {item.path}'), then run 'docctl recover' again"
            )
    cleared = clear_index_lock(git, folder)
    for item in step.files:
        if item.original is None:
            (root / item.path).unlink(missing_ok=True)
        elif _read_or_none(root / item.path) != item.original:
            write_atomic(root / item.path, item.original)
    paths = [item.path for item in step.files]
    if gitmod.save_index(git, paths).entries != step.index:
        gitmod.restore_index(git, gitmod.IndexEntries(tuple(paths), step.index))
        if gitmod.save_index(git, paths).entries != step.index:
            raise LifecycleError(
                f"could not put the index entries of {', '.join(paths)} back (is another git command running?); "
                "run 'docctl recover' again"
            )
    clear_journal(folder)
    return cleared


def roll_back(root: Path, git: gitmod.Git, step: StepJournal, folder: Path) -> str | None:
    """After a step failed or was interrupted in this process: complete it when its commit landed
    (returns the commit), else undo it. LifecycleError when neither can be done now."""
    wait_for_git(git, ROLLBACK_WAIT)
    commit = landed(git, step)
    if commit is not None:
        clear_index_lock(git, folder)
        complete(git, step, commit)
        clear_journal(folder)
        return commit
    undo(root, git, step, folder)
    return None


#: how long a step that failed waits for a git it started to let go of the index
ROLLBACK_WAIT = 5.0


def wait_for_git(git: gitmod.Git, timeout: float) -> None:
    """While ``index.lock`` exists, wait (at most ``timeout`` seconds) for the git processes running in
    the work tree to end: the killed step's own ``git commit`` may still be running its hooks."""
    deadline = time.monotonic() + timeout
    while (git.git_dir / "index.lock").exists():
        running = git_processes((git.toplevel, git.git_dir))
        if not running:
            return
        if time.monotonic() >= deadline:
            raise LifecycleError(
                f"git (pid {running[0]}) is still running in this repository (the interrupted step's commit, or "
                "another git command); wait for it to end, then run 'docctl recover' again"
            )
        time.sleep(0.05)


def clear_index_lock(git: gitmod.Git, folder: Path) -> bool:
    """Remove ``index.lock`` when it is younger than the step's journal (so left by the step's git) and
    no git process runs; an older one is someone else's and is left alone."""
    try:
        created = (git.git_dir / "index.lock").stat().st_mtime_ns
        started = (folder / JOURNAL_NAME).stat().st_mtime_ns
    except FileNotFoundError:
        return False
    if created < started:
        return False
    return clear_stale_index_lock(git.git_dir, git.toplevel)


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _short(commit: str | None) -> str:
    return commit[:12] if commit else "no commit"
