"""docctl history ID: the revision history from git, as text, JSON or a Markdown table."""

from __future__ import annotations

import argparse

from docctl.cli.options import open_repository
from docctl.cli.output import out, out_json
from docctl.core.timeline import Revision


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--format", choices=("text", "json", "md"), default="text")


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    revisions = repo.history(args.id)
    if args.format == "json":
        out_json({"id": args.id, "revisions": [r.to_dict() for r in revisions]})
    else:
        for line in markdown_lines(revisions) if args.format == "md" else text_lines(revisions):
            out(line)
    return 0


def _approvers(revision: Revision) -> str:
    return ", ".join(f"{a.key[0]} ({a.key[2]}, {a.key[4][:10]})" for a in revision.approvals if a.key[3] == "approved")


def _until(revisions: list[Revision], index: int) -> str:
    """' until DATE' when a later revision of the same document took effect."""
    for later in revisions[index + 1 :]:
        if later.released and later.effective and later.id == revisions[index].id:
            return f" until {later.effective.isoformat()} (revision {later.revision})"
    return ""


def text(revisions: list[Revision]) -> str:
    return "\n".join(text_lines(revisions))


def text_lines(revisions: list[Revision]) -> list[str]:
    """The history as text, one string per line (a value may still hold a control character)."""
    lines: list[str] = []
    for index, revision in enumerate(revisions):
        effective = (
            f", effective {revision.effective.isoformat()}{_until(revisions, index)}"
            if revision.effective and revision.released
            else ""
        )
        lines.append(f"{revision.id} revision {revision.revision}: {revision.status}{effective}  ({revision.path})")
        if revision.change:
            cr = f" [{revision.change_request}]" if revision.change_request else ""
            lines.append(f"  change: {revision.change}{cr}")
        for step in revision.steps:
            commit = step.commit
            lines.append(
                f"  {commit.date.date().isoformat()}  {step.status:<11} {commit.author_name} <{commit.author_email}>  {commit.short}"
            )
        for approval in revision.approvals:
            name, by, role, meaning, date, _ = approval.key
            lines.append(f"  signed     {name} <{by}> as {role} ({meaning}) {date}  commit {approval.commit.short}")
        if revision.deleted is not None:
            lines.append(
                f"  deleted    {revision.deleted.date.date().isoformat()} by {revision.deleted.author_name}  {revision.deleted.short}"
            )
    return lines


def markdown(revisions: list[Revision]) -> str:
    """A revision-history table ready for a controlled copy."""
    return "\n".join(markdown_lines(revisions))


def markdown_lines(revisions: list[Revision]) -> list[str]:
    """The rows of the revision-history table."""

    def cell(value: str | None) -> str:
        return (value or "").replace("|", "\\|").replace("\n", " ")

    rows = [
        "| Revision | Status | Effective | Change | Change request | Approved by | Commit |",
        "|---|---|---|---|---|---|---|",
    ]
    for revision in revisions:
        effective = revision.effective.isoformat() if revision.effective and revision.released else ""
        commit = (revision.released or revision.steps[-1]).commit.short if revision.steps else ""
        rows.append(
            f"| {cell(revision.revision)} | {cell(revision.status)} | {effective} | {cell(revision.change) or 'First issue'} | "
            f"{cell(revision.change_request)} | {cell(_approvers(revision))} | {commit} |"
        )
    return rows
