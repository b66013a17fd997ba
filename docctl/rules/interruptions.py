"""DC311 interrupted-step: a lifecycle step was interrupted and is half done (docs/findings.md)."""

from __future__ import annotations

from collections.abc import Iterator

from docctl.core.journal import HalfStep
from docctl.core.model import Finding
from docctl.rules.codes import finding


def interrupted_step(half: HalfStep | None) -> Iterator[Finding]:
    """One finding on the document of a step whose journal outlived it (None: no such step)."""
    if half is None:
        return
    step = half.step
    yield finding(
        "DC311",
        half.message(),
        path=step.path if step is not None else None,
        document=step.document if step is not None else None,
    )
