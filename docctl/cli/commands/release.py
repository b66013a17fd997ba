"""docctl release ID: approved -> effective, on a date (today by default), tagged ID/REV."""

from __future__ import annotations

import argparse
import datetime as dt

from docctl.cli.options import add_step_options, open_repository
from docctl.cli.output import out_step


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument(
        "--effective",
        metavar="DATE",
        type=_date,
        help="effective date YYYY-MM-DD (default: today; a future date schedules it)",
    )
    parser.add_argument("--no-tag", action="store_true", help="do not tag the release commit")
    add_step_options(parser)


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    out_step(
        repo.release(args.id, effective=args.effective, tag=not args.no_tag, by=args.by, commit=not args.no_commit)
    )
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from None
