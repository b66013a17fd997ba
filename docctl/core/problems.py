"""What reading a controlled file can find wrong with it, as values.

The readers (:mod:`docctl.documents.sources`, and the composer for files it cannot open) say *what*
they found; :mod:`docctl.rules.reading` judges it: which finding code it is and how it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: Size limits of what is read at all (larger files are one DC107 finding, never parsed).
MAX_MARKDOWN_MIB = 10
MAX_SIDECAR_MIB = 1


class Fault(StrEnum):
    """A kind of problem found while reading one controlled file."""

    NO_FRONT_MATTER = "no-front-matter"  # a Markdown file without front matter
    NO_SIDECAR = "no-sidecar"  # a .docx without its sidecar; detail: the sidecar's file name
    EMPTY_SIDECAR = "empty-sidecar"  # detail: the sidecar's file name
    BYTE_ORDER_MARK = "byte-order-mark"  # the Markdown file starts with a BOM
    SIDECAR_BYTE_ORDER_MARK = "sidecar-byte-order-mark"
    INVALID_FIELD = "invalid-field"  # detail: the metadata parser's message
    UNREADABLE = "unreadable"  # detail: the reader's message (bad YAML, bad UTF-8, corrupt .docx, ...)
    TOO_LARGE = "too-large"  # detail: the file's size in MiB
    SIDECAR_TOO_LARGE = "sidecar-too-large"
    OUTSIDE_LINK = "outside-link"  # detail: the target of a symbolic link that leaves the repository
    CANNOT_OPEN = "cannot-open"  # detail: the operating system's reason
    CANNOT_OPEN_SIDECAR = "cannot-open-sidecar"  # detail: the operating system's reason


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadProblem:
    """One problem with one file, where it was found."""

    fault: Fault
    path: str  # the file it concerns (the document, or its sidecar), relative to the root
    line: int | None = None
    detail: str = ""
    document: str | None = None  # the id, when the metadata gave one
