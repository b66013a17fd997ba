"""Where a file docctl generates on request (``-o FILE``, ``-o DIR``) may go, and writing it there.

A generated file must never replace the record it is made from, nor anything docctl did not make.
:func:`output_file` checks a name before anything is rendered and says, in one line, why it
refuses: an empty name or one with control characters; a folder, or a folder that does not exist;
anything but a regular file (a symbolic link, a named pipe, a device, a socket), which is refused
rather than replaced; a path inside a ``.git`` folder; what the caller protects (``protected``:
controlled documents, their sidecars, ``docctl.toml``); a file git tracks, unless its current
content is docctl's own output of the same kind (``generated``: a committed register). A folder
that cannot be written is refused too. :func:`write_output` then writes atomically and turns an
operating-system error into the same kind of line.

The checks run before writing, and the write replaces the directory entry (rename), never writes
through it, so a pipe or a link put in place between the two is replaced, not followed.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docctl.adapters import git as gitmod
from docctl.adapters.atomic import write_atomic
from docctl.core.errors import UsageError
from docctl.core.escaping import escape_controls

#: ``protected(path)``: why docctl may not write the resolved absolute ``path`` (None: it may).
Protected = Callable[[Path], str | None]
#: ``generated(content)``: whether a tracked file's current bytes are docctl's own output.
Generated = Callable[[bytes], bool]

#: A tracked file larger than this is not read to recognise it (it is not a register docctl wrote).
MAX_RECOGNISED_BYTES = 256 * 1024 * 1024

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass(frozen=True, slots=True)
class OutputFile:
    """A checked output: ``path`` to write (its folder resolved), ``shown`` as the user named it."""

    path: Path
    shown: str


def output_file(
    name: str | os.PathLike[str], *, protected: Protected, generated: Generated | None = None
) -> OutputFile:
    """Check that ``name`` may be written; UsageError (exit 2) with one line saying why not."""
    text = os.fspath(name)
    shown = escape_controls(text)
    if not text:
        raise UsageError("the output file name is empty")

    def refuse(reason: str) -> UsageError:
        return UsageError(f"cannot write {shown}: {reason}")

    if shown != text:
        raise refuse("the name contains a control character")
    if text.endswith(("/", os.sep)):
        raise refuse("it names a folder; name a file")
    path = Path(text)
    current = _lstat(path, refuse)
    if current is not None:
        _check_kind(current, refuse)
    folder = _folder(path.parent, refuse)
    target = folder / path.name
    if ".git" in target.parts:
        raise refuse("it is inside a .git folder")
    reason = protected(target)
    if reason is not None:
        raise refuse(reason)
    _check_tracked(target, current, generated, refuse)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise refuse(f"the folder {escape_controls(str(path.parent))} is not writable")
    return OutputFile(target, shown)


def output_folder(
    name: str | os.PathLike[str], *, protected: Protected, generated: Callable[[Path], bool] | None = None
) -> OutputFile:
    """Check that ``name`` may be made or filled as an output folder (``site -o DIR``).

    Beyond the checks of :func:`output_file`: an existing folder must be empty, or be docctl's
    earlier output of the same kind (``generated(folder)``), so no command ever scatters files into
    (or clears) a folder of someone else's; a folder holding the repository is refused by ``protected``.
    """
    text = os.fspath(name)
    shown = escape_controls(text)
    if not text:
        raise UsageError("the output folder name is empty")

    def refuse(reason: str) -> UsageError:
        return UsageError(f"cannot write {shown}: {reason}")

    if shown != text:
        raise refuse("the name contains a control character")
    path = Path(text)
    current = _lstat(path, refuse)
    if current is not None and not stat.S_ISDIR(current.st_mode):
        if stat.S_ISREG(current.st_mode):
            raise refuse("it is a file, not a folder")
        _check_kind(current, refuse)
    target = Path(os.path.realpath(path)) if current is not None else _folder(path.parent, refuse) / path.name
    if ".git" in target.parts:
        raise refuse("it is inside a .git folder")
    reason = protected(target)
    if reason is not None:
        raise refuse(reason)
    if current is not None and any(target.iterdir()) and not (generated is not None and generated(target)):
        raise refuse("the folder is not empty and is not docctl's output; name a new or empty folder")
    if not os.access(target if current is not None else target.parent, os.W_OK | os.X_OK):
        raise refuse("the folder is not writable")
    return OutputFile(target, shown)


def write_output(output: OutputFile, data: bytes) -> None:
    """Write a checked output atomically; an operating-system error is one line naming the file."""
    try:
        write_atomic(output.path, data)
    except OSError as error:
        raise UsageError(f"cannot write {output.shown}: {error.strerror or error}") from None


def _lstat(path: Path, refuse: Callable[[str], UsageError]) -> os.stat_result | None:
    """The file's own status (not a link's target); None when there is no such file."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise refuse(_reason(error, path.parent)) from None


def _check_kind(current: os.stat_result, refuse: Callable[[str], UsageError]) -> None:
    mode = current.st_mode
    if stat.S_ISDIR(mode):
        raise refuse("it is a folder; name a file")
    for test, kind in _KINDS:
        if test(mode):
            raise refuse(f"it is {kind}, not a regular file; docctl replaces only regular files")
    if not stat.S_ISREG(mode):  # pragma: no cover - every kind of file is named above
        raise refuse("it is not a regular file")


def _folder(folder: Path, refuse: Callable[[str], UsageError]) -> Path:
    """The existing folder the file goes in, resolved (symbolic links followed)."""
    shown = escape_controls(str(folder))
    try:
        if not folder.is_dir():
            raise refuse(f"the folder {shown} does not exist" if not folder.exists() else f"{shown} is not a folder")
        return Path(os.path.realpath(folder))
    except OSError as error:
        raise refuse(_reason(error, folder)) from None


def _check_tracked(
    target: Path, current: os.stat_result | None, generated: Generated | None, refuse: Callable[[str], UsageError]
) -> None:
    """A file git tracks may be replaced only when its content is docctl's own output of this kind."""
    if current is None:
        return
    git = gitmod.Git.find(target.parent)
    if git is None or not gitmod.is_tracked(git, target.name):
        return
    if generated is not None and current.st_size <= MAX_RECOGNISED_BYTES:
        try:
            ours = generated(target.read_bytes())
        except Exception:  # content that cannot even be read back is not docctl's output
            ours = False
        if ours:
            return
    raise refuse("it is tracked by git and is not a file docctl generated; choose another name")


def _reason(error: OSError, folder: Path) -> str:
    if error.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    if error.errno == errno.ENOTDIR:
        return f"{escape_controls(str(folder))} is not a folder"
    return str(error.strerror or error)
