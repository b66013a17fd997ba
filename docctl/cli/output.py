"""What the commands write: lines on stdout, notices on stderr, JSON, paths as the user sees them,
and the one line that reports a lifecycle step.

Every line of text goes through :func:`~docctl.core.escaping.escape_controls`: a newline, carriage
return, tab or escape sequence in a file name or a message is shown as ``\\n``, ``\\r``, ``\\t``,
``\\x1b``, so one line printed is one line seen. JSON keeps the exact values.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.core.escaping import escape_controls, escape_json_controls

if TYPE_CHECKING:
    from docctl.lifecycle.steps import StepResult
    from docctl.repository import Repository


def out(line: str = "", *, tabs: bool = True) -> None:
    """Print one line to stdout, its control characters escaped (``tabs=False`` keeps tabs)."""
    sys.stdout.write(escape_controls(line, tabs=tabs) + "\n")


def notice(text: str) -> None:
    """One line on stderr, ``docctl: TEXT``, its control characters escaped."""
    sys.stderr.write(f"docctl: {escape_controls(text)}\n")


def out_json(value: object) -> None:
    """The exact values as JSON; the few characters JSON leaves raw that a terminal acts on are
    written as ``\\uXXXX`` escapes (the same value to a JSON reader)."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write(escape_json_controls(text) + "\n")


def out_step(result: StepResult) -> None:
    """``SOP-001 revision 2: approve -> approved (commit 0123456789ab, tag SOP-001/2)``."""
    where = f"commit {result.commit[:12]}" if result.commit else "staged, not committed"
    tag = f", tag {result.tag}" if result.tag else ""
    out(f"{result.document} revision {result.revision}: {result.action} -> {result.status} ({where}{tag})")


def display_path(repo: Repository, path: str | None) -> str:
    """A root-relative path shown relative to the current folder (so editors can open it); the
    root-relative path itself when the current folder is elsewhere."""
    if path is None:
        return "."
    above, below = _placement(str(repo.root), os.getcwd())
    if above is not None:  # the root is the current folder or below it
        return above + path
    if below is not None and path.startswith(below):  # the current folder is below the root
        return path[len(below) :]
    return path


@functools.lru_cache(maxsize=8)
def _placement(root: str, cwd: str) -> tuple[str | None, str | None]:
    """('qms/' when the root is the folder qms below cwd, '' when it is cwd, else None;
    'sops/' when cwd is the folder sops below the root, else None)."""
    try:
        down = Path(os.path.relpath(Path(root).resolve(), Path(cwd).resolve())).as_posix()
    except ValueError:
        return None, None
    if down == ".":
        return "", None
    if not down.startswith(".."):
        return down + "/", None
    up = Path(os.path.relpath(Path(cwd).resolve(), Path(root).resolve())).as_posix()
    return None, (None if up.startswith("..") else up + "/")
