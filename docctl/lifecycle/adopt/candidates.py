"""Which files adopt considers, and what each one is: a controlled document already, a file to
adopt (with the clues it holds), or a file that cannot be adopted (and why)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from docctl.adapters import paths as pathmod
from docctl.core.errors import DocumentReadError, UsageError
from docctl.core.problems import MAX_MARKDOWN_MIB
from docctl.documents.metadata import REQUIRED
from docctl.documents.sources import SIDECAR_SUFFIX, file_format
from docctl.lifecycle.adopt import docx as docx_clues
from docctl.lifecycle.adopt import filenames
from docctl.lifecycle.adopt import markdown as markdown_clues
from docctl.lifecycle.adopt.plan import Clue

if TYPE_CHECKING:
    from docctl.composer.base import Composer

MAX_MARKDOWN_BYTES = MAX_MARKDOWN_MIB * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """A file adopt looked at."""

    path: str
    format: str  # "md" | "docx"
    controlled: bool = False  # holds docctl metadata already (front matter with the required fields, or a sidecar)
    problem: str | None = None  # why it cannot be adopted
    clues: tuple[Clue, ...] = ()
    heading: str | None = None  # the title heading (DC106 compares the title with it)
    properties: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # .docx core properties
    keys: tuple[str, ...] = ()  # the keys of a Markdown file's own front matter


def scan(repo: Composer, names: Sequence[str | os.PathLike[str]] = (), *, read_clues: bool = True) -> list[Candidate]:
    """The Markdown and .docx files in controlled paths (below ``names``, files or folders; the whole
    repository without them), sorted by path. A file named on its own that is not in a controlled
    path is a candidate with a problem, not left out silently."""
    config = repo.config
    named: list[str] = []
    folders: list[str] = []
    for name in names:
        rel = repo.relative(name)
        full = repo.root / rel if rel != "." else repo.root
        if full.is_dir():
            folders.append("" if rel == "." else rel.rstrip("/") + "/")
        elif full.is_file() or full.is_symlink():
            named.append(rel)
        else:
            raise UsageError(f"{name}: no such file or folder")
    chosen: dict[str, Candidate] = {}
    if not names or folders:
        for rel in pathmod.walk(repo.root):
            if names and not any(rel.startswith(folder) for folder in folders):
                continue
            if file_format(rel) and pathmod.is_controlled(rel, config.controlled, config.exclude):
                chosen[rel] = examine(repo, rel, read_clues=read_clues)
    for rel in named:
        if rel in chosen:
            continue
        fmt = file_format(rel)
        if fmt is None:
            chosen[rel] = Candidate(path=rel, format="", problem="only Markdown and .docx files can be adopted")
        elif not pathmod.is_controlled(rel, config.controlled, config.exclude):
            problem = "not in a controlled path: 'controlled' and 'exclude' in docctl.toml leave it out"
            chosen[rel] = Candidate(path=rel, format=fmt, problem=problem)
        else:
            chosen[rel] = examine(repo, rel, read_clues=read_clues)
    return [chosen[rel] for rel in sorted(chosen)]


def examine(repo: Composer, rel: str, *, read_clues: bool = True) -> Candidate:
    """What one controlled path holds."""
    fmt = file_format(rel) or ""
    full = repo.root / rel
    if full.is_symlink():
        return Candidate(path=rel, format=fmt, problem="a symbolic link: adopt the file it points to instead")
    try:
        if fmt == "docx":
            return _docx(repo, rel, full, read_clues=read_clues)
        return _markdown(repo, rel, full, read_clues=read_clues)
    except DocumentReadError as error:
        where = f"line {error.line}: " if error.line else ""
        return Candidate(path=rel, format=fmt, problem=f"cannot be read: {where}{error.message}")
    except OSError as error:
        return Candidate(path=rel, format=fmt, problem=f"cannot be read: {error.strerror}")


def _markdown(repo: Composer, rel: str, full: Path, *, read_clues: bool) -> Candidate:
    if full.stat().st_size > MAX_MARKDOWN_BYTES:
        return Candidate(path=rel, format="md", problem=f"larger than {MAX_MARKDOWN_MIB} MiB")
    source = markdown_clues.read_source(full.read_bytes())
    metadata = source.metadata or {}
    if all(metadata.get(name) is not None for name in REQUIRED):
        return Candidate(path=rel, format="md", controlled=True)
    if not read_clues:
        return Candidate(path=rel, format="md")
    clues = (*markdown_clues.clues(source, repo.config), *filenames.clues(rel, repo.config))
    heading = next((c.value for c in clues if c.field == "heading"), None)
    return Candidate(path=rel, format="md", clues=clues, heading=heading, keys=tuple(metadata))


def _docx(repo: Composer, rel: str, full: Path, *, read_clues: bool) -> Candidate:
    sidecar = full.with_name(full.name + SIDECAR_SUFFIX)
    if sidecar.is_file() and sidecar.read_bytes().strip():
        return Candidate(path=rel, format="docx", controlled=True)
    if sidecar.exists() and not sidecar.is_file():
        return Candidate(path=rel, format="docx", problem=f"{rel}{SIDECAR_SUFFIX} is not a file")
    if not read_clues:
        return Candidate(path=rel, format="docx")
    data = full.read_bytes()
    content = docx_clues.read_content(data)
    clues = (*docx_clues.clues(data, content, repo.config), *filenames.clues(rel, repo.config))
    return Candidate(
        path=rel,
        format="docx",
        clues=clues,
        heading=content.first_heading,
        properties=MappingProxyType(dict(content.properties)),
    )


def uncontrolled(repo: Composer) -> list[str]:
    """The files in controlled paths that are not controlled documents yet (what adopt would take)."""
    return [c.path for c in scan(repo, read_clues=False) if not c.controlled and c.problem is None]
