"""Progress of long commands on the terminal: one line on stderr, drawn by tqdm, only when needed.

:class:`TerminalProgress` observes the library's phases (:mod:`docctl.core.progress`) by counting
only; a daemon thread draws. Nothing is drawn, and tqdm is not even imported, unless the command
is still working after ``delay`` seconds (about one): a warm check or a pre-commit run finishes
before that. The line is cleared as soon as no phase is open, so what the command then prints on
stdout (a JSON report, findings) is never mixed with it; stdout itself is never written to. No
display when stderr is not a terminal, nor with ``--quiet`` (see :func:`progress_for`).
``DOCCTL_PROGRESS_DELAY`` sets the delay in seconds (0: at once).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

DELAY = 1.0  # seconds of work before anything is shown
INTERVAL = 0.1  # seconds between redraws


class TerminalProgress:
    """A :class:`~docctl.core.progress.Progress` drawn on ``stream`` after ``delay`` seconds."""

    def __init__(self, stream: TextIO, *, delay: float = DELAY, interval: float = INTERVAL) -> None:
        self.stream = stream
        self.delay = delay
        self.interval = interval
        self._phases: list[list[Any]] = []  # [label, total, done], innermost last
        self._lock = threading.Lock()  # held while the line is drawn or cleared
        self._stop = threading.Event()
        self._wake = threading.Event()  # a phase began: draw now, not at the next tick
        self._bar: Any = None  # the tqdm bar while the line is shown
        self._thread: threading.Thread | None = None

    # the observer (called by the library, from the working thread) --------------------------
    def begin(self, label: str, total: int | None) -> None:
        self._phases.append([label, total, 0])
        self._wake.set()  # a new phase is drawn at once, not at the next tick

    def advance(self, count: int = 1) -> None:
        phases = self._phases
        if phases:
            phases[-1][2] += count

    def end(self) -> None:
        if self._phases:
            self._phases.pop()
        if not self._phases:
            with self._lock:  # after a draw in progress: the line is gone before the command prints
                self._clear()

    # the display ------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="docctl-progress", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            self._clear()

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            with self._lock:
                if not self._stop.is_set():
                    self._draw()
            self._wake.wait(self.interval)
            self._wake.clear()

    def _draw(self) -> None:
        phases = list(self._phases)
        if not phases:
            self._clear()
            return
        label, total, done = phases[-1]
        bar = self._bar
        if bar is None or bar.desc != label or bar.total != total:
            self._clear()
            bar = self._bar = _new_bar(self.stream, label, total)
        bar.update(max(0, min(done, total) if total is not None else done) - bar.n)

    def _clear(self) -> None:
        if self._bar is not None:
            self._bar.close()  # leave=False: the line is erased
            self._bar = None


def _new_bar(stream: TextIO, label: str, total: int | None) -> Any:
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread of tqdm's own: this display redraws
    columns, lines = _size(stream)
    shape = "{desc} [{elapsed}]" if total is None else None  # a phase without units: what and how long
    return tqdm(
        desc=label,
        total=total,
        file=stream,
        leave=False,
        ncols=columns,
        nrows=lines,
        mininterval=0,
        unit="",
        bar_format=shape,
    )


def _delay() -> float:
    try:
        return max(0.0, float(os.environ.get("DOCCTL_PROGRESS_DELAY", DELAY)))
    except ValueError:
        return DELAY


def _size(stream: TextIO) -> tuple[int, int]:
    """The terminal's columns and lines; 80 and 24 where it says 0 (a pseudo-terminal nobody sized,
    where tqdm would draw nothing)."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return 80, 24
    return size.columns or 80, size.lines or 24


def wanted(quiet: bool, stream: TextIO) -> bool:
    """A display only on a terminal, and not with --quiet or TERM=dumb."""
    if quiet or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def progress_for(quiet: bool, stream: TextIO | None = None) -> Iterator[None]:
    """Within the block the library's progress is shown on ``stream`` (stderr) when :func:`wanted`."""
    stream = stream if stream is not None else sys.stderr
    if not wanted(quiet, stream):
        yield
        return
    from docctl.core.progress import reporting

    display = TerminalProgress(stream, delay=_delay())
    display.start()
    try:
        with reporting(display):
            yield
    finally:
        display.close()
