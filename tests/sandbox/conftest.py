"""Fixtures for everything that runs against the local sandbox over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from ocp_vultr import OCPAgent, PollSchedule, RetryPolicy
from ocp_vultr.sandbox import Sandbox, run_sandbox

KEY = "sandbox-test-key-3f9c2a7e51"
"""Long enough that masking it never touches ordinary words in messages."""

FAST_POLLS = PollSchedule(first_delay=0.02, min_interval=0.02, max_interval=0.05)
"""Tiny poll intervals so waits end quickly in tests."""


@pytest.fixture
def key() -> str:
    """The API key the tests send."""
    return KEY


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A sandbox whose snapshots complete after 0.3 s, without a rate limit."""
    async with run_sandbox(complete_after=0.3, rate_limit=None) as sb:
        yield sb


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session that sends the test key."""
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {KEY}"}) as session:
        yield session


@pytest.fixture
async def agent(sandbox: Sandbox) -> AsyncIterator[OCPAgent]:
    """An agent registered against the sandbox: fast polls, no client rate limit, no retries."""
    async with OCPAgent(
        rate_limit=None, timeout=5.0, poll_schedule=FAST_POLLS, retry=RetryPolicy(max_attempts=1)
    ) as client:
        client.register_api("vultr", base_url=sandbox.base_url, api_key=KEY)
        yield client
