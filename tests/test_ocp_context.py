"""OCP context, Level 1: the headers on every request, cleaned and bounded, and the history."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from ocp_vultr import OCPAgent
from ocp_vultr.context import AgentContext
from ocp_vultr.ocp_headers import (
    MAX_LENGTHS,
    MAX_SESSION_BYTES,
    SESSION_HISTORY,
    clean_header_value,
    decode_session,
    encode_session,
)
from ocp_vultr.result import ToolResult

from .recording_server import RecordingServer, Reply

CONTEXT_SCHEMA = Draft7Validator(
    json.loads((Path(__file__).parent / "reference/ocp-spec/ocp-context.json").read_text())
)
INSTANCE = "cb676a46-66fd-4dfb-b839-443f2e6c0b60"
KEY = "canary-key-7f3e9b"
SECRET_ARG = "canary-argument-value-41d2"
HEADER_SAFE = re.compile(r"^[\x20-\x7e]*$")


def ocp_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower().startswith("ocp-")}


async def test_every_request_carries_the_required_headers(server: RecordingServer) -> None:
    async with OCPAgent(rate_limit=None) as agent:
        agent.register_api("vultr", base_url=server.base_url, api_key=KEY)
        await agent.call_tool("createSnapshot", {"instance_id": INSTANCE})
        await agent.call_tool("createSnapshot", {"instance_id": INSTANCE})
        context_id = agent.context.context_id
    assert re.match(r"^ocp-[a-f0-9]{24}$", context_id)
    for request in server.requests:
        assert ocp_headers(request.headers) == {
            "OCP-Context-ID": context_id,
            "OCP-Agent-Type": "ai_agent",
            "OCP-Version": "1.0",
        }


async def test_goal_user_and_workspace_are_sent_when_set(server: RecordingServer) -> None:
    async with OCPAgent(
        "backup_bot",
        user="alice",
        workspace="prod-eu",
        agent_goal="nightly backups",
        rate_limit=None,
    ) as agent:
        agent.register_api("vultr", base_url=server.base_url, api_key=KEY)
        await agent.call_tool("createSnapshot", {"instance_id": INSTANCE})
        agent.agent_goal = "clean up old snapshots"
        agent.user = None
        await agent.call_tool("createSnapshot", {"instance_id": INSTANCE})
    first, second = (ocp_headers(r.headers) for r in server.requests)
    assert first["OCP-Agent-Type"] == "backup_bot"
    assert (first["OCP-Current-Goal"], first["OCP-User"], first["OCP-Workspace"]) == (
        "nightly backups",
        "alice",
        "prod-eu",
    )
    assert second["OCP-Current-Goal"] == "clean up old snapshots"
    assert "OCP-User" not in second
    assert second["OCP-Context-ID"] == first["OCP-Context-ID"]


async def test_header_values_are_cleaned_and_bounded(server: RecordingServer) -> None:
    goal = "Back up\r\nX-Injected: yes\n" + "é日" * 300
    async with OCPAgent(
        agent_type="agent\ttype " * 20,
        user="Zoë " * 40,
        workspace="w\x00s",
        agent_goal=goal,
        rate_limit=None,
    ) as agent:
        agent.register_api("vultr", base_url=server.base_url, api_key=KEY)
        await agent.call_tool("createSnapshot", {"instance_id": INSTANCE})
    sent = ocp_headers(server.requests[0].headers)
    assert "X-Injected" not in server.requests[0].headers
    for name, value in sent.items():
        assert HEADER_SAFE.match(value), name
        assert len(value) <= MAX_LENGTHS.get(name, 64), name
    assert sent["OCP-Current-Goal"].startswith("Back up X-Injected: yes e%E6%97%A5e")
    assert sent["OCP-User"].startswith("Zoe Zoe")
    assert sent["OCP-Workspace"] == "w s"
    assert len(sent["OCP-Agent-Type"]) <= 128


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        ("plain", 64, "plain"),
        ("a\r\nb", 64, "a b"),
        ("  spaced   out  ", 64, "spaced out"),
        ("Crème brûlée", 64, "Creme brulee"),
        ("100% done", 64, "100%25 done"),
        ("日本", 64, "%E6%97%A5%E6%9C%AC"),
        ("ab日", 5, "ab"),  # an escape is never cut in half
        ("x" * 300, 256, "x" * 256),
        ("\r\n", 64, ""),
    ],
)
def test_clean_header_value(value: str, limit: int, expected: str) -> None:
    assert clean_header_value(value, limit) == expected


@pytest.mark.parametrize("bad", ["ctx-1", "ocp-XYZ12345", "ocp-1234", "ocp-" + "a" * 61])
def test_a_context_id_must_follow_the_spec(bad: str) -> None:
    with pytest.raises(ValueError, match="context_id"):
        AgentContext(context_id=bad)


def test_a_given_context_id_is_kept() -> None:
    assert AgentContext(context_id="ocp-a1b2c3d4").context_id == "ocp-a1b2c3d4"


async def test_no_session_header_unless_asked_for(server: RecordingServer) -> None:
    async with OCPAgent(rate_limit=None) as agent:
        agent.register_api("vultr", base_url=server.base_url, api_key=KEY)
        await agent.call_tool("createSnapshot", {"instance_id": INSTANCE})
    assert "OCP-Session" not in server.requests[0].headers


async def test_session_and_history_never_hold_arguments_or_the_key(server: RecordingServer) -> None:
    async with OCPAgent(rate_limit=None, send_session=True, history_size=3) as agent:
        agent.register_api("vultr", base_url=server.base_url, api_key=KEY)
        not_found = Reply(status=404, body={"error": "Invalid instance-id.", "status": 404})
        server.script(Reply(), Reply(), Reply(), Reply(), not_found)
        for _ in range(4):
            await agent.call_tool(
                "createSnapshot", {"instance_id": INSTANCE, "description": SECRET_ARG}
            )
        await agent.call_tool("createSnapshot", {"instance_id": "missing-9"})
        await agent.call_tool("nope", {"x": SECRET_ARG})
        history = agent.context.history
        exported = agent.context.to_dict()
    assert [(h.tool, h.endpoint, h.outcome) for h in history] == [
        ("createSnapshot", "POST /snapshots", "ok 201"),
        ("createSnapshot", "POST /snapshots", "not_found 404"),
        ("nope", None, "unknown_tool"),
    ]
    assert exported["session"]["interaction_count"] == 6
    assert CONTEXT_SCHEMA.is_valid(exported)
    last = decode_session(server.requests[-1].headers["OCP-Session"])
    assert CONTEXT_SCHEMA.is_valid(last)
    assert [h["result"] for h in last["history"]] == ["ok 201", "ok 201", "ok 201"]
    everything = json.dumps([exported, *(r.headers for r in server.requests)])
    assert SECRET_ARG not in everything
    assert INSTANCE not in everything
    assert KEY not in everything.replace(f"Bearer {KEY}", "")
    assert KEY not in repr(agent.context)


def test_session_stays_under_its_limit_by_leaving_out_old_calls() -> None:
    context = AgentContext("a" * 500, user="u" * 500, workspace="w" * 500, current_goal="g" * 500)
    for index in range(50):
        context.record(ToolResult(tool=f"tool{index}", ok=True, status=200))
    full = decode_session(encode_session(context))
    assert len(full["history"]) == SESSION_HISTORY
    assert [h["metadata"]["tool"] for h in full["history"]] == [f"tool{i}" for i in range(45, 50)]
    assert len(full["current_goal"]) == MAX_LENGTHS["OCP-Current-Goal"]
    small = encode_session(context, limit=2000)
    assert len(small) <= 2000
    assert 0 < len(decode_session(small)["history"]) < SESSION_HISTORY
    tiny = encode_session(context, limit=1200)
    assert len(tiny) <= 1200
    decoded = decode_session(tiny)
    assert decoded["history"] == []
    assert decoded["current_goal"] is None
    assert CONTEXT_SCHEMA.is_valid(decoded)
    with pytest.raises(ValueError, match="cannot fit in 300 bytes"):
        encode_session(context, limit=300)


async def test_ten_thousand_calls_in_one_session(server: RecordingServer) -> None:
    """Every call succeeds and every header stays within its bound, however long the session."""
    calls = 10_000
    async with OCPAgent(
        agent_goal="g" * 1000, user="alice", send_session=True, rate_limit=None
    ) as agent:
        agent.register_api("vultr", base_url=server.base_url, api_key=KEY)
        semaphore = asyncio.Semaphore(32)

        async def one(index: int) -> bool:
            async with semaphore:
                result = await agent.call_tool(
                    "createSnapshot", {"instance_id": INSTANCE, "description": f"d{index}"}
                )
                return result.ok

        outcomes = await asyncio.gather(*(one(i) for i in range(calls)))
        assert all(outcomes)
        assert agent.context.interaction_count == calls
        assert len(agent.context.history) == agent.context.history_size == 100
    assert len(server.requests) == calls
    largest = max(len(r.headers["OCP-Session"]) for r in server.requests)
    assert largest <= MAX_SESSION_BYTES
    context_ids = {r.headers["OCP-Context-ID"] for r in server.requests}
    assert context_ids == {agent.context.context_id}
    for request in server.requests:
        for name, value in ocp_headers(request.headers).items():
            assert HEADER_SAFE.match(value)
            assert len(value) <= MAX_LENGTHS.get(name, MAX_SESSION_BYTES)
    sessions = [decode_session(r.headers["OCP-Session"]) for r in server.requests]
    latest = max(sessions, key=lambda s: s["session"]["interaction_count"])
    assert latest["session"]["interaction_count"] >= calls - 32
    assert CONTEXT_SCHEMA.is_valid(latest)
    assert max(len(s["history"]) for s in sessions) == SESSION_HISTORY


def test_context_headers_show_what_the_next_request_carries() -> None:
    agent = OCPAgent(agent_type="backup_bot", agent_goal="nightly backups")
    headers = agent.context_headers()
    assert headers["OCP-Agent-Type"] == "backup_bot"
    assert headers["OCP-Current-Goal"] == "nightly backups"
    assert headers["OCP-Context-ID"] == agent.context.context_id
    agent.agent_goal = "clean up"
    assert agent.context_headers()["OCP-Current-Goal"] == "clean up"
