"""docctl check: run every rule; lines ``path:line: CODE message`` or the JSON report (docs/reference.md).

``--hook`` (pre-commit) checks the tree the next commit would record — the git index, which is
what pre-commit leaves in the working tree — always as a whole: FILES are ignored, so every
invocation gives the same findings whether pre-commit passes one file, thousands in several
parallel chunks, or none (see docs/pre-commit.md).
"""

from __future__ import annotations

import argparse

from docctl._version import __version__
from docctl.cli.options import add_hook_root, open_repository
from docctl.cli.output import display_path, notice, out, out_json
from docctl.core.model import Severity
from docctl.repository import Repository


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILES", help="only these files (and the rules that involve them)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--fail-on",
        choices=tuple(severity.value for severity in Severity),
        help="lowest severity that fails (default: fail_on in docctl.toml)",
    )
    parser.add_argument(
        "--hook",
        action="store_true",
        help="pre-commit mode: the whole staged tree (FILES are ignored), one line per finding, no summary",
    )
    add_hook_root(parser)


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    if args.hook:
        repo = repo.staged()
        report = repo.check()
    else:
        report = repo.check(args.files or None)
        _uncontrolled_notice(repo, args.files)
    fail_on = Severity(args.fail_on) if args.fail_on else repo.config.fail_on
    notices = repo.notices()
    if args.format == "json":
        out_json({**report.to_dict(__version__), "notices": notices})
    else:
        for item in report.findings:
            out(item.to_line(display_path(repo, item.path)))
        if not args.hook:
            for text in notices:
                notice(text)
            counts = report.counts
            notice(
                f"{report.checked} file(s) checked: {counts['major']} major, "
                f"{counts['minor']} minor, {counts['ofi']} ofi"
                + (f" at commit {report.commit[:12]}" if report.commit else "")
            )
    return 1 if report.at_or_above(fail_on) else 0


def _uncontrolled_notice(repo: Repository, files: list[str]) -> None:
    """Name the FILES that were not checked because they are not controlled (or do not exist)."""
    if not files:
        return
    controlled = set(repo.controlled_paths())
    for name in files:
        rel = repo.relative(name)
        rel = rel.removesuffix(".yml") if rel.endswith(".docx.yml") else rel
        if rel not in controlled:
            reason = (
                "does not exist"
                if not (repo.root / rel).exists()
                else "is not a controlled file (see controlled and exclude in docctl.toml)"
            )
            notice(f"{name} {reason}: not checked")
