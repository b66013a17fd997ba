"""Markdown with YAML front matter: bytes in, metadata mapping, body and line numbers out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docctl.adapters.yamlio import YamlValue, load_yaml
from docctl.core.errors import DocumentReadError

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX_H1 = re.compile(r"^ {0,3}#(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Where the front matter sits in the file: lines are 1-based, ``close`` is the closing ``---``."""

    open_line: int
    close_line: int


@dataclass(frozen=True, slots=True)
class MarkdownContent:
    metadata: YamlValue | None  # None: the file has no front matter
    lines: dict[str, int]
    body: str
    body_line: int
    bom: bool
    front_matter: FrontMatter | None
    heading: str | None  # the title heading (a level-1 heading that opens the body)
    heading_line: int | None


def decode_text(data: bytes) -> tuple[str, bool]:
    """UTF-8 text and whether it started with a BOM; DocumentReadError naming the line otherwise."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        return data.decode("utf-8"), bom
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DocumentReadError(f"not UTF-8 text (byte 0x{data[error.start]:02x})", line=line) from None


def read_markdown(data: bytes) -> MarkdownContent:
    if b"\x00" in data[:8192]:
        raise DocumentReadError("binary file, not Markdown text", line=1)
    text, bom = decode_text(data)
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        heading, heading_line = title_heading(lines, 1)
        return MarkdownContent(None, {}, text, 1, bom, None, heading, heading_line)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        raise DocumentReadError("front matter opened on line 1 is never closed with '---'", line=1)
    loaded = load_yaml("".join(lines[1:index]), first_line=2)
    body = "".join(lines[index + 1 :])
    body_line = index + 2
    heading, heading_line = title_heading(lines[index + 1 :], body_line)
    return MarkdownContent(
        loaded.data,
        loaded.lines,
        body,
        body_line,
        bom,
        FrontMatter(1, index + 1),
        heading,
        heading_line,
    )


def title_heading(lines: list[str], first_line: int) -> tuple[str | None, int | None]:
    """The level-1 heading that opens the body (first non-blank block), if any."""
    for offset, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.strip().startswith("<!--"):
            continue
        match = _ATX_H1.match(line)
        if match:
            return (match.group(1) or "").strip(), first_line + offset
        if offset + 1 < len(lines) and _SETEXT_H1.match(lines[offset + 1].rstrip("\r\n")):
            return line.strip(), first_line + offset
        return None, None
    return None, None
