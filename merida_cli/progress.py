"""A progress bar on stderr for long work (cold loads, verify): drawn only when stderr is a
terminal, only once the work has run past a short delay, and gone when it ends, so piped
output and quick commands never see it."""

from __future__ import annotations

import time


class Progress:
    """Callable as `progress(done, total, label=None)`; a no-op unless enabled."""

    def __init__(self, stream, label: str, enabled: bool, delay: float = 0.5):
        self.stream, self.label, self.enabled, self.delay = stream, label, enabled, delay
        self.started = time.monotonic()
        self.bar = None
        self.task = None

    def __call__(self, done: int, total: int, label: str | None = None) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.started < self.delay:
                return
            self._start(total)
        self.bar.update(self.task, completed=done, total=total,
                        description=label or self.label)

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        console = Console(file=self.stream, force_terminal=True, highlight=False,
                          emoji=False, markup=False)
        self.bar = Bar(TextColumn("{task.description}", markup=False), BarColumn(),
                       MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                       transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
