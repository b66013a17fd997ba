"""What the commands write: lines on stdout, notices on stderr, JSON, paths as the user sees them,
and the one line that reports a lifecycle step."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docctl.lifecycle.steps import StepResult
    from docctl.repository import Repository


def out(text: str = "") -> None:
    """Print to stdout; paths with odd bytes are escaped rather than crashing the terminal."""
    sys.stdout.write(text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n")


def notice(text: str) -> None:
    sys.stderr.write(f"docctl: {text}\n")


def out_json(value: object) -> None:
    out(json.dumps(value, indent=2, ensure_ascii=False, default=str))


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
