"""Lifecycle steps: validate everything, edit in place, write atomically, commit with trailers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from docctl import git as gitmod
from docctl import revisions
from docctl.atomic import write_atomic
from docctl.editing import MetadataText, split_front_matter
from docctl.errors import LifecycleError, UnknownDocumentError, UsageError
from docctl.model import Approval, Document, Meaning, Status
from docctl.rules import approvals as approval_rules
from docctl.rules.lifecycle import add_months
from docctl.scaffold import NewDocument, default_folder, next_id, render_template, slug
from docctl.sources import SIDECAR_SUFFIX, load

if TYPE_CHECKING:
    from docctl.repository import Repository


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    email: str


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


def actor(repo: Repository, by: str | None) -> Actor:
    """The acting person: git's author identity; ``by`` must match it when given."""
    git = gitmod.Git.find(repo.root)
    if git is None:
        raise LifecycleError("not a git work tree: lifecycle steps are attested by git commits; run 'git init' first")
    identity = git.identity()
    if by is not None and by.lower() != identity.email:
        raise LifecycleError(f"--by {by} does not match your git identity {identity.email}")
    person = repo.config.people.get(identity.email)
    return Actor(person.name if person else identity.name, identity.email)


def new(
    repo: Repository,
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
    loaded = repo.loaded()
    documents = [item.document for item in loaded if item.document is not None]
    used = {d.id for d in documents if d.id} | repo.retired_ids()
    doc_id = next_id(config, type_code, used)
    where = folder if folder is not None else default_folder(config, type_code, [(d.type or "", d.path) for d in documents])
    name = f"{doc_id}-{slug(title)}"
    text = render_template(config, type_code, doc_id=doc_id, title=title.strip(), owner=(owner or who.email).lower(), author=who.email)
    base = Path(where) if where else Path()
    if format == "md":
        rel = (base / f"{name}.md").as_posix()
        files = {rel: text.encode("utf-8")}
    else:
        from docctl.formats.docx import new_docx
        from docctl.formats.markdown import read_markdown

        content = read_markdown(text.encode("utf-8"))
        front, _, _ = text.partition("\n---\n")
        sidecar = front.removeprefix("---\n") + "\n"
        headings = [line[3:].strip() for line in content.body.splitlines() if line.startswith("## ")]
        rel = (base / f"{name}.docx").as_posix()
        data = new_docx(
            title=f"{doc_id} {title.strip()}",
            headings=headings,
            properties={"identifier": doc_id, "title": title.strip(), "version": _first_revision(repo), "content_status": "draft"},
        )
        files = {rel: data, rel + ".yml": sidecar.encode("utf-8")}
    for path in files:
        if (repo.root / path).exists():
            raise LifecycleError(f"{path} exists already")
    change = _Change(repo, who)
    for path, data in files.items():
        change.put(path, data)
    change.apply(
        action="new",
        doc_id=doc_id,
        revision=_first_revision(repo),
        subject=f"{doc_id}: new {type_code} '{title.strip()}'",
        commit=commit,
        fingerprint=None,
    )
    return NewDocument(id=doc_id, path=rel, files=tuple(files))


def _first_revision(repo: Repository) -> str:
    return revisions.FIRST[repo.config.revision_scheme]


# the steps --------------------------------------------------------------------------------------


def submit(repo: Repository, doc_id: str, *, by: str | None = None, commit: bool = True) -> StepResult:
    """draft -> review."""
    who = actor(repo, by)
    doc = _sound(repo, doc_id)
    if doc.status is not Status.DRAFT:
        raise LifecycleError(f"{doc_id} is {doc.status}; only a draft can be submitted for review")
    change = _Change(repo, who)
    change.edit(doc, lambda meta: meta.set("status", Status.REVIEW.value))
    return change.finish(doc, "submit", f"{doc_id}: submit revision {doc.revision} for review", commit=commit)


def approve(
    repo: Repository,
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
    try:
        signed_meaning = Meaning(meaning)
    except ValueError:
        raise LifecycleError(f"meaning must be approved, reviewed or authored, not '{meaning}'") from None
    if doc.status in (Status.DRAFT,):
        raise LifecycleError(f"{doc_id} is a draft; submit it for review before approving it")
    if doc.status not in (Status.REVIEW, Status.APPROVED):
        raise LifecycleError(f"{doc_id} is {doc.status}; only a document in review (or approved) can be signed")
    person = repo.config.people.get(who.email)
    if person is None:
        raise LifecycleError(f"{who.email} is not in [people] of docctl.toml and cannot approve")
    if role not in person.roles:
        held = ", ".join(person.roles) or "no role"
        raise LifecycleError(f"{person.name} does not hold the role {role} (holds {held})")
    doc_type = repo.config.types[doc.type or ""]
    if (
        signed_meaning is not Meaning.AUTHORED
        and not doc_type.allow_self_approval
        and doc.author is not None
        and doc.author.lower() == who.email
    ):
        raise LifecycleError(f"{person.name} authored revision {doc.revision} of {doc_id}; type {doc.type} forbids self-approval")
    for existing in doc.approvals:
        if existing.by == who.email and existing.role == role and existing.fingerprint == doc.fingerprint and existing.meaning is signed_meaning:
            raise LifecycleError(f"{person.name} has already signed {doc_id} revision {doc.revision} as {role} ({signed_meaning})")
    stamp = repo.now().replace(microsecond=0)
    item = {
        "name": person.name,
        "by": who.email,
        "role": role,
        "meaning": signed_meaning.value,
        "date": stamp.isoformat(),
        "fingerprint": doc.fingerprint,
    }
    ctx = repo.context()
    probe = replace(doc, approvals=(*doc.approvals, Approval(name=person.name, by=who.email, role=role, meaning=signed_meaning, date=stamp, fingerprint=doc.fingerprint)))
    complete = not approval_rules.missing_roles(probe, ctx)

    def edit(meta: MetadataText) -> None:
        meta.append_item("approvals", item, after=_APPROVALS_AFTER)
        if complete and doc.status is Status.REVIEW:
            meta.set("status", Status.APPROVED.value)

    change = _Change(repo, who)
    change.edit(doc, edit)
    verb = "approve" if signed_meaning is Meaning.APPROVED else f"sign ({signed_meaning})"
    return change.finish(doc, "approve", f"{doc_id}: {verb} revision {doc.revision} as {role}", commit=commit)


def release(
    repo: Repository,
    doc_id: str,
    *,
    effective: dt.date | None = None,
    by: str | None = None,
    commit: bool = True,
    tag: bool = True,
) -> StepResult:
    """approved -> effective on ``effective`` (today by default; a future date schedules it)."""
    who = actor(repo, by)
    doc = _sound(repo, doc_id)
    if doc.status is not Status.APPROVED:
        raise LifecycleError(f"{doc_id} is {doc.status}; only an approved document can be released")
    ctx = repo.context()
    stale = [a for a in doc.approvals if a.fingerprint != doc.fingerprint]
    if stale:
        raise LifecycleError(f"{doc_id} changed after approval by {stale[0].name} ({stale[0].role}); its approvals are stale")
    missing = approval_rules.missing_roles(doc, ctx)
    if missing:
        raise LifecycleError(f"{doc_id} lacks a valid approval by {', '.join(missing)}")
    day = effective or ctx.today
    latest = max((a.date.date() for a in doc.approvals if a.date), default=None)
    if latest is not None and day < latest:
        raise LifecycleError(f"the effective date {day.isoformat()} is before the last approval on {latest.isoformat()}")
    others = [d for d in repo.documents() if d.id == doc_id and d.path != doc.path and d.status is Status.EFFECTIVE]
    if others:
        raise LifecycleError(f"another file of {doc_id} is effective ({others[0].path}); make it obsolete or supersede it first")
    old: Document | None = None
    if doc.supersedes:
        if doc.supersedes == doc_id:
            raise LifecycleError(f"{doc_id} cannot supersede itself")
        candidates = [d for d in repo.documents() if d.id == doc.supersedes]
        if not candidates:
            raise LifecycleError(f"{doc_id} supersedes {doc.supersedes}, which does not exist")
        old = candidates[0]
        if old.status in (Status.SUPERSEDED, Status.OBSOLETE):
            old = None
    git = gitmod.Git.find(repo.root)
    tag_name = f"{doc_id}/{doc.revision}"
    if tag and commit and git is not None:
        _check_tag_name(tag_name)
        if git.tag_exists(tag_name):
            raise LifecycleError(f"tag {tag_name} exists already: revision {doc.revision} of {doc_id} was released before")
    doc_type = repo.config.types[doc.type or ""]
    due = add_months(day, doc_type.review_months) if doc_type.review_months else None

    def edit(meta: MetadataText) -> None:
        meta.set("status", Status.EFFECTIVE.value)
        meta.set("effective", day.isoformat(), after=_EFFECTIVE_AFTER)
        if due is not None:
            meta.set("review_due", due.isoformat(), after=("effective",))

    change = _Change(repo, who)
    change.edit(doc, edit)
    if old is not None:
        change.edit(old, lambda meta: meta.set("status", Status.SUPERSEDED.value))
    subject = f"{doc_id}: release revision {doc.revision}, effective {day.isoformat()}"
    if old is not None:
        subject += f", superseding {old.id}"
    result = change.finish(doc, "release", subject, commit=commit)
    if tag and result.commit and git is not None:
        git.tag(tag_name, result.commit, f"{doc_id} revision {doc.revision} effective {day.isoformat()}", env=change.env)
        result = replace(result, tag=tag_name)
    return result


def revise(
    repo: Repository,
    doc_id: str,
    *,
    change: str,
    change_request: str | None = None,
    major: bool = False,
    by: str | None = None,
    commit: bool = True,
) -> StepResult:
    """Start the next revision: back to draft, approvals cleared, the change described."""
    who = actor(repo, by)
    doc = _sound(repo, doc_id)
    if not change.strip() or "\n" in change.strip():
        raise LifecycleError("--change must describe what changes and why, on one line")
    if doc.status in (Status.OBSOLETE, Status.SUPERSEDED):
        raise LifecycleError(f"{doc_id} is {doc.status}; a final document cannot be revised (create a new one that supersedes it)")
    if doc.status is Status.DRAFT:
        raise LifecycleError(f"{doc_id} is already a draft (revision {doc.revision}); edit it directly")
    assert doc.revision is not None
    rework = doc.status in (Status.REVIEW, Status.APPROVED)
    revision = doc.revision if rework else revisions.next_revision(repo.config.revision_scheme, doc.revision, major=major)

    def edit(meta: MetadataText) -> None:
        meta.set("revision", revision)
        meta.set("status", Status.DRAFT.value)
        meta.set("author", who.email, after=("owner", "status"))
        meta.remove("approvals")
        if not rework:
            meta.remove("effective")
            meta.remove("review_due")
        meta.set("change", change.strip(), after=("references", "clauses", "author"))
        if change_request:
            meta.set("change_request", change_request.strip(), after=("change",))
        else:
            meta.remove("change_request")

    step = _Change(repo, who)
    step.edit(doc, edit)
    what = f"rework revision {revision}" if rework else f"start revision {revision}"
    return step.finish(doc, "revise", f"{doc_id}: {what}: {change.strip()}", commit=commit, revision=revision)


def obsolete(repo: Repository, doc_id: str, *, reason: str, by: str | None = None, commit: bool = True) -> StepResult:
    """Withdraw a document: status obsolete; the file stays (retention) and its id is never reused."""
    who = actor(repo, by)
    doc = _sound(repo, doc_id)
    if not reason.strip():
        raise LifecycleError("--reason must say why the document is withdrawn")
    if doc.status in (Status.OBSOLETE, Status.SUPERSEDED):
        raise LifecycleError(f"{doc_id} is already {doc.status}")
    change = _Change(repo, who)
    change.edit(doc, lambda meta: meta.set("status", Status.OBSOLETE.value))
    return change.finish(doc, "obsolete", f"{doc_id}: make obsolete: {reason.strip()}", commit=commit, extra=[("Docctl-Reason", _one_line(reason))])


def review(
    repo: Repository,
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
        raise LifecycleError(f"{doc_id} is {doc.status}; only an effective document has periodic reviews")
    if outcome == "revise":
        if not change:
            raise LifecycleError("a review with outcome revise needs --change")
        return revise(repo, doc_id, change=change, change_request=change_request, by=by, commit=commit)
    if outcome == "obsolete":
        if not reason:
            raise LifecycleError("a review with outcome obsolete needs --reason")
        return obsolete(repo, doc_id, reason=reason, by=by, commit=commit)
    ctx = repo.context()
    doc_type = repo.config.types[doc.type or ""]
    due = add_months(ctx.today, doc_type.review_months or 12)
    step = _Change(repo, who)
    step.edit(doc, lambda meta: meta.set("review_due", due.isoformat(), after=("effective", "status")))
    subject = f"{doc_id}: periodic review of revision {doc.revision}: keep; next review {due.isoformat()}"
    return step.finish(doc, "review", subject, commit=commit, extra=[("Docctl-Outcome", "keep"), ("Docctl-Reviewed-By", who.email)])


# machinery --------------------------------------------------------------------------------------

_APPROVALS_AFTER = ("change_request", "change", "retention", "references", "clauses", "review_due", "effective")
_EFFECTIVE_AFTER = ("status", "revision")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _check_tag_name(name: str) -> None:
    if name.startswith("-") or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", name) or ".." in name or name.endswith((".", "/", ".lock")):
        raise LifecycleError(f"'{name}' cannot be a git tag name; use --no-tag or a simpler id")


def _sound(repo: Repository, doc_id: str) -> Document:
    """The document, refusing when its metadata cannot be trusted."""
    matches = [item for item in repo.loaded() if item.document is not None and item.document.id == doc_id]
    if not matches:
        raise UnknownDocumentError(f"no document with id '{doc_id}'")
    if len(matches) > 1:
        live = [m for m in matches if m.document is not None and m.document.status not in (Status.SUPERSEDED, Status.OBSOLETE)]
        if len(live) != 1:
            paths = ", ".join(m.path for m in matches)
            raise LifecycleError(f"id {doc_id} is used by several files ({paths}); fix the duplicate first")
        matches = live
    item = matches[0]
    problems = [f for f in item.findings if f.code in ("DC102", "DC107")]
    if problems:
        first = problems[0]
        where = f"{first.path}:{first.line}" if first.line else str(first.path)
        raise LifecycleError(f"{doc_id} has invalid metadata ({where}: {first.message}); fix it first")
    assert item.document is not None
    return item.document


class _Change:
    """Files to write for one step: validated in memory, written atomically, committed or rolled back."""

    def __init__(self, repo: Repository, who: Actor) -> None:
        self.repo = repo
        self.who = who
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

    def edit(self, doc: Document, change: Callable[[MetadataText], None]) -> None:
        """Edit the document's metadata text (front matter or sidecar); keep .docx core properties in step."""
        root = self.repo.root
        if doc.format == "md":
            raw = (root / doc.path).read_bytes()
            text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("utf-8")
            head, meta_text, rest = split_front_matter(text)
            meta = MetadataText(meta_text)
            change(meta)
            new_text = head + meta.text() + rest
            data = (b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b"") + new_text.encode("utf-8")
            self.files[doc.path] = data
            loaded = load(doc.path, data, self.repo.config)
        else:
            from docctl.formats.docx import set_core_properties

            sidecar = doc.path + SIDECAR_SUFFIX
            meta = MetadataText((root / sidecar).read_bytes().decode("utf-8-sig"))
            change(meta)
            side = meta.text().encode("utf-8")
            self.files[sidecar] = side
            content = (root / doc.path).read_bytes()
            loaded = load(doc.path, content, self.repo.config, sidecar=side)
            if loaded.document is not None:
                new = loaded.document
                props = {
                    "identifier": new.id or "",
                    "title": new.title or "",
                    "version": new.revision or "",
                    "content_status": new.status.value if new.status else "",
                }
                updated = set_core_properties(content, props)
                if updated != content:
                    self.files[doc.path] = updated
        bad = [f for f in loaded.findings if f.code in ("DC101", "DC102", "DC107")]
        if loaded.document is None or bad:  # pragma: no cover - an editing bug, never user input
            detail = bad[0].message if bad else "unreadable"
            raise LifecycleError(f"internal error: the edit of {doc.path} would not read back ({detail}); nothing was written")
        self.results[doc.path] = loaded.document

    def finish(
        self,
        doc: Document,
        action: str,
        subject: str,
        *,
        commit: bool,
        revision: str | None = None,
        extra: list[tuple[str, str]] | None = None,
    ) -> StepResult:
        assert doc.id is not None and doc.revision is not None
        revision = revision or doc.revision
        edited = self.results[doc.path]
        commit_id = self.apply(
            action=action,
            doc_id=doc.id,
            revision=revision,
            subject=subject,
            commit=commit,
            fingerprint=edited.fingerprint,
            extra=extra or [],
        )
        status = edited.status.value if edited.status else ""
        return StepResult(action, doc.id, revision, status, tuple(sorted(self.files)), commit_id)

    def apply(
        self,
        *,
        action: str,
        doc_id: str,
        revision: str,
        subject: str,
        commit: bool,
        fingerprint: str | None,
        extra: list[tuple[str, str]] | None = None,
    ) -> str | None:
        """Write every file atomically, then commit (or stage); on failure put every file back."""
        root = self.repo.root
        originals: dict[str, bytes | None] = {}
        for path in self.files:
            target = root / path
            originals[path] = target.read_bytes() if target.exists() else None
        git = gitmod.Git.find(root)
        paths = sorted(self.files)
        try:
            for path, data in self.files.items():
                write_atomic(root / path, data)
            if git is None:
                return None
            if not commit:
                gitmod.stage(git, paths)
                return None
            trailers = [("Docctl-Action", action), ("Docctl-Document", doc_id), ("Docctl-Revision", revision)]
            if fingerprint:
                trailers.append(("Docctl-Fingerprint", fingerprint))
            trailers.extend(extra or [])
            return gitmod.commit(git, gitmod.trailers_message(subject, trailers), paths=paths, env=self.env)
        except BaseException:
            for path, data in originals.items():
                if data is None:
                    (root / path).unlink(missing_ok=True)
                else:
                    write_atomic(root / path, data)
            if git is not None:
                git.unstage(paths)
            raise
