"""docctl: document control for quality management systems kept in git.

The public API::

    import docctl
    repo = docctl.open("path/to/qms")
    repo.check().findings
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "1.0.0.dev0"

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
    from docctl.errors import (
        ConfigError,
        DocctlError,
        DocumentReadError,
        GitError,
        LifecycleError,
        MetadataError,
        UnknownDocumentError,
        UsageError,
    )
    from docctl.fingerprints import fingerprint
    from docctl.model import Approval, Document, Finding, Meaning, Report, Severity, Status
    from docctl.repository import Repository
    from docctl.repository import open_repository as open
    from docctl.watcher import Watcher, WatchEvent, watch

# Lazy attributes keep `import docctl` (and `docctl --version`) cheap.
_LAZY = {
    "ConfigError": "docctl.errors",
    "DocctlError": "docctl.errors",
    "DocumentReadError": "docctl.errors",
    "GitError": "docctl.errors",
    "LifecycleError": "docctl.errors",
    "MetadataError": "docctl.errors",
    "UnknownDocumentError": "docctl.errors",
    "UsageError": "docctl.errors",
    "fingerprint": "docctl.fingerprints",
    "Approval": "docctl.model",
    "Document": "docctl.model",
    "Finding": "docctl.model",
    "Meaning": "docctl.model",
    "Report": "docctl.model",
    "Severity": "docctl.model",
    "Status": "docctl.model",
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
