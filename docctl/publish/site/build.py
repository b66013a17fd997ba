"""Building the portal: what changed since the last build is rendered and written, nothing else.

Every document page has a key (:func:`docctl.publish.site.keys.page_key`); a page whose key is
the one the folder's manifest records, and whose files are still there, is neither rendered nor
written. The pages that are rendered are read from git in batches (one ``git cat-file`` per batch,
never one git process per document), with their signature manifests verified in one pass. The
listings, the register, the matrix and the search index are made on every build and written when
their bytes differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.core.fingerprints import normalise_body
from docctl.core.model import Document
from docctl.publish.site import pages
from docctl.publish.site.collect import Entry, Portal, collect
from docctl.publish.site.content import Markdown, docx_html
from docctl.publish.site.contents import Contents, Place, copy_name
from docctl.publish.site.folder import PageRecord, SiteFolder
from docctl.publish.site.keys import common_key, page_key
from docctl.publish.site.search import index_script, search_entry

if TYPE_CHECKING:
    from docctl.composer.base import Composer
    from docctl.composer.signatures import SignatureRecord
    from docctl.references.graph import XRef

#: Pages rendered per batch: bounds the memory of a first build of thousands of documents.
BATCH = 400


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteReport:
    """What a build of the portal did."""

    folder: Path
    commit: str | None  # the commit the portal shows (None: the working copy, outside git)
    as_of: dt.date | None
    documents: int  # documents in force
    archived: int  # superseded and obsolete documents in the archive
    pages_written: int
    pages_unchanged: int
    files_written: int  # other files: stylesheet, scripts, search index, .docx copies, images
    files_unchanged: int
    removed: tuple[str, ...]  # files of the previous build that this one no longer makes
    uncommitted: tuple[str, ...] = ()  # controlled files whose uncommitted changes the portal does not show

    @property
    def index(self) -> Path:
        return self.folder / "index.html"

    def to_dict(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "index": str(self.index),
            "commit": self.commit,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "documents": self.documents,
            "archived": self.archived,
            "pages_written": self.pages_written,
            "pages_unchanged": self.pages_unchanged,
            "files_written": self.files_written,
            "files_unchanged": self.files_unchanged,
            "removed": list(self.removed),
            "uncommitted": list(self.uncommitted),
        }


def build_site(repo: Composer, out: str | Path, *, as_of: str | dt.date | None = None) -> SiteReport:
    """Write the portal of ``repo`` into the folder ``out`` (see docs/publishing.md)."""
    folder = SiteFolder.open(Path(out), repo.config)
    portal = collect(repo, as_of)
    site = pages.site_of(portal)
    common = common_key(repo, portal)
    xrefs = {e.id: _xref(portal, e) for e in portal.entries}
    records: dict[str, PageRecord] = {}
    todo: list[tuple[Entry, str]] = []
    for entry in portal.entries:
        key = page_key(common, portal, entry, xrefs[entry.id])
        old = folder.previous_pages.get(entry.id)
        if old is not None and old.key == key and folder.intact(old):
            for rel in old.files:
                folder.keep(rel)
            records[entry.id] = old
        else:
            todo.append((entry, key))
    links = {e.source.path: e.href for e in portal.entries if e.source is not None}
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        records.update(_render_batch(repo, portal, batch, _Render(xrefs=xrefs, links=links, folder=folder, site=site)))
    _write_listings(portal, site, folder, [records[e.id].search for e in portal.entries if e.id in records])
    removed = folder.finish(records)
    written_pages = sum(rel.endswith(".html") for rel in folder.written)
    kept_pages = sum(rel.endswith(".html") for rel in folder.unchanged)
    archived = sum(e.archived for e in portal.entries)
    return SiteReport(
        folder=folder.root,
        commit=portal.register.commit,
        as_of=portal.as_of,
        documents=len(portal.entries) - archived,
        archived=archived,
        pages_written=written_pages,
        pages_unchanged=kept_pages,
        files_written=len(folder.written) - written_pages,
        files_unchanged=len(folder.unchanged) - kept_pages,
        removed=tuple(removed),
        uncommitted=tuple(_uncommitted(repo)) if as_of is None else (),
    )


def _uncommitted(repo: Composer) -> list[str]:
    """The controlled files (and sidecars) whose working copy differs from HEAD."""
    from docctl.adapters.git import dirty_paths
    from docctl.documents.sources import SIDECAR_SUFFIX

    git = repo.git()
    if git is None or git.head() is None:
        return []
    files = repo.controlled_paths()
    files += [path + SIDECAR_SUFFIX for path in files if path.endswith(".docx")]
    return dirty_paths(git, files) if files else []


def _xref(portal: Portal, entry: Entry) -> XRef | None:
    from docctl.references.graph import xref_of

    return xref_of(portal.index, entry.source) if entry.source is not None else None


def _write_listings(
    portal: Portal, site: pages.Site, folder: SiteFolder, search: Iterable[Mapping[str, object]]
) -> None:
    folder.write("index.html", pages.index_page(portal, site))
    folder.write("owners.html", pages.owners_page(portal, site))
    folder.write("clauses.html", pages.clauses_page(portal, site))
    folder.write("archive.html", pages.archive_page(portal, site))
    folder.write("search.html", pages.search_page(portal, site))
    folder.write("register.html", pages.register_page(portal, site))
    folder.write("matrix.html", pages.matrix_page(portal, site))
    folder.write(pages.SEARCH_INDEX, index_script(search))
    for rel, data in pages.assets().items():
        folder.write(rel, data)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Render:
    """What rendering a document page needs besides its own content."""

    xrefs: Mapping[str, XRef | None]
    links: Mapping[str, str]  # a document's path -> its page (links between documents)
    folder: SiteFolder
    site: pages.Site


def _render_batch(
    repo: Composer, portal: Portal, batch: Sequence[tuple[Entry, str]], render: _Render
) -> dict[str, PageRecord]:
    """Render and write the pages of ``batch``: their files read in one go, their signatures verified in one pass."""
    from docctl.composer.signatures import manifests

    contents = Contents(portal)
    for entry, _ in batch:
        contents.want(_needed(contents, entry))
    contents.read()
    shown: dict[str, Document] = {}
    parsed: dict[str, Markdown] = {}
    for entry, _ in batch:
        document = contents.document(entry, entry.shown) or entry.source
        if document is None:
            continue  # nothing readable to show (the register has no row for an unreadable file)
        shown[entry.id] = document
        if document.format == "md":
            parsed[entry.id] = Markdown.parse(document)
            commit = contents.place(entry, entry.shown)[0]
            contents.want((commit, path) for path in parsed[entry.id].images())
    contents.read()
    readable = [(entry, key) for entry, key in batch if entry.id in shown]
    signatures = manifests(repo, [shown[entry.id] for entry, _ in readable])
    records = {}
    for (entry, key), records_of in zip(readable, signatures, strict=True):
        records[entry.id] = _page(
            portal, entry, key, shown[entry.id], parsed.get(entry.id), contents, records_of, render
        )
    return records


def _page(
    portal: Portal,
    entry: Entry,
    key: str,
    document: Document,
    markdown: Markdown | None,
    contents: Contents,
    signatures: Sequence[SignatureRecord],
    render: _Render,
) -> PageRecord:
    """Write one document's page (and its .docx copy and images); what the manifest keeps of it."""
    folder = render.folder
    place = contents.place(entry, entry.shown)
    files = [entry.href]
    download = None
    if markdown is None:
        content, text = docx_html(document), normalise_body(document.body)
        prose = text.partition("\n")[2] if document.heading else text  # the title paragraph is not a summary
        data = contents.data(place)
        if data is not None:
            download = copy_name(entry, document)
            folder.write(download, data)
            files.append(download)
    else:
        images = {}
        for path in markdown.images():
            copied = contents.image(place[0], path)
            if copied is not None:
                folder.write(*copied)
                images[path] = copied[0]
                files.append(copied[0])
        content, text = markdown.render(render.links, images, "../"), markdown.text()
        prose = markdown.text(headings=False)
    released = [(r.revision, contents.document(entry, r)) for r in entry.released()]
    shown = pages.Shown(document=document, released=released, content=content, download=download, signatures=signatures)
    xref = render.xrefs.get(entry.id)
    if xref is not None and not entry.current and entry.source is not None:
        from docctl.references.graph import xref_of

        xref = xref_of(portal.index, entry.source, content=document)  # out of the revision shown, not the draft
    folder.write(entry.href, pages.document_page(portal, entry, shown, xref, render.site))
    return PageRecord(key=key, files=tuple(dict.fromkeys(files)), search=search_entry(entry, document, text, prose))


def _needed(contents: Contents, entry: Entry) -> list[Place]:
    """What a page needs read: the revisions it shows or compares that are not the portal's own file,
    and the .docx file it offers for download."""
    places = [contents.place(entry, r) for r in entry.released() if not (r is entry.shown and entry.current)]
    if entry.shown is not None and not entry.current:
        places.append(contents.place(entry, entry.shown))
    if entry.source is not None and entry.source.format == "docx":
        places.append(contents.place(entry, entry.shown))
    return places
