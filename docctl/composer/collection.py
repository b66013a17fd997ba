"""The repository-wide findings (DC103, DC309, DC402-DC407), kept up to date by difference.

:class:`Collection` holds one :class:`Summary` per document and what the repository-wide rules
derive from them: the holders of each id, the reverse reference graph (target -> referring
paths), the supersession edges, the coverage count of every claimed clause (DC406) and each
document's findings. :meth:`Collection.update` takes the documents that changed (new, changed or
gone) and returns the documents whose findings can have changed:

* the changed ones;
* the holders of their old and new ids, and of the ids they supersede or superseded (DC103,
  DC309, and which document an id resolves to);
* the documents that refer to those ids, or link to the changed paths (DC402-DC404, DC407, and
  DC403's "use ... instead");
* the documents whose ``supersedes`` chain passes through one of those ids (DC405 cycles).

:meth:`Collection.judge` runs the same rules as a whole check on those documents only, with
lookups over the whole collection; DC406 is recomputed from the coverage counts. A whole check
builds the collection with every document as changed, so both ways run the same code.

The references of each summary are kept pickled per document and read only for the documents
judged: the collection is read once per hook run, most of it never unpacked.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from docctl.core.model import Finding
from docctl.documents.sources import Loaded
from docctl.references.graph import ReferenceIndex
from docctl.references.model import LINK, Reference, References, Summarised, Summary
from docctl.rules import identity, lifecycle
from docctl.rules import references as reference_rules
from docctl.rules.context import RuleContext

#: The order in which a whole check reports the repository-wide rules (ties in the final sort keep it).
_DC103, _DC309, _DC407 = 0, 1, 9

NewestEffective = Callable[[str], "tuple[str, dt.date] | None"]


@dataclass(frozen=True, slots=True)
class History:
    """What DC407 reads of the history: each id's newest effective revision and its last review."""

    newest_effective: NewestEffective
    reviewed_on: Callable[[str], dt.date | None]


def _link_key(path: str) -> str:
    return "\x00" + path


def _target_key(ref: Reference) -> str:
    return _link_key(ref.target) if ref.kind == LINK else ref.target


def _document_file(path: str | None) -> str | None:
    if path and path.endswith(".docx.yml"):
        return path[: -len(".yml")]
    return path


class _Lookup(Mapping[str, Summary]):
    """A read-only view of the collection's summaries by a key, unpacked when asked for."""

    def __init__(self, find: Callable[[str], Summary | None], keys: Callable[[], Iterable[str]]) -> None:
        self._find, self._keys = find, keys

    def __getitem__(self, key: str) -> Summary:
        found = self._find(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: object = None) -> Summary | None:  # type: ignore[override]
        return self._find(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return sum(1 for _ in self._keys())


class Collection:
    """Every document's summary and the repository-wide findings, updated by difference (a picklable value)."""

    def __init__(self) -> None:
        self.summaries: dict[str, Summary] = {}  # path -> summary without its references
        self.outgoing: dict[str, bytes] = {}  # path -> its references, pickled
        self.holders: dict[str, set[str]] = {}  # id -> paths
        self.referrers: dict[str, set[str]] = {}  # id (or "\0" + path for links) -> referring paths
        self.successors: dict[str, set[str]] = {}  # id -> paths whose supersedes names it
        self.claims: dict[tuple[str, str], int] = {}  # (standard, clause) -> effective documents claiming it
        self.found: dict[str, tuple[tuple[int, Finding], ...]] = {}  # path -> (rule, finding) located there
        self.gaps: tuple[Finding, ...] = ()  # DC406

    # the summaries ------------------------------------------------------------------------------
    def summary(self, path: str) -> Summary | None:
        return self.summaries.get(path)

    def whole(self, path: str) -> Summary:
        """The summary of ``path`` with its references."""
        return replace(self.summaries[path], outgoing=pickle.loads(self.outgoing[path]))

    def first_holder(self, doc_id: str) -> Summary | None:
        paths = self.holders.get(doc_id)
        return self.summaries[min(paths)] if paths else None

    def first_successor(self, doc_id: str) -> Summary | None:
        paths = self.successors.get(doc_id)
        if not paths:
            return None
        return min((self.summaries[p] for p in paths), key=lambda d: (d.id is None, d.id or "", d.path))

    # updating -----------------------------------------------------------------------------------
    def apply(self, changed: Mapping[str, Loaded | None], references: References) -> set[str]:
        """:meth:`update` with the files read again (None: no controlled file there any more)."""
        summaries = {
            path: Summary.of(item.document, references.extract(item.document))
            if item is not None and item.document is not None
            else None
            for path, item in changed.items()
        }
        return self.update(summaries, references)

    def update(self, changes: Mapping[str, Summary | None], references: References) -> set[str]:
        """Apply the new summaries (None: the document is gone); the paths whose findings can change."""
        ids: set[str] = set()
        for path, new in changes.items():
            old = self.summaries.get(path)
            for item in (old, new):
                if item is not None:
                    ids.update(x for x in (item.id, item.supersedes) if x)
            if old is not None:
                self._remove(old, references)
            if new is not None:
                self._add(new, references)
        affected = set(changes)
        for doc_id in ids:
            affected |= self.holders.get(doc_id, set()) | self.referrers.get(doc_id, set())
        for changed in changes:
            affected |= self.referrers.get(_link_key(changed), set())
        frontier, seen = list(ids), set(ids)  # DC405: chains of supersedes through these ids
        while frontier:
            for successor in self.successors.get(frontier.pop(), ()):
                affected.add(successor)
                next_id = self.summaries[successor].id
                if next_id and next_id not in seen:
                    seen.add(next_id)
                    frontier.append(next_id)
        return affected

    def _add(self, item: Summary, references: References) -> None:
        self.summaries[item.path] = replace(item, outgoing=())
        self.outgoing[item.path] = pickle.dumps(item.outgoing, protocol=pickle.HIGHEST_PROTOCOL)
        if item.id:
            self.holders.setdefault(item.id, set()).add(item.path)
        if item.supersedes:
            self.successors.setdefault(item.supersedes, set()).add(item.path)
        for ref in item.outgoing:
            self.referrers.setdefault(_target_key(ref), set()).add(item.path)
        for claim in reference_rules.claimed_clauses(item, references):
            self.claims[claim] = self.claims.get(claim, 0) + 1

    def _remove(self, old: Summary, references: References) -> None:
        outgoing: tuple[Reference, ...] = pickle.loads(self.outgoing.pop(old.path))
        del self.summaries[old.path]
        self.found.pop(old.path, None)
        _discard(self.holders, old.id, old.path)
        _discard(self.successors, old.supersedes, old.path)
        for ref in outgoing:
            _discard(self.referrers, _target_key(ref), old.path)
        for claim in reference_rules.claimed_clauses(old, references):
            self.claims[claim] -= 1
            if not self.claims[claim]:
                del self.claims[claim]

    # judging ------------------------------------------------------------------------------------
    def judge(self, paths: Iterable[str], ctx: RuleContext, history: History | None) -> None:
        """Recompute the findings located in ``paths`` (the documents :meth:`update` named) and DC406."""
        subjects = [self.whole(p) for p in sorted(paths) if p in self.summaries]
        wanted = {s.path for s in subjects}
        found: dict[str, list[tuple[int, Finding]]] = {p: [] for p in wanted}

        def keep(rule: int, findings: Iterable[Finding]) -> None:
            for item in findings:
                where = _document_file(item.path)
                if where in found:
                    found[where].append((rule, item))

        holders = self._around(subjects)
        keep(_DC103, identity.duplicate_ids(holders))
        keep(_DC309, lifecycle.multiple_effective(holders, ctx))
        index: ReferenceIndex[Summarised] = ReferenceIndex(
            subjects,
            reference_rules.references_of(ctx),
            by_id=_Lookup(self.first_holder, lambda: self.holders),
            by_path=self.summaries,
            successors=_Lookup(self.first_successor, lambda: self.successors),
        )
        for number, rule in enumerate(reference_rules.COLLECTION_RULES, start=2):
            if rule is not reference_rules.mandatory_gap:
                keep(number, rule(subjects, ctx, index))
        if history is not None:
            keep(
                _DC407,
                reference_rules.suspect_references(subjects, ctx, history.newest_effective, history.reviewed_on, index),
            )
        for path in wanted:
            self.found[path] = tuple(found[path])
        self.gaps = tuple(reference_rules.gap_findings(self.claims, reference_rules.references_of(ctx)))

    def _around(self, subjects: list[Summary]) -> list[Summary]:
        """The subjects, the holders of their ids and the documents superseding them, in path order
        (what DC103 and DC309 look at for the findings located in the subjects)."""
        paths = {s.path for s in subjects}
        for subject in subjects:
            if subject.id:
                paths |= self.holders.get(subject.id, set()) | self.successors.get(subject.id, set())
        return [self.summaries[p] for p in sorted(paths)]

    def findings(self, *, suspect: bool) -> list[Finding]:
        """The repository-wide findings in the order a whole check makes them (DC407 with ``suspect``)."""
        rules: dict[int, list[Finding]] = {}
        for path in sorted(self.found):
            for rule, item in self.found[path]:
                if rule != _DC407 or suspect:
                    rules.setdefault(rule, []).append(item)
        ordered = [item for rule in sorted(rules) if rule < 2 for item in rules[rule]]
        ordered += [item for rule in sorted(rules) if 2 <= rule < _DC407 for item in rules[rule]]
        ordered += self.gaps
        ordered += rules.get(_DC407, [])
        return ordered


def _discard(table: dict[str, set[str]], key: str | None, path: str) -> None:
    if not key:
        return
    paths = table.get(key)
    if paths is not None:
        paths.discard(path)
        if not paths:
            del table[key]
