"""Read-only views of a repository: as it stood at a commit or a date, and as the git index stages it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from docctl.adapters import git as gitmod
from docctl.adapters.clock import Clock
from docctl.adapters.git import Git, index_files, read_blobs
from docctl.composer.base import CONTROLLED, Composer
from docctl.composer.store import entry_key, stamp_of
from docctl.config.load import parse_config
from docctl.config.model import CONFIG_NAME, Config
from docctl.core.errors import UsageError
from docctl.documents.sources import SIDECAR_SUFFIX, Loaded, load
from docctl.rules.context import RuleContext


def at(
    composer: Composer,
    when: str | dt.date | dt.datetime,
    *,
    view: type[CommitView] | None = None,
    clock: Clock | None = None,
) -> CommitView:
    """A read-only repository as it stood at a commit (id, tag, branch) or at the end of a date; its
    clock stands at that moment unless ``clock`` is given (the portal: HEAD's documents, today)."""

    git = composer.git()
    if git is None or git.head() is None:
        raise UsageError("as-of views need git history: this repository has none")
    commit: str | None = None
    moment: dt.datetime | None = None
    if isinstance(when, dt.datetime):
        moment = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    elif isinstance(when, dt.date):
        moment = dt.datetime.combine(when, dt.time(23, 59, 59), dt.UTC)
    else:
        try:
            moment = dt.datetime.combine(dt.date.fromisoformat(when), dt.time(23, 59, 59), dt.UTC)
        except ValueError:
            commit = gitmod.resolve(git, when)
            if commit is None:
                raise UsageError(f"'{when}' is neither a date YYYY-MM-DD nor a commit of this repository") from None
    if commit is None:
        assert moment is not None
        commit = gitmod.commit_before(git, moment.isoformat())
        if commit is None:
            raise UsageError(f"the repository has no commit on or before {moment.date().isoformat()}")
    files = gitmod.ls_tree(git, commit)
    config = composer.config
    if CONFIG_NAME in files:
        data = gitmod.read_blobs(git, [files[CONFIG_NAME]]).get(files[CONFIG_NAME], b"")
        config = parse_config(data, composer.root, composer.root / CONFIG_NAME)
    if clock is not None:
        return (view or CommitView)(config, git=git, commit=commit, files=files, clock=clock)
    if moment is None:
        from docctl.history.walk import commit_of

        entries = gitmod.log(git, ["-1", commit])
        moment = commit_of(entries[0]).committed if entries else composer.now()
    fixed = moment
    return (view or CommitView)(config, git=git, commit=commit, files=files, clock=lambda: fixed)


def staged(composer: Composer, *, view: type[StagedView] | None = None) -> Composer:
    """The repository as the next commit would record it: the git index, with HEAD's history
    (what the pre-commit hook checks). Outside git the working tree is what would be committed."""

    git = composer.git()
    if git is None:
        return composer
    files, links = index_files(git)
    config = composer.config
    if CONFIG_NAME in files:  # the staged configuration governs the staged documents
        data = read_blobs(git, [files[CONFIG_NAME]]).get(files[CONFIG_NAME], b"")
        config = parse_config(data, composer.root, composer.root / CONFIG_NAME)
    return (view or StagedView)(config, git=git, files=files, links=links, clock=composer.now)


class CommitView(Composer):
    """A read-only repository as it stood at one commit (``Repository.at``)."""

    current = False

    def __init__(self, config: Config, *, git: Git, commit: str, files: dict[str, str], clock: Clock) -> None:
        super().__init__(config, clock=clock)
        self._git = git
        self._head = commit
        self.commit = commit
        self._files = files
        self._contents: dict[str, bytes] | None = None
        self._paths: list[str] | None = None
        self._few = False  # a check by difference: read the blobs of the files asked for, one by one

    def __repr__(self) -> str:
        return f"Repository({str(self.root)!r}, at={self.commit[:12]!r})"

    def files(self) -> dict[str, str]:
        """Every file of the commit's tree (path relative to the root -> blob id)."""
        return dict(self._files)

    def controlled_paths(self) -> list[str]:
        if self._paths is None:  # a commit's tree does not change: work it out once
            self._paths = sorted(p for p in self._files if self.verdict(p) == CONTROLLED)
        return list(self._paths)

    def tree_paths(self) -> list[str]:
        return sorted(self._files)

    def prefetch(self, wanted: Sequence[str]) -> None:
        """Read the blobs of ``wanted`` (and their sidecars) that are not read yet, in one git process."""
        contents = self._blob_contents()
        names = [n for p in wanted for n in (p, p + SIDECAR_SUFFIX)]
        blobs = [b for b in (self._files.get(n) for n in names) if b is not None and b not in contents]
        if blobs:
            contents.update(read_blobs(self._git, blobs))  # type: ignore[arg-type]

    def raw(self, path: str) -> bytes | None:
        blob = self._files.get(path)
        if blob is None:
            return None
        self.prefetch([path])
        return self._blob_contents().get(blob)

    def _key(self, path: str) -> str:
        return entry_key(path, self._files[path], self._files.get(path + SIDECAR_SUFFIX))

    def _blob_contents(self) -> dict[str, bytes]:
        """The blobs of every controlled file the parse cache does not know yet (one git process)."""
        if self._contents is None:
            from docctl.adapters.git import read_blobs

            store = self.store()
            wanted = [p for p in self.controlled_paths() if store.get(self._key(p)) is None]
            blobs = [self._files[p] for p in wanted]
            blobs += [self._files[p + SIDECAR_SUFFIX] for p in wanted if p + SIDECAR_SUFFIX in self._files]
            self._contents = read_blobs(self._git, blobs)  # type: ignore[arg-type]
        return self._contents

    def content_keys(self) -> dict[str, str | None]:
        """Every controlled path's parse-cache key, from the blob ids the tree lists."""
        self._few = True
        return {p: self._key(p) for p in self.controlled_paths()}

    def loaded(self) -> list[Loaded]:
        if self._few:  # a whole check after all: read the blobs in one go
            self._few, self._contents = False, None
        return super().loaded()

    def load(self, path: str) -> Loaded:
        cached = self._cache.get(path)
        if cached is not None:
            return cached[1]
        store = self.store()
        key = self._key(path)
        loaded = store.get(key)
        if loaded is None:
            if self._few and self._contents is None:
                self._contents = {}
            self.prefetch([path])
            contents = self._blob_contents()
            data = contents.get(self._files.get(path, ""), b"")
            sidecar_blob = self._files.get(path + SIDECAR_SUFFIX)
            sidecar = contents.get(sidecar_blob) if sidecar_blob else None
            loaded = load(path, data, self.config, sidecar=sidecar)
            store.put(key, loaded)
        self._cache[path] = ((), loaded)
        self._keys[path] = key
        return loaded

    def _writable(self) -> None:
        raise UsageError(f"the repository as of commit {self.commit[:12]} is read-only")


class StagedView(CommitView):
    """A read-only repository of the staged blobs, with the history of HEAD (none before a commit).

    A staged symbolic link is read through the working tree, where pre-commit leaves the staged
    version, so that a link leaving the repository is reported as it is by ``docctl check``.
    """

    current = True  # the staged tree is the current one: the parse cache is shared with check

    def __init__(self, config: Config, *, git: Git, files: dict[str, str], links: set[str], clock: Clock) -> None:
        head = git.head()
        super().__init__(config, git=git, commit=head or "", files=files, clock=clock)
        self._head = head  # None before the first commit: no history
        self._links = links

    def __repr__(self) -> str:
        return f"Repository({str(self.root)!r}, staged)"

    def _inputs(self, ctx: RuleContext) -> tuple[str, float]:
        """The staged tree is known by its blob ids (racy stamps only matter for staged symlinks)."""
        parts = [str(self._head), ctx.today.isoformat(), self._shallow_mark()]
        parts += [f"{path}\x00{blob}" for path, blob in sorted(self._files.items())]
        newest = 0.0
        for link in sorted(self._links):
            stamp = stamp_of(self.root / link)
            parts.append(f"{link}\x00{stamp}")
            newest = max(newest, (stamp[1] if stamp else 0) / 1e9)
        return hashlib.sha256("\x01".join(parts).encode("utf-8", "surrogateescape")).hexdigest(), newest

    def content_keys(self) -> dict[str, str | None]:
        keys = super().content_keys()
        return {p: None if p in self._links else key for p, key in keys.items()}

    def load(self, path: str) -> Loaded:
        if path in self._links:
            return Composer.load(self, path)
        return super().load(path)
