"""Identity rules: duplicate ids (DC103), id patterns (DC104), identity mismatches (DC106)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from docctl.core.model import Document, Finding
from docctl.references.model import Summarised
from docctl.rules.codes import finding
from docctl.rules.context import RuleContext

_SEPARATORS = re.compile(r"^[\s:–—\-|.]+|[\s:–—\-|.]+$")
_CORE_FIELDS = (("identifier", "id"), ("version", "revision"), ("title", "title"), ("content_status", "status"))


def duplicate_ids(documents: Iterable[Summarised]) -> Iterator[Finding]:
    """DC103: every document whose id another document also uses."""
    by_id: dict[str, list[Summarised]] = defaultdict(list)
    for document in documents:
        if document.id:
            by_id[document.id].append(document)
    for doc_id, group in by_id.items():
        if len(group) < 2:
            continue
        paths = sorted(d.path for d in group)
        for document in group:
            others = ", ".join(p for p in paths if p != document.path)
            yield finding(
                "DC103",
                f"id {doc_id} is also used by {others}",
                path=document.metadata_path,
                line=document.line_of("id"),
                document=doc_id,
            )


def id_pattern(document: Document, ctx: RuleContext) -> Iterator[Finding]:
    """DC104: the id matches its type's id_pattern."""
    if not document.id or not document.type:
        return
    doc_type = ctx.config.types.get(document.type)
    if doc_type is None or doc_type.id_regex.fullmatch(document.id):
        return
    example = doc_type.format_id(1)
    yield finding(
        "DC104",
        f"id '{document.id}' does not match the {document.type} pattern {doc_type.id_pattern} (e.g. {example})",
        path=document.metadata_path,
        line=document.line_of("id"),
        document=document.id,
    )


def identity_mismatch(document: Document, ctx: RuleContext) -> Iterator[Finding]:
    """DC106: .docx core properties and the title heading agree with the metadata."""
    del ctx
    for prop, name in _CORE_FIELDS:
        shown = (document.properties.get(prop) or "").strip()
        expected = getattr(document, name)
        if not shown or expected is None:
            continue
        expected = str(expected)
        same = shown.casefold() == expected.casefold() if name == "status" else shown == expected
        if not same:
            yield finding(
                "DC106",
                f"the .docx core property '{prop}' is '{shown}' but the metadata says {name} '{expected}'",
                path=document.path,
                line=None,
                document=document.id,
            )
    if document.heading is not None and document.title and not heading_matches(document.heading, document):
        yield finding(
            "DC106",
            f"the title heading '{document.heading}' does not match the title '{document.title}'",
            path=document.path,
            line=document.heading_line,
            document=document.id,
        )


def heading_matches(heading: str, document: Document) -> bool:
    """The heading is the title, optionally with the id before or after it."""
    text = _fold(heading)
    title = _fold(document.title or "")
    if text == title:
        return True
    if document.id:
        doc_id = _fold(document.id)
        for part in (text.removeprefix(doc_id), text.removesuffix(doc_id)):
            if part != text and _fold(_SEPARATORS.sub("", part)) == title:
                return True
    return False


def _fold(text: str) -> str:
    text = re.sub(r"[*_`]", "", text)  # emphasis markers in headings
    return " ".join(text.split()).casefold().rstrip(".")
