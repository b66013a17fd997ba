"""The keys of the portal's pages: a digest of everything a page is made from, recorded in the
folder's manifest, so that a rebuild renders only the pages whose key changed."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from docctl._version import __version__
from docctl.adapters import templates
from docctl.publish.site import pages
from docctl.publish.site.collect import Entry, Portal

if TYPE_CHECKING:
    from docctl.composer.base import Composer
    from docctl.references.graph import XRef

#: Bump when the portal's pages change in a way the templates' digest does not show.
LAYOUT = 1


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def common_key(repo: Composer, portal: Portal) -> str:
    """What every page depends on besides its document: docctl, the templates, the configuration
    (and the catalogues), the moment the portal shows."""
    parts = [LAYOUT, __version__, templates.digest(), repo.store_key(), portal.source.store_key(), portal.as_of]
    return digest(json.dumps(parts, default=str))


def page_key(common: str, portal: Portal, entry: Entry, xref: XRef | None) -> str:
    """A digest of everything the page of ``entry`` is made from: the portal's settings (``common``:
    docctl's version, the templates, the configuration, the moment), the register's row, the
    revisions with their commits, the references in and out as the page shows them
    (with where their pages are)."""
    # the commits and paths of the document's versions determine its revisions and their content
    events = [(e.commit.id, e.path, e.snapshot is None) for e in entry.events]
    references = pages.references(portal, xref)
    links = None
    if not entry.current:  # content from an older commit: its links may lead to any page
        links = sorted((e.id, e.href) for e in portal.entries)
    parts = [common, entry.href, entry.row.to_dict(), events, references, links, entry.current]
    return digest(json.dumps(parts, sort_keys=True, default=repr, ensure_ascii=False))
