"""Gathering the audit records a repository holds, for the records rules (DC501, DC502)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docctl.adapters import git as gitmod
from docctl.adapters.paths import walk
from docctl.core.records import AuditRecords, RecordState

if TYPE_CHECKING:
    from docctl.composer.base import Composer

ACTION = "audit"


def present(composer: Composer) -> list[str]:
    """The files under the records folder now (working tree, or the view's tree)."""
    folder = composer.config.audit.folder
    prefix = folder + "/"
    files = getattr(composer, "files", None)
    if callable(files):  # a read-only view of a commit or of the index
        return sorted(p for p in files() if p.startswith(prefix))
    base = composer.root / folder
    if not base.is_dir():
        return []
    return sorted(prefix + p for p in walk(base))


def stamps(composer: Composer) -> list[str]:
    """What a cached report must notice about the records folder: each file and its stat stamp."""
    from docctl.composer.store import stamp_of

    return [f"{p}\x00{stamp_of(composer.root / p)}" for p in present(composer)]


def gather(composer: Composer) -> AuditRecords:
    settings = composer.config.audit
    base = AuditRecords(
        folder=settings.folder, interval_months=settings.interval_months, configured=settings.configured
    )
    git = composer.git()
    tip = composer.history_tip()
    if git is None or tip is None:
        return base
    now = present(composer)
    added = gitmod.files_added(git, tip, settings.folder, ACTION) if now or settings.configured else []
    first = None
    if settings.configured:
        dates = gitmod.commit_dates(git, tip)
        first = min(dates.values()).date() if dates else None
    if not added:
        return AuditRecords(
            folder=base.folder, interval_months=base.interval_months, configured=base.configured, first_commit=first
        )
    current = _current_blobs(composer, git, [path for _, _, path, _ in added])
    files = tuple(
        RecordState(path=path, commit=commit, recorded=when.date(), recorded_blob=blob, current_blob=current.get(path))
        for commit, when, path, blob in sorted(added, key=lambda a: (a[1], a[2]))
    )
    return AuditRecords(
        folder=base.folder,
        interval_months=base.interval_months,
        configured=base.configured,
        files=files,
        first_commit=first,
    )


def _current_blobs(composer: Composer, git: gitmod.Git, paths: list[str]) -> dict[str, str]:
    files = getattr(composer, "files", None)
    if callable(files):
        tree = files()
        return {p: tree[p] for p in paths if p in tree}
    existing = [p for p in paths if (composer.root / p).is_file()]
    return dict(zip(existing, gitmod.hash_files(git, [composer.root / p for p in existing]), strict=True))
