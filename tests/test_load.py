"""Load (issue 4 §7): 2,000 concurrent call_tool calls against the sandbox.

They all succeed, leave no socket open, and the server never sees more requests in any
one-second window than the limiter allows. The sandbox runs in a process of its own so that
what it observes is not skewed by the client's event loop; its own rate limit is off.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ocp_vultr import OCPAgent, RetryPolicy

from .reliability_support import CANARY_KEY, max_in_window, open_fds

CALLS = 2000
RATE = 500
"""Requests per second: high, so that the test takes seconds, not minutes."""


@pytest.fixture
def sandbox_process() -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("sandbox_process.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        started = json.loads(process.stdout.readline())
        yield process, started
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _stop(process: subprocess.Popen[str]) -> dict[str, Any]:
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write("stop\n")
    process.stdin.flush()
    report: dict[str, Any] = json.loads(process.stdout.readline())
    return report


async def test_two_thousand_concurrent_calls(
    sandbox_process: tuple[subprocess.Popen[str], dict[str, Any]],
) -> None:
    process, started = sandbox_process
    gc.collect()
    fds_before = open_fds()
    async with OCPAgent(
        timeout=20.0, rate_limit=RATE, retry=RetryPolicy(base_delay=0.01, deadline=60.0)
    ) as agent:
        agent.register_api("vultr", base_url=started["base_url"], api_key=CANARY_KEY)
        calls = [
            agent.call_tool(
                "createSnapshot", {"instance_id": started["instance"], "description": f"load {n}"}
            )
            if n % 2
            else agent.call_tool("listSnapshots", {"per_page": 1})
            for n in range(CALLS)
        ]
        peak = 0

        async def watch_fds() -> None:
            nonlocal peak
            while True:
                peak = max(peak, open_fds() - fds_before)
                await asyncio.sleep(0.01)

        watcher = asyncio.create_task(watch_fds())
        results = await asyncio.gather(*calls)
        watcher.cancel()
    # The connection cap held: never more sockets open at once than max_connections (32).
    assert 0 < peak <= 32
    await asyncio.sleep(0)
    gc.collect()
    assert open_fds() == fds_before

    failures = [r for r in results if not r.ok]
    assert failures == []
    assert all(not r.recovered and r.attempts == 1 for r in results)
    created = {r.data["snapshot"]["id"] for r in results if r.tool == "createSnapshot"}
    assert len(created) == CALLS // 2

    report = _stop(process)
    assert len(report["times"]) == CALLS
    assert set(report["statuses"]) == {200, 201}
    assert report["snapshots"] == CALLS // 2
    assert max_in_window(report["times"]) <= RATE
