"""The command line: the global options, the list of commands, dispatch and the one error handler.

Each command is a module docctl/cli/commands/<name>.py with two functions: ``configure(parser)``
declares its arguments and ``run(args) -> int`` runs it. The parser imports only the module of the
command on the line, when it reaches it, so ``docctl --version`` and ``docctl --help`` import no
domain module (docs/reference.md: ``docctl --version`` within 150 ms).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import signal
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from docctl._version import __version__

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130
QUIET_HELP = "no progress display on stderr (a run longer than a second shows one on a terminal)"

# Every command, in the order `docctl --help` lists them, with the line it shows there.
COMMANDS = {
    "init": "create docctl.toml, document templates and .pre-commit-config.yaml",
    "new": "create a document with the next free id of its type",
    "adopt": "bring existing Markdown and .docx files under control (see the plan first with --dry-run)",
    "check": "run every check and report findings",
    "show": "metadata, approvals (signature manifest), fingerprint and status of a document",
    "history": "revision history from git: revisions, status steps, approvers, changes",
    "diff": "text diff between two revisions of a document (Markdown and .docx)",
    "xref": "references out of and into a document, with their lines",
    "impact": "what must be reviewed, transitively, when a document changes",
    "matrix": "clause coverage matrix of a standard: clauses x documents, gaps, weak claims",
    "submit": "draft -> review",
    "approve": "sign the current content in a role (the last required approval makes it approved)",
    "release": "approved -> effective (tags ID/REV)",
    "revise": "start the next revision: back to draft, approvals cleared",
    "review": "record a periodic review: keep, revise or obsolete",
    "obsolete": "withdraw a document (final; the file stays)",
    "recover": "finish or undo a lifecycle step that was interrupted",
    "register": "the controlled-document register (master document list), now or as of a past date",
    "export": "a controlled copy (PDF, .docx, HTML) with signature page, revision history and watermark",
    "verify": "is this copy current? superseded, obsolete, altered ... (exit 0 only when all are current)",
    "site": "the static point-of-use portal of the documents in force (HTML, works from disk)",
    "watch": "watch the working copy and report findings as files change",
    "audit": "internal audit report of document control (ISO 19011 shape), optionally recorded",
    "audit-pack": "stage-1 evidence pack: register, coverage matrix, a controlled copy of every document in force",
}


def command_module(name: str) -> ModuleType:
    """docctl/cli/commands/<name>.py: ``configure(parser)`` and ``run(args) -> int``."""
    return importlib.import_module(f"docctl.cli.commands.{name.replace('-', '_')}")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        from docctl.core.escaping import escape_controls

        self.print_usage(sys.stderr)
        print(f"docctl: error: {escape_controls(message)}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


class _CommandParser(_Parser):
    """The parser of one command, empty until the command is chosen: then its module adds the
    arguments, just before the rest of the line is parsed (``docctl COMMAND --help`` included)."""

    command: str | None = None

    def parse_known_args(  # type: ignore[override]  # one signature for typeshed's overloads
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[Any, list[str]]:
        if self.command is not None:
            command_module(self.command).configure(self)
            self.command = None
            self.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=QUIET_HELP)
        return super().parse_known_args(args, namespace)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="docctl", description="Document control for quality management systems kept in git.")
    parser.add_argument("--version", action="version", version=f"docctl {__version__}")
    parser.add_argument(
        "--root", metavar="PATH", help="the docctl repository (default: the nearest folder with docctl.toml)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)
    sub.required = True
    for name, summary in COMMANDS.items():
        sub.add_parser(name, help=summary).command = name
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        # A one-shot command builds many objects and frees them all at exit: the cyclic garbage
        # collector only costs time here (a third of a pre-commit run on 20,000 documents) and
        # docctl makes no reference cycles worth collecting. The watcher runs for days: it keeps it.
        gc.disable()
        signal.signal(signal.SIGTERM, _terminated)  # a step stopped by SIGTERM puts everything back
    try:
        args = build_parser().parse_args(argv)  # imports the module of the command
    except KeyboardInterrupt:
        return _interrupted()
    if args.command == "watch" and argv is None:
        gc.enable()
    return _run(command_module(args.command), args)


def _run(command: ModuleType, args: argparse.Namespace) -> int:
    """Run a command; a DocctlError is one line and its exit code, Ctrl-C exits 130."""
    from docctl.cli.progress import progress_for
    from docctl.core.errors import DocctlError
    from docctl.core.escaping import escape_controls

    try:
        _half_step_notice(args)
        # a long run shows what it is doing on stderr (a terminal only); the watcher reports on its own
        with progress_for(getattr(args, "quiet", False) or args.command == "watch"):
            return int(command.run(args))
    except DocctlError as error:
        print(f"docctl: error: {escape_controls(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:
        return EXIT_OK


#: Commands that say it themselves when an interrupted step is half done: recover, and the steps
#: (which refuse to start); init makes a repository, so there is none yet.
_OWN_NOTICE = frozenset({"init", "recover", "new", "submit", "approve", "release", "revise", "review", "obsolete"})


def _half_step_notice(args: argparse.Namespace) -> None:
    """One line on stderr naming a lifecycle step that was interrupted and is half done."""
    if args.command in _OWN_NOTICE:
        return
    from pathlib import Path

    from docctl.cli.output import notice
    from docctl.core.errors import DocctlError
    from docctl.lifecycle.recovery import half_step_at

    try:
        text = half_step_at(Path(args.root) if args.root else Path.cwd())
    except (OSError, DocctlError):  # the command itself will say what is wrong, if anything
        return
    if text is not None:
        notice(text)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM ends a command as Ctrl-C does: a step puts everything back, the exit status is 130."""
    raise KeyboardInterrupt


def _interrupted() -> int:
    print("docctl: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED
