"""The portal's pages rendered from the shared templates: one page per document, and the listings
(by type, by owner, by clause, the archive), the search page, the register and the matrix."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from markupsafe import Markup

from docctl.adapters import templates
from docctl.composer.signatures import SignatureRecord
from docctl.core.model import Document
from docctl.core.timeline import Revision
from docctl.publish.site.collect import Entry, Portal
from docctl.publish.site.content import diff
from docctl.references.graph import XRef, XrefEntry
from docctl.references.model import parse_clause
from docctl.register.model import Row, short_fingerprint

STYLESHEET = "assets/docctl.css"
SEARCH_SCRIPT = "assets/search.js"
SEARCH_INDEX = "search-index.js"
TITLE = "Controlled documents"
#: (key, file, label) of the navigation bar.
LINKS = (
    ("index", "index.html", "By type"),
    ("owners", "owners.html", "By owner"),
    ("clauses", "clauses.html", "By clause"),
    ("register", "register.html", "Register"),
    ("matrix", "matrix.html", "Coverage matrix"),
    ("archive", "archive.html", "Archive"),
    ("search", "search.html", "Search"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """What every page of the portal shares: the navigation, the moment it shows, the way back to its root."""

    title: str
    root: str  # from the page to the portal's root: "" or "../"
    moment: str
    as_of: str | None
    links: tuple[tuple[str, str, str], ...] = LINKS

    def below(self) -> Site:
        """The same, for a page one folder down."""
        return replace(self, root="../")


def site_of(portal: Portal) -> Site:
    register = portal.register
    moment = register.source
    if portal.as_of is None:
        moment = f"In force on {portal.source.now().date().isoformat()} · {moment[0].lower()}{moment[1:]}"
    return Site(title=TITLE, root="", moment=moment, as_of=portal.as_of.isoformat() if portal.as_of else None)


def render(name: str, site: Site, current: str, **context: Any) -> bytes:
    return templates.render(name, site=site, current=current, stylesheet=site.root + STYLESHEET, **context).encode()


# --- the page of one document -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Shown:
    """What a document's page shows, read for it: the revision on show and the earlier released ones."""

    document: Document  # the revision on show
    released: Sequence[tuple[str, Document | None]]  # (revision, its document) of each revision ever in force
    content: Markup
    download: str | None  # the copied .docx, relative to the portal's root
    signatures: Sequence[SignatureRecord]


def document_page(portal: Portal, entry: Entry, shown: Shown, xref: XRef | None, site: Site) -> bytes:
    site = site.below()
    document, row = shown.document, entry.row
    references_out, references_in = references(portal, xref)
    doc = {
        "id": entry.id,
        "title": row.title,
        "status": row.status,
        "revision": row.revision or document.revision,
        "effective": row.effective.isoformat() if row.effective else None,
        "review_due": row.review_due.isoformat() if row.review_due and not entry.archived else None,
        "owner": f"{row.owner_name} <{row.owner}>" if row.owner_name else row.owner,
        "author": document.author,
        "type": _type_label(portal, row.type),
        "clauses": _clauses(portal, document),
        "supersedes": _target(portal, document.supersedes, site) if document.supersedes else None,
        "superseded_by": [_target(portal, s, site) for s in row.superseded_by],
        "change": document.change,
        "change_request": document.change_request,
        "path": document.path,
        "fingerprint": document.fingerprint,
        "format": document.format,
        "download": site.root + shown.download if shown.download else None,
        "archived": entry.archived,
        "banner": _banner(portal, entry),
        "pending": row.pending.label if row.pending and not entry.archived else None,
    }
    return render(
        "site-document.html",
        site,
        "archive" if entry.archived else "document",
        doc=doc,
        content=shown.content,
        signatures=[_signature(s) for s in shown.signatures],
        history=_history(entry.revisions, entry.shown),
        diffs=_diffs(shown.released),
        refs_out=references_out,
        refs_in=references_in,
    )


def _type_label(portal: Portal, code: str) -> str:
    kind = portal.source.config.types.get(code)
    return f"{code} — {kind.title}" if kind is not None and kind.title else code


def _target(portal: Portal, doc_id: str, site: Site) -> dict[str, object]:
    href = portal.href_of(doc_id)
    return {"id": doc_id, "href": site.root + href if href else None}


def clause_anchor(standard: str, number: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", f"{standard}-{number}").strip("-")


def _clauses(portal: Portal, document: Document) -> list[dict[str, object]]:
    catalogues = portal.index.catalogues
    result: list[dict[str, object]] = []
    for value in document.clauses:
        clause = parse_clause(value, catalogues)
        catalogue = catalogues.get(clause.standard)
        known = catalogue.clause(clause.number) if catalogue is not None else None
        result.append(
            {
                "text": value,
                "title": known.display_title if known else "not in the catalogue",
                "anchor": clause_anchor(clause.standard, clause.number),
            }
        )
    return result


def _banner(portal: Portal, entry: Entry) -> str:
    row = entry.row
    latest = entry.revisions[-1] if entry.revisions else None
    ended = latest.ended if latest is not None else None
    since = f" since {ended.commit.date.date().isoformat()}" if ended is not None else ""
    if row.status == "superseded":
        by = f" by {', '.join(row.superseded_by)}" if row.superseded_by else ""
        return f"SUPERSEDED{by}{since}: not for use. This is the last revision that was in force, kept for reference."
    return f"OBSOLETE{since}: withdrawn, not for use. This is the last revision that was in force, kept for reference."


def _signature(record: SignatureRecord) -> dict[str, object]:
    approval = record.approval
    if record.commit is None:
        who = ""
    elif record.committed_by is None:
        who = "who added it is unknown (the oldest commit of a shallow clone)"
    else:
        who = "by the approver" if record.attested else f"by {record.committed_by}, NOT the approver"
    signature = record.verdict
    if record.signer and record.signature in ("G", "U"):
        signature += f" by {record.signer}"
    return {
        "name": approval.name,
        "by": approval.by,
        "role": approval.role,
        "meaning": approval.meaning.value,
        "date": approval.date.isoformat(timespec="minutes") if approval.date else "?",
        "fingerprint": approval.fingerprint,
        "fingerprint_short": short_fingerprint(approval.fingerprint),
        "valid": record.valid,
        "commit": record.commit[:12] if record.commit else None,
        "who": who,
        "signature": signature if record.commit else "",
    }


def _history(revisions: Sequence[Revision], shown: Revision | None) -> list[dict[str, object]]:
    """The revision history: a released revision that a later release replaced shows until when."""
    rows: list[dict[str, object]] = []
    for index, revision in enumerate(revisions):
        released = revision.released
        later = next((r for r in revisions[index + 1 :] if r.released is not None and r.effective), None)
        effective = revision.effective.isoformat() if revision.effective and released else ""
        replaced = released is not None and later is not None and revision.status == "effective"
        if replaced and later is not None and later.effective is not None:
            effective += f" to {later.effective.isoformat()}"
        rows.append(
            {
                "revision": revision.revision,
                "status": "superseded" if replaced else revision.status,
                "label": f"replaced by {later.revision}" if replaced and later is not None else revision.status,
                "effective": effective,
                "change": revision.change or ("First issue" if released else ""),
                "change_request": revision.change_request,
                "approvers": [f"{a.key[0]} ({a.key[2]}, {a.key[4][:10]})" for a in revision.approvals],
                "commit": released.commit.short if released is not None else None,
                "shown": revision is shown,
            }
        )
    return rows


def _diffs(released: Sequence[tuple[str, Document | None]]) -> list[dict[str, object]]:
    result: list[dict[str, object]] = []
    for (before_rev, before), (after_rev, after) in zip(released, released[1:], strict=False):
        if before is None or after is None:
            continue
        result.append({"before": before_rev, "after": after_rev, "lines": diff(before, after)})
    return result


class Reference(NamedTuple):
    """A document this one refers to, or that refers to it, as its page shows it."""

    id: str
    title: str | None
    href: str | None  # relative to the portal's root; None: no page in the portal
    note: str
    via: str


#: How a reference is made, as a reader of the portal would say it.
_VIA = {
    "references": "listed in its references",
    "supersedes": "supersedes",
    "link": "a link",
    "mention": "named in the text",
}


def references(portal: Portal, xref: XRef | None) -> tuple[list[Reference], list[Reference]]:
    """The references out of and into a document, as its page shows them (and as its key records them)."""
    if xref is None:
        return [], []
    return [_reference(portal, e) for e in xref.outgoing], [_reference(portal, e) for e in xref.incoming]


def _reference(portal: Portal, item: XrefEntry) -> Reference:
    summary = item.document
    doc_id = summary.id if summary is not None else None
    href = portal.href_of(doc_id)
    if summary is None:
        note = "does not exist"
    elif href is None:
        note = f"{summary.status or 'no status'}, not in force"
    elif href.startswith("archive/"):
        note = f"{summary.status}, in the archive"
    else:
        note = ""
    via = ", ".join(dict.fromkeys(_VIA.get(r.kind, r.kind) for r in item.via))
    return Reference(doc_id or item.target, summary.title if summary is not None else None, href, note, via)


# --- the listings -----------------------------------------------------------------------------------------------


class Listed(NamedTuple):
    """A document in a listing (attributes: fast to look up in jinja2, thousands per page)."""

    id: str
    href: str
    title: str
    revision: str
    status: str
    effective: str
    owner: str
    review_due: str
    superseded_by: list[dict[str, object]]


def _listed(entry: Entry, portal: Portal) -> Listed:
    row = entry.row
    return Listed(
        id=entry.id,
        href=entry.href,
        title=row.title,
        revision=row.revision or "",
        status=row.status,
        effective=row.effective.isoformat() if row.effective else "",
        owner=row.owner_name or row.owner,
        review_due=row.review_due.isoformat() if row.review_due else "",
        superseded_by=[{"id": s, "href": portal.href_of(s)} for s in row.superseded_by],
    )


def _group(anchor: str, title: str, label: str, entries: Sequence[Entry], portal: Portal) -> dict[str, object]:
    return {
        "anchor": anchor,
        "title": title,
        "label": label,
        "note": "",
        "entries": [_listed(e, portal) for e in entries],
    }


def index_page(portal: Portal, site: Site) -> bytes:
    """The home page: the documents in force by type."""
    in_force = [e for e in portal.entries if not e.archived]
    by_type: dict[str, list[Entry]] = {}
    for entry in in_force:
        by_type.setdefault(entry.row.type, []).append(entry)
    groups = [
        _group(f"type-{_anchor(code)}", _type_label(portal, code), code, entries, portal)
        for code, entries in sorted(by_type.items())
    ]
    owners = {e.row.owner for e in in_force}
    cards = [
        (len(in_force), "documents in force", None),
        (len(by_type), "types", None),
        (len(owners), "owners", "owners.html"),
        (len(portal.entries) - len(in_force), "in the archive", "archive.html"),
    ]
    return render(
        "site-groups.html",
        site,
        "index",
        title="Documents in force",
        groups=groups,
        cards=cards,
        archive=False,
        empty="No document is in force.",
    )


def owners_page(portal: Portal, site: Site) -> bytes:
    by_owner: dict[tuple[str, str], list[Entry]] = {}
    for entry in portal.entries:
        if not entry.archived:
            by_owner.setdefault((entry.row.owner_name or entry.row.owner, entry.row.owner), []).append(entry)
    groups = [
        _group(f"owner-{_anchor(email)}", f"{name} <{email}>" if name != email else email, name, entries, portal)
        for (name, email), entries in sorted(by_owner.items())
    ]
    return render(
        "site-groups.html",
        site,
        "owners",
        title="Documents in force by owner",
        groups=groups,
        cards=None,
        archive=False,
        empty="No document is in force.",
    )


def clauses_page(portal: Portal, site: Site) -> bytes:
    """The clauses of the configured standards that documents in force claim, in catalogue order."""
    catalogues = portal.index.catalogues
    claims: dict[tuple[str, str], list[Entry]] = {}
    for entry in portal.entries:
        if entry.archived:
            continue
        for value in dict.fromkeys(entry.row.clauses):
            clause = parse_clause(value, catalogues)
            claims.setdefault((clause.standard, clause.number), []).append(entry)
    groups = []
    for catalogue in catalogues:
        for known in catalogue.clauses:
            entries = claims.pop((catalogue.id, known.number), None)
            if entries:
                title = f"{known.number} {known.display_title}"
                groups.append(_group(clause_anchor(catalogue.id, known.number), title, known.number, entries, portal))
                groups[-1]["note"] = catalogue.title
    for (standard, number), entries in sorted(claims.items()):  # not in a catalogue (DC401)
        title = f"{number} (not in the {standard} catalogue)"
        groups.append(_group(clause_anchor(standard, number), title, number, entries, portal))
    return render(
        "site-groups.html",
        site,
        "clauses",
        title="Documents in force by clause",
        groups=groups,
        cards=None,
        archive=False,
        empty="No document in force claims a clause.",
    )


def archive_page(portal: Portal, site: Site) -> bytes:
    archived = [e for e in portal.entries if e.archived]
    groups = [
        _group(status, status.capitalize(), status, [e for e in archived if e.row.status == status], portal)
        for status in ("superseded", "obsolete")
    ]
    return render(
        "site-groups.html",
        site,
        "archive",
        title="Archive: superseded and obsolete documents",
        groups=[g for g in groups if g["entries"]],
        cards=None,
        archive=True,
        empty="The archive is empty.",
    )


def search_page(portal: Portal, site: Site) -> bytes:
    archived = sum(e.archived for e in portal.entries)
    return render("site-search.html", site, "search", count=len(portal.entries) - archived, archived=archived)


def register_page(portal: Portal, site: Site) -> bytes:
    from docctl.register.writers.html import page

    def href(row: Row) -> str | None:
        return portal.href_of(row.id)

    return page(portal.register, href=href, site=site, stylesheet=STYLESHEET).encode()


def matrix_page(portal: Portal, site: Site) -> bytes:
    from docctl.references.matrix import matrix, page

    source = portal.source
    result = matrix(source.documents(), source.references())
    return page(result, href=portal.href_of, site=site, stylesheet=STYLESHEET).encode()


def _anchor(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "none"


def assets() -> Mapping[str, bytes]:
    """The files every portal has besides its pages: the stylesheet and the search script."""
    return {
        STYLESHEET: templates.source("docctl.css").encode(),
        SEARCH_SCRIPT: templates.source("site-search.js").encode(),
    }
