"""The fault matrix of issue 4: each sandbox fault, the call it spoils and what must come of it.

Shared by the fault-matrix test and the secrets canary, which runs the whole matrix again.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Any

from ocp_vultr import OCPAgent, ToolResult
from ocp_vultr.sandbox import Fault, Sandbox

from .reliability_support import fast_agent

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


def recovered(name: str, fault: Fault) -> Case:
    """A create whose answer is lost after it took effect: found again, one request each."""
    return Case(
        name, "POST", fault, ok=True, recovered=True, requests={"POST": 1, "GET": 1}, snapshots=1
    )


def unknown(name: str, fault: Fault, cause: str) -> Case:
    """A create whose answer is lost and that made nothing: outcome_unknown, never resent."""
    says = (
        "createSnapshot may have taken effect",
        cause,
        "shows no item with description",
        "Do not call createSnapshot again yet",
        'call listSnapshots with {"description": ',
    )
    return Case(
        name,
        "POST",
        fault,
        code="outcome_unknown",
        retryable=False,
        says=says,
        requests={"POST": 1, "GET": 1},
    )


def answered(name: str, fault: Fault, requests: int, times: int | None = 1) -> Case:
    """A read that succeeds after ``requests`` attempts."""
    return Case(
        name, "GET", fault, times=times, tool="listSnapshots", ok=True, requests={"GET": requests}
    )


def failed(
    name: str,
    fault: Fault,
    code: str,
    says: str,
    requests: int,
    *,
    retryable: bool,
    times: int | None = 1,
) -> Case:
    """A read that fails with ``code`` after ``requests`` attempts."""
    return Case(
        name,
        "GET",
        fault,
        times=times,
        tool="listSnapshots",
        code=code,
        retryable=retryable,
        says=(says,),
        requests={"GET": requests},
    )


# fmt: off
CREATE_CASES = [
    Case("429 with Retry-After", "POST", Fault.rate_limited(1), ok=True,
         requests={"POST": 2}, snapshots=1),
    Case("429 without Retry-After", "POST", Fault.rate_limited(None), ok=True,
         requests={"POST": 2}, snapshots=1),
    Case("429 every time", "POST", Fault.rate_limited(0), times=None, code="rate_limited",
         retryable=True, says=("Rate limited by Vultr (HTTP 429",), requests={"POST": 4}),
    Case("connection refused", "POST", None, refused=True, code="network_error",
         retryable=True, says=("could not reach 127.0.0.1",)),
    unknown("500 before acting", Fault.status(500), "the server answered HTTP 500"),
    unknown("502 HTML page", Fault.html(502), "HTTP 502 (502 Bad Gateway)"),
    unknown("503", Fault.status(503), "the server answered HTTP 503"),
    unknown("dropped before acting", Fault.drop(performed=False),
            "the connection broke after the request was sent"),
    recovered("500 after acting", Fault.status(500, performed=True)),
    recovered("504 after acting", Fault.html(504, performed=True)),
    recovered("slower than the timeout", Fault.delay(TIMEOUT * 3)),
    recovered("dropped after the body was read", Fault.drop()),
    recovered("malformed JSON", Fault.malformed_json()),
    recovered("wrong content type", Fault.wrong_content_type()),
    recovered("schema violation", Fault.schema_violation()),
    recovered("oversized body", Fault.oversized(MAX_BODY * 4)),
    recovered("oversized chunked body", Fault.oversized(MAX_BODY * 4, chunked=True)),
]

LIST_CASES = [
    answered("GET 503 twice", Fault.status(503), 3, times=2),
    answered("GET 502 HTML", Fault.html(502), 2),
    answered("GET slower than the timeout", Fault.delay(TIMEOUT * 3), 2),
    answered("GET dropped", Fault.drop(), 2),
    answered("GET 429", Fault.rate_limited(None), 2),
    failed("GET 504 every time", Fault.status(504), "server_error", "HTTP 504", 4,
           retryable=True, times=None),
    failed("GET 500", Fault.status(500), "server_error", "HTTP 500", 1, retryable=True),
    failed("GET malformed JSON", Fault.malformed_json(), "invalid_response",
           "not valid JSON", 1, retryable=False),
    failed("GET wrong content type", Fault.wrong_content_type(), "invalid_response",
           "expected a JSON answer", 1, retryable=False),
    failed("GET schema violation", Fault.schema_violation(), "invalid_response",
           "does not match its schema", 1, retryable=False),
    failed("GET oversized", Fault.oversized(MAX_BODY * 4), "invalid_response",
           f"larger than {MAX_BODY} bytes", 1, retryable=False),
]
# fmt: on

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
