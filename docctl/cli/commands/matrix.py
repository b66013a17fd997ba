"""docctl matrix: clause coverage of a standard by the documents (text, md, csv, html, json)."""

from __future__ import annotations

import argparse
from pathlib import Path

from docctl.adapters.atomic import write_atomic
from docctl.cli.options import open_repository
from docctl.cli.output import notice


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standard", metavar="S", help="catalogue id, e.g. iso13485:2016 (default: the first of 'standards')"
    )
    parser.add_argument("--format", choices=("text", "md", "csv", "html", "json"), default="text")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")


def run(args: argparse.Namespace) -> int:
    result = open_repository(args).matrix(args.standard)
    rendered = result.render(args.format)
    if args.output:
        write_atomic(Path(args.output), rendered.encode("utf-8"))
        notice(f"wrote the {result.standard} coverage matrix to {args.output}")
    else:
        import sys

        sys.stdout.write(rendered)
    return 0
