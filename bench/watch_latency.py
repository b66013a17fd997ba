#!/usr/bin/env python3
"""Watcher latency: from a save to the reported finding, p50 and p95 over many saves.

    python bench/watch_latency.py [REPO] [--saves 200] [--polling] [--documents 5000]

REPO's working tree (without .git) is copied to a temporary folder, so the repository itself is
never touched; without REPO a synthetic one is generated (bench/generate.py). A watcher with the
default settings runs on the copy; an effective document is saved again and again, alternately
edited (DC202 raised) and reverted (DC202 cleared), each save a plain write in place, and each
sample is the time from the start of the save to the watcher's ``on_event`` call for it.

Prints ``watch_p50 SECONDS``, ``watch_p95 SECONDS`` and ``watch_saves N`` (read by bench/run.py),
then one row for people.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import docctl  # noqa: E402
from docctl.core.model import Status  # noqa: E402
from docctl.watcher import Watcher, WatchEvent  # noqa: E402


class Timing:
    """Wait for the DC202 event of one save and note when it arrived."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.cond = threading.Condition()
        self.arrived: dict[str, float] = {}

    def __call__(self, event: WatchEvent) -> None:
        if event.finding.code == "DC202" and event.finding.path == self.path:
            with self.cond:
                self.arrived[event.event] = time.perf_counter()
                self.cond.notify_all()

    def wait(self, kind: str, timeout: float = 10.0) -> float:
        with self.cond:
            if not self.cond.wait_for(lambda: kind in self.arrived, timeout):
                message = f"no '{kind}' event for {self.path} within {timeout} s"
                raise SystemExit(f"watch_latency: {message}")
            return self.arrived.pop(kind)


def effective_document(root: Path) -> str:
    repo = docctl.open(root)
    flagged = {f.path for f in repo.check().findings}
    for document in repo.documents():
        clean = document.path not in flagged and document.format == "md"
        if clean and document.status is Status.EFFECTIVE:
            return document.path
    raise SystemExit("watch_latency: no effective Markdown document without findings")


def measure(root: Path, saves: int, polling: bool) -> list[float]:
    rel = effective_document(root)
    target = root / rel
    original = target.read_bytes()
    edited = original + b"\nAn uncontrolled sentence.\n"
    timing = Timing(rel)
    samples: list[float] = []
    with Watcher(docctl.open(root), timing, polling=polling):
        for index in range(saves):
            kind, data = ("raised", edited) if index % 2 == 0 else ("cleared", original)
            start = time.perf_counter()
            with open(target, "r+b") as handle:  # a save in place: truncate and write
                handle.truncate(0)
                handle.write(data)
            samples.append(timing.wait(kind) - start)
    return samples


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", nargs="?", type=Path, help="docctl repository (default: generated)")
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--polling", action="store_true", help="the polling observer (1 s period)")
    parser.add_argument("--documents", type=int, default=5000, help="documents if generated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docctl-watch-bench-") as scratch:
        copy = Path(scratch) / "qms"
        if args.repo is not None:
            source = docctl.open(args.repo).root
        else:
            sys.path.insert(0, str(HERE))
            from generate import generate  # bench/generate.py: git fast-import

            source = generate(Path(scratch) / "generated", args.documents, 6 * args.documents)
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".git"), symlinks=True)
        documents = len(docctl.open(copy).controlled_paths())
        samples = measure(copy, args.saves, args.polling)
    p50, p95 = statistics.median(samples), percentile(samples, 0.95)
    print(f"watch_p50 {p50:.4f}")
    print(f"watch_p95 {p95:.4f}")
    print(f"watch_saves {len(samples)}")
    observer = "polling" if args.polling else "inotify"
    print(
        f"watcher: save to reported finding | p50 {p50 * 1000:.0f} ms | p95 {p95 * 1000:.0f} ms"
        f" | max {max(samples) * 1000:.0f} ms | {len(samples)} saves, {documents} documents,"
        f" {observer}, {os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
