"""docctl matrix: clause coverage of a standard by the documents (text, md, csv, html, json)."""

from __future__ import annotations

import argparse
from pathlib import Path

from docctl.adapters.atomic import write_atomic
from docctl.cli.output import notice, repository


def run(args: argparse.Namespace) -> int:
    result = repository(args).matrix(args.standard)
    rendered = result.render(args.format)
    if args.output:
        write_atomic(Path(args.output), rendered.encode("utf-8"))
        notice(f"wrote the {result.standard} coverage matrix to {args.output}")
    else:
        import sys

        sys.stdout.write(rendered)
    return 0
