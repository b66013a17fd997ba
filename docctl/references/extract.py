"""A document's references, extracted: what its metadata declares, and the links, id mentions and
clause mentions of its body, each with the line it is written on (a .docx body has no lines).

A Markdown body is read through its tokens (:func:`docctl.formats.markdown.read_body`): only prose
is searched for ids and clause numbers, so code blocks, code spans, HTML comments, autolinks and
link targets never count. In the prose, ids inside URLs (``https://intranet/SOP-004``, ``www...``)
and file names (``sops/SOP-004-x.md``) are not mentions, nor is the document's own id. A body
with no id, no clause word and no link is not parsed at all (most forms and many procedures); of
the others, markdown-it parses only the runs of blocks that can hold a reference (:mod:`.blocks`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from docctl.adapters import paths
from docctl.config.model import Config, id_pattern_regex
from docctl.core.model import Document
from docctl.formats import file_format
from docctl.formats.markdown import read_body
from docctl.references.blocks import BodyScreen, body_screen
from docctl.references.clauses import ClauseScanner
from docctl.references.model import (
    BODY,
    LINK,
    MENTION,
    ClauseReference,
    Extracted,
    Reference,
    declared,
)
from docctl.standards import Catalogues

_HISTORY_WORDS = ("history", "change log", "changelog", "record of changes", "record of revisions")
_HISTORY = re.compile(r"\bhistory\b|\bchange ?log\b|\brecord of (?:changes|revisions)\b", re.IGNORECASE)
_AUTOLINK = re.compile(r"<[^\s<>]*[:@][^\s<>]*>")
_URL_LEFT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*\Z")
_URL_RIGHT = re.compile(r"[^\s<>\"')\]]*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_NOT_NEWLINE = re.compile(r"[^\n]")


@dataclass(frozen=True, slots=True)
class _Text:
    """Prose to search: its text (URLs blanked), the line of its first line (None in a .docx)."""

    text: str
    line: int | None

    def line_at(self, offset: int) -> int | None:
        return None if self.line is None else self.line + self.text.count("\n", 0, offset)


class Extractor:
    """Extracts the references of the documents of one configuration: build it once (it compiles
    the id patterns and the clause patterns of the catalogues), then call :meth:`extract`."""

    def __init__(self, config: Config, catalogues: Catalogues) -> None:
        self.config = config
        self.catalogues = catalogues
        self.mentions = mention_regex(config)
        self.clauses = ClauseScanner(catalogues)
        self.screen: BodyScreen | None = body_screen(
            _mentioned_types(config), self.clauses.anchor_words, _HISTORY_WORDS
        )

    def extract(self, document: Document, *, exact: bool = False) -> Extracted:
        """Every document and clause reference of ``document``: metadata first, then links,
        mentions and clause mentions of the body, each in file order.

        A Markdown body is parsed only where it can hold a reference (:mod:`.blocks`); ``exact``
        parses it whole, as the reference the differential tests compare with."""
        metadata = declared(document, self.catalogues)
        if not self._may_refer(document):
            return metadata
        texts, links, history = self._read(document, exact)
        references = [*metadata.references, *sorted(links, key=_line_order)]
        references += sorted(self._mentions(document, texts, history), key=_line_order)
        clauses = sorted(self._clause_mentions(document, texts), key=_line_order)
        return Extracted(tuple(references), metadata.clauses + tuple(clauses))

    def _may_refer(self, document: Document) -> bool:
        """A cheap screen of the raw body: an id other than its own, a clause word, a link."""
        body = document.body
        if document.format == "md" and ("](" in body or "]:" in body):
            return True
        if self.clauses.may_mention(body):
            return True
        if self.mentions is not None:
            return any(m.group() != document.id for m in self.mentions.finditer(body))
        return False

    def _read(
        self, document: Document, exact: bool
    ) -> tuple[list[_Text], list[Reference], list[tuple[int, int | None]]]:
        """The prose to search, the links, and the line ranges under revision-history headings."""
        if document.format != "md":
            return [_Text(_blank_urls(document.body), None)], [], []
        if exact or self.screen is None:
            body = read_body(document.body, document.body_line)
        else:
            body = self.screen.read(document.body, document.body_line)
        texts = [_Text(_blank_urls(p.text), p.line) for p in body.prose]
        links = []
        for link in body.links:
            target = self.link_target(document.path, link.destination)
            if target is not None:
                links.append(
                    Reference(source=document.id, path=document.path, kind=LINK, target=target, line=link.line)
                )
        headings = [(h.level, h.line, _is_history(h.text)) for h in body.headings]
        return texts, links, _history_ranges(headings)

    def link_target(self, source: str, destination: str) -> str | None:
        """The root-relative path of a link to a controlled file, or None for anything else."""
        dest = destination.strip()
        if not dest or dest.startswith(("#", "//")) or _SCHEME.match(dest):
            return None
        dest = unquote(dest.split("#", 1)[0].split("?", 1)[0])
        if not dest:
            return None
        joined = dest.lstrip("/") if dest.startswith("/") else posixpath.join(posixpath.dirname(source), dest)
        target = posixpath.normpath(joined)
        if target.startswith("../") or target == "..":
            return None
        if target.lower().endswith(".docx.yml"):
            target = target[: -len(".yml")]
        if file_format(target) is None or not paths.is_controlled(target, self.config.controlled, self.config.exclude):
            return None
        return target

    def _mentions(
        self, document: Document, texts: Iterable[_Text], history: Sequence[tuple[int, int | None]]
    ) -> Iterator[Reference]:
        if self.mentions is None:
            return
        for prose in texts:
            text = prose.text
            for match in self.mentions.finditer(text):
                doc_id = match.group()
                before = text[match.start() - 1] if match.start() else " "
                if doc_id == document.id or before.isalnum() or before in "_/.\\-":
                    continue
                line = prose.line_at(match.start())
                yield Reference(
                    source=document.id,
                    path=document.path,
                    kind=MENTION,
                    target=doc_id,
                    line=line,
                    historical=line is not None and any(a <= line and (b is None or line < b) for a, b in history),
                )

    def _clause_mentions(self, document: Document, texts: Iterable[_Text]) -> Iterator[ClauseReference]:
        for prose in texts:
            for mention in self.clauses.scan(prose.text):
                catalogue = self.catalogues.get(mention.standard)
                problem = None
                if catalogue is not None and mention.number not in catalogue:
                    problem = f"clause {mention.number} is not in the {catalogue.id} catalogue"
                yield ClauseReference(
                    standard=mention.standard,
                    number=mention.number,
                    text=mention.text,
                    where=BODY,
                    path=document.path,
                    line=prose.line_at(mention.offset),
                    problem=problem,
                    implied=mention.implied,
                )


def extract(document: Document, config: Config, catalogues: Catalogues, *, exact: bool = False) -> Extracted:
    """The references of one document (for many, build one :class:`Extractor`)."""
    return Extractor(config, catalogues).extract(document, exact=exact)


def mention_regex(config: Config) -> re.Pattern[str] | None:
    """One regex for the ids of every type whose pattern has letters (``{n:04}`` alone would match years)."""
    parts = _mention_parts(config)
    return re.compile(rf"(?:{'|'.join(parts)})(?![\w]|-\w)") if parts else None


def _mentioned_types(config: Config) -> list[str]:
    """The id patterns of the types whose ids can be mentioned: those with letters."""
    patterns = [t.id_pattern for t in config.types.values()]
    return [p for p in patterns if re.search(r"[A-Za-z]", re.sub(r"\{n[^}]*\}", "", p))]


def _mention_parts(config: Config) -> list[str]:
    return [id_pattern_regex(p).pattern.replace("(?P<n>", "(?:") for p in _mentioned_types(config)]


def _line_order(item: Reference | ClauseReference) -> int:
    return item.line or 0


def _is_history(heading: str) -> bool:
    lower = heading.lower()
    return any(word in lower for word in _HISTORY_WORDS) and _HISTORY.search(heading) is not None


def _history_ranges(headings: Sequence[tuple[int, int, bool]]) -> list[tuple[int, int | None]]:
    """Lines under a revision-history heading, up to the next heading of its level or above
    (mentions there are historical): (first line, end line exclusive or None)."""
    ranges = []
    for index, (level, line, history) in enumerate(headings):
        if history:
            end = next((ln for lvl, ln, _ in headings[index + 1 :] if lvl <= level), None)
            ranges.append((line, end))
    return ranges


def _blank_urls(text: str) -> str:
    """Autolinks (<https://...>, <name@example.com>) and bare URLs (scheme://..., www...., mailto:...)
    blanked out, line breaks kept: ids in them are not mentions."""
    if "://" not in text and "www." not in text and "mailto:" not in text and "<" not in text:
        return text
    pieces, pos = [], 0
    for start, end in _urls(text):
        if start < pos:
            continue
        pieces += [text[pos:start], _NOT_NEWLINE.sub(" ", text[start:end])]
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _urls(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if "<" in text:
        spans += [m.span() for m in _AUTOLINK.finditer(text)]
    for marker in ("://", "www.", "mailto:"):
        pos = text.find(marker)
        while pos != -1:
            left = _URL_LEFT.search(text, max(0, pos - 20), pos) if marker == "://" else None
            start = left.start() if left else pos
            end = _URL_RIGHT.match(text, pos + len(marker))
            spans.append((start, end.end() if end else pos + len(marker)))
            pos = text.find(marker, pos + len(marker))
    return sorted(spans)
