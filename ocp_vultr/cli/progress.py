"""Showing a wait's progress: a live line on a terminal, plain lines anywhere else."""

from __future__ import annotations

import asyncio
import contextlib
import time
from types import TracebackType
from typing import TextIO

from ..waiting import WaitProgress


class ProgressPrinter:
    """An ``on_progress`` callback that prints each look at a waited-on resource.

    On a terminal, one line is rewritten in place (status and elapsed time, ticking every
    second while used as ``async with``); elsewhere each look is one plain line.
    """

    def __init__(self, stream: TextIO, *, label: str = "waiting", live: bool | None = None) -> None:
        self.stream = stream
        self.label = label
        self.live = stream.isatty() if live is None else live
        self._started = time.monotonic()
        self._last: WaitProgress | None = None
        self._ticker: asyncio.Task[None] | None = None

    def __call__(self, progress: WaitProgress) -> None:
        self._last = progress
        if self.live:
            self._draw()
            return
        failed = f" (check failed: {progress.error.code})" if progress.error else ""
        self.stream.write(
            f"{self.label}: status {progress.status} after {progress.elapsed:.1f} s{failed}\n"
        )
        self.stream.flush()

    def _draw(self) -> None:
        last = self._last
        status = last.status if last is not None else "starting"
        checks = "" if last is None else f", {last.polls} check{'s' if last.polls != 1 else ''}"
        elapsed = time.monotonic() - self._started
        self.stream.write(f"\r\x1b[K{self.label}: {status} ({elapsed:.0f} s{checks})")
        self.stream.flush()

    async def _tick(self) -> None:
        while True:
            self._draw()
            await asyncio.sleep(1.0)

    async def __aenter__(self) -> ProgressPrinter:
        self._started = time.monotonic()
        if self.live:
            self._ticker = asyncio.create_task(self._tick())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        if self.live:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()
