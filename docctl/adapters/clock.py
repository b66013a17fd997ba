"""The clock: now, aware, or fixed by ``DOCCTL_NOW`` for demos and tests."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

from docctl.core.errors import UsageError

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """Now, aware. ``DOCCTL_NOW`` (ISO date-time) fixes the clock for demos and tests."""
    fixed = os.environ.get("DOCCTL_NOW")
    if fixed:
        try:
            value = dt.datetime.fromisoformat(fixed)
        except ValueError:
            raise UsageError(
                f"DOCCTL_NOW must be a date and time like 2026-06-01T12:00:00+00:00, not '{fixed}'"
            ) from None
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC).astimezone()
