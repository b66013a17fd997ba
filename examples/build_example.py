#!/usr/bin/env python3
"""Build the ACME Precision Parts example into a git repository with a believable history.

The history is made by docctl itself, used as a user would: drafts committed by their authors,
``submit``, ``approve`` by each approver under their own git identity, ``release``, a periodic
``review``, second revisions through ``revise``, and one revision still in progress.

The timeline is relative to ``--today`` (default: the real date), so the example never has an
overdue periodic review, whatever the day it is built on.

    python examples/build_example.py --out build/acme-qms [--today 2026-06-01] [--force]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "acme-qms"
sys.path.insert(0, str(HERE.parent))

import docctl  # noqa: E402
from docctl.formats.docx import set_core_properties  # noqa: E402

#: The order documents are drafted and released in (day offsets from the start of the history).
ORDER = [
    "POL-001",
    "QM-001",
    "POL-002",
    "SOP-001",
    "SOP-002",
    "FRM-001",
    "SOP-003",
    "FRM-002",
    "SOP-004",
    "FRM-005",
    "SOP-005",
    "FRM-003",
    "SOP-006",
    "FRM-004",
    "SOP-007",
    "SOP-008",
    "SOP-009",
    "SOP-010",
    "WI-001",
    "WI-002",
    "WI-003",
]
HISTORY_DAYS = 400


class Builder:
    def __init__(self, out: Path, today: dt.date) -> None:
        self.out = out
        self.start = dt.datetime.combine(today - dt.timedelta(days=HISTORY_DAYS), dt.time(9, 0), dt.UTC)
        self.now = self.start
        config = tomllib.loads((SOURCE / "docctl.toml").read_text(encoding="utf-8"))
        self.people = {email: entry for email, entry in config["people"].items()}
        self.types = config["types"]
        self.repo: docctl.Repository | None = None

    # identity and time -----------------------------------------------------------------------
    def clock(self) -> dt.datetime:
        return self.now

    def advance(self, *, days: int = 0, hours: int = 0) -> None:
        self.now += dt.timedelta(days=days, hours=hours)

    @contextmanager
    def acting(self, email: str) -> Iterator[None]:
        name = self.people[email]["name"]
        stamp = self.now.isoformat()
        values = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": stamp,
        }
        saved = {key: os.environ.get(key) for key in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        self.advance(hours=3)

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.out, check=True, capture_output=True)

    # steps --------------------------------------------------------------------------------------
    def setup(self) -> None:
        self.out.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")
        for key, value in (
            ("user.name", "Jane Smith"),
            ("user.email", "jane.smith@acme.example"),
            ("commit.gpgsign", "false"),
            ("tag.gpgsign", "false"),
        ):
            self.git("config", key, value)
        shutil.copy(SOURCE / "docctl.toml", self.out / "docctl.toml")
        (self.out / "README.md").write_text(
            "# ACME Precision Parts Ltd. — controlled documents\n\n"
            "The quality manual, policies, procedures, work instructions and forms of our ISO 9001:2015\n"
            "quality management system, controlled with docctl. Run `docctl check` before you commit.\n",
            encoding="utf-8",
        )
        with self.acting("jane.smith@acme.example"):
            self.git("add", "-A")
            self.git("commit", "-q", "-m", "Set up the controlled document repository")
        self.repo = docctl.open(self.out, clock=self.clock)

    def draft(self, doc_id: str) -> str:
        """Commit revision A as its author wrote it; returns the author's email."""
        source = self.source_of(doc_id)
        if doc_id.startswith("FRM-"):
            return self.draft_form(doc_id)
        target = self.out / source.relative_to(SOURCE / "documents")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
        author = self.repository.load(target.relative_to(self.out).as_posix()).document.author  # type: ignore[union-attr]
        assert author is not None
        with self.acting(author):
            self.git("add", "--", str(target.relative_to(self.out)))
            self.git("commit", "-q", "-m", f"{doc_id}: first draft")
        return author

    def draft_form(self, doc_id: str) -> str:
        meta = tomllib.loads((SOURCE / "forms-src" / "forms.toml").read_text(encoding="utf-8"))[doc_id]
        from docctl.lifecycle.scaffold import slug

        rel = f"forms/{doc_id}-{slug(meta['title'])}.docx"
        data = (SOURCE / "forms-src" / f"{doc_id}.docx").read_bytes()
        data = set_core_properties(
            data, {"identifier": doc_id, "title": meta["title"], "version": "A", "content_status": "draft"}
        )
        (self.out / "forms").mkdir(exist_ok=True)
        (self.out / rel).write_bytes(data)
        sidecar = (
            f"id: {doc_id}\ntitle: {meta['title']}\ntype: FRM\nrevision: A\nstatus: draft\n"
            f"owner: {meta['owner']}\nauthor: {meta['author']}\n"
            f"clauses: [{', '.join(repr(c).replace(chr(39), chr(34)) for c in meta['clauses'])}]\n"
            f"references: [{', '.join(meta['references'])}]\n"
        )
        (self.out / (rel + ".yml")).write_text(sidecar, encoding="utf-8")
        with self.acting(meta["author"]):
            self.git("add", "--", rel, rel + ".yml")
            self.git("commit", "-q", "-m", f"{doc_id}: first draft of the form")
        return str(meta["author"])

    def approvers(self, doc_id: str, author: str) -> list[tuple[str, str]]:
        document = self.repository.document(doc_id)
        doc_type = self.types[document.type or ""]
        chosen: list[tuple[str, str]] = []
        # four eyes: never the author, and a different person for each required role
        for role in sorted(doc_type["approvers"], key=lambda r: r != "Quality Manager"):
            taken = {email for email, _ in chosen}
            holders = [e for e, p in self.people.items() if role in p["roles"] and e != author and e not in taken]
            holders.sort(key=lambda e: (e != document.owner, e != "jane.smith@acme.example", e))
            chosen.append((holders[0], role))
        return sorted(chosen, key=lambda pair: doc_type["approvers"].index(pair[1]))

    def approve_and_release(self, doc_id: str, author: str, *, release: bool = True) -> None:
        repo = self.repository
        with self.acting(author):
            repo.submit(doc_id)
        self.advance(days=2)
        for email, role in self.approvers(doc_id, author):
            with self.acting(email):
                repo.approve(doc_id, role=role)
            self.advance(days=1)
        if release:
            with self.acting("jane.smith@acme.example"):
                repo.release(doc_id, effective=(self.now + dt.timedelta(days=3)).date())

    def second_revisions(self) -> None:
        changes = tomllib.loads((SOURCE / "documents" / "_revisions" / "changes.toml").read_text(encoding="utf-8"))
        for doc_id, revisions in changes.items():
            for revision, change in revisions.items():
                repo = self.repository
                author = change["author"]
                with self.acting(author):
                    repo.revise(doc_id, change=change["change"], change_request=change.get("change_request"))
                self.advance(days=4)
                document = repo.document(doc_id)
                path = self.out / document.path
                text = path.read_text(encoding="utf-8")
                head, _, _ = text.partition("\n---\n")
                body = (SOURCE / "documents" / "_revisions" / f"{doc_id}.{revision}.md").read_text(encoding="utf-8")
                path.write_text(head + "\n---\n\n" + body, encoding="utf-8")
                with self.acting(author):
                    self.git("add", "--", document.path)
                    self.git("commit", "-q", "-m", f"{doc_id}: draft revision {revision}")
                self.advance(days=5)
                if doc_id == "SOP-008":  # still in progress: the register shows it as pending
                    continue
                self.approve_and_release(doc_id, author)
                resume = self.now + dt.timedelta(days=10)
                self.advance(days=4)
                self.review_referrers(doc_id)
                self.now = resume

    def review_referrers(self, doc_id: str) -> None:
        """Impact of a change (ISO 9001 7.5.3.2 c): once the new revision is in force, the
        documents that refer to it are reviewed against it and kept (``docctl review``)."""
        repo = self.repository
        for entry in repo.xref(doc_id).incoming:
            referrer = repo.document(entry.target)
            if referrer.status is not docctl.Status.EFFECTIVE:
                continue
            with self.acting("jane.smith@acme.example"):
                repo.review(entry.target, outcome="keep")

    @property
    def repository(self) -> docctl.Repository:
        assert self.repo is not None
        return self.repo

    def source_of(self, doc_id: str) -> Path:
        if doc_id.startswith("FRM-"):
            return SOURCE / "forms-src" / f"{doc_id}.docx"
        found = sorted((SOURCE / "documents").glob(f"*/{doc_id}-*.md"))
        if not found:
            raise SystemExit(f"build_example: no source for {doc_id}")
        return found[0]


def build(out: Path, today: dt.date | None = None, *, force: bool = False) -> Path:
    """Build the example repository at ``out``; returns it."""
    today = today or dt.date.today()
    if out.exists():
        if not force:
            raise SystemExit(f"build_example: {out} exists (use --force to replace it)")
        shutil.rmtree(out)
    builder = Builder(out, today)
    builder.setup()
    for index, doc_id in enumerate(ORDER):
        builder.advance(days=1 if index else 2)
        author = builder.draft(doc_id)
        builder.advance(days=3)
        builder.approve_and_release(doc_id, author)
    # a year on: periodic reviews of the yearly documents, then the second revisions
    builder.now = max(builder.now, builder.start + dt.timedelta(days=HISTORY_DAYS - 60))
    for doc_id in ("QM-001", "POL-001", "POL-002"):
        with builder.acting("jane.smith@acme.example"):
            builder.repository.review(doc_id, outcome="keep")
        builder.advance(days=1)
    builder.second_revisions()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/acme-qms"))
    parser.add_argument("--today", type=dt.date.fromisoformat, help="anchor the timeline on this date (default: today)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    out = build(args.out, args.today, force=args.force)
    print(f"built {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
