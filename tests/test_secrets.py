"""A canary API key appears nowhere but the Authorization header, whatever happens."""

from __future__ import annotations

import json
import logging
import pickle
import socket

import pytest

from ocp_vultr import OCPAgent, RetryPolicy, ToolResult
from ocp_vultr.secret import ApiKey

from .recording_server import CANARY_KEY, SNAPSHOT, RecordingServer, Reply

SCENARIOS: dict[str, Reply] = {
    "created": Reply(201, {"snapshot": SNAPSHOT}),
    "bad request": Reply(400, {"error": "Invalid instance_id", "status": 400}),
    "unauthorized": Reply(401, {"error": "Invalid API token", "status": 401}),
    "forbidden": Reply(403, {"error": "Unauthorized IP address", "status": 403}),
    "not found": Reply(404, {"error": "Not found", "status": 404}),
    "rate limited": Reply(429, {"error": "Rate limit exceeded", "status": 429}),
    "server error": Reply(500, {"error": "Internal error", "status": 500}),
    "bad gateway page": Reply(502, "<html><title>502 Bad Gateway</title></html>", "text/html"),
    "echoes the key": Reply(401, {"error": f"Invalid API token {CANARY_KEY}", "status": 401}),
    "schema violation": Reply(201, {"snapshot": {"id": 1}}),
    "slow": Reply(201, {"snapshot": SNAPSHOT}, delay=1.0),
}


def leaks(result: ToolResult) -> list[str]:
    places = {
        "repr(result)": repr(result),
        "result.to_dict()": json.dumps(result.to_dict(), default=str),
        "repr(data)": repr(result.data),
    }
    if result.error is not None:
        places["str(error)"] = str(result.error)
        places["repr(error)"] = repr(result.error)
        places["error.details"] = repr(result.error.details)
        places["error.args"] = repr(result.error.args)
    return [where for where, text in places.items() if CANARY_KEY in text]


@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_canary_key_never_leaks(
    server: RecordingServer, caplog: pytest.LogCaptureFixture, scenario: str
) -> None:
    caplog.set_level(logging.DEBUG)
    server.script(SCENARIOS[scenario])
    retry = RetryPolicy(max_attempts=2, base_delay=0.0, max_delay=0.0)
    async with OCPAgent(rate_limit=None, timeout=0.3, retry=retry) as agent:
        api = await agent.register_api("vultr", base_url=server.base_url, api_key=CANARY_KEY)
        result = await agent.call_tool("createSnapshot", {"instance_id": "i", "description": "d"})
        invalid = await agent.call_tool("createSnapshot", {"instance_id": CANARY_KEY[:0]})
        surroundings = repr(agent) + repr(api) + repr(agent.list_tools()) + repr(vars(agent))

    assert server.requests, "the scenario must reach the server"
    for request in server.requests:
        assert request.headers["Authorization"] == f"Bearer {CANARY_KEY}"
        others = {k: v for k, v in request.headers.items() if k != "Authorization"}
        assert CANARY_KEY not in repr(others)
        assert CANARY_KEY.encode() not in request.body
        assert CANARY_KEY not in request.raw_path
    assert leaks(result) == []
    assert leaks(invalid) == []
    assert CANARY_KEY not in surroundings
    assert CANARY_KEY not in caplog.text
    assert all(CANARY_KEY not in str(r.__dict__) for r in caplog.records)
    assert any(r.name.startswith("ocp_vultr") for r in caplog.records)


async def test_canary_key_never_leaks_on_refused_connection(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with OCPAgent(rate_limit=None, retry=RetryPolicy(max_attempts=1)) as agent:
        await agent.register_api(
            "vultr", base_url=f"http://127.0.0.1:{port}/v2", api_key=CANARY_KEY
        )
        result = await agent.call_tool("createSnapshot", {"instance_id": "i"})
    assert result.error is not None
    assert result.error.code == "network_error"
    assert leaks(result) == []
    assert CANARY_KEY not in caplog.text


async def test_a_key_echoed_by_the_server_is_masked(server: RecordingServer) -> None:
    server.script(SCENARIOS["echoes the key"])
    async with OCPAgent(rate_limit=None) as agent:
        await agent.register_api("vultr", base_url=server.base_url, api_key=CANARY_KEY)
        result = await agent.call_tool("createSnapshot", {"instance_id": "i"})
    assert result.error is not None
    assert "Invalid API token ***" in result.error.message
    assert result.error.code == "auth_failed"


def test_api_key_object_hides_itself() -> None:
    key = ApiKey(CANARY_KEY)
    assert CANARY_KEY not in repr(key)
    assert CANARY_KEY not in str(key)
    assert CANARY_KEY not in f"{key}"
    assert key.reveal() == CANARY_KEY
    with pytest.raises(TypeError):
        pickle.dumps(key)
