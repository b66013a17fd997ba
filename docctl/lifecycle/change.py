"""The change one lifecycle step makes: files edited in memory and read back, then written atomically
and committed (or staged) as one, under a journal that lets an interrupted step be finished or undone
(:mod:`docctl.lifecycle.recovery`); on any failure every file and the index are put back."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.adapters import git as gitmod
from docctl.adapters.atomic import write_atomic
from docctl.adapters.lock import clear_journal, state_folder, write_journal
from docctl.core.errors import DocctlError, GitError, LifecycleError, MetadataError
from docctl.core.journal import JournalFile, StepJournal, digest
from docctl.core.model import Document
from docctl.documents.sources import SIDECAR_SUFFIX, Loaded, load
from docctl.formats.frontmatter import MetadataText, split_front_matter
from docctl.lifecycle.journal import pause, signals_deferred
from docctl.lifecycle.recovery import complete, roll_back

if TYPE_CHECKING:
    from docctl.composer.base import Composer


@dataclass(frozen=True, slots=True)
class Actor:
    """The person acting: the name and email git records as the author of the step's commit."""

    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Commit:
    """What the step's commit says: its subject and the Docctl-* trailers."""

    action: str
    doc_id: str
    revision: str
    subject: str
    fingerprint: str | None
    extra: tuple[tuple[str, str], ...] = ()
    tag: tuple[str, str] | None = None  # (name, message) of the annotated tag that follows the commit
    body: str = ""  # between the subject and the trailers

    def message(self) -> str:
        trailers = [
            ("Docctl-Action", self.action),
            ("Docctl-Document", self.doc_id),
            ("Docctl-Revision", self.revision),
        ]
        if self.fingerprint:
            trailers.append(("Docctl-Fingerprint", self.fingerprint))
        trailers.extend(self.extra)
        return gitmod.trailers_message(self.subject, trailers, self.body)


def metadata_problem(loaded: Loaded) -> str | None:
    """The first reading finding (DC101, DC102, DC107) of a file, as ``path:line: message``; None when sound."""
    if not loaded.findings:
        return None
    first = loaded.findings[0]
    where = f"{first.path}:{first.line}" if first.line else str(first.path)
    return f"{where}: {first.message}"


class Change:
    """Files to write for one step: validated in memory, written atomically, committed or rolled back."""

    def __init__(self, repo: Composer, who: Actor) -> None:
        self.repo = repo
        self.who = who
        self.git = repo.git()
        self.files: dict[str, bytes] = {}
        self.results: dict[str, Document] = {}  # path -> the document as the edit leaves it
        stamp = repo.now().replace(microsecond=0).isoformat()
        self.env = {
            "GIT_AUTHOR_NAME": who.name,
            "GIT_AUTHOR_EMAIL": who.email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }

    def put(self, path: str, data: bytes) -> None:
        self.files[path] = data

    def edit(self, doc: Document, change: Callable[[MetadataText], None]) -> Document:
        """Edit the document's metadata text (front matter or sidecar); keep .docx core properties in step.

        Returns the document as the edit leaves it (read back from the edited bytes).
        """
        try:
            loaded = self._edit_markdown(doc, change) if doc.format == "md" else self._edit_docx(doc, change)
        except MetadataError as error:
            raise LifecycleError(f"{doc.metadata_path}: cannot edit the metadata: {error.message}") from None
        problem = metadata_problem(loaded)
        if loaded.document is None or problem is not None:  # pragma: no cover - an editing bug, never user input
            raise LifecycleError(
                f"internal error: the edit of {doc.path} would not read back ({problem}); nothing was written"
            )
        self.results[doc.path] = loaded.document
        return loaded.document

    def _edit_markdown(self, doc: Document, change: Callable[[MetadataText], None]) -> Loaded:
        raw = (self.repo.root / doc.path).read_bytes()
        bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
        head, meta_text, rest = split_front_matter(raw[len(bom) :].decode("utf-8"))
        meta = MetadataText(meta_text)
        change(meta)
        data = bom + (head + meta.text() + rest).encode("utf-8")
        self.files[doc.path] = data
        return load(doc.path, data, self.repo.config)

    def _edit_docx(self, doc: Document, change: Callable[[MetadataText], None]) -> Loaded:
        from docctl.formats.docx import set_core_properties

        root = self.repo.root
        sidecar = doc.path + SIDECAR_SUFFIX
        meta = MetadataText((root / sidecar).read_bytes().decode("utf-8"))
        change(meta)
        side = meta.text().encode("utf-8")
        self.files[sidecar] = side
        content = (root / doc.path).read_bytes()
        loaded = load(doc.path, content, self.repo.config, sidecar=side)
        if loaded.document is not None:
            props = _core_properties(loaded.document)
            if any(loaded.document.properties.get(key, "") != value for key, value in props.items()):
                self.files[doc.path] = set_core_properties(content, props)
        return loaded

    def check_committed(self, action: str) -> None:
        """Refuse to commit over uncommitted changes: the commit of a step holds that step alone."""
        if self.git is None:
            return
        dirty = gitmod.dirty_paths(self.git, sorted(self.files))
        if dirty:
            raise LifecycleError(
                f"{dirty[0]} has changes that are not committed; commit them first, so that the {action} commit "
                f"holds the {action} alone (or use --no-commit)"
            )

    def apply(self, step: Commit, *, path: str, commit: bool = True) -> str | None:
        """Write every file atomically, then commit (or, with ``commit`` false, stage), with the step's
        journal on disk from before the first write until the end (docs/lifecycle.md). On any failure,
        Ctrl-C included, files and index are put back (or the step is completed when its commit landed
        already). Returns the new commit's id (None when nothing was committed)."""
        root, git = self.repo.root, self.git
        paths = sorted(self.files)
        if git is None:  # pragma: no cover - steps are refused outside git before they get here
            raise LifecycleError("not a git work tree: lifecycle steps are attested by git commits")
        folder = state_folder(git.git_dir, root)
        journal = self._journal(step, path, commit, gitmod.save_index(git, paths).entries)
        written = False
        try:
            write_journal(folder, journal)
            written = True
            pause("before-write", folder)
            for name in paths:
                write_atomic(root / name, self.files[name])
            pause("after-write", folder)
            if not commit:
                gitmod.stage(git, paths)
                clear_journal(folder)
                return None
            pause("before-commit", folder)
            commit_id = gitmod.commit(git, step.message(), paths=paths, env=self.env)  # stages, then commits
            pause("after-commit", folder)
            complete(git, journal, commit_id)
            clear_journal(folder)
            return commit_id
        except BaseException as error:
            if written:
                return self._put_back(journal, folder, error)
            clear_journal(folder)
            if isinstance(error, OSError):
                raise LifecycleError(
                    f"cannot write {error.filename or folder}: {error.strerror}; nothing was changed"
                ) from None
            raise

    def _put_back(self, journal: StepJournal, folder: Path, error: BaseException) -> str:
        """Undo the step after ``error`` (re-raised, a git failure as "nothing was changed"); when its
        commit had landed, complete it instead and return the commit (Ctrl-C still ends the command)."""
        git = self.git
        assert git is not None
        with signals_deferred():
            try:
                landed = roll_back(self.repo.root, git, journal, folder)
            except DocctlError as problem:
                reason = "interrupted" if isinstance(error, KeyboardInterrupt) else f"failed: {error}"
                raise LifecycleError(
                    f"the {journal.action} of {journal.document} {reason}, and could not be put back: "
                    f"{problem.message}; run 'docctl recover'"
                ) from None
        if landed is not None and not isinstance(error, KeyboardInterrupt):
            return landed
        if isinstance(error, GitError):
            raise LifecycleError(f"{error.message}; nothing was changed") from None
        if isinstance(error, OSError):  # the disk is full, a folder is read-only
            raise LifecycleError(
                f"cannot write {error.filename or 'a file'}: {error.strerror}; nothing was changed"
            ) from None
        raise error

    def _journal(self, step: Commit, path: str, commit: bool, index: bytes) -> StepJournal:
        """The journal of this change: what it writes, what it replaces, the commit it will make."""
        root = self.repo.root
        files = tuple(
            JournalFile(name, _read_or_none(root / name), digest(self.files[name])) for name in sorted(self.files)
        )
        return StepJournal(
            action=step.action,
            document=step.doc_id,
            path=path,
            revision=step.revision,
            by=self.who.email,
            name=self.who.name,
            pid=os.getpid(),
            started=self.env["GIT_AUTHOR_DATE"],
            head=self.repo.history_tip(),  # read once for the step, under the lock
            files=files,
            index=index,
            message=step.message() if commit else None,
            env=tuple(sorted(self.env.items())),
            tag=step.tag if commit else None,
        )


def _core_properties(doc: Document) -> dict[str, str]:
    """The .docx core properties that follow the metadata."""
    return {
        "identifier": doc.id or "",
        "title": doc.title or "",
        "version": doc.revision or "",
        "content_status": doc.status.value if doc.status else "",
    }


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
