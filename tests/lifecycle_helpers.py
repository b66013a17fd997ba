"""Driving the lifecycle as several people on a real git repository, with a controllable clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

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
