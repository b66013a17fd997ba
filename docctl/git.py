"""The only module that runs git: argument lists, never a shell, ``--`` before paths."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from docctl.errors import GitError

#: Environment for every git call: no pager, no prompts, stable output whatever the user's locale.
_ENV_OVERRIDES = {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C", "LANG": "C"}


def _env(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(_ENV_OVERRIDES)
    if extra:
        env.update(extra)
    return env


def run(
    args: Sequence[str],
    cwd: Path,
    *,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git ARGS`` in ``cwd``; GitError with the command, exit code and message on failure."""
    command = ["git", *args]
    try:
        result = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, env=_env(env), check=False)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else "no message"
        raise GitError(f"git {' '.join(args[:3])} failed (exit {result.returncode}): {detail}")
    return result


def output(args: Sequence[str], cwd: Path, **kwargs: object) -> str:
    return run(args, cwd, **kwargs).stdout.decode("utf-8", "surrogateescape")  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    email: str


class Git:
    """A git work tree seen from ``cwd`` (the docctl root, which may sit below the top level)."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        result = run(["rev-parse", "--show-toplevel", "--git-dir"], cwd, check=False)
        if result.returncode != 0:
            raise GitError(f"{cwd} is not in a git work tree")
        top, git_dir = result.stdout.decode("utf-8", "surrogateescape").splitlines()[:2]
        self.toplevel = Path(top)
        self.git_dir = (cwd / git_dir).resolve()
        self.prefix = cwd.resolve().relative_to(self.toplevel.resolve()).as_posix()
        if self.prefix == ".":
            self.prefix = ""

    @classmethod
    def find(cls, cwd: Path) -> Git | None:
        """The work tree holding ``cwd``, or None when there is none (or git is missing)."""
        try:
            return cls(cwd)
        except GitError:
            return None

    def head(self) -> str | None:
        result = run(["rev-parse", "--verify", "-q", "HEAD^{commit}"], self.cwd, check=False)
        return result.stdout.decode().strip() or None if result.returncode == 0 else None

    def identity(self) -> Identity:
        """The author identity git would use (GIT_AUTHOR_* variables, then user.name / user.email)."""
        result = run(["var", "GIT_AUTHOR_IDENT"], self.cwd, check=False)
        text = result.stdout.decode("utf-8", "replace").strip()
        match = re.match(r"^(?P<name>.*?) <(?P<email>[^>]*)>", text)
        if result.returncode != 0 or match is None or not match.group("email"):
            raise GitError("git user.email is not set (git config user.email you@example.com)")
        email = match.group("email").lower()
        return Identity(match.group("name") or email, email)

    def tag_exists(self, name: str) -> bool:
        return run(["rev-parse", "-q", "--verify", f"refs/tags/{name}"], self.cwd, check=False).returncode == 0

    def tag(self, name: str, commit: str, message: str, *, env: Mapping[str, str] | None = None) -> None:
        run(["tag", "-a", "-m", message, "--", name, commit], self.cwd, env=env)

    def unstage(self, paths: Sequence[str]) -> None:
        run(["reset", "-q", "--", *paths], self.cwd, check=False)


def trailers_message(subject: str, trailers: Sequence[tuple[str, str]], body: str = "") -> str:
    text = subject.strip() + "\n"
    if body.strip():
        text += "\n" + body.strip() + "\n"
    if trailers:
        text += "\n" + "".join(f"{key}: {value}\n" for key, value in trailers)
    return text


def stage(git: Git, paths: Sequence[str]) -> None:
    """``git add -- PATHS`` (paths relative to the docctl root)."""
    run(["add", "--", *paths], git.cwd)


def commit(git: Git, message: str, *, paths: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """Commit exactly ``paths`` (already written) with ``message``; returns the new commit id."""
    run(["add", "--", *paths], git.cwd)
    run(["commit", "-q", "--no-verify", "-F", "-", "--", *paths], git.cwd, stdin=message.encode("utf-8"), env=env)
    head = git.head()
    assert head is not None
    return head
