"""docctl matrix: clause coverage of a standard by the documents (text, md, csv, html, json)."""

from __future__ import annotations

import argparse
import json
import re
import sys

from docctl.adapters.outputs import write_output
from docctl.cli.options import open_repository
from docctl.cli.output import notice
from docctl.composer.outputs import output_file


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standard", metavar="S", help="catalogue id, e.g. iso13485:2016 (default: the first of 'standards')"
    )
    parser.add_argument("--format", choices=("text", "md", "csv", "html", "json"), default="text")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    output = None
    if args.output is not None:
        output = output_file(repo, args.output, generated=lambda data: is_matrix(args.format, data))
    result = repo.matrix(args.standard)
    rendered = result.render(args.format)
    if output is not None:
        write_output(output, rendered.encode("utf-8"))
        notice(f"wrote the {result.standard} coverage matrix to {args.output}")
    else:
        sys.stdout.write(rendered)
    return 0


#: The lines by which each format of the matrix is known (docctl.references.matrix writes them).
_TEXT_HEAD = re.compile(r".* \(.+\): \d+ clauses, \d+ documents")
_TEXT_TAIL = re.compile(r"\d+ clauses: \d+ addressed directly, \d+ through a parent clause, ")
_MD_HEADING = "| Clause | Title | Documents | Mandatory documented information | Coverage |"
_CSV_HEADING = "clause,title,untitled,coverage,inherited_from,mandatory,mandatory_gap"


def is_matrix(fmt: str, data: bytes) -> bool:
    """Whether ``data`` is a coverage matrix docctl wrote in ``fmt`` (its fixed headings and summary)."""
    text = data.decode("utf-8")
    lines = text.splitlines()
    if not lines:
        return False
    if fmt == "text":
        return bool(_TEXT_HEAD.fullmatch(lines[0]) and _TEXT_TAIL.match(lines[-1]))
    if fmt == "md":
        return lines[0].startswith("# Clause coverage: ") and _MD_HEADING in lines
    if fmt == "csv":
        return lines[0] == _CSV_HEADING or lines[0].startswith(_CSV_HEADING + ",")
    if fmt == "html":
        return lines[0] == "<!DOCTYPE html>" and "<title>Clause coverage: " in text and "<h1>Clause coverage: " in text
    value = json.loads(text)
    return isinstance(value, dict) and value.keys() == {"standard", "documents", "clauses", "summary"}
