"""Calls per second: ``call_tool("createSnapshot", …)`` against a bare aiohttp POST.

Every side sends the same request to the same local server: ``POST /v2/snapshots`` with the
same headers (``Authorization: Bearer …``, and the ``User-Agent``, ``Accept`` and OCP context
headers the plugin sends) and the JSON body ``{"instance_id": …, "description": …}``, and reads
and decodes the JSON answer.

- ``plugin``: the whole tool path (lookup, argument validation, request building, sending,
  response validation, :class:`~ocp_vultr.ToolResult`), with the rate limiter off
  (``OCPAgent(rate_limit=None)``): it measures the plugin, not Vultr's limit.
- ``bare``: what a developer would write without the plugin: one shared
  :class:`aiohttp.ClientSession`, ``session.post(url, json=…)``, ``await resp.json()``.
- ``bare_traced``: the bare call on a session with a :class:`aiohttp.TraceConfig` that learns
  whether the request headers went out, as the plugin once did to decide whether a failed
  POST may be resent (it now marks opened connections instead). Not a target: it shows what
  aiohttp's tracing costs.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import aiohttp

from ocp_vultr import OCPAgent
from ocp_vultr.http_caller import USER_AGENT

API_KEY = "BENCH0123456789ABCDEFGHIJKLMNOPQRSTU"
ARGUMENTS: dict[str, Any] = {
    "instance_id": "cb676a46-66fd-4dfb-b839-443f2e6c0b60",
    "description": "nightly 2026-11-26",
}
SIDES = ("plugin", "bare", "bare_traced")

Call = Callable[[], Awaitable[None]]


class CallFailed(RuntimeError):
    """A benchmarked call did not get its 201 snapshot: the figures would be meaningless."""


def plugin_call(agent: OCPAgent) -> Call:
    """One ``call_tool("createSnapshot", …)``, checked to have succeeded."""

    async def call() -> None:
        result = await agent.call_tool("createSnapshot", ARGUMENTS)
        if not result.ok or result.data["snapshot"]["description"] != ARGUMENTS["description"]:
            raise CallFailed(f"plugin call failed: {result!r}")

    return call


def plugin_headers(agent: OCPAgent) -> dict[str, str]:
    """The headers the plugin sends with every request, so that the bare side sends them too."""
    return {
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
        **agent.context_headers(),
        "Authorization": f"Bearer {API_KEY}",
    }


def bare_call(
    session: aiohttp.ClientSession,
    base_url: str,
    headers: dict[str, str],
    *,
    traced: bool = False,
) -> Call:
    """The same request with nothing but aiohttp, checked to have succeeded."""
    url = f"{base_url}/snapshots"

    async def call() -> None:
        context = SimpleNamespace(headers_sent=None) if traced else None
        async with session.post(
            url, json=ARGUMENTS, headers=headers, trace_request_ctx=context
        ) as resp:
            data = await resp.json()
            if resp.status != 201 or data["snapshot"]["description"] != ARGUMENTS["description"]:
                raise CallFailed(f"bare call failed: HTTP {resp.status}")

    return call


async def _headers_sent(session: Any, context: SimpleNamespace, params: Any) -> None:
    context.trace_request_ctx.headers_sent = True


def headers_trace() -> aiohttp.TraceConfig:
    """A TraceConfig that notes when the request headers went out."""
    config = aiohttp.TraceConfig()
    config.on_request_headers_sent.append(_headers_sent)
    return config


@dataclass(frozen=True, slots=True)
class Run:
    """One timed run of one side."""

    calls_per_second: float
    cpu_us_per_call: float
    """CPU time of this (client) process per call: the client's own cost."""


async def timed_run(call: Call, calls: int, in_flight: int) -> Run:
    """Run ``calls`` calls with ``in_flight`` of them at a time."""
    remaining = calls

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    cpu, wall = time.process_time(), time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(min(in_flight, calls)):
            group.create_task(worker())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Run(calls / wall, cpu / calls * 1e6)


@dataclass
class Comparison:
    """The runs of every side at one level of concurrency, in the order they were taken."""

    in_flight: int
    runs: dict[str, list[Run]] = field(default_factory=lambda: {side: [] for side in SIDES})


async def compare(
    base_url: str, *, repetitions: int, calls: int, in_flight: int, warmup: int
) -> Comparison:
    """Every side ``repetitions`` times, interleaved, after ``warmup`` calls each.

    The order rotates from one repetition to the next, so that no side always runs on the
    warmer or the quieter moment of a shared machine.
    """
    comparison = Comparison(in_flight)
    async with (
        OCPAgent(rate_limit=None) as agent,
        aiohttp.ClientSession() as session,
        aiohttp.ClientSession(trace_configs=[headers_trace()]) as traced_session,
    ):
        agent.register_api("vultr", base_url=base_url, api_key=API_KEY)
        calls_of = {
            "plugin": plugin_call(agent),
            "bare": bare_call(session, base_url, plugin_headers(agent)),
            "bare_traced": bare_call(traced_session, base_url, plugin_headers(agent), traced=True),
        }
        for call in calls_of.values():
            await timed_run(call, warmup, in_flight)
        for repetition in range(repetitions):
            shift = repetition % len(SIDES)
            for side in SIDES[shift:] + SIDES[:shift]:
                gc.collect()  # no run pays for the garbage of the one before
                run = await timed_run(calls_of[side], calls, in_flight)
                comparison.runs[side].append(run)
    return comparison
