"""docctl watch: report the findings each change raises or clears, until Ctrl-C or SIGTERM.

Text lines on stdout (``time event path:line: CODE message``); ``--jsonl FILE`` appends one JSON
object per event (``-`` writes them to stdout instead of the text); ``--exec CMD`` runs CMD (split
like a shell would, but run without one) once per event with the event's JSON on its stdin.
Ctrl-C exits 130 (docs/reference.md); SIGTERM (systemd stopping the service) is a normal stop and exits 0.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from types import FrameType
from typing import IO

from docctl.cli.options import open_repository
from docctl.cli.output import display_path, notice, out
from docctl.core.errors import UsageError
from docctl.core.escaping import escape_json_controls
from docctl.repository import Repository
from docctl.watcher import Watcher, WatchEvent


class _Signals:
    """Which stop signal arrived. The handlers only set this (no exception, no lock), so a signal
    can never interrupt the threading machinery half-way; the main thread polls it."""

    def __init__(self) -> None:
        self.received: int | None = None


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jsonl", metavar="FILE", help="append one JSON object per event to FILE ('-': stdout)")
    parser.add_argument("--exec", metavar="CMD", help="run CMD (no shell) per event, the event's JSON on its stdin")
    parser.add_argument("--polling", action="store_true", help="poll instead of inotify (network drives, containers)")
    parser.add_argument("--initial", action="store_true", help="report the findings present at start, too")
    parser.add_argument(
        "--reconcile",
        metavar="SECONDS",
        type=float,
        default=60.0,
        help="full re-scan interval, for events lost by the system (default: 60)",
    )


def run(args: argparse.Namespace) -> int:
    repo = open_repository(args)
    command = _exec_command(args.exec) if args.exec else None
    with ExitStack() as stack:
        sinks: list[Callable[[WatchEvent], None]] = []
        if args.jsonl != "-":
            sinks.append(lambda event: _write_text(repo, event))
        if args.jsonl:
            stream = sys.stdout if args.jsonl == "-" else stack.enter_context(_append(args.jsonl))
            sinks.append(lambda event: _write_json(stream, event))
        if command:
            sinks.append(lambda event: _run_command(command, event))

        def emit(event: WatchEvent) -> None:
            for sink in sinks:
                sink(event)

        watcher = Watcher(
            repo,
            emit,
            polling=args.polling,
            reconcile_every=args.reconcile,
            report_existing=args.initial,
        )
        signals = stack.enter_context(_stop_on_signals())
        with watcher:
            held = watcher.findings
            notice(
                f"watching {repo.root} ({len(held)} finding(s) now"
                f"{', reported above' if args.initial else ''}); Ctrl-C to stop"
            )
            while signals.received is None and not watcher.wait(0.2):
                pass
        if signals.received == signal.SIGINT:
            notice("interrupted")
            return 130
        if signals.received == signal.SIGTERM:
            notice("stopped (SIGTERM)")
    return 0


def _text(repo: Repository, event: WatchEvent) -> str:
    item = event.finding
    stamp = event.time.isoformat(timespec="seconds")
    return f"{stamp} {event.event:<7} {item.to_line(display_path(repo, item.path))}"


def _write_text(repo: Repository, event: WatchEvent) -> None:
    out(_text(repo, event))
    sys.stdout.flush()  # a service's journal gets each line as it happens, not a buffer later


def _json_line(event: WatchEvent) -> str:
    return escape_json_controls(json.dumps(event.to_dict(), ensure_ascii=False, sort_keys=False))


def _write_json(stream: IO[str], event: WatchEvent) -> None:
    stream.write(_json_line(event) + "\n")
    stream.flush()


@contextmanager
def _append(name: str) -> Iterator[IO[str]]:
    try:
        stream = open(name, "a", encoding="utf-8")  # noqa: SIM115 - closed by the context manager
    except OSError as error:
        raise UsageError(f"--jsonl: cannot open {name}: {error.strerror}") from None
    with stream:
        yield stream


def _exec_command(text: str) -> list[str]:
    try:
        argv = shlex.split(text)
    except ValueError as error:
        raise UsageError(f"--exec: {error}") from None
    if not argv:
        raise UsageError("--exec: empty command")
    if shutil.which(argv[0]) is None:
        raise UsageError(f"--exec: command not found: {argv[0]}")
    return argv


def _run_command(argv: list[str], event: WatchEvent) -> None:
    """Run the --exec command for one event: its JSON on stdin, no shell, one at a time."""
    import os

    item = event.finding
    env = dict(os.environ)
    env.update(
        {
            "DOCCTL_EVENT": event.event,
            "DOCCTL_CODE": item.code,
            "DOCCTL_SEVERITY": item.severity.value,
            "DOCCTL_PATH": item.path or "",
            "DOCCTL_DOCUMENT": item.document or "",
        }
    )
    try:
        data = (_json_line(event) + "\n").encode("utf-8")
        result = subprocess.run(argv, input=data, env=env, check=False)
    except OSError as error:
        notice(f"--exec: cannot run {argv[0]}: {error.strerror}")
        return
    if result.returncode != 0:
        code = result.returncode
        notice(f"--exec: {shlex.join(argv)} exited {code} for {item.code} {event.event}")


@contextmanager
def _stop_on_signals() -> Iterator[_Signals]:
    """Ctrl-C and SIGTERM stop the watcher cleanly: the handlers record the signal, the main loop
    sees it within 0.2 s and leaves the watcher's context, which stops the observer."""
    signals = _Signals()
    if threading.current_thread() is not threading.main_thread():
        yield signals
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        signals.received = signum

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield signals
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
