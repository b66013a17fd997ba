"""docctl check: run every rule; lines ``path:line: CODE message`` or the JSON report (SPEC §5).

``--hook`` (pre-commit) checks the tree the next commit would record — the git index, which is
what pre-commit leaves in the working tree — always as a whole: FILES are ignored, so every
invocation gives the same findings whether pre-commit passes one file, thousands in several
parallel chunks, or none (see docs/pre-commit.md).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from docctl import __version__
from docctl.commands.common import display_path, notice, out, out_json, repository
from docctl.config import CONFIG_NAME
from docctl.model import Severity
from docctl.repository import Clock, CommitView, Repository

if TYPE_CHECKING:
    from docctl.config import Config
    from docctl.git import Git
    from docctl.sources import Loaded


def run(args: argparse.Namespace) -> int:
    repo = repository(args)
    if args.hook:
        repo = staged(repo)
        report = repo.check()
    else:
        report = repo.check(args.files or None)
    fail_on = Severity(args.fail_on) if args.fail_on else repo.config.fail_on
    if args.format == "json":
        out_json(report.to_dict(__version__))
    else:
        for item in report.findings:
            where = display_path(repo, item.path)
            if item.line is not None:
                where = f"{where}:{item.line}"
            out(f"{where}: {item.code} {item.message}")
        if not args.hook:
            counts = report.counts
            notice(
                f"{report.checked} file(s) checked: {counts['major']} major, "
                f"{counts['minor']} minor, {counts['ofi']} ofi"
                + (f" at commit {report.commit[:12]}" if report.commit else "")
            )
    return 1 if report.at_or_above(fail_on) else 0


def staged(repo: Repository) -> Repository:
    """The repository as the next commit would record it: the index, with HEAD's history.

    Outside git there is no index: the working tree is what would be committed.
    """
    git = repo.git()
    if git is None:
        return repo
    files, links = index_files(git)
    config = repo.config
    if CONFIG_NAME in files:  # the staged configuration governs the staged documents
        from docctl.config import parse_config
        from docctl.git import read_blobs

        data = read_blobs(git, [files[CONFIG_NAME]]).get(files[CONFIG_NAME], b"")
        config = parse_config(data, repo.root, repo.root / CONFIG_NAME)
    return StagedView(config, git=git, files=files, links=links, clock=repo.now)


def index_files(git: Git) -> tuple[dict[str, str], set[str]]:
    """path (relative to the root) -> blob id of every staged file below the root; and the symlinks.

    Unmerged entries and submodules are left out (git commits neither).
    """
    from docctl.git import run as run_git

    raw = run_git(["ls-files", "--stage", "-z", "--", "."], git.cwd).stdout
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


class StagedView(CommitView):
    """A read-only repository of the staged blobs, with the history of HEAD (none before a commit).

    A staged symbolic link is read through the working tree, where pre-commit leaves the staged
    version, so that a link leaving the repository is reported as it is by ``docctl check``.
    """

    current = True  # the staged tree is the current one: the parse cache is shared with check

    def __init__(
        self, config: Config, *, git: Git, files: dict[str, str], links: set[str], clock: Clock
    ) -> None:
        head = git.head()
        super().__init__(config, git=git, commit=head or "", files=files, clock=clock)
        self._head = head  # None before the first commit: no history
        self._links = links

    def __repr__(self) -> str:
        return f"Repository({str(self.root)!r}, staged)"

    def load(self, path: str) -> Loaded:
        if path in self._links:
            return Repository.load(self, path)
        return super().load(path)
