"""docctl adopt [PATH...]: bring existing Markdown and .docx files under control (docs/adopting.md).

``--dry-run`` prints the plan (one row per file, each value with where it came from) and writes
nothing; without it the plan is carried out in one commit. Exit status 1 when files are refused
(nothing is written then), 0 otherwise.
"""

from __future__ import annotations

import argparse
import gc

from docctl._version import __version__
from docctl.cli.options import add_step_options, open_repository
from docctl.cli.output import display_path, out, out_json
from docctl.lifecycle.adopt import Adoption, AdoptionRefused, Plan, Row
from docctl.repository import Repository

#: the values the table shows, with their headings
COLUMNS = (("id", "ID"), ("type", "TYPE"), ("revision", "REV"), ("status", "STATUS"), ("owner", "OWNER"))
#: the values whose sources the "from" line names
SOURCES = ("id", "title", "type", "revision", "owner", "author", "effective", "review_due")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to adopt (default: the repository)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and write nothing")
    parser.add_argument("--type", metavar="TYPE", help="type of the files whose id does not name one")
    parser.add_argument("--register", metavar="FILE", help="master document list (.xlsx or .csv) to take values from")
    parser.add_argument(
        "--effective",
        action="store_true",
        help="declare the documents in force: an approval by you in the role [adopt] role names",
    )
    parser.add_argument(
        "--legacy-record",
        metavar="TEXT",
        help="with --effective: where the approvals before adoption are recorded (default: the master list row, "
        "else 'paper records before adoption')",
    )
    parser.add_argument("--owner", metavar="EMAIL", help="owner of every adopted document")
    parser.add_argument("--author", metavar="EMAIL", help="author of every adopted document")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_step_options(parser)


def run(args: argparse.Namespace) -> int:
    # python-docx builds reference cycles for every .docx it opens; a one-shot command runs with the
    # cyclic collector off (cli/main.py), which would keep every Word file adopt reads in memory
    gc.enable()
    repo = open_repository(args)
    try:
        adoption = repo.adopt(
            args.paths,
            dry_run=args.dry_run,
            type=args.type,
            register=args.register,
            effective=args.effective,
            legacy_record=args.legacy_record,
            owner=args.owner,
            author=args.author,
            by=args.by,
            commit=not args.no_commit,
        )
    except AdoptionRefused as refused:
        adoption = Adoption(plan=refused.plan, dry_run=False)
        if args.format == "json":
            out_json({"docctl": __version__, "root": str(repo.root), **adoption.to_dict(), "error": str(refused)})
        else:
            _print_plan(repo, refused.plan)
            out()
        raise
    if args.format == "json":
        out_json({"docctl": __version__, "root": str(repo.root), **adoption.to_dict()})
    else:
        _print_plan(repo, adoption.plan)
        if adoption.plan.rows:
            out()
        out(_outcome(adoption))
    return 1 if adoption.plan.refused else 0


def _print_plan(repo: Repository, plan: Plan) -> None:
    sections = [_adopted(repo, plan), _refused(repo, plan), _controlled(repo, plan), _master_list(repo, plan)]
    for number, lines in enumerate(section for section in sections if section):
        if number:
            out()
        for line in lines:
            out(line)


def _adopted(repo: Repository, plan: Plan) -> list[str]:
    rows = plan.adopted
    if not rows:
        return []
    table = [["PATH", *(title for _, title in COLUMNS), "TITLE"]]
    table += [
        [display_path(repo, row.path), *(row.value(name) or "" for name, _ in COLUMNS), _title(row)] for row in rows
    ]
    widths = [max(len(line[index]) for line in table) for index in range(len(table[0]) - 1)]
    lines = []
    for number, line in enumerate(table):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)) + "  " + line[-1])
        if number:
            lines.extend(_details(rows[number - 1]))
    return lines


def _refused(repo: Repository, plan: Plan) -> list[str]:
    if not plan.refused:
        return []
    lines = [
        "Refused (nothing is written until each is resolved, or the file left out: name the files or folders",
        "to adopt, or add it to exclude in docctl.toml):",
    ]
    lines += [f"  {display_path(repo, row.path)}: {row.reason}" for row in plan.refused]
    return lines


def _controlled(repo: Repository, plan: Plan) -> list[str]:
    if not plan.controlled:
        return []
    names = [display_path(repo, row.path) for row in plan.controlled]
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return [f"Controlled already, left as they are ({len(names)}): {shown}"]


def _title(row: Row) -> str:
    title = row.value("title") or ""
    return title if len(title) <= 60 else title[:57] + "..."


def _details(row: Row) -> list[str]:
    sources = [f"{name} {row.values[name].source}" for name in SOURCES if name in row.values]
    lines = ["    from: " + "; ".join(sources)]
    if row.metadata_path != row.path:
        lines.append(f"    metadata: {row.metadata_path} (the .docx is not changed)")
    lines += [f"    note: {note}" for note in row.notes]
    return lines


def _master_list(repo: Repository, plan: Plan) -> list[str]:
    report = plan.master_list
    if report is None:
        return []
    found = report.rows - len(report.unmatched_rows)
    lines = [f"Master list {report.path}: {report.rows} document rows, {found} with a file"]
    lines += [f"  row {number} has no file: {names}" for number, names in report.unmatched_rows]
    lines += [f"  no row for {display_path(repo, path)}" for path in report.files_without_row]
    lines += [f"  note: {note}" for note in report.notes]
    return lines


def _outcome(adoption: Adoption) -> str:
    plan = adoption.plan
    count = len(plan.adopted)
    files = f"{count} file{'s' if count != 1 else ''}"
    if plan.refused:
        return f"dry run: {len(plan.refused)} file(s) refused; nothing would be written until they are resolved"
    if not plan.rows:
        return "nothing to adopt: no Markdown or .docx files in controlled paths here"
    if not count:
        controlled = len(plan.controlled)
        return f"nothing to adopt: {controlled} file{'s are' if controlled != 1 else ' is'} controlled already"
    if adoption.dry_run:
        return f"dry run, nothing written: docctl adopt would adopt {files} as {plan.status}"
    where = f"commit {adoption.commit[:12]}" if adoption.commit else "staged, not committed"
    return f"adopted {files} as {plan.status} ({where})"
