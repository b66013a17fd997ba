"""The portal's search index: per document its id, title, status, page, a summary and its distinct
words, written as a script (``window.DOCCTL_SEARCH = [...]``) that the search page loads with a
<script> tag, so that searching works from disk as from a web server, with nothing fetched."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from docctl.core.model import Document
from docctl.publish.site.collect import Entry
from docctl.publish.site.content import summary, words


def search_entry(entry: Entry, document: Document, text: str, prose: str) -> dict[str, Any]:
    """What the search knows of one document: ``text`` is its content without markup, ``prose`` the
    same without headings (for the summary under a result)."""
    row = entry.row
    return {
        "id": entry.id,
        "title": row.title,
        "type": row.type,
        "revision": row.revision or document.revision or "",
        "status": row.status,
        "archived": entry.archived,
        "href": entry.href,
        "summary": summary(prose),
        "words": words(entry.id, row.title, row.type, " ".join(row.clauses), text),
    }


def index_script(entries: Iterable[Mapping[str, Any]]) -> bytes:
    """The search index as a script, sorted by id."""
    items = sorted(entries, key=lambda item: str(item.get("id", "")))
    text = json.dumps(items, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # U+2028 and U+2029 end a line in older JavaScript engines even inside a string
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"/* docctl portal: the search index */\nwindow.DOCCTL_SEARCH = {text};\n".encode()
