"""Driving the lifecycle as several people on a real git repository, with a controllable clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import PEOPLE, GitRepo, environment

import docctl


class Office:
    """A repository, a clock that moves forward, and people who act under their own git identity."""

    def __init__(self, repo: GitRepo, start: str = "2026-01-05T09:00:00+00:00") -> None:
        self.repo = repo
        self.now = dt.datetime.fromisoformat(start)
        self.qms = docctl.open(repo.path, clock=self.clock)

    def clock(self) -> dt.datetime:
        return self.now

    def tick(self, days: int = 1) -> None:
        self.now += dt.timedelta(days=days)

    @contextmanager
    def acting(self, who: str) -> Iterator[docctl.Repository]:
        name, email = PEOPLE[who]
        values = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": self.now.isoformat(),
        }
        try:
            with environment(values):
                yield self.qms
        finally:
            self.tick()

    def commit_as(self, who: str, message: str) -> str:
        self.tick()
        return self.repo.commit(message, who=who, date=self.now.isoformat())

    def released_sop(self, doc_id: str = "SOP-001", rel: str | None = None, *, title: str = "Document Control") -> str:
        """Draft by Sam, approved by Tom (Process Owner) and Jane (Quality Manager), released by Jane."""
        from helpers import sop

        rel = rel or f"sops/{doc_id}.md"
        self.repo.write(
            rel, sop(doc_id, title=title, body=f"\n# {doc_id} {title}\n\n## Purpose\n\nControl documents.\n")
        )
        self.commit_as("sam", f"{doc_id}: draft")
        with self.acting("sam") as qms:
            qms.submit(doc_id)
        with self.acting("tom") as qms:
            qms.approve(doc_id, role="Process Owner")
        with self.acting("jane") as qms:
            qms.approve(doc_id, role="Quality Manager")
        with self.acting("jane") as qms:
            qms.release(doc_id)
        return rel


def codes(qms: docctl.Repository) -> list[tuple[str, str | None, int | None]]:
    return [(f.code, f.path, f.line) for f in qms.check().findings]


def tree(root: Path) -> dict[str, bytes]:
    """Every file of the work tree (not .git) and its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def state(repo: GitRepo) -> tuple[dict[str, bytes], str, str, str, str]:
    """Work tree, status, index, HEAD and tags: what a refused or failed step must leave as it was."""
    head = repo.git("rev-parse", "HEAD").strip()
    return tree(repo.path), repo.status(), repo.git("ls-files", "-s"), head, repo.git("tag", "-l")
