"""The one constructor of findings: a code's rule name and default severity come from the code table."""

from __future__ import annotations

from docctl.core.codes import RULES
from docctl.core.model import Finding


def finding(
    code: str,
    message: str,
    *,
    path: str | None = None,
    line: int | None = None,
    document: str | None = None,
) -> Finding:
    """A finding with the code's rule name and default severity (policy is applied later)."""
    rule = RULES[code]
    return Finding(
        code=code, rule=rule.name, severity=rule.severity, message=message, path=path, line=line, document=document
    )
