"""Progress of long work (a power count, a tally, a verification), shown to a person at a terminal and to nobody else.

The work marks its steps with ``phase`` and ``advance``; with nobody listening each costs one context-variable read.
A command listens by ``with reporting(terminal_bar(...)):``, and ``terminal_bar`` gives None (no listener) unless the
stream is a terminal, so a pipe, a file or a test's captured output never sees a bar.

>>> import io
>>> stream = io.StringIO()
>>> with reporting(Bar(stream, unit="members")):
...     phase("counting", 4)
...     advance(4)
>>> stream.getvalue().split("\\r")[-1]
'counting [##############################] 4/4 members\\n'
"""

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO, TypeVar

__all__ = ["Bar", "advance", "phase", "reporting", "terminal_bar", "tracked"]

Draw = Callable[[int, int], None]
T = TypeVar("T")
WIDTH = 30


class Bar:
    """Draws ``label [#####.....] done/total unit`` on one line of ``stream``, redrawn only when a percent is gained."""

    def __init__(self, stream: TextIO, *, unit: str, label: str = "") -> None:
        self.stream, self.unit, self.label = stream, unit, label
        self._shown: tuple[str, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        done = min(done, total)
        percent = 100 * done // total if total else 100
        if self._shown == (self.label, percent) and done < total:
            return
        self._shown = (self.label, percent)
        filled = WIDTH * percent // 100
        prefix = f"{self.label} " if self.label else ""
        self.stream.write(f"\r{prefix}[{'#' * filled}{'.' * (WIDTH - filled)}] {done:,}/{total:,} {self.unit}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def terminal_bar(stream: TextIO | None = None, *, unit: str, force: bool = False) -> Bar | None:
    """A Bar on ``stream`` (standard error) when it is a terminal or ``force`` is set, else None: nothing drawn."""
    stream = stream or sys.stderr
    watched = force or (hasattr(stream, "isatty") and stream.isatty())
    return Bar(stream, unit=unit) if watched else None


class _Task:
    def __init__(self, draw: Draw) -> None:
        self.draw, self.done, self.total = draw, 0, 0


_task: ContextVar[_Task | None] = ContextVar("concord_progress", default=None)


@contextmanager
def reporting(draw: Draw | None) -> Iterator[None]:
    """Within the block, ``phase`` and ``advance`` report to ``draw(done, total)``; with None they do nothing."""
    task = _Task(draw) if draw is not None else None
    token = _task.set(task)
    try:
        yield
    finally:
        _task.reset(token)
    if task is not None and task.done < task.total:  # a phase that finished early (work skipped): end its line
        task.draw(task.total, task.total)


def phase(label: str, total: int, unit: str | None = None) -> None:
    """Start a new stretch of ``total`` steps (``unit``, when a Bar shows it) named ``label``."""
    task = _task.get()
    if task is None:
        return
    task.done, task.total = 0, max(total, 1)
    if isinstance(task.draw, Bar):
        task.draw.label, task.draw.unit = label, unit or task.draw.unit
    task.draw(0, task.total)


def advance(steps: int = 1) -> None:
    """Mark ``steps`` more steps of the current phase done."""
    task = _task.get()
    if task is None:
        return
    task.done += steps
    task.draw(min(task.done, task.total), task.total)


def tracked(items: Iterable[T], *, every: int = 4096) -> Iterator[T]:
    """``items`` unchanged, advancing the current phase by ``every`` steps each ``every`` items (and the rest at the end)."""
    if _task.get() is None:
        yield from items
        return
    count = 0
    for count, item in enumerate(items, 1):
        yield item
        if count % every == 0:
            advance(every)
    advance(count % every)
