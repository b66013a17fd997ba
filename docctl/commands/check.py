"""docctl check: run every rule; text lines ``path:line: CODE message`` or the JSON report of SPEC §5."""

from __future__ import annotations

import argparse

from docctl import __version__
from docctl.commands.common import display_path, notice, out, out_json, repository
from docctl.model import Severity


def run(args: argparse.Namespace) -> int:
    repo = repository(args)
    files = args.files if args.files or not args.hook else None
    report = repo.check(files if files else None)
    fail_on = Severity(args.fail_on) if args.fail_on else repo.config.fail_on
    if args.format == "json":
        out_json(report.to_dict(__version__))
    else:
        for item in report.findings:
            where = display_path(repo, item.path)
            if item.line is not None:
                where = f"{where}:{item.line}"
            out(f"{where}: {item.code} {item.message}")
        if not args.hook:
            counts = report.counts
            notice(
                f"{report.checked} file(s) checked: {counts['major']} major, {counts['minor']} minor, {counts['ofi']} ofi"
                + (f" at commit {report.commit[:12]}" if report.commit else "")
            )
    return 1 if report.at_or_above(fail_on) else 0
