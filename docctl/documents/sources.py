"""Controlled files -> Documents: reads Markdown or .docx plus sidecar, parses metadata, fingerprints.

Pure: bytes in, a ``Loaded`` (document and parse findings) out. Where the bytes come from (the
working tree, the index, a commit) is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from docctl.config.model import Config
from docctl.core.errors import DocumentReadError
from docctl.core.fingerprints import fingerprint
from docctl.core.model import Document, Finding
from docctl.documents.metadata import parse_metadata
from docctl.formats import file_format as file_format  # re-exported: its callers import it from here
from docctl.rules.codes import finding

MAX_MARKDOWN_BYTES = 10 * 1024 * 1024
MAX_SIDECAR_BYTES = 1024 * 1024
SIDECAR_SUFFIX = ".yml"


@dataclass(frozen=True)
class Loaded:
    path: str
    document: Document | None
    findings: tuple[Finding, ...]


def load(path: str, data: bytes, config: Config, *, sidecar: bytes | None = None) -> Loaded:
    """Read one controlled file. ``sidecar`` is the content of ``<path>.yml`` for a .docx, if any."""
    kind = file_format(path)
    if kind == "docx":
        return _load_docx(path, data, sidecar, config)
    return _load_markdown(path, data, config)


def _unreadable(path: str, error: DocumentReadError) -> Loaded:
    return Loaded(path, None, (finding("DC107", error.message, path=error.path or path, line=error.line),))


def _load_markdown(path: str, data: bytes, config: Config) -> Loaded:
    from docctl.formats.markdown import read_markdown

    if len(data) > MAX_MARKDOWN_BYTES:
        return Loaded(
            path,
            None,
            (
                finding(
                    "DC107",
                    f"file is {len(data) // (1024 * 1024)} MiB; controlled Markdown files are limited to 10 MiB",
                    path=path,
                    line=None,
                ),
            ),
        )
    try:
        content = read_markdown(data)
    except DocumentReadError as error:
        return _unreadable(path, error)
    if content.metadata is None:
        return Loaded(
            path,
            None,
            (
                finding(
                    "DC101",
                    "no metadata: add YAML front matter (id, title, type, revision, status, owner) between '---' lines",
                    path=path,
                    line=1,
                ),
            ),
        )
    extra: list[Finding] = []
    if content.bom:
        extra.append(
            finding(
                "DC102", "file starts with a byte order mark (BOM); save it as UTF-8 without BOM", path=path, line=1
            )
        )
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
    )


def _load_docx(path: str, data: bytes, sidecar: bytes | None, config: Config) -> Loaded:
    from docctl.adapters.text import decode_text
    from docctl.adapters.yamlio import load_yaml
    from docctl.formats.docx import read_docx

    sidecar_path = path + SIDECAR_SUFFIX
    if sidecar is None:
        return Loaded(
            path,
            None,
            (
                finding(
                    "DC101",
                    f"no metadata: add the sidecar {sidecar_path.rsplit('/', 1)[-1]} with id, title, type, revision, status, owner",
                    path=path,
                    line=None,
                ),
            ),
        )
    try:
        content = read_docx(data)
    except DocumentReadError as error:
        return _unreadable(path, error)
    if len(sidecar) > MAX_SIDECAR_BYTES:
        return Loaded(path, None, (finding("DC107", "sidecar larger than 1 MiB", path=sidecar_path, line=None),))
    extra: list[Finding] = []
    try:
        text, bom = decode_text(sidecar)
        loaded = load_yaml(text, first_line=1)
    except DocumentReadError as error:
        return _unreadable(sidecar_path, DocumentReadError(error.message, path=sidecar_path, line=error.line))
    if bom:
        extra.append(
            finding(
                "DC102",
                "sidecar starts with a byte order mark (BOM); save it as UTF-8 without BOM",
                path=sidecar_path,
                line=1,
            )
        )
    if loaded.data is None:
        return Loaded(
            path,
            None,
            (
                finding(
                    "DC101",
                    f"no metadata: the sidecar {sidecar_path.rsplit('/', 1)[-1]} is empty",
                    path=path,
                    line=None,
                ),
            ),
        )
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
    extra: list[Finding],
) -> Loaded:
    parsed = parse_metadata(raw, lines, config, start_line=start_line)
    fields = parsed.fields
    doc_id = fields.get("id")
    findings = list(extra)
    findings.extend(
        finding("DC102", p.message, path=metadata_path, line=p.line, document=doc_id) for p in parsed.problems
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
        approvals=fields.get("approvals", ()),
        fingerprint=_fingerprint_of(raw, body),
        body=body,
        body_line=body_line,
        lines=dict(lines),
        properties=dict(properties),
        heading=heading,
        heading_line=heading_line,
    )
    return Loaded(path, document, tuple(findings))


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
