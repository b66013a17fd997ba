"""docctl init [PATH]: docctl.toml, a template per document type, .pre-commit-config.yaml."""

from __future__ import annotations

import argparse
from pathlib import Path

from docctl.cli.output import out


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="folder to initialise (default: here)")
    parser.add_argument("--name", help="your name, for the first [people] entry (default: git user.name)")
    parser.add_argument("--email", help="your email, for the first [people] entry (default: git user.email)")


def run(args: argparse.Namespace) -> int:
    from docctl.adapters.git import Git
    from docctl.lifecycle.scaffold import init_repository

    path = Path(args.root or ".") / args.path
    name, email = args.name, args.email
    if not (name and email):
        git = Git.find(path if path.exists() else Path.cwd())
        identity = None
        if git is not None:
            try:
                identity = git.identity()
            except Exception:  # noqa: BLE001 - identity is only a default here
                identity = None
        name = name or (identity.name if identity else "Quality Manager")
        email = email or (identity.email if identity else "quality@example.com")
    for written in init_repository(path, name=name, email=email):
        out(f"created {written}")
    _adoption_hint(path)
    return 0


def _adoption_hint(path: Path) -> None:
    """Say how many documents in the folder are not under control yet, and how to adopt them."""
    from docctl.config.load import load_config
    from docctl.repository import Repository

    waiting = Repository(load_config(path.resolve())).uncontrolled()
    if waiting:
        count = len(waiting)
        out(
            f"{count} document{'s' if count != 1 else ''} in controlled paths {'are' if count != 1 else 'is'} not "
            "under control yet (no metadata): 'docctl adopt --dry-run' shows how they would be adopted"
        )
