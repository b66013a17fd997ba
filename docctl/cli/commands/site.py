"""docctl site -o DIR [--as-of DATE]: the static point-of-use portal of the documents in force."""

from __future__ import annotations

import argparse

from docctl.cli.options import open_repository
from docctl.cli.output import notice, out


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="DIR", required=True, help="the folder to write (new, empty, or a previous portal)"
    )
    parser.add_argument(
        "--as-of", metavar="DATE", help="the portal as it stood at the end of a date (YYYY-MM-DD) or at a commit"
    )


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    report = repo.site(args.output, as_of=args.as_of)
    if report.commit is None:
        notice("not in git: the portal shows the working copy, without history")
    elif report.uncommitted:
        shown = ", ".join(report.uncommitted[:3]) + (" ..." if len(report.uncommitted) > 3 else "")
        notice(
            f"{len(report.uncommitted)} controlled file(s) have uncommitted changes, which the portal does not "
            f"show (it shows commit {report.commit[:12]}): {shown}"
        )
    others = report.files_written + report.files_unchanged
    out(
        f"{report.documents} documents in force, {report.archived} in the archive: "
        f"{report.pages_written} pages written, {report.pages_unchanged} unchanged"
        + (f" ({report.files_written} of {others} other files written)" if others else "")
        + (f", {len(report.removed)} removed" if report.removed else "")
    )
    out(f"open {report.index}")
    return 0
