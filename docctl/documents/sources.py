"""Controlled files -> Documents: reads Markdown or .docx plus sidecar, parses metadata, fingerprints.

Pure: bytes in, a :class:`Reading` (the document and the problems found, as values) out; where the
bytes come from (the working tree, the index, a commit) is the caller's business. :func:`load`
adds the judgement of those problems by the reading rules (DC101, DC102, DC107).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from docctl.config.model import Config
from docctl.core.errors import DocumentReadError
from docctl.core.fingerprints import BodyPart, body_part, fingerprint, remember_part
from docctl.core.model import Document, Finding
from docctl.core.problems import MAX_MARKDOWN_MIB, MAX_SIDECAR_MIB, Fault, ReadProblem
from docctl.documents.metadata import ParsedMetadata, parse_metadata
from docctl.formats import file_format as file_format  # re-exported: its callers import it from here
from docctl.rules.reading import reading_findings

if TYPE_CHECKING:
    from docctl.formats.docx import DocxContent
    from docctl.formats.markdown import MarkdownMemo

MAX_MARKDOWN_BYTES = MAX_MARKDOWN_MIB * 1024 * 1024
MAX_SIDECAR_BYTES = MAX_SIDECAR_MIB * 1024 * 1024
SIDECAR_SUFFIX = ".yml"
#: bodies up to this many characters are kept by a :class:`ReadMemo` to compare the next version with
MEMO_BODY_CHARS = 16 * 1024


@dataclass(frozen=True, slots=True)
class Reading:
    """What reading one controlled file gave: the document (None when there is none) and the problems."""

    path: str
    document: Document | None
    problems: tuple[ReadProblem, ...] = ()


@dataclass(frozen=True)
class Loaded:
    """A controlled file read and judged: the document and the findings of the reading rules."""

    path: str
    document: Document | None
    findings: tuple[Finding, ...]


class ReadMemo:
    """What reading the previous version of one file gave, for reading its next version (a walk
    through history reads every version of every file; most change only the metadata or only the
    body): the parsed front matter, the title heading and the body's fingerprint part of a
    Markdown file, the content of a ``.docx`` by its blob id (an approval changes only the sidecar),
    the typed metadata of the last metadata mapping. Pass a memo only for versions of one path."""

    __slots__ = ("_markdown", "body", "docx", "docx_blob", "parsed", "part", "raw")

    def __init__(self) -> None:
        self._markdown: MarkdownMemo | None = None
        self.docx_blob: str | None = None
        self.docx: DocxContent | DocumentReadError | None = None
        self.raw: object = None
        self.parsed: ParsedMetadata | None = None
        self.body: str | None = None
        self.part: BodyPart | None = None

    def markdown(self) -> MarkdownMemo:
        if self._markdown is None:
            from docctl.formats.markdown import MarkdownMemo

            self._markdown = MarkdownMemo(MEMO_BODY_CHARS)
        return self._markdown


def load(
    path: str,
    data: bytes,
    config: Config,
    *,
    sidecar: bytes | None = None,
    memo: ReadMemo | None = None,
    blob: str | None = None,
) -> Loaded:
    """Read one controlled file and judge what was found. ``sidecar`` is ``<path>.yml`` of a .docx, if any.

    ``memo`` is what reading the previous version of the same path left (see :class:`ReadMemo`);
    ``blob`` is the git blob id of ``data``, by which a ``.docx`` body is recognised as unchanged.
    """
    return judged(read(path, data, config, sidecar=sidecar, memo=memo, blob=blob))


def judged(reading: Reading) -> Loaded:
    """A reading with its problems turned into findings by the reading rules."""
    return Loaded(reading.path, reading.document, tuple(reading_findings(reading.problems)))


def read(
    path: str,
    data: bytes,
    config: Config,
    *,
    sidecar: bytes | None = None,
    memo: ReadMemo | None = None,
    blob: str | None = None,
) -> Reading:
    """Read one controlled file: the document and the problems found, nothing judged yet."""
    if file_format(path) == "docx":
        return _read_docx(path, data, sidecar, config, memo, blob)
    return _read_markdown(path, data, config, memo)


def failed(path: str, fault: Fault, *, where: str | None = None, line: int | None = None, detail: str = "") -> Reading:
    """A file that gave no document: one problem, at ``where`` (the file itself by default)."""
    return Reading(path, None, (ReadProblem(fault=fault, path=where or path, line=line, detail=detail),))


def _unreadable(path: str, error: DocumentReadError, *, where: str | None = None) -> Reading:
    return failed(path, Fault.UNREADABLE, where=where or error.path or path, line=error.line, detail=error.message)


def _read_markdown(path: str, data: bytes, config: Config, memo: ReadMemo | None = None) -> Reading:
    from docctl.formats.markdown import read_markdown

    if len(data) > MAX_MARKDOWN_BYTES:
        return failed(path, Fault.TOO_LARGE, detail=str(len(data) // (1024 * 1024)))
    try:
        content = read_markdown(data, memo.markdown() if memo is not None else None)
    except DocumentReadError as error:
        return _unreadable(path, error)
    if content.metadata is None:
        return failed(path, Fault.NO_FRONT_MATTER, line=1)
    extra = [ReadProblem(fault=Fault.BYTE_ORDER_MARK, path=path, line=1)] if content.bom else []
    return _build(
        path=path,
        fmt="md",
        raw=content.metadata,
        lines=content.lines,
        start_line=1,
        metadata_path=path,
        body=content.body,
        body_line=content.body_line,
        properties={},
        heading=content.heading,
        heading_line=content.heading_line,
        config=config,
        extra=extra,
        memo=memo,
    )


def _docx_content(data: bytes, memo: ReadMemo | None, blob: str | None) -> DocxContent:
    """The content of a ``.docx``, read once per blob id along a memo."""
    from docctl.formats.docx import read_docx

    if memo is None or blob is None:
        return read_docx(data)
    if memo.docx_blob != blob or memo.docx is None:
        try:
            memo.docx = read_docx(data)
        except DocumentReadError as error:
            memo.docx = error
        memo.docx_blob = blob
    if isinstance(memo.docx, DocumentReadError):
        raise memo.docx
    return memo.docx


def _read_docx(
    path: str, data: bytes, sidecar: bytes | None, config: Config, memo: ReadMemo | None = None, blob: str | None = None
) -> Reading:
    from docctl.adapters.text import decode_text
    from docctl.adapters.yamlio import load_yaml

    sidecar_path = path + SIDECAR_SUFFIX
    sidecar_name = sidecar_path.rsplit("/", 1)[-1]
    if sidecar is None:
        return failed(path, Fault.NO_SIDECAR, detail=sidecar_name)
    try:
        content = _docx_content(data, memo, blob)
    except DocumentReadError as error:
        return _unreadable(path, error)
    if len(sidecar) > MAX_SIDECAR_BYTES:
        return failed(path, Fault.SIDECAR_TOO_LARGE, where=sidecar_path)
    try:
        text, bom = decode_text(sidecar)
        loaded = load_yaml(text, first_line=1)
    except DocumentReadError as error:
        return _unreadable(path, error, where=sidecar_path)
    if loaded.data is None:
        return failed(path, Fault.EMPTY_SIDECAR, detail=sidecar_name)
    extra = [ReadProblem(fault=Fault.SIDECAR_BYTE_ORDER_MARK, path=sidecar_path, line=1)] if bom else []
    return _build(
        path=path,
        fmt="docx",
        raw=loaded.data,
        lines=loaded.lines,
        start_line=1,
        metadata_path=sidecar_path,
        body=content.body,
        body_line=1,
        properties=dict(content.properties),
        heading=content.first_heading,
        heading_line=None,
        config=config,
        extra=extra,
        memo=memo,
        keep_body=True,
    )


def _build(
    *,
    path: str,
    fmt: str,
    raw: object,
    lines: dict[str, int],
    start_line: int,
    metadata_path: str,
    body: str,
    body_line: int,
    properties: dict[str, str],
    heading: str | None,
    heading_line: int | None,
    config: Config,
    extra: list[ReadProblem],
    memo: ReadMemo | None = None,
    keep_body: bool = False,
) -> Reading:
    if memo is not None and memo.parsed is not None and memo.raw is raw:
        parsed = memo.parsed  # the same metadata mapping as the previous version's (typed fields are values)
    else:
        parsed = parse_metadata(raw, lines, config, start_line=start_line)
        if memo is not None:
            memo.raw, memo.parsed = raw, parsed
    if memo is not None:
        if memo.body is body and memo.part is not None:
            remember_part(body, memo.part)  # the fingerprint and the content digest start from it
        elif keep_body or len(body) <= MEMO_BODY_CHARS:
            memo.body, memo.part = body, body_part(body)
        else:
            memo.body, memo.part = None, None
    fields = parsed.fields
    doc_id = fields.get("id")
    problems = list(extra)
    problems.extend(
        ReadProblem(fault=Fault.INVALID_FIELD, path=metadata_path, line=p.line, detail=p.message, document=doc_id)
        for p in parsed.problems
    )
    document = Document(
        path=path,
        format=fmt,
        id=doc_id,
        title=fields.get("title"),
        type=fields.get("type"),
        revision=fields.get("revision"),
        status=fields.get("status"),
        owner=fields.get("owner"),
        author=fields.get("author"),
        effective=fields.get("effective"),
        review_due=fields.get("review_due"),
        clauses=fields.get("clauses", ()),
        references=fields.get("references", ()),
        supersedes=fields.get("supersedes"),
        change=fields.get("change"),
        change_request=fields.get("change_request"),
        retention=fields.get("retention"),
        legacy_approval=fields.get("legacy_approval"),
        approvals=fields.get("approvals", ()),
        fingerprint=_fingerprint_of(raw, body),
        body=body,
        body_line=body_line,
        lines=dict(lines),
        properties=dict(properties),
        heading=heading,
        heading_line=heading_line,
    )
    return Reading(path, document, tuple(problems))


def _fingerprint_of(raw: object, body: str) -> str:
    """The fingerprint from the identity fields as written (so it matches an outside recomputation)."""
    data = raw if isinstance(raw, dict) else {}

    def text(name: str) -> str | None:
        value = data.get(name)
        return value if isinstance(value, str) else None

    def items(name: str) -> list[str]:
        value = data.get(name)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    return fingerprint(
        id=text("id"),
        title=text("title"),
        type=text("type"),
        revision=text("revision"),
        clauses=items("clauses"),
        references=items("references"),
        supersedes=text("supersedes"),
        body=body,
    )
