"""docctl audit: an internal audit report of document control, optionally committed as a record."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from docctl.adapters.outputs import write_output
from docctl.cli.options import open_repository
from docctl.cli.output import notice
from docctl.composer.outputs import output_file
from docctl.core.errors import UsageError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of", metavar="DATE", help="the audit date (default: today); the repository as it stood then"
    )
    parser.add_argument("--since", metavar="DATE|REF", help="start of the audited period (default: the whole history)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the report to FILE: .md, .html, .docx, .pdf or .json (default: md on stdout)",
    )
    parser.add_argument(
        "--format", choices=("md", "html", "docx", "pdf", "json"), help="report format (default: from -o)"
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="commit the report as an audit record (folder from [audit] in docctl.toml)",
    )


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of must be a date YYYY-MM-DD, not '{text}'") from None


def run(args: argparse.Namespace) -> int:
    from docctl.audit.render import format_of, render

    fmt = args.format or (format_of(args.output) if args.output else "md")
    if not args.output and fmt in ("docx", "pdf"):
        raise UsageError(f"{fmt} is a binary format: write it to a file with -o FILE")
    repo = open_repository(args)
    output = output_file(repo, args.output) if args.output else None  # checked before the audit runs
    report = repo.audit(as_of=_date(args.as_of), since=args.since)
    data = render(report, fmt)
    if output is not None:
        write_output(output, data)
        counts = report.counts()
        notice(
            f"wrote the audit report to {args.output}: {counts['major']} major, {counts['minor']} minor, "
            f"{counts['ofi']} OFI"
        )
    else:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
    if args.record:
        recorded = repo.record_audit(report)
        where = f"commit {recorded.commit[:12]}" if recorded.commit else "staged"
        notice(f"recorded {recorded.id} ({', '.join(recorded.paths)}; {where})")
    return 0
