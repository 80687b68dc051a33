"""A model's wrong arguments get every violation in words, and never reach the network."""

from __future__ import annotations

from typing import Any

import pytest

from ocp_vultr import OCPAgent

from .recording_server import CANARY_KEY, RecordingServer

BAD_ARGUMENTS: list[tuple[str, Any, list[tuple[str, str]]]] = [
    (
        "missing instance_id",
        {"description": "nightly"},
        [("$.instance_id", "missing required argument 'instance_id' (a string)")],
    ),
    (
        "wrong type",
        {"instance_id": 42},
        [("$.instance_id", "must be a string, not an integer (42)")],
    ),
    ("empty string", {"instance_id": ""}, [("$.instance_id", "must not be empty")]),
    (
        "extra key",
        {"instance_id": "i", "region": "ewr"},
        [
            (
                "$.region",
                "unexpected argument 'region'; remove it (allowed: description, instance_id)",
            )
        ],
    ),
    (
        "not an object",
        ["instance_id", "i"],
        [("$", "arguments must be a JSON object of named arguments, not an array")],
    ),
    ("a string, not an object", "i-123", [("$", "arguments must be a JSON object")]),
    (
        "near-miss name",
        {"instance": "i"},
        [
            ("$.instance", "unexpected argument 'instance'; did you mean 'instance_id'?"),
            ("$.instance_id", "missing required argument 'instance_id'"),
        ],
    ),
    (
        "true where a string goes",
        {"instance_id": "i", "description": True},
        [("$.description", "must be a string, not a boolean (true)")],
    ),
    ("null instance_id", {"instance_id": None}, [("$.instance_id", "must be a string, not null")]),
    (
        "several problems at once",
        {"instance_id": "", "description": 7, "tags": []},
        [
            ("$.description", "must be a string"),
            ("$.instance_id", "must not be empty"),
            ("$.tags", "unexpected argument 'tags'"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [pytest.param(a, e, id=name) for name, a, e in BAD_ARGUMENTS],
)
async def test_bad_arguments_are_refused_before_sending(
    server: RecordingServer, arguments: Any, expected: list[tuple[str, str]]
) -> None:
    async with OCPAgent(rate_limit=None) as agent:
        await agent.register_api("vultr", base_url=server.base_url, api_key=CANARY_KEY)
        result = await agent.call_tool("createSnapshot", arguments)

    assert server.requests == []
    assert not result.ok
    assert result.status is None
    assert result.attempts == 0
    error = result.error
    assert error is not None
    assert error.code == "invalid_arguments"
    assert error.retryable is False
    violations = error.details["violations"]
    assert len(violations) == len(expected)
    for violation, (path, words) in zip(violations, expected, strict=True):
        assert violation["path"] == path
        assert words in violation["message"]
        assert f"{path}: {violation['message']}" in error.message
    assert error.message.startswith("Invalid arguments for createSnapshot: ")
    assert error.message.endswith("Nothing was sent; fix the arguments and call again.")


async def test_missing_required_argument_message_carries_its_description(
    server: RecordingServer,
) -> None:
    async with OCPAgent(rate_limit=None) as agent:
        await agent.register_api("vultr", base_url=server.base_url, api_key=CANARY_KEY)
        result = await agent.call_tool("createSnapshot", {})
    assert result.error is not None
    assert "ID of the Vultr instance to snapshot" in result.error.message
    assert server.requests == []


async def test_none_as_parameters_means_no_arguments(server: RecordingServer) -> None:
    async with OCPAgent(rate_limit=None) as agent:
        await agent.register_api("vultr", base_url=server.base_url, api_key=CANARY_KEY)
        result = await agent.call_tool("createSnapshot")
    assert result.error is not None
    assert result.error.code == "invalid_arguments"
    assert server.requests == []


async def test_unknown_tool_names_the_tools_that_exist(server: RecordingServer) -> None:
    async with OCPAgent(rate_limit=None) as agent:
        await agent.register_api("vultr", base_url=server.base_url, api_key=CANARY_KEY)
        result = await agent.call_tool("createSnapshots", {"instance_id": "i"})
    assert server.requests == []
    assert result.error is not None
    assert result.error.code == "unknown_tool"
    assert "There is no tool named 'createSnapshots'" in result.error.message
    assert "Did you mean createSnapshot," in result.error.message
    assert "createSnapshot" in result.error.details["available"]


async def test_call_without_a_key_fails_clearly_and_sends_nothing(
    server: RecordingServer,
) -> None:
    async with OCPAgent(rate_limit=None) as agent:
        api = await agent.register_api("vultr", base_url=server.base_url)
        assert api.has_key is False
        result = await agent.call_tool("createSnapshot", {"instance_id": "i"})
    assert server.requests == []
    assert result.error is not None
    assert result.error.code == "auth_failed"
    assert "VULTR_API_KEY" in result.error.message
    assert "Nothing was sent" in result.error.message
