"""docctl verify FILE...: is each copy current? One line per file; exit 0 only when all are."""

from __future__ import annotations

import argparse

from docctl._version import __version__
from docctl.cli.options import open_repository
from docctl.cli.output import out, out_json


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", metavar="FILE", nargs="+", help="controlled copies (PDF, .docx, HTML)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    verdicts = repo.verify(args.files)
    if args.format == "json":
        counts: dict[str, int] = {}
        for verdict in verdicts:
            counts[verdict.verdict] = counts.get(verdict.verdict, 0) + 1
        out_json({"docctl": __version__, "files": [v.to_dict() for v in verdicts], "counts": counts})
    else:
        for verdict in verdicts:
            out(f"{verdict.file}: {verdict.message}")
    if any(v.verdict == "unreadable" for v in verdicts):
        return 2
    return 0 if all(v.current for v in verdicts) else 1
