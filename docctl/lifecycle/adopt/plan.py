"""The adoption plan, as values: one row per file with each value and where it came from.

``docctl adopt --dry-run`` shows a :class:`Plan`; ``docctl adopt`` carries it out and returns an
:class:`Adoption`. Nothing here reads or writes a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from docctl.core.errors import LifecycleError

#: The fields a row shows, in the order they are written into the metadata.
FIELDS = (
    "id",
    "title",
    "type",
    "revision",
    "status",
    "owner",
    "author",
    "effective",
    "review_due",
    "change",
    "change_request",
    "retention",
    "legacy_approval",
)


@dataclass(frozen=True, slots=True)
class Clue:
    """A value for a field as a source wrote it (not yet read into docctl's form), and the source:
    ``source`` names it for people (``control table (line 5)``), ``kind`` for the order of trust
    (``front matter``, ``control``, ``master list``, ``core property``, ``heading``, ``file name``)."""

    field: str
    value: str
    source: str
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Found:
    """A field's value as docctl writes it, and where it came from."""

    value: str
    source: str


class Action(StrEnum):
    """What adopt does with a file."""

    ADOPT = "adopt"  # metadata is written (front matter, or a sidecar for a .docx)
    REFUSED = "refused"  # nothing can be written for it; ``reason`` says why (the whole adoption stops)
    CONTROLLED = "controlled"  # it is a controlled document already; left as it is


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """One file of the plan."""

    path: str  # relative to the root
    format: str  # "md" | "docx"
    action: Action
    reason: str | None = None
    values: Mapping[str, Found] = field(default_factory=lambda: MappingProxyType({}))
    notes: tuple[str, ...] = ()
    master_row: int | None = None  # the master-list row matched to the file

    def value(self, name: str) -> str | None:
        found = self.values.get(name)
        return found.value if found is not None else None

    @property
    def metadata_path(self) -> str:
        """The file that receives the metadata: the Markdown file, or the sidecar of a .docx."""
        return self.path + ".yml" if self.format == "docx" else self.path

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "metadata_path": self.metadata_path,
            "action": self.action.value,
            "reason": self.reason,
            **{name: self.value(name) for name in FIELDS},
            "sources": {name: self.values[name].source for name in FIELDS if name in self.values},
            "master_list_row": self.master_row,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class MasterListReport:
    """How the master list (``--register``) met the files."""

    path: str
    rows: int  # rows of documents read
    unmatched_rows: tuple[tuple[int, str], ...]  # (row number, what the row names) of rows without a file
    files_without_row: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "rows": self.rows,
            "rows_without_file": [{"row": number, "names": text} for number, text in self.unmatched_rows],
            "files_without_row": list(self.files_without_row),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """What adopt would do: every file considered, the master list's report, and the status adopted files enter."""

    rows: tuple[Row, ...]
    status: str  # "draft" | "effective"
    master_list: MasterListReport | None = None

    def of(self, action: Action) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.action is action)

    @property
    def adopted(self) -> tuple[Row, ...]:
        return self.of(Action.ADOPT)

    @property
    def refused(self) -> tuple[Row, ...]:
        return self.of(Action.REFUSED)

    @property
    def controlled(self) -> tuple[Row, ...]:
        return self.of(Action.CONTROLLED)

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "rows": [row.to_dict() for row in self.rows],
            "master_list": self.master_list.to_dict() if self.master_list else None,
            "counts": {action.value: len(self.of(action)) for action in Action},
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Adoption:
    """What ``adopt`` did: the plan, and the commit (None for a dry run, with ``commit=False``, or when
    there was nothing to adopt)."""

    plan: Plan
    dry_run: bool
    written: tuple[str, ...] = ()  # files written, relative to the root
    commit: str | None = None
    staged: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "dry_run": self.dry_run,
            "commit": self.commit,
            "staged": self.staged,
            "written": list(self.written),
        } | (self.plan.to_dict())


class AdoptionRefused(LifecycleError):
    """The plan refuses some files: nothing was written. ``plan`` shows every row, the refused with their reasons."""

    def __init__(self, plan: Plan) -> None:
        refused = plan.refused
        first = f"{refused[0].path}: {refused[0].reason}"
        more = f"; and {len(refused) - 1} more" if len(refused) > 1 else ""
        super().__init__(f"{len(refused)} file(s) cannot be adopted, nothing was written: {first}{more}")
        self.plan = plan
