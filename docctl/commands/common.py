"""What several commands share: opening the repository from --root and printing safely."""

from __future__ import annotations

import argparse
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
    """A root-relative path shown relative to the current folder (so editors can open it)."""
    if path is None:
        return "."
    full = repo.root / path
    try:
        rel = os.path.relpath(full, Path.cwd())
    except ValueError:
        return path
    return path if rel.startswith("..") else Path(rel).as_posix()
