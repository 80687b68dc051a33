"""The shared sliding-window limiter, on a virtual clock (no real waiting, no timing)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from ocp_vultr.rate_limit import (
    Permit,
    RequestWindow,
    SlidingWindowLimiter,
    shared_limiter,
    shared_window,
)

from .reliability_support import VirtualTime, max_in_window


def _limiter(
    vt: VirtualTime, rate: float, window: RequestWindow | None = None
) -> SlidingWindowLimiter:
    return SlidingWindowLimiter(rate, window or RequestWindow(clock=vt.clock), sleep=vt.sleep)


async def _send(
    vt: VirtualTime, limiter: SlidingWindowLimiter, log: list[tuple[float, int]], n: int
) -> None:
    permit = await limiter.acquire()
    permit.release(sent=True)  # answered at once
    log.append((vt.now, n))


async def test_never_more_than_rate_in_any_window_and_no_double_burst() -> None:
    vt = VirtualTime()
    limiter = _limiter(vt, 30)
    log: list[tuple[float, int]] = []
    await vt.run(*(_send(vt, limiter, log, n) for n in range(100)))
    times = [t for t, _ in log]
    assert len(times) == 100
    assert max_in_window(times) == 30
    # A token bucket would send 60 within the first second; the window sends exactly 30.
    assert sum(1 for t in times if t < 1.0) == 30
    # ...and keeps the pace: 100 requests need a little over three seconds, not more.
    assert max(times) == pytest.approx(3.0)


async def test_a_place_is_held_until_one_period_after_the_answer() -> None:
    vt = VirtualTime()
    limiter = _limiter(vt, 2)
    first, second = await limiter.acquire(), await limiter.acquire()
    answered: list[float] = []

    async def slow_answer(permit: Permit, seconds: float) -> None:
        await vt.sleep(seconds)  # the request travels and waits: the server saw it by now
        permit.release(sent=True)
        answered.append(vt.now)

    async def third() -> None:
        (await limiter.acquire()).release(sent=True)

    await vt.run(slow_answer(first, 0.4), slow_answer(second, 0.7), third())
    # Not one period after it was let through (1.0), but one after the first answer (1.4).
    assert answered == [pytest.approx(0.4), pytest.approx(0.7)]
    assert vt.now == pytest.approx(1.4)


async def test_callers_are_served_in_arrival_order() -> None:
    vt = VirtualTime()
    limiter = _limiter(vt, 5)
    log: list[tuple[float, int]] = []
    await vt.run(*(_send(vt, limiter, log, n) for n in range(23)))
    assert [n for _, n in log] == list(range(23))


async def test_fractional_rate_spaces_requests() -> None:
    vt = VirtualTime()
    limiter = _limiter(vt, 0.5)
    log: list[tuple[float, int]] = []
    await vt.run(*(_send(vt, limiter, log, n) for n in range(3)))
    assert [t for t, _ in log] == [0.0, 2.0, 4.0]


async def test_a_pause_holds_every_caller() -> None:
    vt = VirtualTime()
    window = RequestWindow(clock=vt.clock)
    first, second = _limiter(vt, 30, window), _limiter(vt, 30, window)
    window.pause(2.5)
    log: list[tuple[float, int]] = []
    await vt.run(_send(vt, first, log, 1), _send(vt, second, log, 2))
    assert [t for t, _ in log] == [2.5, 2.5]
    # A later, shorter pause does not shorten the current one.
    window.pause(5.0)
    window.pause(1.0)
    assert window.paused_for() == pytest.approx(5.0)


async def test_a_place_is_held_until_the_request_is_sent_or_given_back() -> None:
    vt = VirtualTime()
    limiter = _limiter(vt, 2)
    held = [await limiter.acquire(), await limiter.acquire()]
    # Both places are taken by requests not yet on the wire: a third caller must wait.
    third = asyncio.ensure_future(limiter.acquire())
    for _ in range(20):
        await asyncio.sleep(0)
    assert not third.done()
    # One never left (connection refused): its place is free at once.
    held[0].release(sent=False)
    held[1].release(sent=True)
    permit = (await vt.run(third))[0]
    assert vt.now < 1.0
    permit.release(sent=True)
    # Two sends, at 0 and just now: the next waits until the one at 0 leaves the window.
    await vt.run(limiter.acquire())
    assert vt.now == pytest.approx(1.0)


async def test_permits_settle_once() -> None:
    vt = VirtualTime()
    limiter = _limiter(vt, 1)
    permit = await limiter.acquire()
    permit.release(sent=False)
    permit.release(sent=True)  # ignored: already settled
    log: list[tuple[float, int]] = []
    await vt.run(_send(vt, limiter, log, 1))
    assert log == [(0.0, 1)]


async def test_a_cancelled_caller_leaves_the_line() -> None:
    vt = VirtualTime()
    limiter = _limiter(vt, 1)
    log: list[tuple[float, int]] = []
    waiting = [asyncio.ensure_future(_send(vt, limiter, log, n)) for n in range(4)]
    for _ in range(20):
        await asyncio.sleep(0)
    waiting[1].cancel()
    await vt.run(*(w for i, w in enumerate(waiting) if i != 1))
    assert [n for _, n in log] == [0, 2, 3]
    assert [t for t, _ in log] == [0.0, 1.0, 2.0]
    assert waiting[1].cancelled()


async def test_callers_with_different_rates_share_one_window() -> None:
    vt = VirtualTime()
    window = RequestWindow(clock=vt.clock)
    fast, slow = _limiter(vt, 10, window), _limiter(vt, 3, window)
    log: list[tuple[float, int]] = []
    await vt.run(*(_send(vt, fast, log, n) for n in range(10)))
    # Ten requests went out this second: a caller limited to 3/s waits for the window.
    await vt.run(_send(vt, slow, log, 99))
    assert log[-1][1] == 99
    assert log[-1][0] == pytest.approx(1.0)


def test_one_window_per_base_url_and_key_whatever_the_rate() -> None:
    a = shared_limiter("http://127.0.0.1:1/v2/", "fp-a", 30)
    b = shared_limiter("http://127.0.0.1:1/v2", "fp-a", 5)
    c = shared_limiter("http://127.0.0.1:1/v2", "fp-b", 30)
    d = shared_limiter("http://127.0.0.1:2/v2", "fp-a", 30)
    assert a.window is b.window
    assert a.window is shared_window("http://127.0.0.1:1/v2", "fp-a")
    assert c.window is not a.window
    assert d.window is not a.window
    assert (a.capacity, b.capacity) == (30, 5)


def test_the_window_is_shared_across_event_loops_in_threads() -> None:
    window = RequestWindow()
    limiter = SlidingWindowLimiter(3, window)

    async def fill() -> None:
        for _ in range(3):
            (await limiter.acquire()).release(sent=True)

    thread = threading.Thread(target=lambda: asyncio.run(fill()))
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()

    async def another_loop() -> float:
        ticket = window.enqueue()
        wait = window.admit(ticket, limiter.capacity, limiter.period)
        window.leave(ticket)
        return wait

    # The window filled on the other thread's loop: this loop has to wait its turn.
    assert asyncio.run(another_loop()) > 0.5


@pytest.mark.parametrize("rate", [0, -1, float("inf"), float("nan")])
def test_invalid_rates_are_refused(rate: float) -> None:
    with pytest.raises(ValueError, match="rate"):
        SlidingWindowLimiter(rate)
