"""docctl new TYPE TITLE: a document with the next free id of its type, from the type's template."""

from __future__ import annotations

import argparse

from docctl.cli.options import add_step_options, open_repository
from docctl.cli.output import out


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("type", metavar="TYPE")
    parser.add_argument("title", metavar="TITLE")
    parser.add_argument("--format", choices=("md", "docx"), default="md")
    parser.add_argument("--dir", metavar="FOLDER", help="folder for the new file, relative to the root")
    parser.add_argument("--owner", metavar="EMAIL", help="process owner (default: you)")
    add_step_options(parser)


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    created = repo.new(
        args.type,
        args.title,
        format=args.format,
        folder=args.dir,
        owner=args.owner,
        by=args.by,
        commit=not args.no_commit,
    )
    out(f"created {created.id}: {created.path}")
    return 0
