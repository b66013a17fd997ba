"""docctl register: the controlled-document register in six formats, now or as of a date or commit."""

from __future__ import annotations

import argparse
import shlex
import sys

from docctl.adapters.outputs import write_output
from docctl.cli.options import add_hook_root, open_repository
from docctl.cli.output import notice
from docctl.composer.outputs import output_file
from docctl.core.errors import UsageError
from docctl.register.model import TEXT_FORMATS, format_of
from docctl.register.readers import is_register


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("csv", "json", "md", "html", "docx", "xlsx"),
        help="output format (default: from the suffix of -o or --check, else md)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE atomically (default: stdout, text formats only)"
    )
    parser.add_argument(
        "--as-of", metavar="DATE|COMMIT", help="the register as it stood at the end of a date or at a commit"
    )
    parser.add_argument("--status", metavar="S", help="only these statuses (comma-separated)")
    parser.add_argument("--type", metavar="T", help="only these document types (comma-separated)")
    parser.add_argument(
        "--stamp", action="store_true", help="record the generation time (the output is no longer reproducible)"
    )
    parser.add_argument("--check", metavar="FILE", help="exit 1 when the rows of FILE differ from the register's")
    add_hook_root(parser)


def run(args: argparse.Namespace) -> int:
    if args.check and args.output is not None:
        raise UsageError("--check compares an existing file; it cannot be combined with -o")
    if args.output is None:  # a usage error is reported before the repository is read
        fmt = args.format or (format_of(args.check) if args.check else "md")
        if not args.check and fmt not in TEXT_FORMATS:
            raise UsageError(f"{fmt} is a binary format: write it to a file with -o FILE")
    repo = open_repository(args)
    output = None
    if args.output is not None:
        output = output_file(repo, args.output, generated=lambda data: is_register(_format(args), data))
        fmt = _format(args)
    register = repo.register(as_of=args.as_of, status=args.status, type=args.type, stamp=args.stamp)
    if args.check:
        difference = register.check_file(args.check, fmt)
        if difference:
            notice(f"{difference}; regenerate it with: {_again(args)}")
            return 1
        return 0
    if output is not None:
        write_output(output, register.render(fmt))
        return 0
    sys.stdout.write(register.render(fmt).decode("utf-8"))
    sys.stdout.flush()
    return 0


def _format(args: argparse.Namespace) -> str:
    return str(args.format or format_of(args.output))


def _again(args: argparse.Namespace) -> str:
    """The command that regenerates the file --check found out of date."""
    words = ["docctl", "register"]
    for option in ("format", "as_of", "status", "type"):
        value = getattr(args, option)
        if value:
            words += [f"--{option.replace('_', '-')}", value]
    words += ["-o", args.check]
    return " ".join(shlex.quote(w) for w in words)
