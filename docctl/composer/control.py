"""What the configuration leaves out of control, gathered for the control rules (DC108, DC109, DC310).

The checked tree (the working tree, the index, or a commit's) is listed once: the Markdown and Word
files the configuration does not control are read through the composer's caches, sidecars without
their ``.docx`` are found, and, for the working tree and the index, the files that HEAD's
configuration controlled and that are gone and no longer controlled are read from HEAD. The rules
of :mod:`docctl.rules.control` judge them.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.adapters import paths
from docctl.adapters.git import Git, commits_touching, is_ancestor, ls_tree, read_blobs
from docctl.config.load import parse_config
from docctl.config.model import CONFIG_NAME, Config
from docctl.core.errors import DocctlError, GitError
from docctl.core.model import Document, Finding
from docctl.documents.sources import SIDECAR_SUFFIX, file_format, load
from docctl.references.model import Summarised
from docctl.rules.context import RuleContext
from docctl.rules.control import (
    IN_FORCE,
    Orphan,
    Outside,
    Untyped,
    orphan_sidecars,
    removed_from_control,
    type_not_configured,
    unmatched_globs,
)

UNREADABLE, OUTSIDE = 0, 1  # docctl.composer.base: Composer.verdict

if TYPE_CHECKING:
    from docctl.composer.base import Composer


def control_findings(
    composer: Composer, ctx: RuleContext, documents: Sequence[Summarised] | None = None
) -> list[Finding]:
    """DC108, DC109 and DC310 (the documents the configuration no longer covers) for the whole tree.

    ``documents`` are the controlled documents when the caller has them (else they are read).
    """
    config = composer.config
    documents = composer.documents() if documents is None else documents
    tree = composer.tree_paths()
    present = set(tree)
    readable = [p for p in tree if composer.verdict(p) != UNREADABLE]
    outside_paths = [p for p in readable if composer.verdict(p) == OUTSIDE]
    orphan_paths = [p for p in tree if _is_orphan(p, present, composer)]
    composer.prefetch(outside_paths + orphan_paths)
    outside = [Outside(document=d) for d in (composer.load(p).document for p in outside_paths) if d is not None]
    findings = list(unmatched_globs(readable, config))
    findings.extend(orphan_sidecars(_orphan(composer, p) for p in orphan_paths))
    known = {d.id for d in documents} | {item.document.id for item in outside}
    gone = _gone_since_head(composer, present, known)
    known |= {item.document.id for item in gone}
    gone += _removed_in_history(composer, present, known)
    findings.extend(removed_from_control([*outside, *gone], ctx))
    findings.extend(type_not_configured(_untyped(composer, documents), ctx))
    return findings


def _untyped(composer: Composer, documents: Sequence[Summarised]) -> list[Untyped]:
    """Approved and effective documents whose ``type`` was written but is not a configured type
    (the reader leaves ``Document.type`` empty then: the value is read again from the metadata)."""
    result = []
    for document in documents:
        if document.type is None and document.line_of("type") and document.status in ("approved", "effective"):
            written = _metadata(composer, document.metadata_path, document.format).get("type")
            whole = document if isinstance(document, Document) else composer.load(document.path).document
            if isinstance(written, str) and written not in composer.config.types and whole is not None:
                result.append(Untyped(document=whole, type=written))
    return result


def _metadata(composer: Composer, path: str, kind: str) -> dict[object, object]:
    """The raw metadata mapping of a Markdown file or a sidecar (empty when it cannot be read)."""
    from docctl.adapters.text import decode_text
    from docctl.adapters.yamlio import load_yaml
    from docctl.formats.markdown import read_markdown

    data = composer.raw(path)
    try:
        if data is None:
            return {}
        mapping = read_markdown(data).metadata if kind == "md" else load_yaml(decode_text(data)[0]).data
    except DocctlError:
        return {}
    return dict(mapping) if isinstance(mapping, dict) else {}


def _is_orphan(path: str, present: set[str], composer: Composer) -> bool:
    """``path`` is the sidecar of a controlled ``.docx`` that the tree does not hold."""
    if not path.endswith(SIDECAR_SUFFIX) or file_format(path[: -len(SIDECAR_SUFFIX)]) != "docx":
        return False
    docx = path[: -len(SIDECAR_SUFFIX)]
    config = composer.config
    return docx not in present and paths.is_controlled(docx, config.controlled, config.exclude)


def _orphan(composer: Composer, path: str) -> Orphan:
    """The orphan sidecar at ``path`` with the id, status and revision it names (when it can be read)."""
    mapping = _metadata(composer, path, "docx")

    def text(key: str) -> str | None:
        value = mapping.get(key)
        return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None

    return Orphan(
        path=path,
        docx=path[: -len(SIDECAR_SUFFIX)],
        document=text("id"),
        status=text("status"),
        revision=text("revision"),
    )


def _gone_since_head(composer: Composer, present: set[str], known: set[str | None]) -> list[Outside]:
    """Documents HEAD's configuration controlled that the tree no longer holds and the current
    configuration no longer controls: deleted and taken out of control in one change, which the
    history (read with the current configuration) cannot see. Only for the working tree and the
    index: a view of the past has no "since". A git that fails (a checkout under way, seen by the
    watcher) leaves it unjudged rather than stopping the check."""
    try:
        return _gone(composer, present, known)
    except GitError:
        return []


def _gone(composer: Composer, present: set[str], known: set[str | None]) -> list[Outside]:
    git = composer.git() if composer.current else None
    head = composer.history_tip() if git is not None else None
    if git is None or head is None:
        return []
    before = _config_at(git, head, composer.root)
    if before is None or _same_control(before, composer.config):
        return []  # no git call for the usual case: HEAD's configuration is the current one
    files = ls_tree(git, head)
    gone = [p for p in _left_control(files, before, composer.config) if p not in present]
    return [
        Outside(document=document, deleted=True)
        for document in _documents_at(git, files, gone, before)
        if document.id not in known
    ]


def _same_control(one: Config, other: Config) -> bool:
    return (one.controlled, one.exclude) == (other.controlled, other.exclude)


def _left_control(files: dict[str, str], before: Config, after: Config) -> list[str]:
    """The readable paths of ``files`` that ``before`` controls and ``after`` does not."""
    return [
        p
        for p in files
        if file_format(p)
        and paths.is_controlled(p, before.controlled, before.exclude)
        and not paths.is_controlled(p, after.controlled, after.exclude)
    ]


def _documents_at(git: Git, files: dict[str, str], wanted: list[str], config: Config) -> list[Document]:
    """The documents (with an id) at ``wanted`` paths of a tree listing, read as ``config`` reads them."""
    if not wanted:
        return []
    blobs = read_blobs(git, [b for p in wanted for b in (files[p], files.get(p + SIDECAR_SUFFIX)) if b is not None])
    result = []
    for path in wanted:
        sidecar = files.get(path + SIDECAR_SUFFIX)
        document = load(
            path, blobs.get(files[path], b""), config, sidecar=blobs.get(sidecar) if sidecar else None
        ).document
        if document is not None and document.id:
            result.append(document)
    return result


#: (HEAD, documents taken out of control by committed configuration changes up to HEAD)
_REMOVED_CACHE = "control-history.pickle"
_REMOVED_VERSION = 1


def _removed_in_history(composer: Composer, present: set[str], known: set[str | None]) -> list[Outside]:
    """Documents a committed change of ``controlled``/``exclude`` took out of control and that the
    tree no longer holds: deleted in the same commit, or later, when docctl no longer watched them.

    The history is read with the current configuration and never saw those files; HEAD's
    configuration already agrees with the current one. Each commit that changed docctl.toml is
    compared with its first parent (their configurations, the files the parent held), once per
    commit: the result is kept by HEAD and extended for new commits. A document is reported while
    the current configuration does not control its path and no controlled document has its id.
    """
    git = composer.git() if composer.current else None
    head = composer.history_tip() if git is not None else None
    if git is None or head is None:
        return []
    try:
        candidates = _removed_candidates(composer, git, head)
    except GitError:
        return []
    config = composer.config
    result: list[Outside] = []
    for document in candidates:
        if (
            document.id not in known
            and document.path not in present
            and not paths.is_controlled(document.path, config.controlled, config.exclude)
        ):
            known.add(document.id)
            result.append(Outside(document=document, deleted=True))
    return result


def _removed_candidates(composer: Composer, git: Git, head: str) -> list[Document]:
    from docctl.adapters import cachefile

    cache = git.git_dir / "docctl" / _REMOVED_CACHE
    stored = cachefile.read(cache)
    since: list[Document] = []
    revisions = [head]
    if isinstance(stored, tuple) and len(stored) == 3 and stored[0] == _REMOVED_VERSION:
        _, tip, documents = stored
        if tip == head:
            return list(documents)
        if is_ancestor(git, tip, head):
            since, revisions = list(documents), [f"{tip}..{head}"]
    for commit, parent in commits_touching(git, revisions, CONFIG_NAME):
        since.extend(_taken_out(composer, git, commit, parent))
    with contextlib.suppress(OSError):
        cachefile.write(cache, (_REMOVED_VERSION, head, tuple(since)))
    return since


def _taken_out(composer: Composer, git: Git, commit: str, parent: str | None) -> list[Document]:
    """The in-force documents ``parent``'s configuration controlled and ``commit``'s does not."""
    before = _config_at(git, parent, composer.root) if parent else None
    after = _config_at(git, commit, composer.root)
    if parent is None or before is None or after is None or _same_control(before, after):
        return []
    files = ls_tree(git, parent)
    out = _left_control(files, before, after)
    return [document for document in _documents_at(git, files, out, before) if document.status in IN_FORCE]


@functools.lru_cache(maxsize=8)
def _config_at(git: Git, commit: str, root: Path) -> Config | None:
    """The configuration a commit holds (None when it has none, or a broken one: nothing to compare)."""
    spec = f"{commit}:./{CONFIG_NAME}"
    data = read_blobs(git, [spec]).get(spec)
    try:
        return parse_config(data, root, root / CONFIG_NAME) if data is not None else None
    except DocctlError:
        return None
