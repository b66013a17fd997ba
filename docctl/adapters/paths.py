"""Which files of the tree are controlled: glob matching with ``**``, scratch and lock files skipped."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

#: Editor and office scratch files that are never documents (Word, LibreOffice, vim, emacs).
_SCRATCH = re.compile(r"^(~\$.*|~WRL\d+\.tmp|\.~lock\..*#|.*~|\.#.*|#.*#|4913|.*\.sw[a-p]|.*\.tmp)$")


def is_scratch(name: str) -> bool:
    return bool(_SCRATCH.match(name))


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regex on POSIX paths relative to the root.

    ``*`` and ``?`` stay within one folder, ``**/`` spans any number of folders (none included),
    ``[...]`` is a character class. A pattern without ``/`` matches the file name at any depth,
    as in .gitignore.
    """
    if "/" not in pattern:
        pattern = "**/" + pattern
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(char))
                i += 1
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def matches(path: str, patterns: Sequence[str]) -> bool:
    return any(glob_regex(p).match(path) for p in patterns)


@lru_cache(maxsize=1 << 16)
def is_controlled(path: str, controlled: Sequence[str], exclude: Sequence[str]) -> bool:
    """``path`` is relative, POSIX. Hidden folders, scratch files and sidecars are never controlled.

    Memoised: ``controlled`` and ``exclude`` are the configuration's tuples.
    """
    parts = path.split("/")
    if any(part.startswith(".") for part in parts[:-1]) or is_scratch(parts[-1]) or parts[-1].startswith("."):
        return False
    return matches(path, controlled) and not matches(path, exclude)


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
