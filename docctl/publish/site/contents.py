"""Reading what the document pages show: the revisions on show and the earlier ones their diffs
compare with, the .docx files they offer for download, and the images they show. From git, in one
``git cat-file --batch`` per batch of pages; outside git, from the working copy."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from docctl.core.model import Document
from docctl.documents.sources import SIDECAR_SUFFIX, load
from docctl.publish.site.collect import Entry, Portal

if TYPE_CHECKING:
    from docctl.core.timeline import Revision

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
MAX_IMAGE = 20 * 1024 * 1024

Place = tuple[str | None, str]  # (commit, path relative to the docctl root); commit None: the working copy


def place_of(revision: Revision) -> Place:
    """Where a revision's content was last written: the commit and path of its last version."""
    event = next(e for e in reversed(revision.events) if e.snapshot is not None)
    return event.commit.id, event.path


class Contents:
    """Files of one batch of pages, read in one go: ``want`` everything, then ``read``, then ask."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.source_commit: str | None = getattr(portal.source, "commit", None)
        git = portal.source.git()
        self._git = git
        self._prefix = f"{git.prefix}/" if git is not None and git.prefix else ""
        self._wanted: dict[Place, None] = {}
        self._bytes: dict[Place, bytes] = {}
        self._documents: dict[Place, Document | None] = {}

    # what is needed -----------------------------------------------------------------------------
    def place(self, entry: Entry, revision: Revision | None) -> Place:
        """Where the content of ``revision`` of ``entry`` is (the portal's own commit for the file on show)."""
        if revision is None or (revision is entry.shown and entry.current):
            assert entry.source is not None
            return self.source_commit, entry.source.path
        return place_of(revision)

    def want(self, places: Iterable[Place]) -> None:
        for commit, path in places:
            self._wanted[(commit, path)] = None
            if path.endswith(".docx"):
                self._wanted[(commit, path + SIDECAR_SUFFIX)] = None

    def read(self) -> None:
        """Read every wanted file not read yet: one git process for the committed ones."""
        todo = [p for p in self._wanted if p not in self._bytes]
        self._wanted.clear()
        committed = [p for p in todo if p[0] is not None]
        if committed and self._git is not None:
            from docctl.adapters.git import iter_blobs

            names = {f"{commit}:{self._prefix}{path}": (commit, path) for commit, path in committed}
            for name, data in iter_blobs(self._git, list(names)):
                self._bytes[names[name]] = data
        for commit, path in todo:
            if commit is None:
                found = self._working(path)
                if found is not None:
                    self._bytes[(commit, path)] = found

    def _working(self, path: str) -> bytes | None:
        """A file of the working copy, unless it is a link that leaves the repository."""
        root = self.portal.source.root
        full = root / path
        try:
            if not full.resolve().is_relative_to(root.resolve()) or not full.is_file():
                return None
            return full.read_bytes()
        except OSError:
            return None

    # what was read ------------------------------------------------------------------------------
    def data(self, place: Place) -> bytes | None:
        return self._bytes.get(place)

    def document(self, entry: Entry, revision: Revision | None) -> Document | None:
        """The document as ``revision`` has it (the portal's own file when that is the revision)."""
        if revision is None or (revision is entry.shown and entry.current):
            return entry.source
        place = place_of(revision)
        if place not in self._documents:
            data = self._bytes.get(place)
            sidecar = self._bytes.get((place[0], place[1] + SIDECAR_SUFFIX))
            loaded = load(place[1], data, self.portal.source.config, sidecar=sidecar) if data is not None else None
            self._documents[place] = loaded.document if loaded is not None else None
        return self._documents[place]

    def image(self, commit: str | None, path: str) -> tuple[str, bytes] | None:
        """An image to copy into the portal: its portal path (named by its content) and bytes."""
        data = self._bytes.get((commit, path))
        kind = mimetypes.guess_type(path)[0]
        if data is None or kind not in IMAGE_TYPES or len(data) > MAX_IMAGE:
            return None
        suffix = PurePosixPath(path).suffix.lower()
        return f"files/{hashlib.sha256(data).hexdigest()[:20]}{suffix}", data


def copy_name(entry: Entry, document: Document) -> str:
    """The portal path of a document's .docx copy: files/<page>-<revision>.docx."""
    revision = "".join(c if c.isalnum() or c in "._-" else "_" for c in (document.revision or "")) or "current"
    return f"files/{entry.slug}-{revision}{Path(document.path).suffix.lower()}"
