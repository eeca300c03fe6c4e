"""A progress bar per model on a terminal: rows done, rows/s and time left."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

_REFRESH = 0.1  # seconds between redraws


class Progress:
    """Draws on ``stream`` (standard error) only when it is a terminal; silent otherwise."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label, self.total, self.done = "", 0, 0
        self.started = self.drawn = 0.0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self.started = time.perf_counter()
        self.drawn = 0.0
        self.draw()

    def advance(self, rows: int) -> None:
        self.done += rows
        if time.perf_counter() - self.drawn >= _REFRESH:
            self.draw()

    def finish(self) -> None:
        self.draw()
        self.end_line()

    def end_line(self) -> None:
        """Leave the bar's line, so what is written next (a summary, an error) starts on its own."""
        if self.enabled and self.label:
            self.stream.write("\n")
            self.stream.flush()
        self.label = ""

    def status(self, text: str) -> None:
        """One line that stays until the next bar or ``end_line``: for waits with no rows to count."""
        if self.enabled:
            self.stream.write(f"\r{text}")
            self.stream.flush()
            self.label = text

    def draw(self) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        self.drawn = now
        self.stream.write("\r" + self.line(now - self.started))
        self.stream.flush()

    def line(self, elapsed: float) -> str:
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else None
        eta = "--:--" if left is None else _clock(left)
        tail = f" {self.done:,}/{self.total:,} rows  {rate:,.0f} rows/s  ETA {eta}"
        width = max(10, min(40, shutil.get_terminal_size().columns - len(self.label) - len(tail) - 4))
        filled = width if self.total == 0 else int(width * self.done / self.total)
        return f"{self.label} [{'#' * filled}{'.' * (width - filled)}]{tail}"


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"
