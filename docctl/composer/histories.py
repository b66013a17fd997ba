"""The findings that need git history: DC105, DC301-DC304, DC306 and the approvals judged with it
(DC201 and DC203 by the authors of the content, DC205, DC206, DC207), memoised per document.

A revision merged from a review branch is judged with the branch's steps (draft, review, approved)
in place of the one merge commit that brought them to the first-parent line."""

from __future__ import annotations

from collections.abc import Collection, Hashable
from typing import TYPE_CHECKING

from docctl.adapters.git import Git, shallow_boundary
from docctl.composer.store import FindingsMemo
from docctl.core.model import Document, Finding
from docctl.core.progress import counted
from docctl.core.timeline import ApprovalKey, Commit, Provenance
from docctl.documents.sources import Loaded
from docctl.history.load import working_event
from docctl.history.provenance import provenance, with_branches
from docctl.history.walk import BranchMemo, attesting_commits
from docctl.rules import history as history_rules
from docctl.rules.context import RuleContext

if TYPE_CHECKING:
    from docctl.composer.base import Composer


def history_findings(
    composer: Composer, loaded: list[Loaded], ctx: RuleContext, only: Collection[str] | None = None
) -> list[Finding]:
    """The rules that need git: history (DC105, DC301-DC304, DC306) and the approvals judged with
    it (DC203 and DC201 by the authors of the content, DC205, DC206, DC207 against the commits).

    Memoised per document while HEAD and the document's working copy stay the same, so a check
    after a one-file change reads the history of that document only. With ``only``, just those
    document ids (``loaded`` must then hold every document with one of them).
    """

    history = composer.history_index()
    git = composer.git()
    if history is None or git is None:
        return []
    working_items: dict[str, Loaded] = {}
    for item in loaded:
        if item.document is not None and item.document.id:
            working_items.setdefault(item.document.id, item)
    # In a shallow clone the oldest commit holds whatever came before it: nobody can tell who
    # added the approvals it contains, so they are not judged (the CLI says so once).
    boundary = shallow_boundary(git)
    # The boundary itself, not its size: clones of one HEAD at depths 3 and 5 both have one
    # boundary commit but judge different approvals (a CI cache moves between such clones).
    shallow = " ".join(sorted(boundary))
    memo = FindingsMemo(git.git_dir / "docctl", composer.store_key())
    results: dict[str, list[Finding]] = {}
    keys: dict[str, Hashable] = {}
    attestations: list[tuple[Document, dict[ApprovalKey, Commit], Provenance]] = []
    branches: BranchMemo = {}  # merged branches read for one document, kept for the others
    ids = set(history.ids()) | set(working_items)
    ids = ids if only is None else ids & set(only)
    for doc_id in counted("rules: document histories checked", sorted(ids)):
        current = working_items.get(doc_id)
        working = current.document if current is not None else None
        content = composer._keys.get(current.path) if current is not None else None
        # the configuration is the memo's file name; the clock matters only to approvals dated in the future
        future = sum(1 for a in working.approvals if a.date and a.date > ctx.now) if working is not None else 0
        key: Hashable = f"{history.tip}\x00{content}\x00{shallow}\x00{future}"
        cached = memo.get(doc_id, key) if current is None or content is not None else None
        if cached is not None:
            results[doc_id] = list(cached)
            continue
        keys[doc_id] = key
        revision = working.revision if working is not None else None
        events = with_branches(git, composer.config, doc_id, history.events(doc_id), revision, branches)
        pending = working_event(history, doc_id, current, ctx.now)
        if pending is not None:
            events.append(pending)
        found = list(history_rules.check_history(doc_id, events, working, ctx))
        if working is not None and working.approvals:
            attesting = attesting_commits(git, composer.config, doc_id, history.events(doc_id))
            attesting = {k: c for k, c in attesting.items() if c.id not in boundary}
            origin = provenance(
                git, composer.config, working, history.events(doc_id), attesting, boundary=boundary, memo=branches
            )
            found.extend(history_rules.unattested(working, attesting, origin))
            found.extend(history_rules.self_approvals(working, origin, ctx))
            attestations.append((working, attesting, origin))
        results[doc_id] = found
    for extra in attestation_findings(composer, git, attestations, ctx):
        results.setdefault(extra.document or "", []).append(extra)
    for doc_id, key in keys.items():
        if doc_id in working_items and composer._keys.get(working_items[doc_id].path) is None:
            continue
        memo.put(doc_id, key, tuple(results[doc_id]))
    memo.save(partial=only is not None)
    return [item for doc_id in sorted(results) for item in results[doc_id]]


def attestation_findings(
    composer: Composer,
    git: Git,
    attestations: list[tuple[Document, dict[ApprovalKey, Commit], Provenance]],
    ctx: RuleContext,
) -> list[Finding]:
    """DC206 for every approval commit (see :meth:`signature_status`) where signing is required, and
    DC207 for the dates of the approvals those commits vouch for."""

    signed: dict[str, tuple[str, str]] | None = None
    if composer.config.signing.required and attestations:
        commits = sorted({c.id for _, attesting, _ in attestations for c in attesting.values() if c.id})
        signed = composer.signature_status(git, commits)
    result: list[Finding] = []
    for working, attesting, origin in attestations:
        if signed is not None:
            result.extend(history_rules.unsigned(working, attesting, signed))
        result.extend(history_rules.approval_dates(working, attesting, origin, ctx, signed))
    return result
