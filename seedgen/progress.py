"""A progress bar per model on a terminal (rich): rows done, rows/s and time left; silent elsewhere.

rich is imported only when a bar is drawn, so runs in scripts and pipes do not pay its start-up.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO


class Progress:
    """Draws on ``stream`` (standard error) only when it is a terminal; silent otherwise."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.bars: Any = None
        self.task: Any = None

    def _live(self) -> Any:
        if self.bars is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as Bars

            console = Console(file=self.stream, force_terminal=True)
            self.bars = Bars(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("rows  {task.fields[rate]} rows/s  ETA"), TimeRemainingColumn(),
                             console=console, transient=False, refresh_per_second=10)
            self.bars.start()
        return self.bars

    def start(self, label: str, total: int) -> None:
        if self.enabled:
            self.task = self._live().add_task(label, total=total, rate="0")

    def advance(self, rows: int) -> None:
        if self.task is not None:
            bars = self.bars
            bars.advance(self.task, rows)
            speed = bars.tasks[self.task].speed if self.task < len(bars.tasks) else None
            bars.update(self.task, rate=f"{speed:,.0f}" if speed else "0")

    def finish(self) -> None:
        if self.task is not None:
            task = self.bars.tasks[self.task]
            self.bars.update(self.task, completed=task.total)
        self.task = None

    def status(self, text: str) -> None:
        """A line for waits with no rows to count (the commit), kept until ``end_line``."""
        if self.enabled:
            self._live().add_task(text, total=None, rate="-")

    def end_line(self) -> None:
        """Stop drawing, so what is written next (a summary, an error) starts on its own line."""
        if self.bars is not None:
            self.bars.stop()
            self.bars = None
        self.task = None
