"""The register's values: one Row per controlled document, and the Register of one moment.

A Register renders itself in any of FORMATS (docctl.register.writers, one module per format),
writes itself atomically, and compares its rows with a register file read back
(docctl.register.readers). The rows are made by docctl.register.build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docctl.core.errors import UsageError

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
        return {"name": self.name, "role": self.role, "meaning": self.meaning, "date": iso_day(self.date)}


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
        return {"revision": self.revision, "status": self.status, "effective": iso_day(self.effective)}


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
            "effective": iso_day(self.effective),
            "review_due": iso_day(self.review_due),
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
            iso_day(self.effective) or "",
            iso_day(self.review_due) or "",
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
            iso_day(self.effective) or "",
            iso_day(self.review_due) or "",
            "; ".join(a.label for a in self.approvers),
            "; ".join(self.clauses),
            self.path,
            pending.revision if pending else "",
            pending.status if pending else "",
            (iso_day(pending.effective) or "") if pending else "",
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
            "as_of": iso_day(self.as_of),
            "modified": self.modified,
            "generated": self.generated.isoformat(timespec="seconds") if self.generated else None,
            "filters": {"status": list(self.statuses), "type": list(self.types)},
            "rows": [row.to_dict() for row in self.rows],
        }

    # writing ----------------------------------------------------------------------------------
    def render(self, format: str) -> bytes:
        """The register in one of FORMATS, as bytes."""
        from docctl.register import writers  # the writers take a Register: imported when one is asked for

        return writers.render(self, format)

    def write(self, path: str | Path, format: str | None = None) -> Path:
        """Write the register atomically; the format comes from the suffix unless given.

        Inside a docctl repository the file is checked as ``docctl register -o`` checks it: never a
        controlled document (or a file that would be one), a sidecar, docctl.toml, or a file git
        tracks that is not a register (UsageError, one line, nothing written). Missing folders are made."""
        from docctl.adapters.outputs import output_file, write_output
        from docctl.composer.outputs import protection
        from docctl.config.load import find_root, load_config
        from docctl.core.errors import ConfigError
        from docctl.register.readers import is_register

        target = Path(path)
        fmt = format or format_of(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)  # as a library call always did
        except OSError as error:
            raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
        try:
            root = find_root(target.parent)
            protected = protection(root, load_config(root))
        except ConfigError:  # not inside a docctl repository (or one whose configuration cannot be read)
            protected = _nothing_protected
        output = output_file(target, protected=protected, generated=lambda data: is_register(fmt, data))
        write_output(output, self.render(fmt))
        return target

    def check_file(self, path: str | Path, format: str | None = None) -> str | None:
        """What differs between the rows of a register file and these rows; None when it is current.

        Only the rows count: the commit, the as-of line and the stamp do not.
        """
        from docctl.register.readers import compare, read_table

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


def iso_day(day: dt.date | None) -> str | None:
    """The day as YYYY-MM-DD, or None."""
    return day.isoformat() if day is not None else None


def short_fingerprint(fingerprint: str) -> str:
    """A fingerprint cut to fit a printed column (the HTML and Word registers)."""
    return fingerprint[:19] + "…" if len(fingerprint) > 20 else fingerprint


def _nothing_protected(path: Path) -> str | None:
    return None
