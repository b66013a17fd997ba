"""docctl review ID --outcome keep|revise|obsolete: record a periodic review."""

from __future__ import annotations

import argparse

from docctl.cli.options import add_step_options, open_repository
from docctl.cli.output import out_step


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--outcome", required=True, choices=("keep", "revise", "obsolete"))
    parser.add_argument("--change", metavar="TEXT", help="with --outcome revise")
    parser.add_argument("--change-request", metavar="ID")
    parser.add_argument("--reason", metavar="TEXT", help="with --outcome obsolete")
    add_step_options(parser)


def run(args: argparse.Namespace) -> int:
    result = open_repository(args).review(
        args.id,
        outcome=args.outcome,
        change=args.change,
        change_request=args.change_request,
        reason=args.reason,
        by=args.by,
        commit=not args.no_commit,
    )
    out_step(result)
    return 0
