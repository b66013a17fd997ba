"""The controlled-document register (SPEC §6): one row per document, and its six formats.

Rows come from the documents of the working copy (or of a commit, for ``as_of``) and from one
pass of history: the effective revision is the newest revision that was released and whose
effective date has arrived, so the working copy may already hold the next draft (shown as the
pending revision) and a scheduled release stays pending until its date. The content of an
effective revision that is no longer in the working copy (its clauses) is read from git in one
``cat-file --batch`` call, never one git process per document.

Every format is rendered to bytes deterministically (sorted by id, no clock unless a stamp is
asked for, fixed zip timestamps) and names the commit it was made from. ``check_file`` compares
the rows of a committed register file with the rows of now, ignoring the commit and the stamp.
Heavy libraries (python-docx, openpyxl) are imported by their writers only.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docctl.core.errors import DocctlError, UsageError

if TYPE_CHECKING:
    from docctl.composer.base import Composer
    from docctl.config.model import Config
    from docctl.core.model import Document
    from docctl.core.timeline import Commit, Event, Revision, Snapshot

TITLE = "Controlled document register"
FORMATS = ("csv", "json", "md", "html", "docx", "xlsx")
TEXT_FORMATS = ("csv", "json", "md", "html")
SUFFIXES = {
    ".csv": "csv",
    ".json": "json",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".xlsx": "xlsx",
}
STATUSES = ("draft", "review", "approved", "effective", "superseded", "obsolete")
IN_PROGRESS = ("draft", "review", "approved")
FINAL = ("superseded", "obsolete")
UNCONTROLLED = "Uncontrolled when printed"
XLSX_MISSING = "install docctl[xlsx] for Excel output"

#: (key, heading) of the columns every human-readable format shows, in order.
COLUMNS = (
    ("id", "ID"),
    ("title", "Title"),
    ("type", "Type"),
    ("revision", "Revision"),
    ("status", "Status"),
    ("owner", "Owner"),
    ("effective", "Effective"),
    ("review_due", "Next review"),
    ("approvers", "Approvers"),
    ("clauses", "Clauses"),
    ("path", "Path"),
    ("pending", "Pending revision"),
    ("superseded_by", "Superseded by"),
    ("fingerprint", "Fingerprint"),
)
#: The CSV columns (machine-readable: one value per cell); the last two name the register's source.
CSV_COLUMNS = (
    "id",
    "title",
    "type",
    "revision",
    "status",
    "owner",
    "owner_name",
    "effective",
    "review_due",
    "approvers",
    "clauses",
    "path",
    "pending_revision",
    "pending_status",
    "pending_effective",
    "superseded_by",
    "fingerprint",
)
CSV_SOURCE = ("commit", "as_of", "generated")


# values ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Approver:
    """A signature on the effective revision."""

    name: str
    role: str
    meaning: str
    date: dt.date | None

    @property
    def label(self) -> str:
        parts = [self.role] + ([self.meaning] if self.meaning != "approved" else [])
        parts += [self.date.isoformat()] if self.date else []
        return f"{self.name} ({', '.join(parts)})"

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "role": self.role, "meaning": self.meaning, "date": _iso(self.date)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Pending:
    """A revision in progress beside the effective one: draft, review, approved, or scheduled."""

    revision: str
    status: str  # draft | review | approved | scheduled
    effective: dt.date | None = None  # the date a scheduled release takes effect

    @property
    def label(self) -> str:
        when = f" {self.effective.isoformat()}" if self.status == "scheduled" and self.effective else ""
        return f"{self.revision} ({self.status}{when})"

    def to_dict(self) -> dict[str, object]:
        return {"revision": self.revision, "status": self.status, "effective": _iso(self.effective)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """One controlled document in the register.

    ``revision`` is the effective revision (for a superseded or obsolete document, the last one
    that was in force); None for a document never released. ``status`` is the document's status
    on the register's day: effective, superseded or obsolete, or the status of its first
    revision while it has never been in force.
    """

    id: str
    title: str
    type: str
    revision: str | None
    status: str
    owner: str
    owner_name: str
    effective: dt.date | None
    review_due: dt.date | None
    approvers: tuple[Approver, ...]
    clauses: tuple[str, ...]
    path: str
    pending: Pending | None
    superseded_by: tuple[str, ...]
    fingerprint: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "type": self.type,
            "revision": self.revision,
            "status": self.status,
            "owner": self.owner,
            "owner_name": self.owner_name,
            "effective": _iso(self.effective),
            "review_due": _iso(self.review_due),
            "approvers": [a.to_dict() for a in self.approvers],
            "clauses": list(self.clauses),
            "path": self.path,
            "pending": self.pending.to_dict() if self.pending else None,
            "superseded_by": list(self.superseded_by),
            "fingerprint": self.fingerprint,
        }

    def cells(self) -> list[str]:
        """The row as the human-readable formats show it, one string per column of COLUMNS."""
        return [
            self.id,
            self.title,
            self.type,
            self.revision or "",
            self.status,
            self.owner_name or self.owner,
            _iso(self.effective) or "",
            _iso(self.review_due) or "",
            "; ".join(a.label for a in self.approvers),
            ", ".join(self.clauses),
            self.path,
            self.pending.label if self.pending else "",
            ", ".join(self.superseded_by),
            self.fingerprint or "",
        ]

    def csv_cells(self) -> list[str]:
        pending = self.pending
        return [
            self.id,
            self.title,
            self.type,
            self.revision or "",
            self.status,
            self.owner,
            self.owner_name,
            _iso(self.effective) or "",
            _iso(self.review_due) or "",
            "; ".join(a.label for a in self.approvers),
            "; ".join(self.clauses),
            self.path,
            pending.revision if pending else "",
            pending.status if pending else "",
            (_iso(pending.effective) or "") if pending else "",
            "; ".join(self.superseded_by),
            self.fingerprint or "",
        ]


@dataclass(frozen=True, slots=True, kw_only=True)
class Register:
    """The register of one moment: rows sorted by id, and where they come from."""

    rows: tuple[Row, ...]
    commit: str | None  # the commit the register was made from (HEAD, or the as-of commit)
    committed: dt.datetime | None = None  # that commit's date
    as_of: dt.date | None = None  # None: the current register (working copy)
    modified: bool = False  # the working copy's documents differ from the commit
    generated: dt.datetime | None = None  # only with a stamp
    statuses: tuple[str, ...] = ()  # the filters the rows were selected with (empty: all)
    types: tuple[str, ...] = ()
    title: str = TITLE

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    # describing ---------------------------------------------------------------------------------
    @property
    def source(self) -> str:
        """Where the register comes from, e.g. 'As of 2026-05-22, made from commit 1a2b3c4d5e6f (2026-05-21)'."""
        if self.commit is None:
            text = "made from the working copy (no git commit)"
        else:
            when = f" ({self.committed.date().isoformat()})" if self.committed else ""
            text = f"made from commit {self.commit[:12]}{when}"
            if self.modified:
                text += " with uncommitted changes"
        if self.as_of is not None:
            text = f"as of {self.as_of.isoformat()}, {text}"
        if self.generated is not None:
            text += f"; generated {self.generated.isoformat(timespec='seconds')}"
        return text[0].upper() + text[1:]

    @property
    def selection(self) -> str:
        """'all documents' or the filters, e.g. 'status effective; type SOP'."""
        parts = []
        if self.statuses:
            parts.append("status " + ", ".join(self.statuses))
        if self.types:
            parts.append("type " + ", ".join(self.types))
        return "; ".join(parts) or "all documents"

    def to_dict(self) -> dict[str, object]:
        from docctl._version import __version__

        return {
            "docctl": __version__,
            "title": self.title,
            "commit": self.commit,
            "committed": self.committed.isoformat() if self.committed else None,
            "as_of": _iso(self.as_of),
            "modified": self.modified,
            "generated": self.generated.isoformat(timespec="seconds") if self.generated else None,
            "filters": {"status": list(self.statuses), "type": list(self.types)},
            "rows": [row.to_dict() for row in self.rows],
        }

    # writing ----------------------------------------------------------------------------------
    def render(self, format: str) -> bytes:
        """The register in one of FORMATS, as bytes."""
        writer = _WRITERS.get(format)
        if writer is None:
            raise UsageError(f"unknown register format '{format}' (use one of {', '.join(FORMATS)})")
        return writer(self)

    def write(self, path: str | Path, format: str | None = None) -> Path:
        """Write the register atomically; the format comes from the suffix unless given."""
        from docctl.adapters.atomic import write_atomic

        target = Path(path)
        data = self.render(format or format_of(target))
        write_atomic(target, data)
        return target

    def check_file(self, path: str | Path, format: str | None = None) -> str | None:
        """What differs between the rows of a register file and these rows; None when it is current.

        Only the rows count: the commit, the as-of line and the stamp do not.
        """
        target = Path(path)
        fmt = format or format_of(target)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            return f"{target} does not exist"
        except OSError as error:
            return f"{target} cannot be read: {error.strerror}"
        try:
            found = read_table(fmt, data)
        except (ValueError, KeyError, IndexError, TypeError) as error:
            return f"{target} is not a {fmt} register ({error})"
        difference = compare(found, read_table(fmt, self.render(fmt)))
        return f"{target} is out of date: {difference}" if difference else None


def format_of(path: str | Path) -> str:
    """The register format a file name asks for, from its suffix."""
    suffix = Path(path).suffix.lower()
    fmt = SUFFIXES.get(suffix)
    if fmt is None:
        raise UsageError(
            f"cannot tell the register format of '{path}' from its suffix: use --format ({', '.join(FORMATS)})"
        )
    return fmt


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


# building -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    """A row being built: what the effective revision's content is still needed for."""

    document: Document
    effective: Revision | None
    latest: Revision
    clauses: tuple[str, ...] | None = None
    supersedes: str | None = None  # what the effective revision supersedes
    supersedes_later: str | None = None  # what a release still scheduled will supersede


def build(
    repo: Composer,
    *,
    as_of: str | dt.date | dt.datetime | None = None,
    status: str | Iterable[str] | None = None,
    type: str | Iterable[str] | None = None,
    stamp: bool = False,
) -> Register:
    """The register of ``repo`` now (working copy) or as it stood ``as_of`` a date or commit."""
    statuses = _selection(status, "status", STATUSES)
    types = _selection(type, "type", None)
    source = _Source.now(repo) if as_of is None else _Source.past(repo, as_of)
    drafts = [d for d in (_draft(doc, source.events_of(doc), source.today) for doc in source.documents) if d]
    _read_effective_content(source, drafts)
    rows = _rows(drafts, source)
    if statuses:
        rows = [r for r in rows if r.status in statuses]
    if types:
        rows = [r for r in rows if r.type in types]
    return Register(
        rows=tuple(rows),
        commit=source.commit,
        committed=source.committed,
        as_of=source.today if as_of is not None else None,
        modified=source.modified,
        generated=repo.now() if stamp else None,
        statuses=statuses,
        types=types,
    )


def _selection(value: str | Iterable[str] | None, what: str, allowed: Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    chosen = tuple(sorted({item.strip() for item in items if item.strip()}))
    if allowed is not None:
        for item in chosen:
            if item not in allowed:
                raise UsageError(f"unknown {what} '{item}' (use one of {', '.join(allowed)})")
    return chosen


@dataclass(slots=True)
class _Source:
    """The documents of the register's moment and every document's events up to it."""

    repo: Composer  # the repository, or its read-only view at the as-of commit
    documents: list[Document]
    events: dict[str, list[Event]]
    today: dt.date
    commit: str | None
    committed: dt.datetime | None
    modified: bool = False
    extra: dict[str, Event] = field(default_factory=dict)  # working-copy events per id

    def events_of(self, document: Document) -> list[Event]:
        assert document.id is not None
        events = list(self.events.get(document.id, ()))
        if document.id in self.extra:
            events.append(self.extra[document.id])
        if not events:  # no git: the working copy is all there is
            from docctl.core.timeline import Event, Snapshot

            events.append(Event(_working_commit(self.repo), document.path, Snapshot.of(document)))
        return events

    @classmethod
    def now(cls, repo: Composer) -> _Source:
        from docctl.history.load import working_events

        now = repo.now()
        documents = [d for d in repo.documents() if d.id]
        history = repo.history_index()
        if history is None:
            return cls(repo, documents, {}, now.date(), None, None)
        loaded = repo.loaded()
        extra = working_events(history, loaded, now)
        events = {doc_id: list(history.events(doc_id)) for doc_id in {d.id for d in documents if d.id}}
        commit = history.tip
        return cls(repo, documents, events, now.date(), commit, _commit_date(repo, commit), bool(extra), extra)

    @classmethod
    def past(cls, repo: Composer, when: str | dt.date | dt.datetime) -> _Source:
        from docctl.composer import views

        view = views.at(repo, when)
        moment = view.now()
        documents = [d for d in view.documents() if d.id]
        wanted = {d.id for d in documents if d.id}
        history = repo.history_index()
        chain = _first_parent_chain(repo, history.tip if history is not None else None)
        if history is not None and view.commit in chain:
            older = chain[chain.index(view.commit) :]
            allowed = set(older)
            events = {i: [e for e in history.events(i) if e.commit.id in allowed] for i in wanted}
        else:  # a commit off the first-parent line of HEAD: walk its own history
            own = view.history_index()
            events = {i: list(own.events(i)) for i in wanted} if own is not None else {}
        return cls(view, documents, events, moment.date(), view.commit, _commit_date(repo, view.commit))


def _first_parent_chain(repo: Composer, tip: str | None) -> list[str]:
    from docctl.adapters import git as gitmod

    git = repo.git()
    if git is None or tip is None:
        return []
    return gitmod.output(["rev-list", "--first-parent", tip, "--"], git.cwd).split()


def _commit_date(repo: Composer, commit: str | None) -> dt.datetime | None:
    from docctl.adapters import git as gitmod

    git = repo.git()
    if git is None or commit is None:
        return None
    text = gitmod.output(["log", "-1", "--no-walk", "--format=%cI", commit, "--"], git.cwd).strip()
    return dt.datetime.fromisoformat(text) if text else None


def _working_commit(repo: Composer) -> Commit:
    from docctl.core.timeline import Commit

    now = repo.now()
    return Commit(id=None, author_name="working copy", author_email="", date=now, committed=now)


def _effective_day(revision: Revision) -> dt.date | None:
    """The day a released revision took (or takes) effect: its effective date, else its release day."""
    if revision.effective is not None:
        return revision.effective
    released = revision.released
    return released.commit.committed.date() if released else None


def _in_force(revision: Revision, today: dt.date) -> bool:
    day = _effective_day(revision)
    return revision.released is not None and day is not None and day <= today


def _draft(document: Document, events: list[Event], today: dt.date) -> _Draft | None:
    from docctl.core.timeline import revisions_of

    assert document.id is not None
    revisions = list(revisions_of(document.id, events))
    if not revisions:
        return None
    in_force = [r for r in revisions if _in_force(r, today)]
    draft = _Draft(document, in_force[-1] if in_force else None, revisions[-1])
    if draft.effective is not None:
        draft.supersedes = _last_snapshot(draft.effective).supersedes
    if draft.latest.released is not None and draft.latest is not draft.effective:
        draft.supersedes_later = _last_snapshot(draft.latest).supersedes
    return draft


def _last_snapshot(revision: Revision) -> Snapshot:
    """What the revision's file said last (a revision always has one version)."""
    return next(e.snapshot for e in reversed(revision.events) if e.snapshot is not None)


def _read_effective_content(source: _Source, drafts: Sequence[_Draft]) -> None:
    """Clauses of each effective revision: from the document when it is that revision, else from git."""
    from docctl.adapters import git as gitmod
    from docctl.documents.sources import SIDECAR_SUFFIX, file_format, load

    wanted: dict[int, tuple[str, str]] = {}  # index -> (commit, path)
    for index, draft in enumerate(drafts):
        effective = draft.effective
        if effective is None or effective is draft.latest:
            draft.clauses = draft.document.clauses
            continue
        last = next(e for e in reversed(effective.events) if e.snapshot is not None)
        if last.commit.id is None:
            draft.clauses = draft.document.clauses
            continue
        wanted[index] = (last.commit.id, last.path)
    git = source.repo.git()
    if not wanted or git is None:
        return
    prefix = git.prefix + "/" if git.prefix else ""
    names: list[str] = []
    for commit, path in wanted.values():
        names.append(f"{commit}:{prefix}{path}")
        if file_format(path) == "docx":
            names.append(f"{commit}:{prefix}{path}{SIDECAR_SUFFIX}")
    contents = gitmod.read_blobs(git, names)
    for index, (commit, path) in wanted.items():
        data = contents.get(f"{commit}:{prefix}{path}")
        sidecar = contents.get(f"{commit}:{prefix}{path}{SIDECAR_SUFFIX}")
        document = load(path, data, source.repo.config, sidecar=sidecar).document if data is not None else None
        drafts[index].clauses = document.clauses if document is not None else ()


def _rows(drafts: Sequence[_Draft], source: _Source) -> list[Row]:
    now: dict[str, set[str]] = {}
    later: dict[str, set[str]] = {}
    for draft in drafts:
        if draft.supersedes and draft.document.id:
            now.setdefault(draft.supersedes, set()).add(draft.document.id)
        if draft.supersedes_later and draft.document.id:
            later.setdefault(draft.supersedes_later, set()).add(draft.document.id)
    config = source.repo.config
    rows = [
        _row(d, config, tuple(sorted(now.get(d.document.id or "", ()))), bool(later.get(d.document.id or "")))
        for d in drafts
    ]
    return sorted(rows, key=lambda r: (r.id, r.path))


def _row(draft: _Draft, config: Config, superseded_by: tuple[str, ...], successor_scheduled: bool) -> Row:
    document, effective, latest = draft.document, draft.effective, draft.latest
    assert document.id is not None
    if latest.status == "superseded" and effective is not None and not superseded_by and successor_scheduled:
        # marked superseded by a release of its successor that takes effect later: in force until then
        status, pending = "effective", None
    elif latest.status in FINAL:
        status, pending = latest.status, None
    elif effective is not None:
        status, pending = "effective", (_pending(latest) if latest is not effective else None)
    else:
        pending = _pending(latest)
        status = pending.status if pending.status in IN_PROGRESS else "approved"
    owner = document.owner or ""
    person = config.people.get(owner)
    shown = effective or latest
    return Row(
        id=document.id,
        title=shown.title or document.title or "",
        type=shown.type or document.type or "",
        revision=effective.revision if effective else None,
        status=status,
        owner=owner,
        owner_name=person.name if person else "",
        effective=_effective_day(effective) if effective else None,
        review_due=_review_due(effective, config) if effective else None,
        approvers=_approvers(effective) if effective else (),
        clauses=draft.clauses or () if effective else document.clauses,
        path=document.path,
        pending=pending,
        superseded_by=superseded_by,
        fingerprint=effective.fingerprint if effective else None,
    )


def _pending(revision: Revision) -> Pending:
    if revision.status == "effective":
        return Pending(revision=revision.revision, status="scheduled", effective=_effective_day(revision))
    status = revision.status if revision.status in IN_PROGRESS else "draft"
    return Pending(revision=revision.revision, status=status)


def _review_due(revision: Revision, config: Config) -> dt.date | None:
    from docctl.rules.lifecycle import add_months

    written = _last_snapshot(revision).review_due
    if written:
        try:
            return dt.date.fromisoformat(written)
        except ValueError:
            return None
    day = _effective_day(revision)
    doc_type = config.types.get(revision.type or "")
    if day is None or doc_type is None or not doc_type.review_months:
        return None
    return add_months(day, doc_type.review_months)


def _approvers(revision: Revision) -> tuple[Approver, ...]:
    result = []
    for approval in revision.approvals:
        name, _, role, meaning, date, _ = approval.key
        try:
            day: dt.date | None = dt.datetime.fromisoformat(date).date() if date else None
        except ValueError:
            day = None
        result.append(Approver(name=name, role=role, meaning=meaning, date=day))
    return tuple(result)


# tables read back (for check_file) --------------------------------------------------------------

Table = list[list[str]]  # the heading row, then one row per document


def compare(found: Table, wanted: Table) -> str | None:
    """One line saying how the rows of a file (``found``) differ from the register's (``wanted``)."""
    if not found or found[0] != wanted[0]:
        return "its columns differ from the register's (regenerate it with the same format and options)"
    heading = wanted[0]
    have, need = _keyed(found[1:]), _keyed(wanted[1:])
    problems: list[str] = []
    for key, row in need.items():
        old = have.get(key)
        if old is None:
            problems.append(f"{key[0]} is missing")
            continue
        for column, before, after in zip(heading, old, row, strict=False):
            if before != after:
                problems.append(f"{key[0]} {column} is '{after}', the file says '{before}'")
    problems += [f"{key[0]} is no longer in the register" for key in have if key not in need]
    if not problems and [r[0] for r in found[1:]] != [r[0] for r in wanted[1:]]:
        problems.append("the rows are out of order")
    if not problems:
        return None
    more = f" (and {len(problems) - 1} more difference{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    return problems[0] + more


def _keyed(rows: Table) -> dict[tuple[str, int], list[str]]:
    result: dict[tuple[str, int], list[str]] = {}
    for row in rows:
        key = row[0] if row else ""
        count = sum(1 for k in result if k[0] == key)
        result[(key, count)] = row
    return result


def read_table(format: str, data: bytes) -> Table:
    """The heading and rows of a register file (the source lines, commit and stamp left out)."""
    reader = _READERS.get(format)
    if reader is None:
        raise UsageError(f"unknown register format '{format}' (use one of {', '.join(FORMATS)})")
    return reader(data)


def _read_csv(data: bytes) -> Table:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    if not rows:
        raise ValueError("the file is empty")
    keep = [i for i, name in enumerate(rows[0]) if name not in CSV_SOURCE]
    return [[row[i] if i < len(row) else "" for i in keep] for row in rows]


def _read_json(data: bytes) -> Table:
    value = json.loads(data.decode("utf-8"))
    rows = value["rows"]
    if not isinstance(rows, list):
        raise ValueError("'rows' is not a list")
    keys = [key for key, _ in COLUMNS[:5]] + ["owner", "owner_name"] + [key for key, _ in COLUMNS[6:]]
    table: Table = [keys]
    for row in rows:
        table.append([_json_cell(row.get(key)) for key in keys])
    return table


def _json_cell(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


_PIPE = re.compile(r"(?<!\\)\|")


def _read_md(data: bytes) -> Table:
    table: Table = []
    for line in data.decode("utf-8").splitlines():
        if not line.startswith("|"):
            if table:
                break
            continue
        cells = [c.strip().replace("\\|", "|") for c in _PIPE.split(line.strip())[1:-1]]
        if all(set(c) <= set("-: ") for c in cells):
            continue
        table.append(cells)
    if not table:
        raise ValueError("no table found")
    return table


def _read_html(data: bytes) -> Table:
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.table: Table = []
            self.cell: list[str] | None = None
            self.inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "table" and ("id", "register") in attrs:
                self.inside = True
            elif self.inside and tag == "tr":
                self.table.append([])
            elif self.inside and tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag == "table":
                self.inside = False
            elif tag in ("td", "th") and self.cell is not None and self.table:
                self.table[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Cells()
    parser.feed(data.decode("utf-8"))
    if not parser.table:
        raise ValueError("no register table found")
    return parser.table


def _read_docx(data: bytes) -> Table:
    import docx

    document = docx.Document(io.BytesIO(data))
    if not document.tables:
        raise ValueError("no table found")
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows]


def _read_xlsx(data: bytes) -> Table:
    openpyxl = _openpyxl()
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Register"]
    table: Table = []
    for values in sheet.iter_rows(values_only=True):
        table.append([_xlsx_text(v) for v in values])
    return table


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# writers --------------------------------------------------------------------------------------


def _csv(register: Register) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    source = list(CSV_SOURCE if register.generated else CSV_SOURCE[:2])
    writer.writerow([*CSV_COLUMNS, *source])
    extra = [register.commit or "", _iso(register.as_of) or ""]
    if register.generated:
        extra.append(register.generated.isoformat(timespec="seconds"))
    for row in register.rows:
        writer.writerow([*row.csv_cells(), *extra])
    return buffer.getvalue().encode("utf-8")


def _json(register: Register) -> bytes:
    return (json.dumps(register.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _md_cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _md(register: Register) -> bytes:
    lines = [f"# {register.title}", "", f"{register.source}. {UNCONTROLLED}.", ""]
    if register.statuses or register.types:
        lines[-2] += f" Selection: {register.selection}."
    lines.append("| " + " | ".join(h for _, h in COLUMNS) + " |")
    lines.append("|" + "|".join("---" for _ in COLUMNS) + "|")
    for row in register.rows:
        lines.append("| " + " | ".join(_md_cell(c) for c in row.cells()) + " |")
    if not register.rows:
        lines += ["", "No documents."]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _short(fingerprint: str) -> str:
    return fingerprint[:19] + "…" if len(fingerprint) > 20 else fingerprint


_CSS = """\
:root { --fg: #1d2530; --muted: #5b6675; --line: #d6dbe1; --head: #eef1f5; }
* { box-sizing: border-box; }
body { font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--fg); margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 12px; }
.controls input, .controls select { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; }
.controls input { width: 22em; }
#count { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--head); position: sticky; top: 0; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button:focus-visible { outline: 2px solid #2563eb; }
th button::after { content: " \\2195"; color: #9aa3ad; font-weight: normal; }
th[aria-sort=ascending] button::after { content: " \\25B2"; color: var(--fg); }
th[aria-sort=descending] button::after { content: " \\25BC"; color: var(--fg); }
tbody tr:hover { background: #f7f9fb; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.s-effective { background: #d9f2e0; color: #125c2b; }
.s-draft { background: #e8eaed; color: #3c4350; }
.s-review { background: #fff1c2; color: #6b4e00; }
.s-approved { background: #d8e8ff; color: #123e7a; }
.s-scheduled { background: #e6e0ff; color: #3d2a8a; }
.s-superseded { background: #ffe1d6; color: #7a2a0e; }
.s-obsolete { background: #f8d7da; color: #7a1220; }
tr.st-superseded td, tr.st-obsolete td { color: #6b7280; }
.fp, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11px; }
td.approvers > span { display: block; }
td.approvers { min-width: 15em; }
td.title { min-width: 9em; }
td.path { min-width: 13em; }
td.clauses { min-width: 8em; }
td.pending .badge { white-space: normal; border-radius: 6px; }
.nowrap { white-space: nowrap; }
.empty { color: var(--muted); }
.print-only { display: none; }
@media print {
  @page { size: A4 landscape; margin: 12mm 10mm 14mm;
          @bottom-left { content: "%(footer)s"; font: 8pt sans-serif; color: #333; }
          @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; color: #333; } }
  body { margin: 0; font-size: 8pt; }
  h1 { font-size: 13pt; }
  .controls { display: none; }
  .print-only { display: block; }
  th button::after { content: none; }
  td.approvers { min-width: 13em; }
  td.path, td.clauses { min-width: 0; }
  .fp, code { font-size: 6.5pt; }
  .uncontrolled { font-weight: 700; text-transform: uppercase; letter-spacing: .05em; border: 1px solid #333;
                  padding: 2px 6px; display: inline-block; margin: 0 0 6px; }
  th, td { padding: 2px 4px; }
  thead th { position: static; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .badge { font-size: 7pt; padding: 0 4px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

_JS = """\
(function () {
  "use strict";
  var table = document.getElementById("register");
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById("filter");
  var status = document.getElementById("status");
  var type = document.getElementById("type");
  var count = document.getElementById("count");
  var collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  function apply() {
    var needle = text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!needle || row.textContent.toLowerCase().indexOf(needle) >= 0) &&
        (!status.value || row.getAttribute("data-status") === status.value) &&
        (!type.value || row.getAttribute("data-type") === type.value);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " documents";
  }
  function fromHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    text.value = params.get("filter") || "";
    status.value = params.get("status") || "";
    type.value = params.get("type") || "";
    apply();
  }
  function toHash() {
    var params = new URLSearchParams();
    if (text.value) { params.set("filter", text.value); }
    if (status.value) { params.set("status", status.value); }
    if (type.value) { params.set("type", type.value); }
    var hash = params.toString();
    try { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
  }
  function key(row, index) {
    var cell = row.cells[index];
    return cell.getAttribute("data-sort") || cell.textContent.trim();
  }
  heads.forEach(function (th, index) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = key(a, index), y = key(b, index);
        if (!x !== !y) { return x ? -1 : 1; }
        var order = collator.compare(x, y) || collator.compare(key(a, 0), key(b, 0));
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  [text, status, type].forEach(function (control) {
    control.addEventListener("input", function () { apply(); toHash(); });
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
}());
"""


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _html(register: Register) -> bytes:
    esc = html.escape
    commit = register.commit[:12] if register.commit else "working copy"
    footer = _css_string(f"{UNCONTROLLED} \u00b7 {register.title} \u00b7 {register.source}")
    options = "".join(f'<option value="{s}">{s}</option>' for s in (*IN_PROGRESS, "effective", *FINAL))
    types = sorted({row.type for row in register.rows if row.type})
    type_options = "".join(f'<option value="{esc(t)}">{esc(t)}</option>' for t in types)
    sort = ' aria-sort="ascending"'
    heads = "".join(
        f'<th scope="col"{sort if key == "id" else ""}><button type="button">{esc(name)}</button></th>'
        for key, name in COLUMNS
    )
    css = _CSS.replace("%(footer)s", footer)
    commit_meta = esc(register.commit or "")
    body = "\n".join(_html_row(row) for row in register.rows)
    if not register.rows:
        body = f'<tr><td class="empty" colspan="{len(COLUMNS)}">No documents.</td></tr>'
    selection = f" \u00b7 {esc(register.selection)}" if register.statuses or register.types else ""
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="docctl">
<meta name="docctl-commit" content="{commit_meta}">
<title>{esc(register.title)}</title>
<style>
{css}</style>
</head>
<body>
<header>
<p class="print-only uncontrolled">{UNCONTROLLED}</p>
<h1>{esc(register.title)}</h1>
<p class="meta">{esc(register.source)} \u00b7 {len(register.rows)} documents{selection}</p>
<p class="print-only">{UNCONTROLLED}: verify the current revision in the repository (commit <code>{esc(commit)}</code>) before use.</p>
</header>
<div class="controls" role="search">
<input id="filter" type="search" placeholder="Filter: id, title, owner, clause…" aria-label="Filter the register">
<select id="status" aria-label="Status"><option value="">All statuses</option>{options}</select>
<select id="type" aria-label="Type"><option value="">All types</option>{type_options}</select>
<span id="count" aria-live="polite">{len(register.rows)} of {len(register.rows)} documents</span>
</div>
<table id="register">
<thead><tr>{heads}</tr></thead>
<tbody>
{body}
</tbody>
</table>
<script>
{_JS}</script>
</body>
</html>
"""
    return page.encode("utf-8")


def _badge(status: str, label: str) -> str:
    return f'<span class="badge s-{html.escape(status)}">{html.escape(label)}</span>'


def _html_row(row: Row) -> str:
    esc = html.escape
    cells = row.cells()
    parts: list[str] = []
    for (key, _), text in zip(COLUMNS, cells, strict=True):
        if key == "status":
            parts.append(
                f'<td data-sort="{STATUSES.index(row.status) if row.status in STATUSES else 9}">{_badge(row.status, text)}</td>'
            )
        elif key == "pending":
            parts.append(f'<td class="pending">{_badge(row.pending.status, text) if row.pending else ""}</td>')
        elif key == "approvers":
            parts.append(
                '<td class="approvers">' + "".join(f"<span>{esc(a.label)}</span>" for a in row.approvers) + "</td>"
            )
        elif key == "fingerprint" and row.fingerprint:
            parts.append(f'<td class="fp" title="{esc(row.fingerprint)}">{esc(_short(row.fingerprint))}</td>')
        elif key in ("id", "effective", "review_due", "revision"):
            parts.append(f'<td class="nowrap">{esc(text)}</td>')
        elif key == "path":
            parts.append(
                '<td class="path"><code>' + "/<wbr>".join(esc(part) for part in text.split("/")) + "</code></td>"
            )
        elif key in ("title", "clauses"):
            parts.append(f'<td class="{key}">{esc(text)}</td>')
        else:
            parts.append(f"<td>{esc(text)}</td>")
    status = esc(row.status)
    return f'<tr class="st-{status}" data-status="{status}" data-type="{esc(row.type)}">' + "".join(parts) + "</tr>"


# Office formats -------------------------------------------------------------------------------

#: Relative column widths of the Word table (landscape A4), in the order of COLUMNS.
_DOCX_WIDTHS = (16, 31, 10, 14, 17, 18, 18, 18, 34, 18, 30, 17, 15, 21)  # mm, 277 in all
_FILLS = {
    "effective": "D9F2E0",
    "draft": "E8EAED",
    "review": "FFF1C2",
    "approved": "D8E8FF",
    "scheduled": "E6E0FF",
    "superseded": "FFE1D6",
    "obsolete": "F8D7DA",
}


def _docx_cells(row: Row) -> list[str]:
    cells = row.cells()
    cells[8] = "\n".join(a.label for a in row.approvers)
    cells[13] = _short(row.fingerprint) if row.fingerprint else ""
    return cells


def _docx(register: Register) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(7.5)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(10))
    section.top_margin, section.bottom_margin = Mm(22), Mm(15)
    section.header_distance, section.footer_distance = Mm(8), Mm(7)

    header = section.header
    title = header.paragraphs[0]
    run = title.add_run(register.title)
    run.bold = True
    run.font.size = Pt(12)
    line = header.add_paragraph()
    line.add_run(f"{register.source} \u00b7 {register.selection} \u00b7 Page ")
    _docx_field(line, "PAGE", OxmlElement, qn)
    line.add_run(" of ")
    _docx_field(line, "NUMPAGES", OxmlElement, qn)
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{UNCONTROLLED}. Verify the current revision in the repository before use.").italic = True

    widths = _DOCX_WIDTHS
    usable = 277  # A4 landscape less 10 mm margins
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _docx_cell_margins(table, OxmlElement, qn)
    heading = table.rows[0]
    _docx_row_flag(heading, "w:tblHeader", OxmlElement, qn)
    for index, (_, name) in enumerate(COLUMNS):
        cell = heading.cells[index]
        cell.text = ""
        cell.paragraphs[0].add_run(name).bold = True
        _docx_shade(cell, "DDE3EA", OxmlElement, qn)
    for row in register.rows:
        line = table.add_row()
        _docx_row_flag(line, "w:cantSplit", OxmlElement, qn)
        cells = line.cells
        for index, text in enumerate(_docx_cells(row)):
            cells[index].text = text
        for run in cells[13].paragraphs[0].runs:
            run.font.size = Pt(6.5)
        _docx_shade(cells[4], _FILLS.get(row.status, "FFFFFF"), OxmlElement, qn)
        if row.pending is not None:
            _docx_shade(cells[11], _FILLS.get(row.pending.status, "FFFFFF"), OxmlElement, qn)
    total = sum(widths)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(usable * width / total)  # the grid, which LibreOffice follows
        for cell in column.cells:
            cell.width = Mm(usable * width / total)  # the cells, which Word follows
    if not register.rows:
        document.add_paragraph("No documents.")

    moment = _moment(register)
    props = document.core_properties
    props.title = register.title
    props.subject = f"{register.source}"
    props.author = props.last_modified_by = "docctl"
    props.comments = register.commit or ""
    props.keywords = "document register"
    props.created = props.modified = moment.replace(tzinfo=None)
    props.last_printed = moment.replace(tzinfo=None)
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue(), moment)


def _docx_field(paragraph: Any, instruction: str, element: Any, qn: Any) -> None:
    """A complex field (PAGE, NUMPAGES) whose cached result is '1' until Word updates it."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None), ("text", "1"), ("end", None)):
        run = paragraph.add_run()
        if kind == "text":
            run.text = text
        elif kind is None:
            instr = element("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            char = element("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _docx_cell_margins(table: Any, element: Any, qn: Any) -> None:
    """1 mm left and right inside every cell (Word's default is 1.9 mm): more room for the text."""
    margins = element("w:tblCellMar")
    for side in ("left", "right"):
        margin = element(f"w:{side}")
        margin.set(qn("w:w"), "57")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def _docx_row_flag(row: Any, tag: str, element: Any, qn: Any) -> None:
    """w:tblHeader (repeat the row on every page) or w:cantSplit (keep the row on one page)."""
    flag = element(tag)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _docx_shade(cell: Any, fill: str, element: Any, qn: Any) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shade = element("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), fill)
    properties.append(shade)


_XLSX_DATES = {"effective", "review_due"}
#: Widest a column grows (characters); longer text wraps in the wrapping columns.
_XLSX_CAPS = {"title": 38, "approvers": 44, "clauses": 26, "path": 46, "fingerprint": 72}
_XLSX_WRAP = {"title", "approvers", "clauses", "path"}


def _xlsx(register: Register) -> bytes:
    import math

    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Register"
    sheet.append([name for _, name in COLUMNS])
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE3EA")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = head_fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    keys = [key for key, _ in COLUMNS]
    texts = [[*row.cells()[:8], "\n".join(a.label for a in row.approvers), *row.cells()[9:]] for row in register.rows]
    widths = []
    for index, (key, name) in enumerate(COLUMNS):
        longest = max((len(part) for text in texts for part in text[index].split("\n")), default=0)
        widths.append(min(max(longest, len(name) if key not in _XLSX_WRAP else 8, 10), _XLSX_CAPS.get(key, 24)) + 2)
    for number, (row, text) in enumerate(zip(register.rows, texts, strict=True), start=2):
        values: list[object] = list(text)
        values[6], values[7] = row.effective, row.review_due
        sheet.append(values)
        lines = 1
        for index, key in enumerate(keys):
            cell = sheet.cell(row=number, column=index + 1)
            cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=key in _XLSX_WRAP)
            if key in _XLSX_DATES and cell.value is not None:
                cell.number_format = "yyyy-mm-dd"
            if key in _XLSX_WRAP:
                room = max(widths[index] - 2, 1)
                lines = max(lines, sum(max(1, math.ceil(len(part) / room)) for part in text[index].split("\n")))
        sheet.row_dimensions[number].height = 15 * lines  # Excel and LibreOffice do not grow rows on open
        sheet.cell(row=number, column=5).fill = PatternFill("solid", fgColor=_FILLS.get(row.status, "FFFFFF"))
        if row.pending is not None:
            sheet.cell(row=number, column=12).fill = PatternFill(
                "solid", fgColor=_FILLS.get(row.pending.status, "FFFFFF")
            )
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(len(COLUMNS))
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{last}{max(len(register.rows) + 1, 1)}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddHeader.left.text = register.title
    sheet.oddHeader.right.text = register.source.replace("&", "&&")
    sheet.oddFooter.left.text = UNCONTROLLED
    sheet.oddFooter.right.text = "Page &P of &N"

    about = book.create_sheet("About")
    for key, value in (
        ("Register", register.title),
        ("Source", register.source),
        ("Commit", register.commit or ""),
        ("As of", register.as_of),
        ("Selection", register.selection),
        ("Documents", len(register.rows)),
        ("Generated", register.generated.replace(tzinfo=None) if register.generated else "not stamped"),
        ("Note", f"{UNCONTROLLED}. Verify the current revision in the repository before use."),
    ):
        about.append([key, value])
        about.cell(row=about.max_row, column=1).font = bold
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 90
    if register.as_of is not None:
        about["B4"].number_format = "yyyy-mm-dd"

    moment = _moment(register)
    book.properties.title = register.title
    book.properties.subject = f"{register.source}"
    book.properties.creator = book.properties.lastModifiedBy = "docctl"
    book.properties.description = register.commit or ""
    book.properties.created = book.properties.modified = moment.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue(), moment)


def _moment(register: Register) -> dt.datetime:
    """The date an Office file records as created and modified: the stamp, else the commit's date."""
    moment = register.generated or register.committed or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _fixed_zip(data: bytes, moment: dt.datetime) -> bytes:
    """The same package with fixed member timestamps and core dates: equal input, equal bytes."""
    import zipfile

    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), content)
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, content)
    return buffer.getvalue()


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise DocctlError(XLSX_MISSING) from None
    return openpyxl


_WRITERS: dict[str, Callable[[Register], bytes]] = {
    "csv": _csv,
    "json": _json,
    "md": _md,
    "html": _html,
    "docx": _docx,
    "xlsx": _xlsx,
}
_READERS: dict[str, Callable[[bytes], Table]] = {
    "csv": _read_csv,
    "json": _read_json,
    "md": _read_md,
    "html": _read_html,
    "docx": _read_docx,
    "xlsx": _read_xlsx,
}
