"""Readers of controlled files: bytes in, metadata mapping, body text and lines out."""

from __future__ import annotations


def file_format(path: str) -> str | None:
    """The format of a controlled file by its name: ``md``, ``docx``, or None (not a document)."""
    lower = path.lower()
    if lower.endswith(".docx"):
        return "docx"
    if lower.endswith((".md", ".markdown")):
        return "md"
    return None
