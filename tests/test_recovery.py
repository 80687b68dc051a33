"""Recovery of lost createSnapshot answers, unit-tested with aioresponses.

A create that may have reached the server is never sent again: the manifest's ``recover``
block says to look with listSnapshots for a snapshot with the call's description created
since the call began (less the allowed clock skew).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aioresponses import aioresponses

from ocp_vultr import OCPAgent, RetryPolicy

BASE = "https://api.example.test/v2"
CREATE = f"{BASE}/snapshots"
LIST = re.compile(r"^https://api\.example\.test/v2/snapshots\?.*$")
INSTANCE = "cb676a46-66fd-4dfb-b839-443f2e6c0b60"


def _snapshot(description: str, age_seconds: float, snapshot_id: str) -> dict[str, Any]:
    created = datetime.now(UTC) - timedelta(seconds=age_seconds)
    return {
        "id": snapshot_id,
        "date_created": created.isoformat(timespec="seconds"),
        "description": description,
        "size": 0,
        "compressed_size": 0,
        "status": "pending",
        "os_id": 2284,
        "app_id": 0,
    }


def _page(items: list[dict[str, Any]], next_cursor: str = "") -> dict[str, Any]:
    return {"snapshots": items, "meta": {"total": len(items), "links": {"next": next_cursor}}}


@pytest.fixture
async def agent() -> AsyncIterator[OCPAgent]:
    async with OCPAgent(
        rate_limit=None, retry=RetryPolicy(base_delay=0.001, max_delay=0.002)
    ) as agent:
        agent.register_api("vultr", base_url=BASE, api_key="unit-key-recovery")
        yield agent


def _requests(mocked: aioresponses, method: str) -> list[tuple[str, dict[str, list[str]]]]:
    out = []
    for (verb, url), calls in (mocked.requests or {}).items():
        if verb == method:
            out += [(url.path, parse_qs(urlsplit(str(url)).query)) for _ in calls]
    return out


async def test_exactly_one_match_is_the_result_marked_recovered(agent: OCPAgent) -> None:
    mine = _snapshot("nightly", 1, "snap-new")
    older = _snapshot("nightly", 3600, "snap-old")  # same description, long before the call
    other = _snapshot("weekly", 1, "snap-other")
    with aioresponses() as mocked:
        mocked.post(CREATE, exception=aiohttp.ServerDisconnectedError())
        mocked.get(LIST, payload=_page([older, mine, other]))
        result = await agent.call_tool(
            "createSnapshot", {"instance_id": INSTANCE, "description": "nightly"}
        )
        assert result.ok
        assert result.recovered
        assert result.data == {"snapshot": mine}
        assert result.unwrap()["snapshot"]["id"] == "snap-new"
        assert result.to_dict()["recovered"] is True
        assert result.metadata["recovery"]["lookup"] == "listSnapshots"
        assert result.metadata["recovery"]["cause"] == "network_error"
        # One create (never resent), one lookup with the description and a big page.
        assert len(_requests(mocked, "POST")) == 1
        ((path, query),) = _requests(mocked, "GET")
        assert path == "/v2/snapshots"
        assert query == {"description": ["nightly"], "per_page": ["500"]}


async def test_a_snapshot_within_the_clock_skew_still_matches(agent: OCPAgent) -> None:
    skewed = _snapshot("nightly", 90, "snap-skewed")  # Vultr's clock 90 s behind ours
    with aioresponses() as mocked:
        mocked.post(CREATE, exception=TimeoutError())
        mocked.get(LIST, payload=_page([skewed]))
        result = await agent.call_tool(
            "createSnapshot", {"instance_id": INSTANCE, "description": "nightly"}
        )
    assert result.recovered
    assert result.data["snapshot"]["id"] == "snap-skewed"


async def test_only_an_older_snapshot_is_not_a_match(agent: OCPAgent) -> None:
    older = _snapshot("nightly", 600, "snap-old")
    with aioresponses() as mocked:
        mocked.post(CREATE, status=502, body="<html><title>502 Bad Gateway</title></html>")
        mocked.get(LIST, payload=_page([older]))
        result = await agent.call_tool(
            "createSnapshot", {"instance_id": INSTANCE, "description": "nightly"}
        )
    assert not result.ok
    assert not result.recovered
    assert result.error is not None
    assert result.error.code == "outcome_unknown"
    assert result.error.retryable is False
    assert result.status == 502
    message = result.error.message
    assert "HTTP 502 (502 Bad Gateway)" in message
    assert 'shows no item with description "nightly"' in message
    assert "Do not call createSnapshot again yet" in message
    assert 'call listSnapshots with {"description": "nightly", "per_page": 500}' in message
    assert result.error.details["found"] == 0


async def test_several_matches_are_reported_with_their_ids(agent: OCPAgent) -> None:
    first, second = _snapshot("nightly", 5, "snap-a"), _snapshot("nightly", 2, "snap-b")
    with aioresponses() as mocked:
        mocked.post(CREATE, status=500, payload={"error": "internal", "status": 500})
        mocked.get(LIST, payload=_page([first, second]))
        result = await agent.call_tool(
            "createSnapshot", {"instance_id": INSTANCE, "description": "nightly"}
        )
    assert result.error is not None
    assert result.error.code == "outcome_unknown"
    assert "shows 2 items" in result.error.message
    assert "snap-a, snap-b" in result.error.message
    assert "rather than creating another" in result.error.message
    assert result.error.details["candidates"] == ["snap-a", "snap-b"]


async def test_without_a_description_nothing_is_looked_up(agent: OCPAgent) -> None:
    with aioresponses() as mocked:
        mocked.post(CREATE, exception=TimeoutError())
        result = await agent.call_tool("createSnapshot", {"instance_id": INSTANCE})
        assert _requests(mocked, "GET") == []
        assert len(_requests(mocked, "POST")) == 1
    assert result.error is not None
    assert result.error.code == "outcome_unknown"
    message = result.error.message
    assert "called without 'description'" in message
    assert "call listSnapshots and look for an item created at or after" in message
    assert "pass 'description'" in message
    assert result.error.details["missing_arguments"] == ["description"]


async def test_a_failed_lookup_leaves_the_outcome_unknown(agent: OCPAgent) -> None:
    with aioresponses() as mocked:
        mocked.post(CREATE, exception=TimeoutError())
        mocked.get(LIST, status=503, body="down", repeat=True)
        result = await agent.call_tool(
            "createSnapshot", {"instance_id": INSTANCE, "description": "nightly"}
        )
        # The lookup is a GET: retried like any other, four attempts in all.
        assert len(_requests(mocked, "GET")) == 4
        assert len(_requests(mocked, "POST")) == 1
    assert result.error is not None
    assert result.error.code == "outcome_unknown"
    assert "Looking for it with listSnapshots did not settle it: it failed" in result.error.message
    assert result.error.details["cause"] == "timeout"


async def test_the_lookup_follows_pages(agent: OCPAgent) -> None:
    mine = _snapshot("nightly", 1, "snap-new")
    with aioresponses() as mocked:
        mocked.post(CREATE, exception=aiohttp.ServerDisconnectedError())
        mocked.get(LIST, payload=_page([_snapshot("nightly", 900, "old")], "cursor-2"))
        mocked.get(LIST, payload=_page([mine]))
        result = await agent.call_tool(
            "createSnapshot", {"instance_id": INSTANCE, "description": "nightly"}
        )
        queries = [q for _, q in _requests(mocked, "GET")]
    assert result.recovered
    assert result.data == {"snapshot": mine}
    assert result.metadata["recovery"]["lookups"] == 2
    assert {"cursor": ["cursor-2"], "description": ["nightly"], "per_page": ["500"]} in queries


async def test_a_success_with_an_unusable_body_is_recovered_too(agent: OCPAgent) -> None:
    mine = _snapshot("nightly", 1, "snap-new")
    with aioresponses() as mocked:
        mocked.post(
            CREATE, status=201, body='{"snapshot": {"id": ', content_type="application/json"
        )
        mocked.get(LIST, payload=_page([mine]))
        result = await agent.call_tool(
            "createSnapshot", {"instance_id": INSTANCE, "description": "nightly"}
        )
    assert result.recovered
    assert result.data == {"snapshot": mine}
    assert result.metadata["recovery"]["cause"] == "invalid_response"


async def test_a_success_with_an_unusable_body_and_no_match_says_it_took_effect(
    agent: OCPAgent,
) -> None:
    with aioresponses() as mocked:
        mocked.post(CREATE, status=201, body="<html>ok</html>", content_type="text/html")
        mocked.get(LIST, payload=_page([]))
        result = await agent.call_tool(
            "createSnapshot", {"instance_id": INSTANCE, "description": "nightly"}
        )
    assert result.error is not None
    assert result.error.code == "invalid_response"
    assert result.error.message.startswith("createSnapshot took effect (HTTP 201)")
    assert "Do not call createSnapshot again yet" in result.error.message


async def test_errors_that_prove_nothing_happened_are_not_looked_up(agent: OCPAgent) -> None:
    with aioresponses() as mocked:
        mocked.post(CREATE, status=400, payload={"error": "Invalid instance_id", "status": 400})
        result = await agent.call_tool(
            "createSnapshot", {"instance_id": INSTANCE, "description": "nightly"}
        )
        assert _requests(mocked, "GET") == []
    assert result.error is not None
    assert result.error.code == "api_error"


async def test_a_get_that_fails_is_not_looked_up(agent: OCPAgent) -> None:
    with aioresponses() as mocked:
        mocked.get(LIST, exception=TimeoutError(), repeat=True)
        result = await agent.call_tool("listSnapshots", {"description": "x"})
        assert len(_requests(mocked, "GET")) == 4
    assert result.error is not None
    assert result.error.code == "timeout"
    assert result.error.retryable is True


async def test_the_import_from_a_url_is_recovered_the_same_way(agent: OCPAgent) -> None:
    mine = _snapshot("imported", 1, "snap-imported")
    with aioresponses() as mocked:
        mocked.post(f"{BASE}/snapshots/create-from-url", exception=TimeoutError())
        mocked.get(LIST, payload=_page([mine]))
        result = await agent.call_tool(
            "createSnapshotCreateFromUrl",
            {"url": "https://example.com/disk.raw", "description": "imported"},
        )
        assert len(_requests(mocked, "POST")) == 1
    assert result.recovered
    assert result.data == {"snapshot": mine}
