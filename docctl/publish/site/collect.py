"""What the portal shows: the documents in force and the archive, each with the revision on show,
its history and its references, and the key of everything its page is made from.

The portal publishes what is committed: the documents of HEAD (or, with ``as_of``, of the commit
of that day), judged on today's date (or that day). Uncommitted changes of the working copy are
not published. Outside git the working copy is all there is. Which revision of a document is in
force comes from the register, so the portal and ``docctl register`` always agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from docctl.core.model import Document
from docctl.core.timeline import Event, Revision, revisions_of
from docctl.register.model import FINAL, Register, Row

if TYPE_CHECKING:
    from docctl.composer.base import Composer
    from docctl.references.graph import ReferenceIndex

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}")


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One document of the portal: in force, or in the archive (superseded or obsolete).

    Its revisions are grouped from its events when first asked: a rebuild asks only for the pages
    it renders. (Not slotted: the revisions are cached on the instance.)
    """

    row: Row  # the register's row: status, the revision in force, approvers, review
    slug: str  # the page's file name, without .html
    events: tuple[Event, ...]  # from history, up to the portal's moment (none outside git)
    source: Document | None  # the file as the portal's commit (or the working copy) has it

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def archived(self) -> bool:
        return self.row.status in FINAL

    @property
    def href(self) -> str:
        """The page, relative to the portal's root."""
        return f"{'archive' if self.archived else 'documents'}/{self.slug}.html"

    @cached_property
    def revisions(self) -> tuple[Revision, ...]:
        return tuple(revisions_of(self.row.id, self.events))

    @cached_property
    def shown(self) -> Revision | None:
        """The revision on show: the one in force (for an archived document, the last one that was)."""
        return _shown(self.revisions, self.row)

    @property
    def current(self) -> bool:
        """The file at the portal's commit is the revision on show (its content need not be read from git)."""
        source = self.source
        if source is None:
            return False
        if not self.events:
            return True
        if self.row.revision is not None:  # the register names the revision in force and its fingerprint
            return source.revision == self.row.revision and source.fingerprint == self.row.fingerprint
        shown = self.shown
        return shown is None or (source.revision == shown.revision and source.fingerprint == shown.fingerprint)

    def released(self) -> list[Revision]:
        """The revisions that were ever in force, oldest first, up to the one on show."""
        result = []
        for revision in self.revisions:
            if revision.released is not None:
                result.append(revision)
            if revision is self.shown:
                break
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class Portal:
    """Everything the pages are made from."""

    register: Register
    source: Composer  # the repository as the portal shows it: HEAD now, the as-of commit, or the working copy
    entries: tuple[Entry, ...]  # in force and archived, sorted by id
    as_of: dt.date | None
    index: ReferenceIndex[Document]  # the references of the source's documents

    hrefs: Mapping[str, str]  # document id -> its page, relative to the portal's root

    def href_of(self, doc_id: str | None) -> str | None:
        """The page of a document id; None when the portal has none."""
        return self.hrefs.get(doc_id) if doc_id else None


def collect(repo: Composer, as_of: str | dt.date | None) -> Portal:
    """The portal of ``repo`` now (HEAD, or the working copy outside git) or as of a date or commit."""
    from docctl.composer import views
    from docctl.references.graph import ReferenceIndex
    from docctl.register.build import build

    git = repo.git()
    head = git.head() if git is not None else None
    if as_of is not None:
        source: Composer = views.at(repo, as_of)
        register = build(repo, as_of=as_of)
    elif head is not None:
        source = views.at(repo, head, clock=repo.now)
        register = build(source)
    else:
        source, register = repo, build(repo)
    documents = {d.id: d for d in source.documents() if d.id}
    events = _events(repo, source)
    slugs = _slugs(row.id for row in register.rows)
    entries = []
    for row in register.rows:
        if row.status != "effective" and row.status not in FINAL:
            continue  # never in force: not for use, not in the portal
        entries.append(Entry(row=row, slug=slugs[row.id], events=tuple(events(row.id)), source=documents.get(row.id)))
    index = ReferenceIndex(list(documents.values()), source.references())
    return Portal(
        register=register,
        source=source,
        entries=tuple(entries),
        as_of=register.as_of,
        index=index,
        hrefs={e.id: e.href for e in entries},
    )


def _events(repo: Composer, source: Composer) -> Callable[[str], Sequence[Event]]:
    """Each document's events up to the source's commit, from the history of HEAD (one cached walk)."""
    from docctl.adapters import git as gitmod

    history = repo.history_index()
    git = repo.git()
    if history is None or git is None:
        return lambda doc_id: ()
    commit = getattr(source, "commit", None)
    if commit is None or commit == history.tip:
        return history.events
    chain = gitmod.first_parent_chain(git, history.tip) if history.tip else []
    if commit in chain:
        allowed = set(chain[chain.index(commit) :])
        return lambda doc_id: [e for e in history.events(doc_id) if e.commit.id in allowed]
    own = source.history_index()  # a commit off HEAD's first-parent line: its own history
    return own.events if own is not None else (lambda doc_id: ())


def _shown(revisions: Sequence[Revision], row: Row) -> Revision | None:
    """The revision in force (for an archived document, the last one that was), else the newest."""
    if row.revision is not None:
        for revision in reversed(revisions):
            if revision.revision == row.revision and revision.released is not None:
                return revision
    return revisions[-1] if revisions else None


def _slugs(ids: Iterable[str]) -> dict[str, str]:
    """A file name for each id: the id itself when it is a plain name, else a digest; unique even
    on a file system that ignores case."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for doc_id in sorted(ids):
        name = doc_id if _SAFE_NAME.fullmatch(doc_id) else "doc-" + _digest(doc_id)[:12]
        if name.lower() in taken:
            name = f"{name}-{_digest(doc_id)[:8]}"
        taken.add(name.lower())
        result[doc_id] = name
    return result


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
