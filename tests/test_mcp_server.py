"""``ocp-vultr mcp`` driven by the MCP SDK's own stdio client, against the local sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from ocp_vultr.manifest import bundled_manifest_path, load_manifest
from ocp_vultr.sandbox import Sandbox, run_sandbox

mcp = pytest.importorskip("mcp", reason="the [mcp] extra (the MCP SDK) is not installed")
from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402

KEY = "mcp-test-key-5a1c"
ALL_TOOLS = load_manifest(bundled_manifest_path()).tool_names()
SERVER = [sys.executable, "-m", "ocp_vultr", "mcp"]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with run_sandbox(complete_after=1.0, rate_limit=None) as sb:
        yield sb


@asynccontextmanager
async def connect(sandbox: Sandbox, *flags: str) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(
        command=SERVER[0],
        args=[*SERVER[1:], "--base-url", sandbox.base_url, "--poll-interval", "0.2", *flags],
        env={"VULTR_API_KEY": KEY},
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def text_of(result: Any) -> str:
    (content,) = result.content
    assert isinstance(content, mcp.types.TextContent)
    text: str = content.text
    return text


def error_of(result: Any) -> dict[str, Any]:
    assert result.is_error is True
    error: dict[str, Any] = json.loads(text_of(result))["error"]
    return error


async def test_default_server(sandbox: Sandbox) -> None:
    instance = sandbox.instance_ids[0]
    async with connect(sandbox) as session:
        listed = (await session.list_tools()).tools
        names = [tool.name for tool in listed]
        assert names == [name for name in ALL_TOOLS if name != "deleteSnapshot"]
        create = next(tool for tool in listed if tool.name == "createSnapshot")
        assert create.annotations is not None
        assert create.annotations.read_only_hint is False
        assert create.annotations.destructive_hint is False
        assert create.input_schema["required"] == ["instance_id"]

        made = await session.call_tool(
            "createSnapshot", {"instance_id": instance, "description": "via mcp"}
        )
        assert made.is_error is False
        snapshot = made.structured_content["snapshot"]
        assert (snapshot["description"], snapshot["status"]) == ("via mcp", "pending")
        assert [s["id"] for s in sandbox.snapshots.list()] == [snapshot["id"]]
        (request,) = sandbox.requests.matching("POST", "/snapshots")
        assert request.body == {"instance_id": instance, "description": "via mcp"}
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        assert request.headers["OCP-Agent-Type"] == "mcp_server"

        bad = await session.call_tool("createSnapshot", {"instance_id": 7, "extra": True})
        error = error_of(bad)
        assert error["code"] == "invalid_arguments"
        assert "$.instance_id: must be a string, not an integer (7)" in error["message"]
        assert "$.extra: unexpected argument 'extra'" in error["message"]

        off = await session.call_tool("deleteSnapshot", {"snapshot_id": snapshot["id"]})
        assert "start the server with --allow-destructive" in error_of(off)["message"]

        unknown = await session.call_tool("dropEverything", {})
        assert error_of(unknown)["code"] == "unknown_tool"

        seen: list[tuple[float, str | None]] = []

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            seen.append((progress, message))

        waited = await session.call_tool(
            "waitForSnapshot",
            {"snapshot_id": snapshot["id"], "max_wait_seconds": 20},
            progress_callback=on_progress,
        )
        assert waited.is_error is False
        assert waited.structured_content["wait"]["done"] is True
        assert waited.structured_content["snapshot"]["status"] == "complete"
        assert seen, "progress notifications were asked for and must arrive"
        assert [p for p, _ in seen] == sorted(p for p, _ in seen)
        assert seen[-1][1] is not None
        assert seen[-1][1].startswith("waitForSnapshot: status complete after ")
        assert any("status pending" in (m or "") for _, m in seen)

    assert sandbox.requests.count("DELETE") == 0
    assert sandbox.requests.count("POST") == 1, "bad arguments were never sent"


async def test_destructive_tools_on_request(sandbox: Sandbox) -> None:
    async with connect(sandbox, "--allow-destructive") as session:
        names = [tool.name for tool in (await session.list_tools()).tools]
        assert "deleteSnapshot" in names
        delete = next(t for t in (await session.list_tools()).tools if t.name == "deleteSnapshot")
        assert delete.annotations is not None
        assert delete.annotations.destructive_hint is True
        made = await session.call_tool("createSnapshot", {"instance_id": sandbox.instance_ids[0]})
        snapshot_id = made.structured_content["snapshot"]["id"]
        gone = await session.call_tool("deleteSnapshot", {"snapshot_id": snapshot_id})
        assert gone.is_error is False
        assert json.loads(text_of(gone)) == {"ok": True, "status": 204, "data": None}
    assert sandbox.requests.count("DELETE", "/snapshots/{id}") == 1


async def test_read_only_and_tool_list_narrow_the_set(sandbox: Sandbox) -> None:
    async with connect(sandbox, "--read-only") as session:
        names = [tool.name for tool in (await session.list_tools()).tools]
        assert names == ["listSnapshots", "getSnapshot", "waitForSnapshot"]
        refused = await session.call_tool("createSnapshot", {"instance_id": "x"})
        assert "the server runs with --read-only" in error_of(refused)["message"]
        listed = await session.call_tool("listSnapshots", {})
        assert listed.is_error is False
        assert listed.structured_content["snapshots"] == []
    async with connect(sandbox, "--tools", "getSnapshot,createSnapshot") as session:
        names = [tool.name for tool in (await session.list_tools()).tools]
        assert names == ["getSnapshot", "createSnapshot"]
        refused = await session.call_tool("listSnapshots", {})
        assert "not in the server's --tools list" in error_of(refused)["message"]
    assert sandbox.requests.count("POST") == 0


def test_an_unknown_tool_in_the_list_is_a_usage_error() -> None:
    done = subprocess.run(
        [*SERVER, "--tools", "createSnapshot,nope", "--base-url", "http://127.0.0.1:9/v2"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 2, "invalid arguments, as the command's exit codes say"
    assert "unknown tool(s) in --tools: nope" in done.stderr
    assert done.stdout == ""


def test_without_the_sdk_the_command_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['mcp'] = None; "
        "from ocp_vultr.cli import main; sys.exit(main(['mcp']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 3
    assert "pip install 'ocp-vultr[mcp]'" in done.stderr


def test_selection_rules() -> None:
    from ocp_vultr import OCPAgent
    from ocp_vultr.mcp_server import UnknownToolsError, select

    tools = OCPAgent().register_api("vultr").tools
    default = select(tools)
    assert "deleteSnapshot" not in default.enabled
    refusal = default.refusal("deleteSnapshot")
    assert refusal is not None
    assert refusal.code == "unknown_tool"
    assert default.refusal("createSnapshot") is None
    assert select(tools, allow_destructive=True).enabled == tuple(ALL_TOOLS)
    narrowed = select(tools, names=["deleteSnapshot", "getSnapshot"], read_only=True)
    assert narrowed.enabled == ("getSnapshot",)
    assert narrowed.switched_off["deleteSnapshot"] == "the server runs with --read-only"
    with pytest.raises(UnknownToolsError, match="nope"):
        select(tools, names=["nope"])


def test_progress_is_sent_only_when_asked_for() -> None:
    from types import SimpleNamespace

    from ocp_vultr.mcp_server import progress_message, progress_requested
    from ocp_vultr.waiting import WaitProgress

    assert progress_requested(SimpleNamespace(meta={"progress_token": "t1"}))
    assert progress_requested(SimpleNamespace(meta={"progress_token": 0}))
    assert not progress_requested(SimpleNamespace(meta=None))
    assert not progress_requested(SimpleNamespace(meta={}))
    seen = WaitProgress("waitForSnapshot", "pending", 12.4, 1, False, None)
    assert progress_message(seen) == "waitForSnapshot: status pending after 12 s (1 look)"
