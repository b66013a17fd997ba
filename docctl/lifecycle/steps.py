"""Lifecycle steps: new, submit, approve, release, revise, obsolete, review.

Each step validates everything first — its own preconditions (docs/reference.md), then the major
findings of ``check`` that it would carry forward (:mod:`docctl.lifecycle.refusals`) — and only then
makes its change (:mod:`docctl.lifecycle.change`): edit in place, write atomically, commit with trailers.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from docctl.adapters import git as gitmod
from docctl.adapters.paths import is_controlled
from docctl.composer.signatures import provenance_of
from docctl.core.errors import LifecycleError, UnknownDocumentError, UsageError
from docctl.core.model import Approval, Document, Meaning, Status
from docctl.core.timeline import Commit as TimelineCommit
from docctl.documents.sources import SIDECAR_SUFFIX, Loaded, load
from docctl.formats.frontmatter import MetadataText
from docctl.lifecycle.change import Actor, Change, Commit, metadata_problem
from docctl.lifecycle.journal import serialised
from docctl.lifecycle.refusals import refuse_carried
from docctl.lifecycle.scaffold import NewDocument, default_folder, next_id, render_template, slug
from docctl.rules import approvals as approval_rules
from docctl.rules import history as history_rules
from docctl.rules.lifecycle import add_months

if TYPE_CHECKING:
    from docctl.composer.base import Composer

_P = ParamSpec("_P")
_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class StepResult:
    """What a lifecycle step did."""

    action: str
    document: str
    revision: str
    status: str
    paths: tuple[str, ...]
    commit: str | None  # None with commit=False or outside git
    tag: str | None = None


def _step(function: Callable[Concatenate[Composer, _P], _R]) -> Callable[Concatenate[Composer, _P], _R]:
    """A lifecycle step holds the repository lock from its first read to its commit, and reads HEAD
    once, however much it checks: the composer holds it for the step."""

    @functools.wraps(function)
    def run(repo: Composer, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with serialised(repo, function.__name__, str(args[0]) if args else ""), repo.one_head():
            return function(repo, *args, **kwargs)

    return run


def actor(repo: Composer, by: str | None) -> Actor:
    """The acting person: git's author identity; ``by`` must match it when given."""
    git = repo.git()
    if git is None:
        raise LifecycleError("not a git work tree: lifecycle steps are attested by git commits; run 'git init' first")
    identity = git.identity()
    if by is not None and by.strip().lower() != identity.email:
        raise LifecycleError(f"--by {by} does not match your git identity {identity.email}")
    person = repo.config.people.get(identity.email)
    return Actor(person.name if person else identity.name, identity.email)


@_step
def new(
    repo: Composer,
    type_code: str,
    title: str,
    *,
    format: str = "md",
    folder: str | None = None,
    owner: str | None = None,
    by: str | None = None,
    commit: bool = True,
) -> NewDocument:
    """Create a document with the next free id of ``type_code`` from its template."""
    config = repo.config
    if type_code not in config.types:
        known = ", ".join(sorted(config.types))
        raise UsageError(f"unknown type '{type_code}' (known: {known})")
    if not title.strip() or "\n" in title:
        raise UsageError("the title must be one non-empty line")
    if format not in ("md", "docx"):
        raise UsageError(f"unknown format '{format}' (md or docx)")
    who = actor(repo, by)
    documents = repo.documents()
    used = {d.id for d in documents if d.id} | repo.retired_ids()
    doc_id = next_id(config, type_code, used)
    where = (
        folder if folder is not None else default_folder(config, type_code, [(d.type or "", d.path) for d in documents])
    )
    name = f"{doc_id}-{slug(title)}"
    text = render_template(
        config, type_code, doc_id=doc_id, title=title.strip(), owner=(owner or who.email).lower(), author=who.email
    )
    rel = _new_path(repo, where, f"{name}.{format}")
    files = {rel: text.encode("utf-8")} if format == "md" else _new_docx_files(repo, rel, doc_id, title.strip(), text)
    for path in files:
        if (repo.root / path).exists():
            raise LifecycleError(f"{path} exists already")
    created = _read_back(repo, rel, files, f"the template of type {type_code}")
    change = Change(repo, who)
    for path, data in files.items():
        change.put(path, data)
    revision = created.revision or _first_revision(repo)
    subject = f"{doc_id}: new {type_code} '{title.strip()}'"
    change.apply(Commit("new", doc_id, revision, subject, created.fingerprint), path=rel, commit=commit)
    return NewDocument(id=doc_id, path=rel, files=tuple(files))


def _new_path(repo: Composer, folder: str, name: str) -> str:
    """``folder/name`` relative to the root: a controlled path inside the repository."""
    base = Path(folder) if folder else Path()
    if base.is_absolute() or ".." in base.parts:
        raise UsageError(f"--dir {folder} must be a folder inside the repository, relative to its root")
    rel = (base / name).as_posix()
    if not is_controlled(rel, repo.config.controlled, repo.config.exclude):
        raise UsageError(f"{rel} would not be a controlled file (see controlled and exclude in docctl.toml)")
    return rel


def _new_docx_files(repo: Composer, rel: str, doc_id: str, title: str, text: str) -> dict[str, bytes]:
    """A new .docx (its headings from the template's sections) and its sidecar (the template's front matter)."""
    from docctl.formats.docx import new_docx
    from docctl.formats.markdown import read_markdown

    content = read_markdown(text.encode("utf-8"))
    front, _, _ = text.partition("\n---\n")
    sidecar = front.removeprefix("---\n") + "\n"
    headings = [line[3:].strip() for line in content.body.splitlines() if line.startswith("## ")]
    data = new_docx(
        title=f"{doc_id} {title}",
        headings=headings,
        properties={"identifier": doc_id, "title": title, "version": _first_revision(repo), "content_status": "draft"},
    )
    return {rel: data, rel + SIDECAR_SUFFIX: sidecar.encode("utf-8")}


def _read_back(repo: Composer, rel: str, files: Mapping[str, bytes], source: str) -> Document:
    """The document that ``files`` make, refusing when its metadata would not be valid."""
    loaded = load(rel, files[rel], repo.config, sidecar=files.get(rel + SIDECAR_SUFFIX))
    problem = metadata_problem(loaded)
    if problem is not None or loaded.document is None:
        raise LifecycleError(f"{source} does not give valid metadata ({problem or 'unreadable'}); nothing was written")
    return loaded.document


def _first_revision(repo: Composer) -> str:
    return repo.config.scheme.first


# the steps --------------------------------------------------------------------------------------


@_step
def submit(repo: Composer, doc_id: str, *, by: str | None = None, commit: bool = True) -> StepResult:
    """draft -> review."""
    who = actor(repo, by)
    doc = _sound(repo, doc_id)
    if doc.status is not Status.DRAFT:
        raise LifecycleError(f"{doc_id} is {_state(doc.status)}; only a draft can be submitted for review")
    refuse_carried(repo, doc, "submit")
    change = Change(repo, who)
    change.edit(doc, lambda meta: meta.set("status", Status.REVIEW.value))
    return _finish(change, doc, "submit", f"{doc_id}: submit revision {doc.revision} for review", commit=commit)


@_step
def approve(
    repo: Composer,
    doc_id: str,
    *,
    role: str,
    meaning: str = "approved",
    by: str | None = None,
    commit: bool = True,
) -> StepResult:
    """Sign the current content as ROLE; the last required approval makes the document approved."""
    who = actor(repo, by)
    doc = _sound(repo, doc_id)
    signed_meaning = _meaning(meaning)
    _check_signable(doc)
    signature = _signature(repo, doc, who, role, signed_meaning)
    by_writers = _refuse_writers(repo, doc, who, signature)
    refuse_carried(repo, doc, "approve")
    signed = replace(doc, approvals=(*doc.approvals, signature))
    complete = not approval_rules.missing_roles(signed, repo.context(), excluded=by_writers)

    def edit(meta: MetadataText) -> None:
        meta.append_item("approvals", _approval_item(signature), after=_APPROVALS_AFTER)
        if complete and doc.status is Status.REVIEW:
            meta.set("status", Status.APPROVED.value)

    change = Change(repo, who)
    change.edit(doc, edit)
    verb = "approve" if signed_meaning is Meaning.APPROVED else f"sign ({signed_meaning})"
    return _finish(change, doc, "approve", f"{doc_id}: {verb} revision {doc.revision} as {role}", commit=commit)


def _meaning(meaning: str) -> Meaning:
    try:
        return Meaning(meaning)
    except ValueError:
        raise LifecycleError(f"meaning must be approved, reviewed or authored, not '{meaning}'") from None


def _check_signable(doc: Document) -> None:
    """Only content in review (or approved) can be signed, and only while no signature on it is stale."""
    if doc.status is Status.DRAFT:
        raise LifecycleError(f"{doc.id} is a draft; submit it for review before approving it")
    if doc.status not in (Status.REVIEW, Status.APPROVED):
        raise LifecycleError(f"{doc.id} is {_state(doc.status)}; only a document in review (or approved) can be signed")
    stale = approval_rules.stale_approvals(doc)
    if stale:
        raise LifecycleError(
            f"{doc.id} changed after approval by {stale[0].name} ({stale[0].role}); restore the approved content, "
            "or revise it to clear the approvals"
        )


def _signature(repo: Composer, doc: Document, who: Actor, role: str, meaning: Meaning) -> Approval:
    """The approval ``who`` would add, refusing a signer without the role (DC204), a forbidden
    self-approval (DC203) or a repeat; the judgements are the rules' own."""
    ctx = repo.context()
    person = repo.config.people.get(who.email)
    if person is None:
        raise LifecycleError(f"{who.email} is not in [people] of docctl.toml and cannot approve")
    problem = approval_rules.role_problem(who.email, role, ctx)
    if problem is not None:
        raise LifecycleError(problem)
    stamp = repo.now().replace(microsecond=0)
    signature = Approval(
        name=person.name, by=who.email, role=role, meaning=meaning, date=stamp, fingerprint=doc.fingerprint
    )
    if approval_rules.forbidden_self_approval(signature, doc, ctx):
        raise LifecycleError(
            f"{person.name} authored revision {doc.revision} of {doc.id}; type {doc.type} forbids self-approval"
        )
    for existing in doc.approvals:
        if existing.by == who.email and existing.role == role and existing.meaning is meaning:
            raise LifecycleError(
                f"{person.name} has already signed {doc.id} revision {doc.revision} as {role} ({meaning})"
            )
    return signature


def _refuse_writers(repo: Composer, doc: Document, who: Actor, signature: Approval) -> list[Approval]:
    """Refuse a signer who wrote the revision as history shows it (DC203: a content commit of theirs,
    or their own uncommitted change, which this step would commit). Returns the approvals already
    given by writers: they do not count towards the roles."""
    assert signature.date is not None
    pending = TimelineCommit(None, who.name, who.email, signature.date, signature.date)
    origin = provenance_of(repo, doc, pending=pending)
    if origin is None:
        return []
    ctx = repo.context()
    wrote = history_rules.authored_commits(signature, doc, origin.authorship, ctx)
    if wrote:
        raise LifecycleError(
            f"{signature.name} wrote revision {doc.revision} of {doc.id} ({history_rules.commits_text(wrote)}); "
            f"type {doc.type} forbids self-approval: another holder of {signature.role} must sign"
        )
    return [a for a in doc.approvals if history_rules.authored_commits(a, doc, origin.authorship, ctx)]


def _approval_item(signature: Approval) -> dict[str, str]:
    assert signature.date is not None
    return {
        "name": signature.name,
        "by": signature.by,
        "role": signature.role,
        "meaning": signature.meaning.value,
        "date": signature.date.isoformat(),
        "fingerprint": signature.fingerprint,
    }


@_step
def release(
    repo: Composer,
    doc_id: str,
    *,
    effective: dt.date | None = None,
    by: str | None = None,
    commit: bool = True,
    tag: bool = True,
) -> StepResult:
    """approved -> effective on ``effective`` (today by default; a future date schedules it)."""
    who = actor(repo, by)
    doc = _sound(repo, doc_id, prefer=Status.APPROVED)
    day = effective or repo.context().today
    _check_releasable(repo, doc, day)
    old = _superseded(repo, doc)
    git = repo.git()
    tag_name = f"{doc_id}/{(doc.revision or '').replace(' ', '')}"  # "Rev. 03" (revision_prefix) tags as Rev.03
    tagging = tag and commit and git is not None
    if tagging and git is not None:
        _check_tag(git, tag_name, doc)
    refuse_carried(repo, doc, "release")
    _check_current_approvals(repo, doc)
    doc_type = repo.config.types[doc.type or ""]
    due = add_months(day, doc_type.review_months) if doc_type.review_months else None

    def edit(meta: MetadataText) -> None:
        meta.set("status", Status.EFFECTIVE.value)
        meta.set("effective", day.isoformat(), after=_EFFECTIVE_AFTER)
        if due is not None:
            meta.set("review_due", due.isoformat(), after=("effective",))

    change = Change(repo, who)
    change.edit(doc, edit)
    if old is not None:
        change.edit(old, lambda meta: meta.set("status", Status.SUPERSEDED.value))
    subject = f"{doc_id}: release revision {doc.revision}, effective {day.isoformat()}"
    if old is not None:
        subject += f", superseding {old.id}"
    tag_spec = (tag_name, f"{doc_id} revision {doc.revision} effective {day.isoformat()}") if tagging else None
    return _finish(change, doc, "release", subject, commit=commit, tag=tag_spec)


def _check_releasable(repo: Composer, doc: Document, day: dt.date) -> None:
    """approved, every role signed, dated after the approvals, the only effective file.

    Whether the approvals are still current, attested and signed is for :func:`refuse_carried`
    (DC202, DC205, DC206), with the finding ``check`` reports.
    """
    if doc.status is not Status.APPROVED:
        raise LifecycleError(f"{doc.id} is {_state(doc.status)}; only an approved document can be released")
    missing = approval_rules.missing_roles(doc, repo.context(), ignore_fingerprint=True)
    if missing:
        raise LifecycleError(f"{doc.id} lacks a valid approval by {', '.join(missing)}")
    latest = max((a.date.date() for a in doc.approvals if a.date), default=None)
    if latest is not None and day < latest:
        raise LifecycleError(
            f"the effective date {day.isoformat()} is before the last approval on {latest.isoformat()}"
        )
    others = [d for d in repo.documents() if d.id == doc.id and d.path != doc.path and d.status is Status.EFFECTIVE]
    if others:
        raise LifecycleError(
            f"another file of {doc.id} is effective ({others[0].path}); only one revision may be effective: "
            "revise that file instead, or mark it superseded first"
        )


def _check_current_approvals(repo: Composer, doc: Document) -> None:
    """Every role signed for the current content: the lifecycle's own requirement, which holds even where
    the configuration makes DC202 less than major (so that :func:`refuse_carried` lets it pass)."""
    missing = approval_rules.missing_roles(doc, repo.context())
    if missing:
        raise LifecycleError(f"{doc.id} lacks a valid approval by {', '.join(missing)}")


def _superseded(repo: Composer, doc: Document) -> Document | None:
    """The effective document that ``doc`` replaces (None when there is none left to mark)."""
    if not doc.supersedes:
        return None
    if doc.supersedes == doc.id:
        raise LifecycleError(f"{doc.id} cannot supersede itself")
    candidates = [item for item in repo.loaded() if item.document is not None and item.document.id == doc.supersedes]
    if not candidates:
        raise LifecycleError(f"{doc.id} supersedes {doc.supersedes}, which does not exist")
    live = [item for item in candidates if item.document is not None and item.document.status not in _FINAL]
    if not live:
        return None
    item = next((i for i in live if i.document is not None and i.document.status is Status.EFFECTIVE), live[0])
    old = item.document
    assert old is not None
    if old.status is not Status.EFFECTIVE:
        raise LifecycleError(
            f"{doc.id} supersedes {old.id}, which is {_state(old.status)}; only an effective document can be "
            f"superseded (make {old.id} obsolete instead)"
        )
    problem = metadata_problem(item)
    if problem is not None:
        raise LifecycleError(f"{old.id} has invalid metadata ({problem}); fix it before superseding it")
    return old


def _check_tag(git: gitmod.Git, name: str, doc: Document) -> None:
    if (
        name.startswith("-")
        or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", name)
        or ".." in name
        or name.endswith((".", "/", ".lock"))
    ):
        raise LifecycleError(f"'{name}' cannot be a git tag name; use --no-tag or a simpler id")
    if git.tag_exists(name):
        raise LifecycleError(f"tag {name} exists already: revision {doc.revision} of {doc.id} was released before")


@_step
def revise(
    repo: Composer,
    doc_id: str,
    *,
    change: str,
    change_request: str | None = None,
    major: bool = False,
    by: str | None = None,
    commit: bool = True,
) -> StepResult:
    """Start the next revision: back to draft, approvals cleared, the change described.

    An approved or effective document gets the next revision; a document still in review goes
    back to draft with the same revision (rework: nothing of it was approved yet).
    """
    who = actor(repo, by)
    doc = _sound(repo, doc_id)
    if not change.strip() or "\n" in change.strip():
        raise LifecycleError("--change must describe what changes and why, on one line")
    if doc.status in _FINAL:
        raise LifecycleError(
            f"{doc_id} is {_state(doc.status)}; a final document cannot be revised (create a new one that supersedes it)"
        )
    if doc.status is Status.DRAFT:
        raise LifecycleError(f"{doc_id} is already a draft (revision {doc.revision}); edit it directly")
    assert doc.revision is not None
    rework = doc.status is Status.REVIEW
    revision = doc.revision if rework else repo.config.scheme.next(doc.revision, major=major)

    def edit(meta: MetadataText) -> None:
        meta.set("revision", revision)
        meta.set("status", Status.DRAFT.value)
        meta.set("author", who.email, after=("owner", "status"))
        meta.remove("approvals")
        meta.remove("legacy_approval")  # an adoption's approval stands for the adopted revision only
        meta.remove("effective")
        meta.remove("review_due")
        meta.set("change", change.strip(), after=("references", "clauses", "author"))
        if change_request:
            meta.set("change_request", change_request.strip(), after=("change",))
        elif not rework:
            meta.remove("change_request")  # a new revision answers a new request; a rework keeps its own

    step = Change(repo, who)
    step.edit(doc, edit)
    what = f"rework revision {revision}" if rework else f"start revision {revision}"
    return _finish(step, doc, "revise", f"{doc_id}: {what}: {change.strip()}", commit=commit, revision=revision)


@_step
def obsolete(repo: Composer, doc_id: str, *, reason: str, by: str | None = None, commit: bool = True) -> StepResult:
    """Withdraw a document: status obsolete; the file stays (retention) and its id is never reused."""
    who = actor(repo, by)
    doc = _sound(repo, doc_id)
    if not reason.strip():
        raise LifecycleError("--reason must say why the document is withdrawn")
    if doc.status in _FINAL:
        raise LifecycleError(f"{doc_id} is already {_state(doc.status)}")
    change = Change(repo, who)
    change.edit(doc, lambda meta: meta.set("status", Status.OBSOLETE.value))
    return _finish(
        change,
        doc,
        "obsolete",
        f"{doc_id}: make obsolete: {_one_line(reason)}",
        commit=commit,
        extra=[("Docctl-Reason", _one_line(reason))],
    )


@_step
def review(
    repo: Composer,
    doc_id: str,
    *,
    outcome: str,
    change: str | None = None,
    change_request: str | None = None,
    reason: str | None = None,
    by: str | None = None,
    commit: bool = True,
) -> StepResult:
    """Record a periodic review: keep (review_due moves on), revise, or obsolete."""
    who = actor(repo, by)
    doc = _sound(repo, doc_id)
    if outcome not in ("keep", "revise", "obsolete"):
        raise LifecycleError(f"--outcome must be keep, revise or obsolete, not '{outcome}'")
    if doc.status is not Status.EFFECTIVE:
        raise LifecycleError(f"{doc_id} is {_state(doc.status)}; only an effective document has periodic reviews")
    if outcome == "revise":
        if not change:
            raise LifecycleError("a review with outcome revise needs --change")
        return revise(repo, doc_id, change=change, change_request=change_request, by=by, commit=commit)
    if outcome == "obsolete":
        if not reason:
            raise LifecycleError("a review with outcome obsolete needs --reason")
        return obsolete(repo, doc_id, reason=reason, by=by, commit=commit)
    doc_type = repo.config.types[doc.type or ""]
    if doc_type.review_months == 0:
        raise LifecycleError(f"type {doc.type} has no periodic review (review_months = 0)")
    refuse_carried(repo, doc, "review")
    due = add_months(repo.context().today, doc_type.review_months)
    step = Change(repo, who)
    step.edit(doc, lambda meta: meta.set("review_due", due.isoformat(), after=("effective", "status")))
    subject = f"{doc_id}: periodic review of revision {doc.revision}: keep; next review {due.isoformat()}"
    extra = [("Docctl-Outcome", "keep"), ("Docctl-Reviewed-By", who.email)]
    return _finish(step, doc, "review", subject, commit=commit, extra=extra)


# machinery --------------------------------------------------------------------------------------

_APPROVALS_AFTER = ("change_request", "change", "retention", "references", "clauses", "review_due", "effective")
_EFFECTIVE_AFTER = ("status", "revision")
_FINAL = (Status.SUPERSEDED, Status.OBSOLETE)
_STATES = {Status.DRAFT: "a draft", Status.REVIEW: "in review"}


def _state(status: Status | None) -> str:
    """A status as it reads after "is": a draft, in review, approved, effective, ..."""
    if status is None:
        return "without a status"
    return _STATES.get(status, status.value)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _sound(repo: Composer, doc_id: str, *, prefer: Status | None = None) -> Document:
    """The document, refusing when its metadata cannot be trusted.

    Of several files with the id, final ones are passed over; ``prefer`` picks the one file with
    that status among the rest.
    """
    matches = [item for item in repo.loaded() if item.document is not None and item.document.id == doc_id]
    if not matches:
        raise UnknownDocumentError(f"no document with id '{doc_id}'")
    if len(matches) > 1:
        matches = _pick(matches, doc_id, prefer)
    item = matches[0]
    problem = metadata_problem(item)
    if problem is not None:
        raise LifecycleError(f"{doc_id} has invalid metadata ({problem}); fix it first")
    assert item.document is not None
    return item.document


def _pick(matches: list[Loaded], doc_id: str, prefer: Status | None) -> list[Loaded]:
    live = [m for m in matches if m.document is not None and m.document.status not in _FINAL]
    preferred = [m for m in live if m.document is not None and m.document.status is prefer]
    if len(preferred) == 1:
        return preferred
    if len(live) == 1:
        return live
    paths = ", ".join(m.path for m in matches)
    raise LifecycleError(f"id {doc_id} is used by several files ({paths}); fix the duplicate first")


def _finish(
    change: Change,
    doc: Document,
    action: str,
    subject: str,
    *,
    commit: bool,
    revision: str | None = None,
    extra: Sequence[tuple[str, str]] = (),
    tag: tuple[str, str] | None = None,
) -> StepResult:
    """Write the step's files and commit them (or stage them with ``commit`` false); ``tag`` (name,
    message) tags the commit."""
    assert doc.id is not None and doc.revision is not None
    if commit:
        change.check_committed(action)
    revision = revision or doc.revision
    edited = change.results[doc.path]
    message = Commit(action, doc.id, revision, subject, edited.fingerprint, tuple(extra), tag)
    commit_id = change.apply(message, path=doc.path, commit=commit)
    status = edited.status.value if edited.status else ""
    tag_name = tag[0] if tag is not None and commit_id else None
    return StepResult(action, doc.id, revision, status, tuple(sorted(change.files)), commit_id, tag_name)
