"""Test helpers: real git repositories with isolated configuration, fixed identities and dates."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

CONFIG = """\
[docctl]
standards = ["iso9001:2015"]
revision_scheme = "letters"
fail_on = "major"
review_warning_days = 30

[types.SOP]
title = "Standard Operating Procedure"
id_pattern = "SOP-{n:03}"
approvers = ["Process Owner", "Quality Manager"]
review_months = 24

[types.WI]
title = "Work Instruction"
id_pattern = "WI-{n:03}"
approvers = ["Process Owner"]
review_months = 24
allow_self_approval = true

[types.FRM]
title = "Form"
id_pattern = "FRM-{n:03}"
approvers = ["Quality Manager"]
review_months = 36

[people."jane.smith@acme.example"]
name = "Jane Smith"
roles = ["Quality Manager"]

[people."tom.baker@acme.example"]
name = "Tom Baker"
roles = ["Process Owner"]

[people."sam.okafor@acme.example"]
name = "Sam Okafor"
roles = ["Quality Engineer"]
"""

PEOPLE = {
    "jane": ("Jane Smith", "jane.smith@acme.example"),
    "tom": ("Tom Baker", "tom.baker@acme.example"),
    "sam": ("Sam Okafor", "sam.okafor@acme.example"),
}


def front_matter(fields: Mapping[str, Any]) -> str:
    """YAML front matter text; lists in flow style, approvals as block mappings."""
    lines = ["---"]
    for key, value in fields.items():
        if value is None:
            continue
        if key == "approvals":
            lines.append("approvals:")
            for approval in value:
                first = True
                for akey, avalue in approval.items():
                    lines.append(f"  {'- ' if first else '  '}{akey}: {avalue}")
                    first = False
        elif isinstance(value, (list, tuple)):
            lines.append(f"{key}: [{', '.join(str(v) for v in value)}]")
        else:
            lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def sop(doc_id: str = "SOP-001", **overrides: Any) -> str:
    """A valid draft SOP as Markdown text; keyword arguments override fields, ``body`` the body."""
    body = overrides.pop("body", f"\n# {doc_id} Document Control\n\n## Purpose\n\nControl documents.\n")
    fields: dict[str, Any] = {
        "id": doc_id,
        "title": "Document Control",
        "type": "SOP",
        "revision": "A",
        "status": "draft",
        "owner": "tom.baker@acme.example",
        "author": "sam.okafor@acme.example",
    }
    fields.update(overrides)
    return front_matter(fields) + body


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables inside the block; restore the previous values after."""
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


def git_config(pairs: list[tuple[str, str]]) -> AbstractContextManager[None]:
    """git configuration for the commands run inside the block, through GIT_CONFIG_* variables."""
    values = {"GIT_CONFIG_COUNT": str(len(pairs))}
    for index, (name, value) in enumerate(pairs):
        values[f"GIT_CONFIG_KEY_{index}"] = name
        values[f"GIT_CONFIG_VALUE_{index}"] = value
    return environment(values)


class GitRepo:
    """A docctl repository inside a fresh git work tree."""

    def __init__(self, path: Path, config: str = CONFIG) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Jane Smith")
        self.git("config", "user.email", "jane.smith@acme.example")
        self.git("config", "commit.gpgsign", "false")
        self.write("docctl.toml", config)
        self.clock = 0

    def write(self, rel: str, text: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def git(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        result = subprocess.run(
            ["git", *args], cwd=self.path, capture_output=True, text=True, env=full_env, check=False
        )
        if result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def commit(self, message: str = "change", *, who: str = "jane", date: str | None = None) -> str:
        """Commit everything as one of PEOPLE, at a fixed, increasing date."""
        name, email = PEOPLE[who]
        self.clock += 1
        stamp = date or f"2026-01-{self.clock:02d}T10:00:00+00:00"
        env = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": stamp,
        }
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env)
        return self.git("rev-parse", "HEAD").strip()

    def status(self) -> str:
        return self.git("status", "--porcelain", "--untracked-files=all")
