"""The text two revisions of a document are compared on (``docctl diff``, the portal's history)."""

from __future__ import annotations

from docctl.core.fingerprints import normalise_body
from docctl.core.model import Document


def comparable_text(document: Document) -> str:
    """Title, revision, clauses and references, then the normalised body."""
    head = [f"title: {document.title}", f"revision: {document.revision}"]
    if document.clauses:
        head.append(f"clauses: {', '.join(document.clauses)}")
    if document.references:
        head.append(f"references: {', '.join(document.references)}")
    return "\n".join(head) + "\n\n" + normalise_body(document.body) + "\n"
