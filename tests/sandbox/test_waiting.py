"""Waiting for a snapshot: the Python API, the waitForSnapshot tool and the poll schedule."""

from __future__ import annotations

from itertools import islice

import pytest

from ocp_vultr import (
    NotFoundError,
    OCPAgent,
    PollSchedule,
    ToolResult,
    WaitProgress,
    WaitSpec,
    WaitTimeoutError,
)
from ocp_vultr.sandbox import Fault, Sandbox
from ocp_vultr.waiting import WaitEnd, poll_until


async def _create(agent: OCPAgent, sandbox: Sandbox) -> str:
    result = await agent.call_tool("createSnapshot", {"instance_id": sandbox.instance_ids[0]})
    assert result.ok, result
    return str(result.data["snapshot"]["id"])


async def test_wait_for_snapshot_returns_it_complete(agent: OCPAgent, sandbox: Sandbox) -> None:
    snapshot_id = await _create(agent, sandbox)
    seen: list[WaitProgress] = []
    snapshot = await agent.wait_for_snapshot(snapshot_id, timeout=30, on_progress=seen.append)
    assert snapshot["id"] == snapshot_id
    assert snapshot["status"] == "complete"
    assert snapshot["size"] > 0
    assert (seen[-1].done, seen[-1].status) == (True, "complete")
    assert all(p.status == "pending" and not p.done for p in seen[:-1])
    assert [p.polls for p in seen] == list(range(1, len(seen) + 1))
    polls = sandbox.requests.matching("GET", "/snapshots/{id}")
    assert len(polls) == len(seen)
    assert {r.path for r in polls} == {f"/v2/snapshots/{snapshot_id}"}


async def test_async_progress_callbacks_are_awaited(agent: OCPAgent, sandbox: Sandbox) -> None:
    snapshot_id = await _create(agent, sandbox)
    sandbox.snapshots.complete(snapshot_id)
    statuses: list[str] = []

    async def record(progress: WaitProgress) -> None:
        statuses.append(progress.status)

    await agent.wait_for_snapshot(snapshot_id, on_progress=record)
    assert statuses == ["complete"]


async def test_wait_tool_returns_not_complete_within_its_bound_then_complete(
    agent: OCPAgent, sandbox: Sandbox
) -> None:
    sandbox.snapshots.complete_after = None  # stays pending until the test says so
    snapshot_id = await _create(agent, sandbox)
    first = await agent.call_tool(
        "waitForSnapshot", {"snapshot_id": snapshot_id, "max_wait_seconds": 1}
    )
    assert (first.ok, first.status) == (True, 200)
    assert first.data["snapshot"]["status"] == "pending"
    report = first.data["wait"]
    assert (report["done"], report["status"]) == (False, "pending")
    assert report["polls"] >= 2
    assert "Call waitForSnapshot again with the same arguments" in report["next_step"]
    sandbox.snapshots.complete(snapshot_id)
    second = await agent.call_tool(
        "waitForSnapshot", {"snapshot_id": snapshot_id, "max_wait_seconds": 1}
    )
    assert second.data["wait"]["done"] is True
    assert second.data["snapshot"]["status"] == "complete"
    assert second.data["snapshot"]["size"] > 0
    assert sandbox.requests.count("POST", "/snapshots") == 1  # waiting never creates


async def test_wait_hits_its_deadline_and_says_the_last_status(
    agent: OCPAgent, sandbox: Sandbox
) -> None:
    sandbox.snapshots.complete_after = None
    snapshot_id = await _create(agent, sandbox)
    with pytest.raises(WaitTimeoutError) as raised:
        await agent.wait_for_snapshot(snapshot_id, timeout=0.2)
    error = raised.value
    assert error.code == "timeout"
    assert error.retryable
    assert "gave up after 0.2 s" in error.message
    assert "the last status seen was 'pending'" in error.message
    assert error.details["last_status"] == "pending"
    assert error.details["polls"] == sandbox.requests.count("GET", "/snapshots/{id}")


async def test_wait_on_a_snapshot_with_status_deleted_fails(
    agent: OCPAgent, sandbox: Sandbox
) -> None:
    snapshot_id = await _create(agent, sandbox)
    sandbox.snapshots.set_status(snapshot_id, "deleted")
    with pytest.raises(NotFoundError) as raised:
        await agent.wait_for_snapshot(snapshot_id)
    assert raised.value.code == "not_found"
    assert "reports status 'deleted'" in raised.value.message
    assert raised.value.details["last_status"] == "deleted"
    tool_result = await agent.call_tool("waitForSnapshot", {"snapshot_id": snapshot_id})
    assert tool_result.error is not None
    assert (tool_result.ok, tool_result.error.code) == (False, "not_found")


async def test_wait_on_a_snapshot_deleted_meanwhile_fails_not_found(
    agent: OCPAgent, sandbox: Sandbox
) -> None:
    snapshot_id = await _create(agent, sandbox)
    assert (await agent.call_tool("deleteSnapshot", {"snapshot_id": snapshot_id})).ok
    result = await agent.wait_for("waitForSnapshot", {"snapshot_id": snapshot_id}, timeout=5)
    assert result.error is not None
    assert (result.error.code, result.status) == ("not_found", 404)
    assert result.error.message.startswith("waitForSnapshot stopped: Not found")
    assert sandbox.requests.count("GET", "/snapshots/{id}") == 1  # no point looking again


async def test_retryable_poll_failures_do_not_end_the_wait(
    agent: OCPAgent, sandbox: Sandbox
) -> None:
    snapshot_id = await _create(agent, sandbox)
    sandbox.faults.add("GET", "/snapshots/{id}", Fault.status(503), times=2)
    seen: list[WaitProgress] = []
    snapshot = await agent.wait_for_snapshot(snapshot_id, timeout=30, on_progress=seen.append)
    assert snapshot["status"] == "complete"
    assert [p.error.code for p in seen[:2] if p.error] == ["server_error", "server_error"]
    assert seen[-1].error is None


async def test_wait_for_completion_follows_the_declared_wait(
    agent: OCPAgent, sandbox: Sandbox
) -> None:
    created = await agent.call_tool(
        "createSnapshot", {"instance_id": sandbox.instance_ids[1], "description": "follow"}
    )
    done = await agent.wait_for_completion(created, timeout=30)
    assert done.ok
    assert done.data["snapshot"]["id"] == created.data["snapshot"]["id"]
    assert done.data["wait"]["done"] is True
    listed = await agent.call_tool("listSnapshots", {})
    with pytest.raises(ValueError, match="declares nothing to wait for"):
        await agent.wait_for_completion(listed)
    failed = await agent.call_tool("getSnapshot", {"snapshot_id": "gone"})
    assert (await agent.wait_for_completion(failed)) is failed


async def test_wait_for_refuses_tools_that_are_not_waits(agent: OCPAgent) -> None:
    with pytest.raises(ValueError, match=r"not a wait tool.*waitForSnapshot"):
        await agent.wait_for("getSnapshot", {"snapshot_id": "x"})


async def test_wait_arguments_are_validated_before_anything_is_sent(
    agent: OCPAgent, sandbox: Sandbox
) -> None:
    result = await agent.wait_for("waitForSnapshot", {"snapshot_id": ""})
    assert result.error is not None
    assert result.error.code == "invalid_arguments"
    assert "$.snapshot_id: must not be empty" in result.error.message
    assert len(sandbox.requests) == 0


async def test_a_wait_tool_prepares_the_request_it_polls_with(
    agent: OCPAgent, sandbox: Sandbox
) -> None:
    prepared = agent.prepare("waitForSnapshot", {"snapshot_id": "abc"})
    assert prepared.tool.name == "waitForSnapshot"
    assert (prepared.request.method, prepared.request.url) == (
        "GET",
        f"{sandbox.base_url}/snapshots/abc",
    )


def test_default_schedule_is_terraform_like() -> None:
    assert list(islice(PollSchedule().delays(), 6)) == [10.0, 3.0, 6.0, 10.0, 10.0, 10.0]
    with pytest.raises(ValueError, match="min_interval"):
        PollSchedule(min_interval=0)
    with pytest.raises(ValueError, match="max_interval"):
        PollSchedule(min_interval=5, max_interval=1)


async def test_poll_until_caps_sleeps_at_the_deadline_and_looks_once_more() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    async def poll() -> ToolResult:
        return ToolResult(
            tool="getSnapshot", ok=True, status=200, data={"s": {"status": "pending"}}, attempts=1
        )

    spec = WaitSpec(tool="getSnapshot", field="/s/status", success=("done",), timeout_argument="t")
    outcome = await poll_until(
        poll,
        spec,
        name="w",
        max_wait=25.0,
        schedule=PollSchedule(),
        clock=lambda: now[0],
        sleep=sleep,
    )
    assert slept == [10.0, 3.0, 6.0, 6.0]  # the last sleep is cut to the deadline
    assert (outcome.end, outcome.polls, outcome.status) == (WaitEnd.DEADLINE, 4, "pending")


async def test_poll_until_ends_on_a_missing_field() -> None:
    async def poll() -> ToolResult:
        return ToolResult(tool="t", ok=True, status=200, data={}, attempts=1)

    async def no_sleep(seconds: float) -> None:
        return None

    spec = WaitSpec(tool="t", field="/x", success=("y",), timeout_argument="t")
    outcome = await poll_until(
        poll, spec, name="w", max_wait=5, schedule=PollSchedule(), sleep=no_sleep
    )
    assert outcome.end is WaitEnd.ERROR
    assert outcome.error is not None
    assert outcome.error.code == "invalid_response"
