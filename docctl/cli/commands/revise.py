"""docctl revise ID --change TEXT: start the next revision, back to draft with approvals cleared."""

from __future__ import annotations

import argparse

from docctl.cli.options import add_step_options, open_repository
from docctl.cli.output import out_step


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--change", required=True, metavar="TEXT", help="what changes and why")
    parser.add_argument("--change-request", metavar="ID")
    parser.add_argument("--major", action="store_true", help="major.minor scheme: next major revision")
    add_step_options(parser)


def run(args: argparse.Namespace) -> int:
    result = open_repository(args).revise(
        args.id,
        change=args.change,
        change_request=args.change_request,
        major=args.major,
        by=args.by,
        commit=not args.no_commit,
    )
    out_step(result)
    return 0
