"""docctl audit: an internal audit report of document control, optionally committed as a record."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from docctl.cli.options import open_repository
from docctl.cli.output import notice
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
    parser.add_argument("--format", choices=("md", "html", "docx", "pdf", "json"), help="report format (default: from -o)")
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


def _write(root: Path, name: str, data: bytes) -> None:
    from docctl.adapters.atomic import write_atomic

    target = Path(name)
    if target.is_dir():
        raise UsageError(f"-o {name} is a folder: name a file")
    if not target.parent.is_dir():
        raise UsageError(f"-o {name}: the folder {target.parent} does not exist")
    write_atomic(target, data)


def run(args: argparse.Namespace) -> int:
    from docctl.audit.render import format_of, render

    fmt = args.format or (format_of(args.output) if args.output else "md")
    if not args.output and fmt in ("docx", "pdf"):
        raise UsageError(f"{fmt} is a binary format: write it to a file with -o FILE")
    repo = open_repository(args)
    report = repo.audit(as_of=_date(args.as_of), since=args.since)
    data = render(report, fmt)
    if args.output:
        _write(repo.root, args.output, data)
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
