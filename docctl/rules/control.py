"""Rules on what the configuration puts under control: DC108, DC109, DC310.

A change of ``docctl.toml`` is a change of the controlled record: an ``exclude`` or a narrower
``controlled`` glob, or a type taken away, must not drop an approved or effective document without
a finding (DC310, like a deleted one is DC306). A sidecar left behind by its ``.docx`` (DC108) and a
``controlled`` glob that matches nothing (DC109) are the quieter ways the same can happen.

Pure: the composer lists the tree and reads the files the configuration leaves out; these
functions judge them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from docctl.adapters import paths
from docctl.config.model import CONFIG_NAME, DEFAULT_CONTROLLED, Config
from docctl.core.model import Document, Finding, Status
from docctl.rules.codes import finding
from docctl.rules.context import RuleContext

#: Statuses that claim the current content was approved: taking one out of control is a finding.
IN_FORCE = frozenset({Status.APPROVED, Status.EFFECTIVE})


@dataclass(frozen=True, slots=True, kw_only=True)
class Outside:
    """A document the configuration no longer controls, as the tree holds it (or HEAD, when ``deleted``)."""

    document: Document
    deleted: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Untyped:
    """A controlled document whose ``type`` (as written) is not one the configuration defines."""

    document: Document
    type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Orphan:
    """A ``.docx`` sidecar whose ``.docx`` is not in the tree, with what its metadata says (if readable)."""

    path: str
    docx: str  # the .docx it describes
    document: str | None = None
    status: str | None = None
    revision: str | None = None


def removed_from_control(outside: Iterable[Outside], ctx: RuleContext) -> Iterator[Finding]:
    """DC310: an approved or effective document that ``controlled``/``exclude`` no longer cover."""
    for item in outside:
        document = item.document
        if document.status not in IN_FORCE or not document.id:
            continue
        what = f"{document.id} ({document.status} revision {document.revision})"
        reason = _reason(document.path, ctx.config)
        if item.deleted:
            message = (
                f"{what} was deleted and taken out of control: {reason}; restore the file and the "
                "configuration, and make it obsolete instead"
            )
        else:
            message = (
                f"{what} is no longer controlled: {reason}; restore the configuration, or make it "
                "obsolete first (docctl obsolete) and exclude it after"
            )
        yield finding("DC310", message, path=document.path, document=document.id)


def type_not_configured(untyped: Iterable[Untyped], ctx: RuleContext) -> Iterator[Finding]:
    """DC310: an approved or effective document whose type docctl.toml no longer defines.

    Its approval matrix went with the type (no required roles, so no DC201): it is out of control
    although its file is still read. DC102 names the unknown type as well.
    """
    for item in untyped:
        document = item.document
        if document.status not in IN_FORCE or not document.id or item.type in ctx.config.types:
            continue
        yield finding(
            "DC310",
            f"{document.id} ({document.status} revision {document.revision}) is no longer controlled: "
            f"{CONFIG_NAME} defines no type '{item.type}', so no approval matrix applies to it; "
            f"restore [types.{item.type}], or make the document obsolete first",
            path=document.metadata_path,
            line=document.line_of("type"),
            document=document.id,
        )


def orphan_sidecars(orphans: Iterable[Orphan]) -> Iterator[Finding]:
    """DC108: a sidecar whose ``.docx`` is gone: the document was deleted or moved without it."""
    for orphan in orphans:
        name = orphan.docx.rsplit("/", 1)[-1]
        what = orphan.document or "its document"
        if orphan.document and orphan.status and orphan.revision:
            what += f" ({orphan.status} revision {orphan.revision})"
        yield finding(
            "DC108",
            f"sidecar without its .docx: {name} is gone, so {what} is no longer read; restore the .docx "
            "(a controlled document is made obsolete, not deleted), or move the sidecar with it",
            path=orphan.path,
            document=orphan.document,
        )


def unmatched_globs(readable: Iterable[str], config: Config) -> Iterator[Finding]:
    """DC109: a ``controlled`` glob that matches none of the ``readable`` files (the tree's Markdown
    and Word files outside hidden folders, scratch files aside).

    A glob with a typo (``sop/**`` for ``sops/**``) controls nothing and says nothing. The default
    globs (``**/*.md``, ``**/*.docx``, which ``docctl init`` writes) are not reported: they name no
    place that could be mistyped, and a repository without Word files is normal.
    """
    readable = list(readable)
    for index, glob in enumerate(config.controlled):
        if glob in DEFAULT_CONTROLLED or any(paths.matches(p, [glob]) for p in readable):
            continue
        yield finding(
            "DC109",
            f"controlled glob '{glob}' matches no Markdown or Word file: no document is controlled "
            "through it; correct it, or remove it",
            path=CONFIG_NAME,
            line=config.line_of(f"docctl.controlled[{index}]"),
        )


def _reason(path: str, config: Config) -> str:
    """Which line of docctl.toml leaves ``path`` out."""
    for index, glob in enumerate(config.exclude):
        if paths.matches(path, [glob]):
            return f"the exclude glob '{glob}' ({_where(config, f'docctl.exclude[{index}]')}) matches it"
    return f"no controlled glob ({_where(config, 'docctl.controlled')}) matches it"


def _where(config: Config, key: str) -> str:
    if key not in config.locations:
        return "the default"
    line = config.line_of(key)
    return f"{CONFIG_NAME}:{line}" if line is not None else CONFIG_NAME
