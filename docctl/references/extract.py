"""References between documents and to clauses: extraction, cross-references, impact, coverage matrix.

Pure: documents, configuration and catalogues in, values out. Every reference keeps the file and
line it is written on (``.docx`` body text has no lines).

Kinds of document reference:

* ``references`` and ``supersedes``: declared in the metadata (line of the list item or key);
* ``link``: a relative Markdown link to a controlled file (``[SOP-002](../sops/SOP-002-records.md)``);
* ``mention``: a document id in the body text, recognised by the id patterns of the configured
  types; ids in code spans, code blocks, HTML comments and URLs are not mentions.

Clause references come from ``clauses`` in the metadata (``7.5.3`` in the default standard or
``iso13485:2016#4.2.4``) and from body text where a number stands in a clause context: after a
cited standard ("ISO 9001:2015 clause 7.5.3", "ISO 13485:2016 4.2.4"), after "clause",
"sub-clause" or "§", or after "ref."/"cf." ("(ref. 7.1.5.1)"). Bare numbers (section numbers,
versions, dates, measurements) are never clause references.
"""

from __future__ import annotations

import csv
import html
import io
import posixpath
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from docctl.adapters import paths
from docctl.config.model import Config
from docctl.core.errors import UnknownDocumentError, UsageError
from docctl.core.model import Document, Status
from docctl.standards import (
    CLAUSE_NUMBER,
    Catalogue,
    Catalogues,
    MandatoryItem,
    ancestors_of,
    load_catalogues,
)

REFERENCES, SUPERSEDES, LINK, MENTION = "references", "supersedes", "link", "mention"
METADATA, BODY = "metadata", "body"
#: Statuses of documents that no longer count: they are kept for retention only.
RETIRED = frozenset({Status.SUPERSEDED, Status.OBSOLETE})
_KIND_ORDER = {REFERENCES: 0, SUPERSEDES: 1, LINK: 2, MENTION: 3}


# --- values ------------------------------------------------------------------------------------------


# Reference, ClauseReference, Extracted and Candidates are kept in the parse cache: no __slots__,
# which would make them unpickle through a slow Python-level __setstate__.
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
    references: tuple[Reference, ...]
    clauses: tuple[ClauseReference, ...]


# --- extraction ----------------------------------------------------------------------------------------

_CACHE: dict[int, tuple[Document, Config, Catalogues, Extracted]] = {}
_CACHE_LIMIT = 50000


def extract(document: Document, config: Config, catalogues: Catalogues | None = None) -> Extracted:
    """Every document and clause reference of ``document``, in file order.

    Cached per document object (documents are frozen; the repository reuses them while their
    files are unchanged), so every rule and command can ask again cheaply.
    """
    catalogues = catalogues or load_catalogues(config)
    cached = _CACHE.get(id(document))
    if cached is not None and cached[0] is document and cached[1] is config and cached[2] is catalogues:
        return cached[3]
    extracted = _Extractor(document, config, catalogues).run()
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[id(document)] = (document, config, catalogues, extracted)
    return extracted


@dataclass(frozen=True)
class Candidates:
    """Every id and link target a document *might* refer to: a superset of what :func:`extract`
    finds, read from the raw text without masking code or URLs (masking only removes references).
    Rules use it to skip the full extraction of documents whose references are all in order."""

    ids: frozenset[str]
    paths: frozenset[str]


_CANDIDATES: dict[int, tuple[Document, Config, Candidates]] = {}


def candidates(document: Document, config: Config) -> Candidates:
    cached = _CANDIDATES.get(id(document))
    if cached is not None and cached[0] is document and cached[1] is config:
        return cached[2]
    ids = set(document.references)
    pattern = _mention_regex(_id_patterns(config))
    if pattern is not None:
        ids.update(pattern.findall(document.body))
    paths: set[str] = set()
    if document.format == "md":
        extractor = _Extractor(document, config, None)
        for match in _links(document.body):
            target = extractor.link_target(match.group("dest"))
            if target is not None:
                paths.add(target)
    ids.discard(document.id or "")
    found = Candidates(frozenset(ids), frozenset(paths))
    if len(_CANDIDATES) >= _CACHE_LIMIT:
        _CANDIDATES.clear()
    _CANDIDATES[id(document)] = (document, config, found)
    return found


def remembered(document: Document, config: Config) -> tuple[Extracted | None, Candidates | None]:
    """What this process has computed for ``document``, for a persistent cache to keep."""
    extracted = _CACHE.get(id(document))
    found = _CANDIDATES.get(id(document))
    return (
        extracted[3] if extracted is not None and extracted[0] is document and extracted[1] is config else None,
        found[2] if found is not None and found[0] is document and found[1] is config else None,
    )


def remember(document: Document, config: Config, extracted: Extracted | None, found: Candidates | None) -> None:
    """Seed the caches with what was computed earlier for the same content (by path and blob ids)."""
    if extracted is not None:
        _CACHE[id(document)] = (document, config, load_catalogues(config), extracted)
    if found is not None:
        _CANDIDATES[id(document)] = (document, config, found)


def _id_patterns(config: Config) -> tuple[str, ...]:
    return tuple(t.id_pattern for t in config.types.values())


class _Extractor:
    def __init__(self, document: Document, config: Config, catalogues: Catalogues | None) -> None:
        self.doc = document
        self.config = config
        self.catalogues = catalogues
        self.refs: list[Reference] = []
        self.clauses: list[ClauseReference] = []

    def run(self) -> Extracted:
        assert self.catalogues is not None, "extraction needs the catalogues"
        self.metadata(self.catalogues)
        body = _Body.of(self.doc)
        if self.doc.format == "md":
            self.links(body)
        self.mentions(body)
        self.clause_mentions(body, self.catalogues)
        return Extracted(tuple(self.refs), tuple(self.clauses))

    # metadata ------------------------------------------------------------------------------
    def metadata(self, catalogues: Catalogues) -> None:
        doc = self.doc
        where = doc.metadata_path
        for index, value in enumerate(doc.references):
            field = f"references[{index}]"
            self.refs.append(
                Reference(
                    source=doc.id,
                    path=where,
                    kind=REFERENCES,
                    target=value,
                    line=doc.line_of(field),
                    field=field,
                )
            )
        if doc.supersedes:
            self.refs.append(
                Reference(
                    source=doc.id,
                    path=where,
                    kind=SUPERSEDES,
                    target=doc.supersedes,
                    line=doc.line_of("supersedes"),
                    field="supersedes",
                )
            )
        for index, value in enumerate(doc.clauses):
            field = f"clauses[{index}]"
            self.clauses.append(parse_clause(value, catalogues, path=where, line=doc.line_of(field)))

    # body ------------------------------------------------------------------------------------
    def links(self, body: _Body) -> None:
        for match in body.link_matches:
            dest, start = match.group("dest"), match.start("dest")
            target = self.link_target(dest)
            if target is not None:
                self.refs.append(
                    Reference(
                        source=self.doc.id,
                        path=self.doc.path,
                        kind=LINK,
                        target=target,
                        line=body.line(start),
                    )
                )

    def link_target(self, dest: str) -> str | None:
        """The root-relative path of a link to a controlled file, or None for anything else."""
        dest = dest.strip()
        if dest.startswith("<") and dest.endswith(">"):
            dest = dest[1:-1]
        if not dest or dest.startswith(("#", "//")) or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", dest):
            return None
        dest = unquote(dest.split("#", 1)[0].split("?", 1)[0])
        if not dest:
            return None
        folder = posixpath.dirname(self.doc.path)
        joined = dest.lstrip("/") if dest.startswith("/") else posixpath.join(folder, dest)
        target = posixpath.normpath(joined)
        if target.startswith("../") or target == "..":
            return None
        if target.lower().endswith(".docx.yml"):
            target = target[: -len(".yml")]
        from docctl.documents.sources import file_format

        if file_format(target) is None or not paths.is_controlled(target, self.config.controlled, self.config.exclude):
            return None
        return target

    def mentions(self, body: _Body) -> None:
        pattern = _mention_regex(_id_patterns(self.config))
        if pattern is None:
            return
        text = body.masked
        for match in pattern.finditer(text):
            doc_id = match.group()
            before = text[match.start() - 1] if match.start() else " "
            if doc_id == self.doc.id or before.isalnum() or before in "_/.\\-":
                continue
            self.refs.append(
                Reference(
                    source=self.doc.id,
                    path=self.doc.path,
                    kind=MENTION,
                    target=doc_id,
                    line=body.line(match.start()),
                    historical=body.in_history(match.start()),
                )
            )

    def clause_mentions(self, body: _Body, catalogues: Catalogues) -> None:
        scanner = _clause_scanner(catalogues)
        for standard, number, start, text, implied in scanner.scan(body.masked):
            catalogue = catalogues.get(standard)
            problem = None
            if catalogue is not None and number not in catalogue:
                problem = f"clause {number} is not in the {catalogue.id} catalogue"
            self.clauses.append(
                ClauseReference(
                    standard=standard,
                    number=number,
                    text=text,
                    where=BODY,
                    path=self.doc.path,
                    line=body.line(start),
                    problem=problem,
                    implied=implied,
                )
            )


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


# --- body text: masking code, comments and URLs ------------------------------------------------------

_FENCE_OPEN = re.compile(r"^( *)(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$", re.MULTILINE)
_HISTORY_WORDS = ("history", "change log", "changelog", "record of changes", "record of revisions")
_HISTORY = re.compile(r"\bhistory\b|\bchange ?log\b|\brecord of (?:changes|revisions)\b", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_AUTOLINK = re.compile(r"<[^\s<>]*[:@][^\s<>]*>")
_URL_LEFT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*\Z")
_URL_RIGHT = re.compile(r"[^\s<>\"')\]]*")
_INLINE_LINK = re.compile(
    r"\[(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*\]\(\s*(?P<dest><[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(?P<dest><[^>\n]*>|\S+)", re.MULTILINE)
_NOT_NEWLINE = re.compile(r"[^\n]")
_MAYBE_INDENTED_CODE = re.compile(r"(?:\A|\n)[ \t]*\n(?: {4}|\t)")


def _blank(text: str) -> str:
    return _NOT_NEWLINE.sub(" ", text)


def _blank_match(match: re.Match[str]) -> str:
    return _blank(match.group())


def _blank_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    pieces, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        pieces += [text[pos:start], _blank(text[start:end])]
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _code_spans(text: str) -> Iterator[tuple[int, int]]:
    """Code spans: a backtick run up to the next run of the same length, within one paragraph."""
    runs = list(_TICKS.finditer(text))
    index = 0
    while index < len(runs):
        opening = runs[index]
        closing = next(
            (j for j in range(index + 1, len(runs)) if len(runs[j].group()) == len(opening.group())),
            None,
        )
        if closing is None or _BLANK_LINE.search(text, opening.end(), runs[closing].start()):
            index += 1
            continue
        yield opening.start(), runs[closing].end()
        index = closing + 1


def _urls(text: str) -> Iterator[tuple[int, int]]:
    """Autolinks (<https://...>, <name@example.com>) and bare URLs (scheme://..., www...., mailto:...)."""
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
    return iter(sorted(spans))


def _links(text: str) -> Iterator[re.Match[str]]:
    """Inline links (not images) and link reference definitions; the destination is group 'dest'."""
    found: list[re.Match[str]] = []
    if "](" in text:
        found += [m for m in _INLINE_LINK.finditer(text) if not (m.start() and text[m.start() - 1] == "!")]
    if "]:" in text:
        found += list(_LINK_DEFINITION.finditer(text))
    return iter(sorted(found, key=lambda m: m.start()))


class _Body:
    """The body text with code, comments and URLs blanked out (same length, same lines)."""

    def __init__(self, text: str, first_line: int | None, *, markdown: bool) -> None:
        self.first_line = first_line
        self.text = text
        self.history: list[tuple[int, int]] = []
        if markdown:
            # Each pass runs only where its syntax can occur: most SOPs have no code at all.
            maybe_code = "```" in text or "~~~" in text or _MAYBE_INDENTED_CODE.search(text) is not None
            code_free = _mask_code_blocks(text) if maybe_code else text
            if "<!--" in code_free:
                code_free = _COMMENT.sub(_blank_match, code_free)
            if "`" in code_free:
                code_free = _blank_spans(code_free, _code_spans(code_free))
            self.unlinked = code_free
            self.link_matches = list(_links(code_free))
            # Destinations are file names or URLs, not mentions; a definition's label is a key.
            spans = (m.span("dest") if m.re is _INLINE_LINK else m.span() for m in self.link_matches)
            unlinked = _blank_spans(code_free, spans)
            self.masked = _blank_spans(unlinked, _urls(unlinked))
            lower = self.masked.lower()
            if "#" in lower and any(word in lower for word in _HISTORY_WORDS):
                self.history = _history_ranges(self.masked)
        else:
            self.unlinked = text
            self.link_matches = []
            self.masked = _blank_spans(text, _urls(text))

    @classmethod
    def of(cls, document: Document) -> _Body:
        if document.format == "md":
            return cls(document.body, document.body_line, markdown=True)
        return cls(document.body, None, markdown=False)

    def line(self, offset: int) -> int | None:
        if self.first_line is None:
            return None
        return self.first_line + self.text.count("\n", 0, offset)

    def in_history(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.history)


def _mask_code_blocks(text: str) -> str:
    """Blank fenced and indented code blocks; list items' continuation lines are not code."""
    out: list[str] = []
    fence: tuple[str, int] | None = None
    base = 0  # content indent of the list item we are in
    prev_blank = True
    in_code = False
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        expanded = line.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip(" "))
        if fence is not None:
            out.append(_blank(raw))
            stripped = line.strip()
            if stripped.startswith(fence[0] * fence[1]) and not stripped.strip(fence[0]):
                fence = None
            continue
        if not line.strip():
            out.append(raw)
            prev_blank = True
            continue
        opened = _FENCE_OPEN.match(expanded)
        if opened and len(opened.group(1)) <= base + 3:
            fence = (opened.group(2)[0], len(opened.group(2)))
            out.append(_blank(raw))
            prev_blank = False
            in_code = False
            continue
        if (in_code or prev_blank) and indent >= base + 4:
            in_code = True
            out.append(_blank(raw))
            prev_blank = False
            continue
        in_code = False
        item = _LIST_ITEM.match(expanded)
        if item and indent < base + 4:
            spacing = len(item.group(3))
            base = len(item.group(1)) + len(item.group(2)) + (spacing if 0 < spacing <= 4 else 1)
        elif prev_blank and indent < base:
            base = 0
        out.append(raw)
        prev_blank = False
    return "".join(out)


def _is_history(heading: str) -> bool:
    lower = heading.lower()
    return any(word in lower for word in _HISTORY_WORDS) and _HISTORY.search(heading) is not None


def _history_ranges(text: str) -> list[tuple[int, int]]:
    """Spans of sections under a revision-history heading (mentions there are historical)."""
    headings = [(m.start(), len(m.group(1)), _is_history(m.group(2))) for m in _HEADING.finditer(text)]
    ranges = []
    for index, (start, level, history) in enumerate(headings):
        if not history:
            continue
        end = next((s for s, lvl, _ in headings[index + 1 :] if lvl <= level), len(text))
        ranges.append((start, end))
    return ranges


_MENTION_CACHE: dict[tuple[str, ...], re.Pattern[str] | None] = {}


def _mention_regex(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for the ids of every type whose pattern has letters (``{n:04}`` alone would match years)."""
    if patterns not in _MENTION_CACHE:
        from docctl.config.model import id_pattern_regex

        parts = []
        for pattern in patterns:
            if not re.search(r"[A-Za-z]", re.sub(r"\{n[^}]*\}", "", pattern)):
                continue
            parts.append(id_pattern_regex(pattern).pattern.replace("(?P<n>", "(?:"))
        _MENTION_CACHE[patterns] = re.compile(rf"(?:{'|'.join(parts)})(?![\w]|-\w)") if parts else None
    return _MENTION_CACHE[patterns]


# --- clause mentions in text ---------------------------------------------------------------------------

_N = r"\d{1,2}(?:\.\d{1,2})*(?!\d|\.\d)"
_ITEM = r"(?:(?:[ \t]*\([a-z]\)|[ \t]*[a-z]\)|[ \t]+[a-z](?![\w.]))(?:[ \t]*\(\d\)|[ \t]*\d\)|[ \t]+\d(?![\w.]))?)?"
_SEP = r"\s*(?:,\s*(?:and\b|or\b)?|;|&|\band\b|\bor\b|\bto\b|\bthrough\b|–|—|-)\s*"
_LIST = rf"{_N}{_ITEM}(?:{_SEP}{_N}{_ITEM})*"
_PIECE = re.compile(rf"(?P<num>{_N})|(?P<range>\bto\b|\bthrough\b|–|—|-)", re.IGNORECASE)
_KEYWORD = r"sub-?clauses?|clauses?"
_EXTERNAL = re.compile(
    r"(?:\b(?:ISO(?:/IEC)?|IEC|EN|DIN|BS|ASTM|ANSI|SAE|AS|NAS|IATF|MIL-STD|VDA|API|ASME|NFPA|UL)[\s-]*\d[\w.:/-]*"
    r"|\bCFR(?:\s+Part)?(?:\s+\d+)?"
    r"|\b(?:contract|agreement|order|drawing|specification|terms|regulation|directive|act)\b(?:\s+\S+)?)\s*,?\s*$",
    re.IGNORECASE,
)
_EXTERNAL_WORDS = frozenset(
    [
        "cfr",
        "part",
        "contract",
        "agreement",
        "order",
        "drawing",
        "specification",
        "terms",
        "regulation",
        "directive",
        "act",
    ]
)


def _external(before: str) -> bool:
    """The text before a clause keyword names another standard or a contract ("EN 10204 clause 3.1")."""
    tail = before.rstrip(" ,\t\n")
    if not tail:
        return False
    words = [w.strip(",.;:()").lower() for w in tail.split()[-3:]]
    if not (tail[-1].isdigit() or any(w in _EXTERNAL_WORDS for w in words)):
        return False  # the common case, decided without the regex
    return _EXTERNAL.search(before) is not None


_PREFIX = r"(?:(?:BS|DIN|NF|UNE|SS|CSN|PN|SN|NEN|UNI)\s+)?(?:EN\s+)?"


class _ClauseScanner:
    def __init__(self, catalogues: Catalogues) -> None:
        self.catalogues = catalogues
        self.names: list[tuple[str, str]] = []  # (normalised cited name, catalogue id)
        alternatives = []
        for catalogue in sorted(catalogues, key=lambda c: c.id not in catalogues.standards):
            for name in catalogue.cited_as:
                self.names.append((_normal(name), catalogue.id))
                body = r"\s*".join(re.escape(part) for part in name.split()).replace(":", r"\s*:\s*")
                prefix = _PREFIX if name.upper().startswith("ISO") else ""
                alternatives.append((len(name), rf"{prefix}{body}(?!\s*:\s*\d)(?![\w])"))
        alternatives.sort(key=lambda a: -a[0])
        cited = "|".join(a for _, a in alternatives) or r"(?!x)x"
        firsts = sorted({re.escape(name.split()[0]) for c in catalogues for name in c.cited_as if name.split()})
        # Where a clause mention can start: the full pattern is tried only there (much faster).
        words = [*firsts, "sub-clause", "subclause", "clause", r"ref\.", r"cf\."]
        variants = dict.fromkeys(v for w in words for v in (w, w.lower(), w.capitalize(), w.upper()))
        # Plain literals, case variants spelled out: far faster than IGNORECASE or a lookbehind.
        self.anchors = re.compile("|".join([*variants, "§"]))
        self.regex = re.compile(
            rf"(?<![\w])(?P<std>{cited})(?:\s*,)?\s*(?:(?P<kw1>{_KEYWORD}|§§?|sections?|paragraphs?)\s*)?(?P<list1>{_LIST})"
            rf"|(?<![\w-])(?P<kw2>{_KEYWORD})\s+(?P<list2>{_LIST})"
            rf"|(?P<kw3>§§?)\s*(?P<list3>{_LIST})"
            rf"|(?<![\w])(?P<kw4>ref\.|cf\.)\s*(?P<list4>{_LIST})",
            re.IGNORECASE,
        )

    def standard_of(self, cited: str) -> str:
        text = _normal(cited)
        for name, catalogue_id in self.names:
            if text.endswith(name):
                return catalogue_id
        return self.catalogues.standards[0]  # pragma: no cover - the regex only matches cited names

    def scan(self, text: str) -> Iterator[tuple[str, str, int, str, bool]]:
        """(standard, number, offset, text as written, implied) for every clause mention."""
        end = 0
        for anchor in self.anchors.finditer(text):
            if anchor.start() < end:
                continue
            match = self.regex.match(text, anchor.start())
            if match is None:
                continue
            end = match.end()
            group = next(g for g in ("1", "2", "3", "4") if match.group(f"list{g}") is not None)
            if match.group("std"):
                standard = self.standard_of(match.group("std"))
                needs_dot = match.group("kw1") is None
            else:
                if _external(text[max(0, match.start() - 40) : match.start()]):
                    continue
                standard = self.catalogues.standards[0]
                needs_dot = group == "4"
            written = " ".join(match.group().split())
            yield from self.numbers(match, f"list{group}", standard, needs_dot, written)

    def numbers(
        self, match: re.Match[str], group: str, standard: str, needs_dot: bool, written: str
    ) -> Iterator[tuple[str, str, int, str, bool]]:
        offset = match.start(group)
        pieces = list(_PIECE.finditer(match.group(group)))
        first_dotted: bool | None = None
        previous: str | None = None
        in_range = False
        for piece in pieces:
            if piece.group("range"):
                in_range = previous is not None
                continue
            number = piece.group("num")
            dotted = "." in number
            if first_dotted is None:
                if needs_dot and not dotted:
                    return
                first_dotted = dotted
            elif first_dotted and not dotted:
                return
            if in_range and previous is not None:
                yield from self.range_between(standard, previous, number, offset + piece.start(), written)
            yield standard, number, offset + piece.start(), written, False
            previous, in_range = number, False

    def range_between(
        self, standard: str, low: str, high: str, offset: int, written: str
    ) -> Iterator[tuple[str, str, int, str, bool]]:
        """Numbers strictly between ``low`` and ``high`` that share their parent and exist in the catalogue."""
        catalogue = self.catalogues.get(standard)
        low_parent, _, low_last = low.rpartition(".")
        high_parent, _, high_last = high.rpartition(".")
        if catalogue is None or low_parent != high_parent:
            return
        for value in range(int(low_last) + 1, int(high_last)):
            number = f"{low_parent}.{value}" if low_parent else str(value)
            if number in catalogue:
                yield standard, number, offset, written, True


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


_SCANNERS: dict[tuple[object, ...], _ClauseScanner] = {}


def _clause_scanner(catalogues: Catalogues) -> _ClauseScanner:
    scanner = _SCANNERS.get(catalogues.key)
    if scanner is None or scanner.catalogues is not catalogues:
        scanner = _ClauseScanner(catalogues)
        if len(_SCANNERS) > 16:
            _SCANNERS.clear()
        _SCANNERS[catalogues.key] = scanner
    return scanner


# --- the reference graph of a collection ----------------------------------------------------------------


_LAST_INDEX: list[ReferenceIndex] = []


class ReferenceIndex:
    """Every document's references, resolved against the collection (by id, or by path for links)."""

    def __init__(self, documents: Sequence[Document], config: Config, catalogues: Catalogues | None = None) -> None:
        self.documents = sorted(documents, key=lambda d: (d.id is None, d.id or "", d.path))
        self.config = config
        self.catalogues = catalogues or load_catalogues(config)
        self.by_id: dict[str, Document] = {}
        self.by_path: dict[str, Document] = {}
        for document in self.documents:
            if document.id and document.id not in self.by_id:
                self.by_id[document.id] = document
            self.by_path[document.path] = document
        self._incoming: dict[str, list[tuple[Document, Reference]]] | None = None
        self._outgoing: dict[int, list[tuple[Reference, Document | None]]] = {}
        self._source = documents

    @classmethod
    def of(cls, documents: Sequence[Document], config: Config) -> ReferenceIndex:
        """The index of ``documents``; the rules of one check share it (the last one is kept)."""
        catalogues = load_catalogues(config)
        last = _LAST_INDEX[0] if _LAST_INDEX else None
        if (
            last is not None
            and last.config is config
            and last.catalogues is catalogues
            and last._source is documents
            and len(last.documents) == len(documents)
            and all(a is b for a, b in zip(last._source, documents, strict=True))
        ):
            return last
        index = cls(documents, config, catalogues)
        _LAST_INDEX[:] = [index]
        return index

    def extracted(self, document: Document) -> Extracted:
        return extract(document, self.config, self.catalogues)

    def may_refer_to(self, document: Document, wanted: Callable[[Document | None], bool]) -> bool:
        """Whether any reference ``document`` might have resolves to a target ``wanted`` accepts
        (None: no such document). Cheap: reads :func:`candidates`, not the full extraction."""
        found = candidates(document, self.config)
        return any(wanted(self.by_id.get(i)) for i in found.ids) or any(
            wanted(self.by_path.get(p)) for p in found.paths
        )

    def resolve(self, reference: Reference) -> Document | None:
        if reference.kind == LINK:
            return self.by_path.get(reference.target)
        return self.by_id.get(reference.target)

    def outgoing(self, document: Document) -> list[tuple[Reference, Document | None]]:
        found = self._outgoing.get(id(document))
        if found is None:
            found = [(ref, self.resolve(ref)) for ref in self.extracted(document).references]
            self._outgoing[id(document)] = found
        return found

    def incoming(self, document: Document) -> list[tuple[Document, Reference]]:
        """References to ``document`` from other documents, sorted by source id and line."""
        if self._incoming is None:
            table: dict[str, list[tuple[Document, Reference]]] = {}
            for source in self.documents:
                for ref, target in self.outgoing(source):
                    if target is not None and target is not source:
                        table.setdefault(target.path, []).append((source, ref))
            self._incoming = table
        return self._incoming.get(document.path, [])

    def document(self, doc_id: str) -> Document:
        found = self.by_id.get(doc_id)
        if found is None:
            raise UnknownDocumentError(f"no document with id '{doc_id}'")
        return found

    def successor(self, doc_id: str) -> Document | None:
        """The document whose ``supersedes`` names ``doc_id``."""
        return next((d for d in self.documents if d.supersedes == doc_id), None)


# --- cross-references ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentSummary:
    id: str | None
    title: str | None
    type: str | None
    revision: str | None
    status: str | None
    path: str

    @classmethod
    def of(cls, document: Document) -> DocumentSummary:
        return cls(
            id=document.id,
            title=document.title,
            type=document.type,
            revision=document.revision,
            status=document.status.value if document.status else None,
            path=document.path,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "type": self.type,
            "revision": self.revision,
            "status": self.status,
            "path": self.path,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class XrefEntry:
    """The references between the document and one other document (or a target that does not exist)."""

    target: str  # the other document's id; the path for an unresolved link
    document: DocumentSummary | None  # None: nothing in the repository has that id or path
    via: tuple[Reference, ...]

    @property
    def declared(self) -> bool:
        return any(r.kind in (REFERENCES, SUPERSEDES) for r in self.via)

    @property
    def in_text(self) -> bool:
        return any(r.kind in (LINK, MENTION) for r in self.via)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.document.id if self.document else (None if "/" in self.target else self.target),
            "title": self.document.title if self.document else None,
            "status": self.document.status if self.document else None,
            "path": self.document.path if self.document else (self.target if "/" in self.target else None),
            "exists": self.document is not None,
            "declared": self.declared,
            "in_text": self.in_text,
            "via": [r.to_dict() for r in self.via],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ClauseUse:
    """How a document uses one clause: claimed in ``clauses`` and/or mentioned in the body."""

    standard: str
    number: str
    title: str | None  # None: not in the catalogue
    claimed_lines: tuple[int | None, ...]
    mentioned_lines: tuple[int | None, ...]
    weak: bool  # claimed in the metadata but never mentioned in the body (nor a sub-clause of it)

    @property
    def claimed(self) -> bool:
        return bool(self.claimed_lines)

    @property
    def mentioned(self) -> bool:
        return bool(self.mentioned_lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "standard": self.standard,
            "clause": self.number,
            "title": self.title,
            "known": self.title is not None,
            "claimed": self.claimed,
            "claimed_line": self.claimed_lines[0] if self.claimed_lines else None,
            "mentioned_lines": [line for line in self.mentioned_lines if line is not None],
            "mentioned": self.mentioned,
            "weak": self.weak,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class XRef:
    document: DocumentSummary
    outgoing: tuple[XrefEntry, ...]
    incoming: tuple[XrefEntry, ...]
    clauses: tuple[ClauseUse, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "document": self.document.to_dict(),
            "out": [e.to_dict() for e in self.outgoing],
            "in": [e.to_dict() for e in self.incoming],
            "clauses": [c.to_dict() for c in self.clauses],
        }


def xref(documents: Sequence[Document], config: Config, doc_id: str) -> XRef:
    """References out of and into ``doc_id``, with their lines, and the clauses it uses."""
    index = ReferenceIndex(documents, config)
    document = index.document(doc_id)
    grouped: dict[str, tuple[Document | None, list[Reference]]] = {}
    for ref, target in index.outgoing(document):
        key = target.id or target.path if target is not None else ref.target
        grouped.setdefault(key, (target, []))[1].append(ref)
    outgoing = tuple(
        XrefEntry(target=key, document=DocumentSummary.of(target) if target else None, via=tuple(refs))
        for key, (target, refs) in sorted(grouped.items())
    )
    sources: dict[str, tuple[Document, list[Reference]]] = {}
    for source, ref in index.incoming(document):
        sources.setdefault(source.path, (source, []))[1].append(ref)
    incoming = tuple(
        XrefEntry(target=source.id or source.path, document=DocumentSummary.of(source), via=tuple(refs))
        for source, refs in sorted(sources.values(), key=lambda item: (item[0].id or "", item[0].path))
    )
    return XRef(
        document=DocumentSummary.of(document),
        outgoing=outgoing,
        incoming=incoming,
        clauses=clause_uses(document, index),
    )


def clause_uses(document: Document, index: ReferenceIndex) -> tuple[ClauseUse, ...]:
    """Every clause the document claims or mentions, in catalogue order, weak claims marked."""
    claimed: dict[tuple[str, str], list[int | None]] = {}
    mentioned: dict[tuple[str, str], list[int | None]] = {}
    for ref in index.extracted(document).clauses:
        if ref.where == METADATA and not CLAUSE_NUMBER.fullmatch(ref.number):
            continue
        target = claimed if ref.where == METADATA else mentioned
        target.setdefault((ref.standard, ref.number), []).append(ref.line)
    uses = []
    for key in {**claimed, **mentioned}:
        standard, number = key
        catalogue = index.catalogues.get(standard)
        clause = catalogue.clause(number) if catalogue else None
        is_weak = key in claimed and not _mentioned(standard, number, mentioned)
        uses.append(
            ClauseUse(
                standard=standard,
                number=number,
                title=clause.display_title if clause else None,
                claimed_lines=tuple(claimed.get(key, ())),
                mentioned_lines=tuple(dict.fromkeys(mentioned.get(key, ()))),
                weak=is_weak,
            )
        )
    from docctl.standards import number_key

    uses.sort(
        key=lambda u: (
            u.standard,
            number_key(u.number) if CLAUSE_NUMBER.fullmatch(u.number) else (),
        )
    )
    return tuple(uses)


def _mentioned(standard: str, number: str, mentioned: Mapping[tuple[str, str], object]) -> bool:
    prefix = number + "."
    return any(s == standard and (n == number or n.startswith(prefix)) for s, n in mentioned)


# --- impact ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One link of a reason chain: ``source`` refers to ``target`` by ``reference``."""

    source: str
    target: str
    reference: Reference

    def to_dict(self) -> dict[str, object]:
        return {"from": self.source, "to": self.target, **self.reference.to_dict()}

    def __str__(self) -> str:
        verb = {REFERENCES: "references", LINK: "links to", MENTION: "mentions"}.get(self.reference.kind, "refers to")
        where = (
            f"{self.reference.path}:{self.reference.line}" if self.reference.line is not None else self.reference.path
        )
        return f"{self.source} {verb} {self.target} ({where})"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImpactEntry:
    document: DocumentSummary
    distance: int
    chain: tuple[Step, ...]  # from this document to the changed one

    def to_dict(self) -> dict[str, object]:
        return {
            **self.document.to_dict(),
            "distance": self.distance,
            "chain": [s.to_dict() for s in self.chain],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Impact:
    document: DocumentSummary
    depth: int | None
    affected: tuple[ImpactEntry, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "document": self.document.to_dict(),
            "depth": self.depth,
            "affected": [e.to_dict() for e in self.affected],
        }


def impact(documents: Sequence[Document], config: Config, doc_id: str, *, depth: int | None = None) -> Impact:
    """Documents to review when ``doc_id`` changes: those that refer to it, then those that refer to
    them, and so on (up to ``depth`` steps), each with the shortest reason chain.

    Every kind of reference counts except ``supersedes`` and mentions under a revision-history
    heading; superseded and obsolete documents are not reviewed and do not pass the change on.
    """
    if depth is not None and depth < 1:
        raise UsageError("depth must be at least 1")
    index = ReferenceIndex(documents, config)
    start = index.document(doc_id)
    chains: dict[str, tuple[Document, tuple[Step, ...]]] = {}
    queue: deque[tuple[Document, tuple[Step, ...]]] = deque([(start, ())])
    while queue:
        target, chain = queue.popleft()
        if depth is not None and len(chain) >= depth:
            continue
        best: dict[str, tuple[Document, Reference]] = {}
        for source, ref in index.incoming(target):
            if ref.kind == SUPERSEDES or ref.historical or source.status in RETIRED or source is start:
                continue
            current = best.get(source.path)
            if current is None or _reason_order(ref) < _reason_order(current[1]):
                best[source.path] = (source, ref)
        for source, ref in sorted(best.values(), key=lambda item: (item[0].id or "", item[0].path)):
            if source.path in chains:
                continue
            step = Step(source=source.id or source.path, target=target.id or target.path, reference=ref)
            chains[source.path] = (source, (step, *chain))
            queue.append((source, (step, *chain)))
    affected = tuple(
        ImpactEntry(document=DocumentSummary.of(doc), distance=len(chain), chain=chain)
        for doc, chain in sorted(chains.values(), key=lambda item: (len(item[1]), item[0].id or "", item[0].path))
    )
    return Impact(document=DocumentSummary.of(start), depth=depth, affected=affected)


def _reason_order(ref: Reference) -> tuple[int, int]:
    return (_KIND_ORDER.get(ref.kind, 9), ref.line or 0)


# --- coverage matrix ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One document's use of one clause."""

    document: str
    claimed: bool  # in the document's ``clauses``
    mentioned: bool  # in its body text
    weak: bool  # claimed, but neither it nor a sub-clause of it is mentioned in the body
    effective: bool

    @property
    def mark(self) -> str:
        return "weak" if self.weak else ("claimed" if self.claimed else "mentioned")

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.document,
            "claimed": self.claimed,
            "mentioned": self.mentioned,
            "weak": self.weak,
            "effective": self.effective,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class MandatoryCoverage:
    item: MandatoryItem
    covered_by: tuple[tuple[str, str], ...]  # (document id, the clause it claims: this one or a parent)

    @property
    def gap(self) -> bool:
        return not self.covered_by

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.item.kind.value,
            "what": self.item.what,
            "covered_by": [{"id": doc, "clause": clause} for doc, clause in self.covered_by],
            "gap": self.gap,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixRow:
    number: str
    title: str
    untitled: bool
    depth: int
    cells: tuple[Cell, ...]
    inherited_from: tuple[tuple[str, str], ...]  # effective documents claiming a parent clause
    coverage: str  # direct | inherited | partial | gap
    mandatory: tuple[MandatoryCoverage, ...]

    @property
    def gap(self) -> bool:
        return self.coverage == "gap"

    def to_dict(self) -> dict[str, object]:
        return {
            "clause": self.number,
            "title": self.title,
            "untitled": self.untitled,
            "depth": self.depth,
            "coverage": self.coverage,
            "documents": [c.to_dict() for c in self.cells],
            "inherited_from": [{"id": doc, "clause": clause} for doc, clause in self.inherited_from],
            "mandatory": [m.to_dict() for m in self.mandatory],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Matrix:
    """Clauses of one standard x the documents that address them."""

    standard: str
    title: str
    documents: tuple[DocumentSummary, ...]
    rows: tuple[MatrixRow, ...]

    @property
    def summary(self) -> dict[str, int]:
        items = [m for r in self.rows for m in r.mandatory]
        return {
            "clauses": len(self.rows),
            "direct": sum(r.coverage == "direct" for r in self.rows),
            "inherited": sum(r.coverage == "inherited" for r in self.rows),
            "partial": sum(r.coverage == "partial" for r in self.rows),
            "gaps": sum(r.gap for r in self.rows),
            "mandatory": len(items),
            "mandatory_gaps": sum(m.gap for m in items),
            "weak": sum(c.weak for r in self.rows for c in r.cells),
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "standard": {"id": self.standard, "title": self.title},
            "documents": [dict(d.to_dict(), effective=d.status == Status.EFFECTIVE.value) for d in self.documents],
            "clauses": [r.to_dict() for r in self.rows],
            "summary": self.summary,
        }

    def render(self, fmt: str) -> str:
        """The matrix as text, md, csv, html or json."""
        renderers = {
            "text": _matrix_text,
            "md": _matrix_md,
            "csv": _matrix_csv,
            "html": _matrix_html,
            "json": _matrix_json,
        }
        if fmt not in renderers:
            raise UsageError(f"unknown matrix format '{fmt}' (one of {', '.join(renderers)})")
        return renderers[fmt](self)


def matrix(documents: Sequence[Document], config: Config, standard: str | None = None) -> Matrix:
    """Coverage of ``standard`` (default: the repository's default standard) by the documents.

    A clause is covered *directly* when an effective document claims or mentions it, *inherited*
    when an effective document claims a parent clause (a claim covers the sub-clauses), *partial*
    when only sub-clauses are covered, else it is a *gap*. Superseded and obsolete documents are
    left out; drafts are shown but cover nothing.
    """
    catalogues = load_catalogues(config)
    catalogue = _catalogue(catalogues, standard)
    index = ReferenceIndex(documents, config, catalogues)
    uses: dict[str, dict[str, Cell]] = {}  # clause -> document -> cell
    claims: dict[str, list[str]] = {}  # clause -> effective documents claiming it
    shown: dict[str, Document] = {}
    for document in index.documents:
        if document.status in RETIRED:
            continue
        effective = document.status is Status.EFFECTIVE
        for use in clause_uses(document, index):
            if use.standard != catalogue.id or use.number not in catalogue:
                continue
            name = document.id or document.path
            shown[name] = document
            uses.setdefault(use.number, {})[name] = Cell(
                document=name,
                claimed=use.claimed,
                mentioned=use.mentioned,
                weak=use.weak,
                effective=effective,
            )
            if use.claimed and effective:
                claims.setdefault(use.number, []).append(name)
    direct = {n for n, cells in uses.items() if any(c.effective for c in cells.values())}
    rows = []
    for clause in catalogue.clauses:
        nearest: dict[str, str] = {}  # document -> the nearest parent clause it claims
        for parent in ancestors_of(clause.number):
            for doc in claims.get(parent, ()):
                nearest.setdefault(doc, parent)
        inherited = tuple(nearest.items())
        if clause.number in direct:
            coverage = "direct"
        elif inherited:
            coverage = "inherited"
        elif any(n.startswith(clause.number + ".") for n in direct):
            coverage = "partial"
        else:
            coverage = "gap"
        items = tuple(
            MandatoryCoverage(
                item=item,
                covered_by=tuple((doc, clause.number) for doc in claims.get(clause.number, ()))
                + tuple((doc, parent) for doc, parent in inherited if doc not in claims.get(clause.number, ())),
            )
            for item in catalogue.mandatory
            if item.clause == clause.number
        )
        rows.append(
            MatrixRow(
                number=clause.number,
                title=clause.title,
                untitled=clause.untitled,
                depth=clause.depth,
                cells=tuple(sorted(uses.get(clause.number, {}).values(), key=lambda c: c.document)),
                inherited_from=inherited,
                coverage=coverage,
                mandatory=items,
            )
        )
    summaries = tuple(DocumentSummary.of(shown[name]) for name in sorted(shown))
    return Matrix(standard=catalogue.id, title=catalogue.title, documents=summaries, rows=tuple(rows))


def _catalogue(catalogues: Catalogues, standard: str | None) -> Catalogue:
    if standard is None:
        return catalogues.default
    found = catalogues.get(standard)
    if found is None:
        raise UsageError(f"unknown standard '{standard}' (catalogues: {', '.join(sorted(c.id for c in catalogues))})")
    return found


def mandatory_gaps(documents: Iterable[Document], config: Config) -> Iterator[tuple[Catalogue, MandatoryItem]]:
    """Mandatory items of the configured standards that no effective document claims (or claims a parent of).

    A standard is only checked once the repository maps documents to it: while no effective
    document claims any of its clauses, coverage is not being tracked and nothing is reported.
    """
    catalogues = load_catalogues(config)
    docs = list(documents)
    for catalogue in catalogues.configured:
        if not catalogue.mandatory:
            continue
        claimed: set[str] = set()
        for document in docs:
            if document.status is not Status.EFFECTIVE:
                continue
            for value in document.clauses:  # claims only: no need to read the body
                ref = parse_clause(value, catalogues)
                if ref.standard == catalogue.id and ref.problem is None:
                    claimed.add(ref.number)
        if not claimed:
            continue
        for item in catalogue.mandatory:
            if item.clause not in claimed and not any(a in claimed for a in ancestors_of(item.clause)):
                yield catalogue, item


# --- matrix renderers ----------------------------------------------------------------------------------------------


def _cell_text(cell: Cell, documents: Mapping[str, DocumentSummary]) -> str:
    notes = []
    if cell.weak:
        notes.append("weak")
    elif not cell.claimed:
        notes.append("mention only")
    if not cell.effective:
        status = documents[cell.document].status if cell.document in documents else None
        notes.append(status or "not effective")
    return cell.document + (f" ({', '.join(notes)})" if notes else "")


def _documents_text(row: MatrixRow, documents: Mapping[str, DocumentSummary]) -> str:
    parts = [_cell_text(c, documents) for c in row.cells]
    if row.coverage == "inherited":
        parts.append("via " + ", ".join(f"{doc} {clause}" for doc, clause in row.inherited_from))
    return "; ".join(parts)


def _coverage_label(row: MatrixRow) -> str:
    return {"direct": "", "inherited": "inherited", "partial": "partial", "gap": "GAP"}[row.coverage]


def _mandatory_text(item: MandatoryCoverage) -> str:
    state = "GAP" if item.gap else "covered by " + ", ".join(sorted({doc for doc, _ in item.covered_by}))
    return f"mandatory {item.item.kind.label}: {item.item.what} [{state}]"


def _by_id(m: Matrix) -> dict[str, DocumentSummary]:
    return {d.id or d.path: d for d in m.documents}


def _matrix_text(m: Matrix) -> str:
    docs = _by_id(m)
    width = max((len(r.number) + 2 * (r.depth - 1) for r in m.rows), default=6) + 2
    lines = [f"{m.title} ({m.standard}): {len(m.rows)} clauses, {len(m.documents)} documents", ""]
    for row in m.rows:
        title = f"(untitled) {row.title}" if row.untitled else row.title
        label = _coverage_label(row)
        head = f"{'  ' * (row.depth - 1) + row.number:<{width}}{title}"
        lines.append(head + (f"  [{label}]" if label else ""))
        text = _documents_text(row, docs)
        if text:
            lines.append(f"{'':<{width}}  {text}")
        for item in row.mandatory:
            lines.append(f"{'':<{width}}  {_mandatory_text(item)}")
    s = m.summary
    lines += [
        "",
        f"{s['clauses']} clauses: {s['direct']} addressed directly, {s['inherited']} through a parent clause, "
        f"{s['partial']} partially, {s['gaps']} gap(s); mandatory documented information: {s['mandatory']} item(s), "
        f"{s['mandatory_gaps']} gap(s); {s['weak']} weak claim(s) (claimed in metadata, never mentioned in the body)",
    ]
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _matrix_md(m: Matrix) -> str:
    docs = _by_id(m)
    lines = [
        f"# Clause coverage: {_md_escape(m.title)}",
        "",
        "| Clause | Title | Documents | Mandatory documented information | Coverage |",
        "|---|---|---|---|---|",
    ]
    for row in m.rows:
        title = f"*(untitled)* {row.title}" if row.untitled else row.title
        mandatory = "<br>".join(_md_escape(_mandatory_text(i).removeprefix("mandatory ")) for i in row.mandatory)
        label = _coverage_label(row)
        coverage = f"**{label}**" if row.gap else label
        number = f"**{row.number}**" if row.depth == 1 else row.number
        lines.append(
            f"| {number} | {_md_escape(title)} | {_md_escape(_documents_text(row, docs))} | {mandatory} | {coverage} |"
        )
    s = m.summary
    lines += [
        "",
        f"{s['clauses']} clauses, {s['gaps']} gap(s); {s['mandatory']} mandatory item(s), {s['mandatory_gaps']} gap(s); "
        f"{s['weak']} weak claim(s). *weak*: claimed in the metadata, never mentioned in the body; "
        "*inherited*: covered by a claim of a parent clause.",
    ]
    return "\n".join(lines) + "\n"


def _matrix_csv(m: Matrix) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    ids = [d.id or d.path for d in m.documents]
    writer.writerow(
        [
            "clause",
            "title",
            "untitled",
            "coverage",
            "inherited_from",
            "mandatory",
            "mandatory_gap",
            *ids,
        ]
    )
    for row in m.rows:
        cells = {c.document: c.mark for c in row.cells}
        writer.writerow(
            [
                row.number,
                row.title,
                "yes" if row.untitled else "",
                row.coverage,
                " ".join(f"{doc}@{clause}" for doc, clause in row.inherited_from),
                "; ".join(f"{i.item.kind.value}: {i.item.what}" for i in row.mandatory),
                "yes" if any(i.gap for i in row.mandatory) else "",
                *(cells.get(doc, "") for doc in ids),
            ]
        )
    return buffer.getvalue()


def _matrix_json(m: Matrix) -> str:
    import json

    return json.dumps(m.to_dict(), indent=2, ensure_ascii=False) + "\n"


_HTML_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}table{border-collapse:collapse;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .45em;vertical-align:top}
thead th{position:sticky;top:0;background:#f3f3f3}
th.doc{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
td.mark{text-align:center}td.claimed{background:#cfe8cf}td.weak{background:#fff2b3}td.mentioned{background:#e3ecf7}
tr.gap td.clause,tr.gap td.title{background:#f8c9c9;font-weight:bold}tr.inherited td.title{color:#555}
tr.top td{border-top:2px solid #888;font-weight:bold}.pending{opacity:.55}.untitled{font-style:italic;color:#666}
.mgap{color:#a00;font-weight:bold}.legend span{display:inline-block;padding:0 .5em;margin-right:.5em}
"""


def _matrix_html(m: Matrix) -> str:
    esc = html.escape
    ids = [d.id or d.path for d in m.documents]
    docs = _by_id(m)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Clause coverage: {esc(m.title)}</title>",
        f"<style>{_HTML_STYLE}</style></head><body>",
        f"<h1>Clause coverage: {esc(m.title)} <small>({esc(m.standard)})</small></h1>",
        '<p class="legend"><span class="claimed">&#9679; claimed and mentioned</span>'
        '<span class="weak">&#9675; weak: claimed, never mentioned in the body</span>'
        '<span class="mentioned">&#183; mentioned only</span>'
        '<span style="background:#f8c9c9">gap</span> faded columns: not effective</p>',
        "<table><thead><tr><th>Clause</th><th>Title</th><th>Coverage</th><th>Mandatory documented information</th>",
    ]
    for doc_id in ids:
        summary = docs[doc_id]
        pending = "" if summary.status == Status.EFFECTIVE.value else " pending"
        tip = f"{summary.title or ''} ({summary.status or 'unknown status'})"
        out.append(f'<th class="doc{pending}" title="{esc(tip)}">{esc(doc_id)}</th>')
    out.append("</tr></thead><tbody>")
    symbols = {"claimed": "&#9679;", "weak": "&#9675;", "mentioned": "&#183;"}
    for row in m.rows:
        classes = [row.coverage] + (["top"] if row.depth == 1 else [])
        title = f'<span class="untitled">(untitled)</span> {esc(row.title)}' if row.untitled else esc(row.title)
        coverage = esc(_coverage_label(row) or "direct")
        if row.coverage == "inherited":
            coverage += "<br><small>" + esc(", ".join(f"{d} {c}" for d, c in row.inherited_from)) + "</small>"
        mandatory = "<br>".join(
            ('<span class="mgap">GAP</span> ' if i.gap else "") + esc(f"{i.item.kind.label}: {i.item.what}")
            for i in row.mandatory
        )
        out.append(
            f'<tr class="{" ".join(classes)}"><td class="clause">{esc(row.number)}</td><td class="title">{title}</td>'
            f"<td>{coverage}</td><td>{mandatory}</td>"
        )
        cells = {c.document: c for c in row.cells}
        for doc_id in ids:
            cell = cells.get(doc_id)
            if cell is None:
                out.append("<td></td>")
                continue
            pending = "" if cell.effective else " pending"
            out.append(
                f'<td class="mark {cell.mark}{pending}" title="{esc(doc_id)}: {cell.mark}">{symbols[cell.mark]}</td>'
            )
        out.append("</tr>")
    s = m.summary
    out += [
        "</tbody></table>",
        f"<p>{s['clauses']} clauses: {s['direct']} addressed directly, {s['inherited']} through a parent clause, "
        f"{s['partial']} partially, {s['gaps']} gap(s). Mandatory documented information: {s['mandatory']} item(s), "
        f"{s['mandatory_gaps']} gap(s). {s['weak']} weak claim(s).</p>",
        "</body></html>",
    ]
    return "\n".join(out) + "\n"
