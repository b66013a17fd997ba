#!/usr/bin/env python3
"""Deterministic synthetic docctl repositories, written with ``git fast-import``.

Every document goes through the real lifecycle in its commits — draft by its author, submit,
approval by each approver as the commit author (so attestation holds), release with an effective
date, later revisions with a change description — with correct fingerprints, so ``docctl check``
on the result does real work and finds what a healthy repository would show.

    python bench/generate.py OUT [--documents 5000] [--commits 30000] [--seed 7]
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

from docctl.fingerprints import fingerprint  # noqa: E402

START = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.timezone.utc)
NOW = "2026-10-01T12:00:00+00:00"  # the clock the benchmark runs docctl with
PEOPLE = {
    "jane": ("Jane Smith", "jane.smith@acme.example", ["Quality Manager"]),
    "tom": ("Tom Baker", "tom.baker@acme.example", ["Process Owner"]),
    "li": ("Li Chen", "li.chen@acme.example", ["Process Owner"]),
    "sam": ("Sam Okafor", "sam.okafor@acme.example", ["Quality Engineer"]),
}
TYPES = {"SOP": ("sops", ["Process Owner", "Quality Manager"]), "WI": ("work-instructions", ["Process Owner"]), "FRM": ("forms", ["Quality Manager"])}
WORDS = (
    "inspection record supplier calibration gauge drawing tolerance batch lot customer order review "
    "approval training competence audit finding nonconformity correction action risk process owner "
    "measurement release product machine setup operator verify document retain archive report"
).split()

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
    f'[people."{email}"]\nname = "{name}"\nroles = {roles!r}\n'.replace("'", '"') for name, email, roles in PEOPLE.values()
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
        self.references = sorted({f"SOP-{rng.randrange(1, 50) * 3 - 2:04}"}) if self.type != "SOP" else []

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
        return fingerprint(id=self.id, title=self.title, type=self.type, revision=self.revision, clauses=["7.5"],
                           references=self.references, supersedes=None, body=self.body)

    def text(self) -> str:
        out = ["---", f"id: {self.id}", f"title: {self.title}", f"type: {self.type}", f"revision: {self.revision}",
               f"status: {self.status}"]
        if self.effective:
            out.append(f"effective: {self.effective}")
        if self.review_due:
            out.append(f"review_due: {self.review_due}")
        out += ["owner: tom.baker@acme.example", "author: sam.okafor@acme.example", 'clauses: ["7.5"]',
                f"references: [{', '.join(self.references)}]"]
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
        for who, action in [("sam", "submit"), *[(("tom" if rng.random() < 0.5 else "li") if role == "Process Owner" else "jane", f"approve:{role}") for role in doc.approvers], ("jane", "release")]:
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
        doc.approvals.append({"name": name, "by": email, "role": role, "meaning": "approved",
                              "date": when.isoformat(), "fingerprint": doc.fingerprint})
        if len(doc.approvals) == len(doc.approvers):
            doc.status = "approved"
    elif action == "release":
        doc.status = "effective"
        day = (when + dt.timedelta(days=1)).date()
        doc.effective = day.isoformat()
        doc.review_due = day.replace(year=day.year + 3).isoformat()
    elif action == "revise":
        doc.revision = chr(ord(doc.revision) + 1)
        doc.status = "draft"
        doc.approvals = []
        doc.effective = doc.review_due = None
        doc.change = f"Revised the {rng.choice(WORDS)} and {rng.choice(WORDS)} steps after audit finding {rng.randrange(100, 999)}"
    elif action == "edit":
        doc.body += "\n" + " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + ".\n"
    return f"{doc.id}: {action.split(':')[0]} revision {doc.revision}"


def _spread(rng: random.Random, documents: int, commits: int) -> list[int]:
    """Commits per document: 3 to 12, mostly around the mean, adding up to ``commits``."""
    mean = max(1, commits // documents)
    counts = [max(1, min(12, mean + rng.randint(-3, 3))) for _ in range(documents)]
    while (total := sum(counts)) != commits:
        index = rng.randrange(documents)
        if total < commits and counts[index] < 40:
            counts[index] += 1
        elif total > commits and counts[index] > 1:
            counts[index] -= 1
    return counts


def stream(documents: int, commits: int, seed: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    docs = [Doc(rng, i) for i in range(documents)]
    per_doc = _spread(rng, documents, commits)
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

    yield header("jane", "Set up the controlled document repository") + b"M 100644 inline docctl.toml\n" + data(CONFIG.encode())
    step_of = [0] * documents
    for i in order:
        who, action = queues[i][step_of[i]]
        step_of[i] += 1
        when += dt.timedelta(minutes=30)
        doc = docs[i]
        message = apply(doc, who, action, when, rng)
        yield header(who, message) + f"M 100644 inline {doc.path}\n".encode() + data(doc.text().encode())
    yield b"done\n"


def generate(out: Path, documents: int, commits: int, seed: int = 7) -> Path:
    if out.exists():
        raise SystemExit(f"generate: {out} exists")
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    process = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=out, stdin=subprocess.PIPE)
    assert process.stdin is not None
    for chunk in stream(documents, commits, seed):
        process.stdin.write(chunk)
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("generate: git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=out, check=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic docctl repository with git fast-import.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.out, args.documents, args.commits, args.seed)
    print(f"generated {args.out}: {args.documents} documents, {args.commits} commits")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
