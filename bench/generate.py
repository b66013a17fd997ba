#!/usr/bin/env python3
"""Deterministic synthetic docctl repositories, written with ``git fast-import``.

Two shapes. ``flat`` (the default, below): SOPs, work instructions and forms in numbered folders,
one linear history. ``qms`` (bench/qms.py): a repository that looks like a real quality system,
with nested department folders, renames and moves, merges from review branches, bodies of
20-200 KB and .docx documents with sidecars. In both, every document goes through the real lifecycle in its commits — draft by its author, submit,
approval by each approver as the commit author (so attestation holds), release with an effective
date, later revisions with a change description — with correct fingerprints, so ``docctl check``
on the result does real work and finds what a healthy repository would show.

    python bench/generate.py OUT [--shape flat|qms] [--documents 5000] [--commits 30000] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docctl.core.fingerprints import fingerprint  # noqa: E402

START = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)
NOW = "2026-10-01T12:00:00+00:00"  # the clock the benchmark runs docctl with
SPAN = dt.timedelta(days=625)  # from START to shortly before NOW
PEOPLE = {
    "jane": ("Jane Smith", "jane.smith@acme.example", ["Quality Manager"]),
    "tom": ("Tom Baker", "tom.baker@acme.example", ["Process Owner"]),
    "li": ("Li Chen", "li.chen@acme.example", ["Process Owner"]),
    "sam": ("Sam Okafor", "sam.okafor@acme.example", ["Quality Engineer"]),
}
TYPES = {
    "SOP": ("sops", ["Process Owner", "Quality Manager"]),
    "WI": ("work-instructions", ["Process Owner"]),
    "FRM": ("forms", ["Quality Manager"]),
}
#: ISO 9001:2015 clauses the synthetic documents claim, the mandatory documented information among them.
CLAUSES = [
    "4.3",
    "4.4.2",
    "5.2.2",
    "6.2.1",
    "7.1.5.1",
    "7.1.5.2",
    "7.2",
    "7.5.3",
    "8.1",
    "8.2.3.2",
    "8.3.2",
    "8.3.3",
    "8.3.4",
    "8.3.5",
    "8.3.6",
    "8.4.1",
    "8.5.1",
    "8.5.2",
    "8.5.3",
    "8.5.6",
    "8.6",
    "8.7.2",
    "9.1.1",
    "9.2.2",
    "9.3.3",
    "10.2.2",
]
WORDS = [
    "inspection",
    "record",
    "supplier",
    "calibration",
    "gauge",
    "drawing",
    "tolerance",
    "batch",
    "lot",
    "customer",
    "order",
    "review",
    "approval",
    "training",
    "competence",
    "audit",
    "finding",
    "nonconformity",
    "correction",
    "action",
    "risk",
    "process",
    "owner",
    "measurement",
    "release",
    "product",
    "machine",
    "setup",
    "operator",
    "verify",
    "document",
    "retain",
    "archive",
    "report",
]

CONFIG = """[docctl]
standards = ["iso9001:2015"]
revision_scheme = "letters"
review_warning_days = 30
[types.SOP]
title = "Standard Operating Procedure"
id_pattern = "SOP-{n:04}"
approvers = ["Process Owner", "Quality Manager"]
review_months = 36
[types.WI]
title = "Work Instruction"
id_pattern = "WI-{n:04}"
approvers = ["Process Owner"]
review_months = 36
[types.FRM]
title = "Form"
id_pattern = "FRM-{n:04}"
approvers = ["Quality Manager"]
review_months = 36
""" + "".join(
    f'[people."{email}"]\nname = "{name}"\nroles = {roles!r}\n'.replace("'", '"')
    for name, email, roles in PEOPLE.values()
)


class Doc:
    def __init__(self, rng: random.Random, index: int) -> None:
        self.type = ("SOP", "WI", "FRM")[index % 3]
        folder, self.approvers = TYPES[self.type]
        self.id = f"{self.type}-{index + 1:04}"
        self.title = " ".join(rng.choice(WORDS).capitalize() for _ in range(3))
        self.path = f"{folder}/{index // 500:02}/{self.id}.md"
        self.revision = "A"
        self.status = "draft"
        self.body = self._body(rng)
        self.approvals: list[dict[str, str]] = []
        self.effective: str | None = None
        self.review_due: str | None = None
        self.change: str | None = None
        sops = max(1, index // 3)
        self.references = sorted({f"SOP-{rng.randrange(0, sops) * 3 + 1:04}"}) if self.type != "SOP" else []
        self.clauses = sorted(rng.sample(CLAUSES, 2), key=lambda c: [int(p) for p in c.split(".")])

    def _body(self, rng: random.Random) -> str:
        lines = [f"# {self.id} {self.title}", ""]
        for section in ("Purpose", "Scope", "Responsibilities", "Procedure", "Records"):
            lines += [f"## {section}", ""]
            for _ in range(rng.randrange(3, 8)):
                lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 16))).capitalize() + ".")
            lines.append("")
        return "\n".join(lines)

    @property
    def fingerprint(self) -> str:
        return fingerprint(
            id=self.id,
            title=self.title,
            type=self.type,
            revision=self.revision,
            clauses=self.clauses,
            references=self.references,
            supersedes=None,
            body=self.body,
        )

    def text(self) -> str:
        out = [
            "---",
            f"id: {self.id}",
            f"title: {self.title}",
            f"type: {self.type}",
            f"revision: {self.revision}",
            f"status: {self.status}",
        ]
        if self.effective:
            out.append(f"effective: {self.effective}")
        if self.review_due:
            out.append(f"review_due: {self.review_due}")
        out += [
            "owner: tom.baker@acme.example",
            "author: sam.okafor@acme.example",
            "clauses: [" + ", ".join(f'"{c}"' for c in self.clauses) + "]",
            f"references: [{', '.join(self.references)}]",
        ]
        if self.change:
            out.append(f"change: {self.change}")
        if self.approvals:
            out.append("approvals:")
            for a in self.approvals:
                out.append(f"  - name: {a['name']}")
                out += [f"    {k}: {a[k]}" for k in ("by", "role", "meaning", "date", "fingerprint")]
        out += ["---", ""]
        return "\n".join(out) + self.body + "\n"


def steps(doc: Doc, rng: random.Random, count: int) -> Iterator[tuple[str, str]]:
    """(who, action) pairs for one document's commits, in lifecycle order."""
    yield ("sam", "draft")
    made = 1
    while True:
        for who, action in [
            ("sam", "submit"),
            *[
                (("tom" if rng.random() < 0.5 else "li") if role == "Process Owner" else "jane", f"approve:{role}")
                for role in doc.approvers
            ],
            ("jane", "release"),
        ]:
            if made >= count:
                return
            yield who, action
            made += 1
        for who, action in [("sam", "revise"), ("sam", "edit")]:
            if made >= count:
                return
            yield who, action
            made += 1


def apply(doc: Doc, who: str, action: str, when: dt.datetime, rng: random.Random) -> str:
    name, email, _ = PEOPLE[who]
    if action == "submit":
        doc.status = "review"
    elif action.startswith("approve:"):
        role = action.split(":", 1)[1]
        doc.approvals.append(
            {
                "name": name,
                "by": email,
                "role": role,
                "meaning": "approved",
                "date": when.isoformat(),
                "fingerprint": doc.fingerprint,
            }
        )
        if len(doc.approvals) == len(doc.approvers):
            doc.status = "approved"
    elif action == "release":
        doc.status = "effective"
        day = (when + dt.timedelta(days=1)).date()
        doc.effective = day.isoformat()
        due = dt.date(day.year + 3, day.month, min(day.day, 28)) if day.month == 2 else day.replace(year=day.year + 3)
        doc.review_due = due.isoformat()
    elif action == "revise":
        doc.revision = chr(ord(doc.revision) + 1)
        doc.status = "draft"
        doc.approvals = []
        doc.effective = doc.review_due = None
        doc.change = f"Revised the {rng.choice(WORDS)} and {rng.choice(WORDS)} steps after audit finding {rng.randrange(100, 999)}"
    elif action == "edit":
        doc.body += "\n" + " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + ".\n"
    return f"{doc.id}: {action.split(':')[0]} revision {doc.revision}"


def _spread(rng: random.Random, docs: list[Doc], commits: int) -> list[int]:
    """Commits per document, adding up to ``commits``, as in a healthy QMS: about nine documents in
    ten end effective (after their first or a later release), the rest are in progress."""
    points = []
    for doc in docs:
        cycle = 1 + len(doc.approvers) + 1  # submit, approvals, release (after the draft, or a revise and an edit)
        points.append([1 + cycle + k * (2 + cycle) for k in range(40)])
    in_progress = [i for i in range(len(docs)) if rng.random() < 0.1]
    level = [0] * len(docs)
    counts = [points[i][0] for i in range(len(docs))]
    for i in in_progress:
        counts[i] = rng.randint(1, points[i][0] - 1) if points[i][0] > 1 else 1
    healthy = [i for i in range(len(docs)) if i not in set(in_progress)]
    # later releases for random effective documents while they fit
    while healthy and sum(counts) < commits:
        i = rng.choice(healthy)
        step = points[i][level[i] + 1] - points[i][level[i]]
        if sum(counts) + step > commits:
            break
        level[i] += 1
        counts[i] = points[i][level[i]]
    # the rest (or the excess) is absorbed by documents in progress, else by anyone
    adjustable = in_progress or list(range(len(docs)))
    while (total := sum(counts)) != commits:
        i = rng.choice(adjustable)
        if total < commits:
            counts[i] += 1
        elif counts[i] > 1:
            counts[i] -= 1
        elif all(counts[j] == 1 for j in adjustable):
            adjustable = list(range(len(docs)))
    return counts


def stream(documents: int, commits: int, seed: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    docs = [Doc(rng, i) for i in range(documents)]
    per_doc = _spread(rng, docs, commits)
    queues = [list(steps(doc, rng, n)) for doc, n in zip(docs, per_doc, strict=True)]
    # the drafts first (documents enter control over the first commits), then the rest at random
    order: list[int] = list(range(documents))
    rest = [i for i, queue in enumerate(queues) for _ in queue[1:]]
    rng.shuffle(rest)
    # keep each document's own steps in order: the k-th occurrence of i is its k-th step
    order += rest
    yield b"reset refs/heads/main\n"
    when = START
    mark = 0

    def data(blob: bytes) -> bytes:
        return b"data %d\n" % len(blob) + blob + b"\n"

    def header(who: str, message: str) -> bytes:
        nonlocal mark
        mark += 1
        name, email, _ = PEOPLE[who]
        stamp = f"{int(when.timestamp())} +0000"
        head = f"commit refs/heads/main\nmark :{mark}\nauthor {name} <{email}> {stamp}\ncommitter {name} <{email}> {stamp}\n".encode()
        return head + data(message.encode()) + (b"from :%d\n" % (mark - 1) if mark > 1 else b"")

    step = SPAN / max(1, len(order))  # the whole history spans SPAN, whatever its size
    yield (
        header("jane", "Set up the controlled document repository")
        + b"M 100644 inline docctl.toml\n"
        + data(CONFIG.encode())
    )
    step_of = [0] * documents
    for i in order:
        who, action = queues[i][step_of[i]]
        step_of[i] += 1
        when += step
        doc = docs[i]
        message = apply(doc, who, action, when, rng)
        yield header(who, message) + f"M 100644 inline {doc.path}\n".encode() + data(doc.text().encode())
    yield b"done\n"


SHAPES = ("flat", "qms")


def generate(out: Path, documents: int, commits: int, seed: int = 7, shape: str = "flat") -> Path:
    if out.exists():
        raise SystemExit(f"generate: {out} exists")
    if shape == "qms":
        from qms import stream as shape_stream
    elif shape == "flat":
        shape_stream = stream
    else:
        raise SystemExit(f"generate: unknown shape {shape!r} (one of {', '.join(SHAPES)})")
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    process = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=out, stdin=subprocess.PIPE)
    assert process.stdin is not None
    for chunk in shape_stream(documents, commits, seed):
        process.stdin.write(chunk)
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("generate: git fast-import failed")
    # merged review branches are deleted, as after a merge request; their commits stay in main's history
    branches = subprocess.run(
        ["git", "for-each-ref", "--format=delete %(refname)", "refs/heads/review/"],
        cwd=out,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if branches:
        subprocess.run(["git", "update-ref", "--stdin"], cwd=out, input=branches, text=True, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=out, check=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic docctl repository with git fast-import.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shape", choices=SHAPES, default="flat")
    args = parser.parse_args()
    generate(args.out, args.documents, args.commits, args.seed, args.shape)
    count = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=args.out, capture_output=True, text=True)
    print(f"generated {args.out} ({args.shape}): {args.documents} documents, {count.stdout.strip()} commits")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
