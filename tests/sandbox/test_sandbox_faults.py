"""Each kind of injected fault does what it says (issue 4's fault matrix relies on them)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import aiohttp
import pytest

from ocp_vultr.sandbox import Fault, FaultKind, FaultRules, Sandbox

Post = tuple[Sandbox, aiohttp.ClientSession, dict[str, str]]


@pytest.fixture
def post(sandbox: Sandbox, http: aiohttp.ClientSession) -> Post:
    """The sandbox, a session, and a valid createSnapshot body."""
    return sandbox, http, {"instance_id": sandbox.instance_ids[0], "description": "f"}


async def _send(
    http: aiohttp.ClientSession, sb: Sandbox, body: dict[str, str], **kwargs: Any
) -> tuple[int, str, bytes, Mapping[str, str]]:
    async with http.post(sb.url("/snapshots"), json=body, **kwargs) as response:
        return response.status, response.content_type, await response.read(), response.headers


@pytest.mark.parametrize("code", [500, 503, 504, 400])
async def test_status_fault_answers_vultr_error_and_creates_nothing(post: Post, code: int) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.status(code, "injected"))
    status, kind, raw, _ = await _send(http, sb, body)
    assert (status, kind) == (code, "application/json")
    assert json.loads(raw) == {"error": "injected", "status": code}
    assert len(sb.snapshots) == 0
    assert sb.requests[0].fault == FaultKind.STATUS
    assert sb.requests[0].status == code


async def test_fault_is_spent_after_times_then_the_sandbox_behaves(post: Post) -> None:
    sb, http, body = post
    rule = sb.faults.add("POST", "/snapshots", Fault.status(503), times=2)
    statuses = [(await _send(http, sb, body))[0] for _ in range(3)]
    assert statuses == [503, 503, 201]
    assert (rule.hits, rule.remaining, rule.spent) == (2, 0, True)
    assert len(sb.faults) == 0
    assert len(sb.snapshots) == 1


async def test_fault_only_hits_its_route_and_method(post: Post) -> None:
    sb, http, body = post
    sb.faults.add("GET", "/snapshots/{id}", Fault.status(500), times=None)
    assert (await _send(http, sb, body))[0] == 201
    async with http.get(sb.url("/snapshots")) as listed:
        assert listed.status == 200
    for _ in range(2):
        async with http.get(sb.url("/snapshots/anything")) as one:
            assert one.status == 500
    sb.faults.clear()
    async with http.get(sb.url("/snapshots/anything")) as one:
        assert one.status == 404


async def test_performed_status_fault_creates_the_snapshot(post: Post) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.status(500, performed=True))
    status, _, raw, _ = await _send(http, sb, body)
    assert status == 500
    assert json.loads(raw)["status"] == 500
    assert len(sb.snapshots) == 1


async def test_message_key_variant(post: Post) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.status(400, "nope", error_key="message"))
    _, _, raw, _ = await _send(http, sb, body)
    assert json.loads(raw) == {"message": "nope", "status": 400}


async def test_html_502_is_not_json(post: Post) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.html(502))
    status, kind, raw, _ = await _send(http, sb, body)
    assert (status, kind) == (502, "text/html")
    assert b"<title>502 Bad Gateway</title>" in raw
    assert len(sb.snapshots) == 0


@pytest.mark.parametrize(("retry_after", "header"), [(2, "2"), (None, None), ("0.5", "0.5")])
async def test_429_with_or_without_retry_after(
    post: Post, retry_after: float | str | None, header: str | None
) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.rate_limited(retry_after))
    status, _, raw, headers = await _send(http, sb, body)
    assert status == 429
    assert headers.get("Retry-After") == header
    assert json.loads(raw) == {"error": "Rate limit exceeded.", "status": 429}
    assert len(sb.snapshots) == 0


async def test_delay_outlasts_a_client_timeout_but_the_snapshot_exists(post: Post) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.delay(5.0))
    with pytest.raises(TimeoutError):
        await _send(http, sb, body, timeout=aiohttp.ClientTimeout(total=0.2))
    assert len(sb.snapshots) == 1
    assert sb.requests[0].fault == FaultKind.DELAY


async def test_short_delay_still_answers_normally(post: Post) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.delay(0.05))
    status, _, raw, _ = await _send(http, sb, body)
    assert status == 201
    assert json.loads(raw)["snapshot"]["status"] == "pending"


@pytest.mark.parametrize(("performed", "created"), [(True, 1), (False, 0)])
async def test_drop_closes_the_connection_after_reading_the_body(
    post: Post, performed: bool, created: int
) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.drop(performed=performed))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await _send(http, sb, body)
    assert len(sb.snapshots) == created
    assert sb.requests[0].body == body
    assert sb.requests[0].status is None


async def test_malformed_json_with_the_success_status(post: Post) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.malformed_json())
    status, kind, raw, _ = await _send(http, sb, body)
    assert (status, kind) == (201, "application/json")
    with pytest.raises(ValueError, match=r"Expecting|Unterminated"):
        json.loads(raw)
    assert len(sb.snapshots) == 1


async def test_wrong_content_type_201(post: Post) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.wrong_content_type())
    status, kind, raw, _ = await _send(http, sb, body)
    assert (status, kind) == (201, "text/html")
    assert json.loads(raw)["snapshot"]["status"] == "pending"


async def test_schema_violation_keeps_status_and_breaks_the_shape(post: Post) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.schema_violation())
    sb.faults.add("POST", "/snapshots", Fault.schema_violation({"snapshot": {"id": 7}}))
    first = await _send(http, sb, body)
    second = await _send(http, sb, body)
    assert (first[0], json.loads(first[2])) == (201, {"snapshot": "corrupted"})
    assert (second[0], json.loads(second[2])) == (201, {"snapshot": {"id": 7}})


@pytest.mark.parametrize("chunked", [False, True])
async def test_oversized_body_is_valid_json_of_the_size_asked(post: Post, chunked: bool) -> None:
    sb, http, body = post
    sb.faults.add("POST", "/snapshots", Fault.oversized(200_000, chunked=chunked))
    status, _, raw, headers = await _send(http, sb, body)
    assert status == 201
    assert len(raw) >= 200_000
    assert json.loads(raw)["snapshot"]["status"] == "pending"
    assert ("Content-Length" in headers) is not chunked


def test_fault_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="negative"):
        Fault.delay(-1)
    with pytest.raises(ValueError, match="times"):
        FaultRules().add("GET", "*", Fault.status(500), times=0)


async def test_spoiled_answers_keep_the_route_success_status_when_refused(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.faults.add("PUT", "/snapshots/{id}", Fault.schema_violation({"odd": 1}))
    sandbox.faults.add("GET", "/snapshots/{id}", Fault.malformed_json())
    async with http.put(sandbox.url("/snapshots/missing"), json={"description": "x"}) as put:
        assert (put.status, await put.json()) == (200, {"odd": 1})  # a 204 cannot carry it
    async with http.get(sandbox.url("/snapshots/missing")) as get:
        assert get.status == 200
        assert get.content_type == "application/json"


async def test_request_log_slices_like_a_list(post: Post) -> None:
    sb, http, body = post
    for _ in range(3):
        await _send(http, sb, body)
    assert [r.status for r in sb.requests[-2:]] == [201, 201]
    assert sb.requests[0] is next(iter(sb.requests))
    assert len(sb.requests[:]) == 3
