"""A sliding-window rate limiter shared by every call to the same API with the same key.

Vultr counts requests per second per source address. A token bucket that starts full and
refills at the same rate lets through up to twice the limit in one second; this limiter keeps
the send times of the last ``rate`` requests and never lets more than ``rate`` start within any
window of ``period`` seconds. A 429 pauses every caller sharing the limiter.
"""

from __future__ import annotations

import asyncio
import math
import time
import weakref
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most ``rate`` acquisitions in any ``period``-second window, served first come first."""

    def __init__(
        self, rate: float, period: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or period <= 0:
            raise ValueError("rate and period must be positive")
        # A fractional rate (0.5/s) becomes 1 request per 2 seconds.
        self.capacity = max(1, math.floor(rate * period)) if rate * period >= 1 else 1
        self.period = period if rate * period >= 1 else 1.0 / rate
        self._clock = clock
        self._sent: deque[float] = deque()
        self._paused_until = 0.0
        self._lock: asyncio.Lock | None = None

    def pause(self, seconds: float) -> None:
        """Hold every caller for ``seconds`` from now (after a 429)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def delay(self) -> float:
        """Seconds until the next acquisition could go through (0: now)."""
        now = self._clock()
        while self._sent and now - self._sent[0] >= self.period:
            self._sent.popleft()
        wait = self._paused_until - now
        if len(self._sent) >= self.capacity:
            wait = max(wait, self._sent[0] + self.period - now)
        return max(0.0, wait)

    async def acquire(self) -> None:
        """Wait for a slot in the window, then take it."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            while (wait := self.delay()) > 0:  # noqa: ASYNC110 - waiting on the clock, not an event
                await asyncio.sleep(wait)
            self._sent.append(self._clock())


_shared: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[str, str, float], SlidingWindowLimiter]
] = weakref.WeakKeyDictionary()


def shared_limiter(base_url: str, key_fingerprint: str, rate: float) -> SlidingWindowLimiter:
    """The process-wide limiter for (base URL, key, rate) on the running event loop."""
    per_loop = _shared.setdefault(asyncio.get_running_loop(), {})
    ident = (base_url.rstrip("/"), key_fingerprint, rate)
    limiter = per_loop.get(ident)
    if limiter is None:
        limiter = per_loop[ident] = SlidingWindowLimiter(rate)
    return limiter
