"""The ``ocp-vultr`` command, run as ``python -m ocp_vultr`` in a subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from dataclasses import dataclass

import aiohttp
import pytest

from ocp_vultr.sandbox import Sandbox, run_sandbox

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@dataclass
class Run:
    code: int
    out: str
    err: str


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VULTR_")}
    env.update(values)
    return env


async def _run(*args: str, env: dict[str, str] | None = None) -> Run:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ocp_vultr",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env or _env(),
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return Run(process.returncode, out.decode(), err.decode())


def _against(sb: Sandbox, key: str) -> dict[str, str]:
    return _env(VULTR_API_URL=sb.base_url, VULTR_API_KEY=key)


async def test_demo_needs_no_key_no_network_and_ends_complete() -> None:
    env = _env(VULTR_API_URL="https://unreachable.invalid/v2")  # the demo ignores both
    run = await _run("demo", env=env)
    assert run.code == 0, run.err
    created = re.search(rf"-> snapshot ({UUID})", run.out)
    assert created is not None, run.out
    assert f"Done: snapshot {created.group(1)} complete." in run.out
    assert re.search(rf"{created.group(1)}\s+complete\s+25\.0 GiB", run.out)
    assert "waitForSnapshot: status pending" in run.err  # plain progress lines off a terminal


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["call", "listSnapshots", "per_page=0"], "$.per_page: must be at least 1"),
        (["call", "getSnapshot"], "missing required argument 'snapshot_id'"),
        (["call", "getSnapshot", "snapshot_id"], "is not key=value"),
        (["call", "createSnapshot", "--json", "{oops"], "--json is not valid JSON"),
        (["call", "createSnapshots", "instance_id=x"], "Did you mean createSnapshot"),
        (["call", "deleteSnapshot", "snapshot_id=x", "--wait"], "nothing to wait for"),
    ],
)
async def test_bad_arguments_exit_2_and_send_nothing(
    sandbox: Sandbox, key: str, args: list[str], message: str
) -> None:
    run = await _run(*args, env=_against(sandbox, key))
    assert run.code == 2, run.err
    assert message in run.err
    assert run.out == ""
    assert len(sandbox.requests) == 0


async def test_usage_errors_exit_2() -> None:
    assert (await _run()).code == 2
    assert (await _run("call")).code == 2


async def test_dry_run_prints_the_request_with_the_key_masked_and_sends_nothing(
    sandbox: Sandbox, key: str
) -> None:
    run = await _run(
        "call",
        "createSnapshot",
        f"instance_id={sandbox.instance_ids[0]}",
        "description=123",
        "--dry-run",
        env=_against(sandbox, key),
    )
    assert run.code == 0, run.err
    assert f"POST {sandbox.base_url}/snapshots" in run.out
    assert "Authorization: Bearer ***" in run.out
    body = run.out.split("\n\n", 1)[1].rsplit("\n\n", 1)[0]
    assert json.loads(body) == {"instance_id": sandbox.instance_ids[0], "description": "123"}
    assert key not in run.out + run.err
    assert len(sandbox.requests) == 0


async def test_call_prints_the_data_and_sends_one_request(sandbox: Sandbox, key: str) -> None:
    run = await _run(
        "call",
        "createSnapshot",
        "--json",
        json.dumps({"instance_id": sandbox.instance_ids[0], "description": "from cli"}),
        env=_against(sandbox, key),
    )
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["snapshot"]["status"] == "pending"
    (sent,) = sandbox.requests
    assert sent.body == {"instance_id": sandbox.instance_ids[0], "description": "from cli"}
    assert sent.headers["Authorization"] == f"Bearer {key}"


async def test_call_with_no_content_says_ok(sandbox: Sandbox, key: str) -> None:
    snapshot_id = sandbox.snapshots.create("old")["id"]
    run = await _run(
        "call",
        "putSnapshotsSnapshotId",
        f"snapshot_id={snapshot_id}",
        "description=new",
        env=_against(sandbox, key),
    )
    assert (run.code, run.out) == (0, "")
    assert "ok (HTTP 204, no content)" in run.err
    assert sandbox.snapshots.get(snapshot_id)["description"] == "new"  # type: ignore[index]


async def test_call_wait_follows_the_snapshot_to_complete(sandbox: Sandbox, key: str) -> None:
    run = await _run(
        "call",
        "createSnapshot",
        f"instance_id={sandbox.instance_ids[0]}",
        "--wait",
        "--poll-interval",
        "0.05",
        env=_against(sandbox, key),
    )
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert (data["snapshot"]["status"], data["wait"]["done"]) == ("complete", True)
    assert "waiting with waitForSnapshot" in run.err
    assert "waitForSnapshot: status complete" in run.err
    assert sandbox.requests.count("POST", "/snapshots") == 1


async def test_wait_deadline_exits_4(key: str) -> None:
    async with run_sandbox(complete_after=None, rate_limit=None) as sb:
        snapshot_id = sb.snapshots.create("slow")["id"]
        run = await _run(
            "call",
            "waitForSnapshot",
            f"snapshot_id={snapshot_id}",
            "--wait",
            "--wait-timeout",
            "0.3",
            "--poll-interval",
            "0.05",
            env=_against(sb, key),
        )
    assert run.code == 4, run.err
    assert "the last status seen was 'pending'" in run.err


async def test_api_failure_exits_1(sandbox: Sandbox, key: str) -> None:
    run = await _run("call", "getSnapshot", "snapshot_id=missing", env=_against(sandbox, key))
    assert run.code == 1
    assert "error (not_found)" in run.err
    assert len(sandbox.requests) == 1


async def test_missing_key_exits_3_and_sends_nothing(sandbox: Sandbox) -> None:
    run = await _run(
        "call", "getSnapshot", "snapshot_id=x", env=_env(VULTR_API_URL=sandbox.base_url)
    )
    assert run.code == 3
    assert "error (auth_failed)" in run.err
    assert len(sandbox.requests) == 0


async def test_tools_and_schema_need_no_key() -> None:
    listing = await _run("tools", "--json")
    assert listing.code == 0
    names = [t["name"] for t in json.loads(listing.out)]
    assert names[-1] == "waitForSnapshot"
    assert len(names) == 7
    text = await _run("tools")
    assert re.search(r"deleteSnapshot\s+DELETE /snapshots/\{snapshot-id\}", text.out)
    openai = json.loads((await _run("schema", "getSnapshot", "--format", "openai")).out)
    assert openai["type"] == "function"
    assert openai["function"]["parameters"]["required"] == ["snapshot_id"]
    plain = json.loads((await _run("schema", "listSnapshots")).out)
    assert plain["properties"]["per_page"]["maximum"] == 500
    unknown = await _run("schema", "nope")
    assert (unknown.code, "unknown_tool" in unknown.err) == (2, True)


async def test_sandbox_command_prints_url_and_ids_and_serves(key: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ocp_vultr",
        "sandbox",
        "--complete-after",
        "0",
        "--api-key",
        key,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_env(),
    )
    assert process.stdout is not None
    try:
        banner = ""
        while "Press Ctrl-C" not in banner:
            line = await asyncio.wait_for(process.stdout.readline(), 30)
            assert line, "the sandbox exited early"
            banner += line.decode()
        match = re.search(r"base URL:\s+(http://127\.0\.0\.1:\d+/v2)", banner)
        assert match is not None, banner
        assert "cb676a46-66fd-4dfb-b839-443f2e6c0b60" in banner
        url = match.group(1)
        async with aiohttp.ClientSession() as http:
            async with http.post(
                f"{url}/snapshots",
                json={"instance_id": "cb676a46-66fd-4dfb-b839-443f2e6c0b60"},
                headers={"Authorization": f"Bearer {key}"},
            ) as created:
                assert created.status == 201
                assert (await created.json())["snapshot"]["status"] == "pending"
            async with http.get(
                f"{url}/snapshots", headers={"Authorization": "Bearer wrong-key"}
            ) as refused:
                assert refused.status == 401
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0
