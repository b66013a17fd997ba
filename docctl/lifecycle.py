"""Lifecycle steps: validate everything, edit in place, write atomically, commit with trailers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docctl import git as gitmod
from docctl.atomic import write_atomic
from docctl.errors import LifecycleError, UsageError
from docctl.scaffold import NewDocument, default_folder, next_id, render_template, slug

if TYPE_CHECKING:
    from docctl.repository import Repository


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    email: str


def actor(repo: Repository, by: str | None) -> Actor:
    """The acting person: the git identity; ``by`` must match it when given."""
    git = gitmod.Git.find(repo.root)
    if git is None:
        if by is None:
            raise LifecycleError("not a git work tree: lifecycle steps are attested by git commits; run 'git init' first")
        person = repo.config.people.get(by.lower())
        return Actor(person.name if person else by, by.lower())
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
    for path, data in files.items():
        write_atomic(repo.root / path, data)
    _finish(repo, list(files), action="new", doc_id=doc_id, revision=_first_revision(repo), subject=f"{doc_id}: new {type_code} '{title.strip()}'", commit=commit, fingerprint=None)
    return NewDocument(id=doc_id, path=rel, files=tuple(files))


def _first_revision(repo: Repository) -> str:
    from docctl import revisions

    return revisions.FIRST[repo.config.revision_scheme]


def _finish(
    repo: Repository,
    paths: list[str],
    *,
    action: str,
    doc_id: str,
    revision: str,
    subject: str,
    commit: bool,
    fingerprint: str | None,
) -> str | None:
    git = gitmod.Git.find(repo.root)
    if git is None:
        return None
    if not commit:
        gitmod.stage(git, paths)
        return None
    trailers = [("Docctl-Action", action), ("Docctl-Document", doc_id), ("Docctl-Revision", revision)]
    if fingerprint:
        trailers.append(("Docctl-Fingerprint", fingerprint))
    return gitmod.commit(git, gitmod.trailers_message(subject, trailers), paths=paths)
