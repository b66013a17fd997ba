"""The names other systems give docctl's fields: foreign front-matter keys, the labels of a
document-control table, the column names of a master list.

One vocabulary for all three, matched without regard to case, spacing, ``_``, ``-``, a trailing dot
or colon, and emphasis markers: ``Document No.``, ``doc_id``, ``**Revision:**`` and ``Date Effective``
are all found. ``[adopt.fields]`` in docctl.toml adds a repository's own front-matter keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: our field (or the pseudo-fields ``path``, ``approved_by``, ``approved_on``, ``status``) -> its names
NAMES: Mapping[str, tuple[str, ...]] = {
    "id": (
        "id",
        "doc id",
        "docid",
        "doc no",
        "doc nr",
        "doc number",
        "document id",
        "document no",
        "document nr",
        "document number",
        "document ref",
        "document reference",
        "document code",
        "doc ref",
        "number",
        "no",
        "ref",
        "reference",
        "reference no",
        "control no",
        "control number",
        "sop no",
        "sop number",
        "sop id",
        "slug",
        "dokumentnummer",
        "dokument nr",
        "dok nr",
    ),
    "title": ("title", "document title", "doc title", "document name", "name of document", "titel", "subject"),
    "type": ("type", "doc type", "document type", "category", "document category", "kind", "dokumentart"),
    "revision": (
        "rev",
        "revision",
        "revision no",
        "revision number",
        "rev no",
        "version",
        "version no",
        "ver",
        "issue",
        "issue no",
        "edition",
        "ausgabe",
        "revisionsstand",
        "stand",
    ),
    "owner": (
        "owner",
        "document owner",
        "doc owner",
        "process owner",
        "owner email",
        "responsible",
        "verantwortlich",
    ),
    "author": ("author", "prepared by", "written by", "created by", "originator", "ersteller", "erstellt von"),
    "effective": (
        "effective",
        "effective date",
        "date effective",
        "effective from",
        "effective on",
        "valid from",
        "in force from",
        "release date",
        "issue date",
        "date of issue",
        "gültig ab",
        "inkraftsetzung",
    ),
    "review_due": (
        "review due",
        "next review",
        "next review date",
        "review date",
        "due for review",
        "next review due",
        "nächste prüfung",
    ),
    "change": ("change", "changes", "change description", "description of change", "reason for change"),
    "change_request": ("change request", "change order", "cr", "cr no", "dcr", "dcr no"),
    "retention": ("retention", "retention period"),
    "approved_by": ("approved by", "approver", "freigegeben von", "genehmigt von"),
    "approved_on": ("approved on", "approval date", "date approved", "approved date", "freigabedatum"),
    "status": ("status", "state", "document status"),
    "path": ("path", "file", "file name", "filename", "location", "file path", "link", "datei", "pfad"),
}

_LOOKUP = {name: field for field, names in NAMES.items() for name in names}


def label(text: str) -> str:
    """A name as it is compared: ``**Document No.:**`` -> ``document no``."""
    text = re.sub(r"[*_`#\-.:：/]+", " ", text.casefold())
    return " ".join(text.split())


def field_of(name: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The field a foreign key, table label or column name stands for; None when it is not one.

    ``extra`` (``[adopt.fields]``: their key -> our field) is looked up first, by the key as written
    and then as compared.
    """
    if extra:
        if name in extra:
            return extra[name]
        wanted = label(name)
        for key, target in extra.items():
            if label(key) == wanted:
                return target
    return _LOOKUP.get(label(name))
