"""docctl audit-pack: the stage-1 evidence pack for a certification body, as a folder or a zip."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from docctl.cli.options import open_repository
from docctl.cli.output import notice
from docctl.core.errors import UsageError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", metavar="DATE", required=True, help="the day the documents in force are taken from")
    parser.add_argument("-o", "--output", metavar="DIR|FILE.zip", required=True, help="a folder, or a .zip file")
    parser.add_argument(
        "--copies", choices=("html", "pdf"), default="html", help="format of the controlled copies (default: html)"
    )


def run(args: argparse.Namespace) -> int:
    try:
        day = dt.date.fromisoformat(args.as_of)
    except ValueError:
        raise UsageError(f"--as-of must be a date YYYY-MM-DD, not '{args.as_of}'") from None
    repo = open_repository(args)
    pack = repo.audit_pack(day, Path(args.output), copies=args.copies)
    copies = sum(1 for e in pack.entries if e.kind == "copy")
    notice(
        f"wrote the evidence pack of {day.isoformat()} to {args.output}: {copies} controlled copies, register and matrix"
    )
    return 0
