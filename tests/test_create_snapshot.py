"""createSnapshot end to end over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from ocp_vultr import OCPAgent, RetryPolicy, ToolResult, __version__

from .recording_server import CANARY_KEY, SNAPSHOT, RecordingServer, Reply


def make_agent(**kwargs: object) -> OCPAgent:
    kwargs.setdefault("rate_limit", None)
    kwargs.setdefault("retry", RetryPolicy(base_delay=0.0, max_delay=0.0))
    return OCPAgent(**kwargs)  # type: ignore[arg-type]


async def call(server: RecordingServer, arguments: object, **kwargs: object) -> ToolResult:
    async with make_agent(**kwargs) as agent:
        await agent.register_api("vultr", base_url=server.base_url, api_key=CANARY_KEY)
        return await agent.call_tool("createSnapshot", arguments)  # type: ignore[arg-type]


async def test_valid_call_sends_exact_request_and_returns_validated_snapshot(
    server: RecordingServer,
) -> None:
    result = await call(server, {"instance_id": "inst-1", "description": "nightly"})

    assert len(server.requests) == 1
    sent = server.requests[0]
    assert sent.method == "POST"
    assert sent.path == "/v2/snapshots"
    assert sent.query == {}
    assert sent.json() == {"instance_id": "inst-1", "description": "nightly"}
    assert sent.headers["Authorization"] == f"Bearer {CANARY_KEY}"
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["User-Agent"] == f"ocp-vultr/{__version__}"

    assert result.ok
    assert result.status == 201
    assert result.error is None
    assert result.attempts == 1
    assert result.data == {"snapshot": SNAPSHOT}
    assert result.unwrap()["snapshot"]["status"] == "pending"


async def test_description_is_optional_and_not_sent_when_absent(server: RecordingServer) -> None:
    result = await call(server, {"instance_id": "inst-1"})
    assert result.ok
    assert server.requests[0].json() == {"instance_id": "inst-1"}


@pytest.mark.parametrize("with_compressed_size", [True, False])
async def test_compressed_size_present_or_absent_is_accepted(
    server: RecordingServer, with_compressed_size: bool
) -> None:
    snapshot = dict(SNAPSHOT)
    if not with_compressed_size:
        del snapshot["compressed_size"]
    server.script(Reply(201, {"snapshot": snapshot}))
    result = await call(server, {"instance_id": "inst-1"})
    assert result.ok, result.error
    assert ("compressed_size" in result.data["snapshot"]) is with_compressed_size


async def test_unknown_fields_vultr_adds_later_are_passed_through(server: RecordingServer) -> None:
    server.script(Reply(201, {"snapshot": {**SNAPSHOT, "region": "ewr"}, "extra": 1}))
    result = await call(server, {"instance_id": "inst-1"})
    assert result.ok
    assert result.data["snapshot"]["region"] == "ewr"


async def test_201_body_that_breaks_the_schema_is_invalid_response(
    server: RecordingServer,
) -> None:
    broken = {k: v for k, v in SNAPSHOT.items() if k != "id"}
    broken["size"] = "zero"
    server.script(Reply(201, {"snapshot": broken}))
    result = await call(server, {"instance_id": "inst-1"})
    assert not result.ok
    assert result.error is not None
    assert result.error.code == "invalid_response"
    assert result.status == 201
    assert "$.snapshot.id" in result.error.message
    assert "$.snapshot.size: must be an integer" in result.error.message
    paths = {v["path"] for v in result.error.details["violations"]}
    assert paths == {"$.snapshot.id", "$.snapshot.size"}
    assert len(server.requests) == 1  # a create is never resent


async def test_201_that_is_not_json_is_invalid_response(server: RecordingServer) -> None:
    server.script(Reply(201, "<html>ok</html>", content_type="text/html"))
    result = await call(server, {"instance_id": "inst-1"})
    assert result.error is not None
    assert result.error.code == "invalid_response"
    assert "text/html" in result.error.message


async def test_201_with_malformed_json_is_invalid_response(server: RecordingServer) -> None:
    server.script(Reply(201, '{"snapshot": {"id": '))
    result = await call(server, {"instance_id": "inst-1"})
    assert result.error is not None
    assert result.error.code == "invalid_response"
    assert "not valid JSON" in result.error.message


async def test_unexpected_success_status_is_invalid_response(server: RecordingServer) -> None:
    server.script(Reply(200, {"snapshot": SNAPSHOT}))
    result = await call(server, {"instance_id": "inst-1"})
    assert result.error is not None
    assert result.error.code == "invalid_response"
    assert "unexpected success status 200" in result.error.message


async def test_oversized_answer_is_refused(server: RecordingServer) -> None:
    server.script(Reply(201, {"snapshot": {**SNAPSHOT, "description": "x" * 5000}}))
    result = await call(server, {"instance_id": "inst-1"}, max_response_bytes=1024)
    assert result.error is not None
    assert result.error.code == "invalid_response"
    assert "larger than 1024 bytes" in result.error.message


async def test_arguments_are_not_changed_by_the_call(server: RecordingServer) -> None:
    arguments = {"instance_id": "inst-1", "description": "nightly"}
    before = json.dumps(arguments)
    await call(server, arguments)
    assert json.dumps(arguments) == before
