"""The register's rows, built on the composer: now (the working copy) or as of a date or commit.

Rows come from the documents of the working copy (or of a commit, for ``as_of``) and from one
pass of history: the effective revision is the newest revision that was released and whose
effective date has arrived, so the working copy may already hold the next draft (shown as the
pending revision) and a scheduled release stays pending until its date. The content of an
effective revision that is no longer in the working copy (its clauses) is read from git in one
``cat-file --batch`` call, never one git process per document. Git runs in docctl.adapters.git only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docctl.core.errors import UsageError
from docctl.register.model import FINAL, IN_PROGRESS, STATUSES, Approver, Pending, Register, Row

if TYPE_CHECKING:
    from docctl.composer.base import Composer
    from docctl.config.model import Config
    from docctl.core.model import Document
    from docctl.core.timeline import Commit, Event, Revision, Snapshot


@dataclass(slots=True)
class _Draft:
    """A row being built: what the effective revision's content is still needed for."""

    document: Document
    effective: Revision | None
    latest: Revision
    clauses: tuple[str, ...] | None = None
    supersedes: str | None = None  # what the effective revision supersedes
    supersedes_later: str | None = None  # what a release still scheduled will supersede


def build(
    repo: Composer,
    *,
    as_of: str | dt.date | dt.datetime | None = None,
    status: str | Iterable[str] | None = None,
    type: str | Iterable[str] | None = None,
    stamp: bool = False,
) -> Register:
    """The register of ``repo`` now (working copy) or as it stood ``as_of`` a date or commit."""
    statuses = _selection(status, "status", STATUSES)
    types = _selection(type, "type", None)
    source = _Source.now(repo) if as_of is None else _Source.past(repo, as_of)
    drafts = [d for d in (_draft(doc, source.events_of(doc), source.today) for doc in source.documents) if d]
    _read_effective_content(source, drafts)
    rows = _rows(drafts, source)
    if statuses:
        rows = [r for r in rows if r.status in statuses]
    if types:
        rows = [r for r in rows if r.type in types]
    return Register(
        rows=tuple(rows),
        commit=source.commit,
        committed=source.committed,
        as_of=source.today if as_of is not None else None,
        modified=source.modified,
        generated=repo.now() if stamp else None,
        statuses=statuses,
        types=types,
    )


def _selection(value: str | Iterable[str] | None, what: str, allowed: Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    chosen = tuple(sorted({item.strip() for item in items if item.strip()}))
    if allowed is not None:
        for item in chosen:
            if item not in allowed:
                raise UsageError(f"unknown {what} '{item}' (use one of {', '.join(allowed)})")
    return chosen


@dataclass(slots=True)
class _Source:
    """The documents of the register's moment and every document's events up to it."""

    repo: Composer  # the repository, or its read-only view at the as-of commit
    documents: list[Document]
    events: dict[str, list[Event]]
    today: dt.date
    commit: str | None
    committed: dt.datetime | None
    modified: bool = False
    extra: dict[str, Event] = field(default_factory=dict)  # working-copy events per id

    def events_of(self, document: Document) -> list[Event]:
        assert document.id is not None
        events = list(self.events.get(document.id, ()))
        if document.id in self.extra:
            events.append(self.extra[document.id])
        if not events:  # no git: the working copy is all there is
            from docctl.core.timeline import Event, Snapshot

            events.append(Event(_working_commit(self.repo), document.path, Snapshot.of(document)))
        return events

    @classmethod
    def now(cls, repo: Composer) -> _Source:
        from docctl.history.load import working_events

        now = repo.now()
        documents = [d for d in repo.documents() if d.id]
        history = repo.history_index()
        if history is None:
            return cls(repo, documents, {}, now.date(), None, None)
        loaded = repo.loaded()
        extra = working_events(history, loaded, now)
        events = {doc_id: list(history.events(doc_id)) for doc_id in {d.id for d in documents if d.id}}
        commit = history.tip
        return cls(repo, documents, events, now.date(), commit, _commit_date(repo, commit), bool(extra), extra)

    @classmethod
    def past(cls, repo: Composer, when: str | dt.date | dt.datetime) -> _Source:
        from docctl.composer import views

        view = views.at(repo, when)
        moment = view.now()
        documents = [d for d in view.documents() if d.id]
        wanted = {d.id for d in documents if d.id}
        history = repo.history_index()
        chain = _first_parent_chain(repo, history.tip if history is not None else None)
        if history is not None and view.commit in chain:
            older = chain[chain.index(view.commit) :]
            allowed = set(older)
            events = {i: [e for e in history.events(i) if e.commit.id in allowed] for i in wanted}
        else:  # a commit off the first-parent line of HEAD: walk its own history
            own = view.history_index()
            events = {i: list(own.events(i)) for i in wanted} if own is not None else {}
        return cls(view, documents, events, moment.date(), view.commit, _commit_date(repo, view.commit))


def _first_parent_chain(repo: Composer, tip: str | None) -> list[str]:
    from docctl.adapters import git as gitmod

    git = repo.git()
    return gitmod.first_parent_chain(git, tip) if git is not None and tip is not None else []


def _commit_date(repo: Composer, commit: str | None) -> dt.datetime | None:
    from docctl.adapters import git as gitmod

    git = repo.git()
    return gitmod.commit_date(git, commit) if git is not None and commit is not None else None


def _working_commit(repo: Composer) -> Commit:
    from docctl.core.timeline import Commit

    now = repo.now()
    return Commit(id=None, author_name="working copy", author_email="", date=now, committed=now)


def _effective_day(revision: Revision) -> dt.date | None:
    """The day a released revision took (or takes) effect: its effective date, else its release day."""
    if revision.effective is not None:
        return revision.effective
    released = revision.released
    return released.commit.committed.date() if released else None


def _in_force(revision: Revision, today: dt.date) -> bool:
    day = _effective_day(revision)
    return revision.released is not None and day is not None and day <= today


def _draft(document: Document, events: list[Event], today: dt.date) -> _Draft | None:
    from docctl.core.timeline import revisions_of

    assert document.id is not None
    revisions = list(revisions_of(document.id, events))
    if not revisions:
        return None
    in_force = [r for r in revisions if _in_force(r, today)]
    draft = _Draft(document, in_force[-1] if in_force else None, revisions[-1])
    if draft.effective is not None:
        draft.supersedes = _last_snapshot(draft.effective).supersedes
    if draft.latest.released is not None and draft.latest is not draft.effective:
        draft.supersedes_later = _last_snapshot(draft.latest).supersedes
    return draft


def _last_snapshot(revision: Revision) -> Snapshot:
    """What the revision's file said last (a revision always has one version)."""
    return next(e.snapshot for e in reversed(revision.events) if e.snapshot is not None)


def _read_effective_content(source: _Source, drafts: Sequence[_Draft]) -> None:
    """Clauses of each effective revision: from the document when it is that revision, else from git."""
    from docctl.adapters import git as gitmod
    from docctl.documents.sources import SIDECAR_SUFFIX, file_format, load

    wanted: dict[int, tuple[str, str]] = {}  # index -> (commit, path)
    for index, draft in enumerate(drafts):
        effective = draft.effective
        if effective is None or effective is draft.latest:
            draft.clauses = draft.document.clauses
            continue
        last = next(e for e in reversed(effective.events) if e.snapshot is not None)
        if last.commit.id is None:
            draft.clauses = draft.document.clauses
            continue
        wanted[index] = (last.commit.id, last.path)
    git = source.repo.git()
    if not wanted or git is None:
        return
    prefix = git.prefix + "/" if git.prefix else ""
    names: list[str] = []
    for commit, path in wanted.values():
        names.append(f"{commit}:{prefix}{path}")
        if file_format(path) == "docx":
            names.append(f"{commit}:{prefix}{path}{SIDECAR_SUFFIX}")
    contents = gitmod.read_blobs(git, names)
    for index, (commit, path) in wanted.items():
        data = contents.get(f"{commit}:{prefix}{path}")
        sidecar = contents.get(f"{commit}:{prefix}{path}{SIDECAR_SUFFIX}")
        document = load(path, data, source.repo.config, sidecar=sidecar).document if data is not None else None
        drafts[index].clauses = document.clauses if document is not None else ()


def _rows(drafts: Sequence[_Draft], source: _Source) -> list[Row]:
    now: dict[str, set[str]] = {}
    later: dict[str, set[str]] = {}
    for draft in drafts:
        if draft.supersedes and draft.document.id:
            now.setdefault(draft.supersedes, set()).add(draft.document.id)
        if draft.supersedes_later and draft.document.id:
            later.setdefault(draft.supersedes_later, set()).add(draft.document.id)
    config = source.repo.config
    rows = [
        _row(d, config, tuple(sorted(now.get(d.document.id or "", ()))), bool(later.get(d.document.id or "")))
        for d in drafts
    ]
    return sorted(rows, key=lambda r: (r.id, r.path))


def _row(draft: _Draft, config: Config, superseded_by: tuple[str, ...], successor_scheduled: bool) -> Row:
    document, effective, latest = draft.document, draft.effective, draft.latest
    assert document.id is not None
    if latest.status == "superseded" and effective is not None and not superseded_by and successor_scheduled:
        # marked superseded by a release of its successor that takes effect later: in force until then
        status, pending = "effective", None
    elif latest.status in FINAL:
        status, pending = latest.status, None
    elif effective is not None:
        status, pending = "effective", (_pending(latest) if latest is not effective else None)
    else:
        pending = _pending(latest)
        status = pending.status if pending.status in IN_PROGRESS else "approved"
    owner = document.owner or ""
    person = config.people.get(owner)
    shown = effective or latest
    return Row(
        id=document.id,
        title=shown.title or document.title or "",
        type=shown.type or document.type or "",
        revision=effective.revision if effective else None,
        status=status,
        owner=owner,
        owner_name=person.name if person else "",
        effective=_effective_day(effective) if effective else None,
        review_due=_review_due(effective, config) if effective else None,
        approvers=_approvers(effective) if effective else (),
        clauses=draft.clauses or () if effective else document.clauses,
        path=document.path,
        pending=pending,
        superseded_by=superseded_by,
        fingerprint=effective.fingerprint if effective else None,
    )


def _pending(revision: Revision) -> Pending:
    if revision.status == "effective":
        return Pending(revision=revision.revision, status="scheduled", effective=_effective_day(revision))
    status = revision.status if revision.status in IN_PROGRESS else "draft"
    return Pending(revision=revision.revision, status=status)


def _review_due(revision: Revision, config: Config) -> dt.date | None:
    from docctl.rules.lifecycle import add_months

    written = _last_snapshot(revision).review_due
    if written:
        try:
            return dt.date.fromisoformat(written)
        except ValueError:
            return None
    day = _effective_day(revision)
    doc_type = config.types.get(revision.type or "")
    if day is None or doc_type is None or not doc_type.review_months:
        return None
    return add_months(day, doc_type.review_months)


def _approvers(revision: Revision) -> tuple[Approver, ...]:
    result = []
    for approval in revision.approvals:
        name, _, role, meaning, date, _ = approval.key
        try:
            day: dt.date | None = dt.datetime.fromisoformat(date).date() if date else None
        except ValueError:
            day = None
        result.append(Approver(name=name, role=role, meaning=meaning, date=day))
    return tuple(result)
