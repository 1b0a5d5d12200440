"""A progress bar on stderr for long runs in a terminal.

The runner calls :func:`expect` (how many steps are coming) and :func:`tick` (one step done) at
no cost when no bar is active.  The CLI activates a :class:`Bar` only for the text format when
stderr is a terminal; the bar stays invisible for the first second (short runs print nothing)
and is redrawn at most ten times a second, then erased, so it never mixes with the report.
"""
from __future__ import annotations

import os
import sys
import time

_active: "Bar | None" = None


def expect(steps: int) -> None:
    if _active is not None:
        _active.total += max(0, steps)


def tick(label="") -> None:
    """One step done; ``label`` (a path or text) is shown beside the bar."""
    if _active is not None:
        _active.step(label)


class Bar:
    DELAY = 1.0  # seconds before the bar first appears
    INTERVAL = 0.1  # seconds between redraws

    def __init__(self, stream=None, clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.total = 0
        self.done = 0
        self.started = clock()
        self.drawn_at = None
        self.visible = False

    def __enter__(self) -> "Bar":
        global _active
        _active = self
        return self

    def __exit__(self, *exc) -> None:
        global _active
        _active = None
        if self.visible:
            self._write("\r\033[K")

    def step(self, label="") -> None:
        self.done += 1
        now = self.clock()
        if now - self.started < self.DELAY:
            return
        if self.drawn_at is not None and now - self.drawn_at < self.INTERVAL and self.done < self.total:
            return
        self.drawn_at = now
        self.visible = True
        self._write("\r" + self.line(_shown(label)) + "\033[K")

    def line(self, label: str) -> str:
        total = max(self.total, self.done, 1)
        width = _columns()
        bar_width = max(10, min(30, width // 4))
        filled = round(bar_width * self.done / total)
        head = f"lambdalint {'━' * filled}{'─' * (bar_width - filled)} {self.done}/{total} "
        room = width - len(head) - 1
        if room < 8:
            return head.rstrip()
        return head + (label if len(label) <= room else "…" + label[-(room - 1):])

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr never stops the lint
            pass


def _shown(label) -> str:
    if isinstance(label, str):
        return label
    try:
        relative = os.path.relpath(label)
        return relative if not relative.startswith("..") else str(label)
    except ValueError:
        return str(label)


def _columns() -> int:
    try:
        return max(40, os.get_terminal_size(sys.stderr.fileno()).columns)
    except (OSError, ValueError, AttributeError):
        return 80
