"""The fault matrix of issue 4: each sandbox fault, the call it spoils and what must come of it.

Shared by the fault-matrix test and the secrets canary, which runs the whole matrix again.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Any

from reliability_support import fast_agent

from ocp_vultr import OCPAgent, ToolResult
from ocp_vultr.sandbox import Fault, Sandbox

TIMEOUT = 0.5
"""Seconds per attempt in the matrix; the slow fault answers after three times as long."""
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Case:
    """One row: a fault on a route, a call, and what must follow."""

    name: str
    method: str
    fault: Fault | None
    times: int | None = 1
    tool: str = "createSnapshot"
    ok: bool = False
    recovered: bool = False
    code: str | None = None
    retryable: bool | None = None
    says: tuple[str, ...] = ()
    requests: dict[str, int] = field(default_factory=dict)
    """Requests the server received, by method."""
    snapshots: int = 0
    """Snapshots that exist afterwards (the call makes at most one)."""
    refused: bool = False
    """Point the agent at a port where nothing listens."""


def _unknown(status: str, *more: str) -> tuple[str, ...]:
    return (
        "createSnapshot may have taken effect",
        status,
        "Do not call createSnapshot again yet",
        'call listSnapshots with {"description": ',
        *more,
    )


CREATE_CASES = [
    Case(
        "429 with Retry-After",
        "POST",
        Fault.rate_limited(1),
        ok=True,
        requests={"POST": 2},
        snapshots=1,
    ),
    Case(
        "429 without Retry-After",
        "POST",
        Fault.rate_limited(None),
        ok=True,
        requests={"POST": 2},
        snapshots=1,
    ),
    Case(
        "429 every time",
        "POST",
        Fault.rate_limited(0),
        times=None,
        code="rate_limited",
        retryable=True,
        says=("Rate limited by Vultr (HTTP 429",),
        requests={"POST": 4},
    ),
    Case(
        "500 before acting",
        "POST",
        Fault.status(500),
        code="outcome_unknown",
        retryable=False,
        says=_unknown("HTTP 500", "shows no item"),
        requests={"POST": 1, "GET": 1},
    ),
    Case(
        "500 after acting",
        "POST",
        Fault.status(500, performed=True),
        ok=True,
        recovered=True,
        requests={"POST": 1, "GET": 1},
        snapshots=1,
    ),
    Case(
        "502 HTML page",
        "POST",
        Fault.html(502),
        code="outcome_unknown",
        retryable=False,
        says=_unknown("HTTP 502 (502 Bad Gateway)"),
        requests={"POST": 1, "GET": 1},
    ),
    Case(
        "503",
        "POST",
        Fault.status(503),
        code="outcome_unknown",
        retryable=False,
        says=_unknown("HTTP 503"),
        requests={"POST": 1, "GET": 1},
    ),
    Case(
        "504 after acting",
        "POST",
        Fault.html(504, performed=True),
        ok=True,
        recovered=True,
        requests={"POST": 1, "GET": 1},
        snapshots=1,
    ),
    Case(
        "slower than the timeout",
        "POST",
        Fault.delay(TIMEOUT * 3),
        ok=True,
        recovered=True,
        requests={"POST": 1, "GET": 1},
        snapshots=1,
    ),
    Case(
        "dropped after the body was read",
        "POST",
        Fault.drop(),
        ok=True,
        recovered=True,
        requests={"POST": 1, "GET": 1},
        snapshots=1,
    ),
    Case(
        "dropped before acting",
        "POST",
        Fault.drop(performed=False),
        code="outcome_unknown",
        retryable=False,
        says=_unknown("the connection broke after the request was sent"),
        requests={"POST": 1, "GET": 1},
    ),
    Case(
        "connection refused",
        "POST",
        None,
        refused=True,
        code="network_error",
        retryable=True,
        says=("could not reach 127.0.0.1",),
    ),
    Case(
        "malformed JSON",
        "POST",
        Fault.malformed_json(),
        ok=True,
        recovered=True,
        requests={"POST": 1, "GET": 1},
        snapshots=1,
    ),
    Case(
        "wrong content type",
        "POST",
        Fault.wrong_content_type(),
        ok=True,
        recovered=True,
        requests={"POST": 1, "GET": 1},
        snapshots=1,
    ),
    Case(
        "schema violation",
        "POST",
        Fault.schema_violation(),
        ok=True,
        recovered=True,
        requests={"POST": 1, "GET": 1},
        snapshots=1,
    ),
    Case(
        "oversized body",
        "POST",
        Fault.oversized(MAX_BODY * 4),
        ok=True,
        recovered=True,
        requests={"POST": 1, "GET": 1},
        snapshots=1,
    ),
    Case(
        "oversized chunked body",
        "POST",
        Fault.oversized(MAX_BODY * 4, chunked=True),
        ok=True,
        recovered=True,
        requests={"POST": 1, "GET": 1},
        snapshots=1,
    ),
]

LIST_CASES = [
    Case(
        "GET 503 twice",
        "GET",
        Fault.status(503),
        times=2,
        tool="listSnapshots",
        ok=True,
        requests={"GET": 3},
    ),
    Case(
        "GET 502 HTML", "GET", Fault.html(502), tool="listSnapshots", ok=True, requests={"GET": 2}
    ),
    Case(
        "GET 504 every time",
        "GET",
        Fault.status(504),
        times=None,
        tool="listSnapshots",
        code="server_error",
        retryable=True,
        says=("HTTP 504",),
        requests={"GET": 4},
    ),
    Case(
        "GET 500",
        "GET",
        Fault.status(500),
        tool="listSnapshots",
        code="server_error",
        retryable=True,
        says=("HTTP 500",),
        requests={"GET": 1},
    ),
    Case(
        "GET slower than the timeout",
        "GET",
        Fault.delay(TIMEOUT * 3),
        tool="listSnapshots",
        ok=True,
        requests={"GET": 2},
    ),
    Case("GET dropped", "GET", Fault.drop(), tool="listSnapshots", ok=True, requests={"GET": 2}),
    Case(
        "GET 429",
        "GET",
        Fault.rate_limited(None),
        tool="listSnapshots",
        ok=True,
        requests={"GET": 2},
    ),
    Case(
        "GET malformed JSON",
        "GET",
        Fault.malformed_json(),
        tool="listSnapshots",
        code="invalid_response",
        retryable=False,
        says=("not valid JSON",),
        requests={"GET": 1},
    ),
    Case(
        "GET wrong content type",
        "GET",
        Fault.wrong_content_type(),
        tool="listSnapshots",
        code="invalid_response",
        retryable=False,
        says=("expected a JSON answer",),
        requests={"GET": 1},
    ),
    Case(
        "GET schema violation",
        "GET",
        Fault.schema_violation(),
        tool="listSnapshots",
        code="invalid_response",
        retryable=False,
        says=("does not match its schema",),
        requests={"GET": 1},
    ),
    Case(
        "GET oversized",
        "GET",
        Fault.oversized(MAX_BODY * 4),
        tool="listSnapshots",
        code="invalid_response",
        retryable=False,
        says=(f"larger than {MAX_BODY} bytes",),
        requests={"GET": 1},
    ),
]

CASES = CREATE_CASES + LIST_CASES


def closed_port_url() -> str:
    """A loopback base URL where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v2"


def matrix_agent(base_url: str, **options: Any) -> OCPAgent:
    """The agent the matrix runs with: small timeout and body cap, tiny backoff, no limiter."""
    return fast_agent(base_url, timeout=TIMEOUT, max_response_bytes=MAX_BODY, **options)


async def run_case(
    sb: Sandbox, case: Case, **options: Any
) -> tuple[ToolResult, dict[str, int], int]:
    """Run one row: its result, the requests the sandbox got by method, snapshots added."""
    sb.faults.clear()
    if case.fault is not None:
        sb.faults.add(case.method, "/snapshots", case.fault, times=case.times)
    seen, existing = len(sb.requests), len(sb.snapshots)
    description = f"matrix {case.name}"
    arguments: dict[str, Any] = (
        {"instance_id": sb.instance_ids[0], "description": description}
        if case.tool == "createSnapshot"
        else {"description": description}
    )
    async with matrix_agent(closed_port_url() if case.refused else sb.base_url, **options) as agent:
        result = await agent.call_tool(case.tool, arguments)
    sb.faults.clear()
    received: dict[str, int] = {}
    for request in list(sb.requests)[seen:]:
        received[request.method] = received.get(request.method, 0) + 1
    return result, received, len(sb.snapshots) - existing
