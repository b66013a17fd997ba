"""docctl submit | approve | release | revise | review | obsolete."""

from __future__ import annotations

import argparse

from docctl.cli.output import out, repository


def run(args: argparse.Namespace) -> int:
    repo = repository(args)
    common = {"by": args.by, "commit": not args.no_commit}
    if args.command == "submit":
        result = repo.submit(args.id, **common)
    elif args.command == "approve":
        result = repo.approve(args.id, role=args.role, meaning=args.meaning, **common)
    elif args.command == "release":
        result = repo.release(args.id, effective=args.effective, tag=not args.no_tag, **common)
    elif args.command == "revise":
        result = repo.revise(
            args.id, change=args.change, change_request=args.change_request, major=args.major, **common
        )
    elif args.command == "review":
        result = repo.review(
            args.id,
            outcome=args.outcome,
            change=args.change,
            change_request=args.change_request,
            reason=args.reason,
            **common,
        )
    else:
        result = repo.obsolete(args.id, reason=args.reason, **common)
    where = f"commit {result.commit[:12]}" if result.commit else "staged, not committed"
    tag = f", tag {result.tag}" if result.tag else ""
    out(f"{result.document} revision {result.revision}: {result.action} -> {result.status} ({where}{tag})")
    return 0
