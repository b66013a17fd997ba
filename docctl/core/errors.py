"""The docctl exception family. ``str(error)`` is the one-line message shown to the user."""

from __future__ import annotations


class DocctlError(Exception):
    """Base of every error docctl raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message}"


class ConfigError(DocctlError):
    """docctl.toml is missing, unreadable or invalid."""


class MetadataError(DocctlError):
    """A document's metadata cannot be read (used where a finding is not possible)."""


class DocumentReadError(DocctlError):
    """A document file cannot be read: bad YAML, bad UTF-8, corrupt .docx, ..."""


class UnknownDocumentError(DocctlError, KeyError):
    """No document with that id."""

    def __str__(self) -> str:  # KeyError would quote the message
        return DocctlError.__str__(self)


class GitError(DocctlError):
    """A git command failed or the folder is not in a git work tree."""


class LifecycleError(DocctlError):
    """A lifecycle step was refused; nothing was written."""

    exit_code = 1


class UsageError(DocctlError):
    """Bad command-line or API arguments."""
