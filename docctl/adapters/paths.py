"""Which files of the tree are controlled: gitignore-style globs (pathspec), scratch and lock files skipped."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

#: Editor and office scratch files that are never documents (Word, LibreOffice, vim, emacs).
_SCRATCH = re.compile(r"^(~\$.*|~WRL\d+\.tmp|\.~lock\..*#|.*~|\.#.*|#.*#|4913|.*\.sw[a-p]|.*\.tmp)$")


#: The group pathspec's regexes name where a folder that the glob matched ends.
_FOLDER_MARK = "(?P<ps_d>"


def is_scratch(name: str) -> bool:
    return bool(_SCRATCH.match(name))


@lru_cache(maxsize=256)
def glob_regexes(glob: str) -> tuple[re.Pattern[str], ...]:
    """A glob as regexes on POSIX paths relative to the root; a path matches when one of them does.

    pathspec reads the glob as a line of .gitignore (``*``, ``?``, ``[...]``, ``**/``, a pattern
    without ``/`` matching the file name at any depth, escapes). Where docs/configuration.md says
    docctl differs from .gitignore, the difference is kept here: a glob matches files, not the
    folders that hold them; a leading ``/`` is not understood (nothing matches); ``**`` inside a
    name spans folders; ``!`` and ``#`` at the start are plain characters.
    """
    if glob.startswith("/"):
        return ()
    if glob.startswith(("!", "#")):
        glob = "\\" + glob
    regexes = []
    for form in dict.fromkeys(_gitignore_forms(glob)):
        try:
            text, _ = GitIgnoreSpecPattern.pattern_to_regex(form)
        except ValueError:  # not a valid gitignore line (a trailing backslash): matches nothing
            continue
        if text is None:
            continue
        if _FOLDER_MARK in text:  # the glob may name a folder: the file itself must match, to its end
            text += r"\Z"
        regexes.append(re.compile(text))
    return tuple(regexes)


def _gitignore_forms(glob: str) -> list[str]:
    """The glob as gitignore lines: ``**`` inside a name (``a**b``) is any text, ``/`` included, so it
    is written as ``a*b`` or ``a*/**/*b``; gitignore would read it as ``a*b`` alone."""
    segments = glob.split("/")
    for index, segment in enumerate(segments):
        at = segment.find("**")
        if at != -1 and segment != "**":
            if len(segments) == 1:  # a name at any depth: say so before the forms gain a `/`
                return _gitignore_forms("**/" + glob)
            left, right = segment[:at], segment[at + 2 :]
            forms = (f"{left}*{right}", f"{left}*/**/*{right}")
            return [
                x
                for form in forms
                for x in _gitignore_forms("/".join([*segments[:index], form, *segments[index + 1 :]]))
            ]
    return [glob]


def glob_problem(glob: str) -> str | None:
    """Why ``glob`` can never match a file below the root, or None when it can.

    An absolute glob, one that climbs out of the root (a ``..`` folder), names ``.`` or an empty
    folder, ends in ``/`` (a folder, and globs match files) or is not a valid pattern (an unclosed
    ``[``, a trailing backslash) matches nothing; docs/configuration.md lists these as errors.
    """
    if not glob:
        return "is empty"
    if glob.startswith("/") or re.match(r"[A-Za-z]:[/\\]", glob):
        return "is absolute: globs are paths relative to the folder of docctl.toml"
    segments = glob.split("/")
    if ".." in segments:
        return "leaves the folder of docctl.toml ('..'): only files below it can be controlled"
    if glob.endswith("/"):
        return f"ends with '/': globs match files, not folders (write '{glob}**')"
    if "." in segments or "" in segments:
        return "has an empty or '.' folder: write the path from the root without './' or '//'"
    if not glob_regexes(glob):
        trailing = len(glob) - len(glob.rstrip("\\"))
        return "ends with a lone backslash" if trailing % 2 else "has a '[' that is never closed with ']'"
    return None


def matches(path: str, patterns: Sequence[str]) -> bool:
    return any(regex.match(path) for glob in patterns for regex in glob_regexes(glob))


def never_controlled(path: str) -> bool:
    """Files in hidden folders, hidden files and editor scratch files are never controlled, whatever the globs say."""
    parts = path.split("/")
    return any(part.startswith(".") for part in parts[:-1]) or is_scratch(parts[-1]) or parts[-1].startswith(".")


@lru_cache(maxsize=1 << 16)
def is_controlled(path: str, controlled: Sequence[str], exclude: Sequence[str]) -> bool:
    """``path`` is relative, POSIX. Hidden folders, scratch files and sidecars are never controlled.

    Memoised: ``controlled`` and ``exclude`` are the configuration's tuples.
    """
    return not never_controlled(path) and matches(path, controlled) and not matches(path, exclude)


def walk(root: Path) -> Iterator[str]:
    """Every file below ``root`` as a relative POSIX path, skipping hidden folders; symlinked folders are not followed."""
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            entries = list(os.scandir(root / rel if rel else root))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            child = f"{rel}/{name}" if rel else name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not name.startswith("."):
                        stack.append(child)
                elif entry.is_file(follow_symlinks=True) or entry.is_symlink():
                    yield child
            except OSError:
                continue
