#!/usr/bin/env python3
"""The benchmark suite of SPEC §10: every operation timed against its floor, in one run.

    python bench/run.py [--documents 5000] [--commits 30000] [--repeat 3] [--markdown]

The synthetic repository is generated once per size (bench/generate.py, git fast-import) under
build/bench-<documents>-<commits> and reused. Every docctl figure is the wall time of the whole
process (``docctl ...`` as a user runs it), the median of --repeat runs; cold runs delete the
cache under .git/docctl first. Floors: one ``git log -z --name-status`` pass, and reading and
hashing every controlled file.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import NOW, generate  # noqa: E402

DOCCTL = [sys.executable, "-m", "docctl"]


@dataclass
class Row:
    name: str
    seconds: float | None
    floor_name: str
    floor: float | None
    target: str
    ok: bool | None
    note: str = ""

    @property
    def ratio(self) -> str:
        if self.seconds is None or not self.floor:
            return ""
        return f"{self.seconds / self.floor:.2f}x"


def timed(
    command: Sequence[str],
    cwd: Path,
    *,
    before: Callable[[], None] | None = None,
    repeat: int = 3,
    env: dict[str, str] | None = None,
    check: bool = False,
) -> float:
    samples = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
        samples.append(time.perf_counter() - start)
        if check and result.returncode not in (0, 1):
            raise SystemExit(f"bench: {' '.join(command)} failed: {result.stderr.decode()[-500:]}")
    return statistics.median(samples)


def peak_rss_mb(command: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    """Peak resident memory of one run of ``command`` (its own process tree), in MB."""
    code = (
        "import resource, subprocess, sys; "
        f"subprocess.run({list(command)!r}, cwd={str(cwd)!r}, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    return int(out.strip()) / 1024


def floor_git_log(repo: Path, repeat: int) -> float:
    return timed(["git", "log", "-z", "--name-status"], repo, repeat=repeat)


def floor_read_hash(repo: Path, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for path in repo.rglob("*.md"):
            if ".git" not in path.parts:
                hashlib.sha256(path.read_bytes()).digest()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def doorstop_tree(repo: Path, out: Path) -> Path:
    """The same documents as a doorstop item tree: one item per document (its body as the text),
    work instructions and forms as child documents linked to the SOPs they reference."""
    import docctl

    if (out / ".git").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(out)], check=True)
    for prefix, parent in (("SOP", None), ("WI", "SOP"), ("FRM", "SOP")):
        folder = out / prefix.lower()
        folder.mkdir()
        settings = f"settings:\n  digits: 4\n  prefix: {prefix}\n  sep: '-'\n"
        (folder / ".doorstop.yml").write_text(settings + (f"  parent: {parent}\n" if parent else ""))
    for level, document in enumerate(docctl.open(repo).documents(), start=1):
        assert document.id and document.type
        links = "".join(f"\n- {ref}: null" for ref in document.references) or " []"
        text = "\n".join("  " + line for line in document.body.strip().splitlines())
        item = (
            f"active: true\nderived: false\nheader: ''\nlevel: {level}.0\nlinks:{links}\n"
            f"normative: true\nref: ''\nreviewed: null\ntext: |\n{text}\n"
        )
        (out / document.type.lower() / f"{document.id}.yml").write_text(item)
    subprocess.run(["git", "-C", str(out), "add", "-A"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(out),
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.com",
            "commit",
            "-q",
            "-m",
            "items",
        ],
        check=True,
    )
    return out


def doorstop_seconds(repo: Path, documents: int) -> tuple[float | None, str]:
    """Wall time of ``doorstop`` (build and validate the tree) on the equivalent item tree, with
    doorstop installed from PyPI into its own environment under build/."""
    venv = ROOT / "build" / "bench-doorstop-venv"
    doorstop = venv / "bin" / "doorstop"
    if not doorstop.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        result = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "doorstop"], capture_output=True, text=True
        )
        if result.returncode != 0 or not doorstop.exists():
            return None, "doorstop could not be installed: " + result.stderr.strip()[-200:]
    tree = doorstop_tree(repo, ROOT / "build" / f"bench-doorstop-{documents}")
    start = time.perf_counter()
    result = subprocess.run([str(doorstop)], cwd=tree, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    version = subprocess.run([str(doorstop), "--version"], capture_output=True, text=True).stdout.strip()
    return seconds, f"{version}, exit {result.returncode}"


def has_command(name: str, repo: Path, env: dict[str, str]) -> bool:
    return subprocess.run([*DOCCTL, name, "--help"], cwd=repo, env=env, capture_output=True).returncode == 0


def site_rows(repo: Path, env: dict[str, str], target: Path, documents: int) -> list[Row]:
    """docctl site into a new folder, then again after one committed change (the commit is undone after)."""
    folder = repo.parent / f"site-{documents}"
    shutil.rmtree(folder, ignore_errors=True)
    build = timed([*DOCCTL, "site", "-o", str(folder)], repo, repeat=1, env=env, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    cache, saved = repo / ".git" / "docctl", repo.parent / "docctl-cache-before-site"
    shutil.rmtree(saved, ignore_errors=True)
    shutil.copytree(cache, saved)
    who = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@acme.example", "GIT_AUTHOR_DATE": NOW}
    who |= {"GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@acme.example", "GIT_COMMITTER_DATE": NOW}
    try:
        target.write_bytes(target.read_bytes() + b"\nOne more sentence for the site benchmark.\n")
        subprocess.run(["git", "commit", "-q", "-am", "bench: one change"], cwd=repo, env={**env, **who}, check=True)
        rebuild = timed([*DOCCTL, "site", "-o", str(folder)], repo, repeat=1, env=env, check=True)
    finally:
        subprocess.run(["git", "reset", "-q", "--hard", head], cwd=repo, check=True)
        shutil.rmtree(cache, ignore_errors=True)
        shutil.move(saved, cache)
    return [
        Row(f"site of {documents} documents (new folder)", build, "", None, "<= 60 s", build <= 60),
        Row("site rebuilt after one committed change", rebuild, "", None, "<= 5 s", rebuild <= 5),
    ]


def run_suite(documents: int, commits: int, repeat: int, *, doorstop: bool = True) -> tuple[list[Row], dict[str, str]]:
    repo = ROOT / "build" / f"bench-{documents}-{commits}"
    complete = (
        (repo / "docctl.toml").exists()
        and subprocess.run(["git", "rev-parse", "-q", "--verify", "HEAD"], cwd=repo, capture_output=True).returncode
        == 0
        if repo.exists()
        else False
    )
    if not complete:
        print(f"bench: generating {repo} ...", file=sys.stderr)
        shutil.rmtree(repo, ignore_errors=True)
        generate(repo, documents, commits)
    env = dict(os.environ, DOCCTL_NOW=NOW, PYTHONPATH=str(ROOT))
    cache = repo / ".git" / "docctl"

    def cold() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    log_floor = floor_git_log(repo, repeat)
    read_floor = floor_read_hash(repo, repeat)
    rows: list[Row] = []
    check_cold = timed([*DOCCTL, "check"], repo, before=cold, repeat=max(1, repeat - 1), env=env, check=True)
    rows.append(
        Row(
            "check, all rules, cold cache",
            check_cold,
            "git log",
            log_floor,
            "<= 2x git log",
            check_cold <= 2 * log_floor,
        )
    )
    check_warm = timed([*DOCCTL, "check"], repo, repeat=repeat, env=env, check=True)
    rows.append(
        Row("check again, nothing changed (warm)", check_warm, "read+hash", read_floor, "< 0.5 s", check_warm < 0.5)
    )

    target = next(p for p in sorted(repo.glob("sops/*/*.md")))
    original = target.read_bytes()

    edits = iter(range(1_000_000))

    def stage_one() -> None:
        """A new edit each time, as each commit brings one (no cache can know its findings yet)."""
        target.write_bytes(original + b"\nOne more sentence for the hook benchmark, edit %d.\n" % next(edits))
        subprocess.run(["git", "add", "--", str(target)], cwd=repo, check=True)

    try:
        hook = timed([*DOCCTL, "check", "--hook"], repo, before=stage_one, repeat=repeat, env=env)
    finally:
        target.write_bytes(original)
        subprocess.run(["git", "add", "--", str(target)], cwd=repo, check=True)
    rows.append(Row("pre-commit hook, one staged file (warm)", hook, "read+hash", read_floor, "< 0.5 s", hook < 0.5))

    if has_command("register", repo, env):
        out = repo.parent / f"register-{documents}.csv"
        register = timed([*DOCCTL, "register", "-o", str(out)], repo, repeat=repeat, env=env, check=True)
        rows.append(
            Row(
                "register (effective revisions from history)",
                register,
                "check cold",
                check_cold,
                "<= 1.5x check",
                register <= 1.5 * check_cold,
            )
        )
        past = "2025-09-01"
        as_of = timed([*DOCCTL, "register", "--as-of", past, "-o", str(out)], repo, repeat=repeat, env=env, check=True)
        rows.append(
            Row(f"register --as-of {past}", as_of, "git log", log_floor, "<= 2x git log", as_of <= 2 * log_floor)
        )
    else:
        rows.append(Row("register", None, "", None, "<= 1.5x check", None, "command not available yet"))

    doc_id = target.stem
    history = timed([*DOCCTL, "history", doc_id], repo, repeat=repeat, env=env, check=True)
    rows.append(Row(f"history {doc_id} (warm cache)", history, "git log", log_floor, "< 0.3 s", history < 0.3))
    if has_command("site", repo, env):
        rows += site_rows(repo, env, target, documents)

    if has_command("export", repo, env):  # one controlled copy: at most 1 s, a PDF at most 3 s
        for fmt, limit in (("html", 1.0), ("docx", 1.0), ("pdf", 3.0)):
            copy = repo.parent / f"copy-{documents}.{fmt}"
            seconds = timed([*DOCCTL, "export", doc_id, "-o", str(copy)], repo, repeat=repeat, env=env, check=True)
            rows.append(Row(f"export {doc_id} as {fmt}", seconds, "", None, f"<= {limit:g} s", seconds <= limit))

    latency = HERE / "watch_latency.py"
    if latency.exists():
        result = subprocess.run(
            [sys.executable, str(latency), str(repo)], env=env, capture_output=True, text=True, timeout=600
        )
        values = dict(line.split()[:2] for line in result.stdout.splitlines() if len(line.split()) >= 2)
        p50 = float(values["watch_p50"]) if "watch_p50" in values else None
        p95 = float(values["watch_p95"]) if "watch_p95" in values else None
        rows.append(Row("watcher: save to reported finding, p50", p50, "", None, "", None))
        rows.append(
            Row(
                "watcher: save to reported finding, p95",
                p95,
                "",
                None,
                "p95 < 0.3 s",
                p95 is not None and p95 < 0.3,
                "" if p95 is not None else result.stderr.strip()[-200:],
            )
        )
    if doorstop:
        seconds, note = doorstop_seconds(repo, documents)
        rows.append(
            Row(
                f"doorstop on the same {documents} items (no history)",
                seconds,
                "docctl check cold",
                check_cold,
                "docctl faster",
                seconds is not None and check_cold < seconds,
                note,
            )
        )
    version = timed([*DOCCTL, "--version"], repo, repeat=max(repeat, 5), env=env)
    rows.append(
        Row(
            "docctl --version (import cost)",
            version,
            "python -c pass",
            timed([sys.executable, "-c", "pass"], repo, repeat=5),
            "< 0.15 s",
            version < 0.15,
        )
    )
    cold()
    memory = peak_rss_mb([*DOCCTL, "check"], repo, env)
    rows.append(Row("peak memory, check cold (MB)", memory, "", None, "< 250 MB", memory < 250))
    machine = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB",
        "python": platform.python_version(),
        "git": subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip(),
        "repository": f"{documents} documents, {commits} commits",
    }
    return rows, machine


def render(rows: list[Row], machine: dict[str, str], markdown: bool) -> str:
    def fmt(value: float | None, row: Row) -> str:
        if value is None:
            return "n/a"
        return f"{value:.0f}" if "MB" in row.name else f"{value:.3f} s"

    lines = [" | ".join(f"{k}: {v}" for k, v in machine.items())]
    if markdown:
        lines += [
            "",
            "| operation | docctl | floor | floor time | ratio | target | met |",
            "|---|---|---|---|---|---|---|",
        ]
    for row in rows:
        met = "yes" if row.ok else ("no" if row.ok is False else "")
        floor = f"{row.floor:.3f} s" if row.floor else ""
        cells = [
            row.name,
            fmt(row.seconds, row),
            row.floor_name,
            floor,
            row.ratio,
            row.target,
            met + (f" ({row.note})" if row.note else ""),
        ]
        lines.append(
            "| " + " | ".join(cells) + " |"
            if markdown
            else f"{cells[0]:<46} {cells[1]:>10} {cells[2]:>14} {cells[3]:>10} {cells[4]:>7}  {cells[5]:<14} {cells[6]}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="docctl benchmark suite (SPEC §10)")
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=30000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table (for docs/performance.md)")
    parser.add_argument("--no-doorstop", action="store_true", help="skip the doorstop comparison")
    parser.add_argument("--scaling", action="store_true", help="also the main rows at 500 and 20,000 documents")
    args = parser.parse_args()
    rows, machine = run_suite(args.documents, args.commits, args.repeat, doorstop=not args.no_doorstop)
    print(render(rows, machine, args.markdown))
    if args.scaling:
        for documents in (500, 20000):
            commits = documents * args.commits // args.documents
            print(f"\nscaling: {documents} documents, {commits} commits")
            small, info = run_suite(documents, commits, args.repeat, doorstop=False)
            print(render(small, info, args.markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
