"""Reference rules: DC401 unknown clause, DC402 broken reference, DC403 obsolete reference,
DC404 unreleased reference, DC405 inconsistent supersedes, DC406 mandatory gap, DC407 suspect reference.

DC401 looks at one document; the others need the whole collection. Each document's references
come from the context (``ctx.references``: extracted by the composer, which keeps them per content);
the rules never read a body themselves. DC407 needs revision history: :func:`suspect_references`
is the hook that the history layer calls with the date each referenced document got its newest
effective revision (it is not in the registry until then).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence

from docctl.core import revisions
from docctl.core.model import Document, Finding, Meaning, Status
from docctl.references.graph import ReferenceIndex
from docctl.references.model import (
    LINK,
    MENTION,
    REFERENCES,
    SUPERSEDES,
    Reference,
    References,
    Summarised,
    Summary,
    parse_clause,
)
from docctl.rules.codes import finding
from docctl.rules.context import RuleContext
from docctl.standards import Catalogue, MandatoryItem, ancestors_of, load_catalogues

#: Statuses whose content is (about to be) in use, so what they rely on must be in use too.
RELEASED_STATES = frozenset({Status.APPROVED, Status.EFFECTIVE})
RETIRED_STATES = frozenset({Status.SUPERSEDED, Status.OBSOLETE})
PENDING_STATES = frozenset({Status.DRAFT, Status.REVIEW, Status.APPROVED})
_VERB = {REFERENCES: "references", LINK: "links to", MENTION: "mentions"}


def references_of(ctx: RuleContext) -> References:
    """The references the rules read: the composer's, or the metadata's alone without one."""
    return ctx.references if ctx.references is not None else References.declared(load_catalogues(ctx.config))


def unknown_clause(document: Document, ctx: RuleContext) -> Iterator[Finding]:
    """DC401: a clause in ``clauses`` or in the body text that the standard's catalogue does not list."""
    for ref in references_of(ctx).extract(document).clauses:
        if ref.problem is None or ref.implied:
            continue
        message = ref.problem if ref.where == "metadata" else f"'{ref.text}': {ref.problem}"
        yield finding("DC401", message, path=ref.path, line=ref.line, document=document.id)


def index_of(
    documents: Sequence[Summarised], ctx: RuleContext, index: ReferenceIndex[Summarised] | None = None
) -> ReferenceIndex[Summarised]:
    """The reference index the collection rules share (one build for all of them)."""
    return index if index is not None else ReferenceIndex(documents, references_of(ctx))


def _referring(
    documents: Sequence[Summarised],
    ctx: RuleContext,
    wanted: Callable[[Summarised | None], bool],
    statuses: frozenset[Status] | None = None,
    index: ReferenceIndex[Summarised] | None = None,
) -> Iterator[tuple[ReferenceIndex[Summarised], Summarised, list[tuple[Reference, Summarised | None]]]]:
    """Documents (in ``statuses``) that refer to a target ``wanted`` accepts, with their resolved references."""
    index = index_of(documents, ctx, index)
    for document in index.documents:
        if statuses is not None and document.status not in statuses:
            continue
        outgoing = index.outgoing(document)
        if any(wanted(target) for _, target in outgoing):
            yield index, document, outgoing


def broken_references(
    documents: Sequence[Summarised], ctx: RuleContext, index: ReferenceIndex[Summarised] | None = None
) -> Iterator[Finding]:
    """DC402: ``references``, links and mentions of ids or files that do not exist.

    Repeated mentions of the same missing id are one finding, on the first line.
    """
    for _, document, outgoing in _referring(documents, ctx, lambda target: target is None, None, index):
        mentioned: dict[str, list[Reference]] = {}
        for ref, target in outgoing:
            if target is not None or ref.kind == SUPERSEDES:
                continue
            if ref.kind == MENTION:
                mentioned.setdefault(ref.target, []).append(ref)
                continue
            if ref.kind == LINK:
                message = f"links to {ref.target}, which is not a controlled document in this repository"
            else:
                message = f"references {ref.target}, which does not exist"
            yield finding("DC402", message, path=ref.path, line=ref.line, document=document.id)
        for target_id, refs in mentioned.items():
            others = [r.line for r in refs[1:] if r.line is not None]
            also = f" (also on line{'s' if len(others) > 1 else ''} {', '.join(map(str, others))})" if others else ""
            yield finding(
                "DC402",
                f"mentions {target_id}, which does not exist{also}",
                path=refs[0].path,
                line=refs[0].line,
                document=document.id,
            )


def _counted(ref: Reference, document: Summarised) -> bool:
    """References that say "use this document": not supersedes, not revision history, not the replaced one."""
    return ref.kind != SUPERSEDES and not ref.historical and ref.target != document.supersedes


def obsolete_references(
    documents: Sequence[Summarised], ctx: RuleContext, index: ReferenceIndex[Summarised] | None = None
) -> Iterator[Finding]:
    """DC403: an approved or effective document refers to a superseded or obsolete one."""
    retired = _status_in(RETIRED_STATES)
    for found, document, outgoing in _referring(documents, ctx, retired, RELEASED_STATES, index):
        seen: set[tuple[str, int | None]] = set()
        for ref, target in outgoing:
            if target is None or target.status not in RETIRED_STATES or not _counted(ref, document):
                continue
            if (target.path, ref.line) in seen:
                continue
            seen.add((target.path, ref.line))
            successor = found.successor(target.id) if target.id else None
            instead = f"; use {successor.id} instead" if successor is not None and successor.id else ""
            yield finding(
                "DC403",
                f"{document.status} document {_VERB.get(ref.kind, 'references')} {target.id or target.path}, which is {target.status}{instead}",
                path=ref.path,
                line=ref.line,
                document=document.id,
            )


def _status_in(statuses: frozenset[Status]) -> Callable[[Summarised | None], bool]:
    return lambda target: target is not None and target.status in statuses


def was_released(document: Summarised, scheme: revisions.Scheme) -> bool:
    """Whether a document has ever been effective, as far as the working copy shows.

    Effective, superseded and obsolete ones were; a draft past the first revision had an earlier
    revision approved or released (revise starts from approved or effective). History refines this.
    """
    if document.status in (Status.EFFECTIVE, *RETIRED_STATES):
        return True
    if document.revision is None or not scheme.is_valid(document.revision):
        return False
    return scheme.key(document.revision) > scheme.key(scheme.first)


def unreleased_references(
    documents: Sequence[Summarised], ctx: RuleContext, index: ReferenceIndex[Summarised] | None = None
) -> Iterator[Finding]:
    """DC404: an effective document refers to one that has never been released."""
    scheme = ctx.config.scheme

    def unreleased(target: Summarised | None) -> bool:
        return target is not None and target.status in PENDING_STATES and not was_released(target, scheme)

    for _, document, outgoing in _referring(documents, ctx, unreleased, frozenset({Status.EFFECTIVE}), index):
        seen: set[tuple[str, int | None]] = set()
        for ref, target in outgoing:
            if target is None or target.status not in PENDING_STATES or not _counted(ref, document):
                continue
            if was_released(target, scheme) or (target.path, ref.line) in seen:
                continue
            seen.add((target.path, ref.line))
            yield finding(
                "DC404",
                f"effective document {_VERB.get(ref.kind, 'references')} {target.id or target.path}, which has never been released "
                f"({target.status}, revision {target.revision})",
                path=ref.path,
                line=ref.line,
                document=document.id,
            )


def supersedes_inconsistent(
    documents: Sequence[Summarised], ctx: RuleContext, index: ReferenceIndex[Summarised] | None = None
) -> Iterator[Finding]:
    """DC405: ``supersedes`` names no document, forms a cycle, or the replaced one is not marked."""
    index = index_of(documents, ctx, index)
    for document in index.documents:
        if not document.supersedes:
            continue
        problem = _supersedes_problem(document, index, ctx.today)
        if problem:
            yield finding(
                "DC405",
                problem,
                path=document.metadata_path,
                line=document.line_of("supersedes"),
                document=document.id,
            )


def _supersedes_problem(document: Summarised, index: ReferenceIndex[Summarised], today: dt.date) -> str | None:
    old = index.by_id.get(document.supersedes or "")
    if old is None:
        return f"supersedes {document.supersedes}, which does not exist"
    cycle = _cycle(document, index)
    if cycle:
        return f"supersedes forms a cycle: {' -> '.join(cycle)}"
    in_force = document.status is Status.EFFECTIVE and (document.effective is None or document.effective <= today)
    if in_force and old.status not in RETIRED_STATES:
        return (
            f"supersedes {old.id}, which is still {old.status}: mark it superseded now that {document.id} is effective"
        )
    return None


def _cycle(document: Summarised, index: ReferenceIndex[Summarised]) -> list[str]:
    chain = [document.id or document.path]
    current: Summarised | None = document
    while current is not None and current.supersedes:
        chain.append(current.supersedes)
        if current.supersedes == document.id:
            return chain
        if chain.count(current.supersedes) > 1:
            return []  # a cycle further down the chain: reported on its own members
        current = index.by_id.get(current.supersedes)
    return []


def mandatory_gap(
    documents: Sequence[Summarised], ctx: RuleContext, index: ReferenceIndex[Summarised] | None = None
) -> Iterator[Finding]:
    """DC406: a mandatory documented-information item of a configured standard that no effective
    document claims (in ``clauses``, the item's clause or a parent of it). One finding per item."""
    del index
    references = references_of(ctx)
    claims: dict[tuple[str, str], int] = {}
    for document in documents:
        for claim in claimed_clauses(document, references):
            claims[claim] = claims.get(claim, 0) + 1
    yield from gap_findings(claims, references)


def claimed_clauses(document: Summarised, references: References) -> tuple[tuple[str, str], ...]:
    """(standard, clause) of every valid claim of an effective document (none for other statuses):
    what DC406 counts. The repository index adds and subtracts these per changed document."""
    if document.status is not Status.EFFECTIVE:
        return ()
    catalogues = references.catalogues
    found = []
    for value in document.clauses:  # claims only: no need to read the body
        ref = parse_clause(value, catalogues)
        if ref.problem is None:
            found.append((ref.standard, ref.number))
    return tuple(found)


def gap_findings(claims: dict[tuple[str, str], int], references: References) -> Iterator[Finding]:
    """DC406 from the number of effective documents claiming each (standard, clause)."""
    for catalogue, item in _mandatory_gaps(claims, references):
        yield finding(
            "DC406",
            f"{catalogue.name} {item.clause} {item.kind.label} ({item.what}): no effective document claims clause {item.clause}",
        )


def _mandatory_gaps(
    claims: dict[tuple[str, str], int], references: References
) -> Iterator[tuple[Catalogue, MandatoryItem]]:
    """Mandatory items of the configured standards that no effective document claims (or claims a parent of).

    A standard is only checked once the repository maps documents to it: while no effective
    document claims any of its clauses, coverage is not being tracked and nothing is reported.
    """
    for catalogue in references.catalogues.configured:
        if not catalogue.mandatory:
            continue
        claimed = {number for (standard, number), count in claims.items() if count > 0 and standard == catalogue.id}
        if not claimed:
            continue
        for item in catalogue.mandatory:
            if item.clause not in claimed and not any(a in claimed for a in ancestors_of(item.clause)):
                yield catalogue, item


# --- DC407: suspect references (needs revision history) -------------------------------------------------


def approval_date(document: Summarised) -> dt.date | None:
    """The day the current revision was approved: the latest 'approved' signature."""
    if isinstance(document, Summary):
        return document.approved_on
    dates = [a.date for a in document.approvals if a.meaning is Meaning.APPROVED and a.date is not None]
    return max(dates).date() if dates else None


def is_suspect(referenced_effective_since: dt.date | None, approved_on: dt.date | None) -> bool:
    """DC407 in one line: the referenced document got its newest effective revision after the
    referencing one was approved, so the approval did not see that revision."""
    return (
        referenced_effective_since is not None and approved_on is not None and referenced_effective_since > approved_on
    )


#: The hook's lookup: document id -> (newest effective revision, the date it took effect), or None.
NewestEffective = Callable[[str], "tuple[str, dt.date] | None"]


def suspect_references(
    documents: Sequence[Summarised],
    ctx: RuleContext,
    newest_effective: NewestEffective,
    reviewed_on: Callable[[str], dt.date | None] = lambda doc_id: None,
    index: ReferenceIndex[Summarised] | None = None,
) -> Iterator[Finding]:
    """DC407: for approved and effective documents, each referenced document whose newest effective
    revision (from history, through ``newest_effective``) took effect after this one was approved
    or last reviewed (a periodic review, ``docctl review``, looks at the references again).
    """
    for _, document, outgoing in _referring(documents, ctx, lambda target: target is not None, RELEASED_STATES, index):
        approved_on = approval_date(document)
        reviewed = reviewed_on(document.id) if document.id else None
        if reviewed is not None and (approved_on is None or reviewed > approved_on):
            approved_on = reviewed
        seen: set[str] = set()
        for ref, target in outgoing:
            if target is None or target.id is None or target.id in seen or not _counted(ref, document):
                continue
            newest = newest_effective(target.id)
            if newest is None or not is_suspect(newest[1], approved_on):
                continue
            seen.add(target.id)
            revision, since = newest
            yield finding(
                "DC407",
                f"{target.id} revision {revision} took effect on {since.isoformat()}, after this document was approved on "
                f"{approved_on.isoformat() if approved_on else '?'}: review whether it still fits",
                path=ref.path,
                line=ref.line,
                document=document.id,
            )


CollectionRule = Callable[[Sequence[Summarised], RuleContext, ReferenceIndex[Summarised] | None], Iterable[Finding]]

#: The repository-wide reference rules, in the order check reports them; each may be given the
#: index to share (built once) and then judges only ``index.documents``.
COLLECTION_RULES: tuple[CollectionRule, ...] = (
    broken_references,
    obsolete_references,
    unreleased_references,
    supersedes_inconsistent,
    mandatory_gap,
)
