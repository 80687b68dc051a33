"""A model's tool calls in each provider's shape, run over HTTP on 127.0.0.1, and the replies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest

from ocp_vultr import OCPAgent

from .recording_server import SNAPSHOT, RecordingServer, Reply

INSTANCE = "cb676a46-66fd-4dfb-b839-443f2e6c0b60"
KEY = "test-key-0123456789"


@pytest.fixture
async def agent(server: RecordingServer) -> AsyncIterator[OCPAgent]:
    async with OCPAgent(rate_limit=None) as agent:
        agent.register_api("vultr", base_url=server.base_url, api_key=KEY)
        yield agent


def sentences(text: str) -> int:
    return text.count(". ") + 1


# -- OpenAI Chat Completions --------------------------------------------------------------------


async def test_openai_call_runs_and_answers_with_a_tool_message(
    agent: OCPAgent, server: RecordingServer
) -> None:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {
            "name": "createSnapshot",
            "arguments": json.dumps({"instance_id": INSTANCE, "description": "nightly"}),
        },
    }
    reply = await agent.handle_tool_call(call, provider="openai")
    assert reply["role"] == "tool"
    assert reply["tool_call_id"] == "call_1"
    content = json.loads(reply["content"])
    assert content["ok"] is True
    assert content["status"] == 201
    assert content["data"]["snapshot"]["id"] == SNAPSHOT["id"]
    assert [(r.method, r.path, r.json()) for r in server.requests] == [
        ("POST", "/v2/snapshots", {"instance_id": INSTANCE, "description": "nightly"})
    ]


async def test_strict_mode_nulls_are_not_sent(agent: OCPAgent, server: RecordingServer) -> None:
    call = SimpleNamespace(
        id="call_2",
        function=SimpleNamespace(
            name="createSnapshot",
            arguments=json.dumps({"instance_id": INSTANCE, "description": None}),
        ),
    )
    reply = await agent.handle_tool_call(call, provider="openai")
    assert json.loads(reply["content"])["ok"] is True
    assert [r.json() for r in server.requests] == [{"instance_id": INSTANCE}]


async def test_malformed_json_is_an_invalid_arguments_result(
    agent: OCPAgent, server: RecordingServer
) -> None:
    call = {"id": "c", "function": {"name": "createSnapshot", "arguments": '{"instance_id": '}}
    reply = await agent.handle_tool_call(call, provider="openai")
    error = json.loads(reply["content"])["error"]
    assert error["code"] == "invalid_arguments"
    assert error["retryable"] is False
    assert error["message"].startswith("The arguments for createSnapshot are not valid JSON")
    assert '{"instance_id": "…"}' in error["message"]
    assert sentences(error["message"]) <= 2
    assert server.requests == []
    (entry,) = agent.context.history
    assert (entry.tool, entry.code) == ("createSnapshot", "invalid_arguments")


async def test_wrong_type_names_the_field_and_what_was_expected(
    agent: OCPAgent, server: RecordingServer
) -> None:
    call = {"id": "c", "function": {"name": "createSnapshot", "arguments": '{"instance_id": 42}'}}
    error = json.loads((await agent.handle_tool_call(call, provider="openai"))["content"])["error"]
    assert error["message"] == (
        "Invalid arguments for createSnapshot: $.instance_id: must be a string, not an integer "
        "(42). Nothing was sent; fix the arguments and call again."
    )
    assert server.requests == []


async def test_missing_required_argument_says_what_it_is(agent: OCPAgent) -> None:
    call = {"id": "c", "function": {"name": "createSnapshot", "arguments": ""}}
    error = json.loads((await agent.handle_tool_call(call, provider="openai"))["content"])["error"]
    assert "$.instance_id: missing required argument 'instance_id' (a string)" in error["message"]
    assert sentences(error["message"]) == 2


async def test_unknown_tool_suggests_the_close_one(agent: OCPAgent) -> None:
    call = {"id": "c", "function": {"name": "createSnapshots", "arguments": "{}"}}
    error = json.loads((await agent.handle_tool_call(call, provider="openai"))["content"])["error"]
    assert error["code"] == "unknown_tool"
    assert "Did you mean createSnapshot," in error["message"]


async def test_a_tool_outside_the_offered_set_is_not_run(
    agent: OCPAgent, server: RecordingServer
) -> None:
    call = {
        "id": "c",
        "function": {"name": "createSnapshot", "arguments": json.dumps({"instance_id": INSTANCE})},
    }
    reply = await agent.handle_tool_call(call, provider="openai", tools=["getSnapshot"])
    error = json.loads(reply["content"])["error"]
    assert error["code"] == "unknown_tool"
    assert error["message"] == (
        "The tool 'createSnapshot' is not available here. Available tools: getSnapshot."
    )
    assert server.requests == []


async def test_api_errors_come_back_in_the_reply(agent: OCPAgent, server: RecordingServer) -> None:
    server.script(Reply(status=404, body={"error": "Invalid instance-id.", "status": 404}))
    call = {
        "id": "c",
        "function": {"name": "createSnapshot", "arguments": '{"instance_id": "missing-1"}'},
    }
    error = json.loads((await agent.handle_tool_call(call, provider="openai"))["content"])["error"]
    assert (error["code"], error["status"]) == ("not_found", 404)
    assert "Invalid instance-id." in error["message"]
    assert len(server.requests) == 1


async def test_parallel_calls_answer_in_order(agent: OCPAgent, server: RecordingServer) -> None:
    calls = [
        {
            "id": f"call_{i}",
            "function": {
                "name": "createSnapshot",
                "arguments": json.dumps({"instance_id": INSTANCE, "description": f"d{i}"}),
            },
        }
        for i in range(5)
    ]
    replies = await agent.handle_tool_calls(calls, provider="openai")
    assert [r["tool_call_id"] for r in replies] == [f"call_{i}" for i in range(5)]
    assert all(json.loads(r["content"])["status"] == 201 for r in replies)
    sent = sorted(r.json()["description"] for r in server.requests)
    assert sent == [f"d{i}" for i in range(5)]


# -- OpenAI Responses ---------------------------------------------------------------------------


async def test_responses_function_call_output(agent: OCPAgent, server: RecordingServer) -> None:
    item = {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "call_9",
        "name": "createSnapshot",
        "arguments": json.dumps({"instance_id": INSTANCE}),
    }
    reply = await agent.handle_tool_call(item, provider="openai-responses")
    assert set(reply) == {"type", "call_id", "output"}
    assert (reply["type"], reply["call_id"]) == ("function_call_output", "call_9")
    assert json.loads(reply["output"])["data"]["snapshot"]["status"] == "pending"
    assert len(server.requests) == 1


# -- Anthropic ----------------------------------------------------------------------------------


async def test_anthropic_tool_result(agent: OCPAgent, server: RecordingServer) -> None:
    block = {"type": "tool_use", "id": "toolu_1", "name": "createSnapshot", "input": {}}
    failed = await agent.handle_tool_call(block, provider="anthropic")
    assert failed["type"] == "tool_result"
    assert failed["tool_use_id"] == "toolu_1"
    assert failed["is_error"] is True
    assert "missing required argument 'instance_id'" in failed["content"]
    assert server.requests == []

    block["input"] = {"instance_id": INSTANCE, "description": "before upgrade"}
    done = await agent.handle_tool_call(block, provider="anthropic")
    assert "is_error" not in done
    assert json.loads(done["content"])["data"] == {"snapshot": SNAPSHOT}
    assert [r.json() for r in server.requests] == [block["input"]]


# -- Gemini -------------------------------------------------------------------------------------


async def test_gemini_function_response(agent: OCPAgent, server: RecordingServer) -> None:
    part = {
        "functionCall": {"id": "g1", "name": "createSnapshot", "args": {"instance_id": INSTANCE}}
    }
    reply = await agent.handle_tool_call(part, provider="gemini")
    response = reply["functionResponse"]
    assert (response["name"], response["id"]) == ("createSnapshot", "g1")
    assert response["response"]["output"]["data"]["snapshot"]["id"] == SNAPSHOT["id"]

    bad = {"name": "createSnapshot", "args": {"instance_id": ""}}
    response = (await agent.handle_tool_call(bad, provider="gemini"))["functionResponse"]
    assert "id" not in response
    assert response["response"]["error"]["code"] == "invalid_arguments"
    assert "$.instance_id: must not be empty" in response["response"]["error"]["message"]
    assert len(server.requests) == 1


# -- MCP ----------------------------------------------------------------------------------------


async def test_mcp_call_tool_result(agent: OCPAgent, server: RecordingServer) -> None:
    mcp_types = pytest.importorskip("mcp.types", reason="the [mcp] extra (mcp SDK) is missing")
    params = {"name": "createSnapshot", "arguments": {"instance_id": INSTANCE}}
    reply = await agent.handle_tool_call(params, provider="mcp")
    result = mcp_types.CallToolResult.model_validate(reply)
    assert result.is_error is False
    assert result.structured_content == {"snapshot": SNAPSHOT}
    assert json.loads(result.content[0].text) == result.structured_content

    failed = await agent.handle_tool_call({"name": "createSnapshot", "arguments": {}}, "mcp")
    result = mcp_types.CallToolResult.model_validate(failed)
    assert result.is_error is True
    assert result.structured_content is None
    assert json.loads(result.content[0].text)["error"]["code"] == "invalid_arguments"


# -- what cannot be a tool call -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "call", "message"),
    [
        ("ocp", {"name": "createSnapshot"}, "tool definitions only"),
        ("openai", {"id": "c"}, "no 'function'"),
        ("anthropic", {"type": "tool_use", "id": "t"}, "no name"),
        ("cohere", {}, "unknown provider"),
    ],
)
async def test_objects_that_are_not_calls_raise(
    agent: OCPAgent, provider: str, call: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await agent.handle_tool_call(call, provider=provider)


async def test_the_key_is_never_in_a_reply(agent: OCPAgent, server: RecordingServer) -> None:
    call = {"type": "tool_use", "id": "t", "name": "createSnapshot", "input": {"instance_id": KEY}}
    await agent.handle_tool_call(call, provider="anthropic")
    assert server.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    replies = [
        await agent.handle_tool_call(
            {"type": "tool_use", "id": "t", "name": "createSnapshot", "input": {"instance_id": 1}},
            provider="anthropic",
        ),
        await agent.handle_tool_call(
            {"id": "c", "function": {"name": "nope", "arguments": "{"}}, provider="openai"
        ),
    ]
    assert KEY not in json.dumps(replies)
    assert KEY not in repr(agent.context.to_dict())
