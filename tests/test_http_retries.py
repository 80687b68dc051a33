"""The HTTP layer's retries, unit-tested with aioresponses: what is resent, how often, how long."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from ocp_vultr.errors import NetworkError, RequestTimeoutError, ToolError
from ocp_vultr.http_caller import HttpCaller, HttpSettings
from ocp_vultr.rate_limit import RequestWindow, SlidingWindowLimiter
from ocp_vultr.request import HttpRequest
from ocp_vultr.retry import RetryPolicy
from ocp_vultr.secret import ApiKey

URL_ = "https://api.example.test/v2/snapshots"
KEY = ApiKey("unit-test-key-0001")
GET = HttpRequest("GET", URL_, tool_name="listSnapshots")
POST = HttpRequest("POST", URL_, body={"instance_id": "i-1"}, tool_name="createSnapshot")
CONNECT_FAILED = aiohttp.ClientConnectorError(
    aiohttp.client_reqrep.ConnectionKey("api.example.test", 443, True, True, None, None, None),
    OSError(111, "Connection refused"),
)


@pytest.fixture
async def caller() -> AsyncIterator[HttpCaller]:
    caller = HttpCaller(HttpSettings(timeout=1.0), RetryPolicy(base_delay=0.01, max_delay=0.02))
    caller.waits = []  # type: ignore[attr-defined]

    async def record(seconds: float) -> None:
        caller.waits.append(seconds)  # type: ignore[attr-defined]

    caller._sleep = record  # type: ignore[assignment]  # no real waiting: the waits asked for are recorded
    yield caller
    await caller.aclose()


def _sent(mocked: aioresponses, method: str) -> int:
    return len((mocked.requests or {}).get((method, URL(URL_)), []))


@pytest.mark.parametrize("status", [429, 502, 503, 504])
async def test_get_is_retried_on_retryable_statuses(caller: HttpCaller, status: int) -> None:
    with aioresponses() as mocked:
        mocked.get(URL_, status=status, payload={"error": "busy", "status": status})
        mocked.get(URL_, status=200, payload={"snapshots": []})
        response = await caller.send(GET, KEY)
        assert (response.status, response.attempts) == (200, 2)
        assert _sent(mocked, "GET") == 2


@pytest.mark.parametrize("status", [400, 401, 404, 500])
async def test_get_is_not_retried_on_other_statuses(caller: HttpCaller, status: int) -> None:
    with aioresponses() as mocked:
        mocked.get(URL_, status=status, payload={"error": "no", "status": status}, repeat=True)
        response = await caller.send(GET, KEY)
        assert (response.status, response.attempts) == (status, 1)
        assert _sent(mocked, "GET") == 1


@pytest.mark.parametrize(
    "exception",
    [TimeoutError(), aiohttp.ServerDisconnectedError(), CONNECT_FAILED],
    ids=["timeout", "disconnected", "refused"],
)
async def test_get_is_retried_after_lost_answers(caller: HttpCaller, exception: Exception) -> None:
    with aioresponses() as mocked:
        mocked.get(URL_, exception=exception)
        mocked.get(URL_, status=200, payload={"snapshots": []})
        response = await caller.send(GET, KEY)
        assert (response.status, response.attempts) == (200, 2)


async def test_attempts_are_capped_at_max_attempts(caller: HttpCaller) -> None:
    with aioresponses() as mocked:
        mocked.get(URL_, status=503, body="down", repeat=True)
        response = await caller.send(GET, KEY)
        assert (response.status, response.attempts) == (503, 4)
        assert _sent(mocked, "GET") == 4
        assert len(caller.waits) == 3  # type: ignore[attr-defined]
        assert all(0 <= w <= 0.02 for w in caller.waits)  # type: ignore[attr-defined]


async def test_a_post_is_resent_after_429(caller: HttpCaller) -> None:
    with aioresponses() as mocked:
        mocked.post(URL_, status=429, headers={"Retry-After": "2"}, payload={"error": "slow"})
        mocked.post(URL_, status=201, payload={"snapshot": {}})
        response = await caller.send(POST, KEY)
        assert (response.status, response.attempts) == (201, 2)
        assert caller.waits == [2.0]  # type: ignore[attr-defined]


async def test_a_post_is_resent_when_the_connection_never_opened(caller: HttpCaller) -> None:
    with aioresponses() as mocked:
        mocked.post(URL_, exception=CONNECT_FAILED)
        mocked.post(URL_, status=201, payload={"snapshot": {}})
        response = await caller.send(POST, KEY)
        assert (response.status, response.attempts) == (201, 2)
        assert _sent(mocked, "POST") == 2


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_a_post_is_never_resent_after_a_5xx(caller: HttpCaller, status: int) -> None:
    with aioresponses() as mocked:
        mocked.post(URL_, status=status, body="<html>bad gateway</html>", repeat=True)
        response = await caller.send(POST, KEY)
        assert (response.status, response.attempts) == (status, 1)
        assert _sent(mocked, "POST") == 1


@pytest.mark.parametrize(
    ("exception", "error_class"),
    [(TimeoutError(), RequestTimeoutError), (aiohttp.ServerDisconnectedError(), NetworkError)],
)
async def test_a_post_that_may_have_arrived_is_never_resent(
    caller: HttpCaller, exception: Exception, error_class: type[ToolError]
) -> None:
    with aioresponses() as mocked:
        mocked.post(URL_, exception=exception, repeat=True)
        with pytest.raises(error_class) as raised:
            await caller.send(POST, KEY)
        assert _sent(mocked, "POST") == 1
        assert raised.value.details["attempts"] == 1
        assert raised.value.details["reached_server"] is True


async def test_a_post_marked_idempotent_in_the_manifest_is_retried(caller: HttpCaller) -> None:
    request = HttpRequest("POST", URL_, body={}, tool_name="reboot", idempotent=True)
    with aioresponses() as mocked:
        mocked.post(URL_, status=503, body="down")
        mocked.post(URL_, status=204)
        response = await caller.send(request, KEY)
        assert (response.status, response.attempts) == (204, 2)


async def test_a_retry_after_beyond_the_cap_is_not_waited_for(caller: HttpCaller) -> None:
    with aioresponses() as mocked:
        mocked.get(URL_, status=429, headers={"Retry-After": "3600"}, body="{}", repeat=True)
        response = await caller.send(GET, KEY)
        assert (response.status, response.attempts, response.retry_after) == (429, 1, 3600.0)
        assert caller.waits == []  # type: ignore[attr-defined]


async def test_a_retry_after_http_date_is_honoured(caller: HttpCaller) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    with aioresponses() as mocked:
        mocked.get(URL_, status=503, headers={"Retry-After": when}, body="down")
        mocked.get(URL_, status=200, payload={"snapshots": []})
        response = await caller.send(GET, KEY)
        assert response.status == 200
        (wait,) = caller.waits  # type: ignore[attr-defined]
        assert 25.0 < wait <= 30.0


@pytest.mark.parametrize(("retry_after", "paused"), [("5", 5.0), (None, 1.0), ("86400", 60.0)])
async def test_a_429_pauses_every_caller_of_the_shared_window(
    retry_after: str | None, paused: float
) -> None:
    caller = HttpCaller(HttpSettings(timeout=1.0), RetryPolicy(max_attempts=1))
    window = RequestWindow()
    headers = {"Retry-After": retry_after} if retry_after else {}
    try:
        with aioresponses() as mocked:
            mocked.get(URL_, status=429, headers=headers, body="{}")
            response = await caller.send(GET, KEY, limiter=SlidingWindowLimiter(30, window))
            assert response.status == 429
    finally:
        await caller.aclose()
    # The pause is Retry-After (1 s without one), capped at max_retry_after (60 s).
    assert paused - 1.0 < window.paused_for() <= paused
    # Any other caller sharing the window now waits for the pause.
    ticket = window.enqueue()
    assert window.admit(ticket, 30, 1.0) > paused - 1.0
    window.leave(ticket)


async def test_certificate_errors_are_not_retried(caller: HttpCaller) -> None:
    error = aiohttp.ClientConnectorCertificateError(
        CONNECT_FAILED._conn_key, Exception("certificate verify failed")
    )
    with aioresponses() as mocked:
        mocked.get(URL_, exception=error, repeat=True)
        with pytest.raises(NetworkError) as raised:
            await caller.send(GET, KEY)
        assert _sent(mocked, "GET") == 1
        assert raised.value.retryable is False


async def test_no_retry_starts_that_would_end_past_the_deadline() -> None:
    caller = HttpCaller(
        HttpSettings(timeout=1.0), RetryPolicy(base_delay=0.01, max_retry_after=60, deadline=3.0)
    )
    try:
        with aioresponses() as mocked:
            mocked.get(URL_, status=503, headers={"Retry-After": "10"}, body="x", repeat=True)
            response = await caller.send(GET, KEY)
            assert (response.status, response.attempts) == (503, 1)
    finally:
        await caller.aclose()


async def test_the_key_is_sent_only_in_the_authorization_header(caller: HttpCaller) -> None:
    with aioresponses() as mocked:
        mocked.post(URL_, status=201, payload={"snapshot": {}})
        await caller.send(POST, KEY, headers={"X-Trace": "1"})
        (call,) = (mocked.requests or {})[("POST", URL(URL_))]
        headers = call.kwargs["headers"]
        assert headers["Authorization"] == f"Bearer {KEY.reveal()}"
        assert headers["X-Trace"] == "1"
        others = {k: v for k, v in headers.items() if k != "Authorization"}
        assert KEY.reveal() not in repr(others)
        assert call.kwargs["data"] == b'{"instance_id":"i-1"}'
