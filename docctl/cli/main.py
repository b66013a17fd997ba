"""The command line: argument parsing only. Each command lives in docctl/cli/commands/<name>.py."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from docctl._version import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
SEVERITIES = ("major", "minor", "ofi")
LIFECYCLE = ("submit", "approve", "release", "revise", "review", "obsolete")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"docctl: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="docctl", description="Document control for quality management systems kept in git.")
    parser.add_argument("--version", action="version", version=f"docctl {__version__}")
    parser.add_argument(
        "--root", metavar="PATH", help="the docctl repository (default: the nearest folder with docctl.toml)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("init", help="create docctl.toml, document templates and .pre-commit-config.yaml")
    p.add_argument("path", nargs="?", default=".", help="folder to initialise (default: here)")
    p.add_argument("--name", help="your name, for the first [people] entry (default: git user.name)")
    p.add_argument("--email", help="your email, for the first [people] entry (default: git user.email)")

    p = sub.add_parser("new", help="create a document with the next free id of its type")
    p.add_argument("type", metavar="TYPE")
    p.add_argument("title", metavar="TITLE")
    p.add_argument("--format", choices=("md", "docx"), default="md")
    p.add_argument("--dir", metavar="FOLDER", help="folder for the new file, relative to the root")
    p.add_argument("--owner", metavar="EMAIL", help="process owner (default: you)")
    _lifecycle_options(p)

    p = sub.add_parser("check", help="run every check and report findings")
    p.add_argument("files", nargs="*", metavar="FILES", help="only these files (and the rules that involve them)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--fail-on", choices=SEVERITIES, help="lowest severity that fails (default: fail_on in docctl.toml)")
    p.add_argument(
        "--hook",
        action="store_true",
        help="pre-commit mode: the whole staged tree (FILES are ignored), one line per finding, no summary",
    )
    p.add_argument(
        "--root",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="as docctl --root; here so that a hook's args can name a docctl root below the git top level",
    )

    p = sub.add_parser("show", help="metadata, approvals (signature manifest), fingerprint and status of a document")
    p.add_argument("id", metavar="ID")
    p.add_argument("--rev", metavar="REV", help="a revision from history instead of the working copy")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = sub.add_parser("history", help="revision history from git: revisions, status steps, approvers, changes")
    p.add_argument("id", metavar="ID")
    p.add_argument("--format", choices=("text", "json", "md"), default="text")

    p = sub.add_parser("diff", help="text diff between two revisions of a document (Markdown and .docx)")
    p.add_argument("id", metavar="ID")
    p.add_argument("rev_a", metavar="REV_A")
    p.add_argument("rev_b", metavar="REV_B", nargs="?", help="default: the working copy")

    p = sub.add_parser("xref", help="references out of and into a document, with their lines")
    p.add_argument("id", metavar="ID")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("impact", help="what must be reviewed, transitively, when a document changes")
    p.add_argument("id", metavar="ID")
    p.add_argument("--depth", type=int, metavar="N", help="follow at most N steps (default: all)")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("matrix", help="clause coverage matrix of a standard: clauses x documents, gaps, weak claims")
    p.add_argument(
        "--standard", metavar="S", help="catalogue id, e.g. iso13485:2016 (default: the first of 'standards')"
    )
    p.add_argument("--format", choices=("text", "md", "csv", "html", "json"), default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")

    p = sub.add_parser("submit", help="draft -> review")
    p.add_argument("id", metavar="ID")
    _lifecycle_options(p)

    p = sub.add_parser(
        "approve", help="sign the current content in a role (the last required approval makes it approved)"
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("--role", required=True, metavar="ROLE")
    p.add_argument("--meaning", choices=("approved", "reviewed", "authored"), default="approved")
    _lifecycle_options(p)

    p = sub.add_parser("release", help="approved -> effective (tags ID/REV)")
    p.add_argument("id", metavar="ID")
    p.add_argument(
        "--effective",
        metavar="DATE",
        type=_date,
        help="effective date YYYY-MM-DD (default: today; a future date schedules it)",
    )
    p.add_argument("--no-tag", action="store_true", help="do not tag the release commit")
    _lifecycle_options(p)

    p = sub.add_parser("revise", help="start the next revision: back to draft, approvals cleared")
    p.add_argument("id", metavar="ID")
    p.add_argument("--change", required=True, metavar="TEXT", help="what changes and why")
    p.add_argument("--change-request", metavar="ID")
    p.add_argument("--major", action="store_true", help="major.minor scheme: next major revision")
    _lifecycle_options(p)

    p = sub.add_parser("review", help="record a periodic review: keep, revise or obsolete")
    p.add_argument("id", metavar="ID")
    p.add_argument("--outcome", required=True, choices=("keep", "revise", "obsolete"))
    p.add_argument("--change", metavar="TEXT", help="with --outcome revise")
    p.add_argument("--change-request", metavar="ID")
    p.add_argument("--reason", metavar="TEXT", help="with --outcome obsolete")
    _lifecycle_options(p)

    p = sub.add_parser("obsolete", help="withdraw a document (final; the file stays)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--reason", required=True, metavar="TEXT")
    _lifecycle_options(p)

    p = sub.add_parser(
        "register", help="the controlled-document register (master document list), now or as of a past date"
    )
    p.add_argument(
        "--format",
        choices=("csv", "json", "md", "html", "docx", "xlsx"),
        help="output format (default: from the suffix of -o or --check, else md)",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE atomically (default: stdout, text formats only)"
    )
    p.add_argument(
        "--as-of", metavar="DATE|COMMIT", help="the register as it stood at the end of a date or at a commit"
    )
    p.add_argument("--status", metavar="S", help="only these statuses (comma-separated)")
    p.add_argument("--type", metavar="T", help="only these document types (comma-separated)")
    p.add_argument(
        "--stamp", action="store_true", help="record the generation time (the output is no longer reproducible)"
    )
    p.add_argument("--check", metavar="FILE", help="exit 1 when the rows of FILE differ from the register's")
    p.add_argument(
        "--root",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="as docctl --root; here so that a hook's args can name a docctl root below the git top level",
    )

    p = sub.add_parser("watch", help="watch the working copy and report findings as files change")
    p.add_argument("--jsonl", metavar="FILE", help="append one JSON object per event to FILE ('-': stdout)")
    p.add_argument("--exec", metavar="CMD", help="run CMD (no shell) per event, the event's JSON on its stdin")
    p.add_argument("--polling", action="store_true", help="poll instead of inotify (network drives, containers)")
    p.add_argument("--initial", action="store_true", help="report the findings present at start, too")
    p.add_argument(
        "--reconcile",
        metavar="SECONDS",
        type=float,
        default=60.0,
        help="full re-scan interval, for events lost by the system (default: 60)",
    )
    return parser


def _date(text: str) -> object:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from None


def _lifecycle_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", metavar="EMAIL", help="act as this person (must match your git identity)")
    p.add_argument("--no-commit", action="store_true", help="stage the change instead of committing it")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from docctl.core.errors import DocctlError

    if args.command != "watch" and argv is None:
        # A one-shot command builds many objects and frees them all at exit: the cyclic garbage
        # collector only costs time here (a third of a pre-commit run on 20,000 documents) and
        # docctl makes no reference cycles worth collecting. The watcher runs for days: it keeps it.
        import gc

        gc.disable()

    try:
        name = "lifecycle" if args.command in LIFECYCLE else args.command
        module = importlib.import_module(f"docctl.cli.commands.{name}")
        return int(module.run(args))
    except DocctlError as error:
        print(f"docctl: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("docctl: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
