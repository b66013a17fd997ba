"""The values of the reference layer: a document's references to other documents and to clauses.

Kinds of document reference:

* ``references`` and ``supersedes``: declared in the metadata (line of the list item or key);
* ``link``: a relative Markdown link to a controlled file (``[SOP-002](../sops/SOP-002-records.md)``);
* ``mention``: a document id in the prose of the body, recognised by the id patterns of the
  configured types.

Clause references come from ``clauses`` in the metadata (``7.5.3`` in the default standard or
``iso13485:2016#4.2.4``) and from the prose of the body (see :mod:`docctl.references.clauses`).

Pure values: nothing here reads a file. The reference rules read :class:`References` from their
context; the composer fills it, extracting each document's references once per content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from docctl.core.model import Document, Meaning, Status
from docctl.standards import CLAUSE_NUMBER, Catalogues

REFERENCES, SUPERSEDES, LINK, MENTION = "references", "supersedes", "link", "mention"
METADATA, BODY = "metadata", "body"
#: Statuses of documents that no longer count: they are kept for retention only.
RETIRED = frozenset({Status.SUPERSEDED, Status.OBSOLETE})


# Reference, ClauseReference and Extracted are kept in the parse cache: no __slots__, which would
# make them unpickle through a slow Python-level __setstate__.
@dataclass(frozen=True, kw_only=True)
class Reference:
    """One reference from a document to another document."""

    source: str | None  # id of the referencing document
    path: str  # the file it is written in (for .docx metadata: the sidecar)
    kind: str  # references | supersedes | link | mention
    target: str  # a document id; for a link, the root-relative path it points to
    line: int | None
    field: str | None = None  # metadata location, e.g. "references[2]"
    historical: bool = False  # a mention under a revision-history heading

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "target": self.target,
            "path": self.path,
            "line": self.line,
            "field": self.field,
        }

    def describe(self) -> str:
        """``references[2] (line 11)``, ``link on line 40``, ``mention on line 12``."""
        where = f"line {self.line}" if self.line is not None else "body text"
        if self.field:
            return f"{self.field} ({where})"
        if self.kind == MENTION:
            return f"mention ({where})"
        return f"{self.kind} ({where})"


@dataclass(frozen=True, kw_only=True)
class ClauseReference:
    """A reference to a clause of a standard, in the metadata or in the body text."""

    standard: str  # catalogue id as written or resolved ("iso9001:2015")
    number: str
    text: str  # as written
    where: str  # metadata | body
    path: str
    line: int | None
    problem: str | None = None  # why it is not a clause of a known catalogue (DC401)
    implied: bool = False  # inside a range ("7.1 to 7.5" implies 7.2, 7.3, 7.4)

    @property
    def key(self) -> str:
        return f"{self.standard}#{self.number}"

    def to_dict(self) -> dict[str, object]:
        return {
            "standard": self.standard,
            "clause": self.number,
            "text": self.text,
            "where": self.where,
            "path": self.path,
            "line": self.line,
        }


@dataclass(frozen=True)
class Extracted:
    """Every reference of one document, in file order: metadata first, then links, then mentions."""

    references: tuple[Reference, ...]
    clauses: tuple[ClauseReference, ...]


#: The metadata keys whose lines the repository-wide rules report (kept in a :class:`Summary`).
SUMMARY_LINES = ("id", "type", "status", "supersedes")


@dataclass(frozen=True, kw_only=True)
class Summary:
    """What the repository-wide rules (DC103, DC309, DC402-DC407, DC108-DC109, DC310) read of one
    document: its metadata without the body, its newest approval and its extracted references.

    A few hundred bytes instead of a :class:`Document` with its body; kept per content in the
    repository index. The rules accept either (both have the fields they read); a summary's
    references travel with it (``outgoing``) instead of coming from :class:`References`.
    """

    path: str
    format: str
    id: str | None
    title: str | None
    type: str | None
    revision: str | None
    status: Status | None
    effective: dt.date | None = None
    supersedes: str | None = None
    clauses: tuple[str, ...] = ()
    approved_on: dt.date | None = None  # the newest 'approved' signature's day (DC407)
    signed_last: dt.datetime | None = None  # the newest signature of any meaning (time-sensitive findings)
    lines: Mapping[str, int] = field(default_factory=dict)  # SUMMARY_LINES only
    outgoing: tuple[Reference, ...] = ()

    @classmethod
    def of(cls, document: Document, extracted: Extracted) -> Summary:
        approved = [a.date for a in document.approvals if a.meaning is Meaning.APPROVED and a.date is not None]
        dates = [a.date for a in document.approvals if a.date is not None]
        return cls(
            path=document.path,
            format=document.format,
            id=document.id,
            title=document.title,
            type=document.type,
            revision=document.revision,
            status=document.status,
            effective=document.effective,
            supersedes=document.supersedes,
            clauses=document.clauses,
            approved_on=max(approved).date() if approved else None,
            signed_last=max(dates) if dates else None,
            lines={k: v for k in SUMMARY_LINES if (v := document.line_of(k)) is not None},
            outgoing=extracted.references,
        )

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)

    @property
    def metadata_path(self) -> str:
        return self.path + ".yml" if self.format == "docx" else self.path


#: What the repository-wide rules take: whole documents, or their summaries.
Summarised = Document | Summary


@dataclass(frozen=True, slots=True)
class References:
    """What the reference rules and xref, impact and matrix read besides the documents: the clause
    catalogues, and each document's references. Both come from the composer, which loads the
    catalogues when first asked (a check answered from its cache never needs them) and extracts
    each document's references once per content."""

    load: Callable[[], Catalogues]
    extract: Callable[[Document], Extracted]

    @property
    def catalogues(self) -> Catalogues:
        return self.load()

    @classmethod
    def declared(cls, catalogues: Catalogues) -> References:
        """References from the metadata only (for a context without a composer behind it)."""
        return cls(lambda: catalogues, lambda document: declared(document, catalogues))


def declared(document: Document, catalogues: Catalogues) -> Extracted:
    """The references and clause claims of the metadata: ``references``, ``supersedes``, ``clauses``."""
    where = document.metadata_path
    refs = [
        Reference(
            source=document.id,
            path=where,
            kind=REFERENCES,
            target=value,
            line=document.line_of(f"references[{index}]"),
            field=f"references[{index}]",
        )
        for index, value in enumerate(document.references)
    ]
    if document.supersedes:
        refs.append(
            Reference(
                source=document.id,
                path=where,
                kind=SUPERSEDES,
                target=document.supersedes,
                line=document.line_of("supersedes"),
                field="supersedes",
            )
        )
    clauses = tuple(
        parse_clause(value, catalogues, path=where, line=document.line_of(f"clauses[{index}]"))
        for index, value in enumerate(document.clauses)
    )
    return Extracted(tuple(refs), clauses)


def parse_clause(value: str, catalogues: Catalogues, *, path: str = "", line: int | None = None) -> ClauseReference:
    """A ``clauses`` entry: ``7.5.3`` (default standard) or ``iso13485:2016#4.2.4``."""
    standard, sep, number = value.partition("#")
    if not sep:
        standard, number = catalogues.standards[0], value
    standard, number = standard.strip().lower(), number.strip()
    problem = None
    catalogue = catalogues.get(standard)
    if not CLAUSE_NUMBER.fullmatch(number):
        problem = f"'{value}' is not a clause reference: write a clause number (7.5.3) or standard#number (iso13485:2016#4.2.4)"
    elif catalogue is None:
        known = ", ".join(sorted(c.id for c in catalogues))
        problem = f"unknown standard '{standard}' in '{value}' (catalogues: {known})"
    elif number not in catalogue:
        problem = f"clause {number} is not in the {catalogue.id} catalogue"
    return ClauseReference(
        standard=standard,
        number=number,
        text=value,
        where=METADATA,
        path=path,
        line=line,
        problem=problem,
    )
