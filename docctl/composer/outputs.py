"""What a repository protects from the files docctl generates: every ``-o`` of every command checks
its target here before anything is rendered (docs/reference.md, "Output files")."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.adapters import outputs
from docctl.adapters.paths import is_controlled
from docctl.config.model import CONFIG_NAME, Config
from docctl.documents.sources import SIDECAR_SUFFIX, file_format

if TYPE_CHECKING:
    from docctl.composer.base import Composer


def output_file(
    composer: Composer, name: str | os.PathLike[str], *, generated: outputs.Generated | None = None
) -> outputs.OutputFile:
    """Check that ``name`` may be written as the repository's generated output.

    Refused (UsageError, one line): a controlled document (or a file that would be one), its
    sidecar, ``docctl.toml``, a file git tracks whose content ``generated`` does not recognise as
    docctl's own, and everything :func:`docctl.adapters.outputs.output_file` refuses.
    """
    return outputs.output_file(name, protected=protection(composer.root, composer.config), generated=generated)


def output_folder(
    composer: Composer, name: str | os.PathLike[str], *, generated: Callable[[Path], bool] | None = None
) -> outputs.OutputFile:
    """Check that ``name`` may be made or filled as the repository's generated output folder: not
    the repository or a folder holding it, nor a folder of its record, and empty unless ``generated``
    recognises it as docctl's earlier output (:func:`docctl.adapters.outputs.output_folder`)."""
    return outputs.output_folder(name, protected=protection(composer.root, composer.config), generated=generated)


def protection(root: Path, config: Config) -> outputs.Protected:
    """The ``protected`` test for the repository at ``root``."""
    real_root = Path(os.path.realpath(root))

    def protected(path: Path) -> str | None:
        if path.name == CONFIG_NAME:
            return f"it is docctl's configuration ({CONFIG_NAME})"
        if path == real_root or path in real_root.parents:
            return "it holds the docctl repository"
        try:
            rel = path.relative_to(real_root).as_posix()
        except ValueError:
            return None
        return protected_reason(rel, config, exists=os.path.lexists(path))

    return protected


def protected_reason(rel: str, config: Config, *, exists: bool) -> str | None:
    """Why the root-relative ``rel`` is part of the record (None: it is not)."""
    if file_format(rel) and is_controlled(rel, config.controlled, config.exclude):
        if exists:
            return "it is a controlled document"
        return "it would be a controlled document (it matches 'controlled' in docctl.toml; list it in 'exclude' to keep a generated file there)"
    if rel.endswith(".docx" + SIDECAR_SUFFIX):
        document = rel[: -len(SIDECAR_SUFFIX)]
        if is_controlled(document, config.controlled, config.exclude):
            return f"it is the metadata sidecar of the controlled document {document}"
    return None
