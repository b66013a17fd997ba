"""docctl recover [--finish | --undo]: finish or undo a lifecycle step that was interrupted."""

from __future__ import annotations

import argparse

from docctl.cli.options import open_repository
from docctl.cli.output import out
from docctl.lifecycle.recovery import Recovery


def configure(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--finish",
        action="store_true",
        help="commit the files the step wrote, with its message and author (refused unless they are as it meant)",
    )
    mode.add_argument("--undo", action="store_true", help="put the files and their index entries back as before")


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    result = repo.recover("finish" if args.finish else "undo" if args.undo else None)
    for line in describe(result):
        out(line)
    return 0


def describe(result: Recovery) -> list[str]:
    """One or two lines: what was recovered and how."""
    step = result.step
    if step is None:
        return ["nothing to recover: no lifecycle step was interrupted"]
    what = f"the {step.action} of {step.document} by {step.by} (started {step.started})"
    files = ", ".join(result.paths)
    if result.outcome == "completed":
        lines = [f"completed {what}: its commit {_short(result.commit)} had landed; the journal is cleared"]
    elif result.outcome == "finished" and result.commit is not None:
        lines = [f"finished {what}: committed {_short(result.commit)} ({files})"]
    elif result.outcome == "finished":
        lines = [f"finished {what}: staged {files} (the step was --no-commit)"]
    else:
        lines = [f"undid {what}: {files} and the index as before the step"]
    notes = []
    if result.tag:
        notes.append(f"tagged {result.tag}")
    if result.index_lock:
        notes.append("removed the stale .git/index.lock the killed git left")
    if notes:
        lines.append("; ".join(notes))
    return lines


def _short(commit: str | None) -> str:
    return commit[:12] if commit else ""
