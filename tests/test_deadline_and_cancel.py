"""Bounds over real HTTP: the per-call deadline, cancellation without leaks, the rate setting."""

from __future__ import annotations

import asyncio
import gc

import pytest

from ocp_vultr import OCPAgent, RetryPolicy
from ocp_vultr.rate_limit import shared_window
from ocp_vultr.sandbox import Fault, run_sandbox
from ocp_vultr.secret import ApiKey

from .reliability_support import CANARY_KEY, fast_agent, max_in_window, open_fds

FINGERPRINT = ApiKey(CANARY_KEY).fingerprint()


async def test_the_deadline_cuts_an_attempt_short() -> None:
    async with run_sandbox(rate_limit=None) as sb:
        sb.faults.add("GET", "/snapshots", Fault.delay(5.0))
        async with fast_agent(
            sb.base_url, timeout=30.0, retry=RetryPolicy(base_delay=0.01, deadline=0.5)
        ) as agent:
            result = await agent.call_tool("listSnapshots", {})
        assert result.error is not None
        assert result.error.code == "timeout"
        assert (
            "got no answer before the call's deadline (0.5 seconds, retries included)"
            in result.error.message
        )
        # No retry was started: the deadline was spent.
        assert result.attempts == 1
        assert sb.requests.count("GET", "/snapshots") == 1


async def test_the_deadline_bounds_the_wait_for_the_rate_limiter() -> None:
    async with run_sandbox(rate_limit=None) as sb:
        retry = RetryPolicy(base_delay=0.01, deadline=0.4)
        async with fast_agent(sb.base_url, rate_limit=1, retry=retry) as agent:
            first = await agent.call_tool("listSnapshots", {})
            second = await agent.call_tool("listSnapshots", {})
        assert first.ok
        assert second.error is not None
        assert second.error.code == "timeout"
        assert second.error.retryable is True
        assert "was not sent: waiting for its turn under the rate limit" in second.error.message
        assert second.error.details["reached_server"] is False
        assert sb.requests.count("GET", "/snapshots") == 1
        window = shared_window(sb.base_url, FINGERPRINT)
        assert (window.waiting, window.in_flight) == (0, 0)


async def test_a_create_cut_by_the_deadline_is_recovered_not_resent() -> None:
    async with run_sandbox(rate_limit=None) as sb:
        sb.faults.add("POST", "/snapshots", Fault.delay(3.0))
        retry = RetryPolicy(base_delay=0.01, deadline=0.5)
        async with fast_agent(sb.base_url, timeout=30.0, retry=retry) as agent:
            result = await agent.call_tool(
                "createSnapshot", {"instance_id": sb.instance_ids[0], "description": "cut"}
            )
        assert result.ok
        assert result.recovered
        assert result.metadata["recovery"]["cause"] == "timeout"
        assert sb.requests.count("POST", "/snapshots") == 1
        assert len(sb.snapshots) == 1


async def test_cancelled_calls_leave_no_connection_and_no_place_behind() -> None:
    async with run_sandbox(rate_limit=None) as sb:
        sb.faults.add("GET", "/snapshots", Fault.delay(30.0), times=None)
        gc.collect()
        before = open_fds()
        agent = fast_agent(sb.base_url, timeout=60.0, rate_limit=1000)
        calls = [asyncio.create_task(agent.call_tool("listSnapshots", {})) for _ in range(20)]
        for _ in range(200):  # until the sandbox holds all twenty (bounded: 2 s)
            if sb.requests.count("GET", "/snapshots") == 20:
                break
            await asyncio.sleep(0.01)
        assert sb.requests.count("GET", "/snapshots") == 20
        assert open_fds() > before  # twenty connections are open...
        for call in calls:
            call.cancel()
        outcomes = await asyncio.gather(*calls, return_exceptions=True)
        assert all(isinstance(o, asyncio.CancelledError) for o in outcomes)
        window = shared_window(sb.base_url, FINGERPRINT)
        assert (window.waiting, window.in_flight) == (0, 0)
        await agent.aclose()
        await asyncio.sleep(0)
        gc.collect()
        assert open_fds() == before  # ...and none is left once the agent is closed
        # Nothing was resent by the cancelled calls.
        assert sb.requests.count("GET", "/snapshots") == 20


async def test_cancelling_callers_waiting_for_the_limiter_frees_their_places() -> None:
    async with run_sandbox(rate_limit=None) as sb:
        async with fast_agent(sb.base_url, rate_limit=2) as agent:
            calls = [asyncio.create_task(agent.call_tool("listSnapshots", {})) for _ in range(6)]
            window = shared_window(sb.base_url, FINGERPRINT)
            for _ in range(200):
                if sb.requests.count() == 2 and window.waiting == 4:
                    break
                await asyncio.sleep(0.01)
            assert window.waiting == 4
            for call in calls[2:]:
                call.cancel()
            done = await asyncio.gather(*calls, return_exceptions=True)
            assert [getattr(r, "ok", None) for r in done[:2]] == [True, True]
            assert window.waiting == 0
        assert sb.requests.count() == 2


async def test_rate_limit_setting_and_switching_it_off() -> None:
    async with run_sandbox(rate_limit=None) as sb:
        async with fast_agent(sb.base_url, rate_limit=4) as agent:
            results = await asyncio.gather(
                *(agent.call_tool("listSnapshots", {}) for _ in range(6))
            )
        assert all(r.ok for r in results)
        assert max_in_window([r.time for r in sb.requests]) <= 4
        window = shared_window(sb.base_url, FINGERPRINT)
        assert window.ended_within(1.0) >= 1

        other_key = "other-canary-key-for-off"
        async with OCPAgent(rate_limit=None, timeout=2.0) as agent:
            agent.register_api("vultr", base_url=sb.base_url, api_key=other_key)
            results = await asyncio.gather(
                *(agent.call_tool("listSnapshots", {}) for _ in range(9))
            )
        assert all(r.ok for r in results)
        # Switched off: the window of that key never saw a request.
        untouched = shared_window(sb.base_url, ApiKey(other_key).fingerprint())
        assert (untouched.in_flight, untouched.ended_within(60.0)) == (0, 0)
        assert len(sb.requests) == 15


async def test_agents_with_the_same_key_share_one_window() -> None:
    async with run_sandbox(rate_limit=None) as sb:
        one = fast_agent(sb.base_url, rate_limit=3)
        two = fast_agent(sb.base_url, rate_limit=3)
        async with one, two:
            results = await asyncio.gather(
                *(agent.call_tool("listSnapshots", {}) for agent in (one, two) for _ in range(2))
            )
        assert all(r.ok for r in results)
        # Two agents, four calls: still never more than three in any second.
        assert max_in_window([r.time for r in sb.requests]) <= 3


@pytest.mark.parametrize("rate", [0, -3, float("inf"), float("nan")])
def test_invalid_rate_settings_are_refused(rate: object) -> None:
    with pytest.raises(ValueError, match="rate_limit must be"):
        OCPAgent(rate_limit=rate)  # type: ignore[arg-type]


async def test_the_default_rate_comes_from_the_manifest() -> None:
    async with run_sandbox(rate_limit=None) as sb:
        async with OCPAgent(timeout=2.0) as agent:
            agent.register_api("vultr", base_url=sb.base_url, api_key="manifest-rate-key")
            assert agent.rate_limit == "manifest"
            result = await agent.call_tool("listSnapshots", {})
        assert result.ok
        window = shared_window(sb.base_url, ApiKey("manifest-rate-key").fingerprint())
        assert window.ended_within(60.0) == 1
