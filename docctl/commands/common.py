"""What several commands share: opening the repository from --root and printing safely."""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from pathlib import Path

from docctl.repository import Repository, open_repository


def repository(args: argparse.Namespace) -> Repository:
    return open_repository(Path(args.root) if args.root else Path.cwd())


def out(text: str = "") -> None:
    """Print to stdout; paths with odd bytes are escaped rather than crashing the terminal."""
    sys.stdout.write(text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n")


def notice(text: str) -> None:
    sys.stderr.write(f"docctl: {text}\n")


def out_json(value: object) -> None:
    out(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def display_path(repo: Repository, path: str | None) -> str:
    """A root-relative path shown relative to the current folder (so editors can open it): the
    same path when the current folder is the root or outside it; without the folder's prefix when
    the current folder lies inside the root and the path below it."""
    if path is None:
        return "."
    prefix = _cwd_prefix(str(repo.root), os.getcwd())
    if prefix is None:
        return path
    return path[len(prefix) :] if path.startswith(prefix) else path


@functools.lru_cache(maxsize=8)
def _cwd_prefix(root: str, cwd: str) -> str | None:
    """The folder ``cwd`` relative to ``root`` as a 'folder/' prefix, '' at the root, None outside."""
    try:
        rel = os.path.relpath(Path(cwd).resolve(), Path(root).resolve())
    except ValueError:
        return None
    if rel == ".":
        return ""
    return None if rel.startswith("..") else Path(rel).as_posix() + "/"
