"""The rule sets that check, the pre-commit hook and the watcher all run: one rule, three triggers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from docctl.core.model import Document, Finding
from docctl.references.model import Summarised
from docctl.rules import approvals, identity, lifecycle
from docctl.rules import references as reference_rules
from docctl.rules.context import RuleContext

DocumentRule = Callable[[Document, RuleContext], Iterable[Finding]]

#: The codes only git can judge: history (DC105, DC301-DC304, DC306, DC407), attestation (DC205)
#: and signatures (DC206). Without git or before the first commit they are skipped, with a notice.
NEEDS_GIT: tuple[str, ...] = ("DC105", "DC205", "DC206", "DC301", "DC302", "DC303", "DC304", "DC306", "DC407")

#: Rules that look at one document at a time.
DOCUMENT_RULES: tuple[DocumentRule, ...] = (
    identity.id_pattern,
    identity.identity_mismatch,
    approvals.missing_approval,
    approvals.changed_after_approval,
    approvals.self_approval,
    approvals.unauthorized_approver,
    approvals.approval_date,
    lifecycle.effective_date,
    lifecycle.periodic_review,
    reference_rules.unknown_clause,
)


def check_document(document: Document, ctx: RuleContext) -> Iterator[Finding]:
    for rule in DOCUMENT_RULES:
        yield from rule(document, ctx)


def check_collection(documents: Sequence[Summarised], ctx: RuleContext) -> Iterator[Finding]:
    """Rules that need every document at once (documents or their summaries); one reference index for all."""
    yield from identity.duplicate_ids(documents)
    yield from lifecycle.multiple_effective(documents, ctx)
    index = reference_rules.index_of(documents, ctx)
    for rule in reference_rules.COLLECTION_RULES:
        yield from rule(documents, ctx, index)
