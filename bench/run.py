#!/usr/bin/env python3
"""The benchmark suite: every operation timed against its floor, on both generated shapes.

    python bench/run.py [--sizes 500 5000] [--shapes flat qms] [--scaling] [--json FILE] [--markdown]

For each size and shape a repository is generated once (bench/generate.py, git fast-import) and
kept under build/bench/, keyed by shape, size, seed and the generator's own source, so reruns start
at once. Every docctl figure is the whole process as a user runs it (``python -m docctl ...``):
the median of --repeat runs (the hook: of at least five), cold runs after deleting .git/docctl.
Every row is set against the same floor, one ``git log -z --name-status`` pass over the
repository's history, measured in the same run; peak memory against that pass's own. 20,000
documents only with --scaling; doorstop beside docctl at 5,000.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import doorstop_tree  # noqa: E402
from generate import NOW, SHAPES, generate  # noqa: E402
from hook import hook_seconds  # noqa: E402

DOCCTL = [sys.executable, "-m", "docctl"]
GENERATOR = ("generate.py", "qms.py", "prose.py", "docx_bodies.py")
COMMITS_PER_DOCUMENT = 6  # 5,000 documents, 30,000 commits


@dataclass
class Row:
    name: str
    value: float | None
    unit: str  # "s" or "MB"
    floor: float | None
    target: str
    met: bool | None
    note: str = ""
    cpu: float | None = None  # user + system seconds of the process and the git it ran (busy machines)

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.value is not None and self.floor else None


@dataclass
class Suite:
    shape: str
    documents: int
    commits: int
    seed: int
    repository: str
    floor: float
    floor_mb: float
    floor_cpu: float
    rows: list[Row]


def repository(shape: str, documents: int, commits: int, seed: int) -> Path:
    """The generated repository, from build/bench/ when a complete one is there."""
    source = hashlib.sha256(b"".join((HERE / name).read_bytes() for name in GENERATOR)).hexdigest()[:8]
    repo = ROOT / "build" / "bench" / f"{shape}-{documents}-{commits}-s{seed}-{source}"
    done = repo / ".git" / "bench-generated"
    if not done.exists():
        print(f"bench: generating {repo.name} ...", file=sys.stderr)
        shutil.rmtree(repo, ignore_errors=True)
        repo.parent.mkdir(parents=True, exist_ok=True)
        generate(repo, documents, commits, seed, shape)
        done.write_text("complete\n")
    return repo


def measured(
    command: Sequence[str], cwd: Path, env: dict[str, str], repeat: int, before: Callable[[], None] | None = None
) -> tuple[float, float, float]:
    """The median wall time of ``repeat`` runs of ``command``, the highest peak memory (MB) of one
    run (its own process, from wait4: a cold run is too long to be made twice for both) and the
    median CPU time (user + system, with the git processes it waited for)."""
    samples, peaks, cpu = [], [], []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert process.stderr is not None
        errors = process.stderr.read()  # never fills the pipe; a failure shows its end
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        samples.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        cpu.append(usage.ru_utime + usage.ru_stime)
        if process.returncode not in (0, 1):
            raise SystemExit(f"bench: {' '.join(command)} exited {process.returncode}: {errors.decode()[-500:]}")
    return statistics.median(samples), max(peaks), statistics.median(cpu)


def median_seconds(
    command: Sequence[str], cwd: Path, env: dict[str, str], repeat: int, before: Callable[[], None] | None = None
) -> float:
    return measured(command, cwd, env, repeat, before)[0]


def read_every_version(repo: Path) -> tuple[float, float]:
    """The floor of any tool that judges content over history: list every version of every
    document file (``git log --raw``) and read them all (``git cat-file --batch``). Wall and CPU s."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    log = subprocess.run(["git", "log", "--raw", "--no-abbrev", "--format="], cwd=repo, capture_output=True, check=True)
    blobs: dict[str, None] = {}
    for line in log.stdout.decode("utf-8", "surrogateescape").splitlines():
        meta, _, path = line.partition("\t")
        fields = meta.split()
        if len(fields) >= 4 and path.endswith((".md", ".docx", ".yml")) and fields[3].strip("0"):
            blobs[fields[3]] = None
    batch = "".join(f"{blob}\n" for blob in blobs).encode()
    subprocess.run(["git", "cat-file", "--batch"], cwd=repo, input=batch, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return time.perf_counter() - start, cpu


def first_markdown(repo: Path) -> tuple[str, str]:
    """The first tracked Markdown document (path, id): the hook's file and the history row's id."""
    names = subprocess.run(["git", "ls-files", "-z", "--", "*.md"], cwd=repo, capture_output=True, check=True)
    for name in sorted(n for n in names.stdout.decode().split("\0") if n):
        for line in (repo / name).read_text(encoding="utf-8").splitlines()[:3]:
            if line.startswith("id: "):
                return name, line[4:].strip()
    raise SystemExit(f"bench: no Markdown document in {repo}")


def targets(documents: int) -> dict[str, tuple[str, Callable[[float, float], bool]]]:
    """Each row's target (issue 14): a text and a test of (value, git log floor)."""
    large = documents > 5000
    hook = 0.5 if large else 0.3
    return {
        "cold": ("<= 2x git log", lambda v, f: v <= 2 * f),
        "warm": ("<= 0.5 s", lambda v, f: v <= 0.5),
        "hook": (f"<= {hook} s", lambda v, f: v <= hook),
        "as-of": ("<= 2x git log", lambda v, f: v <= 2 * f),
        "history": ("< 0.3 s", lambda v, f: v < 0.3),
        "watch": ("p95 <= 0.3 s", lambda v, f: v <= 0.3),
        "version": ("< 0.15 s", lambda v, f: v < 0.15),
        "memory": ("<= 250 MB", lambda v, f: v <= 250),
    }


def run_suite(shape: str, documents: int, seed: int, options: argparse.Namespace) -> Suite:
    commits = documents * COMMITS_PER_DOCUMENT
    repo = repository(shape, documents, commits, seed)
    actual = int(
        subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True, text=True).stdout
    )
    env = dict(os.environ, DOCCTL_NOW=NOW, PYTHONPATH=str(ROOT))
    cache = repo / ".git" / "docctl"

    def cold() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    goals = targets(documents)
    floor, floor_mb, floor_cpu = measured(["git", "log", "-z", "--name-status"], repo, env, options.repeat)
    rows: list[Row] = []

    def row(
        key: str, name: str, value: float | None, note: str = "", unit: str = "s", cpu: float | None = None
    ) -> None:
        text, test = goals[key]
        base = floor_mb if unit == "MB" else floor
        rows.append(Row(name, value, unit, base, text, None if value is None else test(value, base), note, cpu))
        print(
            f"bench: {shape} {documents}: {name}: {value} {unit}", file=sys.stderr, flush=True
        )  # a long run shows its rows

    print(f"bench: {shape}, {documents} documents: check cold ...", file=sys.stderr)
    check_cold, cold_mb, cold_cpu = measured([*DOCCTL, "check"], repo, env, options.cold_repeat, before=cold)
    row("cold", "check, all rules, cold cache", check_cold, cpu=cold_cpu)
    versions, versions_cpu = read_every_version(repo)
    note = "what any content check over history reads; information, no target"
    rows.append(Row("git log + reading every version (cat-file)", versions, "s", floor, "", None, note, versions_cpu))
    check_warm, warm_mb, warm_cpu = measured([*DOCCTL, "check"], repo, env, options.repeat)
    row("warm", "check again, nothing changed (warm)", check_warm, cpu=warm_cpu)
    path, doc_id = first_markdown(repo)
    hook = statistics.median(hook_seconds(repo, path, max(5, options.repeat)))
    row("hook", "pre-commit hook, one staged file (warm)", hook)
    out = repo.parent / f"register-{repo.name}.csv"
    register = median_seconds([*DOCCTL, "register", "-o", str(out)], repo, env, options.repeat)
    rows.append(
        Row(
            "register (effective revisions from history)",
            register,
            "s",
            floor,
            "<= 1.5x check cold",
            register <= 1.5 * check_cold,
        )
    )
    as_of = median_seconds([*DOCCTL, "register", "--as-of", "2025-09-01", "-o", str(out)], repo, env, options.repeat)
    row("as-of", "register --as-of 2025-09-01", as_of)
    row(
        "history",
        f"history {doc_id} (warm cache)",
        median_seconds([*DOCCTL, "history", doc_id], repo, env, options.repeat),
    )
    if options.saves:
        print(f"bench: {shape}, {documents} documents: watcher ...", file=sys.stderr)
        p50, p95, note = watcher(repo, env, options.saves)
        rows.append(Row("watcher: save to reported finding, p50", p50, "s", floor, "", None, note))
        row("watch", "watcher: save to reported finding, p95", p95, note)
    print(f"bench: {shape}, {documents} documents: copies and portal ...", file=sys.stderr)
    rows.extend(publishing_rows(repo, env, doc_id, path, documents, options))
    version = median_seconds([*DOCCTL, "--version"], repo, env, max(5, options.repeat))
    start = median_seconds([sys.executable, "-c", "pass"], repo, env, 5)
    row("version", "docctl --version (import cost)", version, f"python -c pass: {start:.3f} s")
    row("memory", "peak memory, check cold (MB)", cold_mb, unit="MB")
    row("memory", "peak memory, check warm (MB)", warm_mb, unit="MB")
    if options.doorstop and documents == 5000:
        print(f"bench: {shape}, {documents} documents: doorstop ...", file=sys.stderr)
        seconds, note = doorstop_tree.seconds(repo, repo.name)
        met = seconds is not None and check_cold < seconds
        rows.append(
            Row(
                f"doorstop on the same {documents} items (no history)",
                seconds,
                "s",
                floor,
                "docctl cold faster",
                met,
                note,
            )
        )
    return Suite(shape, documents, actual, seed, str(repo.relative_to(ROOT)), floor, floor_mb, floor_cpu, rows)


def publishing_rows(
    repo: Path, env: dict[str, str], doc_id: str, path: str, documents: int, options: argparse.Namespace
) -> list[Row]:
    """One controlled copy per format (docctl export), then the portal (docctl site) into a new folder
    and rebuilt after one committed change (the commit is undone afterwards, the cache restored)."""
    rows: list[Row] = []
    for fmt, limit in (("html", 1.0), ("docx", 1.0), ("pdf", 3.0)):
        out = repo.parent / f"copy-{repo.name}.{fmt}"
        result = subprocess.run([*DOCCTL, "export", doc_id, "-o", str(out)], cwd=repo, env=env, capture_output=True)
        if result.returncode != 0:
            note = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            rows.append(
                Row(f"export {doc_id} as {fmt} (one copy)", None, "s", None, f"<= {limit:g} s", None, " ".join(note))
            )
            continue
        seconds = median_seconds([*DOCCTL, "export", doc_id, "-o", str(out)], repo, env, options.repeat)
        rows.append(
            Row(f"export {doc_id} as {fmt} (one copy)", seconds, "s", None, f"<= {limit:g} s", seconds <= limit)
        )
    folder = repo.parent / f"site-{repo.name}"
    shutil.rmtree(folder, ignore_errors=True)
    build = median_seconds([*DOCCTL, "site", "-o", str(folder)], repo, env, 1)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    cache, saved = repo / ".git" / "docctl", repo.parent / f"docctl-cache-{repo.name}"
    shutil.rmtree(saved, ignore_errors=True)
    shutil.copytree(cache, saved)
    who = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@acme.example", "GIT_AUTHOR_DATE": NOW}
    who |= {"GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@acme.example", "GIT_COMMITTER_DATE": NOW}
    target = repo / path
    try:
        target.write_bytes(target.read_bytes() + b"\nOne more sentence for the portal benchmark.\n")
        subprocess.run(["git", "commit", "-q", "-am", "bench: one change"], cwd=repo, env={**env, **who}, check=True)
        rebuild = median_seconds([*DOCCTL, "site", "-o", str(folder)], repo, env, 1)
    finally:
        subprocess.run(["git", "reset", "-q", "--hard", head], cwd=repo, check=True)
        shutil.rmtree(cache, ignore_errors=True)
        shutil.move(saved, cache)
    rows.append(Row(f"site of {documents} documents (new folder)", build, "s", None, "<= 60 s", build <= 60))
    rows.append(Row("site rebuilt after one committed change", rebuild, "s", None, "<= 5 s", rebuild <= 5))
    return rows


def watcher(repo: Path, env: dict[str, str], saves: int) -> tuple[float | None, float | None, str]:
    result = subprocess.run(
        [sys.executable, str(HERE / "watch_latency.py"), str(repo), "--saves", str(saves)],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    values = dict(line.split()[:2] for line in result.stdout.splitlines() if len(line.split()) >= 2)
    if "watch_p95" not in values:
        return None, None, result.stderr.strip()[-200:]
    return float(values["watch_p50"]), float(values["watch_p95"]), f"{saves} saves"


def machine() -> dict[str, str]:
    memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {memory} GiB",
        "python": platform.python_version(),
        "git": subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip(),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def render(suite: Suite, markdown: bool) -> str:
    title = (
        f"{suite.shape}: {suite.documents} documents, {suite.commits} commits"
        f" (git log pass {suite.floor:.3f} s, CPU {suite.floor_cpu:.3f} s, {suite.floor_mb:.0f} MB)"
    )
    header = ["operation", "docctl", "git log", "ratio", "target", "met"]
    lines = [f"#### {title}" if markdown else title]
    if markdown:
        lines += ["", "| " + " | ".join(header) + " |", "|---|---|---|---|---|---|"]
    else:
        lines.append(f"  {header[0]:<46} {header[1]:>10} {header[2]:>10} {header[3]:>8}  {header[4]:<19} {header[5]}")
    for row in suite.rows:
        if row.unit == "MB":
            value, floor = (f"{row.value:.0f} MB" if row.value is not None else "n/a"), f"{row.floor or 0:.0f} MB"
        else:
            value, floor = (f"{row.value:.3f} s" if row.value is not None else "n/a"), f"{row.floor or 0:.3f} s"
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        notes = [row.note] if row.note else []
        notes += [f"CPU {row.cpu:.3f} s, {row.cpu / suite.floor_cpu:.1f}x git's"] if row.cpu and suite.floor_cpu else []
        met = {True: "yes", False: "no", None: ""}[row.met] + (f" ({'; '.join(notes)})" if notes else "")
        cells = [row.name, value, floor, ratio, row.target, met]
        lines.append(
            "| " + " | ".join(cells) + " |"
            if markdown
            else f"  {cells[0]:<46} {cells[1]:>10} {cells[2]:>10} {cells[3]:>8}  {cells[4]:<19} {cells[5]}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000], help="documents (default: 500 5000)")
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    parser.add_argument("--scaling", action="store_true", help="also 20,000 documents")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="runs per warm row (median)")
    parser.add_argument("--cold-repeat", type=int, default=2, help="runs of the cold check (median)")
    parser.add_argument("--saves", type=int, default=40, help="watcher saves (0: no watcher row)")
    parser.add_argument("--no-doorstop", dest="doorstop", action="store_false", help="skip doorstop at 5,000")
    parser.add_argument("--markdown", action="store_true", help="Markdown tables (for docs/performance.md)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the results as JSON to FILE")
    options = parser.parse_args(argv)
    sizes = sorted(set(options.sizes) | ({20000} if options.scaling else set()))
    info = machine()
    print(" | ".join(f"{k}: {v}" for k, v in info.items()))
    suites = []
    for documents in sizes:
        for shape in options.shapes:
            suite = run_suite(shape, documents, options.seed, options)
            suites.append(suite)
            print("\n" + render(suite, options.markdown), flush=True)
    info["load at the end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    if options.json:
        result = {
            "machine": info,
            "runs": [{**asdict(s), "rows": [{**asdict(r), "ratio": r.ratio} for r in s.rows]} for s in suites],
        }
        options.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nload average at the end: {info['load at the end']} ({os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
