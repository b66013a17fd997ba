"""docctl diff ID REV_A [REV_B]: unified diff of two revisions' text (Markdown body or .docx text)."""

from __future__ import annotations

import argparse
import difflib

from docctl.cli.options import open_repository
from docctl.cli.output import out
from docctl.core.errors import UsageError
from docctl.core.model import Document
from docctl.documents.comparison import comparable_text
from docctl.repository import Repository


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("rev_a", metavar="REV_A")
    parser.add_argument("rev_b", metavar="REV_B", nargs="?", help="default: the working copy")


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    before = revision_document(repo, args.id, args.rev_a)
    after = revision_document(repo, args.id, args.rev_b) if args.rev_b else repo.document(args.id)
    label_b = f"{args.id} revision {args.rev_b}" if args.rev_b else f"{args.id} working copy"
    lines = difflib.unified_diff(
        comparable_text(before).splitlines(keepends=True),
        comparable_text(after).splitlines(keepends=True),
        fromfile=f"{args.id} revision {args.rev_a}",
        tofile=label_b,
    )
    for line in "".join(lines).rstrip("\n").split("\n"):
        out(line, tabs=False)  # a tab in the document text is content; other control characters are escaped
    return 0


def revision_document(repo: Repository, doc_id: str, revision: str) -> Document:
    """The document as it stood at the last commit of one of its revisions."""
    for item in reversed(repo.history(doc_id)):
        if item.revision == revision and item.last_commit.id:
            last = next(e for e in reversed(item.events) if e.snapshot is not None)
            assert last.commit.id is not None
            view = repo.at(last.commit.id)
            for document in view.documents():
                if document.id == doc_id and document.revision == revision:
                    return document
    known = ", ".join(dict.fromkeys(r.revision for r in repo.history(doc_id)))
    raise UsageError(f"{doc_id} has no revision '{revision}' in its history (known: {known})")
