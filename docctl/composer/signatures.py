"""The signature manifest (21 CFR 11.50): each approval with its validity, the commit that added it,
that commit's author, and its signature as git verifies it."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docctl.adapters.git import Git, blob_ids, read_blobs, shallow_boundary, signatures
from docctl.core.model import Approval, Document
from docctl.core.timeline import ApprovalKey, Commit, Provenance, approval_key
from docctl.history.provenance import provenance
from docctl.history.walk import attesting_commits
from docctl.rules import approvals as approval_rules
from docctl.rules import history as history_rules
from docctl.rules.context import RuleContext

if TYPE_CHECKING:
    from docctl.composer.base import Composer


#: What git's %G? says about the signature of an approval commit, in words.
SIGNATURE_WORDS = {
    "G": "good signature",
    "U": "good signature (key of unknown trust)",
    "N": "not signed",
    "B": "BAD signature",
    "E": "signature cannot be checked",
    "X": "expired signature",
    "Y": "signed by an expired key",
    "R": "signed by a revoked key",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SignatureRecord:
    """One line of a signature manifest."""

    approval: Approval
    valid: bool  # approved meaning, current content, role held, not a forbidden self-approval
    commit: str | None  # the commit that added it (None: not committed yet)
    committed_by: str | None  # that commit's author (None when unknown: the oldest commit of a shallow clone)
    attested: bool  # the commit's author is the approver (DC205)
    signature: str | None  # git's %G? for that commit (G good, N none, ...), None when not committed
    signer: str | None  # who signed it, as allowed_signers or the GPG key says

    @property
    def verdict(self) -> str:
        """The signature's status in words (``good signature``, ``not signed``, ...)."""
        return SIGNATURE_WORDS.get(self.signature or "", f"signature status {self.signature}")

    def to_dict(self) -> dict[str, object]:
        return {
            **self.approval.to_dict(),
            "valid": self.valid,
            "commit": self.commit,
            "committed_by": self.committed_by,
            "attested": self.attested,
            "signature": self.signature,
            "signer": self.signer,
        }


def signature_status(composer: Composer, git: Git, commits: Sequence[str]) -> dict[str, tuple[str, str]]:
    """commit -> (git's %G? status, signer email), each commit verified against allowed_signers
    as it stood *before* it: a key added in the same change as the approval it signs is not
    trusted, so whoever can push cannot vouch for a signature by adding a key under someone
    else's email."""
    signers = composer.config.signing.allowed_signers
    versions = {c: None for c in commits} if not signers else {c: f"{c}^1:./{signers}" for c in commits}
    blobs = blob_ids(git, [spec for spec in versions.values() if spec])
    by_version: dict[str | None, list[str]] = {}
    for commit, spec in versions.items():
        by_version.setdefault(blobs.get(spec) if spec else None, []).append(commit)
    contents = read_blobs(git, [b for b in by_version if b])
    signed: dict[str, tuple[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="docctl-signers-") as folder:
        for blob, group in by_version.items():
            allowed = Path(folder) / f"{blob or 'none'}"
            allowed.write_bytes(contents.get(blob, b"") if blob else b"")
            for commit, sig in signatures(git, group, allowed_signers=allowed).items():
                signed[commit] = (sig.status, sig.email)
    return signed


def provenance_of(composer: Composer, document: Document, *, pending: Commit | None = None) -> Provenance | None:
    """Where ``document``'s revision and approvals came from (None outside git or without history);
    ``pending`` is the commit a lifecycle step is about to make of the working copy."""
    history = composer.history_index()
    git = composer.git()
    if history is None or git is None or not document.id:
        return None
    boundary = shallow_boundary(git)
    events = history.events(document.id)
    attesting = attesting_commits(git, composer.config, document.id, events)
    return provenance(git, composer.config, document, events, attesting, boundary=boundary, pending=pending)


def manifest(composer: Composer, document: Document) -> list[SignatureRecord]:
    """The signature manifest of a document (21 CFR 11.50): each approval with its validity,
    the commit that added it, that commit's author, and its signature as git verifies it.

    Valid and attested as ``check`` judges them: an approval by an author of the revision's content
    is not valid where the type forbids self-approval (DC203), and one added in a commit whose Docctl
    trailers name other content is not attested (DC205).
    """
    return manifests(composer, [document])[0]


def manifests(composer: Composer, documents: Sequence[Document]) -> list[list[SignatureRecord]]:
    """:func:`manifest` of many documents, their commits' signatures verified in one pass (the portal
    shows thousands)."""
    ctx = composer.context()
    history = composer.history_index()
    git = composer.git()
    found: list[dict[ApprovalKey, Commit]] = []
    for document in documents:
        attesting: dict[ApprovalKey, Commit] = {}
        if history is not None and git is not None and document.id and document.approvals:
            attesting = attesting_commits(git, composer.config, document.id, history.events(document.id))
        found.append(attesting)
    commits = sorted({c.id for attesting in found for c in attesting.values() if c.id})
    signed = composer.signature_status(git, commits) if git is not None and commits else {}
    boundary = shallow_boundary(git) if git is not None else frozenset()
    return [
        _records(composer, document, attesting, signed, boundary, ctx)
        for document, attesting in zip(documents, found, strict=True)
    ]


def _records(
    composer: Composer,
    document: Document,
    attesting: dict[ApprovalKey, Commit],
    signed: dict[str, tuple[str, str]],
    boundary: frozenset[str],
    ctx: RuleContext,
) -> list[SignatureRecord]:
    origin = provenance_of(composer, document) if document.approvals else None
    valid = {
        id(a)
        for a in approval_rules.valid_approvals(document, ctx)
        if origin is None or not history_rules.authored_commits(a, document, origin.authorship, ctx)
    }
    records = []
    for approval in document.approvals:
        key = approval_key(approval)
        commit = attesting.get(key)
        status, signer = signed.get(commit.id, ("N", "")) if commit is not None and commit.id else (None, None)
        known = commit is not None and commit.id not in boundary  # a shallow clone's oldest commit hides who added it
        revision = origin.revisions.get(key, document.revision) if origin is not None else document.revision
        records.append(
            SignatureRecord(
                approval=approval,
                valid=id(approval) in valid,
                commit=commit.id if commit is not None else None,
                committed_by=commit.author_email if commit is not None and known else None,
                attested=commit is not None
                and known
                and commit.author_email == approval.by
                and history_rules.trailer_problem(commit, approval, document.id, revision) is None,
                signature=status,
                signer=signer or None,
            )
        )
    return records
