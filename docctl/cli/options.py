"""The options several commands share and what they mean: ``--root`` (the repository to open, also
accepted after ``check`` and ``register`` for hooks), and ``--by`` and ``--no-commit`` of the
commands that change a document."""

from __future__ import annotations

import argparse
from pathlib import Path

from docctl.repository import Repository
from docctl.repository import open_repository as open_at


def open_repository(args: argparse.Namespace) -> Repository:
    """The repository named by --root, else the one around the current folder."""
    return open_at(Path(args.root) if args.root else Path.cwd())


def add_hook_root(parser: argparse.ArgumentParser) -> None:
    """``COMMAND --root PATH``: a pre-commit hook's args come after the command."""
    parser.add_argument(
        "--root",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="as docctl --root; here so that a hook's args can name a docctl root below the git top level",
    )


def add_step_options(parser: argparse.ArgumentParser) -> None:
    """``--by`` and ``--no-commit`` of new and the lifecycle steps."""
    parser.add_argument("--by", metavar="EMAIL", help="act as this person (must match your git identity)")
    parser.add_argument("--no-commit", action="store_true", help="stage the change instead of committing it")
