"""Following listSnapshots' cursor across pages, as its manifest pagination declares."""

from __future__ import annotations

import pytest

from ocp_vultr import ApiError, InvalidResponseError, OCPAgent
from ocp_vultr.sandbox import Fault, Sandbox


async def test_paginate_follows_next_until_empty(agent: OCPAgent, sandbox: Sandbox) -> None:
    created = [sandbox.snapshots.create(f"s{i}")["id"] for i in range(7)]
    seen = [s["id"] async for s in agent.paginate("listSnapshots", page_size=3)]
    assert seen == created
    pages = sandbox.requests.matching("GET", "/snapshots")
    assert len(pages) == 3
    assert pages[0].query == {"per_page": "3"}
    cursors = [p.query.get("cursor") for p in pages]
    assert cursors[0] is None
    assert all(cursors[1:])
    assert len(set(cursors[1:])) == 2


async def test_iter_snapshots_filters_by_description(agent: OCPAgent, sandbox: Sandbox) -> None:
    for i in range(5):
        sandbox.snapshots.create("nightly" if i % 2 == 0 else "weekly")
    nightly = [s async for s in agent.iter_snapshots("nightly", page_size=2)]
    assert [s["description"] for s in nightly] == ["nightly"] * 3
    assert {r.query["description"] for r in sandbox.requests} == {"nightly"}
    assert len(sandbox.requests) == 2


async def test_empty_account_is_one_request(agent: OCPAgent, sandbox: Sandbox) -> None:
    assert [s async for s in agent.iter_snapshots()] == []
    assert len(sandbox.requests) == 1


async def test_a_failing_page_raises_its_error(agent: OCPAgent, sandbox: Sandbox) -> None:
    for i in range(4):
        sandbox.snapshots.create(f"s{i}")
    seen: list[str] = []

    async def collect() -> None:
        async for snapshot in agent.paginate("listSnapshots", page_size=2):
            seen.append(snapshot["description"])

    sandbox.faults.add("GET", "/snapshots", Fault.delay(0), times=1)  # first page is fine
    sandbox.faults.add("GET", "/snapshots", Fault.status(400, "Invalid cursor."), times=1)
    with pytest.raises(ApiError, match="Invalid cursor"):
        await collect()
    assert seen == ["s0", "s1"]


async def test_a_repeated_cursor_stops_the_loop(agent: OCPAgent, sandbox: Sandbox) -> None:
    looping = {"snapshots": [], "meta": {"total": 0, "links": {"next": "same", "prev": ""}}}
    sandbox.faults.add("GET", "/snapshots", Fault.schema_violation(looping), times=None)
    with pytest.raises(InvalidResponseError, match="cursor 'same' again"):
        _ = [s async for s in agent.paginate("listSnapshots")]
    assert len(sandbox.requests) == 2


async def test_only_paging_tools_paginate(agent: OCPAgent) -> None:
    with pytest.raises(ValueError, match="does not page"):
        _ = [s async for s in agent.paginate("getSnapshot", {"snapshot_id": "x"})]
    with pytest.raises(ValueError, match="no tool named"):
        agent.paginate("listEverything")
