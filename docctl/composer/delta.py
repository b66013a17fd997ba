"""A whole check by difference: the repository index and what changed since it was made.

The index (``.git/docctl/index-<kind>-<key>.pickle``, one per kind of tree: the working tree and
the staged one) holds, for the tree it was made for: every controlled path's parse-cache key
(path and blob ids), its per-document findings, the :class:`~docctl.composer.collection.Collection`
(summaries and repository-wide findings) and the history findings of every document id. It is
valid for one configuration and set of catalogues (the key), one HEAD, one day and one shallow
boundary; then a check compares the keys of the tree with the index's and reads, parses and judges
only the paths that differ, and the documents the collection names as affected by them.

Whatever the index cannot vouch for falls back to the whole check, which makes a new index: no
index or another HEAD, day or configuration; a change of more than a quarter of the documents; an
approval dated today or later (its findings depend on the time of day).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docctl.adapters import cachefile
from docctl.composer.collection import Collection, History
from docctl.core.model import Finding
from docctl.documents.sources import Loaded
from docctl.references.model import Summary
from docctl.rules.context import RuleContext

if TYPE_CHECKING:
    from docctl.composer.base import Composer

INDEX_VERSION = 2


@dataclass
class RepositoryIndex:
    """What a whole check of one tree found, per path and per document id (a picklable value)."""

    validity: tuple[object, ...]
    keys: dict[str, str | None] = field(default_factory=dict)  # controlled path -> parse-cache key
    documents: dict[str, tuple[Finding, ...]] = field(default_factory=dict)  # path -> per-document findings
    collection: Collection = field(default_factory=Collection)
    histories: dict[str, tuple[Finding, ...]] = field(default_factory=dict)  # document id -> history findings
    verdicts: dict[str, int] = field(default_factory=dict)  # path -> Composer.verdict (of every file of the tree)
    sensitive: bool = False  # an approval dated today or later: findings depend on the time of day


def index_path(composer: Composer) -> Path | None:
    git = composer.git()
    if git is None:
        return None
    return git.git_dir / "docctl" / f"index-{type(composer).__name__}-{composer.store_key()}.pickle"


def validity(composer: Composer, ctx: RuleContext) -> tuple[object, ...]:
    return (INDEX_VERSION, composer.history_tip(), ctx.today.isoformat(), composer._shallow_mark())


def read_index(composer: Composer, ctx: RuleContext) -> RepositoryIndex | None:
    """The index of this tree, if it was made for this HEAD, day and configuration."""
    where = index_path(composer)
    data: Any = cachefile.read(where) if where is not None else None
    if not isinstance(data, RepositoryIndex) or data.validity != validity(composer, ctx) or data.sensitive:
        return None
    return data


def write_index(composer: Composer, index: RepositoryIndex) -> None:
    where = index_path(composer)
    if where is None or index.sensitive:
        return
    with contextlib.suppress(OSError):  # a read-only repository: no index is kept
        cachefile.write(where, index)


def summary_of(composer: Composer, item: Loaded) -> Summary | None:
    document = item.document
    return Summary.of(document, composer._extract(document)) if document is not None else None


def is_sensitive(summaries: Iterable[Summary | None], ctx: RuleContext) -> bool:
    """An approval dated today or later (DC207 and the per-document memo then depend on the time of day)."""
    return any(s is not None and s.signed_last is not None and s.signed_last.date() >= ctx.today for s in summaries)


def history_of(composer: Composer, ctx: RuleContext) -> History | None:
    history = composer.history_index()
    if history is None:
        return None
    return History(lambda doc_id: history.newest_effective(doc_id, ctx.today), history.last_review)


def grouped(findings: Iterable[Finding], ids: Iterable[str]) -> dict[str, tuple[Finding, ...]] | None:
    """History findings by document id (None when one names no document of ``ids``: not kept then)."""
    table: dict[str, list[Finding]] = {doc_id: [] for doc_id in ids}
    for item in findings:
        if item.document is None or item.document not in table:
            return None
        table[item.document].append(item)
    return {doc_id: tuple(items) for doc_id, items in table.items()}


@dataclass(frozen=True, slots=True)
class Outcome:
    """The findings of a whole check in the order it makes them, before the tree-wide rules."""

    documents: list[Finding]
    collection: list[Finding]  # DC103, DC309, DC402-DC406
    histories: list[Finding]
    suspect: list[Finding]  # DC407
    summaries: list[Summary]
    checked: int


def outcome_of(index: RepositoryIndex) -> Outcome:
    collection = index.collection
    everything = collection.findings(suspect=True)
    return Outcome(
        documents=[item for path in sorted(index.keys) for item in index.documents.get(path, ())],
        collection=[f for f in everything if f.code != "DC407"],
        histories=[item for doc_id in sorted(index.histories) for item in index.histories[doc_id]],
        suspect=[f for f in everything if f.code == "DC407"],
        summaries=[collection.summaries[p] for p in sorted(collection.summaries)],
        checked=len(index.keys),
    )


def whole(
    composer: Composer, loaded: list[Loaded], ctx: RuleContext, documents: Mapping[str, tuple[Finding, ...]]
) -> RepositoryIndex:
    """The index of a whole check: ``loaded`` is every controlled file, ``documents`` their per-document findings."""
    from docctl.composer.histories import history_findings

    index = RepositoryIndex(validity=validity(composer, ctx), verdicts=composer.verdicts)
    summaries: dict[str, Summary | None] = {}
    for item in loaded:
        index.keys[item.path] = composer._keys.get(item.path)
        index.documents[item.path] = documents[item.path]
        summaries[item.path] = summary_of(composer, item)
    index.sensitive = is_sensitive(summaries.values(), ctx)
    references = composer.references()
    collection = index.collection
    affected = collection.update({p: s for p, s in summaries.items() if s is not None}, references)
    collection.judge(affected, ctx, history_of(composer, ctx))
    found = history_findings(composer, loaded, ctx)
    table = grouped(found, {f.document for f in found if f.document})
    if table is None:
        index.sensitive = True  # a finding without a document id: cannot be kept per document
    else:
        index.histories = table
    return index


def whole_check(composer: Composer, ctx: RuleContext) -> tuple[RepositoryIndex, Outcome, bool]:
    """Every controlled file read and judged; the new index (always worth writing)."""
    from docctl.core.progress import counted

    loaded = composer.loaded()
    store = composer.store()
    checked = counted("rules: documents checked", loaded)
    documents = {item.path: composer._document_findings(item, ctx, store) for item in checked}
    index = whole(composer, loaded, ctx, documents)
    store.save(prune=True)
    return index, outcome_of(index), True


#: A check by difference rewrites the index once this many paths differ from it (fewer are cheaper
#: to find again than the index is to write).
REWRITE_AFTER = 8


def by_difference(composer: Composer, ctx: RuleContext) -> tuple[RepositoryIndex, Outcome, bool] | None:
    """The index brought up to date with the tree, the check's outcome, and whether the index is
    worth writing; None when only a whole check will do."""
    index = read_index(composer, ctx)
    if index is None:
        return None
    composer.verdicts.update(index.verdicts)
    index.verdicts = composer.verdicts
    keys = composer.content_keys()
    changed = {p for p, key in keys.items() if key is None or index.keys.get(p, "") != key}
    changed |= {p for p in index.keys if p not in keys}
    if len(changed) > max(64, len(keys) // 4):
        return None
    store = composer.store()
    store.detach()
    outcome = _update(composer, ctx, index, keys, changed)
    if outcome is None:
        store.attach()
        return None
    store.save(prune=False)  # the stamps of the files read; no shard was read, none is written
    return index, outcome, len(changed) >= REWRITE_AFTER


def _update(
    composer: Composer, ctx: RuleContext, index: RepositoryIndex, keys: Mapping[str, str | None], changed: set[str]
) -> Outcome | None:
    store = composer.store()
    loaded = {p: composer.load(p) for p in sorted(changed) if p in keys}
    collection = index.collection
    old_ids = {s.id for p in changed if (s := collection.summary(p)) is not None and s.id}
    changes: dict[str, Summary | None] = {p: None for p in changed}
    for path, item in loaded.items():
        index.documents[path] = composer._document_findings(item, ctx, store)
        index.keys[path] = composer._keys.get(path)
        changes[path] = summary_of(composer, item)
    for path in changed - set(keys):
        index.keys.pop(path, None)
        index.documents.pop(path, None)
    if is_sensitive(changes.values(), ctx):
        return None
    affected = collection.update(changes, composer.references())
    collection.judge(affected, ctx, history_of(composer, ctx))
    new_ids = {s.id for s in changes.values() if s is not None and s.id}
    if not _histories(composer, index, ctx, old_ids | new_ids, loaded):
        return None
    return outcome_of(index)


def _histories(
    composer: Composer, index: RepositoryIndex, ctx: RuleContext, ids: set[str], loaded: dict[str, Loaded]
) -> bool:
    """The history findings of ``ids``, with every document that holds one of them read (False: not
    possible by difference)."""
    from docctl.composer.histories import history_findings

    if not ids or composer.history_index() is None:
        return True
    holders = {p for doc_id in ids for p in index.collection.holders.get(doc_id, set())}
    items = [loaded[p] if p in loaded else composer.load(p) for p in sorted(holders | set(loaded))]
    table = grouped(history_findings(composer, items, ctx, only=ids), ids)
    if table is None:
        return False
    for doc_id, found in table.items():
        if found:
            index.histories[doc_id] = found
        else:
            index.histories.pop(doc_id, None)
    return True
