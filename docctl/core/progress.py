"""Progress of long work, told to an observer that the caller chooses; the library never prints.

Work that can take long (the history pass, reading every document, running the rules) runs inside
:func:`phase`, which tells the current observer when the phase begins, each unit done, and when it
ends::

    with phase("history pass: versions read", total=len(blobs)) as advance:
        for blob in blobs:
            ...
            advance(1)

A loop over known items is simply ``for item in counted("documents read", paths): ...``. Phases
nest (an observer shows the innermost). The observer is a context variable: nothing is
observed by default (a function call per unit), and an application installs its own for a block
with :func:`reporting` — the command line installs a terminal display (``docctl.cli.progress``).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """What an observer of long work is told. Called from the thread doing the work: ``advance``
    must be cheap (it runs once per unit, thousands of times a second)."""

    def begin(self, label: str, total: int | None) -> None:
        """A phase begins (``total`` units, or None when not known); phases nest."""

    def advance(self, count: int = 1) -> None:
        """``count`` more units of the innermost phase are done."""

    def end(self) -> None:
        """The innermost phase ended."""


class Silent:
    """The default observer: sees nothing."""

    def begin(self, label: str, total: int | None) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def end(self) -> None:
        pass


SILENT = Silent()
_observer: contextvars.ContextVar[Progress] = contextvars.ContextVar("docctl_progress", default=SILENT)


def current() -> Progress:
    """The observer installed for this context (the silent one by default)."""
    return _observer.get()


@contextlib.contextmanager
def reporting(observer: Progress) -> Iterator[Progress]:
    """Within the block, long work reports its progress to ``observer``."""
    token = _observer.set(observer)
    try:
        yield observer
    finally:
        _observer.reset(token)


@contextlib.contextmanager
def phase(label: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A phase of long work, reported to the current observer; yields ``advance(count)``."""
    observer = _observer.get()
    observer.begin(label, total)
    try:
        yield observer.advance
    finally:
        observer.end()


def counted(label: str, items: Iterable[T], total: int | None = None) -> Iterator[T]:
    """``items``, one by one, as a phase whose units are the items (``total``: their number when
    ``items`` has no length). The phase ends when the loop does, even when it stops early."""
    if total is None and isinstance(items, Sized):
        total = len(items)
    with phase(label, total) as advance:
        for item in items:
            yield item
            advance(1)
