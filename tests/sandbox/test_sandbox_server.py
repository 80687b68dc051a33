"""The sandbox itself: Vultr's shapes and status codes, auth, paging, validation, rate limit."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from ocp_vultr.sandbox import Sandbox, SandboxConfig, create_app, run_sandbox
from ocp_vultr.sandbox.app import SANDBOX_STATE
from ocp_vultr.sandbox.client_limit import PerClientLimit, retry_after_header
from ocp_vultr.sandbox.patterns import RoutePattern

SNAPSHOT_KEYS = {
    "id",
    "date_created",
    "description",
    "size",
    "compressed_size",
    "status",
    "os_id",
    "app_id",
}


async def _json(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, Any]:
    async with http.request(method, url, **kwargs) as response:
        text = await response.text()
        return response.status, (await response.json()) if text else None


async def _create(http: aiohttp.ClientSession, sb: Sandbox, description: str = "d") -> str:
    status, body = await _json(
        http,
        "POST",
        sb.url("/snapshots"),
        json={"instance_id": sb.instance_ids[0], "description": description},
    )
    assert status == 201
    return str(body["snapshot"]["id"])


async def test_listens_on_loopback_with_seeded_instances(sandbox: Sandbox) -> None:
    assert sandbox.base_url == f"http://127.0.0.1:{sandbox.port}/v2"
    assert sandbox.port > 0
    assert len(sandbox.instance_ids) == 3
    assert len(sandbox.snapshots) == 0
    assert len(sandbox.requests) == 0
    assert len(sandbox.faults) == 0


async def test_create_answers_201_pending_with_zero_sizes(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _json(
        http,
        "POST",
        sandbox.url("/snapshots"),
        json={"instance_id": sandbox.instance_ids[1], "description": "nightly"},
    )
    assert status == 201
    snapshot = body["snapshot"]
    assert set(snapshot) == SNAPSHOT_KEYS
    assert snapshot["status"] == "pending"
    assert (snapshot["size"], snapshot["compressed_size"]) == (0, 0)
    assert snapshot["description"] == "nightly"
    assert snapshot["date_created"].endswith("+00:00")
    assert snapshot["id"] in sandbox.snapshots


async def test_snapshot_completes_after_the_delay_with_sizes(key: str) -> None:
    async with (
        run_sandbox(complete_after=0.05, rate_limit=None) as sb,
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {key}"}) as http,
    ):
        snapshot_id = await _create(http, sb)
        await asyncio.sleep(0.2)
        status, body = await _json(http, "GET", sb.url(f"/snapshots/{snapshot_id}"))
    assert status == 200
    assert body["snapshot"]["status"] == "complete"
    assert body["snapshot"]["size"] > body["snapshot"]["compressed_size"] > 0


async def test_complete_after_none_stays_pending_until_forced(
    http: aiohttp.ClientSession,
) -> None:
    async with run_sandbox(complete_after=None, rate_limit=None) as sb:
        snapshot_id = await _create(http, sb)
        assert sb.snapshots.get(snapshot_id)["status"] == "pending"  # type: ignore[index]
        sb.snapshots.complete(snapshot_id)
        _, body = await _json(http, "GET", sb.url(f"/snapshots/{snapshot_id}"))
    assert body["snapshot"]["status"] == "complete"


async def test_unknown_instance_is_400_with_vultr_error_body(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _json(
        http, "POST", sandbox.url("/snapshots"), json={"instance_id": "no-such-instance"}
    )
    assert status == 400
    assert body == {
        "error": "Invalid instance_id: no instance with that ID in this account.",
        "status": 400,
    }
    assert len(sandbox.snapshots) == 0


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({}, "missing required argument 'instance_id'"),
        ({"instance_id": 5}, "$.instance_id: must be a string"),
        ({"instance_id": ""}, "$.instance_id: must not be empty"),
        ({"instance_id": "x", "size": 1}, "unexpected argument 'size'"),
        ([1, 2], "the request body must be a JSON object"),
    ],
)
async def test_bad_create_bodies_are_400_using_the_tool_schema(
    sandbox: Sandbox, http: aiohttp.ClientSession, payload: Any, expected: str
) -> None:
    status, body = await _json(http, "POST", sandbox.url("/snapshots"), json=payload)
    assert status == 400
    assert body["status"] == 400
    assert expected in body["error"]
    assert len(sandbox.snapshots) == 0


async def test_body_that_is_not_json_is_400(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    status, body = await _json(http, "POST", sandbox.url("/snapshots"), data=b"{not json")
    assert (status, body) == (400, {"error": "Invalid JSON in the request body.", "status": 400})


async def test_bearer_key_required_any_key_accepted_by_default(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession() as bare:
        status, body = await _json(bare, "GET", sandbox.url("/snapshots"))
        assert (status, body["status"]) == (401, 401)
        assert "Bearer" in body["error"]
        status, _ = await _json(
            bare, "GET", sandbox.url("/snapshots"), headers={"Authorization": "Bearer anything"}
        )
        assert status == 200


async def test_configured_key_is_the_only_one_accepted() -> None:
    async with (
        run_sandbox(api_key="right-key-123456", rate_limit=None) as sb,
        aiohttp.ClientSession() as bare,
    ):
        wrong = await _json(
            bare, "GET", sb.url("/snapshots"), headers={"Authorization": "Bearer wrong-key"}
        )
        right = await _json(
            bare, "GET", sb.url("/snapshots"), headers={"Authorization": "Bearer right-key-123456"}
        )
    assert wrong == (401, {"error": "Invalid API token.", "status": 401})
    assert right[0] == 200


async def test_paging_follows_opaque_cursors_and_reports_total(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    created = [await _create(http, sandbox, f"s{i}") for i in range(5)]
    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        params = {"per_page": "2", **({"cursor": cursor} if cursor else {})}
        status, body = await _json(http, "GET", sandbox.url("/snapshots"), params=params)
        assert status == 200
        assert body["meta"]["total"] == 5
        seen += [s["id"] for s in body["snapshots"]]
        pages += 1
        cursor = body["meta"]["links"]["next"]
        if not cursor:
            break
        assert not cursor.isdigit()  # opaque, not an offset a client could compute
    assert seen == created
    assert pages == 3
    assert body["meta"]["links"]["prev"] != ""


async def test_default_page_is_100_and_filter_by_description(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    for i in range(103):
        sandbox.snapshots.create("bulk" if i % 2 else "other")
    status, body = await _json(http, "GET", sandbox.url("/snapshots"))
    assert (status, len(body["snapshots"]), body["meta"]["total"]) == (200, 100, 103)
    _, only = await _json(
        http, "GET", sandbox.url("/snapshots"), params={"description": "bulk", "per_page": "500"}
    )
    assert only["meta"]["total"] == 51
    assert {s["description"] for s in only["snapshots"]} == {"bulk"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"per_page": "0"}, "$.per_page: must be at least 1"),
        ({"per_page": "501"}, "$.per_page: must be at most 500"),
        ({"per_page": "ten"}, "$.per_page: must be an integer"),
        ({"cursor": "not-a-cursor"}, "Invalid cursor."),
    ],
)
async def test_bad_list_queries_are_400(
    sandbox: Sandbox, http: aiohttp.ClientSession, params: dict[str, str], expected: str
) -> None:
    status, body = await _json(http, "GET", sandbox.url("/snapshots"), params=params)
    assert status == 400
    assert expected in body["error"]


async def test_update_delete_and_get_after_delete(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    snapshot_id = await _create(http, sandbox, "old")
    url = sandbox.url(f"/snapshots/{snapshot_id}")
    assert await _json(http, "PUT", url, json={"description": "new"}) == (204, None)
    assert sandbox.snapshots.get(snapshot_id)["description"] == "new"  # type: ignore[index]
    status, body = await _json(http, "PUT", url, json={})
    assert status == 400
    assert "missing required argument 'description'" in body["error"]
    assert await _json(http, "DELETE", url) == (204, None)
    gone = (404, {"error": "Snapshot not found.", "status": 404})
    assert await _json(http, "GET", url) == gone
    assert await _json(http, "DELETE", url) == gone
    assert snapshot_id not in sandbox.snapshots


async def test_deleted_snapshot_lingers_with_status_deleted_when_configured(
    http: aiohttp.ClientSession,
) -> None:
    async with run_sandbox(deleted_linger=60, rate_limit=None) as sb:
        snapshot_id = await _create(http, sb)
        assert (await _json(http, "DELETE", sb.url(f"/snapshots/{snapshot_id}")))[0] == 204
        status, body = await _json(http, "GET", sb.url(f"/snapshots/{snapshot_id}"))
    assert (status, body["snapshot"]["status"]) == (200, "deleted")


async def test_create_from_url_answers_202_and_checks_the_url(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    url = sandbox.url("/snapshots/create-from-url")
    status, body = await _json(
        http, "POST", url, json={"url": "https://example.com/disk.raw", "uefi": True}
    )
    assert (status, body["snapshot"]["status"]) == (202, "pending")
    status, body = await _json(http, "POST", url, json={"url": "ftp://x", "uefi": "yes"})
    assert status == 400
    assert "$.url: must match the pattern" in body["error"]
    assert "$.uefi: must be a boolean" in body["error"]
    assert len(sandbox.snapshots) == 1


async def test_unknown_route_is_404_and_wrong_method_405(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    assert await _json(http, "GET", sandbox.url("/instances")) == (
        404,
        {"error": "Invalid API endpoint.", "status": 404},
    )
    status, body = await _json(http, "PATCH", sandbox.url("/snapshots"))
    assert (status, body["status"]) == (405, 405)


async def test_every_request_is_recorded(
    sandbox: Sandbox, http: aiohttp.ClientSession, key: str
) -> None:
    await _create(http, sandbox, "recorded")
    await _json(http, "GET", sandbox.url("/snapshots"), params={"per_page": "7"})
    first, second = list(sandbox.requests)
    assert (first.method, first.path, first.status) == ("POST", "/v2/snapshots", 201)
    assert first.body == {"instance_id": sandbox.instance_ids[0], "description": "recorded"}
    assert first.headers["Authorization"] == f"Bearer {key}"
    assert (second.method, second.query, second.body) == ("GET", {"per_page": "7"}, None)
    assert sandbox.requests.count("POST", "/snapshots") == 1
    assert sandbox.requests.count("GET", "*") == 1
    assert first.time <= second.time


async def test_rate_limit_answers_429_with_retry_after(key: str) -> None:
    async with (
        run_sandbox(rate_limit=2) as sb,
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {key}"}) as http,
    ):
        answers = []
        for _ in range(4):
            async with http.get(sb.url("/snapshots")) as response:
                answers.append(
                    (response.status, response.headers.get("Retry-After"), await response.json())
                )
    limited = [a for a in answers if a[0] == 429]
    assert limited, answers
    assert limited[0][1] == "1"
    assert limited[0][2] == {"error": "Rate limit exceeded.", "status": 429}
    assert [a[0] for a in answers[:2]] == [200, 200]


def test_per_client_limit_is_a_sliding_second_per_client() -> None:
    now = [100.0]
    limit = PerClientLimit(2, clock=lambda: now[0])
    assert [limit.check("a"), limit.check("a")] == [0.0, 0.0]
    assert limit.check("a") == pytest.approx(1.0)
    assert limit.check("b") == 0.0
    now[0] += 0.5
    assert limit.check("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert limit.check("a") == 0.0
    assert retry_after_header(0.2) == "1"
    assert retry_after_header(1.2) == "2"


def test_create_app_exposes_its_state() -> None:
    app = create_app(SandboxConfig(instance_ids=("only-one",)))
    assert app[SANDBOX_STATE].instance_ids == ("only-one",)


def test_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="rate_limit"):
        SandboxConfig(rate_limit=0)
    with pytest.raises(ValueError, match="instance"):
        SandboxConfig(instance_ids=())


@pytest.mark.parametrize(
    ("method", "pattern", "request_method", "path", "expected"),
    [
        ("POST", "/snapshots", "POST", "/v2/snapshots", True),
        ("POST", "/v2/snapshots", "POST", "/v2/snapshots/", True),
        ("POST", "/snapshots", "GET", "/v2/snapshots", False),
        ("*", "/snapshots", "GET", "/v2/snapshots", True),
        ("GET", "/snapshots/{id}", "GET", "/v2/snapshots/abc", True),
        ("GET", "/snapshots/{id}", "GET", "/v2/snapshots", False),
        ("GET", "/snapshots/*", "GET", "/v2/snapshots/a/b", False),
        ("GET", "/snapshots*", "GET", "/v2/snapshots/a/b", True),
        ("get", "*", "GET", "/anything", True),
    ],
)
def test_route_patterns(
    method: str, pattern: str, request_method: str, path: str, expected: bool
) -> None:
    assert RoutePattern(method, pattern).matches(request_method, path) is expected
