"""The audit as the library and the command line run it: collect, write, record."""

from __future__ import annotations

import datetime as dt

from docctl.audit.collect import collect, read_records
from docctl.audit.model import AuditReport
from docctl.composer.base import Composer


def audit(repo: Composer, *, as_of: dt.date | None = None, since: str | None = None) -> AuditReport:
    """The audit report of ``repo`` as of ``as_of`` (default today), compared with the last recorded audit."""
    previous = read_records(repo, repo.config.audit.folder)
    return collect(repo, as_of=as_of, since=since, previous=previous)
