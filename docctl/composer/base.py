"""The composer: configuration, files, formats, metadata, history and rules put together, with their caches."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from docctl._version import __version__
from docctl.adapters import paths
from docctl.adapters.clock import Clock, system_clock
from docctl.adapters.git import Git
from docctl.composer.store import ParsedStore, ReportCache, blob_id, entry_key, stamp_of
from docctl.config.model import Config
from docctl.core.errors import UnknownDocumentError, UsageError
from docctl.core.model import Document, Finding, Report
from docctl.core.problems import Fault
from docctl.core.progress import counted, phase
from docctl.documents.sources import SIDECAR_SUFFIX, Loaded, failed, file_format, judged, load
from docctl.references.model import Extracted, References, Summarised
from docctl.rules.context import RuleContext
from docctl.rules.interruptions import interrupted_step
from docctl.rules.registry import check_collection, check_document

if TYPE_CHECKING:
    from docctl.composer.signatures import SignatureRecord
    from docctl.core.journal import HalfStep
    from docctl.core.timeline import Revision
    from docctl.history.load import History
    from docctl.references.extract import Extractor
    from docctl.standards import Catalogues

_UNSET = object()

#: :meth:`Composer.verdict`: not a readable format (or never controlled), readable but left out, controlled.
UNREADABLE, OUTSIDE, CONTROLLED = 0, 1, 2


class Composer:
    """Reads a docctl repository through the caches and runs the rules on it: configuration, files,
    formats, metadata, history and rules composed. Use cases (lifecycle, register, references) are
    built on it, and :class:`docctl.Repository` adds them as methods."""

    #: True for the working tree (and the staged tree): its documents are the current ones, so the
    #: parse cache may forget entries it no longer uses. False for views of the past.
    current = True

    def __init__(self, config: Config, *, clock: Clock | None = None) -> None:
        self.config = config
        self.root = config.root
        self._clock = clock or system_clock
        self._cache: dict[str, tuple[tuple[object, ...], Loaded]] = {}
        self._keys: dict[str, str | None] = {}  # path -> parse-cache key of its current content
        self._store: ParsedStore | None = None
        self._git: object = _UNSET
        self._head: str | None = None  # set for read-only views of a commit (and within one_head)
        self._holding = False  # within one_head: the first HEAD read is kept
        self._history: History | None = None
        self._catalogues: Catalogues | None = None
        self._extractor: Extractor | None = None
        self._extracted: dict[str, tuple[str, Extracted]] = {}  # path -> (parse-cache key, its references)
        self._store_stamps: tuple[object, ...] | None = None  # the catalogues of the parse store's entries
        self.verdicts: dict[str, int] = {}  # path -> verdict of the configuration
        self._sensitive: bool | None = None  # set by a whole check: an approval dated today or later

    def __repr__(self) -> str:
        return f"Repository({str(self.root)!r})"

    # reading ----------------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise UsageError("the clock must return an aware datetime (with a time zone)")
        return now

    def controlled_paths(self) -> list[str]:
        """Relative POSIX paths of every controlled file in the working tree, sorted."""
        return [p for p in self.tree_paths() if self.verdict(p) == CONTROLLED]

    def verdict(self, path: str) -> int:
        """What the configuration makes of a file: :data:`CONTROLLED`, :data:`OUTSIDE` (a Markdown or
        Word file it does not control) or :data:`UNREADABLE`; remembered (the repository index keeps them)."""
        found = self.verdicts.get(path)
        if found is None:
            cfg = self.config
            if not file_format(path) or paths.never_controlled(path):
                found = UNREADABLE
            else:
                found = CONTROLLED if paths.is_controlled(path, cfg.controlled, cfg.exclude) else OUTSIDE
            self.verdicts[path] = found
        return found

    def tree_paths(self) -> list[str]:
        """Every file of the tree checked (here the working tree, hidden folders aside), sorted."""
        return sorted(paths.walk(self.root))

    def prefetch(self, wanted: Sequence[str]) -> None:
        """Views read these files' blobs in one go before :meth:`load` or :meth:`raw` asks for them."""

    def raw(self, path: str) -> bytes | None:
        """The bytes of a file of the tree (None when it cannot be read)."""
        try:
            return (self.root / path).read_bytes()
        except OSError:
            return None

    def store(self) -> ParsedStore:
        """The parse cache (under .git/docctl; in memory only outside git)."""
        if self._store is None:
            git = self.git()
            self._store = ParsedStore(git.git_dir / "docctl" if git is not None else None, self.store_key())
        return self._store

    def load(self, path: str) -> Loaded:
        """Read one controlled file of the working tree, through the caches (stat stamp, then blob id)."""
        full = self.root / path
        sidecar = full.with_name(full.name + SIDECAR_SUFFIX) if file_format(path) == "docx" else None
        stamp = stamp_of(full)
        side_stamp = stamp_of(sidecar) if sidecar is not None else None
        cached = self._cache.get(path)
        if cached is not None and cached[0] == (stamp, side_stamp) and stamp is not None:
            return cached[1]
        store = self.store()
        key = store.key_for(path, stamp, side_stamp) if stamp is not None else None
        loaded = store.get(key) if key is not None else None
        if loaded is None:
            loaded, key = self._read(path, full, sidecar)
            if key is not None and stamp is not None:
                known = store.get(key)
                if known is None:
                    store.put(key, loaded)
                else:
                    loaded = known
                store.remember(path, stamp, side_stamp, key)
        self._cache[path] = ((stamp, side_stamp), loaded)
        self._keys[path] = key
        return loaded

    def _read(self, path: str, full: Path, sidecar: Path | None) -> tuple[Loaded, str | None]:
        """Parse one file; also its cache key (path and blob ids), None when it could not be read."""
        target = self._outside(full) or (self._outside(sidecar) if sidecar else None)
        if target:
            return judged(failed(path, Fault.OUTSIDE_LINK, detail=target)), None
        try:
            data = full.read_bytes()
        except OSError as error:
            return judged(failed(path, Fault.CANNOT_OPEN, detail=str(error.strerror))), None
        side: bytes | None = None
        if sidecar is not None and sidecar.is_file():
            try:
                side = sidecar.read_bytes()
            except OSError as error:
                where = path + SIDECAR_SUFFIX
                return judged(failed(path, Fault.CANNOT_OPEN_SIDECAR, where=where, detail=str(error.strerror))), None
        key = entry_key(path, blob_id(data), blob_id(side) if side is not None else None)
        known = self.store().get(key)
        return (known if known is not None else load(path, data, self.config, sidecar=side)), key

    def _outside(self, path: Path) -> str | None:
        """The target of a symbolic link that leaves the repository, else None."""
        if not path.is_symlink():
            return None
        target = path.resolve()
        try:
            target.relative_to(self.root.resolve())
        except ValueError:
            return os.readlink(path)
        return None

    def loaded(self) -> list[Loaded]:
        """Every controlled file, parsed (through the caches, which are then kept)."""
        items = [self.load(p) for p in counted("documents read", self.controlled_paths())]
        self.store().save(prune=self.current)
        return items

    def documents(self) -> list[Document]:
        """Every readable controlled document, sorted by id (then path)."""
        docs = [item.document for item in self.loaded() if item.document is not None]
        return sorted(docs, key=lambda d: (d.id is None, d.id or "", d.path))

    def document(self, doc_id: str) -> Document:
        for document in self.documents():
            if document.id == doc_id:
                return document
        raise UnknownDocumentError(f"no document with id '{doc_id}'")

    def retired_ids(self) -> set[str]:
        """Every id history has seen (ids are never reused, even of deleted documents)."""
        history = self.history_index()
        return set(history.ids()) if history is not None else set()

    # history ----------------------------------------------------------------------------------
    def git(self) -> Git | None:
        """The git work tree of this repository, or None."""
        if self._git is _UNSET:
            self._git = Git.find(self.root)
        return self._git  # type: ignore[return-value]

    def history_index(self) -> History | None:
        """Every document's history at HEAD (None outside git or before the first commit)."""
        git = self.git()
        if git is None:
            return None
        head = self._tip(git)
        if head is None:
            return None
        if self._history is None or self._history.tip != head:
            from docctl.history.load import load_history

            with phase("history pass"):
                self._history = load_history(git, self.config, head=head)
            store = self.store()  # the files the walk parsed at the tip: a clean file is not parsed again
            for path, (blob, sidecar, item) in self._history.take_tip_files().items():
                if store.get(key := entry_key(path, blob, sidecar)) is None:
                    store.put(key, item)
        return self._history

    def history(self, doc_id: str) -> list[Revision]:
        """The revisions of a document from git, oldest first (UnknownDocumentError if history has none)."""
        from dataclasses import replace

        from docctl.core.timeline import AttestedApproval
        from docctl.history.walk import attesting_commits

        history = self.history_index()
        revisions = list(history.revisions(doc_id)) if history is not None else []
        if not revisions:
            raise UnknownDocumentError(f"git history has no document with id '{doc_id}'")
        if any(a.commit.merge for r in revisions for a in r.approvals):
            attesting = attesting_commits(self.git(), self.config, doc_id, history.events(doc_id))  # type: ignore[union-attr]
            revisions = [
                replace(
                    r, approvals=tuple(AttestedApproval(a.key, attesting.get(a.key, a.commit)) for a in r.approvals)
                )
                for r in revisions
            ]
        return revisions

    def _writable(self) -> None:
        """Lifecycle steps need the working tree; views of the past refuse them."""

    def refresh(self) -> None:
        """Forget what was read so far (a lifecycle step that holds the lock reads everything afresh)."""
        self._cache, self._keys, self._extracted = {}, {}, {}
        self._store, self._history = None, None

    def interrupted_step(self) -> HalfStep | None:
        """A lifecycle step that was interrupted and is half done (its journal, while no step runs)."""
        from docctl.adapters.lock import half_step, state_folder

        git = self.git()
        return half_step(state_folder(git.git_dir if git is not None else None, self.root))

    # checking ---------------------------------------------------------------------------------
    def context(self) -> RuleContext:
        return RuleContext(config=self.config, now=self.now(), references=self.references())

    def check(self, files: Sequence[str | os.PathLike[str]] | None = None) -> Report:
        """Run every rule. With ``files``, report only on those files (and the documents they belong to)."""
        ctx = self.context()
        cache: ReportCache | None = None
        git = self.git()
        if files is None and self.current and git is not None:
            digest, newest = self._inputs(ctx)
            cache = ReportCache(git.git_dir / "docctl", self.store_key(), type(self).__name__)
            known = cache.get(digest, newest)
            if isinstance(known, Report):
                return known
        with phase("checking"):
            report = self._check(files, ctx)
        if cache is not None and not self._time_sensitive(ctx):
            cache.put(digest, report)
        return report

    def findings_of(self, document: Document) -> list[Finding]:
        """What ``check`` reports on the files of ``document`` (severities and ignores applied).

        The whole report is not cached: a lifecycle step asks once, just before it commits.
        """
        files = {document.path, document.metadata_path}
        return [item for item in self._check(None, self.context()).findings if item.path in files]

    @contextlib.contextmanager
    def one_head(self) -> Iterator[None]:
        """Within the block HEAD is read at most once (a lifecycle step: its checks all see one commit)."""
        if self._head is not None or self._holding:
            yield
            return
        self._holding = True
        try:
            yield
        finally:
            self._holding, self._head = False, None

    def _tip(self, git: Git) -> str | None:
        """HEAD, or the commit of a view; held for the block of :meth:`one_head`."""
        if self._head is not None:
            return self._head
        head = git.head()
        if self._holding:
            self._head = head
        return head

    def _inputs(self, ctx: RuleContext) -> tuple[str, float]:
        """A digest of everything a whole check depends on, and the newest input's time (for racy stamps):
        HEAD, the configuration (and its lines), the day, and the stat stamp of every Markdown, Word and
        sidecar file, controlled or not (DC310 reads the others, DC108 and DC109 look at which exist)."""
        where = repr(sorted(self.config.locations.items()))
        parts: list[str] = [str(self.history_tip()), ctx.today.isoformat(), self._shallow_mark(), where]
        parts.append(repr(self.interrupted_step()))  # DC311 comes and goes without a file changing
        newest = 0.0
        for path in self.tree_paths():
            if not file_format(path.removesuffix(SIDECAR_SUFFIX)):
                continue
            stamp = stamp_of(self.root / path)
            parts.append(f"{path}\x00{stamp}")
            newest = max(newest, (stamp[1] if stamp else 0) / 1e9)
        from docctl.composer.records import stamps

        parts.extend(stamps(self))
        return hashlib.sha256("\x01".join(parts).encode("utf-8", "surrogateescape")).hexdigest(), newest

    def _shallow_mark(self) -> str:
        from docctl.adapters.git import shallow_boundary

        git = self.git()
        return " ".join(sorted(shallow_boundary(git))) if git is not None else ""

    def _time_sensitive(self, ctx: RuleContext) -> bool:
        """Findings that can change within the day: an approval dated today or later (DC207)."""
        if self._sensitive is not None:
            return self._sensitive
        return any(
            a.date is not None and a.date.date() >= ctx.today
            for item in self.loaded()
            if item.document is not None
            for a in item.document.approvals
        )

    def notices(self) -> list[str]:
        """What a check could not judge and why, one line each (no git, no commit yet, a shallow clone)."""
        from docctl.adapters.git import shallow_boundary
        from docctl.rules.registry import NEEDS_GIT

        skipped = f"the history, attestation and signature rules were skipped ({', '.join(NEEDS_GIT)})"
        git = self.git()
        if git is None:
            return [f"not a git repository: {skipped}; approvals are not attested: nothing shows who wrote them"]
        if self.history_tip() is None:
            return [f"no commit yet: {skipped}; approvals are not attested until a commit records who added them"]
        if shallow_boundary(git):
            return [
                "this is a shallow clone: history before its oldest commit is unknown and approvals in that "
                "commit cannot be attested; fetch the whole history (git fetch --unshallow)"
            ]
        return []

    def control_findings(self, ctx: RuleContext, documents: Sequence[Summarised] | None = None) -> list[Finding]:
        """DC108, DC109 and DC310 for the whole tree; see :mod:`docctl.composer.control`."""
        from docctl.composer.control import control_findings

        return control_findings(self, ctx, documents)

    def history_tip(self) -> str | None:
        git = self.git()
        return self._tip(git) if git is not None else None

    def _check(self, files: Sequence[str | os.PathLike[str]] | None, ctx: RuleContext) -> Report:
        self.history_index()  # before reading: a cold history pass hands the parse store what it parsed
        if files is not None or not self.current or self.git() is None:
            return self._check_files(files, ctx)
        from docctl.composer import delta

        index, outcome, worth = delta.by_difference(self, ctx) or delta.whole_check(self, ctx)
        if worth:
            delta.write_index(self, index)
        self._sensitive = index.sensitive
        selected = set(index.keys)
        findings = list(outcome.documents)
        findings.extend(f for f in outcome.collection if _finding_file(f) in selected or f.path is None)
        findings.extend(f for f in outcome.histories if _finding_file(f) in selected or f.code == "DC306")
        findings.extend(f for f in outcome.suspect if _finding_file(f) in selected)
        findings.extend(self.control_findings(ctx, outcome.summaries))
        findings.extend(interrupted_step(self.interrupted_step()))
        findings.extend(self._record_findings(ctx))
        findings = self.apply_policy(findings)
        return Report(
            findings=tuple(sorted(findings, key=Finding.sort_key)),
            checked=outcome.checked,
            root=str(self.root),
            commit=self.history_tip(),
        )

    def _check_files(self, files: Sequence[str | os.PathLike[str]] | None, ctx: RuleContext) -> Report:
        """A check of some files, of a view of the past, or outside git: everything read and judged."""
        loaded = self.loaded()
        selected = self._select(loaded, files)
        findings: list[Finding] = []
        documents = [item.document for item in loaded if item.document is not None]
        store = self.store()
        for item in counted("rules: documents checked", loaded):
            if item.path in selected:
                findings.extend(self._document_findings(item, ctx, store))
        # Repository-wide findings without a file (DC406) belong to a check of the whole repository.
        findings.extend(
            f
            for f in check_collection(documents, ctx)
            if _finding_file(f) in selected or (f.path is None and files is None)
        )
        findings.extend(
            f
            for f in self._history_findings(loaded, ctx)
            if _finding_file(f) in selected or f.code == "DC306" and files is None
        )
        findings.extend(f for f in self._suspect_references(documents, ctx) if _finding_file(f) in selected)
        if files is None:  # the tree as a whole: what the configuration leaves out (DC108, DC109, DC310)
            findings.extend(self.control_findings(ctx, documents))
        if self.current:  # DC311: a step of this working tree was interrupted
            findings.extend(f for f in interrupted_step(self.interrupted_step()) if f.path in selected or files is None)
        if files is None:  # records are not documents: a check of the whole repository judges them
            findings.extend(self._record_findings(ctx))
        findings = self.apply_policy(findings)
        history = self.history_index()
        store.save(prune=self.current)
        return Report(
            findings=tuple(sorted(findings, key=Finding.sort_key)),
            checked=len(selected),
            root=str(self.root),
            commit=history.tip if history is not None else None,
        )

    def content_keys(self) -> dict[str, str | None]:
        """Every controlled path's parse-cache key as far as known without reading the file (stat
        stamps recorded earlier); None: to be read."""
        store = self.store()
        keys: dict[str, str | None] = {}
        for path in self.controlled_paths():
            full = self.root / path
            stamp = stamp_of(full)
            side = stamp_of(full.with_name(full.name + SIDECAR_SUFFIX)) if file_format(path) == "docx" else None
            keys[path] = store.key_for(path, stamp, side) if stamp is not None else None
        return keys

    def _record_findings(self, ctx: RuleContext) -> list[Finding]:
        """DC501 and DC502 over the audit records (see :mod:`docctl.composer.records`)."""
        from docctl.composer.records import gather
        from docctl.rules.records import audit_overdue, changed_records

        records = gather(self)
        return [*changed_records(records), *audit_overdue(records, ctx)]

    def _suspect_references(self, documents: list[Document], ctx: RuleContext) -> Iterator[Finding]:
        """DC407, with each referenced document's newest effective revision taken from history."""
        from docctl.rules.references import suspect_references

        history = self.history_index()
        if history is None:
            return iter(())
        return suspect_references(
            documents, ctx, lambda doc_id: history.newest_effective(doc_id, ctx.today), history.last_review
        )

    # references -------------------------------------------------------------------------------
    def references(self) -> References:
        """The catalogues and each document's references, for the reference rules, xref, impact
        and matrix: extracted once per content (path and blob ids) and kept in the parse store."""
        from docctl.standards import catalogue_stamps

        stamps = catalogue_stamps(self.config)
        if self._catalogues is not None and self._catalogues.key != stamps:
            self._catalogues, self._extractor, self._extracted = None, None, {}  # a catalogue file changed
        if self._store_stamps is None:
            self._store_stamps = stamps  # the parse store's key names these catalogues
        return References(self._loaded_catalogues, self._extract)

    def _loaded_catalogues(self) -> Catalogues:
        if self._catalogues is None:
            from docctl.standards import load_catalogues

            self._catalogues = load_catalogues(self.config)
        return self._catalogues

    def _extract(self, document: Document) -> Extracted:
        """``document``'s references: from memory, from the parse store, or extracted now."""
        cached = self._cache.get(document.path)
        key = self._keys.get(document.path) if cached is not None and cached[1].document is document else None
        if key is None:
            return self._extractor_now().extract(document)  # not a document this composer has read
        remembered = self._extracted.get(document.path)
        if remembered is not None and remembered[0] == key:
            return remembered[1]
        # After a catalogue file changed (a long-running watcher), the store's entries are stale.
        store = self.store() if self._loaded_catalogues().key == self._store_stamps else None
        known = store.derived(key) if store is not None else None
        found = known if isinstance(known, Extracted) else self._extractor_now().extract(document)
        if store is not None and found is not known:
            store.set_derived(key, found)
        self._extracted[document.path] = (key, found)
        return found

    def _extractor_now(self) -> Extractor:
        """The extractor of the current catalogues, made when first needed (it compiles patterns)."""
        if self._extractor is None:
            from docctl.references.extract import Extractor

            self._extractor = Extractor(self.config, self._loaded_catalogues())
        return self._extractor

    def _document_findings(self, item: Loaded, ctx: RuleContext, store: ParsedStore) -> tuple[Finding, ...]:
        """Parse findings and per-document rules, memoised by content and day."""
        key = self._keys.get(item.path)
        document = item.document
        day = ctx.today.isoformat()
        # an approval dated today or later depends on the time of day (DC207), not just the day
        moment = (
            ctx.now.isoformat()
            if document and any(a.date and a.date.date() >= ctx.today for a in document.approvals)
            else ""
        )
        memo = (day, moment)
        cached = store.findings(key, memo) if key is not None else None
        if cached is None:
            cached = tuple(item.findings) + (tuple(check_document(document, ctx)) if document is not None else ())
            if key is not None:
                store.set_findings(key, memo, cached)
        return cached

    def _history_findings(self, loaded: list[Loaded], ctx: RuleContext) -> list[Finding]:
        """The rules that need git; see :func:`docctl.composer.histories.history_findings`."""
        from docctl.composer.histories import history_findings

        return history_findings(self, loaded, ctx)

    def store_key(self) -> str:
        from docctl.standards import catalogue_stamps

        catalogues = catalogue_stamps(self.config)  # DC401 findings depend on the catalogue files too
        return hashlib.sha256(repr((__version__, self.config, catalogues)).encode()).hexdigest()[:16]

    def signature_status(self, git: Git, commits: Sequence[str]) -> dict[str, tuple[str, str]]:
        """commit -> (git's %G? status, signer email); see :func:`docctl.composer.signatures.signature_status`."""
        from docctl.composer.signatures import signature_status

        return signature_status(self, git, commits)

    def manifest(self, document: Document) -> list[SignatureRecord]:
        """The signature manifest of a document (21 CFR 11.50); see :func:`docctl.composer.signatures.manifest`."""
        from docctl.composer.signatures import manifest

        return manifest(self, document)

    def _select(self, loaded: list[Loaded], files: Sequence[str | os.PathLike[str]] | None) -> set[str]:
        everything = {item.path for item in loaded}
        if files is None:
            return everything
        wanted = set()
        for name in files:
            rel = self.relative(name)
            if rel.endswith(".docx" + SIDECAR_SUFFIX):
                rel = rel[: -len(SIDECAR_SUFFIX)]
            wanted.add(rel)
        return everything & wanted

    def relative(self, name: str | os.PathLike[str]) -> str:
        """A path given by a user (absolute, or relative to the current folder) relative to the root."""
        path = Path(name)
        full = path if path.is_absolute() else Path.cwd() / path
        try:
            return Path(os.path.normpath(full)).relative_to(self.root.resolve()).as_posix()
        except ValueError:
            try:
                return Path(os.path.normpath(full)).relative_to(self.root).as_posix()
            except ValueError:
                raise UsageError(f"{name} is outside the repository {self.root}") from None

    def apply_policy(self, findings: Iterable[Finding]) -> list[Finding]:
        """Severity overrides and per-path ignores from docctl.toml."""
        from dataclasses import replace

        result = []
        for item in findings:
            target = _finding_file(item)
            if target and any(
                item.code in codes and paths.matches(target, [glob]) for glob, codes in self.config.ignore
            ):
                continue
            severity = self.config.severity.get(item.code)
            result.append(replace(item, severity=severity) if severity else item)
        return result


def _finding_file(item: Finding) -> str | None:
    path = item.path
    if path and path.endswith(".docx" + SIDECAR_SUFFIX):
        return path[: -len(SIDECAR_SUFFIX)]
    return path
