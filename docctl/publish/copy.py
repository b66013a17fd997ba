"""What a controlled copy shows: the document at a revision or date, where that revision stands on
the copy's date (the watermark), its signature manifest and its revision history from git.

Gathering only: the renderers (:mod:`docctl.publish.html`, :mod:`docctl.publish.docx`,
:mod:`docctl.publish.pdf`) turn a :class:`Copy` into bytes. Content is read from git (the commit
of the revision), never from uncommitted edits; outside git the working copy is all there is.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docctl._version import __version__
from docctl.adapters import git as gitmod
from docctl.composer import views
from docctl.core.errors import UnknownDocumentError, UsageError
from docctl.core.model import Document, Status
from docctl.documents.sources import SIDECAR_SUFFIX, file_format, load

if TYPE_CHECKING:
    from docctl.composer.base import Composer
    from docctl.composer.signatures import SignatureRecord
    from docctl.core.timeline import Revision

COPY_LINE = "Controlled copy, valid on {day}; uncontrolled when printed"
MAX_ASSET = 20 * 1024 * 1024  # an image larger than this is not embedded


@dataclass(frozen=True, slots=True, kw_only=True)
class Standing:
    """Where one revision of a document stands on a day.

    ``state`` is ``effective`` (in force), ``superseded`` (a later revision, or another document, is
    in force), ``obsolete`` (withdrawn), ``pending`` (released with an effective date still to come)
    or ``draft`` (never released: draft, in review or approved).
    """

    state: str
    since: dt.date | None = None  # superseded or obsolete since; pending: the day it takes effect
    successor: str | None = None  # superseded: the revision in force instead

    @property
    def watermark(self) -> str | None:
        """DRAFT / SUPERSEDED / OBSOLETE / NOT YET EFFECTIVE; None for a revision in force."""
        return {
            "draft": "DRAFT",
            "superseded": "SUPERSEDED",
            "obsolete": "OBSOLETE",
            "pending": "NOT YET EFFECTIVE",
        }.get(self.state)

    @property
    def label(self) -> str:
        """The status as a copy's header shows it."""
        return "not yet effective" if self.state == "pending" else self.state


def effective_day(revision: Revision) -> dt.date | None:
    """The day a released revision took (or takes) effect: its effective date, else its release day."""
    released = revision.released
    if released is None:
        return None
    return revision.effective or released.commit.committed.date()


def standing(revisions: Sequence[Revision], chosen: Revision, day: dt.date) -> Standing:
    """Where ``chosen`` (one of ``revisions``, oldest first) stands at the end of ``day``."""
    in_force = [r for r in revisions if (d := effective_day(r)) is not None and d <= day]
    current = in_force[-1] if in_force else None
    ended = revisions[-1].ended if revisions else None
    if ended is not None and ended.commit.committed.date() <= day:
        state = ended.status
        if state == "obsolete" or current is chosen or current is None:
            return Standing(state=state, since=ended.commit.committed.date())
    if current is chosen:
        return Standing(state="effective", since=effective_day(chosen))
    start = effective_day(chosen)
    if start is not None and start > day:
        return Standing(state="pending", since=start)
    if start is not None and current is not None:
        return Standing(state="superseded", since=effective_day(current), successor=current.revision)
    return Standing(state="draft")


def standing_of(document: Document, day: dt.date) -> Standing:
    """Outside git: what the file says is all there is."""
    status = document.status
    if status is Status.EFFECTIVE:
        if document.effective is not None and document.effective > day:
            return Standing(state="pending", since=document.effective)
        return Standing(state="effective", since=document.effective)
    if status in (Status.SUPERSEDED, Status.OBSOLETE):
        return Standing(state=status.value)
    return Standing(state="draft")


@dataclass(frozen=True, slots=True, kw_only=True)
class Signature:
    """One line of the signature page (21 CFR 11.50): who signed, as what, when, what, and how git saw it."""

    name: str
    by: str
    role: str
    meaning: str
    signed: dt.datetime | None
    fingerprint: str
    valid: bool
    commit: str | None
    verified: str  # git's verdict on the signature of the commit that added it

    @classmethod
    def of(cls, record: SignatureRecord) -> Signature:
        approval = record.approval
        if record.commit is None:
            verified = "not committed"
        else:
            verified = record.verdict
            if record.signer and record.signature in ("G", "U"):
                verified += f" by {record.signer}"
        return cls(
            name=approval.name,
            by=approval.by,
            role=approval.role,
            meaning=approval.meaning.value,
            signed=approval.date,
            fingerprint=approval.fingerprint,
            valid=record.valid,
            commit=record.commit,
            verified=verified,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryRow:
    """One revision in a copy's revision history."""

    revision: str
    effective: dt.date | None
    status: str
    change: str
    change_request: str
    approvers: tuple[str, ...]  # "Name (Role)"


@dataclass(frozen=True, kw_only=True)
class Copy:
    """Everything a controlled copy shows, gathered once."""

    document: Document
    source: bytes  # the document's file as committed (a .docx source keeps its own content)
    commit: str | None  # the commit the content was read from; None outside git
    day: dt.date  # the copy is valid on this day
    standing: Standing
    signatures: tuple[Signature, ...]
    history: tuple[HistoryRow, ...]
    asset: Callable[[str], bytes | None]  # a file relative to the document (an image), or None

    @property
    def copy_line(self) -> str:
        return COPY_LINE.format(day=self.day.isoformat())

    @property
    def version(self) -> str:
        return __version__


def gather(repo: Composer, doc_id: str, *, rev: str | None = None, as_of: str | None = None) -> Copy:
    """The copy of ``doc_id``: revision ``rev``, else the one in force (on ``as_of``, else today),
    else the newest. UnknownDocumentError / UsageError when there is no such document or revision."""
    if rev is not None and as_of is not None:
        raise UsageError("give --rev or --as-of, not both")
    source = views.at(repo, as_of) if as_of is not None else repo
    day = source.now().date()
    git = repo.git()
    if git is None or source.history_index() is None:
        return _working_copy(repo, doc_id, rev, day)
    try:
        revisions = list(source.history(doc_id))
    except UnknownDocumentError:
        repo.document(doc_id)  # a document never committed: say so, else the unknown id
        raise UsageError(f"{doc_id} has no commit yet: commit it before exporting a copy") from None
    chosen = _choose(revisions, doc_id, rev, day)
    last = next(e for e in reversed(chosen.events) if e.snapshot is not None)
    assert last.commit.id is not None
    commit, path = last.commit.id, last.path
    prefix = git.prefix + "/" if git.prefix else ""
    names = [f"{commit}:{prefix}{path}"] + ([f"{commit}:{prefix}{path}{SIDECAR_SUFFIX}"] if _is_docx(path) else [])
    blobs = gitmod.read_blobs(git, names)
    data = blobs.get(names[0], b"")
    document = load(path, data, repo.config, sidecar=blobs.get(names[-1]) if len(names) > 1 else None).document
    if document is None or document.id != doc_id:
        raise UsageError(f"{doc_id} revision {chosen.revision} cannot be read back from commit {commit[:12]}")
    upto = revisions[: revisions.index(chosen) + 1]
    return Copy(
        document=document,
        source=data,
        commit=commit,
        day=day,
        standing=standing(revisions, chosen, day),
        signatures=tuple(Signature.of(r) for r in repo.manifest(document)),
        history=tuple(_history_row(r) for r in upto),
        asset=_git_assets(git, commit, prefix, path),
    )


def _is_docx(path: str) -> bool:
    return file_format(path) == "docx"


def _choose(revisions: Sequence[Revision], doc_id: str, rev: str | None, day: dt.date) -> Revision:
    if rev is not None:
        for revision in reversed(revisions):
            if revision.revision == rev:
                return revision
        known = ", ".join(dict.fromkeys(r.revision for r in revisions))
        raise UsageError(f"{doc_id} has no revision '{rev}' in its history (known: {known})")
    in_force = [r for r in revisions if (d := effective_day(r)) is not None and d <= day]
    return in_force[-1] if in_force else revisions[-1]


def _history_row(revision: Revision) -> HistoryRow:
    approvers = tuple(f"{a.key[0]} ({a.key[2]})" for a in revision.approvals)
    return HistoryRow(
        revision=revision.revision,
        effective=effective_day(revision),
        status=revision.status,
        change=revision.change or "",
        change_request=revision.change_request or "",
        approvers=approvers,
    )


def _working_copy(repo: Composer, doc_id: str, rev: str | None, day: dt.date) -> Copy:
    """Outside git (or before the first commit): the file as it is, without history."""
    document = repo.document(doc_id)
    if rev is not None and rev != document.revision:
        raise UsageError(f"{doc_id} is at revision {document.revision}; other revisions need git history")
    root = repo.root

    def asset(name: str) -> bytes | None:
        rel = resolve_asset(document.path, name)
        target = root / rel if rel else None
        if target is None or not target.is_file() or target.is_symlink() or target.stat().st_size > MAX_ASSET:
            return None
        return target.read_bytes()

    row = HistoryRow(
        revision=document.revision or "",
        effective=document.effective,
        status=document.status.value if document.status else "",
        change=document.change or "",
        change_request=document.change_request or "",
        approvers=tuple(f"{a.name} ({a.role})" for a in document.approvals),
    )
    return Copy(
        document=document,
        source=(root / document.path).read_bytes(),
        commit=None,
        day=day,
        standing=standing_of(document, day),
        signatures=tuple(Signature.of(r) for r in repo.manifest(document)),
        history=(row,),
        asset=asset,
    )


def resolve_asset(document_path: str, name: str) -> str | None:
    """The root-relative path of a file a document links to (``name`` relative to the document),
    or None for a URL, an absolute path or a path that leaves the repository."""
    if (
        not name
        or any(ord(c) < 32 for c in name)
        or "://" in name
        or name.startswith(("/", "data:", "mailto:", "#"))
        or "\\" in name
    ):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(document_path), name.split("#")[0]))
    if joined in (".", "..") or joined.startswith("../"):
        return None
    return joined


def _git_assets(git: gitmod.Git, commit: str, prefix: str, path: str) -> Callable[[str], bytes | None]:
    def asset(name: str) -> bytes | None:
        rel = resolve_asset(path, name)
        if rel is None:
            return None
        spec = f"{commit}:{prefix}{rel}"
        data = gitmod.read_blobs(git, [spec]).get(spec)
        return data if data is not None and len(data) <= MAX_ASSET else None

    return asset
