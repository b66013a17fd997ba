"""Master-list rows matched to files: by path, then by id, then by title; a row goes to one file and
a file takes one row. A row that would fit several files goes to none (and says so)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from docctl.config.model import Config
from docctl.lifecycle.adopt.fields import read_id
from docctl.lifecycle.adopt.masterlist import MasterList, MasterRow
from docctl.lifecycle.adopt.plan import Clue


@dataclass(frozen=True, slots=True)
class FileKeys:
    """What a file can be recognised by in a master list."""

    path: str
    ids: frozenset[str]
    titles: frozenset[str]  # folded with :func:`fold`


@dataclass(slots=True)
class Matches:
    rows: dict[str, MasterRow] = field(default_factory=dict)  # path -> its row
    unmatched: list[MasterRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


def match_rows(master: MasterList, files: Sequence[FileKeys], controlled: Mapping[str, str], config: Config) -> Matches:
    """``controlled``: id -> path of the documents under control already (their rows are matched, not adopted)."""
    result = Matches()
    index = _Index(files)
    pending = list(master.rows)
    taken: set[str] = set()
    ambiguous: dict[int, str] = {}
    for stage in ("path", "id", "title"):
        still = []
        for row in pending:
            fits = [path for path in index.fits(stage, row, config) if path not in taken]
            if len(fits) == 1:
                result.rows[fits[0]] = row
                taken.add(fits[0])
                continue
            if len(fits) > 1:
                ambiguous[row.number] = (
                    f"row {row.number} ({row.names()}) fits {len(fits)} files by {stage} ({', '.join(fits)}): not used"
                )
            still.append(row)
        pending = still
    for row in pending:
        if _row_id(row, config) in controlled:
            continue  # the row of a document under control already
        result.unmatched.append(row)
        if row.number in ambiguous:
            result.notes.append(ambiguous[row.number])
    return result


class _Index:
    """The files by name, id and title, so that a long list meets many files in linear time."""

    def __init__(self, files: Sequence[FileKeys]) -> None:
        self.by_name: dict[str, list[str]] = {}
        self.by_id: dict[str, list[str]] = {}
        self.by_title: dict[str, list[str]] = {}
        for keys in files:
            self.by_name.setdefault(keys.path.rsplit("/", 1)[-1], []).append(keys.path)
            for doc_id in keys.ids:
                self.by_id.setdefault(doc_id, []).append(keys.path)
            for title in keys.titles:
                self.by_title.setdefault(title, []).append(keys.path)

    def fits(self, stage: str, row: MasterRow, config: Config) -> list[str]:
        """The files the row names at this stage, sorted."""
        if stage == "path":
            wanted = (row.values.get("path") or "").replace("\\", "/").removeprefix("./").strip("/")
            if not wanted:
                return []
            same = self.by_name.get(wanted.rsplit("/", 1)[-1], [])
            exact = [path for path in same if path == wanted or path.endswith("/" + wanted)]
            return sorted(exact or (same if "/" not in wanted else []))
        if stage == "id":
            doc_id = _row_id(row, config)
            return sorted(self.by_id.get(doc_id, [])) if doc_id else []
        title = row.values.get("title")
        return sorted(self.by_title.get(fold(title), [])) if title else []


def _row_id(row: MasterRow, config: Config) -> str | None:
    text = row.values.get("id")
    match = read_id(text, config) if text else None
    return match.id if match else None


def row_clues(row: MasterRow, master: MasterList) -> list[Clue]:
    """The row's values as clues, each naming the row and the column."""
    return [
        Clue(name, value, f"master list row {row.number} ('{master.columns.get(name, name)}')", "master list")
        for name, value in row.values.items()
        if name != "path"
    ]
