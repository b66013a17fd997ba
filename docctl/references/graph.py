"""The reference graph of a collection: every reference resolved to the document it leads to,
``xref`` (references out of and into one document, the clauses it uses) and ``impact`` (what to
review, transitively, when a document changes)."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from docctl.core.errors import UnknownDocumentError, UsageError
from docctl.references.model import (
    LINK,
    MENTION,
    METADATA,
    REFERENCES,
    RETIRED,
    SUPERSEDES,
    Extracted,
    Reference,
    References,
    Summarised,
    Summary,
)
from docctl.standards import CLAUSE_NUMBER, Catalogues, number_key

_KIND_ORDER = {REFERENCES: 0, SUPERSEDES: 1, LINK: 2, MENTION: 3}

D = TypeVar("D", bound=Summarised)


class ReferenceIndex(Generic[D]):
    """Every document's references, resolved against the collection (by id, or by path for links).

    The documents may be whole :class:`Document` values or their :class:`Summary` (whose references
    travel with it). The repository index passes only the documents to judge as ``documents``,
    with lookups over the whole collection (``by_id``: the first holder of each id in (id, path)
    order; ``successors``: the first document in that order whose ``supersedes`` names an id).
    """

    def __init__(
        self,
        documents: Sequence[D],
        references: References,
        *,
        by_id: Mapping[str, D] | None = None,
        by_path: Mapping[str, D] | None = None,
        successors: Mapping[str, D] | None = None,
    ) -> None:
        self.documents = sorted(documents, key=lambda d: (d.id is None, d.id or "", d.path))
        self.references = references
        self._successors = successors
        if by_id is None or by_path is None:
            ids: dict[str, D] = {}
            paths: dict[str, D] = {}
            for document in self.documents:
                if document.id and document.id not in ids:
                    ids[document.id] = document
                paths[document.path] = document
            by_id, by_path = ids, paths
        self.by_id: Mapping[str, D] = by_id
        self.by_path: Mapping[str, D] = by_path
        self._incoming: dict[str, list[tuple[D, Reference]]] | None = None
        self._outgoing: dict[str, list[tuple[Reference, D | None]]] = {}

    @property
    def catalogues(self) -> Catalogues:
        return self.references.catalogues

    def extracted(self, document: Summarised) -> Extracted:
        return self.references.extract(document)  # type: ignore[arg-type]

    def references_of(self, document: Summarised) -> tuple[Reference, ...]:
        """The references of a document (a summary holds its own)."""
        if isinstance(document, Summary):
            return document.outgoing
        return self.references.extract(document).references

    def resolve(self, reference: Reference) -> D | None:
        if reference.kind == LINK:
            return self.by_path.get(reference.target)
        return self.by_id.get(reference.target)

    def outgoing(self, document: D) -> list[tuple[Reference, D | None]]:
        """The references of ``document``, each with the document it leads to (None: nothing)."""
        found = self._outgoing.get(document.path)
        if found is None:
            found = [(ref, self.resolve(ref)) for ref in self.references_of(document)]
            self._outgoing[document.path] = found
        return found

    def incoming(self, document: D) -> list[tuple[D, Reference]]:
        """References to ``document`` from other documents, sorted by source id and line."""
        if self._incoming is None:
            table: dict[str, list[tuple[D, Reference]]] = {}
            for source in self.documents:
                for ref, target in self.outgoing(source):
                    if target is not None and target is not source:
                        table.setdefault(target.path, []).append((source, ref))
            self._incoming = table
        return self._incoming.get(document.path, [])

    def document(self, doc_id: str) -> D:
        found = self.by_id.get(doc_id)
        if found is None:
            raise UnknownDocumentError(f"no document with id '{doc_id}'")
        return found

    def successor(self, doc_id: str) -> D | None:
        """The document whose ``supersedes`` names ``doc_id``."""
        if self._successors is not None:
            return self._successors.get(doc_id)
        return next((d for d in self.documents if d.supersedes == doc_id), None)


# --- cross-references ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentSummary:
    id: str | None
    title: str | None
    type: str | None
    revision: str | None
    status: str | None
    path: str

    @classmethod
    def of(cls, document: Summarised) -> DocumentSummary:
        return cls(
            id=document.id,
            title=document.title,
            type=document.type,
            revision=document.revision,
            status=document.status.value if document.status else None,
            path=document.path,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "type": self.type,
            "revision": self.revision,
            "status": self.status,
            "path": self.path,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class XrefEntry:
    """The references between the document and one other document (or a target that does not exist)."""

    target: str  # the other document's id; the path for an unresolved link
    document: DocumentSummary | None  # None: nothing in the repository has that id or path
    via: tuple[Reference, ...]

    @property
    def declared(self) -> bool:
        return any(r.kind in (REFERENCES, SUPERSEDES) for r in self.via)

    @property
    def in_text(self) -> bool:
        return any(r.kind in (LINK, MENTION) for r in self.via)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.document.id if self.document else (None if "/" in self.target else self.target),
            "title": self.document.title if self.document else None,
            "status": self.document.status if self.document else None,
            "path": self.document.path if self.document else (self.target if "/" in self.target else None),
            "exists": self.document is not None,
            "declared": self.declared,
            "in_text": self.in_text,
            "via": [r.to_dict() for r in self.via],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ClauseUse:
    """How a document uses one clause: claimed in ``clauses`` and/or mentioned in the body."""

    standard: str
    number: str
    title: str | None  # None: not in the catalogue
    claimed_lines: tuple[int | None, ...]
    mentioned_lines: tuple[int | None, ...]
    weak: bool  # claimed in the metadata but never mentioned in the body (nor a sub-clause of it)

    @property
    def claimed(self) -> bool:
        return bool(self.claimed_lines)

    @property
    def mentioned(self) -> bool:
        return bool(self.mentioned_lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "standard": self.standard,
            "clause": self.number,
            "title": self.title,
            "known": self.title is not None,
            "claimed": self.claimed,
            "claimed_line": self.claimed_lines[0] if self.claimed_lines else None,
            "mentioned_lines": [line for line in self.mentioned_lines if line is not None],
            "mentioned": self.mentioned,
            "weak": self.weak,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class XRef:
    document: DocumentSummary
    outgoing: tuple[XrefEntry, ...]
    incoming: tuple[XrefEntry, ...]
    clauses: tuple[ClauseUse, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "document": self.document.to_dict(),
            "out": [e.to_dict() for e in self.outgoing],
            "in": [e.to_dict() for e in self.incoming],
            "clauses": [c.to_dict() for c in self.clauses],
        }


def xref(documents: Sequence[Summarised], references: References, doc_id: str) -> XRef:
    """References out of and into ``doc_id``, with their lines, and the clauses it uses."""
    index = ReferenceIndex(documents, references)
    return xref_of(index, index.document(doc_id))


def xref_of(index: ReferenceIndex[D], document: D, *, content: Summarised | None = None) -> XRef:
    """:func:`xref` of one document of an index made once (the portal asks it of every document).
    ``content``: another revision of the document, whose references out (and clauses) to report."""
    own = content or document
    pairs = (
        index.outgoing(document)
        if content is None
        else [(r, index.resolve(r)) for r in index.extracted(own).references]
    )
    grouped: dict[str, tuple[Summarised | None, list[Reference]]] = {}
    for ref, target in pairs:
        key = target.id or target.path if target is not None else ref.target
        grouped.setdefault(key, (target, []))[1].append(ref)
    outgoing = tuple(
        XrefEntry(target=key, document=DocumentSummary.of(target) if target else None, via=tuple(refs))
        for key, (target, refs) in sorted(grouped.items())
    )
    sources: dict[str, tuple[Summarised, list[Reference]]] = {}
    for source, ref in index.incoming(document):
        sources.setdefault(source.path, (source, []))[1].append(ref)
    incoming = tuple(
        XrefEntry(target=source.id or source.path, document=DocumentSummary.of(source), via=tuple(refs))
        for source, refs in sorted(sources.values(), key=lambda item: (item[0].id or "", item[0].path))
    )
    return XRef(
        document=DocumentSummary.of(own),
        outgoing=outgoing,
        incoming=incoming,
        clauses=clause_uses(own, index),
    )


def clause_uses(document: Summarised, index: ReferenceIndex[D]) -> tuple[ClauseUse, ...]:
    """Every clause the document claims or mentions, in catalogue order, weak claims marked."""
    claimed: dict[tuple[str, str], list[int | None]] = {}
    mentioned: dict[tuple[str, str], list[int | None]] = {}
    for ref in index.extracted(document).clauses:
        if ref.where == METADATA and not CLAUSE_NUMBER.fullmatch(ref.number):
            continue
        target = claimed if ref.where == METADATA else mentioned
        target.setdefault((ref.standard, ref.number), []).append(ref.line)
    uses = []
    for key in {**claimed, **mentioned}:
        standard, number = key
        catalogue = index.catalogues.get(standard)
        clause = catalogue.clause(number) if catalogue else None
        is_weak = key in claimed and not _mentioned(standard, number, mentioned)
        uses.append(
            ClauseUse(
                standard=standard,
                number=number,
                title=clause.display_title if clause else None,
                claimed_lines=tuple(claimed.get(key, ())),
                mentioned_lines=tuple(dict.fromkeys(mentioned.get(key, ()))),
                weak=is_weak,
            )
        )
    uses.sort(
        key=lambda u: (
            u.standard,
            number_key(u.number) if CLAUSE_NUMBER.fullmatch(u.number) else (),
        )
    )
    return tuple(uses)


def _mentioned(standard: str, number: str, mentioned: Mapping[tuple[str, str], object]) -> bool:
    prefix = number + "."
    return any(s == standard and (n == number or n.startswith(prefix)) for s, n in mentioned)


# --- impact ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One link of a reason chain: ``source`` refers to ``target`` by ``reference``."""

    source: str
    target: str
    reference: Reference

    def to_dict(self) -> dict[str, object]:
        return {"from": self.source, "to": self.target, **self.reference.to_dict()}

    def __str__(self) -> str:
        verb = {REFERENCES: "references", LINK: "links to", MENTION: "mentions"}.get(self.reference.kind, "refers to")
        where = (
            f"{self.reference.path}:{self.reference.line}" if self.reference.line is not None else self.reference.path
        )
        return f"{self.source} {verb} {self.target} ({where})"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImpactEntry:
    document: DocumentSummary
    distance: int
    chain: tuple[Step, ...]  # from this document to the changed one

    def to_dict(self) -> dict[str, object]:
        return {
            **self.document.to_dict(),
            "distance": self.distance,
            "chain": [s.to_dict() for s in self.chain],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Impact:
    document: DocumentSummary
    depth: int | None
    affected: tuple[ImpactEntry, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "document": self.document.to_dict(),
            "depth": self.depth,
            "affected": [e.to_dict() for e in self.affected],
        }


def impact(documents: Sequence[Summarised], references: References, doc_id: str, *, depth: int | None = None) -> Impact:
    """Summariseds to review when ``doc_id`` changes: those that refer to it, then those that refer to
    them, and so on (up to ``depth`` steps), each with the shortest reason chain.

    Every kind of reference counts except ``supersedes`` and mentions under a revision-history
    heading; superseded and obsolete documents are not reviewed and do not pass the change on.
    """
    if depth is not None and depth < 1:
        raise UsageError("depth must be at least 1")
    index = ReferenceIndex(documents, references)
    start = index.document(doc_id)
    chains: dict[str, tuple[Summarised, tuple[Step, ...]]] = {}
    queue: deque[tuple[Summarised, tuple[Step, ...]]] = deque([(start, ())])
    while queue:
        target, chain = queue.popleft()
        if depth is not None and len(chain) >= depth:
            continue
        best: dict[str, tuple[Summarised, Reference]] = {}
        for source, ref in index.incoming(target):
            if ref.kind == SUPERSEDES or ref.historical or source.status in RETIRED or source is start:
                continue
            current = best.get(source.path)
            if current is None or _reason_order(ref) < _reason_order(current[1]):
                best[source.path] = (source, ref)
        for source, ref in sorted(best.values(), key=lambda item: (item[0].id or "", item[0].path)):
            if source.path in chains:
                continue
            step = Step(source=source.id or source.path, target=target.id or target.path, reference=ref)
            chains[source.path] = (source, (step, *chain))
            queue.append((source, (step, *chain)))
    affected = tuple(
        ImpactEntry(document=DocumentSummary.of(doc), distance=len(chain), chain=chain)
        for doc, chain in sorted(chains.values(), key=lambda item: (len(item[1]), item[0].id or "", item[0].path))
    )
    return Impact(document=DocumentSummary.of(start), depth=depth, affected=affected)


def _reason_order(ref: Reference) -> tuple[int, int]:
    return (_KIND_ORDER.get(ref.kind, 9), ref.line or 0)
