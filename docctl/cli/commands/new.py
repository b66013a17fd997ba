"""docctl new TYPE TITLE: a document with the next free id of its type, from the type's template."""

from __future__ import annotations

import argparse

from docctl.cli.output import out, repository


def run(args: argparse.Namespace) -> int:
    repo = repository(args)
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
