"""Carrying out a plan: front matter into Markdown files, sidecars beside .docx files, one commit.

A Markdown body is kept byte for byte: a file without front matter gets a front matter block on top
(with its own line breaks, CRLF or LF; a UTF-8 byte order mark is dropped, as docctl reads files
without one); a file with front matter of its own keeps every key of it, and docctl's keys are added
after them (a key of the same name whose value changes keeps the old value in a comment). A .docx is
never changed: its metadata goes into the sidecar ``<file>.docx.yml``.

Every file is built and read back in memory first; only when all of them read back as valid
documents (with the same body) are they written, atomically, and committed as one commit with
``Docctl-Action: adopt`` trailers (staged instead with ``commit=False``). On any failure every file
and the index are put back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.adapters import git as gitmod
from docctl.core.errors import LifecycleError, MetadataError
from docctl.core.model import Document
from docctl.documents.sources import SIDECAR_SUFFIX, load
from docctl.formats.frontmatter import MetadataText, scalar
from docctl.lifecycle.adopt.markdown import read_source
from docctl.lifecycle.adopt.plan import FIELDS, Action, Adoption, Plan, Row
from docctl.lifecycle.change import Actor, Change, metadata_problem
from docctl.lifecycle.change import Commit as StepCommit

if TYPE_CHECKING:
    from docctl.composer.base import Composer


@dataclass(frozen=True, slots=True)
class Signature:
    """The adoption approval of ``adopt --effective``: who signs, in which role, when."""

    name: str
    email: str
    role: str
    date: str  # ISO 8601 with zone


@dataclass(frozen=True, slots=True)
class Built:
    """One adopted document: the files to write and the document they make."""

    row: Row
    files: Mapping[str, bytes]
    document: Document


def prepare(repo: Composer, plan: Plan, signature: Signature | None) -> tuple[Plan, list[Built]]:
    """Every file of the plan built in memory and read back; a row whose files would not make a valid
    document (front matter of its own that docctl reads otherwise, say) becomes a refused one."""
    rows: list[Row] = []
    built: list[Built] = []
    for row in plan.rows:
        if row.action is Action.ADOPT:
            try:
                item = build_files(repo, row, signature)
            except LifecycleError as error:
                row = replace(row, action=Action.REFUSED, reason=error.message)
            else:
                built.append(item)
        rows.append(row)
    return replace(plan, rows=tuple(rows)), built


def carry_out(repo: Composer, plan: Plan, built: Sequence[Built], who: Actor, *, commit: bool) -> Adoption:
    """Write the built files and commit (or stage) them as one lifecycle change: journalled before the
    first write, so an interrupted adoption is named by every command and put back or finished by
    ``docctl recover``; LifecycleError, with nothing written, when it cannot."""
    if not built:
        return Adoption(plan=plan, dry_run=False)
    git = repo.git()
    if git is None:
        raise LifecycleError("not a git work tree: adoption is recorded by a git commit; run 'git init' first")
    change = Change(repo, who)
    for item in built:
        for path, data in item.files.items():
            change.put(path, data)
    written = tuple(sorted(change.files))
    for item in built:  # each .docx is committed too, as it is
        if item.row.path not in change.files:
            change.put(item.row.path, (repo.root / item.row.path).read_bytes())
    if commit:
        _check_committed(git, sorted(change.files))
    commit_id = change.apply(_step(plan, built), path=built[0].row.path, commit=commit)
    if commit_id is None:
        return Adoption(plan=plan, dry_run=False, written=written, staged=True)
    return Adoption(plan=plan, dry_run=False, written=written, commit=commit_id)


def build_files(repo: Composer, row: Row, signature: Signature | None) -> Built:
    """The bytes of the row's metadata (and Markdown file), read back and checked."""
    values = {name: value for name in FIELDS if (value := row.value(name)) is not None}
    files = _files(repo, row, values, ())
    document = _read_back(repo, row, files)
    if signature is None:
        return Built(row, files, document)
    approval = {
        "name": signature.name,
        "by": signature.email,
        "role": signature.role,
        "meaning": "approved",
        "date": signature.date,
        "fingerprint": document.fingerprint,
    }
    files = _files(repo, row, values, (approval,))
    signed = _read_back(repo, row, files)
    if signed.fingerprint != document.fingerprint or not signed.approvals:  # pragma: no cover - an editing bug
        raise LifecycleError("internal error: the adoption approval would not read back")
    return Built(row, files, signed)


def _files(
    repo: Composer, row: Row, values: Mapping[str, str], approvals: Sequence[Mapping[str, str]]
) -> dict[str, bytes]:
    if row.format == "docx":
        return {row.path + SIDECAR_SUFFIX: _yaml(values, approvals, "\n").encode("utf-8")}
    try:
        return {row.path: _markdown(repo.root / row.path, values, approvals)}
    except MetadataError as error:
        raise LifecycleError(f"docctl's keys cannot be added to its front matter: {error.message}") from None


def _markdown(full: Path, values: Mapping[str, str], approvals: Sequence[Mapping[str, str]]) -> bytes:
    source = read_source(full.read_bytes())
    if source.metadata is None:
        text = "---" + source.newline + _yaml(values, approvals, source.newline) + "---" + source.newline + source.text
        return text.encode("utf-8")
    meta = MetadataText(source.front)
    if not source.front:
        meta.newline = source.newline
    for name, value in values.items():
        before = source.metadata.get(name)
        if before == value:
            continue
        meta.set(name, value)
        if before is not None:
            _comment(meta, name, f"was: {_was(before)} (before docctl adopt)")
    for approval in approvals:
        meta.append_item("approvals", approval)
    return (source.head + meta.text() + source.rest).encode("utf-8")


def _was(value: object) -> str:
    if isinstance(value, str):
        return " ".join(value.split())[:80]
    return "a list" if isinstance(value, list) else "a mapping"


def _comment(meta: MetadataText, key: str, comment: str) -> None:
    """Add `` # comment`` to the line of a top-level key (the line set has just written)."""
    pattern = re.compile(rf"^{re.escape(key)}[ \t]*:")
    for index, line in enumerate(meta.lines):
        if pattern.match(line):
            body = line.rstrip("\r\n")
            meta.lines[index] = f"{body}  # {comment.replace('#', '')}{line[len(body) :]}"
            return


def _yaml(values: Mapping[str, str], approvals: Sequence[Mapping[str, str]], newline: str) -> str:
    lines = [f"{name}: {scalar(value)}" for name, value in values.items()]
    if approvals:
        lines.append("approvals:")
        for approval in approvals:
            for number, (name, value) in enumerate(approval.items()):
                lines.append(f"  {'- ' if number == 0 else '  '}{name}: {scalar(value)}")
    return "".join(line + newline for line in lines)


def _read_back(repo: Composer, row: Row, files: Mapping[str, bytes]) -> Document:
    """The document ``files`` make, refusing when it would not be valid or its body would change."""
    if row.format == "docx":
        loaded = load(row.path, (repo.root / row.path).read_bytes(), repo.config, sidecar=files[row.metadata_path])
    else:
        loaded = load(row.path, files[row.path], repo.config)
    problem = metadata_problem(loaded)
    if problem is not None or loaded.document is None:
        raise LifecycleError(f"with docctl's keys it would not be a valid document: {problem or 'unreadable'}")
    if row.format == "md":
        source = read_source((repo.root / row.path).read_bytes())
        if loaded.document.body != source.body:  # pragma: no cover - the body is never edited
            raise LifecycleError("internal error: adopting it would change its body")
    return loaded.document


def _check_committed(git: gitmod.Git, paths: Sequence[str]) -> None:
    """Files that HEAD has and that changed since: the adoption commit would carry those changes too."""
    head = git.head()
    if head is None:
        return
    tracked = gitmod.ls_tree(git, head)
    changed = [path for path in gitmod.dirty_paths(git, list(paths)) if path in tracked]
    if changed:
        raise LifecycleError(
            f"{changed[0]} has changes that are not committed; commit them first, so that the adoption commit "
            "holds the adoption alone (or use --no-commit)"
        )


def _step(plan: Plan, built: Sequence[Built]) -> StepCommit:
    """The adoption commit: the first document's trailers, then the others'."""
    count = len(built)
    first = built[0].document
    what = first.id if count == 1 else f"{count} documents"
    body = "\n".join(f"{item.document.id} revision {item.document.revision}: {item.row.path}" for item in built)
    extra: list[tuple[str, str]] = []
    for item in built[1:]:
        doc = item.document
        extra += [
            ("Docctl-Document", doc.id or ""),
            ("Docctl-Revision", doc.revision or ""),
            ("Docctl-Fingerprint", doc.fingerprint),
        ]
    return StepCommit(
        action="adopt",
        doc_id=first.id or "",
        revision=first.revision or "",
        subject=f"adopt {what} as {plan.status}",
        fingerprint=first.fingerprint,
        extra=tuple(extra),
        body=body,
    )
