"""The example agent loops, offline: a scripted model against the local sandbox."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
INSTANCE = "cb676a46-66fd-4dfb-b839-443f2e6c0b60"


@pytest.fixture
def examples(monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    names = ("environment", "openai_agent_loop", "anthropic_agent_loop")
    return {name: importlib.import_module(name) for name in names}


def check_sandbox(sandbox: Any) -> None:
    """One snapshot made, with the corrected arguments; the wrong call never sent."""
    posts = sandbox.requests.matching("POST", "/snapshots")
    assert [p.body for p in posts] == [{"instance_id": INSTANCE, "description": "before upgrade"}]
    (snapshot,) = sandbox.snapshots.list()
    assert snapshot["status"] == "complete"
    assert all(r.headers["OCP-Agent-Type"] == "example_agent" for r in sandbox.requests)


async def test_openai_loop_corrects_its_bad_call(examples: dict[str, ModuleType]) -> None:
    loop = examples["openai_agent_loop"]
    async with examples["environment"].environment(True, None) as env:
        messages = await loop.run_loop(env, loop.ScriptedChatModel(env.instance_id))
        check_sandbox(env.sandbox)
    tool_messages = [json.loads(m["content"]) for m in messages if m["role"] == "tool"]
    first = tool_messages[0]["error"]
    assert first["code"] == "invalid_arguments"
    assert "$.instance: unexpected argument 'instance'" in first["message"]
    assert "missing required argument 'instance_id'" in first["message"]
    assert tool_messages[1]["status"] == 201
    assert tool_messages[-1]["data"]["wait"]["done"] is True
    calls = [m["tool_calls"][0]["function"]["name"] for m in messages if m.get("tool_calls")]
    assert calls[:3] == ["createSnapshot", "createSnapshot", "waitForSnapshot"]
    assert messages[-1]["content"].endswith("is complete (26843545600 bytes).")


async def test_anthropic_loop_corrects_its_bad_call(examples: dict[str, ModuleType]) -> None:
    loop = examples["anthropic_agent_loop"]
    async with examples["environment"].environment(True, None) as env:
        messages = await loop.run_loop(env, loop.ScriptedMessagesModel(env.instance_id))
        check_sandbox(env.sandbox)
    results = [
        block
        for message in messages
        if message["role"] == "user" and isinstance(message["content"], list)
        for block in message["content"]
    ]
    assert results[0]["is_error"] is True
    assert results[0]["tool_use_id"] == "toolu_01"
    assert json.loads(results[0]["content"])["error"]["code"] == "invalid_arguments"
    assert all("is_error" not in block for block in results[1:])
    final = messages[-1]["content"][0]["text"]
    assert final.startswith("Snapshot ")
    assert "is complete" in final


async def test_the_scripts_run_offline_end_to_end() -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}

    async def run(script: str) -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(EXAMPLES / script),
            "--offline",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=env,
        )
        out, _ = await asyncio.wait_for(process.communicate(), timeout=120)
        return process.returncode or 0, out.decode()

    done = await asyncio.gather(run("openai_agent_loop.py"), run("anthropic_agent_loop.py"))
    for code, output in done:
        assert code == 0, output
        lines = output.strip().splitlines()
        assert lines[0].startswith('-> createSnapshot {"instance": ')
        assert re.fullmatch(r"sandbox: 1 snapshot\(s\), \d+ request\(s\)", lines[-1])
        assert lines[-2].endswith("is complete (26843545600 bytes).")
