"""Audit records as the history shows them: what was recorded, by which commit, and what is there now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordState:
    """One file of a committed audit record: its content when recorded and now."""

    path: str
    commit: str
    recorded: dt.date
    recorded_blob: str
    current_blob: str | None  # None: the file is gone

    @property
    def changed(self) -> bool:
        return self.current_blob != self.recorded_blob


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRecords:
    """What the rules about records look at: every recorded file, and the dates audits are due from."""

    folder: str
    interval_months: int
    configured: bool  # [audit] is in docctl.toml
    files: tuple[RecordState, ...] = ()
    first_commit: dt.date | None = None  # when the repository's history starts

    @property
    def last_audit(self) -> dt.date | None:
        return max((f.recorded for f in self.files), default=None)
