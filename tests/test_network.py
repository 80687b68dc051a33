"""Timeouts and refused connections over real sockets on 127.0.0.1."""

from __future__ import annotations

import socket
from pathlib import Path

from ocp_vultr import OCPAgent, RetryPolicy

from .recording_server import CANARY_KEY, RecordingServer, Reply

MINI = Path(__file__).parent / "fixtures" / "mini" / "manifest.yaml"
FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_create_that_times_out_is_outcome_unknown_and_sent_once(
    server: RecordingServer,
) -> None:
    server.script(Reply(delay=1.0))
    async with OCPAgent(rate_limit=None, timeout=0.3, retry=FAST_RETRY) as agent:
        await agent.register_api("vultr", base_url=server.base_url, api_key=CANARY_KEY)
        result = await agent.call_tool("createSnapshot", {"instance_id": "i-1"})
    assert len(server.requests) == 1
    assert result.error is not None
    assert result.error.code == "outcome_unknown"
    assert result.error.details["cause"] == "timeout"
    assert result.error.details["reached_server"] is True
    assert "the request was sent but no answer came in time" in result.error.message
    assert "Do not call createSnapshot again yet" in result.error.message
    assert result.error.retryable is False


async def test_get_that_times_out_is_retried_then_timeout(server: RecordingServer) -> None:
    server.script(Reply(delay=1.0))
    async with OCPAgent(rate_limit=None, timeout=0.2, retry=FAST_RETRY) as agent:
        await agent.register_api("mini", spec_url=MINI, base_url=server.base_url, api_key="k")
        result = await agent.call_tool("getThing", {"thing_id": "t-1"})
    assert len(server.requests) == 3
    assert result.error is not None
    assert result.error.code == "timeout"
    assert result.error.retryable is True
    assert result.attempts == 3


async def test_refused_connection_is_network_error_and_safe_to_resend() -> None:
    base_url = f"http://127.0.0.1:{closed_port()}/v2"
    async with OCPAgent(rate_limit=None, retry=FAST_RETRY) as agent:
        await agent.register_api("vultr", base_url=base_url, api_key=CANARY_KEY)
        result = await agent.call_tool("createSnapshot", {"instance_id": "i-1"})
    assert result.error is not None
    assert result.error.code == "network_error"
    assert result.error.details["reached_server"] is False
    assert result.attempts == 3  # nothing reached a server, so resending a POST was safe
    assert result.error.retryable is True
    assert "could not reach 127.0.0.1" in result.error.message


async def test_path_arguments_are_url_encoded(server: RecordingServer) -> None:
    server.script(Reply(200, {"thing": {"id": "x"}}))
    async with OCPAgent(rate_limit=None) as agent:
        await agent.register_api("mini", spec_url=MINI, base_url=server.base_url, api_key="k")
        slash = await agent.call_tool("getThing", {"thing_id": "a/../b c?d", "verbose": True})
        dots = await agent.call_tool("getThing", {"thing_id": "..", "per_page": 5})
    assert slash.ok
    assert dots.ok
    assert server.requests[0].raw_path == "/v2/things/a%2F..%2Fb%20c%3Fd?verbose=true"
    assert server.requests[0].query == {"verbose": "true"}
    assert server.requests[1].raw_path == "/v2/things/%2E%2E?per_page=5"
    assert server.requests[0].body == b""
