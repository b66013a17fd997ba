"""docctl export ID [--rev R | --as-of DATE] [--format pdf|docx|html] -o FILE: a controlled copy."""

from __future__ import annotations

import argparse

from docctl.cli.options import open_repository
from docctl.cli.output import notice, out
from docctl.core.errors import UnknownDocumentError
from docctl.publish.export import FORMATS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--rev", metavar="R", help="this revision (default: the one in force, else the newest)")
    which.add_argument(
        "--as-of",
        metavar="DATE",
        help="the revision in force at the end of DATE (or a commit); the copy is valid on it",
    )
    parser.add_argument("--format", choices=FORMATS, help="default: from the suffix of -o")
    parser.add_argument("-o", "--output", metavar="FILE", required=True, help="write the copy to FILE atomically")


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    made = repo.export(args.id, args.output, format=args.format, rev=args.rev, as_of=args.as_of)
    watermark = made.copy.standing.watermark
    marked = f"; marked {watermark}" if watermark else ""
    out(f"{args.output}: {made.format.upper()} copy of {made.summary}{marked}")
    shown = made.copy.document
    try:
        working = repo.document(args.id)
    except UnknownDocumentError:
        return 0
    if working.revision == shown.revision and working.fingerprint != shown.fingerprint and made.copy.commit:
        notice(
            f"{args.id} has changes that are not committed; the copy shows revision {shown.revision} "
            f"as commit {made.copy.commit[:12]} recorded it"
        )
    return 0
