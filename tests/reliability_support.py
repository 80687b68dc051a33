"""Helpers shared by the reliability tests (issue 4): virtual time, file descriptors, agents."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import os
from collections.abc import Awaitable, Iterable
from typing import Any

from ocp_vultr import OCPAgent, RetryPolicy

CANARY_KEY = "canary-7f3a9c1e-DO-NOT-LEAK-5b2d"
"""An API key that must never appear anywhere but the Authorization header."""

FAST_RETRY = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05, deadline=10.0)
"""Tiny backoff so that the tests stay fast."""


def fast_agent(base_url: str, *, key: str = CANARY_KEY, **options: Any) -> OCPAgent:
    """An agent registered against ``base_url`` with small timeouts and tiny backoff."""
    options.setdefault("timeout", 2.0)
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("rate_limit", None)
    agent = OCPAgent(**options)
    agent.register_api("vultr", base_url=base_url, api_key=key)
    return agent


def open_fds() -> int:
    """How many file descriptors this process has open."""
    return len(os.listdir("/proc/self/fd"))


def max_in_window(times: Iterable[float], window: float = 1.0) -> int:
    """The most events within any half-open window ``[t, t + window)``."""
    ordered = sorted(times)
    best = 0
    start = 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - window:
            start += 1
        best = max(best, end - start + 1)
    return best


class VirtualTime:
    """A clock and a sleep that only move when :meth:`run` advances them: no real waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._order), future))
        await future

    async def run(self, *awaitables: Awaitable[Any], limit: float = 3600.0) -> list[Any]:
        """Run ``awaitables`` to the end, jumping the clock from one wake-up to the next."""
        tasks = [asyncio.ensure_future(a) for a in awaitables]
        while not all(task.done() for task in tasks):
            for _ in range(50):
                await asyncio.sleep(0)
            if all(task.done() for task in tasks):
                break
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)
            if not self._sleepers:
                raise RuntimeError("every task waits, but nobody sleeps: deadlock")
            wake = self._sleepers[0][0]
            if wake > limit:
                raise RuntimeError(f"virtual time passed {limit} s")
            self.now = max(self.now, wake)
            while self._sleepers and self._sleepers[0][0] <= self.now:
                future = heapq.heappop(self._sleepers)[2]
                if not future.done():
                    future.set_result(None)
        return [task.result() for task in tasks]
