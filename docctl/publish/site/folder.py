"""The portal's output folder: which folders it may be written to, its manifest, and writing only
what changed.

The manifest (``.docctl-site.json``) says the folder is a docctl portal, lists every file the
portal wrote (so that a rebuild removes the ones it no longer makes, and nothing else), and keeps,
per document page, the key of everything the page was made from and its search entry: a rebuild
skips the pages whose key is unchanged. A file is written (temporary file, then rename) only when
its bytes differ from the file on disk.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from docctl.adapters import paths
from docctl.adapters.atomic import write_atomic
from docctl.config.model import Config
from docctl.core.errors import UsageError

MANIFEST = ".docctl-site.json"
MARK = "docctl-site"
FORMAT = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class PageRecord:
    """What the manifest keeps of one document's page: its key, the files it wrote, its search entry."""

    key: str
    files: tuple[str, ...]
    search: Mapping[str, Any]

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "files": list(self.files), "search": dict(self.search)}


@dataclass(slots=True)
class SiteFolder:
    """The output folder of one build: the previous manifest, and what this build wrote."""

    root: Path
    previous_files: dict[str, int] = field(default_factory=dict)  # path -> size, from the manifest
    previous_pages: dict[str, PageRecord] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)  # this build's files: path -> size
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, target: Path, config: Config) -> SiteFolder:
        """The folder ``target`` after :func:`refuse_unsafe`, with its previous manifest if any."""
        root = refuse_unsafe(target, config)
        folder = cls(root)
        data = _read_manifest(root)
        if data is not None:
            folder.previous_files = {p: int(s) for p, s in data.get("files", {}).items() if _safe(p)}
            for doc_id, page in data.get("pages", {}).items():
                with contextlib.suppress(KeyError, TypeError, ValueError):
                    record = PageRecord(key=str(page["key"]), files=tuple(page["files"]), search=dict(page["search"]))
                    folder.previous_pages[str(doc_id)] = record
        return folder

    def intact(self, record: PageRecord) -> bool:
        """Every file of a page from the previous build is still on disk as it was written."""
        for rel in record.files:
            size = self.previous_files.get(rel)
            try:
                if size is None or (self.root / rel).stat().st_size != size:
                    return False
            except OSError:
                return False
        return True

    def keep(self, rel: str) -> None:
        """A file of the previous build that this build did not need to make again."""
        if rel in self.files:
            return  # an image two pages show
        self.files[rel] = self.previous_files[rel]
        self.unchanged.append(rel)

    def write(self, rel: str, data: bytes) -> None:
        """Write ``rel`` unless it already holds exactly ``data``."""
        if rel in self.files:
            return  # the same file made twice in one build (an image two pages show)
        target = self.root / rel
        self.files[rel] = len(data)
        try:
            same = target.is_file() and not target.is_symlink() and target.read_bytes() == data
        except OSError:
            same = False
        if same:
            self.unchanged.append(rel)
            return
        _replace(target, data)
        self.written.append(rel)

    def finish(self, pages: Mapping[str, PageRecord]) -> list[str]:
        """Remove what the previous build wrote and this one did not, then write the manifest.
        Returns the removed paths."""
        removed = []
        for rel in sorted(set(self.previous_files) - set(self.files)):
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                (self.root / rel).unlink()
                removed.append(rel)
        manifest = {
            MARK: FORMAT,
            "files": dict(sorted(self.files.items())),
            "pages": {doc_id: record.to_dict() for doc_id, record in sorted(pages.items())},
        }
        data = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()
        try:
            same = (self.root / MANIFEST).read_bytes() == data
        except OSError:
            same = False
        if not same:
            write_atomic(self.root / MANIFEST, data)
        return removed


def refuse_unsafe(target: Path, config: Config) -> Path:
    """The folder the portal may be written to; UsageError for the repository root, a folder of the
    controlled tree, a file, or a non-empty folder that is not a docctl portal."""
    out = Path(os.path.abspath(target))
    real = out.resolve()
    root = config.root.resolve()
    if real == root:
        raise UsageError(f"refusing to write the portal into the repository root {target}: choose another folder")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{target} exists and is not a folder")
    if root in real.parents:
        _refuse_inside(target, real.relative_to(root).as_posix(), config)
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise UsageError(
            f"{target} is not empty and is not a docctl portal (it has no {MANIFEST}): choose a new or empty folder"
        )
    if out.is_dir() and (out / MANIFEST).is_file() and _read_manifest(out) is None:
        raise UsageError(f"{target}/{MANIFEST} is not a docctl portal manifest: choose a new or empty folder")
    return out  # made when the first file is written: a build that fails first leaves no folder behind


def _refuse_inside(target: Path, rel: str, config: Config) -> None:
    """A folder inside the repository: refused when it holds controlled documents, or when the
    .docx copies the portal writes there would be controlled."""
    from docctl.documents.sources import file_format

    for path in paths.walk(config.root / rel) if (config.root / rel).is_dir() else ():
        full = f"{rel}/{path}"
        if file_format(full) and paths.is_controlled(full, config.controlled, config.exclude):
            raise UsageError(f"refusing to write the portal into {target}: it holds the controlled document {full}")
    if paths.is_controlled(f"{rel}/files/copy.docx", config.controlled, config.exclude):
        raise UsageError(
            f"refusing to write the portal into {target}: the .docx files it copies there would be controlled "
            f"documents; add '{rel}/**' to exclude in docctl.toml or write it outside the repository"
        )


def _read_manifest(root: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get(MARK) != FORMAT:
        return None
    return data


def _safe(rel: str) -> bool:
    """A path the manifest may name: relative, inside the folder, no hidden part."""
    parts = PurePosixPath(rel).parts
    return (
        bool(parts) and not rel.startswith("/") and all(p not in ("..", ".") and not p.startswith(".") for p in parts)
    )


def _replace(target: Path, data: bytes) -> None:
    """Temporary file and rename: a reader sees the old file or the new one, never half of one.
    Pages are not synced one by one (thousands of fsyncs); the manifest, written last, is."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
