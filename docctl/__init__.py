"""docctl: document control for quality management systems kept in git.

The public API::

    import docctl
    repo = docctl.open("path/to/qms")
    repo.check().findings
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docctl._version import __version__

__all__ = [
    "Approval",
    "ConfigError",
    "DocctlError",
    "Document",
    "DocumentReadError",
    "Finding",
    "GitError",
    "LifecycleError",
    "Meaning",
    "MetadataError",
    "Report",
    "Repository",
    "Severity",
    "Status",
    "UnknownDocumentError",
    "UsageError",
    "WatchEvent",
    "Watcher",
    "__version__",
    "fingerprint",
    "open",
    "watch",
]

if TYPE_CHECKING:
    from docctl.core.errors import (
        ConfigError,
        DocctlError,
        DocumentReadError,
        GitError,
        LifecycleError,
        MetadataError,
        UnknownDocumentError,
        UsageError,
    )
    from docctl.core.fingerprints import fingerprint
    from docctl.core.model import Approval, Document, Finding, Meaning, Report, Severity, Status
    from docctl.repository import Repository
    from docctl.repository import open_repository as open
    from docctl.watcher import Watcher, WatchEvent, watch

# Lazy attributes keep `import docctl` (and `docctl --version`) cheap.
_LAZY = {
    "ConfigError": "docctl.core.errors",
    "DocctlError": "docctl.core.errors",
    "DocumentReadError": "docctl.core.errors",
    "GitError": "docctl.core.errors",
    "LifecycleError": "docctl.core.errors",
    "MetadataError": "docctl.core.errors",
    "UnknownDocumentError": "docctl.core.errors",
    "UsageError": "docctl.core.errors",
    "fingerprint": "docctl.core.fingerprints",
    "Approval": "docctl.core.model",
    "Document": "docctl.core.model",
    "Finding": "docctl.core.model",
    "Meaning": "docctl.core.model",
    "Report": "docctl.core.model",
    "Severity": "docctl.core.model",
    "Status": "docctl.core.model",
    "Repository": "docctl.repository",
    "WatchEvent": "docctl.watcher",
    "Watcher": "docctl.watcher",
    "watch": "docctl.watcher",
}


def __getattr__(name: str) -> Any:
    import importlib

    if name == "open":
        return importlib.import_module("docctl.repository").open_repository
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'docctl' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
