"""The plan: every file considered, its values and their sources, ids given, clashes refused.

Ids come from the files and the master list when they fit a type's ``id_pattern``; a file without
one gets the next free id of its type, above every id in use and every id history has seen (ids are
never reused). An id two files claim, or one a controlled document or history already has, refuses
the files that claim it: the plan is carried out whole or not at all.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from docctl.core.errors import UsageError
from docctl.core.model import Document
from docctl.documents.metadata import KNOWN_FIELDS
from docctl.lifecycle.adopt import resolve as resolving
from docctl.lifecycle.adopt.candidates import Candidate, scan
from docctl.lifecycle.adopt.fields import IdMatch, read_id
from docctl.lifecycle.adopt.masterlist import MasterList, MasterRow, read_master_list
from docctl.lifecycle.adopt.matching import FileKeys, Matches, fold, match_rows, row_clues
from docctl.lifecycle.adopt.plan import Action, Clue, Found, MasterListReport, Plan, Row
from docctl.lifecycle.scaffold import next_id
from docctl.rules.identity import heading_matches

if TYPE_CHECKING:
    from docctl.composer.base import Composer

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
DEFAULT_RECORD = "paper records before adoption"


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """What the user asked for (``docctl adopt`` and its options)."""

    paths: tuple[str | os.PathLike[str], ...] = ()
    type: str | None = None
    register: str | os.PathLike[str] | None = None
    effective: bool = False
    legacy_record: str | None = None
    owner: str | None = None
    author: str | None = None


def build(repo: Composer, request: Request, *, identity: str | None) -> Plan:
    """The plan for ``request``; UsageError for options that cannot work."""
    settings = _settings(repo, request, identity)
    candidates = scan(repo, request.paths)
    master = _master_list(repo, request.register)
    documents = {d.path: d for d in repo.documents()}
    adoptable = [c for c in candidates if not c.controlled and c.problem is None]
    matches = _matches(master, adoptable, documents, settings)
    resolved: dict[str, resolving.Resolved] = {}
    for candidate in adoptable:
        row = matches.rows.get(candidate.path) if matches else None
        clues = [*candidate.clues, *(row_clues(row, master) if row and master else [])]
        resolved[candidate.path] = _resolve(candidate, clues, settings, row.number if row else None, master)
    reserved = {match.id for row in (master.rows if master else ()) if (match := _listed_id(row, settings))}
    refusals = _assign_ids(repo, resolved, documents, reserved)
    rows = []
    for candidate in candidates:
        if candidate.path in resolved:
            rows.append(_row(candidate, resolved[candidate.path], refusals, matches, settings))
        elif candidate.controlled:
            rows.append(_controlled_row(candidate, documents.get(candidate.path)))
        else:
            rows.append(
                Row(path=candidate.path, format=candidate.format, action=Action.REFUSED, reason=candidate.problem)
            )
    report = _report(master, matches, adoptable) if master else None
    return Plan(rows=tuple(rows), status="effective" if request.effective else "draft", master_list=report)


def _settings(repo: Composer, request: Request, identity: str | None) -> resolving.Settings:
    config = repo.config
    if request.type is not None and request.type not in config.types:
        raise UsageError(f"unknown type '{request.type}' (known: {', '.join(sorted(config.types))})")
    for name, value in (("--owner", request.owner), ("--author", request.author)):
        if value is not None and not _EMAIL.fullmatch(value.strip()):
            raise UsageError(f"{name} must be an email address, not '{value}'")
    if request.legacy_record is not None and not " ".join(request.legacy_record.split()):
        raise UsageError("--legacy-record must say where the approvals before adoption are recorded")
    return resolving.Settings(
        config=config,
        type=request.type,
        owner=request.owner.strip().lower() if request.owner else None,
        author=request.author.strip().lower() if request.author else None,
        effective=request.effective,
        legacy_record=" ".join(request.legacy_record.split()) if request.legacy_record else None,
        identity=identity,
        today=repo.now().date(),
    )


def _master_list(repo: Composer, register: str | os.PathLike[str] | None) -> MasterList | None:
    if register is None:
        return None
    path = Path(register)
    full = path if path.is_absolute() else Path.cwd() / path
    return read_master_list(full, str(register))


def _matches(
    master: MasterList | None,
    adoptable: Sequence[Candidate],
    documents: dict[str, Document],
    settings: resolving.Settings,
) -> Matches | None:
    if master is None:
        return None
    keys = []
    for candidate in adoptable:
        first = resolving.resolve(candidate.path, candidate.clues, settings)
        ids = {first.values["id"].value} if "id" in first.values else set()
        titles = {fold(c.value) for c in candidate.clues if c.field == "title"}
        if "title" in first.values:
            titles.add(fold(first.values["title"].value))
        keys.append(FileKeys(candidate.path, frozenset(ids), frozenset(titles)))
    controlled = {d.id: d.path for d in documents.values() if d.id}
    return match_rows(master, keys, controlled, settings.config)


def _resolve(
    candidate: Candidate,
    clues: list[Clue],
    settings: resolving.Settings,
    master_row: int | None,
    master: MasterList | None,
) -> resolving.Resolved:
    result = resolving.resolve(candidate.path, clues, settings)
    status = "effective" if settings.effective else "draft"
    result.values["status"] = Found(status, "--effective" if settings.effective else "adopted as draft")
    record = settings.legacy_record or settings.config.adopt.legacy_record
    source = "--legacy-record" if settings.legacy_record else "[adopt] legacy_record"
    if record is None and master is not None and master_row is not None:
        record, source = f"master list {Path(master.path).name}, row {master_row}", "the master list"
    if record is None:
        record, source = DEFAULT_RECORD, "default"
    revision = result.values["revision"].value
    if "change" not in result.values and revision != settings.config.scheme.first:
        text = f"Brought under docctl control at revision {revision}; earlier revisions are recorded outside docctl ({record})"
        result.values["change"] = Found(text, "adoption (revision after the first)")
    if settings.effective and result.problem is None:
        resolving.effective_values(result, clues, settings)
        evidence = resolving.approval_evidence(clues, settings)
        text = f"{record} ({evidence})" if evidence else record
        result.values["legacy_approval"] = Found(text, source)
    return result


def _listed_id(row: MasterRow, settings: resolving.Settings) -> IdMatch | None:
    text = row.values.get("id")
    return read_id(text, settings.config) if text else None


def _assign_ids(
    repo: Composer, resolved: dict[str, resolving.Resolved], documents: dict[str, Document], reserved: set[str]
) -> dict[str, str]:
    """Give each file without an id the next free one of its type, above the ids of the master list too;
    path -> reason for the files refused."""
    refusals: dict[str, str] = {}
    claims: dict[str, list[str]] = defaultdict(list)
    for path, result in resolved.items():
        if "id" in result.values:
            claims[result.values["id"].value].append(path)
    in_use = {d.id: d.path for d in sorted(documents.values(), key=lambda d: d.path) if d.id}
    history = repo.retired_ids()
    for doc_id, paths in claims.items():
        for path in paths:
            others = [p for p in paths if p != path]
            if others:
                refusals[path] = f"id {doc_id} is also claimed by {', '.join(others)}"
            elif doc_id in in_use:
                refusals[path] = f"id {doc_id} is the id of {in_use[doc_id]} already"
            elif doc_id in history:
                refusals[path] = f"id {doc_id} was used before (git history); ids are never reused: give it another"
    used = set(in_use) | history | set(claims) | reserved
    last: dict[str, str] = {}  # type -> the id it gave last (the next one is above it)
    for path in sorted(resolved):
        result = resolved[path]
        if "id" in result.values or "type" not in result.values or result.problem:
            continue
        code = result.values["type"].value
        doc_id = next_id(repo.config, code, used if code not in last else {last[code]})
        while doc_id in used:  # pragma: no cover - defensive: above the highest one, nothing is used
            doc_id = next_id(repo.config, code, {*used, doc_id})
        used.add(doc_id)
        last[code] = doc_id
        result.values["id"] = Found(doc_id, f"next free {code} id")
    return refusals


def _row(
    candidate: Candidate,
    result: resolving.Resolved,
    refusals: dict[str, str],
    matches: Matches | None,
    settings: resolving.Settings,
) -> Row:
    reason = result.problem or refusals.get(candidate.path) or _self_approval(result, settings)
    notes = [*result.notes, *_identity_notes(candidate, result)]
    notes += [
        f"its front matter's '{key}' is kept, and docctl reads it as its own field '{key}'"
        for key in candidate.keys
        if key in KNOWN_FIELDS and key not in result.values
    ]
    master_row = matches.rows[candidate.path].number if matches and candidate.path in matches.rows else None
    return Row(
        path=candidate.path,
        format=candidate.format,
        action=Action.REFUSED if reason else Action.ADOPT,
        reason=reason,
        values=MappingProxyType(dict(result.values)),
        notes=tuple(dict.fromkeys(notes)),
        master_row=master_row,
    )


def _self_approval(result: resolving.Resolved, settings: resolving.Settings) -> str | None:
    """With --effective, the adoption approval must not be a self-approval the type forbids (DC203)."""
    if not settings.effective or "type" not in result.values:
        return None
    doc_type = settings.config.types[result.values["type"].value]
    author = result.values.get("author")
    if doc_type.allow_self_approval or author is None or author.value != settings.identity:
        return None
    return (
        f"you ({settings.identity}) are its author ({author.source}) and type {doc_type.code} forbids self-approval, "
        "so the adoption approval would not count: give another --author"
    )


def _identity_notes(candidate: Candidate, result: resolving.Resolved) -> list[str]:
    """What DC106 will say after adoption: a heading or a .docx core property that disagrees."""
    values = {name: found.value for name, found in result.values.items()}
    notes = []
    if candidate.heading and "title" in values:
        shown = Document(path=candidate.path, format=candidate.format, id=values.get("id"), title=values["title"],
                         type=None, revision=None, status=None)  # fmt: skip
        if not heading_matches(candidate.heading, shown):
            notes.append(
                f"the title heading '{candidate.heading}' differs from the title '{values['title']}': check reports DC106"
            )
    for prop, name in (("identifier", "id"), ("version", "revision"), ("title", "title"), ("content_status", "status")):
        shown_value = (candidate.properties.get(prop) or "").strip()
        wanted = values.get(name)
        if (
            shown_value
            and wanted
            and (shown_value.casefold() != wanted.casefold() if name == "status" else shown_value != wanted)
        ):
            notes.append(
                f"core property '{prop}' is '{shown_value}', not {name} '{wanted}': check reports DC106 until the "
                "next lifecycle step sets it (the .docx is not changed now)"
            )
    return notes


def _controlled_row(candidate: Candidate, document: Document | None) -> Row:
    values: dict[str, Found] = {}
    if document is not None:
        for name in ("id", "title", "type", "revision", "status", "owner"):
            value = getattr(document, name)
            if value is not None:
                values[name] = Found(str(value), "its metadata")
    return Row(path=candidate.path, format=candidate.format, action=Action.CONTROLLED, values=MappingProxyType(values))


def _report(master: MasterList, matches: Matches | None, adoptable: Sequence[Candidate]) -> MasterListReport:
    matched = matches.rows if matches else {}
    unmatched = matches.unmatched if matches else []
    return MasterListReport(
        path=master.path,
        rows=len(master.rows),
        unmatched_rows=tuple((row.number, row.names()) for row in unmatched),
        files_without_row=tuple(c.path for c in adoptable if c.path not in matched),
        notes=(*master.notes, *(matches.notes if matches else ())),
    )
