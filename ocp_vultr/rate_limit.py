"""A sliding-window rate limiter shared by every call to the same API with the same key.

Vultr counts requests per second per source address. A token bucket that starts full and
refills at the same rate lets through up to twice the limit in one second; this limiter never
lets more than ``rate`` requests reach the server within any window of one second.

A request holds its place in the window from the moment it is let through until one period
after its attempt ended (its answer arrived, or it failed). The server received it before
that moment, so however long requests travel or wait in queues, any ``rate + 1`` requests
arrive at least one period apart: the server sees no more than ``rate`` in any second. A
request that never left (no connection) gives its place back at once. Callers are served
first come, first served. A 429 pauses every caller sharing the window.

One :class:`RequestWindow` exists per (base URL, API key) in the process, whatever the event
loop or thread: every agent using that key against that URL shares it.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable

_POLL = 0.01
"""Seconds between looks of a caller whose turn is due but whose predecessor has not gone yet."""
_IN_FLIGHT_POLL = 0.05
"""Seconds between looks of the first caller while the window is full of requests still under
way: each holds its place until one period after it ends, or gives it back if it never left."""


class Permit:
    """One request's place in the window, held until :meth:`release` (call it exactly once)."""

    __slots__ = ("_done", "_window")

    def __init__(self, window: RequestWindow) -> None:
        self._window = window
        self._done = False

    def release(self, *, sent: bool) -> None:
        """The attempt is over. ``sent``: the request may have reached the server, so its
        place stays taken for one more period; otherwise it is free at once."""
        if not self._done:
            self._done = True
            self._window.settle(sent=sent)


class RequestWindow:
    """Send times of recent requests, the callers waiting, and the pause after a 429.

    Thread-safe, so that agents on different event loops can share one window.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._sent: deque[float] = deque()
        self._in_flight = 0
        self._queue: deque[int] = deque()
        self._tickets = itertools.count()
        self._paused_until = -math.inf
        self._longest_period = 0.0

    def pause(self, seconds: float) -> None:
        """Hold every caller for ``seconds`` from now (after a 429)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def paused_for(self) -> float:
        """Seconds the window stays paused (0: not paused)."""
        with self._lock:
            return max(0.0, self._paused_until - self._clock())

    @property
    def in_flight(self) -> int:
        """Requests let through whose attempt has not ended yet."""
        with self._lock:
            return self._in_flight

    @property
    def waiting(self) -> int:
        """Callers waiting for their turn."""
        with self._lock:
            return len(self._queue)

    def ended_within(self, seconds: float) -> int:
        """Requests whose attempt ended (having been sent) in the last ``seconds``."""
        with self._lock:
            cutoff = self._clock() - seconds
            return len(self._sent) - bisect.bisect_right(self._sent, cutoff)

    def enqueue(self) -> int:
        """A ticket: the caller's place in line."""
        with self._lock:
            ticket = next(self._tickets)
            self._queue.append(ticket)
            return ticket

    def leave(self, ticket: int) -> None:
        """Give up a place in line (the caller was cancelled)."""
        with self._lock:
            if ticket in self._queue:
                self._queue.remove(ticket)

    def admit(self, ticket: int, capacity: int, period: float) -> float:
        """Let ``ticket`` through (0.0) or say how long to wait before asking again (> 0)."""
        with self._lock:
            now = self._clock()
            self._longest_period = max(self._longest_period, period)
            while self._sent and self._sent[0] <= now - self._longest_period:
                self._sent.popleft()
            ahead = self._queue.index(ticket)
            wait = max(self._paused_until - now, self._wait_for_place(ahead, capacity, period, now))
            if ahead == 0 and wait <= 0:
                self._queue.popleft()
                self._in_flight += 1
                return 0.0
            return max(wait, _POLL)

    def _wait_for_place(self, ahead: int, capacity: int, period: float, now: float) -> float:
        """Seconds until the window has room for a caller with ``ahead`` callers before it.

        Places free in the order they expire: ended requests one period after they ended,
        then requests still under way (not before one period from now), then those of
        callers still ahead in line, ``capacity`` per period.
        """
        first = bisect.bisect_right(self._sent, now - period)
        recent = len(self._sent) - first
        must_expire = recent + self._in_flight + ahead + 1 - capacity
        if must_expire <= 0:
            return 0.0
        if must_expire <= recent:
            return self._sent[first + must_expire - 1] + period - now
        if ahead == 0:
            return _IN_FLIGHT_POLL
        return period * (1 + (must_expire - recent - 1) // capacity)

    def settle(self, *, sent: bool) -> None:
        """A request let through ended now: its place is held one more period if it was
        ``sent``, else freed."""
        with self._lock:
            self._in_flight -= 1
            if sent:
                self._sent.append(self._clock())


class SlidingWindowLimiter:
    """At most ``rate`` requests per second, over a shared :class:`RequestWindow`.

    A fractional rate (0.5/s) becomes one request per ``1/rate`` seconds.
    """

    def __init__(
        self,
        rate: float,
        window: RequestWindow | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not rate > 0 or math.isinf(rate):
            raise ValueError("rate must be a positive, finite number")
        self.rate = rate
        self.capacity = max(1, math.floor(rate))
        self.period = 1.0 if rate >= 1 else 1.0 / rate
        self.window = window or RequestWindow()
        self._sleep = sleep

    def pause(self, seconds: float) -> None:
        """Hold every caller sharing the window for ``seconds`` (after a 429)."""
        self.window.pause(seconds)

    async def acquire(self) -> Permit:
        """Wait for a place in the window, in arrival order; the permit holds it."""
        ticket = self.window.enqueue()
        try:
            while (wait := self.window.admit(ticket, self.capacity, self.period)) > 0:
                await self._sleep(wait)
        except BaseException:
            self.window.leave(ticket)
            raise
        return Permit(self.window)


_windows: dict[tuple[str, str], RequestWindow] = {}
_windows_lock = threading.Lock()


def shared_window(base_url: str, key_fingerprint: str) -> RequestWindow:
    """The process-wide window of requests to ``base_url`` with the key of that fingerprint."""
    ident = (base_url.rstrip("/"), key_fingerprint)
    with _windows_lock:
        window = _windows.get(ident)
        if window is None:
            window = _windows[ident] = RequestWindow()
        return window


def shared_limiter(base_url: str, key_fingerprint: str, rate: float) -> SlidingWindowLimiter:
    """A limiter of ``rate`` per second over the shared window of (base URL, key).

    Callers with different rates share one window: each waits until fewer requests than its
    own rate went out in the last second, so the strictest setting holds for its own calls.
    """
    return SlidingWindowLimiter(rate, shared_window(base_url, key_fingerprint))
