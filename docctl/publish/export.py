"""``docctl export``: a controlled copy of one document as PDF, .docx or HTML, written atomically
to a path that is not a controlled file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.adapters.atomic import write_atomic
from docctl.core.errors import UsageError
from docctl.publish.copy import Copy, gather

if TYPE_CHECKING:
    from docctl.composer.base import Composer

FORMATS = ("pdf", "docx", "html")
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Export:
    """A controlled copy made: what it shows, in which format, its bytes and where they went."""

    copy: Copy
    format: str
    data: bytes
    path: Path | None

    @property
    def summary(self) -> str:
        """``SOP-004 revision B (effective), valid on 2026-06-01``."""
        document = self.copy.document
        return f"{document.id} revision {document.revision} ({self.copy.standing.label}), valid on {self.copy.day}"


def format_of(output: str | os.PathLike[str] | None, chosen: str | None) -> str:
    """The format asked for, else the one the suffix of ``output`` names, else PDF."""
    if chosen is not None:
        if chosen not in FORMATS:
            raise UsageError(f"unknown copy format '{chosen}' (use one of {', '.join(FORMATS)})")
        return chosen
    if output is None:
        return "pdf"
    suffix = Path(output).suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"cannot tell the format from '{Path(output).name}': use --format pdf, docx or html")
    return SUFFIXES[suffix]


def export(
    repo: Composer,
    doc_id: str,
    output: str | os.PathLike[str] | None = None,
    *,
    format: str | None = None,
    rev: str | None = None,
    as_of: str | None = None,
) -> Export:
    """Make the copy (see :func:`docctl.publish.copy.gather` for which revision) and, when
    ``output`` is given, write it there atomically."""
    target = refuse_output(repo, Path(output)) if output is not None else None
    fmt = format_of(output, format)
    copy = gather(repo, doc_id, rev=rev, as_of=as_of)
    data = render(copy, fmt)
    if target is not None:
        try:
            write_atomic(target, data)
        except OSError as error:
            raise UsageError(f"-o {output}: cannot write it: {error.strerror or error}") from None
    return Export(copy=copy, format=fmt, data=data, path=target)


def render(copy: Copy, fmt: str) -> bytes:
    if fmt == "pdf":
        from docctl.publish import pdf

        return pdf.render(copy)
    if fmt == "docx":
        from docctl.publish import docx

        return docx.render(copy)
    from docctl.publish import html

    return html.render(copy)


def refuse_output(repo: Composer, target: Path) -> Path:
    """The path to write a copy to, or UsageError: the shared ``-o`` guard
    (:func:`docctl.composer.outputs.output_file`): never a controlled document, a sidecar or
    docctl.toml, never a tracked file docctl did not make, never over something that is not a
    regular file, never into a missing folder."""
    from docctl.composer.outputs import output_file

    return output_file(repo, target).path
