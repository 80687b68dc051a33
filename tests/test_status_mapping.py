"""Every HTTP status Vultr answers with maps to the right error (HTTP layer mocked)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aioresponses import aioresponses

from ocp_vultr import OCPAgent, RetryPolicy, ToolResult

from .recording_server import CANARY_KEY, SNAPSHOT

BASE = "https://api.vultr.com/v2"
SNAPSHOTS = f"{BASE}/snapshots"
LOOKUP = re.compile(r"^https://api\.vultr\.com/v2/snapshots\?.*description=d.*$")
MINI = Path(__file__).parent / "fixtures" / "mini" / "manifest.yaml"
THING = re.compile(r"^https://api\.example\.test/v1/things/.*$")

BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@pytest.fixture
async def agent() -> AsyncIterator[OCPAgent]:
    policy = RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0)
    async with OCPAgent(rate_limit=None, retry=policy) as agent:
        agent.register_api("vultr", api_key=CANARY_KEY)
        agent.register_api("mini", spec_url=MINI, api_key=CANARY_KEY)
        yield agent


def requests_sent(mocked: aioresponses, method: str | None = None) -> int:
    count = 0
    for (verb, _url), calls in (mocked.requests or {}).items():
        if method is None or verb == method:
            count += len(calls)
    return count


async def create(agent: OCPAgent) -> ToolResult:
    return await agent.call_tool("createSnapshot", {"instance_id": "i-1", "description": "d"})


@pytest.mark.parametrize(
    ("status", "body", "code", "words"),
    [
        (
            400,
            {"error": "Invalid instance_id.", "status": 400},
            "api_error",
            "Invalid instance_id.",
        ),
        (401, {"error": "Invalid API token.", "status": 401}, "auth_failed", "Invalid API token."),
        (
            403,
            {"error": "Unauthorized IP address: 203.0.113.9", "status": 403},
            "auth_failed",
            "Unauthorized IP address",
        ),
        (404, {"error": "Instance not found", "status": 404}, "not_found", "Instance not found"),
        (422, {"message": "Snapshot limit reached", "status": 422}, "api_error", "limit reached"),
        (400, "plain text refusal", "api_error", "plain text refusal"),
    ],
)
async def test_client_errors_map_to_codes_with_vultrs_message(
    agent: OCPAgent, status: int, body: object, code: str, words: str
) -> None:
    with aioresponses() as mocked:
        if isinstance(body, str):
            mocked.post(SNAPSHOTS, status=status, body=body, content_type="text/plain")
        else:
            mocked.post(SNAPSHOTS, status=status, payload=body)
        result = await create(agent)
        assert requests_sent(mocked) == 1
    assert not result.ok
    assert result.status == status
    assert result.error is not None
    assert result.error.code == code
    assert result.error.status == status
    assert result.error.retryable is False
    assert words in result.error.message
    assert result.error.details["server_message"]


async def test_429_on_create_is_retried_after_retry_after(agent: OCPAgent) -> None:
    with aioresponses() as mocked:
        mocked.post(
            SNAPSHOTS,
            status=429,
            payload={"error": "Rate limit exceeded", "status": 429},
            headers={"Retry-After": "0"},
        )
        mocked.post(SNAPSHOTS, status=201, payload={"snapshot": SNAPSHOT})
        result = await create(agent)
        assert requests_sent(mocked) == 2
    assert result.ok
    assert result.attempts == 2


async def test_429_that_persists_is_rate_limited_with_retry_after(agent: OCPAgent) -> None:
    with aioresponses() as mocked:
        mocked.post(
            SNAPSHOTS,
            status=429,
            payload={"error": "Rate limit exceeded", "status": 429},
            headers={"Retry-After": "0"},
            repeat=True,
        )
        result = await create(agent)
        assert requests_sent(mocked) == 3
    assert result.error is not None
    assert result.error.code == "rate_limited"
    assert result.error.retryable is True
    assert result.error.details["retry_after"] == 0.0
    assert "Rate limit exceeded" in result.error.message


async def test_too_long_retry_after_is_not_waited_for(agent: OCPAgent) -> None:
    with aioresponses() as mocked:
        mocked.post(
            SNAPSHOTS, status=429, payload={"error": "slow down"}, headers={"Retry-After": "3600"}
        )
        result = await create(agent)
        assert requests_sent(mocked) == 1
    assert result.error is not None
    assert result.error.code == "rate_limited"
    assert "Wait 3600 seconds" in result.error.message


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (500, {"error": "Internal server error", "status": 500}, "Internal server error"),
        (502, BAD_GATEWAY_PAGE, "502 Bad Gateway"),
        (503, {"message": "Service Unavailable"}, "Service Unavailable"),
    ],
)
async def test_5xx_on_create_is_outcome_unknown_and_never_resent(
    agent: OCPAgent, status: int, body: object, words: str
) -> None:
    with aioresponses() as mocked:
        if isinstance(body, str):
            mocked.post(SNAPSHOTS, status=status, body=body, content_type="text/html")
        else:
            mocked.post(SNAPSHOTS, status=status, payload=body)
        mocked.post(SNAPSHOTS, status=201, payload={"snapshot": SNAPSHOT})
        mocked.get(LOOKUP, payload={"snapshots": [], "meta": {"total": 0, "links": {"next": ""}}})
        result = await create(agent)
        assert requests_sent(mocked, "POST") == 1
        assert requests_sent(mocked, "GET") == 1  # the lookup for a snapshot it may have made
    assert result.error is not None
    assert result.error.code == "outcome_unknown"
    assert result.error.status == status
    assert result.error.retryable is False
    assert result.error.details["cause"] == "server_error"
    assert words in result.error.message
    assert "<html>" not in result.error.message
    assert "Do not call createSnapshot again yet" in result.error.message


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (500, {"error": "Internal server error", "status": 500}, "Internal server error"),
        (502, BAD_GATEWAY_PAGE, "502 Bad Gateway"),
    ],
)
async def test_5xx_on_a_get_is_server_error(
    agent: OCPAgent, status: int, body: object, words: str
) -> None:
    with aioresponses() as mocked:
        if isinstance(body, str):
            mocked.get(THING, status=status, body=body, content_type="text/html", repeat=True)
        else:
            mocked.get(THING, status=status, payload=body, repeat=True)
        result = await agent.call_tool("getThing", {"thing_id": "t1"})
        expected_attempts = 3 if status == 502 else 1  # 502 is retried on a GET, 500 is not
        assert requests_sent(mocked) == expected_attempts
    assert result.error is not None
    assert result.error.code == "server_error"
    assert result.error.retryable is True
    assert result.attempts == expected_attempts
    assert words in result.error.message


async def test_get_is_retried_through_a_503(agent: OCPAgent) -> None:
    with aioresponses() as mocked:
        mocked.get(THING, status=503, payload={"error": "busy"})
        mocked.get(THING, status=200, payload={"thing": {"id": "t1"}})
        result = await agent.call_tool("getThing", {"thing_id": "t1"})
        assert requests_sent(mocked) == 2
    assert result.ok
    assert result.data == {"thing": {"id": "t1"}}
    assert result.attempts == 2


async def test_204_gives_ok_without_data(agent: OCPAgent) -> None:
    with aioresponses() as mocked:
        mocked.delete(THING, status=204)
        result = await agent.call_tool("deleteThing", {"thing_id": "t1"})
    assert result.ok
    assert result.status == 204
    assert result.data is None


async def test_long_server_message_is_truncated(agent: OCPAgent) -> None:
    with aioresponses() as mocked:
        mocked.post(SNAPSHOTS, status=400, payload={"error": "bad " * 500})
        result = await create(agent)
    assert result.error is not None
    assert len(result.error.details["server_message"]) == 300
    assert result.error.details["server_message"].endswith("…")
