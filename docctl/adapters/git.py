"""The only module that runs git: argument lists, never a shell, ``--`` before paths."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NoReturn

from docctl.core.errors import GitError

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
        _failed(args, result.returncode, result.stderr)
    return result


def _failed(args: Sequence[str], code: int, stderr: bytes) -> NoReturn:
    message = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    errors = [line for line in message if line.startswith(("fatal:", "error:"))]
    detail = " ".join(errors or message[-1:]) or "no message"
    raise GitError(f"git {' '.join(args[:3])} failed (exit {code}): {detail}")


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


# history -------------------------------------------------------------------------------------

#: git's memory while it reads all of history (``git log``, ``git cat-file``): its defaults (a
#: 96 MiB delta base cache, packs mapped whole) made git the largest part of a cold check's peak
#: memory (165 MB of 180 at 5,000 flat documents, 366 MB at 5,000 qms ones); these limits cost no
#: CPU time on the bench repositories (docs/performance.md)
LEAN_GIT = (
    *("-c", "core.deltaBaseCacheLimit=8m"),
    *("-c", "core.packedGitWindowSize=16m"),
    *("-c", "core.packedGitLimit=64m"),
)

#: git configuration that must not change what docctl reads, whatever the user has set.
_LOG_CONFIG = (
    "-c",
    "log.showSignature=false",
    "-c",
    "log.follow=false",
    "-c",
    "color.ui=never",
    "-c",
    "diff.renames=true",
    "-c",
    "core.quotePath=false",
    "-c",
    "log.mailmap=false",
    *LEAN_GIT,
)
_MARK = "\x1edocctl\x1f"
RENAME_LIMIT = 20000


@dataclass(frozen=True, slots=True)
class FileChange:
    status: str  # A, M, D, R, C, T
    path: str  # the new path (the old one for D)
    blob: str | None  # the new blob id (None for D)
    old_path: str | None = None  # for R and C


@dataclass(frozen=True, slots=True)
class LogEntry:
    commit: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_date: str  # ISO 8601 with zone
    committer_date: str
    subject: str
    trailers: tuple[tuple[str, str], ...]
    changes: tuple[FileChange, ...]


def log(git: Git, revision_range: Sequence[str], *, first_parent: bool = True) -> list[LogEntry]:
    """One pass of ``git log --raw`` over ``revision_range``, oldest first, paths relative to the docctl root.

    Merges are shown as their diff against the first parent. Renames are detected (exact ones
    always, inexact ones up to RENAME_LIMIT files), whatever the user's configuration says.
    """
    return list(iter_log(git, revision_range, first_parent=first_parent))


def iter_log(git: Git, revision_range: Sequence[str], *, first_parent: bool = True) -> Iterator[LogEntry]:
    """:func:`log`, streamed: each entry as soon as git has written it, never the whole log in memory."""
    import tempfile

    fmt = _MARK + "%H%x00%P%x00%an%x00%ae%x00%aI%x00%cI%x00%s%x00%(trailers:only,unfold)%x00"
    args = [
        *_LOG_CONFIG,
        "log",
        "--reverse",
        "-z",
        "--raw",
        "--no-abbrev",
        "--no-color",
        "--no-ext-diff",
        "--relative",
        "-M",
        f"-l{RENAME_LIMIT}",
        f"--format={fmt}",
    ]
    if first_parent:
        args += ["--first-parent", "--diff-merges=first-parent"]
    else:
        args += ["--diff-merges=first-parent"]
    args += [*revision_range, "--"]
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                ["git", *args], cwd=git.cwd, env=_env(None), stdout=subprocess.PIPE, stderr=errors
            )
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH") from None
        assert process.stdout is not None
        try:
            yield from _entries(process.stdout)
            process.stdout.close()
            if process.wait() != 0:
                errors.seek(0)
                _failed(args, process.returncode, errors.read())
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()


def _entries(stream: IO[bytes]) -> Iterator[LogEntry]:
    """Log entries from git's output as it arrives: every commit before the last mark read is whole."""
    mark = _MARK.encode()
    pending = b""
    while chunk := stream.read(1 << 20):
        pending += chunk
        cut = pending.rfind(mark)
        if cut > 0:
            yield from parse_log(pending[:cut].decode("utf-8", "surrogateescape"))
            pending = pending[cut:]
    yield from parse_log(pending.decode("utf-8", "surrogateescape"))


def parse_log(data: str) -> Iterator[LogEntry]:
    tokens = data.split("\x00")
    index = 0
    count = len(tokens)
    while index < count:
        token = tokens[index]
        start = token.find(_MARK)
        if start < 0:
            index += 1
            continue
        fields = [token[start + len(_MARK) :], *tokens[index + 1 : index + 8]]
        index += 8
        commit, parents, name, email, adate, cdate, subject, trailers = fields
        changes: list[FileChange] = []
        while index < count:
            raw = tokens[index].lstrip("\n")
            if raw.startswith(":"):
                parts = raw[1:].split(" ")
                status = parts[4][:1]
                new_blob = parts[3]
                if status in ("R", "C"):
                    old, new = sys.intern(tokens[index + 1]), sys.intern(tokens[index + 2])
                    changes.append(FileChange(status, new, new_blob, old))
                    index += 3
                else:
                    path = sys.intern(tokens[index + 1])  # one object per path, however many versions
                    changes.append(FileChange(status, path, None if status == "D" else new_blob))
                    index += 2
            elif raw == "":
                index += 1
            else:
                break
        yield LogEntry(
            commit=commit,
            parents=tuple(parents.split()),
            author_name=sys.intern(name),
            author_email=sys.intern(email.lower()),
            author_date=adate,
            committer_date=cdate,
            subject=subject,
            trailers=_trailers(trailers),
            changes=tuple(changes),
        )


def _trailers(text: str) -> tuple[tuple[str, str], ...]:
    result = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            result.append((key.strip(), value.strip()))
    return tuple(result)


def iter_blobs(git: Git, blob_ids: Sequence[str]) -> Iterator[tuple[str, bytes]]:
    """(id, content) of many blobs from one ``git cat-file --batch`` process, streamed.

    A thread writes the ids while this generator reads the answers, so neither side blocks and
    only one blob is held at a time. Ask in history order: git's delta cache then stays warm
    (sorted ids are many times slower on a packed repository).
    """
    import queue
    import threading

    unique = list(dict.fromkeys(blob_ids))
    if not unique:
        return
    try:
        process = subprocess.Popen(
            ["git", *LEAN_GIT, "cat-file", "--batch"],
            cwd=git.cwd,
            env=_env(None),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    assert process.stdin is not None and process.stdout is not None
    stdin, stdout = process.stdin, process.stdout

    def feed() -> None:
        try:
            for start in range(0, len(unique), 512):
                stdin.write(("\n".join(unique[start : start + 512]) + "\n").encode())
            stdin.close()
        except (BrokenPipeError, ValueError):
            pass

    # bounded, so that a slow consumer holds at most a few hundred blobs in memory
    results: queue.Queue[tuple[str, bytes] | None | BaseException] = queue.Queue(maxsize=512)

    def drain() -> None:
        """Read answers ahead of the consumer, so git and the parsing overlap."""
        try:
            for blob in unique:
                header = stdout.readline().split()
                if len(header) < 3:
                    if header[1:2] == [b"missing"]:
                        continue
                    raise GitError(
                        f"git cat-file --batch answered {b' '.join(header).decode(errors='replace')!r} for {blob}"
                    )
                size = int(header[2])
                data = stdout.read(size)
                stdout.read(1)
                results.put((blob, data))
            results.put(None)
        except BaseException as error:  # handed to the consumer
            results.put(error)

    writer = threading.Thread(target=feed, daemon=True)
    reader = threading.Thread(target=drain, daemon=True)
    writer.start()
    reader.start()
    try:
        while (item := results.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        while reader.is_alive():  # unblock a reader waiting on a full queue
            with contextlib.suppress(queue.Empty):
                results.get(timeout=0.05)
        stdout.close()
        writer.join(timeout=5)


def read_blobs(git: Git, blob_ids: Sequence[str]) -> dict[str, bytes]:
    """Contents of many blobs (one process); for large sets prefer :func:`iter_blobs`."""
    return dict(iter_blobs(git, blob_ids))


def ls_tree(git: Git, commit: str) -> dict[str, str]:
    """path (relative to the docctl root) -> blob id, for every file of ``commit`` below the root."""
    out = run(["ls-tree", "-r", "-z", commit, "--", "."], git.cwd).stdout
    result: dict[str, str] = {}
    for record in out.decode("utf-8", "surrogateescape").split("\x00"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        mode, kind, blob = meta.split(" ")
        if kind == "blob" and mode != "120000":
            result[path] = blob
    return result


def commits_touching(git: Git, revision_range: Sequence[str], path: str) -> list[tuple[str, str | None]]:
    """(commit, first parent) of the first-parent commits in ``revision_range`` that changed ``path``
    (relative to the docctl root), oldest first."""
    out = output(["log", "--first-parent", "--reverse", "--format=%H %P", *revision_range, "--", path], git.cwd)
    result: list[tuple[str, str | None]] = []
    for line in out.splitlines():
        ids = line.split()
        if ids:
            result.append((ids[0], ids[1] if len(ids) > 1 else None))
    return result


def is_ancestor(git: Git, older: str, newer: str) -> bool:
    return run(["merge-base", "--is-ancestor", older, newer], git.cwd, check=False).returncode == 0


def resolve(git: Git, revision: str) -> str | None:
    """The commit id of ``revision`` (a sha, tag or branch), or None."""
    if revision.startswith("-"):
        return None
    result = run(["rev-parse", "--verify", "-q", "--end-of-options", f"{revision}^{{commit}}"], git.cwd, check=False)
    return result.stdout.decode().strip() or None if result.returncode == 0 else None


def commit_before(git: Git, moment: str) -> str | None:
    """The last first-parent commit of HEAD committed at or before ``moment`` (ISO date-time)."""
    result = run(["rev-list", "-1", "--first-parent", f"--before={moment}", "HEAD", "--"], git.cwd, check=False)
    return result.stdout.decode().strip() or None if result.returncode == 0 else None


def first_parent_chain(git: Git, tip: str) -> list[str]:
    """The commits of the first-parent line that ends at ``tip``, newest first."""
    return output(["rev-list", "--first-parent", tip, "--"], git.cwd).split()


def commit_dates(git: Git, tip: str) -> dict[str, dt.datetime]:
    """Author dates of every commit on the first-parent chain of ``tip`` (one git process)."""
    out = output(["log", "--first-parent", "--format=%H %aI", tip, "--"], git.cwd)
    dates: dict[str, dt.datetime] = {}
    for line in out.splitlines():
        commit, _, when = line.partition(" ")
        if when:
            dates[commit] = dt.datetime.fromisoformat(when)
    return dates


def files_added(git: Git, tip: str, folder: str, action: str) -> list[tuple[str, dt.datetime, str, str]]:
    """(commit, author date, path, blob) of every file under ``folder`` added by a first-parent commit
    of ``tip`` whose ``Docctl-Action`` trailer is ``action`` (one git process)."""
    fmt = "%x1e%H%x00%aI%x00%(trailers:key=Docctl-Action,valueonly,separator=%x2C)"
    out = run(
        [
            "log",
            "--first-parent",
            "--diff-filter=A",
            "--no-renames",
            "--raw",
            "--no-abbrev",
            "-z",
            f"--format={fmt}",
            tip,
            "--",
            folder,
        ],
        git.cwd,
    ).stdout.decode("utf-8", "surrogateescape")
    added: list[tuple[str, dt.datetime, str, str]] = []
    prefix = f"{git.prefix}/" if git.prefix else ""
    for chunk in out.split("\x1e")[1:]:
        head, _, raw = chunk.partition("\n")
        commit, when, actions = (head.split("\x00") + ["", ""])[:3]
        if action not in {a.strip() for a in actions.split(",")}:
            continue
        fields = raw.strip("\n\x00").split("\x00")
        for meta, path in zip(fields[::2], fields[1::2], strict=False):
            parts = meta.split()
            if len(parts) >= 4 and path.startswith(prefix):
                added.append((commit, dt.datetime.fromisoformat(when), path[len(prefix) :], parts[3]))
    return added


def hash_files(git: Git, paths: Sequence[Path]) -> list[str]:
    """The blob ids the files would have (``git hash-object``; one process)."""
    if not paths:
        return []
    out = output(["hash-object", "--no-filters", "--", *(str(p) for p in paths)], git.cwd)
    return out.split()


def commit_date(git: Git, commit: str) -> dt.datetime | None:
    """When ``commit`` was committed (its committer date, aware); None when git prints no date."""
    text = output(["log", "-1", "--no-walk", "--format=%cI", commit, "--"], git.cwd).strip()
    return dt.datetime.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class Signature:
    status: str  # git's %G?: G good, B bad, U good but unknown validity, X/Y expired, R revoked, E cannot check, N none
    signer: str  # %GS: the principal (SSH: the email of allowed_signers) or the key's user id (GPG)
    key: str  # %GF: the key fingerprint

    @property
    def email(self) -> str:
        match = re.search(r"<([^>]+)>", self.signer)
        return (match.group(1) if match else self.signer).strip().lower()


def signatures(git: Git, commits: Sequence[str], *, allowed_signers: Path | None) -> dict[str, Signature]:
    """Signature status of each commit, in one git call (GPG and SSH signing)."""
    if not commits:
        return {}
    config: list[str] = ["-c", "log.showSignature=false"]
    if allowed_signers is not None:
        config += ["-c", f"gpg.ssh.allowedSignersFile={allowed_signers}"]
    out = run(
        [*config, "log", "--no-walk=unsorted", "-z", "--format=%H%x1f%G?%x1f%GS%x1f%GF", *sorted(set(commits)), "--"],
        git.cwd,
    ).stdout.decode("utf-8", "replace")
    result: dict[str, Signature] = {}
    for record in out.split("\x00"):
        parts = record.strip("\n").split("\x1f")
        if len(parts) == 4:
            result[parts[0]] = Signature(parts[1], parts[2], parts[3])
    return result


def blob_ids(git: Git, specs: Sequence[str]) -> dict[str, str | None]:
    """``rev:path`` -> blob id (None when missing), in one ``git cat-file --batch-check``."""
    unique = list(dict.fromkeys(specs))
    if not unique:
        return {}
    out = run(["cat-file", "--batch-check"], git.cwd, stdin=("\n".join(unique) + "\n").encode()).stdout.decode(
        "utf-8", "replace"
    )
    result: dict[str, str | None] = {}
    for spec, line in zip(unique, out.splitlines(), strict=False):
        parts = line.split()
        result[spec] = parts[0] if len(parts) == 3 and parts[1] == "blob" else None
    return result


def index_files(git: Git) -> tuple[dict[str, str], set[str]]:
    """path (relative to the docctl root) -> blob id of every staged file below it; and the symlinks.

    Unmerged entries and submodules are left out (git commits neither).
    """
    raw = run(["ls-files", "--stage", "-z", "--", "."], git.cwd).stdout
    files: dict[str, str] = {}
    links: set[str] = set()
    for record in raw.decode("utf-8", "surrogateescape").split("\x00"):
        meta, _, path = record.partition("\t")
        if not path:
            continue
        mode, blob, stage = meta.split(" ")
        if stage != "0" or mode == "160000":
            continue
        files[path] = blob
        if mode == "120000":
            links.add(path)
    return files, links


def is_tracked(git: Git, name: str) -> bool:
    """Whether git's index holds the file ``name`` (relative to ``git.cwd``, read literally)."""
    return bool(run(["--literal-pathspecs", "ls-files", "-z", "--", name], git.cwd).stdout)


def dirty_paths(git: Git, paths: Sequence[str]) -> list[str]:
    """Those of ``paths`` (relative to the docctl root) that differ from HEAD: staged, unstaged or untracked."""
    # git matches every pathspec against every file: for many paths, the status of the whole tree is faster
    spec = list(paths) if len(paths) <= 64 else ["."]
    out = run(["status", "--porcelain", "-z", "--untracked-files=all", "--", *spec], git.cwd).stdout
    prefix = f"{git.prefix}/" if git.prefix else ""
    dirty = {entry[3:] for entry in out.decode("utf-8", "surrogateescape").split("\0") if entry[2:3] == " "}
    return [path for path in paths if prefix + path in dirty]


@dataclass(frozen=True, slots=True)
class IndexEntries:
    """The index entries of some paths as they were (``git ls-files -s -z --full-name``), to put back."""

    paths: tuple[str, ...]  # relative to the docctl root
    entries: bytes


def save_index(git: Git, paths: Sequence[str]) -> IndexEntries:
    """The index entries of ``paths`` now (none for a path the index does not hold)."""
    out = run(["ls-files", "-s", "-z", "--full-name", "--", *paths], git.cwd).stdout
    return IndexEntries(tuple(paths), out)


def restore_index(git: Git, saved: IndexEntries) -> None:
    """Put the index entries of the saved paths back as they were, removing any added since."""
    prefix = f"{git.prefix}/" if git.prefix else ""
    names = "".join(f"{prefix}{path}\0" for path in saved.paths).encode("utf-8", "surrogateescape")
    run(["update-index", "-z", "--force-remove", "--stdin"], git.toplevel, stdin=names, check=False)
    if saved.entries:
        run(["update-index", "-z", "--index-info"], git.toplevel, stdin=saved.entries, check=False)


def shallow_boundary(git: Git) -> frozenset[str]:
    """The commits where a shallow clone's history stops (empty for a full clone)."""
    try:
        text = (git.git_dir / "shallow").read_text(encoding="ascii")
    except OSError:
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())
