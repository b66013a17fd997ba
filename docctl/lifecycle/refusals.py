"""What each lifecycle step carries forward, and its refusal when ``check`` reports one of those as major.

The findings come from the composer (:meth:`Composer.findings_of`): the same rule functions, the same
history and the same configuration (severities, ignores) as ``check``, so a step and ``check`` can
never disagree. docs/decisions.md explains the choice of codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from docctl.core.errors import LifecycleError
from docctl.core.model import Document, Severity

if TYPE_CHECKING:
    from docctl.composer.base import Composer

#: the revision's identity: its id is its own (DC103) and was never another document's (DC105), and
#: its status was reached by steps the lifecycle allows (DC304)
_IDENTITY = frozenset({"DC103", "DC105", "DC304"})
#: the signatures the step joins or keeps in force
_APPROVALS = frozenset({"DC202", "DC203", "DC204", "DC205", "DC206", "DC207"})
#: the released content was changed without a new revision
_RELEASED = frozenset({"DC301"})

#: step -> the codes of the findings it would carry forward. ``new``, ``revise`` and ``obsolete``
#: carry nothing forward: they are how a document with findings is put right. References (DC4xx)
#: are judged on the documents they point to, which change on their own: no step carries them.
CARRIED: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "submit": _IDENTITY,
        "approve": _IDENTITY | _APPROVALS,
        # DC201 too: a signature that does not count (a writer of the revision signing it, judged from
        # history) leaves a role unsigned even where the file says "approved"
        "release": _IDENTITY | _APPROVALS | _RELEASED | {"DC201"},
        "review": _IDENTITY | _APPROVALS | _RELEASED,
    }
)

#: how each step reads in "SOP-001 cannot be ..."
_PARTICIPLES = {"submit": "submitted", "approve": "signed", "release": "released", "review": "kept in force"}
#: what to do about the findings a user meets most
_HINTS = {
    "DC202": "restore the approved content, or revise it and approve it again",
    "DC205": "each approver signs with docctl approve under their own git identity: revise it and approve it again",
    "DC206": "each approver signs in a commit they sign with their key: revise it and approve it again",
}


def refuse_carried(repo: Composer, doc: Document, step: str) -> None:
    """Refuse ``step`` when ``check`` reports a major finding on ``doc`` that the step would carry forward,
    naming the finding: ``SOP-001 cannot be released: DC205 the approval by ...``."""
    carried = CARRIED[step]
    for item in repo.findings_of(doc):
        if item.code in carried and item.severity is Severity.MAJOR:
            hint = f"; {_HINTS[item.code]}" if item.code in _HINTS else ""
            raise LifecycleError(f"{doc.id} cannot be {_PARTICIPLES[step]}: {item.code} {item.message}{hint}")
