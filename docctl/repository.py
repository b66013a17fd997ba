"""docctl.Repository: the repository users open, the composer with the use cases as methods."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.adapters.clock import Clock
from docctl.composer import views
from docctl.composer.base import Composer
from docctl.config.load import find_root, load_config

if TYPE_CHECKING:
    from docctl.audit.model import AuditReport
    from docctl.audit.pack import Pack
    from docctl.audit.record import Recorded
    from docctl.lifecycle.adopt import Adoption
    from docctl.lifecycle.recovery import Recovery
    from docctl.lifecycle.scaffold import NewDocument
    from docctl.lifecycle.steps import StepResult
    from docctl.publish.export import Export
    from docctl.publish.site import SiteReport
    from docctl.publish.verify import Verdict
    from docctl.references.graph import Impact, XRef
    from docctl.references.matrix import Matrix
    from docctl.register.model import Register


def open_repository(path: str | os.PathLike[str] = ".", *, clock: Clock | None = None) -> Repository:
    """Open the docctl repository at or above ``path``. ConfigError when there is none."""
    root = find_root(Path(path))
    return Repository(load_config(root), clock=clock)


class Repository(Composer):
    """A docctl repository: a folder with docctl.toml, normally inside a git work tree."""

    def at(self, when: str | dt.date | dt.datetime) -> Repository:
        """A read-only repository as it stood at a commit (id, tag, branch) or at the end of a date."""
        view = views.at(self, when, view=CommitView)
        assert isinstance(view, Repository)
        return view

    def staged(self) -> Repository:
        """The repository as the next commit would record it: the git index, with HEAD's history
        (what the pre-commit hook checks). Outside git the working tree is what would be committed."""
        view = views.staged(self, view=StagedView)
        assert isinstance(view, Repository)
        return view

    def register(
        self,
        as_of: str | dt.date | dt.datetime | None = None,
        status: str | Iterable[str] | None = None,
        type: str | Iterable[str] | None = None,
        *,
        stamp: bool = False,
    ) -> Register:
        """The controlled-document register now, or as it stood on a past date or commit."""
        from docctl.register import build as register

        return register.build(self, as_of=as_of, status=status, type=type, stamp=stamp)

    # controlled copies --------------------------------------------------------------------------
    def export(
        self,
        doc_id: str,
        output: str | os.PathLike[str] | None = None,
        *,
        format: str | None = None,
        rev: str | None = None,
        as_of: str | None = None,
    ) -> Export:
        """A controlled copy (PDF, .docx or HTML) of ``doc_id`` at revision ``rev``, or as in force
        ``as_of`` a date (default: today); written to ``output`` when given (docs/publishing.md)."""
        from docctl.publish import export

        return export.export(self, doc_id, output, format=format, rev=rev, as_of=as_of)

    def verify(self, files: Iterable[str | os.PathLike[str]]) -> list[Verdict]:
        """Is each copy current? One verdict per file: current, superseded, obsolete, not yet
        effective, altered, unknown, not a docctl copy or unreadable."""
        from docctl.publish import verify

        return verify.verify(self, list(files))

    def site(self, out: str | os.PathLike[str], *, as_of: str | dt.date | None = None) -> SiteReport:
        """Write the static portal of the documents in force (as of HEAD, or of a past date or commit)
        into the folder ``out``; a rebuild writes only what changed."""
        from docctl.publish.site import build_site

        return build_site(self, Path(out), as_of=as_of)

    # lifecycle --------------------------------------------------------------------------------
    def new(
        self,
        type_code: str,
        title: str,
        *,
        format: str = "md",
        folder: str | None = None,
        owner: str | None = None,
        by: str | None = None,
        commit: bool = True,
    ) -> NewDocument:
        """Create a document with the next free id of its type (and commit it, unless ``commit=False``)."""
        self._writable()
        from docctl.lifecycle import steps as lifecycle

        return lifecycle.new(self, type_code, title, format=format, folder=folder, owner=owner, by=by, commit=commit)

    def submit(self, doc_id: str, *, by: str | None = None, commit: bool = True) -> StepResult:
        """draft -> review."""
        self._writable()
        from docctl.lifecycle import steps as lifecycle

        return lifecycle.submit(self, doc_id, by=by, commit=commit)

    def approve(
        self, doc_id: str, *, role: str, meaning: str = "approved", by: str | None = None, commit: bool = True
    ) -> StepResult:
        """Sign the current content as ``role``; the last required approval makes it approved."""
        self._writable()
        from docctl.lifecycle import steps as lifecycle

        return lifecycle.approve(self, doc_id, role=role, meaning=meaning, by=by, commit=commit)

    def release(
        self,
        doc_id: str,
        *,
        effective: dt.date | str | None = None,
        by: str | None = None,
        commit: bool = True,
        tag: bool = True,
    ) -> StepResult:
        """approved -> effective (a future ``effective`` date schedules the release)."""
        self._writable()
        from docctl.lifecycle import steps as lifecycle

        day = dt.date.fromisoformat(effective) if isinstance(effective, str) else effective
        return lifecycle.release(self, doc_id, effective=day, by=by, commit=commit, tag=tag)

    def revise(
        self,
        doc_id: str,
        *,
        change: str,
        change_request: str | None = None,
        major: bool = False,
        by: str | None = None,
        commit: bool = True,
    ) -> StepResult:
        """Start the next revision (back to draft, approvals cleared)."""
        self._writable()
        from docctl.lifecycle import steps as lifecycle

        return lifecycle.revise(
            self, doc_id, change=change, change_request=change_request, major=major, by=by, commit=commit
        )

    def review(
        self,
        doc_id: str,
        *,
        outcome: str,
        change: str | None = None,
        change_request: str | None = None,
        reason: str | None = None,
        by: str | None = None,
        commit: bool = True,
    ) -> StepResult:
        """Record a periodic review: keep, revise or obsolete."""
        self._writable()
        from docctl.lifecycle import steps as lifecycle

        return lifecycle.review(
            self,
            doc_id,
            outcome=outcome,
            change=change,
            change_request=change_request,
            reason=reason,
            by=by,
            commit=commit,
        )

    def obsolete(self, doc_id: str, *, reason: str, by: str | None = None, commit: bool = True) -> StepResult:
        """Withdraw a document (final)."""
        self._writable()
        from docctl.lifecycle import steps as lifecycle

        return lifecycle.obsolete(self, doc_id, reason=reason, by=by, commit=commit)

    def recover(self, mode: str | None = None) -> Recovery:
        """Finish or undo a lifecycle step that was interrupted: ``mode`` "finish", "undo", or None
        (finish when every file is as the step meant to write it, else undo)."""
        self._writable()
        from docctl.lifecycle.recovery import recover

        return recover(self, mode)

    def adopt(
        self,
        paths: Sequence[str | os.PathLike[str]] = (),
        *,
        dry_run: bool = False,
        type: str | None = None,
        register: str | os.PathLike[str] | None = None,
        effective: bool = False,
        legacy_record: str | None = None,
        owner: str | None = None,
        author: str | None = None,
        by: str | None = None,
        commit: bool = True,
    ) -> Adoption:
        """Bring existing Markdown and .docx files (below ``paths``; all of them without) under control:
        the plan (``dry_run``), or the plan carried out in one commit. docs/adopting.md."""
        self._writable()
        from docctl.lifecycle.adopt import Request
        from docctl.lifecycle.adopt import adopt as adopting

        request = Request(
            paths=tuple(paths),
            type=type,
            register=register,
            effective=effective,
            legacy_record=legacy_record,
            owner=owner,
            author=author,
        )
        return adopting(self, request, dry_run=dry_run, by=by, commit=commit)

    def uncontrolled(self) -> list[str]:
        """Files in controlled paths that are not controlled documents yet: what ``adopt`` would take."""
        from docctl.lifecycle.adopt.candidates import uncontrolled

        return uncontrolled(self)

    # references -------------------------------------------------------------------------------
    def xref(self, doc_id: str) -> XRef:
        """References out of and into a document, with their lines, and the clauses it uses."""
        from docctl.references import graph

        return graph.xref(self.documents(), self.references(), doc_id)

    def impact(self, doc_id: str, *, depth: int | None = None) -> Impact:
        """What must be reviewed, transitively, when a document changes, with the reason chains."""
        from docctl.references import graph

        return graph.impact(self.documents(), self.references(), doc_id, depth=depth)

    def matrix(self, standard: str | None = None) -> Matrix:
        """Clause coverage of a standard (default: the first in ``standards``) by the documents."""
        from docctl.references import matrix

        return matrix.matrix(self.documents(), self.references(), standard)

    # audit ------------------------------------------------------------------------------------
    def audit(self, *, as_of: dt.date | None = None, since: str | None = None) -> AuditReport:
        """The internal audit of document control as of ``as_of`` (default today), compared with the
        last recorded audit; ``since`` (a date or commit) starts the audited period."""
        from docctl.audit.service import audit

        return audit(self, as_of=as_of, since=since)

    def record_audit(self, report: AuditReport, *, commit: bool = True) -> Recorded:
        """Commit ``report`` as an audit record (``[audit] folder``), attested by the commit."""
        self._writable()
        from docctl.audit.record import record

        return record(self, report, commit=commit)

    def audit_pack(self, day: dt.date, output: str | os.PathLike[str] | None = None, *, copies: str = "html") -> Pack:
        """The stage-1 evidence pack as of ``day``; written to ``output`` (a folder or a .zip) when given."""
        from pathlib import Path

        from docctl.audit import pack

        target = pack.check_output(self, Path(output)) if output is not None else None
        built = pack.build(self, day, copies=copies)
        return pack.write(built, target) if target is not None else built


class CommitView(Repository, views.CommitView):
    """A read-only repository as it stood at one commit (``Repository.at``)."""


class StagedView(Repository, views.StagedView):
    """A read-only repository of the staged blobs, with the history of HEAD."""
