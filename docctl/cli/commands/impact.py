"""docctl impact ID: what must be reviewed, transitively, when a document changes, and why."""

from __future__ import annotations

import argparse

from docctl.cli.options import open_repository
from docctl.cli.output import out, out_json
from docctl.references.graph import Impact


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--depth", type=int, metavar="N", help="follow at most N steps (default: all)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    result = open_repository(args).impact(args.id, depth=args.depth)
    if args.format == "json":
        out_json(result.to_dict())
    else:
        for line in text(result):
            out(line)
    return 0


def text(result: Impact) -> list[str]:
    doc = result.document
    if not result.affected:
        return [f"No document refers to {doc.id}: a change to it affects no other document."]
    scope = f" within {result.depth} step(s)" if result.depth else ""
    lines = [f"A change to {doc.id} {doc.title} may require review of {len(result.affected)} document(s){scope}:", ""]
    for entry in result.affected:
        summary = entry.document
        lines.append(f"{summary.id}  {summary.title}  ({summary.status})  {summary.path}")
        lines += [f"    because {step}" for step in entry.chain]
    return lines
