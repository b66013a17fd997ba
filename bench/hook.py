#!/usr/bin/env python3
"""Wall time of the pre-commit hook with one staged file: the whole ``docctl check --hook`` process.

    python bench/hook.py REPO [--file PATH] [--repeat 5]

Stages one modified controlled file in REPO (the first Markdown file git tracks, or --file), runs
``docctl check --hook`` once untimed (the history cache is then warm, as it is for every commit
but the first after a pull), then --repeat times, and prints one line on stdout:

    hook_one_staged_file <median seconds>

The file and its index entry are restored afterwards. The clock is bench/generate.py's (set
DOCCTL_NOW to override), so the figures are comparable with ``make bench``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import NOW  # noqa: E402

DOCCTL = [sys.executable, "-m", "docctl"]


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True).stdout


def first_document(repo: Path) -> str:
    names = git(repo, "ls-files", "-z", "--", "*.md").decode("utf-8", "surrogateescape").split("\0")
    found = next((n for n in names if n and Path(n).name.lower() != "readme.md"), None)
    if found is None:
        raise SystemExit(f"bench/hook.py: {repo} has no tracked Markdown file")
    return found


def hook_seconds(repo: Path, rel: str, repeat: int) -> list[float]:
    """Times of ``docctl check --hook`` with ``rel`` modified and staged (restored afterwards)."""
    env = {**os.environ, "DOCCTL_NOW": os.environ.get("DOCCTL_NOW", NOW)}
    paths = [str(HERE.parent), os.environ.get("PYTHONPATH")]  # this checkout's docctl
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    target = repo / rel
    original = target.read_bytes()
    mode, blob = git(repo, "ls-files", "--stage", "--", rel).decode().split()[:2]  # the index entry
    command = [*DOCCTL, "check", "--hook"]
    quiet = {"cwd": repo, "env": env, "stdout": subprocess.DEVNULL, "check": False}
    samples: list[float] = []
    try:
        target.write_bytes(original + b"\nOne more sentence for the hook benchmark.\n")
        git(repo, "add", "--", rel)
        subprocess.run(command, **quiet)  # warm up: the history cache of HEAD
        for number in range(repeat):
            # a new edit each time, as each commit brings one: no cache knows its findings yet
            target.write_bytes(original + b"\nOne more sentence for the hook benchmark, edit %d.\n" % number)
            git(repo, "add", "--", rel)
            start = time.perf_counter()
            result = subprocess.run(command, **quiet)
            samples.append(time.perf_counter() - start)
            if result.returncode not in (0, 1):
                raise SystemExit(f"bench/hook.py: docctl check --hook exited {result.returncode}")
    finally:
        target.write_bytes(original)
        git(repo, "update-index", "--cacheinfo", f"{mode},{blob},{rel}")
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, help="a docctl repository in a git work tree")
    parser.add_argument("--file", help="the controlled file to modify and stage (relative to REPO)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    repo = args.repo.resolve()
    samples = hook_seconds(repo, args.file or first_document(repo), max(1, args.repeat))
    print(f"hook_one_staged_file {statistics.median(samples):.3f}")
    print("bench/hook.py: runs " + " ".join(f"{s:.3f}" for s in samples), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
