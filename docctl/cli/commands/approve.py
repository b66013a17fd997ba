"""docctl approve ID --role ROLE: sign the current content in a role; the last required approval
makes the document approved."""

from __future__ import annotations

import argparse

from docctl.cli.options import add_step_options, open_repository
from docctl.cli.output import out_step


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--role", required=True, metavar="ROLE")
    parser.add_argument("--meaning", choices=("approved", "reviewed", "authored"), default="approved")
    add_step_options(parser)


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    out_step(repo.approve(args.id, role=args.role, meaning=args.meaning, by=args.by, commit=not args.no_commit))
    return 0
