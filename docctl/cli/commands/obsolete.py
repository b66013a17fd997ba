"""docctl obsolete ID --reason TEXT: withdraw a document (final; the file stays)."""

from __future__ import annotations

import argparse

from docctl.cli.options import add_step_options, open_repository
from docctl.cli.output import out_step


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--reason", required=True, metavar="TEXT")
    add_step_options(parser)


def run(args: argparse.Namespace) -> int:
    out_step(open_repository(args).obsolete(args.id, reason=args.reason, by=args.by, commit=not args.no_commit))
    return 0
