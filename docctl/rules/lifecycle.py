"""Lifecycle rules that need no history: DC305 effective date, DC307/DC308 periodic review."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator

from docctl.core.model import Document, Finding, Status
from docctl.references.model import Summarised
from docctl.rules.codes import finding
from docctl.rules.context import RuleContext


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due(document: Document, ctx: RuleContext) -> dt.date | None:
    """``review_due`` as written, else ``effective`` + the type's ``review_months``."""
    if document.review_due is not None:
        return document.review_due
    doc_type = ctx.config.types.get(document.type or "")
    if document.effective is None or doc_type is None or doc_type.review_months == 0:
        return None
    return add_months(document.effective, doc_type.review_months)


def effective_date(document: Document, ctx: RuleContext) -> Iterator[Finding]:
    """DC305: an effective document states the date it took effect."""
    del ctx
    if document.status is Status.EFFECTIVE and document.effective is None:
        yield finding(
            "DC305",
            "effective without an effective date: add 'effective: YYYY-MM-DD'",
            path=document.metadata_path,
            line=document.line_of("status"),
            document=document.id,
        )


def periodic_review(document: Document, ctx: RuleContext) -> Iterator[Finding]:
    """DC307 review overdue; DC308 review due within review_warning_days."""
    if document.status is not Status.EFFECTIVE:
        return
    due = review_due(document, ctx)
    if due is None:
        return
    line = document.line_of("review_due") or document.line_of("effective")
    if due < ctx.today:
        days = (ctx.today - due).days
        yield finding(
            "DC307",
            f"periodic review was due on {due.isoformat()} ({days} days overdue)",
            path=document.metadata_path,
            line=line,
            document=document.id,
        )
    elif (due - ctx.today).days <= ctx.config.review_warning_days:
        days = (due - ctx.today).days
        yield finding(
            "DC308",
            f"periodic review is due on {due.isoformat()} (in {days} days)",
            path=document.metadata_path,
            line=line,
            document=document.id,
        )


def multiple_effective(documents: Iterable[Summarised], ctx: RuleContext) -> Iterator[Finding]:
    """DC309: a superseded document is still effective beside its successor.

    The successor counts from its effective date: a release scheduled for a later day does not
    yet make the old document superseded.
    """
    docs = list(documents)
    by_id = {d.id: d for d in docs if d.id}
    for successor in docs:
        if successor.status is not Status.EFFECTIVE or not successor.supersedes:
            continue
        if successor.effective is not None and successor.effective > ctx.today:
            continue
        old = by_id.get(successor.supersedes)
        if old is None or old.status is not Status.EFFECTIVE or old is successor:
            continue
        yield finding(
            "DC309",
            f"{old.id} is still effective although {successor.id} superseded it on "
            f"{successor.effective.isoformat() if successor.effective else 'its release'}; mark {old.id} superseded",
            path=old.metadata_path,
            line=old.line_of("status"),
            document=old.id,
        )
